"""A Russia-Ukraine ceasefire over 24 rounds: trust x verification, at once or in 4 phases.

The same as ``negotiation-sim sweep experiments/ceasefire_dynamics.toml`` in Python, with its
three pictures::

    python experiments/ceasefire_dynamics.py [OUTPUT_DIR] [--resume]
"""

import sys
from pathlib import Path

from negotiation_sim.plotting import save_dynamics, save_landscape
from negotiation_sim.sweep import load_experiment, run_experiment

HERE = Path(__file__).resolve().parent


def main(out: Path = Path("results/ceasefire_dynamics"), resume: bool = False) -> Path:
    spec = load_experiment(HERE / "ceasefire_dynamics.toml")
    results = run_experiment(spec, out, resume=resume)  # an xarray Dataset, also out/results.nc
    point = {"trust": 0.5, "verification": 0.03}  # below the deterrence line: rearmers violate
    pictures = [
        save_landscape(results, out / "duration.png", "expected_duration"),
        save_dynamics(results, out / "survival.png", "survival", by="phases", select=point),
        save_dynamics(
            results,
            out / "trust.png",
            "posterior_trust",
            side="russia",
            select={**point, "phases": 1},
        ),
    ]
    holding = results["p_holding"]
    print(
        f"P(the truce holds 24 rounds) from {float(holding.min()):.1%} to "
        f"{float(holding.max()):.1%} over the grid"
    )
    print(f"wrote {out / 'results.nc'} and {', '.join(str(p) for p in pictures)}")
    return pictures[0]  # the landscape; the survival curves and the trust fan beside it


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--resume"]
    main(
        Path(arguments[0]) if arguments else Path("results/ceasefire_dynamics"),
        resume="--resume" in sys.argv[1:],
    )
