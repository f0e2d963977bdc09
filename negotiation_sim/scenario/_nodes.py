"""The closures a checked expression is built of: one per operation, evaluated by broadcasting.

Each node is a function of the parameter values (a mapping of name to float array)
returning a float array. :func:`fold` computes a node at once when all its operands
are constant (constant folding); callers run it inside ``np.errstate(all="ignore")``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple, TypeAlias

import numpy as np
from numpy.typing import NDArray

FloatArray: TypeAlias = NDArray[np.float64]
Values: TypeAlias = Mapping[str, FloatArray]
Node: TypeAlias = Callable[[Values], FloatArray]

_NO_VALUES: Values = {}


class Compiled(NamedTuple):
    """A checked sub-expression: its closure, and its value if it has no parameters."""

    node: Node
    constant: float | None


def fold(node: Node, *operands: Compiled) -> Compiled:
    """``node``, computed now if all its operands are constant (inside ``np.errstate``).

    >>> three = fold(constant_node(3.0))
    >>> fold(negative_node(three.node), three).constant
    -3.0
    >>> fold(negative_node(parameter_node("x")), Compiled(parameter_node("x"), None)).constant is None
    True
    """
    if all(operand.constant is not None for operand in operands):
        value = float(node(_NO_VALUES))
        return Compiled(constant_node(value), value)
    return Compiled(node, None)


def constant_node(value: float) -> Node:
    """A number (a read-only 0-d array, shared by every evaluation)."""
    array = np.array(value, dtype=np.float64)
    array.setflags(write=False)

    def constant(values: Values) -> FloatArray:
        return array

    return constant


def parameter_node(name: str) -> Node:
    """The value of a parameter."""

    def parameter(values: Values) -> FloatArray:
        return values[name]

    return parameter


def binary_node(ufunc: np.ufunc, left: Node, right: Node) -> Node:
    """``left <op> right`` with a numpy ufunc (``np.add``, ``np.power``...)."""

    def binary(values: Values) -> FloatArray:
        result: FloatArray = ufunc(left(values), right(values))
        return result

    return binary


def negative_node(operand: Node) -> Node:
    """``-operand``."""

    def negative(values: Values) -> FloatArray:
        return np.negative(operand(values))

    return negative


def reduce_node(ufunc: np.ufunc, operands: Sequence[Node]) -> Node:
    """``min``/``max`` of several operands: ``np.minimum``/``np.maximum`` reduced over them."""

    def reduce(values: Values) -> FloatArray:
        result: FloatArray = functools.reduce(ufunc, [operand(values) for operand in operands])
        return result

    return reduce


def assurance_node(r: Node, p: Node, s: Node, trust: Node, verification: Node) -> Node:
    """The value of entering a deal (docs/models.md §4, trust as belief with verification)."""

    def assurance(values: Values) -> FloatArray:
        mu, pi = trust(values), verification(values)
        result: FloatArray = mu * r(values) + (1 - mu) * (pi * p(values) + (1 - pi) * s(values))
        return result

    return assurance


def clip_node(x: Node, low: Node, high: Node) -> Node:
    """``clip(x, lo, hi)`` (:func:`numpy.clip`)."""

    def clip(values: Values) -> FloatArray:
        return np.clip(x(values), low(values), high(values))

    return clip
