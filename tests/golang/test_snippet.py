"""Rules of whygo.golang.snippet: cell forms, automatic imports, //line directives.

Pure text tests (no Go build), except the ones marked as reading the real
toolchain's `go list std`.
"""
import re
import sys

import pytest
from hypothesis import given, settings, strategies as st

from whygo.golang import snippet
from whygo.golang.snippet import SnippetError, classify, make_file, mask

TABLE = {"fmt": "fmt", "strings": "strings", "rand": "math/rand/v2", "os": "os",
         "list": "container/list", "time": "time", "sync": "sync"}


# -- forms ---------------------------------------------------------------------------

@pytest.mark.parametrize("source, form", [
    ('package main\n\nfunc main() {}\n', "program"),
    ('// Copyright\n/* block */\npackage main\nfunc main() {}\n', "program"),
    ('func main() {\n\tfmt.Println(1)\n}\n', "declarations"),
    ('type T int\n\nfunc (t T) Get() int { return int(t) }\n', "declarations"),
    ('func Sum[N int | float64](xs []N) N { return 0 }\n', "declarations"),
    ('fmt.Println("func main() {}")\n', "statements"),
    ('// func main() is in a comment\nx := 1\n_ = x\n', "statements"),
    ('f := func(x int) int { return x }\nfunc() {}()\n', "statements"),
    ('', "statements"),
])
def test_classify_recognises_the_three_forms(source, form):
    assert classify(source) == form


def test_mask_blanks_comments_and_literals_but_keeps_offsets():
    src = 'a := "fmt.X" // os.Exit\nb := `raw\nstrings.Y` + \'"\'\n/* time.Now */c'
    masked = mask(src)
    assert len(masked) == len(src)
    assert [i for i, ch in enumerate(src) if ch == "\n"] == [i for i, ch in enumerate(masked) if ch == "\n"]
    for hidden in ("fmt.X", "os.Exit", "strings.Y", "time.Now"):
        assert hidden not in masked
    assert masked.startswith("a := ") and masked.endswith("c")


@settings(derandomize=True, deadline=None, max_examples=200)
@given(st.text(alphabet='ab."`\'/*\\\n x', max_size=60))
def test_mask_preserves_length_and_newlines(src):
    masked = mask(src)
    assert len(masked) == len(src)
    assert all((a == "\n") == (b == "\n") for a, b in zip(src, masked))


def test_used_names_ignore_strings_comments_and_selectors():
    src = 'fmt.Println("os.Exit")  // time.Now\nx.strings.Y()\nrand.IntN(3)\n'
    assert snippet.used_names(src) == {"fmt", "x", "rand"}   # not "os", "time", "strings"


# -- the standard library table --------------------------------------------------------

LISTING = [("fmt", "fmt"), ("crypto/rand", "rand"), ("math/rand", "rand"), ("math/rand/v2", "rand"),
           ("html/template", "template"), ("text/template", "template"),
           ("net/http/pprof", "pprof"), ("runtime/pprof", "pprof"),
           ("go/scanner", "scanner"), ("text/scanner", "scanner"),
           ("encoding/json", "json"), ("encoding/json/v2", "json"),
           ("internal/abi", "abi"), ("vendor/golang.org/x/net/idna", "idna"),
           ("log/slog/internal", "internal"), ("a/bb/c", "dup"), ("zz/c", "dup"), ("yy/c", "dup")]


def test_import_table_prefers_the_documented_package_for_ambiguous_names():
    table = snippet.import_table(LISTING)
    assert table["rand"] == "math/rand/v2"
    assert table["template"] == "text/template"
    assert table["pprof"] == "runtime/pprof"
    assert table["scanner"] == "text/scanner"
    assert table["json"] == "encoding/json"


def test_import_table_takes_the_shortest_then_alphabetical_path_for_other_clashes():
    assert snippet.import_table(LISTING)["dup"] == "yy/c"


def test_import_table_leaves_out_internal_and_vendored_packages():
    table = snippet.import_table(LISTING)
    assert "abi" not in table and "idna" not in table and "internal" not in table


@settings(derandomize=True, deadline=None, max_examples=50)
@given(st.permutations(LISTING))
def test_import_table_does_not_depend_on_listing_order(listing):
    assert snippet.import_table(list(listing)) == snippet.import_table(LISTING)


def test_std_packages_come_from_the_toolchain_and_are_cached_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("WHYGO_CACHE", str(tmp_path))
    monkeypatch.setattr(snippet, "_STD_MEMO", {})
    listing = snippet.std_packages()
    table = snippet.import_table(listing)
    assert table["fmt"] == "fmt" and table["rand"] == "math/rand/v2" and table["http"] == "net/http"
    assert list(tmp_path.glob("std-go*.json"))
    # a second process (empty memory) reads the file and never calls go
    tc_mod = sys.modules["whygo.golang.toolchain"]
    monkeypatch.setattr(snippet, "_STD_MEMO", {})
    monkeypatch.setattr(tc_mod, "go_command", lambda *a, **k: pytest.fail("go list ran again"))
    assert snippet.std_packages() == listing


