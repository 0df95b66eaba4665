"""RL902: where routerlint stopped following import-time calls, and something below imports."""

from typing import List

from routerlint.results import Diagnostic
from routerlint.rules.base import Context, Rule


def check(context: Context) -> List[Diagnostic]:
    """Calls past the simulation's depth bound whose function would import (runtime.simulate
    records them); each place once, whichever simulation reached it."""
    seen = sorted({hit for sim in [*context.sims, *context.sweeps]
                   for hit in getattr(sim, "beyond_depth", ())})
    return [RULE.diagnostic(
        path, line, 1,
        f"import-time calls nest too deep here: routerlint stops before running "
        f"'{function}', which may import modules (itself or through what it calls), so "
        "those imports are not checked",
        symbol=f"{path}:{line}:{function}")
        for path, line, function in seen if path]


RULE = Rule(
    code="RL902",
    name="call-depth-limit",
    severity="warning",
    summary="Import-time calls nest deeper than routerlint follows; the imports below are "
            "not checked.",
    explanation="""\
A module-level call runs project code while the module imports: a constructor
(`analyzer = TextAnalyzer()` runs `__init__`), a factory, a loader, a project decorator
(`@register` calls `register(f)` when the `def` runs), a default value (`size=page_size()`). routerlint follows those
calls into the functions and methods they run, binding the arguments it knows, because an
`import` inside them fails the importing module just as a top-level one would. It follows at
most 9 nested calls, so a recursion, or a very deep chain of helpers, ends somewhere. When the
function where it stopped contains imports, this warning says where: a failing import there
would go unseen. Like RL901 it sits in the RL9xx range: it is about routerlint's reach, not a
fault in your code.

Bad:
    def load(depth):            # recursive, and imports at every level
        import plugins.extra
        return load(depth - 1) if depth else None

    load(20)                    # at module level

Good:
    import plugins.extra        # the import at module level, checked once

    def load(depth): ...
""",
    fix="if the function imports modules, import them at module level instead; otherwise "
        "silence with `# noqa: RL902` on the call",
    check=check,
)


def _chain(depth: int) -> str:
    """`f0()` at module level calling f1 ... f<depth>; the last one imports a package."""
    lines = [f"def f{i}():\n    f{i + 1}()\n" for i in range(depth)]
    lines.append(f"def f{depth}():\n    import json\n")
    return "\n".join(lines) + "\nf0()\n"


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
VALID = [{"app/__init__.py": "", "app/setup.py": _chain(5)}]
INVALID = [{"app/__init__.py": "", "app/setup.py": _chain(12)}]
