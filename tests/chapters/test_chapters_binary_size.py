"""Chapter 4.3 helpers (whygo/chapters/binary_size.py): each flag does what the chapter says."""
import subprocess
from pathlib import Path

import pytest

from whygo.chapters import binary_size as bs
from whygo.golang import gosource
from whygo.golang.elfinfo import read_elf
from whygo.golang.runner import gocode_dir, run


@pytest.fixture(scope="module")
def rows():
    return {m.label: m for m in bs.measure_all()}


def test_s_w_drops_symbol_table_and_dwarf_but_keeps_pclntab(rows):
    default, stripped = rows["default"], rows["-ldflags='-s -w'"]
    assert default.symtab > 0 and default.dwarf > 0
    assert stripped.symtab == 0 and stripped.dwarf == 0
    assert stripped.pclntab == default.pclntab
    assert stripped.size < default.size - default.dwarf // 2


def test_trimpath_removes_the_build_folder(rows):
    assert rows["default"].has_build_dir
    assert rows["-ldflags='-s -w'"].has_build_dir   # it lives in .gopclntab, which -s -w keeps
    assert not rows["-trimpath"].has_build_dir
    assert bs.mentions(bs.build(["-trimpath"]), "whygo.dev/gocode/cmd/riskscorer/main.go")


def test_gcflags_l_does_not_remove_type_symbols(rows):
    assert rows["default"].type_symbols > 0
    assert rows["-gcflags=-l"].type_symbols >= rows["default"].type_symbols
    assert rows["-gcflags=all=-l"].type_symbols >= rows["default"].type_symbols


def test_gcflags_l_disables_inlining():
    assert any(line.endswith("can inline score") for line in bs.inline_decisions("-m"))
    assert bs.inline_decisions("-m -l") == []


def test_build_is_cached_and_flags_must_be_a_list():
    assert bs.build([]) == bs.build(())
    with pytest.raises(bs.ChapterError, match="list of go build flags"):
        bs.build("-trimpath")
    with pytest.raises(bs.ChapterError, match="not a folder"):
        bs.build([], package="cmd/nosuchprogram")


def test_ldflags_x_sets_the_version():
    import subprocess
    out = subprocess.run([bs.build(["-ldflags=-X main.version=v9"]), "-gen", "3", "-brief"],
                         capture_output=True, text=True, check=True).stdout
    assert '"version":"v9"' in out and '"scored":3' in out


def test_compare_run_times_interleaves_the_builds(monkeypatch):
    order = []

    def fake_run(argv, **kw):
        order.append(argv[0])
        return bs.process.Captured(b"", b"", 0, False)
    monkeypatch.setattr(bs.process, "run", fake_run)
    times = bs.compare_run_times({"a": Path("/bin/a"), "b": Path("/bin/b")}, runs=2)
    assert order == ["/bin/a", "/bin/b"] * 3           # one warm-up round, then two timed ones
    assert [len(v) for v in times.values()] == [2, 2]
    with pytest.raises(bs.ChapterError, match="at least one binary"):
        bs.compare_run_times({}, runs=1)


def test_run_times_counts_runs_and_rejects_zero():
    assert len(bs.run_times(bs.build([]), runs=2)) == 2
    with pytest.raises(bs.ChapterError, match="at least 1"):
        bs.run_times(bs.build([]), runs=0)


def test_article_linkname_example_recurses_until_the_stack_overflows():
    result = run(bs.LINKNAME_ARTICLE, timeout=30)
    assert result.built and result.returncode != 0
    summary = bs.overflow_summary(result.stderr)
    assert "fatal error: stack overflow" in summary
    assert "top of goroutine 1: encoding/json.unmarshal" in summary


def test_bodyless_linkname_into_encoding_json_does_not_link():
    missing = run(bs.bodyless("unmarshal"), build_only=True)
    refused = run(bs.bodyless("checkValid"), build_only=True)
    assert not missing.built and "not defined" in missing.build_log
    assert not refused.built and "invalid reference to encoding/json.checkValid" in refused.build_log
    with pytest.raises(bs.ChapterError, match="not a Go identifier"):
        bs.bodyless("a.b")


def test_overflow_summary_keeps_only_stable_lines():
    stderr = ("runtime: goroutine stack exceeds 1048576-byte limit\nruntime: sp=0x1 stack=[0x0, 0x2]\n"
              "fatal error: stack overflow\n\ngoroutine 1 gp=0x3 m=0 [running]:\nmain.f({0x4?})\n")
    assert bs.overflow_summary(stderr) == ["runtime: goroutine stack exceeds 1048576-byte limit",
                                           "fatal error: stack overflow", "top of goroutine 1: main.f"]


def test_the_program_is_the_json_one():
    assert "encoding/json" in gosource.gocode_file(bs.PROGRAM, "main.go")
    assert (gocode_dir() / bs.PROGRAM / "main_test.go").is_file()
    assert read_elf(bs.build([])).static
