"""What every rule declares; the simulation decides *when* a rule's failure happens."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str  # stable once released
    name: str  # kebab-case, as in the docs and --select
    severity: str  # "error" (fails at import time) or "warning"
    summary: str  # one line
    explanation: str  # why it fails, with a bad and a good example
    fix: str  # one line, shown under each finding

    @property
    def hook(self) -> str:
        """Where the rule is decided: see `routerlint rule CODE`."""
        return HOOKS.get(self.code, HOOKS.get(self.code[:4], "per app"))


HOOKS = {
    "RL00": "per simulated class definition / Table() call",
    "RL10": "per file (CPython's compile())",
    "RL20": "per import resolution",
    "RL30": "per app (router outcomes)",
    "RL90": "per suppression comment, after every other rule",
    "RL901": "per file (one CPython accepts but routerlint cannot read)",
}
