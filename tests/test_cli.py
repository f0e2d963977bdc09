"""The command line: the demo runs and prints results; bad use exits 2 with one message."""

import subprocess
import sys

from negotiation_sim.cli import main


def test_demo_prints_every_example(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Arms race" in out and "Ceasefire inspection game" in out and "four actors" in out
    assert "state A: arm | state B: arm" in out
    assert "Traceback" not in out


def test_unknown_command_exits_2_without_traceback():
    completed = subprocess.run(
        [sys.executable, "-m", "negotiation_sim.cli", "frobnicate"], capture_output=True, text=True
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "invalid choice" in completed.stderr
