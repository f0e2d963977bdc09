"""Every claim of ``scenarios/alaska_2025.toml``'s header, as a test.

The oracle (:mod:`tests.alaska_oracle`) is written from the header's words, independently of the
package: the scenario's payoff tables and pure Bayes-Nash equilibria must equal its own, the
deterrence threshold pi_d and the assurance threshold mu* of "Properties that hold" 1-2 must be
where the package's interim payoffs change sign, and each sentence of property 3 must hold at
the defaults. Relative gains (MODEL §2) are applied here, not imported.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from negotiation_sim import load_scenario
from negotiation_sim.bayesian import BayesianGame, solve_bayesian
from negotiation_sim.scenario.build import full_payoffs
from negotiation_sim.sweep.measure_typed import measure_typed
from tests import alaska_oracle as oracle

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "alaska_2025.toml"
SCENARIO = load_scenario(FILE)
DEFAULTS = {name: float(spec.default) for name, spec in SCENARIO.parameters.items()}
RANGES = {name: (float(spec.low), float(spec.high)) for name, spec in SCENARIO.parameters.items()}
US_OPTION = {
    "no_regime": "broker_unverified",
    "joint_commission": "broker_commission",
    "monitors": "broker_monitors",
}
#: The kept Donetsk deal of property 3 (every kind of both sides keeps, Europe underwrites).
KEPT_DONETSK: dict[str, oracle.Play] = {
    "russia": ("donetsk_keep", "donetsk_keep"),
    "ukraine": ("concede_keep", "concede_keep"),
    "eu": ("underwrite",),
}
FORMATS = oracle.formats(FILE)
EPS = 1e-6


def _on_grid(low: float, high: float, k: int) -> float:
    return low + (high - low) * k / 1000


def draws(rho: st.SearchStrategy[float] | None = None, trust_ends: bool = False) -> Any:
    """Parameter points drawn within the file's ranges (trust inside (0, 1) unless asked), on a
    grid of a thousandth of each range: a payoff difference is then 0 or far above the 1e-9
    tolerance, never a near-tie that the package and the oracle may round differently (hypothesis
    found one at p = 1e-9)."""
    fields: dict[str, st.SearchStrategy[float]] = {}
    for name, (low, high) in RANGES.items():
        fields[name] = st.integers(0, 1000).map(partial(_on_grid, low, high))
    inner = st.floats(0.01, 0.99)
    for name in ("trust_russia", "trust_kyiv"):
        fields[name] = st.one_of(st.sampled_from([0.0, 1.0]), inner) if trust_ends else inner
    fields["rho"] = st.just(0.0) if rho is None else rho
    return st.fixed_dictionaries(fields)


def relative(u: oracle.Payoffs, rho: float) -> list[float]:
    """MODEL §2: u'_i = u_i - rho * mean_{j != i} u_j."""
    n = len(u)
    return [u[i] - rho * sum(u[j] for j in range(n) if j != i) / (n - 1) for i in range(n)]


def type_profile(sub: Any) -> dict[str, str]:
    """The type profile of one of ``scenario.typed``, read from its indicator definitions."""
    values = sub.values()
    found = {}
    for actor in ("russia", "ukraine"):
        (kind,) = [
            t
            for t in oracle.TYPES[actor]
            if float(sub.definitions[f"{actor}_is_{t}"].evaluate(values)) == 1.0
        ]
        found[actor] = kind
    return found


