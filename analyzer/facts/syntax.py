"""CPython's own verdict on a file: `compile()` builds a code object and runs nothing.

LibCST is not the judge of validity: it accepts what CPython rejects at compile time
(duplicate argument, `return` outside function, `nonlocal` without binding) and words
non-default-after-default as "expected one of :, =". So the verdict and its wording are
CPython's; LibCST only extracts facts from files CPython accepts.
"""

from __future__ import annotations

import ast
import warnings
from typing import Any, List, Optional, Tuple

from routerlint.facts.model import SyntaxIssue

# 3.11 and before / 3.12 and later wording of the same error.
_NON_DEFAULT_AFTER_DEFAULT = (
    "non-default argument follows default argument",
    "parameter without a default follows parameter with a default",
)


def compile_verdict(source: bytes, filename: str) -> Tuple[Optional[SyntaxIssue], Optional[ast.Module]]:
    """See _verdict; the user's code compiles silently (no SyntaxWarning on our stderr for
    their invalid escape sequences or `x is 1`: those are not routerlint's findings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _verdict(source, filename)


def _verdict(source: bytes, filename: str) -> Tuple[Optional[SyntaxIssue], Optional[ast.Module]]:
    """CPython's compile() in its two stages: the parser (which gives the AST the scanner
    takes statement positions from), then the compiler (symtable, codegen). Returns
    (None, tree) when both accept `source`, else (the issue, None): RL101 by its message,
    RL102 when only the compiler rejects it, RL100 otherwise; (None, None) when the file is
    valid but too deep for the AST objects."""
    try:
        tree = compile(source, filename, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        return _issue(exc, parsed=False), None
    except ValueError as exc:  # NUL bytes: ValueError before 3.12, SyntaxError after
        return SyntaxIssue(code="RL100", line=1, col=1, message=str(exc)), None
    except (RecursionError, MemoryError):
        return _one_stage(source, filename), None
    try:
        compile(tree, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return _issue(exc, parsed=True), None
    except (RecursionError, MemoryError):
        return _one_stage(source, filename), None
    return None, tree


def one_stage_verdict(source: bytes, filename: str) -> Optional[SyntaxIssue]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _one_stage(source, filename)


def _one_stage(source: bytes, filename: str) -> Optional[SyntaxIssue]:
    """The verdict of compiling the source in one stage, as an import does. Converting a deep
    tree to Python AST objects and back (a 1000-branch elif chain, long `+` chains) can exceed
    limits an import never meets; (None, None) from the caller then means "valid, but no AST"."""
    try:
        compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return _issue(exc, parsed=False)
    except (RecursionError, MemoryError) as exc:
        return _too_deep(exc)
    return None


def _too_deep(exc: BaseException) -> SyntaxIssue:
    """CPython's import of this file raises too (RecursionError: 'maximum recursion depth
    exceeded during compilation'), before any statement runs: a compile-time failure."""
    return SyntaxIssue(code="RL102", line=1, col=1,
                       message=f"CPython cannot compile this module: {type(exc).__name__}: "
                               f"{exc or 'out of memory'}; split the expression or nesting")


def _issue(exc: SyntaxError, parsed: bool) -> SyntaxIssue:
    return _classified(exc.msg, parsed, exc.lineno, exc.offset,
                       getattr(exc, "end_lineno", None), getattr(exc, "end_offset", None))


def _classified(message: Optional[str], parsed: bool, line: Optional[int],
                offset: Optional[int], end_line: Optional[int],
                end_offset: Optional[int]) -> SyntaxIssue:
    """RL101 by CPython's message, RL102 when only the compiler rejects it, else RL100."""
    message = message or "invalid syntax"
    if message.startswith(_NON_DEFAULT_AFTER_DEFAULT):
        code = "RL101"
    elif parsed:
        code = "RL102"  # the parser accepts it; the compiler (symtable, codegen) rejects it
    else:
        code = "RL100"
    return SyntaxIssue(
        code=code,
        line=max(line or 1, 1),
        col=max(offset or 1, 1),  # -1 for a bad encoding declaration: column 1
        message=message,
        end_line=_positive(end_line),
        end_col=_positive(end_offset),
    )


def same_verdict(a: Optional[SyntaxIssue], b: Optional[SyntaxIssue]) -> bool:
    """Do two verdicts say the same thing (both valid, or the same error at the same line)?"""
    if a is None or b is None:
        return a is b
    return (a.code, a.line, a.message) == (b.code, b.line, b.message)


def _positive(value: Optional[int]) -> Optional[int]:
    return value if value is not None and value > 0 else None


# Run by the target interpreter (any CPython 3.6+): paths on stdin, one verdict per path on
# stdout: null, or [stage, msg, lineno, offset, end_lineno, end_offset].
_JUDGE = r"""
import ast, json, sys, warnings
warnings.simplefilter("ignore")
out = []
for path in json.load(sys.stdin):
    try:
        with open(path, "rb") as handle:
            source = handle.read()
        stage = "parse"
        tree = compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        stage = "compile"
        compile(tree, path, "exec", dont_inherit=True)
        out.append(None)
    except SyntaxError as exc:
        out.append([stage, exc.msg, exc.lineno, exc.offset,
                    getattr(exc, "end_lineno", None), getattr(exc, "end_offset", None)])
    except Exception:
        out.append("unknown")
print(json.dumps(out))
"""


def target_verdicts(executable: str, paths: List[str]) -> Optional[List[Any]]:
    """CPython's verdict on each file as the *target* interpreter gives it, in one batch
    process (a 3.12 `type X = int` is valid there and not on 3.11, and the other way round
    for syntax a newer version dropped): None per valid file, a SyntaxIssue per rejected
    one, "unknown" where it could not tell. None when the interpreter cannot be run."""
    import json
    import subprocess

    try:
        done = subprocess.run([executable, "-I", "-c", _JUDGE], input=json.dumps(paths),
                              capture_output=True, text=True, timeout=600)
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    if not isinstance(found, list) or len(found) != len(paths):
        return None
    verdicts: List[Any] = []
    for item in found:
        if item is None or item == "unknown":
            verdicts.append(item)
            continue
        stage, message, line, offset, end_line, end_offset = item
        verdicts.append(_classified(message, stage == "compile", line, offset, end_line,
                                    end_offset))
    return verdicts
