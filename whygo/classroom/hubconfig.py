"""The hub's configuration: ``whygo classroom hub-config`` writes ``CLASS/hub/jupyterhub_config.py``.

The written file is two lines that call :func:`configure`, so that what a
class needs is kept here, with the reasons, and a teacher adds their own
settings after the call (they win). What it sets, and why:

* LocalProcessSpawner's subclass :class:`~whygo.classroom.spawner.ClassroomSpawner`:
  a Unix user per student, limits, warm caches; servers start from ``CLASS/env``.
* ``allowed_users`` is the roster: nobody else can log in. ``auth="pam"``
  (students log in with their Unix password) for a real class; ``"dummy"``
  (a password in ``hub/dummy-password``) for trying it out and for the tests.
* The teacher's token (``hub/teacher-token``, a JupyterHub service with the
  scopes to manage users, servers and tokens): for the ``whygo classroom``
  commands and scripts, never for a browser.
* Under load: at most ``spawn_limit`` servers starting at once; the others
  get JupyterHub's page "Too many users trying to log in right now. Try again
  in N seconds" (N from 10 to 30 s, about one start on a busy 2-core machine,
  instead of the 30-60 s default), rather than a start that times out. Start
  and HTTP timeouts of 5 minutes instead of the 30-60 s defaults, a
  kernel-info timeout of 5 minutes (a kernel started while thirty others start
  is slow, not dead), idle kernels culled after an hour. ``whygo classroom
  start`` starts every student's server before the lesson (:mod:`whygo.classroom.hub`).
* Loopback only, the hub's internal and proxy-API ports picked free at start;
  kernels on Unix sockets (IPC) in the student's runtime folder, never TCP ports
  (many servers starting kernels at once collided on "free" ports).
"""
from __future__ import annotations

import secrets
import socket
from pathlib import Path

from whygo.classroom.handout import GITCONFIG
from whygo.classroom.users import read_roster

