"""Inline suppression: `# noqa: RL001`, `# routerlint: ignore[RL001]`, or a bare `# noqa`
(which, as in ruff, silences every code on that line) — and, on request
(`--report-unused-suppressions`), RL900 for suppression comments that silenced nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Set, Tuple

from routerlint.facts.comments import OWN_PREFIX, PATTERN, codes_of
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


@dataclass
class Unused:
    path: str
    line: int
    column: int  # 1-based, where the comment starts
    end_column: int
    comment: str  # the comment as written, e.g. "# noqa: RL001, RL300"
    unused: List[str]  # known, enabled codes that silenced nothing ("" for a bare ignore)
    non_enabled: List[str]  # known codes that are not selected for this file
    unknown: List[str]  # RL codes routerlint does not have


def unused(root: str, suppressions: Suppressions, dropped: List[Diagnostic],
           known: Set[str], enabled: Optional[Callable[[str, str], bool]]) -> List[Unused]:
    """Suppression comments naming routerlint codes that silenced nothing, as ruff's RUF100.

    Only routerlint's own codes (RL...) are judged: `# noqa: E501, RL001` is a comment shared
    with other linters, and only its RL001 part is ours to call unused. A bare `# noqa` is never
    reported: it silences every linter's findings on the line (flake8, ruff, pylint's noqa
    support...), and routerlint cannot know that no other tool needed it. A bare
    `# routerlint: ignore` is addressed to routerlint alone, so it is reported when it silenced
    nothing. A comment that also names RL900 is never reported (it silences its own report).
    """
    used: Dict[Tuple[str, int], Set[str]] = {}
    for diagnostic in dropped:
        used.setdefault((diagnostic.path, diagnostic.line), set()).add(diagnostic.code)
    found: List[Unused] = []
    for path, lines in sorted(suppressions.items()):
        texts = _lines(Path(root, path), set(lines))
        for number in sorted(lines):
            if "RL900" in lines[number]:
                continue
            line_used = used.get((path, number), set())
            for match in PATTERN.finditer(texts.get(number, "")):
                codes = codes_of(match)
                bare_ignore = match.group(0).lower().lstrip("#").strip().startswith(
                    "routerlint") and not codes
                if not codes and not bare_ignore:
                    continue  # a bare `# noqa`: maybe another linter's
                if bare_ignore:
                    if line_used:
                        continue
                    report = Unused(path, number, match.start() + 1, match.end() + 1,
                                    match.group(0), [""], [], [])
                    found.append(report)
                    continue
                ours = [c for c in codes if c.startswith(OWN_PREFIX)]
                report = Unused(path, number, match.start() + 1, match.end() + 1,
                                match.group(0), [], [], [])
                for code in ours:
                    if code in line_used:
                        continue
                    if code not in known:
                        report.unknown.append(code)
                    elif enabled is not None and not enabled(code, path):
                        report.non_enabled.append(code)
                    else:
                        report.unused.append(code)
                if report.unused or report.non_enabled or report.unknown:
                    found.append(report)
    return found


def describe(item: Unused) -> str:
    """The RL900 message, worded as ruff's RUF100."""
    if item.unused == [""]:
        return f"unused suppression `{item.comment}`: it silenced nothing on this line"
    parts = [f"{what}: {', '.join(codes)}" for what, codes in (
        ("unused", item.unused), ("non-enabled", item.non_enabled),
        ("unknown", item.unknown)) if codes]
    return f"unused suppression `{item.comment}` ({'; '.join(parts)})"


def _lines(path: Path, wanted: Set[int]) -> Dict[int, str]:
    found: Dict[int, str] = {}
    try:
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, 1):
                if number in wanted:
                    found[number] = raw.decode("utf-8", "replace").rstrip("\r\n")
                    if len(found) == len(wanted):
                        break
    except OSError:
        pass
    return found
