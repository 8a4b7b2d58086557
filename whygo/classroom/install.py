"""``whygo classroom install CLASS``: what every student's server needs, where every student can read it.

Run once, as root, with the course's own Python (``.venv/bin/whygo``):

* ``CLASS/env``: the Python students' servers and kernels run. It is a venv
  made from a Python that every user can run, whose ``site`` hook adds the
  course environment's packages (same Python minor version, so the same
  compiled wheels): nothing is installed twice, and an install pinned by
  ``make setup`` is what students get. It is needed because a course
  environment is often made from a Python only its owner can reach (pyenv
  under ``/root``, as on our CI machines); when the course's own Python is
  readable by all it is used as the base. Its ``share/jupyter`` holds the
  two kernels (this Python, started through :mod:`whygo.classroom.kernelstart`)
  and links to JupyterLab's assets and server extensions.
* ``CLASS/go-build`` and ``CLASS/course-cache``: Go's build cache (a copy of
  root's standard-library cache, which ``whygo warm`` fills) and the course
  cache (the Graphviz module), root's and read-only to students. The spawner
  seeds each student's own caches from them (:mod:`whygo.classroom.homes`).

Then, as an unprivileged user (``nobody``), it checks that this environment
imports the course and finds the pinned Go: the step most likely to fail on
a new hub fails here, with the reason, rather than in thirty browsers.
"""
from __future__ import annotations

import json
import os
import sys
import sysconfig
import tempfile
from pathlib import Path

from whygo.classroom.homes import SEED_STAMP, fingerprint
from whygo.golang import process
from whygo.golang.build import go_mod
from whygo.golang.toolchain import go_command
from whygo.golang.warm import PACKAGES, copy_cache, go_cache_files, std_cache

NOBODY = 65534
JUPYTER_SHARED = ("lab", "labextensions", "nbextensions", "nbconvert")
CHECK = ("import whygo, whygo.kernel, ipykernel, jupyterhub.singleuser; "
         "from whygo.golang.toolchain import toolchain; from whygo.golang.runner import gocode_dir; "
         "print(toolchain().version, gocode_dir())")


class InstallError(RuntimeError):
    pass


def env_python(class_dir: Path) -> Path:
    return Path(class_dir) / "env" / "bin" / "python"


def _runs_as_nobody(python: str) -> bool:
    if os.geteuid() != 0:
        return True   # cannot tell; the check at the end runs as this user instead
    try:
        done = process.run([python, "-c", "import sys; print(sys.version_info[:2])"], user=(NOBODY, NOBODY),
                           env={"PATH": "/usr/bin:/bin", "HOME": "/"}, cwd="/", timeout=60)
    except OSError:
        return False
    return done.returncode == 0 and done.out.strip() == str(tuple(sys.version_info[:2]))


def shared_python() -> str:
    """A Python of this one's minor version that every user can run."""
    v = f"{sys.version_info[0]}.{sys.version_info[1]}"
    candidates = [getattr(sys, "_base_executable", ""), os.path.realpath(sys.executable),
                  f"/usr/bin/python{v}", f"/usr/local/bin/python{v}"]
    for python in dict.fromkeys(c for c in candidates if c and os.path.isfile(c)):
        if _runs_as_nobody(python):
            return python
    raise InstallError(f"no Python {v} that every user can run: the course's ({sys.executable}) is "
                       f"readable only by its owner. Install python{v} from the distribution "
                       f"(apt-get install python{v}-venv) or make the course's environment from a shared Python.")


def make_env(class_dir: Path) -> Path:
    env = Path(class_dir) / "env"
    if not env_python(class_dir).exists():
        process.run([shared_python(), "-m", "venv", "--without-pip", str(env)], timeout=600).check()
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    site = env / "lib" / version / "site-packages"
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "whygo-course.pth").write_text(
        "import site; " + "; ".join(f"site.addsitedir({p!r})" for p in ours) + "\n")
    share = env / "share" / "jupyter"
    share.mkdir(parents=True, exist_ok=True)
    links = [(share / name, Path(sys.prefix) / "share" / "jupyter" / name) for name in JUPYTER_SHARED]
    links.append((env / "etc" / "jupyter", Path(sys.prefix) / "etc" / "jupyter"))   # server extensions
    for link, target in links:
        link.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and not link.is_symlink():
            link.symlink_to(target)
    write_kernels(env)
    script = env / "bin" / "whygo"   # for students' terminals: `whygo go ...`, `whygo doctor`
    script.write_text(f"#!{env_python(class_dir)}\nimport sys\nfrom whygo.cli import main\nsys.exit(main())\n")
    script.chmod(0o755)
    return env


