"""Tests of payoff expressions: the whitelist, error messages, and evaluation on grids."""

from __future__ import annotations

import math
import pickle
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import ArrayLike

from negotiation_sim.errors import Problem, ScenarioError
from negotiation_sim.scenario.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    Expression,
    check_expression,
    parse_expression,
)

PARAMETERS = frozenset({"trust", "verification", "x", "y", "c_war"})
LOCATION = "outcomes.deal.payoffs.russia"


def parse(text: str | int | float, parameters: frozenset[str] = PARAMETERS) -> Expression:
    return parse_expression(text, parameters=parameters, location=LOCATION)


def parse_drawn(text: str) -> Expression:
    """A drawn expression; one whose constant part exceeds MAX_MAGNITUDE is refused by design
    (docs/scenario-format.md, Limits), so such a draw is not a case."""
    try:
        return parse(text)
    except ScenarioError as error:
        assume("is too large" not in str(error))
        raise


def scalar(expression: Expression, **values: float) -> float:
    result = expression.evaluate(values)
    assert result.shape == ()
    return float(result)


# -- the whitelist ----------------------------------------------------------------------------

REJECTED = [
    pytest.param("__import__('os').system('x')", "call of an attribute", id="import-system"),
    pytest.param("__import__('os')", "call of '__import__'", id="import"),
    pytest.param("().__class__.__bases__", "attribute access", id="class-bases"),
    pytest.param("trust.real", "attribute access", id="attribute"),
    pytest.param("(lambda: 1)()", "call of a lambda", id="lambda-call"),
    pytest.param("lambda: 1", "lambda", id="lambda"),
    pytest.param("[x for x in (1,)]", "list comprehension", id="list-comprehension"),
    pytest.param("sum(x for x in (1,))", "call of 'sum'", id="generator"),
    pytest.param("open('f')", "call of 'open'", id="open"),
    pytest.param("trust(1)", "call of 'trust'", id="call-parameter"),
    pytest.param("trust if 1 else 2", "conditional expression", id="if-else"),
    pytest.param("trust > 1", "comparison '>'", id="comparison"),
    pytest.param("trust and x", "boolean operator 'and'", id="and"),
    pytest.param("not trust", "operator 'not'", id="not"),
    pytest.param("~x", "operator '~'", id="invert"),
    pytest.param("x % 2", "operator '%'", id="modulo"),
    pytest.param("x // 2", "operator '//'", id="floor-division"),
    pytest.param("9 ** 9 ** 9", "exponent 387420489", id="power-tower"),
    pytest.param("2 ** 1000", "exponent 1000", id="huge-power"),
    pytest.param("x ** 99", "exponent 99", id="huge-power-of-parameter"),
    pytest.param("x ** -17", "exponent -17", id="huge-negative-power"),
    pytest.param("x ** (4 * 5)", "exponent 20", id="folded-exponent"),
    pytest.param("'a'", "string", id="string"),
    pytest.param("b'a'", "bytes", id="bytes"),
    pytest.param("f'{trust}'", "f-string", id="f-string"),
    pytest.param("True", "boolean True", id="boolean"),
    pytest.param("None", "constant 'None'", id="none"),
    pytest.param("1j", "complex number", id="complex"),
    pytest.param("1e999", "too large", id="float-overflow"),
    pytest.param("1" * 400, "too large", id="int-overflow"),
    pytest.param("min(trust)", "min(a, b, ...) needs at least 2 arguments, got 1", id="min-1"),
    pytest.param("max()", "max(a, b, ...) needs at least 2 arguments, got 0", id="max-0"),
    pytest.param("clip(trust, 0)", "clip(x, lo, hi) needs exactly 3 arguments, got 2", id="clip-2"),
    pytest.param("clip(x, 0, 1, 2)", "needs exactly 3 arguments, got 4", id="clip-4"),
    pytest.param("clip(x, 1, 0)", "needs lo <= hi", id="clip-empty"),
    pytest.param("max(a=1, b=2)", "keyword argument 'a='", id="keywords"),
    pytest.param("min(x, **y)", "argument unpacking '**'", id="double-star"),
    pytest.param("min(*x)", "starred argument '*x'", id="star"),
    pytest.param("mni(x, y)", "call of 'mni' is not allowed (did you mean 'min'?)", id="typo-call"),
    pytest.param("min + 1", "'min' is a function", id="function-as-value"),
    pytest.param("trust[0]", "subscript", id="subscript"),
    pytest.param("(x := 1)", "assignment expression", id="walrus"),
    pytest.param("[1, 2]", "list", id="list"),
    pytest.param("(1, 2)", "tuple", id="tuple"),
    pytest.param("{1: 2}", "dict", id="dict"),
    pytest.param("await x", "await", id="await"),
    pytest.param("(" * 100_000 + "1" + ")" * 100_000, "too long", id="deep-parentheses"),
    pytest.param("(" * 300 + "1" + ")" * 300, "too many nested parentheses", id="parentheses"),
    pytest.param("-" * 1_999 + "1", "nested", id="deep-unary"),
    pytest.param(" + ".join(["x"] * (MAX_DEPTH + 2)), "nested more than 40 levels", id="long-sum"),
    pytest.param("x" * (MAX_LENGTH + 1), "too long", id="long-name"),
    pytest.param("1 +", "syntax error in '1 +' at the end", id="incomplete"),
    pytest.param("1 + * 2", "syntax error in '1 + * 2' at column 5", id="syntax-column"),
    pytest.param("trust\0", "null bytes", id="null-byte"),
    pytest.param("trust # comment", "comments", id="comment"),
    pytest.param("", "empty", id="empty"),
    pytest.param("   \n ", "empty", id="blank"),
    pytest.param("1 / 0", "evaluates to inf", id="constant-division-by-zero"),
    pytest.param("(-8) ** 0.5", "evaluates to nan", id="constant-invalid-power"),
    pytest.param("trsut", "undefined parameter 'trsut' (did you mean 'trust'?)", id="typo"),
    pytest.param("zzz", "undefined parameter 'zzz' (declared parameters: 'c_war',", id="unknown"),
]