# -- 1. payoffs --------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(draws(rho=st.one_of(st.just(0.0), st.floats(0.0, 1.0))))
def test_the_payoff_tables_are_the_oracles_at_every_profile_and_type_profile(v):
    assert len(SCENARIO.typed) == 4
    seen = set()
    for sub in SCENARIO.typed:
        types = type_profile(sub)
        seen.add(tuple(types.values()))
        table = np.asarray(full_payoffs(sub, sub.values(v)))
        assert table.shape == (4, 3, 5, 5, 2)
        for index in itertools.product(*(range(len(oracle.OPTIONS[a])) for a in oracle.ACTORS)):
            profile = {a: oracle.OPTIONS[a][k] for a, k in zip(oracle.ACTORS, index, strict=True)}
            expected = relative(oracle.payoffs(v, profile, types), v["rho"])
            got = table[:, index[0], index[1], index[2], index[3]]
            assert np.allclose(got, expected, rtol=0, atol=1e-12), (types, profile)
    assert len(seen) == 4


# -- 2. equilibria -----------------------------------------------------------------------------


def package_equilibria(v: Mapping[str, float], format: str) -> list[oracle.Equilibrium]:
    """The package's pure Bayes-Nash equilibria of ``format``, as the oracle writes them."""
    game = SCENARIO.bayesian_game(dict(v), format)
    found = []
    for eq in solve_bayesian(game, "pure").equilibria:
        plays = []
        for i, actor in enumerate(game.actors):
            options = [eq.pure_option(i, t) for t in range(len(game.types[i]))]
            assert None not in options
            plays.append((actor, tuple(game.options[i][o] for o in options if o is not None)))
        found.append(frozenset(plays))
    return found


def once_each(v: Mapping[str, float], found: set[oracle.Equilibrium]) -> set[oracle.Equilibrium]:
    """The package's rule: a type of probability 0 is listed on its first option."""
    zero = {
        ("russia", "keeps"): v["trust_russia"] == 0,
        ("russia", "regroups"): v["trust_russia"] == 1,
        ("ukraine", "keeps"): v["trust_kyiv"] == 0,
        ("ukraine", "rearms"): v["trust_kyiv"] == 1,
    }
    first = {a: options[0] for a, options in oracle.OPTIONS.items()}
    return {
        frozenset(
            (
                a,
                tuple(
                    first[a] if zero.get((a, t)) else o
                    for t, o in zip(oracle.TYPES[a], play, strict=True)
                ),
            )
            for a, play in eq
        )
        for eq in found
    }


@pytest.mark.parametrize("format", list(FORMATS))
@settings(max_examples=6, deadline=None)
@given(v=draws(trust_ends=True))
def test_the_pure_bayes_nash_equilibria_are_the_brute_forces(format, v):
    listed = package_equilibria(v, format)
    assert len(set(listed)) == len(listed)  # each once
    assert set(listed) == once_each(v, oracle.pure_bayes_nash(v, FORMATS[format]))


def test_the_equilibria_at_the_defaults_are_the_brute_forces():
    assert set(FORMATS) == {"no_regime", "joint_commission", "monitors", "bilateral"}
    for format, us in US_OPTION.items():
        assert FORMATS[format] == {"us": us}  # the regime is committed: the parties know it
    for format in FORMATS:
        found = oracle.pure_bayes_nash(DEFAULTS, FORMATS[format])
        assert found and set(package_equilibria(DEFAULTS, format)) == found, format


# -- interim payoffs from the package's games, computed here ---------------------------------


def package_interim(
    game: BayesianGame, plays: Mapping[str, oracle.Play], actor: str, kind: str, option: str
) -> float:
    """``actor`` of type ``kind`` playing ``option`` in the package's Bayesian game, the other
    choosers their ``plays``: sum over the others' types of prior * payoff, over the marginal."""
    u, prior = np.asarray(game.payoffs), np.asarray(game.prior)
    i = game.actors.index(actor)
    t = game.types[i].index(kind)
    total = weight = 0.0
    for theta in np.ndindex(*prior.shape):
        if theta[i] != t:
            continue
        s = [
            game.options[j].index(plays[a][theta[j]]) if j != i else game.options[i].index(option)
            for j, a in enumerate(game.actors)
        ]
        total += float(prior[theta]) * float(u[(i, *theta, *s)])
        weight += float(prior[theta])
    return total / weight


