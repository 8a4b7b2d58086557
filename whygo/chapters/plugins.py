"""Chapter 4.4 (plugins): the helpers its notebook needs.

The chapter loads one tenant's code (``gocode/cmd/pluginhost/tenanta``) three
ways and looks at what each needs:

* as a Go plugin: :func:`build` with ``buildmode="plugin"`` and cgo on builds
  ``gocode/cmd/pluginhost/testdata/tenantplugin`` (under ``testdata/`` so that
  ``go build ./...`` never builds it), and the host ``gocode/cmd/pluginhost``
  opens it with ``plugin.Open``; :func:`build_tags` reads why the ``plugin``
  package needs cgo from its own source; :func:`module_with_changed_api`
  makes a copy of the module whose shared ``api`` package differs by one
  field, to show what ``plugin.Open`` says about version skew;
* as a separate process: the host starts ``gocode/cmd/pluginworker`` and talks
  JSON over its stdin and stdout;
* as WebAssembly: the same worker built with ``GOOS=wasip1 GOARCH=wasm`` and
  run in the ``wasmtime`` runtime from Python (:func:`run_wasm`).

Builds go through :func:`whygo.golang.programs.build_package` (any
``-buildmode``, build variables and cgo; the course's one binary cache).
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from whygo.golang import gosource, process, programs
from whygo.golang.build import go_mod
from whygo.golang.elfinfo import read_elf
from whygo.golang.programs import ChapterError
from whygo.golang.runner import gocode_dir
from whygo.golang.toolchain import c_compiler, course_cache_dir, toolchain
from whygo.i18n import _

__all__ = ["API_FILE", "ARTICLE_PLUGIN", "HOST", "PLUGIN", "WORKER", "Build", "ChapterError",
           "build", "build_article_plugin", "build_tags", "c_compiler", "deps", "doc_lines",
           "gosource", "module_with_changed_api", "read_elf", "run", "run_wasm", "without_paths"]

HOST = "cmd/pluginhost"
WORKER = "cmd/pluginworker"
PLUGIN = "cmd/pluginhost/testdata/tenantplugin"
API_FILE = "cmd/pluginhost/api/api.go"


@dataclass(frozen=True)
class Build:
    """The outcome of one ``go build``: the output file, or None and the Go tool's message."""
    path: Path | None
    log: str

    @property
    def ok(self) -> bool:
        return self.path is not None


def build(package: str, *, cgo: bool = False, buildmode: str | None = None,
          env: Mapping[str, str] | None = None, root: Path | None = None, name: str | None = None) -> Build:
    """``go build [-buildmode=M] ./PACKAGE`` in ``root`` (default gocode/), cached.

    ``env`` adds build variables (``GOOS``, ``GOARCH``). A failed build is
    returned, not raised: the chapter shows the Go tool's message. The file
    is called ``name`` (default: the package folder's name) inside a folder
    named after the build's cache key.
    """
    root = Path(root) if root else gocode_dir()
    built = programs.build_package(package, buildmode=buildmode, env=env, cgo=cgo, root=root,
                                   name=name or Path(package).name)
    return Build(built.binary, "") if built.ok else Build(None, built.log.strip())


def run(binary: Path, *args: str, timeout: float = 30) -> tuple[int, str, str]:
    """Run a built program: (exit status, stdout, stderr)."""
    got = process.run([str(binary), *args], timeout=timeout)
    if got.timed_out:
        raise ChapterError(_("{command} did not finish in {timeout:g} s:").format(
            command=f"{binary} {' '.join(args)}", timeout=timeout) + f"\n{got.err.strip()[-1000:]}")
    return got.returncode, got.out.strip(), got.err.strip()


def build_tags(name: str) -> str:
    """The ``//go:build`` line of a file of the pinned toolchain's ``plugin`` package."""
    path = toolchain().goroot / "src" / "plugin" / name
    if not path.is_file():
        listed = ", ".join(sorted(p.name for p in path.parent.glob("*.go")))
        raise ChapterError(_("{name} is not a file of {folder}: give one of {listed}").format(
            name=name, folder=path.parent, listed=listed))
    for line in path.read_text().splitlines():
        if line.startswith("//go:build "):
            return line
    raise ChapterError(f"{path} has no //go:build line")


