"""A scripted class: N students at once, through the hub, the way their browsers talk to it.

Each student (one asyncio task, :class:`Student`), with a token the teacher's
service made for them:

1. starts their server through the hub's REST API (``POST /hub/api/users/NAME/server``;
   a 429 "too many starting" is waited out and retried, as JupyterHub's spawn page does);
2. clicks the handout link: nbgitpuller's ``git-pull/api`` clones the course;
3. opens the lab and a chapter (contents API), starts a kernel for each
   (sessions API) and connects to it through the proxy (the kernel
   websocket, ``/user/NAME/api/kernels/ID/channels``, Jupyter's JSON protocol);
4. waits at a barrier so the whole class presses **Run All** at the same
   moment, then runs every code cell in order (``execute_request``, outputs
   from iopub until the cell's kernel is idle);
5. saves the notebooks with their outputs (contents API); the saved lab is
   the hand-in the teacher collects.

A student's lab may be edited first (``solve``: the task cells that get the
course's solution), so that a class's grades differ.

What is measured per notebook: time to first output (from Run All to the
first output any cell shows), Run All time, cells that failed (an error
reply where the stored notebook has none), cells that timed out (no reply
within ``cell_timeout``), and how often the student was told "busy" and
retried (a 429/502/503, a websocket that closed and was reopened with the
same session, so no message is lost: the server replays what it buffered).
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlencode

import nbformat
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

from whygo.classroom.handout import BRANCH, REPO, TARGET

BUSY = (429, 502, 503, 599)
OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")
DEAD = ("restarting", "autorestarting", "dead")    # what the server says when a kernel died


@dataclass
class Cell:
    id: str
    status: str                   # ok | error | expected-error | timeout | lost | dead
    seconds: float
    error: str = ""


@dataclass
class NotebookRun:
    path: str
    kernel: str = ""
    first_output_seconds: float | None = None
    run_all_seconds: float | None = None
    cells: list[Cell] = field(default_factory=list)
    saved: bool = False

    @property
    def failed(self) -> list[Cell]:
        return [c for c in self.cells if c.status not in ("ok", "expected-error")]


@dataclass
class StudentRun:
    name: str
    spawn_seconds: float | None = None
    pull_seconds: float | None = None
    notebooks: list[NotebookRun] = field(default_factory=list)
    busy_retries: int = 0
    reconnects: int = 0
    errors: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)    # what the student was told while waiting


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class Student:
    def __init__(self, hub_url: str, class_dir: str, name: str, token: str, *, cell_timeout: float = 600):
        self.hub_url, self.class_dir, self.name, self.token = hub_url.rstrip("/"), class_dir, name, token
        self.base = f"{self.hub_url}/user/{name}"
        self.cell_timeout = cell_timeout
        self.run = StudentRun(name)
        self.http = AsyncHTTPClient()
        self.kernels: list[str] = []

    # -- HTTP with "busy, retrying" -----------------------------------------------------------
    async def request(self, method: str, url: str, body=None, *, timeout: float = 300,
                      tries: int = 60, **kw) -> tuple[int, object]:
        headers = {"Authorization": f"token {self.token}"}
        data = None if body is None else json.dumps(body)
        if method in ("POST", "PUT", "PATCH") and data is None:
            data = ""
        for attempt in range(tries):
            try:
                resp = await self.http.fetch(HTTPRequest(url, method=method, headers=headers, body=data,
                                                         request_timeout=timeout, **kw))
                text = resp.body.decode() if resp.body else ""
                return resp.code, (json.loads(text) if text.strip().startswith(("{", "[")) else text)
            except HTTPClientError as exc:
                if exc.code not in BUSY or attempt == tries - 1:
                    raise
                wait = float((exc.response.headers.get("Retry-After") if exc.response else None) or 2)
                self.run.busy_retries += 1
                self.run.messages.append(f"busy ({exc.code}), retrying in {wait:g} s")
                await asyncio.sleep(min(wait, 10))
        raise AssertionError("not reached")

    # -- 1. the server ------------------------------------------------------------------------------
    async def start_server(self, timeout: float = 600) -> None:
        start = time.monotonic()
        try:
            await self.request("POST", f"{self.hub_url}/hub/api/users/{self.name}/server")
        except HTTPClientError as exc:   # 400 "already running": a student who comes back
            if exc.code != 400 or b"already running" not in (exc.response.body if exc.response else b""):
                raise
        while time.monotonic() - start < timeout:
            _, user = await self.request("GET", f"{self.hub_url}/hub/api/users/{self.name}")
            server = user.get("servers", {}).get("")
            if server and server.get("ready"):
                self.run.spawn_seconds = time.monotonic() - start
                return
            if not user.get("pending") and not server:
                raise RuntimeError("the server stopped while starting")
            await asyncio.sleep(0.5)
        raise TimeoutError(f"the server was not ready within {timeout:g} s")

    # -- 2. the handout -----------------------------------------------------------------------------
    async def pull(self) -> None:
        start = time.monotonic()
        query = urlencode({"repo": f"file://{self.class_dir}/{REPO}", "branch": BRANCH, "targetpath": TARGET})
        _, text = await self.request("GET", f"{self.base}/git-pull/api?{query}", timeout=600)
        events = [json.loads(line[5:]) for line in str(text).splitlines() if line.startswith("data:")]
        if not events or events[-1].get("phase") != "finished":
            raise RuntimeError(f"nbgitpuller did not finish: {events[-1:] or text!r}")
        self.run.pull_seconds = time.monotonic() - start

    # -- 3. a notebook ------------------------------------------------------------------------------
    async def open(self, path: str, solve: dict[str, str] | None = None) -> tuple[NotebookRun, dict, str]:
        _, model = await self.request("GET", f"{self.base}/api/contents/{path}?content=1")
        nb = model["content"]
        for cell in nb["cells"]:
            if solve and cell.get("id") in solve:
                cell["source"] = solve[cell["id"]]
        kernel = nb["metadata"].get("kernelspec", {}).get("name", "python3")
        _, session = await self.request("POST", f"{self.base}/api/sessions",
                                        {"path": path, "type": "notebook", "name": path.rsplit("/", 1)[-1],
                                         "kernel": {"name": kernel}})
        self.kernels.append(session["id"])
        return NotebookRun(path, kernel), nb, session["kernel"]["id"]

    async def _connect(self, kernel_id: str, session_id: str):
        url = f"{self.base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels?session_id={session_id}"
        for attempt in range(30):
            try:
                return await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {self.token}"},
                                                           request_timeout=300),
                                               max_message_size=512 << 20)
            except (HTTPClientError, OSError) as exc:
                code = getattr(exc, "code", 0)
                if code not in BUSY and not isinstance(exc, OSError) or attempt == 29:
                    raise
                self.run.busy_retries += 1
                self.run.messages.append(f"kernel connection busy ({code or exc}), retrying")
                await asyncio.sleep(2)

    async def run_all(self, run: NotebookRun, nb: dict, kernel_id: str, expected_errors: set[str]) -> None:
        """Run every code cell in order, as Run All does; outputs go into ``nb``."""
        session_id = uuid.uuid4().hex
        ws = await self._connect(kernel_id, session_id)
        start = time.monotonic()
        try:
            for cell in nb["cells"]:
                if cell["cell_type"] != "code":
                    continue
                cid = cell.get("id", "")
                if not "".join(cell["source"]).strip():
                    cell["outputs"] = []
                    continue
                cell_start = time.monotonic()
                status, outputs, error, ws = await self._execute(ws, kernel_id, session_id, cell, run, start)
                cell["outputs"] = outputs
                if status == "error" and cid in expected_errors:
                    status = "expected-error"
                run.cells.append(Cell(cid, status, time.monotonic() - cell_start, error))
                if status in ("timeout", "lost", "dead"):
                    break
        finally:
            ws.close()
        run.run_all_seconds = time.monotonic() - start

    async def _execute(self, ws, kernel_id, session_id, cell, run: NotebookRun, run_start: float):
        msg_id = uuid.uuid4().hex
        request = {"header": {"msg_id": msg_id, "username": self.name, "session": session_id,
                              "msg_type": "execute_request", "version": "5.3", "date": _now()},
                   "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                   "content": {"code": "".join(cell["source"]), "silent": False, "store_history": True,
                               "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}
        try:
            await ws.write_message(json.dumps(request))
        except WebSocketClosedError:   # closed while idle (a kernel restart): reopen, same session
            self.run.reconnects += 1
            ws = await self._connect(kernel_id, session_id)
            await ws.write_message(json.dumps(request))
        outputs: list[dict] = []
        reply = idle = None
        deadline = time.monotonic() + self.cell_timeout
        while reply is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout", outputs, f"no reply within {self.cell_timeout:g} s", ws
            try:
                raw = await asyncio.wait_for(ws.read_message(), timeout=left)
            except asyncio.TimeoutError:
                continue
            if raw is None:   # the connection closed: reopen it with the same session, nothing is lost
                self.run.reconnects += 1
                self.run.messages.append("kernel connection closed, reconnecting")
                try:
                    ws = await self._connect(kernel_id, session_id)
                except Exception as exc:   # noqa: BLE001 - the cell is lost; say why
                    return "lost", outputs, f"connection lost: {exc}", ws
                continue
            if isinstance(raw, bytes):
                continue
            msg = json.loads(raw)
            kind = msg.get("msg_type") or msg["header"]["msg_type"]
            if kind == "status" and msg["content"].get("execution_state") in DEAD:
                return "dead", outputs, "the kernel died (JupyterLab: 'the kernel appears to have died')", ws
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg.get("channel") == "shell" and kind == "execute_reply":
                reply = msg["content"]
            elif kind == "status" and msg["content"].get("execution_state") == "idle":
                idle = True
            elif kind == "clear_output":
                outputs.clear()
            elif kind in OUTPUT_TYPES:
                if run.first_output_seconds is None:
                    run.first_output_seconds = time.monotonic() - run_start
                out = nbformat.v4.output_from_msg({"msg_type": kind, "header": {"msg_type": kind},
                                                   "content": msg["content"]})
                if (kind == "stream" and outputs and outputs[-1].get("output_type") == "stream"
                        and outputs[-1]["name"] == out["name"]):
                    outputs[-1]["text"] += out["text"]
                else:
                    outputs.append(dict(out))
        if reply.get("status") == "ok":
            return "ok", outputs, "", ws
        return "error", outputs, f"{reply.get('ename', reply.get('status'))}: {reply.get('evalue', '')}"[:300], ws

    async def execute(self, codes: list[str], kernel: str = "python3") -> list[tuple[str, str]]:
        """Run each code string in turn in a fresh kernel of this student's; (status, what it showed)."""
        _, model = await self.request("POST", f"{self.base}/api/kernels", {"name": kernel})
        session_id = uuid.uuid4().hex
        ws = await self._connect(model["id"], session_id)
        run, results = NotebookRun("(scratch)", kernel), []
        try:
            for code in codes:
                status, outputs, error, ws = await self._execute(ws, model["id"], session_id, {"source": code},
                                                                 run, time.monotonic())
                results.append((status, output_text(outputs) + error))
                if status == "dead":    # as JupyterLab does: wait for the restarted kernel
                    await self._wait_idle(model["id"])
        finally:
            ws.close()
            with contextlib.suppress(Exception):   # the server may be gone: that is a result too
                await self.request("DELETE", f"{self.base}/api/kernels/{model['id']}", tries=3)
        return results

    async def _wait_idle(self, kernel_id: str, timeout: float = 180) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            _, model = await self.request("GET", f"{self.base}/api/kernels/{kernel_id}")
            if model.get("execution_state") == "idle":
                return
            await asyncio.sleep(1)
        raise TimeoutError(f"the kernel did not come back within {timeout:g} s")

    async def save(self, run: NotebookRun, nb: dict) -> None:
        await self.request("PUT", f"{self.base}/api/contents/{run.path}",
                           {"type": "notebook", "format": "json", "content": nb})
        run.saved = True

    async def shutdown_kernels(self) -> None:
        for session in self.kernels:
            with contextlib.suppress(Exception):   # the server may be gone already
                await self.request("DELETE", f"{self.base}/api/sessions/{session}", tries=3)
        self.kernels.clear()


