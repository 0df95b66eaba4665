"""Each rule's own small apps (VALID and INVALID in its `rules/rlNNN_*.py`, as Fixit's rule
tests): routerlint must stay silent on every VALID one and report the rule on every INVALID
one. The import-time cases were checked against CPython by importing them."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import pytest

import routerlint.rules
from routerlint.engine import Options, analyze
from routerlint.rules import RULES

# A case's own pyproject.toml replaces this one (RL103's requires-python, RL204's dependencies).
DEFAULT_PYPROJECT = ('[project]\nname = "case"\nversion = "0"\n'
                     'dependencies = ["fastapi", "sqlalchemy"]\n')


def _cases():
    found = []
    for info in sorted(pkgutil.iter_modules(routerlint.rules.__path__), key=lambda i: i.name):
        if not info.name.startswith("rl"):
            continue
        module = importlib.import_module(f"{routerlint.rules.__name__}.{info.name}")
        rule = module.RULE
        assert RULES[rule.code] is rule
        for kind in ("valid", "invalid"):
            for number, case in enumerate(getattr(module, kind.upper(), [])):
                found.append(pytest.param(rule, case, kind, id=f"{rule.code}-{kind}-{number}"))
    return found


CASES = _cases()


def test_every_rule_has_a_valid_and_an_invalid_case():
    kinds = {(param.values[0].code, param.values[2]) for param in CASES}
    missing = [f"{code} {kind}" for code in RULES for kind in ("valid", "invalid")
               if (code, kind) not in kinds]
    assert not missing, f"rules without cases: {', '.join(missing)}"


@pytest.mark.parametrize("rule, case, kind", CASES)
def test_rule_case(tmp_path, rule, case, kind):
    for rel, text in {"pyproject.toml": DEFAULT_PYPROJECT, **case}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    report = analyze(Options(paths=[str(tmp_path)], cache=False, python=sys.executable,
                             report_unused_suppressions=True))
    codes = {diagnostic.code for diagnostic in report.diagnostics}
    shown = "\n".join(f"  {d.path}:{d.line} {d.code} {d.message}" for d in report.diagnostics)
    if kind == "invalid":
        assert rule.code in codes, f"{rule.code} not reported; found:\n{shown or '  nothing'}"
    else:
        assert rule.code not in codes, f"{rule.code} reported on a valid case:\n{shown}"
