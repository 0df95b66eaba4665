"""CPython's own verdict on a file: `compile()` builds a code object and runs nothing.

LibCST is not the judge of validity: it accepts what CPython rejects at compile time
(duplicate argument, `return` outside function, `nonlocal` without binding) and words
non-default-after-default as "expected one of :, =". So the verdict and its wording are
CPython's; LibCST only extracts facts from files CPython accepts.
"""

from __future__ import annotations

import ast
from typing import Optional

from routerlint.facts import SyntaxIssue

# 3.11 and before / 3.12 and later wording of the same error.
_NON_DEFAULT_AFTER_DEFAULT = (
    "non-default argument follows default argument",
    "parameter without a default follows parameter with a default",
)


def compile_verdict(source: bytes, filename: str) -> Optional[SyntaxIssue]:
    """None when CPython compiles `source`; otherwise the issue, classified RL100/101/102."""
    try:
        compile(source, filename, "exec", dont_inherit=True)
        return None
    except SyntaxError as exc:
        return _issue(exc, source)
    except ValueError as exc:  # NUL bytes: ValueError before 3.12, SyntaxError after
        return SyntaxIssue(code="RL100", line=1, col=1, message=str(exc))


def _issue(exc: SyntaxError, source: bytes) -> SyntaxIssue:
    message = exc.msg or "invalid syntax"
    if message.startswith(_NON_DEFAULT_AFTER_DEFAULT):
        code = "RL101"
    elif _parses(source):
        code = "RL102"  # the parser accepts it; the compiler (symtable, codegen) rejects it
    else:
        code = "RL100"
    return SyntaxIssue(
        code=code,
        line=exc.lineno or 1,
        col=exc.offset or 1,
        message=message,
        end_line=getattr(exc, "end_lineno", None),
        end_col=getattr(exc, "end_offset", None),
    )


def _parses(source: bytes) -> bool:
    try:
        ast.parse(source)
        return True
    except (SyntaxError, ValueError):
        return False
