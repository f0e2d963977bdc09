"""Intrusive verification as a costly signal: trust x what inspections cost a security seeker.

The same as ``negotiation-sim sweep experiments/verification_signal.toml`` in Python::

    python experiments/verification_signal.py [OUTPUT_DIR] [--resume]
"""

import sys
from pathlib import Path

from negotiation_sim.plotting import save_landscape
from negotiation_sim.sweep import load_experiment, run_experiment

HERE = Path(__file__).resolve().parent


def main(out: Path = Path("results/verification_signal"), resume: bool = False) -> Path:
    spec = load_experiment(HERE / "verification_signal.toml")
    results = run_experiment(spec, out, resume=resume)  # an xarray Dataset, also out/results.nc
    picture = save_landscape(results, out / "deal_probability.png", "deal_probability")
    signals = float((results["deal_probability"] > 0).mean())
    print(f"the selected perfect Bayesian equilibrium reaches a deal at {signals:.1%} of the grid")
    print(f"wrote {out / 'results.nc'} and {picture}")
    return picture


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--resume"]
    main(
        Path(arguments[0]) if arguments else Path("results/verification_signal"),
        resume="--resume" in sys.argv[1:],
    )
