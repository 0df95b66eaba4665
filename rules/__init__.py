"""The rule registry: every `rlNNN_*.py` file in this package holds one rule, found here by
its file name; adding a rule is adding its file. Codes are stable once released."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Dict

from routerlint.rules.base import Rule

RULES: Dict[str, Rule] = {}
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
    if _info.name.startswith("rl"):
        _rule = importlib.import_module(f"{__name__}.{_info.name}").RULE
        RULES[_rule.code] = _rule

__all__ = ["RULES", "Rule"]
