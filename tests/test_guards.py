"""Size, number and name guards on every input (issue 11, items 3 and 4).

Each bad input gets one :class:`ScenarioError` with its location, before anything large is
allocated or anything blocks: files that are not regular files, files over the size cap,
numbers too large for the documented bounds, grids and games over their limits, look-alike
names. A few run through the command line in a subprocess (exit status 2, one message, no
traceback); the rest are checked in process. Every test here is bounded in time by what it
refuses: nothing large is ever built.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from negotiation_sim import ScenarioError
from negotiation_sim._checking import MAX_FILE_BYTES, read_bytes, read_text

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``negotiation-sim ARGS`` in a subprocess, bounded in time."""
    return subprocess.run(
        [sys.executable, "-m", "negotiation_sim.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def assert_one_located_message(completed: subprocess.CompletedProcess[str], prefix: str) -> None:
    """Exit status 2, nothing on stdout, one message on stderr starting with ``prefix``."""
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    assert completed.stderr.startswith(f"negotiation-sim: error: {prefix}"), completed.stderr
    assert completed.stderr.count("negotiation-sim: error: ") == 1
    assert "Traceback" not in completed.stderr


# -- files ------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="it is a FIFO \\(named pipe\\), not a regular file"):
        read_text(fifo)
    assert_one_located_message(run_cli("validate", str(fifo)), f"{fifo}: cannot read the file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_without_reading_it():
    with pytest.raises(ScenarioError, match="it is a character device, not a regular file"):
        read_bytes("/dev/zero")
    assert_one_located_message(run_cli("solve", "/dev/zero"), "/dev/zero: cannot read the file")


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        read_text(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path}: cannot read the file: it is a directory, not a regular file"
    )


def test_a_file_over_the_cap_is_refused_whole(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 101)
    assert read_bytes(big, limit=101) == b"#" * 101
    with pytest.raises(ScenarioError, match="larger than 100 bytes"):
        read_bytes(big, limit=100)
    sparse = tmp_path / "sparse.toml"
    with sparse.open("wb") as handle:  # a hole: no disk used, MAX_FILE_BYTES + 1 bytes long
        handle.truncate(MAX_FILE_BYTES + 1)
    assert_one_located_message(
        run_cli("validate", str(sparse)), f"{sparse}: the file is larger than 16,777,216 bytes"
    )


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read the file: No such file or directory"):
        read_bytes(tmp_path / "missing.toml")
