"""A sweep's output directory: its manifest, its chunk checkpoints and its results file.

Layout::

    manifest.json          the run's identity: fingerprint, grid, chunking, chunk layout
    chunks/000012.npz      a finished chunk's named arrays
    chunks/000012.done     its ledger entry, written after the data (JSON: index,
                           fingerprint, sha256 of the .npz bytes, points, seconds)
    results.nc             the assembled dataset, written at the end
    .negotiation_sim.lock  held while a sweep runs (:mod:`.lock`)

Every file is written through a temporary file, fsynced and renamed into place
(:func:`negotiation_sim._files.write_atomically`), so a run killed at any moment (Ctrl-C,
SIGTERM, SIGKILL, power loss after fsync) leaves whole files or none; its temporary files are
removed when the directory is next used.

A chunk counts as done only when its ledger entry vouches for its data. On resume every
finished chunk is verified: its entry names this chunk and this run's fingerprint, the
sha256 of its ``.npz`` is the one recorded when it was written, its arrays have the expected
names, shapes and types. A chunk that fails (zeroed, swapped with another, a flipped bit) is
recomputed, and the runner says so. The manifest records the chunk layout: a directory written
by a version with another layout is refused on resume.

Only a sweep's own files are ever deleted (``--overwrite``): a ``manifest.json`` that
negotiation_sim did not write is never replaced.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import zipfile
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .._files import write_atomically
from ..errors import Problem, RunError, ScenarioError

__all__ = [
    "CHUNK_LAYOUT",
    "Stored",
    "check_output",
    "chunk_file",
    "load_chunk",
    "prepare",
    "save_chunk",
    "say",
]

MANIFEST = "manifest.json"
RESULTS = "results.nc"
CHUNKS = "chunks"
#: Version of the chunk files: 2 = named arrays in ``.npz`` files (1 was one float ``.npy``
#: array with positional columns, before 0.3).
CHUNK_LAYOUT = 2

#: A chunk's expected arrays: name -> (shape, dtype).
Layout = Mapping[str, tuple[tuple[int, ...], np.dtype[Any]]]

#: What identifies a run: a manifest that differs in any of these is another sweep.
_IDENTITY = ("fingerprint", "grid_points", "chunk_size", "chunks", "chunk_layout")
#: The files of a sweep in ``chunks/`` (``.npy``: chunk layout 1) and their temporary files.
_CHUNK_FILE = re.compile(r"\d{6}\.(npz|npy|done)")
_TEMPORARY = re.compile(r"\.(\d{6}\.(npz|npy|done)|manifest\.json|results\.nc)\.\d+\.tmp")
#: A manifest is a few hundred bytes: anything much larger is not one.
_MANIFEST_BYTES = 1 << 16


def say(message: str) -> None:
    """Tell the person running the sweep (standard error): what was found, what is done."""
    print(f"negotiation-sim: {message}", file=sys.stderr)


def prepare(out: Path, manifest: dict[str, Any], resume: bool, overwrite: bool) -> None:
    """Make ``out`` ready for the sweep of ``manifest`` (the caller holds its lock).

    A new directory gets the manifest; one holding this very sweep is resumed (with
    ``resume``); ``overwrite`` first removes a previous sweep's own files.

    Raises
    ------
    RunError
        ``out`` holds another sweep, a manifest negotiation_sim did not write, results
        without a manifest, or checkpoints of an older chunk layout.
    """
    _remove_temporary(out)
    found = _read_manifest(out / MANIFEST)
    if found is not None and overwrite:
        _clear(out)
        found = None
    if found is not None:
        _check_manifest(out, found, manifest, resume)
        return
    chunks = _chunk_files(out)
    if overwrite:
        for chunk in chunks:
            chunk.unlink()
        chunks = []
    if chunks or (out / RESULTS).exists():  # another tool's or a broken run's files
        raise RunError(
            f"{out} holds results without a manifest: choose another output directory (-o)"
        )
    (out / CHUNKS).mkdir(exist_ok=True)
    write_atomically(out / MANIFEST, lambda h: h.write(json.dumps(manifest, indent=2).encode()))


def _chunk_files(out: Path) -> list[Path]:
    folder = out / CHUNKS
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if _CHUNK_FILE.fullmatch(p.name)]


def _remove_temporary(out: Path) -> None:
    """Temporary files of a killed run (no other sweep writes here: the lock is held)."""
    for folder in (out, out / CHUNKS):
        if folder.is_dir():
            for path in folder.iterdir():
                if _TEMPORARY.fullmatch(path.name):
                    path.unlink(missing_ok=True)


def _clear(out: Path) -> None:
    """Remove a previous sweep's files (and only those); the manifest last, so that a run
    killed meanwhile leaves a directory ``--overwrite`` still recognises."""
    for chunk in _chunk_files(out):
        chunk.unlink()
    (out / RESULTS).unlink(missing_ok=True)
    (out / MANIFEST).unlink()


def _read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of a sweep, ``None`` when there is none, or a refusal when ``path`` is not
    one negotiation_sim wrote (such a file is never replaced)."""
    if not path.exists() and not path.is_symlink():
        return None
    try:
        with open(path, "rb") as handle:
            found = json.loads(handle.read(_MANIFEST_BYTES + 1))
    except (OSError, ValueError):
        found = None
    ours = (
        isinstance(found, dict)
        and isinstance(found.get("negotiation_sim"), str)
        and isinstance(found.get("fingerprint"), str)
        and all(isinstance(found.get(key), int) for key in ("grid_points", "chunk_size", "chunks"))
    )
    if not ours:
        raise RunError(
            f"{path} is not the manifest of a negotiation_sim sweep (it is never replaced): "
            "choose another output directory (-o)"
        )
    assert isinstance(found, dict)
    return found


