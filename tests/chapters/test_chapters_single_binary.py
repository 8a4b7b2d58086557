"""Tests of whygo/chapters/single_binary.py (chapter 4.1's glue) and its start-up view."""
import pytest

from whygo.chapters import single_binary as sb
from whygo.views.startup import StartupViewError, render_startups


def test_dockerfile_copies_data_files_before_the_exec_form_entrypoint():
    text = sb.dockerfile(with_certs=True, with_zones=False)
    lines = text.splitlines()
    assert "FROM scratch" in lines and lines[-1] == 'ENTRYPOINT ["/server"]'
    assert any(l.startswith("COPY /etc/ssl/certs/") for l in lines)
    assert not any("zoneinfo" in l for l in lines)


def test_render_startups_draws_one_row_per_way():
    fig = render_startups({"a": [0.001, 0.002], "b": [0.003]})
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["a", "b"]
    with pytest.raises(StartupViewError, match="non-empty"):
        render_startups({"a": []})
