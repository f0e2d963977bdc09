"""The text of a sensitivity analysis: ranked Sobol' table, tornado table, PRIM sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from negotiation_sim.sensitivity.prim import SIGNIFICANCE

if TYPE_CHECKING:
    from negotiation_sim.sensitivity.analysis import Sensitivity
    from negotiation_sim.sensitivity.indices import SobolResult
    from negotiation_sim.sensitivity.prim import PrimResult
    from negotiation_sim.sensitivity.tornado import TornadoResult

__all__ = ["describe"]

#: Inputs with a total index at least this large "matter"; below the second, negligible.
IMPORTANT, NEGLIGIBLE = 0.1, 0.01
#: Rows of the PRIM peeling trajectory shown.
TRAJECTORY_ROWS = 6
#: How each yes/no metric reads in a sentence, and what its draws are called.
_PHRASES = {
    "deal_is_equilibrium": ("a deal is an equilibrium", "deal draws"),
    "no_deal_is_equilibrium": ("a no-deal outcome is an equilibrium", "no-deal draws"),
}


def describe(result: Sensitivity) -> str:
    """A sensitivity analysis as text: what matters, in what order, and where the metric holds.

    The Sobol' table ranks the inputs by total index (S_i and S_Ti with their bootstrap
    intervals), a reading names those that matter (total >= 0.1) and those that do not
    (total < 0.01); the tornado table moves each input alone over its prior's 5-95% range;
    for a yes/no metric the PRIM box is said in words, with rows of its coverage/density
    trade-off.

    Examples
    --------
    >>> import numpy as np
    >>> from negotiation_sim.sensitivity import prim, tornado
    >>> from negotiation_sim.sensitivity.analysis import Sensitivity
    >>> from negotiation_sim.sensitivity.indices import SobolResult
    >>> indices = SobolResult(np.array([0.7, 0.001]), np.array([0.8, 0.002]),
    ...                       np.array([[0.6, 0.8], [0.0, 0.01]]),
    ...                       np.array([[0.7, 0.9], [0.0, 0.01]]), 0.95, 100, ("trust", "p"))
    >>> moved = tornado(lambda x: (x[:, 0] > 0.5).astype(float), ["trust", "p"],
    ...                 [0.2, 0.5], [0.05, 0.4], [0.9, 0.6], metric="deal_is_equilibrium")
    >>> x = np.random.default_rng(0).random((400, 2))
    >>> boxes = prim(x, x[:, 0] > 0.5)
    >>> text = describe(Sensitivity("deal_is_equilibrium", "bilateral", ("trust", "p"), 256,
    ...                             indices, moved, boxes, 0.5, 0))
    >>> print(text.splitlines()[3])
        1  trust     0.700 [ 0.600,  0.800]   0.800 [ 0.700,  0.900]
    >>> print(text.splitlines()[6])
    Reading: trust matters most (total index >= 0.1; its first-order index is 0.70); p has total index below 0.01.
    >>> print(next(line for line in text.splitlines() if line.startswith("PRIM")))
    PRIM: a deal is an equilibrium in 90% of draws when trust >= 0.432; the box holds 100% of all deal draws (62% of all draws).
    """
    lines = _sobol_lines(result)
    if result.share is not None:
        phrase = _PHRASES.get(result.metric, (result.metric, ""))[0]
        lines.append(f"Over the independent draws (A and B), {phrase} in {result.share:.1%}.")
    lines.append("")
    if result.tornado is not None:
        lines += _tornado_lines(result.tornado)
    else:
        lines.append(f"Tornado: none; {result.tornado_note}.")
    if result.prim is not None:
        lines.append("")
        lines += _prim_lines(result.prim, result.names, result.metric)
    return "\n".join(lines)


def _sobol_lines(result: Sensitivity) -> list[str]:
    """The header, the ranked table and the reading."""
    indices = result.sobol
    d = len(result.names)
    runs = result.samples * (d + 2)
    header = (
        f"Sobol' indices of {result.metric} ({result.format}): N = {result.samples:,} base "
        f"rows x {d + 2} = {runs:,} runs, {indices.confidence:.0%} bootstrap intervals "
        f"({indices.n_bootstrap:,} resamples)"
    )
    if result.dropped:
        header += (
            f"; {result.dropped:,} base rows left out (the metric is undefined there: "
            "no pure equilibrium)"
        )
    width = max(5, *(len(name) for name in result.names))
    lines = [
        header,
        "",
        f"{'rank':>5}  {'input':<{width}}  {'S_i':>6} {'[low, high]':<16}   "
        f"{'S_Ti':>6} {'[low, high]'}",
    ]
    for rank, i in enumerate(_ranked(indices), start=1):
        first = _estimate(indices.first[i], indices.first_interval[i])
        total = _estimate(indices.total[i], indices.total_interval[i])
        lines.append(f"{rank:>5}  {result.names[i]:<{width}}  {first}   {total}")
    lines += ["", _reading(indices, result.names)]
    return lines


def _ranked(indices: SobolResult) -> list[int]:
    """Input indices by decreasing total index (ties keep the column order)."""
    return [int(i) for i in np.argsort(-indices.total, kind="stable")]


def _estimate(value: float, interval: np.ndarray) -> str:
    return f"{value:6.3f} [{interval[0]:6.3f}, {interval[1]:6.3f}]"


def _reading(indices: SobolResult, names: tuple[str, ...]) -> str:
    """One line: which inputs matter, which do not, and what interactions carry."""
    order = _ranked(indices)
    leaders = [i for i in order if indices.total[i] >= IMPORTANT]
    idle = [names[i] for i in order if indices.total[i] < NEGLIGIBLE]
    parts = []
    if leaders:
        verb, owner = (
            ("matters", "its first-order index is")
            if len(leaders) == 1
            else (
                "matter",
                "their first-order indices add to",
            )
        )
        first = float(sum(indices.first[i] for i in leaders))
        parts.append(
            f"{_and([names[i] for i in leaders])} {verb} most (total index >= {IMPORTANT:g}; "
            f"{owner} {first:.2f})"
        )
    else:
        parts.append(f"no input has a total index of {IMPORTANT:g} or more")
    if idle:
        verb = "has" if len(idle) == 1 else "have"
        parts.append(f"{_and(idle)} {verb} total index below {NEGLIGIBLE:g}")
    reading = "Reading: " + "; ".join(parts) + "."
    every = float(np.sum(indices.first))
    if every < 0.7:
        reading += (
            f" All first-order indices add to {every:.2f}: interactions between inputs carry "
            "the rest of the variance."
        )
    return reading


def _and(items: list[str], limit: int = 5) -> str:
    """``a``, ``a and b``, ``a, b and c``; past ``limit`` items, ``a, b, c and 4 more``."""
    if len(items) > limit:
        return f"{', '.join(items[: limit - 1])} and {len(items) - limit + 1} more"
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _tornado_lines(result: TornadoResult) -> list[str]:
    """The one-at-a-time table, by decreasing swing."""
    width = max(5, *(len(name) for name in result.names))
    lines = [
        f"One at a time (tornado): each input alone at its prior's 5% and 95% quantiles, the "
        f"others at the baseline; {result.metric} at the baseline = {result.baseline:.4g}",
        "",
        f"{'input':<{width}}  {'low -> value':<20}  {'high -> value':<20}  swing",
    ]
    for i in result.order():
        low = f"{result.low_inputs[i]:.3g} -> {result.low[i]:.4g}"
        high = f"{result.high_inputs[i]:.3g} -> {result.high[i]:.4g}"
        lines.append(f"{result.names[i]:<{width}}  {low:<20}  {high:<20}  {result.swing[i]:.4g}")
    return lines


def _prim_lines(result: PrimResult, names: tuple[str, ...], metric: str) -> list[str]:
    """The chosen box in words, then a few rows of the peeling trajectory."""
    phrase, draws = _PHRASES.get(metric, (f"{metric} holds", f"{metric} draws"))
    k = result.chosen
    conditions = _conditions(result, k, names)
    if not conditions:
        lines = [
            f"PRIM: no box of inputs is denser than all draws: {phrase} nowhere in particular."
        ]
    else:
        weak = _weak(result, names)
        lines = [
            f"PRIM: {phrase} in {result.density[k]:.0%} of draws when {' and '.join(conditions)}; "
            f"the box holds {result.coverage[k]:.0%} of all {draws} "
            f"({result.mass[k]:.0%} of all draws)."
            + (
                f" The box also restricts {', '.join(weak)}, not significantly "
                f"(quasi-p-value above {SIGNIFICANCE:g} each: Bryant & Lempert 2010)."
                if weak
                else ""
            )
        ]
    lines += [
        "",
        "Coverage/density trade-off (PRIM peeling; * the box above):",
        f"{'box':>5}  {'coverage':>8}  {'density':>7}  {'mass':>6}  restricts",
    ]
    shown = np.unique(np.r_[np.linspace(0, len(result.coverage) - 1, TRAJECTORY_ROWS), k])
    for j in shown.round().astype(int).tolist():
        mark = "*" if j == k else " "
        restricted = ", ".join(_restricted(result, j, names)) or "-"
        lines.append(
            f"{j:>4}{mark}  {result.coverage[j]:>8.0%}  {result.density[j]:>7.0%}  "
            f"{result.mass[j]:>6.0%}  {restricted}"
        )
    return lines


def _restricted(result: PrimResult, k: int, names: tuple[str, ...]) -> list[str]:
    """The inputs box ``k`` restricts (narrower than box 0, which surrounds every draw)."""
    lower, upper = result.box(k)
    outer_lower, outer_upper = result.box(0)
    return [
        name
        for j, name in enumerate(names)
        if lower[j] > outer_lower[j] or upper[j] < outer_upper[j]
    ]


def _weak(result: PrimResult, names: tuple[str, ...]) -> list[str]:
    """The inputs the chosen box restricts without significance (quasi-p-value above 5%)."""
    if result.pvalues is None:
        return []
    return [name for name, p in zip(names, result.pvalues, strict=True) if p > SIGNIFICANCE]


def _conditions(result: PrimResult, k: int, names: tuple[str, ...]) -> list[str]:
    """``trust >= 0.55``, ``0.1 <= p <= 0.6``: only the limits box ``k`` moved (for the chosen
    box, only its significant restrictions)."""
    lower, upper = result.box(k)
    outer_lower, outer_upper = result.box(0)
    weak = set(_weak(result, names)) if k == result.chosen else set()
    out = []
    for j, name in enumerate(names):
        if name in weak:
            continue
        low, high = lower[j] > outer_lower[j], upper[j] < outer_upper[j]
        if low and high:
            out.append(f"{lower[j]:.3g} <= {name} <= {upper[j]:.3g}")
        elif low:
            out.append(f"{name} >= {lower[j]:.3g}")
        elif high:
            out.append(f"{name} <= {upper[j]:.3g}")
    return out