def _check_manifest(
    out: Path, found: dict[str, Any], manifest: dict[str, Any], resume: bool
) -> None:
    """An existing manifest: resume only the same sweep, written in this chunk layout."""
    if not resume:
        raise RunError(
            f"{out} already holds a sweep of {found.get('experiment', '?')}: pass --resume to "
            "finish it, --overwrite to replace it, or choose another output directory (-o)"
        )
    layout = found.get("chunk_layout", 1)
    if layout != CHUNK_LAYOUT:
        raise RunError(
            f"{out} holds checkpoints in chunk layout {layout} (negotiation_sim "
            f"{found.get('negotiation_sim', '?')}); this version writes layout {CHUNK_LAYOUT} "
            "and cannot resume them: rerun with --overwrite, or choose another output "
            "directory (-o)"
        )
    # The fingerprint is of the files' contents: how their paths were spelled does not matter.
    if any(found.get(key) != manifest.get(key) for key in _IDENTITY):
        raise RunError(
            f"{out} holds a different sweep (experiment, scenario or grid changed since it "
            "started); resume needs the same files, or choose another output directory (-o)"
        )


def chunk_file(out: Path, index: int) -> Path:
    """The data file of chunk ``index``."""
    return _chunk_paths(out, index)[0]


def _chunk_paths(out: Path, index: int) -> tuple[Path, Path]:
    stem = out / CHUNKS / f"{index:06d}"
    return stem.with_suffix(".npz"), stem.with_suffix(".done")


class Stored(NamedTuple):
    """A chunk's checkpoint: its arrays and compute seconds, or ``arrays=None`` (compute it).

    ``rejected`` says why a chunk marked done cannot be used (empty when it can, or when it
    never finished).
    """

    arrays: dict[str, NDArray[Any]] | None
    seconds: float = 0.0
    rejected: str = ""


