"""What each variable of a sweep's results means: its ``long_name``, which says the selection
rule and the kind of equilibrium (pure; Bayes–Nash for actor types; perfect Bayesian in a
signalling format)."""

from __future__ import annotations

from ..analysis.selection import EQUILIBRIUM_SETS, RULE_DESCRIPTIONS
from .spec import Experiment

__all__ = ["descriptions"]


def descriptions(experiment: Experiment) -> dict[str, str]:
    """The ``long_name`` of each variable (the selected ones name the selection rule)."""
    logit = experiment.solver == "pure+logit"
    no_deal = experiment.scenario.no_deal
    sets = ", ".join(s.replace("_", " ") for s in EQUILIBRIUM_SETS)
    if experiment.scenario.types:
        scenario = experiment.scenario
        signalling = [f for f in experiment.formats if f in scenario.formats]
        signalling = [f for f in signalling if scenario.formats[f].signalling]
        named = _typed_descriptions(no_deal, len(signalling), len(experiment.formats))
        kind = named["n_equilibria"].removeprefix("number of ")
        return {"equilibrium_set": f"which outcomes the {kind} reach: {sets}", **named}
    qre = f"lambda = {experiment.qre_lambda.text}" if experiment.qre_lambda else "qre_lambda"
    rule = experiment.selection
    how = "largest total payoff" if rule == "welfare" else RULE_DESCRIPTIONS[rule]
    under = f"under the selected equilibrium (selection: {rule})"
    return {
        "equilibrium_set": f"which outcomes are pure equilibria: {sets}",
        "outcome": f"outcome of the selected pure equilibrium (selection: {rule}, {how})",
        "deal_is_equilibrium": "some deal outcome is a pure equilibrium",
        "no_deal_is_equilibrium": "some no-deal outcome is a pure equilibrium",
        "n_equilibria": "number of pure equilibria",
        "deal_probability": f"probability of a deal {under}"
        + (" (logit equilibrium where there is no pure one)" if logit else ""),
        "welfare": f"total payoff of all actors {under}",
        "payoff": f"each actor's payoff {under}",
        "surplus": f"each actor's payoff {under} minus its "
        f"payoff at the no-deal outcome ({no_deal})",
        "outcome_probability": f"probability of each outcome {under}"
        + (" (logit equilibrium where there is no pure one)" if logit else ""),
        "zero_sum_share": "zero-sum share of the game (raw, docs/models.md §2)",
        "strategic_zero_sum_share": "zero-sum share of the game's strategic part",
        "qre_deal_probability": f"probability of a deal under the logit QRE at {qre}",
        "qre_outcome_probability": f"probability of each outcome under the logit QRE at {qre}",
    }


def _typed_descriptions(no_deal: str, signalling: int = 0, formats: int = 1) -> dict[str, str]:
    """The ``long_name`` of each variable for a scenario with actor types (sweep.measure_typed;
    sweep.measure_signalling for the ``signalling`` formats among ``formats``)."""
    kind = "pure Bayes-Nash equilibri"
    if signalling == formats:
        kind = "pure perfect Bayesian equilibri"
    elif signalling:
        kind = "pure Bayes-Nash (perfect Bayesian, in a signalling format) equilibri"
    rule = "selection: welfare, largest ex-ante total payoff"
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
        "surplus": f"each actor's ex-ante payoff under {selected} minus its ex-ante payoff "
        f"at {no_deal}",
        "outcome_probability": f"probability of each outcome under {selected}, over the types",
    }
