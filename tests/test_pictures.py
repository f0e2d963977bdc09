"""The documented pictures are drawn from the data the code computes now.

``docs/images/pictures.toml`` lists each picture the docs show, the commands that regenerate it
(run from the repository root; ``{out}`` is a scratch directory, ``{picture}`` where the picture
is written) and a sha256 digest of the data it is drawn from: the plotted variables of
``{out}/results/results.nc`` (values to :data:`SIGNIFICANT` significant digits), their
dimensions, coordinates and names. The digest does not depend on the file's layout or on
matplotlib, so a test can say "this picture is stale" without comparing pixels.

Regenerate the pictures and rewrite the digests (all, or the named ones)::

    .venv/bin/python tests/test_pictures.py --update [docs/images/landscape.png ...]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import re
import shlex
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest
import xarray as xr

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "docs" / "images" / "pictures.toml"
UPDATE = ".venv/bin/python tests/test_pictures.py --update"
#: Significant digits the digest keeps: last-bit differences between platforms do not count.
SIGNIFICANT = 6
#: Where the commands must leave the results the picture is drawn from.
RESULTS = "{out}/results"
#: The netCDF flavours the scipy engine writes.
NetCDF3 = Literal["NETCDF3_64BIT", "NETCDF3_CLASSIC"]


@dataclass(frozen=True)
class Picture:
    """One manifest entry: a picture, how to regenerate it, what it is drawn from."""

    file: str
    commands: tuple[str, ...]
    data: tuple[str, ...]
    digest: str
    select: Mapping[str, float]


def read_manifest(path: Path = MANIFEST) -> list[Picture]:
    """The manifest's pictures, checked (an unknown or missing key fails with the entry)."""
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    pictures = []
    for k, entry in enumerate(table.get("pictures", [])):
        where = f"{path}: pictures[{k}]"
        unknown = set(entry) - {"file", "commands", "data", "digest", "select", "note"}
        missing = {"file", "commands", "data", "digest"} - set(entry)
        assert not unknown and not missing, f"{where}: unknown {unknown}, missing {missing}"
        assert any(RESULTS in c for c in entry["commands"]), f"{where}: no command writes {RESULTS}"
        pictures.append(
            Picture(
                file=entry["file"],
                commands=tuple(entry["commands"]),
                data=tuple(entry["data"]),
                digest=entry["digest"],
                select=dict(entry.get("select", {})),
            )
        )
    return pictures


def regenerate(picture: Picture, out: Path, target: Path, root: Path = ROOT) -> str:
    """Run the picture's commands (from ``root``, in process) into ``out``, the picture to
    ``target``; return the digest of the data it was drawn from."""
    from negotiation_sim.cli import main

    for command in picture.commands:
        argv = shlex.split(command.format(out=out, picture=target))
        assert argv[0] == "negotiation-sim", f"{picture.file}: not a negotiation-sim command"
        printed = io.StringIO()
        with contextlib.chdir(root), contextlib.redirect_stdout(printed):
            status = main(argv[1:])
        assert status == 0, f"{picture.file}: `{command}` exited with {status}"
    assert target.is_file(), f"{picture.file}: the commands drew no picture at {{picture}}"
    return data_digest(Path(RESULTS.format(out=out)), picture.data, picture.select)


