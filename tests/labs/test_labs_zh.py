"""The labs' words in the Chinese edition: checks' messages and hints, lab 2's questions, lab 4's Go.

The verdict line's prefix ("[check X] not yet:", " — hint: ") is protocol and stays English
in both editions; the message and hints after it are in the running edition (WHYGO_LANG).
"""
from __future__ import annotations

import re

import pytest

from whygo.labs import run_check
from whygo.labs.catalog import LABS
from whygo.labs.feedback import Feedback, split_output
from whygo.labs.leak import MESSAGES
from whygo.labs.notebook import cells_by_id, read
from whygo.labs.protocol import parse_verdicts
from whygo.labs.sched import SITUATIONS

CJK = re.compile(r"[\u4e00-\u9fff]")
UNANSWERED = {"predictions": {k: "?" for k in SITUATIONS}}


@pytest.fixture
def english(monkeypatch):
    monkeypatch.delenv("WHYGO_LANG", raising=False)


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setenv("WHYGO_LANG", "zh")


def test_a_check_speaks_english_by_default(english):
    v = run_check("sched/1", UNANSWERED)
    assert v.message == "situation(s) a, b, c, d, e have no answer among runnext, local, global, stolen"
    assert v.hint == "replace every '?' by runnext, local, global or stolen"
    assert v.line().startswith("[check sched/1] not yet: situation(s) a, b")


def test_a_check_speaks_chinese_under_whygo_lang_zh(chinese):
    v = run_check("sched/1", UNANSWERED)
    assert v.message == "情形 a, b, c, d, e 还没有答案（答案应为 runnext, local, global, stolen 之一）"
    assert CJK.search(v.hint) and "runnext" in v.hint
    line = Feedback().record(v).shown.line()
    assert line.startswith("[check sched/1] not yet: 情形 a, b") and " — hint: 把每个 '?'" in line
    assert parse_verdicts(line)[0].check == "sched/1" and not parse_verdicts(line)[0].passed


def test_every_hint_tier_is_translated(chinese):
    wrong = {"predictions": {k: "global" for k in SITUATIONS}}
    v = run_check("sched/1", wrong)
    assert len(v.hints) == 2 and all(CJK.search(h) for h in v.hints), v.hints
    assert "show_situation('" in v.hints[0]


def test_lab_2_questions_follow_the_edition(english, monkeypatch):
    assert SITUATIONS["a"].question == "1 P. main runs `go a()` and keeps computing. Where does a run from?"
    monkeypatch.setenv("WHYGO_LANG", "zh")
    assert SITUATIONS["a"].question.startswith("1 个 P。main 执行 `go a()`")


LEAK_LINE = ("[check leak/2] not yet: 4 goroutines were still blocked 3 s after fetchAll returned"
             " — hint: after fetchAll returns, who receives from results?"
             " — more: each one is stuck sending on a channel nobody reads: give the channel a slot per URL,"
             " or let the sender select on ctx.Done()")


def test_lab_4_go_verdicts_stay_as_printed_in_english(english):
    [result] = split_output(LEAK_LINE + "\n", Feedback())
    assert result.verdict.line() == LEAK_LINE


def test_lab_4_go_verdicts_are_shown_in_chinese(chinese):
    fb = Feedback()
    [first] = split_output(LEAK_LINE + "\n", fb)
    assert repr(first) == ("[check leak/2] not yet: fetchAll 返回 3 s 后，仍有 4 个 goroutine 处于阻塞状态"
                           " — hint: fetchAll 返回之后，谁还从 results 接收？")
    [again] = split_output(LEAK_LINE + "\n", fb)     # the next tier, in Chinese too
    assert again.shown.hint.startswith("每个 goroutine 都卡在")
    assert "实验 4" in first._repr_html_()
    unknown = "[check leak/1] passed: something the table does not know"
    assert repr(split_output(unknown, Feedback())[0]) == unknown      # shown as printed


def _go_messages(source: str) -> set[str]:
    """The sentences a check cell of lab 4 prints: its Go string literals that are prose,
    with Sprintf's %d as the catalog's {n}."""
    literals = re.findall(r'"((?:[^"\\]|\\.)*)"', source)
    return {s.replace("%d", "{n}") for s in literals
            if " " in s.strip() and "[check " not in s and " — " not in s}


def test_lab_4_messages_registered_for_the_catalog_are_those_its_go_prints():
    lab = LABS["leak"]
    cells = cells_by_id(read(lab.path))
    printed = set().union(*(_go_messages(cells[lab.check_cell(c)].source) for c in lab.checks))
    assert printed == set(MESSAGES)


