"""Reading one Go declaration out of a source file (the chapters print runtime code with it)."""
import pytest

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
