"""`make lab`'s first page: the course map, with the file browser at the repository root.

JupyterLab opens the notebook named in its URL (/lab/tree/notebooks/00-course-map.ipynb)
and moves its file browser into that notebook's folder, unless the URL also says
``?file-browser-path=/``. That query cannot go into the server's ``default_url``:
Jupyter prints the default URL with "?token=..." appended, and a second "?" would
make the printed link lose its token. So the default URL is ``START``, a page of this
small server extension (loaded by the course's .jupyter/jupyter_server_config.py)
that redirects to the course map with the query.
"""
from __future__ import annotations

START = "/whygo/start"
COURSE_MAP = "notebooks/00-course-map.ipynb"


def start_target(base_url: str = "/", course_map: str = COURSE_MAP) -> str:
    """Where START leads: the course map in JupyterLab, the file browser at the root."""
    from jupyter_server.utils import url_path_join
    return url_path_join(base_url, "lab/tree", course_map) + "?file-browser-path=/"


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "whygo.lab"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from tornado import web

    class StartHandler(JupyterHandler):
        @web.authenticated
        def get(self) -> None:
            self.redirect(start_target(self.base_url))

    web_app = serverapp.web_app
    web_app.add_handlers(".*$", [(url_path_join(web_app.settings["base_url"], START), StartHandler)])
