"""Shared hypothesis strategies for games and profiles.

Small bounded integer payoffs make ties and degenerate games common, which is
where solvers break; ``real=True`` gives generic (almost surely
non-degenerate) games. All strategies are keyword-only.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from negotiation_sim import Game
from negotiation_sim.bayesian import BayesianGame


@st.composite
def shapes(
    draw: st.DrawFn,
    *,
    min_actors: int = 2,
    max_actors: int = 4,
    min_options: int = 1,
    max_options: int = 4,
    max_profiles: int = 256,
) -> tuple[int, ...]:
    """Numbers of options per actor, with at most ``max_profiles`` profiles."""
    n = draw(st.integers(min_actors, max_actors))
    sizes: list[int] = []
    for _ in range(n):
        room = max_profiles // max(1, math.prod(sizes))
        upper = max(min_options, min(max_options, room))
        sizes.append(draw(st.integers(min_options, upper)))
    return tuple(sizes)


@st.composite
def payoff_tensors(
    draw: st.DrawFn,
    *,
    shape: tuple[int, ...],
    real: bool = False,
    low: int = -3,
    high: int = 3,
) -> np.ndarray:
    """A payoff tensor of shape ``(n, *shape)``: small integers, or generic reals."""
    full = (len(shape), *shape)
    if real:
        seed = draw(st.integers(0, 2**32 - 1))
        return np.random.default_rng(seed).normal(size=full)
    return draw(hnp.arrays(np.int64, full, elements=st.integers(low, high))).astype(np.float64)


@st.composite
def games(
    draw: st.DrawFn,
    *,
    min_actors: int = 2,
    max_actors: int = 4,
    min_options: int = 1,
    max_options: int = 4,
    real: bool | None = None,
    max_profiles: int = 256,
) -> Game:
    """Games of 2–4 actors with 1–4 options; integer payoffs unless ``real``.

    ``real=None`` draws both kinds.
    """
    shape = draw(
        shapes(
            min_actors=min_actors,
            max_actors=max_actors,
            min_options=min_options,
            max_options=max_options,
            max_profiles=max_profiles,
        )
    )
    kind = draw(st.booleans()) if real is None else real
    return Game(draw(payoff_tensors(shape=shape, real=kind)))


def bimatrix_games(
    *, min_options: int = 1, max_options: int = 4, real: bool | None = None
) -> st.SearchStrategy[Game]:
    """Two-actor games."""
    return games(
        min_actors=2, max_actors=2, min_options=min_options, max_options=max_options, real=real
    )


@st.composite
def zero_sum_games(
    draw: st.DrawFn, *, min_options: int = 1, max_options: int = 4, real: bool | None = None
) -> Game:
    """Two-actor zero-sum games."""
    game = draw(bimatrix_games(min_options=min_options, max_options=max_options, real=real))
    return Game.zero_sum(game.payoffs[0])


@st.composite
def affine_maps(draw: st.DrawFn, *, n_actors: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-actor positive scales and shifts (u_i -> a_i u_i + b_i)."""
    scales = draw(
        st.lists(
            st.sampled_from([0.25, 0.5, 1.0, 2.0, 3.0, 10.0]), min_size=n_actors, max_size=n_actors
        )
    )
    shifts = draw(st.lists(st.integers(-20, 20), min_size=n_actors, max_size=n_actors))
    return np.array(scales), np.array(shifts, dtype=np.float64)


