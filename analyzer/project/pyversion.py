"""Does the target interpreter satisfy the project's `requires-python`?

Syntax verdicts and the standard library are the target interpreter's. A project that needs
3.14 (where `except A, B:` is valid, PEP 758) judged by a 3.11 interpreter gets true-for-3.11
but misleading findings, so the user is told which version judged the code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional, Tuple

Version = Tuple[int, int]
_CLAUSE = re.compile(r"^\s*(\^|~=|~|===|==|!=|>=|<=|>|<)?\s*(\d+)(?:\.(\d+|\*))?(?:\.(\d+|\*))?")


def allows(specifier: str, version: Version) -> Optional[bool]:
    """Whether some X.Y.* release satisfies a PEP 440 (or Poetry ^/~) specifier; None when
    the specifier is not understood."""
    for clause in specifier.split(","):
        clause = clause.strip()
        if not clause or clause == "*":
            continue
        match = _CLAUSE.match(clause)
        if match is None:
            return None
        op, major, minor, micro = match.group(1) or "==", int(match.group(2)), match.group(3), \
            match.group(4)
        wanted = (major, int(minor) if minor and minor != "*" else 0)
        exact_minor = micro in (None, "*", "0") if op == "<" else True
        if not _holds(op, version, wanted, minor is None or minor == "*", micro, exact_minor):
            return False
    return True


def _holds(op: str, version: Version, wanted: Version, major_only: bool,
           micro: Optional[str], exact_minor: bool) -> bool:
    if major_only and op in ("==", "!="):
        same = version[0] == wanted[0]
        return same if op == "==" else not same
    if op in (">=", ">"):
        return version > wanted if (op == ">" and micro in (None, "*")) else version >= wanted
    if op == "<":
        return version < wanted if exact_minor else version <= wanted
    if op == "<=":
        return version <= wanted
    if op in ("==", "==="):
        return version == wanted
    if op == "!=":
        return micro not in (None, "*") or version != wanted
    if op == "~=":  # ~=3.10 -> >=3.10,<4 ; ~=3.10.2 -> 3.10.*
        return version == wanted if micro not in (None, "*") else (
            version >= wanted and version[0] == wanted[0])
    if op == "^":
        return version >= wanted and version[0] == wanted[0]
    if op == "~":
        return version == wanted
    return True


def requires_python(data: dict) -> Optional[str]:
    """`[project] requires-python`, else Poetry's `python` dependency."""
    spec = data.get("project", {}).get("requires-python")
    if spec is None:
        spec = data.get("tool", {}).get("poetry", {}).get("dependencies", {}).get("python")
    return spec if isinstance(spec, str) else None


def line_of(path: Path, *needles: str) -> int:
    """The first line starting with the first needle found anywhere in the file (1 if none)."""
    try:
        lines = [text.lstrip() for text in path.read_text(encoding="utf-8").splitlines()]
    except (OSError, UnicodeDecodeError):
        return 1
    for needle in needles:
        for number, text in enumerate(lines, 1):
            if text.startswith(needle):
                return number
    return 1
