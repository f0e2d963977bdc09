"""Trust derived, not assumed: the typed assurance game over trust x verification.

The same as ``negotiation-sim sweep experiments/typed_assurance.toml`` in Python::

    python experiments/typed_assurance.py [OUTPUT_DIR] [--resume]
"""

import sys
from pathlib import Path

from negotiation_sim.plotting import save_landscape
from negotiation_sim.sweep import load_experiment, run_experiment

HERE = Path(__file__).resolve().parent


def main(out: Path = Path("results/typed_assurance"), resume: bool = False) -> Path:
    spec = load_experiment(HERE / "typed_assurance.toml")
    results = run_experiment(spec, out, resume=resume)  # an xarray Dataset, also out/results.nc
    picture = save_landscape(results, out / "deals.png", "deal_is_equilibrium")
    share = float(results["deal_is_equilibrium"].mean())
    print(f"some pure Bayes-Nash equilibrium reaches a deal at {share:.1%} of the grid")
    print(f"wrote {out / 'results.nc'} and {picture}")
    return picture


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--resume"]
    main(
        Path(arguments[0]) if arguments else Path("results/typed_assurance"),
        resume="--resume" in sys.argv[1:],
    )
