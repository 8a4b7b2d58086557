"""Tests of whygo/chapters/cgo.py, the helpers of chapter 4.2 (cgo and cold start)."""
import pytest

from whygo.chapters import cgo
from whygo.golang import serve as sb
from whygo.golang.elfinfo import read_elf

needs_cc = pytest.mark.skipif(cgo.c_compiler() is None, reason="no C compiler: cgo builds impossible")


def test_fmt_log_and_os_link_no_runtime_cgo_even_with_cgo_on():
    assert not any(cgo.needs_cgo(p) for p in ("fmt", "log", "os"))


def test_net_and_os_user_link_runtime_cgo_when_cgo_is_on():
    assert cgo.needs_cgo("net") and cgo.needs_cgo("os/user")
    assert "runtime/cgo" not in cgo.deps_of("net", cgo=False)


def test_deps_of_refuses_no_package_and_names_an_unknown_one():
    with pytest.raises(cgo.ChapterError, match="at least one package"):
        cgo.deps_of()
    with pytest.raises(cgo.ChapterError, match="no/such/pkg"):
        cgo.deps_of("no/such/pkg")


def test_find_library_searches_the_folders_in_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "libx.so.1").write_text("")
    assert cgo.find_library("libx.so.1", [str(tmp_path / "a"), str(tmp_path / "b")]) == tmp_path / "b" / "libx.so.1"
    with pytest.raises(cgo.ChapterError, match="libnope.so not found"):
        cgo.find_library("libnope.so", [str(tmp_path)])


def test_loader_files_of_a_static_binary_is_empty():
    assert cgo.loader_files(sb.build_server()) == []


@needs_cc
def test_the_cgo_build_needs_the_loader_and_libc():
    binary = sb.build_server(cgo=True)
    elf = read_elf(binary)
    assert not elf.static and any(n.startswith("libc.so") for n in elf.needed)
    files = cgo.loader_files(binary)
    assert str(files[0]) == elf.interpreter and all(f.exists() for f in files)


@needs_cc
@pytest.mark.skipif(sb.chroot_support() is not None, reason="no unprivileged chroot here")
def test_a_cgo_build_starts_in_an_empty_root_only_with_its_loader_and_libc():
    binary = sb.build_server(cgo=True)
    alone = cgo.start_in_root(sb.scratch_root(binary))
    assert alone.startswith("did not start (exit status 127)") and "No such file or directory" in alone
    assert cgo.start_in_root(sb.scratch_root(binary, cgo.loader_files(binary))) == "started; GET / -> 200 ok"


def test_cold_start_table_puts_the_article_rows_first():
    s = sb.Summary.of([0.004, 0.005, 0.006])
    table = cgo.cold_start_table({"CGO_ENABLED=0": (s, 8_000_000)})
    assert [r[0] for r in table.rows] == ["article: net/http (CGO=0)", "article: nginx + Lua",
                                          "here: CGO_ENABLED=0"]
    assert table.rows[2][1] == "~5.00 ms"
