"""Output files: one overwrite rule, the negotiation_sim mark, atomic writes, located disk faults.

Every file the project writes (pictures, ``.nfg`` exports) carries the mark; an existing file
without it is replaced only with ``overwrite``/``--overwrite``, an input never. Full and
read-only disks use a small tmpfs the test mounts (root only; skipped with a message
elsewhere, the read-only case then falls back to ``chmod``). Broken pipes are real pipes whose
reading end is closed before the command writes.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from negotiation_sim import Game, load_scenario
from negotiation_sim._files import written_by_us
from negotiation_sim.cli import BROKEN_PIPE, main
from negotiation_sim.errors import InputError
from negotiation_sim.interop import read_nfg_file, write_nfg
from negotiation_sim.plotting import bargaining_picture, save_bargaining, save_landscape
from tests.test_plotting_landscape import sweep

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "alaska_2025_reduced.toml"
EXPERIMENT = ROOT / "tests" / "data" / "experiments" / "ceasefire_sweep.toml"
CLI = [sys.executable, "-m", "negotiation_sim.cli"]


def _error_line(capsys) -> str:
    """The one line a failed command prints (and nothing on standard output)."""
    captured = capsys.readouterr()
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("negotiation-sim: error: ") and "Traceback" not in captured.err
    return str(line)


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    path: Path = tmp_path_factory.mktemp("results") / "results.nc"
    sweep().to_netcdf(path)
    return path


def _welfare() -> xr.Dataset:
    return xr.Dataset(
        {"welfare": (("trust", "verification"), np.arange(6.0).reshape(2, 3))},
        coords={"trust": [0.0, 1.0], "verification": [0.0, 0.5, 1.0]},
    )


def _plain_picture(path: Path, format: str) -> None:
    """A picture matplotlib writes with its own metadata, as a person's script would."""
    figure = Figure(figsize=(2, 2))
    FigureCanvasAgg(figure)
    figure.subplots().plot([0, 1], [1, 0])
    figure.savefig(path, format=format)


# -- the mark: where each format keeps it, read back by an independent reader ----------------


def _mark_as_read(path: Path, format: str) -> str:
    """The creator a picture names, read without negotiation_sim."""
    data = path.read_bytes()
    if format in ("png", "jpg", "gif", "tif"):
        with Image.open(path) as image:
            if format == "tif":
                return str(image.getexif().get(305, ""))  # TIFF Software
            value = image.info.get("Software" if format == "png" else "comment", "")
            return value.decode() if isinstance(value, bytes) else str(value)
    if format == "pdf":
        creators = re.findall(rb"/Creator \(([^)]*)\)", data)
        return creators[-1].decode() if creators else ""
    if format in ("eps", "ps"):
        line = re.search(rb"^%%Creator: (.*)$", data, re.MULTILINE)
        return line.group(1).decode() if line else ""
    names = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "cc": "http://creativecommons.org/ns#",
    }
    title = ET.fromstring(data).find(".//dc:creator/cc:Agent/dc:title", names)
    return "" if title is None else str(title.text)


@pytest.mark.parametrize("format", ["png", "svg", "pdf", "eps", "ps", "jpg", "gif", "tif"])
def test_pictures_carry_the_mark_and_plain_pictures_do_not(format, tmp_path):
    ours = save_landscape(_welfare(), tmp_path / f"ours.{format}", "welfare")
    assert re.fullmatch(r"negotiation_sim \S+", _mark_as_read(ours, format))
    assert written_by_us(ours)
    plain = tmp_path / f"plain.{format}"
    _plain_picture(plain, format)
    assert not written_by_us(plain)
    with pytest.raises(InputError, match="not written by negotiation_sim: pass --overwrite"):
        save_landscape(_welfare(), plain, "welfare")
    assert save_landscape(_welfare(), plain, "welfare", overwrite=True) == plain
    assert written_by_us(plain)


def test_a_large_pdf_keeps_its_mark_near_the_end_and_is_recognised(tmp_path):
    rng = np.random.default_rng(3)
    grid = np.linspace(0.0, 1.0, 120)
    ds = xr.Dataset(
        {"welfare": (("trust", "verification"), rng.normal(size=(120, 120)))},
        coords={"trust": grid, "verification": grid},
    )
    out = save_landscape(ds, tmp_path / "big.pdf", "welfare")
    data = out.read_bytes()
    at = data.rfind(b"/Creator (negotiation_sim")
    assert len(data) > 3 * 2**16 and at > 2**16, (len(data), at)  # beyond the first 64 KB
    assert written_by_us(out)


