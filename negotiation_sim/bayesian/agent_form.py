"""The Harsanyi transformation: a Bayesian game's agent normal form, one game or a batch.

The agent normal form has one *agent* per (actor, type), actor-major: the agents of actor 0's
types first, then actor 1's, and so on. Agent ``(i, theta_i)`` chooses among actor ``i``'s
options, and its payoff at an agent profile ``a`` is the interim payoff::

    sum_{theta_-i} p(theta_-i | theta_i) u_i(a_{1, theta_1}, ..., a_{n, theta_n}; theta)

Its Nash equilibria are the Bayes–Nash equilibria (MODEL.md §7), so every solver of
:mod:`negotiation_sim.solvers` applies. A type of prior probability 0 has no beliefs: its
agent gets payoff 0 at every profile, so any of its options is a best reply.
"""

from __future__ import annotations

import itertools
import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import GameError
from ..game import DEFAULT_TOL, FloatArray, Game, float_array
from ..solvers._checks import check_tol
from ..solvers.pure import pure_equilibria
from .game import BayesianGame

__all__ = [
    "MAX_AGENT_PROFILES",
    "agent_form_payoffs",
    "agent_labels",
    "agent_normal_form",
    "pure_bayes_nash",
]

#: Agent profiles (``prod_i k_i**T_i``) of an agent normal form, at most: each is a cell of a
#: dense tensor, per point.
MAX_AGENT_PROFILES = 1_000_000
#: Agents at most: the form has an axis per agent (plus two), and numpy arrays have at most 64.
_MAX_AGENTS = 62

#: Agent-form payoffs (floats) built at once by :func:`pure_bayes_nash`: bounds its memory.
_BLOCK_ENTRIES = 2_000_000


def agent_normal_form(game: BayesianGame) -> Game:
    """The agent normal form of ``game``: one agent per (actor, type), interim payoffs.

    Agents are actor-major and labelled ``"actor:type"``; each has its actor's options. A
    type of prior probability 0 gets payoff 0 everywhere (module docstring).

    Examples
    --------
    The first actor is "hawk" or "dove", equally likely; the second is untyped:

    >>> u = np.zeros((2, 2, 1, 2, 2))
    >>> u[0, 0] = [[3, 3], [0, 0]]  # the hawk likes its option 0
    >>> u[0, 1] = [[0, 0], [2, 2]]  # the dove its option 1
    >>> u[1, :, 0] = [[[1, 0], [1, 0]], [[0, 1], [0, 1]]]  # the second matches the type
    >>> anf = agent_normal_form(BayesianGame(u, [[0.5], [0.5]], actors=("a", "b"),
    ...                                      types=(("hawk", "dove"), ("-",))))
    >>> anf.actors, anf.shape
    (('a:hawk', 'a:dove', 'b:-'), (2, 2, 2))
    >>> anf.payoff((0, 1, 0)).tolist()  # b gets 1 from the hawk's type only
    [3.0, 2.0, 0.5]
    """
    if not isinstance(game, BayesianGame):
        raise GameError(f"game: expected a BayesianGame, got {type(game).__name__}")
    payoffs = agent_form_payoffs(game.payoffs[..., None], game.prior[..., None])[..., 0]
    options = [game.options[i] for i, count in enumerate(game.type_counts) for _ in range(count)]
    return Game(payoffs, agent_labels(game), options)


def agent_labels(game: BayesianGame) -> tuple[str, ...]:
    """The agents' labels, ``"actor:type"``, actor-major.

    >>> agent_labels(BayesianGame(np.zeros((2, 2, 1, 1, 1)), [[0.5], [0.5]], actors=("a", "b")))
    ('a:0', 'a:1', 'b:0')
    """
    return tuple(
        f"{actor}:{kind}"
        for actor, kinds in zip(game.actors, game.types, strict=True)
        for kind in kinds
    )


