"""Fault injection on sweeps (issue 11): kills at random moments, corrupted chunks, full and
read-only disks, concurrent runs, stale locks, orphaned workers, unreachable executors.

Every fault ends in one of two ways: one located message and exit status 2, or a resumed
sweep whose dataset is identical to an uninterrupted run's. Full and read-only disks are
small tmpfs mounts made by the test (root only: skipped with a message elsewhere). The
module runs in well under a minute on two cores.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from negotiation_sim.cli import main
from negotiation_sim.errors import RunError, ScenarioError
from negotiation_sim.sweep import (
    Axis,
    executors,
    load_experiment,
    lock,
    parse_experiment,
    run_experiment,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "experiments"
CEASEFIRE = DATA / "ceasefire_sweep.toml"
#: A subprocess step that should take a second at most; generous for a loaded machine.
PATIENCE = 60


def _values(ds: xr.Dataset) -> xr.Dataset:
    """The dataset without its attributes (timings and texts legitimately differ)."""
    return ds.drop_attrs()


def _experiment_file(folder: Path, *, chunk_size: int, trust_points: int = 41) -> Path:
    """The ceasefire sweep with an absolute scenario path, cut into smaller chunks."""
    path = folder / f"ceasefire_{chunk_size}_{trust_points}.toml"
    path.write_text(
        CEASEFIRE.read_text(encoding="utf-8")
        .replace('scenario = "ceasefire.toml"', f'scenario = "{DATA / "ceasefire.toml"}"')
        .replace("chunk_size = 97", f"chunk_size = {chunk_size}")
        .replace("points = 41", f"points = {trust_points}"),
        encoding="utf-8",
    )
    return path


def _sweep(*args: str | Path, start_new_session: bool = False) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "negotiation_sim.cli", "sweep", *map(str, args)]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=start_new_session,
    )


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = PATIENCE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _done(out: Path) -> int:
    return len(list(out.glob("chunks/*.done")))


def _timings(ds: xr.Dataset) -> dict[str, object]:
    timings: dict[str, object] = json.loads(ds.attrs["timings"])
    return timings


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> xr.Dataset:
    """The ceasefire sweep, uninterrupted (its data do not depend on the chunking)."""
    out = tmp_path_factory.mktemp("reference") / "run"
    return run_experiment(load_experiment(CEASEFIRE), out, progress=False)


# -- kills at random moments ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sweep_killed_at_a_random_moment_resumes_to_the_identical_dataset(
    seed, tmp_path, reference, capsys
):
    """SIGKILL after a random number of finished chunks (fixed seeds); the resumed run takes the
    dead run's lock over, removes its temporary files, and gives the uninterrupted dataset."""
    spec_path = _experiment_file(tmp_path, chunk_size=7)  # 943 points: 135 chunks
    after = int(np.random.default_rng(seed).integers(1, 40))
    out = tmp_path / "run"
    process = _sweep(spec_path, "-o", out, "--no-progress")
    _wait_for(lambda: _done(out) >= after or process.poll() is not None, "chunks")
    time.sleep(float(np.random.default_rng(seed).uniform(0, 0.02)))  # mid-chunk, maybe
    process.kill()
    process.communicate(timeout=PATIENCE)
    assert process.returncode == -signal.SIGKILL, "the kill came mid-sweep"
    finished = _done(out)
    assert after <= finished < 135 and not (out / "results.nc").exists()
    assert (out / lock.LOCK).exists()  # a SIGKILLed sweep cannot remove its lock
    resumed = run_experiment(load_experiment(spec_path), out, resume=True, progress=False)
    assert _values(resumed).identical(_values(reference))
    timings = _timings(resumed)
    assert timings["chunks_resumed"] == finished and timings["chunks_rejected"] == 0
    assert f"taking over the lock of a sweep that no longer runs (pid {process.pid}" in (
        capsys.readouterr().err
    )
    assert not list(out.rglob("*.tmp")) and not (out / lock.LOCK).exists()


# -- corrupted chunks ----------------------------------------------------------------------------