@pytest.mark.parametrize(("text", "construct"), REJECTED)
def test_rejected_text_names_the_location_and_the_construct(text: str, construct: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse(text)
    message = str(info.value)
    assert message.startswith(f"{LOCATION}: ")
    assert construct in message
    assert all(problem.location == LOCATION for problem in info.value.problems)


@pytest.mark.parametrize(("text", "construct"), REJECTED)
def test_check_expression_reports_the_same_problems_without_raising(
    text: str, construct: str
) -> None:
    expression, problems = check_expression(text, parameters=PARAMETERS, location=LOCATION)
    assert expression is None
    assert problems
    assert construct in "\n".join(str(problem) for problem in problems)


def test_independent_defects_are_all_reported() -> None:
    _, problems = check_expression("trsut * verfication + x % 2", parameters=PARAMETERS)
    messages = [problem.message for problem in problems]
    assert len(messages) == 3
    assert "did you mean 'trust'?" in messages[0]
    assert "did you mean 'verification'?" in messages[1]
    assert "'%'" in messages[2]


def test_undefined_parameter_without_declarations() -> None:
    with pytest.raises(ScenarioError, match="no parameters are declared"):
        parse_expression("x", parameters=())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "boolean True"),
        (False, "boolean False"),
        (math.nan, "finite number, got nan"),
        (-math.inf, "finite number, got -inf"),
        (None, "got NoneType None"),
        ([1, 2], r"got list \[1, 2\]"),
        (10**400, "too large"),
    ],
)
def test_non_expression_values_are_rejected(value: object, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as info:
        parse(value)  # type: ignore[arg-type]  # wrong on purpose
    assert info.value.problems[0].location == LOCATION


def test_a_single_string_of_parameters_is_a_bug_of_the_caller() -> None:
    with pytest.raises(TypeError, match="collection of names"):
        parse_expression("x", parameters="x")


def test_syntax_errors_on_later_lines_give_line_and_column() -> None:
    with pytest.raises(ScenarioError, match="at line 3, column 3"):
        parse("trust\n  + \n  $ x")


# -- arbitrary input never escapes as another exception ---------------------------------------

GRAMMAR_CHARACTERS = "()+-*/ ,.0123456789e_xytrusminaclp[]:'\"\\\n\t#=<>!%@~&|^;{}\0"


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")
@settings(deadline=None, max_examples=300)
@given(st.text() | st.text(alphabet=GRAMMAR_CHARACTERS, max_size=60))
def test_arbitrary_text_only_raises_scenario_error(text: str) -> None:
    try:
        expression = parse(text)
    except ScenarioError as error:
        assert error.problems
        assert all(isinstance(problem, Problem) for problem in error.problems)
        assert all(problem.location == LOCATION for problem in error.problems)
        return
    assert expression.parameters <= PARAMETERS
    values = dict.fromkeys(expression.parameters, 0.5)
    assert expression.evaluate(values).dtype == np.float64


@settings(deadline=None, max_examples=100)
@given(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.lists(st.integers(), max_size=3)
    | st.binary(max_size=5)
)
def test_check_expression_never_raises_on_other_values(value: object) -> None:
    # Wrong on purpose.
    expression, problems = check_expression(value, parameters=PARAMETERS)  # type: ignore[arg-type]
    assert (expression is None) == bool(problems)
    if expression is not None:
        assert expression.is_constant
        assert math.isfinite(expression.constant_value)


# -- random well-formed expressions against an independent evaluator --------------------------

NAMES = ("x", "y", "trust")


class Invalid(Exception):
    """The reference evaluation left the finite reals (0-division, overflow, complex)."""


def finite(value: float) -> float:
    if not math.isfinite(value):
        raise Invalid
    return value


def reference_power(base: float, exponent: float) -> float:
    try:
        return finite(math.pow(base, exponent))
    except (ValueError, OverflowError, ZeroDivisionError) as exc:
        raise Invalid from exc


def reference_divide(left: float, right: float) -> float:
    if right == 0:
        raise Invalid
    return finite(left / right)


Reference = Callable[[dict[str, float]], float]


@dataclass(frozen=True)
class Case:
    """An expression text, fully parenthesised, and its reference evaluator."""

    text: str
    reference: Reference
    constant: bool


def leaf_cases() -> st.SearchStrategy[Case]:
    integers = st.integers(0, 20).map(lambda n: Case(str(n), lambda _: float(n), True))
    floats = st.floats(0, 100, allow_nan=False, allow_infinity=False).map(
        lambda v: Case(repr(v), lambda _: v, True)
    )
    names = st.sampled_from(NAMES).map(lambda name: Case(name, lambda values: values[name], False))
    return integers | floats | names


def space() -> st.SearchStrategy[str]:
    return st.sampled_from(["", " ", "  ", "\n"])


def unary(operand: st.SearchStrategy[Case]) -> st.SearchStrategy[Case]:
    @st.composite
    def build(draw: st.DrawFn) -> Case:
        a, sign, gap = draw(operand), draw(st.sampled_from("+-")), draw(space())
        reference = a.reference
        if sign == "-":
            return Case(f"(-{gap}{a.text})", lambda v: -reference(v), a.constant)
        return Case(f"(+{gap}{a.text})", reference, a.constant)

    return build()


def binary(operand: st.SearchStrategy[Case]) -> st.SearchStrategy[Case]:
    operations: dict[str, Callable[[float, float], float]] = {
        "+": lambda a, b: finite(a + b),
        "-": lambda a, b: finite(a - b),
        "*": lambda a, b: finite(a * b),
        "/": reference_divide,
    }

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        a, b = draw(operand), draw(operand)
        symbol, left, right = (
            draw(st.sampled_from(sorted(operations))),
            draw(space()),
            draw(space()),
        )
        operation, ra, rb = operations[symbol], a.reference, b.reference
        return Case(
            f"({a.text}{left}{symbol}{right}{b.text})",
            lambda v: operation(ra(v), rb(v)),
            a.constant and b.constant,
        )

    return build()


def power(operand: st.SearchStrategy[Case]) -> st.SearchStrategy[Case]:
    """``base ** exponent`` with a small constant exponent or a parameter exponent."""
    small = st.integers(-3, 4).map(
        lambda n: Case(f"({n})" if n < 0 else str(n), lambda _: float(n), True)
    )
    halves = st.sampled_from([0.5, 1.5, -0.5]).map(lambda h: Case(f"({h})", lambda _: h, True))
    names = st.sampled_from(NAMES).map(lambda name: Case(name, lambda values: values[name], False))

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        base, exponent = draw(operand), draw(small | halves | names)
        rb, re = base.reference, exponent.reference
        return Case(
            f"({base.text} ** {exponent.text})",
            lambda v: reference_power(rb(v), re(v)),
            base.constant and exponent.constant,
        )

    return build()


def calls(operand: st.SearchStrategy[Case]) -> st.SearchStrategy[Case]:
    @st.composite
    def min_max(draw: st.DrawFn) -> Case:
        name = draw(st.sampled_from(["min", "max"]))
        arguments = draw(st.lists(operand, min_size=2, max_size=4))
        function = min if name == "min" else max
        references = [a.reference for a in arguments]
        return Case(
            f"{name}({', '.join(a.text for a in arguments)})",
            lambda v: function(r(v) for r in references),
            all(a.constant for a in arguments),
        )

    @st.composite
    def clip(draw: st.DrawFn) -> Case:
        x, low, high = draw(operand), draw(operand), draw(operand)
        if low.constant and high.constant:
            try:
                if low.reference({}) > high.reference({}):
                    low, high = high, low  # the parser rejects constant bounds lo > hi
            except Invalid:
                pass
        rx, rl, rh = x.reference, low.reference, high.reference
        return Case(
            f"clip({x.text}, {low.text}, {high.text})",
            lambda v: min(max(rx(v), rl(v)), rh(v)),  # numpy.clip, also for lo > hi
            x.constant and low.constant and high.constant,
        )

    return min_max() | clip()


expressions = st.recursive(
    leaf_cases(),
    lambda children: unary(children) | binary(children) | power(children) | calls(children),
    max_leaves=12,
)
parameter_values = st.floats(-4, 4, allow_nan=False, allow_infinity=False)


def reference_value(case: Case, values: dict[str, float]) -> float | None:
    try:
        return case.reference(values)
    except Invalid:
        return None


@settings(deadline=None, max_examples=300)
@given(expressions, st.fixed_dictionaries(dict.fromkeys(NAMES, parameter_values)))
def test_random_expressions_match_the_reference_on_scalars(
    case: Case, values: dict[str, float]
) -> None:
    expected = reference_value(case, values)
    assume(expected is not None)
    assert expected is not None
    expression = parse_drawn(case.text)
    assert expression.is_constant == case.constant
    actual = scalar(expression, **values)
    assert actual == pytest.approx(expected, rel=1e-12, abs=1e-300)


@settings(deadline=None, max_examples=100)
@given(
    expressions,
    hnp.arrays(np.float64, (3, 1), elements=parameter_values),
    hnp.arrays(np.float64, (1, 4), elements=parameter_values),
    parameter_values,
)
def test_random_expressions_broadcast_like_elementwise_scalars(
    case: Case, x: np.ndarray, y: np.ndarray, trust: float
) -> None:
    def point(i: int, j: int) -> dict[str, float]:
        return {"x": float(x[i, 0]), "y": float(y[0, j]), "trust": trust}

    # valid somewhere, so every parameter-free part is finite and the text parses
    assume(reference_value(case, point(0, 0)) is not None)
    expression = parse_drawn(case.text)
    values: dict[str, ArrayLike] = {"x": x, "y": y, "trust": trust}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # evaluation never warns, even on 0-division
        grid = expression.evaluate(values)
    assert grid.dtype == np.float64
    assert grid.shape == np.broadcast_shapes(
        (), *(np.shape(values[name]) for name in expression.parameters)
    )
    full = np.broadcast_to(grid, (3, 4))
    for i, j in np.ndindex(3, 4):
        actual = scalar(expression, **point(i, j))
        np.testing.assert_allclose(full[i, j], actual, rtol=1e-12, atol=0, equal_nan=True)
        expected = reference_value(case, point(i, j))
        if expected is not None:
            assert actual == pytest.approx(expected, rel=1e-12, abs=1e-300)


# -- semantics ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-2 ** 2", -4.0),
        ("2 ** -1", 0.5),
        ("2 ** 3 ** 2", 512.0),
        ("1 - 2 - 3", -4.0),
        ("8 / 4 / 2", 1.0),
        ("1 + 2 * 3 ** 2", 19.0),
        ("(1 + 2) * 3", 9.0),
        ("--+-3", -3.0),
        ("1.5e2 + 0.25", 150.25),
        ("7 / 2", 3.5),
        ("min(3, 1, 2)", 1.0),
        ("max(3, 1, 2)", 3.0),
        ("clip(5, 0, 1)", 1.0),
        ("clip(-5, 0, 1)", 0.0),
        ("clip(0.5, 0, 1)", 0.5),
        ("2 ** 16", 65536.0),
        ("(1 +\n 2)\n * 3", 9.0),
    ],
)
def test_constant_expressions_are_folded(text: str, value: float) -> None:
    expression = parse(text)
    assert expression.is_constant
    assert expression.parameters == frozenset()
    assert expression.constant_value == value
    result = expression.evaluate({})
    assert result.shape == ()
    assert result.dtype == np.float64
    assert float(result) == value