HUB_DIR = "hub"
TEACHER = "whygo-teacher"
CONFIG = "jupyterhub_config.py"
TEMPLATE = '''\
# Written by `whygo classroom hub-config`; the reasons are in whygo/classroom/hubconfig.py.
# Start the hub from this folder, as root: jupyterhub -f {config}
# Your own settings go after the call (they override it).
from whygo.classroom.hubconfig import configure

configure(c, class_dir={class_dir!r}, port={port}, ip={ip!r}, auth={auth!r}, admin={admin!r},
          memory_mb={memory_mb}, processes={processes}, spawn_limit={spawn_limit})
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proxy_command(class_dir: Path) -> list[str]:
    """configurable-http-proxy: the one `make classroom-setup` installed (build/classroom/node), else PATH."""
    repo = Path(__file__).resolve().parents[2]
    local = repo / "build" / "classroom" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    return [str(local)] if local.exists() else ["configurable-http-proxy"]


def hub_dir(class_dir: str | Path) -> Path:
    return Path(class_dir) / HUB_DIR


def teacher_token(class_dir: str | Path) -> str:
    return (hub_dir(class_dir) / "teacher-token").read_text().strip()


def hub_url(class_dir: str | Path) -> str:
    """Where the hub of the class listens (written by :func:`write_config`), for the teacher's commands."""
    return (hub_dir(class_dir) / "url").read_text().strip()


def _secret_file(path: Path) -> str:
    if not path.exists():
        path.write_text(secrets.token_hex(32) + "\n")
    path.chmod(0o600)
    return path.read_text().strip()


def write_config(class_dir: str | Path, *, port: int = 8000, ip: str = "127.0.0.1", auth: str = "pam",
                 admin: list[str] = (), memory_mb: int = 2048, processes: int = 512,
                 spawn_limit: int = 4) -> Path:
    """Write ``CLASS/hub/jupyterhub_config.py`` (and the teacher's token); its path."""
    if auth not in ("pam", "dummy"):
        raise ValueError(f"auth={auth!r}: use 'pam' (Unix passwords) or 'dummy' (a shared test password)")
    class_dir = Path(class_dir).resolve()
    read_roster(class_dir / "roster.txt")   # fail now, not when the hub starts
    hub = hub_dir(class_dir)
    hub.mkdir(exist_ok=True)
    hub.chmod(0o700)
    _secret_file(hub / "teacher-token")
    if auth == "dummy":
        _secret_file(hub / "dummy-password")
    (hub / "url").write_text(f"http://{'127.0.0.1' if ip in ('0.0.0.0', '') else ip}:{port}\n")
    config = hub / CONFIG
    config.write_text(TEMPLATE.format(config=config, class_dir=str(class_dir), port=port, ip=ip, auth=auth,
                                      admin=list(admin), memory_mb=memory_mb, processes=processes,
                                      spawn_limit=spawn_limit))
    return config


def configure(c, *, class_dir: str, port: int = 8000, ip: str = "127.0.0.1", auth: str = "pam",
              admin: list[str] = (), memory_mb: int = 2048, processes: int = 512, spawn_limit: int = 4) -> None:
    """Fill the JupyterHub config object ``c`` for the class in ``class_dir``."""
    from whygo.classroom.spawner import ClassroomSpawner
    class_dir_path = Path(class_dir)
    hub = hub_dir(class_dir_path)
    roster = read_roster(class_dir_path / "roster.txt")

    c.JupyterHub.bind_url = f"http://{ip}:{port}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{free_port()}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{free_port()}"
    c.ConfigurableHTTPProxy.command = proxy_command(class_dir_path)
    c.ConfigurableHTTPProxy.pid_file = str(hub / "proxy.pid")
    c.JupyterHub.pid_file = str(hub / "hub.pid")
    c.JupyterHub.db_url = f"sqlite:///{hub / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(hub / "cookie-secret")
    c.JupyterHub.cleanup_servers = True      # stopping the hub stops every student's server

    c.JupyterHub.authenticator_class = auth
    c.Authenticator.allowed_users = set(roster)
    c.Authenticator.admin_users = set(admin)
    if auth == "dummy":
        c.DummyAuthenticator.password = (hub / "dummy-password").read_text().strip()

    c.JupyterHub.services = [{"name": TEACHER, "api_token": teacher_token(class_dir_path)}]
    c.JupyterHub.load_roles = [{
        "name": TEACHER, "services": [TEACHER],
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:users:activity"]}]

    c.JupyterHub.spawner_class = ClassroomSpawner
    c.ClassroomSpawner.class_dir = str(class_dir_path)
    c.ClassroomSpawner.memory_mb = memory_mb
    c.ClassroomSpawner.processes = processes
    c.Spawner.default_url = "/lab"
    c.Spawner.notebook_dir = "~"
    c.Spawner.environment = {
        "PATH": f"{class_dir_path / 'env' / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        # nbgitpuller clones the handout, a repository root owns: git must not call that dubious
        "GIT_CONFIG_SYSTEM": str(class_dir_path / GITCONFIG),
    }
    # Kernels talk to their server over Unix sockets in the student's 0700 runtime folder, not
    # TCP ports on 127.0.0.1: thirty servers picking "free" ports at the same moment collide
    # (a kernel that cannot bind dies five restarts in a row), and a port any local user can reach
    # is one more thing to guard.
    c.Spawner.args = ["--KernelManager.transport=ipc",
                      "--MappingKernelManager.kernel_info_timeout=300",
                      "--MappingKernelManager.cull_idle_timeout=3600",
                      "--MappingKernelManager.cull_interval=300"]
    c.JupyterHub.concurrent_spawn_limit = spawn_limit
    c.JupyterHub.spawn_throttle_retry_range = (10, 30)
    c.Spawner.start_timeout = 300
    c.Spawner.http_timeout = 300
