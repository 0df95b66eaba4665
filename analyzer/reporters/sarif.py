"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from routerlint import __version__
from routerlint.results import Diagnostic, Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://pypi.org/project/routerlint/"  # set to the repository once it has one


def fingerprint(d: Diagnostic) -> str:
    """rule + path + symbol (router, table, module, name): never the line, so it survives
    unrelated edits. Without a symbol the message stands in."""
    key = "\0".join((d.code, d.path, d.symbol or d.message))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _repo_prefix(root: str) -> str:
    """The project root relative to the enclosing git repository ("" when it is the repo)."""
    here = Path(root)
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            rel = here.relative_to(folder).as_posix()
            return "" if rel == "." else rel + "/"
    return ""


def _level(severity: str) -> str:
    return "error" if severity == "error" else "warning"


def _region(line: int, column=None, end_line=None, end_column=None) -> dict:
    region = {"startLine": line}
    if column:
        region["startColumn"] = column
    if end_line:
        region["endLine"] = end_line
    if end_column and end_line:
        region["endColumn"] = max(end_column, column or 1)
    return region


def to_sarif(report: Report) -> str:
    from routerlint.rules import RULES

    prefix = _repo_prefix(report.root)
    ids = list(RULES)
    rules = [{
        "id": rule.code, "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": f"{rule.explanation}\nFix: {rule.fix}"},
        "defaultConfiguration": {"level": _level(rule.severity)},
    } for rule in RULES.values()]
    results = []
    for d in report.diagnostics:
        result = {
            "ruleId": d.code, "ruleIndex": ids.index(d.code), "level": _level(d.severity),
            "message": {"text": d.message + (f"\nfix: {d.fix}" if d.fix else "")},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": prefix + d.path},
                "region": _region(d.line, d.column, d.end_line, d.end_column)}}],
            "partialFingerprints": {"routerlint/v1": fingerprint(d)},
        }
        if d.related:
            result["relatedLocations"] = [{
                "id": index, "message": {"text": r.message},
                "physicalLocation": {"artifactLocation": {"uri": prefix + r.path},
                                     "region": _region(r.line)}}
                for index, r in enumerate(d.related)]
        results.append(result)
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "routerlint", "version": __version__,
                            "informationUri": INFO_URI, "rules": rules}},
        "results": results,
    }]}
    return json.dumps(log, indent=2)
