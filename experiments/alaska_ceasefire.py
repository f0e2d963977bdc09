"""A ceasefire over time under each verification regime of the Alaska summit, second edition.

The same as ``negotiation-sim sweep experiments/alaska_ceasefire.toml`` in Python, with the
survival curves of the three regimes at the summit's trust::

    python experiments/alaska_ceasefire.py [OUTPUT_DIR] [--resume]
"""

import sys
from pathlib import Path

from negotiation_sim.plotting import save_dynamics
from negotiation_sim.sweep import load_experiment, run_experiment

HERE = Path(__file__).resolve().parent
REGIMES = {0.0: "no regime", 0.1: "joint commission", 0.3: "third-party monitors"}
#: The summit's trust, the snapback alone (not linked), no guarantees.
BASE = {"trust": 0.25, "sanction": 0.4, "guarantee": 0.0}


def main(out: Path = Path("results/alaska_ceasefire"), resume: bool = False) -> Path:
    spec = load_experiment(HERE / "alaska_ceasefire.toml")
    results = run_experiment(spec, out, resume=resume)  # an xarray Dataset, also out/results.nc
    picture = save_dynamics(
        results,
        out / "survival.png",
        "survival",
        by="verification",
        select={**BASE, "phases": 1},
    )
    duration, error = results["expected_duration"], results["expected_duration_se"]
    for detection, regime in REGIMES.items():
        at = {**BASE, "verification": detection}
        once = duration.sel({**at, "phases": 1})
        phased = duration.sel({**at, "phases": 4})
        linked = duration.sel({**at, "phases": 1, "sanction": 0.45})
        guaranteed = duration.sel({**at, "phases": 1, "guarantee": 0.5})
        print(
            f"{regime}: a ceasefire lasts {float(once):.1f} rounds "
            f"(+-{1.96 * float(error.sel({**at, 'phases': 1})):.1f}) at once, "
            f"{float(phased):.1f} in four phases, {float(linked):.1f} linked, "
            f"{float(guaranteed):.1f} with guarantees, at trust 0.25"
        )
    print(f"wrote {out / 'results.nc'} and {picture}")
    return picture


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--resume"]
    main(
        Path(arguments[0]) if arguments else Path("results/alaska_ceasefire"),
        resume="--resume" in sys.argv[1:],
    )