def data_digest(
    results: Path, names: Sequence[str], select: Mapping[str, float] | None = None
) -> str:
    """sha256 of the named variables of a sweep's results (a directory or its results.nc),
    at ``select`` (coordinate values) if given: names, dimensions, coordinates and values to
    :data:`SIGNIFICANT` significant digits, in a canonical text."""
    path = results / "results.nc" if results.is_dir() else results
    digest = hashlib.sha256()
    with xr.open_dataset(path, engine="scipy") as ds:
        chosen = ds.sel(dict(select)) if select else ds
        for key, value in sorted((select or {}).items()):
            digest.update(f"select {key} = {_number(value)}\n".encode())
        for name in names:
            assert name in chosen, f"{path}: no variable {name!r} to digest"
            array = chosen[name]
            digest.update(f"variable {name} {array.dims}\n".encode())
            for dim in array.dims:
                digest.update(f"coordinate {dim}: {_text(chosen[dim].values)}\n".encode())
            digest.update(f"values: {_text(array.values)}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def _text(values: np.ndarray) -> str:
    """Values as text: strings as they are, numbers (bools too) to SIGNIFICANT digits."""
    flat = np.asarray(values).reshape(-1)
    if flat.dtype.kind in "OUS":
        return ",".join(str(v) for v in flat)
    return ",".join(_number(v) for v in flat.astype(np.float64).tolist())


def _number(value: float) -> str:
    """One number to SIGNIFICANT digits; -0 is 0."""
    return f"{float(value) + 0.0:.{SIGNIFICANT}g}"


def stale(picture: Picture, digest: str) -> str | None:
    """Why the picture is stale (its data's digest differs from the manifest's), or None."""
    if digest == picture.digest:
        return None
    return (
        f"{picture.file} is stale: the data it is drawn from ({', '.join(picture.data)}) "
        f"changed (digest {digest}, manifest {picture.digest}). Look at the new picture, then "
        f"regenerate it and its digest: {UPDATE} {picture.file}"
    )


def update(
    manifest: Path = MANIFEST, root: Path = ROOT, only: Sequence[str] = (), quiet: bool = False
) -> list[str]:
    """Regenerate the pictures (all, or those whose file is in ``only``) into ``root`` and
    rewrite their digests in ``manifest`` (nothing else in it changes). Returns the files."""
    pictures = read_manifest(manifest)
    unknown = set(only) - {p.file for p in pictures}
    if unknown:
        raise SystemExit(f"{manifest}: no picture {', '.join(sorted(unknown))}")
    text = manifest.read_text(encoding="utf-8")
    digests = list(re.finditer(r'^digest = "[^"]*"$', text, flags=re.M))
    assert len(digests) == len(pictures), f"{manifest}: one `digest = ` line per picture"
    done = []
    for picture, line in reversed(list(zip(pictures, digests, strict=True))):
        if only and picture.file not in only:
            continue
        with tempfile.TemporaryDirectory(prefix="pictures-") as scratch:
            out = Path(scratch)
            drawn = out / f"picture{Path(picture.file).suffix}"
            digest = regenerate(picture, out, drawn, root)
            shutil.copyfile(drawn, root / picture.file)
        text = text[: line.start()] + f'digest = "{digest}"' + text[line.end() :]
        done.append(f"{picture.file}: {digest}")
    manifest.write_text(text, encoding="utf-8")
    if not quiet:
        print("\n".join(done[::-1]))
    return [line.split(": ")[0] for line in done[::-1]]


# -- tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("picture", read_manifest(), ids=lambda p: Path(p.file).name)
def test_each_picture_is_drawn_from_the_data_the_code_computes_now(picture, tmp_path):
    assert (ROOT / picture.file).is_file(), f"{picture.file}: listed but not in the repository"
    digest = regenerate(picture, tmp_path, tmp_path / Path(picture.file).name)
    problem = stale(picture, digest)
    assert problem is None, problem


def test_every_picture_the_docs_show_is_listed_or_said_why_not():
    text = MANIFEST.read_text(encoding="utf-8")
    listed = {Path(p.file).name for p in read_manifest()}
    unlisted = set(re.findall(r"^# not listed: (\S+)", text, flags=re.M))
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    shown = {
        name
        for doc in docs
        for name in re.findall(r"images/([\w.-]+\.(?:png|svg))", doc.read_text(encoding="utf-8"))
    }
    assert shown - listed - unlisted == set()
    assert listed | unlisted <= shown  # nothing listed that no document shows


def small_results(
    tmp_path: Path, transform: Any = None, nc_format: NetCDF3 = "NETCDF3_64BIT"
) -> Path:
    """A small results file: a float and a bool variable over (format, trust, verification),
    changed by ``transform`` and written in ``nc_format``."""
    values = np.random.default_rng(0).random((2, 3, 4))
    ds = xr.Dataset(
        {
            "p_deal": (("format", "trust", "verification"), values),
            "deal_is_equilibrium": (("format", "trust", "verification"), values > 0.5),
            "other": (("trust",), np.arange(3.0)),
        },
        coords={
            "format": ["bilateral", "multilateral"],
            "trust": [0.0, 0.5, 1.0],
            "verification": [0.0, 0.25, 0.5, 0.75],
        },
    )
    if transform is not None:
        ds = transform(ds)
    path = tmp_path / f"results_{len(list(tmp_path.glob('results_*')))}.nc"
    ds.to_netcdf(path, engine="scipy", format=nc_format)
    return path


def test_the_digest_changes_with_one_value_and_not_with_the_files_layout(tmp_path):
    names = ("p_deal", "deal_is_equilibrium")
    reference = data_digest(small_results(tmp_path), names)
    assert reference.startswith("sha256:") and len(reference) == len("sha256:") + 64

    def same(transform: Any = None, nc_format: NetCDF3 = "NETCDF3_64BIT") -> bool:
        return data_digest(small_results(tmp_path, transform, nc_format), names) == reference

    # Not the data: the netCDF flavour, the order of variables in the file, other variables,
    # a bool stored as 0/1 numbers, a change below the kept digits.
    assert same(nc_format="NETCDF3_CLASSIC")
    assert same(lambda ds: ds[["other", "deal_is_equilibrium", "p_deal"]])
    assert same(lambda ds: ds.assign(other=ds["other"] * 2))
    assert same(lambda ds: ds.assign(deal_is_equilibrium=ds["deal_is_equilibrium"] * 1))
    assert same(lambda ds: ds.assign(p_deal=ds["p_deal"] * (1 + 1e-10)))
    # The data: one value, a coordinate, which variables, their order, the selection.
    nudge = np.zeros((2, 3, 4))
    nudge[1, 2, 3] = 1e-3
    assert not same(lambda ds: ds.assign(p_deal=ds["p_deal"] + nudge))
    assert not same(lambda ds: ds.assign_coords(trust=[0.0, 0.5, 0.9]))
    assert data_digest(small_results(tmp_path), ("p_deal", "other")) != reference
    assert data_digest(small_results(tmp_path), names[::-1]) != reference
    at = data_digest(small_results(tmp_path), names, {"trust": 0.5})
    assert at != reference
    classic = small_results(tmp_path, nc_format="NETCDF3_CLASSIC")
    assert at == data_digest(classic, names, {"trust": 0.5})


TINY_MANIFEST = """\
# a comment that stays
[[pictures]]
file = "tiny.png"
commands = [
  "negotiation-sim sweep {experiment} -o {{out}}/results --no-progress",
  "negotiation-sim plot {{out}}/results -o {{picture}}",
]
data = ["equilibrium_set"]
digest = "sha256:0"
"""


def test_a_stale_picture_fails_with_the_update_command_and_update_mends_it(tmp_path, capsys):
    experiment = tmp_path / "tiny.toml"
    experiment.write_text(
        f'format_version = 1\n[experiment]\nscenario = "{ROOT / "scenarios/typed_assurance.toml"}"\n'
        "[axes.trust]\nvalues = [0.2, 0.9]\n[axes.verification]\nvalues = [0.0, 0.6]\n",
        encoding="utf-8",
    )
    manifest = tmp_path / "pictures.toml"
    manifest.write_text(TINY_MANIFEST.format(experiment=experiment), encoding="utf-8")
    (picture,) = read_manifest(manifest)
    digest = regenerate(picture, tmp_path / "run", tmp_path / "drawn.png", root=tmp_path)
    problem = stale(picture, digest)
    assert problem is not None and problem.startswith("tiny.png is stale: the data it is drawn")
    assert problem.endswith(f"{UPDATE} tiny.png")
    assert update(manifest, root=tmp_path, quiet=True) == ["tiny.png"]
    text = manifest.read_text(encoding="utf-8")
    assert text == TINY_MANIFEST.format(experiment=experiment).replace("sha256:0", digest)
    assert (tmp_path / "tiny.png").is_file()
    (mended,) = read_manifest(manifest)
    assert stale(mended, digest) is None
    # Another scenario value changes the data, and the test says so.
    experiment.write_text(experiment.read_text().replace("0.6]", "0.7]"), encoding="utf-8")
    moved = regenerate(mended, tmp_path / "again", tmp_path / "again.png", root=tmp_path)
    assert stale(mended, moved) is not None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", nargs="*", metavar="FILE", help="regenerate these (all)")
    args = parser.parse_args(argv)
    if args.update is None:
        parser.error("nothing to do: give --update (the tests run under pytest)")
    update(only=args.update)
    return 0


if __name__ == "__main__":
    sys.exit(main())
