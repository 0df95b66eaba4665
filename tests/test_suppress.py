from __future__ import annotations

import json

from miniapp import codes, make_app, run


def test_unsuppressed_findings(tmp_path):
    make_app(tmp_path)
    assert codes(tmp_path) == ["RL001", "RL201", "RL300"]


def test_noqa_with_code_drops_only_that_code(tmp_path):
    make_app(tmp_path, DUP="  # noqa: RL001", R201="  # noqa: RL300")
    assert codes(tmp_path) == ["RL201", "RL300"]


def test_routerlint_ignore_and_bare_noqa(tmp_path):
    make_app(tmp_path, DUP="  # routerlint: ignore[RL001]", R201="  # noqa")
    assert codes(tmp_path) == ["RL300"]


def test_router_rl300_suppressible_at_its_own_line(tmp_path):
    make_app(tmp_path, R300="  # noqa: RL300")
    assert codes(tmp_path) == ["RL001", "RL201"]


def test_everything_suppressed_exits_zero(tmp_path):
    make_app(tmp_path, DUP="  # noqa: RL001", R300="  # noqa: RL300",
             R201="  # noqa: RL201, RL300")
    proc = run(tmp_path, str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 suppressed" in proc.stdout


def test_a_silenced_cause_in_the_routers_own_file_leaves_the_router_failing(tmp_path):
    """The router still fails: silencing RL201 must not make it vanish from the text."""
    make_app(tmp_path, R201="  # noqa: RL201")
    proc = run(tmp_path, str(tmp_path))
    assert proc.returncode == 1
    assert "RL300 router 'app.routers.pay' fails to load" in proc.stdout


def test_a_router_failing_in_its_own_file_is_named_under_the_cause(tmp_path):
    make_app(tmp_path)
    proc = run(tmp_path, str(tmp_path))
    lines = proc.stdout.splitlines()
    cause = next(i for i, line in enumerate(lines) if " RL201 " in line)
    assert lines[cause + 1] == "    router 'app.routers.pay' fails to load because of this"


def _unused(root, *args):
    proc = run(root, str(root), "--format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return [d for d in json.loads(proc.stdout)["diagnostics"] if d["code"] == "RL900"]


def test_unused_suppressions_not_reported_by_default(tmp_path):
    make_app(tmp_path, R300="  # noqa: RL001")
    assert "RL900" not in codes(tmp_path)


def test_unused_suppression_reported_on_request(tmp_path):
    # RL001 is used (line of the duplicate); RL001 on the router line silences nothing there.
    make_app(tmp_path, DUP="  # noqa: RL001", R300="  # noqa: RL001, RL300")
    found = _unused(tmp_path, "--report-unused-suppressions")
    assert len(found) == 1, found
    (item,) = found
    assert (item["path"], item["line"]) == ("app/routers/things.py", 4)
    assert item["severity"] == "warning" and item["name"] == "unused-suppression"
    assert "(unused: RL001)" in item["message"]
    text = (tmp_path / "app/routers/things.py").read_text().splitlines()[3]
    assert item["column"] == text.index("#") + 1


def test_unused_kinds_unknown_and_non_enabled(tmp_path):
    make_app(tmp_path, DUP="  # routerlint: ignore[RL001, RL999, RL203]")
    (item,) = _unused(tmp_path, "--report-unused-suppressions", "--ignore", "RL203")
    assert "non-enabled: RL203" in item["message"] and "unknown: RL999" in item["message"]
    assert "unused:" not in item["message"]  # RL001 did silence the duplicate table


def test_bare_noqa_and_other_linters_codes_never_reported(tmp_path):
    make_app(tmp_path, R300="  # noqa", R201="  # noqa: E501, F401")
    (tmp_path / "app/db.py").write_text(
        "from sqlalchemy.orm import DeclarativeBase  # noqa: E402, RL999\n\n\n"
        "class Base(DeclarativeBase):  # noqa\n    pass\n")
    found = _unused(tmp_path, "--report-unused-suppressions")
    assert [(d["path"], d["line"]) for d in found] == [("app/db.py", 1)]
    assert found[0]["message"].endswith("(unknown: RL999)")


def test_bare_routerlint_ignore_reported_when_unused(tmp_path):
    make_app(tmp_path, DUP="  # routerlint: ignore", R300="  # routerlint: ignore")
    (tmp_path / "app/db.py").write_text(
        "from sqlalchemy.orm import DeclarativeBase  # routerlint: ignore\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n")
    found = _unused(tmp_path, "--report-unused-suppressions")
    assert [(d["path"], d["line"]) for d in found] == [("app/db.py", 1)]
    assert "silenced nothing" in found[0]["message"]


def test_rl900_named_in_comment_silences_itself_and_can_be_ignored(tmp_path):
    make_app(tmp_path, R300="  # noqa: RL001, RL900", R201="  # noqa: RL001")
    assert _unused(tmp_path, "--report-unused-suppressions", "--ignore", "RL900") == []
    found = _unused(tmp_path, "--report-unused-suppressions")
    assert [(d["path"], d["line"]) for d in found] == [("app/routers/pay.py", 2)]


def test_unused_suppressions_from_config(tmp_path):
    make_app(tmp_path, R300="  # noqa: RL001")
    with open(tmp_path / "pyproject.toml", "a") as handle:
        handle.write("\n[tool.routerlint]\nreport-unused-suppressions = true\n")
    assert len(_unused(tmp_path)) == 1
    proc = run(tmp_path, str(tmp_path))
    assert "RL900" in proc.stdout and proc.returncode == 1
