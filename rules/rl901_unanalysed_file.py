from typing import List

from routerlint.results import Diagnostic
from routerlint.rules.base import Context, Rule

def check(context: Context) -> List[Diagnostic]:
    """Files CPython accepts that routerlint could not read (see the scanner)."""
    return [RULE.diagnostic(
        source.rel, 1, 1,
        f"routerlint could not analyse this file ({facts.unanalysed}); CPython compiles it, "
        "so it is treated as loading with unknown names and its imports are not checked",
        end=(1, None), symbol=source.module)
        for source, facts in context.modules.values() if facts.unanalysed]


RULE = Rule(
    code="RL901",
    name="unanalysed-file",
    severity="warning",
    summary="CPython compiles this file, but routerlint could not read it: its imports and "
            "names are not checked.",
    explanation="""\
routerlint takes its syntax verdict from CPython's own compile() and its facts from LibCST.
Rarely, a file CPython accepts is one LibCST cannot parse (a parser limit, thousands of
implicitly concatenated strings) or is too deep to walk even with a large stack. Such a file
is not a finding against your code: it is treated as a module that loads, whose every name
may exist and whose own imports are not followed. So nothing in it can raise a false alarm,
but a real failure inside it (a missing import, a duplicate table) goes unseen. This warning
says which file, and why, so you know where routerlint is blind. Like RL900 it sits in the
RL9xx range: it is about routerlint itself, not about whether a router loads.

Bad:
    # a generated module LibCST refuses
    MESSAGES = ("a" "b" "c" ... 5,000 implicitly concatenated strings ...)

Good:
    # the same data, one literal per item
    MESSAGES = ["a", "b", "c", ...]
""",
    fix="please report the file's shape to routerlint; meanwhile its imports are unchecked "
        "(silence with `# noqa: RL901` on line 1)",
    check=check,
)


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
def _elifs(count: int) -> str:
    """An if/elif chain: each elif is an If inside the previous one's orelse."""
    return "x = 0\nif x == 0:\n    y = 0\n" + "".join(
        f"elif x == {i}:\n    y = {i}\n" for i in range(1, count))


# Nested `if True:` lines cannot make it: CPython's tokenizer refuses 100 indentation levels
# ("too many levels of indentation"), below the 100 nested blocks routerlint keeps. An elif
# chain nests just as deep in the syntax tree, and CPython compiles it.
VALID = [{"app/__init__.py": "", "app/flags.py": _elifs(20)}]
INVALID = [{"app/__init__.py": "", "app/flags.py": _elifs(120)}]  # nested 120 deep
