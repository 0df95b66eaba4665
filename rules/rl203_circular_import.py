from routerlint.rules.base import Rule

RULE = Rule(
    code="RL203",
    name="circular-import",
    severity="error",
    summary="An import cycle fails in the real load order (partially initialised module).",
    explanation="""\
In a cycle, the module entered first is only partially initialised while the other runs.
`from a import X` there fails if `a` has not yet defined X: "cannot import name 'X' from
partially initialized module 'a' (most likely due to a circular import)". Whether it fails
depends on which module of the cycle is imported first; cycles that do not fail are not
reported.

Bad:
    # a.py                          # b.py
    from b import helper            from a import CONFIG   # a has not defined CONFIG yet
    CONFIG = {}

Good:
    # b.py: import the module, read the attribute when needed
    import a
    def helper(): return a.CONFIG
""",
    fix="import the module instead of the name, move the import into the function that "
        "needs it, or move the shared name to a third module",
)
