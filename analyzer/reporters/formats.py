"""Output formats over the one Report model: text for people, JSON as a versioned contract."""

from __future__ import annotations

import json
from typing import Callable, Dict

from routerlint.results import Diagnostic, Report

JSON_VERSION = 1


def _diagnostic_json(d: Diagnostic) -> dict:
    data = {
        "code": d.code, "name": d.name, "severity": d.severity, "path": d.path,
        "line": d.line, "column": d.column, "end_line": d.end_line,
        "end_column": d.end_column, "message": d.message, "fix": d.fix,
        "related": [{"path": r.path, "line": r.line, "message": r.message} for r in d.related],
    }
    if d.chain:
        data["chain"] = d.chain
    if not d.reached:
        data["reached"] = False
    return data


def to_json(report: Report) -> str:
    data = {
        "version": JSON_VERSION,
        "diagnostics": [_diagnostic_json(d) for d in report.diagnostics],
        "routers": [
            {
                "module": r.module, "path": r.path, "loads": r.loads,
                "order_dependent": r.order_dependent,
                "order_dependent_on": r.order_dependent_on, "alone": r.alone,
                "cause": None if r.cause is None else {
                    "code": r.cause.code, "path": r.cause.path, "line": r.cause.line,
                    "message": r.cause.message},
                "chain": r.chain,
            }
            for r in report.routers
        ],
        "app": None if report.entry is None else {
            "module": report.entry, "starts": report.entry_fails is None,
            "cause": None if report.entry_fails is None else {
                "code": report.entry_fails.code, "path": report.entry_fails.path,
                "line": report.entry_fails.line, "message": report.entry_fails.message},
        },
        "summary": {
            "files": report.files, "lines": report.lines, "routers": len(report.routers),
            "failing": len(report.failing), "errors": report.count("error"),
            "warnings": report.count("warning"), "seconds": round(report.seconds, 3),
            "python": report.python, "python_reason": report.python_reason,
            "suppressed": report.suppressed, "baselined": report.baselined,
        },
    }
    if report.migrations is not None:  # only apps with Alembic folders: others byte-identical
        data["migrations"] = report.migrations
    return json.dumps(data, indent=2)


def to_text(report: Report) -> str:
    out = []
    shown = {d.symbol for d in report.diagnostics if d.code == "RL300"}
    # Routers whose root cause is in their own file have no RL300 line: say it under the cause.
    own = {}
    for router in report.failing:
        if router.module not in shown and router.cause is not None:
            key = (router.cause.code, router.cause.path, router.cause.line)
            own.setdefault(key, []).append(router.module)
    for d in report.diagnostics:
        out.append(f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}")
        for module in own.get((d.code, d.path, d.line), ()):
            out.append(f"    router '{module}' fails to load because of this")
        for hop in _chain(d):
            out.append(f"    {hop}")
        if not d.chain:  # a chain already ends at the root cause
            for related in d.related:
                out.append(f"    {related.path}:{related.line}: {related.message}")
        out.append(f"    fix: {d.fix}")
    if report.entry_fails is not None and not any(d.code == "RL302" for d in report.diagnostics):
        cause = report.entry_fails
        out.append(f"app '{report.entry}' does not start: {cause.path}:{cause.line}: "
                   f"{cause.code} {cause.message}")
    loading = len(report.routers) - len(report.failing)
    out.append(
        f"Routers: {len(report.routers)} found, {loading} load, {len(report.failing)} fail.  "
        f"Diagnostics: {_plural(report.count('error'), 'error')}, "
        f"{_plural(report.count('warning'), 'warning')}.  "
        f"({report.files:,} files, {report.seconds:.2f} s)"
        + _silenced(report)
    )
    return "\n".join(out)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _silenced(report: Report) -> str:
    parts = [f"{n} {what}" for n, what in ((report.suppressed, "suppressed"),
                                          (report.baselined, "in baseline")) if n]
    return f"  ({', '.join(parts)})" if parts else ""


def _chain(d: Diagnostic):
    if not d.chain:
        return []
    cause = d.related[0] if d.related else None
    tail = f" {cause.message.replace('root cause: ', '')}" if cause else ""
    return [" -> ".join(d.chain) + tail]


def to_statistics(report: Report, as_json: bool = False) -> str:
    """`--statistics`: how many findings per code, most frequent first."""
    counts: Dict[str, list] = {}
    for d in report.diagnostics:
        counts.setdefault(d.code, [0, d.name])[0] += 1
    rows = sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
    if as_json:
        return json.dumps([{"code": code, "name": name, "count": n}
                           for code, (n, name) in rows], indent=2)
    return "\n".join(f"{n:>5}  {code}  {name}" for code, (n, name) in rows)


def summary_line(report: Report) -> str:
    return to_text(report).splitlines()[-1]


def _github(report: Report) -> str:
    from routerlint.reporters.github import to_github
    return to_github(report)


def _sarif(report: Report) -> str:
    from routerlint.reporters.sarif import to_sarif
    return to_sarif(report)


FORMATS: Dict[str, Callable[[Report], str]] = {
    "text": to_text, "json": to_json, "github": _github, "sarif": _sarif}
