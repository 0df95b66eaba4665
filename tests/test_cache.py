"""The facts cache is correct (speed is the benchmark's business, never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from routerlint.facts import scanner
from routerlint.facts.cache import CACHE_DIR
from routerlint.engine import Options, analyze
from routerlint.reporters.formats import to_json
from helpers import EXAMPLES_DIR, copy_fixture

APP = EXAMPLES_DIR / "backend"


@pytest.fixture
def app(tmp_path):
    return copy_fixture(APP, tmp_path)


@pytest.fixture
def parses(monkeypatch):
    """The files scan_source parsed in this process, in order."""
    seen = []
    real = scanner.scan_source

    def counting(data, filename, target):
        seen.append(Path(filename).name)
        return real(data, filename, target)

    monkeypatch.setattr(scanner, "scan_source", counting)
    return seen


def _result(root: Path, **kw) -> dict:
    out = json.loads(to_json(analyze(Options(paths=[str(root)], jobs=kw.pop("jobs", 1), **kw))))
    out["summary"].pop("seconds")
    return out


def _entries(root: Path):
    """The facts entries of files (not those of the whole-project passes: runtime/stored.py)."""
    return sorted(path for path in (root / CACHE_DIR).glob("facts-*/*/*.json")
                  if b'"given":' not in path.read_bytes().partition(b"\n")[0])


def test_warm_run_parses_nothing_and_a_change_parses_one_file(app, parses):
    cold = _result(app)
    files = len(parses)
    assert files > 5 and len(_entries(app)) > 0
    assert (app / CACHE_DIR / ".gitignore").read_text().strip().endswith("*")
    parses.clear()
    assert _result(app) == cold
    assert parses == []
    changed = next(p for p in sorted(app.rglob("*.py")) if p.name != "__init__.py")
    changed.write_text(changed.read_text() + "\nEXTRA = 1\n")
    parses.clear()
    _result(app)
    assert parses == [changed.name]


def _checked_out_earlier(root: Path) -> None:
    """Every file dated an hour back: stamps taken now are not racy (2 s rule)."""
    import os
    import time

    then = time.time() - 3600
    for path in root.rglob("*"):
        os.utime(path, (then, then))


def test_a_one_change_run_reads_only_the_changed_file(app, monkeypatch):
    """The last report's stamps say which files still hold the content they had: those are
    neither read nor hashed; their facts come from the cache by the stamp's hash."""
    from routerlint.facts.pool import Scanner

    _checked_out_earlier(app)
    cold = _result(app)
    read = []
    real = Scanner._read

    def reading(self, source):
        read.append(source.path.name)
        return real(self, source)

    monkeypatch.setattr(Scanner, "_read", reading)
    changed = app / "app" / "services" / "pricing.py"
    changed.write_text(changed.read_text() + "\nEXTRA = 1\n")
    cached = _result(app)
    assert read == ["pricing.py"]
    assert cached == _result(app, cache=False) and cached != cold


def test_a_damaged_entry_of_a_file_known_by_its_stamp_is_rebuilt(app, parses):
    _checked_out_earlier(app)
    cold = _result(app)
    entry, data, tail, function = _with_body(_entries(app))
    function["b"] = [0, len(tail) + 10]  # points past the end of its entry
    _write_entry(entry, data, tail)
    changed = app / "app" / "services" / "pricing.py"
    changed.write_text(changed.read_text() + "\nEXTRA = 1\n")
    parses.clear()
    cached = _result(app)
    assert "pricing.py" in parses and len(parses) == 2  # the changed file and the damaged one
    assert cached == _result(app, cache=False) and cached != cold


def test_no_cache_neither_reads_nor_writes(app, parses):
    _result(app, cache=False)
    first = len(parses)
    _result(app, cache=False)
    assert len(parses) == 2 * first
    assert not (app / CACHE_DIR).exists()


def _drop_reports(root: Path) -> None:
    """Forget the whole-report cache, so the next run reads the facts cache."""
    for entry in (root / CACHE_DIR).glob("report-*.json"):
        entry.unlink()


