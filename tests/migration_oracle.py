"""Ground truth for Alembic fixtures: run real Alembic on a copy of the fixture, say what it did.

Usage::

    python tests/migration_oracle.py <fixture_copy>     # prints one JSON object (last line)

Output::

    {"heads": 2 | "fails",                      # `alembic heads` (its ScriptDirectory)
     "upgrade": "ok" | {"fails": "RL404", "at": ["migrations/versions/b2.py:14"],
                        "exc": "OperationalError: ..."},
     "not_migrated": ["users"],                 # compare_metadata: tables the DB lacks
                                                # (upgrade fails: tables `upgrade head --sql`
                                                # never creates)
     "drift": ["add_column users.email"],       # any other difference compare_metadata saw
     "warnings": [{"code": "RL402", "at": [...], "text": "..."}]}

What it runs, in the fixture folder (cwd), with the fixture's alembic.ini (or the file named
by `config` in expect.toml's [migrations]): `ScriptDirectory.get_heads()` (what `alembic
heads` prints), `command.upgrade(cfg, "head")` against a fresh SQLite file, then — when the
upgrade worked — `compare_metadata` between that database and the `target_metadata` env.py
hands Alembic (run through env.py itself, as `alembic check` does). With `database =
"postgresql"` in [migrations] it runs on a fresh database of the PostgreSQL server named by
ROUTERLINT_ORACLE_POSTGRES instead (tests/pg_server.py starts one), for what SQLite cannot
judge (a plain alter_column, schema=).

How it names what happened (Alembic's own exception or warning, then the code routerlint
uses for it):

| Alembic / the database says | code | at |
|---|---|---|
| "Multiple head revisions are present" (MultipleHeads) | RL400 | `revision =` line of each head |
| warning "Revision X referenced from ... is not present" | RL401 | `down_revision =` of the revision naming X |
| KeyError 'X' while the map resolves `depends_on` (no warning) | RL401 | `depends_on =` of each revision naming X |
| warning "Revision X is present more than once", then MultipleHeads with X twice (the ignored file still counts as a head) | RL402 | `revision =` of each file Alembic did not keep |
| CycleDetected "... is detected in revisions (a, b)" | RL403 | `down_revision =` of each named revision |
| "duplicate column name", "already exists" (sqlite) | RL404 | the revision line in the traceback |
| "no such table", "no such column" (sqlite); "... does not exist" (postgresql) | RL405 | the revision line in the traceback |
| KeyError raised in alembic/operations/batch.py (a batch op on a missing column) | RL405 | the revision line in the traceback: the `with` of the batch |

Only to turn Alembic's revision ids into lines does the oracle read the revision files
itself (a regex for the `revision =` / `down_revision =` lines of the file Alembic loaded).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tomllib
import uuid
import warnings
from pathlib import Path

_ASSIGN = r"^\s*{name}\s*(?::[^=\n]*)?=\s*"
_REVISION_ID = re.compile(_ASSIGN.format(name="revision") + r"['\"]([^'\"]+)['\"]", re.M)


def _line(path: Path, name: str) -> int:
    text = path.read_text(encoding="utf-8")
    match = re.search(_ASSIGN.format(name=name), text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 0


class Places:
    """Revision id -> the files declaring it (any version folder under the fixture)."""

    def __init__(self, fixture: Path) -> None:
        self.fixture = fixture
        self.files: dict[str, list[Path]] = {}
        for path in sorted(fixture.rglob("versions/*.py")):
            found = _REVISION_ID.search(path.read_text(encoding="utf-8"))
            if found:
                self.files.setdefault(found.group(1), []).append(path.resolve())

    def at(self, path: Path, name: str) -> str:
        return f"{Path(path).resolve().relative_to(self.fixture).as_posix()}:{_line(Path(path), name)}"

    def ignored(self, rev: str, script) -> list[str]:
        """`revision =` lines of the files declaring `rev` that Alembic did not keep."""
        kept = Path(script.get_revision(rev).path).resolve()
        return [self.at(path, "revision") for path in self.files.get(rev, []) if path != kept]

    def of(self, rev: str, name: str) -> list[str]:
        return [self.at(path, name) for path in self.files.get(rev, [])]

    def naming(self, missing: str, name: str) -> list[str]:
        """`name =` lines (e.g. depends_on) of the revision files whose value quotes `missing`."""
        found = []
        for paths in self.files.values():
            for path in paths:
                text = path.read_text(encoding="utf-8")
                match = re.search(_ASSIGN.format(name=name) + r"(.*)$", text, re.M)
                if match and re.search(rf"['\"]{re.escape(missing)}['\"]", match.group(1)):
                    found.append(self.at(path, name))
        return found


def _frame_at(fixture: Path, exc: BaseException) -> list[str]:
    """The innermost traceback line inside the fixture (the op that the database refused)."""
    at = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        try:  # alembic's op proxies run as "<string>": never resolve those against cwd
            if not os.path.isabs(filename):
                raise ValueError(filename)
            rel = Path(filename).resolve().relative_to(fixture)
            at = f"{rel.as_posix()}:{tb.tb_lineno}"
        except (ValueError, OSError):
            pass
        tb = tb.tb_next
    return [at] if at else []


def _map_failure(exc: BaseException, caught, places: Places, script=None) -> dict:
    """An exception Alembic raised while building or using the revision map."""
    text = f"{type(exc).__name__}: {exc}"
    from alembic.script.revision import CycleDetected, MultipleHeads

    if isinstance(exc, CycleDetected):
        return {"fails": "RL403", "exc": text,
                "at": sorted(a for rev in exc.revisions for a in places.of(rev, "down_revision"))}
    missing = [str(w.message) for w in caught if "referenced from" in str(w.message)]
    if isinstance(exc, KeyError) and missing:
        at = []
        for message in missing:
            match = re.match(r"Revision (\S+) referenced from .*?-> (\S+)", message)
            if match:
                at += places.of(match.group(2), "down_revision")
        return {"fails": "RL401", "exc": f"{text} ({'; '.join(missing)})", "at": sorted(at)}
    if isinstance(exc, KeyError) and _raised_in(exc, "alembic/script/revision.py",
                                                "_add_depends_on"):
        # depends_on naming nothing: Alembic looks it up without a warning first
        return {"fails": "RL401", "exc": text,
                "at": sorted(places.naming(str(exc.args[0]), "depends_on"))}
    if isinstance(exc, MultipleHeads) or "Multiple head" in str(exc):
        heads = script.get_heads() if script is not None else []
        twice = sorted({h for h in heads if heads.count(h) > 1})
        if twice:  # the file Alembic ignored for a repeated id still counts as a head
            return {"fails": "RL402", "exc": text, "at": sorted(
                at for rev in twice for at in places.ignored(rev, script))}
        return {"fails": "RL400", "exc": text, "at": sorted(
            places.at(script.get_revision(h).path, "revision") for h in heads)}
    if isinstance(exc, (SyntaxError, ImportError)):  # Alembic loading a revision file
        return _load_failure(exc, text, places.fixture)
    return {"fails": "UNKNOWN", "exc": text, "at": []}


def _load_failure(exc: BaseException, text: str, fixture: Path) -> dict:
    """A revision file Alembic could not load (it executes each when it reads the folder):
    CPython refused it (RL100, RL101 by its message, RL102 when only the compiler refused
    it), or one of its imports failed (RL202 for a name, RL200 for a module of the fixture,
    RL201 for any other module)."""
    import ast

    if isinstance(exc, SyntaxError):
        code = "RL100"
        if exc.msg.startswith(("non-default argument follows default argument",
                               "parameter without a default follows parameter with a default")):
            code = "RL101"
        else:
            try:
                ast.parse(Path(exc.filename).read_bytes())
                code = "RL102"  # the parser accepts it: the compiler refused it
            except (SyntaxError, ValueError, OSError):
                pass
        rel = Path(exc.filename).resolve().relative_to(fixture).as_posix()
        return {"fails": code, "exc": text, "at": [f"{rel}:{exc.lineno}"]}
    if "cannot import name" in str(exc):
        code = "RL202"
    else:
        top = (getattr(exc, "name", None) or "").split(".")[0]
        code = "RL200" if top and ((fixture / top).is_dir() or (fixture / f"{top}.py").is_file()) \
            else "RL201"
    return {"fails": code, "exc": text, "at": _frame_at(fixture, exc)}


def _raised_in(exc: BaseException, suffix: str, function: str | None = None) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.replace(os.sep, "/").endswith(suffix) and (
                function is None or code.co_name == function):
            return True
        tb = tb.tb_next
    return False


def _db_failure(exc: BaseException, fixture: Path) -> dict:
    text = f"{type(exc).__name__}: {exc}"
    message = str(exc).lower()
    code = "UNKNOWN"
    if "duplicate column name" in message or "already exists" in message:
        code = "RL404"
    elif ("no such table" in message or "no such column" in message
          or "does not exist" in message):  # PostgreSQL: relation / column "x" does not exist
        code = "RL405"
    elif isinstance(exc, KeyError) and _raised_in(exc, "alembic/operations/batch.py"):
        code = "RL405"  # a batch op names a column the table it recreates does not have
    return {"fails": code, "exc": text.splitlines()[0], "at": _frame_at(fixture, exc)}


def _compare(cfg, script) -> tuple[list[str], list[str]]:
    """(tables the upgraded database lacks, every other difference) against env.py's
    target_metadata, as `alembic check` compares them."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.environment import EnvironmentContext

    diffs: list = []

    def fn(rev, context):
        diffs.extend(compare_metadata(context, context.opts["target_metadata"]))
        return []

    with EnvironmentContext(cfg, script, fn=fn):
        script.run_env()
    missing, drift = [], []
    for diff in diffs:
        if isinstance(diff, tuple) and diff[0] == "add_table":
            table = diff[1]
            missing.append(f"{table.schema}.{table.name}" if table.schema else table.name)
        else:
            drift += _named(diff)
    return sorted(missing), sorted(drift)


