"""Bayesian games: payoffs that depend on the actors' types, and a common prior over types.

Actor ``i`` has a finite set of types ``Theta_i`` (``T_i`` of them; an untyped actor has one)
and ``k_i`` options. The payoffs ``u_i(s; theta)`` form one tensor of shape
``(n, T_1, ..., T_n, k_1, ..., k_n)`` and the common prior ``p(theta)`` one of shape
``(T_1, ..., T_n)`` (MODEL.md §7). A strategy of actor ``i`` is one probability vector per
type, an array ``(T_i, k_i)``. The *interim* payoff of type ``theta_i`` choosing ``s_i`` is::

    U_i(s_i | theta_i) = sum_{theta_-i} p(theta_-i | theta_i)
                         sum_{s_-i} prod_{j != i} sigma_j(s_j | theta_j) u_i(s_i, s_-i; theta)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..errors import GameError
from ..game import DEFAULT_TOL, FloatArray, _labels, float_array, require_finite
from ..solvers._checks import check_tol

__all__ = ["BayesianGame", "check_prior"]


@dataclass(frozen=True, eq=False, init=False)
class BayesianGame:
    """``u_i(s; theta)`` for every type profile ``theta``, and a common prior over type profiles.

    Parameters
    ----------
    payoffs : array_like, shape (n, T_1, ..., T_n, k_1, ..., k_n)
        ``payoffs[i][theta][s]``: actor ``i``'s payoff at profile ``s`` when the types are
        ``theta``. Needs ``n >= 2`` actors, each with at least one type and one option, and
        finite values.
    prior : array_like, shape (T_1, ..., T_n)
        The joint prior: entries ``>= 0`` (entries above ``-tol`` are read as 0) summing to 1
        within ``tol``.
    actors, types, options : optional
        Labels: actor names (default ``"actor 0"``, ... as :class:`~negotiation_sim.Game`),
        type names per actor and option names per actor (default ``"0"``, ``"1"``, ...).
    tol : float
        Tolerance of the prior's checks.

    Examples
    --------
    Two actors, the first of two equally likely types, the second untyped:

    >>> payoffs = np.zeros((2, 2, 1, 2, 2))
    >>> payoffs[0, 1] = [[1, 0], [0, 1]]
    >>> game = BayesianGame(payoffs, [[0.5], [0.5]], types=(("weak", "strong"), ("-",)))
    >>> game.type_counts, game.shape
    ((2, 1), (2, 2))
    >>> game.marginal(0).tolist()
    [0.5, 0.5]
    >>> BayesianGame(payoffs, [[0.5], [0.6]])
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: prior: probabilities must sum to 1, got 1.1
    """

    payoffs: FloatArray
    prior: FloatArray
    actors: tuple[str, ...]
    types: tuple[tuple[str, ...], ...]
    options: tuple[tuple[str, ...], ...]

    def __init__(
        self,
        payoffs: ArrayLike,
        prior: ArrayLike,
        actors: Sequence[str] | None = None,
        types: Sequence[Sequence[str]] | None = None,
        options: Sequence[Sequence[str]] | None = None,
        *,
        tol: float = DEFAULT_TOL,
    ) -> None:
        tensor = float_array(
            payoffs, "payoffs", "a numeric array (n, T_1..T_n, k_1..k_n)", copy=True
        )
        n = _actor_count(tensor.shape)
        require_finite(tensor, "payoffs")
        type_counts = tensor.shape[1 : n + 1]
        table = check_prior(prior, type_counts, tol=tol)
        actor_names = _labels(actors, n, "actors", lambda i: f"actor {i}")
        tensor.setflags(write=False)
        object.__setattr__(self, "payoffs", tensor)
        object.__setattr__(self, "prior", table)
        object.__setattr__(self, "actors", actor_names)
        object.__setattr__(self, "types", _per_actor(types, type_counts, "types", actor_names))
        object.__setattr__(
            self, "options", _per_actor(options, tensor.shape[n + 1 :], "options", actor_names)
        )

    @classmethod
    def independent(
        cls, payoffs: ArrayLike, marginals: Sequence[ArrayLike], **labels: Any
    ) -> BayesianGame:
        """A game whose actors' types are independent: the prior is the marginals' product.

        Parameters
        ----------
        payoffs : array_like, shape (n, T_1, ..., T_n, k_1, ..., k_n)
        marginals : sequence of array_like
            One probability vector per actor, of length ``T_i``.
        **labels
            ``actors``, ``types``, ``options``, ``tol``, as :class:`BayesianGame`.

        Examples
        --------
        >>> game = BayesianGame.independent(np.zeros((2, 2, 3, 1, 1)), [[0.25, 0.75], [1, 0, 0]])
        >>> game.prior.tolist()
        [[0.25, 0.0, 0.0], [0.75, 0.0, 0.0]]
        """
        if isinstance(marginals, (str, bytes)) or not isinstance(marginals, Sequence):
            raise GameError(
                f"marginals: expected one probability vector per actor, got {marginals!r}"
            )
        vectors = [
            float_array(m, f"marginals[{i}]", "probabilities") for i, m in enumerate(marginals)
        ]
        if any(v.ndim != 1 for v in vectors):
            shapes = [v.shape for v in vectors]
            raise GameError(f"marginals: expected one vector per actor, got shapes {shapes}")
        prior = vectors[0]
        for vector in vectors[1:]:
            prior = np.multiply.outer(prior, vector)
        return cls(payoffs, prior, **labels)

    # -- shape ------------------------------------------------------------------------
    @property
    def n_actors(self) -> int:
        """Number of actors ``n``."""
        return int(self.payoffs.shape[0])

    @property
    def type_counts(self) -> tuple[int, ...]:
        """Number of types of each actor, ``(T_1, ..., T_n)``."""
        return tuple(int(t) for t in self.payoffs.shape[1 : self.n_actors + 1])

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of options of each actor, ``(k_1, ..., k_n)``."""
        return tuple(int(k) for k in self.payoffs.shape[self.n_actors + 1 :])

    def __repr__(self) -> str:
        return f"BayesianGame(actors={self.actors}, types={self.type_counts}, shape={self.shape})"

    # -- beliefs ----------------------------------------------------------------------
    def marginal(self, actor: int) -> FloatArray:
        """``p_i(theta_i)``: the prior probability of each of ``actor``'s types, shape ``(T_i,)``."""
        i = self._actor(actor)
        others = tuple(j for j in range(self.n_actors) if j != i)
        return np.asarray(self.prior.sum(axis=others), dtype=np.float64)

    def conditional(self, actor: int, type: int) -> FloatArray:
        """``p(theta_-i | theta_i)``: what type ``type`` of ``actor`` believes about the others.

        Returns the prior's slice at ``theta_i = type`` divided by ``p_i(type)``, shape
        ``(T_1, ..., T_n)`` with axis ``actor`` of length 1. Raises :class:`GameError` when
        ``p_i(type) = 0`` (a type that never occurs has no beliefs by Bayes' rule).

        Examples
        --------
        >>> game = BayesianGame(np.zeros((2, 2, 2, 1, 1)), [[0.4, 0.1], [0.1, 0.4]])
        >>> game.conditional(0, 1).tolist()
        [[0.2, 0.8]]
        >>> game.conditional(1, 0).tolist()
        [[0.8], [0.2]]
        """
        i = self._actor(actor)
        t = _index(type, self.type_counts[i], f"type of {self.actors[i]!r}")
        part = np.take(self.prior, [t], axis=i)
        total = float(part.sum())
        if total <= 0:
            raise GameError(
                f"conditional: type {self.types[i][t]!r} of {self.actors[i]!r} has prior "
                "probability 0, so Bayes' rule gives it no beliefs"
            )
        return np.asarray(part / total, dtype=np.float64)

    def interim_payoffs(self, strategies: Sequence[ArrayLike]) -> list[FloatArray]:
        """Each type's payoff of each of its options against the others' strategies.

        Parameters
        ----------
        strategies : sequence of array_like
            ``strategies[i]``, shape ``(T_i, k_i)``: a probability vector per type.

        Returns
        -------
        list of ndarray
            Per actor, shape ``(T_i, k_i)``: ``U_i(s_i | theta_i)`` (module docstring). A type
            of prior probability 0 gets 0 for every option (it has no beliefs).

        Examples
        --------
        Matching pennies where the second actor is a "copier" or a "contrarian", equally
        likely: against a first actor playing heads, heads earns each type nothing in
        expectation.

        >>> u = np.zeros((2, 1, 2, 2, 2))
        >>> u[0, 0, 0] = [[1, -1], [-1, 1]]
        >>> u[0, 0, 1] = [[1, -1], [-1, 1]]
        >>> u[1, 0, 0] = [[1, -1], [-1, 1]]   # the copier wants to match
        >>> u[1, 0, 1] = [[-1, 1], [1, -1]]   # the contrarian does not
        >>> game = BayesianGame(u, [[0.5, 0.5]])
        >>> first, second = game.interim_payoffs([[[1, 0]], [[1, 0], [0, 1]]])
        >>> first.tolist(), second.tolist()
        ([[0.0, 0.0]], [[1.0, -1.0], [-1.0, 1.0]])
        """
        sigma = self.check_strategies(strategies)
        n = self.n_actors
        types = list(range(n))
        options = list(range(n, 2 * n))
        values = []
        for i in range(n):
            operands: list[Any] = [self.payoffs[i], [*types, *options], self.prior, types]
            for j in range(n):
                if j != i:
                    operands += [sigma[j], [j, n + j]]
            joint = np.einsum(*operands, [i, n + i], optimize=True)
            marginal = self.marginal(i)[:, None]
            safe = np.where(marginal > 0, marginal, 1.0)
            values.append(np.asarray(np.where(marginal > 0, joint / safe, 0.0), dtype=np.float64))
        return values

    def check_strategies(self, strategies: Sequence[ArrayLike]) -> tuple[FloatArray, ...]:
        """``strategies`` as float arrays ``(T_i, k_i)`` of probability vectors (up to 1e-6).

        >>> BayesianGame(np.zeros((2, 2, 1, 2, 2)), [[1], [0]]).check_strategies([[1, 0], [[1, 0]]])
        Traceback (most recent call last):
        ...
        negotiation_sim.errors.GameError: strategies[0]: expected shape (2, 2) (types, options), got (2,)
        """
        if isinstance(strategies, (str, bytes)) or len(strategies) != self.n_actors:
            raise GameError(
                f"strategies: expected one (types, options) array per actor ({self.n_actors})"
            )
        result = []
        for i, given in enumerate(strategies):
            array = float_array(given, f"strategies[{i}]", "probabilities per type")
            expected = (self.type_counts[i], self.shape[i])
            if array.shape != expected:
                raise GameError(
                    f"strategies[{i}]: expected shape {expected} (types, options), got {array.shape}"
                )
            if (
                not np.isfinite(array).all()
                or array.min() < -1e-6
                or np.abs(array.sum(axis=1) - 1).max() > 1e-6
            ):
                raise GameError(
                    f"strategies[{i}]: expected a probability vector per type, got {array.tolist()}"
                )
            result.append(array)
        return tuple(result)

    def _actor(self, actor: int) -> int:
        return _index(actor, self.n_actors, "actor")


