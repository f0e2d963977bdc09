"""The grammar of a Gambit ``.nfg`` file: header, players, strategies, then either body."""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from .._checking import shorten, suggest
from ..errors import Problem, ScenarioError
from ..game import Game
from ._nfg_file import (
    INTEGER,
    MAX_EXTRA,
    MAX_PAYOFFS,
    MAX_PLAYERS,
    MAX_REPORTED,
    NON_FINITE,
    NUMBER,
    NfgFile,
    NfgVersion,
)
from ._nfg_tokens import Fatal, Lexer, Token


class Parser(Lexer):
    """Reads one file's text; :meth:`parse` returns an :class:`NfgFile` or raises every problem."""

    # -- grammar ------------------------------------------------------------------------------
    def parse(self) -> NfgFile:
        try:
            result = self.file()
        except Fatal:
            result = None
        if self.problems or result is None:
            raise ScenarioError(self.source, self.problems)
        return result

    def file(self) -> NfgFile | None:
        title = self.header()
        players = self.players()
        strategies = self.strategies(players)
        comment = ""
        if self.peek().kind == "string":
            comment = self.next().text
        shape = tuple(len(names) for names in strategies)
        n = len(players)
        self.require_size(self.peek(), shape, n)
        start = self.peek()
        version: NfgVersion
        outcome_names: tuple[str, ...] = ()
        if start.kind == "{":
            version = "outcome"
            flat, outcome_names = self.outcome_body(players, shape)
        elif start.kind == "word":
            version = "payoff"
            flat = self.payoff_body(n, shape)
        else:
            self.fail(
                start,
                "expected the payoffs (numbers) or an outcome list ('{') after the header, "
                f"got {start.describe()}",
            )
        if flat is None or self.problems:
            return None
        tensor = flat.reshape((*reversed(shape), n)).T  # Gambit: player 1's strategy fastest
        actors = _unique([name or f"Player {i + 1}" for i, name in enumerate(players)])
        options = [
            _unique([name or str(j + 1) for j, name in enumerate(names)]) for names in strategies
        ]
        return NfgFile(
            game=Game(tensor, actors, options),
            title=title,
            comment=comment,
            version=version,
            players=tuple(players),
            strategies=tuple(tuple(names) for names in strategies),
            outcomes=outcome_names,
        )

    def header(self) -> str:
        token = self.next()
        if token.kind == "eof":
            self.fail(token, "empty file: expected a Gambit strategic-form file ('NFG 1 R ...')")
        if token.text != "NFG" or token.kind != "word":
            if token.kind == "word" and token.text == "EFG":
                self.fail(
                    token,
                    "this is a Gambit extensive-form (EFG) file; only strategic-form (NFG) "
                    "files can be read",
                )
            hint = suggest(token.text, ["NFG"]) if token.kind == "word" else ""
            self.fail(
                token,
                "expected the header 'NFG 1 R \"title\"' of a Gambit strategic-form file, "
                f"got {token.describe()}{hint}",
            )
        token = self.next()
        if token.kind != "word" or token.text != "1":
            self.fail(token, f"unsupported NFG version {token.describe()}: expected 1")
        token = self.next()
        if token.kind != "word" or token.text not in ("R", "D"):
            self.fail(token, f"expected the data type R (or D), got {token.describe()}")
        return self.expect("string", "the game title in double quotes").text

    def players(self) -> list[str]:
        self.expect("{", "'{' opening the list of player names")
        names: list[str] = []
        while (token := self.next()).kind == "string":
            names.append(token.text)
        if token.kind != "}":
            self.fail(
                token, f"expected a player name in double quotes or '}}', got {token.describe()}"
            )
        if len(names) < 2:
            self.fail(token, f"a game needs at least 2 players, got {len(names)}")
        if len(names) > MAX_PLAYERS:
            self.fail(token, f"at most {MAX_PLAYERS} players are supported, got {len(names)}")
        return names

    def strategies(self, players: Sequence[str]) -> list[list[str]]:
        opening = self.expect("{", "'{' opening the strategies (counts or name lists)")
        if self.peek().kind == "{":
            result = self.strategy_names(players)
        else:
            result = self.strategy_counts(players)
        if len(result) != len(players):
            self.fail(
                opening,
                f"expected the strategies of {len(players)} players (one entry per player), "
                f"got {len(result)}",
            )
        if self.problems:
            raise Fatal
        return result

    def strategy_names(self, players: Sequence[str]) -> list[list[str]]:
        """``{ "a" "b" } { "x" "y" } }``: a list of names per player, then the closing brace."""
        result: list[list[str]] = []
        while (token := self.next()).kind == "{":
            names: list[str] = []
            while (item := self.next()).kind == "string":
                names.append(item.text)
            if item.kind != "}":
                self.fail(
                    item,
                    f"expected a strategy name in double quotes or '}}', got {item.describe()}",
                )
            if not names:
                who = _player(players, len(result))
                self.problem(item, f"player {who!r} needs at least one strategy, got none")
            result.append(names)
        if token.kind != "}":
            self.fail(token, f"expected '{{' (a strategy list) or '}}', got {token.describe()}")
        return result

    def strategy_counts(self, players: Sequence[str]) -> list[list[str]]:
        """``3 2 }``: a number of strategies per player (named ``"1"``, ``"2"``, ...).

        The counts are checked (as Python integers) before any name is made: a short file
        may declare a game far too large to build.
        """
        counts: list[int] = []
        while (token := self.next()).kind == "word":
            counts.append(self.strategy_count(token, _player(players, len(counts))))
        if token.kind != "}":
            self.fail(token, f"expected a number of strategies or '}}', got {token.describe()}")
        if len(counts) != len(players) or self.problems:
            return [["1"] for _ in counts]  # refused by the caller: no names needed
        self.require_size(token, counts, len(players))
        return [[str(j + 1) for j in range(count)] for count in counts]

    def require_size(self, token: Token, shape: Sequence[int], n: int) -> None:
        """Refuse a game of more than :data:`MAX_PAYOFFS` payoffs (Python ints: no overflow)."""
        profiles = math.prod(shape)
        if profiles * n > MAX_PAYOFFS:
            self.fail(
                token,
                f"the game has {_large(profiles)} profiles x {n} players = "
                f"{_large(profiles * n)} payoffs; at most {MAX_PAYOFFS:,} are supported",
            )

    def strategy_count(self, token: Token, who: str | int) -> int:
        """One player's number of strategies (1 after reporting a bad one)."""
        if not INTEGER.fullmatch(token.text):
            message = "a whole number" if NUMBER.fullmatch(token.text) else "a number"
            self.problem(
                token,
                f"expected the number of strategies of player {who!r}, {message} >= 1, "
                f"got {shorten(token.text, 40)!r}",
            )
        elif (count := _clamped(token.text)) < 1:
            self.problem(
                token, f"player {who!r} needs at least one strategy, got {_shown(token.text)}"
            )
        elif count > MAX_PAYOFFS:
            self.problem(
                token,
                f"player {who!r} has {_shown(token.text)} strategies; at most "
                f"{MAX_PAYOFFS:,} payoffs are supported",
            )
        else:
            return count
        return 1

    def number(self, token: Token, what: str) -> float | None:
        """The token's value, or ``None`` after reporting why it is not a finite number."""
        text = token.text
        if token.kind != "word" or not NUMBER.fullmatch(text):
            if token.kind == "word" and text.lower().lstrip("+-") in NON_FINITE:
                self.problem(token, f"a {what} must be a finite number, got {text!r}")
            else:
                self.problem(token, f"expected a {what} (a number), got {token.describe()}")
            return None
        shown = shorten(text, 40)
        try:
            value = float(Fraction(text)) if "/" in text else float(text)
        except ZeroDivisionError:
            self.problem(token, f"{what} {shown!r} divides by zero")
            return None
        except OverflowError:
            value = math.inf
        except ValueError:  # int()'s limit on digits, in a rational's numerator or denominator
            limit = sys.get_int_max_str_digits()
            self.problem(token, f"{what} {shown!r} has a part of more than {limit:,} digits")
            return None
        if not math.isfinite(value):
            self.problem(token, f"{what} {shown!r} is too large for a 64-bit float")
            return None
        return value

    def numbers(self, tokens: Sequence[Token], what: str) -> list[float | None]:
        values: list[float | None] = []
        reported = len(self.problems)
        for token in tokens:
            value = self.number(token, what)
            values.append(value)
            if value is None and len(self.problems) - reported > MAX_REPORTED:
                self.problems.pop()
        bad = sum(value is None for value in values)
        if bad > MAX_REPORTED:
            self.problems.append(Problem("", f"... and {bad - MAX_REPORTED} more bad {what}s"))
        return values

    def payoff_body(self, n: int, shape: tuple[int, ...]) -> np.ndarray | None:
        profiles = math.prod(shape)
        expected = profiles * n
        plain = self.plain_numbers(expected)
        if plain is not None:
            return plain
        tokens, more = self.rest(expected + MAX_EXTRA)
        values = self.numbers(tokens, "payoff")
        if len(values) != expected:
            where = tokens[expected] if len(values) > expected else self.end_of(tokens)
            got = f"more than {len(values)}" if more else str(len(values))
            self.problem(
                where,
                f"expected {expected} payoffs ({profiles} profiles x {n} players), got {got}",
            )
        if self.problems:
            return None
        return np.array(values, dtype=np.float64)

    def plain_numbers(self, expected: int) -> np.ndarray | None:
        """The rest of the file as ``expected`` finite decimal numbers, or ``None``.

        The fast path of a large body (about 20 times faster than token by token); a body it
        does not take (rationals, anything wrong) is read token by token, which locates
        every problem.
        """
        body = self.text[self.peek().offset :]
        if not _PLAIN.fullmatch(body):
            return None
        words = body.split()
        if len(words) != expected:
            return None
        try:
            # float() reads exactly what NUMBER matches among these characters.
            values = np.array(list(map(float, words)), dtype=np.float64)
        except ValueError:
            return None
        return values if np.isfinite(values).all() else None

    def outcome_body(
        self, players: Sequence[str], shape: tuple[int, ...]
    ) -> tuple[np.ndarray | None, tuple[str, ...]]:
        names, payoffs = self.outcome_list(len(players))
        indices = self.outcome_indices(len(names), math.prod(shape))
        if self.problems:
            return None, names
        table = np.array(payoffs, dtype=np.float64)  # every outcome is complete here
        return table[np.array(indices, dtype=np.intp)].reshape(-1), names

    def outcome_list(self, n: int) -> tuple[tuple[str, ...], list[list[float] | None]]:
        """``{ { "name" 1 2 } ... }``: the outcome names, and payoffs with the null outcome first.

        An outcome whose payoffs are wrong has ``None`` (its problem is recorded).
        """
        self.expect("{", "'{' opening the outcome list")
        names: list[str] = []
        payoffs: list[list[float] | None] = [[0.0] * n]  # outcome 0: the null outcome
        while (token := self.next()).kind == "{":
            number = len(names) + 1
            name = self.next()
            if name.kind != "string":
                self.fail(
                    name,
                    f"expected the name of outcome {number} in double quotes, got {name.describe()}",
                )
            names.append(name.text)
            if len(names) * n > MAX_PAYOFFS:
                self.fail(name, f"more than {MAX_PAYOFFS:,} outcome payoffs are not supported")
            items: list[Token] = []
            while (item := self.next()).kind in ("word", ","):
                if item.kind == "word":
                    items.append(item)
                if len(items) > n + MAX_EXTRA:
                    self.fail(item, f"outcome {number} has more than {n + MAX_EXTRA} payoffs")
            if item.kind != "}":
                self.fail(
                    item, f"expected a payoff or '}}' in outcome {number}, got {item.describe()}"
                )
            values = self.numbers(items, "payoff")
            if len(values) != n:
                self.problem(
                    name,
                    f"outcome {number} ({name.text!r}) has {len(values)} payoff(s), expected {n} "
                    "(one per player)",
                )
            clean = [value for value in values if value is not None]
            payoffs.append(clean if len(clean) == n else None)
        if token.kind != "}":
            self.fail(
                token,
                f"expected '{{' (an outcome) or '}}' ending the outcome list, got {token.describe()}",
            )
        return tuple(names), payoffs

    def outcome_indices(self, outcomes: int, profiles: int) -> list[int]:
        """The rest of the file: one outcome index per profile (a bad one counts as 0)."""
        tokens, more = self.rest(profiles + MAX_EXTRA)
        indices: list[int] = []
        bad = 0
        for token in tokens:
            if token.kind != "word" or not INTEGER.fullmatch(token.text):
                message = f"expected an outcome index (a whole number), got {token.describe()}"
            elif not 0 <= (index := _clamped(token.text)) <= outcomes:
                message = (
                    f"outcome index {_shown(token.text)} is out of range: the file defines "
                    f"{outcomes} outcomes (0 is the null outcome, all payoffs 0)"
                )
            else:
                indices.append(index)
                continue
            bad += 1
            indices.append(0)
            if bad <= MAX_REPORTED:
                self.problem(token, message)
        if bad > MAX_REPORTED:
            self.problems.append(
                Problem("", f"... and {bad - MAX_REPORTED} more bad outcome indices")
            )
        if len(indices) != profiles:
            where = tokens[profiles] if len(indices) > profiles else self.end_of(tokens)
            got = f"more than {len(indices)}" if more else str(len(indices))
            self.problem(where, f"expected {profiles} outcome indices (one per profile), got {got}")
        return indices


