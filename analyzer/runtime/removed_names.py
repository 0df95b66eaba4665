"""Names a library has removed but still answers for, with an error, through a module-level
`__getattr__` — read from the library's own migration table, never imported.

routerlint never guesses past a module `__getattr__`: such a module may define any name, so
its names are unknown and nothing imported from it is ever reported. Pydantic 2 is the common
exception worth knowing: its modules end in `__getattr__ = getattr_migration(__name__)`, and
`pydantic/_migration.py` lists, as literal data, what that raises `PydanticImportError` (an
ImportError) for: `from pydantic import BaseSettings` fails at import time in every app that
upgraded without moving to `pydantic-settings`. The table is read from the installed version,
so it is exactly what that version does.
"""

from __future__ import annotations

import ast
import os
from typing import Dict, Optional, Tuple

_MARK = b"getattr_migration(__name__)"
_SERVED = ("MOVED_IN_V2", "DEPRECATED_MOVED_IN_V2", "REDIRECT_TO_V1")


def removed_names(path: str, module: str, read: dict) -> Dict[str, str]:
    """{name: the error's message} for names `module` (source at `path`) raises for, per its
    migration table; empty when it has none. Every file read is stamped into `read`
    (path -> stamp), so that `external` can tell when the answer is stale."""
    from routerlint.facts.stamps import read_stamped

    data = read_stamped(path, read)
    if data is None or _MARK not in data:
        return {}
    table = _table(os.path.join(os.path.dirname(path), "_migration.py"), read)
    prefix = f"{module}:"
    removed = {key[len(prefix):]: message for key, message in table.items()
               if key.startswith(prefix)}
    if removed:
        for name in _answered(data, path):
            removed.pop(name, None)
    return removed


def _answered(data: bytes, path: str) -> set:
    """Names the module answers before its migration hook runs: its own top-level bindings,
    and the string keys of its top-level dict literals (pydantic's `_dynamic_imports`, which
    its `__getattr__` serves first)."""
    try:
        tree = ast.parse(data, path)
    except (SyntaxError, ValueError):
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
            if isinstance(node.value, ast.Dict):
                names.update(k.value for k in node.value.keys
                             if isinstance(k, ast.Constant) and isinstance(k.value, str))
    return names


def _table(path: str, read: dict) -> Dict[str, str]:
    from routerlint.facts.stamps import read_stamped

    data = read_stamped(path, read)
    try:
        tree = ast.parse(data, path) if data is not None else None
    except (SyntaxError, ValueError):
        tree = None
    if tree is None:
        return {}
    table: Dict[str, str] = {}
    served = set()  # moved or redirected names: the hook returns them (with a warning)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _target(node) in _SERVED and isinstance(
                node.value, ast.Dict):
            served.update(k.value for k in node.value.keys if isinstance(k, ast.Constant))
        elif isinstance(node, ast.Assign) and _target(node) == "REMOVED_IN_V2" and isinstance(
                node.value, ast.Set):
            for element in node.value.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    table.setdefault(element.value, f"`{element.value}` has been removed in V2.")
        elif isinstance(node, ast.If):
            special = _special_case(node)
            if special is not None:
                table[special[0]] = special[1]
    return {key: message for key, message in table.items() if key not in served}


def _target(node: ast.Assign) -> Optional[str]:
    if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    return None


def _special_case(node: ast.If) -> Optional[Tuple[str, str]]:
    """`if import_path == 'pydantic:BaseSettings': raise PydanticImportError('...' ...)`:
    the path and the message's first literal sentence."""
    test = node.test
    if not (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "import_path" and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq) and isinstance(test.comparators[0], ast.Constant)
            and isinstance(test.comparators[0].value, str)):
        return None
    raised = node.body[0] if node.body else None
    if not (isinstance(raised, ast.Raise) and isinstance(raised.exc, ast.Call)
            and raised.exc.args):
        return None
    first = raised.exc.args[0]
    parts = first.values if isinstance(first, ast.JoinedStr) else [first]
    text = next((p.value for p in parts if isinstance(p, ast.Constant)
                 and isinstance(p.value, str)), None)
    if text is None:
        return None
    sentence = text.strip().split(". ")[0].rstrip(".")
    return test.comparators[0].value, sentence + "."  # the rest is a versioned link
