"""``whygo classroom``: a teacher's commands, in the order of the README's "Teaching with a JupyterHub".

    whygo classroom install CLASS                    students' environment, warm caches (root)
    whygo classroom users CLASS roster.txt           a Unix user per student (root)
    whygo classroom hub-config CLASS --port 8000     CLASS/hub/jupyterhub_config.py
    whygo classroom handout CLASS --hub-url URL      the handout repository and its nbgitpuller link
    whygo classroom start CLASS                      start every student's server before the lesson
    whygo classroom collect CLASS LAB OUT            every student's saved lab, into OUT
    whygo grade OUT/*.ipynb --lab LAB --out OUT/grades.csv
    whygo classroom report OUT                       gradebook.csv, report.html (+ .png)
    whygo classroom feedback OUT                     ~/feedback/LAB.md for every student
    whygo classroom users CLASS --remove             delete the class's users and homes
    whygo classroom bench --students 10              the load figures (make classroom-bench)
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path


def _install(ns) -> int:
    from whygo.classroom.install import install
    for line in install(ns.class_dir):
        print(line)
    return 0


def _users(ns) -> int:
    from whygo.classroom.users import add_users, read_roster, remove_users, write_roster
    roster_file = Path(ns.class_dir) / "roster.txt"
    if ns.remove:
        names = read_roster(ns.roster or roster_file)
        print(f"removed {len(remove_users(names))} student user(s) and their homes")
        return 0
    if ns.roster is None:
        print("give the roster file (one student per line), or --remove", file=sys.stderr)
        return 2
    names = read_roster(ns.roster)
    Path(ns.class_dir).mkdir(parents=True, exist_ok=True)
    if Path(ns.roster).resolve() != roster_file.resolve():
        shutil.copyfile(ns.roster, roster_file)
    write_roster(roster_file, names)
    made = add_users(names, base_dir=ns.base_dir)
    print(f"{len(made)} student user(s) ready: {', '.join(st.pw_name for st in made)} (homes 0700)")
    return 0


def _hub_config(ns) -> int:
    from whygo.classroom.hub import hub_command
    from whygo.classroom.hubconfig import write_config
    path = write_config(ns.class_dir, port=ns.port, ip=ns.ip, auth=ns.auth, admin=ns.admin or [],
                        memory_mb=ns.memory_mb, processes=ns.processes, spawn_limit=ns.spawn_limit)
    print(f"wrote {path}\nstart the hub (as root): {' '.join(hub_command(ns.class_dir))}")
    return 0


def _handout(ns) -> int:
    from whygo.classroom.handout import build_handout, link
    from whygo.labs.catalog import LABS
    repo = build_handout(ns.class_dir)
    print(f"handout: {repo}")
    for lab in LABS.values():
        print(f"{lab.title}\n  {link(ns.hub_url, ns.class_dir, f'labs/{lab.notebook}')}")
    return 0


def _start(ns) -> int:
    from whygo.classroom.hub import Hub
    from whygo.classroom.users import read_roster
    hub, names = Hub(ns.class_dir), read_roster(Path(ns.class_dir) / "roster.txt")
    if ns.stop:
        hub.stop_servers(names)
        print(f"stopping {len(names)} server(s)")
        return 0
    seconds = hub.start_servers(names, progress=lambda n, of: print(f"\r{n}/{of} servers ready", end="",
                                                                    flush=True))
    print(f"\nevery student's server is running ({seconds:.0f} s)")
    return 0


def _collect(ns) -> int:
    from whygo.classroom.collect import collect
    hand_ins = collect(ns.class_dir, ns.lab, ns.out)
    got = [h for h in hand_ins if h.file]
    print(f"collected {len(got)} of {len(hand_ins)} hand-in(s) into {ns.out}")
    for h in hand_ins:
        if not h.file:
            print(f"  {h.student}: {h.problem}")
    return 0


def _report(ns) -> int:
    from whygo.classroom.report import read_grades, summary_lines, write_gradebook, write_report
    grades = read_grades(ns.out)
    out = Path(ns.out)
    print("\n".join(summary_lines(grades)))
    print(f"wrote {write_gradebook(grades, out / 'gradebook.csv')} and {write_report(out, grades)}")
    return 0


def _feedback(ns) -> int:
    from whygo.classroom.report import read_grades, write_feedback
    written = write_feedback(read_grades(ns.out))
    print(f"feedback written for {len(written)} student(s) (~/feedback/, readable by them only)")
    return 0


def _bench(ns) -> int:
    from whygo.classroom.bench import main as bench_main
    return bench_main(ns)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="whygo classroom", description="Run the course on a JupyterHub for a class.",
                                epilog=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("install", help="the students' environment and warm caches, in CLASS (as root)")
    s.add_argument("class_dir", metavar="CLASS")
    s.set_defaults(func=_install)

    s = sub.add_parser("users", help="a Unix user per student of the roster (or --remove them)")
    s.add_argument("class_dir", metavar="CLASS")
    s.add_argument("roster", nargs="?", help="one student name per line (kept as CLASS/roster.txt)")
    s.add_argument("--remove", action="store_true", help="delete the roster's users and their homes")
    s.add_argument("--base-dir", default="/home", help="where homes are made (default /home)")
    s.set_defaults(func=_users)

    s = sub.add_parser("hub-config", help="write CLASS/hub/jupyterhub_config.py")
    s.add_argument("class_dir", metavar="CLASS")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--ip", default="127.0.0.1", help="address to listen on (put HTTPS in front for a real class)")
    s.add_argument("--auth", choices=["pam", "dummy"], default="pam",
                   help="pam: students' Unix passwords; dummy: one shared test password (hub/dummy-password)")
    s.add_argument("--admin", action="append", help="a hub admin (the teacher's own login), repeatable")
    s.add_argument("--memory-mb", type=int, default=2048, help="memory per student (default 2048)")
    s.add_argument("--processes", type=int, default=512, help="processes and threads per student (default 512)")
    s.add_argument("--spawn-limit", type=int, default=4, help="servers starting at once (default 4)")
    s.set_defaults(func=_hub_config)

    s = sub.add_parser("handout", help="(re)build the handout repository and print the links to send")
    s.add_argument("class_dir", metavar="CLASS")
    s.add_argument("--hub-url", default="http://127.0.0.1:8000", help="the address students use")
    s.set_defaults(func=_handout)

    s = sub.add_parser("start", help="start every student's server before the lesson (or --stop them)")
    s.add_argument("class_dir", metavar="CLASS")
    s.add_argument("--stop", action="store_true", help="stop every student's server")
    s.set_defaults(func=_start)

    s = sub.add_parser("collect", help="copy every student's saved lab into OUT (read as the student)")
    s.add_argument("class_dir", metavar="CLASS")
    s.add_argument("lab", help="lab id: escape, sched, barrier, leak, diet, binary")
    s.add_argument("out", metavar="OUT")
    s.set_defaults(func=_collect)

    s = sub.add_parser("report", help="gradebook.csv and report.html from OUT/grades.csv")
    s.add_argument("out", metavar="OUT")
    s.set_defaults(func=_report)

    s = sub.add_parser("feedback", help="write ~/feedback/LAB.md for every student of OUT/grades.csv")
    s.add_argument("out", metavar="OUT")
    s.set_defaults(func=_feedback)

    s = sub.add_parser("bench", help="a scripted class on a real hub; prints `name: value unit` figures")
    s.add_argument("--students", type=int, nargs="+", default=[10])
    s.add_argument("--lab", default="escape")
    s.add_argument("--chapter", default="02-5-context.ipynb")
    s.add_argument("--class-dir", default=None, help="default: build/classroom/bench")
    s.add_argument("--json", default=None, help="also write every student's measurements here")
    s.add_argument("--prestart", action="store_true", help="the teacher starts every server before the class")
    s.set_defaults(func=_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    ns = build_parser().parse_args(argv)
    return ns.func(ns)
