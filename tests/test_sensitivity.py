"""The estimators of negotiation_sim.sensitivity against closed forms, published values and SALib."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from negotiation_sim.errors import InputError
from negotiation_sim.sensitivity import wilson_interval

# -- Wilson intervals ------------------------------------------------------------------------


def _wilson_1927(k: int, n: int, confidence: float) -> tuple[float, float]:
    """Wilson (1927): the roots in p of (k/n - p)^2 = z^2 p (1 - p) / n, solved as a quadratic."""
    z = float(norm.ppf(1.0 - (1.0 - confidence) / 2.0))
    # (1 + z^2/n) p^2 - (2 k/n + z^2/n) p + (k/n)^2 = 0
    a = 1.0 + z * z / n
    b = -(2.0 * k / n + z * z / n)
    c = (k / n) ** 2
    root = math.sqrt(max(b * b - 4.0 * a * c, 0.0))
    return (-b - root) / (2.0 * a), (-b + root) / (2.0 * a)


def test_wilson_matches_the_quadratic_of_wilson_1927():
    rng = np.random.default_rng(3)
    n = rng.integers(1, 500, size=200)
    k = rng.integers(0, n + 1)
    for confidence in (0.8, 0.95, 0.99):
        low, high = wilson_interval(k, n, confidence)
        expected = np.array(
            [_wilson_1927(int(a), int(b), confidence) for a, b in zip(k, n, strict=True)]
        )
        np.testing.assert_allclose(low, expected[:, 0], atol=1e-12)
        np.testing.assert_allclose(high, expected[:, 1], atol=1e-12)


def test_wilson_published_values():
    # Newcombe (1998), Statistics in Medicine 17, 857-872, Table I, method 3 (score, no correction).
    low, high = wilson_interval([81, 15, 0, 1], [263, 148, 20, 29])
    np.testing.assert_allclose(low, [0.2553, 0.0624, 0.0, 0.0061], atol=5e-5)
    np.testing.assert_allclose(high, [0.3662, 0.1605, 0.1611, 0.1718], atol=5e-5)


def test_wilson_edges_are_exact_and_intervals_nest():
    n = np.arange(1, 60)
    low, high = wilson_interval(0, n)
    assert np.all(low == 0.0) and np.all(high < 1.0)
    low, high = wilson_interval(n, n)
    assert np.all(high == 1.0) and np.all(low > 0.0)
    k = np.arange(0, 41)
    low95, high95 = wilson_interval(k, 40, 0.95)
    low99, high99 = wilson_interval(k, 40, 0.99)
    assert np.all(low99 <= low95) and np.all(high95 <= high99)
    assert np.all((low95 <= k / 40) & (k / 40 <= high95))


def test_wilson_broadcasts():
    low, high = wilson_interval(np.array([[1], [2]]), np.array([10, 20, 30]))
    assert low.shape == high.shape == (2, 3)


@pytest.mark.parametrize(
    ("successes", "trials", "confidence", "location"),
    [
        (1, 0, 0.95, "trials"),
        (-1, 10, 0.95, "successes"),
        (11, 10, 0.95, "successes"),
        (1.5, 10, 0.95, "successes"),
        (1, float("nan"), 0.95, "trials"),
        (1, 10, 1.0, "confidence"),
        (1, 10, 0.0, "confidence"),
    ],
)
def test_wilson_rejects_bad_arguments(successes, trials, confidence, location):
    with pytest.raises(InputError) as caught:
        wilson_interval(successes, trials, confidence)
    assert caught.value.problems[0].location == location
