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


@dataclass(frozen=True, slots=True)
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
    """The tokens of a text, lexed as they are needed, a cursor over them, and the problems found.

    Tokens are lexed on demand, so a file that goes wrong early is refused without lexing the
    rest of it, and a body is lexed only once its size is known to be within the limits.
    """

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.problems: list[Problem] = []
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tokens: list[Token] = []
        self.position = 0
        self.offset = 0  # where lexing goes on

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
    def lex_one(self) -> Token:
        """The next token of the text (the end of the file once there is none), appended."""
        text, offset = self.text, self.offset
        while True:
            match = TOKEN.match(text, offset) if offset < len(text) else None
            if match is None:
                token = Token("eof", "", len(text), len(text))
                break
            if match.group("punct"):
                kind = match.group("punct")
                token = Token(kind, kind, offset, offset + 1)  # type: ignore[arg-type]
                offset = match.end()
                break
            if match.group("word"):
                token = Token("word", match.group(), offset, match.end())
                offset = match.end()
                break
            if match.group("quote"):
                token, offset = self.string(offset)
                break
            offset = match.end()  # whitespace
        self.offset = offset
        self.tokens.append(token)
        return token

    def rest(self, limit: int) -> tuple[list[Token], bool]:
        """The tokens from the cursor to the end of the file, at most ``limit`` of them, and
        whether there are more (then they are not lexed)."""
        while not self.tokens or self.tokens[-1].kind != "eof":
            if len(self.tokens) - self.position >= limit:
                return self.tokens[self.position :], True
            self.lex_one()
        return self.tokens[self.position : -1], False

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
        while self.position >= len(self.tokens):
            self.lex_one()
        return self.tokens[self.position]

    def next(self) -> Token:
        token = self.peek()
        if token.kind != "eof":
            self.position += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        token = self.next()
        if token.kind != kind:
            self.fail(token, f"expected {what}, got {token.describe()}")
        return token