def output_text(outputs: list[dict]) -> str:
    """What a list of outputs shows as text: streams, text/plain results, errors."""
    parts = []
    for o in outputs:
        if o.get("output_type") == "stream":
            parts.append(o["text"])
        elif o.get("output_type") == "error":
            parts.append(f"{o['ename']}: {o['evalue']}\n")
        elif "text/plain" in o.get("data", {}):
            parts.append(str(o["data"]["text/plain"]) + "\n")
    return "".join(parts)


def expected_errors(nb: dict) -> set[str]:
    """Cells whose stored outputs hold an error: failing is what they are meant to do."""
    return {c.get("id", "") for c in nb["cells"] if c["cell_type"] == "code"
            and any(o.get("output_type") == "error" for o in c.get("outputs", []))}


@dataclass
class Plan:
    """What each student does: notebooks (paths in their clone), and their lab edits."""
    notebooks: list[str]
    solve: dict[str, dict[str, str]] = field(default_factory=dict)   # student -> {cell id: source}
    stored: dict[str, set[str]] = field(default_factory=dict)        # notebook path -> expected-error cells


async def one_student(student: Student, plan: Plan, barriers: list[asyncio.Barrier]) -> StudentRun:
    run = student.run
    opened = []
    try:
        await student.start_server()
        await student.pull()
        for path in plan.notebooks:
            opened.append((path, *await student.open(path, plan.solve.get(student.name) if path.startswith(
                f"{TARGET}/labs/") else None)))
    except Exception as exc:   # noqa: BLE001 - a student who cannot start is a result, not a crash
        run.errors.append(f"{type(exc).__name__}: {exc}")
    for i, barrier in enumerate(barriers):   # everyone presses Run All together, notebook after notebook
        await barrier.wait()
        if i < len(opened) and not run.errors:
            path, nb_run, nb, kernel_id = opened[i]
            run.notebooks.append(nb_run)
            try:
                await student.run_all(nb_run, nb, kernel_id, plan.stored.get(path, set()))
                await student.save(nb_run, nb)
            except Exception as exc:   # noqa: BLE001
                run.errors.append(f"{path}: {type(exc).__name__}: {exc}")
    await student.shutdown_kernels()
    return run


