"""One-at-a-time (tornado) analysis against values computed by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from negotiation_sim.errors import InputError
from negotiation_sim.sensitivity import TornadoResult, tornado

NAMES = ["trust", "verification", "rho"]
BASE = [0.5, 0.4, 0.2]
LOW = [0.1, 0.3, 0.0]
HIGH = [0.9, 0.8, 0.6]


def linear(x: np.ndarray) -> np.ndarray:
    """y = 2 trust - 5 verification + 0 rho + 1."""
    return 2.0 * x[:, 0] - 5.0 * x[:, 1] + 1.0


def test_linear_metric_by_hand():
    result = tornado(linear, NAMES, BASE, LOW, HIGH, metric="welfare")
    # baseline: 2*0.5 - 5*0.4 + 1 = 0
    assert result.baseline == pytest.approx(0.0)
    # trust low 0.1: 0.2 - 2 + 1 = -0.8; high 0.9: 1.8 - 2 + 1 = 0.8
    # verification low 0.3: 1 - 1.5 + 1 = 0.5; high 0.8: 1 - 4 + 1 = -2
    # rho has no effect: both ends at the baseline
    np.testing.assert_allclose(result.low, [-0.8, 0.5, 0.0], atol=1e-12)
    np.testing.assert_allclose(result.high, [0.8, -2.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(result.swing, [1.6, 2.5, 0.0], atol=1e-12)
    assert result.order().tolist() == [1, 0, 2]
    assert result.names == tuple(NAMES) and result.metric == "welfare"
    np.testing.assert_array_equal(result.baseline_inputs, BASE)
    np.testing.assert_array_equal(result.low_inputs, LOW)
    np.testing.assert_array_equal(result.high_inputs, HIGH)


def test_an_input_without_effect_has_zero_swing_and_ranks_last():
    result = tornado(lambda x: x[:, 2] ** 2, NAMES, BASE, LOW, HIGH)
    assert result.swing.tolist()[:2] == [0.0, 0.0]
    assert result.low[2] == pytest.approx(0.0) and result.high[2] == pytest.approx(0.36)
    assert result.low[0] == result.high[0] == result.baseline == pytest.approx(0.04)
    # rho first; the two ties keep their column order
    assert result.order().tolist() == [2, 0, 1]


def test_interaction_moves_one_input_at_a_time():
    # y = trust * verification: moving trust keeps verification at its baseline 0.4
    result = tornado(lambda x: x[:, 0] * x[:, 1], NAMES, BASE, LOW, HIGH)
    np.testing.assert_allclose(result.low, [0.1 * 0.4, 0.5 * 0.3, 0.2], atol=1e-12)
    np.testing.assert_allclose(result.high, [0.9 * 0.4, 0.5 * 0.8, 0.2], atol=1e-12)


def test_additive_metrics_rank_by_coefficient_times_range():
    rng = np.random.default_rng(11)
    for _ in range(20):
        d = int(rng.integers(1, 7))
        c = rng.normal(size=d)
        lo = rng.uniform(-1, 0, size=d)
        hi = lo + rng.uniform(0.1, 2, size=d)
        base = rng.uniform(-1, 1, size=d)  # need not lie between the ends
        names = [f"x{i}" for i in range(d)]

        def additive(x: np.ndarray, c: np.ndarray = c) -> np.ndarray:
            return np.asarray(x @ c)

        result = tornado(additive, names, base, lo, hi)
        expected = np.abs(c) * (hi - lo)
        np.testing.assert_allclose(result.swing, expected, rtol=1e-12, atol=1e-12)
        assert result.order().tolist() == sorted(range(d), key=lambda i: -expected[i])
        np.testing.assert_allclose(result.low - result.baseline, c * (lo - base), atol=1e-12)


def test_all_rows_are_evaluated_in_one_call():
    calls: list[np.ndarray] = []

    def f(x: np.ndarray) -> np.ndarray:
        calls.append(x.copy())
        return np.asarray(x.sum(axis=1))

    tornado(f, NAMES, BASE, LOW, HIGH)
    assert len(calls) == 1
    rows = calls[0]
    assert rows.shape == (7, 3)
    np.testing.assert_array_equal(rows[0], BASE)
    # row 1 + i has input i low, row 4 + i input i high; everything else at the baseline
    for i in range(3):
        for row, end in ((rows[1 + i], LOW), (rows[4 + i], HIGH)):
            expected = np.array(BASE)
            expected[i] = end[i]
            np.testing.assert_array_equal(row, expected)


def test_result_is_frozen():
    result = tornado(linear, NAMES, BASE, LOW, HIGH)
    assert isinstance(result, TornadoResult)
    with pytest.raises(AttributeError):
        result.baseline = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "location"),
    [
        ({"names": ["trust", "verification"]}, ["baseline", "low", "high"]),
        ({"names": ["trust", "trust", "rho"]}, "names"),
        ({"names": "trust"}, "names"),
        ({"names": []}, "names"),
        ({"baseline": [0.5, np.nan, 0.2]}, "baseline"),
        ({"low": [[0.1, 0.3, 0.0]]}, "low"),
        ({"high": ["a", "b", "c"]}, "high"),
        ({"high": [0.9, 0.2, 0.6]}, "high[1]"),
        ({"f": 3}, "f"),
        ({"f": lambda x: x}, "f"),
        ({"f": lambda x: x[:3, 0]}, "f"),
        ({"f": lambda x: np.where(x[:, 2] > 0.5, np.nan, 1.0)}, "f"),
        ({"f": lambda x: ["a"] * len(x)}, "f"),
    ],
)
def test_bad_arguments_are_located(kwargs, location):
    arguments: dict[str, Any] = {
        "f": linear,
        "names": NAMES,
        "baseline": BASE,
        "low": LOW,
        "high": HIGH,
    }
    arguments.update(kwargs)
    with pytest.raises(InputError) as caught:
        tornado(**arguments)
    expected = location if isinstance(location, list) else [location]
    assert [p.location for p in caught.value.problems] == expected


def test_an_error_inside_f_is_not_disguised():
    def broken(x: np.ndarray) -> np.ndarray:
        raise ZeroDivisionError("model bug")

    with pytest.raises(ZeroDivisionError, match="model bug"):
        tornado(broken, NAMES, BASE, LOW, HIGH)
