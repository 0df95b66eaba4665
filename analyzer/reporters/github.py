"""`--format github`: workflow commands GitHub turns into pull-request annotations, most
important first (GitHub shows only about 10 errors and 10 warnings per step), and the full
table in `$GITHUB_STEP_SUMMARY` when it is set."""

from __future__ import annotations

import os
from typing import List

from routerlint.results import Diagnostic, Report


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def ordered(diagnostics: List[Diagnostic]) -> List[Diagnostic]:
    """Errors before warnings; root causes before the RL300s they explain."""
    return sorted(diagnostics, key=lambda d: (d.severity != "error", d.code == "RL300",
                                              d.sort_key))


def command(d: Diagnostic) -> str:
    level = "error" if d.severity == "error" else "warning"
    props = [("file", d.path), ("line", str(d.line)), ("col", str(d.column))]
    if d.end_line is not None:
        props.append(("endLine", str(d.end_line)))
    if d.end_column is not None:
        props.append(("endColumn", str(d.end_column)))
    props.append(("title", f"{d.code} {d.name}"))
    message = d.message + (f"\nfix: {d.fix}" if d.fix else "")
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{level} {joined}::{escape_data(message)}"


def to_github(report: Report) -> str:
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(markdown(report))
        except OSError:
            pass  # the summary is a courtesy; the annotations still go out
    return "\n".join(command(d) for d in ordered(report.diagnostics))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(report: Report) -> str:
    failing = len(report.failing)
    out = ["## routerlint", "",
           f"Routers: {len(report.routers)} found, {len(report.routers) - failing} load, "
           f"{failing} fail. Diagnostics: {report.count('error')} errors, "
           f"{report.count('warning')} warnings.", ""]
    if report.diagnostics:
        out += ["| code | severity | location | message |", "|---|---|---|---|"]
        out += [f"| {d.code} {d.name} | {d.severity} | `{d.path}:{d.line}` | {_cell(d.message)} |"
                for d in ordered(report.diagnostics)]
        out.append("")
    if report.routers:
        out += ["| router | outcome | cause |", "|---|---|---|"]
        for r in report.routers:
            cause = "" if r.cause is None else _cell(
                f"{r.cause.code} {r.cause.message} ({r.cause.path}:{r.cause.line})")
            out.append(f"| `{r.module}` | {'loads' if r.loads else 'fails'} | {cause} |")
        out.append("")
    return "\n".join(out) + "\n"
