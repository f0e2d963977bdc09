"""The estimators of negotiation_sim.sensitivity against closed forms, published values and SALib."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest
from scipy.stats import norm

from negotiation_sim.errors import InputError
from negotiation_sim.sensitivity import (
    SobolResult,
    prim,
    saltelli_matrices,
    sobol_indices,
    wilson_interval,
)

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


# -- Sobol' indices --------------------------------------------------------------------------

# Ishigami & Homma (1990), a = 7, b = 0.1, X ~ U[-pi, pi]^3; analytic indices (MODEL.md §9):
# V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8,
# V13 = b^2 pi^8 (1/18 - 1/50).
ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1


def _ishigami_indices() -> tuple[np.ndarray, np.ndarray]:
    a, b, pi = ISHIGAMI_A, ISHIGAMI_B, math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a * a / 8
    v13 = b * b * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def _ishigami(unit: np.ndarray) -> np.ndarray:
    x = -math.pi + 2 * math.pi * unit
    x1, x2, x3 = x[..., 0], x[..., 1], x[..., 2]
    return np.sin(x1) + ISHIGAMI_A * np.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * np.sin(x1)


def test_ishigami_closed_form_matches_the_published_indices():
    first, total = _ishigami_indices()
    np.testing.assert_allclose(first, [0.3139, 0.4424, 0.0], atol=5e-5)
    np.testing.assert_allclose(total, [0.5576, 0.4424, 0.2437], atol=5e-5)


@pytest.fixture(scope="module")
def ishigami() -> SobolResult:
    from scipy.stats import qmc

    base = qmc.Sobol(6, scramble=True, seed=20261206).random_base2(13)
    a, b, ab = saltelli_matrices(base)
    return sobol_indices(_ishigami(a), _ishigami(b), _ishigami(ab), n_bootstrap=1000, seed=7)


def test_ishigami_indices_inside_their_bootstrap_intervals(ishigami):
    first, total = _ishigami_indices()
    for estimate, interval, exact in (
        (ishigami.first, ishigami.first_interval, first),
        (ishigami.total, ishigami.total_interval, total),
    ):
        assert np.all((interval[:, 0] <= exact) & (exact <= interval[:, 1])), (interval, exact)
        assert np.all((interval[:, 0] <= estimate) & (estimate <= interval[:, 1]))
        # N = 2^13 scrambled Sobol' points: within 0.02 of the analytic values.
        np.testing.assert_allclose(estimate, exact, atol=0.02)
        assert np.all(interval[:, 1] - interval[:, 0] < 0.1)


def test_bootstrap_is_seeded_and_nests_with_confidence():
    from scipy.stats import qmc

    a, b, ab = saltelli_matrices(qmc.Sobol(6, seed=3).random(512))
    args = (_ishigami(a), _ishigami(b), _ishigami(ab))
    one = sobol_indices(*args, n_bootstrap=300, seed=5)
    two = sobol_indices(*args, n_bootstrap=300, seed=5)
    np.testing.assert_array_equal(one.first_interval, two.first_interval)
    wide = sobol_indices(*args, n_bootstrap=300, seed=5, confidence=0.99)
    assert np.all(wide.total_interval[:, 0] <= one.total_interval[:, 0])
    assert np.all(one.total_interval[:, 1] <= wide.total_interval[:, 1])


def test_indices_do_not_change_with_a_shift_or_scale_of_the_output():
    from scipy.stats import qmc

    a, b, ab = saltelli_matrices(qmc.Sobol(6, seed=4).random(256))
    base = sobol_indices(_ishigami(a), _ishigami(b), _ishigami(ab), n_bootstrap=10)
    moved = sobol_indices(
        3 * _ishigami(a) + 1e4, 3 * _ishigami(b) + 1e4, 3 * _ishigami(ab) + 1e4, n_bootstrap=10
    )
    np.testing.assert_allclose(moved.first, base.first, atol=1e-9)
    np.testing.assert_allclose(moved.total, base.total, atol=1e-9)


def test_saltelli_matrices_swap_one_column():
    rng = np.random.default_rng(0)
    base = rng.random((50, 8))
    a, b, ab = saltelli_matrices(base)
    assert ab.shape == (4, 50, 4)
    for i in range(4):
        for j in range(4):
            np.testing.assert_array_equal(ab[i][:, j], b[:, i] if i == j else a[:, j])
    np.testing.assert_array_equal(np.hstack([a, b]), base)


@pytest.mark.parametrize(
    ("base", "message"),
    [(np.zeros((4, 3)), "shape"), (np.zeros(4), "shape"), (np.full((4, 2), 1.0), "[0, 1)")],
)
def test_saltelli_matrices_reject_bad_bases(base, message):
    with pytest.raises(InputError, match=re.escape(message)):
        saltelli_matrices(base)


@pytest.mark.parametrize(
    ("kwargs", "location"),
    [
        ({"f_A": np.ones(5), "f_B": np.ones(5)}, "f_A, f_B"),  # constant: V = 0
        ({"f_B": np.zeros(4)}, "f_B"),
        ({"f_AB": np.zeros((2, 4))}, "f_AB"),
        ({"f_A": np.array([0.0, 1.0, np.nan, 2.0, 3.0])}, "f_A"),
        ({"n_bootstrap": 0}, "n_bootstrap"),
        ({"n_bootstrap": 2.5}, "n_bootstrap"),
        ({"confidence": 1.5}, "confidence"),
        ({"names": ["x"]}, "names"),
    ],
)
def test_sobol_indices_reject_bad_arguments(kwargs, location):
    rng = np.random.default_rng(1)
    args: dict[str, Any] = {"f_A": rng.random(5), "f_B": rng.random(5), "f_AB": rng.random((2, 5))}
    args.update(kwargs)
    with pytest.raises(InputError) as caught:
        sobol_indices(**args)
    assert caught.value.problems[0].location == location


# -- SALib as an oracle (test-only dependency) -----------------------------------------------


def _salib():
    return pytest.importorskip("SALib", reason="SALib (test extra) not installed: skipping oracle")


def _salib_design(d: int, n: int, seed: int):
    """SALib's own sample (no second order) and our A, B, AB rebuilt from its rows."""
    _salib()
    from SALib.sample import sobol as sobol_sample  # type: ignore[import-untyped]

    problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
    x = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    rows = x.reshape(n, d + 2, d)  # per base row: A, AB_1 .. AB_d, B
    return problem, x, rows


