"""The class list and the students' Unix users.

``roster.txt`` holds one student per line (their hub name, which is also their
Unix user name); ``#`` starts a comment. ``whygo classroom users add`` makes a
user per student (home 0700, a group of their own, password locked: the hub
logs them in) and marks it with the comment ``whygo student`` so that
``users remove`` never deletes an account it did not make.
"""
from __future__ import annotations

import os
import pwd
import re
from pathlib import Path

from whygo.classroom.limits import kill_uid
from whygo.golang import process

MARK = "whygo student"
ACCOUNT_TIMEOUT = 120   # seconds for useradd / userdel (they lock /etc/passwd; never this long)
NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")


class RosterError(ValueError):
    pass


def read_roster(path: str | Path) -> list[str]:
    """The student names of a roster file, in order; a bad or repeated name is an error."""
    names: list[str] = []
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        if not NAME.match(name) or name == "root":
            raise RosterError(f"{path} line {n}: {name!r} is not a usable user name "
                              f"(lower-case letters, digits, - and _, at most 32, not root)")
        if name in names:
            raise RosterError(f"{path} line {n}: {name!r} is listed twice")
        names.append(name)
    if not names:
        raise RosterError(f"{path}: no student listed")
    return names


def write_roster(path: str | Path, names: list[str]) -> Path:
    path = Path(path)
    path.write_text("".join(f"{n}\n" for n in names))
    path.chmod(0o644)
    return path


def student(name: str) -> pwd.struct_passwd:
    return pwd.getpwnam(name)


def is_ours(name: str) -> bool:
    try:
        return student(name).pw_gecos.split(",")[0] == MARK
    except KeyError:
        return False


def add_users(names: list[str], *, base_dir: str = "/home") -> list[pwd.struct_passwd]:
    """Create a user per name (idempotent for users this command made before)."""
    made = []
    for name in names:
        try:
            existing = student(name)
        except KeyError:
            existing = None
        if existing is not None and not is_ours(name):
            raise RosterError(f"user {name!r} exists and was not made by whygo classroom: "
                              f"rename the student in the roster or remove that account yourself")
        if existing is None:
            process.run(["useradd", "--create-home", "--base-dir", base_dir, "--shell", "/bin/bash",
                         "--user-group", "--comment", MARK, name], timeout=ACCOUNT_TIMEOUT).check()
        st = student(name)
        os.chmod(st.pw_dir, 0o700)   # nobody else reads a student's work, caches or feedback
        made.append(st)
    return made


def remove_users(names: list[str]) -> list[str]:
    """Stop every process of these students and delete their users and homes (only ours)."""
    removed = []
    for name in names:
        if not is_ours(name):
            continue
        kill_uid(student(name).pw_uid)
        process.run(["userdel", "--remove", name], timeout=ACCOUNT_TIMEOUT)
        removed.append(name)
    return removed
