from __future__ import annotations

import json

from miniapp import codes, make_app, run


def test_baseline_survives_line_shifts_and_reports_new_findings(tmp_path):
    app = make_app(tmp_path / "proj")
    base = tmp_path / "baseline.json"
    proc = run(app, str(app), "--write-baseline", str(base))
    assert proc.returncode == 0, proc.stderr
    recorded = json.loads(base.read_text())["findings"]
    assert sorted(e["code"] for e in recorded) == ["RL001", "RL201", "RL300"]
    assert all("line" not in e for e in recorded)
    assert codes(app, "--baseline", str(base)) == []
    clean = run(app, str(app), "--baseline", str(base))
    assert clean.returncode == 0 and "3 in baseline" in clean.stdout

    # an unrelated edit moves every finding down
    for rel in ("app/models/extra.py", "app/routers/things.py", "app/routers/pay.py"):
        path = app / rel
        path.write_text('"""Docs."""\n\n\n' + path.read_text())
    assert codes(app) == ["RL001", "RL201", "RL300"]
    assert codes(app, "--baseline", str(base)) == []

    # a new finding is still reported
    (app / "app/routers/new.py").write_text("from fastapi import APIRouter\nimport other_missing_pkg\n\nrouter = APIRouter()\n")
    assert codes(app, "--baseline", str(base)) == ["RL201"]


def test_bad_baseline_is_a_usage_error(tmp_path):
    app = make_app(tmp_path / "proj")
    (tmp_path / "b.json").write_text("[1, 2]")
    for path in (tmp_path / "b.json", tmp_path / "missing.json"):
        proc = run(app, str(app), "--baseline", str(path))
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert f"--baseline {path}" in proc.stderr and "--write-baseline" in proc.stderr
