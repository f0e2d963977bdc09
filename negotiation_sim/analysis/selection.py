"""Which pure equilibrium a rule selects, and why: one implementation for reports, sweeps and
pictures (docs/models.md, "How sweeps choose an equilibrium"; MODEL §10).

The rules (:data:`RULES`):

* ``welfare``: the largest total payoff over all actors; ties go to the first profile in
  option order. A convention, not a prediction.
* ``payoff_dominance``: the equilibrium that Pareto-dominates every other (everyone who
  chooses at least as well off, someone better off). Equilibria with the same payoffs are one
  (the first profile stands for them); where no equilibrium dominates all others, none is
  selected.
* ``risk_dominance``: Harsanyi and Selten's (1988) pairwise test. Equilibrium ``p``
  risk-dominates ``q`` when the product over the actors of ``u_i(p) - u_i(q_i, p_-i)`` (each
  actor's loss from deviating alone to its part of ``q``) exceeds the same product for ``q``.
  Only the actors whose options differ between ``p`` and ``q`` enter the products (the others
  have nothing to deviate to in the game restricted to the two equilibria). For two actors and
  strict equilibria this is their exact criterion (the inequality of MODEL §10); for more
  actors, or equilibria that are not strict, the product of unilateral deviation losses is a
  heuristic generalisation, not Harsanyi and Selten's tracing procedure. Weak equilibria
  (a veto leaves the others indifferent) often give products of 0 on both sides: a tie. The
  selected equilibrium risk-dominates every other; where none does (a tie or a cycle), none is
  selected.
* ``logit``: the equilibrium that the principal branch of the logit QRE approaches (the
  per-game tracer, :func:`~negotiation_sim.solvers.logit.solve_logit`), matched to the pure
  equilibrium of largest probability at its end. One game at a time: sweeps run it only where
  there is more than one pure equilibrium.

Batches: :func:`select_pure` takes payoffs with a trailing axis of ``B`` games and returns the
selected profile of each, by loops over pairs of candidate equilibria only (each a vectorised
pass over the ``B`` games).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import GameError
from ..game import DEFAULT_TOL, FloatArray, Game

__all__ = [
    "DEFAULT_RULE",
    "EQUILIBRIUM_SETS",
    "MAX_EXPLAINED",
    "MAX_PAIRWISE",
    "RULES",
    "RULE_DESCRIPTIONS",
    "deviation_losses",
    "equilibrium_set",
    "logit_select",
    "rule_phrase",
    "select_pure",
]

RULES: tuple[str, ...] = ("welfare", "payoff_dominance", "risk_dominance", "logit")
#: Risk dominance compares pairs: at most this many profiles that are equilibria somewhere.
MAX_PAIRWISE = 256
#: A report lists the pairwise comparisons (and runs the logit tracer) up to this many
#: pure equilibria.
MAX_EXPLAINED = 40
DEFAULT_RULE = "welfare"
#: How each rule chooses, in a few words (a variable's ``long_name``, a picture's legend).
RULE_DESCRIPTIONS: dict[str, str] = {
    "welfare": "largest total payoff, ties to the first profile",
    "payoff_dominance": "the one that Pareto-dominates every other; none if none does",
    "risk_dominance": "Harsanyi-Selten risk dominance (product of deviation losses); "
    "none if none dominates every other",
    "logit": "limit of the logit QRE's principal branch",
}


#: The equilibrium set's codes (CF ``flag_values`` 0..3) and their ``flag_meanings``.
EQUILIBRIUM_SETS: tuple[str, ...] = (
    "deal_only",
    "deal_and_no_deal",
    "no_deal_only",
    "no_pure_equilibrium",
)


def equilibrium_set(deal: NDArray[np.bool_], no_deal: NDArray[np.bool_]) -> NDArray[np.int8]:
    """Which outcomes are equilibria, as a code into :data:`EQUILIBRIUM_SETS`: 0 deal only,
    1 deal and no deal, 2 no deal only, 3 no pure equilibrium.

    >>> equilibrium_set(np.array([True, True, False, False]), np.array([False, True, True, False]))
    array([0, 1, 2, 3], dtype=int8)
    """
    deal, no_deal = np.asarray(deal, dtype=bool), np.asarray(no_deal, dtype=bool)
    code = np.where(deal, np.where(no_deal, 1, 0), np.where(no_deal, 2, 3))
    return code.astype(np.int8)


def rule_phrase(rule: str) -> str:
    """``"selection: <rule> (<how>)"``: what a picture or a variable says about its rule.

    >>> rule_phrase("welfare")
    'selection: welfare (largest total payoff, ties to the first profile)'
    """
    return f"selection: {rule} ({RULE_DESCRIPTIONS[rule]})"


def deviation_losses(payoffs: FloatArray, p: tuple[int, ...], q: tuple[int, ...]) -> FloatArray:
    """Each actor's loss from leaving profile ``p`` alone for its option in ``q``:
    ``u_i(p) - u_i(q_i, p_-i)``, shape (n, *batch).

    ``payoffs`` has shape (n, k_1, ..., k_n, *batch).

    >>> stag = np.array([[[4, 0], [3, 3]], [[4, 3], [0, 3]]], dtype=float)
    >>> deviation_losses(stag, (0, 0), (1, 1)).tolist(), deviation_losses(stag, (1, 1), (0, 0))
    ([1.0, 1.0], array([3., 3.]))
    """
    n = payoffs.shape[0]
    losses = []
    for i in range(n):
        moved = list(p)
        moved[i] = q[i]
        losses.append(payoffs[(i, *p)] - payoffs[(i, *moved)])
    return np.stack(losses)


def select_pure(
    rule: str,
    payoffs: FloatArray,
    mask: NDArray[np.bool_],
    *,
    totals: FloatArray | None = None,
    tol: float = DEFAULT_TOL,
) -> NDArray[np.intp]:
    """The profile (flat index, C order) each rule selects in each of ``B`` games; -1: none.

    Parameters
    ----------
    rule : {"welfare", "payoff_dominance", "risk_dominance"}
    payoffs : ndarray, shape (n, k_1, ..., k_n, B)
        The choosing actors' payoffs.
    mask : ndarray of bool, shape (k_1, ..., k_n, B)
        Which profiles are pure equilibria.
    totals : ndarray, shape (k_1, ..., k_n, B), optional
        Every actor's total payoff (``welfare``; with actors who do not choose); default the
        sum of ``payoffs``.
    tol : float
        Payoffs within ``tol`` are equal (Pareto comparisons, equal payoffs); a Nash product
        must exceed the other by a relative ``tol``.

    Examples
    --------
    The stag hunt: (stag, stag) is payoff-dominant, (hare, hare) risk-dominant:

    >>> stag = np.array([[[4, 0], [3, 3]], [[4, 3], [0, 3]]], dtype=float)[..., None]
    >>> mask = np.array([[True, False], [False, True]])[..., None]
    >>> [int(select_pure(r, stag, mask)[0]) for r in RULES[:3]]
    [0, 0, 3]
    """
    shape = mask.shape[:-1]
    size = mask.shape[-1]
    flat_mask = mask.reshape(-1, size)
    flat = payoffs.reshape(payoffs.shape[0], -1, size)
    total = flat.sum(axis=0) if totals is None else totals.reshape(-1, size)
    candidates = np.flatnonzero(flat_mask.any(axis=1)).tolist()
    chosen = np.full(size, -1, dtype=np.intp)
    if rule == "welfare":
        best = np.full(size, -np.inf)
        for p in candidates:
            better = flat_mask[p] & (total[p] > best)  # strict: ties keep the first profile
            best[better] = total[p][better]
            chosen[better] = p
        return chosen
    if rule == "payoff_dominance":
        return _payoff_dominant(flat, flat_mask, total, candidates, tol)
    if rule != "risk_dominance":
        raise GameError(f"select_pure: no batched rule {rule!r}; choose from {RULES[:3]}")
    if len(candidates) > MAX_PAIRWISE:
        raise GameError(
            f"risk dominance compares equilibria pairwise: {len(candidates):,} profiles are "
            f"equilibria here, more than {MAX_PAIRWISE}; choose another selection rule"
        )
    for p in candidates:
        wins = flat_mask[p] & (chosen < 0)
        for q in candidates:
            if q == p or not wins.any():
                continue
            same = (np.abs(flat[:, p] - flat[:, q]) <= tol).all(axis=0)
            same &= np.abs(total[p] - total[q]) <= tol
            wins &= ~flat_mask[q] | same | _risk_beats(payoffs, shape, p, q, size, tol)
        chosen[wins] = p
    return chosen


def _payoff_dominant(
    flat: FloatArray,
    mask: NDArray[np.bool_],
    total: FloatArray,
    candidates: list[int],
    tol: float,
) -> NDArray[np.intp]:
    """The payoff-dominant equilibrium of each game, in two passes over the equilibria: only
    one that pays every actor the most any equilibrium pays it can dominate all others, so the
    first such is checked against every other (equal payoffs, or someone strictly better off).
    """
    size = mask.shape[1]
    best = np.full((flat.shape[0], size), -np.inf)
    for p in candidates:
        np.copyto(best, np.maximum(best, flat[:, p]), where=mask[p])
    chosen = np.full(size, -1, dtype=np.intp)
    for p in candidates:
        top = mask[p] & (chosen < 0) & (flat[:, p] >= best - tol).all(axis=0)
        chosen[top] = p
    found = chosen >= 0
    at = np.maximum(chosen, 0)
    points = np.arange(size)
    ours, our_total = flat[:, at, points], total[at, points]
    for q in candidates:
        same = (np.abs(ours - flat[:, q]) <= tol).all(axis=0)
        same &= np.abs(our_total - total[q]) <= tol
        better = (ours > flat[:, q] + tol).any(axis=0)
        found &= ~mask[q] | same | better
    return np.where(found, chosen, -1)


def _risk_beats(
    payoffs: FloatArray, shape: tuple[int, ...], p: int, q: int, size: int, tol: float
) -> NDArray[np.bool_]:
    """Whether ``p``'s Nash product of deviation losses exceeds ``q``'s (relative ``tol``)."""
    pp = tuple(int(i) for i in np.unravel_index(p, shape))
    qq = tuple(int(i) for i in np.unravel_index(q, shape))
    differ = [i for i, (a, b) in enumerate(zip(pp, qq, strict=True)) if a != b]
    ours = deviation_losses(payoffs, pp, qq)[differ].reshape(-1, size).prod(axis=0)
    theirs = deviation_losses(payoffs, qq, pp)[differ].reshape(-1, size).prod(axis=0)
    return np.asarray(ours - theirs > tol * np.maximum(np.abs(ours) + np.abs(theirs), 1.0))


def logit_select(
    game: Game, equilibria: list[tuple[int, ...]], *, tol: float = DEFAULT_TOL
) -> tuple[int, dict[str, Any]]:
    """The pure equilibrium nearest the logit selection of ``game``, and what the path gave.

    Returns the index into ``equilibria`` of the profile with the largest probability under
    the equilibrium the principal branch of the logit QRE approaches (-1 if ``equilibria`` is
    empty or the tracer fails), and a record: each actor's probabilities at the end of the
    path (``strategies``), the precision where tracing stopped (``lambda``) and each listed
    equilibrium's probability (``probabilities``).

    >>> stag = Game.from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    >>> index, record = logit_select(stag, [(0, 0), (1, 1)])
    >>> index, record["probabilities"]
    (1, [0.0, 1.0])
    """
    from ..errors import NegotiationSimError
    from ..solvers import solve

    if not equilibria:
        return -1, {}
    try:
        result = solve(game, "logit", tol=tol)
    except NegotiationSimError as error:
        return -1, {"failed": str(error)}
    if not result.equilibria:
        return -1, {"failed": "the logit tracer found no equilibrium"}
    strategies = result.equilibria[0].strategies
    probabilities = [
        float(np.prod([s[o] for s, o in zip(strategies, profile, strict=True)]))
        for profile in equilibria
    ]
    record = {
        "strategies": [[float(x) for x in s] for s in strategies],
        "lambda": float(result.parameters.get("lambda", np.nan)),
        "probabilities": [round(p, 12) for p in probabilities],
    }
    return int(np.argmax(probabilities)), record


def explain_selection(
    game: Game,
    *,
    totals: FloatArray | None = None,
    rules: tuple[str, ...] = RULES,
    tol: float = DEFAULT_TOL,
) -> dict[str, Any]:
    """Which pure equilibrium of ``game`` each rule selects, and why (JSON-ready).

    ``totals`` (shape ``k_1..k_n``): every actor's total payoff at each profile (with actors
    who do not choose; default the sum of the game's payoffs). The record lists the pure
    equilibria (``profiles``, option indices in profile order) and, per rule, ``selected`` (an
    index into them, or None) with the evidence: ``totals`` (welfare); the pairwise Pareto
    comparisons (payoff dominance); each pair's deviation losses and Nash products (risk
    dominance); the probabilities at the end of the logit path (logit).

    Examples
    --------
    >>> stag = Game.from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    >>> record = explain_selection(stag)
    >>> record["profiles"], {r: record["rules"][r]["selected"] for r in RULES}
    ([[0, 0], [1, 1]], {'welfare': 0, 'payoff_dominance': 0, 'risk_dominance': 1, 'logit': 1})
    >>> record["rules"]["risk_dominance"]["pairs"][0]["products"]
    [1.0, 9.0]
    """
    from ..solvers import pure_equilibria

    payoffs = np.asarray(game.payoffs, dtype=np.float64)
    mask = np.asarray(pure_equilibria(payoffs, n_actors=game.n_actors, tol=tol), dtype=bool)
    profiles = [tuple(int(i) for i in p) for p in np.argwhere(mask)]
    total = payoffs.sum(axis=0) if totals is None else np.asarray(totals, dtype=np.float64)
    record: dict[str, Any] = {"profiles": [list(p) for p in profiles], "rules": {}}
    flat = [int(np.ravel_multi_index(p, mask.shape)) for p in profiles]
    if len(profiles) > MAX_EXPLAINED:
        record["note"] = (
            f"{len(profiles):,} pure equilibria: only welfare and payoff dominance are "
            f"reported (risk dominance and logit up to {MAX_EXPLAINED})"
        )
        rules = tuple(r for r in rules if r in ("welfare", "payoff_dominance"))
    for rule in rules:
        if rule == "logit":
            index, found = (
                logit_select(game, profiles, tol=tol)
                if len(profiles) > 1
                else (
                    (0 if profiles else -1),
                    {},
                )
            )
            entry: dict[str, Any] = {"selected": None if index < 0 else index, **found}
        else:
            chosen = int(
                select_pure(
                    rule, payoffs[..., None], mask[..., None], totals=total[..., None], tol=tol
                )[0]
            )
            entry = {"selected": flat.index(chosen) if chosen >= 0 else None}
        if rule == "welfare" or len(profiles) <= MAX_EXPLAINED:
            entry.update(_evidence(rule, payoffs, total, profiles, tol))
        record["rules"][rule] = entry
    return record


def _evidence(
    rule: str, payoffs: FloatArray, total: FloatArray, profiles: list[tuple[int, ...]], tol: float
) -> dict[str, Any]:
    """The numbers behind a rule's choice among ``profiles``."""
    if rule == "welfare":
        return {"totals": [float(total[p]) for p in profiles]}
    if rule == "logit":
        return {}
    pairs = []
    last = np.moveaxis(payoffs, 0, -1)  # (k..., n): a profile's payoff vector by its index
    for a in range(len(profiles)):
        for b in range(a + 1, len(profiles)):
            p, q = profiles[a], profiles[b]
            up, uq = last[p], last[q]
            if rule == "payoff_dominance":
                if np.all(np.abs(up - uq) <= tol):
                    relation = "equal"
                elif np.all(up >= uq - tol):
                    relation = "first dominates"
                elif np.all(uq >= up - tol):
                    relation = "second dominates"
                else:
                    relation = "incomparable"
                pairs.append({"pair": [a, b], "relation": relation})
                continue
            same = bool(np.all(np.abs(up - uq) <= tol) and abs(total[p] - total[q]) <= tol)
            differ = [i for i in range(len(p)) if p[i] != q[i]]
            losses = [deviation_losses(payoffs, p, q), deviation_losses(payoffs, q, p)]
            products = [float(np.prod(x[differ])) for x in losses]
            pair: dict[str, Any] = {
                "pair": [a, b],
                "actors": differ,
                "losses": [[float(x[i]) for i in differ] for x in losses],
                "products": products,
                "same_payoffs": same,
            }
            pairs.append(pair)
    return {"pairs": pairs}
