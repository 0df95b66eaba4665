"""Dotted names and literal values of LibCST expressions, shared by the scanner, the path
reader, the environment-condition reader and the settings-class reader."""

from __future__ import annotations

from typing import Any, Optional

import libcst as cst


def dotted(node: Optional[cst.CSTNode]) -> Optional[str]:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while type(node) is cst.Attribute:
        parts.append(node.attr.value)
        node = node.value
    if type(node) is cst.Name:
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


NOT_LITERAL = object()


def literal(node: Optional[cst.CSTNode]) -> Any:
    """The value CPython gives a literal `True`/`False`/`None`, number, or string (bytes and
    implicitly concatenated strings too), else NOT_LITERAL."""
    kind = type(node)
    if kind is cst.Name and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if kind is cst.SimpleString:
        plain = _plain_string(node.value)
        if plain is not None:
            return plain
    elif kind is cst.Integer and node.value.isdigit():
        return int(node.value)
    if kind in (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float):
        try:
            return node.evaluated_value
        except Exception:  # noqa: BLE001 — an odd literal: unknown, never a wrong verdict
            return NOT_LITERAL
    return NOT_LITERAL


def _plain_string(token: str) -> Optional[str]:
    """The value of a str literal with no backslash and no carriage return (`"abc"`, `r'x'`,
    a triple-quoted docstring): its text between the quotes. LibCST's evaluated_value
    compiles every literal with ast.literal_eval, ~5% of a cold scan of a typical app. None
    for anything else (bytes, escapes), which evaluated_value then decides."""
    if "\\" in token or "\r" in token:
        return None
    quote = token[-1]
    start = token.find(quote)
    if token[:start].lower() not in ("", "r", "u"):
        return None
    if token.startswith(quote * 3, start) and len(token) - start >= 6:
        return token[start + 3:-3]
    return token[start + 1:-1]
