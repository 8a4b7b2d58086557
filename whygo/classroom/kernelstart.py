"""Where a student's kernels start: ``python -m whygo.classroom.kernelstart MODULE ARGS...``.

A kernel raises its own OOM score here (``oom_score_adj`` +500, which needs
no privilege; Go programs and everything else it starts inherit it), then
runs its module. So when a student's processes together pass their memory
limit, the OOM killer takes the kernel or the program that ran away, which
JupyterLab restarts, and not the student's server, which would end their
session. (Lowering the server's score instead needs CAP_SYS_RESOURCE, which
a hub in a container may not have.)
"""
from __future__ import annotations

import contextlib
import runpy
import sys

KERNEL_OOM_SCORE_ADJ = 500


def main() -> None:
    with contextlib.suppress(OSError):
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write(str(KERNEL_OOM_SCORE_ADJ))
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
