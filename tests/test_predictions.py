"""routerlint must predict what expect.toml says (which test_oracle checks against CPython)."""

from __future__ import annotations

import json

from helpers import (
    compare_routers, expected_outcomes, load_expect, run_routerlint, target_python,
)


def _predicted(report: dict) -> dict[str, dict]:
    out = {}
    for router in report.get("routers", []):
        cause = router.get("cause") or {}
        if router.get("loads"):
            outcome = {"loads": True}
        else:
            outcome = {
                "loads": False,
                "code": cause.get("code"),
                "at": f"{cause.get('path')}:{cause.get('line')}" if cause else None,
                "message": cause.get("message"),
                "chain": router.get("chain"),
            }
        out[router["module"]] = outcome
    return out


def _scripts(report: dict, expected: dict[str, dict]) -> dict[str, dict]:
    """What routerlint says of each script start-up never runs: it fails where expect.toml
    says when a finding of that code sits there; it runs when no finding is in its file."""
    out = {}
    for path, want in expected.items():
        if not want["loads"]:
            hit = next((d for d in report.get("diagnostics", [])
                        if d["code"] == want["code"] and f"{d['path']}:{d['line']}" == want["at"]),
                       None)
        else:
            hit = next((d for d in report.get("diagnostics", []) if d["path"] == path), None)
        out[path] = ({"loads": True} if hit is None else
                     {"loads": False, "code": hit["code"], "at": f"{hit['path']}:{hit['line']}",
                      "message": hit["message"]})
    return out


def test_routerlint_predicts_expect(fixture_app, fixture_copy, request):
    expect = load_expect(fixture_app)
    args = list(expect.get("args", []))
    args += [f"--env={name}={value}" for name, value in expect.get("environ", {}).items()]
    python = target_python(expect, request)
    if python:
        args += ["--python", python]
    proc = run_routerlint(fixture_copy, *args)

    assert "Traceback" not in proc.stderr, f"routerlint crashed:\n{proc.stderr[-4000:]}"
    assert proc.returncode in (0, 1), (
        f"exit code {proc.returncode} (expected 0 or 1)\nstdout:\n{proc.stdout[-2000:]}\n"
        f"stderr:\n{proc.stderr[-2000:]}"
    )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"stdout is not JSON ({exc}):\n{proc.stdout[-2000:]}") from None
    assert report.get("version") == 1, f"unexpected JSON version: {report.get('version')!r}"

    if "app" in expect:  # the module routerlint must take for the app
        assert (report.get("app") or {}).get("module") == expect["app"], (
            f"routerlint started from {report.get('app')}, expect.toml says {expect['app']}")
    predicted = _predicted(report)
    problems = compare_routers(expected_outcomes(expect), predicted, "routerlint")
    scripts = expected_outcomes(expect, "scripts")
    problems += compare_routers(scripts, _scripts(report, scripts), "routerlint", "scripts")
    assert not problems, f"{fixture_app.name}: routerlint disagrees with expect.toml\n" + "\n".join(problems)

    failing = any(not r.get("loads") for r in report.get("routers", []))
    errors = failing or any(d["severity"] == "error" for d in report.get("diagnostics", []))
    want = 0 if "--exit-zero" in args else int(errors)
    if "exit" in expect:  # what a user's CI would see: pinned where severity is the point
        assert want == expect["exit"], (
            f"expect.toml says exit {expect['exit']}, but routerlint's findings make it {want}:"
            "\n" + "\n".join(f"  {d['severity']} {d['code']} {d['message']}"
                             for d in report.get("diagnostics", [])))
    assert proc.returncode == want, (
        f"exit code {proc.returncode}, expected {want} "
        f"({'failing routers or errors' if errors else 'no errors (warnings do not fail)'})"
    )

    # What routerlint reports besides router outcomes: `diagnostics = [codes]` in expect.toml,
    # and nothing at all when every router loads and the key is absent (no false alarms).
    wanted = expect.get("diagnostics")
    if wanted is None and all(o == "loads" for o in expect.get("routers", {}).values()):
        wanted = []
    if wanted is not None:
        reported = sorted(d["code"] for d in report.get("diagnostics", []))
        assert reported == sorted(wanted), (
            f"{fixture_app.name}: routerlint reported {reported}, expect.toml says "
            f"{sorted(wanted)}:\n" + "\n".join(
                f"  {d['path']}:{d['line']} {d['code']} {d['message']}"
                for d in report.get("diagnostics", [])))