def oracle_payoff(
    v: Mapping[str, float], actor: str, play: Mapping[str, str], *kinds: str
) -> float:
    """The oracle's payoff of ``actor`` at one profile and type profile (russia's, ukraine's),
    relative gains applied."""
    types = {"russia": kinds[0], "ukraine": kinds[1]}
    return relative(oracle.payoffs(v, play, types), v["rho"])[oracle.ACTORS.index(actor)]


def gap(
    v: Mapping[str, float],
    format: str,
    plays: Mapping[str, oracle.Play],
    who: tuple[str, str],
    keep: str,
    other: str,
) -> float:
    """In the package's game of ``format`` at ``v``: ``who`` = (actor, type) playing ``keep``
    minus playing ``other``, the other choosers their ``plays``."""
    game = SCENARIO.bayesian_game(dict(v), format)
    actor, kind = who
    return package_interim(game, plays, actor, kind, keep) - package_interim(
        game, plays, actor, kind, other
    )


# -- 3. property 1: deterrence ---------------------------------------------------------------

#: (definition, deviating agent, the deal kept, its break, the other side's play, the deal's
#: profile for the oracle's T_o, R_o, P - k, the snapback k)
DETERRENCE = {
    "deter_kyiv": (
        ("ukraine", "rearms"),
        "concede_keep",
        "concede_rearm",
        {"russia": ("donetsk_keep", "donetsk_keep"), "eu": ("underwrite",)},
        "aid_cut",
    ),
    "deter_russia": (
        ("russia", "regroups"),
        "front_line_keep",
        "front_line_regroup",
        {"ukraine": ("front_line_keep", "front_line_keep"), "eu": ("underwrite",)},
        "sanctions",
    ),
}
KINDS = {("ukraine", "rearms"): ("keeps", "rearms"), ("russia", "regroups"): ("regroups", "keeps")}


def oracle_threshold(v: Mapping[str, float], name: str) -> float:
    """(T_o - R_o) / (T_o - P + k) from the oracle's payoffs (relative gains applied), under
    monitors: T_o the strike undetected (pi = 0), R_o the kept deal, P - k the strike caught
    for sure (pi = 1)."""
    (actor, kind), keep, strike, others, snapback = DETERRENCE[name]
    kinds = KINDS[(actor, kind)]
    base = {a: play[0] for a, play in others.items()}

    def at(option: str, pi: float = 0.0) -> float:
        # one regime throughout: with relative gains its cost to the US counts
        point = {**v, "verification": pi}
        return oracle_payoff(point, actor, {"us": "broker_monitors", **base, actor: option}, *kinds)

    t_o, r_o = at(strike), at(keep)
    p = at(strike, 1.0) + v[snapback]
    below = t_o - p + v[snapback]
    # a strike worth about as much as being caught: no threshold to speak of (nan: skipped)
    return (t_o - r_o) / below if below > 0.01 else float("nan")


def unclipped(v: Mapping[str, float]) -> bool:
    """The odds a strike shifts stay inside [0, 1] (the definitions write them unclipped)."""
    up = v["p"] + v["rearm"] * (1 - v["guarantee_effect"])
    return v["p"] >= v["rearm_kyiv"] and up <= 1


@pytest.mark.parametrize("name", list(DETERRENCE))
@settings(max_examples=20, deadline=None)
@given(v=draws(rho=st.one_of(st.just(0.0), st.floats(0.0, 1.0))))
def test_a_rearming_kind_keeps_the_deal_iff_verification_is_at_least_pi_d(name, v):
    pi_d = oracle_threshold(v, name)
    assume(0.001 < pi_d < 0.999)
    (actor, kind), keep, strike, others, _ = DETERRENCE[name]
    plays = {a: play for a, play in others.items()}
    for pi, sign in ((pi_d - EPS, -1), (pi_d + EPS, 1)):
        difference = gap({**v, "verification": pi}, "monitors", plays, (actor, kind), keep, strike)
        assert np.sign(difference) == sign, (pi, difference)


