"""Environment trees, evaluated as CPython would for the variables the server starts with.

Kept apart from facts/envtest.py (which builds them from LibCST) so the simulation reads them
without importing LibCST: a warm run never loads the parser. Trees are JSON-ready lists:
["env", NAME, default], ["has", NAME], ["lit", value], ["not", t], ["bool", t],
["and"|"or", t, t], ["cmp", op, t, t], ["call", str method, [literal args], t].
"""

from __future__ import annotations

import operator
from typing import Any, List, Mapping

Tree = List[Any]


def variables(tree: Tree) -> List[str]:
    """The environment variables a tree reads, in order, each once."""
    found: List[str] = []
    todo = [tree]
    while todo:
        node = todo.pop(0)
        kind = node[0]
        if kind in ("env", "has") and node[1] not in found:
            found.append(node[1])
        todo.extend(node[_CHILDREN.get(kind, slice(0, 0))])
    return found


_CHILDREN = {"not": slice(1, 2), "bool": slice(1, 2), "and": slice(1, 3), "or": slice(1, 3),
             "cmp": slice(2, 4), "call": slice(3, 4)}


class Undecided(Exception):
    """The expression would raise, or do something routerlint does not model."""


_COMPARE = {"==": operator.eq, "!=": operator.ne, "in": lambda a, b: a in b,
            "not in": lambda a, b: a not in b, "is": operator.is_, "is not": operator.is_not}


def evaluate(tree: Tree, environ: Mapping[str, str]) -> Any:
    """The value CPython computes for `tree` in `environ` (raises Undecided)."""
    kind = tree[0]
    if kind == "lit":
        return tuple(tree[1]) if isinstance(tree[1], list) else tree[1]
    if kind == "env":
        return environ.get(tree[1], tree[2])
    if kind == "has":
        return tree[1] in environ
    if kind == "not":
        return not evaluate(tree[1], environ)
    if kind == "bool":
        return bool(evaluate(tree[1], environ))
    if kind in ("and", "or"):  # operands, with CPython's short-circuit
        left = evaluate(tree[1], environ)
        if bool(left) == (kind == "or"):
            return left
        return evaluate(tree[2], environ)
    try:
        if kind == "cmp":
            return _COMPARE[tree[1]](evaluate(tree[2], environ), evaluate(tree[3], environ))
        if kind == "call":
            target = evaluate(tree[3], environ)
            if not isinstance(target, str):
                raise Undecided(f"{tree[1]}() on {type(target).__name__}")
            return getattr(target, tree[1])(*(tuple(a) if isinstance(a, list) else a
                                              for a in tree[2]))
    except (TypeError, ValueError) as exc:
        raise Undecided(str(exc)) from None
    raise Undecided(f"unknown expression {kind!r}")


def describe(names: List[str], environ: Mapping[str, str]) -> str:
    """`FEATURE_CSV unset`, `MODE='lite'`: the values a verdict was taken with."""
    return ", ".join(f"{name}={environ[name]!r}" if name in environ else f"{name} unset"
                     for name in names)
