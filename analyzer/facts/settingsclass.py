"""pydantic-settings classes, read as data: which environment variable fills each field.

`class Settings(BaseSettings): FEATURE_X: bool = False` with `settings = Settings()` makes
`if settings.FEATURE_X:` a test on the environment variable FEATURE_X (with the class's
`env_prefix`, case-insensitive unless `case_sensitive=True`), parsed as pydantic parses it,
the literal default when unset. The simulation evaluates it (facts/envtree.py); only literal
defaults and plain `bool`/`int`/`str` fields are read, anything else leaves it undecided.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import libcst as cst

from routerlint.facts.cstnames import dotted, literal

_TYPES = frozenset({"bool", "int", "str", "Optional[str]", "Optional[bool]", "Optional[int]",
                    "str | None", "bool | None", "int | None"})
_CONFIG_KEYS = ("env_prefix", "case_sensitive", "env_file")


def settings_of(node: cst.ClassDef, body: Sequence[cst.BaseStatement]) -> Optional[Dict[str, Any]]:
    """The settings a BaseSettings subclass declares; None for any other class."""
    if not any((dotted(b.value) or "").rpartition(".")[2] == "BaseSettings" for b in node.bases):
        return None
    found: Dict[str, Any] = {"fields": {}, "prefix": "", "case": False, "env_file": None}
    code = cst.Module([]).code_for_node
    for stmt in body:
        if type(stmt) is cst.ClassDef and stmt.name.value == "Config":  # pydantic v1 style
            inner = stmt.body.body if type(stmt.body) is cst.IndentedBlock else []
            for line in inner:
                for small in getattr(line, "body", ()):
                    if type(small) is cst.Assign and len(small.targets) == 1:
                        _config(found, dotted(small.targets[0].target), small.value)
            continue
        for small in getattr(stmt, "body", ()) if type(stmt) is cst.SimpleStatementLine else ():
            if type(small) is cst.Assign and len(small.targets) == 1 and \
                    dotted(small.targets[0].target) == "model_config" and \
                    type(small.value) is cst.Call:
                for arg in small.value.args:
                    if arg.keyword is not None:
                        _config(found, arg.keyword.value, arg.value)
            elif type(small) is cst.AnnAssign and type(small.target) is cst.Name:
                kind = code(small.annotation.annotation).replace("typing.", "")
                default = _literal(small.value) if small.value is not None else "?"
                found["fields"][small.target.value] = [kind if kind in _TYPES else "?", default]
    return found


def _config(found: Dict[str, Any], key: Optional[str], value: cst.BaseExpression) -> None:
    if key not in _CONFIG_KEYS:
        return
    literal = _literal(value)
    if key == "env_prefix":
        found["prefix"] = literal if isinstance(literal, str) else None
    elif key == "case_sensitive":
        found["case"] = literal if isinstance(literal, bool) else None
    else:
        found["env_file"] = literal if isinstance(literal, str) else "?"


def _literal(node: cst.BaseExpression) -> Any:
    """A str/int/bool/None literal, else "?"; a settings default that is a Field(...) or an
    expression is not read."""
    value = literal(node)
    return value if value is None or isinstance(value, (str, int)) else "?"
