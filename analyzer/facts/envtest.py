"""Conditions on the process environment, read from LibCST into trees (facts/envtree.py).

`if os.getenv("FEATURE_CSV"):` is decided by CPython at import time from the environment the
server starts with, so routerlint decides it from the environment it is given (`--env`,
`[tool.routerlint] env`, the `.env` file an app loads), unset by default, instead of taking
either branch.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import libcst as cst

from routerlint.facts.cstnames import dotted, literal
from routerlint.facts.envtree import Tree, variables

_GETTERS = frozenset({"os.getenv", "getenv", "os.environ.get", "environ.get"})
_ENVIRON = frozenset({"os.environ", "environ"})
_METHODS = frozenset({"lower", "upper", "strip", "casefold", "split", "startswith",
                      "endswith"})
_OPS = {cst.Equal: "==", cst.NotEqual: "!=", cst.In: "in", cst.NotIn: "not in",
        cst.Is: "is", cst.IsNot: "is not", cst.LessThan: "<", cst.LessThanEqual: "<=",
        cst.GreaterThan: ">", cst.GreaterThanEqual: ">="}
_NO = object()


def env_tree(node: cst.BaseExpression, known: Mapping[str, Tree]) -> Optional[Tree]:
    """The tree of `node` when it is built only from environment reads, literals and the
    module's earlier names bound to such reads (`known`), and reads at least one variable."""
    tree = _tree(node, known)
    return tree if tree is not None and variables(tree, refs=True) else None


def _tree(node: cst.BaseExpression, known: Mapping[str, Tree]) -> Optional[Tree]:
    kind = type(node)
    value = _literal(node)
    if value is not _NO:
        return ["lit", value]
    if kind is cst.Name:
        return known.get(node.value)
    if kind is cst.Attribute:  # `settings.FEATURE_X`: a settings field, if it is one
        name = dotted(node)
        return ["ref", name] if name and dotted(node.value) not in _ENVIRON else None
    if kind is cst.UnaryOperation and type(node.operator) is cst.Not:
        inner = _tree(node.expression, known)
        return None if inner is None else ["not", inner]
    if kind is cst.BooleanOperation:
        left, right = _tree(node.left, known), _tree(node.right, known)
        if left is None or right is None:
            return None
        return ["or" if type(node.operator) is cst.Or else "and", left, right]
    if kind is cst.Comparison and len(node.comparisons) == 1:
        op = _OPS.get(type(node.comparisons[0].operator))
        name = _literal(node.left)
        if op in ("in", "not in") and isinstance(name, str) and \
                dotted(node.comparisons[0].comparator) in _ENVIRON:  # "X" in os.environ
            return ["has", name] if op == "in" else ["not", ["has", name]]
        left = _tree(node.left, known)
        right = _tree(node.comparisons[0].comparator, known)
        return None if op is None or left is None or right is None else ["cmp", op, left, right]
    if kind is cst.Call:
        return _call(node, known)
    return None


def _call(node: cst.Call, known: Mapping[str, Tree]) -> Optional[Tree]:
    if any(a.keyword is not None or a.star for a in node.args):
        return None
    args = [_literal(a.value) for a in node.args]
    func = dotted(node.func)
    if func in _GETTERS and 1 <= len(args) <= 2 and isinstance(args[0], str):
        default = args[1] if len(args) == 2 else None
        return None if default is _NO else ["env", args[0], default]
    if func == "bool" and len(node.args) == 1:
        inner = _tree(node.args[0].value, known)
        return None if inner is None else ["bool", inner]
    if (type(node.func) is cst.Attribute and node.func.attr.value in _METHODS
            and all(a is not _NO for a in args)):
        inner = _tree(node.func.value, known)
        return None if inner is None else ["call", node.func.attr.value, args, inner]
    return None


def _literal(node: cst.BaseExpression) -> Any:
    """A str, number, True/False/None, or a tuple/list/set of those; else _NO."""
    if type(node) in (cst.Tuple, cst.List, cst.Set):
        items = [_literal(e.value) if type(e) is cst.Element else _NO for e in node.elements]
        return _NO if any(i is _NO for i in items) else items
    value = literal(node)
    return value if value is None or isinstance(value, (str, int, float)) else _NO
