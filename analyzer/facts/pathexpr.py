"""Folders a module adds to `sys.path`, read from the expression it passes.

Scripts and vendoring shims do `sys.path.insert(0, os.path.join(os.path.dirname(__file__),
"vendored"))` or `sys.path.append(str(Path(__file__).resolve().parent.parent))` before their
imports. Those names resolve only through that folder, so routerlint needs it — as a path
relative to the file's own folder ("vendored", ".."), which keeps the facts independent of
where the file sits (they are cached by content). Anything that is not built from `__file__`
and literal strings (the working directory, environment variables) is unknown: None.
"""

from __future__ import annotations

import posixpath
from typing import Dict, List, Optional

import libcst as cst

from routerlint.facts.cstnames import dotted

_FILE = "\0file"  # the file itself, before any dirname
_SAME = frozenset(("os.path.abspath", "os.path.realpath", "os.path.normpath", "path.abspath",
                   "path.realpath", "path.normpath", "str", "os.fspath", "Path",
                   "pathlib.Path", "PurePath", "pathlib.PurePath"))
_DIRNAME = frozenset(("os.path.dirname", "path.dirname", "dirname"))
_JOIN = frozenset(("os.path.join", "path.join", "join"))
_SAME_METHODS = frozenset(("resolve", "absolute", "expanduser"))


def folder_of(node: cst.BaseExpression, known: Dict[str, List[str]]) -> Optional[str]:
    """The folder an expression names, relative to the file's folder ("." for the folder
    itself), or None when it is not statically known or names the file, not a folder."""
    parts = _parts(node, known)
    if parts is None or (parts and parts[-1] == _FILE):
        return None
    return posixpath.join(*parts) if parts else "."


def path_parts(node: cst.BaseExpression, known: Dict[str, List[str]]) -> Optional[List[str]]:
    """The path as parts relative to the file's folder (the file itself is `_FILE`), for
    module-level names later expressions use (`ROOT = Path(__file__).parent.parent`)."""
    return _parts(node, known)


def _parts(node: cst.BaseExpression, known: Dict[str, List[str]]) -> Optional[List[str]]:
    name = dotted(node)
    if name == "__file__":
        return [_FILE]
    if name is not None and name in known:
        return list(known[name])
    if type(node) is cst.Call:
        return _call(node, known)
    if type(node) is cst.Attribute and node.attr.value == "parent":
        inner = _parts(node.value, known)
        return None if inner is None else _up(inner)
    if (type(node) is cst.Subscript and type(node.value) is cst.Attribute
            and node.value.attr.value == "parents" and len(node.slice) == 1):
        index = node.slice[0].slice
        inner = _parts(node.value.value, known)
        if inner is None or type(index) is not cst.Index or type(index.value) is not cst.Integer:
            return None
        for _ in range(int(index.value.value) + 1):
            inner = _up(inner)
        return inner
    if type(node) is cst.BinaryOperation:
        left = _parts(node.left, known)
        right = _literal(node.right)
        if left is None or right is None:
            return None
        if type(node.operator) is cst.Divide:
            return _join(left, right)
        if type(node.operator) is cst.Add and right.startswith("/"):
            return _join(left, right.lstrip("/"))
    return None


def _call(node: cst.Call, known: Dict[str, List[str]]) -> Optional[List[str]]:
    func = dotted(node.func)
    args = [a.value for a in node.args if a.keyword is None and not a.star]
    if func in _SAME and len(args) == 1:
        return _parts(args[0], known)
    if func in _DIRNAME and len(args) == 1:
        inner = _parts(args[0], known)
        return None if inner is None else _up(inner)
    if func in _JOIN and args:
        out = _parts(args[0], known)
        for arg in args[1:]:
            text = _literal(arg)
            if out is None or text is None:
                return None
            out = _join(out, text)
        return out
    if (type(node.func) is cst.Attribute and node.func.attr.value in _SAME_METHODS
            and not args):
        return _parts(node.func.value, known)
    if type(node.func) is cst.Attribute and node.func.attr.value == "joinpath":
        out = _parts(node.func.value, known)
        for arg in args:
            text = _literal(arg)
            if out is None or text is None:
                return None
            out = _join(out, text)
        return out
    return None


def _literal(node: cst.BaseExpression) -> Optional[str]:
    if type(node) is cst.SimpleString:
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _up(parts: List[str]) -> List[str]:
    if parts and parts[-1] != "..":
        return parts[:-1]
    return parts + [".."]


def _join(parts: List[str], text: str) -> Optional[List[str]]:
    if text.startswith("/") or parts and parts[-1] == _FILE:
        return None  # an absolute path, or a path below a file
    out = list(parts)
    for piece in text.split("/"):
        if piece in ("", "."):
            continue
        out = _up(out) if piece == ".." else out + [piece]
    return out