def test_our_design_matches_salib_layout():
    _, _, rows = _salib_design(3, 256, seed=11)
    a, b, ab = saltelli_matrices(np.hstack([rows[:, 0], rows[:, -1]]))
    np.testing.assert_array_equal(a, rows[:, 0])
    np.testing.assert_array_equal(b, rows[:, -1])
    np.testing.assert_array_equal(ab, rows[:, 1:-1].transpose(1, 0, 2))


def test_estimators_equal_salib_formulas_to_1e10():
    _salib()
    from SALib.analyze import sobol as sobol_analyze  # type: ignore[import-untyped]

    _, _, rows = _salib_design(3, 1024, seed=12)
    y = _ishigami(rows)  # shape (N, d + 2)
    f_a, f_ab, f_b = y[:, 0], y[:, 1:-1].T, y[:, -1]
    ours = sobol_indices(f_a, f_b, f_ab, n_bootstrap=10)
    # SALib's estimator functions, on the same values centred the same way.
    centre = np.concatenate([f_a, f_b]).mean()
    a, b, ab = f_a - centre, f_b - centre, f_ab - centre
    first = [sobol_analyze.first_order(a, ab[i], b) for i in range(3)]
    total = [sobol_analyze.total_order(a, ab[i], b) for i in range(3)]
    np.testing.assert_allclose(ours.first, first, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.total, total, rtol=0, atol=1e-10)


def test_ishigami_agrees_with_salib_analyze_within_intervals():
    _salib()
    from SALib.analyze import sobol as sobol_analyze

    problem, _, rows = _salib_design(3, 2**12, seed=13)
    y = _ishigami(rows)
    ours = sobol_indices(y[:, 0], y[:, -1], y[:, 1:-1].T, n_bootstrap=500, seed=1)
    # SALib standardises by the mean over all N (d + 2) values, so its first-order estimate
    # differs from ours by sampling noise: compare within the wider of the two intervals.
    theirs = sobol_analyze.analyze(problem, y.ravel(), calc_second_order=False, seed=1)
    for mine, interval, salib, conf in (
        (ours.first, ours.first_interval, theirs["S1"], theirs["S1_conf"]),
        (ours.total, ours.total_interval, theirs["ST"], theirs["ST_conf"]),
    ):
        half = np.maximum((interval[:, 1] - interval[:, 0]) / 2, conf)
        assert np.all(np.abs(mine - salib) <= half), (mine, salib, half)
        np.testing.assert_allclose(mine, salib, atol=0.02)


