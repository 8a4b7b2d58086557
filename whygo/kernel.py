"""The "Go (whygo)" Jupyter kernel: every cell is Go, built and run by the course runner.

Start: ``python -m whygo.kernel -f CONNECTION_FILE`` (the kernel spec written
by ``whygo/kernelspec.py``). It is a wrapper kernel (``ipykernel.kernelbase.
Kernel``): no Python runs in the cells. A cell goes through exactly the same
steps as a ``%%go`` cell (:func:`whygo.golang.cells.run_cell`), with the flags in an
optional first-line comment::

    //whygo: --timeout 5 --gcflags=-m --env GODEBUG=gctrace=1
    //whygo: --save helpers        (keep these declarations for later cells)

The flag line is blanked, not removed, so cell line numbers stay those the
learner sees. Output arrives as stream messages (compiler decisions or
assembly, then stdout, then stderr; a lab check's verdict line on stdout
arrives as a display message, its box); a compile error, panic, non-zero exit or
timeout becomes an ``error`` reply with a one-entry traceback (for a compile
error: every compiler message, shown there once and not on stderr). The kernel
never dies on a bad cell.

Interrupts use ``interrupt_mode: signal``: ipykernel turns SIGINT into
KeyboardInterrupt while a cell runs; the runner then kills the Go program's
whole process group (it runs in its own session, so the signal itself never
reaches it) and the cell replies "interrupted".
"""
from __future__ import annotations

import re

from ipykernel.kernelbase import Kernel

from whygo import __version__
from whygo.golang.cells import CellFlags, CellFlagsError, failure_note, parse_flags, run_cell

FLAG_PREFIX = "//whygo:"
_GO_KEYWORDS = ("break case chan const continue default defer else fallthrough for func go goto "
                "if import interface map package range return select struct switch type var").split()


def split_flag_line(code: str) -> tuple[CellFlags, str]:
    """The cell's flags (from a first line ``//whygo: ...``) and its source, line numbers kept."""
    first, newline, rest = code.partition("\n")
    if not first.lstrip().startswith(FLAG_PREFIX):
        return parse_flags(""), code
    return parse_flags(first.lstrip()[len(FLAG_PREFIX):]), newline + rest


# comments, raw strings, strings, runes (each possibly unterminated), or one bracket
_TOKEN = re.compile(r"""//[^\n]*|/\*.*?(?:\*/|\Z)|`[^`]*(?:`|\Z)|"(?:\\.|[^"\\\n])*"?"""
                    r"""|'(?:\\.|[^'\\\n])*'?|[()\[\]{}]""", re.DOTALL)


def is_complete(code: str) -> str:
    """"complete", "incomplete" (an open bracket, block comment or raw string) or
    "invalid" (a closing bracket with nothing open)."""
    depth = 0
    for m in _TOKEN.finditer(code):
        tok = m.group()
        if (tok.startswith("/*") and (len(tok) < 4 or not tok.endswith("*/"))) or \
           (tok.startswith("`") and (len(tok) < 2 or not tok.endswith("`"))):
            return "incomplete"
        if tok in ("(", "[", "{"):
            depth += 1
        elif tok in (")", "]", "}"):
            depth -= 1
            if depth < 0:
                return "invalid"
    return "incomplete" if depth > 0 else "complete"


