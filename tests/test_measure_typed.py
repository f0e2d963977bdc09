"""A typed scenario's sweep metrics against a per-point oracle on a grid where the prior reaches 0.

At trust 0 (every side an opportunist) and trust 1 (every side trustworthy) the other types have
probability 0 and may play anything; the sweep counts each equilibrium once, as
``solve_bayesian`` lists it. The oracle enumerates pure Bayes–Nash equilibria by loops with the
interim check of ``tests/test_bayesian_solve.py`` and sums outcome shares and ex-ante payoffs over
the type profiles by loops.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from negotiation_sim import load_scenario
from negotiation_sim.scenario import parse_scenario
from negotiation_sim.scenario.typed_formats import format_bayesian
from negotiation_sim.sweep.measure_typed import measure_typed
from tests.test_bayesian_solve import once_each
from tests.test_typed_scenarios import TYPED, correlated, with_bystander

TRUST = (0.0, 0.25, 0.5, 0.75, 1.0)
VERIFICATION = (0.0, 0.15, 0.5, 1.0)


def oracle(scenario, format: str | None, point: dict[str, float]) -> list[dict[str, Any]]:
    """Per equilibrium (once each): deal probability, outcome shares and ex-ante payoffs."""
    game = scenario.bayesian_game(point, format=format)
    if format is None:  # every actor chooses: the game's own payoffs and the profiles' outcomes
        prior = np.asarray(game.prior)
        choosers = list(range(game.n_actors))

        def reached(theta, s):
            return int(scenario.profile_outcomes[s]), np.asarray(game.payoffs)[
                (slice(None), *theta, *s)
            ]
    else:
        reach = format_bayesian(scenario, format, scenario.values(point))
        prior = reach.everyone[..., 0]
        choosers = [scenario.actor_ids.index(a) for a in reach.choosers]

        def reached(theta, s):
            return int(reach.outcomes[(*theta, *s, 0)]), reach.payoffs_all[
                (slice(None), *theta, *s, 0)
            ]

    offsets = np.cumsum([0, *game.type_counts])
    deal = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids])
    found = []
    for profile in once_each(game):
        shares = np.zeros(len(scenario.outcome_ids))
        ex_ante = np.zeros(len(scenario.actors))
        for theta in np.ndindex(*prior.shape):
            s = tuple(profile[offsets[c] + theta[a]] for c, a in enumerate(choosers))
            outcome, payoffs = reached(theta, s)
            shares[outcome] += prior[theta]
            ex_ante += prior[theta] * payoffs
        found.append({"shares": shares, "ex_ante": ex_ante, "deal": float(shares[deal].sum())})
    return found


@pytest.mark.parametrize(
    ("text", "format"),
    [
        (None, None),
        ("sequential", "sequential"),
        ("correlated", "sequential"),
        ("correlated", None),
    ],
)
def test_the_metrics_count_each_equilibrium_once_where_the_prior_reaches_zero(text, format):
    base = TYPED.read_text(encoding="utf-8")
    if text is None:
        scenario = load_scenario(TYPED)
    elif text == "sequential":
        scenario = parse_scenario(with_bystander(base), source="s.toml")
    elif format is None:
        scenario = parse_scenario(correlated(base), source="c.toml")
    else:
        scenario = parse_scenario(correlated(with_bystander(base)), source="cs.toml")
    trust, pi = (a.ravel() for a in np.meshgrid(TRUST, VERIFICATION, indexing="ij"))
    view = measure_typed(scenario, scenario.values({"trust": trust, "verification": pi}), format)
    assert view.outcome_probability is not None and view.deal_probability is not None
    deal = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids])
    counts = []
    for k, point in enumerate(
        {"trust": t, "verification": v} for t, v in zip(trust, pi, strict=True)
    ):
        found = oracle(scenario, format, {n: float(x) for n, x in point.items()})
        counts.append(len(found))
        assert int(view.n_equilibria[k]) == len(found), point
        assert bool(view.deal_is_equilibrium[k]) == any(e["deal"] > 0 for e in found)
        assert bool(view.no_deal_is_equilibrium[k]) == any(
            e["shares"][~deal].sum() >= 1 - 1e-12 for e in found
        )
        if not found:
            assert view.outcome[k] == -1 and np.isnan(view.welfare[k])
            continue
        totals = [float(e["ex_ante"].sum()) for e in found]
        best = max(totals)
        # the first of the largest total (ties within rounding: any of them)
        tied = [e for e, total in zip(found, totals, strict=True) if total >= best - 1e-12]
        assert float(view.welfare[k]) == pytest.approx(best, abs=1e-12)
        assert any(
            np.allclose(view.outcome_probability[k], e["shares"], rtol=0, atol=1e-12)
            and np.allclose(view.payoffs[k], e["ex_ante"], rtol=0, atol=1e-12)
            and float(view.deal_probability[k]) == pytest.approx(e["deal"], abs=1e-12)
            for e in tied
        )
    # trust 0 and 1 are on the grid, and there each answer is counted once
    assert set(counts) != {0}
    ends = np.isin(trust, [0.0, 1.0])
    assert (view.n_equilibria[ends] >= 1).all()