def _finished_run(tmp_path: Path) -> Path:
    out = tmp_path / "run"
    run_experiment(load_experiment(CEASEFIRE), out, progress=False)
    (out / "results.nc").unlink()
    return out


def _zero_arrays(path: Path) -> None:
    """The issue's reproduction: the same arrays, all zero, saved in their place."""
    with np.load(path) as stored:
        zeros = {name: np.zeros_like(stored[name]) for name in stored.files}
    np.savez(path, **zeros)


def _zero_bytes(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def _flip_bit(path: Path) -> None:
    """One bit of an array's data, at the same size."""
    blob = bytearray(path.read_bytes())
    with np.load(path) as stored:
        payoff = stored["payoff"].tobytes()
    at = bytes(blob).index(payoff[:64]) + 10
    blob[at] ^= 0x10
    path.write_bytes(bytes(blob))


def _swap(out: Path, *, flags: bool) -> None:
    """Chunks 1 and 2 exchanged (their data only, or data and done flags)."""
    for suffix in (".npz", ".done") if flags else (".npz",):
        one, two = (out / "chunks" / f"00000{k}{suffix}" for k in (1, 2))
        saved = one.read_bytes()
        one.write_bytes(two.read_bytes())
        two.write_bytes(saved)


@pytest.mark.parametrize(
    ("damage", "rejected", "said"),
    [
        (lambda out: _zero_arrays(out / "chunks" / "000001.npz"), 1, "its bytes are not those"),
        (lambda out: _zero_bytes(out / "chunks" / "000001.npz"), 1, "its bytes are not those"),
        (lambda out: _flip_bit(out / "chunks" / "000001.npz"), 1, "its bytes are not those"),
        (lambda out: _swap(out, flags=False), 2, "its bytes are not those"),
        (lambda out: _swap(out, flags=True), 2, "its done flag is that of chunk 2, not 1"),
        (lambda out: (out / "chunks" / "000001.npz").unlink(), 1, "cannot be read"),
        (lambda out: _zero_bytes(out / "chunks" / "000001.done"), 1, "done flag is unreadable"),
    ],
    ids=["zeroed arrays", "zeroed bytes", "bit flip", "swapped data", "swapped", "missing", "flag"],
)
def test_a_damaged_chunk_is_detected_said_and_recomputed(
    damage, rejected, said, tmp_path, reference, capsys
):
    out = _finished_run(tmp_path)
    damage(out)
    capsys.readouterr()
    resumed = run_experiment(load_experiment(CEASEFIRE), out, resume=True, progress=False)
    assert _values(resumed).identical(_values(reference))
    timings = _timings(resumed)
    assert timings["chunks_rejected"] == rejected and timings["chunks_computed"] == rejected
    err = capsys.readouterr().err
    assert err.count("recomputing the chunk") == rejected
    assert f"{out / 'chunks' / '000001'}" in err and said in err
    again = run_experiment(load_experiment(CEASEFIRE), out, resume=True, progress=False)
    assert _timings(again)["chunks_rejected"] == 0  # the recomputed chunks are sound


def test_a_chunk_of_another_sweep_is_rejected(tmp_path, reference, capsys):
    """A chunk (data and flag) copied from a run with another parameter held fixed."""
    out = _finished_run(tmp_path)
    other = tmp_path / "other"
    run_experiment(load_experiment(CEASEFIRE).with_fixed({"s_north": -3.0}), other)
    for suffix in (".npz", ".done"):
        name = f"000004{suffix}"
        (out / "chunks" / name).write_bytes((other / "chunks" / name).read_bytes())
    capsys.readouterr()
    resumed = run_experiment(load_experiment(CEASEFIRE), out, resume=True, progress=False)
    assert _values(resumed).identical(_values(reference))
    assert "it belongs to another sweep" in capsys.readouterr().err


def test_flags_of_an_older_version_are_rejected_not_trusted(tmp_path, reference, capsys):
    out = _finished_run(tmp_path)
    for flag in out.glob("chunks/*.done"):
        flag.write_text(json.dumps({"seconds": 0.1, "points": 97}), encoding="utf-8")
    capsys.readouterr()
    resumed = run_experiment(load_experiment(CEASEFIRE), out, resume=True, progress=False)
    assert _values(resumed).identical(_values(reference))
    err = capsys.readouterr().err
    assert "records no checksum" in err and "and 0 more" not in err
    assert _timings(resumed)["chunks_rejected"] == 10
    assert err.count("recomputing the chunk") == 10


# -- full and read-only disks --------------------------------------------------------------------


@pytest.fixture
def disk(tmpfs: Callable[[str], Path]) -> Path:
    """A 1 MiB tmpfs of this test's own (root only: skipped with a message elsewhere)."""
    return tmpfs("1m")


def _fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` but ``leave`` bytes; the filler file, to delete when space is freed."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, bytes(1 << 16))
    except OSError:
        pass
    finally:
        os.close(descriptor)
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def test_a_sweep_stopped_by_a_full_disk_says_so_and_resumes_identically(disk, reference, capsys):
    out = disk / "run"
    filler = _fill(disk, leave=40 << 10)  # the manifest and a few chunks
    spec = load_experiment(CEASEFIRE)
    assert main(["sweep", str(CEASEFIRE), "-o", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("negotiation-sim: error:") == 1 and "Traceback" not in err
    assert f"{out / 'chunks'}" in err and "the disk is full" in err and "--resume" in err
    kept = _done(out)
    assert 0 < kept < 10
    assert not list(out.rglob("*.tmp")) and not (out / lock.LOCK).exists()
    filler.unlink()
    resumed = run_experiment(spec, out, resume=True, progress=False)
    assert _values(resumed).identical(_values(reference))
    assert _timings(resumed)["chunks_resumed"] == kept


def test_a_full_disk_at_the_results_file_keeps_the_chunks_for_resume(disk, reference, capsys):
    out = disk / "run"
    spec = load_experiment(CEASEFIRE)
    run_experiment(spec, out, progress=False)
    (out / "results.nc").unlink()
    filler = _fill(disk, leave=8 << 10)  # the lock, not the results
    assert main(["sweep", str(CEASEFIRE), "-o", str(out), "--resume", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"{out / 'results.nc'}: cannot write the file: the disk is full" in err
    assert "the 10 finished chunks are kept" in err and "--resume" in err
    assert not list(out.rglob("*.tmp"))
    filler.unlink()
    resumed = run_experiment(spec, out, resume=True, progress=False)
    assert _values(resumed).identical(_values(reference))
    assert _timings(resumed)["chunks_computed"] == 0


def test_a_read_only_disk_gives_one_located_message(disk, capsys):
    run_experiment(load_experiment(CEASEFIRE), disk / "done", progress=False)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    for args in (["-o", str(disk / "new")], ["-o", str(disk / "done"), "--resume"]):
        assert main(["sweep", str(CEASEFIRE), *args, "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert err.count("negotiation-sim: error:") == 1 and "Traceback" not in err
        assert "the file system is read-only" in err and str(disk) in err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anyway")
def test_a_directory_without_write_permission_gives_one_located_message(tmp_path, capsys):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    assert main(["sweep", str(CEASEFIRE), "-o", str(folder / "run"), "--no-progress"]) == 2
    assert "permission denied" in capsys.readouterr().err


def test_output_that_is_a_file_gives_one_located_message(tmp_path, capsys):
    taken = tmp_path / "x"
    taken.write_text("a file", encoding="utf-8")
    assert main(["sweep", str(CEASEFIRE), "-o", str(taken), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"negotiation-sim: error: {taken}: is not a directory: choose an " + (
        "output directory (-o)"
    )
    assert taken.read_text(encoding="utf-8") == "a file"


# -- concurrent runs and locks -------------------------------------------------------------------


def test_a_second_sweep_in_a_running_sweeps_directory_is_refused(tmp_path, reference, capsys):
    """Run, --resume and --overwrite are refused by the lock, naming the running sweep's pid;
    nothing of the running sweep is touched, and once it is killed, --resume finishes it."""
    spec_path = _experiment_file(tmp_path, chunk_size=7)  # 135 chunks
    out = tmp_path / "run"
    process = _sweep(spec_path, "-o", out, "--no-progress")
    try:
        _wait_for(lambda: _done(out) >= 2 or process.poll() is not None, "chunks")
        process.send_signal(signal.SIGSTOP)  # held mid-sweep, its lock with it, on any machine
        assert process.poll() is None, "stopped mid-sweep"
        manifest = (out / "manifest.json").read_bytes()
        for extra in ([], ["--resume"], ["--overwrite"]):
            assert main(["sweep", str(spec_path), "-o", str(out), *extra]) == 2, extra
            err = capsys.readouterr().err
            assert f"is in use by another sweep (pid {process.pid} on " in err, extra
            assert err.count("\n") == 1
        assert (out / "manifest.json").read_bytes() == manifest
    finally:
        process.kill()
        process.communicate(timeout=PATIENCE)
    resumed = run_experiment(load_experiment(spec_path), out, resume=True, progress=False)
    assert _values(resumed).identical(_values(reference))


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _write_lock(out: Path, **owner: object) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / lock.LOCK).write_text(json.dumps(owner), encoding="utf-8")


class _NoLocks:
    """``fcntl`` on a file system without locks (some network ones)."""

    LOCK_EX = LOCK_NB = 0

    @staticmethod
    def flock(descriptor: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")


@pytest.mark.parametrize(
    "fcntl", ["flock", None, _NoLocks], ids=["flock", "pid check", "flock unsupported"]
)
def test_a_stale_lock_is_reported_and_taken_over(fcntl, tmp_path, monkeypatch, capsys):
    if fcntl != "flock":
        monkeypatch.setattr(lock, "fcntl", fcntl)
    out = tmp_path / "run"
    pid = _dead_pid()
    _write_lock(out, pid=pid, host=socket.gethostname(), started="2026-01-01T00:00:00+00:00")
    run_experiment(load_experiment(CEASEFIRE), out, progress=False)
    err = capsys.readouterr().err
    assert f"{out / lock.LOCK}: taking over the lock of a sweep that no longer runs (pid {pid}" in (
        err
    )
    assert not (out / lock.LOCK).exists()


@pytest.mark.parametrize("fcntl", [None, _NoLocks], ids=["no flock", "flock unsupported"])
def test_without_flock_a_live_owner_is_refused(fcntl, tmp_path, monkeypatch):
    monkeypatch.setattr(lock, "fcntl", fcntl)
    out = tmp_path / "run"
    _write_lock(out, pid=os.getpid(), host=socket.gethostname())
    with pytest.raises(RunError, match=rf"in use by another sweep \(pid {os.getpid()} on "):
        run_experiment(load_experiment(CEASEFIRE), out, progress=False)
    assert not (out / "manifest.json").exists()


def test_a_lock_of_another_host_is_never_taken_over(tmp_path):
    out = tmp_path / "run"
    _write_lock(out, pid=1, host="elsewhere.example")
    with pytest.raises(
        RunError, match=r"pid 1 on elsewhere\.example.*if it no longer runs, delete "
    ):
        run_experiment(load_experiment(CEASEFIRE), out, progress=False)
    assert (out / lock.LOCK).exists()


# -- processes and executors ---------------------------------------------------------------------


def _session(sid: int) -> list[int]:
    """The processes of session ``sid`` (from /proc, no psutil)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        if int(fields[3]) == sid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_workers_die_with_a_killed_sweep(tmp_path):
    """kill -9 of a --workers 2 sweep: its workers end too and let go of its output pipes."""
    spec_path = _experiment_file(tmp_path, chunk_size=3)
    out = tmp_path / "run"
    process = _sweep(
        spec_path, "-o", out, "--workers", "2", "--no-progress", start_new_session=True
    )
    try:
        _wait_for(lambda: _done(out) >= 4 or process.poll() is not None, "chunks")
        process.send_signal(signal.SIGSTOP)  # mid-sweep on any machine; its workers run on
        assert process.poll() is None, "stopped mid-sweep"
        assert len(_session(process.pid)) >= 3, "the sweep and its two workers"
        process.kill()
        process.communicate(timeout=15)  # returns only when every holder closed the pipes
        _wait_for(lambda: not _session(process.pid), "the workers to end", timeout=15)
    finally:
        for pid in _session(process.pid):
            os.kill(pid, signal.SIGKILL)
        process.kill()


@pytest.mark.parametrize("count", ["0", "-3", "two"])
def test_workers_must_be_a_whole_number_of_at_least_one(count, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["sweep", str(CEASEFIRE), "--workers", count])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --workers: expected a whole number >= 1, got '{count}'" in err


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("local:0", "--dask local:0: expected local or local:N, N a whole number >= 1"),
        ("local:x", "--dask local:x: expected local or local:N"),
        ("bogus://x", "--dask bogus://x: cannot reach the scheduler: unknown address scheme"),
        ("tcp://127.0.0.1:1", "--dask tcp://127.0.0.1:1: cannot reach the scheduler"),
    ],
)
def test_bad_dask_addresses_get_one_message(address, said, tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", 1.0)
    started = time.monotonic()
    assert main(["sweep", str(CEASEFIRE), "-o", str(tmp_path / "run"), "--dask", address]) == 2
    assert time.monotonic() - started < 20
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert err.count("negotiation-sim: error:") == 1
    assert not (tmp_path / "run" / "manifest.json").exists()


# -- failing before the grid, not after ----------------------------------------------------------


def test_a_frontier_infinite_somewhere_is_refused_before_any_chunk(tmp_path):
    text = CEASEFIRE.read_text(encoding="utf-8").replace(
        "[axes.verification]", "[axes.r_north]\nvalues = [2.0, 3.0]\n\n[axes.verification]"
    )
    text = text.replace('R = "r_north"', 'R = "4 + 1 / (r_north - 2)"')
    spec = parse_experiment(text, source="tv.toml", base=DATA)
    with pytest.raises(ScenarioError) as error:
        run_experiment(spec, tmp_path / "run")
    assert str(error.value) == (
        "tv.toml: frontiers[0].coefficients.R: '4 + 1 / (r_north - 2)' is inf at r_north = 2: "
        "a frontier's coefficients must be finite on the whole grid"
    )
    assert not (tmp_path / "run").exists()


def test_a_frontier_outside_its_models_conditions_is_refused_before_any_chunk(tmp_path):
    text = CEASEFIRE.read_text(encoding="utf-8").replace('R = "r_north"', 'R = "p_north - 1"')
    spec = parse_experiment(text, source="tv.toml", base=DATA)
    with pytest.raises(ScenarioError, match=r"^tv\.toml: frontiers\[0\]\.coefficients: .*R > T"):
        run_experiment(spec, tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_results_that_netcdf3_cannot_store_are_refused_before_any_chunk(tmp_path):
    """A seed past 32 bits (the spec refuses it; the runner does not rely on that) and a grid
    whose variables outgrow a netCDF3 file."""
    spec = load_experiment(CEASEFIRE)
    with pytest.raises(
        ScenarioError, match=r"ceasefire_sweep\.toml: experiment\.seed: .*2147483647"
    ):
        run_experiment(replace(spec, seed=2**31), tmp_path / "seed")
    huge = tuple(Axis(a.name, np.linspace(0, 1, 10**5)) for a in spec.axes)  # 10**10 points
    with pytest.raises(
        ScenarioError, match=r"ceasefire_sweep\.toml: axes: .*GiB, more than .*4 GiB"
    ):
        run_experiment(replace(spec, axes=huge, chunk_size=10**6), tmp_path / "huge")
    assert not (tmp_path / "seed").exists() and not (tmp_path / "huge").exists()


def test_a_sweep_of_too_many_chunks_is_refused_before_any_is_listed(tmp_path):
    spec = load_experiment(CEASEFIRE)
    wide = tuple(Axis(a.name, np.linspace(0, 1, 1000)) for a in spec.axes)  # 10**6 points
    with pytest.raises(
        ScenarioError,
        match=r"experiment\.chunk_size: 1,000,000 points in chunks of 1 make 1,000,000 chunks, "
        r"more than 100,000 .*at least 10\)",
    ):
        run_experiment(replace(spec, axes=wide, chunk_size=1), tmp_path / "run")
    assert not (tmp_path / "run").exists()
