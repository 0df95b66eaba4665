"""Adopting on a legacy app: `--write-baseline FILE` records today's findings, `--baseline FILE`
reports only new ones. Entries are rule + path + symbol, never line numbers, so unrelated
edits that move code keep a recorded finding recorded."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import List, Tuple

from routerlint.errors import UsageError
from routerlint.results import Diagnostic

VERSION = 1


def key(d: Diagnostic) -> Tuple[str, str, str]:
    return (d.code, d.path, d.symbol or d.message)


def write(path: str, diagnostics: List[Diagnostic]) -> None:
    entries = [{"code": c, "path": p, "symbol": s} for c, p, s in sorted(map(key, diagnostics))]
    try:
        Path(path).write_text(json.dumps({"version": VERSION, "findings": entries}, indent=2)
                              + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--write-baseline {path}: cannot write: {exc.strerror}") from None


def read(path: str) -> Counter:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        entries = data["findings"]
        return Counter((e["code"], e["path"], e["symbol"]) for e in entries)
    except OSError as exc:
        raise UsageError(f"--baseline {path}: cannot read: {exc.strerror}; create it with "
                         "--write-baseline") from None
    except (ValueError, KeyError, TypeError):
        raise UsageError(f"--baseline {path}: not a routerlint baseline; recreate it with "
                         "--write-baseline") from None


def apply(diagnostics: List[Diagnostic], recorded: Counter) -> Tuple[List[Diagnostic], int]:
    """(new findings, how many were recorded). Each entry matches as many findings as it
    was recorded for, so a second copy of a recorded finding is still new."""
    left = Counter(recorded)
    new: List[Diagnostic] = []
    for d in diagnostics:
        if left[key(d)] > 0:
            left[key(d)] -= 1
        else:
            new.append(d)
    return new, len(diagnostics) - len(new)
