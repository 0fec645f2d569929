"""EM's query-service filter grammar, parsed and compiled to a predicate.

Grammar (EM docs, "filter", "comparison", "and/or", "grouping"):
    comparison  field op value        op: == != > < >= <=
    and / or    ';' / ','
    grouping    ( ... )
    values      double-quoted when they hold spaces; '""' is a literal quote;
                spaces outside quotes are ignored
Field names are case-insensitive. Enum fields compare by their index in the documented
list. Dates are UTC. EM does not document how ';' and ',' bind without parentheses, so
the strict mode (the default) refuses to guess; "and-first" is the other reading.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Union

from .model import parse_utc, ticks_from_datetime

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge,
    "<=": operator.le, ">": operator.gt, "<": operator.lt,
}
SPECIAL = set('();,"=!<>')
PRECEDENCE_MODES = ("strict", "and-first")
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FilterError(ValueError):
    """A filter EM would refuse with 400 Bad Request."""


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # string | uid | time | int | enum | bool
    getter: Callable[[Any], Any]
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class FilterOptions:
    precedence: str = "strict"
    case_sensitive: bool = True
    lenient_dates: bool = False


@dataclass(frozen=True)
class Comparison:
    field: Field
    op: str
    value: Any


@dataclass(frozen=True)
class Group:
    joiner: str  # ";" (and) or "," (or)
    parts: tuple[Node, ...]


Node = Union[Comparison, Group]


@dataclass(frozen=True)
class _Token:
    kind: str  # text | op | ( | ) | ; | ,
    text: str
    quoted: bool = False


def tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char == '"':
            value, index = _read_quoted(text, index)
            tokens.append(_Token("text", value, quoted=True))
        elif char in "();,":
            tokens.append(_Token(char, char))
            index += 1
        elif char in "=!<>":
            op = text[index:index + 2] if text[index:index + 2] in OPERATORS else char
            if op not in OPERATORS:
                raise FilterError(f"unknown operator at position {index + 1} of the filter")
            tokens.append(_Token("op", op))
            index += len(op)
        else:
            value, index = _read_bare(text, index)
            tokens.append(_Token("text", value))
    return tokens


def _read_quoted(text: str, index: int) -> tuple[str, int]:
    chars: list[str] = []
    index += 1
    while index < len(text):
        if text[index] == '"':
            if text[index + 1:index + 2] == '"':
                chars.append('"')
                index += 2
                continue
            return "".join(chars), index + 1
        chars.append(text[index])
        index += 1
    raise FilterError("unterminated double-quoted value in the filter")


def _read_bare(text: str, index: int) -> tuple[str, int]:
    chars: list[str] = []
    while index < len(text) and text[index] not in SPECIAL:
        if not text[index].isspace():
            chars.append(text[index])
        index += 1
    return "".join(chars), index


class _Parser:
    def __init__(self, tokens: list[_Token], fields: dict[str, Field], options: FilterOptions) -> None:
        self.tokens = tokens
        self.position = 0
        self.fields = fields
        self.options = options

    def parse(self) -> Node:
        node = self._expression()
        if self.position != len(self.tokens):
            raise FilterError(f"unexpected '{self.tokens[self.position].text}' in the filter")
        return node

    def _peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, kind: str) -> _Token:
        token = self._peek()
        if token is None or token.kind != kind:
            found = "the end of the filter" if token is None else f"'{token.text}'"
            raise FilterError(f"expected {kind if kind != 'text' else 'a name or value'}, found {found}")
        self.position += 1
        return token

    def _expression(self) -> Node:
        if self.options.precedence == "and-first":
            return self._joined(",", lambda: self._joined(";", self._term))
        terms, joiners = [self._term()], set()
        while (token := self._peek()) is not None and token.kind in ";,":
            joiners.add(self._take(token.kind).kind)
            terms.append(self._term())
        if len(joiners) > 1:
            raise FilterError("';' and ',' are mixed without parentheses; group them with ( )")
        return terms[0] if len(terms) == 1 else Group(joiners.pop(), tuple(terms))

    def _joined(self, joiner: str, operand: Callable[[], Node]) -> Node:
        parts = [operand()]
        while (token := self._peek()) is not None and token.kind == joiner:
            self._take(joiner)
            parts.append(operand())
        return parts[0] if len(parts) == 1 else Group(joiner, tuple(parts))

    def _term(self) -> Node:
        token = self._peek()
        if token is not None and token.kind == "(":
            self._take("(")
            node = self._expression()
            self._take(")")
            return node
        name = self._take("text")
        op = self._take("op").text
        value = self._take("text")
        field = self.fields.get(name.text.lower())
        if field is None or name.quoted:
            raise FilterError(f"unknown field '{name.text}' in the filter")
        return Comparison(field, op, convert_value(field, value.text, self.options))


def convert_value(field: Field, text: str, options: FilterOptions) -> Any:
    """The filter value as the type of the field, or FilterError naming the field."""
    try:
        if field.kind == "time":
            return _parse_time(text, options.lenient_dates)
        if field.kind == "int":
            return int(text)
        if field.kind == "bool":
            return {"true": True, "false": False}[text.lower()]
        if field.kind == "enum":
            return [value.lower() for value in field.values].index(text.lower())
    except (ValueError, KeyError) as error:
        raise FilterError(f"invalid value '{text}' for {field.name}") from error
    return text if options.case_sensitive else text.casefold()


def _parse_time(text: str, lenient: bool) -> int:
    if DATE_ONLY.match(text):
        return ticks_from_datetime(datetime.strptime(text, "%Y-%m-%d"))
    if text.endswith("Z"):
        return parse_utc(text)
    if not lenient:
        raise ValueError("only UTC times are accepted")
    moment = datetime.fromisoformat(text)
    return ticks_from_datetime(moment.astimezone(timezone.utc) if moment.tzinfo else moment)


def parse_filter(text: str, fields: dict[str, Field], options: FilterOptions) -> Node:
    tokens = tokenize(text)
    if not tokens:
        raise FilterError("the filter is empty")
    return _Parser(tokens, fields, options).parse()


def compile_node(node: Node, options: FilterOptions) -> Callable[[Any], bool]:
    if isinstance(node, Group):
        parts = [compile_node(part, options) for part in node.parts]
        if node.joiner == ";":
            return lambda record: all(part(record) for part in parts)
        return lambda record: any(part(record) for part in parts)
    return _compile_comparison(node, options)


def _compile_comparison(node: Comparison, options: FilterOptions) -> Callable[[Any], bool]:
    compare, getter, wanted = OPERATORS[node.op], node.field.getter, node.value
    if node.field.kind == "enum":
        order = {value: index for index, value in enumerate(node.field.values)}
        # Values outside the documented list (such as a running session's Result) sort
        # before all documented ones, as an enum's "None" member would.
        return lambda record: compare(order.get(getter(record), -1), wanted)
    if node.field.kind in ("string", "uid") and not options.case_sensitive:
        return lambda record: _null_safe(compare, _fold(getter(record)), wanted)
    return lambda record: _null_safe(compare, getter(record), wanted)


def _fold(value: str | None) -> str | None:
    return None if value is None else value.casefold()


def _null_safe(compare: Callable[[Any, Any], bool], actual: Any, wanted: Any) -> bool:
    # Like SQL's NULL: a missing value (EndTime of a running session) matches nothing.
    return actual is not None and compare(actual, wanted)


def bounds_for(node: Node, field_name: str) -> tuple[int | None, int | None]:
    """Inclusive (low, high) bounds the filter puts on one field through AND alone.

    Used only to narrow a scan of a list sorted by that field; the full predicate is
    still applied to every record in the range.
    """
    comparisons = [node] if isinstance(node, Comparison) else []
    if isinstance(node, Group) and node.joiner == ";":
        comparisons = [part for part in node.parts if isinstance(part, Comparison)]
    low: int | None = None
    high: int | None = None
    for part in comparisons:
        if part.field.name != field_name:
            continue
        if part.op in (">=", ">", "=="):
            edge = part.value + (1 if part.op == ">" else 0)
            low = edge if low is None else max(low, edge)
        if part.op in ("<=", "<", "=="):
            edge = part.value - (1 if part.op == "<" else 0)
            high = edge if high is None else min(high, edge)
    return low, high
