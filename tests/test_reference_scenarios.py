"""Rewritten shipped scenarios build the same games as the texts they replace.

``tests/data/reference_scenarios/`` holds shipped scenarios as they were before a rewrite
that must not change the model (the first edition of the Alaska scenario, now
``alaska_2025_reduced.toml``, as of commit 05084e8, before its deal payoffs used ``assurance()``
and ``[definitions]`` instead of the formula written out). The
old text is the oracle: at the defaults, the corners of the parameter box and a seeded sample
inside it, every actor's payoff at every profile, and every format's game, must agree to
1e-12.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from negotiation_sim import load_scenario

ROOT = Path(__file__).resolve().parent
REFERENCES = sorted((ROOT / "data" / "reference_scenarios").glob("*.toml"))
SHIPPED = ROOT.parent / "scenarios"
POINTS = 400
TOLERANCE = 1e-12


def sample(scenario, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Every parameter at its default, all at their low ends, all at their high ends, then
    ``POINTS`` uniform draws in the box: one grid axis of ``POINTS + 3`` points."""
    return {
        name: np.concatenate([[p.default, p.low, p.high], rng.uniform(p.low, p.high, POINTS)])
        for name, p in scenario.parameters.items()
    }


def test_there_is_a_reference_for_each_rewritten_scenario():
    assert [path.name for path in REFERENCES] == ["alaska_2025_reduced.toml"]
    for path in REFERENCES:
        assert (SHIPPED / path.name).read_text() != path.read_text()  # it was rewritten


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda p: p.stem)
def test_the_rewrite_keeps_every_payoff(reference):
    old, new = load_scenario(reference), load_scenario(SHIPPED / reference.name)
    assert new.actor_ids == old.actor_ids and new.shape == old.shape
    assert new.outcome_ids == old.outcome_ids
    assert np.array_equal(new.profile_outcomes, old.profile_outcomes)
    # The reference predates priors (issue 12): everything else about a parameter is kept.
    assert {k: replace(p, prior=None) for k, p in new.parameters.items()} == dict(old.parameters)
    assert dict(new.formats) == dict(old.formats)
    points = sample(old, np.random.default_rng(20250815))
    values = old.values(points)
    np.testing.assert_allclose(
        new.full_payoffs(new.values(points)), old.full_payoffs(values), rtol=0, atol=TOLERANCE
    )


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda p: p.stem)
def test_the_rewrite_keeps_every_game(reference):
    old, new = load_scenario(reference), load_scenario(SHIPPED / reference.name)
    rng = np.random.default_rng(15)
    points = [old.defaults()] + [
        {n: float(rng.uniform(p.low, p.high)) for n, p in old.parameters.items()} for _ in range(25)
    ]
    for name in (None, *old.formats):
        for params in points:
            before, after = old.game(params, format=name), new.game(params, format=name)
            assert after.actors == before.actors and after.options == before.options
            np.testing.assert_allclose(after.payoffs, before.payoffs, rtol=0, atol=TOLERANCE)
