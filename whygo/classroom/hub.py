"""Start, talk to and stop a class's hub (the tests, the bench and ``whygo classroom`` use it).

:class:`Hub` starts ``jupyterhub -f CLASS/hub/jupyterhub_config.py`` (the
command the README gives a teacher) in a process group of its own, waits for
its REST API, and stops it: SIGTERM (the hub stops every student's server
and the proxy), then SIGKILL for the group, the proxy by the pid it wrote,
and anything a student left running, by cgroup or by uid.
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from whygo.classroom import limits
from whygo.classroom.hubconfig import CONFIG, hub_dir, hub_url, teacher_token
from whygo.classroom.users import read_roster, student
from whygo.golang import process


STOP_GRACE = 90.0   # seconds the hub gets after SIGTERM to stop its spawners and proxy


class HubError(RuntimeError):
    pass


def hub_command(class_dir: str | Path) -> list[str]:
    return [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(hub_dir(class_dir) / CONFIG)]


class Hub:
    def __init__(self, class_dir: str | Path, port: int | None = None):
        """The hub of ``class_dir``, at ``port`` on loopback (default: the address hub-config wrote)."""
        self.class_dir = Path(class_dir).resolve()
        self.url = f"http://127.0.0.1:{port}" if port else hub_url(self.class_dir)
        self.api_url = f"{self.url}/hub/api"
        self.running: process.Running | None = None
        self.log_path = hub_dir(self.class_dir) / "hub.log"

    @property
    def proc(self) -> subprocess.Popen | None:
        return None if self.running is None else self.running.proc

    @property
    def token(self) -> str:
        return teacher_token(self.class_dir)

    def api(self, method: str, path: str, *, token: str | None = None, **kw) -> requests.Response:
        return requests.request(method, f"{self.api_url}{path}", timeout=kw.pop("timeout", 60),
                                headers={"Authorization": f"token {token or self.token}"}, **kw)

    def start(self, timeout: float = 180) -> "Hub":
        with open(self.log_path, "ab") as log:
            # stopped with SIGTERM (the hub stops its spawners and proxy), SIGKILL after STOP_GRACE
            self.running = process.start(hub_command(self.class_dir), cwd=hub_dir(self.class_dir),
                                         stdout=log, stderr=subprocess.STDOUT,
                                         stop=process.StopRule(signal.SIGTERM, STOP_GRACE))
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            code = self.running.exited()
            if code is not None:
                self.stop()
                raise HubError(f"the hub exited ({code}):\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if self.api("GET", "/", timeout=5).status_code == 200:
                    return self
            time.sleep(0.5)
        self.stop()
        raise HubError(f"the hub did not answer within {timeout:g} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
        proxy_pid = hub_dir(self.class_dir) / "proxy.pid"
        with contextlib.suppress(OSError, ValueError, ProcessLookupError):
            os.kill(int(proxy_pid.read_text()), signal.SIGKILL)
        stop_students(self.class_dir)

    def start_servers(self, names: list[str], *, timeout: float = 1800, progress=None) -> float:
        """Start every student's server (as the teacher; a 429 is waited out); seconds until all are ready."""
        start = time.monotonic()
        pending = list(names)
        while pending and time.monotonic() - start < timeout:
            name = pending[0]
            r = self.api("POST", f"/users/{name}/server")
            if r.status_code == 429:
                time.sleep(min(float(r.headers.get("Retry-After", 5)), 5))
                continue
            if r.status_code not in (201, 202, 400):   # 400: already running
                raise HubError(f"starting the server of {name}: {r.status_code} {r.text[:200]}")
            pending.pop(0)
        while time.monotonic() - start < timeout:
            ready = {u["name"] for u in self.api("GET", "/users").json()
                     if u.get("servers", {}).get("", {}).get("ready")}
            if progress:
                progress(len(ready & set(names)), len(names))
            if set(names) <= ready:
                return time.monotonic() - start
            time.sleep(1)
        raise HubError(f"not every server was ready within {timeout:g} s")

    def stop_servers(self, names: list[str]) -> None:
        for name in names:
            self.api("DELETE", f"/users/{name}/server")

    def __enter__(self) -> "Hub":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def stop_students(class_dir: str | Path) -> int:
    """Kill whatever the roster's students still run (their cgroups, else their uids); how many."""
    cgroups = limits.probe()
    killed = 0
    for name in read_roster(Path(class_dir) / "roster.txt"):
        try:
            uid = student(name).pw_uid
        except KeyError:
            continue
        if cgroups is not None:
            group = cgroups.group(name)
            killed += group.kill_all()
            group.remove()
        killed += limits.kill_uid(uid)
    if cgroups is not None:
        cgroups.remove_base()
    return killed
