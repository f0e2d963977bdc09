"""The lock of a sweep's output directory: one sweep at a time in a directory.

A running sweep holds ``.negotiation_sim.lock`` in its output directory: a file created with
``O_CREAT | O_EXCL`` that names its owner (JSON: pid, host, start time) and, where the system
has ``flock``, is also locked with it. The kernel drops a ``flock`` when its process dies,
however it dies, so a lock left by a killed sweep is recognised as stale (its owner is named)
and taken over; without ``flock`` (Windows) a lock is stale when its pid no longer runs on this
host. A second sweep in the same directory (run, ``--resume`` or ``--overwrite``) is refused
with the owner's pid, before it reads or deletes anything.
"""

from __future__ import annotations

import errno
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._files import disk_error
from ..errors import InputError, RunError
from .checkpoints import say

try:
    import fcntl
except ImportError:  # Windows: the pid check alone
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK", "locked"]

LOCK = ".negotiation_sim.lock"


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the lock of the directory ``out`` (created if missing) for the ``with`` block.

    Raises
    ------
    RunError
        Another sweep holds it (its pid and host are named).
    InputError
        ``out`` cannot be created or written (one located message).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
    >>> with locked(out):
    ...     with locked(out):  # doctest: +ELLIPSIS
    ...         pass
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.RunError: .../run is in use by another sweep (pid ...): ...
    >>> sorted(p.name for p in out.iterdir())  # released
    []
    """
    path = out / LOCK
    try:
        if out.exists() and not out.is_dir():
            raise InputError.at(str(out), "", "is not a directory: choose an output directory (-o)")
        out.mkdir(parents=True, exist_ok=True)
        descriptor = _acquire(path)
    except OSError as exc:
        raise disk_error(exc.filename or path, exc) from None
    try:
        yield
    finally:
        _release(path, descriptor)


def _acquire(path: Path) -> int:
    """The open, locked lock file; a few tries when another sweep releases it meanwhile."""
    for _ in range(10):
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            created = True
        except FileExistsError:
            try:
                descriptor = os.open(path, os.O_RDWR)
            except FileNotFoundError:  # released between the two opens
                continue
            created = False
        try:
            if _take(path, descriptor, created):
                return descriptor
        except BaseException:
            if created:  # not left behind for the next sweep to take over
                _release(path, descriptor)
            else:
                os.close(descriptor)
            raise
        os.close(descriptor)
    raise RunError(f"{path}: cannot take the lock: other sweeps keep taking it")


def _take(path: Path, descriptor: int, created: bool) -> bool:
    """Lock the open file and write its owner; False when ``path`` is no longer this file."""
    previous = None if created else _owner(descriptor)
    if _flock(path, descriptor):
        if not _same_file(path, descriptor):  # its owner unlinked it meanwhile
            return False
        if previous and previous.get("host") != socket.gethostname():
            raise _in_use(path, previous, unsure=True)  # flock may not reach that host
    elif previous is not None:
        if _alive(previous):
            raise _in_use(path, previous, unsure=True)
        path.unlink(missing_ok=True)  # stale: make it again with O_EXCL
        _say_stale(path, previous)
        return False
    if previous:  # (empty: a sweep that died before writing, or one that has just made it)
        _say_stale(path, previous)
    owner = {"pid": os.getpid(), "host": socket.gethostname(), "started": _now()}
    os.ftruncate(descriptor, 0)
    os.lseek(descriptor, 0, os.SEEK_SET)
    os.write(descriptor, json.dumps(owner).encode("utf-8"))
    os.fsync(descriptor)
    return True


def _flock(path: Path, descriptor: int) -> bool:
    """Take the ``flock``; False where there is none (then the pid check decides)."""
    if fcntl is None:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise _in_use(path, _owner(descriptor)) from None
    except OSError as exc:
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL):
            return False  # a file system without locks (some network ones)
        raise
    return True


def _release(path: Path, descriptor: int) -> None:
    try:
        if _same_file(path, descriptor):
            path.unlink(missing_ok=True)  # while still locked: nobody takes a dying lock
    finally:
        os.close(descriptor)


def _owner(descriptor: int) -> dict[str, Any]:
    """Who wrote the lock (empty when it cannot be read: being written, or foreign)."""
    try:
        os.lseek(descriptor, 0, os.SEEK_SET)
        found = json.loads(os.read(descriptor, 4096).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _same_file(path: Path, descriptor: int) -> bool:
    try:
        return os.path.samestat(os.stat(path), os.fstat(descriptor))
    except OSError:
        return False


def _alive(owner: dict[str, Any]) -> bool:
    """Whether the owner may still run: its pid runs here, it ran on another host, or this
    system cannot tell (Windows, where ``os.kill(pid, 0)`` would signal)."""
    pid = owner.get("pid")
    if owner.get("host") != socket.gethostname() or not isinstance(pid, int) or os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def _describe(owner: dict[str, Any]) -> str:
    pid = owner.get("pid", "unknown")
    host = f" on {owner['host']}" if owner.get("host") else ""
    since = f", since {owner['started']}" if owner.get("started") else ""
    return f"pid {pid}{host}{since}"


def _in_use(path: Path, owner: dict[str, Any], *, unsure: bool = False) -> RunError:
    """The refusal; ``unsure``: whether the owner still runs cannot be told from here."""
    hint = "wait for it to finish, or stop it (its finished chunks are kept)"
    if unsure:
        hint += f"; if it no longer runs, delete {path}"
    return RunError(f"{path.parent} is in use by another sweep ({_describe(owner)}): {hint}")


def _say_stale(path: Path, owner: dict[str, Any]) -> None:
    say(f"{path}: taking over the lock of a sweep that no longer runs ({_describe(owner)})")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
