"""The expression grammar: what a payoff expression may contain, and its text turned into a tree.

The whitelist itself is applied by :mod:`._compiler`; this module holds the limits, the
allowed functions and operators, and the steps from text to Python's syntax tree.
"""

from __future__ import annotations

import ast
import re
import unicodedata

import numpy as np

from .._checking import shorten

MAX_LENGTH = 2000
#: Deepest accepted nesting of operations, calls and operands.
MAX_DEPTH = 40
#: Largest accepted absolute value of a constant exponent.
MAX_EXPONENT = 16
#: The functions an expression may call, with their signatures.
FUNCTIONS = {
    "min": "min(a, b, ...)",
    "max": "max(a, b, ...)",
    "clip": "clip(x, lo, hi)",
    "assurance": "assurance(R, P, S, trust, verification)",
}
#: Functions with a fixed number of arguments.
ARITY = {"clip": 3, "assurance": 5}

CALLABLE = (
    "min(a, b, ...), max(a, b, ...), clip(x, lo, hi) and assurance(R, P, S, trust, verification)"
)
ALLOWED = f"expressions may use numbers, parameter names, + - * / **, parentheses, {CALLABLE}"

BINARY: dict[type[ast.operator], tuple[str, np.ufunc | None]] = {
    ast.Add: ("+", np.add),
    ast.Sub: ("-", np.subtract),
    ast.Mult: ("*", np.multiply),
    ast.Div: ("/", np.true_divide),
    ast.Pow: ("**", np.power),
    ast.FloorDiv: ("//", None),
    ast.Mod: ("%", None),
    ast.MatMult: ("@", None),
    ast.LShift: ("<<", None),
    ast.RShift: (">>", None),
    ast.BitAnd: ("&", None),
    ast.BitOr: ("|", None),
    ast.BitXor: ("^", None),
}
UNARY: dict[type[ast.unaryop], str] = {
    ast.UAdd: "+",
    ast.USub: "-",
    ast.Not: "not",
    ast.Invert: "~",
}
COMPARISONS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
CONSTRUCTS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
    ast.IfExp: "conditional expression (... if ... else ...)",
    ast.NamedExpr: "assignment expression (:=)",
    ast.Starred: "starred expression",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


def referenced_names(text: object) -> frozenset[str]:
    """The names an expression text uses, other than called functions; empty if it does not parse.

    >>> sorted(referenced_names("clip(q_up - cost, 0, 1) * max(a, 2)"))
    ['a', 'cost', 'q_up']
    >>> referenced_names("1 +")
    frozenset()
    """
    parsed = parse_text(text) if isinstance(text, str) else ""
    if isinstance(parsed, str):
        return frozenset()
    nodes = list(ast.walk(parsed[1]))
    called = {id(node.func) for node in nodes if isinstance(node, ast.Call)}
    return frozenset(n.id for n in nodes if isinstance(n, ast.Name) and id(n) not in called)


def parse_text(text: str) -> tuple[str, ast.Expression] | str:
    """The stripped text and its syntax tree, or the problem with the text."""
    if len(text) > MAX_LENGTH:
        return f"expression is too long: {len(text):,} characters, at most {MAX_LENGTH:,} allowed"
    stripped = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not stripped:
        return "expected a number or an expression, got an empty string"
    if "#" in stripped:
        return f"comments ('#') are not allowed in an expression: {flat(stripped)!r}"
    if not stripped.isascii():
        return non_ascii(stripped)
    try:
        # Line breaks count as spaces; the replacement keeps every character's index.
        tree = ast.parse(stripped.replace("\n", " ") + "\n", mode="eval")
    except SyntaxError as exc:
        return f"syntax error in {flat(stripped)!r}{where(stripped, exc)}: {exc.msg}"
    except ValueError as exc:  # null bytes, in older Pythons
        return f"invalid expression {flat(stripped)!r}: {exc}"
    except (RecursionError, MemoryError):
        return f"expression {flat(stripped)!r} is nested too deeply (at most {MAX_DEPTH} levels allowed)"
    if depth(tree, MAX_DEPTH) > MAX_DEPTH:
        return (
            f"expression {flat(stripped)!r} is nested more than {MAX_DEPTH} levels deep "
            f"(each operation and call is a level, so a sum or product of more than "
            f"{MAX_DEPTH} terms is too deep too): simplify it"
        )
    return stripped, tree


def non_ascii(text: str) -> str:
    """The problem with the first character of ``text`` outside ASCII.

    Python's parser reads identifiers NFKC-normalised (``ｔrust`` and ``𝐭𝐫𝐮𝐬𝐭`` as ``trust``),
    so a name that only looks like a parameter would silently become it: names must match
    the file's names exactly, and those are ASCII.

    >>> print(non_ascii("ｔrust * 2"))
    'ｔrust' is not 'trust': names must be ASCII letters, digits and _
    >>> print(non_ascii("trust − 1"))  # a minus sign, not a hyphen
    character '−' (U+2212) is not allowed in 'trust − 1': expressions are written in ASCII
    """
    index = next(k for k, char in enumerate(text) if not char.isascii())
    word = next((w for w in re.finditer(r"\w+", text) if w.start() <= index < w.end()), None)
    if word is None:
        char = text[index]
        return (
            f"character {char!r} (U+{ord(char):04X}) is not allowed in {flat(text)!r}: "
            "expressions are written in ASCII"
        )
    name = word.group()
    normalised = unicodedata.normalize("NFKC", name)
    if normalised != name and normalised.isascii():
        return f"{name!r} is not {normalised!r}: names must be ASCII letters, digits and _"
    return f"{name!r} is not a name: names must be ASCII letters, digits and _"


def flat(text: str) -> str:
    """``text`` on one line, cut to about 60 characters."""
    return shorten(" ".join(text.split()))


def where(text: str, exc: SyntaxError) -> str:
    """Where in ``text`` a syntax error is: ``" at column 5"``, ``" at line 2, column 1"``."""
    if exc.offset is None or exc.offset < 1:
        return "" if exc.offset is None else " at the end"
    index = exc.offset - 1  # the parsed source is ``text`` on one line, index for index
    if index >= len(text):
        return " at the end"
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f" at column {column}" if line == 1 else f" at line {line}, column {column}"


def depth(tree: ast.AST, limit: int) -> int:
    """Deepest nesting of expression nodes, without recursion; stops once past ``limit``."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return deepest


def written(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