def test_plain_numbers_become_constant_expressions() -> None:
    assert parse(3).text == "3"
    assert parse(3).constant_value == 3.0
    assert parse(-2.5).text == "-2.5"
    assert parse(np.float64(0.25)).constant_value == 0.25
    # numpy integers are accepted at run time; the annotation says int.
    assert parse(np.int64(7)).constant_value == 7.0  # type: ignore[arg-type]
    assert parse(" 4 ").text == "4"


def test_constant_value_of_a_non_constant_expression_is_an_error() -> None:
    expression = parse("x * 0")
    assert not expression.is_constant
    with pytest.raises(ScenarioError, match="not constant: it uses 'x'"):
        _ = expression.constant_value


def test_parameters_are_the_names_used() -> None:
    expression = parse("trust * max(x, 1) + clip(x, 0, verification) - 2 ** 3")
    assert expression.parameters == frozenset({"trust", "x", "verification"})
    assert parse("max(1, 2)").parameters == frozenset()


def test_a_parameter_may_share_a_function_name() -> None:
    expression = parse_expression("min(min, 2)", parameters={"min"})
    assert expression.parameters == frozenset({"min"})
    assert scalar(expression, min=5) == 2.0


def test_constant_exponents_up_to_the_limit_are_allowed() -> None:
    assert scalar(parse("x ** (2 * 8)"), x=2) == 2.0**16
    assert scalar(parse("x ** -16"), x=2) == 2.0**-16
    assert scalar(parse("2 ** x"), x=99) == 2.0**99
    assert float(parse("10 ** x").evaluate({"x": 400})) == math.inf  # overflow is inf


