"""The course's Jupyter server settings, and `make lab`'s first page.

The settings (:func:`server_config`) come from one place and reach every way the course
is served:

* ``make lab`` puts ``.jupyter/`` on JUPYTER_CONFIG_PATH; its jupyter_server_config.py
  loads them from here;
* Binder and JupyterHub images (repo2docker) run ``postBuild``, which calls
  ``python -m whygo.lab --install PREFIX``: the same settings in the environment's own
  ``PREFIX/etc/jupyter/jupyter_server_config.json``, which every server started from that
  environment reads.

The first page: JupyterLab opens the notebook named in its URL
(/lab/tree/notebooks/00-course-map.ipynb) and moves its file browser into that notebook's
folder, unless the URL also says ``?file-browser-path=...``. That query cannot go into the
server's ``default_url``: Jupyter prints the default URL with "?token=..." appended, and a
second "?" would make the printed link lose its token. So the default URL is ``START``, a
page of this small server extension that redirects to the course map with the query. The
course map is looked for in the server's root folder (``make lab``, Binder), else one
folder down (a hub where nbgitpuller cloned the course into the student's home).

The Chinese edition opens on its own course map (zh/notebooks/00-course-map.ipynb) when
the server was started with ``WHYGO_START_EDITION=zh`` (``make lab EDITION=zh``) or the
start page is asked for with ``?lang=zh``. Only the first page changes: each notebook names
its own edition's kernel, so both editions run side by side in one JupyterLab. With
``WHYGO_START_EDITION=zh`` JupyterLab's own menus are Chinese too (the zh_CN language pack
is installed with the course; a learner can switch in Settings → Language).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

START = "/whygo/start"
COURSE_MAP = "notebooks/00-course-map.ipynb"
EDITION_ENV = "WHYGO_START_EDITION"
EDITION_FOLDERS = {"en": "", "zh": "zh/"}    # where each edition's notebooks are
JUPYTER_DIR = Path(__file__).resolve().parent.parent / ".jupyter"   # the course's .jupyter/
CUSTOM_DIR = JUPYTER_DIR / "custom"


def lab_settings_dir(jupyter_dir: Path, edition: str) -> Path:
    """JupyterLab's settings folder: the course's, or for the Chinese edition a copy of it
    under build/ that also sets JupyterLab's own language (generated: one source of settings)."""
    settings = Path(jupyter_dir) / "lab" / "settings"
    if edition != "zh":
        return settings
    text = (settings / "overrides.json5").read_text(encoding="utf-8")
    overrides = json.loads("\n".join(line for line in text.splitlines()
                                     if not line.lstrip().startswith("//")))
    overrides["@jupyterlab/translation-extension:plugin"] = {"locale": "zh_CN"}
    target = Path(jupyter_dir).resolve().parent / "build" / "lab-settings-zh"
    target.mkdir(parents=True, exist_ok=True)
    (target / "overrides.json").write_text(json.dumps(overrides, indent=1) + "\n", encoding="utf-8")
    return target


def server_config(jupyter_dir: Path = JUPYTER_DIR, edition: str | None = None) -> dict:
    """The course's settings for jupyter_server and JupyterLab.

    - root: the course's own machines and most containers run as root, where JupyterLab
      refuses to start without allow_root; as any other user it changes nothing.
    - the first page: START (above).
    - offline and quiet: no news feed (and no pop-up asking for one), no update check.
    - ``jupyter_dir``/lab/settings/overrides.json5: the JupyterLab settings the course needs
      (no news pop-up; every cell laid out at once, so that a link to a claim lands on it).
    - custom_css: the page loads the course's .jupyter/custom/custom.css (served by this
      extension), which keeps a claim in place while the outputs above it settle.
    """
    jupyter_dir = Path(jupyter_dir)
    edition = edition or os.environ.get(EDITION_ENV, "en")
    return {
        "ServerApp": {"allow_root": True, "jpserver_extensions": {"whygo.lab": True},
                      "default_url": START},
        # `jupyter lab` replaces ServerApp.default_url by its own (LabApp's "/lab"): set both.
        "LabApp": {"default_url": START, "news_url": None,
                   "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
                   "app_settings_dir": str(lab_settings_dir(jupyter_dir, edition)), "custom_css": True},
    }


def install(prefix: Path, jupyter_dir: Path = JUPYTER_DIR) -> Path:
    """Write the settings into ``prefix``'s jupyter_server_config.json (postBuild: Binder, hub
    images), merged into what it already holds. (Not a file in jupyter_server_config.d/: the
    server reads only extension switches there.)"""
    path = Path(prefix) / "etc" / "jupyter" / "jupyter_server_config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    config = json.loads(path.read_text()) if path.is_file() else {}
    for section, values in server_config(jupyter_dir).items():
        config.setdefault(section, {}).update(values)
    path.write_text(json.dumps(config, indent=2) + "\n")
    return path


def find_course_map(root: Path, edition: str = "en") -> str | None:
    """The course map's path under the server's root: at the root, else one folder down."""
    root = Path(root)
    course_map = EDITION_FOLDERS.get(edition, "") + COURSE_MAP
    if (root / course_map).is_file():
        return course_map
    found = sorted(p for p in root.glob(f"*/{course_map}") if not p.relative_to(root).parts[0].startswith("."))
    return found[0].relative_to(root).as_posix() if found else None


def start_target(base_url: str = "/", course_map: str | None = COURSE_MAP) -> str:
    """Where START leads: the course map in JupyterLab, the file browser at the course's folder."""
    from jupyter_server.utils import url_path_join
    if course_map is None:
        return url_path_join(base_url, "lab")
    folder = course_map[:course_map.rindex(COURSE_MAP)].rstrip("/")   # the edition's root folder
    return url_path_join(base_url, "lab/tree", course_map) + f"?file-browser-path=/{folder}"


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "whygo.lab"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from tornado import web

    root = Path(serverapp.root_dir)

    class StartHandler(JupyterHandler):
        @web.authenticated
        def get(self) -> None:
            edition = self.get_argument("lang", os.environ.get(EDITION_ENV, "en"))
            self.redirect(start_target(self.base_url, find_course_map(root, edition)))

    web_app = serverapp.web_app
    # LabApp.custom_css serves custom/custom.css from the server's static_custom_path, a list
    # no setting reaches (the trait is not configurable); JupyterLab's handler reads it on
    # each request, so the course's folder goes first in it.
    custom = web_app.settings.get("static_custom_path")
    if isinstance(custom, list) and str(CUSTOM_DIR) not in custom:
        custom.insert(0, str(CUSTOM_DIR))
    web_app.add_handlers(".*$", [(url_path_join(web_app.settings["base_url"], START), StartHandler)])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m whygo.lab",
                                description="Install the course's Jupyter settings into an environment.")
    p.add_argument("--install", metavar="PREFIX", required=True,
                   help="the environment's prefix (sys.prefix), e.g. on Binder: postBuild")
    ns = p.parse_args(argv)
    print(f"wrote {install(Path(ns.install))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
