"""Relative gains (rho) against verification, trust fixed at 0.6.

The same as ``negotiation-sim sweep experiments/relative_gains.toml`` in Python::

    python experiments/relative_gains.py [OUTPUT_DIR] [--resume]
"""

import sys
from pathlib import Path

from negotiation_sim.plotting import save_landscape
from negotiation_sim.sweep import load_experiment, run_experiment

HERE = Path(__file__).resolve().parent


def main(out: Path = Path("results/relative_gains"), resume: bool = False) -> Path:
    spec = load_experiment(HERE / "relative_gains.toml")
    results = run_experiment(spec, out, resume=resume)  # an xarray Dataset, also out/results.nc
    picture = save_landscape(results, out / "landscape.png")
    save_landscape(results, out / "zero_sum_share.png", "zero_sum_share")
    print(f"wrote {out / 'results.nc'} and {picture}")
    return picture


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--resume"]
    main(
        Path(arguments[0]) if arguments else Path("results/relative_gains"), "--resume" in sys.argv
    )
