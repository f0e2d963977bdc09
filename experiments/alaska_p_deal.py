"""How sure are we: P(deal) over trust in Russia x monitoring, the Alaska summit's second
edition with every other number drawn from its prior.

The same as ``negotiation-sim sweep experiments/alaska_p_deal.toml`` followed by
``negotiation-sim plot``, in Python::

    python experiments/alaska_p_deal.py [OUTPUT_DIR] [--resume]
"""

import sys
from pathlib import Path

from negotiation_sim.plotting import save_probability_map
from negotiation_sim.sweep import load_experiment, run_experiment

HERE = Path(__file__).resolve().parent


def main(out: Path = Path("results/alaska_p_deal"), resume: bool = False) -> Path:
    spec = load_experiment(HERE / "alaska_p_deal.toml")
    results = run_experiment(spec, out, resume=resume)  # an xarray Dataset, also out/results.nc
    picture = save_probability_map(results, out / "p_deal.png")
    for format in spec.formats:
        p_deal = results["p_deal"].sel(format=format)
        print(
            f"{format}: P(a deal is an equilibrium) from {float(p_deal.min()):.1%} to "
            f"{float(p_deal.max()):.1%} over trust in Russia x monitoring"
        )
    print(f"wrote {out / 'results.nc'} and {picture}")
    return picture


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--resume"]
    main(
        Path(arguments[0]) if arguments else Path("results/alaska_p_deal"),
        resume="--resume" in sys.argv[1:],
    )
