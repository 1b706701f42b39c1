"""Applicability expressions: `securities_internet_ordering and not foreign`, `cloud_uses or cloud_provides`.

A deliberately tiny language (names, `and`, `or`, `not`, parentheses) so that a catalogue entry says whom
it binds in words a reviewer can read, and nothing in a data file can run code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([a-z_][a-z0-9_]*))")


class ExpressionError(ValueError):
    pass


@dataclass(frozen=True)
class Name:
    name: str

    def evaluate(self, facts: dict[str, bool]) -> bool:
        return facts[self.name]


@dataclass(frozen=True)
class Not:
    operand: Expr

    def evaluate(self, facts: dict[str, bool]) -> bool:
        return not self.operand.evaluate(facts)


@dataclass(frozen=True)
class And:
    operands: tuple[Expr, ...]

    def evaluate(self, facts: dict[str, bool]) -> bool:
        return all(o.evaluate(facts) for o in self.operands)


@dataclass(frozen=True)
class Or:
    operands: tuple[Expr, ...]

    def evaluate(self, facts: dict[str, bool]) -> bool:
        return any(o.evaluate(facts) for o in self.operands)


Expr = Name | Not | And | Or


def _tokens(source: str) -> list[str]:
    tokens, position = [], 0
    source = source.strip()
    while position < len(source):
        match = _TOKEN.match(source, position)
        if not match or match.end() == position:
            raise ExpressionError(f"unexpected text at {position}: {source[position:]!r}")
        tokens.append(match.group(0).strip())
        position = match.end()
    return tokens


@cache
def parse(source: str) -> Expr:
    tokens = _tokens(source)
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        token = tokens[position]
        position += 1
        return token

    def disjunction() -> Expr:
        operands = [conjunction()]
        while peek() == "or":
            take()
            operands.append(conjunction())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def conjunction() -> Expr:
        operands = [negation()]
        while peek() == "and":
            take()
            operands.append(negation())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def negation() -> Expr:
        if peek() == "not":
            take()
            return Not(negation())
        return atom()

    def atom() -> Expr:
        token = peek()
        if token is None:
            raise ExpressionError(f"{source!r}: ends too early")
        take()
        if token == "(":
            inner = disjunction()
            if peek() != ")":
                raise ExpressionError(f"{source!r}: missing ')'")
            take()
            return inner
        if token in {")", "and", "or", "not"}:
            raise ExpressionError(f"{source!r}: unexpected {token!r}")
        return Name(token)

    if not tokens:
        raise ExpressionError("empty expression")
    tree = disjunction()
    if position != len(tokens):
        raise ExpressionError(f"{source!r}: unexpected {tokens[position]!r}")
    return tree


def names(expr: Expr) -> set[str]:
    match expr:
        case Name(name):
            return {name}
        case Not(operand):
            return names(operand)
        case And(operands) | Or(operands):
            return set().union(*(names(o) for o in operands))
    raise TypeError(expr)  # pragma: no cover


def evaluate(source: str, facts: dict[str, bool]) -> bool:
    return parse(source).evaluate(facts)
