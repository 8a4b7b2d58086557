"""Read what a built Go binary says about itself: static or dynamic, what it links, what it carries.

A small ELF reader (64-bit little-endian, which is what the course builds on
linux/amd64 and linux/arm64), enough to decide the claims about static
linking: is there a program interpreter (PT_INTERP, the dynamic loader), which
shared libraries are needed (DT_NEEDED), and are the symbol table and DWARF
debug sections present (what `-ldflags='-s -w'` removes).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from whygo.i18n import _

PT_INTERP, PT_DYNAMIC = 3, 2
SHT_SYMTAB = 2
DT_NULL, DT_NEEDED = 0, 1


class NotELF(ValueError):
    """The file is not a 64-bit little-endian ELF binary."""


@dataclass(frozen=True)
class ELFInfo:
    path: str
    size: int                       # bytes on disk
    interpreter: str | None         # e.g. /lib64/ld-linux-x86-64.so.2, None when static
    needed: tuple[str, ...]         # shared libraries (DT_NEEDED)
    sections: dict[str, int] = field(default_factory=dict)   # name -> size in bytes
    symbols: frozenset[str] = frozenset()   # names in .symtab (empty when stripped)

    @property
    def static(self) -> bool:
        return self.interpreter is None and not self.needed

    @property
    def has_symtab(self) -> bool:
        return ".symtab" in self.sections

    @property
    def dwarf_bytes(self) -> int:
        return sum(n for name, n in self.sections.items()
                   if name.startswith((".debug_", ".zdebug_")))

    def describe(self) -> str:
        link = _("statically linked") if self.static else \
            _("dynamically linked (interpreter {interpreter}; needs {needed})").format(
                interpreter=self.interpreter, needed=", ".join(self.needed) or _("nothing"))
        yes, no = _("yes", "ELF: has it"), _("no", "ELF: lacks it")
        return _("{link}; symbol table: {symtab}; DWARF: {dwarf}").format(
            link=link, symtab=yes if self.has_symtab else no, dwarf=yes if self.dwarf_bytes else no)


def read_elf(path: str | Path) -> ELFInfo:
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise NotELF(f"{path} is not a 64-bit little-endian ELF file (was it built for linux?)")
    (e_phoff, e_shoff) = struct.unpack_from("<QQ", data, 0x20)
    (e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx) = struct.unpack_from("<HHHHH", data, 0x36)

    interpreter, dynamic = None, None
    for i in range(e_phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data, e_phoff + i * e_phentsize)
        if p_type == PT_INTERP:
            interpreter = data[p_offset:p_offset + p_filesz].rstrip(b"\0").decode()
        elif p_type == PT_DYNAMIC:
            dynamic = (p_offset, p_filesz)

    sections: dict[str, int] = {}
    headers = []
    for i in range(e_shnum):
        sh_name, sh_type, _, _, sh_offset, sh_size, sh_link = struct.unpack_from(
            "<IIQQQQI", data, e_shoff + i * e_shentsize)
        headers.append((sh_name, sh_type, sh_offset, sh_size, sh_link))
    symbols: set[str] = set()
    if headers and e_shstrndx < len(headers):
        names_off = headers[e_shstrndx][2]
        for sh_name, sh_type, sh_offset, sh_size, sh_link in headers:
            name = _cstring(data, names_off + sh_name)
            if name:
                sections[name] = sh_size
            if sh_type == SHT_SYMTAB and sh_link < len(headers):
                symbols.update(_symbol_names(data, sh_offset, sh_size, headers[sh_link][2]))

    needed: list[str] = []
    if dynamic is not None:
        strtab = _dynstr_offset(headers)
        offset, size = dynamic
        for j in range(size // 16):
            tag, value = struct.unpack_from("<qQ", data, offset + 16 * j)
            if tag == DT_NULL:
                break
            if tag == DT_NEEDED and strtab is not None:
                needed.append(_cstring(data, strtab + value))
    return ELFInfo(str(path), len(data), interpreter, tuple(needed), sections, frozenset(symbols))


def _cstring(data: bytes, offset: int) -> str:
    return data[offset:data.index(b"\0", offset)].decode(errors="replace")


def _symbol_names(data: bytes, offset: int, size: int, strtab: int):
    """Names of the Elf64_Sym entries (24 bytes each) of one symbol table."""
    for entry in range(offset, offset + size, 24):
        (st_name,) = struct.unpack_from("<I", data, entry)
        if st_name:
            yield _cstring(data, strtab + st_name)


def _dynstr_offset(headers) -> int | None:
    """File offset of the string table the dynamic section refers to (.dynstr)."""
    SHT_DYNAMIC = 6
    for _, sh_type, _, _, sh_link in headers:
        if sh_type == SHT_DYNAMIC and sh_link < len(headers):
            return headers[sh_link][2]
    return None
