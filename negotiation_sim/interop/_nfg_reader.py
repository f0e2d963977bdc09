"""The grammar of a Gambit ``.nfg`` file: header, players, strategies, then either body."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from .._checking import suggest
from ..errors import Problem, ScenarioError
from ..game import Game
from ._nfg_file import INTEGER, MAX_PAYOFFS, MAX_REPORTED, NON_FINITE, NUMBER, NfgFile, NfgVersion
from ._nfg_tokens import Fatal, Lexer, Token


class Parser(Lexer):
    """Reads one file's text; :meth:`parse` returns an :class:`NfgFile` or raises every problem."""

    # -- grammar ------------------------------------------------------------------------------
    def parse(self) -> NfgFile:
        try:
            self.lex()
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
        profiles = math.prod(shape)
        if profiles * n > MAX_PAYOFFS:
            self.fail(
                self.peek(),
                f"the game has {profiles:,} profiles x {n} players = {profiles * n:,} payoffs; "
                f"at most {MAX_PAYOFFS:,} are supported",
            )
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
        """``3 2 }``: a number of strategies per player (named ``"1"``, ``"2"``, ...)."""
        result: list[list[str]] = []
        while (token := self.next()).kind == "word":
            who = _player(players, len(result))
            count = 0
            if not INTEGER.fullmatch(token.text):
                message = "a whole number" if NUMBER.fullmatch(token.text) else "a number"
                self.problem(
                    token,
                    f"expected the number of strategies of player {who!r}, {message} >= 1, "
                    f"got {token.text!r}",
                )
            elif int(token.text) < 1:
                self.problem(token, f"player {who!r} needs at least one strategy, got {token.text}")
            elif int(token.text) > MAX_PAYOFFS:
                self.problem(
                    token,
                    f"player {who!r} has {int(token.text):,} strategies; at most "
                    f"{MAX_PAYOFFS:,} payoffs are supported",
                )
                count = 1
            else:
                count = int(token.text)
            result.append([str(j + 1) for j in range(count)])
        if token.kind != "}":
            self.fail(token, f"expected a number of strategies or '}}', got {token.describe()}")
        return result

    def number(self, token: Token, what: str) -> float | None:
        """The token's value, or ``None`` after reporting why it is not a finite number."""
        text = token.text
        if token.kind != "word" or not NUMBER.fullmatch(text):
            if token.kind == "word" and text.lower().lstrip("+-") in NON_FINITE:
                self.problem(token, f"a {what} must be a finite number, got {text!r}")
            else:
                self.problem(token, f"expected a {what} (a number), got {token.describe()}")
            return None
        try:
            value = float(Fraction(text)) if "/" in text else float(text)
        except ZeroDivisionError:
            self.problem(token, f"{what} {text!r} divides by zero")
            return None
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            self.problem(token, f"{what} {text!r} is too large for a 64-bit float")
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
        tokens = self.tokens[self.position : -1]
        values = self.numbers(tokens, "payoff")
        profiles = math.prod(shape)
        expected = profiles * n
        if len(values) != expected:
            where = tokens[expected] if len(values) > expected else self.end_of(tokens)
            self.problem(
                where,
                f"expected {expected} payoffs ({profiles} profiles x {n} players), "
                f"got {len(values)}",
            )
        if self.problems:
            return None
        return np.array(values, dtype=np.float64)

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
            items: list[Token] = []
            while (item := self.next()).kind in ("word", ","):
                if item.kind == "word":
                    items.append(item)
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
        tokens = self.tokens[self.position : -1]
        indices: list[int] = []
        bad = 0
        for token in tokens:
            if token.kind != "word" or not INTEGER.fullmatch(token.text):
                message = f"expected an outcome index (a whole number), got {token.describe()}"
            elif not 0 <= int(token.text) <= outcomes:
                message = (
                    f"outcome index {int(token.text)} is out of range: the file defines "
                    f"{outcomes} outcomes (0 is the null outcome, all payoffs 0)"
                )
            else:
                indices.append(int(token.text))
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
            self.problem(
                where,
                f"expected {profiles} outcome indices (one per profile), got {len(indices)}",
            )
        return indices


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
