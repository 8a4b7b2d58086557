"""The course manifest, ``book.toml``: one place that lists the whole course.

``load_manifest()`` reads and validates it (unknown keys, missing fields, wrong
types, broken prerequisites, a core path that needs a deep dive, launch links
that are not URLs are reported with the key and its line), the course map's
table of contents is ``course_map_markdown()``, and the book build and the
tests read it from here. Nothing else should parse book.toml.
"""
from __future__ import annotations

import posixpath
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from whygo.generated import md_text, refresh, with_marker
from whygo.i18n import N_, _

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
    summary: str = ""           # one sentence: what it teaches (the course map shows it)
    core: bool = False          # on the suggested core path (else a deep dive)

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
               "minutes": (int, False), "kernel": (str, False), "summary": (str, False),
               "core": (bool, False)}
_TOP_KEYS = {"course", "launch", "chapters", "labs", "appendix"}
_KERNELS = {"python3", "whygo-go"}
_URL_KEYS = ("repository", "binderhub_url", "jupyterhub_url")
_INTERFACES = ("jupyterlab", "classic")
MAX_MINUTES = 240       # one sitting; a longer estimate is a typo or a chapter to split


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
            minutes = item.get("minutes", 0)
            if "minutes" in item and not 1 <= minutes <= MAX_MINUTES:
                raise ManifestError(f"book.toml {_line_of(text, 'minutes', str(minutes))}: "
                                    f"{where}.minutes must be the estimated time to complete it, "
                                    f"1 to {MAX_MINUTES} minutes (not {minutes})")
            summary = item.get("summary", "")
            if "\n" in summary.strip() or ("summary" in item and not summary.strip()):
                raise ManifestError(f"book.toml {_line_of(text, 'summary')}: {where}.summary must "
                                    "be one sentence on one line")
            groups[group].append(Entry(
                kind=kind, id=item["id"], title=item["title"], notebook=item["notebook"],
                section=item.get("section", ""), objectives=tuple(item.get("objectives", ())),
                prerequisites=tuple(item.get("prerequisites", ())),
                minutes=minutes, kernel=kernel, summary=summary.strip(),
                core=item.get("core", False)))
    manifest = Manifest(title=course["title"], authors=tuple(course["authors"]),
                        description=course["description"], launch=dict(launch),
                        chapters=tuple(groups["chapters"]), labs=tuple(groups["labs"]),
                        appendix=tuple(groups["appendix"]))
    _check_prerequisites(manifest, text)
    _check_launch(manifest.launch, text)
    return manifest


def _check_launch(launch: dict, text: str = "") -> None:
    """Launch links must be web addresses; the notebook interface one JupyterLab knows."""
    for key in _URL_KEYS:
        value = launch.get(key, "")
        if value and not re.fullmatch(r"https?://[^\s/]+\S*", value):
            raise ManifestError(f"book.toml {_line_of(text, key)}: [launch].{key} must be a web "
                                f"address such as https://example.org, not {value!r}")
    interface = launch.get("notebook_interface", "jupyterlab")
    if interface not in _INTERFACES:
        raise ManifestError(f"book.toml {_line_of(text, 'notebook_interface')}: "
                            f"[launch].notebook_interface must be one of {_INTERFACES}")


def with_launch(manifest: Manifest, **overrides: str) -> Manifest:
    """The manifest with some [launch] keys set for one build (``whygo book build
    --jupyterhub-url URL``); an empty value removes the key. Checked like book.toml."""
    unknown = set(overrides) - set(_LAUNCH_KEYS)
    if unknown:
        raise ManifestError(f"unknown launch option(s): {', '.join(sorted(unknown))}")
    launch = {**manifest.launch, **overrides}
    launch = {k: v for k, v in launch.items() if v != ""}
    _check_launch(launch)
    return replace(manifest, launch=launch)


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
    # The core path must stand on its own: nothing on it may need a deep dive first.
    core = {e.id for e in manifest.entries if e.core}
    for e in manifest.entries:
        outside = [p for p in e.prerequisites if p not in core]
        if e.core and outside:
            raise ManifestError(f"book.toml {_line_of(text, 'id', e.id)}: {e.id!r} is on the core "
                                f"path but needs {', '.join(map(repr, outside))}, which is not: mark "
                                "those core = true too, or take core = true off this one")


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


# ---- the course map's table of contents -------------------------------------------------
# The course map (notebooks/00-course-map.ipynb) lists every chapter and lab in a Markdown cell
# generated here, so that its links work in JupyterLab and in the book; a test keeps the stored
# cell equal to course_map_markdown() (whygo/generated.py). After editing book.toml:
#     python -c "from whygo.book import refresh_course_map; refresh_course_map()"

MAP_WRITER = "whygo.book.course_map_markdown"
# Every sentence the map shows, kept together for the Chinese edition.
MAP_TEXT = {
    "core_path": N_("**Short on time?** Take the core path, about {time}:"),
    "deep_dives": N_(("The other chapters and labs are deep dives, about {time} more: take any of "
                   "them once what it says to read first is done.")),
    "chapters": N_("### Chapters"),
    "labs": N_("### Labs"),
    "labs_intro": N_(("Each lab is a notebook of tasks with checks that tell you at once whether "
                   "your answer works.")),
    "core": N_("core path"),
    "deep": N_("deep dive"),
    "go_kernel": N_("Go kernel"),
    "first": N_("Read first: {links}."),
    "start_here": N_("Start here."),
    "minutes": N_("{m} min"),
    "hours": N_("{h} h"),
    "hours_minutes": N_("{h} h {m} min"),
}


