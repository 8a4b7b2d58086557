"""pytest set-up for every run in this repository: tests/, and nbval over the notebooks and labs of
both editions (make test, make test-1cpu, tests/machine_matrix.py). tests/conftest.py has the rest.

nbval starts one kernel per notebook and gives up on the whole notebook if that kernel dies before
it answers. That happened once in about twenty suite runs (chapter 3.2, whose cells then all
failed); nbval sends the kernel's stderr to /dev/null, so the reason is lost. The likely one:
jupyter_client picks free ports, and while the kernel starts, another process of a busy suite
(browsers, servers, the hub) takes one of them. Such a kernel is started once more, and the
failure is reported as a warning, so a kernel that never starts still fails the notebook.
"""
import warnings

import nbval.kernel

_start_new_kernel = nbval.kernel.start_new_kernel


def _start_new_kernel_again_if_it_died(*args, **kwargs):
    try:
        return _start_new_kernel(*args, **kwargs)
    except RuntimeError as exc:     # "Kernel died before replying to kernel_info"
        warnings.warn(f"nbval: the kernel died while starting ({exc}); starting it once more")
        return _start_new_kernel(*args, **kwargs)


nbval.kernel.start_new_kernel = _start_new_kernel_again_if_it_died
