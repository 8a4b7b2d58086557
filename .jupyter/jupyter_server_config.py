"""The course's Jupyter settings: `make lab` puts this folder on JUPYTER_CONFIG_PATH.

Your own ~/.jupyter settings still apply (and win where both set something);
a plain `jupyter lab` run without make does not read this file.

- root: the course's own machines and most containers run as root, where
  JupyterLab refuses to start without allow_root; as any other user it
  changes nothing.
- the first page: the course map, with the file browser at the repository
  root (the folder `make lab` runs in), so notebooks/ and labs/ are both in
  sight: /whygo/start, a page of the small server extension whygo.lab, leads
  there (whygo/lab.py says why it takes a page).
- offline and quiet: no news feed (and no pop-up asking for one), no update
  check.
- lab/settings/overrides.json5: the JupyterLab settings the course needs (no
  news pop-up; every cell laid out at once, so that a link to a claim lands on
  it), read from app_settings_dir.
"""
from pathlib import Path

HERE = Path(__file__).resolve().parent

c = get_config()  # noqa: F821 - defined by traitlets when it loads this file

c.ServerApp.allow_root = True
c.ServerApp.jpserver_extensions = {"whygo.lab": True}
# `jupyter lab` replaces ServerApp.default_url by its own (LabApp's "/lab"): set both.
c.ServerApp.default_url = c.LabApp.default_url = "/whygo/start"
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.app_settings_dir = str(HERE / "lab" / "settings")
