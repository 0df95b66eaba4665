"""Ground truth for the fixtures: load a fixture app with real CPython and say what happened.

Usage::

    python tests/oracle.py <fixture_dir>                  # prints one JSON object
    python tests/oracle.py --single <fixture_dir> <module>  # internal: one router, this process
    python tests/oracle.py --script <fixture_dir> <path>    # internal: one script, this process

Output::

    {"mode": "entry" | "alone",
     "entry": "app.main" | null,
     "discovered": ["app.routers.users", ...],      # found by an ast scan of the fixture
     "expected": ["app.routers.users", ...],        # listed in expect.toml
     "routers": {"app.routers.users": {"loads": true, "how": "entry"},
                 "app.routers.x": {"loads": false, "code": "RL001",
                                   "at": "app/models/a.py:12",
                                   "exc": "InvalidRequestError: ...", "how": "alone"}}}

How it observes: a ``sys.meta_path`` finder placed first resolves the fixture's own modules with
``importlib.machinery.PathFinder`` and swaps the spec's loader for a ``SourceFileLoader`` subclass
whose ``exec_module`` records success or the exception (then re-raises). So a router imported
inside ``try/except Exception`` by the app's own loader loop is still observed.

Entry mode (``entry`` in expect.toml): the entry module is imported once; each router's outcome
is its LAST recorded execution. Routers never executed are then imported alone, each in a fresh
interpreter. Without an entry every router is imported alone in a fresh interpreter; then the
outcome is the result of ``importlib.import_module(router)`` (this also fails when a parent
package ``__init__`` fails, even if the router module itself ran fine).

The oracle runs only the fixture's code. It must be run on a throw-away copy of the fixture
(the tests copy it to ``tmp_path``) — importing writes whatever the fixture's modules write.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import importlib.machinery
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

SKIP_DIRS = {"__pycache__", ".git", ".venv", "venv", "node_modules", ".routerlint_cache", "build", "dist"}

RL101_MESSAGES = (
    "non-default argument follows default argument",
    "parameter without a default follows parameter with a default",
)
DUPLICATE_TABLE = "is already defined for this MetaData instance"
PARTIAL = "partially initialized module"

_ROUTER_LINE = re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=\s*(?:[A-Za-z_][\w.]*\.)?APIRouter\s*\(")


# --------------------------------------------------------------------------- fixture layout


def load_expect(fixture: Path) -> dict:
    with open(fixture / "expect.toml", "rb") as f:
        return tomllib.load(f)


def source_root(fixture: Path, expect: dict) -> Path:
    return (fixture / expect.get("src", ".")).resolve()


def iter_py_files(root: Path):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield Path(dirpath) / name


def module_name(root: Path, path: Path) -> str | None:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def own_top_level_names(root: Path) -> set[str]:
    """Top-level packages and modules that live in the fixture's source root."""
    names = set()
    for child in root.iterdir():
        if child.name in SKIP_DIRS or child.name.startswith("."):
            continue
        if child.is_dir() and child.name.isidentifier():
            names.add(child.name)
        elif child.suffix == ".py" and child.stem.isidentifier():
            names.add(child.stem)
    return names


def _is_apirouter_call(node: ast.AST, names=frozenset({"APIRouter"})) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id in names) or (
        isinstance(func, ast.Attribute) and func.attr in names
    )


def router_class_names(root: Path) -> frozenset:
    """APIRouter and every name the fixture gives it: import aliases and subclasses,
    transitively (`class VersionedRouter(APIRouter)`, `class AdminRouter(VersionedRouter)`).
    Syntactic, so a loaded router is also checked at run time (`router_object`)."""
    names = {"APIRouter"}
    trees = []
    for path in iter_py_files(root):
        try:
            trees.append(ast.parse(path.read_text(encoding="utf-8", errors="replace")))
        except SyntaxError:
            continue
    names |= _library_router_names(trees, own_top_level_names(root))
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    aliases = {a.asname for a in node.names if a.name in names and a.asname}
                    if aliases - names:
                        names.update(aliases)
                        grew = True
                elif isinstance(node, ast.ClassDef) and node.name not in names and any(
                        (isinstance(b, ast.Name) and b.id in names)
                        or (isinstance(b, ast.Attribute) and b.attr in names)
                        for b in node.bases):
                    names.add(node.name)
                    grew = True
                elif (isinstance(node, ast.FunctionDef) and node.name not in names and any(
                        isinstance(r, ast.Return) and _is_apirouter_call(r.value, names)
                        for r in ast.walk(node))):
                    names.add(node.name)  # a factory: `return APIRouter(...)`
                    grew = True
                elif (isinstance(node, ast.Assign) and len(node.targets) == 1
                      and isinstance(node.targets[0], ast.Name)
                      and node.targets[0].id not in names
                      and isinstance(node.value, ast.Name) and node.value.id in names):
                    names.add(node.targets[0].id)  # `PrivateRouter = AdminRouter`
                    grew = True
    return frozenset(names)


