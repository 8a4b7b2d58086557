"""The course manifest, ``book.toml``: one place that lists the whole course.

``load_manifest()`` reads and validates it (unknown keys, missing fields, wrong
types and broken prerequisites are reported with the key and its line), the
course-map notebook draws it with ``course_map_dot()``, and the book build and
the tests read it from here. Nothing else should parse book.toml.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "book.toml"


class ManifestError(ValueError):
    """book.toml is malformed; the message names the key (and line) and what to write instead."""


@dataclass(frozen=True)
class Entry:
    """A chapter, a lab or an appendix page."""
    kind: str                   # "chapter" | "lab" | "appendix"
    id: str
    title: str
    notebook: str               # path relative to the repository root
    section: str = ""           # the source document's section(s) it covers, e.g. "2.1"
    objectives: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()
    minutes: int = 0
    kernel: str = "python3"     # "python3" or "whygo-go"

    @property
    def path(self) -> Path:
        return ROOT / self.notebook


@dataclass(frozen=True)
class Manifest:
    title: str
    authors: tuple[str, ...]
    description: str
    launch: dict = field(default_factory=dict)
    chapters: tuple[Entry, ...] = ()
    labs: tuple[Entry, ...] = ()
    appendix: tuple[Entry, ...] = ()

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.chapters + self.labs + self.appendix

    def get(self, entry_id: str) -> Entry:
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise KeyError(entry_id)


# key -> (type, required). Types are checked exactly; lists are lists of str.
_COURSE_KEYS = {"title": (str, True), "authors": (list, True), "description": (str, True)}
_LAUNCH_KEYS = {"repository": (str, False), "branch": (str, False), "binderhub_url": (str, False),
                "jupyterhub_url": (str, False), "notebook_interface": (str, False)}
_ENTRY_KEYS = {"id": (str, True), "title": (str, True), "notebook": (str, True),
               "section": (str, False), "objectives": (list, False), "prerequisites": (list, False),
               "minutes": (int, False), "kernel": (str, False)}
_TOP_KEYS = {"course", "launch", "chapters", "labs", "appendix"}
_KERNELS = {"python3", "whygo-go"}


def _line_of(text: str, key: str, value: str | None = None) -> str:
    """'line N' of the first place a key (or a key = value pair) appears, for messages."""
    pattern = rf"^\s*\[*\s*{re.escape(key)}\b" if value is None else \
        rf"^\s*{re.escape(key)}\s*=\s*[\"']?{re.escape(value)}"
    for n, line in enumerate(text.splitlines(), 1):
        if re.search(pattern, line):
            return f"line {n}"
    return "book.toml"


def _check_table(table: dict, spec: dict, where: str, text: str) -> None:
    for key in table:
        if key not in spec:
            raise ManifestError(f"book.toml {_line_of(text, key)}: unknown key {key!r} in {where}; "
                                f"allowed keys: {', '.join(sorted(spec))}")
    for key, (typ, required) in spec.items():
        if key not in table:
            if required:
                raise ManifestError(f"book.toml: {where} is missing {key!r} (a {typ.__name__})")
            continue
        value = table[key]
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            raise ManifestError(f"book.toml {_line_of(text, key)}: {where}.{key} must be a "
                                f"{typ.__name__}, not {type(value).__name__} ({value!r})")
        if typ is list and not all(isinstance(v, str) for v in value):
            raise ManifestError(f"book.toml {_line_of(text, key)}: {where}.{key} must be a list of strings")


def parse_manifest(text: str) -> Manifest:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"book.toml is not valid TOML: {exc}") from exc
    for key in data:
        if key not in _TOP_KEYS:
            raise ManifestError(f"book.toml {_line_of(text, key)}: unknown section {key!r}; "
                                f"allowed: {', '.join(sorted(_TOP_KEYS))}")
    if "course" not in data:
        raise ManifestError("book.toml: the [course] section (title, authors, description) is missing")
    course = data["course"]
    _check_table(course, _COURSE_KEYS, "[course]", text)
    launch = data.get("launch", {})
    _check_table(launch, _LAUNCH_KEYS, "[launch]", text)

    groups: dict[str, list[Entry]] = {"chapters": [], "labs": [], "appendix": []}
    seen: set[str] = set()
    for group, kind in (("chapters", "chapter"), ("labs", "lab"), ("appendix", "appendix")):
        items = data.get(group, [])
        if not isinstance(items, list):
            raise ManifestError(f"book.toml {_line_of(text, group)}: write [[{group}]] tables, "
                                f"not a single [{group}]")
        for i, item in enumerate(items):
            where = f"[[{group}]] #{i + 1}" + (f" ({item.get('id')})" if "id" in item else "")
            _check_table(item, _ENTRY_KEYS, where, text)
            if item["id"] in seen:
                raise ManifestError(f"book.toml {_line_of(text, 'id', item['id'])}: id "
                                    f"{item['id']!r} is used twice")
            seen.add(item["id"])
            kernel = item.get("kernel", "python3")
            if kernel not in _KERNELS:
                raise ManifestError(f"book.toml {_line_of(text, 'kernel', kernel)}: {where}.kernel "
                                    f"must be one of {sorted(_KERNELS)}")
            groups[group].append(Entry(
                kind=kind, id=item["id"], title=item["title"], notebook=item["notebook"],
                section=item.get("section", ""), objectives=tuple(item.get("objectives", ())),
                prerequisites=tuple(item.get("prerequisites", ())),
                minutes=item.get("minutes", 0), kernel=kernel))
    manifest = Manifest(title=course["title"], authors=tuple(course["authors"]),
                        description=course["description"], launch=dict(launch),
                        chapters=tuple(groups["chapters"]), labs=tuple(groups["labs"]),
                        appendix=tuple(groups["appendix"]))
    _check_prerequisites(manifest, text)
    return manifest


def _check_prerequisites(manifest: Manifest, text: str) -> None:
    ids = {e.id for e in manifest.entries}
    for e in manifest.entries:
        for p in e.prerequisites:
            if p not in ids:
                raise ManifestError(f"book.toml {_line_of(text, 'id', e.id)}: {e.id!r} lists "
                                    f"prerequisite {p!r}, which is not a chapter, lab or page id")
    # Depth-first search for a cycle, reporting it as a path.
    graph = {e.id: e.prerequisites for e in manifest.entries}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
                raise ManifestError("book.toml: prerequisites form a cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])


def load_manifest(path: Path | str = MANIFEST) -> Manifest:
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"{path} not found: the course manifest book.toml belongs at the "
                            "repository root")
    return parse_manifest(path.read_text(encoding="utf-8"))


def missing_notebooks(manifest: Manifest) -> list[str]:
    return [e.notebook for e in manifest.entries if not e.path.is_file()]


def unlisted_notebooks(manifest: Manifest) -> list[str]:
    listed = {e.notebook for e in manifest.entries}
    found = sorted(str(p.relative_to(ROOT)) for folder in ("notebooks", "labs")
                   for p in (ROOT / folder).glob("*.ipynb"))
    return [p for p in found if p not in listed]


def course_map_dot(manifest: Manifest) -> str:
    """Graphviz DOT of chapters and labs with prerequisite arrows (drawn by the course map)."""
    def node(e: Entry) -> str:
        label = e.title.replace('"', "'")
        minutes = f"\\n{e.minutes} min" if e.minutes else ""
        section = f"\\nsource §{e.section}" if e.section else ""
        shape = "box" if e.kind == "chapter" else "note"
        fill = "#dbeafe" if e.kind == "chapter" else "#fef3c7"
        return (f'  "{e.id}" [label="{label}{section}{minutes}", shape={shape}, '
                f'style="rounded,filled", fillcolor="{fill}"];')

    lines = ["digraph course {", "  rankdir=TB; nodesep=0.25; ranksep=0.35;",
             '  node [fontname="Helvetica", fontsize=10]; edge [color="#64748b"];']
    lines += [node(e) for e in manifest.chapters + manifest.labs]
    for e in manifest.chapters + manifest.labs:
        lines += [f'  "{p}" -> "{e.id}";' for p in e.prerequisites]
    lines.append("}")
    return "\n".join(lines)
