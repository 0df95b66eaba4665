"""`target_metadata` of an Alembic `env.py`, read with `ast` (env.py is never run: it
connects to a database). Says which MetaData Alembic compares the database with, as
(module, attribute path) pairs the simulation can resolve."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import List, Optional, Tuple

from routerlint.facts.revisions import assignment


@dataclass
class EnvTarget:
    """`target_metadata = ...` of an env.py: each MetaData as (module, attribute path), e.g.
    ("app.models", ["Base", "metadata"]) for `from app.models import Base` +
    `Base.metadata`; `refs` None when some part is not such a name."""
    line: int
    refs: Optional[List[Tuple[str, List[str]]]]


def read_env_target(source: bytes) -> Optional[EnvTarget]:
    """The top-level `target_metadata` assignment of env.py, or None without one."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    bound: dict = {}  # local name -> (module, [attribute path])
    target = None
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
            for alias in stmt.names:
                bound[alias.asname or alias.name] = (stmt.module, [alias.name])
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    bound[alias.asname] = (alias.name, [])
                else:
                    bound[alias.name.split(".")[0]] = (alias.name.split(".")[0], [])
        elif assignment(stmt)[0] == "target_metadata":
            target = stmt
    if target is None:
        return None
    value = target.value
    items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
    refs: Optional[List[Tuple[str, List[str]]]] = []
    for item in items:
        path: List[str] = []
        while isinstance(item, ast.Attribute):
            path.insert(0, item.attr)
            item = item.value
        if not isinstance(item, ast.Name) or item.id not in bound:
            refs = None
            break
        module, names = bound[item.id]
        refs.append((module, names + path))
    return EnvTarget(target.lineno, refs)
