"""Suppression comments as written: `# noqa: RL001`, `# routerlint: ignore[RL001]`, or a bare
`# noqa`. The scanner records them per line; suppress.py applies them to findings."""

from __future__ import annotations

import re
from typing import List

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