# -- generated files ---------------------------------------------------------------------

def _cell_part(text: str) -> str:
    """Everything after the first //line directive, directives removed."""
    after = text.split("//line cell.go:1:1\n", 1)[1]
    return re.sub(r"(?m)^//line cell\.go:\d+:1\n", "", after)


def test_program_form_is_compiled_as_written_after_one_line_directive():
    src = 'package main\n\nimport "fmt"\n\n//go:noinline\nfunc add(a, b int) int { return a + b }\nfunc main() { fmt.Println(add(1, 2)) }\n'
    f = make_file(src, TABLE)
    assert f.text == "//line cell.go:1:1\n" + src
    assert f.imports_added == () and f.form == "program"


def test_declarations_form_gets_package_and_used_imports_before_the_directive():
    src = '//go:noinline\nfunc main() {\n\tfmt.Println(strings.ToUpper("x"))\n}\n'
    f = make_file(src, TABLE)
    head, cell = f.text.split("//line cell.go:1:1\n")
    assert head.startswith("package main\n")
    assert '"fmt"' in head and '"strings"' in head
    assert cell == src
    assert f.imports_added == ("fmt", "strings")


def test_statements_form_is_wrapped_in_func_main_with_cell_numbering():
    src = 'x := rand.IntN(3)\nfmt.Println(x)'
    f = make_file(src, TABLE)
    assert f.form == "statements" and f.imports_added == ("fmt", "math/rand/v2")
    assert "func main() {\n//line cell.go:1:1\nx := rand.IntN(3)\nfmt.Println(x)\n}\n" in f.text


def test_statements_form_keeps_leading_imports_outside_main():
    src = 'import (\n\t"os"\n)\n\nos.Exit(3)\n'
    f = make_file(src, TABLE)
    assert '"os"' not in f.text.split("//line cell.go:1:1\n")[0]   # not added twice
    assert f.imports_added == ()
    # the import block is cell lines 1-3; the wrapper resumes the numbering at line 4
    assert "//line cell.go:1:1\nimport (\n\t\"os\"\n)\n\nfunc main() {\n//line cell.go:4:1\n\nos.Exit(3)\n}" in f.text


def test_explicit_import_and_alias_suppress_the_automatic_one():
    src = 'import r "math/rand"\nimport "fmt"\nfunc main() { fmt.Println(r.Intn(2)) }\n'
    f = make_file(src, TABLE)
    assert f.imports_added == ()


def test_names_in_strings_and_comments_do_not_import():
    f = make_file('println("fmt.Println") // strings.Fields\n', TABLE)
    assert f.imports_added == ()


def test_without_imports_drops_a_wrong_guess():
    f = make_file('list := []int{}\n_ = list\nfmt.Println(list.x)\n', TABLE)
    assert "container/list" in f.imports_added
    g = snippet.without_imports(f, {"container/list"}, TABLE)
    assert g.imports_added == ("fmt",) and "container/list" not in g.text


@settings(derandomize=True, deadline=None, max_examples=100)
@given(st.lists(st.sampled_from(["x := 1", "_ = x", "fmt.Println(x)", "", "// note", "y := `a`",
                                 "for i := 0; i < 3; i++ {", "}", "time.Sleep(0)"]), max_size=12),
       st.sampled_from(["statements", "declarations"]))
def test_cell_lines_follow_the_directive_verbatim(lines, form):
    src = "\n".join(lines) + "\n"
    f = make_file(src, TABLE, form=form)
    body = _cell_part(f.text)
    if form == "statements":
        body = body.removesuffix("}\n")
    assert body == src


# -- saved cells -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["helpers", "point2", "A"])
def test_check_save_name_accepts_plain_words(name):
    assert snippet.check_save_name(name) == name


@pytest.mark.parametrize("name", ["", "2x", "my_test", "x_linux", "a-b", "a.b", "../x", "cell", "Main", None])
def test_check_save_name_rejects_names_go_would_treat_specially(name):
    with pytest.raises(SnippetError, match="cannot save"):
        snippet.check_save_name(name)


def test_package_clause_reports_name_and_line():
    assert snippet.package_clause("// doc\n\npackage foo\n") == ("foo", 3)
    assert snippet.package_clause("x := 1\n") is None


def test_a_cgo_preamble_keeps_its_comment_and_errors_keep_cell_lines():
    """cgo hands the comment above `import "C"` to the C compiler: no //line may sit in it."""
    from whygo.golang.runner import run
    from whygo.golang.snippet import cgo_preamble_lines
    src = '// #include <stdlib.h>\nimport "C"\n\nfunc main() {\n\tfmt.Println(C.abs(-3))\n\tx := 1\n}\n'
    assert cgo_preamble_lines(src) == 2
    result = run(src, cgo=True)
    assert [(e.line, e.message) for e in result.compile_errors] == [(6, "declared and not used: x")]
    fixed = run(src.replace("\tx := 1\n", ""), cgo=True)
    assert fixed.ok and fixed.stdout == "3\n"