@pytest.mark.parametrize("name", list(DETERRENCE))
@settings(max_examples=40, deadline=None)
@given(v=draws())
def test_the_deterrence_definitions_are_the_closed_form_where_the_odds_are_not_clipped(name, v):
    assume(unclipped(v) and not np.isnan(oracle_threshold(v, name)))
    written = float(SCENARIO.definitions[name].evaluate(SCENARIO.values(v)))
    assert written == pytest.approx(oracle_threshold(v, name), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("deter_russia", {"p": 0.7, "rearm": 0.4, "guarantee_effect": 0.2}),  # inside the priors
        ("deter_kyiv", {"p": 0.1, "rearm_kyiv": 0.4}),
    ],
)
def test_the_deterrence_definitions_are_the_thresholds_where_the_odds_are_clipped(name, change):
    v = {**DEFAULTS, **change}
    assert not unclipped(v) and 0 < oracle_threshold(v, name) < 1
    written = float(SCENARIO.definitions[name].evaluate(SCENARIO.values(v)))
    assert written == pytest.approx(oracle_threshold(v, name), abs=1e-9)


@pytest.mark.parametrize(("name", "rho"), [("deter_kyiv", 0.3), ("deter_russia", 1.0)])
def test_the_deterrence_definitions_hold_in_absolute_payoffs_only(name, rho):
    """The header's caveat (rho = 0: relative gains move the thresholds) is needed: inside the
    file's prior on rho, a rearming side still breaks the deal just above the definition."""
    v = {**DEFAULTS, "rho": rho}
    pi_d = float(SCENARIO.definitions[name].evaluate(SCENARIO.values(v)))
    (actor, kind), keep, strike, others, _ = DETERRENCE[name]
    above = gap({**v, "verification": pi_d + EPS}, "monitors", others, (actor, kind), keep, strike)
    assert above <= 0


# -- 4. property 2: assurance ----------------------------------------------------------------

#: Per deal: Russia's keeping play, its regrouping kind's break, and Kyiv's signing option.
DEALS = {
    "donetsk": ("donetsk_keep", "donetsk_regroup", "concede_keep"),
    "front_line": ("front_line_keep", "front_line_regroup", "front_line_keep"),
}


def trust_needed(v: Mapping[str, float], format: str, deal: str, eu: str) -> float:
    """mu*(pi) = (P - S_pi) / ((R - P) + (P - S_pi)) from the oracle's payoffs for Kyiv's
    keeping kind: R the kept deal, P refusing (the war), S the deal broken by a regrouping
    Russia undetected, S_pi = pi C + (1 - pi) S with C Kyiv's payoff when the strike is caught
    (the war resumed at the old odds on the deal's line; P itself on the front-line deal).
    """
    keep, strike, sign = DEALS[deal]
    us = US_OPTION[format]
    pi = oracle.regime(v, us)[0]

    def at(
        us: str, russia: str, ukraine: str, russia_kind: str, point: Mapping[str, float] = v
    ) -> float:
        play = {"us": us, "russia": russia, "ukraine": ukraine, "eu": eu}
        return oracle_payoff(point, "ukraine", play, russia_kind, "keeps")

    r, p = at(us, keep, sign, "keeps"), at(us, keep, "refuse", "keeps")
    s = at("broker_unverified", strike, sign, "regroups")
    c = at("broker_monitors", strike, sign, "regroups", {**v, "verification": 1.0})
    s_pi = pi * c + (1 - pi) * s
    below = (r - p) + (p - s_pi)
    return (p - s_pi) / below if below > 0.01 else float("nan")


