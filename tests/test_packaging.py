"""The release: a wheel and an sdist that install in clean virtual environments and run.

Builds both with ``uv build`` (the sdist first, the wheel from the sdist), installs the wheel in
one fresh venv and the sdist in another (dependencies from the package index, through uv's cache),
and runs the command line from a directory outside the repository, on the shipped scenarios and
experiments. Takes about half a minute with a warm uv cache. Skipped only when the package index
cannot be reached and uv's cache cannot stand in for it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

import negotiation_sim

ROOT = Path(__file__).resolve().parent.parent
UV = [sys.executable, "-m", "uv"]
# What uv says when it cannot reach the package index.
NETWORK = re.compile(
    r"dns error|failed to lookup address|Could not connect|Connection refused|connection reset"
    r"|Failed to fetch|network is unreachable|timed out|Temporary failure in name resolution"
    r"|error sending request|offline",
    re.IGNORECASE,
)


def _run(
    argv: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def _uv(args: Sequence[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run uv; on a network failure try again from uv's cache alone, else skip the test."""
    completed = _run([*UV, *args], cwd)
    if completed.returncode != 0 and NETWORK.search(completed.stderr):
        offline = _run([*UV, "--offline", *args], cwd)
        if offline.returncode != 0:
            pytest.skip(
                f"the package index is unreachable: uv {args[0]}: {completed.stderr[-500:]}"
            )
        completed = offline
    assert completed.returncode == 0, f"uv {' '.join(map(str, args))}:\n{completed.stderr}"
    return completed


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if _run([*UV, "--version"], ROOT).returncode != 0:
        pytest.fail("uv is needed to build and install the release (make installs it in .venv)")
    out = tmp_path_factory.mktemp("dist")
    _uv(["build", "--out-dir", out, ROOT], ROOT)  # the sdist, then the wheel built from it
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def _venv(dist_file: Path, where: Path) -> Path:
    """A fresh venv with ``dist_file`` installed; its bin directory."""
    _uv(["venv", "--quiet", "--python", sys.executable, where / "venv"], where)
    python = where / "venv" / "bin" / "python"
    _uv(["pip", "install", "--quiet", "--python", python, dist_file], where)
    return python.parent


def _cli(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    completed = _run([bin_dir / "negotiation-sim", *args], cwd, env)
    assert completed.returncode == 0, (args, completed.stderr)
    return completed


def _shipped(bin_dir: Path, cwd: Path) -> Path:
    """Where the installed package finds the shipped Alaska scenario."""
    code = (
        "from negotiation_sim.resources import find_scenario as f; print(f('alaska_2025_reduced'))"
    )
    completed = _run([bin_dir / "python", "-c", code], cwd)
    assert completed.returncode == 0, completed.stderr
    return Path(completed.stdout.strip())


def test_the_version_is_single_sourced(dist):
    version = negotiation_sim.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert dist["wheel"].name == f"negotiation_sim-{version}-py3-none-any.whl"
    assert dist["sdist"].name == f"negotiation_sim-{version}.tar.gz"
    assert f"## [{version}]" in (ROOT / "CHANGELOG.md").read_text("utf-8")


def test_the_wheel_ships_the_package_scenarios_and_experiments_and_no_tests(dist):
    names = set(zipfile.ZipFile(dist["wheel"]).namelist())
    modules = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "negotiation_sim").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert modules <= names, sorted(modules - names)
    for kind in ("scenarios", "experiments"):
        shipped = {f"negotiation_sim/_data/{kind}/{p.name}" for p in (ROOT / kind).glob("*.toml")}
        assert shipped and shipped <= names, sorted(shipped - names)
        data = {n for n in names if n.startswith(f"negotiation_sim/_data/{kind}/")}
        assert {n for n in data if not n.endswith((".toml", ".py"))} == set(), data
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n or "conftest" in n]
    assert not [n for n in names if n.endswith((".pyc", ".nc", ".png"))]


def test_the_sdist_has_the_top_level_scenarios_experiments_and_changelog(dist):
    with tarfile.open(dist["sdist"]) as archive:
        top = archive.getnames()[0].split("/")[0]
        names = {n.removeprefix(f"{top}/") for n in archive.getnames()}
    for kind in ("scenarios", "experiments"):
        assert {f"{kind}/{p.name}" for p in (ROOT / kind).glob("*.toml")} <= names
    assert {"pyproject.toml", "README.md", "CHANGELOG.md", "tests/conftest.py"} <= names


def test_the_wheel_installs_and_runs_from_anywhere(dist, tmp_path):
    bin_dir = _venv(dist["wheel"], tmp_path)
    work = tmp_path / "work"  # not the repository: only the installed package is there
    work.mkdir()
    version = _cli(bin_dir, "--version", cwd=work).stdout
    assert version.strip() == f"negotiation-sim {negotiation_sim.__version__}"
    assert "solve" in _cli(bin_dir, "--help", cwd=work).stdout
    shipped = _shipped(bin_dir, work)
    assert (
        shipped.is_file() and ROOT not in shipped.parents and (tmp_path / "venv") in shipped.parents
    )
    assert ": ok: " in _cli(bin_dir, "validate", str(shipped), cwd=work).stdout
    for name in ("alaska_2025_reduced", "trust_verification"):  # shipped names, from any directory
        assert f"{name}: ok: " in _cli(bin_dir, "validate", name, cwd=work).stdout
    for name in ("scenarios/alaska_2025_reduced.toml", "alaska_2025_reduced"):
        report = _cli(bin_dir, "solve", name, "--format", "bilateral", cwd=work).stdout
        assert "Format: bilateral" in report
        assert "no deal: the war goes on" in report
    _cli(bin_dir, "sweep", "trust_verification", "-o", "out", "--no-progress", cwd=work)
    assert (work / "out" / "results.nc").is_file()


def test_the_sdist_installs_and_runs(dist, tmp_path):
    bin_dir = _venv(dist["sdist"], tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    shipped = _shipped(bin_dir, work)
    assert (tmp_path / "venv") in shipped.parents
    assert ": ok: " in _cli(bin_dir, "validate", str(shipped), cwd=work).stdout
    report = _cli(bin_dir, "solve", "alaska_2025_reduced", "--format", "bilateral", cwd=work).stdout
    assert "no deal: the war goes on" in report
