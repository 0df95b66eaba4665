from routerlint.rules.base import Rule

RULE = Rule(
    code="RL900",
    name="unused-suppression",
    severity="warning",
    summary="A `# noqa: RL...` or `# routerlint: ignore[...]` comment that silenced nothing.",
    explanation="""\
Reported only on request: `routerlint scan --report-unused-suppressions`, or
`report-unused-suppressions = true` in [tool.routerlint]. A suppression outlives the finding
it was written for: the duplicate table gets renamed, the missing module gets added, and the
comment stays behind, ready to hide the next real failure on that line. This rule finds them,
the way ruff's RUF100 finds unused `# noqa` directives; like RUF100 it sits in a range of its
own (RL9xx, "meta" rules about routerlint's own comments and settings) because it says
nothing about whether a router loads. Its message follows RUF100: codes that are *unused*
(nothing to silence on that line), *non-enabled* (deselected by select/ignore/
per-file-ignores, so they could not be needed) and *unknown* (no such routerlint rule).

Only routerlint's own codes are judged. In `# noqa: E501, RL001` the E501 belongs to another
linter and is left alone. A bare `# noqa` is never reported: it silences every linter on the
line, and routerlint cannot know whether flake8, ruff or pylint still needs it. A bare
`# routerlint: ignore` is addressed to routerlint alone, so it is reported when unused.
Naming RL900 in the comment itself (`# noqa: RL001, RL900`) keeps it from being reported.

Bad:
    from app.models.extra import Extra  # noqa: RL300   (the router loads now)

Good:
    from app.models.extra import Extra
""",
    fix="remove the unused codes from the comment (or the whole comment)",
)
