"""Analysis of games and outcomes: zero-sum vs positive-sum, bargaining, formats, coalitions."""

from .bargaining import (
    BargainingSolution,
    RubinsteinSplit,
    egalitarian,
    fearon_range,
    kalai_smorodinsky,
    nash_bargaining,
    rubinstein,
)
from .coalitions import shapley_value, unanimity_game, veto_game, weighted_majority
from .formats import Deviation, Durability, deal_durability
from .outcomes import (
    OutcomeAnalysis,
    ParetoFrontier,
    analyse_equilibrium,
    analyse_result,
    pareto_frontier,
    pure_outcome_points,
)
from .scenario import analyse_scenario, who_must_agree
from .zero_sum import CocoValue, SumStructure, coco_value, relative_gains, sum_structure

__all__ = [
    "BargainingSolution",
    "CocoValue",
    "Deviation",
    "Durability",
    "OutcomeAnalysis",
    "ParetoFrontier",
    "RubinsteinSplit",
    "SumStructure",
    "analyse_equilibrium",
    "analyse_result",
    "analyse_scenario",
    "coco_value",
    "deal_durability",
    "egalitarian",
    "fearon_range",
    "kalai_smorodinsky",
    "nash_bargaining",
    "pareto_frontier",
    "pure_outcome_points",
    "relative_gains",
    "rubinstein",
    "shapley_value",
    "sum_structure",
    "unanimity_game",
    "veto_game",
    "weighted_majority",
    "who_must_agree",
]