def check_prior(
    prior: ArrayLike, type_counts: Sequence[int], *, tol: float = DEFAULT_TOL
) -> FloatArray:
    """A prior over type profiles, checked: shape ``type_counts``, finite, ``>= 0``, sum 1.

    Entries in ``[-tol, 0)`` (rounding in ``1 - trust``) become 0. Returns a read-only copy.

    >>> check_prior([0.5, 0.5], (2, 1))
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: prior: expected shape (2, 1) (one probability per type profile), got (2,)
    >>> check_prior([[0.5], [-0.5]], (2, 1))
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: prior: probabilities must be >= 0, got -0.5 at type profile (1, 0)
    """
    tol = check_tol(tol)
    table = float_array(prior, "prior", "a probability per type profile", copy=True)
    expected = tuple(int(t) for t in type_counts)
    if table.shape != expected:
        raise GameError(
            f"prior: expected shape {expected} (one probability per type profile), got {table.shape}"
        )
    require_finite(table, "prior", lambda at: f" at type profile {at}")
    if table.min() < -tol:
        at = tuple(int(v) for v in np.unravel_index(int(np.argmin(table)), table.shape))
        raise GameError(
            f"prior: probabilities must be >= 0, got {table[at]:.6g} at type profile {at}"
        )
    np.clip(table, 0.0, None, out=table)
    if abs(float(table.sum()) - 1.0) > tol:
        raise GameError(f"prior: probabilities must sum to 1, got {float(table.sum()):.12g}")
    table.setflags(write=False)
    return table


