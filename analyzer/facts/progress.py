"""One updating line on stderr while a cold scan parses cache misses: `parsing 120/506 files`.

Shown only when the CLI asks (text format, not --quiet, stderr a terminal) and only once the
parsing has taken longer than a threshold (about a second; `ROUTERLINT_PROGRESS_AFTER`
seconds overrides it, so tests can force it without timing anything). Cleared at the end.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Optional, TextIO

DEFAULT_AFTER = 1.0


def threshold() -> float:
    try:
        return float(os.environ.get("ROUTERLINT_PROGRESS_AFTER", DEFAULT_AFTER))
    except ValueError:
        return DEFAULT_AFTER


class Progress:
    def __init__(self, total: int, enabled: bool, stream: Optional[TextIO] = None,
                 after: Optional[float] = None) -> None:
        self.total, self.enabled = total, enabled and total > 0
        self.stream = stream or sys.stderr
        self.after = threshold() if after is None else after
        self.started = time.monotonic()
        self.width = 0  # length of the line on screen, to clear it

    def update(self, done: int) -> None:
        if not self.enabled or time.monotonic() - self.started < self.after:
            return
        text = f"routerlint: parsing {done}/{self.total} files"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
