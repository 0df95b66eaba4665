from __future__ import annotations

import pytest

from miniapp import codes, make_app, run


def _config(root, body):
    (root / "pyproject.toml").write_text('[project]\nname = "mini"\nversion = "0"\n\n'
                                         "[tool.routerlint]\n" + body)


def test_select_prefix_and_ignore(tmp_path):
    make_app(tmp_path)
    _config(tmp_path, 'select = ["RL2", "RL3"]\nignore = ["RL300"]\n')
    assert codes(tmp_path) == ["RL201"]


def test_more_specific_select_beats_prefix_ignore(tmp_path):
    make_app(tmp_path)
    _config(tmp_path, 'ignore = ["RL"]\nextend-select = ["RL001"]\n')
    assert codes(tmp_path) == ["RL001"]


def test_per_file_ignores(tmp_path):
    make_app(tmp_path)
    _config(tmp_path, '[tool.routerlint.per-file-ignores]\n"app/routers/*" = ["RL2", "RL3"]\n')
    assert codes(tmp_path) == ["RL001"]


def test_command_line_overrides_file(tmp_path):
    make_app(tmp_path)
    _config(tmp_path, 'select = ["RL001"]\n')
    assert codes(tmp_path) == ["RL001"]
    assert codes(tmp_path, "--select", "RL201,RL300") == ["RL201", "RL300"]


def test_exclude_from_file(tmp_path):
    make_app(tmp_path)
    _config(tmp_path, 'extend-exclude = ["pay.py", "app/models/zzz/*"]\n')
    assert codes(tmp_path) == ["RL001", "RL300"]


def test_config_file_option(tmp_path):
    make_app(tmp_path)
    other = tmp_path / "lint.toml"
    other.write_text('ignore = ["RL0", "RL3"]\n')
    assert codes(tmp_path, "--config", str(other)) == ["RL201"]


def test_show_settings(tmp_path):
    make_app(tmp_path)
    _config(tmp_path, 'ignore = ["RL3"]\ntarget-version = "py312"\n')
    proc = run(tmp_path, str(tmp_path), "--show-settings", "--select", "RL0")
    assert proc.returncode == 0, proc.stderr
    assert 'select = ["RL0"]' in proc.stdout
    assert 'ignore = ["RL3"]' in proc.stdout
    assert 'target-version = "py312"' in proc.stdout
    assert str(tmp_path / "pyproject.toml") in proc.stdout


@pytest.mark.parametrize("body, words", [
    ('selekt = ["RL001"]\n', ["unknown key 'selekt'"]),
    ('select = "RL001"\n', ["'select' must be a list of strings"]),
    ('ignore = ["RL999"]\n', ["'ignore'", "unknown rule code 'RL999'"]),
    ('target-version = "py27"\n', ["'target-version'", "py27"]),
    ('app = 3\n', ["'app' must be a string"]),
    ('report-unused-suppressions = "yes"\n',
     ["'report-unused-suppressions' must be true or false"]),
    ('[tool.routerlint.per-file-ignores]\n"x/*" = "RL001"\n', ["'per-file-ignores'"]),
    ('[tool.routerlint.per-file-ignores]\n"x/*" = ["XX1"]\n', ["per-file-ignores 'x/*'", "'XX1'"]),
    ('select = [\n', ["not valid TOML"]),
])
def test_bad_configuration_is_one_clear_line(tmp_path, body, words):
    make_app(tmp_path)
    _config(tmp_path, body)
    proc = run(tmp_path, str(tmp_path))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "pyproject.toml" in lines[0]
    for word in words:
        assert word in lines[0]


def test_bad_command_line_code(tmp_path):
    make_app(tmp_path)
    proc = run(tmp_path, str(tmp_path), "--select", "RL8")
    assert proc.returncode == 2
    assert "--select: unknown rule code 'RL8'" in proc.stderr
