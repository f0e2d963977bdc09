"""The Alaska summit, second edition: equilibrium sets over trust in Russia x monitoring.

The same as ``negotiation-sim sweep experiments/alaska_landscape.toml`` followed by
``negotiation-sim plot``, in Python::

    python experiments/alaska_landscape.py [OUTPUT_DIR] [--resume]
"""

import sys
from pathlib import Path

from negotiation_sim.plotting import save_landscape
from negotiation_sim.sweep import load_experiment, run_experiment

HERE = Path(__file__).resolve().parent


def main(out: Path = Path("results/alaska_landscape"), resume: bool = False) -> Path:
    spec = load_experiment(HERE / "alaska_landscape.toml")
    results = run_experiment(spec, out, resume=resume)  # an xarray Dataset, also out/results.nc
    picture = save_landscape(results, out / "landscape.png", "equilibrium_set")
    for format in spec.formats:
        share = float(results["deal_is_equilibrium"].sel(format=format).mean())
        print(
            f"{format}: some pure Bayes-Nash equilibrium reaches a deal at {share:.1%} of the grid"
        )
    print(f"wrote {out / 'results.nc'} and {picture}")
    return picture


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--resume"]
    main(
        Path(arguments[0]) if arguments else Path("results/alaska_landscape"),
        resume="--resume" in sys.argv[1:],
    )