def test_min_max_and_clip_are_elementwise() -> None:
    values: dict[str, ArrayLike] = {
        "x": np.array([1.0, 5.0, -2.0]),
        "y": np.array([[3.0], [0.0]]),
        "trust": 2.0,
    }
    np.testing.assert_array_equal(
        parse("min(x, y, trust)").evaluate(values), [[1.0, 2.0, -2.0], [0.0, 0.0, -2.0]]
    )
    np.testing.assert_array_equal(
        parse("max(x, y)").evaluate(values), [[3.0, 5.0, 3.0], [1.0, 5.0, 0.0]]
    )
    np.testing.assert_array_equal(
        parse("clip(x, 0, y)").evaluate(values), [[1.0, 3.0, 0.0], [0.0, 0.0, 0.0]]
    )
    # numpy.clip: where lo > hi the result is hi; nan propagates
    assert scalar(parse("clip(x, y, trust)"), x=0, y=3, trust=1) == 1.0
    assert math.isnan(scalar(parse("min(x, y)"), x=math.nan, y=1))


def test_grids_broadcast_in_one_call() -> None:
    expression = parse(
        "trust * 3 + (1 - trust) * (verification * 1 + (1 - verification) * -2) - c_war"
    )
    trust = np.linspace(0, 1, 50)[:, None]
    verification = np.linspace(0, 1, 40)[None, :]
    grid = expression.evaluate({"trust": trust, "verification": verification, "c_war": 0.5})
    assert grid.shape == (50, 40)
    expected = trust * 3 + (1 - trust) * (verification - 2 * (1 - verification)) - 0.5
    np.testing.assert_allclose(grid, expected, rtol=1e-14)


