from __future__ import annotations

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
    make_app(tmp_path, DUP="  # noqa: RL001", R300="  # noqa: RL300", R201="  # noqa: RL201")
    proc = run(tmp_path, str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 suppressed" in proc.stdout