def assurance_holds(v: Mapping[str, float], format: str, deal: str, eu: str) -> None:
    """Kyiv's keeping kind signs iff trust_russia >= mu*: the sign at mu* -+ EPS."""
    mu = trust_needed(v, format, deal, eu)
    keep, strike, sign = DEALS[deal]
    plays = {"russia": (keep, strike), "ukraine": ("refuse", "refuse"), "eu": (eu,)}
    for trust, expected in ((mu - EPS, -1), (mu + EPS, 1)):
        point = {**v, "trust_russia": trust}
        difference = gap(point, format, plays, ("ukraine", "keeps"), sign, "refuse")
        assert np.sign(difference) == expected, (trust, difference)


@pytest.mark.parametrize(
    ("format", "deal"),
    [
        ("no_regime", "donetsk"),
        ("no_regime", "front_line"),
        ("monitors", "front_line"),
        ("monitors", "donetsk"),
    ],
)
@pytest.mark.parametrize("eu", ["underwrite", "veto"])
@settings(max_examples=15, deadline=None)
@given(v=draws())
def test_a_keeping_kind_signs_iff_its_trust_is_at_least_mu_star(format, deal, eu, v):
    assume(0.001 < trust_needed(v, format, deal, eu) < 0.999)
    assurance_holds(v, format, deal, eu)


@pytest.mark.parametrize("eu", ["underwrite", "veto"])
def test_mu_star_on_the_donetsk_deal_with_monitors_at_the_defaults(eu):
    assert 0.01 < trust_needed(DEFAULTS, "monitors", "donetsk", eu) < 0.99
    assurance_holds(DEFAULTS, "monitors", "donetsk", eu)


# -- 5. property 3, sentence by sentence, at the defaults -------------------------------------


def oracle_gains(
    v: Mapping[str, float], plays: Mapping[str, oracle.Play]
) -> dict[tuple[str, str, str], float]:
    """Every chooser type's gain from each other option, against ``plays`` (the oracle's)."""
    gains = {}
    for actor in ("russia", "ukraine", "eu"):
        for kind, current in zip(oracle.TYPES[actor], plays[actor], strict=True):
            here = oracle.interim(v, plays, actor, kind, current)
            for option in oracle.OPTIONS[actor]:
                if option != current:
                    gains[actor, kind, option] = (
                        oracle.interim(v, plays, actor, kind, option) - here
                    )
    return gains


def test_no_deal_is_the_only_equilibrium_outcome_of_the_summit_as_held():
    found = package_equilibria(DEFAULTS, "no_regime")
    assert found and set(found) == oracle.pure_bayes_nash(DEFAULTS, FORMATS["no_regime"])
    for eq in found:
        plays = dict(eq)
        for russia, ukraine in itertools.product(plays["russia"], plays["ukraine"]):
            assert not oracle.signed(russia, ukraine), eq
    view = measure_typed(SCENARIO, SCENARIO.values(), "no_regime")
    assert int(view.equilibrium_set) == 2  # no deal only
    assert not bool(view.deal_is_equilibrium) and bool(view.no_deal_is_equilibrium)


def test_the_kept_donetsk_deal_fails_on_one_deviation_only():
    plays = {"us": ("broker_unverified",), **KEPT_DONETSK}
    gains = oracle_gains(DEFAULTS, plays)
    profitable = {k: g for k, g in gains.items() if g > 1e-9}
    assert list(profitable) == [("ukraine", "rearms", "concede_rearm")]
    assert profitable["ukraine", "rearms", "concede_rearm"] == pytest.approx(0.205, abs=1e-12)
    # the package's game agrees on every gain
    game = SCENARIO.bayesian_game(DEFAULTS, "no_regime")
    for (actor, kind, option), g in gains.items():
        current = plays[actor][oracle.TYPES[actor].index(kind)]
        theirs = package_interim(game, plays, actor, kind, option) - package_interim(
            game, plays, actor, kind, current
        )
        assert theirs == pytest.approx(g, abs=1e-12)