async def run_class(hub_url: str, class_dir: str, tokens: dict[str, str], plan: Plan, *,
                    cell_timeout: float = 600) -> list[StudentRun]:
    AsyncHTTPClient.configure(None, max_clients=max(10, 4 * len(tokens)))
    barriers = [asyncio.Barrier(len(tokens)) for _ in plan.notebooks]
    students = [Student(hub_url, class_dir, name, token, cell_timeout=cell_timeout)
                for name, token in tokens.items()]
    return list(await asyncio.gather(*(one_student(s, plan, barriers) for s in students)))


# -- figures -------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def summarize(runs: list[StudentRun], notebook: str) -> dict[str, float | int | None]:
    """Figures over the class for one notebook path."""
    mine = [nb for r in runs for nb in r.notebooks if nb.path == notebook]
    times = [nb.run_all_seconds for nb in mine if nb.run_all_seconds is not None and not nb.failed]
    first = [nb.first_output_seconds for nb in mine if nb.first_output_seconds is not None]
    return {"students": len(runs), "ran": len(mine),
            "run_all_p50_seconds": percentile(times, 0.5), "run_all_p95_seconds": percentile(times, 0.95),
            "run_all_max_seconds": max(times) if times else None,
            "first_output_p50_seconds": percentile(first, 0.5), "first_output_p95_seconds": percentile(first, 0.95),
            "failed_cells": sum(len(nb.failed) for nb in mine),
            "timeouts": sum(c.status in ("timeout", "lost") for nb in mine for c in nb.cells),
            "kernels_died": sum(c.status == "dead" for nb in mine for c in nb.cells),
            "saved": sum(nb.saved for nb in mine)}


def to_json(runs: list[StudentRun]) -> list[dict]:
    return [asdict(r) for r in runs]

