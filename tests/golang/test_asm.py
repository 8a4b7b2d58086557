"""Extracting one function from a real `-gcflags=-S` listing of go1.27.3 (tests/fixtures/asm_cell.*)."""
from pathlib import Path

import pytest

from whygo.golang.asm import AsmError, find, format_compact, functions

FIXTURES = Path(__file__).parents[1] / "fixtures"
LISTING = (FIXTURES / "asm_cell.txt").read_text()
# the cell as the learner wrote it: what follows the //line directive in the built file
CELL = (FIXTURES / "asm_cell.go.txt").read_text().split("//line cell.go:1\n", 1)[1]


def test_only_code_symbols_are_functions():
    assert list(functions(LISTING)) == ["main.add", "main.(*T).Get", "main.main", "main.main.func1",
                                        "main.Sum[go.shape.int]", "main.Sum[int]"]


def test_instruction_positions_are_the_cell_lines_of_the_line_directive():
    add = find(LISTING, "add")
    assert [(i.op, i.args, i.line) for i in add.code] == [("ADDQ", "BX, AX", 3), ("RET", "", 3)]
    assert CELL.splitlines()[3 - 1].strip() == "return a + b"


def test_bookkeeping_pseudo_instructions_and_hex_dump_are_dropped():
    main = find(LISTING, "main")
    ops = {i.op for i in main.code}
    assert not ops & {"FUNCDATA", "PCDATA", "TEXT"}
    assert {"FUNCDATA", "PCDATA", "TEXT"} <= {i.op for i in main.instructions}
    assert all(i.op.isupper() for i in main.instructions)  # no hex dump / rel lines parsed


def test_zero_width_inline_mark_nops_are_dropped_but_real_nops_kept():
    main = find(LISTING, "main")
    offsets = [i.offset for i in main.code]
    assert len(offsets) == len(set(offsets))
    assert any(i.op == "NOP" for i in main.code)


@pytest.mark.parametrize("name, symbol", [
    ("main.add", "main.add"), ("add", "main.add"), ("(*T).Get", "main.(*T).Get"),
    ("T.Get", "main.(*T).Get"), ("main.func1", "main.main.func1"),
    ("Sum", "main.Sum[go.shape.int]"), ("Sum[int]", "main.Sum[int]")])
def test_learner_spellings_find_the_symbol(name, symbol):
    assert find(LISTING, name).symbol == symbol


def test_unknown_function_error_lists_the_compiled_functions():
    with pytest.raises(AsmError, match=r"'nope'.*add, \(\*T\)\.Get, main"):
        find(LISTING, "nope")


def test_empty_listing_says_to_compile_with_S():
    with pytest.raises(AsmError, match="-S"):
        find("# cell\n", "add")


def test_size_and_frame_come_from_the_header_and_text_directive():
    add = find(LISTING, "add")
    assert (add.size, add.frame) == (4, "$0-16")
    assert find(LISTING, "main").frame == "$136-0"


def test_compact_view_groups_instructions_under_their_cell_line():
    text = format_compact(find(LISTING, "Sum"), CELL)
    lines = text.splitlines()
    assert lines[0] == "Sum[go.shape.int]: 27 bytes, frame $0-32, dupok nosplit"
    i = lines.index("line 13   s += x")
    assert lines[i + 1].split() == ["0x000b", "ADDQ", "(BX)(SI*8),", "DX"]


def test_compact_view_labels_code_inlined_from_other_packages():
    text = format_compact(find(LISTING, "main"), CELL)
    assert "fmt/print.go:307 (inlined)" in text
    assert "line 19   fmt.Println(add(1, 2))" in text


def test_compact_view_without_source_shows_line_numbers_only():
    assert format_compact(find(LISTING, "add")).splitlines()[1] == "line 3"


def test_a_saved_cell_file_of_the_package_is_named_not_called_inlined():
    listing = ("main.double STEXT nosplit size=4 align=0x0 args=0x8 locals=0x0 funcid=0x0\n"
               "\t0x0000 00000 (cell/helpers.go:1[cell/helpers.saved.go:5])\tADDQ\tAX, AX\n"
               "\t0x0003 00003 (cell/helpers.go:1[cell/helpers.saved.go:5])\tRET\t\n")
    assert format_compact(find(listing, "double")).splitlines()[1] == "helpers.go line 1"


def test_listings_are_compiled_for_amd64_unless_the_cell_chose():
    from whygo.golang.runner import listing_env
    assert listing_env("-S", True, None) == {"GOARCH": "amd64", "GOAMD64": "v1"}
    assert listing_env("-m -S", True, {"GOARCH": "arm64"}) == {"GOARCH": "arm64"}
    # a program that runs is built for this machine; so is a build without a listing
    assert listing_env("-S", False, None) is None
    assert listing_env("-m", True, {"GODEBUG": "x=1"}) == {"GODEBUG": "x=1"}


@pytest.mark.slow
def test_a_listing_reads_the_same_on_any_host():
    # Cross-compiling works on any host: ask for arm64 explicitly and see arm64 code,
    # then get amd64 by default (what the stored notebooks show).
    from whygo.golang.runner import run
    src = "func add(a, b int) int { return a + b }\nfunc main() { println(add(1, 2)) }"
    arm = find(run(src, gcflags="-S -l", build_only=True, env={"GOARCH": "arm64"}).build_log, "add")
    amd = find(run(src, gcflags="-S -l", build_only=True).build_log, "add")
    assert "ADD" in {i.op for i in arm.code} and "RET" in {i.op for i in arm.code}
    assert "ADDQ" in {i.op for i in amd.code} and "ADDQ" not in {i.op for i in arm.code}
