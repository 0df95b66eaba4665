from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import copy_fixture, fixture_dirs, fixture_id  # noqa: E402

FIXTURES = fixture_dirs()
# Fixture apps carry their own test files (a pattern routerlint must understand): they are
# data, never collected by this suite.
collect_ignore_glob = ["fixtures/*"]


def pytest_generate_tests(metafunc):
    """Any test taking a `fixture_app` argument runs once per tests/fixtures/* and examples/* app."""
    if "fixture_app" in metafunc.fixturenames:
        metafunc.parametrize("fixture_app", FIXTURES, ids=[fixture_id(p) for p in FIXTURES])


@pytest.fixture
def fixture_copy(fixture_app, tmp_path):
    """A throw-away copy of the app: bytecode and marker files never land in the repo."""
    return copy_fixture(fixture_app, tmp_path)


@pytest.fixture(scope="session")
def target_envs(tmp_path_factory):
    """Interpreters of throw-away venvs, built once per session (per xdist worker) on demand."""
    from envs import build_env

    built = {}
    where = tmp_path_factory.mktemp("venvs")

    def get(name: str) -> str:
        if name not in built:
            built[name] = str(build_env(name, where))
        return built[name]

    return get