def _read_entry(path):
    """(the JSON line, the function bodies after it) of a facts entry."""
    head, _, tail = path.read_bytes().partition(b"\n")
    return json.loads(head), tail


def _write_entry(path, data, tail) -> None:
    path.write_bytes(json.dumps(data).encode() + b"\n" + tail)


def _with_body(entries):
    """An entry whose facts point into its bodies, and the first such pointer."""
    for entry in entries:
        data, tail = _read_entry(entry)
        stack = [data["facts"]]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if item.get("k") == "function" and isinstance(item.get("b"), list):
                    return entry, data, tail, item
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    raise AssertionError("no cached function body")


def test_corrupt_and_foreign_entries_are_rebuilt(app, parses):
    cold = _result(app)
    _drop_reports(app)
    entries = _entries(app)
    entry, data, tail, function = _with_body(entries)
    function["b"] = [0, len(tail) + 10]  # points past the end of its entry
    _write_entry(entry, data, tail)
    others = [e for e in entries if e != entry]
    others[0].write_bytes(b"\x00{not json")
    data, tail = _read_entry(others[1])
    data["tag"] = "9.9.9-py2.7"
    _write_entry(others[1], data, tail)
    data, tail = _read_entry(others[2])
    data["facts"] = {"k": "no-such-kind"}
    _write_entry(others[2], data, tail)
    parses.clear()
    assert _result(app) == cold
    assert len(parses) == 4
    _drop_reports(app)
    parses.clear()
    assert _result(app) == cold
    assert parses == []  # rewritten: valid again


def test_identical_results_with_and_without_cache_and_any_worker_count(app):
    uncached = _result(app, cache=False)
    assert _result(app, jobs=2) == uncached  # cold, two worker processes
    assert _result(app, jobs=1) == uncached  # warm
    assert _result(app, cache=False, jobs=3) == uncached


def test_the_pool_workers_write_the_entries_of_what_they_parse(app, parses):
    cold = _result(app, jobs=2)
    files = list(app.rglob("*.py"))
    assert len(parses) < len(files) / 2  # most were parsed in the two worker processes
    changed = next(p for p in sorted(app.rglob("*.py")) if p.name != "__init__.py")
    changed.write_text(changed.read_text() + "\nEXTRA = 1\n")
    parses.clear()
    assert _result(app)["routers"] == cold["routers"]
    assert parses == [changed.name]  # every other file's facts came from the workers' entries


def test_two_concurrent_scans_leave_a_valid_cache(app, parses):
    command = [sys.executable, "-m", "routerlint", "scan", "--format", "json", "--exit-zero",
               str(app)]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE) for _ in range(2)]
    outs = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    for out in outs:
        out["summary"].pop("seconds")
    assert outs[0] == outs[1]
    assert not list((app / CACHE_DIR).rglob(".tmp-*"))
    for entry in _entries(app):
        _read_entry(entry)
    warm = _result(app)
    assert parses == []
    assert warm["diagnostics"] == outs[0]["diagnostics"]