def _named(diff) -> list[str]:
    """compare_metadata's difference as `alembic check` names it, short: "add_column
    users.email", "remove_table audit", "modify_nullable users.name" (a column's
    modifications come as a list); anything else as its repr."""
    if isinstance(diff, list):
        return [name for item in diff for name in _named(item)]

    def qualified(schema, name):
        return f"{schema}.{name}" if schema else name

    kind = diff[0]
    if kind in ("add_column", "remove_column"):
        return [f"{kind} {qualified(diff[1], diff[2])}.{diff[3].name}"]
    if kind == "remove_table":
        return [f"{kind} {qualified(diff[1].schema, diff[1].name)}"]
    if kind.startswith("modify_"):
        return [f"{kind} {qualified(diff[1], diff[2])}.{diff[3]}"]
    return [repr(diff)[:200]]


def _offline_not_created(cfg, script) -> list[str] | None:
    """When the upgrade fails, the tables of target_metadata the chain never creates, from
    the SQL `alembic upgrade head --sql` writes (offline: no database refuses anything):
    each table with no CREATE TABLE, or dropped again by a later DROP TABLE. None when
    Alembic cannot write the script (a batch op needs a database to reflect)."""
    import io

    from alembic.runtime.environment import EnvironmentContext

    buffer, metas = io.StringIO(), []

    def fn(rev, context):
        metas.append(context.opts["target_metadata"])
        return script._upgrade_revs("head", rev)

    try:
        with EnvironmentContext(cfg, script, fn=fn, as_sql=True, starting_rev=None,
                                destination_rev="head", output_buffer=buffer):
            script.run_env()
    except Exception:  # noqa: BLE001 - offline mode refused: say nothing
        return None
    created: set[str] = set()
    for verb, name in re.findall(r"^(CREATE|DROP) TABLE (?:IF NOT EXISTS )?\"?([\w.]+)\"?",
                                 buffer.getvalue(), re.M):
        (created.add if verb == "CREATE" else created.discard)(name)
    found = []
    for meta in metas[:1]:
        for table in (meta if isinstance(meta, (list, tuple)) else [meta]):
            for t in table.tables.values():
                name = f"{t.schema}.{t.name}" if t.schema else t.name
                if name not in created:
                    found.append(name)
    return sorted(found)


