"""The Go kernel's pure helpers: the //whygo: flag line and is_complete (no kernel started)."""
import pytest
from hypothesis import given, settings, strategies as st

from whygo.kernel import is_complete, split_flag_line


def test_flag_line_is_parsed_and_blanked_so_line_numbers_stay():
    flags, source = split_flag_line("//whygo: --timeout 5 --env A=1\nx := 1\n")
    assert flags.timeout == 5 and flags.env == {"A": "1"}
    assert source.splitlines() == ["", "x := 1"]
    flags, source = split_flag_line("x := 1")
    assert flags.timeout == 30 and source == "x := 1"


@pytest.mark.parametrize("code, status", [
    ("func main() {", "incomplete"), ('fmt.Println("{")', "complete"), ("x := []int{1,\n2,", "incomplete"),
    ("/* open comment", "incomplete"), ("s := `raw {", "incomplete"), ("}", "invalid"),
    ("// a { comment\nx := 1", "complete"), ("r := '{'", "complete"), ('s := "/*"', "complete"),
    ("// `\nx := 1", "complete"), ("/*/", "incomplete"), ("x := `a` + `", "incomplete")])
def test_is_complete_counts_brackets_outside_strings_and_comments(code, status):
    assert is_complete(code) == status


_GO_BITS = st.sampled_from(["x := 1", 'fmt.Println("}")', "// }\n", "/* ) */", "`{`", "'('", "f(a, b)",
                            "s[i]", "\n", " "])


@settings(derandomize=True, deadline=None, max_examples=200)
@given(parts=st.lists(_GO_BITS, max_size=6), depth=st.integers(0, 3))
def test_is_complete_waits_exactly_for_open_brackets(parts, depth):
    body = "".join(parts)
    assert is_complete(body) == "complete"
    opened = "func f() {" * depth + body
    assert is_complete(opened) == ("incomplete" if depth else "complete")
    assert is_complete(opened + "}" * depth) == "complete"