def agent_form_payoffs(
    payoffs: ArrayLike,
    prior: ArrayLike,
    *,
    batch_axis: Literal["first", "last"] = "last",
    tol: float = DEFAULT_TOL,
) -> FloatArray:
    """Agent-normal-form payoffs of a batch of Bayesian games of one shape.

    Parameters
    ----------
    payoffs : array_like, shape (n, T_1..T_n, k_1..k_n, B)
        ``u_i(s; theta)`` at each of ``B`` parameter points (batch-first: ``(B, n, ...)``).
    prior : array_like, shape (T_1..T_n, B)
        The prior at each point (batch-first: ``(B, T_1..T_n)``); checked as
        :func:`~negotiation_sim.bayesian.game.check_prior` checks one.
    batch_axis : {"last", "first"}
        Where the one batch axis is.
    tol : float
        Tolerance of the priors' checks.

    Returns
    -------
    ndarray, shape (N, k_1 (T_1 times), ..., k_n (T_n times), B)
        ``N = T_1 + ... + T_n`` agents, actor-major (batch-first: ``B`` first). Built with one
        vectorised pass per (actor, type profile): no loop over the points.

    Examples
    --------
    Two points of one game, where the typed first actor's prior differs:

    >>> u = np.zeros((2, 2, 1, 1, 2, 2))
    >>> u[1, 0, 0, 0] = [[1, 1], [0, 0]]  # facing type 0, the second wants option 0
    >>> u[1, 1, 0, 0] = [[0, 0], [1, 1]]  # facing type 1, option 1 (rows: options)
    >>> prior = np.array([[[0.9, 0.2]], [[0.1, 0.8]]])
    >>> anf = agent_form_payoffs(u, prior)
    >>> anf.shape
    (3, 1, 1, 2, 2)
    >>> anf[2, 0, 0, :, 0].tolist(), anf[2, 0, 0, :, 1].tolist()
    ([0.9, 0.1], [0.2, 0.8])
    """
    tensor = float_array(payoffs, "payoffs", "a numeric array (n, T.., k.., B)")
    table = float_array(prior, "prior", "a probability per type profile and point")
    if batch_axis == "first":
        result = agent_form_payoffs(
            np.moveaxis(tensor, 0, -1) if tensor.ndim else tensor,
            np.moveaxis(table, 0, -1) if table.ndim else table,
            tol=tol,
        )
        return np.moveaxis(result, -1, 0)
    if batch_axis != "last":
        raise GameError(f"batch_axis: expected 'first' or 'last', got {batch_axis!r}")
    n, types, options = _batch_shape(tensor.shape, table.shape)
    _check_priors(table, tol)
    if not np.isfinite(tensor).all():
        at = tuple(int(v) for v in np.argwhere(~np.isfinite(tensor))[0])
        raise GameError(f"payoffs: values must be finite, got {tensor[at]} at index {at}")
    return _agent_payoffs(tensor, np.clip(table, 0.0, None), n, types, options)


def _batch_shape(
    payoffs: tuple[int, ...], prior: tuple[int, ...]
) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
    """``(n, types, options)`` of batch-last shapes, or a :class:`GameError` naming both."""
    n = int(payoffs[0]) if payoffs else 0
    if n < 2 or len(payoffs) != 2 * n + 2 or min(payoffs[1:]) < 1:
        raise GameError(
            "payoffs: expected batch-last shape (n, T_1..T_n, k_1..k_n, B) with n >= 2 actors, "
            f"each with a type and an option, got shape {payoffs}"
        )
    types = payoffs[1 : n + 1]
    if prior != (*types, payoffs[-1]):
        raise GameError(
            f"prior: expected shape {(*types, payoffs[-1])} (T_1..T_n, B) to match the payoffs "
            f"{payoffs}, got {prior}"
        )
    options = payoffs[n + 1 : 2 * n + 1]
    agents = sum(types)
    profiles = math.prod(k**t for k, t in zip(options, types, strict=True))
    if agents > _MAX_AGENTS or profiles > MAX_AGENT_PROFILES:
        raise GameError(
            f"payoffs: the agent normal form would have {agents} agents and {profiles:,} agent "
            f"profiles (prod k_i**T_i); at most {_MAX_AGENTS} agents and "
            f"{MAX_AGENT_PROFILES:,} profiles are supported"
        )
    return n, types, options


def _check_priors(table: FloatArray, tol: float) -> None:
    """Every point's prior is finite, ``>= -tol`` and sums to 1 within ``tol``; else GameError."""
    tol = check_tol(tol)
    flat = table.reshape(-1, table.shape[-1])
    if not np.isfinite(flat).all():
        point = int(np.argwhere(~np.isfinite(flat))[0][1])
        raise GameError(f"prior: values must be finite, got a non-finite value at point {point}")
    low = flat.min(axis=0)
    if (low < -tol).any():
        point = int(np.argmax(low < -tol))
        raise GameError(f"prior: probabilities must be >= 0, got {low[point]:.6g} at point {point}")
    totals = flat.sum(axis=0)
    off = np.abs(totals - 1.0) > tol
    if off.any():
        point = int(np.argmax(off))
        raise GameError(
            f"prior: probabilities must sum to 1, got {totals[point]:.12g} at point {point}"
        )


