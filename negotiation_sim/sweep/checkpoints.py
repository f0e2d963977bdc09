"""A sweep's output directory: its manifest, its chunk checkpoints and its results file.

Layout::

    manifest.json          what is being run (resume refuses another experiment)
    chunks/000012.npz      a finished chunk's named arrays, written to a temporary file,
                           fsynced, then renamed into place
    chunks/000012.done     its done flag, written the same way after the data
                           (JSON: seconds, points)
    results.nc             the assembled dataset, written at the end (also via a rename)

A chunk counts as done only when its flag exists, so a run killed at any moment
(Ctrl-C, SIGTERM, SIGKILL, power loss after fsync) resumes, recomputes no
finished chunk and loses none. The manifest records the chunk layout: a
directory written by a version with another layout is refused on resume.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable, Mapping
from io import BufferedWriter
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import Problem, RunError, ScenarioError

__all__ = [
    "CHUNK_LAYOUT",
    "check_output",
    "load_chunk",
    "prepare",
    "save_chunk",
    "write_atomically",
]

MANIFEST = "manifest.json"
RESULTS = "results.nc"
CHUNKS = "chunks"
#: Version of the chunk files: 2 = named arrays in ``.npz`` files (1 was one float ``.npy``
#: array with positional columns, before 0.3).
CHUNK_LAYOUT = 2

#: A chunk's expected arrays: name -> (shape, dtype).
Layout = Mapping[str, tuple[tuple[int, ...], np.dtype[Any]]]


def write_atomically(path: Path, write: Callable[[BufferedWriter], object]) -> None:
    """Write through a temporary file in the same directory, fsync it, rename it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # not every platform opens directories
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _clear(out: Path) -> None:
    """Remove a previous sweep's files (and only those) from ``out``."""
    if not (out / MANIFEST).exists():
        return
    for pattern in ("*.npz", "*.npy", "*.done", ".*.tmp"):  # .npy: chunk layout 1
        for chunk in (out / CHUNKS).glob(pattern):
            chunk.unlink()
    for name in (RESULTS, MANIFEST):
        (out / name).unlink(missing_ok=True)


def prepare(out: Path, manifest: dict[str, Any], resume: bool, overwrite: bool) -> None:
    """Create the output directory, or check that it holds this very experiment."""
    path = out / MANIFEST
    if overwrite:
        _clear(out)
    if path.exists():
        _check_manifest(out, path, manifest, resume)
        return
    clashes = [out / RESULTS] + (list((out / CHUNKS).iterdir()) if (out / CHUNKS).is_dir() else [])
    if any(p.exists() for p in clashes):  # another tool's or a broken run's files: never overwrite
        raise RunError(
            f"{out} holds results without a manifest: choose another output directory (-o)"
        )
    (out / CHUNKS).mkdir(parents=True, exist_ok=True)
    write_atomically(path, lambda h: h.write(json.dumps(manifest, indent=2).encode("utf-8")))


def _check_manifest(out: Path, path: Path, manifest: dict[str, Any], resume: bool) -> None:
    """An existing manifest: resume only the same sweep, written in this chunk layout."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunError(
            f"{path}: unreadable manifest ({exc}); choose another output directory"
        ) from None
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
    if {k: v for k, v in found.items() if k != "negotiation_sim"} != {
        k: v for k, v in manifest.items() if k != "negotiation_sim"
    }:
        raise RunError(
            f"{out} holds a different sweep (experiment, scenario or grid changed since it "
            "started); resume needs the same files, or choose another output directory (-o)"
        )


def _chunk_paths(out: Path, index: int) -> tuple[Path, Path]:
    stem = out / CHUNKS / f"{index:06d}"
    return stem.with_suffix(".npz"), stem.with_suffix(".done")


def load_chunk(
    out: Path, index: int, layout: Layout
) -> tuple[dict[str, NDArray[Any]], float] | None:
    """A finished chunk's arrays and compute seconds, or None if it must be (re)computed.

    Anything unexpected (no flag, a torn or foreign file, an array missing or of
    another shape or type) means recompute: the flag is the only promise.
    """
    data, flag = _chunk_paths(out, index)
    if not flag.exists() or not data.exists():
        return None
    try:
        seconds = float(json.loads(flag.read_text(encoding="utf-8"))["seconds"])
        with np.load(data, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in layout}
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
        return None
    for name, (shape, dtype) in layout.items():
        if arrays[name].shape != shape or arrays[name].dtype != dtype:
            return None
    return arrays, seconds


def save_chunk(
    out: Path, index: int, arrays: Mapping[str, NDArray[Any]], seconds: float, points: int
) -> None:
    """Write a chunk's arrays, then its done flag (each atomically)."""
    data, flag = _chunk_paths(out, index)
    named: dict[str, Any] = dict(arrays)  # names only: savez's own keyword is not among them
    write_atomically(data, lambda h: np.savez(h, **named))
    note = {"seconds": seconds, "points": points}
    write_atomically(flag, lambda h: h.write(json.dumps(note).encode("utf-8")))


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