def load_chunk(out: Path, index: int, layout: Layout, *, fingerprint: str, points: int) -> Stored:
    """A finished chunk's arrays, verified against its ledger entry and ``layout``.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> (out / CHUNKS).mkdir()
    >>> layout = {"n": ((3,), np.dtype(np.int32))}
    >>> save_chunk(out, 0, {"n": np.arange(3, dtype=np.int32)}, seconds=0.5, points=3,
    ...            fingerprint="f")
    >>> load_chunk(out, 0, layout, fingerprint="f", points=3).arrays["n"].tolist()
    [0, 1, 2]
    >>> data = out / CHUNKS / "000000.npz"
    >>> blob = bytearray(data.read_bytes()); blob[-30] ^= 1; _ = data.write_bytes(blob)
    >>> print(load_chunk(out, 0, layout, fingerprint="f", points=3).rejected)  # doctest: +ELLIPSIS
    /.../chunks/000000.npz: its bytes are not those recorded when it was written (...)
    """
    data, flag = _chunk_paths(out, index)
    if not flag.exists():
        return Stored(None)  # never finished: not a rejection
    entry = _ledger_entry(flag)
    problem = _ledger_problem(entry, index, fingerprint, points)
    if problem:
        return Stored(None, rejected=f"{flag}: {problem}")
    try:
        blob = data.read_bytes()
    except OSError as exc:
        return Stored(None, rejected=f"{data}: cannot be read ({exc.strerror})")
    if hashlib.sha256(blob).hexdigest() != entry["sha256"]:
        return Stored(
            None,
            rejected=f"{data}: its bytes are not those recorded when it was written "
            "(changed or corrupted since)",
        )
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in layout}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        arrays = {}
    if arrays.keys() != layout.keys() or any(
        arrays[name].shape != shape or arrays[name].dtype != dtype
        for name, (shape, dtype) in layout.items()
    ):
        return Stored(None, rejected=f"{data}: its arrays are not those of this sweep")
    return Stored(arrays, float(entry["seconds"]))


def _ledger_entry(flag: Path) -> dict[str, Any]:
    try:
        entry = json.loads(flag.read_bytes()[:_MANIFEST_BYTES])
    except (OSError, ValueError):
        return {}
    return entry if isinstance(entry, dict) else {}


def _ledger_problem(entry: dict[str, Any], index: int, fingerprint: str, points: int) -> str:
    """Why a ledger entry does not vouch for chunk ``index`` of this run ("" if it does)."""
    if not entry:
        return "its done flag is unreadable"
    if "sha256" not in entry:
        return "its done flag records no checksum (an older version wrote it)"
    sha = entry["sha256"]
    if not (isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{64}", sha)) or not isinstance(
        entry.get("seconds"), (int, float)
    ):
        return "its done flag is malformed"
    if entry.get("index") != index:
        return f"its done flag is that of chunk {entry.get('index')!r}, not {index}"
    if entry.get("fingerprint") != fingerprint:
        return "it belongs to another sweep (its fingerprint differs)"
    if entry.get("points") != points:
        return f"its done flag records {entry.get('points')!r} points, not {points}"
    return ""


def save_chunk(
    out: Path,
    index: int,
    arrays: Mapping[str, NDArray[Any]],
    *,
    seconds: float,
    points: int,
    fingerprint: str,
) -> None:
    """Write a chunk's arrays, then its ledger entry (each atomically).

    A previous done flag goes first: until the new entry is written the chunk is not done.
    """
    data, flag = _chunk_paths(out, index)
    flag.unlink(missing_ok=True)
    buffer = io.BytesIO()
    named: dict[str, Any] = dict(arrays)  # names only: savez's own keyword is not among them
    np.savez(buffer, **named)
    blob = buffer.getvalue()
    write_atomically(data, lambda h: h.write(blob))
    entry = {
        "index": index,
        "fingerprint": fingerprint,
        "sha256": hashlib.sha256(blob).hexdigest(),
        "points": points,
        "seconds": seconds,
    }
    write_atomically(flag, lambda h: h.write(json.dumps(entry).encode("utf-8")))


def check_output(out: str | PathLike[str]) -> Path:
    """The results file of a sweep directory (or the file itself), or a located error."""
    path = Path(out)
    if path.is_dir():
        path = path / RESULTS
    if not path.exists():
        raise ScenarioError(
            str(path), [Problem("", "no such results file (has the sweep finished?)")]
        )
    return path
