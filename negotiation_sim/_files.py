"""The one policy for files the project writes: never replace an input, never replace a file
it did not write unless told to, write atomically, and say what went wrong with the disk.

* :func:`check_output_file` decides whether a path may be written: not a directory, its
  directory exists, it is not one of the command's inputs (never, even with ``overwrite``),
  and, if it exists, it was written by negotiation_sim (:func:`written_by_us`) or
  ``overwrite`` is given.
* :func:`write_atomically` writes through a temporary file in the same directory, fsyncs
  and renames it into place, so a crash or a full disk leaves the old file (or none), never a
  torn one; the temporary file is removed when the write fails.
* :func:`disk_error` turns an :class:`OSError` into one located :class:`InputError`, naming
  the file and what the system said (a full disk, a read-only file system, a missing
  directory, no permission).

Files the project writes carry :data:`MARK` (picture metadata, a comment in ``.nfg`` files,
an attribute of netCDF results), which is how :func:`written_by_us` recognises them: the file
must also start like a kind of file the project writes, so a person's script or notes that
merely mention negotiation_sim are never taken for its output.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Iterable
from io import BufferedWriter
from os import PathLike
from pathlib import Path

from .errors import InputError

__all__ = [
    "MARK",
    "check_output_file",
    "disk_error",
    "signature",
    "sync_directory",
    "write_atomically",
    "written_by_us",
]

#: The signature negotiation_sim leaves in every file it writes.
MARK = "negotiation_sim"
#: Bytes read from the start and the end of a file to look for :data:`MARK`.
_HEAD = 1 << 16
_MARK = re.escape(MARK.encode("ascii"))
#: The start of each kind of file the project writes, and how its mark is written there.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", re.compile(rb"tEXtSoftware\x00" + _MARK)),
    (b"%PDF-", re.compile(rb"/Creator \(" + _MARK)),  # the info dictionary, near the end
    (b"%!PS-Adobe", re.compile(rb"%%Creator: " + _MARK)),
    (b"<?xml", re.compile(rb"<dc:creator>\s*<cc:Agent>\s*<dc:title>" + _MARK)),  # SVG
    (b"\xff\xd8\xff", re.compile(rb"\xff\xfe.." + _MARK, re.DOTALL)),  # JPEG comment
    (b"II*\x00", re.compile(_MARK)),  # TIFF (the Software tag), little-endian
    (b"MM\x00*", re.compile(_MARK)),  # TIFF, big-endian
    (b"GIF8", re.compile(rb"\x21\xfe." + _MARK, re.DOTALL)),  # GIF comment
    (b"NFG 1", re.compile(rb"Written by " + _MARK)),  # the comment after the strategies
    (b"CDF\x01", re.compile(_MARK)),  # netCDF results
    (b"CDF\x02", re.compile(_MARK)),
    (b"\x89HDF\r\n\x1a\n", re.compile(_MARK)),
)

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "no such file or directory",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.EISDIR: "it is a directory",
}


def disk_error(path: str | PathLike[str], exc: OSError, doing: str = "write") -> InputError:
    """The one message for a failed read or write of ``path``.

    >>> print(disk_error("out/x.png", OSError(28, "No space left on device")))
    out/x.png: cannot write the file: the disk is full (No space left on device)
    """
    reason = _REASONS.get(exc.errno or 0)
    said = exc.strerror or str(exc)
    detail = f"{reason} ({said})" if reason and reason.lower() != said.lower() else said
    return InputError.at(str(path), "", f"cannot {doing} the file: {detail}")


def signature() -> str:
    """The text the project writes into its files' metadata: ``negotiation_sim <version>``.

    >>> signature().startswith(MARK + " ")
    True
    """
    from . import __version__

    return f"{MARK} {__version__}"


def written_by_us(path: str | PathLike[str]) -> bool:
    """Whether a file is one the project wrote: it starts like a kind of file the project
    writes (a picture, ``.nfg``, netCDF results) and carries :data:`MARK` where that kind
    keeps it, within its first or last 64 KB.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "script.py").write_text("import negotiation_sim  # Written by negotiation_sim")
    >>> _ = (folder / "game.nfg").write_text('NFG 1 R "" { "A" } { 1 } "Written by negotiation_sim"')
    >>> written_by_us(folder / "script.py"), written_by_us(folder / "game.nfg")
    (False, True)
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD)
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(len(head), size - _HEAD))
            tail = handle.read(_HEAD)
    except OSError:
        return False
    for start, mark in _SIGNATURES:
        if head.startswith(start):
            return bool(mark.search(head) or mark.search(tail))
    return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def check_output_file(
    path: str | PathLike[str],
    *,
    overwrite: bool = False,
    inputs: Iterable[str | PathLike[str]] = (),
    ours: Callable[[Path], bool] = written_by_us,
) -> Path:
    """``path`` if the project may write it, else one located :class:`InputError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> mine = folder / "notes.txt"
    >>> _ = mine.write_text("a person's notes")
    >>> check_output_file(folder / "new.png") == folder / "new.png"
    True
    >>> check_output_file(mine)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.InputError: .../notes.txt: the file exists and was not written by negotiation_sim: pass --overwrite to replace it
    >>> check_output_file(mine, overwrite=True, inputs=[mine])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.InputError: .../notes.txt: the file is an input of this command: choose another output file
    """
    out = Path(path)
    problem = _output_problem(out, overwrite, [Path(p) for p in inputs], ours)
    if problem:
        raise InputError.at(str(out), "", problem)
    return out


def _output_problem(
    out: Path, overwrite: bool, inputs: list[Path], ours: Callable[[Path], bool]
) -> str | None:
    if out.is_dir():
        return "is a directory: name a file to write"
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        return f"cannot write the file: the directory {str(parent)!r} does not exist"
    if not out.exists() and not out.is_symlink():
        return None
    if any(_same_file(out, source) for source in inputs):
        return "the file is an input of this command: choose another output file"
    if not out.is_file():
        return "exists and is not a regular file: choose another output file"
    if not overwrite and not ours(out):
        return (
            "the file exists and was not written by negotiation_sim: pass --overwrite to replace it"
        )
    return None


def write_atomically(path: str | PathLike[str], write: Callable[[BufferedWriter], object]) -> None:
    """Write ``path`` through a temporary file in its directory: fsync, then rename into place.

    A failed write (a full disk, a read-only directory) removes the temporary file and raises
    the :class:`OSError`; callers turn it into their error with :func:`disk_error`.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.bin"
    >>> write_atomically(target, lambda handle: handle.write(b"data"))
    >>> target.read_bytes(), sorted(p.name for p in target.parent.iterdir())
    (b'data', ['x.bin'])
    """
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_directory(target.parent)


def sync_directory(directory: str | PathLike[str]) -> None:
    """fsync a directory, so a rename into it survives a power loss (where the OS allows)."""
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
