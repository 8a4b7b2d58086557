"""The `whygo` command dispatches to each tool and passes their own flags through."""
import pytest

from whygo import cli


def test_book_grade_and_labs_get_their_own_flags(monkeypatch):
    seen = {}
    monkeypatch.setattr(cli, "PASSTHROUGH", {
        name: (lambda args, name=name: seen.setdefault(name, args.rest) and 0)
        for name in ("book", "grade", "labs")})
    cli.main(["book", "build", "--clean"])
    cli.main(["grade", "--help"])
    assert seen == {"book": ["build", "--clean"], "grade": ["--help"]}


def test_labs_without_a_known_action_prints_usage(capsys):
    assert cli.cmd_labs(cli.argparse.Namespace(rest=["hand-out"])) == 2
    assert "whygo labs student-version OUTDIR" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        cli.main(["frobnicate"])
    assert exc.value.code == 2
