"""Suppression comments as written: `# noqa: RL001`, `# routerlint: ignore[RL001]`, or a bare
`# noqa`. The scanner records them per line; suppress.py applies them to findings."""

from __future__ import annotations

import re
from typing import Dict, List

# One pattern for the scanner (which records line -> codes) and for RL900 (which re-reads the
# line to tell a bare `# noqa` from a bare `# routerlint: ignore` and to find the column).
PATTERN = re.compile(
    r"#\s*(?:noqa(?::\s*(?P<noqa>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?"
    r"|routerlint:\s*ignore(?:\[(?P<ignore>[^\]]*)\])?)",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Za-z]+[0-9]+")
OWN_PREFIX = "RL"


def codes_of(match: "re.Match[str]") -> List[str]:
    return _CODE.findall((match.group("noqa") or match.group("ignore") or "").upper())


def suppressions(source: bytes) -> Dict[int, List[str]]:
    """line -> codes of the suppression comments in a file ([] for a bare one): read by the
    scanner for modules and by the revision reader for Alembic revision files."""
    if b"noqa" not in source and b"routerlint:" not in source:
        return {}
    found: Dict[int, List[str]] = {}
    for number, line in enumerate(source.decode("utf-8", "replace").splitlines(), 1):
        if "#" in line:
            for match in PATTERN.finditer(line):
                found.setdefault(number, []).extend(codes_of(match))
    return found
