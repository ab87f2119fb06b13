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
