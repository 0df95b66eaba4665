"""expect.toml must say what real CPython does: the interpreter is the judge."""

from __future__ import annotations

import json

from helpers import compare_routers, expected_outcomes, load_expect, run_oracle, target_python


def test_expect_matches_cpython(fixture_app, fixture_copy, request):
    expect = load_expect(fixture_app)
    expected = expected_outcomes(expect)
    data, proc = run_oracle(fixture_copy, target_python(expect, request))

    problems = []
    discovered = set(data["discovered"])
    if discovered != set(expected):
        problems.append(
            "router modules in the app (module-level `x = APIRouter(...)`) differ from expect.toml:\n"
            f"    not in expect.toml: {sorted(discovered - set(expected))}\n"
            f"    not routers:        {sorted(set(expected) - discovered)}"
        )
    problems += compare_routers(expected, data["routers"], "CPython")
    problems += compare_routers(expected_outcomes(expect, "scripts"), data.get("scripts", {}),
                                "CPython", "scripts")
    not_routers = sorted(m for m, o in data["routers"].items()
                         if o.get("loads") and o.get("router_object") is False)
    if not_routers:
        problems.append(f"loaded, but CPython finds no APIRouter instance in: {not_routers}")
    unknown = {m: o for m, o in data["routers"].items() if o.get("code") == "UNKNOWN"}
    if unknown:
        problems.append("exceptions the oracle cannot classify:\n" + json.dumps(unknown, indent=2))

    assert not problems, (
        f"{fixture_app.name}: expect.toml disagrees with CPython ({data['mode']} mode"
        f"{', entry ' + str(data['entry']) if data['entry'] else ''}"
        f"{', entry outcome ' + json.dumps(data['entry_outcome']) if data.get('entry_outcome') else ''})\n"
        + "\n".join(problems)
        + (f"\noracle stderr:\n{proc.stderr[-3000:]}" if proc.stderr.strip() else "")
    )
