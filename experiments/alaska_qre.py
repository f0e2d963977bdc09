"""How likely is a deal under noisy play: the Alaska summit's logit QRE over trust x verification.

The same as ``negotiation-sim sweep experiments/alaska_qre.toml`` in Python::

    python experiments/alaska_qre.py [OUTPUT_DIR] [--resume]
"""

import sys
from pathlib import Path

from negotiation_sim.plotting import save_landscape
from negotiation_sim.sweep import load_experiment, run_experiment

HERE = Path(__file__).resolve().parent


def main(out: Path = Path("results/alaska_qre"), resume: bool = False) -> Path:
    spec = load_experiment(HERE / "alaska_qre.toml")
    results = run_experiment(spec, out, resume=resume)  # an xarray Dataset, also out/results.nc
    picture = save_landscape(results, out / "qre.png", "qre_deal_probability")
    deal = results["qre_deal_probability"]
    for format in deal["format"].values:
        values = deal.sel(format=format)
        print(
            f"{format}: P(deal) under the logit QRE from {float(values.min()):.1%} to "
            f"{float(values.max()):.1%}"
        )
    print(f"wrote {out / 'results.nc'} and {picture}")
    return picture


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--resume"]
    main(
        Path(arguments[0]) if arguments else Path("results/alaska_qre"),
        resume="--resume" in sys.argv[1:],
    )
