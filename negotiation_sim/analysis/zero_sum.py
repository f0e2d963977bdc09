"""How zero-sum is a game? Constant-sum test, common/zero-sum split, coco value.

Notation: ``u_i(s)`` is actor ``i``'s payoff at profile ``s``, ``n`` actors.

*Raw split* (docs/models.md §2). The common part ``c(s) = (1/n) sum_j u_j(s)``
is given to every actor; the zero-sum part ``z_i(s) = u_i(s) - c(s)`` sums to
zero at every profile. The two are orthogonal as payoff tensors, so
``||u||^2 = n ||c||^2 + ||z||^2``. After removing each actor's own average
payoff (a per-actor constant changes nothing about the game) the **zero-sum
share** is ``||z||^2 / (||z||^2 + n ||c||^2)``: 1 for a constant-sum game, 0
for a common-interest game (all ``u_i`` equal up to constants).

*Strategic split*. The raw share calls the prisoner's dilemma mostly
zero-sum, yet what drives an actor's choice is only the part of ``u_i`` that
varies with its own option: adding any ``g_i(s_-i)`` to ``u_i`` changes no
best response. Write every ``u_i`` in its ANOVA (Hoeffding) components
``u_i = sum_T u_{i,T}``, ``u_{i,T}`` the interaction of the options of the
actors in ``T`` (zero mean over each of them). Only the components with
``i in T`` matter to actor ``i``. The strategic part is then explained

* by a common-interest game up to
  ``D_common = sum_T sum_{i in T} ||u_{i,T} - mean_{j in T} u_{j,T}||^2``
  (the disagreement among the actors who feel interaction ``T``), and
* by a zero-sum game up to
  ``D_zero = n ||mean_i u_{i,N}||^2``, ``N`` all actors (a lower-order
  interaction can always be balanced by an actor outside it, who does not
  feel it).

Both are least-squares distances from the game's strategic part to the
(normalised) common-interest and zero-sum games. The **strategic zero-sum
share** is ``D_common / (D_common + D_zero)``, and 0 when both vanish (every
actor's choice matters only through its own option, as in a dominant-strategy
game: then a common-interest game explains it equally well). For two actors
this is exactly the raw share applied to the doubly centred matrices
(interaction parts) of ``A`` and ``B``, and the strategic part splits
orthogonally into own-option, common-interest and zero-sum parts (Hwang &
Rey-Bellet 2020, 'Strategic decompositions of normal form games: zero-sum
games and potential games', Games Econ. Behav. 122). A game
``u_i = c(s) + g_i(s_-i)`` has strategic share 0; a constant-sum game share 1
unless it is also common-interest-equivalent (then 0). Every symmetric 2x2
game, the prisoner's dilemma among them, is a potential game (Monderer &
Shapley 1996, Games Econ. Behav. 14) and has strategic share 0.

*coco value* (Kalai & Kalai 2013, 'Cooperation in strategic games
revisited', Q. J. Econ. 128(2): 917-966). Two actors with matrices ``A, B``:
``C = (A+B)/2``, ``Z = (A-B)/2``, coco = ``(max C + val Z, max C - val Z)``.

*Relative gains* (Grieco 1988; Powell 1991, APSR 85): actor ``i`` cares about
``u_i - rho mean_{j != i} u_j``; ``rho = 1`` makes any game zero-sum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._scale import exponents, normalised
from .._transforms import relative_gains_payoffs
from ..errors import GameError, UnsupportedGameError
from ..game import DEFAULT_TOL, FloatArray, Game, frozen_array
from ..solvers.minimax import constant_sum, maximin

__all__ = [
    "CocoValue",
    "SumStructure",
    "coco_value",
    "relative_gains",
    "sum_structure",
    "zero_sum_shares",
]


@dataclass(frozen=True, eq=False)
class SumStructure:
    """Common-interest and zero-sum parts of a game, and how large each is.

    Attributes
    ----------
    constant_sum : bool
        Whether ``sum_i u_i(s)`` is the same at every profile, within
        ``tol`` times the largest absolute payoff (at least 1).
    common : ndarray, shape (k_1, ..., k_n)
        ``c(s) = mean_j u_j(s)``.
    zero_sum_part : ndarray, shape (n, k_1, ..., k_n)
        ``z_i(s) = u_i(s) - c(s)``; sums to zero over actors.
    zero_sum_share : float
        ``||z~||^2 / (||z~||^2 + n ||c~||^2)`` in [0, 1], where ``~`` means each
        actor's mean payoff over all profiles was removed first. 0 when every
        actor's payoff is constant (nothing to share).
    strategic_zero_sum_share : float
        The share of the strategic part (what drives choices) that only a
        zero-sum game explains, in [0, 1]; see the module docstring.
    tol : float
    """

    constant_sum: bool
    common: FloatArray
    zero_sum_part: FloatArray
    zero_sum_share: float
    strategic_zero_sum_share: float
    tol: float


def sum_structure(game: Game, tol: float = DEFAULT_TOL) -> SumStructure:
    """Split a game into its common-interest and zero-sum parts.

    Parameters
    ----------
    game : Game
    tol : float
        Relative tolerance (times the largest absolute payoff, at least 1)
        for the constant-sum test and for deciding that a share is 0/0.

    Returns
    -------
    SumStructure

    Examples
    --------
    Matching pennies is zero-sum through and through (von Neumann &
    Morgenstern 1944):

    >>> from negotiation_sim import Game
    >>> mp = sum_structure(Game.zero_sum([[1, -1], [-1, 1]]))
    >>> mp.constant_sum, mp.zero_sum_share, mp.strategic_zero_sum_share
    (True, 1.0, 1.0)

    The prisoner's dilemma (Axelrod 1984: R=3, S=0, T=5, P=1) looks mostly
    zero-sum, but its strategic part is a potential game (Monderer & Shapley
    1996): raw share 25/29.5, strategic share 0.

    >>> pd = sum_structure(Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]]))
    >>> pd.constant_sum, round(pd.zero_sum_share, 4), pd.strategic_zero_sum_share
    (False, 0.8475, 0.0)
    """
    u = game.payoffs
    n = game.n_actors
    constant = constant_sum(game, tol) is not None
    e = int(exponents(u))  # the mean of payoffs near the largest float would overflow
    common = np.ldexp(normalised(u, e).mean(axis=0), e)
    zero_sum_part = u - common
    raw, strategic = (float(v) for v in zero_sum_shares(u, n_actors=n, tol=tol))
    return SumStructure(
        constant_sum=constant,
        common=frozen_array(common),
        zero_sum_part=frozen_array(zero_sum_part),
        zero_sum_share=raw,
        strategic_zero_sum_share=strategic,
        tol=tol,
    )


def zero_sum_shares(
    payoffs: ArrayLike, *, n_actors: int | None = None, tol: float = DEFAULT_TOL
) -> tuple[FloatArray, FloatArray]:
    """The raw and strategic zero-sum shares of a whole batch of games at once.

    The same numbers as :attr:`SumStructure.zero_sum_share` and
    :attr:`SumStructure.strategic_zero_sum_share` of :func:`sum_structure`,
    for payoffs of shape ``(*batch, n, k_1, ..., k_n)`` (a sweep's grid of
    games), without a Python loop over the batch.

    Parameters
    ----------
    payoffs : array_like, shape (*batch, n, k_1, ..., k_n)
    n_actors : int, optional
        ``n``; required for a batch (without it the payoffs must be one game).
    tol : float

    Returns
    -------
    raw, strategic : ndarray, shape (*batch,)

    Examples
    --------
    Matching pennies and the prisoner's dilemma in one batch:

    >>> batch = [[[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]],
    ...          [[[3, 0], [5, 1]], [[3, 5], [0, 1]]]]
    >>> raw, strategic = zero_sum_shares(batch, n_actors=2)
    >>> raw.round(4).tolist(), strategic.tolist()
    ([1.0, 0.8475], [1.0, 0.0])
    """
    u = np.asarray(payoffs, dtype=np.float64)
    if n_actors is None:  # one game, or the caller must say
        n_actors = u.shape[0] if u.ndim >= 1 and u.ndim == u.shape[0] + 1 else 0
    n = n_actors
    lead = u.ndim - n - 1
    if n < 1 or lead < 0 or u.shape[lead] != n:
        raise GameError(
            f"expected payoffs of shape (*batch, n, k_1, ..., k_n) with n = {n_actors}, "
            f"got shape {u.shape}" + ("" if n_actors else " (for a batch, pass n_actors)")
        )
    profile_axes = tuple(range(lead + 1, u.ndim))
    all_axes = (lead, *profile_axes)
    size = n * int(np.prod(u.shape[lead + 1 :]))
    # Shares are ratios: computed on each game's payoffs divided by its power-of-two scale
    # (exact), so that squares of payoffs near the largest float do not overflow.
    e = exponents(u, axis=all_axes)
    u = normalised(u, e)
    one = np.ldexp(1.0, -e)  # 1 in those units
    scale = np.maximum(one, np.abs(u).max(axis=all_axes))
    negligible = (tol * scale) ** 2 * size
    centred = u - u.mean(axis=profile_axes, keepdims=True)
    c = centred.mean(axis=lead, keepdims=True)
    z = centred - c
    raw = _shares(np.sum(z**2, axis=all_axes), n * np.sum(c**2, axis=all_axes), negligible)
    d_common, d_zero = _strategic_parts(u, lead, n)
    strategic = _shares(d_common, d_zero, negligible)
    return raw, strategic


def _strategic_parts(u: FloatArray, lead: int, n: int) -> tuple[FloatArray, FloatArray]:
    """``D_common`` and ``D_zero`` (module docstring) of every game, from ANOVA coefficients.

    In an orthonormal basis of each actor's axis whose first vector is constant
    (Helmert's), the coefficient at ``c = (c_1..c_n)`` belongs to the component of the
    interaction ``T(c) = {j : c_j != 0}``, and squared norms are sums of squared
    coefficients (Parseval). So every interaction's part is read off one transform of the
    payoffs (``n`` products per axis), not computed subset by subset (``2**n`` subsets).
    """
    shape = u.shape[lead + 1 :]
    f = u
    for j, k in enumerate(shape):
        axis = lead + 1 + j
        f = np.moveaxis(np.tensordot(_helmert(k), f, axes=([1], [axis])), 0, axis)
    inside = np.indices(shape) != 0  # inside[i, c]: actor i's axis is in T(c)
    count = inside.sum(axis=0)
    mean = (f * inside).sum(axis=lead) / np.maximum(count, 1)
    spread = (((f - np.expand_dims(mean, lead)) * inside) ** 2).sum(axis=lead)
    cells = tuple(range(lead, lead + n))
    d_common = np.where(count >= 2, spread, 0.0).sum(axis=cells)
    d_zero = n * np.where(count == n, mean**2, 0.0).sum(axis=cells)
    return d_common, d_zero


def _helmert(k: int) -> FloatArray:
    """An orthonormal ``k x k`` basis: row 0 constant, row ``j`` contrasting ``j`` options with the next.

    >>> h = _helmert(3)
    >>> bool(np.allclose(h @ h.T, np.eye(3))), h[0].round(4).tolist()
    (True, [0.5774, 0.5774, 0.5774])
    """
    basis = np.zeros((k, k))
    basis[0] = 1.0 / np.sqrt(k)
    for j in range(1, k):
        basis[j, :j] = 1.0
        basis[j, j] = -j
        basis[j] /= np.sqrt(j * (j + 1))
    return basis


def _shares(zero: FloatArray, common: FloatArray, negligible: FloatArray) -> FloatArray:
    """``zero / (zero + common)``; a part ``<= negligible`` counts as 0, and 0/0 as 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.clip(zero / (zero + common), 0.0, 1.0)
    return np.asarray(
        np.where(zero <= negligible, 0.0, np.where(common <= negligible, 1.0, ratio)),
        dtype=np.float64,
    )


@dataclass(frozen=True, eq=False)
class CocoValue:
    """The cooperative-competitive (coco) value of a two-actor game.

    Attributes
    ----------
    value : tuple of float
        ``(max C + val Z, max C - val Z)``.
    cooperative : ndarray, shape (k_1, k_2)
        ``C = (A + B) / 2``, the common-interest (team) game.
    competitive : ndarray, shape (k_1, k_2)
        ``Z = (A - B) / 2``, the zero-sum game (row actor's payoff).
    cooperative_value : float
        ``max C``.
    competitive_value : float
        ``val Z``, the row actor's maximin value of ``Z``.
    profile : tuple of int
        A profile maximising ``C`` (the first in C order): the actors play it
        and settle with a side payment.
    transfer : float
        What the column actor pays the row actor at ``profile`` so that both
        get their coco value: ``value[0] - A[profile]`` (negative: row pays).
    competitive_strategy : ndarray
        A maximin strategy of the row actor in ``Z`` (its threat).
    """

    value: tuple[float, float]
    cooperative: FloatArray
    competitive: FloatArray
    cooperative_value: float
    competitive_value: float
    profile: tuple[int, int]
    transfer: float
    competitive_strategy: FloatArray


def coco_value(game: Game) -> CocoValue:
    """Kalai & Kalai's coco value of a two-actor game (transferable utility).

    Parameters
    ----------
    game : Game
        Two actors; others raise :class:`~negotiation_sim.UnsupportedGameError`.

    Returns
    -------
    CocoValue

    Examples
    --------
    By hand from the definition (Kalai & Kalai 2013): ``A = [[3, 1], [0, 2]]``,
    ``B = [[1, 0], [2, 4]]`` give ``C = [[2, .5], [1, 3]]`` (max 3 at (1, 1))
    and ``Z = [[1, .5], [-1, -1]]`` with a saddle point at (0, 1), val 1/2:

    >>> from negotiation_sim import Game
    >>> coco = coco_value(Game.from_bimatrix([[3, 1], [0, 2]], [[1, 0], [2, 4]]))
    >>> coco.value, coco.profile, coco.transfer
    ((3.5, 2.5), (1, 1), 1.5)
    """
    if game.n_actors != 2:
        raise UnsupportedGameError(
            f"coco_value: expected a two-actor game, got {game.n_actors} actors"
        )
    a, b = game.payoffs
    # Halved first (exact): sums of payoffs near the largest float do not overflow.
    cooperative = a / 2 + b / 2
    competitive = a / 2 - b / 2
    flat = int(np.argmax(cooperative))
    profile = tuple(int(v) for v in np.unravel_index(flat, cooperative.shape))
    best = float(cooperative.reshape(-1)[flat])
    e = int(exponents(competitive))  # HiGHS takes no payoffs near the largest float
    value, strategy = maximin(normalised(competitive, e))
    value = float(np.ldexp(value, e))
    coco = (best + value, best - value)
    return CocoValue(
        value=coco,
        cooperative=frozen_array(cooperative),
        competitive=frozen_array(competitive),
        cooperative_value=best,
        competitive_value=value,
        profile=(profile[0], profile[1]),
        transfer=coco[0] - float(a[profile]),
        competitive_strategy=frozen_array(strategy),
    )


def relative_gains(game: Game, rho: float) -> Game:
    """The game in which every actor also minds how the others do.

    ``u'_i = u_i - rho * mean_{j != i} u_j`` (Grieco 1988; Powell 1991,
    'Absolute and relative gains in international relations theory', APSR 85).
    ``rho = 0`` is the game itself; ``rho = 1`` is zero-sum for any number of
    actors. Actor and option names are kept.

    Parameters
    ----------
    game : Game
    rho : float
        Weight of relative gains, in [0, 1]; otherwise
        :class:`~negotiation_sim.GameError`.

    Examples
    --------
    With ``rho = 1`` the prisoner's dilemma becomes zero-sum:

    >>> from negotiation_sim import Game
    >>> pd = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> relative_gains(pd, 1.0).payoffs[0].tolist()
    [[0.0, -5.0], [5.0, 0.0]]
    """
    try:
        weight = float(rho)
    except (TypeError, ValueError) as exc:
        raise GameError(f"rho: expected a number in [0, 1], got {rho!r}") from exc
    if not 0.0 <= weight <= 1.0:
        raise GameError(f"rho: expected a number in [0, 1], got {rho!r}")
    return game.with_payoffs(relative_gains_payoffs(game.payoffs, weight))
