"""What each variable of a sweep's results means: its ``long_name``, which says the selection
rule and the kind of equilibrium (pure; Bayes–Nash for actor types; perfect Bayesian in a
signalling format)."""

from __future__ import annotations

from .spec import Experiment

__all__ = ["descriptions"]


def descriptions(experiment: Experiment) -> dict[str, str]:
    """The ``long_name`` of each variable."""
    logit = experiment.solver == "pure+logit"
    no_deal = experiment.scenario.no_deal
    if experiment.scenario.types:
        scenario = experiment.scenario
        signalling = [f for f in experiment.formats if f in scenario.formats]
        signalling = [f for f in signalling if scenario.formats[f].signalling]
        return _typed_descriptions(no_deal, len(signalling), len(experiment.formats))
    return {
        "outcome": "outcome of the selected pure equilibrium (largest total payoff)",
        "deal_is_equilibrium": "some deal outcome is a pure equilibrium",
        "no_deal_is_equilibrium": "some no-deal outcome is a pure equilibrium",
        "n_equilibria": "number of pure equilibria",
        "deal_probability": "probability of a deal under the selected equilibrium"
        + (" (logit equilibrium where there is no pure one)" if logit else ""),
        "welfare": "total payoff of all actors under the selected equilibrium",
        "payoff": "each actor's payoff under the selected equilibrium",
        "surplus": f"each actor's payoff minus its payoff at the no-deal outcome ({no_deal})",
        "outcome_probability": "probability of each outcome under the selected equilibrium"
        + (" (logit equilibrium where there is no pure one)" if logit else ""),
        "zero_sum_share": "zero-sum share of the game (raw, docs/models.md §2)",
        "strategic_zero_sum_share": "zero-sum share of the game's strategic part",
    }


def _typed_descriptions(no_deal: str, signalling: int = 0, formats: int = 1) -> dict[str, str]:
    """The ``long_name`` of each variable for a scenario with actor types (sweep.measure_typed;
    sweep.measure_signalling for the ``signalling`` formats among ``formats``)."""
    kind = "pure Bayes-Nash equilibri"
    if signalling == formats:
        kind = "pure perfect Bayesian equilibri"
    elif signalling:
        kind = "pure Bayes-Nash (perfect Bayesian, in a signalling format) equilibri"
    rule = "largest ex-ante total payoff"
    if signalling:
        rule += ", among those passing the intuitive criterion"
        rule += "" if signalling == formats else " in a signalling format"
    selected = f"the selected {kind}um ({rule})"
    return {
        "outcome": f"most likely outcome of {selected}",
        "deal_is_equilibrium": f"some {kind}um reaches a deal",
        "no_deal_is_equilibrium": f"some {kind}um reaches no deal for sure",
        "n_equilibria": f"number of {kind}a",
        "deal_probability": f"probability of a deal under {selected}, over the types",
        "welfare": f"total ex-ante payoff of all actors under {selected}",
        "payoff": f"each actor's ex-ante payoff under {selected}",
        "surplus": f"each actor's ex-ante payoff minus its ex-ante payoff at {no_deal}",
        "outcome_probability": f"probability of each outcome under {selected}, over the types",
    }
