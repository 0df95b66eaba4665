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
    if kind in (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float):
        try:
            return node.evaluated_value
        except Exception:  # noqa: BLE001 — an odd literal: unknown, never a wrong verdict
            return NOT_LITERAL
    return NOT_LITERAL
