"""Dynamics checks itself when made: every wrong shape, dtype, range, NaN, rule name and
inconsistency raises a GameError naming the field."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from negotiation_sim.dynamics import Behaviour, Dynamics, Monitoring, Response, two_sided
from negotiation_sim.errors import GameError

GOOD = two_sided(trust=[0.2, 0.8], rounds=5)


def monitoring(**changes: Any) -> dict[str, Any]:
    return {"monitoring": (replace(GOOD.monitoring[0], **changes), GOOD.monitoring[1])}


def behaviour(**changes: Any) -> dict[str, Any]:
    return {"behaviour": (GOOD.behaviour[0], replace(GOOD.behaviour[1], **changes))}


def stage(**changes: Any) -> dict[str, Any]:
    return {"stage": replace(GOOD.stage, **changes)}


CASES: list[tuple[dict[str, Any], str]] = [
    ({"actors": ("a", "a")}, "actors"),
    ({"sides": ("a", "a")}, "sides"),
    ({"sides": ("a", "c")}, r"sides\[1\]: 'c' is not an actor"),
    ({"rounds": 0}, "rounds"),
    ({"rounds": 2.0}, "rounds: expected a whole number"),
    ({"rounds": 10**6}, "rounds"),
    ({"phase_rounds": 0}, "phase_rounds"),
    ({"discount": np.array([0.5, 1.0])}, "discount: expected values below 1"),
    ({"discount": np.array([0.5, np.nan])}, "discount: value nan"),
    ({"discount": [0.5, 0.5]}, "discount: expected a numpy array"),
    ({"discount": np.array([0.5, 0.5, 0.5])}, "expected 3 points"),
    ({"prior": np.full((2, 2, 2), 0.3)}, "prior: expected each point's probabilities to sum"),
    ({"prior": np.full((4, 2), 0.25)}, r"prior: expected shape \(2, 2, 'B'\)"),
    ({"phases": np.array([1.0, 2.0])}, "phases: expected integer numbers"),
    ({"phases": np.array([0, 2])}, "phases: value 0"),
    (monitoring(detection=np.array([0.5, 1.5])), r"monitoring\[0\].detection: value 1.5"),
    (monitoring(false_alarm=np.array([0.1])), r"monitoring\[0\].false_alarm: expected 2"),
    (monitoring(cost=np.array([-1.0, 0.0])), r"monitoring\[0\].cost: value -1"),
    (behaviour(violation_probability=np.array([0.1, np.inf])), r"behaviour\[1\].violation"),
    (behaviour(strike_round=np.array([0, 3])), r"behaviour\[1\].strike_round: value 0"),
    (behaviour(strike_round=np.array([1.0, 3.0])), r"behaviour\[1\].strike_round: expected int"),
    (behaviour(escalation=np.array([-0.1, 0.0])), r"behaviour\[1\].escalation"),
    (stage(kept=np.zeros((3, 2, 2, 2))), r"stage.kept: expected shape \(2, 2, 2, 'B'\)"),
    (stage(war=np.full((2, 2, 2, 2), np.nan)), "stage.war: value nan"),
    (stage(caught=(GOOD.stage.caught[0],)), "stage.caught: expected two arrays"),
    (stage(violated=(GOOD.stage.violated[0], np.zeros((2, 2, 2, 3)))), "stage.violated"),
]


@pytest.mark.parametrize(("changes", "message"), CASES)
def test_bad_fields_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(GameError, match=message):
        replace(GOOD, **changes)


def test_rules_are_checked_with_a_hint() -> None:
    with pytest.raises(GameError, match=r"unknown rule 'strik' \(did you mean 'strike'\?\)"):
        Behaviour("strik", np.zeros(1), np.ones(1, dtype=np.int64), np.zeros(1))
    with pytest.raises(GameError, match=r"response\.rule"):
        Response("tit-for-tat")


def test_response_windows() -> None:
    with pytest.raises(GameError, match=r"response\.window"):
        Response("forgiving", alarms=3, window=2)
    with pytest.raises(GameError, match=r"response\.alarms"):
        Response("forgiving", alarms=0, window=2)
    with pytest.raises(GameError, match="grim trigger has alarms = window = 1"):
        Response("grim", alarms=2, window=2)
    assert Response("forgiving", alarms=2, window=2).window == 2


def test_good_models_and_selection() -> None:
    assert GOOD.size == 2
    one = GOOD.select(slice(1, 2))
    assert isinstance(one, Dynamics) and one.size == 1
    np.testing.assert_array_equal(one.prior[..., 0], GOOD.prior[..., 1])
    assert one.stage.violated[1].shape == (2, 2, 2, 1)
    assert Monitoring(np.zeros(1), np.zeros(1), np.zeros(1)).cost.tolist() == [0.0]
