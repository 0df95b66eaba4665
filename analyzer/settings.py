"""`[tool.routerlint]` in pyproject.toml (or `--config FILE`), checked key by key; command-line
flags override the file. Rule selection follows ruff: codes or prefixes, the most specific
selector wins, and `ignore` wins a tie."""

from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from routerlint.errors import UsageError
from routerlint.project.discover import DEFAULT_EXCLUDES, find_root

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LISTS = ("select", "ignore", "extend-select", "exclude", "extend-exclude", "src")
STRINGS = ("python", "target-version", "app")
BOOLS = ("report-unused-suppressions",)
INTS = ("max-file-kb",)
KEYS = LISTS + STRINGS + BOOLS + INTS + ("per-file-ignores", "env")
_EXAMPLES = {"select": '["RL001", "RL2"]', "ignore": '["RL301"]', "extend-select": '["RL900"]',
             "exclude": '["migrations", "*_test.py"]', "extend-exclude": '["scripts"]',
             "src": '["src", "backend"]'}
_TARGET = re.compile(r"^py3(9|1[0-4])$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Settings:
    source: Optional[str] = None  # the file the settings came from
    select: List[str] = field(default_factory=lambda: ["RL"])
    ignore: List[str] = field(default_factory=list)
    extend_select: List[str] = field(default_factory=list)
    per_file_ignores: Dict[str, List[str]] = field(default_factory=dict)
    exclude: List[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDES))
    extend_exclude: List[str] = field(default_factory=list)
    src: List[str] = field(default_factory=list)
    python: Optional[str] = None
    target_version: Optional[str] = None
    app: Optional[str] = None
    report_unused_suppressions: bool = False
    max_file_kb: Optional[int] = None  # files larger skip LibCST (default 512)
    # Environment variables the server starts with, for `if os.getenv(...)` at import time.
    env: Dict[str, str] = field(default_factory=dict)

    def enabled(self, code: str, path: str) -> bool:
        ignore = list(self.ignore)
        for pattern, codes in self.per_file_ignores.items():
            if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path.rpartition("/")[2], pattern):
                ignore.extend(codes)
        chosen = _specificity(code, self.select + self.extend_select)
        return chosen > _specificity(code, ignore)

    @property
    def target(self) -> Optional[Tuple[int, int]]:
        return None if self.target_version is None else (3, int(self.target_version[3:]))

    def show(self) -> str:
        def fmt(value):
            if isinstance(value, dict):
                inner = ", ".join(f'"{k}" = {fmt(v)}' for k, v in value.items())
                return "{" + inner + "}"
            if isinstance(value, list):
                return "[" + ", ".join(f'"{v}"' for v in value) + "]"
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, int):
                return str(value)
            return '"' + str(value) + '"'

        lines = [f"# settings from {self.source or 'defaults (no [tool.routerlint] found)'}",
                 "[tool.routerlint]"]
        for key in KEYS:
            value = getattr(self, key.replace("-", "_"))
            lines.append(f"{key} = {fmt(value)}" if value is not None else f"# {key} unset")
        return "\n".join(lines)


def _specificity(code: str, selectors: List[str]) -> int:
    """Length of the longest selector matching `code` (0: none)."""
    best = 0
    for selector in selectors:
        if selector == "ALL":
            best = max(best, 1)
        elif code.startswith(selector):
            best = max(best, len(selector) + 1)
    return best


def find_config(paths) -> Optional[Path]:
    """The project's pyproject.toml if it has [tool.routerlint]."""
    start = Path(paths[0] if paths else ".").resolve()
    candidate = find_root(start) / "pyproject.toml"
    if candidate.is_file() and _tool_table(_read(candidate), candidate) is not None:
        return candidate
    return None


