"""requires-python against the target interpreter (RL103)."""

import json
import subprocess
import sys

import pytest

from routerlint.project.pyversion import allows


@pytest.mark.parametrize("spec, version, expected", [
    (">=3.14", (3, 11), False),
    (">=3.14,<4.0", (3, 14), True),
    (">=3.9", (3, 11), True),
    (">=3.9, <3.11", (3, 11), False),
    ("<3.11.4", (3, 11), True),  # 3.11.0-3.11.3 qualify
    ("<=3.10", (3, 11), False),
    (">3.11", (3, 11), False),
    (">3.11.2", (3, 11), True),
    ("==3.11.*", (3, 11), True),
    ("==3.12.*", (3, 11), False),
    ("!=3.11.*", (3, 11), False),
    ("!=3.11.2", (3, 11), True),
    ("~=3.10", (3, 13), True),
    ("~=3.10", (4, 0), False),
    ("~=3.10.2", (3, 11), False),
    ("^3.9", (3, 12), True),  # Poetry
    ("^3.9", (3, 8), False),
    ("~3.9", (3, 10), False),
    ("*", (3, 11), True),
    ("banana", (3, 11), None),
])
def test_allows(spec, version, expected):
    assert allows(spec, version) is expected


def scan_json(project):
    done = subprocess.run([sys.executable, "-m", "routerlint", "scan", str(project),
                           "--format", "json", "--no-cache"], capture_output=True, text=True)
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


def test_rl103_names_the_spec_the_line_and_the_interpreter(tmp_path):
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    future = f"{sys.version_info[0]}.{sys.version_info[1] + 1}"
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "t"\nversion = "0"\nrequires-python = ">={future}"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    [finding] = [d for d in scan_json(tmp_path)["diagnostics"] if d["code"] == "RL103"]
    assert (finding["path"], finding["line"], finding["severity"]) == (
        "pyproject.toml", 4, "warning")
    assert f">={future}" in finding["message"] and f"is {running}" in finding["message"]

    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "t"\nversion = "0"\nrequires-python = ">={running}"\n')
    assert not [d for d in scan_json(tmp_path)["diagnostics"] if d["code"] == "RL103"]
