"""book.toml: the course manifest is complete, consistent, and its errors are clear."""
import re
from pathlib import Path

import pytest

from conftest import ROOT
from whygo.book import (MAP_WRITER, ManifestError, course_map_markdown, core_path, duration,
                        load_manifest, missing_notebooks, parse_manifest, unlisted_notebooks,
                        with_launch)
from whygo.generated import stored_cells

GOOD = """
[course]
title = "T"
authors = ["A"]
description = "D"

[[chapters]]
id = "a"
title = "First"
notebook = "notebooks/a.ipynb"

[[chapters]]
id = "b"
title = "Second"
notebook = "notebooks/b.ipynb"
prerequisites = ["a"]
minutes = 20
"""


def test_every_listed_notebook_exists():
    assert missing_notebooks(load_manifest()) == []


def test_every_notebook_in_notebooks_and_labs_is_listed():
    assert unlisted_notebooks(load_manifest()) == []


def test_the_course_starts_with_the_course_map():
    assert load_manifest().chapters[0].notebook == "notebooks/00-course-map.ipynb"


def test_a_good_manifest_parses_with_its_prerequisites():
    m = parse_manifest(GOOD)
    assert [e.id for e in m.chapters] == ["a", "b"]
    assert m.get("b").prerequisites == ("a",) and m.get("b").minutes == 20


@pytest.mark.parametrize("change, message", [
    (("minutes = 20", "minutes = \"20\""), r"line 17: \[\[chapters\]\] #2 \(b\)\.minutes must be a int"),
    (("minutes = 20", "minutes = 20\ncolour = 1"), r"line 18: unknown key 'colour'"),
    (('title = "Second"\n', ""), r"#2 \(b\) is missing 'title'"),
    (('prerequisites = ["a"]', 'prerequisites = ["zz"]'), r"prerequisite 'zz', which is not"),
    (('id = "b"', 'id = "a"'), r"id 'a' is used twice"),
    (("[[chapters]]\nid = \"a\"", "[[chapters]]\nid = \"a\"\nprerequisites = [\"b\"]"),
     r"cycle: a -> b -> a|cycle: b -> a -> b"),
    (("[course]", "[cours]"), r"unknown section 'cours'"),
    (('title = "T"', 'title = "T'), r"not valid TOML"),
])
def test_a_malformed_manifest_names_the_key_and_line(change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(ManifestError, match=message):
        parse_manifest(GOOD.replace(old, new, 1))


@pytest.mark.parametrize("change, message", [
    (("minutes = 20", "minutes = 0"), r"line 17: .*minutes must be the estimated time.*not 0"),
    (("minutes = 20", "minutes = 900"), r"1 to 240 minutes \(not 900\)"),
    (("minutes = 20", 'minutes = 20\nsummary = ""'), r"summary must be one sentence"),
    (("minutes = 20", "minutes = 20\ncore = true"), r"'b' is on the core path but needs 'a'"),
    (("[course]", '[launch]\njupyterhub_url = "hub.example.org"\n[course]'),
     r"line 3: \[launch\].jupyterhub_url must be a web address"),
    (("[course]", '[launch]\nnotebook_interface = "vscode"\n[course]'), r"notebook_interface must be one of"),
])
def test_a_bad_time_summary_core_path_or_launch_link_is_reported(change, message):
    old, new = change
    with pytest.raises(ManifestError, match=message):
        parse_manifest(GOOD.replace(old, new, 1))


def test_every_chapter_and_lab_has_a_time_and_a_summary():
    course = load_manifest()
    assert [e.id for e in course.chapters + course.labs if not (e.minutes and e.summary)] == []


def test_launch_links_can_be_set_for_one_build_and_are_checked():
    m = parse_manifest(GOOD)
    hub = with_launch(m, repository="https://github.com/o/r", jupyterhub_url="https://hub.example.org")
    assert hub.launch == {"repository": "https://github.com/o/r", "jupyterhub_url": "https://hub.example.org"}
    assert with_launch(hub, jupyterhub_url="").launch == {"repository": "https://github.com/o/r"}
    with pytest.raises(ManifestError, match="binderhub_url must be a web address"):
        with_launch(m, binderhub_url="mybinder")
    with pytest.raises(ManifestError, match="unknown launch option"):
        with_launch(m, colab_url="https://colab")


# ----- the course map's table of contents --------------------------------------------------
MAP = ROOT / "notebooks" / "00-course-map.ipynb"


def test_the_course_map_cell_is_the_generated_one():
    """Refresh it after editing book.toml:
    python -c "from whygo.book import refresh_course_map; refresh_course_map()"."""
    assert stored_cells(MAP, MAP_WRITER) == [course_map_markdown()]


def test_the_course_map_links_every_chapter_and_lab_to_a_notebook_that_exists():
    course = load_manifest()
    text = course_map_markdown(course)
    targets = re.findall(r"\]\(([^)#]+\.ipynb)\)", text)
    assert {(MAP.parent / t).resolve() for t in targets} == {e.path.resolve() for e in course.chapters + course.labs}
    assert "](../labs/06-binary-diet.ipynb)" in text and "](02-1-gmp-scheduler.ipynb)" in text
    for e in course.chapters + course.labs:     # each entry: its time, path and what to read first
        target = Path(e.notebook).name if e.notebook.startswith("notebooks/") else f"../{e.notebook}"
        line = next(l for l in text.splitlines() if l.startswith("- **[") and f"]({target})**" in l)
        assert duration(e.minutes) in line and ("core path" in line) == e.core


def test_the_core_path_is_in_reading_order_with_its_labs_after_their_chapters():
    course = load_manifest()
    path = [e.id for e in core_path(course)]
    assert path[0] == "course-map" and path[-1] == "claims"
    for i, e in enumerate(core_path(course)):
        assert set(e.prerequisites) <= set(path[:i]), e.id
    text = course_map_markdown(course)
    total = sum(e.minutes for e in core_path(course))
    assert f"about {duration(total)}:" in text


def test_durations_read_as_hours_and_minutes():
    assert [duration(m) for m in (45, 60, 250)] == ["45 min", "1 h", "4 h 10 min"]


def test_the_glossary_cell_is_the_generated_one():
    """The course map's glossary is written from whygo/glossary.py; refresh it after an edit:
    python -c "from whygo.glossary import refresh_glossary; refresh_glossary()"."""
    from whygo.glossary import GLOSSARY_WRITER, glossary_markdown
    assert stored_cells(MAP, GLOSSARY_WRITER) == [glossary_markdown()]
