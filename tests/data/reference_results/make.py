"""Regenerate the reference results: each shipped experiment of commit 05084e8 on a coarse grid.

Run with the package of commit 05084e8 first on the path (its experiment and scenario files):

    git archive 05084e8 | tar -x -C /tmp/old05084e8
    PYTHONPATH=/tmp/old05084e8 python tests/data/reference_results/make.py /tmp/old05084e8

Each file holds the experiment and scenario texts it was made from (attributes
``experiment_text`` and ``scenario_text``), so tests rerun exactly that input.
"""

import re
import sys
import tempfile
from pathlib import Path

from negotiation_sim.experiment import parse_experiment, run_experiment

HERE = Path(__file__).resolve().parent
#: Points per axis on the coarse grids (chunks of 17 points, so chunking is exercised).
POINTS = 9


def coarse(text: str) -> str:
    text = re.sub(r"(?m)^points = \d+", f"points = {POINTS}", text)
    return re.sub(r"(?m)^chunk_size = \d+", "chunk_size = 17", text)


def main(old: Path) -> None:
    for path in sorted((old / "experiments").glob("*.toml")):
        spec = parse_experiment(coarse(path.read_text(encoding="utf-8")), base=path.parent)
        with tempfile.TemporaryDirectory() as directory:
            ds = run_experiment(spec, Path(directory) / "run", progress=False)
        ds.to_netcdf(HERE / f"{path.stem}.nc", engine="scipy")
        print(f"{path.stem}: {dict(ds.sizes)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