@st.composite
def mixed_profiles(draw: st.DrawFn, *, shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """A mixed profile for a game of the given shape (some entries exactly zero)."""
    profile = []
    for k in shape:
        weights = np.array(
            draw(st.lists(st.integers(0, 4), min_size=k, max_size=k)), dtype=np.float64
        )
        if weights.sum() == 0:
            weights[draw(st.integers(0, k - 1))] = 1.0
        profile.append(weights / weights.sum())
    return tuple(profile)


@st.composite
def tie_heavy_games(draw: st.DrawFn, *, max_options: int = 4) -> Game:
    """Two-actor games with payoffs all 0, in {0, 1}, {-1, 0, 1} or -3..3: ties everywhere."""
    shape = (draw(st.integers(1, max_options)), draw(st.integers(1, max_options)))
    low, high = draw(st.sampled_from([(0, 0), (0, 1), (-1, 1), (-3, 3)]))
    return Game(draw(payoff_tensors(shape=shape, low=low, high=high)))


# ---------------------------------------------------------------------------------------
# Bargaining: finite payoff point sets (rows = outcomes, columns = actors).
# Added for tests/test_bargaining.py; existing strategies above are unchanged.
# ---------------------------------------------------------------------------------------


@st.composite
def payoff_point_sets(
    draw: st.DrawFn,
    *,
    min_actors: int = 2,
    max_actors: int = 4,
    min_points: int = 1,
    max_points: int = 8,
    real: bool | None = None,
    low: int = -3,
    high: int = 5,
) -> np.ndarray:
    """Payoff points of shape ``(m, n)``: small integers (ties) or generic reals.

    ``real=None`` draws both kinds.
    """
    n = draw(st.integers(min_actors, max_actors))
    m = draw(st.integers(min_points, max_points))
    kind = draw(st.booleans()) if real is None else real
    if kind:
        seed = draw(st.integers(0, 2**32 - 1))
        return np.random.default_rng(seed).uniform(low, high, size=(m, n))
    return draw(hnp.arrays(np.int64, (m, n), elements=st.integers(low, high))).astype(np.float64)


@st.composite
def bargaining_problems(
    draw: st.DrawFn,
    *,
    min_actors: int = 2,
    max_actors: int = 4,
    max_points: int = 8,
    real: bool | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(points, disagreement)``, the disagreement point having small integer entries."""
    points = draw(
        payoff_point_sets(
            min_actors=min_actors, max_actors=max_actors, max_points=max_points, real=real
        )
    )
    n = points.shape[1]
    d = draw(st.lists(st.integers(-2, 1), min_size=n, max_size=n))
    return points, np.array(d, dtype=np.float64)


@st.composite
def symmetric_bimatrix_games(
    draw: st.DrawFn, *, min_options: int = 1, max_options: int = 4, real: bool | None = None
) -> Game:
    """Symmetric two-actor games: the column actor's matrix is the row actor's transposed."""
    k = draw(st.integers(min_options, max_options))
    kind = draw(st.booleans()) if real is None else real
    a = draw(payoff_tensors(shape=(k, k), real=kind))[0]
    return Game.from_bimatrix(a, a.T)


# ---------------------------------------------------------------------------------------
# Bayesian games: types, a prior over type profiles (tests/test_bayes_nash.py and friends).
# ---------------------------------------------------------------------------------------


@st.composite
def dyadic_priors(draw: st.DrawFn, *, type_counts: tuple[int, ...], draws: int = 8) -> np.ndarray:
    """A prior over type profiles with probabilities in multiples of ``1 / draws`` (a power of 2).

    ``draws`` type profiles are drawn with replacement and counted, so some profiles (and
    types) often get probability 0, and every probability and every payoff times it is exact
    in binary: interim payoffs tie exactly where they tie in exact arithmetic.
    """
    profiles = math.prod(type_counts)
    picks = draw(st.lists(st.integers(0, profiles - 1), min_size=draws, max_size=draws))
    counts = np.bincount(picks, minlength=profiles).astype(np.float64)
    return (counts / draws).reshape(type_counts)


@st.composite
def bayesian_games(
    draw: st.DrawFn,
    *,
    min_actors: int = 2,
    max_actors: int = 3,
    max_types: int = 2,
    max_options: int = 3,
    max_agent_profiles: int = 64,
    low: int = -3,
    high: int = 3,
) -> BayesianGame:
    """Small Bayesian games: integer payoffs per type profile, a dyadic (often correlated) prior.

    At most ``max_agent_profiles`` profiles in the agent normal form (``prod_i k_i**T_i``).
    """
    n = draw(st.integers(min_actors, max_actors))
    types: list[int] = []
    options: list[int] = []
    for _ in range(n):
        room = max_agent_profiles // max(
            1, math.prod(k**t for k, t in zip(options, types, strict=True))
        )
        t = draw(st.integers(1, max_types))
        k_max = max(1, min(max_options, int(room ** (1 / t) + 1e-9)))
        types.append(t)
        options.append(draw(st.integers(1, k_max)))
    payoffs = draw(
        hnp.arrays(np.int64, (n, *types, *options), elements=st.integers(low, high))
    ).astype(np.float64)
    prior = draw(dyadic_priors(type_counts=tuple(types)))
    return BayesianGame(payoffs, prior)
