"""Environment trees, evaluated as CPython would for the variables the server starts with.

Kept apart from facts/envtest.py (which builds them from LibCST) so the simulation reads them
without importing LibCST: a warm run never loads the parser. Trees are JSON-ready lists:
["env", NAME, default], ["has", NAME], ["lit", value], ["not", t], ["bool", t],
["and"|"or", t, t], ["cmp", op, t, t], ["call", str method, [literal args], t].
"""

from __future__ import annotations

import operator
from typing import Any, Callable, List, Mapping, Optional

Tree = List[Any]


def variables(tree: Tree, refs: bool = False) -> List[str]:
    """The environment variables a tree reads, in order, each once (`refs`: and the
    attributes it reads, which may be settings fields)."""
    found: List[str] = []
    todo = [tree]
    while todo:
        node = todo.pop(0)
        kind = node[0]
        if (kind in ("env", "has") or (refs and kind == "ref")) and node[1] not in found:
            found.append(node[1])
        todo.extend(node[_CHILDREN.get(kind, slice(0, 0))])
    return found


_CHILDREN = {"not": slice(1, 2), "bool": slice(1, 2), "and": slice(1, 3), "or": slice(1, 3),
             "cmp": slice(2, 4), "call": slice(3, 4)}


class Undecided(Exception):
    """The expression would raise, or do something routerlint does not model."""


_COMPARE = {"==": operator.eq, "!=": operator.ne, "in": lambda a, b: a in b,
            "not in": lambda a, b: a not in b, "is": operator.is_, "is not": operator.is_not,
            "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def evaluate(tree: Tree, environ: Mapping[str, str],
             resolve: Optional[Callable[[str], Any]] = None) -> Any:
    """The value CPython computes for `tree` in `environ` (raises Undecided); `resolve` gives
    the value of a ["ref", dotted] (a settings field), or raises Undecided."""
    kind = tree[0]
    if kind == "ref":
        if resolve is None:
            raise Undecided(tree[1])
        return resolve(tree[1])
    if kind == "lit":
        return tuple(tree[1]) if isinstance(tree[1], list) else tree[1]
    if kind == "env":
        return environ.get(tree[1], tree[2])
    if kind == "has":
        return tree[1] in environ
    if kind == "not":
        return not evaluate(tree[1], environ, resolve)
    if kind == "bool":
        return bool(evaluate(tree[1], environ, resolve))
    if kind in ("and", "or"):  # operands, with CPython's short-circuit
        left = evaluate(tree[1], environ, resolve)
        if bool(left) == (kind == "or"):
            return left
        return evaluate(tree[2], environ, resolve)
    try:
        if kind == "cmp":
            return _COMPARE[tree[1]](evaluate(tree[2], environ, resolve),
                                     evaluate(tree[3], environ, resolve))
        if kind == "call":
            target = evaluate(tree[3], environ, resolve)
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


# How pydantic reads a bool from an environment string (anything else is a ValidationError).
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def parse_setting(kind: str, raw: str) -> Any:
    """A pydantic-settings field's value from its environment string, for the plain types
    facts/settingsclass.py reads; Undecided where pydantic would refuse it (the import fails
    then, with a ValidationError routerlint does not model)."""
    base = kind.replace("Optional[", "").replace("]", "").replace(" | None", "")
    if base == "str":
        return raw
    if base == "bool":
        text = raw.lower()  # pydantic strips nothing
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise Undecided(f"{raw!r} is not a bool")
    if base == "int":
        try:
            return int(raw)
        except ValueError:
            raise Undecided(f"{raw!r} is not an int") from None
    raise Undecided(kind)
