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


# Small apps this rule must stay silent on (VALID) and must report (INVALID): each a
# {path: source} of files; `tests/test_rule_cases.py` runs routerlint on each.
_ROUTER = "from fastapi import APIRouter\n\nimport app.metrics\n\nrouter = APIRouter()\n"
VALID = [{
    "app/__init__.py": "", "app/routers.py": _ROUTER,
    "app/metrics.py": ("try:\n    import surely_not_installed_pkg_xyz\n"
                       "except ImportError:  # optional\n"
                       "    surely_not_installed_pkg_xyz = None\n"),
}]
INVALID = [{
    "app/__init__.py": "", "app/routers.py": _ROUTER,
    "app/metrics.py": "import surely_not_installed_pkg_xyz\n",  # not installed
}]
