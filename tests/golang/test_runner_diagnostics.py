"""Rules of whygo.golang.diagnostics: reading go build's output (pure text, no build).

The inputs are real go1.27.3 outputs for cells made by the snippet module
(cell lines in ``cell.go``, generated lines in ``main.go``, a saved cell in
``helpers.go`` whose real file is ``helpers.saved.go``).
"""
from whygo.golang.diagnostics import (CompileError, Diagnostic, compile_errors, compiler_decisions,
                                      unused_imports)

FAILED = """# cell
./cell.go:2:14: undefined: y
./cell.go:3:6: declared and not used: q
./cell.go:2:9: not enough arguments in call to add
\thave (number)
\twant (int, int)
./helpers.go:1:6: main redeclared in this block
\t./helpers.saved.go:1:6: other declaration of main
./main.go:4:8: "strings" imported and not used
./cell.go:2:14: undefined: y
"""

DECISIONS = """# cell
cell/helpers.go:1:6: can inline add
cell/cell.go:5:5: can inline main.func1
cell/main.go:5:6: cannot inline main: unhandled op GO
cell/cell.go:2:17: inlining call to add
cell/cell.go:2:13: inlining call to fmt.Println
cell/cell.go:2:13: ... argument does not escape
cell/cell.go:2:13: ... argument does not escape
fmt/print.go:314:6: can inline Println
cell/cell.go:5:5: func literal escapes to heap
"""


def test_compile_errors_keep_the_compilers_order_and_drop_repeats():
    errors = compile_errors(FAILED, {"cell.go", "helpers.go"})
    assert [(e.line, e.col) for e in errors[:3]] == [(2, 14), (3, 6), (2, 9)]
    assert sum(e.message == "undefined: y" for e in errors) == 1


def test_compile_error_continuation_lines_join_their_message():
    errors = compile_errors(FAILED, {"cell.go"})
    assert errors[2].message == "not enough arguments in call to add\nhave (number)\nwant (int, int)"


def test_compile_errors_name_saved_cells_and_zero_generated_lines():
    errors = compile_errors(FAILED, {"cell.go", "helpers.go"})
    assert CompileError(1, 6, errors[3].message, "helpers.go") == errors[3]
    assert errors[4] == CompileError(0, 0, '"strings" imported and not used', "")


def test_failure_without_positions_becomes_one_line_zero_error():
    out = "# cell\nruntime.main_main·f: function main is undeclared in the main package\n"
    assert compile_errors(out, {"cell.go"}) == [
        CompileError(0, 0, "function main is undeclared in the main package", "")]
    assert compile_errors("", {"cell.go"})[0].message == "go build failed without a message"


def test_decisions_are_the_cells_own_lines_sorted_and_unique():
    found = compiler_decisions(DECISIONS, {"cell.go"})
    assert found == [
        Diagnostic(2, 13, "... argument does not escape"),
        Diagnostic(2, 13, "inlining call to fmt.Println"),
        Diagnostic(2, 17, "inlining call to add"),
        Diagnostic(5, 5, "can inline main.func1"),
        Diagnostic(5, 5, "func literal escapes to heap"),
    ]


def test_decisions_of_a_package_strip_the_module_path():
    out = "whygo.dev/gocode/cmd/gcload/main.go:119:6: can inline finite\nsync/atomic/type.go:67:6: can inline x\n"
    assert compiler_decisions(out, {"cmd/gcload/main.go"}, ("whygo.dev/gocode/",)) == [
        Diagnostic(119, 6, "can inline finite", "cmd/gcload/main.go")]


def test_unused_imports_finds_unused_and_clashing_automatic_imports():
    out = ('./main.go:2:8: "container/list" imported and not used\n'
           './cell.go:1:5: time already declared through import of package time ("time")\n'
           '\t./main.go:3:8: other declaration of time\n'
           './cell.go:2:1: undefined: x\n')
    assert unused_imports(out) == {"main.go": {"container/list"}, "cell.go": {"time"}}