def test_the_unravelling_europe_vetoes_russia_breaks_kyiv_refuses():
    v = DEFAULTS
    broken = {
        "us": ("broker_unverified",),
        **KEPT_DONETSK,
        "ukraine": ("concede_keep", "concede_rearm"),
    }
    game = SCENARIO.bayesian_game(v, "no_regime")

    def best(plays: Mapping[str, oracle.Play], actor: str, kind: str) -> set[str]:
        values = {o: oracle.interim(v, plays, actor, kind, o) for o in oracle.OPTIONS[actor]}
        for option, value in values.items():  # the package's game says the same
            assert package_interim(game, plays, actor, kind, option) == pytest.approx(
                value, abs=1e-12
            )
        top = max(values.values())
        return {o for o, value in values.items() if value >= top - 1e-9}

    # (c) Europe would rather veto than pay for guarantees twice
    assert best(broken, "eu", "-") == {"veto"}
    vetoed = {**broken, "eu": ("veto",)}
    # (d) without guarantees Russia's regrouping kind breaks the deal too
    assert best(vetoed, "russia", "regroups") == {"donetsk_regroup"}
    both = {**vetoed, "russia": ("donetsk_keep", "donetsk_regroup")}
    # (e) Kyiv's keeping kind, trusting Russia at 0.25, refuses to leave Donetsk (refusing and
    # accepting the front line only both mean the war against a Donetsk demand)
    assert "refuse" in best(both, "ukraine", "keeps")
    assert oracle.interim(v, both, "ukraine", "keeps", "refuse") > oracle.interim(
        v, both, "ukraine", "keeps", "concede_keep"
    )


def test_monitors_catching_at_least_deter_kyiv_make_the_kept_deal_an_equilibrium():
    v = DEFAULTS
    # (f) the header's formula by hand: T_o = (1 - w)(1 - p + rearm_kyiv) - c_ukraine +
    # ambition_kyiv, R_o = 0.9 - w (guarantees), P = (1 - w)(1 - p) - c_ukraine, k = aid_cut
    w, p = v["donetsk_share"], v["p"]
    t_o = (1 - w) * (1 - p + v["rearm_kyiv"]) - v["c_ukraine"] + v["ambition_kyiv"]
    r_o, war, k = 0.9 - w, (1 - w) * (1 - p) - v["c_ukraine"], v["aid_cut"]
    pi_d = (t_o - r_o) / (t_o - war + k)
    assert pi_d == pytest.approx(0.2278, abs=1e-4) and round(pi_d, 2) == 0.23
    assert float(SCENARIO.definitions["deter_kyiv"].evaluate(SCENARIO.values())) == pytest.approx(
        pi_d
    )
    assert oracle_threshold(v, "deter_kyiv") == pytest.approx(pi_d)
    assert v["verification"] == 0.3 > pi_d
    # (g) with monitors the kept Donetsk deal is a pure Bayes-Nash equilibrium
    plays = {"us": ("broker_monitors",), **KEPT_DONETSK}
    assert oracle.is_equilibrium(v, plays, ("russia", "ukraine", "eu"))
    kept = frozenset((a, KEPT_DONETSK[a]) for a in ("russia", "ukraine", "eu"))
    assert kept in package_equilibria(v, "monitors")
    # and not without them: the regime is what stood between the summit and the deal
    assert kept not in package_equilibria(v, "no_regime")


# -- 6. every number commented ---------------------------------------------------------------


def test_every_parameter_has_a_prior_and_a_comment_above_its_default():
    text = FILE.read_text(encoding="utf-8")
    parameters = tomllib.loads(text)["parameters"]
    assert set(parameters) == set(SCENARIO.parameters)
    lines = text.splitlines()
    for name, spec in parameters.items():
        assert "prior" in spec, name
        start = lines.index(f"[parameters.{name}]")
        default = next(j for j in range(start, len(lines)) if lines[j].startswith("default ="))
        assert lines[default - 1].startswith("# "), name
        assert all(line.startswith("# ") for line in lines[start + 1 : default]), name