def _actor_count(shape: tuple[int, ...]) -> int:
    """``n`` of a payoff shape ``(n, T_1..T_n, k_1..k_n)``, or a :class:`GameError`."""
    n = int(shape[0]) if shape else 0
    if n < 2 or len(shape) != 2 * n + 1:
        raise GameError(
            "payoffs: expected shape (n, T_1, ..., T_n, k_1, ..., k_n) with n >= 2 actors, "
            f"got shape {shape}"
        )
    if min(shape[1:]) < 1:
        raise GameError(
            f"payoffs: every actor needs at least one type and one option, got shape {shape}"
        )
    return n


def _per_actor(
    given: Sequence[Sequence[str]] | None,
    counts: Sequence[int],
    what: str,
    actors: tuple[str, ...],
) -> tuple[tuple[str, ...], ...]:
    if given is None:
        return tuple(tuple(str(j) for j in range(k)) for k in counts)
    if isinstance(given, str) or len(given) != len(counts):
        raise GameError(
            f"{what}: expected one list of names per actor ({len(counts)}), got {given!r}"
        )
    return tuple(
        _labels(names, int(k), f"{what}[{actors[i]!r}]", str)
        for i, (names, k) in enumerate(zip(given, counts, strict=True))
    )


def _index(value: Any, count: int, what: str) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or not 0 <= value < count
    ):
        raise GameError(f"{what}: expected an index in [0, {count}), got {value!r}")
    return int(value)