def write_kernels(env: Path) -> None:
    """The course's kernels (Python and Go, each in both editions), started through
    :mod:`whygo.classroom.kernelstart` with this environment's Python."""
    from ipykernel.kernelspec import get_kernel_dict
    from whygo.kernelspec import MODULES, course_kernels
    python = str(env / "bin" / "python")
    for name, spec in {"python3": get_kernel_dict(), **course_kernels()}.items():
        spec = dict(spec, argv=[python, "-m", "whygo.classroom.kernelstart", MODULES[name], "-f",
                                "{connection_file}"])
        folder = env / "share" / "jupyter" / "kernels" / name
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)
        (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
        (folder / "kernel.json").chmod(0o644)


def warm(class_dir: Path) -> str:
    """Warm ``go-build`` and ``course-cache`` (root's, read-only to students); the seed's stamp.

    ``go-build`` is a copy of root's standard-library cache (:func:`whygo.golang.warm.std_cache`,
    compiled once per machine), never of root's own ``GOCACHE``, which holds what root built."""
    class_dir = Path(class_dir).resolve()
    go_build, course = class_dir / "go-build", class_dir / "course-cache"
    std = std_cache()
    prime(std)      # the warmed packages, and public builds: a trivial test package, vet
    copy_cache(std, go_build)
    env = dict(os.environ, GOCACHE=str(go_build), WHYGO_CACHE=str(course))
    # the Graphviz module, and the std package list every cell's imports read
    warm_course = ("from whygo.golang.snippet import std_packages; from whygo.golang.warm import warm_graphviz; "
                   "std_packages(); raise SystemExit(warm_graphviz())")
    done = process.run([sys.executable, "-c", warm_course], env=env, timeout=3600)
    if done.returncode != 0 or done.timed_out:
        raise InstallError(f"warming the caches failed:\n{done.out[-2000:]}{done.err[-2000:]}")
    for top in (go_build, course):
        for root, dirs, files in os.walk(top):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o755)
            for name in files:
                os.chmod(os.path.join(root, name), 0o644)
    stamp = fingerprint(go_cache_files(go_build))
    (go_build / SEED_STAMP).write_text(stamp + "\n")
    (go_build / SEED_STAMP).chmod(0o644)
    return stamp


PRIME_TEST = 'package p\n\nimport "testing"\n\nfunc TestP(t *testing.T) {}\n'
PRIME_VET = 'package main\n\nimport (\n\t"context"\n\t"fmt"\n\t"time"\n)\n\nfunc main() { fmt.Println(context.Background(), time.Now()) }\n'


def prime(go_build: Path) -> None:
    """Build into the cache ``go_build`` what students' cells build, the way the course's runner
    builds it (``-trimpath``: Go keys its cache by the flags): the warmed packages and ``httptest``,
    a test binary (the labs' checks), ``go vet``."""
    env = {"GOCACHE": str(go_build)}
    go_command("build", "-trimpath", *PACKAGES, "net/http/httptest", env=env, timeout=1200)
    with tempfile.TemporaryDirectory(prefix="whygo-prime-") as tmp:
        (Path(tmp) / "go.mod").write_text(go_mod("prime"))   # as vet.py writes it: the same cache keys
        (Path(tmp) / "p_test.go").write_text(PRIME_TEST)
        go_command("test", "-c", "-trimpath", "-o", os.devnull, ".", cwd=tmp, env=env, timeout=1200)
        (Path(tmp) / "p_test.go").unlink()
        (Path(tmp) / "main.go").write_text(PRIME_VET)
        go_command("vet", ".", cwd=tmp, env=env, timeout=1200)


def course_cache_seed(class_dir: Path) -> list[str]:
    """The warm course-cache files every student gets a copy of."""
    folder = Path(class_dir) / "course-cache"
    return sorted(p.name for p in folder.glob("*") if p.is_file() and p.suffix in (".cwasm", ".json"))


def check(class_dir: Path) -> str:
    """Import the course and find Go as ``nobody``, as a student's kernel would; what it printed."""
    done = process.run([str(env_python(class_dir)), "-c", CHECK], cwd="/", timeout=120,
                       env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LC_ALL": "C"},
                       user=(NOBODY, NOBODY) if os.geteuid() == 0 else None)
    if done.returncode != 0:
        raise InstallError(f"{env_python(class_dir)} cannot run the course as an unprivileged user:\n"
                           f"{done.err.strip()[-3000:]}")
    return done.out.strip()


def install(class_dir: str | Path) -> list[str]:
    """Everything above; lines saying what was done."""
    class_dir = Path(class_dir).resolve()
    class_dir.mkdir(parents=True, exist_ok=True)
    class_dir.chmod(0o755)
    lines = [f"students' environment: {make_env(class_dir)} (over {sysconfig.get_paths()['purelib']})"]
    stamp = warm(class_dir)
    lines.append(f"warm Go build cache: {class_dir / 'go-build'} ({len(go_cache_files(class_dir / 'go-build'))} "
                 f"entries, seed {stamp}); course cache: {', '.join(course_cache_seed(class_dir)) or 'nothing'}")
    lines.append(f"checked as an unprivileged user: {check(class_dir)}")
    return lines

