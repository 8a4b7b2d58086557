"""Tests of whygo/golang/serve.py: the course's HTTP service built, started, timed and probed."""
import socket

import pytest

from whygo.golang import serve as sb
from whygo.golang.elfinfo import read_elf


@pytest.fixture(scope="module")
def server():
    return sb.build_server()






def test_summary_takes_the_median_and_the_90th_percentile():
    s = sb.Summary.of([float(x) for x in range(10, 0, -1)])   # 1..10, unsorted
    assert (s.runs, s.median, s.p90) == (10, 5.5, 9.0)


def test_compare_startups_takes_the_ways_in_turn_and_drops_the_warmup(monkeypatch):
    calls = []
    monkeypatch.setattr(sb, "start_to_200", lambda argv_for_port, env=None: calls.append(argv_for_port) or len(calls))
    times = sb.compare_startups({"a": "A", "b": "B"}, runs=2, warmup=1)
    assert calls == ["A", "B"] * 3
    assert times == {"a": [3, 5], "b": [4, 6]}
    with pytest.raises(sb.ServeError, match="runs=0"):
        sb.compare_startups({"a": "A"}, runs=0)


def test_a_program_that_exits_before_answering_is_reported():
    with pytest.raises(sb.ServeError, match="exited with status 1 before answering"):
        sb.start_to_200(lambda port: ["false"])


def test_the_server_answers_200_and_is_gone_afterwards(server):
    with sb.serving(sb.direct(server)) as port:
        assert sb.get(port, "/") == (200, "ok")
        assert sb.get(port, "/zone?name=UTC") == (200, "zone UTC: loaded")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert sb.start_to_200(sb.direct(server)) > 0


def test_the_server_is_static_without_cgo_and_links_no_runtime_cgo(server):
    assert read_elf(server).static
    assert "runtime/cgo" not in sb.deps() and "net/http" in sb.deps()


def test_scratch_root_holds_the_binary_and_only_the_files_asked_for(server, tmp_path):
    data = tmp_path / "etc" / "cert.pem"
    data.parent.mkdir()
    data.write_text("x")
    root = sb.scratch_root(server, [data])
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == \
        sorted(["server", data.relative_to("/").as_posix()])
    with pytest.raises(sb.ServeError, match="does not exist on this machine"):
        sb.scratch_root(server, [tmp_path / "missing"])


@pytest.mark.skipif(sb.chroot_support() is not None, reason="no unprivileged chroot here")
def test_in_an_empty_root_the_server_serves_but_finds_no_zone_files(server):
    lines = sb.probe(sb.in_root(sb.scratch_root(server)), ["/", "/zone?name=Europe/Paris"])
    assert lines[0].endswith("-> 200 ok")
    assert lines[1].endswith("-> 503 zone Europe/Paris: not found")


def test_roots_of_dead_processes_are_swept_when_a_process_makes_its_first(monkeypatch, tmp_path):
    monkeypatch.setattr(sb.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(sb, "_SCRATCH", None)
    dead = tmp_path / "whygo-scratch-999999999-abc"
    dead.mkdir()
    parent = sb._scratch_parent()
    assert not dead.exists() and parent.startswith(str(tmp_path / f"whygo-scratch-{sb.os.getpid()}-"))
