"""Alembic executes every revision file of a script folder when it loads the folder, before
any command runs (ScriptDirectory reads each file's identifiers that way). So a revision
CPython refuses, or one whose top-level import fails (a model module since deleted, a name
renamed, a package not installed), stops `alembic heads` and `alembic upgrade head` alike.

Revision files are no app modules (phases.py keeps them out of the scan), so they are judged
here: their syntax by CPython's verdict (facts/revisions.py), their imports by the same
simulation the routers get. Each distinct import statement is tried once; a failure is
reported at the first revision Alembic loads with it, the others named as related.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional, Tuple

from routerlint.facts.model import Import
from routerlint.facts.revisions import Revision
from routerlint.results import Diagnostic, Related
from routerlint.rules import RULES
from routerlint.runtime.simulate import Module, Raised

Unit = Callable[..., Tuple[Any, Any]]  # phases.py `unit(key, work)`: (simulation, result)
Judge = Callable[[List[str]], Optional[List[Any]]]  # rel paths -> None / SyntaxIssue / "unknown"
_SHOWN = 5  # other revisions named per failing import


def folder_loads(revisions: List[Revision]) -> dict:
    """What loading the folder runs, from its revisions in Alembic's order (cached with the
    folder's judgement): the syntax issues, and each distinct absolute import statement
    with every place that makes it. Relative imports are left out (a revision has no
    package: Alembic loads it by path)."""
    imports: Dict[tuple, list] = {}
    for revision in revisions:
        for line, col, module, level, names, _ in revision.imports:
            if level:
                continue
            key = (module, None if names is None else tuple(n for n, _ in names))
            entry = imports.setdefault(key, [module, names, []])
            entry[2].append([revision.path, line, col])
    return {"syntax": [[r.path] + r.syntax for r in revisions if r.syntax],
            "imports": list(imports.values())}


def _as_target_judges(issues: List[list], rejudge: Optional[Judge]) -> List[list]:
    """The syntax issues as the target Python sees them: a file it accepts has none (it is
    then only unread), one it refuses gets its verdict; where it cannot tell, this one's."""
    if rejudge is None or not issues:
        return issues
    verdicts = rejudge([issue[0] for issue in issues])
    if verdicts is None:
        return issues
    kept = []
    for issue, verdict in zip(issues, verdicts):
        if verdict == "unknown":
            kept.append(issue)
        elif verdict is not None:
            kept.append([issue[0], verdict.code, verdict.line, verdict.col, verdict.message])
    return kept


def load_findings(folder: str, loaded: dict, unit: Optional[Unit],
                  rejudge: Optional[Judge] = None) -> List[Diagnostic]:
    """Findings for one script folder (`folder`: its path for the message): each syntax
    issue, and, with `unit`, each import that fails in the revision itself (a failure inside
    the module it imports is that module's own finding, reported where it is). `rejudge`:
    the target Python's verdicts on the given revision paths when it is not the one running
    routerlint (facts/syntax.py target_verdicts), asked only about the files this one refused."""
    why = (f"Alembic runs every revision file in {folder}/ as it loads the script folder, "
           "so `alembic heads` and `alembic upgrade head` fail on this one")
    found = [RULES[code].diagnostic(path, line, col, f"{message}; {why}", symbol=path)
             for path, code, line, col, message in _as_target_judges(loaded["syntax"], rejudge)]
    if unit is None or not loaded["imports"]:
        return found
    def work(sim) -> List[Tuple[Any, list]]:
        failures = []
        for module, names, places in loaded["imports"]:
            path, line, col = places[0]
            loader = Module(path, path, None, False)  # the revision, loaded by path
            event = Import(line, col, module, 0,
                           None if names is None else [tuple(n) for n in names])
            try:
                sim.run(loader, [event])
            except Raised as raised:
                if raised.failure.path == path:
                    failures.append((raised.failure, places))
        return failures

    key = ("alembic", folder, json.dumps(loaded["imports"]))  # places too: they are reported
    for failure, places in unit(key, work)[1]:
        others = [Related(p, ln, "another revision with this import") for p, ln, _ in
                  places[1:_SHOWN + 1]]
        more = len(places) - 1 - len(others)
        found.append(RULES[failure.code].diagnostic(
            failure.path, failure.line, failure.col + 1,
            f"{failure.message}; {why}" + (f" ({more} more revisions import it too)"
                                           if more > 0 else ""),
            related=[Related(p, ln, m) for p, ln, m in failure.related] + others,
            symbol=failure.symbol))
    return found