def duration(minutes: int) -> str:
    """45 -> "45 min", 250 -> "4 h 10 min"."""
    h, m = divmod(minutes, 60)
    if not h:
        return _(MAP_TEXT["minutes"]).format(m=m)
    return _(MAP_TEXT["hours"]).format(h=h) if not m else _(MAP_TEXT["hours_minutes"]).format(h=h, m=m)


def link_from(entry: Entry, start: str = "notebooks") -> str:
    """The relative path from a notebook in ``start`` to ``entry``'s notebook: the link
    target that works both in JupyterLab and in the book (MyST turns .ipynb into .html)."""
    return posixpath.relpath(entry.notebook, start)


def display_title(entry: Entry) -> str:
    """"2.1 The GMP scheduler", "1. Why Go is efficient" for a numbered chapter (as the
    book's table of contents numbers them), the title as it is otherwise."""
    if entry.kind != "chapter" or not entry.section or "," in entry.section:
        return title_of(entry)
    return f"{entry.section}{'' if '.' in entry.section else '.'} {title_of(entry)}"


def title_of(entry: Entry) -> str:
    """The entry's title in the running edition (whygo.po, key ``book:ID:title``)."""
    return _(entry.title, f"book:{entry.id}:title")


def summary_of(entry: Entry) -> str:
    """What the entry teaches in one sentence (its summary, else its first objective)."""
    if entry.summary:
        return _(entry.summary, f"book:{entry.id}:summary")
    return _(entry.objectives[0], f"book:{entry.id}:objective1") if entry.objectives else ""


def core_path(manifest: Manifest) -> list[Entry]:
    """The core entries in reading order: chapters as listed, each core lab right after
    the last of its prerequisites."""
    path: list[Entry] = []
    labs = [e for e in manifest.labs if e.core]
    for chapter in (e for e in manifest.chapters if e.core):
        path.append(chapter)
        done = {e.id for e in path}
        for lab in [lab for lab in labs if set(lab.prerequisites) <= done]:
            path.append(lab)
            labs.remove(lab)
    return path + labs


def course_map_markdown(manifest: Manifest | None = None, start: str = "notebooks") -> str:
    """The course map's table of contents, from book.toml.

    The core path first (linked, with its total time), then every chapter and lab: its
    link, time, core path or deep dive, what it teaches (``summary``, else the first
    objective) and what to read first (``prerequisites``), each linked. A list rather than
    a table, so that it reads at any width. ``start`` is the folder of the map's notebook.
    """
    manifest = manifest or load_manifest()
    by_id = {e.id: e for e in manifest.entries}

    def link(e: Entry) -> str:
        return f"[{md_text(display_title(e))}]({link_from(e, start)})"

    def item(e: Entry) -> str:
        facts = [duration(e.minutes)] if e.minutes else []
        facts.append(_(MAP_TEXT["core"]) if e.core else _(MAP_TEXT["deep"]))
        if e.kernel == "whygo-go":
            facts.append(_(MAP_TEXT["go_kernel"]))
        lines = [f"- **{link(e)}** · " + " · ".join(facts)]
        teaches = summary_of(e)
        if teaches:
            lines.append(f"  {md_text(teaches)}")
        first = [link(by_id[p]) for p in e.prerequisites]
        lines.append("  " + (_(MAP_TEXT["first"]).format(links=", ".join(first)) if first
                             else _(MAP_TEXT["start_here"])))
        return "\\\n".join(lines)    # a backslash at the end of a line breaks it (CommonMark)

    core = core_path(manifest)
    listed = [e for e in manifest.chapters + manifest.labs]
    core_minutes = sum(e.minutes for e in core)
    deep_minutes = sum(e.minutes for e in listed if not e.core)
    parts = []
    if core:
        parts += [_(MAP_TEXT["core_path"]).format(time=duration(core_minutes)) + " "
                  + " → ".join(link(e) for e in core) + ".",
                  _(MAP_TEXT["deep_dives"]).format(time=duration(deep_minutes))]
    parts += [_(MAP_TEXT["chapters"]), "\n".join(item(e) for e in manifest.chapters)]
    if manifest.labs:
        parts += [_(MAP_TEXT["labs"]), _(MAP_TEXT["labs_intro"]), "\n".join(item(e) for e in manifest.labs)]
    return with_marker(MAP_WRITER, "\n\n".join(parts))


def refresh_course_map(path: Path | str | None = None) -> None:
    """Rewrite the course map's generated cell from book.toml (run after editing it)."""
    manifest = load_manifest()
    path = Path(path) if path else root_entry_path(manifest)
    refresh(path, MAP_WRITER, course_map_markdown(manifest, start=path.parent.relative_to(ROOT).as_posix()))


def root_entry_path(manifest: Manifest) -> Path:
    """The course map's notebook (id "course-map")."""
    return manifest.get("course-map").path
