"""ELF inspection decides the static-linking claims: test it on real binaries."""
import shutil

import pytest

from whygo.golang.elfinfo import NotELF, read_elf
from whygo.golang.toolchain import go_command

HELLO = 'package main\nimport "fmt"\nfunc main() { fmt.Println("hi") }\n'


@pytest.fixture(scope="module")
def go_binaries(tmp_path_factory):
    d = tmp_path_factory.mktemp("elf")
    (d / "go.mod").write_text("module elf\ngo 1.27\n")
    (d / "main.go").write_text(HELLO)
    go_command("build", "-trimpath", "-o", str(d / "plain"), ".", cwd=d)
    go_command("build", "-trimpath", "-ldflags=-s -w", "-o", str(d / "stripped"), ".", cwd=d)
    return d


def test_a_pure_go_binary_is_static_with_symbols_and_dwarf(go_binaries):
    info = read_elf(go_binaries / "plain")
    assert info.static and info.interpreter is None and info.needed == ()
    assert info.has_symtab and info.dwarf_bytes > 0
    assert "statically linked; symbol table: yes; DWARF: yes" == info.describe()


def test_symbols_name_the_functions_the_linker_kept(go_binaries):
    symbols = read_elf(go_binaries / "plain").symbols
    assert "main.main" in symbols and "runtime.mallocgc" in symbols
    assert read_elf(go_binaries / "stripped").symbols == frozenset()


def test_ldflags_s_w_drops_the_symbol_table_and_dwarf(go_binaries):
    plain, stripped = read_elf(go_binaries / "plain"), read_elf(go_binaries / "stripped")
    assert not stripped.has_symtab and stripped.dwarf_bytes == 0 and stripped.size < plain.size


def test_a_dynamically_linked_binary_names_its_loader_and_libc():
    info = read_elf(shutil.which("ls"))  # a C program from the OS: dynamic
    assert not info.static and info.interpreter and info.interpreter.startswith("/lib")
    assert any(lib.startswith("libc.so") for lib in info.needed)


def test_a_non_elf_file_gets_a_clear_error(tmp_path):
    f = tmp_path / "script.sh"
    f.write_text("#!/bin/sh\n")
    with pytest.raises(NotELF, match="not a 64-bit little-endian ELF"):
        read_elf(f)
