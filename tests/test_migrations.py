"""Alembic fixtures (expect.toml with a [migrations] table): real Alembic must do what the
table says (tests/migration_oracle.py, in a subprocess, on a copy), and routerlint — reading
the same files statically — must predict the same codes at the same places. Fixtures with
`database = "postgresql"` are judged on a throwaway PostgreSQL server (tests/pg_server.py),
started once per test process; without PostgreSQL installed they are skipped, saying why."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

import pg_server
from helpers import (
    TESTS, copy_fixture, fixture_dirs, fixture_id, last_json_line, load_expect, run_routerlint,
)

ORACLE = TESTS / "migration_oracle.py"
FIXTURES = [path for path in fixture_dirs() if "migrations" in load_expect(path)]
# A revision file Alembic cannot load (CPython refuses it, an import fails) stops it before
# any command: reported with the code the same failure has in an app module.
LOAD_CODES = {"RL100", "RL101", "RL102", "RL200", "RL201", "RL202"}
# Alembic cannot build its revision map: `alembic heads` fails
MAP_CODES = {"RL401", "RL403"} | LOAD_CODES
UPGRADE_CODES = {"RL400", "RL401", "RL402", "RL403", "RL404", "RL405"} | LOAD_CODES
DRIFT_CODES = {"RL407", "RL408", "RL409", "RL410"}  # each message ends "(alembic check: ...)"
DRIFT = re.compile(r"\(alembic check: ([^)]+)\)$")


def _places(value) -> list:
    return sorted([value] if isinstance(value, str) else value)


def expected(spec: dict) -> dict:
    """[migrations] of expect.toml, normalised for comparison."""
    upgrade = spec["upgrade"]
    return {
        "heads": spec["heads"],  # (`database` only tells the oracle where to run)
        "upgrade": upgrade if upgrade == "ok" else [upgrade["fails"], _places(upgrade["at"])],
        "not_migrated": sorted(spec.get("not_migrated", [])),
        "warnings": sorted([w["code"], _places(w["at"])] for w in spec.get("warnings", [])),
        "drift": sorted(spec.get("drift", [])),
    }


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server for this test process (skips, saying why, when none can start)."""
    reason = pg_server.unavailable()
    if reason is not None:
        pytest.skip(f"PostgreSQL fixture not judged here: {reason}")
    server = pg_server.Server().start()
    try:
        yield server.url
    finally:
        server.stop()