def test_files_that_only_mention_the_package_are_not_its_output(tmp_path):
    texts = {
        "analysis.py": "import negotiation_sim\n# Written by negotiation_sim 0.2.0\n",
        "pyproject.toml": '[project]\ndependencies = ["negotiation_sim"]\n',
        "notes.md": "tEXtSoftware\x00negotiation_sim\n",
        "game.json": '{"Creator": "negotiation_sim"}\n',
        "drawing.svg": '<?xml version="1.0"?><svg><text>negotiation_sim</text></svg>\n',
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text)
        assert not written_by_us(tmp_path / name), name
    assert not written_by_us(tmp_path / "missing.png")


def test_formats_without_a_mark_are_replaced_only_with_overwrite(tmp_path):
    out = save_landscape(_welfare(), tmp_path / "map.webp", "welfare")
    with pytest.raises(InputError, match="pass --overwrite"):
        save_landscape(_welfare(), out, "welfare")
    assert save_landscape(_welfare(), out, "welfare", overwrite=True) == out


def test_a_picture_without_suffix_is_png_at_exactly_that_path(tmp_path):
    out = save_landscape(_welfare(), tmp_path / "map", "welfare")
    assert out == tmp_path / "map" and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map"]


# -- the overwrite rule through the API --------------------------------------------------------


def test_save_landscape_never_replaces_its_input(tmp_path, results):
    source = tmp_path / "results.png"  # a netCDF file named like a picture
    shutil.copy(results, source)
    before = source.read_bytes()
    for overwrite in (False, True):
        with pytest.raises(InputError, match="is an input of this command"):
            save_landscape(source, source, overwrite=overwrite)
    link = tmp_path / "link.png"
    link.symlink_to(source)
    with pytest.raises(InputError, match="is an input of this command"):
        save_landscape(source, link, overwrite=True)
    assert source.read_bytes() == before


def test_save_bargaining_follows_the_rule(tmp_path):
    picture = bargaining_picture(load_scenario(SCENARIO), ["russia", "ukraine"])
    mine = tmp_path / "mine.png"
    mine.write_bytes(b"a person's picture")
    with pytest.raises(InputError, match="not written by negotiation_sim"):
        save_bargaining(picture, mine)
    assert mine.read_bytes() == b"a person's picture"
    assert save_bargaining(picture, mine, overwrite=True) == mine
    assert save_bargaining(picture, mine) == mine  # now its own
    with Image.open(mine) as image:
        assert image.info["Software"].startswith("negotiation_sim ")


def test_write_nfg_follows_the_rule(tmp_path):
    game = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    mine = tmp_path / "mine.nfg"
    mine.write_text("my notes")
    with pytest.raises(InputError, match="not written by negotiation_sim"):
        write_nfg(game, mine)
    assert mine.read_text() == "my notes"
    write_nfg(game, mine, overwrite=True, comment="second")
    write_nfg(game, mine, comment="third")  # its own file now
    assert read_nfg_file(mine).comment.splitlines()[1:] == ["third"]
    with pytest.raises(InputError, match="is a directory"):
        write_nfg(game, tmp_path)


# -- the overwrite rule on the command line ----------------------------------------------------


