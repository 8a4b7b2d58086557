"""The repository's conftest.py: nbval starts a notebook's kernel once more if it died while starting."""
import nbval.kernel
import pytest


def _with_start(monkeypatch, outcomes):
    """The wrapper conftest.py put in nbval, over a start that gives ``outcomes`` in turn."""
    wrapper = nbval.kernel.start_new_kernel
    assert wrapper.__name__ == "_start_new_kernel_again_if_it_died", "conftest.py was not loaded"
    calls = []

    def start(*args, **kwargs):
        calls.append(kwargs)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    monkeypatch.setitem(wrapper.__globals__, "_start_new_kernel", start)
    return wrapper, calls


def test_a_kernel_that_died_while_starting_is_started_once_more(monkeypatch):
    wrapper, calls = _with_start(monkeypatch, [RuntimeError("Kernel died before replying to kernel_info"),
                                               ("km", "kc")])
    with pytest.warns(UserWarning, match="kernel died while starting"):
        assert wrapper(kernel_name="python3", cwd="/x") == ("km", "kc")
    assert calls == [{"kernel_name": "python3", "cwd": "/x"}] * 2


def test_a_kernel_that_never_starts_still_fails(monkeypatch):
    died = RuntimeError("Kernel died before replying to kernel_info")
    wrapper, calls = _with_start(monkeypatch, [died, died])
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="Kernel died"):
        wrapper(kernel_name="python3")
    assert len(calls) == 2


def test_a_kernel_that_starts_is_started_once(monkeypatch):
    wrapper, calls = _with_start(monkeypatch, [("km", "kc")])
    assert wrapper() == ("km", "kc") and len(calls) == 1
