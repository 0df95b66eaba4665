"""The rule registry: every rule, one per file, by code. Codes are stable once released."""

from __future__ import annotations

from typing import Dict

from routerlint.rules import (
    rl001_duplicate_table,
    rl100_syntax_error,
    rl101_non_default_after_default,
    rl102_compile_error,
    rl103_python_version_mismatch,
    rl200_missing_module,
    rl201_missing_package,
    rl202_missing_name,
    rl203_circular_import,
    rl204_undeclared_dependency,
    rl300_router_fails,
    rl301_router_not_included,
    rl302_app_fails,
    rl900_unused_suppression,
    rl901_unanalysed_file,
)
from routerlint.rules.base import Rule

_MODULES = (
    rl001_duplicate_table, rl100_syntax_error, rl101_non_default_after_default,
    rl102_compile_error, rl103_python_version_mismatch, rl200_missing_module,
    rl201_missing_package, rl202_missing_name, rl203_circular_import,
    rl204_undeclared_dependency, rl300_router_fails, rl301_router_not_included,
    rl302_app_fails, rl900_unused_suppression, rl901_unanalysed_file,
)
RULES: Dict[str, Rule] = {module.RULE.code: module.RULE for module in _MODULES}

__all__ = ["RULES", "Rule"]