def test_export_never_overwrites_its_own_input(tmp_path, capsys):
    copy = tmp_path / "m.toml"
    shutil.copy(SCENARIO, copy)
    for extra in ([], ["--overwrite"]):
        assert main(["export", str(copy), "-o", str(copy), *extra]) == 2
        assert _error_line(capsys) == (
            f"negotiation-sim: error: {copy}: the file is an input of this command: "
            "choose another output file"
        )
    assert copy.read_bytes() == SCENARIO.read_bytes()


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["plot-bargaining", str(SCENARIO)], "picture.png"),
        (["export", str(SCENARIO)], "game.nfg"),
        (["plot", "RESULTS"], "landscape.svg"),
    ],
)
def test_cli_replaces_its_own_files_and_others_only_with_overwrite(
    command, name, tmp_path, results, capsys
):
    command = [str(results) if part == "RESULTS" else part for part in command]
    out = tmp_path / name
    out.write_text("a person's file")
    assert main([*command, "-o", str(out)]) == 2
    assert _error_line(capsys) == (
        f"negotiation-sim: error: {out}: the file exists and was not written by "
        "negotiation_sim: pass --overwrite to replace it"
    )
    assert out.read_text() == "a person's file"
    assert main([*command, "-o", str(out), "--overwrite"]) == 0
    assert main([*command, "-o", str(out)]) == 0  # its own file: no flag needed
    assert capsys.readouterr().out.count(f"wrote {out}") == 2
    assert written_by_us(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


@pytest.mark.parametrize(
    "command",
    [["plot-bargaining", str(SCENARIO)], ["export", str(SCENARIO)], ["plot", "RESULTS"]],
)
def test_cli_output_into_a_missing_directory(command, tmp_path, results, capsys):
    command = [str(results) if part == "RESULTS" else part for part in command]
    out = tmp_path / "no" / "such" / "x.png"
    if command[0] == "export":
        out = out.with_suffix(".nfg")
    assert main([*command, "-o", str(out)]) == 2
    assert _error_line(capsys) == (
        f"negotiation-sim: error: {out}: cannot write the file: "
        f"the directory '{out.parent}' does not exist"
    )


# -- results files that are not a sweep's -----------------------------------------------------


def _bad_results(results: Path, folder: Path) -> dict[str, Path]:
    data = results.read_bytes()
    files = {
        "empty": b"",
        "text": b"hello, world\n",
        "header only": data[:40],
        "truncated early": data[:300],
        "truncated halfway": data[: len(data) // 2],
        "truncated at the end": data[:-8],
        "hdf5 garbage": b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 4,
        "netcdf garbage": b"CDF\x01" + bytes(range(255, -1, -1)) * 4,
    }
    paths = {}
    for name, content in files.items():
        paths[name] = folder / f"{name.replace(' ', '_')}.nc"
        paths[name].write_bytes(content)
    ds = sweep()
    for name, changed in {
        "no outcome": ds.drop_vars("outcome"),
        "no trust coordinates": ds.drop_vars("trust"),
        "repeated axis values": ds.assign_coords(trust=[0.0, 0.0, 0.5, 1.0]),
        "text axis values": ds.assign_coords(rho=["a", "b"]),
        "an empty axis": ds.isel(rho=slice(0, 0)),
        "text outcome codes": ds.assign(outcome=ds["outcome"].astype(str)),
    }.items():
        paths[name] = folder / f"{name.replace(' ', '_')}.nc"
        changed.to_netcdf(paths[name])
    return paths


def test_plot_of_bad_results_is_one_located_message(tmp_path, results, capsys):
    paths = _bad_results(results, tmp_path)
    out = tmp_path / "x.png"
    for name, path in paths.items():
        assert main(["plot", str(path), "-o", str(out)]) == 2, name
        line = _error_line(capsys)
        assert line.startswith(f"negotiation-sim: error: {path}: "), (name, line)
        assert not out.exists(), name
    fifo = tmp_path / "fifo.nc"
    os.mkfifo(fifo)  # would block a reader forever
    assert main(["plot", str(fifo), "-o", str(out)]) == 2
    assert "not a regular file" in _error_line(capsys)
    assert main(["plot", str(tmp_path), "-o", str(out)]) == 2  # a directory without results
    assert "no such results file" in _error_line(capsys)


def test_truncated_results_fail_in_the_api_with_an_input_error(tmp_path, results):
    data = results.read_bytes()
    for size in range(0, len(data), max(1, len(data) // 40)):  # every 2.5% of the file
        path = tmp_path / "cut.nc"
        path.write_bytes(data[:size])
        with pytest.raises(InputError) as caught:
            save_landscape(path, tmp_path / "x.png", overwrite=True)
        assert caught.value.source == str(path), size


def test_corrupted_results_are_read_or_refused_never_a_stray_error(tmp_path, results):
    """Seeded byte flips: the reader and the checks either accept the file or raise an
    InputError naming it (the reader's own exceptions were found this way)."""
    from negotiation_sim.plotting import landscape_panels
    from negotiation_sim.plotting.landscape import load_results

    data = results.read_bytes()
    rng = np.random.default_rng(2024)
    refused = 0
    for case in range(150):
        corrupt = bytearray(data)
        for at in rng.integers(0, len(data), size=int(rng.choice([1, 3, 10]))):
            corrupt[at] = int(rng.integers(0, 256))
        path = tmp_path / f"flip{case}.nc"
        path.write_bytes(bytes(corrupt))
        try:
            ds = load_results(path)
            for metric, actor in (("outcome", None), ("payoff", "us"), ("welfare", None)):
                landscape_panels(ds, metric, actor=actor)
        except InputError as error:
            refused += 1
            assert not error.source or error.source == str(path)
    assert refused > 0  # the flips do hit the header


# -- faults of the disk: full, read-only -------------------------------------------------------


@pytest.fixture
def small_disk(tmpfs):
    """A 4 MiB tmpfs of this test's own (the shared ``tmpfs`` fixture: root only)."""
    return tmpfs("4m")


def _fill(disk: Path) -> None:
    """Fill the disk up to the last block."""
    with open(disk / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def _outputs(results: Path) -> list[tuple[list[str], str]]:
    return [
        (["plot", str(results)], "landscape.png"),
        (["plot-bargaining", str(SCENARIO)], "bargaining.png"),
        (["export", str(SCENARIO)], "game.nfg"),
    ]


def test_a_full_disk_keeps_the_old_file_and_no_temporary_one(small_disk, results, capsys):
    olds = {}
    for command, name in _outputs(results):
        assert main([*command, "-o", str(small_disk / name)]) == 0
        olds[name] = (small_disk / name).read_bytes()
    capsys.readouterr()
    _fill(small_disk)
    for command, name in _outputs(results):
        out = small_disk / name
        assert main([*command, "-o", str(out)]) == 2
        assert _error_line(capsys) == (
            f"negotiation-sim: error: {out}: cannot write the file: the disk is full "
            "(No space left on device)"
        )
        assert out.read_bytes() == olds[name]
    assert sorted(p.name for p in small_disk.iterdir()) == sorted([*olds, "filler"])


@pytest.fixture
def read_only_dir(tmp_path, tmpfs):
    """A directory nobody may write: a tmpfs remounted read-only as root, else chmod."""
    if os.geteuid() != 0:
        where = tmp_path / "ro"
        where.mkdir()
        yield where, lambda: where.chmod(0o555), "Permission denied"
        where.chmod(0o755)
        return
    where = tmpfs("1m")
    remount = ["mount", "-o", "remount,ro", str(where)]
    yield where, lambda: subprocess.run(remount, check=True), "the file system is read-only"


def test_a_read_only_directory_is_one_message(read_only_dir, results, capsys):
    where, protect, reason = read_only_dir
    for command, name in _outputs(results):
        assert main([*command, "-o", str(where / name)]) == 0
    olds = {p.name: p.read_bytes() for p in where.iterdir()}
    capsys.readouterr()
    protect()
    for command, name in _outputs(results):
        out = where / name
        assert main([*command, "-o", str(out)]) == 2
        line = _error_line(capsys)
        assert line.startswith(f"negotiation-sim: error: {out}: cannot write the file: {reason}")
    assert {p.name: p.read_bytes() for p in where.iterdir()} == olds


# -- stray file errors in main ------------------------------------------------------------------


def test_main_maps_stray_file_errors_but_not_other_errors(monkeypatch, capsys):
    import negotiation_sim.cli as cli

    def fails(_args):
        raise PermissionError(errno.EACCES, "Permission denied", "/root/secret")

    monkeypatch.setattr(cli, "_demo", fails)
    assert main(["demo"]) == 2
    assert _error_line(capsys) == (
        "negotiation-sim: error: /root/secret: cannot access the file: Permission denied"
    )

    def bug(_args):
        raise OSError("not about a file")

    monkeypatch.setattr(cli, "_demo", bug)
    with pytest.raises(OSError, match="not about a file"):  # a bug keeps its traceback
        main(["demo"])


# -- broken pipes --------------------------------------------------------------------------------


def _with_closed_stdout(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run the command line writing into a pipe whose reader has already gone."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [*CLI, *argv], stdout=write, stderr=subprocess.PIPE, cwd=cwd, timeout=60, check=False
        )
    finally:
        os.close(write)


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", str(SCENARIO)],
        ["solve", str(SCENARIO), "--json"],
        ["validate", str(SCENARIO)],
        ["--help"],
        ["sweep", str(EXPERIMENT), "-o", "out", "--no-progress"],
    ],
    ids=["solve", "solve-json", "validate", "help", "sweep"],
)
def test_a_closed_pipe_ends_the_command_quietly(argv, tmp_path):
    completed = _with_closed_stdout(argv, tmp_path)
    assert completed.stderr == b""  # no traceback, no "Exception ignored"
    # argparse swallows the failed write of --help itself and exits 0.
    assert completed.returncode == (0 if argv == ["--help"] else BROKEN_PIPE)


def test_a_closed_pipe_on_standard_error_stops_a_sweep_with_141(tmp_path):
    """The progress bar writes to standard error: its reader gone, the sweep stops as if
    SIGPIPE had stopped it (its finished chunks stay, for --resume)."""
    read, write = os.pipe()
    os.close(read)
    try:
        completed = subprocess.run(
            [*CLI, "sweep", str(EXPERIMENT), "-o", "out", "--progress"],
            stdout=subprocess.PIPE,
            stderr=write,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)
    assert completed.returncode == BROKEN_PIPE
    assert b"Traceback" not in completed.stdout


def test_head_closes_the_pipe_quietly(tmp_path):
    command = f"{' '.join(CLI)} solve {SCENARIO} | head -1; exit ${{PIPESTATUS[0]}}"
    completed = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode in (0, BROKEN_PIPE), completed
    assert completed.stderr == "" and completed.stdout.strip()