def module_with_changed_api(where: Path | None = None) -> Path:
    """A copy of gocode/ whose shared ``api.Request`` has one more field.

    The copy is made in ``where`` (default: a folder of the course cache, made
    again on every call). Built from it, the plugin uses another *version* of
    package api than the host built from gocode/.
    """
    dest = Path(where or course_cache_dir() / "ch44" / "skew") / "gocode"
    if dest.exists():
        shutil.rmtree(dest)
    src = gocode_dir()
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".git", "*_test.go"), dirs_exist_ok=True)
    api = dest / API_FILE
    text = api.read_text()
    changed = text.replace("\tData   map[string]any `json:\"data\"`",
                           "\tData   map[string]any `json:\"data\"`\n\tTrace  string         `json:\"trace\"`")
    if changed == text:
        raise ChapterError(f"{API_FILE} no longer has the Data field this helper extends: update the helper")
    api.write_text(changed)
    return dest


def run_wasm(module: Path, stdin: str, *, fuel: int | None = None) -> tuple[int, str, str]:
    """Run a ``GOOS=wasip1`` module in wasmtime with ``stdin``: (exit code, stdout, stderr).

    The module sees no files, no network and no environment: WASI gives it
    only what the host passes in (here stdin, stdout and stderr).
    """
    try:
        import wasmtime  # optional and heavy: only this one cell needs it
    except ImportError as exc:   # pragma: no cover - the course environment has it
        raise ChapterError(_("the wasmtime Python package is missing: run `make setup` again")) from exc
    with tempfile.TemporaryDirectory(prefix="ch44-wasi-") as tmp:
        files = {name: Path(tmp) / name for name in ("stdin", "stdout", "stderr")}
        files["stdin"].write_text(stdin)
        engine = wasmtime.Engine()
        store = wasmtime.Store(engine)
        config = wasmtime.WasiConfig()
        config.stdin_file, config.stdout_file, config.stderr_file = (
            str(files["stdin"]), str(files["stdout"]), str(files["stderr"]))
        store.set_wasi(config)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        instance = linker.instantiate(store, wasmtime.Module.from_file(engine, str(module)))
        try:
            instance.exports(store)["_start"](store)
            code = 0
        except wasmtime.ExitTrap as trap:
            code = trap.code
        return code, files["stdout"].read_text().strip(), files["stderr"].read_text().strip()


def first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def without_paths(text: str, *roots: Path | str) -> str:
    """A message with the given folders (e.g. a temporary copy) cut out, so it reads the same on every run."""
    for root in roots:
        text = text.replace(str(root).rstrip("/") + "/", "")
    return text


def sizes(paths: Mapping[str, Path]) -> list[tuple[str, int]]:
    return [(label, Path(p).stat().st_size) for label, p in paths.items()]


def lines(items: Sequence[str]) -> str:
    return "\n".join(items)


def doc_lines(*fragments: str) -> list[str]:
    """The paragraphs (or list items) of the ``plugin`` package comment that contain
    each fragment, each joined into one line (read from the pinned toolchain at run time)."""
    text = (toolchain().goroot / "src" / "plugin" / "plugin.go").read_text()
    paragraphs, current = [], []
    for line in text.splitlines():
        if not line.startswith("//"):
            if line.startswith("package "):
                break
            continue
        body = line.removeprefix("//").strip()
        if not body or body.startswith("- "):
            if current:
                paragraphs.append(" ".join(current))
            current = [body.removeprefix("- ")] if body else []
        else:
            current.append(body)
    if current:
        paragraphs.append(" ".join(current))
    found = []
    for fragment in fragments:
        hits = [p for p in paragraphs if fragment in p]
        if not hits:
            raise ChapterError(f"the plugin package comment no longer says {fragment!r}: update the chapter")
        found.append(hits[0])
    return found


def deps(package: str, *, cgo: bool = True) -> list[str]:
    """``go list -deps ./PACKAGE`` in gocode/: every package linked into it."""
    return programs.list_deps(f"./{package}", cgo=cgo)


# The article's plugin example (its plugin/main.go), for the claim check: the
# declarations only, as printed.
ARTICLE_PLUGIN = '''package main

import "plugin"

type TenantHandler func(ctx context.Context, data map[string]interface{}) (map[string]interface{}, error)

var Handler TenantHandler

func init() {
	Handler = func(ctx context.Context, data map[string]interface{}) (map[string]interface{}, error) {
		return map[string]interface{}{"result": "processed_by_tenant_A"}, nil
	}
}
'''


def build_article_plugin(*, cgo: bool = True) -> Build:
    """Build the article's plugin/main.go with -buildmode=plugin in a module of its own."""
    root = course_cache_dir() / "ch44" / "article"
    (root / "plugin").mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text(go_mod("article"))
    (root / "plugin" / "main.go").write_text(ARTICLE_PLUGIN)
    return build("plugin", cgo=cgo, buildmode="plugin", root=root, name="plugin.so")
