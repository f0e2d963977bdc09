"""Priors on parameters: how sure a scenario's author is of each number (MODEL.md §9).

A parameter may declare ``prior = "beta(2, 5)"``. The text is data, never executed: it is
parsed with :func:`ast.parse` in eval mode (the expression grammar's limits and ASCII rule)
and must be one call of a known distribution whose arguments are number literals (and, for
``choice``, lists of them). :func:`parse_prior` turns it into a :class:`Prior` whose support
lies inside the parameter's range, or into the one message saying what is wrong.

==================================  =====================================================
``uniform(a, b)``                   uniform on [a, b]
``triangular(lo, mode, hi)``        triangular on [lo, hi], peak at ``mode``
``beta(a, b)``                      beta with shapes a, b > 0, rescaled to the range
``truncnormal(mean, sd)``           normal truncated to the range (``mean`` inside it)
``choice([v1, v2], [p1, p2])``      the listed values with probabilities summing to 1
==================================  =====================================================
"""

from __future__ import annotations

import ast
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._checking import MAX_MAGNITUDE, describe, suggest
from ._grammar import flat, parse_text

__all__ = ["KINDS", "Prior", "parse_prior"]

#: Each distribution with its signature (the number of arguments is the signature's).
KINDS = {
    "uniform": ("a", "b"),
    "triangular": ("lo", "mode", "hi"),
    "beta": ("a", "b"),
    "truncnormal": ("mean", "sd"),
    "choice": ("values", "probabilities"),
}
#: How far probabilities may sum away from 1.
TOLERANCE = 1e-9

Args = tuple[float | tuple[float, ...], ...]


