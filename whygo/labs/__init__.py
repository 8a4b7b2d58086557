"""Lab notebooks with automatic checks, and the classroom grader.

In a lab notebook::

    %load_ext whygo.labs          # the %%task magic (a Go task cell kept for its check)
    from whygo.labs import check
    check("escape/1")             # shows one verdict, never raises

Modules: ``protocol`` (the verdict line both kernels print and the grader
reads), ``feedback`` (the verdict as the learner sees it: a coloured box, hints
in tiers, the lab's progress), ``catalog`` (labs, cell ids, solutions),
``registry`` (where checks and task contexts are found), ``tasks`` (``%%task``:
glue over :func:`whygo.golang.cells.run_task_cell`), ``golab`` (build the
learner's Go with a check's test harness), one module of
checks per Python-kernel lab (``escape``, ``sched``, ``barrier``, ``diet``,
``binary``; the Go-kernel lab checks itself in Go, and ``leak`` lists the
sentences its checks print, so that the Chinese edition can show them translated),
``notebook``
(cell ids, solution injection, student versions), ``execute`` (runs one
notebook in a fresh kernel, in its own process), ``grade`` (``whygo grade``),
``sandbox``, ``answers`` and ``judge`` (how the grader contains a submission;
its processes are started and stopped by :mod:`whygo.golang.process`).
"""
from __future__ import annotations

from whygo.i18n import _
from whygo.labs.protocol import Verdict, not_yet

__all__ = ["check", "load_ipython_extension", "main_grade", "main_student"]


def _namespace() -> dict:
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        return shell.user_ns
    import __main__
    return vars(__main__)


def run_check(check_id: str, ns: dict | None = None) -> Verdict:
    """The verdict of one check; every failure of the learner's code becomes "not yet"."""
    from whygo.labs.registry import checks
    table = checks()
    if check_id not in table:
        return not_yet(check_id if "/" in check_id else "unknown/0",
                       _("there is no check {check!r}").format(check=check_id),
                       _("the checks are {checks}").format(checks=", ".join(table)))
    try:
        return table[check_id](_namespace() if ns is None else ns)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:   # a check never shows a traceback
        return not_yet(check_id, _("the check could not run your code: {error}").format(
                           error=f"{type(exc).__name__}: {exc}"),
                       _("run the cells above in order, then this one again"))


def check(check_id: str, ns: dict | None = None) -> None:
    """Run a check and show its verdict: in IPython a box whose text form is the verdict line
    (:mod:`whygo.labs.feedback`), elsewhere the line itself."""
    from whygo.labs.feedback import shown
    result = shown(run_check(check_id, ns))
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is None:
        print(repr(result))
    else:
        from IPython.display import display
        display(result)


def load_ipython_extension(ipython) -> None:
    from whygo.labs.tasks import load_ipython_extension as load
    load(ipython)


def main_grade(argv: list[str] | None = None) -> int:
    from whygo.labs.grade import main
    return main(argv)


def main_student(argv: list[str] | None = None) -> int:
    from whygo.labs.notebook import main_student
    return main_student(argv)
