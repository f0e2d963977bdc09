"""An experiment's QRE metrics: ``qre_deal_probability`` and ``qre_outcome_probability``.

Asked for in ``metrics`` (they are not recorded by default: the QRE of every point costs more
than the pure equilibria of a whole grid), they need ``[experiment] qre_lambda``: the logit
precision, a number or an expression of the parameters (so an experiment parameter can sweep
it), ``>= 0`` wherever it is evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checking import Problems, join
from ..errors import Problem, ScenarioError
from ..game import FloatArray
from ..scenario import Scenario
from ..scenario.expressions import Expression, check_expression

__all__ = ["QRE_METRICS", "check_qre", "qre_precision"]

#: The metrics of the logit QRE at ``qre_lambda``.
QRE_METRICS = ("qre_deal_probability", "qre_outcome_probability")


def check_qre(
    problems: Problems,
    head: Mapping[str, Any],
    metrics: tuple[str, ...] | None,
    scenario: Scenario | None,
    dynamics: bool,
) -> Expression | None:
    """``[experiment] qre_lambda``: required by the QRE metrics, refused without them, and
    only for games of complete information."""
    wanted = [m for m in metrics or () if m in QRE_METRICS]
    where = "experiment.qre_lambda"
    if "qre_lambda" not in head:
        if wanted:
            problems.add(where, f"missing: {wanted[0]} is the logit QRE at this precision")
        return None
    if not wanted:
        problems.add(where, f"set only with the metrics {' or '.join(QRE_METRICS)}")
        return None
    if dynamics or (scenario is not None and scenario.types):
        problems.add(
            "experiment.metrics",
            f"{wanted[0]} is for games of complete information (no actor types, no dynamics)",
        )
        return None
    if scenario is None:
        return None
    expression, found = check_expression(
        head["qre_lambda"],
        parameters=tuple(scenario.parameters),
        location=where,
        definitions=scenario.definitions,
    )
    problems.extend(found)
    return expression


def qre_precision(
    expression: Expression, values: Mapping[str, FloatArray], size: int, source: str
) -> FloatArray:
    """``qre_lambda`` at each of ``size`` points; a value below 0 or not finite is a located
    error naming the parameter values.

    Examples
    --------
    >>> from negotiation_sim.scenario.expressions import parse_expression
    >>> lam = parse_expression("10 * trust", parameters=("trust",))
    >>> qre_precision(lam, {"trust": np.array([0.0, 0.5])}, 2, "x.toml").tolist()
    [0.0, 5.0]
    """
    lam = np.broadcast_to(np.asarray(expression.evaluate(values), dtype=np.float64), (size,))
    bad = np.flatnonzero(~(np.isfinite(lam) & (lam >= 0)))
    if bad.size:
        k = int(bad[0])
        at = ", ".join(
            f"{n} = {float(np.broadcast_to(values[n], (size,))[k]):g}"
            for n in expression.parameters
            if n in values
        )
        raise ScenarioError(
            source,
            [
                Problem(
                    join("experiment", "qre_lambda"),
                    f"expected a precision >= 0, got {float(lam[k])!r}"
                    + (f" at {at}" if at else ""),
                )
            ],
        )
    return np.ascontiguousarray(lam)
