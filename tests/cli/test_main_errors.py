"""The entry point's last line of defence: no traceback on stderr, ever."""

import subprocess
import sys
from pathlib import Path

import pytest

from sor_desktop.cli import main as cli_main

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "example_books.json"


def test_unexpected_error_is_one_line_and_logged(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))

    def boom(args):
        raise RuntimeError("disk on fire")

    import sor_desktop.cli.plan_cmd as plan_cmd

    monkeypatch.setattr(plan_cmd, "run", boom)
    rc = cli_main.main(["plan", "--books", str(EXAMPLE), "--side", "buy", "--amount", "1"])
    err = capsys.readouterr().err
    assert rc == 1
    assert "Traceback" not in err
    assert err.count("\n") == 1 and "RuntimeError: disk on fire" in err
    logged = "".join(p.read_text() for p in (tmp_path / "logs").glob("*.log"))
    assert "Traceback" in logged and "disk on fire" in logged


@pytest.mark.skipif(not EXAMPLE.exists(), reason="example books not shipped")
def test_closed_pipe_is_quiet(tmp_path):
    cmd = [sys.executable, "-m", "sor_desktop", "plan", "--books", str(EXAMPLE), "--side", "buy",
           "--amount", "1", "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={"SOR_DESKTOP_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader goes away before the plan is printed, as `| head` can
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) in (0, -13)  # done, or killed by SIGPIPE before Python saw it
    assert "Traceback" not in err and "unexpected error" not in err


def test_a_journal_in_a_shared_folder_is_refused_plainly_for_trading(monkeypatch, capsys, tmp_path):
    """`journal list --journal /tmp/j.sqlite3` said "unexpected error: UnsafeFolder: ..." and
    exited 1: a refusal of a folder other users can write to is the trader's to fix, not a bug.
    Reading it changes nothing there (no folder made private, no file created): `route` refuses."""
    import os

    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    (shared / "j.sqlite3").write_bytes(b"")
    rc = cli_main.main(["journal", "list", "--journal", str(shared / "j.sqlite3")])
    captured = capsys.readouterr()
    assert rc == 2 and "unexpected" not in captured.err and "empty" in captured.err
    assert os.stat(shared).st_mode & 0o7777 == 0o1777
    rc = cli_main.main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "0.1", "--yes",
                        "--journal", str(shared / "j.sqlite3")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "unexpected" not in err and "can be written by other users" in err


@pytest.mark.parametrize("argv", [
    ["--sim", "--seed", "-1"],
    ["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "1", "--seed", "-1"],
    ["record", "--sim", "--symbol", "BTC/USDT:USDT", "--out", "x.jsonl", "--seed", "-1"],
])
def test_a_negative_seed_is_refused_at_the_command_line(argv, capsys):
    """`--sim --seed -1` opened a window whose six feeds were all "down (ValueError: expected
    non-negative integer)", retried with backoff for ever: numpy's seeds are 0 or more."""
    with pytest.raises(SystemExit) as exc:
        cli_main.build_parser().parse_args(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--seed" in err and "0 or more" in err and "Traceback" not in err


def test_the_simulated_market_refuses_a_negative_seed():
    from sor_desktop.venues.sim.config import SimConfig

    with pytest.raises(ValueError, match="0 or more"):
        SimConfig(seed=-1)


def _logged(home: Path) -> str:
    return "".join(p.read_text() for p in (home / "logs").glob("*.log"))


@pytest.mark.parametrize("make", ["home_is_a_file", "data_is_a_file"])
def test_a_state_folder_that_cannot_be_made_is_one_line(make: str, monkeypatch, capsys, tmp_path):
    """`touch ~/.local/share/sor-desktop` (or SOR_DESKTOP_HOME naming a file) printed a full
    FileExistsError / NotADirectoryError traceback from every command."""
    home = tmp_path / "home"
    if make == "home_is_a_file":
        home.write_text("x")
    else:
        home.mkdir(mode=0o700)
        (home / "data").write_text("x")
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(home))
    for argv in (["journal", "list"], ["keys", "list"]):
        rc = cli_main.main(argv)
        err = capsys.readouterr().err
        assert rc == 2 and "Traceback" not in err and err.count("\n") == 1, err
        assert "cannot" in err and str(home) in err


def test_a_refused_route_reaches_the_log_file(monkeypatch, capsys, tmp_path):
    """`route` printed its refusals (a config.json that cannot be trusted, bad input) and the log
    file stayed empty; the window logs every one."""
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    rc = cli_main.main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "1_5", "--yes"])
    assert rc == 2
    assert "'1_5' is not a number" in _logged(tmp_path)


def test_a_route_blocked_by_a_guard_reaches_the_log_file(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    rc = cli_main.main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "1", "--yes",
                        "--max-notional", "100"])
    assert rc in (2, 3)
    assert "100" in _logged(tmp_path) and "maximum" in _logged(tmp_path)


def test_the_last_resort_message_masks_secrets(monkeypatch, capsys, tmp_path):
    from sor_desktop import logs

    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    secret = "s3cr3t-KEY-0123456789abcdef"
    logs.register_secret(secret)

    def boom(args):
        raise RuntimeError(f"venue said: bad key {secret}")

    import sor_desktop.cli.plan_cmd as plan_cmd

    monkeypatch.setattr(plan_cmd, "run", boom)
    rc = cli_main.main(["plan", "--books", str(EXAMPLE), "--side", "buy", "--amount", "1"])
    err = capsys.readouterr().err
    assert rc == 1 and "bad key" in err and secret not in err


@pytest.mark.parametrize(("argv", "usage"), [
    (["plan", "--books", "b.json", "--side", "buy", "--amount", "1", "--slipage-bps", "3"], "usage: sor-desktop plan"),
    (["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "1", "--yess"],
     "usage: sor-desktop route"),
    (["journal", "list", "--jsn"], "usage: sor-desktop journal list"),
])
def test_a_mistyped_flag_shows_its_commands_usage(argv, usage, capsys):
    """`plan ... --slipage-bps 3` printed the top-level usage, which lists no flag of `plan`."""
    with pytest.raises(SystemExit) as exit_:
        cli_main.main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert usage in err and "unrecognized arguments: " in err and argv[-1 if argv[-1].startswith("--") else -2] in err, err
