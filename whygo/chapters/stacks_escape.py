"""Chapter 3.2 (stacks and escape analysis): the glue its notebook needs.

The stack model is :mod:`whygo.stack` (its drawing :mod:`whygo.views.stack`),
the real runtime's figures come from :mod:`whygo.golang.evidence`. Two parts:

- **Stack growth, model against the real runtime.** ``gocode/cmd/stackgrow``
  (via :func:`whygo.golang.evidence.stack_growth`) reports the recursion
  depths at which a real goroutine's stack moved. :func:`growth_rows` turns
  that report into a table, and :func:`predict_moves` asks the stack model
  (``whygo.stack.model.GStack``, which mirrors ``newstack``/``copystack`` and
  the prologue check against ``stackguard0``) where the moves should happen:
  the frame size is measured from the report, and the only unknown, the
  bytes in use before the recursion starts, is fitted on the first two
  moves; the other moves are predictions.
- **Escape decisions beside the code.** :func:`beside` compiles a cell with
  ``-gcflags=-m`` (build only) and prints each source line with the
  compiler's decisions for that line on its right.
"""
from __future__ import annotations

from dataclasses import dataclass

from whygo.anim import Player
from whygo.golang import runner
from whygo.golang.evidence import stack_growth
from whygo.golang.programs import ChapterError
from whygo.i18n import _
from whygo.stack.constants import load_constants
from whygo.stack.model import GStack, Grow
from whygo.stack.workload import recursion
from whygo.views import stack as stack_view


# -- stack growth -----------------------------------------------------------------------------

def frame_bytes(report: dict) -> int:
    """Bytes one recursion level adds, from the report's checkpoints (used bytes per depth)."""
    points = sorted((c["depth"], c["used_bytes"]) for c in report.get("checkpoints", []))
    if len(points) < 2:
        raise ChapterError(_("the stackgrow report needs at least two checkpoints "
                             "(call stack_growth with at=(0, 100) or more depths)"))
    (d0, u0), (d1, u1) = points[0], points[-1]
    per_level, rest = divmod(u1 - u0, d1 - d0)
    if rest:
        raise ChapterError(_("used bytes do not grow by a whole number per level between "
                             "depths {d0} and {d1}: {u0} -> {u1}").format(d0=d0, d1=d1, u0=u0, u1=u1))
    return per_level


def growth_rows(report: dict) -> list[tuple[int, int, int, str]]:
    """(move number, depth, used bytes, 'old -> new' stack size) for each move of the stack.

    Every growth doubles the stack (newstack: ``newsize := oldsize * 2``), starting at
    ``starting_stack_bytes``."""
    size = report["starting_stack_bytes"]
    rows = []
    for k, move in enumerate(report["growths"], 1):
        rows.append((k, move["depth"], move["used_bytes"], f"{_kib(size)} -> {_kib(2 * size)}"))
        size *= 2
    return rows


