"""The `whygo` command: doctor, kernel install, warm, go, bench, book, grade, labs, i18n.

Each sub-command is a small function; heavy imports happen inside it so that
`whygo --help` stays fast.
"""
from __future__ import annotations

import argparse
import os
import sys


def cmd_doctor(args: argparse.Namespace) -> int:
    from whygo.doctor import run_doctor
    return run_doctor(quiet=args.quiet)


def cmd_kernel(args: argparse.Namespace) -> int:
    from whygo.kernelspec import install_kernelspec
    where = install_kernelspec(user=args.user, prefix=None if args.user else sys.prefix)
    print(f"Installed the course kernels (Go, and the Chinese edition's Python and Go) beside {where}")
    return 0


def cmd_warm(args: argparse.Namespace) -> int:
    from whygo.golang.warm import warm_build_cache
    return warm_build_cache()


def cmd_go(args: argparse.Namespace) -> int:
    """`whygo go ARGS`: the pinned go with the course environment (used by make test)."""
    from whygo.golang.toolchain import ToolchainError, go_env, toolchain
    try:
        go = str(toolchain().go)
    except ToolchainError as exc:
        print(exc, file=sys.stderr)
        return 2
    os.execve(go, [go, *args.go_args], go_env())
    return 0  # not reached


def cmd_bench(args: argparse.Namespace) -> int:
    from whygo.bench import main as bench_main
    return bench_main(args.only)


def cmd_book(args: argparse.Namespace) -> int:
    from whygo.site import main as site_main
    return site_main(args.rest)


def cmd_grade(args: argparse.Namespace) -> int:
    from whygo.labs import main_grade
    return main_grade(args.rest)


def cmd_classroom(args: argparse.Namespace) -> int:
    from whygo.classroom.cli import main as classroom_main
    return classroom_main(args.rest)


def cmd_labs(args: argparse.Namespace) -> int:
    from whygo.labs import main_student
    if args.rest[:1] != ["student-version"]:
        print("usage: whygo labs student-version OUTDIR  (labs without solutions, outputs cleared)",
              file=sys.stderr)
        return 2
    return main_student(args.rest[1:])


def cmd_i18n(args: argparse.Namespace) -> int:
    """`whygo i18n status|update|build`: the Chinese edition's catalogs and notebooks."""
    from whygo.i18n import catalog, edition
    if args.action == "update":
        changed = catalog.update()
        print("updated: " + (", ".join(changed) if changed else "nothing changed"))
        args.action = "status"
    if args.action == "status":
        coverages = catalog.status()
        print(catalog.report(coverages, verbose=not args.brief))
        errors = catalog.structure_errors() + catalog.placeholder_errors()
        for error in errors:
            print("error    " + error)
        return 0 if all(c.done for c in coverages) and not errors else 1
    need = edition.build(execute=args.execute, only=args.only)
    for path in need:
        print(f"needs a run (whygo i18n build --execute): {path.relative_to(catalog.ROOT)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="whygo", description="Why Go is efficient: course tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("doctor", help="check the toolchain, renderer and packages; print fixes")
    p.add_argument("--quiet", action="store_true", help="print only problems")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("kernel", help="manage the 'Go (whygo)' Jupyter kernel")
    ksub = p.add_subparsers(dest="kernel_command", required=True)
    k = ksub.add_parser("install", help="install the kernel spec")
    where = k.add_mutually_exclusive_group()
    where.add_argument("--sys-prefix", action="store_true", default=True,
                       help="into this Python environment (default)")
    where.add_argument("--user", action="store_true", help="into ~/.local/share/jupyter")
    k.set_defaults(func=cmd_kernel)

    p = sub.add_parser("warm", help="build the standard library packages the course uses, once")
    p.set_defaults(func=cmd_warm)

    p = sub.add_parser("go", help="run the pinned `go` with the course environment")
    p.add_argument("go_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_go)

    # Sub-commands with their own parsers: everything after the word goes to them.
    for name, func, text in (
            ("book", cmd_book, "build or check the course website (`whygo book build --help`)"),
            ("grade", cmd_grade, "grade lab submissions into a CSV (`whygo grade --help`)"),
            ("labs", cmd_labs, "hand out labs: `whygo labs student-version OUTDIR`"),
            ("classroom", cmd_classroom, "run the course on a JupyterHub (`whygo classroom --help`)")):
        p = sub.add_parser(name, help=text, add_help=False)
        p.add_argument("rest", nargs=argparse.REMAINDER)
        p.set_defaults(func=func)

    p = sub.add_parser("i18n", help="the Chinese edition: catalog coverage, updates, notebooks")
    p.add_argument("action", choices=("status", "update", "build"),
                   help="status: what is translated, missing, stale; update: catalogs from the "
                        "English; build: the Chinese notebooks (zh/) from English and catalogs")
    p.add_argument("--brief", action="store_true", help="status: one line per catalog")
    p.add_argument("--execute", action="store_true",
                   help="build: run the Chinese notebooks whose code changed, in Chinese")
    p.add_argument("--only", nargs="*", default=None,
                   help="build --execute: run these notebooks too (names without .ipynb)")
    p.set_defaults(func=cmd_i18n)

    p = sub.add_parser("bench", help="run the benchmarks; print `name: value unit` lines")
    p.add_argument("only", nargs="*", help="only modules whose name starts with these")
    p.set_defaults(func=cmd_bench)
    return parser


PASSTHROUGH = {"book": cmd_book, "grade": cmd_grade, "labs": cmd_labs, "classroom": cmd_classroom}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in PASSTHROUGH:  # they parse their own flags, --help included
        return PASSTHROUGH[argv[0]](argparse.Namespace(rest=argv[1:]))
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
