"""The teacher's side after grading: a gradebook, a class report, and feedback for each student.

Inputs are the folder ``collect`` filled (``collected.json``) and the CSV
``whygo grade`` wrote there (``grades.csv``: ``file, lab, score, max,
<check>..., note``; a file is ``<student>.ipynb``).

* ``gradebook.csv``: one row per student of the roster (a student with no
  hand-in too, with the reason): ``student, lab, score, max, <check>...,
  minutes_spent, note``; ready for a spreadsheet or an LMS import.
* ``report.html`` with ``report.png``: which checks fail most (pass rate per
  check), time spent (first pull of the handout to the last save), the
  score distribution, and the table.
* feedback: ``~/feedback/<lab>.md`` in each student's home, written as that
  student (0600), opened in JupyterLab like any Markdown file.
"""
from __future__ import annotations

import base64
import csv
import html
from dataclasses import dataclass, field
from pathlib import Path

from whygo.classroom.collect import read_manifest
from whygo.classroom.homes import write_as_student
from whygo.classroom.users import student
from whygo.labs.catalog import get

PASSED = "passed"
FEEDBACK_DIR = "feedback"


@dataclass
class Grade:
    student: str
    lab: str
    score: int = 0
    max: int = 0
    checks: dict[str, str] = field(default_factory=dict)
    minutes_spent: float | None = None
    note: str = ""


def read_grades(out: str | Path, grades_csv: str | Path | None = None) -> list[Grade]:
    """A grade per hand-in of ``collected.json``, filled from ``grades.csv``."""
    out = Path(out)
    with open(grades_csv or out / "grades.csv", newline="") as f:
        rows = {Path(r["file"]).stem: r for r in csv.DictReader(f)}
    grades = []
    for h in read_manifest(out):
        lab = get(h.lab)
        g = Grade(h.student, h.lab, max=len(lab.checks), minutes_spent=h.minutes_spent,
                  checks={c: "" for c in lab.checks})
        row = rows.get(h.student) if h.file else None
        if row is None:
            g.note = h.problem or "not graded (no row in grades.csv)"
            g.checks = {c: "not handed in" for c in lab.checks}
        else:
            g.score, g.max, g.note = int(row["score"]), int(row["max"]), row.get("note", "")
            g.checks = {c: row.get(c, "") for c in lab.checks}
        grades.append(g)
    return grades


def write_gradebook(grades: list[Grade], path: Path) -> Path:
    checks = sorted({c for g in grades for c in g.checks})
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "lab", "score", "max", *checks, "minutes_spent", "note"])
        for g in grades:
            minutes = "" if g.minutes_spent is None else f"{g.minutes_spent:.1f}"
            w.writerow([g.student, g.lab, g.score, g.max, *(g.checks.get(c, "") for c in checks), minutes, g.note])
    return path


def pass_rates(grades: list[Grade]) -> list[tuple[str, float]]:
    """(check, share of students who passed it), the most failed first."""
    checks = sorted({c for g in grades for c in g.checks})
    rates = [(c, sum(g.checks.get(c) == PASSED for g in grades) / max(1, len(grades))) for c in checks]
    return sorted(rates, key=lambda cr: (cr[1], cr[0]))


def plot(grades: list[Grade], path: Path) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(12, 3.6))
    rates = pass_rates(grades)
    a.barh([r[0] for r in rates], [100 * r[1] for r in rates], color="#4c72b0")
    a.set_xlim(0, 100)
    a.set_xlabel("students who passed (%)")
    a.set_title("checks, most failed on top")
    a.invert_yaxis()
    minutes = [g.minutes_spent for g in grades if g.minutes_spent is not None]
    b.hist(minutes or [0], bins=min(10, max(1, len(minutes))), color="#55a868")
    b.set_xlabel("minutes from first pull to last save")
    b.set_title("time spent")
    top = max((g.max for g in grades), default=0)
    c.bar(range(top + 1), [sum(g.score == s for g in grades) for s in range(top + 1)], color="#c44e52")
    c.set_xticks(range(top + 1))
    c.set_xlabel("score")
    c.set_title("scores")
    from matplotlib.ticker import MaxNLocator
    for ax in (b, c):
        ax.set_ylabel("students")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def summary_lines(grades: list[Grade]) -> list[str]:
    handed = [g for g in grades if not g.note.startswith(("nothing collected", "no such user"))]
    minutes = sorted(g.minutes_spent for g in grades if g.minutes_spent is not None)
    lines = [f"{len(grades)} student(s), {len(handed)} hand-in(s), mean score "
             f"{sum(g.score for g in grades) / max(1, len(grades)):.2f} / {max((g.max for g in grades), default=0)}"]
    lines += [f"  {check}: {100 * rate:.0f}% passed" for check, rate in pass_rates(grades)]
    if minutes:
        lines.append(f"time spent: median {minutes[len(minutes) // 2]:.1f} min, longest {minutes[-1]:.1f} min")
    return lines


def write_report(out: str | Path, grades: list[Grade]) -> Path:
    out = Path(out)
    png = plot(grades, out / "report.png")
    image = base64.b64encode(png.read_bytes()).decode()
    lab = get(grades[0].lab) if grades else None
    checks = sorted({c for g in grades for c in g.checks})
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in
                         [g.student, f"{g.score}/{g.max}", *(g.checks.get(c, "") for c in checks),
                          "" if g.minutes_spent is None else f"{g.minutes_spent:.1f}", g.note]) + "</tr>"
        for g in grades)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in ["student", "score", *checks, "minutes", "note"])
    summary = "".join(f"<li>{html.escape(line.strip())}</li>" for line in summary_lines(grades))
    page = (f"<!doctype html><meta charset='utf-8'><title>Class report</title>"
            f"<h1>{html.escape(lab.title if lab else 'Class report')}</h1><ul>{summary}</ul>"
            f"<img alt='pass rate per check, time spent, scores' src='data:image/png;base64,{image}'>"
            f"<table border='1' cellpadding='4'><tr>{head}</tr>{rows}</table>")
    path = out / "report.html"
    path.write_text(page)
    return path


def feedback_text(g: Grade) -> str:
    lab = get(g.lab)
    lines = [f"# {lab.title}: your feedback", "", f"**Score: {g.score} / {g.max}**", "",
             "| check | result |", "| --- | --- |"]
    lines += [f"| `{c}` | {v or 'did not run'} |" for c, v in g.checks.items()]
    if g.note:
        lines += ["", f"Grader's note: {g.note}"]
    lines += ["", "For a check that says *not yet*, run its check cell (`check-N`) in your notebook: "
              "it says what it measured and gives a hint."]
    return "\n".join(lines) + "\n"


def write_feedback(grades: list[Grade]) -> list[str]:
    """Write each student's feedback into their home, as them; the paths written."""
    written = []
    for g in grades:
        try:
            st = student(g.student)
        except KeyError:
            continue
        written.append(write_as_student(st, FEEDBACK_DIR, f"{g.lab}.md", feedback_text(g).encode()))
    return written

