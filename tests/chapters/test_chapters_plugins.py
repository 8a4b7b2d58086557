"""Chapter 4.4 helpers (whygo/chapters/plugins.py): plugins need cgo and matching sources;
the worker runs as a process and as WebAssembly."""
import json

import pytest

from whygo.chapters import plugins as pl
from whygo.golang.toolchain import c_compiler
from whygo.golang.elfinfo import read_elf

needs_cc = pytest.mark.skipif(not c_compiler(), reason="no C compiler: cgo builds cannot run")


def test_plugin_package_needs_cgo_by_its_build_tags():
    assert "cgo" in pl.build_tags("plugin_dlopen.go") and "!cgo" in pl.build_tags("plugin_stubs.go")
    with pytest.raises(pl.ChapterError, match="not a file"):
        pl.build_tags("nosuch.go")


def test_plugin_does_not_build_without_cgo():
    result = pl.build(pl.PLUGIN, buildmode="plugin", cgo=False)
    assert not result.ok and "requires external (cgo) linking" in result.log


def test_host_without_cgo_builds_static_and_cannot_open_plugins(tmp_path):
    host = pl.build(pl.HOST, cgo=False)
    assert read_elf(host.path).static
    status, _, err = pl.run(host.path, "-plugin", str(tmp_path / "x.so"))
    assert status == 1 and "plugin: not implemented" in err


@needs_cc
def test_plugin_loads_into_a_cgo_host():
    host = pl.build(pl.HOST, cgo=True, name="host")
    tenant = pl.build(pl.PLUGIN, cgo=True, buildmode="plugin", name="tenant.so")
    status, out, _ = pl.run(host.path, "-plugin", str(tenant.path), "-items", "4")
    assert status == 0 and json.loads(out)["result"] == {"items": 4, "processed_by": "tenant A", "total": 100}
    assert not read_elf(host.path).static


@needs_cc
def test_plugin_built_from_other_sources_is_refused():
    host = pl.build(pl.HOST, cgo=True, name="host")
    skewed = pl.build(pl.PLUGIN, cgo=True, buildmode="plugin", root=pl.module_with_changed_api(),
                      name="tenant-v2.so")
    status, _, err = pl.run(host.path, "-plugin", str(skewed.path))
    assert status == 1 and "different version of package whygo.dev/gocode/cmd/pluginhost/api" in err
    assert str(skewed.path.parent) not in pl.without_paths(err, skewed.path.parent)


@needs_cc
def test_article_plugin_example_does_not_compile():
    result = pl.build_article_plugin()
    assert not result.ok
    assert '"plugin" imported and not used' in result.log and "undefined: context" in result.log


def test_tenant_plugin_links_sensitive_packages():
    assert {"os", "syscall", "unsafe"} <= set(pl.deps(pl.PLUGIN))


def test_worker_process_answers_like_the_plugin():
    host, worker = pl.build(pl.HOST), pl.build(pl.WORKER)
    status, out, _ = pl.run(host.path, "-worker", str(worker.path))
    assert status == 0 and json.loads(out)["result"]["total"] == 60


def test_wasm_worker_runs_in_wasmtime_and_reports_bad_items():
    wasm = pl.build(pl.WORKER, env={"GOOS": "wasip1", "GOARCH": "wasm"}, name="worker.wasm")
    assert wasm.path.read_bytes()[:4] == b"\0asm"
    code, out, _ = pl.run_wasm(wasm.path, '{"tenant":"a","data":{"items":[1,2]}}\n'
                                          '{"tenant":"b","data":{"items":["x"]}}\n')
    first, second = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and first["result"]["total"] == 3 and "want a number" in second["error"]


def test_doc_lines_finds_paragraphs_and_reports_missing_text():
    (closed,) = pl.doc_lines("cannot be closed")
    assert closed.endswith("cannot be closed.") and "init functions" in closed
    with pytest.raises(pl.ChapterError, match="no longer says"):
        pl.doc_lines("plugins are a sandbox")


def test_build_rejects_a_missing_package():
    with pytest.raises(pl.ChapterError, match="not a folder"):
        pl.build("cmd/nosuch")
