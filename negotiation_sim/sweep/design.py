"""Sampled designs on the unit hypercube, as pure functions of (kind, size, seed, rows).

A sweep splits a design into chunks of rows and may compute them in any process, in
any order, or again after a resume. So every function here returns rows
``[start, stop)`` of a design of ``n_samples`` points that depend only on the
arguments: any chunking, and any executor, gives the same rows bit for bit.

=====================  ===================================================================
kind                   how row ``r`` is made
=====================  ===================================================================
``monte_carlo``        Philox (counter-based) uniforms ``r * dims .. r * dims + dims - 1``,
                       reached by advancing the counter, never by drawing the rows before
``latin_hypercube``    ``(perm_j[r] + jitter) / n_samples`` in column ``j``: ``perm_j`` a
                       seeded bijection of the strata evaluated at ``r`` alone (a Feistel
                       network), the jitter Philox uniforms on a separate key
``sobol``              scrambled Sobol' (:class:`scipy.stats.qmc.Sobol`) fast-forwarded to
                       ``r``; ``n_samples`` must be a power of two
=====================  ===================================================================

Sobol' rows are ``qmc.Sobol(dims, scramble=True, rng=seed)``: scipy's ``rng=`` keyword (SPEC 7),
which for the same integer gives other points than the legacy ``seed=`` keyword.

Priors map these uniforms to parameter values through :func:`apply_inverse_cdfs`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from negotiation_sim._checking import Problems
from negotiation_sim.errors import InputError

__all__ = ["KINDS", "Whole", "apply_inverse_cdfs", "saltelli_base", "unit_samples"]

KINDS = ("monte_carlo", "latin_hypercube", "sobol")
#: Philox keys are 128 bits: the seed fills the low 64, the stream (what the uniforms are
#: for) the high 64, so Monte Carlo draws, LHS jitter and LHS permutations never overlap.
MAX_SEED = 2**64 - 1
_MONTE_CARLO, _JITTER, _PERMUTATION = 0, 1, 2
_ROUNDS = 6  # Feistel rounds of the LHS permutations
_SOBOL_MAX_DIMS = 21201  # scipy's direction numbers
_UNIT_BELOW_ONE = 1.0 - 2.0**-53  # the largest double below one
#: Whole-number arguments: Python or numpy integers (a chunk's bounds are often numpy).
Whole = int | np.integer[Any]


def unit_samples(
    kind: str,
    n_samples: Whole,
    dims: Whole,
    *,
    seed: Whole,
    start: Whole = 0,
    stop: Whole | None = None,
) -> NDArray[np.float64]:
    """Rows ``[start, stop)`` of a design of ``n_samples`` points in ``[0, 1)^dims``.

    Parameters
    ----------
    kind : {"monte_carlo", "latin_hypercube", "sobol"}
        The design (``sobol`` is scrambled; its ``n_samples`` must be a power of two).
    n_samples : int
        Points in the whole design (at least 1).
    dims : int
        Columns (at least 1).
    seed : int
        In ``[0, 2**64 - 1]``; the design is a pure function of it and the other arguments.
    start, stop : int
        The rows wanted, ``0 <= start <= stop <= n_samples`` (``stop`` defaults to
        ``n_samples``).

    Returns
    -------
    ndarray of float64, shape (stop - start, dims)

    Raises
    ------
    InputError
        For an unknown kind or a bad number, located at the argument's name.

    Examples
    --------
    Any chunking gives the same rows:

    >>> whole = unit_samples("latin_hypercube", 8, 2, seed=1)
    >>> parts = [unit_samples("latin_hypercube", 8, 2, seed=1, start=a, stop=a + 4) for a in (0, 4)]
    >>> bool((np.vstack(parts) == whole).all())
    True
    >>> sorted((whole[:, 0] * 8).astype(int).tolist())  # one point per stratum
    [0, 1, 2, 3, 4, 5, 6, 7]
    >>> unit_samples("sobol", 6, 2, seed=0)
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.InputError: n_samples: a Sobol' design needs a power of two, got 6
    """
    stop = _check_arguments(kind, n_samples, dims, seed, start, stop)
    # numpy integers as Python ints: ``seed | stream << 64`` must not overflow a uint64.
    n_samples, dims, seed, start = int(n_samples), int(dims), int(seed), int(start)
    if kind == "monte_carlo":
        return _philox_uniforms(seed, _MONTE_CARLO, start, stop, dims)
    if kind == "latin_hypercube":
        return _latin_hypercube(n_samples, dims, seed, start, stop)
    return _sobol(n_samples, dims, seed, start, stop)


def saltelli_base(
    n: Whole, d: Whole, *, seed: Whole, start: Whole = 0, stop: Whole | None = None
) -> NDArray[np.float64]:
    """Rows ``[start, stop)`` of the ``(n, 2d)`` Sobol' base of a Saltelli design.

    Columns ``[:d]`` are the matrix A and ``[d:]`` the matrix B (Saltelli 2010): one
    scrambled Sobol' sequence in ``2d`` dimensions, as SALib builds it, so A and B are
    jointly low-discrepancy. ``n`` must be a power of two.

    Examples
    --------
    >>> base = saltelli_base(4, 3, seed=2)
    >>> base.shape
    (4, 6)
    >>> bool((saltelli_base(4, 3, seed=2, start=1, stop=3) == base[1:3]).all())
    True
    """
    problems = Problems("", InputError)
    problems.whole(_plain(d), "d", low=1, high=_SOBOL_MAX_DIMS // 2)
    problems.raise_if_any()
    stop = _check_arguments("sobol", n, 2 * int(d), seed, start, stop)
    return _sobol(int(n), 2 * int(d), int(seed), int(start), stop)


def apply_inverse_cdfs(
    u: NDArray[np.float64], ppfs: Sequence[Callable[[NDArray[np.float64]], Any]]
) -> NDArray[np.float64]:
    """Map column ``j`` of unit samples ``u`` through the inverse CDF ``ppfs[j]``.

    Examples
    --------
    >>> from scipy import stats
    >>> u = np.array([[0.5, 0.25], [0.1, 0.75]])
    >>> apply_inverse_cdfs(u, [stats.uniform(2, 4).ppf, stats.norm(0, 1).ppf]).round(3)
    array([[ 4.   , -0.674],
           [ 2.4  ,  0.674]])
    """
    samples = np.asarray(u, dtype=np.float64)
    if samples.ndim != 2:
        raise InputError.at("", "u", f"expected a 2-dimensional array, got shape {samples.shape}")
    if len(ppfs) != samples.shape[1]:
        message = f"expected one inverse CDF per column ({samples.shape[1]}), got {len(ppfs)}"
        raise InputError.at("", "ppfs", message)
    out = np.empty_like(samples)
    for j, ppf in enumerate(ppfs):
        column = np.asarray(ppf(samples[:, j]), dtype=np.float64)
        if column.shape != (samples.shape[0],):
            message = f"inverse CDF gave shape {column.shape}, expected ({samples.shape[0]},)"
            raise InputError.at("", f"ppfs[{j}]", message)
        out[:, j] = column
    return out


# -- checks ------------------------------------------------------------------------------------
def _check_arguments(kind: Any, n_samples: Any, dims: Any, seed: Any, start: Any, stop: Any) -> int:
    """``stop`` (defaulted), or the InputError of every bad argument at once."""
    problems = Problems("", InputError)
    if not isinstance(kind, str):
        problems.add("kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    else:
        problems.known(kind, KINDS, "kind", "design kind")
    n = problems.whole(_plain(n_samples), "n_samples", low=1)
    problems.whole(_plain(dims), "dims", low=1, high=_SOBOL_MAX_DIMS if kind == "sobol" else None)
    problems.whole(_plain(seed), "seed", low=0, high=MAX_SEED)
    if kind == "sobol" and n is not None and n & (n - 1):
        problems.add("n_samples", f"a Sobol' design needs a power of two, got {n}")
    first = problems.whole(_plain(start), "start", low=0, high=n)
    last = n if stop is None else problems.whole(_plain(stop), "stop", low=0, high=n)
    if first is not None and last is not None and last < first:
        problems.add("stop", f"expected stop >= start ({first}), got {last}")
    problems.raise_if_any()
    assert last is not None  # checked above
    return last


def _plain(value: Any) -> Any:
    """numpy integers as Python ints, so they pass the toolkit's whole-number check."""
    return int(value) if isinstance(value, np.integer) else value