def test_there_are_alembic_fixtures():
    assert len(FIXTURES) >= 8, [f.name for f in FIXTURES]
    on_postgres = [f.name for f in FIXTURES
                   if load_expect(f)["migrations"].get("database") == "postgresql"]
    assert len(on_postgres) >= 2, on_postgres


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture_id(f) for f in FIXTURES])
def test_alembic_does_what_expect_says(fixture, tmp_path, request):
    copy = copy_fixture(fixture, tmp_path)
    env = dict(os.environ)
    if load_expect(fixture)["migrations"].get("database", "sqlite") == "postgresql":
        env["ROUTERLINT_ORACLE_POSTGRES"] = request.getfixturevalue("postgres_url")
    proc = subprocess.run([sys.executable, "-I", str(ORACLE), str(copy)], capture_output=True,
                          text=True, timeout=300, cwd=str(copy), env=env)
    try:
        data = last_json_line(proc.stdout)
    except (ValueError, json.JSONDecodeError):
        raise AssertionError(f"the Alembic oracle printed no JSON (exit {proc.returncode}):\n"
                             f"{proc.stderr[-3000:]}") from None
    actual = {
        "heads": data["heads"],
        "upgrade": data["upgrade"] if data["upgrade"] == "ok" else
        [data["upgrade"]["fails"], sorted(data["upgrade"]["at"])],
        "not_migrated": data["not_migrated"],
        "warnings": sorted([w["code"], w["at"]] for w in data["warnings"]),
        "drift": data["drift"],
    }
    want = expected(load_expect(fixture)["migrations"])
    assert actual == want, (
        f"{fixture.name}: expect.toml disagrees with Alembic\n  expect.toml: {want}\n"
        f"  Alembic:     {actual}\n  Alembic said: {data['upgrade']}\n{proc.stderr[-2000:]}")


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture_id(f) for f in FIXTURES])
def test_routerlint_predicts_what_alembic_does(fixture, tmp_path):
    spec = load_expect(fixture)["migrations"]
    proc = run_routerlint(copy_fixture(fixture, tmp_path), "--no-cache")
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    sections = report.get("migrations") or []
    revisions = {r["path"] for section in sections for r in section["revisions"]}
    found = [d for d in report["diagnostics"] if d["code"].startswith("RL4")
             or d["code"] in LOAD_CODES and d["path"] in revisions]
    shown = "\n".join(f"  {d['path']}:{d['line']} {d['code']} {d['message']}" for d in found)

    def at(codes) -> dict:
        places: dict = {}
        for d in found:
            if d["code"] in codes:
                places.setdefault(d["code"], []).append(f"{d['path']}:{d['line']}")
        return {code: sorted(p) for code, p in places.items()}

    assert len(sections) == 1, f"expected one Alembic script folder, found {sections}"
    failing = at(UPGRADE_CODES)
    heads = "fails" if MAP_CODES & set(failing) else len(sections[0]["heads"])
    assert len(failing) <= 1, f"{fixture.name}: routerlint predicts several failures:\n{shown}"
    upgrade = "ok" if not failing else [next(iter(failing)), next(iter(failing.values()))]
    predicted = {
        "heads": heads, "upgrade": upgrade,
        "not_migrated": sorted(d["message"].split("'")[1] for d in found if d["code"] == "RL406"),
        "warnings": sorted([w["code"], at({w["code"]}).get(w["code"], [])]
                           for w in spec.get("warnings", [])),
        "drift": sorted(m.group(1) for d in found if d["code"] in DRIFT_CODES
                        for m in [DRIFT.search(d["message"])] if m),
    }
    want = expected(spec)
    assert predicted == want, (f"{fixture.name}: routerlint disagrees with expect.toml\n"
                               f"  expect.toml: {want}\n  routerlint:  {predicted}\n{shown}")
    if "not_migrated_at" in spec:  # RL406 points at the model class
        assert at({"RL406"}).get("RL406", []) == sorted(spec["not_migrated_at"]), shown
    if "create_all_at" in spec:  # RL406 says where create_all builds the table's MetaData
        related = sorted(f"{r['path']}:{r['line']}" for d in found if d["code"] == "RL406"
                         for r in d["related"] if "create_all" in r["message"])
        assert related == sorted(spec["create_all_at"]), shown
    if "drift_at" in spec:  # {"add_column users.age" = "app/models.py:30", ...}
        places = {m.group(1): f"{d['path']}:{d['line']}" for d in found
                  if d["code"] in DRIFT_CODES for m in [DRIFT.search(d["message"])] if m}
        assert places == spec["drift_at"], shown


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture_id(f) for f in FIXTURES])
def test_a_judged_folder_from_the_cache_equals_a_fresh_judgement(fixture, tmp_path, monkeypatch):
    """The second cached run takes each script folder's judgement (findings, head schemas,
    section, suppressions) from its cache entry, never judging again; its report must equal
    an uncached run's, drift and RL406 included (they read the cached head schemas)."""
    import routerlint.runtime.migrations as migrations
    from routerlint.engine import Options, analyze
    from routerlint.reporters.formats import to_json

    root = copy_fixture(fixture, tmp_path)

    def report(cache: bool) -> dict:
        for entry in (root / ".routerlint_cache").glob("report-*.json"):
            entry.unlink()  # the report cache would answer before any judging
        data = json.loads(to_json(analyze(Options(paths=[str(root)], cache=cache,
                                                  python=sys.executable))))
        data["summary"].pop("seconds")
        return data

    fresh = report(cache=False)
    assert report(cache=True) == fresh
    monkeypatch.setattr(migrations, "_judge_folder", lambda *a: 1 / 0)  # hits only now
    assert report(cache=True) == fresh