def _tool_table(data: dict, path: Path) -> Optional[dict]:
    """`[tool.routerlint]` of a parsed pyproject.toml, None when absent; a clear error when
    `tool` or `tool.routerlint` is not a table (`[tool]` with `routerlint = 3`)."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise UsageError(f"{path}: 'tool' must be a table ([tool.routerlint] ...), "
                         f"not {type(tool).__name__}")
    table = tool.get("routerlint")
    if table is not None and not isinstance(table, dict):
        raise UsageError(f"{path}: 'tool.routerlint' must be a table: write the settings under "
                         f"a [tool.routerlint] header, not 'routerlint = {table!r}' under [tool]")
    return table


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the configuration: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None


def load(path: Optional[Path], explicit: bool = False) -> Settings:
    """Settings from `path` ([tool.routerlint] of a pyproject.toml, or the top level of any
    other TOML file given with --config)."""
    settings = Settings()
    if path is None:
        return settings
    data = _read(path)
    if path.name == "pyproject.toml" or "tool" in data:
        table = _tool_table(data, path)
        if table is None:
            if explicit:
                raise UsageError(f"{path}: no [tool.routerlint] table; add one or pass "
                                 "another --config file")
            return settings
        where = f"{path}: [tool.routerlint]"
    else:
        table, where = data, str(path)
    settings.source = str(path)
    for key, value in table.items():
        _set(settings, key, value, where, path.parent)
    return settings


def _set(settings: Settings, key: str, value, where: str, base: Path) -> None:
    if key not in KEYS:
        raise UsageError(f"{where}: unknown key '{key}'; known keys: {', '.join(KEYS)}")
    if key in LISTS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f"{where}: '{key}' must be a list of strings, e.g. "
                             f"{key} = {_EXAMPLES.get(key, '[...]')}")
        if key in ("select", "ignore", "extend-select"):
            check_codes(value, f"{where}: '{key}'")
    elif key in STRINGS:
        if not isinstance(value, str):
            raise UsageError(f"{where}: '{key}' must be a string")
        if key == "target-version":
            check_target(value, f"{where}: 'target-version'")
        if key == "python" and "/" in value and not Path(value).is_absolute():
            value = str((base / value))
    elif key in BOOLS:
        if not isinstance(value, bool):
            raise UsageError(f"{where}: '{key}' must be true or false, e.g. {key} = true")
    elif key in INTS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UsageError(f"{where}: '{key}' must be a whole number of kilobytes, at least "
                             f"1, e.g. {key} = 1024")
    elif key == "env":
        if not isinstance(value, dict) or not all(
                isinstance(k, str) and _ENV_NAME.match(k) and isinstance(v, str)
                for k, v in value.items()):
            raise UsageError(f"{where}: 'env' must map variable names to strings, e.g. "
                             'env = { FEATURE_CSV = "1" }')
    else:  # per-file-ignores
        if not isinstance(value, dict) or not all(
                isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value.values()):
            raise UsageError(f"{where}: 'per-file-ignores' must map globs to lists of codes, "
                             'e.g. "app/legacy/*" = ["RL001"]')
        for glob, codes in value.items():
            check_codes(codes, f"{where}: per-file-ignores '{glob}'")
    setattr(settings, key.replace("-", "_"), value)


def parse_env(items, where: str = "--env") -> Dict[str, str]:
    """`--env KEY=VALUE` pairs (an empty VALUE sets the variable to "")."""
    found: Dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not _ENV_NAME.match(name):
            raise UsageError(f"{where} {item!r}: write NAME=VALUE, e.g. {where} FEATURE_CSV=1")
        found[name] = value
    return found


def check_codes(codes: List[str], where: str) -> None:
    from routerlint.rules import RULES

    for code in codes:
        if code != "ALL" and not (code and any(known.startswith(code) for known in RULES)):
            raise UsageError(f"{where}: unknown rule code '{code}'; `routerlint rules` lists "
                             "them (codes or prefixes such as RL0, RL2)")


def check_target(value: str, where: str) -> None:
    if not _TARGET.match(value):
        raise UsageError(f"{where}: '{value}' is not a target version; use py39 .. py314")