def _library_router_names(trees, own: set[str]) -> set[str]:
    """Names the fixture uses for router classes of installed libraries (`from routerkit
    import VersionedRouter`, `routerkit.routing.VersionedRouter()`), asked of CPython: the
    library is imported here and the class checked with issubclass."""
    try:
        from fastapi import APIRouter
    except ImportError:
        return set()

    def is_router(module: str, attr: str) -> bool:
        if not module or module.split(".")[0] in own:
            return False
        try:
            value = getattr(importlib.import_module(module), attr)
        except Exception:  # noqa: BLE001 - not importable: not a library router class
            return False
        return isinstance(value, type) and issubclass(value, APIRouter)

    found = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and not node.level:
                found.update(a.asname or a.name for a in node.names
                             if a.name != "*" and is_router(node.module or "", a.name))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = ast.unparse(node.func.value)
                if all(p.isidentifier() for p in owner.split(".")) and is_router(owner, node.func.attr):
                    found.add(node.func.attr)
    return found


def defines_router(path: Path, names=frozenset({"APIRouter"})) -> bool:
    """A module-level ``<name> = APIRouter(...)`` (also in a top-level if/try block), with
    APIRouter under any of `names`."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if not any(name in text for name in names):
        return False
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError:
        # A router file that does not parse is still a router: fall back to the text.
        return any(_ROUTER_LINE.match(line) for line in text.splitlines())

    def walk(body) -> bool:
        for stmt in body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                if _is_apirouter_call(stmt.value, names):
                    return True
            elif isinstance(stmt, ast.If):
                if walk(stmt.body) or walk(stmt.orelse):
                    return True
            elif isinstance(stmt, ast.Try):
                if walk(stmt.body) or walk(stmt.orelse) or walk(stmt.finalbody):
                    return True
                if any(walk(h.body) for h in stmt.handlers):
                    return True
        return False

    return walk(tree.body)


def discover_routers(root: Path) -> list[str]:
    found = []
    names = router_class_names(root)
    for path in iter_py_files(root):
        if defines_router(path, names):
            name = module_name(root, path)
            if name:
                found.append(name)
    return sorted(found)


# --------------------------------------------------------------------------- classification


def _rel(fixture: Path, filename: str) -> str | None:
    # Generated code has names like "<sqlalchemy generated ...>": never resolve those against cwd.
    if not filename or not os.path.isabs(filename):
        return None
    try:
        return Path(filename).resolve().relative_to(fixture).as_posix()
    except (ValueError, OSError):
        return None


def _innermost_fixture_frame(fixture: Path, exc: BaseException) -> str | None:
    at = None
    tb = exc.__traceback__
    while tb is not None:
        rel = _rel(fixture, tb.tb_frame.f_code.co_filename)
        if rel is not None:
            at = f"{rel}:{tb.tb_lineno}"
        tb = tb.tb_next
    return at


def _syntax_code(exc: SyntaxError) -> str:
    msg = str(exc.msg or "")
    if any(m in msg for m in RL101_MESSAGES):
        return "RL101"
    try:
        source = Path(exc.filename).read_bytes()
        ast.parse(source, filename=exc.filename)
    except SyntaxError:
        return "RL100"
    except (OSError, TypeError, ValueError):
        return "UNKNOWN"
    try:
        compile(source, exc.filename, "exec", dont_inherit=True)
    except SyntaxError:
        return "RL102"
    return "UNKNOWN"  # compiles now: cannot explain the original error


def _is_from_import(fixture: Path, at) -> bool:
    """Whether the statement at `at` ("path:line") is a `from m import name`."""
    if not at or ":" not in at:
        return False
    rel, _, line = at.rpartition(":")
    try:
        text = (fixture / rel).read_text().splitlines()[int(line) - 1]
    except (OSError, ValueError, IndexError):
        return False
    return text.lstrip().startswith("from ")


def classify(fixture: Path, own: set[str], exc: BaseException) -> dict:
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, SyntaxError):
        code = _syntax_code(exc)
        rel = _rel(fixture, exc.filename) if exc.filename else None
        at = f"{rel}:{exc.lineno}" if rel is not None else _innermost_fixture_frame(fixture, exc)
        return {"loads": False, "code": code, "at": at, "exc": text}

    at = _innermost_fixture_frame(fixture, exc)
    code = "UNKNOWN"
    message = str(exc)
    if isinstance(exc, NameError):
        code = "RL205"
    elif type(exc).__name__ == "InvalidRequestError" and type(exc).__module__.startswith("sqlalchemy"):
        if DUPLICATE_TABLE in message:
            code = "RL001"
        elif "does not have a __table__ or __tablename__ specified" in message:
            code = "RL004"
    elif type(exc).__name__ == "ArgumentError" and type(exc).__module__.startswith("sqlalchemy"):
        if "could not assemble any primary key columns" in message:
            code = "RL003"
    elif isinstance(exc, ModuleNotFoundError):
        if PARTIAL in message:
            code = "RL203"
        else:
            top = (exc.name or "").split(".")[0]
            code = "RL200" if top in own else "RL201"
    elif isinstance(exc, (ImportError, AttributeError)) and PARTIAL in message:
        code = "RL203"
    elif isinstance(exc, ImportError) and ("cannot import name" in message
                                           or _is_from_import(fixture, at)):
        code = "RL202"  # the second: a library's __getattr__ refusing a removed name
    return {"loads": False, "code": code, "at": at, "exc": text}


# --------------------------------------------------------------------------- import hook


class Recorder:
    def __init__(self, fixture: Path, root: Path):
        self.fixture = fixture
        self.root = root
        self.own = own_top_level_names(root)
        self.last: dict[str, dict] = {}  # module -> outcome of its last execution
        self.calls: dict[str, dict] = {}  # name -> outcome of the last import_module(name)
        self.order: list[str] = []

    def install(self) -> None:
        recorder = self

        class RecordingLoader(importlib.machinery.SourceFileLoader):
            def exec_module(self, module):
                name = module.__spec__.name if module.__spec__ else module.__name__
                recorder.order.append(name)
                try:
                    super().exec_module(module)
                except BaseException as exc:
                    recorder.last[name] = classify(recorder.fixture, recorder.own, exc)
                    raise
                recorder.last[name] = {"loads": True, "router_object": holds_router(module)}

        class RecordingFinder:
            @classmethod
            def find_spec(cls, fullname, path=None, target=None):
                if fullname.split(".")[0] not in recorder.own:
                    return None
                spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
                if spec is None or spec.origin is None:
                    return spec  # None, or a namespace package: nothing to execute
                if _rel(recorder.fixture, spec.origin) is None:
                    return spec
                if type(spec.loader) is importlib.machinery.SourceFileLoader:
                    spec.loader = RecordingLoader(fullname, spec.origin)
                return spec

            @classmethod
            def invalidate_caches(cls):
                pass

        sys.meta_path.insert(0, RecordingFinder)

        # What a loader's `importlib.import_module(name)` call did: it can raise although the
        # module itself ran (its package's __init__ failed later), and then the router is not
        # included: that call's outcome is the router's.
        original = importlib.import_module

        def recording_import_module(name, package=None):
            full = importlib.util.resolve_name(name, package) if name.startswith(".") else name
            try:
                imported = original(name, package)
            except BaseException as exc:
                recorder.calls[full] = classify(recorder.fixture, recorder.own, exc)
                raise
            recorder.calls[full] = {"loads": True}
            return imported

        importlib.import_module = recording_import_module


def _prepare_process(root: Path) -> None:
    sys.dont_write_bytecode = True
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != Path(here)]
    sys.path.insert(0, str(root))
    os.chdir(root)


def run_single(fixture: Path, module: str) -> dict:
    """Import one router in this (fresh) interpreter."""
    expect = load_expect(fixture)
    root = source_root(fixture, expect)
    _prepare_process(root)
    rec = Recorder(fixture, root)
    rec.install()
    try:
        imported = importlib.import_module(module)
    except BaseException as exc:  # noqa: BLE001 - we report everything
        return classify(fixture, rec.own, exc)
    return {"loads": True, "router_object": holds_router(imported)}


def run_script(fixture: Path, rel: str) -> dict:
    """Run one script as `PYTHONPATH=<source root> python <rel>` from the fixture folder
    does: its own folder first on sys.path (pytest's rootdir insertion gives a test file
    without `__init__.py` the same), then the source root."""
    expect = load_expect(fixture)
    root = source_root(fixture, expect)
    path = (fixture / rel).resolve()
    _prepare_process(root)
    sys.path.insert(0, str(path.parent))
    own = own_top_level_names(root) | own_top_level_names(path.parent)
    import runpy

    try:
        runpy.run_path(str(path), run_name="__main__")
    except BaseException as exc:  # noqa: BLE001 - we report everything
        return classify(fixture, own, exc)
    return {"loads": True}


def run_script_subprocess(fixture: Path, rel: str) -> dict:
    return _subprocess(fixture, "--script", rel)


def holds_router(module) -> bool:
    """Does the loaded module hold, at top level, an instance of FastAPI's APIRouter?"""
    try:
        from fastapi import APIRouter
    except ImportError:
        return False
    return any(isinstance(value, APIRouter) for value in vars(module).values())