def _agent_payoffs(
    payoffs: FloatArray,
    prior: FloatArray,
    n: int,
    types: tuple[int, ...],
    options: tuple[int, ...],
) -> FloatArray:
    """The agent form, batch-last: one broadcast add per (actor, type profile)."""
    offsets = np.concatenate([[0], np.cumsum(types)]).astype(int)
    agents = int(offsets[-1])
    points = payoffs.shape[-1]
    shape = [options[i] for i in range(n) for _ in range(types[i])]
    out = np.zeros((agents, *shape, points))
    for theta in itertools.product(*map(range, types)):
        weight = prior[theta]
        # Agent (j, theta_j) chooses actor j's option here: axes stay in actor order, so
        # inserting the other agents' axes as length 1 is a reshape, not a transpose.
        placed = [1] * agents
        for j in range(n):
            placed[offsets[j] + theta[j]] = options[j]
        for i in range(n):
            term = payoffs[(i, *theta)] * weight
            out[offsets[i] + theta[i]] += term.reshape(*placed, points)
    for i in range(n):
        marginal = prior.sum(axis=tuple(j for j in range(n) if j != i))  # (T_i, B)
        safe = np.where(marginal > 0, marginal, 1.0)
        for t in range(types[i]):
            out[offsets[i] + t] /= safe[t]  # a type of probability 0 keeps its zeros
    return out


def pure_bayes_nash(
    payoffs: ArrayLike,
    prior: ArrayLike,
    *,
    tol: float = DEFAULT_TOL,
    batch_axis: Literal["first", "last"] = "last",
) -> NDArray[np.bool_]:
    """Which agent profiles are pure Bayes–Nash equilibria, at each of a batch of points.

    The agent form (:func:`agent_form_payoffs`) is built and tested
    (:func:`~negotiation_sim.solvers.pure_equilibria`) a block of points at a time, so memory
    grows with the block, not the batch. A type of prior probability 0 may play anything.

    Parameters
    ----------
    payoffs : array_like, shape (n, T_1..T_n, k_1..k_n, B)
    prior : array_like, shape (T_1..T_n, B)
    tol : float
        A type's option is a best reply if within ``tol`` of its best interim payoff.
    batch_axis : {"last", "first"}
        Where the batch axis is, as :func:`agent_form_payoffs`.

    Returns
    -------
    ndarray of bool, shape (k_1 (T_1 times), ..., k_n (T_n times), B)
        ``B`` first when ``batch_axis="first"``.

    Examples
    --------
    A coordination game where the second actor cares about coordinating only if it is the
    "keen" type (prior 0.8 at the first point, 0.2 at the second); the indifferent type
    prefers option 1 whatever the first does:

    >>> u = np.zeros((2, 1, 2, 2, 2, 1))
    >>> u[0, 0, :, :, :, 0] = [[1, 0], [0, 1]]          # the first wants to match
    >>> u[1, 0, 0, :, :, 0] = [[1, 0], [0, 1]]          # keen
    >>> u[1, 0, 1, :, :, 0] = [[0, 1], [0, 1]]          # indifferent: option 1
    >>> prior = np.array([[[0.8], [0.2]]])
    >>> u2 = np.concatenate([u, u], axis=-1)
    >>> prior2 = np.concatenate([prior, prior[:, ::-1]], axis=-1)
    >>> mask = pure_bayes_nash(u2, prior2)
    >>> [tuple(map(int, p)) for p in np.argwhere(mask[..., 0])]  # (first, keen, indifferent)
    [(0, 0, 1), (1, 1, 1)]
    >>> [tuple(map(int, p)) for p in np.argwhere(mask[..., 1])]
    [(1, 1, 1)]
    """
    tol = check_tol(tol)
    tensor = float_array(payoffs, "payoffs", "a numeric array (n, T.., k.., B)")
    table = float_array(prior, "prior", "a probability per type profile and point")
    if batch_axis == "first" and tensor.ndim and table.ndim:
        mask = pure_bayes_nash(
            np.moveaxis(tensor, 0, -1), np.moveaxis(table, 0, -1), tol=tol, batch_axis="last"
        )
        return np.moveaxis(mask, -1, 0)
    if batch_axis not in ("first", "last"):
        raise GameError(f"batch_axis: expected 'first' or 'last', got {batch_axis!r}")
    n, types, options = _batch_shape(tensor.shape, table.shape)
    points = tensor.shape[-1]
    agents = sum(types)
    entries = agents * math.prod(k**t for k, t in zip(options, types, strict=True))
    step = max(1, _BLOCK_ENTRIES // entries)
    shape = [options[i] for i in range(n) for _ in range(types[i])]
    out = np.empty((*shape, points), dtype=bool)
    for lo in range(0, points, step):
        block = agent_form_payoffs(tensor[..., lo : lo + step], table[..., lo : lo + step], tol=tol)
        out[..., lo : lo + step] = pure_equilibria(block, tol=tol, batch_axis="last")
    return out
