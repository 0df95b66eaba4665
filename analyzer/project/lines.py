"""The one reader of a project file's source lines, for a finding's end column and for the
comments RL900 re-reads: read on demand, only the lines asked for, as bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple


def read_lines(path: Path, wanted: Iterable[int]) -> Dict[int, bytes]:
    """{line number: its bytes, end of line included} for the `wanted` lines that exist;
    nothing when the file cannot be read."""
    wanted = set(wanted)
    found: Dict[int, bytes] = {}
    try:
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, 1):
                if number in wanted:
                    found[number] = raw
                    if len(found) == len(wanted):
                        break
    except OSError:
        pass
    return found


def source_line(root: Path, rel: str, line: int) -> Optional[bytes]:
    """One line of a project file (None when unreadable or too short)."""
    return read_lines(Path(root, rel), (line,)).get(line)


def end_column(text: Optional[bytes]) -> Optional[int]:
    """1-based column just past the end of a line's text."""
    return None if text is None else len(text.rstrip(b"\r\n").decode("utf-8", "replace")) + 1


def line_end(root: Path, rel: str, line: int) -> Tuple[int, Optional[int]]:
    """(line, the column just past its text), for a finding's range."""
    return line, end_column(source_line(root, rel, line))
