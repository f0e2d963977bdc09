"""One-at-a-time (tornado) sensitivity: move one input to its low and high values at a time.

Every input starts at its baseline value; input i alone is moved to its low and then its high
value (e.g. its prior's 5% and 95% quantiles) and the metric recorded. The swing
``|high - low|`` ranks the inputs. Unlike Sobol' indices this ignores interactions and the
shape of the priors between the two ends, but it needs only ``2 d + 1`` evaluations and reads
in the metric's own units.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from negotiation_sim._checking import Problems, join
from negotiation_sim.errors import InputError

__all__ = ["TornadoResult", "tornado"]

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class TornadoResult:
    """The metric with every input at its baseline, and with each input alone at its ends.

    Attributes
    ----------
    names : tuple of str
        The d inputs, in column order.
    metric : str
        What was measured, for tables and pictures.
    baseline : float
        The metric with every input at its baseline value.
    baseline_inputs, low_inputs, high_inputs : ndarray, shape (d,)
        The inputs' baseline, low and high values.
    low, high : ndarray, shape (d,)
        The metric with input i at its low (high) value and all others at their baseline.
    """

    names: tuple[str, ...]
    metric: str
    baseline: float
    baseline_inputs: Floats
    low_inputs: Floats
    high_inputs: Floats
    low: Floats
    high: Floats

    @property
    def swing(self) -> Floats:
        """``|high - low|``: how far the metric moves as each input crosses its range."""
        return np.abs(self.high - self.low)

    def order(self) -> NDArray[np.intp]:
        """The inputs' indices by decreasing swing (ties keep the column order)."""
        return np.argsort(-self.swing, kind="stable")


def tornado(
    f: Callable[[Floats], ArrayLike],
    names: Sequence[str],
    baseline: ArrayLike,
    low: ArrayLike,
    high: ArrayLike,
    *,
    metric: str = "metric",
) -> TornadoResult:
    """One-at-a-time sensitivity of a metric, evaluated in one batched call.

    Parameters
    ----------
    f : callable
        Takes an array of input rows, shape (m, d), and returns the metric at each, shape (m,).
        It is called once, with ``m = 2 d + 1`` rows: the baseline, then input i at its low
        value for every i, then input i at its high value for every i.
    names : sequence of str
        The d inputs' names, distinct.
    baseline, low, high : array_like, shape (d,)
        Finite input values with ``low <= high``; the baseline need not lie between them.
    metric : str, optional
        The metric's name, kept on the result.

    Returns
    -------
    TornadoResult

    Raises
    ------
    InputError
        Located at the argument: names that are not d distinct strings, input values of the
        wrong shape, not finite or with ``low > high``, a non-callable ``f``, or an ``f``
        whose answer is not 2 d + 1 finite numbers.

    Examples
    --------
    With y = 3 a - b + 0 c and a, b, c each moved over [0, 1] from 0.5:

    >>> result = tornado(lambda x: 3 * x[:, 0] - x[:, 1], ["a", "b", "c"],
    ...                  [0.5, 0.5, 0.5], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], metric="y")
    >>> result.baseline, result.low.tolist(), result.high.tolist()
    (1.0, [-0.5, 1.5, 1.0], [2.5, 0.5, 1.0])
    >>> [result.names[i] for i in result.order()], result.swing.tolist()
    (['a', 'b', 'c'], [3.0, 1.0, 0.0])
    """
    labels, rows = _design(names, baseline, low, high, f)
    d = len(labels)
    values = _evaluate(f, rows)
    return TornadoResult(
        names=labels,
        metric=str(metric),
        baseline=float(values[0]),
        baseline_inputs=rows[0].copy(),
        low_inputs=rows[1 : d + 1].diagonal().copy(),
        high_inputs=rows[d + 1 :].diagonal().copy(),
        low=values[1 : d + 1],
        high=values[d + 1 :],
    )


def _design(
    names: Sequence[str], baseline: ArrayLike, low: ArrayLike, high: ArrayLike, f: object
) -> tuple[tuple[str, ...], Floats]:
    """The checked names and the 2 d + 1 input rows: baseline, each input low, each high."""
    problems = Problems("", InputError)
    labels = _labels(names, problems)
    columns = {
        where: problems.float_array(value, where, ndim=1)
        for where, value in (("baseline", baseline), ("low", low), ("high", high))
    }
    for where, column in columns.items():
        if column is not None and labels and column.shape != (len(labels),):
            problems.add(where, f"expected {len(labels)} values, one per name, got {column.size}")
    if not callable(f):
        problems.add("f", f"expected a function of the input rows, got {type(f).__name__}")
    problems.raise_if_any()
    centre, lows, highs = (np.asarray(columns[k]) for k in ("baseline", "low", "high"))
    if np.any(lows > highs):
        i = int(np.flatnonzero(lows > highs)[0])
        problems.add(join("high", i), f"{labels[i]!r}: high {highs[i]:g} is below low {lows[i]:g}")
        problems.raise_if_any()
    d = len(labels)
    rows = np.repeat(centre[np.newaxis], 2 * d + 1, axis=0)
    index = np.arange(d)
    rows[1 + index, index] = lows
    rows[1 + d + index, index] = highs
    return labels, rows


def _labels(names: Sequence[str], problems: Problems) -> tuple[str, ...]:
    """The inputs' names: at least one, all distinct strings (empty when bad)."""
    labels = tuple(names) if isinstance(names, Sequence) and not isinstance(names, str) else ()
    if not labels or not all(isinstance(name, str) and name for name in labels):
        problems.add("names", "expected a non-empty sequence of input names (strings)")
        return ()
    repeated = sorted({name for name in labels if labels.count(name) > 1})
    if repeated:
        problems.add("names", f"must be distinct; repeated: {', '.join(repeated)}")
        return ()
    return labels


def _evaluate(f: Callable[[Floats], ArrayLike], rows: Floats) -> Floats:
    """``f`` on all rows in one call, checked: one finite number per row."""
    answer = f(rows)  # errors inside f are f's own: not caught here
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InputError.at("", "f", f"did not return numbers: {error}") from None
    m = rows.shape[0]
    if values.shape != (m,):
        raise InputError.at(
            "", "f", f"must return one value per input row, shape ({m},), got {values.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise InputError.at(
            "", "f", f"returned {values[bad[0]]} for the input row {rows[bad[0]].tolist()}"
        )
    return values
