"""The documentation's shell sessions are run, so they cannot rot.

Every ```console block of README.md and docs/**/*.md is a shell session: lines starting with
``$ `` are commands, the lines after one are its output (standard output and error together).
The test runs the blocks of a page in order, in a fresh working directory that holds the
repository's ``scenarios/`` and ``experiments/`` (so a page's sweeps write their results there),
and compares outputs line by line. In expected output, a line ``...`` stands for any number of
lines and ``...`` inside a line for any text; durations (``2.9 s``) and progress bars are not
compared. ``python``, ``negotiation-sim`` and ``pip`` run from this test's interpreter.
Blocks marked ```sh (installation, ``make``) are shown, not run. A block opened with
```toml file=NAME (any language) is written to ``NAME`` in the working directory before the
sessions after it run. Python examples (``>>>``) are
doctests, collected by pytest from the same files.

To refresh the outputs after a change, run ``python tests/test_docs.py [FILE ...]``: it reruns
every command and writes what it printed back into the page (elisions are lost; add them again).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```console\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
#: A block written to the working directory before the sessions after it run: ```toml file=x.toml
FILE = re.compile(r"^```\w* file=(\S+)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
DURATION = re.compile(r"\b\d+(?:\.\d+)? s\b")
TIMEOUT = 300


def sessions(text: str) -> list[list[tuple[str, str]]]:
    """Each console block as a list of (command, expected output)."""
    return [_steps(match) for match in FENCE.finditer(text)]


def steps_in_order(text: str) -> list[tuple[str, str, str]]:
    """Files to write ("file", name, content) and commands ("run", command, expected), in page order."""
    found: list[tuple[int, list[tuple[str, str, str]]]] = []
    for match in FILE.finditer(text):
        found.append((match.start(), [("file", match.group(1), match.group(2))]))
    for match in FENCE.finditer(text):
        found.append((match.start(), [("run", c, e) for c, e in _steps(match)]))
    return [step for _, steps in sorted(found, key=lambda item: item[0]) for step in steps]


def _steps(match: re.Match[str]) -> list[tuple[str, str]]:
    steps: list[tuple[str, list[str]]] = []
    for line in match.group(1).splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return [(command, "\n".join(output)) for command, output in steps]


def workspace(directory: Path) -> Path:
    """A working directory with the repository's scenarios and experiments."""
    for name in ("scenarios", "experiments"):
        (directory / name).symlink_to(ROOT / name, target_is_directory=True)
    return directory


def run(command: str, cwd: Path) -> str:
    """Run one documented command; return what it printed (stdout and stderr interleaved)."""
    words = shlex.split(command, comments=True)
    program = {
        "negotiation-sim": [sys.executable, "-m", "negotiation_sim.cli"],
        "python": [sys.executable],
    }.get(words[0])
    if program is None:
        raise AssertionError(f"documented command {command!r}: unknown program {words[0]!r}")
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "100"}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    )
    done = subprocess.run(
        program + words[1:],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT,
        env=environment,
    )
    return done.stdout.rstrip("\n")


def pattern(expected: str) -> re.Pattern[str]:
    """Expected output as a regex: ``...`` lines match any lines, ``...`` in a line any text."""
    parts = []
    for line in DURATION.sub("0 s", expected).splitlines():
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(piece) for piece in line.split("...")) + r"\n")
    return re.compile("".join(parts), re.DOTALL)


def matches(expected: str, output: str) -> bool:
    text = DURATION.sub("0 s", output)
    return pattern(expected).fullmatch(text + "\n" if text else "") is not None


PAGES_WITH_SESSIONS = [p for p in PAGES if sessions(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", PAGES_WITH_SESSIONS, ids=lambda p: str(p.relative_to(ROOT)))
def test_documented_sessions_print_what_the_page_shows(page, tmp_path):
    cwd = workspace(tmp_path)
    for kind, command, expected in steps_in_order(page.read_text(encoding="utf-8")):
        if kind == "file":
            # A file step: command is the file's name, expected its content.
            (cwd / command).parent.mkdir(parents=True, exist_ok=True)
            (cwd / command).write_text(expected, encoding="utf-8")
            continue
        output = run(command, cwd)
        assert matches(expected, output), (
            f"{page.relative_to(ROOT)}: `{command}` printed\n{output}\n--- the page shows ---\n"
            f"{expected}"
        )


def test_the_matcher_understands_elisions():
    assert matches("a\n...\nd", "a\nb\nc\nd")
    assert matches("a\n...\nd", "a\nd")
    assert matches("took ... (3.1 s)", "took 1,000 points (0.4 s)")
    assert not matches("a\nb", "a\nc")
    assert not matches("a", "a\nextra")
    assert matches("", "") and not matches("", "noise")


def update(page: Path) -> None:
    """Rerun a page's sessions and write their outputs into it."""
    text = page.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as directory:
        cwd = workspace(Path(directory))
        files = {m.start(): (m.group(1), m.group(2)) for m in FILE.finditer(text)}

        def fill(match: re.Match[str]) -> str:
            for start in sorted(k for k in files if k < match.start()):
                name, content = files.pop(start)
                (cwd / name).parent.mkdir(parents=True, exist_ok=True)
                (cwd / name).write_text(content, encoding="utf-8")
            lines = []
            for line in match.group(1).splitlines():
                if line.startswith("$ "):
                    lines.append(line)
                    output = run(line[2:], cwd)
                    lines.extend(output.splitlines())
            return "```console\n" + "\n".join(lines) + "\n```\n"

        page.write_text(FENCE.sub(fill, text), encoding="utf-8")


if __name__ == "__main__":
    for name in sys.argv[1:] or [str(p) for p in PAGES_WITH_SESSIONS]:
        update(Path(name).resolve())
        print(f"updated {name}")


SH_BLOCK = re.compile(r"^```sh\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
#: Shown, not run: installation, the cluster itself, and commands that need one.
NOT_RUN = ("make", "source", "pip", "git", "dask")


def shown_commands(text: str) -> list[str]:
    """The negotiation-sim commands of ```sh blocks (backslash continuations joined)."""
    commands = []
    for block in SH_BLOCK.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] not in NOT_RUN and "tcp://" not in line:
                commands.append(line)
    return commands


PAGES_WITH_COMMANDS = [p for p in PAGES if shown_commands(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", PAGES_WITH_COMMANDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shown_commands_run(page, tmp_path):
    """Commands shown without their output (```sh) must still run, in order, and succeed."""
    cwd = workspace(tmp_path)
    for command in shown_commands(page.read_text(encoding="utf-8")):
        words = shlex.split(command, comments=True)
        program = {"negotiation-sim": [sys.executable, "-m", "negotiation_sim.cli"]}[words[0]]
        done = subprocess.run(
            program + words[1:], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT
        )
        assert done.returncode == 0, f"{page.relative_to(ROOT)}: `{command}` failed:\n{done.stderr}"


def test_every_python_block_is_a_doctest():
    """A ```python block without >>> would never run: every example must be a doctest."""
    for page in PAGES:
        for block in re.findall(
            r"^```python\n(.*?)^```\n", page.read_text(encoding="utf-8"), re.M | re.S
        ):
            assert block.lstrip().startswith(">>>"), f"{page.relative_to(ROOT)}: {block[:60]!r}"


TOML_BLOCK = re.compile(r"^```toml[^\n]*\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_toml_block_is_valid_toml(page):
    """Snippets too: a reader copies them."""
    import tomllib

    for block in TOML_BLOCK.findall(page.read_text(encoding="utf-8")):
        tomllib.loads(block)