def test_division_by_zero_and_overflow_give_non_finite_values_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = parse("1 / x").evaluate({"x": [0.0, 2.0, -0.0]})
        assert result.tolist() == [math.inf, 0.5, -math.inf]
        overflow = parse("y ** 16").evaluate({"y": 1e30})
        assert overflow == math.inf
        assert math.isnan(scalar(parse("x ** 0.5"), x=-1))
        assert math.isnan(scalar(parse("0 * y ** 16"), y=1e30))


def test_evaluate_returns_a_new_array() -> None:
    x = np.array([1.0, 2.0])
    result = parse("x").evaluate({"x": x})
    assert result is not x
    result[0] = 99.0
    assert x[0] == 1.0
    assert parse("+x").evaluate({"x": x}) is not x


def test_evaluate_ignores_extra_values_and_reports_missing_ones() -> None:
    assert scalar(parse("x + 1"), x=1, y=2, c_war=3) == 2.0
    with pytest.raises(ScenarioError, match="no value given for 'trust', 'y'"):
        parse("trust * y + x").evaluate({"x": 1})


def test_evaluate_reports_shapes_that_do_not_broadcast() -> None:
    with pytest.raises(ScenarioError, match=r"do not broadcast together: x \(3,\), y \(4,\)"):
        parse("x + y").evaluate({"x": np.zeros(3), "y": np.zeros(4)})


