"""Inline suppression: `# noqa: RL001`, `# routerlint: ignore[RL001]`, or a bare `# noqa`
(which, as in ruff, silences every code on that line). The comments are read by the scanner
(facts/comments.py); RL900 judges the ones that silenced nothing (rules/)."""

from __future__ import annotations

from typing import Dict, List, Mapping, Tuple

from routerlint.results import Diagnostic

Suppressions = Mapping[str, Mapping[int, List[str]]]  # rel path -> line -> codes ([]: all)


def is_suppressed(diagnostic: Diagnostic, suppressions: Suppressions) -> bool:
    codes = suppressions.get(diagnostic.path, {}).get(diagnostic.line)
    if codes is None:
        return False
    return not codes or diagnostic.code in codes


def apply(diagnostics: List[Diagnostic],
          suppressions: Suppressions) -> Tuple[List[Diagnostic], List[Diagnostic]]:
    """(kept, suppressed)."""
    kept: List[Diagnostic] = []
    dropped: List[Diagnostic] = []
    for diagnostic in diagnostics:
        (dropped if is_suppressed(diagnostic, suppressions) else kept).append(diagnostic)
    return kept, dropped


def collect(modules) -> Dict[str, Dict[int, List[str]]]:
    """rel path -> suppressions, from the engine's {module: (SourceFile, ModuleFacts)}."""
    return {source.rel: facts.suppressions for source, facts in modules.values()
            if facts.suppressions}
