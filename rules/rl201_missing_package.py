from routerlint.rules.base import Rule

RULE = Rule(
    code="RL201",
    name="missing-package",
    severity="error",
    summary="A third-party package is not installed in the app's environment.",
    explanation="""\
`import prometheus_client` raises ModuleNotFoundError when the package is not installed in
the environment the app runs in. routerlint locates packages as files in the target
interpreter's `sys.path` (see --python); it never imports them. Optional imports guarded by
`try/except ImportError` are fine.

Bad:
    import prometheus_client          # not installed

Good:
    pip install prometheus-client     # and declare it in the project's dependencies
""",
    fix="install the package in the app's environment and declare it as a dependency",
)
