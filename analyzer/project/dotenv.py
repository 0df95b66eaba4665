"""The `.env` file an app loads at start-up (python-dotenv's `load_dotenv()`), read as data.

python-dotenv fills `os.environ` from it without overriding variables already set, so its
values stand in for the deploy environment only where routerlint was given nothing else
(`--env` and `[tool.routerlint] env` win). The common subset of its syntax is read: `NAME=value`,
`export NAME=value`, single or double quotes, `#` comments; lines it cannot read are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def read_dotenv(path: Path) -> Dict[str, str]:
    """NAME -> value of a `.env` file; {} when it is absent or unreadable."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    found: Dict[str, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        name, value = match.groups()
        if value[:1] in ("'", '"'):
            end = value.find(value[0], 1)
            value = value[1:end] if end > 0 else value[1:]
        else:
            value = value.split(" #", 1)[0].strip()
        found[name] = value
    return found
