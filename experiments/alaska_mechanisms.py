"""Which mechanism opens a deal? P(deal) with its 95% interval per regime, linkage and guarantee.

The same as ``negotiation-sim sweep experiments/alaska_mechanisms.toml`` followed by
``negotiation-sim plot --intervals``, in Python::

    python experiments/alaska_mechanisms.py [OUTPUT_DIR] [--resume]
"""

import itertools
import sys
from pathlib import Path

from negotiation_sim.plotting import save_probability_intervals
from negotiation_sim.sweep import load_experiment, run_experiment

HERE = Path(__file__).resolve().parent


def main(out: Path = Path("results/alaska_mechanisms"), resume: bool = False) -> Path:
    spec = load_experiment(HERE / "alaska_mechanisms.toml")
    results = run_experiment(spec, out, resume=resume)  # an xarray Dataset, also out/results.nc
    picture = save_probability_intervals(results, out / "mechanisms.png")
    axes = [str(d) for d in results["p_deal"].dims if d != "format"]
    for format in spec.formats:
        for cell in itertools.product(*(results[a].values for a in axes)):
            at = {"format": format, **dict(zip(axes, cell, strict=True))}
            p, low, high = (float(results[f"p_deal{e}"].sel(at)) for e in ("", "_low", "_high"))
            where = ", ".join(f"{a} {v:g}" for a, v in zip(axes, cell, strict=True))
            print(f"{format}, {where}: P(deal) = {p:.1%} (95% interval {low:.1%} to {high:.1%})")
    print(f"wrote {out / 'results.nc'} and {picture}")
    return picture


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--resume"]
    main(
        Path(arguments[0]) if arguments else Path("results/alaska_mechanisms"),
        resume="--resume" in sys.argv[1:],
    )