def test_the_grader_speaks_the_teachers_language(tmp_path, monkeypatch, capsys):
    """`whygo grade --lang zh`: notes, the summary and the sandbox line in Chinese; the CSV's
    columns English. Nothing here runs a submission (a broken file and a missing one)."""
    import csv

    from whygo.labs import grade as grading
    from whygo.labs.sandbox import Sandbox
    monkeypatch.setenv("WHYGO_LANG", "en")   # --lang overrides it; monkeypatch restores it after
    monkeypatch.setattr(grading.Sandbox, "probe", classmethod(lambda cls: Sandbox(True, True)))
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [ oops')
    out_csv = tmp_path / "g.csv"
    assert grading.main([str(broken), str(tmp_path / "missing.ipynb"), "--out", str(out_csv), "--lang", "zh"]) == 0
    out, err = capsys.readouterr()
    assert "2 份提交" in out and CJK.search(err.splitlines()[0]), (out, err)
    rows = list(csv.DictReader(out_csv.open()))
    assert list(rows[0]) == ["file", "lab", "score", "max", "note"]
    assert rows[0]["note"].startswith("不是") and "JSON" in rows[0]["note"], rows[0]["note"]   # no path: the row has it
    assert CJK.search(rows[1]["note"]), rows[1]["note"]


def test_grader_notes_in_chinese_and_in_english(english, monkeypatch):
    from whygo.labs.grade import Row, score
    lab = LABS["sched"]
    events = [{"event": "timeout", "id": "task-2"}, {"event": "end"}]
    row = Row("a.ipynb")
    score(row, lab, events, 10.0)
    assert row.note == "time limit (10 s) reached in cell task-2"
    monkeypatch.setenv("WHYGO_LANG", "zh")
    row = Row("a.ipynb")
    score(row, lab, events, 10.0)
    assert CJK.search(row.note) and "10 s" in row.note and "task-2" in row.note, row.note


REPLACED_AND_TIMEOUT = [{"event": "replaced", "id": "task-1", "names": ["check", "show"]},
                        {"event": "timeout", "id": "task-2"}, {"event": "end"}]


def test_grader_notes_are_joined_with_the_editions_separators(english, monkeypatch):
    """Notes are joined with "; " and names with ", " in English, "；" and "、" in Chinese (no
    half-width separator, and no blank, between Chinese sentences)."""
    from whygo.labs.grade import Row, score
    row = Row("a.ipynb")
    score(row, LABS["sched"], REPLACED_AND_TIMEOUT, 10.0)
    assert row.note == ("task-1 replaced check, show: no effect, checks run in a process of their own; "
                        "time limit (10 s) reached in cell task-2")
    monkeypatch.setenv("WHYGO_LANG", "zh")
    row = Row("a.ipynb")
    score(row, LABS["sched"], REPLACED_AND_TIMEOUT, 10.0)
    assert "check、show" in row.note and "；" in row.note, row.note
    assert "; " not in row.note and ", " not in row.note, row.note


def test_the_summary_cuts_a_note_by_display_width(english, monkeypatch):
    """The summary shows at most 80 columns of a note: 80 Latin letters, 40 Chinese characters
    (each takes two columns in a terminal)."""
    from whygo.labs.grade import Row, summary
    from whygo.report import clip, width
    assert clip("ab中文", 4) == "ab中" and clip("ab中文", 5) == "ab中" and clip("ab", 80) == "ab"
    latin = summary([Row("a.ipynb", notes=["x" * 100])])
    assert "x" * 80 in latin and "x" * 81 not in latin
    monkeypatch.setenv("WHYGO_LANG", "zh")
    chinese_note = summary([Row("a.ipynb", notes=["很" * 100])])
    assert "很" * 40 in chinese_note and "很" * 41 not in chinese_note
    assert max(width(line) for line in chinese_note.splitlines()) < 120


@pytest.mark.parametrize("how", ["WHYGO_LANG", "--lang"])
def test_the_graders_help_and_errors_follow_the_edition(how, monkeypatch, capsys):
    """`whygo grade --help` (and its parser's errors) in Chinese under WHYGO_LANG=zh or with
    --lang zh; in English otherwise."""
    from whygo.labs import grade as grading

    def run(*argv):
        with pytest.raises(SystemExit):
            grading.main(list(argv))
        return capsys.readouterr()

    monkeypatch.setenv("WHYGO_LANG", "en")   # --lang sets it; monkeypatch restores it after
    english_help = run("--help").out
    assert english_help.startswith("usage: whygo grade") and "\noptions:\n" in english_help
    assert "1024 MB written in all." in english_help and not CJK.search(english_help)
    lang = ["--lang", "zh"] if how == "--lang" else []
    if how == "WHYGO_LANG":
        monkeypatch.setenv("WHYGO_LANG", "zh")
    chinese_help = run(*lang, "--help").out
    assert chinese_help.startswith("用法：whygo grade") and "\n选项：\n" in chinese_help, chinese_help
    assert "总写入量最多 1024 MB" in chinese_help and "显示此帮助信息并退出" in chinese_help
    assert "要求 --workers >= 1" in run(*lang, "--workers", "0", "x.ipynb").err
