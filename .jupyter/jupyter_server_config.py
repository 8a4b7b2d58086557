"""The course's Jupyter settings: `make lab` puts this folder on JUPYTER_CONFIG_PATH.

The settings themselves are whygo.lab.server_config (Binder and hub images get the same
ones from postBuild). Your own ~/.jupyter settings still apply (and win where both set
something); a plain `jupyter lab` run without make does not read this file.
lab/settings/overrides.json5 holds the JupyterLab settings the course needs.
"""
from pathlib import Path

from whygo.lab import server_config

c = get_config()  # noqa: F821 - defined by traitlets when it loads this file

for section, values in server_config(Path(__file__).resolve().parent).items():
    for name, value in values.items():
        setattr(c[section], name, value)
