"""Where a sweep's chunks run: a process pool whose workers die with it, or a Dask cluster.

:func:`process_pool` is a ``ProcessPoolExecutor`` (spawned workers) whose workers end when
the process that started them ends, however it ends (``kill -9`` included): on Linux each
worker asks the kernel for ``SIGKILL`` at its parent's death (``prctl(PR_SET_PDEATHSIG)``);
elsewhere a thread of each worker watches its parent's pid. :func:`open_executor` turns the
command line's ``--workers``/``--dask`` into an executor, or one message: a cluster that
cannot be reached within :data:`CONNECT_TIMEOUT` seconds, an address Dask does not know, a
cluster without workers.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack

from ..errors import RunError

__all__ = ["CONNECT_TIMEOUT", "open_executor", "process_pool"]

#: Seconds to reach a Dask scheduler and for it to have a worker.
CONNECT_TIMEOUT = 10.0
#: prctl's option number (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes that die with this one.

    >>> pool = process_pool(1)
    >>> pool.submit(pow, 2, 10).result()
    1024
    >>> pool.shutdown()
    """
    context = multiprocessing.get_context("spawn")  # no fork of a threaded process
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )


def _die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` ends (a process pool's worker initializer)."""
    if not _kernel_kills_at_parent_death():
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request above
        os._exit(1)


def _kernel_kills_at_parent_death() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def open_executor(
    stack: ExitStack, *, workers: int = 1, dask: str | None = None
) -> tuple[Executor | None, int]:
    """The executor ``--workers``/``--dask`` ask for (closed with ``stack``), and its worker count.

    ``dask`` is a scheduler address (``tcp://host:8786``) or ``local[:N]``; ``workers`` > 1
    gives a :func:`process_pool`; otherwise chunks run in this process (``None``).

    Raises
    ------
    RunError
        Dask is not installed, the address is unknown or unreachable, the cluster has no
        workers, or a count is not a whole number >= 1.

    Examples
    --------
    >>> with ExitStack() as stack:
    ...     open_executor(stack, dask="local:0")
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.RunError: --dask local:0: expected local or local:N, N a whole number >= 1
    """
    if dask:
        return _dask(stack, dask)
    if workers < 1:
        raise RunError(f"--workers {workers}: expected a whole number >= 1")
    if workers > 1:
        pool = process_pool(workers)
        stack.callback(pool.shutdown, wait=True, cancel_futures=True)
        return pool, workers
    return None, 1


def local_workers(address: str) -> int | None:
    """The worker count of ``local[:N]`` (``None``: not a local address).

    >>> local_workers("local:3"), local_workers("tcp://host:8786")
    (3, None)
    """
    if address != "local" and not address.startswith("local:"):
        return None
    count = address.partition(":")[2]
    if count and not (count.isdigit() and int(count) >= 1):
        raise RunError(f"--dask {address}: expected local or local:N, N a whole number >= 1")
    return int(count) if count else (os.cpu_count() or 1)


def _dask(stack: ExitStack, address: str) -> tuple[Executor, int]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise RunError(
            "--dask needs dask.distributed: pip install 'negotiation_sim[dask]'"
        ) from None
    workers = local_workers(address)
    if workers is not None:
        cluster = stack.enter_context(
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
                processes=True,
                # A worker's heartbeat racing the shutdown logs a traceback though nothing
                # failed; a chunk that fails reaches the runner through its future anyway.
                silence_logs=logging.CRITICAL,
            )
        )
        client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
        return client.get_executor(), workers
    try:
        client = stack.enter_context(
            Client(address, timeout=CONNECT_TIMEOUT)  # type: ignore[no-untyped-call]
        )
    except (OSError, TimeoutError, ValueError) as exc:
        raise RunError(f"--dask {address}: cannot reach the scheduler: {exc}") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise RunError(
            f"--dask {address}: the scheduler has no worker after {CONNECT_TIMEOUT:g} s ({exc})"
        ) from None
    return client.get_executor(), max(1, len(client.scheduler_info().get("workers", {})))