def test_evaluate_reports_non_numeric_values() -> None:
    with pytest.raises(ScenarioError, match="parameter 'x' needs a number"):
        parse("x + 1").evaluate({"x": "abc"})


def test_expressions_compare_by_text_and_parameters() -> None:
    assert parse("x + 1") == parse("x + 1")
    assert hash(parse("x + 1")) == hash(parse(" x + 1 "))
    assert parse("x + 1") != parse("1 + x")


def test_expressions_pickle_for_process_pools() -> None:
    for text in ("trust * max(x, 1) - 2 ** -1", "3", "-2.5"):
        expression = parse(text)
        copy = pickle.loads(pickle.dumps(expression))
        assert copy == expression
        assert copy.is_constant == expression.is_constant
        values: dict[str, ArrayLike] = {"trust": np.array([0.5, 2.0]), "x": 3.0}
        np.testing.assert_array_equal(copy.evaluate(values), expression.evaluate(values))
    assert pickle.loads(pickle.dumps(parse(np.float64(0.1)))).constant_value == 0.1


def test_assurance_is_the_value_of_entering_a_deal() -> None:
    """assurance(R, P, S, trust, verification) of docs/models.md §4, over a grid."""
    from negotiation_sim.analysis import assurance_threshold, assurance_value

    trust = np.linspace(0, 1, 11)[:, None]
    verification = np.linspace(0, 1, 7)[None, :]
    expression = parse_expression(
        "assurance(r, p, s, trust, verification)",
        parameters={"r", "p", "s", "trust", "verification"},
    )
    values: dict[str, ArrayLike] = {
        "r": 4.0,
        "p": 2.0,
        "s": -1.0,
        "trust": trust,
        "verification": verification,
    }
    got = expression.evaluate(values)
    np.testing.assert_allclose(
        got, trust * 4 + (1 - trust) * (verification * 2 - (1 - verification))
    )
    np.testing.assert_allclose(got, assurance_value(4.0, 2.0, -1.0, trust, verification))
    # Entering beats the no-deal payoff P exactly from the closed-form threshold (T = P) up.
    threshold = assurance_threshold(4.0, 2.0, 2.0, -1.0, verification)
    np.testing.assert_array_equal(got >= 2.0 - 1e-12, trust >= threshold - 1e-12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("assurance(1, 0, -1, 0.5)", "needs exactly 5 arguments, got 4"),
        ("assurance(1, 0, -1, 1.5, x)", "needs trust in [0, 1], got 1.5"),
        ("assurance(1, 0, -1, x, -0.1)", "needs verification in [0, 1], got -0.1"),
    ],
)
def test_assurance_arguments_are_checked(text, message) -> None:
    with pytest.raises(ScenarioError, match=re.escape(message)):
        parse_expression(text, parameters={"x"})


