from __future__ import annotations

import json

import jsonschema
import pytest

from helpers import REPO
from miniapp import LINES, make_app, run
from routerlint.reporters.github import command, escape_data, escape_property
from routerlint.results import Diagnostic

SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"  # OASIS SARIF 2.1.0, vendored


def test_github_escaping():
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    d = Diagnostic("RL202", "missing-name", "error", "app/x,y:z.py", 3, 1,
                   "cannot import 'a:b' (50%),\nsee below", "", 3, 9)
    assert command(d) == ("::error file=app/x%2Cy%3Az.py,line=3,col=1,endLine=3,endColumn=9,"
                          "title=RL202 missing-name::cannot import 'a:b' (50%25),%0Asee below")


def test_github_format_orders_root_causes_first_and_writes_summary(tmp_path):
    app = make_app(tmp_path / "proj")
    summary = tmp_path / "summary.md"
    summary.write_text("before\n")
    proc = run(app, str(app), "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert [line.split("title=")[1].split()[0] for line in lines] == ["RL001", "RL201", "RL300"]
    path, line = LINES["RL001"]
    assert lines[0].startswith(f"::error file={path},line={line},col=1,endLine={line},")
    text = summary.read_text()
    assert text.startswith("before\n## routerlint")
    assert "| `app.routers.things` | fails | RL001" in text
    assert "| `app.routers.pay` | fails | RL201" in text
    assert "`app/models/extra.py:6`" in text


def test_sarif_is_valid_and_complete(tmp_path):
    if not SCHEMA.is_file():
        pytest.fail(f"the SARIF schema is missing: expected it at {SCHEMA}")
    app = make_app(tmp_path / "repo" / "service")
    (tmp_path / "repo" / ".git").mkdir()  # the project lives in a subfolder of the repository
    proc = run(app, str(app), "--format", "sarif")
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "routerlint" and driver["version"]
    rl001 = next(r for r in driver["rules"] if r["id"] == "RL001")
    assert rl001["name"] == "duplicate-table"
    assert rl001["defaultConfiguration"]["level"] == "error"
    assert rl001["shortDescription"]["text"] and rl001["help"]["text"]
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert sorted(results) == ["RL001", "RL201", "RL300"]
    location = results["RL001"]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "service/app/models/extra.py"
    assert location["region"]["startLine"] == 6
    related = results["RL300"]["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "service/app/models/extra.py"
    prints = {r["partialFingerprints"]["routerlint/v1"] for r in results.values()}
    assert len(prints) == 3


def test_statistics_quiet_and_output_file(tmp_path):
    app = make_app(tmp_path / "proj")
    proc = run(app, str(app), "--statistics")
    assert proc.stdout.split() == ["1", "RL001", "duplicate-table", "1", "RL201",
                                   "missing-package", "1", "RL300", "router-fails"]
    quiet = run(app, str(app), "--quiet")
    assert quiet.returncode == 1
    assert quiet.stdout.strip().splitlines()[0].startswith("Routers: 2 found, 0 load, 2 fail.")
    out = tmp_path / "out.json"
    proc = run(app, str(app), "--format", "json", "--output-file", str(out))
    assert proc.stdout == "" and proc.returncode == 1
    assert len(json.loads(out.read_text())["diagnostics"]) == 3
    clean = run(app, str(app), "--quiet", "--select", "RL1")
    assert clean.returncode == 0 and clean.stdout == ""
