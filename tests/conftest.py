"""Test configuration: hypothesis profiles, small disks for fault tests, an Axes for pictures.

On CI (``CI=true``) examples are derived from the test names, so a run is
reproducible; locally every run explores new examples.
"""

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount small tmpfs disks for full- and read-only-disk tests: ``tmpfs("1m")`` is a new
    mounted folder of that size; all are unmounted afterwards. Needs root on Linux: the test
    is skipped with a message elsewhere."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        where = tmp_path / f"tmpfs{len(mounted)}"
        where.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(
                "this test needs a tmpfs it can mount (root on Linux): "
                + (done.stderr.strip() or f"mount exited {done.returncode}")
            )
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def ax() -> Iterator[Any]:
    """A matplotlib Axes on its own figure (Agg), closed after the test."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    yield axes
    plt.close(figure)
