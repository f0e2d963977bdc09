"""Sampled designs: rows are a pure function of (kind, size, seed, rows), whatever the chunking.

Oracles: numpy's own ``Generator(Philox(key=seed)).random`` (Monte Carlo), scipy's own
``qmc.Sobol(d, rng=seed).random(n)`` (Sobol' and the Saltelli base), the definition of a
Latin hypercube (one point per stratum per column), and the normal bound on a sample mean.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats import qmc

from negotiation_sim.errors import InputError
from negotiation_sim.sweep.design import (
    KINDS,
    apply_inverse_cdfs,
    saltelli_base,
    unit_samples,
)


@st.composite
def chunked_designs(draw: st.DrawFn) -> tuple[str, int, int, int, list[int]]:
    """A kind, its size, dims, seed and sorted chunk boundaries from 0 to the size."""
    kind = draw(st.sampled_from(KINDS))
    n = 2 ** draw(st.integers(0, 8)) if kind == "sobol" else draw(st.integers(1, 200))
    dims = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**64 - 1))
    inner = draw(st.lists(st.integers(0, n), max_size=6))
    return kind, n, dims, seed, [0, *sorted(inner), n]


@settings(max_examples=150, deadline=None)
@given(chunked_designs())
def test_any_chunking_gives_the_same_rows_bit_for_bit(
    design: tuple[str, int, int, int, list[int]],
) -> None:
    kind, n, dims, seed, bounds = design
    whole = unit_samples(kind, n, dims, seed=seed)
    assert whole.shape == (n, dims) and whole.dtype == np.float64
    chunks = [
        unit_samples(kind, n, dims, seed=seed, start=a, stop=b)
        for a, b in itertools.pairwise(bounds)
    ]
    assert np.array_equal(np.vstack(chunks), whole)
    assert ((whole >= 0.0) & (whole < 1.0)).all()


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 9), st.integers(1, 4), st.integers(0, 2**64 - 1), st.data())
def test_saltelli_base_is_scipys_sobol_in_2d_dimensions_whatever_the_chunking(
    log_n: int, d: int, seed: int, data: st.DataObject
) -> None:
    n = 2**log_n
    whole = saltelli_base(n, d, seed=seed)
    assert np.array_equal(whole, qmc.Sobol(2 * d, scramble=True, rng=seed).random(n))
    start = data.draw(st.integers(0, n))
    stop = data.draw(st.integers(start, n))
    assert np.array_equal(saltelli_base(n, d, seed=seed, start=start, stop=stop), whole[start:stop])


@pytest.mark.parametrize("seed", [0, 7, 2**64 - 1])
def test_sobol_rows_are_scipys_own_scrambled_sobol(seed: int) -> None:
    expected = qmc.Sobol(3, scramble=True, rng=seed).random(256)
    assert np.array_equal(unit_samples("sobol", 256, 3, seed=seed), expected)
    assert np.array_equal(
        unit_samples("sobol", 256, 3, seed=seed, start=100, stop=130), expected[100:130]
    )


@pytest.mark.parametrize("seed", [0, 12345, 2**64 - 1])
def test_monte_carlo_rows_are_numpys_philox_generator(seed: int) -> None:
    expected = np.random.Generator(np.random.Philox(key=seed)).random((97, 3))
    assert np.array_equal(unit_samples("monte_carlo", 97, 3, seed=seed), expected)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.integers(1, 5), st.integers(0, 2**64 - 1))
def test_latin_hypercube_has_one_point_per_stratum_in_every_dimension(
    n: int, dims: int, seed: int
) -> None:
    design = unit_samples("latin_hypercube", n, dims, seed=seed)
    strata = np.floor(design * n).astype(np.int64)
    for j in range(dims):
        assert sorted(strata[:, j].tolist()) == list(range(n))


def test_latin_hypercube_columns_are_not_all_the_same_permutation() -> None:
    strata = np.floor(unit_samples("latin_hypercube", 50, 3, seed=4) * 50)
    assert not np.array_equal(strata[:, 0], strata[:, 1])
    assert not np.array_equal(strata[:, 1], strata[:, 2])


def test_latin_hypercube_columns_and_row_order_are_uncorrelated_within_a_99_percent_bound() -> None:
    n, dims = 10_000, 4
    design = unit_samples("latin_hypercube", n, dims, seed=3)
    ranks = stats.spearmanr(np.column_stack([np.arange(n), design])).statistic
    pairs = [(a, b) for a in range(dims + 1) for b in range(a + 1, dims + 1)]
    # Under independence a Spearman rho is ~N(0, 1/(n-1)); Bonferroni over the pairs.
    bound = stats.norm.ppf(1 - 0.01 / (2 * len(pairs))) / math.sqrt(n - 1)
    assert max(abs(ranks[a, b]) for a, b in pairs) < bound


@pytest.mark.parametrize("kind", KINDS)
def test_different_seeds_give_different_designs(kind: str) -> None:
    first = unit_samples(kind, 64, 2, seed=1)
    second = unit_samples(kind, 64, 2, seed=2)
    assert not np.array_equal(first, second)
    # Sobol' and LHS keep their structure, so compare points, not just marginals.
    assert np.abs(first - second).max() > 0.1


def test_monte_carlo_marginal_means_within_a_99_percent_bound() -> None:
    n, dims = 20_000, 4
    design = unit_samples("monte_carlo", n, dims, seed=2024)
    # U(0, 1) has variance 1/12; a Bonferroni 99% bound over the four columns.
    z = stats.norm.ppf(1 - 0.01 / (2 * dims))
    bound = z * math.sqrt(1 / 12 / n)
    assert np.abs(design.mean(axis=0) - 0.5).max() < bound
    # And the streams of the columns are not copies of each other.
    correlation = np.atleast_2d(np.corrcoef(design, rowvar=False))
    assert abs(correlation[0, 1]) < z / math.sqrt(n)


def test_rows_from_a_spawned_process_pool_equal_in_process_rows() -> None:
    context = multiprocessing.get_context("spawn")
    jobs = [
        (kind, n) for kind, n in (("monte_carlo", 100), ("latin_hypercube", 100), ("sobol", 128))
    ]
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = {
            (kind, a): pool.submit(unit_samples, kind, n, 3, seed=99, start=a, stop=min(a + 30, n))
            for kind, n in jobs
            for a in range(0, n, 30)
        }
        remote = {key: future.result(timeout=60) for key, future in futures.items()}
    for kind, n in jobs:
        whole = unit_samples(kind, n, 3, seed=99)
        assert np.array_equal(np.vstack([remote[kind, a] for a in range(0, n, 30)]), whole)


def test_apply_inverse_cdfs_maps_each_column_through_its_own_ppf() -> None:
    u = unit_samples("latin_hypercube", 40, 3, seed=5)
    values = apply_inverse_cdfs(
        u, [lambda x: 0.1 + 0.3 * x, stats.norm(2.0, 0.5).ppf, stats.beta(2, 5).ppf]
    )
    assert np.array_equal(values[:, 0], 0.1 + 0.3 * u[:, 0])
    # The inverse CDF undone by the CDF (an independent check of the column order).
    assert np.allclose(stats.norm(2.0, 0.5).cdf(values[:, 1]), u[:, 1], atol=1e-12)
    assert np.allclose(stats.beta(2, 5).cdf(values[:, 2]), u[:, 2], atol=1e-12)


def _locations(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [problem.location for problem in error.value.problems]


@pytest.mark.parametrize(
    ("kwargs", "location", "text"),
    [
        ({"kind": "sobl"}, "kind", "did you mean"),
        ({"kind": 3}, "kind", "expected one of"),
        ({"n_samples": 0}, "n_samples", ">= 1"),
        ({"n_samples": True}, "n_samples", "whole number"),
        ({"n_samples": 2.0}, "n_samples", "whole number"),
        ({"kind": "sobol", "n_samples": 6}, "n_samples", "power of two"),
        ({"dims": 0}, "dims", ">= 1"),
        ({"kind": "sobol", "dims": 30_000}, "dims", "<= 21201"),
        ({"seed": -1}, "seed", ">= 0"),
        ({"seed": 2**64}, "seed", "<= 18446744073709551615"),
        ({"seed": 1.5}, "seed", "whole number"),
        ({"start": 9}, "start", "<= 8"),
        ({"stop": 9}, "stop", "<= 8"),
        ({"start": 5, "stop": 3}, "stop", "stop >= start"),
    ],
)
def test_bad_arguments_raise_one_located_input_error(
    kwargs: dict[str, object], location: str, text: str
) -> None:
    arguments: dict[str, object] = {"kind": "monte_carlo", "n_samples": 8, "dims": 2, "seed": 0}
    arguments |= kwargs
    with pytest.raises(InputError) as error:
        unit_samples(**arguments)  # type: ignore[arg-type]
    assert _locations(error) == [location]
    assert text in str(error.value)


def test_every_bad_argument_is_reported_at_once() -> None:
    with pytest.raises(InputError) as error:
        unit_samples("lhs", 0, 0, seed=-3)
    assert _locations(error) == ["kind", "n_samples", "dims", "seed"]


@pytest.mark.parametrize("kind", KINDS)
def test_numpy_integers_are_accepted_as_whole_numbers(kind: str) -> None:
    seed = np.uint64(2**64 - 1)
    design = unit_samples(kind, np.int64(8), np.int32(2), seed=seed, start=np.int64(1))
    assert np.array_equal(design, unit_samples(kind, 8, 2, seed=2**64 - 1, start=1))
    assert np.array_equal(
        saltelli_base(np.int64(4), np.int8(2), seed=seed), saltelli_base(4, 2, seed=2**64 - 1)
    )


@pytest.mark.parametrize(
    ("call", "location"),
    [
        (lambda: saltelli_base(8, 0, seed=0), "d"),
        (lambda: saltelli_base(6, 2, seed=0), "n_samples"),
        (lambda: apply_inverse_cdfs(np.zeros(3), [np.asarray]), "u"),
        (lambda: apply_inverse_cdfs(np.zeros((3, 2)), [np.asarray]), "ppfs"),
        (lambda: apply_inverse_cdfs(np.zeros((3, 1)), [lambda x: x[:2]]), "ppfs[0]"),
    ],
)
def test_bad_saltelli_and_inverse_cdf_arguments_are_located(call: object, location: str) -> None:
    with pytest.raises(InputError) as error:
        call()  # type: ignore[operator]
    assert _locations(error) == [location]
