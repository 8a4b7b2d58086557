"""``whygo classroom collect CLASS LAB OUT``: every student's saved lab, copied for grading.

For each student of the roster, the lab notebook of their clone
(``~/course/labs/<notebook>``) is read *as that student*
(:func:`whygo.classroom.homes.read_as_student`), so a symlink planted there
can only lead to what the student could read anyway, and written to
``OUT/<student>.ipynb`` (OUT is 0700: students never see each other's
hand-ins). ``OUT/collected.json`` records, per student, when the hand-in was
last saved, when the handout was first pulled (the modification time of the
clone's README.md, which nobody edits) and so the time spent; a student
with nothing to collect gets the reason instead. ``whygo grade OUT/*.ipynb``
grades the copies; ``report`` and ``feedback`` read this file back.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from whygo.classroom.handout import TARGET
from whygo.classroom.homes import HomeError, mtime_as_student, read_as_student
from whygo.classroom.users import read_roster, student
from whygo.labs.catalog import get

MANIFEST = "collected.json"
MAX_BYTES = 64 << 20


@dataclass
class HandIn:
    student: str
    lab: str
    file: str | None = None              # the copy in OUT, None when nothing was collected
    saved_at: float | None = None        # the hand-in's last save (seconds since the epoch)
    pulled_at: float | None = None       # the first pull of the handout
    sha256: str = ""
    problem: str = ""

    @property
    def minutes_spent(self) -> float | None:
        if self.saved_at is None or self.pulled_at is None:
            return None
        return max(0.0, (self.saved_at - self.pulled_at) / 60)


def collect(class_dir: str | Path, lab_id: str, out: str | Path) -> list[HandIn]:
    lab = get(lab_id)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o700)
    hand_ins = []
    for name in read_roster(Path(class_dir) / "roster.txt"):
        h = HandIn(name, lab.id)
        try:
            st = student(name)
            data, h.saved_at = read_as_student(st, f"{st.pw_dir}/{TARGET}/labs/{lab.notebook}")
            if len(data) > MAX_BYTES:
                raise HomeError(f"the notebook is larger than {MAX_BYTES >> 20} MB")
            h.pulled_at = mtime_as_student(st, f"{st.pw_dir}/{TARGET}/README.md")
            copy = out / f"{name}.ipynb"
            fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            with open(fd, "wb") as f:
                f.write(data)
            h.file, h.sha256 = str(copy), hashlib.sha256(data).hexdigest()
        except (KeyError, HomeError) as exc:
            h.problem = f"nothing collected: {exc}" if not isinstance(exc, KeyError) else "no such user"
        hand_ins.append(h)
    (out / MANIFEST).write_text(json.dumps([asdict(h) for h in hand_ins], indent=1) + "\n")
    return hand_ins


def read_manifest(out: str | Path) -> list[HandIn]:
    return [HandIn(**h) for h in json.loads((Path(out) / MANIFEST).read_text())]