# -- PRIM ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def noisy_box():
    """y = (x0 > 0.6 and x1 < 0.3) with 5% of labels flipped; x2 is irrelevant."""
    rng = np.random.default_rng(42)
    x = rng.random((5000, 3))
    y = ((x[:, 0] > 0.6) & (x[:, 1] < 0.3)) ^ (rng.random(5000) < 0.05)
    return x, y, prim(x, y, alpha=0.05, min_mass=0.05, min_density=0.9)


def test_prim_recovers_a_known_box(noisy_box):
    _, _, result = noisy_box
    lower, upper = result.box()
    np.testing.assert_allclose([lower[0], upper[1]], [0.6, 0.3], atol=0.03)
    # The other limits stay at the edges of the data: those inputs do not matter.
    assert lower[1] < 0.02 and lower[2] < 0.02
    assert upper[0] > 0.98 and upper[2] > 0.98
    assert result.density[result.chosen] > 0.9


def test_prim_trajectory_counts_by_brute_force(noisy_box):
    x, y, result = noisy_box
    for k in range(len(result.mass)):
        inside = np.all((x >= result.lower[k]) & (x <= result.upper[k]), axis=1)
        assert result.mass[k] == pytest.approx(inside.mean(), abs=1e-12)
        assert result.density[k] == pytest.approx(y[inside].mean(), abs=1e-12)
        assert result.coverage[k] == pytest.approx(y[inside].sum() / y.sum(), abs=1e-12)
    ratio = result.mass[1:] / result.mass[:-1]
    assert np.all((ratio < 1.0) & (ratio > 0.94))  # each peel removes about alpha of the box
    assert result.mass[-1] >= 0.05 and result.mass[-1] * 0.95 < 0.05 + 1e-3
    assert np.all(np.diff(result.coverage) <= 0)
    dense = result.density >= 0.9
    assert result.coverage[result.chosen] == result.coverage[dense].max()


def test_prim_terminates_on_ties_and_falls_back_to_the_densest_box():
    rng = np.random.default_rng(5)
    x = rng.integers(0, 3, size=(300, 2)).astype(float)
    y = rng.random(300) < 0.3  # no structure: no box reaches density 0.9
    result = prim(x, y, min_density=0.99)
    assert result.chosen == int(np.argmax(result.density))
    assert np.all(np.diff(result.mass) < 0)


@pytest.mark.parametrize(
    ("x", "y", "kwargs", "location"),
    [
        (np.zeros((4, 2)), np.array([True] * 3), {}, "y"),
        (np.zeros(4), np.ones(4, bool), {}, "x"),
        (np.full((4, 1), np.nan), np.ones(4, bool), {}, "x"),
        (np.zeros((4, 1)), np.zeros(4, bool), {}, "y"),
        (np.zeros((4, 1)), np.array([0, 2, 1, 1]), {}, "y"),
        (np.zeros((4, 1)), np.ones(4, bool), {"alpha": 0.5}, "alpha"),
        (np.zeros((4, 1)), np.ones(4, bool), {"min_mass": 0.0}, "min_mass"),
        (np.zeros((4, 1)), np.ones(4, bool), {"min_density": 1.5}, "min_density"),
    ],
)
def test_prim_rejects_bad_arguments(x, y, kwargs, location):
    with pytest.raises(InputError) as caught:
        prim(x, y, **kwargs)
    assert caught.value.problems[0].location == location


def test_prim_quasi_pvalues_are_binomial_tails_of_dropping_each_restriction():
    # y depends on x0 alone: the x0 restriction is overwhelmingly significant; each other
    # restriction's value is checked against its definition, computed here by hand.
    rng = np.random.default_rng(11)
    x = rng.random((3000, 4))
    y = (x[:, 0] > 0.6) & (rng.random(3000) < 0.7)
    result = prim(x, y, min_density=0.99)
    lower, upper = result.box()
    outer_lower, outer_upper = result.box(0)
    restricted = (lower > outer_lower) | (upper < outer_upper)
    assert result.pvalues is not None
    assert np.array_equal(np.isnan(result.pvalues), ~restricted)
    assert restricted[0] and result.pvalues[0] < 1e-12
    inside = np.all((x >= lower) & (x <= upper), axis=1)
    n, hits = int(inside.sum()), int(y[inside].sum())
    for j in np.flatnonzero(restricted):
        keep = [i for i in range(4) if i != j]
        wider = np.all((x[:, keep] >= lower[keep]) & (x[:, keep] <= upper[keep]), axis=1)
        p = float(y[wider].mean())
        tail = sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(hits, n + 1))
        assert result.pvalues[j] == pytest.approx(tail, rel=1e-9, abs=1e-300)
