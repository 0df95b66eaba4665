"""Dotted names of LibCST expressions, shared by the scanner and the path reader."""

from __future__ import annotations

from typing import Optional

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