def _kib(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 else f"{n >> 10} KiB"


def model_moves(base: int, frame: int, depth: int, start_size: int = 2048) -> list[int]:
    """Depths at which the stack model grows: a goroutine that already uses ``base`` bytes
    calls a function with a ``frame``-byte frame recursively, ``depth`` + 1 times."""
    g = GStack(start_size)
    g.call("goroutine entry", base)
    out = []
    for d in range(depth + 1):
        if any(isinstance(e, Grow) for e in g.call("descend", frame)):
            out.append(d)
    return out


@dataclass(frozen=True)
class Prediction:
    frame: int                  # bytes per level, measured from the real report
    bases: tuple[int, ...]      # every base (multiple of 8) that reproduces the fitted moves
    fitted: int                 # how many real moves the base was fitted on
    real: tuple[int, ...]       # depths of the real moves
    predicted: tuple[int, ...]  # depths of the model's moves, with the smallest fitted base

    @property
    def all_match(self) -> bool:
        return self.predicted == self.real


def predict_moves(report: dict, fit_on: int = 2, max_base: int = 4096) -> Prediction:
    """Fit the model's one unknown (bytes in use before the recursion) on the first ``fit_on``
    real moves, then predict every move of the report."""
    real = tuple(m["depth"] for m in report["growths"])
    if len(real) <= fit_on:
        raise ChapterError(_("the report has {moves} moves; fitting on {fit_on} leaves "
                             "nothing to predict: recurse deeper (stack_growth(depth=...))").format(
                                 moves=len(real), fit_on=fit_on))
    frame = frame_bytes(report)
    start = report["starting_stack_bytes"]
    bases = tuple(b for b in range(8, max_base, 8)
                  if model_moves(b, frame, real[fit_on - 1], start) == list(real[:fit_on]))
    if not bases:
        raise ChapterError(_("no base of at most {max_base} bytes reproduces the first "
                             "{fit_on} moves {moves} with {frame}-byte frames").format(
                                 max_base=max_base, fit_on=fit_on, moves=real[:fit_on], frame=frame))
    predicted = tuple(model_moves(bases[0], frame, real[-1], start))
    return Prediction(frame, bases, fit_on, real, predicted)


# -- escape decisions beside the code ---------------------------------------------------------

@dataclass(frozen=True)
class Beside:
    """Source lines with the compiler's decisions on the right (shows as plain text)."""
    lines: tuple[tuple[int, str, tuple[str, ...]], ...]
    output: str = ""            # what the program printed, when it was run

    def decisions(self, line: int) -> tuple[str, ...]:
        for number, _text, found in self.lines:
            if number == line:
                return found
        raise ChapterError(_("line {line} is not in the cell (1..{last})").format(line=line, last=len(self.lines)))

    def all_decisions(self) -> list[str]:
        return [d for _, _, found in self.lines for d in found]

    def __repr__(self) -> str:
        # Notes line up after the code, but a very long line does not push every note away.
        width = min(max((len(text.expandtabs(4)) for _, text, found in self.lines if found), default=0), 56)
        out = []
        for number, text, found in self.lines:
            text = text.expandtabs(4)
            note = f"{' ' * max(width - len(text), 0)}  // -m: {'; '.join(found)}" if found else ""
            out.append(f"{number:3} {text}{note}".rstrip())
        if self.output:
            out += ["", _("program output:"), self.output.rstrip("\n")]
        return "\n".join(out)


def beside(source: str, *, gcflags: str = "-m", inlining: bool = False, run: bool = False) -> Beside:
    """Compile ``source`` (any cell form) with ``gcflags`` and pair each line with the
    decisions the compiler printed for it. ``inlining=False`` leaves out the inlining
    messages ("can inline", "inlining call to") to keep the escape decisions in view.
    ``run=True`` also runs the program and keeps what it printed."""
    if not isinstance(source, str) or not source.strip():
        raise ChapterError(_("beside() needs Go source text (a cell's code)"))
    result = runner.run(source, gcflags=gcflags, build_only=not run)
    if result.compile_errors:
        e = result.compile_errors[0]
        raise ChapterError(_("the code does not compile (line {line}: {message}); fix it first").format(
            line=e.line, message=e.message))
    if run and not result.ok:
        raise ChapterError(_("the program failed: {error}").format(error=result.error_message())
                           + f"\n{result.stderr[-1500:]}")
    by_line: dict[int, list[str]] = {}
    for d in result.diagnostics:
        if d.file != "cell.go" or d.line <= 0:
            continue
        if not inlining and d.message.startswith(("can inline", "inlining call to")):
            continue
        if d.message not in by_line.setdefault(d.line, []):
            by_line[d.line].append(d.message)
    lines = source.rstrip("\n").split("\n")  # keep line 1 = the cell's line 1
    return Beside(tuple((i, text, tuple(by_line.get(i, ()))) for i, text in enumerate(lines, 1)),
                  result.stdout if run else "")


# What the notebook reaches through this module (besides the helpers above).
__all__ = ["Beside", "ChapterError", "Player", "Prediction", "beside", "frame_bytes", "growth_rows",
           "load_constants", "model_moves", "predict_moves", "recursion", "stack_growth", "stack_view"]