def test_clean_command_removes_the_cache(app):
    _result(app)
    assert (app / CACHE_DIR).is_dir()
    done = subprocess.run([sys.executable, "-m", "routerlint", "clean", str(app)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not (app / CACHE_DIR).exists()
    assert any(app.rglob("*.py"))


def test_probe_is_cached_per_interpreter(app, monkeypatch):
    from routerlint.project.interpreter import Environment

    _result(app)
    assert list((app / CACHE_DIR).glob("env-*.json"))
    calls = []
    monkeypatch.setattr(Environment, "_run_probe",
                        staticmethod(lambda exe: calls.append(exe) or {}))
    _result(app)
    assert calls == []


def test_facts_round_trip_with_lazily_decoded_function_bodies():
    from routerlint.facts.model import FunctionDef, body_may_contain, from_json, to_json
    from routerlint.facts.scanner import scan_source

    source = (b"import os\n\ndef create_app():\n    from fastapi import FastAPI\n"
              b"    app = FastAPI()\n    return app\n\ndef helper(x):\n    return x + 1\n"
              b"app = create_app()\n")
    facts = scan_source(source, "main.py", (3, 11))
    data = to_json(facts)
    again = from_json(json.loads(json.dumps(data)))
    create, helper = [e for e in again.events if isinstance(e, FunctionDef)]
    assert body_may_contain(create, '"k":"import"') and body_may_contain(create, "FastAPI")
    assert not body_may_contain(helper, '"k":"import"', "FastAPI")
    assert to_json(again) == data  # decodes the bodies: the same facts as before the cache
    eager = FunctionDef(create.line, create.col, create.name, list(create.body))
    assert create == eager and eager == create and helper != eager


def test_functions_read_from_a_cache_entry_answer_what_their_own_bodies_hold(tmp_path):
    """A module's bodies are searched once for a text none of its functions has; a text
    one function has is still looked for in each function's own body."""
    from routerlint.facts.cache import Cache
    from routerlint.facts.model import (FunctionDef, body_may_contain, from_json, module_lacks,
                                        to_json)
    from routerlint.facts.scanner import scan_source

    source = (b"def create_app():\n    from fastapi import FastAPI\n    return FastAPI()\n\n"
              b"def helper(x):\n    return x + 1\n\ndef m():\n    import json\n    return json\n")
    cache = Cache(tmp_path, (3, 11))
    cache.put("k" * 64, to_json(scan_source(source, "main.py", (3, 11))))
    facts = from_json(*cache.decode_facts("k" * 64, cache.read("k" * 64)))
    create, helper, method = [e for e in facts.events if isinstance(e, FunctionDef)]
    for _ in range(2):  # the module's answer is kept: the second round asks it again
        assert body_may_contain(create, "FastAPI") and not body_may_contain(helper, "FastAPI")
        assert not body_may_contain(method, "FastAPI") and body_may_contain(method, "json")
        assert not any(body_may_contain(f, "create_all", "Session") for f in
                       (create, helper, method))
        assert body_may_contain(method, '"k":"import"') and body_may_contain(create, "import")
        assert not body_may_contain(helper, '"k":"import"')
        assert module_lacks(facts, "create_all", "Session") and not module_lacks(facts, "json")
    assert not module_lacks(scan_source(source, "main.py", (3, 11)), "create_all")  # unknown


def test_a_keyword_argument_named_k_survives_the_cache(tmp_path):
    """Plain dicts in facts (keyword arguments) may hold a "k" key, the JSON kind marker."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "k"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "mod.py").write_text(
        "def foo(**kw):\n    return 1\n\nx = foo(k=foo)\n")
    uncached = _result(tmp_path, cache=False)
    assert _result(tmp_path) == uncached
    assert _result(tmp_path) == uncached


_BACKGROUND = """
import json, sys
from routerlint.engine import Options, analyze
from routerlint.reporters.formats import to_json
report = analyze(Options(paths=[sys.argv[1]]))
out = json.loads(to_json(report))
out["summary"].pop("seconds")
print(json.dumps({"report": out, "libcst_here": "libcst" in sys.modules}))
"""


def test_a_changed_file_parsed_by_a_background_worker_gives_the_same_report(app):
    """With a warm cache and one file changed, the file is parsed in a forked worker while
    this process decodes the cached facts; this process never imports libcst, and the
    report is the one an uncached scan gives."""
    def run() -> dict:
        done = subprocess.run([sys.executable, "-c", _BACKGROUND, str(app)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    run()  # cold: fills the cache
    changed = next(p for p in sorted(app.rglob("*.py")) if p.name != "__init__.py")
    changed.write_text(changed.read_text() + "\nEXTRA = 1\n")
    second = run()
    uncached = _result(app, cache=False)
    assert second["report"] == uncached
    import multiprocessing
    import os
    if "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1:
        assert second["libcst_here"] is False
