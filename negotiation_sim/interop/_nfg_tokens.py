"""Tokens of a Gambit ``.nfg`` file, with their places (``line L, column C``) for messages."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NoReturn

from .._checking import shorten
from ..errors import Problem

TOKEN = re.compile(r'\s+|(?P<punct>[{},])|(?P<quote>")|(?P<word>[^\s{},"]+)')


class Fatal(Exception):
    """Parsing cannot go on; the problems gathered so far are reported."""


@dataclass(frozen=True)
class Token:
    """One token: punctuation, a (decoded) string, a word, or the end of the file."""

    kind: Literal["{", "}", ",", "string", "word", "eof"]
    text: str
    offset: int
    end: int

    def describe(self) -> str:
        if self.kind == "eof":
            return "the end of the file"
        if self.kind == "string":
            return f'the string "{shorten(self.text, 40)}"'
        return repr(shorten(self.text, 40))


class Lexer:
    """The tokens of a text, a cursor over them, and the problems found (each located)."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.problems: list[Problem] = []
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tokens: list[Token] = []
        self.position = 0

    # -- errors -------------------------------------------------------------------------------
    def where(self, offset: int) -> str:
        line = bisect.bisect_right(self.line_starts, offset)
        return f"line {line}, column {offset - self.line_starts[line - 1] + 1}"

    def problem(self, token: Token, message: str) -> None:
        self.problems.append(Problem(self.where(token.offset), message))

    def end_of(self, tokens: Sequence[Token]) -> Token:
        """Where the last of ``tokens`` (or the token before them) ends."""
        last = tokens[-1] if tokens else self.tokens[self.position - 1]
        return Token("eof", "", last.end, last.end)

    def fail(self, token: Token, message: str) -> NoReturn:
        self.problem(token, message)
        raise Fatal

    # -- lexing -------------------------------------------------------------------------------
    def lex(self) -> None:
        text, offset = self.text, 0
        while offset < len(text):
            match = TOKEN.match(text, offset)
            assert match is not None  # the last alternative matches any other character
            if match.group("punct"):
                self.tokens.append(
                    Token(match.group("punct"), match.group(), offset, offset + 1)  # type: ignore[arg-type]
                )
            elif match.group("word"):
                self.tokens.append(Token("word", match.group(), offset, match.end()))
            elif match.group("quote"):
                token, offset = self.string(offset)
                self.tokens.append(token)
                continue
            offset = match.end()
        self.tokens.append(Token("eof", "", len(text), len(text)))

    def string(self, start: int) -> tuple[Token, int]:
        """The quoted string at ``start``, decoded as Gambit's reader does, and where it ends."""
        chars: list[str] = []
        after_backslash = False
        text = self.text
        index = start + 1
        while True:
            if index >= len(text):
                self.fail(
                    Token("eof", "", start, start),
                    'unterminated string: no closing " before the end of the file',
                )
            char = text[index]
            if char == '"' and not after_backslash:
                break
            if after_backslash:
                chars.append('"' if char == '"' else "\\" + char)
            elif char != "\\":
                chars.append(char)
            after_backslash = char == "\\"
            index += 1
        return Token("string", "".join(chars), start, index + 1), index + 1

    # -- token stream -------------------------------------------------------------------------
    def peek(self) -> Token:
        return self.tokens[self.position]

    def next(self) -> Token:
        token = self.tokens[self.position]
        if token.kind != "eof":
            self.position += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        token = self.next()
        if token.kind != kind:
            self.fail(token, f"expected {what}, got {token.describe()}")
        return token
