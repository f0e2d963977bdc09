"""Battlefield odds p against Russia's cost of war, one panel per Ukrainian cost of war.

The same as ``negotiation-sim sweep experiments/battlefield.toml`` in Python::

    python experiments/battlefield.py [OUTPUT_DIR] [--resume]
"""

import sys
from pathlib import Path

from negotiation_sim.plotting import save_landscape
from negotiation_sim.sweep import load_experiment, run_experiment

HERE = Path(__file__).resolve().parent


def main(out: Path = Path("results/battlefield"), resume: bool = False) -> Path:
    spec = load_experiment(HERE / "battlefield.toml")
    results = run_experiment(spec, out, resume=resume)  # an xarray Dataset, also out/results.nc
    picture = save_landscape(results, out / "landscape.png")
    save_landscape(results, out / "surplus_russia.png", "surplus", actor="russia")
    print(f"wrote {out / 'results.nc'} and {picture}")
    return picture


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--resume"]
    main(Path(arguments[0]) if arguments else Path("results/battlefield"), "--resume" in sys.argv)