@dataclass(frozen=True)
class Prior:
    """A distribution of one parameter, inside its range ``[low, high]``.

    Examples
    --------
    >>> prior = parse_prior("triangular(0.2, 0.3, 0.5)", 0.0, 1.0)
    >>> prior.kind, prior.support, round(prior.mean, 6)
    ('triangular', (0.2, 0.5), 0.333333)
    >>> prior.ppf(np.array([0.0, 1.0])).tolist()
    [0.2, 0.5]
    >>> parse_prior("choice([0.1, 0.3], [0.25, 0.75])", 0.0, 1.0).ppf([0.2, 0.3]).tolist()
    [0.1, 0.3]
    """

    kind: str
    args: Args
    low: float
    high: float

    def __str__(self) -> str:
        shown = ", ".join(
            f"[{', '.join(f'{v:g}' for v in a)}]" if isinstance(a, tuple) else f"{a:g}"
            for a in self.args
        )
        return f"{self.kind}({shown})"

    @property
    def support(self) -> tuple[float, float]:
        """The smallest interval holding every value the prior can take."""
        if self.kind in ("uniform", "triangular"):
            return float(self._number(0)), float(self._number(-1))
        if self.kind == "choice":
            values = self._values()
            return min(values), max(values)
        return self.low, self.high

    @property
    def mean(self) -> float:
        """The prior's mean."""
        if self.kind == "choice":
            return float(np.dot(self._values(), self._probabilities()))
        if self.kind == "truncnormal":
            return float(self._frozen().mean())
        if self.kind == "beta":
            a, b = self._number(0), self._number(1)
            return self.low + (self.high - self.low) * a / (a + b)
        numbers = [self._number(k) for k in range(len(self.args))]
        return sum(numbers) / len(numbers)

    def ppf(self, u: ArrayLike) -> NDArray[np.float64]:
        """The inverse CDF at probabilities ``u`` in [0, 1] (NaN elsewhere): uniform ``u`` give
        prior draws."""
        q = np.asarray(u, dtype=np.float64)
        lo, hi = self.support
        if self.kind == "choice":
            keep = np.asarray(self._probabilities()) > 0  # never draw a value of probability 0
            values = np.asarray(self._values())[keep]
            cumulative = np.cumsum(np.asarray(self._probabilities())[keep])
            cumulative[-1] = 1.0  # rounding must not leave u near 1 past the last value
            index = np.minimum(np.searchsorted(cumulative, q, side="left"), len(values) - 1)
            out = np.where((q >= 0) & (q <= 1), values[index], np.nan)  # NaN, as scipy's
        else:
            with warnings.catch_warnings():
                # Boost's beta root finder gives up (NaN, and a warning) at some u, e.g. u below
                # 1e-200 for beta(3, 3): those points are found by bisection instead.
                warnings.simplefilter("ignore", RuntimeWarning)
                out = np.asarray(self._frozen().ppf(q), dtype=np.float64)
            failed = np.isnan(out) & (q >= 0) & (q <= 1)
            if self.kind == "beta" and failed.any():
                unit = _beta_ppf_by_bisection(self._number(0), self._number(1), q[failed])
                out[failed] = self.low + (self.high - self.low) * unit
        # Rescaling can round one ulp past an end: the support is a promise.
        clipped: NDArray[np.float64] = np.clip(out, lo, hi)
        return clipped

    def _frozen(self) -> Any:
        """The scipy.stats distribution (imported here: scipy is slow to import)."""
        from scipy import stats

        if self.kind == "uniform":
            a, b = self._number(0), self._number(1)
            return stats.uniform(loc=a, scale=b - a)
        if self.kind == "triangular":
            lo, mode, hi = (self._number(k) for k in range(3))
            return stats.triang((mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
        if self.kind == "beta":
            return stats.beta(
                self._number(0), self._number(1), loc=self.low, scale=self.high - self.low
            )
        mean, sd = self._number(0), self._number(1)
        a, b = (self.low - mean) / sd, (self.high - mean) / sd
        return stats.truncnorm(a, b, loc=mean, scale=sd)

    def _number(self, index: int) -> float:
        value = self.args[index]
        assert not isinstance(value, tuple)
        return value

    def _values(self) -> tuple[float, ...]:
        value = self.args[0]
        assert isinstance(value, tuple)
        return value

    def _probabilities(self) -> tuple[float, ...]:
        value = self.args[1]
        assert isinstance(value, tuple)
        return value


def _beta_ppf_by_bisection(a: float, b: float, q: NDArray[np.float64]) -> NDArray[np.float64]:
    """The standard beta(a, b) quantiles of ``q`` by bisection on the bits of x in [0, 1] (the
    order of non-negative doubles is that of their bit patterns): exact to the last bit in 63
    halvings, however small the quantile.

    >>> float(_beta_ppf_by_bisection(1.0, 1.0, np.array([0.25]))[0])
    0.25
    """
    from scipy.special import betainc

    low = np.zeros(q.shape, dtype=np.int64)  # the bits of 0.0
    high = np.full(q.shape, np.float64(1.0).view(np.int64))
    for _ in range(63):
        middle = low + (high - low) // 2
        below = betainc(a, b, middle.view(np.float64)) < q
        low = np.where(below, middle + 1, low)
        high = np.where(below, high, middle)
    return high.view(np.float64)


def parse_prior(text: object, low: float, high: float) -> Prior | str:
    """The prior ``text`` declares for a parameter of range ``[low, high]``, or its problem.

    Examples
    --------
    >>> parse_prior("beta(2, 5)", 0.0, 0.5)
    Prior(kind='beta', args=(2.0, 5.0), low=0.0, high=0.5)
    >>> print(parse_prior("unifrom(0.1, 0.4)", 0.0, 1.0))
    unknown distribution 'unifrom' (did you mean 'uniform'?)
    >>> print(parse_prior("uniform(0.1, 1.4)", 0.0, 1.0))
    support [0.1, 1.4] of 'uniform(0.1, 1.4)' is not inside the range [0, 1]
    >>> print(parse_prior("__import__('os')", 0.0, 1.0))  # doctest: +NORMALIZE_WHITESPACE
    unknown distribution '__import__' (expected one of uniform, triangular, beta, truncnormal,
    choice)
    """
    if not isinstance(text, str):
        return f"expected a string such as 'uniform(0.1, 0.4)', got {describe(text)}"
    parsed = parse_text(text)
    if isinstance(parsed, str):
        return parsed
    stripped, tree = parsed
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return (
            f"expected a call of {', '.join(KINDS)} with numbers as arguments, "
            f"such as 'uniform(0.1, 0.4)', got {flat(stripped)!r}"
        )
    kind = call.func.id
    if kind not in KINDS:
        return f"unknown distribution {kind!r}{suggest(kind, KINDS, listing=True)}"
    signature = f"{kind}({', '.join(KINDS[kind])})"
    if call.keywords:
        return f"keyword arguments are not allowed: write {signature} with numbers in order"
    if len(call.args) != len(KINDS[kind]):
        return f"expected {signature} with {len(KINDS[kind])} positional arguments, got {flat(stripped)!r}"
    args: list[float | tuple[float, ...]] = []
    for k, node in enumerate(call.args):
        value = _list(node) if kind == "choice" else _number(node)
        if isinstance(value, str):
            return f"argument {k + 1} of {signature}: {value}"
        args.append(value)
    prior = Prior(kind, tuple(args), low, high)
    problem = _check(prior, signature)
    if problem is None and not low <= prior.support[0] <= prior.support[1] <= high:
        lo, hi = prior.support
        problem = (
            f"support [{lo:g}, {hi:g}] of {flat(stripped)!r} is not inside the range "
            f"[{low:g}, {high:g}]"
        )
    return prior if problem is None else problem


def _number(node: ast.expr) -> float | str:
    """A number literal, signed or not (a boolean, a name or an operation is not one)."""
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        node = node.operand
    value = node.value if isinstance(node, ast.Constant) else None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return f"expected a number, got {ast.unparse(node)!r}"
    try:
        number = sign * float(value)
    except OverflowError:
        return "expected a number that fits a 64-bit float"
    if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE:
        return f"expected a finite number of magnitude at most {MAX_MAGNITUDE:g}, got {number:g}"
    return number


def _list(node: ast.expr) -> tuple[float, ...] | str:
    """A non-empty list of number literals."""
    if not isinstance(node, ast.List) or not node.elts:
        return f"expected a non-empty list of numbers, got {ast.unparse(node)!r}"
    numbers = [_number(element) for element in node.elts]
    problem = next((n for n in numbers if isinstance(n, str)), None)
    return problem if problem is not None else tuple(float(n) for n in numbers)


def _check(prior: Prior, signature: str) -> str | None:
    """What is wrong with the arguments of ``prior`` (parsed as numbers), or ``None``."""
    if prior.kind == "choice":
        return _check_choice(prior)
    x = [prior._number(k) for k in range(len(prior.args))]
    if prior.kind in ("beta", "truncnormal") and not prior.low < prior.high:
        return f"{signature} needs a range of positive width, got [{prior.low:g}, {prior.high:g}]"
    if prior.kind == "uniform" and not x[0] < x[1]:
        return f"{signature} needs a < b, got a = {x[0]:g}, b = {x[1]:g}"
    if prior.kind == "triangular" and not (x[0] <= x[1] <= x[2] and x[0] < x[2]):
        return f"{signature} needs lo <= mode <= hi and lo < hi, got {x[0]:g}, {x[1]:g}, {x[2]:g}"
    if prior.kind == "beta" and not min(x) > 0:
        return f"{signature} needs shapes a > 0 and b > 0, got {x[0]:g}, {x[1]:g}"
    if prior.kind == "truncnormal" and not x[1] > 0:
        return f"{signature} needs sd > 0, got {x[1]:g}"
    if prior.kind == "truncnormal" and not prior.low <= x[0] <= prior.high:
        return f"mean {x[0]:g} of {signature} is outside the range [{prior.low:g}, {prior.high:g}]"
    return None


def _check_choice(prior: Prior) -> str | None:
    values, probabilities = prior._values(), prior._probabilities()
    if len(values) != len(probabilities):
        return f"choice lists {len(values)} values but {len(probabilities)} probabilities"
    if min(probabilities) < 0:
        return f"choice has a negative probability, {min(probabilities):g}"
    total = math.fsum(probabilities)
    if abs(total - 1.0) > TOLERANCE:
        return f"choice probabilities sum to {total:.12g}, not 1"
    outside = [v for v in values if not prior.low <= v <= prior.high]
    if outside:
        return f"choice value {outside[0]:g} is outside the range [{prior.low:g}, {prior.high:g}]"
    return None