def run(fixture: Path) -> dict:
    fixture = fixture.resolve()
    with open(fixture / "expect.toml", "rb") as handle:
        spec = tomllib.load(handle).get("migrations", {})
    os.chdir(fixture)
    sys.dont_write_bytecode = True
    from alembic.config import Config

    config = spec.get("config", "alembic.ini")
    cfg = Config(toml_file=config) if config.endswith(".toml") else Config(config)
    if spec.get("database", "sqlite") == "postgresql":
        with _postgres_database() as url:
            cfg.set_main_option("sqlalchemy.url", url)
            return _judge(fixture, cfg)
    database = fixture / "oracle.db"
    if database.exists():
        database.unlink()
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{database}")
    return _judge(fixture, cfg)


@contextlib.contextmanager
def _postgres_database():
    """A fresh database on the server ROUTERLINT_ORACLE_POSTGRES names (the test starts one:
    tests/pg_server.py), dropped afterwards."""
    import psycopg2

    server = os.environ.get("ROUTERLINT_ORACLE_POSTGRES")
    if not server:
        raise SystemExit("this fixture needs PostgreSQL: set ROUTERLINT_ORACLE_POSTGRES to a "
                         "server URL (tests/test_migrations.py starts one)")
    name = f"oracle_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(server)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        base = server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg2://", 1)
        yield f"{base}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _judge(fixture: Path, cfg) -> dict:
    from alembic import command
    from alembic.script import ScriptDirectory

    places = Places(fixture)
    out: dict = {"heads": None, "upgrade": None, "not_migrated": [], "drift": [],
                 "warnings": []}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        script = None
        try:
            script = ScriptDirectory.from_config(cfg)
            out["heads"] = len(script.get_heads())
        except Exception as exc:  # noqa: BLE001 - the map itself is refused
            out["heads"] = "fails"
            out["upgrade"] = _map_failure(exc, caught, places)
        if out["upgrade"] is None:
            try:
                command.upgrade(cfg, "head")
                out["upgrade"] = "ok"
            except Exception as exc:  # noqa: BLE001
                from alembic.util import CommandError

                out["upgrade"] = (_map_failure(exc, caught, places, script)
                                  if isinstance(exc, CommandError) or "Multiple head" in str(exc)
                                  else _db_failure(exc, fixture))
        if out["upgrade"] == "ok":
            out["not_migrated"], out["drift"] = _compare(cfg, script)
        elif out["heads"] == 1:  # the database refused an op: what else would be missing
            out["not_migrated"] = _offline_not_created(cfg, script) or []
    for text in sorted({str(warning.message) for warning in caught}):
        match = re.match(r"Revision (\S+) is present more than once", text)
        if match and script is not None:
            out["warnings"].append({"code": "RL402", "text": text,
                                    "at": sorted(places.ignored(match.group(1), script))})
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = run(Path(argv[1]))
    sys.stdout.flush()
    print("\n" + json.dumps(out, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
