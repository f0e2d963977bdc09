"""The flagship: the Alaska 2025 scenario over trust x verification, both formats.

The same as ``negotiation-sim sweep experiments/trust_verification.toml`` in Python::

    python experiments/trust_verification.py [OUTPUT_DIR] [--resume]
"""

import sys
from pathlib import Path

from negotiation_sim.plotting import save_landscape
from negotiation_sim.sweep import load_experiment, run_experiment

HERE = Path(__file__).resolve().parent


def main(out: Path = Path("results/trust_verification"), resume: bool = False) -> Path:
    spec = load_experiment(HERE / "trust_verification.toml")
    results = run_experiment(spec, out, resume=resume)  # an xarray Dataset, also out/results.nc
    picture = save_landscape(results, out / "landscape.png")
    share = float(results["deal_is_equilibrium"].sel(format="bilateral").mean())
    print(f"bilateral: a deal is a pure equilibrium at {share:.1%} of the grid")
    print(f"wrote {out / 'results.nc'} and {picture}")
    return picture


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--resume"]
    main(
        Path(arguments[0]) if arguments else Path("results/trust_verification"),
        "--resume" in sys.argv,
    )