#: The characters of a body of plain decimal numbers (see :meth:`Parser.plain_numbers`).
_PLAIN = re.compile(r"[\s0-9.eE+-]*")
#: Digits of the longest integer read as an integer (a longer one is too large anyway; Python's
#: ``int`` refuses more than 4300 digits).
_MAX_DIGITS = 18
_CLAMP: int = 10**_MAX_DIGITS


def _clamped(text: str) -> int:
    """An integer token's value, or +-10**_MAX_DIGITS for a longer one (never ``int`` of it)."""
    if len(text.lstrip("+-").lstrip("0")) <= _MAX_DIGITS:
        return int(text)
    return -_CLAMP if text.startswith("-") else _CLAMP


def _shown(text: str) -> str:
    """An integer token for a message: its value, or its first digits when it is long.

    >>> _shown("+007"), _shown("12345678"), _shown("9" * 5000)
    ('7', '12,345,678', '99999999999999999999... (5,000 digits)')
    """
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) <= _MAX_DIGITS:
        return f"{int(text):,}"
    return f"{text[:20]}... ({len(digits):,} digits)"


def _large(count: int) -> str:
    """A count for a message: with thousands separators, or in scientific notation if huge.

    >>> _large(12345), _large(10**40)
    ('12,345', '1e+40')
    """
    return f"{count:,}" if count < _CLAMP else f"{float(count):.3g}"


def _player(players: Sequence[str], index: int) -> str | int:
    """Player ``index`` by name, or by number when the file lists more entries than players."""
    return players[index] if index < len(players) else index + 1


def _unique(names: Sequence[str]) -> list[str]:
    """Repeated names get Gambit's suffixes ``_1``, ``_2``, ... (skipping names in use)."""
    counts = Counter(names)
    used = set(names)
    seen: Counter[str] = Counter()
    result = []
    for name in names:
        if counts[name] == 1:
            result.append(name)
            continue
        while True:
            seen[name] += 1
            candidate = f"{name}_{seen[name]}"
            if candidate not in used:
                break
        used.add(candidate)
        result.append(candidate)
    return result