class GoKernel(Kernel):
    implementation = "whygo"
    implementation_version = __version__
    language = "go"
    language_info = {
        "name": "go",
        "file_extension": ".go",
        "mimetype": "text/x-go",
        "codemirror_mode": "go",
        "pygments_lexer": "go",
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._go_session = None
        self._std_packages: list[str] | None = None
        try:
            from whygo.golang.toolchain import toolchain
            tc = toolchain()
            self.language_info = {**self.language_info, "version": tc.version.removeprefix("go")}
            self._toolchain_line = f"{tc.version} ({tc.goroot})" + (f"\n{tc.warning()}" if tc.warning() else "")
        except Exception as exc:  # a missing toolchain must not stop the kernel: cells will say so
            self._toolchain_line = f"no Go toolchain: {exc}"

    @property
    def banner(self) -> str:
        return (f"Go (whygo) {__version__}: each cell is built and run with {self._toolchain_line}\n"
                f"Flags on a first line: {FLAG_PREFIX} --timeout 5 --gcflags=-m --save NAME "
                f"(`{FLAG_PREFIX} --help` lists them)")

    @property
    def go_session(self):
        """The runner Session of this kernel (``self.session`` is ipykernel's message session)."""
        if self._go_session is None:
            from whygo.golang.runner import Session
            self._go_session = Session()
        return self._go_session

    # -- execution -------------------------------------------------------------
    def _stream(self, name: str, text: str) -> None:
        self.send_response(self.iopub_socket, "stream", {"name": name, "text": text})

    def _program_output(self, text: str) -> None:
        """The program's output; a lab check's verdict line shows as its box (whygo.labs.feedback),
        with the line as its text form."""
        from whygo.labs.feedback import split_output
        for part in split_output(text):
            if isinstance(part, str):
                self._stream("stdout", part)
            else:
                self.send_response(self.iopub_socket, "display_data", {
                    "data": {"text/plain": repr(part), "text/html": part._repr_html_()}, "metadata": {}})

    def _error(self, ename: str, evalue: str) -> dict:
        content = {"ename": ename, "evalue": evalue,
                   "traceback": [f"\x1b[0;31m{ename}\x1b[0m: {evalue}"]}
        self.send_response(self.iopub_socket, "error", content)
        return {"status": "error", "execution_count": self.execution_count, **content}

    async def do_execute(self, code, silent, store_history=True, user_expressions=None,
                         allow_stdin=False, **kwargs):
        if not code.strip():
            return self._ok()
        try:
            flags, source = split_flag_line(code)
        except CellFlagsError as exc:
            return self._error("UsageError", str(exc))
        try:
            outcome = run_cell(flags, source, self.go_session)
        except KeyboardInterrupt:
            return self._error("KeyboardInterrupt", "interrupted")
        except Exception as exc:  # the toolchain or the runner itself: report, stay alive
            self.log.exception("cell failed")
            return self._error(type(exc).__name__, str(exc))
        if not silent:
            for name, text in outcome.chunks:
                if name == "stdout":
                    self._program_output(text)
                else:
                    self._stream(name, text)
        if outcome.error and not flags.allow_fail:
            return self._error("GoCellError", outcome.error)
        if outcome.error and not silent:
            self._stream("stderr", failure_note(outcome))
        return self._ok()

    def _ok(self) -> dict:
        return {"status": "ok", "execution_count": self.execution_count,
                "payload": [], "user_expressions": {}}

    async def do_is_complete(self, code):
        status = is_complete(code)
        return {"status": status, "indent": "\t"} if status == "incomplete" else {"status": status}

    async def do_complete(self, code, cursor_pos):
        """Standard-library package names and Go keywords for the word before the cursor."""
        m = re.search(r"[A-Za-z_][A-Za-z0-9_/]*$", code[:cursor_pos])
        if not m or code[:m.start()].endswith("."):  # after "fmt." a member is wanted, not a package
            return {"status": "ok", "matches": [], "cursor_start": cursor_pos,
                    "cursor_end": cursor_pos, "metadata": {}}
        word = m.group(0)
        matches = sorted({w for w in [*self._std(), *_GO_KEYWORDS] if w.startswith(word) and w != word})
        return {"status": "ok", "matches": matches, "cursor_start": m.start(),
                "cursor_end": cursor_pos, "metadata": {}}

    def _std(self) -> list[str]:
        if self._std_packages is None:
            try:
                from whygo.golang.snippet import std_packages   # `go list std`, cached per toolchain
                listed = [path for path, _ in std_packages()]
                self._std_packages = sorted({p for p in listed if "internal" not in p.split("/")
                                             and not p.startswith("vendor/")} |
                                            {p.rsplit("/", 1)[-1] for p in listed if "internal" not in p})
            except Exception:
                self._std_packages = []
        return self._std_packages

    async def do_shutdown(self, restart):
        from whygo.golang.process import interrupt_all
        interrupt_all()
        if self._go_session is not None:
            self._go_session.close()
            self._go_session = None
        return {"status": "ok", "restart": restart}


def main() -> None:
    from ipykernel.kernelapp import IPKernelApp
    IPKernelApp.launch_instance(kernel_class=GoKernel)


if __name__ == "__main__":
    main()