# -- the designs -------------------------------------------------------------------------------
def _philox_uniforms(
    seed: int, stream: int, start: int, stop: int, dims: int
) -> NDArray[np.float64]:
    """Uniforms ``start * dims .. stop * dims`` of one Philox stream, as rows of ``dims``.

    Philox makes four 64-bit words per counter step, so the counter is advanced to the
    first wanted word and the remainder discarded; the doubles are made as
    ``Generator.random`` makes them (top 53 bits).
    """
    offset = start * dims
    bits = np.random.Philox(key=seed | (stream << 64))
    bits.advance(offset // 4)
    bits.random_raw(offset % 4)
    raw = bits.random_raw((stop - start) * dims)
    uniforms: NDArray[np.float64] = (raw >> np.uint64(11)).astype(np.float64) * 2.0**-53
    return uniforms.reshape(stop - start, dims)


def _latin_hypercube(
    n_samples: int, dims: int, seed: int, start: int, stop: int
) -> NDArray[np.float64]:
    """Stratum ``perm_j[r]`` plus Philox jitter, over ``n_samples`` (McKay et al. 1979).

    ``perm_j`` is a keyed bijection of ``[0, n_samples)`` evaluated at the chunk's rows
    only, so a chunk costs its own size, not the design's.
    """
    round_keys = np.random.Philox(key=seed | (_PERMUTATION << 64)).random_raw((dims, _ROUNDS))
    rows = np.arange(start, stop, dtype=np.uint64)
    strata = np.empty((stop - start, dims), dtype=np.float64)
    for j in range(dims):
        strata[:, j] = _permutation(rows, n_samples, round_keys[j])
    jitter = _philox_uniforms(seed, _JITTER, start, stop, dims)
    # Rounding may reach 1.0 for huge n_samples; the design promises [0, 1).
    return np.minimum((strata + jitter) / n_samples, _UNIT_BELOW_ONE)


def _permutation(
    rows: NDArray[np.uint64], n: int, round_keys: NDArray[np.uint64]
) -> NDArray[np.uint64]:
    """``perm[rows]`` of the permutation of ``[0, n)`` keyed by ``round_keys``.

    A balanced Feistel network permutes ``[0, 4**half)`` (a bijection whatever its round
    function); cycle-walking (apply again while the image is ``>= n``) restricts it to a
    bijection of ``[0, n)``, in fewer than four steps on average since ``4**half < 4 n``.
    """
    half = max(1, ((n - 1).bit_length() + 1) // 2)
    mask = np.uint64((1 << half) - 1)
    shift = np.uint64(half)
    values = rows.copy()
    pending = np.ones(values.shape, dtype=bool)
    while pending.any():
        left, right = values[pending] >> shift, values[pending] & mask
        for key in round_keys:
            left, right = right, left ^ (_mix(right ^ key) & mask)
        values[pending] = (left << shift) | right
        pending = values >= np.uint64(n)
    return values


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64's finaliser (Steele et al. 2014): a cheap, well-mixing uint64 hash."""
    z = x + np.uint64(0x9E3779B97F4A7C15)  # uint64 array arithmetic wraps, as intended
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _sobol(n_samples: int, dims: int, seed: int, start: int, stop: int) -> NDArray[np.float64]:
    """Rows of scrambled Sobol' (scipy), fast-forwarded to ``start``."""
    from scipy.stats import qmc  # deferred: scipy is heavy

    engine = qmc.Sobol(dims, scramble=True, rng=seed)
    if start:  # scipy's fast_forward(0) overflows
        engine.fast_forward(start)
    with warnings.catch_warnings():
        # A chunk of a power-of-two design need not be a power of two itself; the
        # whole design's size was checked.
        warnings.simplefilter("ignore", UserWarning)
        rows: NDArray[np.float64] = engine.random(stop - start)
    return rows