# -- definitions ------------------------------------------------------------------------------

DEFINED = frozenset({"x", "y"})


def definitions() -> dict[str, Expression]:
    """d1 of the parameters, d2 of d1 (definitions of definitions)."""
    d1 = parse_expression("x * y - 1", parameters=DEFINED)
    d2 = parse_expression("clip(d1, -1, 1) + x", parameters=DEFINED, definitions={"d1": d1})
    return {"d1": d1, "d2": d2}


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 5), elements=st.floats(-3, 3)),
    hnp.arrays(np.float64, st.integers(1, 5), elements=st.floats(-3, 3)),
)
def test_a_definition_evaluates_as_if_written_out(xs, ys) -> None:
    """The oracle is the same arithmetic written in numpy."""
    x, y = xs[:, None], ys[None, :]
    e = parse_expression("d2 ** 2 - min(d1, y)", parameters=DEFINED, definitions=definitions())
    d1 = x * y - 1
    expected = (np.clip(d1, -1, 1) + x) ** 2 - np.minimum(d1, y)
    np.testing.assert_allclose(e.evaluate({"x": x, "y": y}), expected, rtol=1e-15, atol=0)


def test_an_expression_knows_the_definitions_it_uses() -> None:
    found = definitions()
    e = parse_expression("2 * d2", parameters={"x", "y", "z"}, definitions=found)
    assert e.parameters == {"x", "y"}  # through d2 and d1; z is not used
    assert e.definitions == (("d2", found["d2"]),)
    assert not e.is_constant
    # The same text with another meaning of d2 is another expression.
    other = parse_expression("d1", parameters=DEFINED, definitions=found)
    assert parse_expression("2 * d2", parameters=DEFINED, definitions={"d2": other}) != e
    half = parse_expression("1 / 2", parameters=())
    assert (
        parse_expression("half * 4", parameters=(), definitions={"half": half}).constant_value == 2
    )


def test_an_expression_with_definitions_pickles() -> None:
    e = parse_expression("d2 - d1 / y", parameters=DEFINED, definitions=definitions())
    copy = pickle.loads(pickle.dumps(e))
    assert copy == e and hash(copy) == hash(e)
    values: dict[str, ArrayLike] = {"x": np.array([0.5, 2.0]), "y": 3.0}
    np.testing.assert_array_equal(copy.evaluate(values), e.evaluate(values))


def test_unknown_names_are_looked_up_among_definitions_too() -> None:
    with pytest.raises(ScenarioError, match=re.escape("undefined parameter or definition 'd3'")):
        parse_expression("d3 + x", parameters=DEFINED, definitions=definitions())
    with pytest.raises(ScenarioError, match=re.escape("'dd1' (did you mean 'd1'?)")):
        parse_expression("dd1 + x", parameters=DEFINED, definitions=definitions())
    _, problems = check_expression("q", parameters={"a"}, definitions=definitions())
    assert [p.message for p in problems] == [
        "undefined parameter or definition 'q' (declared parameters: 'a'; definitions: 'd1', 'd2')"
    ]


def test_a_definition_with_problems_is_not_reported_again() -> None:
    """``None`` marks a definition whose problems are reported where it is defined."""
    assert check_expression("2 * bad", parameters=DEFINED, definitions={"bad": None}) == (None, [])
    _, problems = check_expression("bad + abs(x)", parameters=DEFINED, definitions={"bad": None})
    assert len(problems) == 1 and "call of 'abs' is not allowed" in problems[0].message


def test_a_definition_cannot_be_a_parameter_too() -> None:
    with pytest.raises(TypeError, match="x is also a parameter"):
        check_expression("x", parameters=DEFINED, definitions={"x": definitions()["d1"]})