def run_alone_subprocess(fixture: Path, module: str) -> dict:
    return _subprocess(fixture, "--single", module)


def _subprocess(fixture: Path, mode: str, what: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-I", str(Path(__file__).resolve()), mode, str(fixture), what],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(fixture),
    )
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {
            "loads": False,
            "code": "UNKNOWN",
            "at": None,
            "exc": f"oracle subprocess exited {proc.returncode}: {proc.stderr.strip()[-2000:]}",
        }


def run(fixture: Path) -> dict:
    fixture = fixture.resolve()
    expect = load_expect(fixture)
    os.environ.update(expect.get("environ", {}))  # the server's environment; subprocesses inherit it
    root = source_root(fixture, expect)
    expected = sorted(expect.get("routers", {}))
    discovered = discover_routers(root)
    routers = sorted(set(expected) | set(discovered))
    entry = expect.get("entry")
    result: dict[str, dict] = {}

    if entry:
        _prepare_process(root)
        rec = Recorder(fixture, root)
        rec.install()
        entry_outcome: dict = {"loads": True}
        module_name, _, factory = entry.partition(":")
        try:
            loaded = importlib.import_module(module_name)
            if factory:  # "app.factory:create_app": what `uvicorn --factory` does
                getattr(loaded, factory)()
        except BaseException as exc:  # noqa: BLE001
            entry_outcome = classify(fixture, rec.own, exc)
        for name in routers:
            call = rec.calls.get(name)
            if call is not None and not call["loads"]:
                result[name] = dict(call, how="entry (the loader's import_module call)")
            elif name in rec.last:
                result[name] = dict(rec.last[name], how="entry")
    else:
        entry_outcome = None

    for name in routers:
        if name not in result:
            result[name] = dict(run_alone_subprocess(fixture, name), how="alone")

    return {
        "mode": "entry" if entry else "alone",
        "entry": entry,
        "entry_outcome": entry_outcome,
        "discovered": discovered,
        "expected": expected,
        "routers": result,
        "scripts": {rel: run_script_subprocess(fixture, rel) for rel in expect.get("scripts", {})},
    }


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] in ("--single", "--script"):
        run_one = run_single if argv[1] == "--single" else run_script
        out = run_one(Path(argv[2]).resolve(), argv[3])
        sys.stdout.flush()
        print("\n" + json.dumps(out), flush=True)
        return 0
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = run(Path(argv[1]))
    # Fixture code may have printed things; the JSON object is the last line.
    sys.stdout.flush()
    print("\n" + json.dumps(out, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
