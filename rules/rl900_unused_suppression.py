"""RL900: suppression comments that silenced nothing, judged after every other rule."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Set, Tuple

from routerlint.facts.comments import OWN_PREFIX, PATTERN, codes_of
from routerlint.project.lines import read_lines
from routerlint.results import Diagnostic
from routerlint.rules.base import Context, Rule

Suppressions = Dict[str, Dict[int, List[str]]]  # rel path -> line -> codes ([]: all)


def check(context: Context) -> List[Diagnostic]:
    enabled = context.enabled
    found = []
    for item in unused(str(context.project.root), context.suppressions, context.suppressed,
                       set(context.known_codes), enabled):
        if enabled is not None and not enabled(RULE.code, item.path):
            continue
        found.append(RULE.diagnostic(item.path, item.line, item.column, describe(item),
                                     end=(item.line, item.end_column), symbol=item.comment))
    return found


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
        texts = {n: raw.decode("utf-8", "replace").rstrip("\r\n")
                 for n, raw in read_lines(Path(root, path), lines).items()}
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


RULE = Rule(
    code="RL900",
    name="unused-suppression",
    severity="warning",
    summary="A `# noqa: RL...` or `# routerlint: ignore[...]` comment that silenced nothing.",
    explanation="""\
Reported only on request: `routerlint scan --report-unused-suppressions`, or
`report-unused-suppressions = true` in [tool.routerlint]. A suppression outlives the finding
it was written for: the duplicate table gets renamed, the missing module gets added, and the
comment stays behind, ready to hide the next real failure on that line. This rule finds them,
the way ruff's RUF100 finds unused `# noqa` directives; like RUF100 it sits in a range of its
own (RL9xx, "meta" rules about routerlint's own comments and settings) because it says
nothing about whether a router loads. Its message follows RUF100: codes that are *unused*
(nothing to silence on that line), *non-enabled* (deselected by select/ignore/
per-file-ignores, so they could not be needed) and *unknown* (no such routerlint rule).

Only routerlint's own codes are judged. In `# noqa: E501, RL001` the E501 belongs to another
linter and is left alone. A bare `# noqa` is never reported: it silences every linter on the
line, and routerlint cannot know whether flake8, ruff or pylint still needs it. A bare
`# routerlint: ignore` is addressed to routerlint alone, so it is reported when unused.
Naming RL900 in the comment itself (`# noqa: RL001, RL900`) keeps it from being reported.

Bad:
    from app.models.extra import Extra  # noqa: RL300   (the router loads now)

Good:
    from app.models.extra import Extra
""",
    fix="remove the unused codes from the comment (or the whole comment)",
    check=check,
    after_suppressions=True,
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_ROUTER = ("from fastapi import APIRouter\n\nfrom app.models import Extra{}\n\n"
           "router = APIRouter()\n")
VALID = [{
    "app/__init__.py": "", "app/models.py": "class Extra:\n    pass\n",
    "app/routers.py": _ROUTER.format(""),
}, {  # a suppression that silences a finding (RL301) is used
    "app/__init__.py": "",
    "app/main.py": ("from fastapi import FastAPI\n\nfrom app.routers import reports, users\n\n"
                    "app = FastAPI()\napp.include_router(users.router)\n"),
    "app/routers/__init__.py": "",
    "app/routers/users.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
    "app/routers/reports.py": ("from fastapi import APIRouter\n\n"
                               "router = APIRouter()  # noqa: RL301\n"),
}]
INVALID = [{  # nothing on that line is reported (the tests enable report_unused_suppressions)
    "app/__init__.py": "", "app/models.py": "class Extra:\n    pass\n",
    "app/routers.py": _ROUTER.format("  # noqa: RL001"),
}]
