"""The rule registry is the one list of rules: the README's table and `routerlint rules`
say what it says."""

from __future__ import annotations

import re
from pathlib import Path

from routerlint.rules import RULES

README = Path(__file__).resolve().parents[1] / "README.md"
ROW = re.compile(r"^\| (RL\d{3}) \| ([a-z0-9-]+) \| (.*) \|$")


def test_readme_table_lists_every_rule_with_its_name_and_severity():
    rows = {m.group(1): (m.group(2), m.group(3))
            for m in map(ROW.match, README.read_text(encoding="utf-8").splitlines()) if m}
    assert sorted(rows) == sorted(RULES), "README rule table and the registry differ"
    for code, (name, text) in rows.items():
        rule = RULES[code]
        assert name == rule.name, f"{code}: README says {name}, the rule {rule.name}"
        assert text.startswith("(warning") == (rule.severity == "warning"), (
            f"{code}: the README's '(warning' marker disagrees with severity {rule.severity}")


def test_each_rule_file_defines_exactly_its_rule():
    import importlib
    import pkgutil

    import routerlint.rules as package

    files = [m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("rl")]
    codes = {importlib.import_module(f"routerlint.rules.{name}").RULE.code: name
             for name in files}
    assert sorted(codes) == sorted(RULES)
    for code, name in codes.items():
        assert name.startswith(code.lower() + "_"), f"{name} holds {code}"
