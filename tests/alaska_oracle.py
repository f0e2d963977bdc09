"""An independent oracle for ``scenarios/alaska_2025.toml`` (the Alaska summit, second edition).

Written from the words of the scenario's header (what a deal, a kept truce, a strike caught in
time or not, guarantees and relief are worth to whom) and the comments of its definitions, in
plain Python: it imports nothing from ``negotiation_sim``. It gives every actor's payoff at one
profile and one type profile, and every pure Bayes-Nash equilibrium of a format by brute force
(every type-contingent pure profile of the choosers, each type checked on its interim payoff).

Relative gains (``rho``) are not applied here: the tests apply MODEL §2's transform themselves.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Mapping
from pathlib import Path

Values = Mapping[str, float]
#: (us, russia, ukraine, eu)
Payoffs = tuple[float, float, float, float]
#: An actor's play: one option per type, in the order of its types (one entry if untyped).
Play = tuple[str, ...]
#: A pure Bayes-Nash equilibrium: each chooser's play.
Equilibrium = frozenset[tuple[str, Play]]

ACTORS = ("us", "russia", "ukraine", "eu")
#: Each US option's (probability a violation is caught in time, the regime's cost) parameters.
REGIMES: dict[str, tuple[str | None, str | None]] = {
    "broker_unverified": (None, None),
    "broker_commission": ("pi_commission", "cost_commission"),
    "broker_monitors": ("verification", "cost_monitors"),
}
OPTIONS: dict[str, tuple[str, ...]] = {
    "us": tuple(REGIMES),
    "russia": (
        "fight_on",
        "front_line_keep",
        "front_line_regroup",
        "donetsk_keep",
        "donetsk_regroup",
    ),
    "ukraine": ("refuse", "front_line_keep", "front_line_rearm", "concede_keep", "concede_rearm"),
    "eu": ("underwrite", "veto"),
}
TYPES: dict[str, tuple[str, ...]] = {
    "us": ("-",),
    "russia": ("keeps", "regroups"),
    "ukraine": ("keeps", "rearms"),
    "eu": ("-",),
}
TOL = 1e-9


def formats(path: Path) -> dict[str, dict[str, str]]:
    """Each format of the file at ``path``: its fixed options (actor -> option; the actors not
    listed choose), read from the TOML text (which actor chooses is the file's structure)."""
    with path.open("rb") as stream:
        data = tomllib.load(stream)
    found = {}
    for name, spec in data["formats"].items():
        fixed = {str(a): str(o) for a, o in spec.get("others", {}).items()}
        assert sorted([*fixed, *spec["choosers"]]) == sorted(ACTORS), name
        found[name] = fixed
    return found


def signed(russia: str, ukraine: str) -> bool:
    """A truce is signed unless Russia fights on, Kyiv refuses, or Russia demands Donetsk of a
    Kyiv that accepts the front line only."""
    if russia == "fight_on" or ukraine == "refuse":
        return False
    return not (russia.startswith("donetsk") and ukraine.startswith("front_line"))


def regime(v: Values, us: str) -> tuple[float, float]:
    """pi and the US cost of the regime ``us`` commits to."""
    pi_name, cost_name = REGIMES[us]
    pi = 0.0 if pi_name is None else v[pi_name]
    return pi, 0.0 if cost_name is None else v[cost_name]


def _clip(x: float) -> float:
    return min(max(x, 0.0), 1.0)


def war(v: Values) -> Payoffs:
    """No truce: Russia gets its share p, Ukraine 1 - p, each pays its cost; the US and the EU
    lose their stake in Russia's share; the arms track goes on unless linked."""
    p, arms = v["p"], (1 - v["linkage"]) * v["arms_value"]
    return (
        -v["stake_us"] * p - v["c_us"] + arms,
        p - v["c_russia"] + arms,
        1 - p - v["c_ukraine"],
        -v["stake_eu"] * p - v["c_eu"],
    )


def kept(v: Values, w: float, g: float, cost: float) -> Payoffs:
    """The truce kept: w moves to Russia; status, relief and the treaty as the header says."""
    relief = v["econ"] * (0.5 * v["ratification"] + 0.5 * g)
    return (
        -v["stake_us"] * w + 0.25 * v["econ"] * v["ratification"] + v["arms_value"] - cost,
        w + (0.2 if g else 0.3) + relief + v["arms_value"],
        1 - w + (-0.1 if g else -0.3),
        -v["stake_eu"] * w + g * (0.25 * v["econ"] - v["guarantee_cost"]) - 0.2 * (1 - g),
    )


def resumed(v: Values, w: float, g: float, cost: float, odds: float) -> Payoffs:
    """The war resumed on the deal's line at Russia's odds ``odds`` (no snapback, no ambition)."""
    land = w + (1 - w) * odds
    arms = (1 - v["linkage"]) * v["arms_value"]
    return (
        -v["stake_us"] * land - v["c_us"] + arms - cost,
        land - v["c_russia"] + arms,
        (1 - w) * (1 - odds) - v["c_ukraine"],
        -v["stake_eu"] * land - v["c_eu"] - g * v["guarantee_cost"],
    )


def _add(u: Payoffs, russia: float = 0.0, ukraine: float = 0.0) -> Payoffs:
    return (u[0], u[1] + russia, u[2] + ukraine, u[3])


def _mix(pi: float, caught: Payoffs, free: Payoffs) -> Payoffs:
    a, b, c, d = (pi * x + (1 - pi) * y for x, y in zip(caught, free, strict=True))
    return (a, b, c, d)


def payoffs(v: Values, profile: Mapping[str, str], types: Mapping[str, str]) -> Payoffs:
    """(us, russia, ukraine, eu) at one profile (actor -> option) and type profile."""
    russia, ukraine = profile["russia"], profile["ukraine"]
    if not signed(russia, ukraine):
        return war(v)
    pi, cost = regime(v, profile["us"])
    g = 1.0 if profile["eu"] == "underwrite" else 0.0
    w = v["donetsk_share"] if russia.startswith("donetsk") else 0.0
    regroups, rearms = types["russia"] == "regroups", types["ukraine"] == "rearms"
    # Only a rearming kind prepared: only its strike shifts the odds and brings its ambition;
    # guarantees blunt a Russian strike.
    up = v["rearm"] * (1 - v["guarantee_effect"] * g) if regroups else 0.0
    down = v["rearm_kyiv"] if rearms else 0.0
    russia_breaks, kyiv_breaks = russia.endswith("regroup"), ukraine.endswith("rearm")
    p = v["p"]
    if not russia_breaks and not kyiv_breaks:
        return kept(v, w, g, cost)
    if russia_breaks and kyiv_breaks:  # offsetting strikes, no surprise; each caught pays
        both = resumed(v, w, g, cost, _clip(p + up - down))
        return _add(both, -pi * v["sanctions"], -pi * v["aid_cut"])
    caught = resumed(v, w, g, cost, p)  # the victim insured: the old odds
    if russia_breaks:
        caught = _add(caught, russia=-v["sanctions"])
        free = _add(resumed(v, w, g, cost, _clip(p + up)), v["ambition_russia"] * regroups)
    else:
        caught = _add(caught, ukraine=-v["aid_cut"])
        free = _add(resumed(v, w, g, cost, _clip(p - down)), ukraine=v["ambition_kyiv"] * rearms)
    return _mix(pi, caught, free)


def _probabilities(v: Values) -> dict[str, dict[str, float]]:
    return {
        "us": {"-": 1.0},
        "russia": {"keeps": v["trust_russia"], "regroups": 1 - v["trust_russia"]},
        "ukraine": {"keeps": v["trust_kyiv"], "rearms": 1 - v["trust_kyiv"]},
        "eu": {"-": 1.0},
    }


Table = dict[tuple[str, ...], Payoffs]


def interim(
    v: Values,
    plays: Mapping[str, Play],
    actor: str,
    kind: str,
    option: str,
    table: Table | None = None,
) -> float:
    """``actor`` of type ``kind`` playing ``option``, the others their ``plays`` (every actor's
    play, fixed ones included): its expected payoff over the others' types. ``table`` caches
    payoffs by (options.., types..) in actor order."""
    prob = _probabilities(v)
    i = ACTORS.index(actor)
    total = 0.0
    for theta in itertools.product(*(TYPES[a] for a in ACTORS)):
        types = dict(zip(ACTORS, theta, strict=True))
        if types[actor] != kind:
            continue
        weight = 1.0
        for a in ACTORS:
            if a != actor:
                weight *= prob[a][types[a]]
        profile = {a: plays[a][TYPES[a].index(types[a])] for a in ACTORS}
        profile[actor] = option
        key = (*(profile[a] for a in ACTORS), *theta)
        if table is None:
            u = payoffs(v, profile, types)
        elif key in table:
            u = table[key]
        else:
            u = table[key] = payoffs(v, profile, types)
        total += weight * u[i]
    return total


def is_equilibrium(
    v: Values, plays: Mapping[str, Play], choosers: tuple[str, ...], table: Table | None = None
) -> bool:
    """No chooser's type of positive probability gains more than TOL by another option."""
    prob = _probabilities(v)
    for actor in choosers:
        for kind, chosen in zip(TYPES[actor], plays[actor], strict=True):
            if prob[actor][kind] <= 0:
                continue
            here = interim(v, plays, actor, kind, chosen, table)
            if any(interim(v, plays, actor, kind, o, table) > here + TOL for o in OPTIONS[actor]):
                return False
    return True


def pure_bayes_nash(v: Values, fixed: Mapping[str, str]) -> set[Equilibrium]:
    """Every pure Bayes-Nash equilibrium of the format where the actors in ``fixed`` play their
    option there and the others choose: the choosers' plays, by brute force."""
    choosers = tuple(a for a in ACTORS if a not in fixed)
    ways = [list(itertools.product(OPTIONS[a], repeat=len(TYPES[a]))) for a in choosers]
    found: set[Equilibrium] = set()
    table: Table = {}
    for combination in itertools.product(*ways):
        plays: dict[str, Play] = {a: (o,) * len(TYPES[a]) for a, o in fixed.items()}
        plays.update(zip(choosers, combination, strict=True))
        if is_equilibrium(v, plays, choosers, table):
            found.add(frozenset((a, plays[a]) for a in choosers))
    return found
