"""whygo/golang/gosource.py, the one reader of Go source: a declaration of a file, of the pinned
runtime, of the standard library, of gocode/; a line, a function's lines, a comment."""
import pytest

from whygo.golang import gosource
from whygo.golang.gosource import DeclarationNotFound, declaration, find_declaration

SRC = """package p

// f does things.
func f(a int) int {
\treturn a
}

func (s *span) next() int {
\treturn 0
}

type T struct {
\tx int
}
"""


def test_a_function_a_method_and_a_type_run_to_their_closing_brace(tmp_path):
    path = tmp_path / "p.go"
    path.write_text(SRC)
    assert declaration(path, "f") == "func f(a int) int {\n\treturn a\n}"
    assert declaration(path, "next") == "func (s *span) next() int {\n\treturn 0\n}"
    assert declaration(path, "T") == "type T struct {\n\tx int\n}"


def test_a_missing_name_or_file_says_which(tmp_path):
    path = tmp_path / "p.go"
    path.write_text(SRC)
    assert find_declaration(path, "g") is None
    with pytest.raises(DeclarationNotFound, match="no 'func g' or 'type g' declaration"):
        declaration(path, "g")
    with pytest.raises(DeclarationNotFound, match="nope.go does not exist"):
        declaration(tmp_path / "nope.go", "f")


def test_function_lines_quote_chansend_from_the_pinned_runtime():
    lines = gosource.function_lines("chansend", "chan.go", ["lock(&c.lock)", "typedmemmove"])
    assert any(text == "lock(&c.lock)" for _, text in lines)
    assert any(text.startswith("typedmemmove(") for _, text in lines)
    assert [n for n, _ in lines] == sorted(n for n, _ in lines)


def test_runtime_mentions_counts_files(tmp_path):
    (tmp_path / "a.go").write_text("// uses typedmemmove\n")
    (tmp_path / "b.go").write_text("TypedMemMove and io_uring\n")
    assert gosource.runtime_mentions(["typedmemmove", "io_uring", "memfd"], root=tmp_path) == {
        "typedmemmove": 2, "io_uring": 1, "memfd": 0}


# ----- found by package -----------------------------------------------------------------------

def test_runtime_reads_gosched_impl_from_the_pinned_toolchain():
    text = gosource.runtime("goschedImpl")
    assert text.startswith("func goschedImpl(")
    assert text.rstrip().endswith("}")
    assert "globrunqput(gp)" in text


def test_runtime_reads_a_type_and_stops_at_its_closing_brace(tmp_path):
    (tmp_path / "x.go").write_text("package runtime\n\ntype hchanX struct{}\n\n"
                                   "type hchan struct {\n\tqcount uint\n}\n\nfunc after() {\n}\n")
    assert gosource.runtime("hchan", "x.go", root=tmp_path) == "type hchan struct {\n\tqcount uint\n}"


def test_runtime_names_the_missing_declaration_or_file(tmp_path):
    (tmp_path / "proc.go").write_text("package runtime\n")
    with pytest.raises(DeclarationNotFound, match="goSchedImpl"):
        gosource.runtime("goSchedImpl", root=tmp_path)
    with pytest.raises(DeclarationNotFound, match="nope.go"):
        gosource.runtime("x", "nope.go", root=tmp_path)


def test_runtime_returns_next_free_fast_whole():
    src = gosource.runtime("nextFreeFast", "malloc.go")
    assert src.startswith("func nextFreeFast(s *mspan) gclinkptr {")
    assert src.endswith("\n}")
    assert "TrailingZeros64(s.allocCache)" in src


def test_std_reads_poolcleanup_from_the_toolchain():
    text = gosource.std("sync", "pool.go", "poolCleanup")
    assert text.startswith("func poolCleanup()")
    assert "p.victim = p.local" in text and text.endswith("}")


def test_gocode_reads_one_function_of_a_program():
    text = gosource.gocode("cmd/httpserver", "zoneStatus")
    assert text.startswith("func zoneStatus(name string)")
    assert text.endswith("\n}") and "func defaultAddr" not in text


def test_gocode_names_a_missing_function_or_file():
    with pytest.raises(DeclarationNotFound, match="no func nope in gocode/cmd/httpserver"):
        gosource.gocode("cmd/httpserver", "nope")
    with pytest.raises(DeclarationNotFound, match="nope.go does not exist"):
        gosource.gocode_file("cmd/httpserver", "nope.go")


def test_runtime_line_reads_the_mcache_alloc_declaration_from_the_pinned_source():
    where, line = gosource.runtime_line("mcache.go", r"^\s+alloc \[")
    assert where.startswith("runtime/mcache.go:")
    assert line.startswith("alloc [numSpanClasses]*mspan")


def test_runtime_line_names_the_pattern_it_could_not_find():
    with pytest.raises(DeclarationNotFound, match="no line of .*mcache.go matches"):
        gosource.runtime_line("mcache.go", r"^alloc \[NumSizeClasses\]")


def test_runtime_line_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(DeclarationNotFound, match="cannot read"):
        gosource.runtime_line("mcache.go", "alloc", tmp_path)


def test_runtime_comment_reads_the_hybrid_barrier_design_from_the_pinned_runtime():
    text = gosource.runtime_comment("mbarrier.go", "Go uses a hybrid barrier", "golang/proposal")
    assert text.startswith("Go uses a hybrid barrier")
    assert "17503" in text.splitlines()[-1]
    assert "//" not in text.split("https:")[0]


def test_runtime_comment_without_the_comment_says_so(tmp_path):
    (tmp_path / "mbarrier.go").write_text("package runtime\n")
    with pytest.raises(DeclarationNotFound, match="no comment from 'Go uses a hybrid barrier'"):
        gosource.runtime_comment("mbarrier.go", "Go uses a hybrid barrier", "golang/proposal",
                                 root=tmp_path)
