"""book.toml: the course manifest is complete, consistent, and its errors are clear."""
import pytest

from whygo.book import (ManifestError, course_map_dot, load_manifest, missing_notebooks,
                        parse_manifest, unlisted_notebooks)

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


def test_course_map_dot_draws_an_arrow_per_prerequisite():
    dot = course_map_dot(parse_manifest(GOOD))
    assert '"a" -> "b";' in dot and dot.count("->") == 1
