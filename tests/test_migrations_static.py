"""The pieces of the Alembic reading, one at a time: where script folders are found, what a
revision file says, Alembic's revision map and the replayed schema. The fixtures
(test_migrations.py) judge the whole against real Alembic; these pin the edges."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

from routerlint.engine import Options, analyze
from routerlint.facts.alembic_env import read_env_target
from routerlint.facts.revisions import read_revision
from routerlint.project.migrations import (
    revision_files, script_locations, unread_files,
)
from routerlint.rules.migration_cases import CREATE_USERS, project, revision
from routerlint.runtime.revision_map import build
from routerlint.runtime.schema_replay import replay


def write(root: Path, files: dict) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def rev(rid, down, *ops, path=None):
    return read_revision(revision(rid, down, *ops).encode(), path or f"v/{rid}.py")


# -- discovery ----------------------------------------------------------------------------


def test_script_location_relative_to_the_ini_folder_and_here(tmp_path):
    write(tmp_path, {"backend/alembic.ini": "[alembic]\nscript_location = db/migrations\n",
                     "backend/db/migrations/versions/a.py": "",
                     "ops/alembic.ini": "[alembic]\nscript_location = %(here)s/mig\n",
                     "ops/mig/env.py": ""})
    found = {loc.folder for loc in script_locations(tmp_path)}
    assert found == {(tmp_path / "backend/db/migrations").resolve(),
                     (tmp_path / "ops/mig").resolve()}


def test_version_locations_and_file_order(tmp_path):
    write(tmp_path, {
        "alembic.ini": "[alembic]\nscript_location = m\nversion_locations = %(here)s/v1 %(here)s/v2\n",
        "m/env.py": "", "v1/b.py": "", "v1/a.py": "", "v1/__init__.py": "", "v2/c.py": "",
        "v1/sub/d.py": ""})
    (location,) = script_locations(tmp_path)
    names = [os.path.basename(p) for p in revision_files(location)]
    assert names == ["a.py", "b.py", "c.py"]  # sorted per folder, no __init__, not recursive


def test_pyproject_tool_alembic(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.alembic]\nscript_location = "%(here)s/db"\n',
                     "db/versions/x.py": ""})
    (location,) = script_locations(tmp_path)
    assert location.folder == (tmp_path / "db").resolve()
    assert location.declared_in.name == "pyproject.toml" and location.line == 2


def test_layout_fallback_needs_both_assignments(tmp_path):
    write(tmp_path, {"db/versions/a.py": 'revision = "a"\ndown_revision = None\n',
                     "other/versions/b.py": 'revision = "b"\n'})
    assert [loc.folder.name for loc in script_locations(tmp_path)] == ["db"]
    assert not script_locations(write(tmp_path / "none", {"app/x.py": ""}))


def test_every_alembic_file_read_is_stamped_for_the_report_cache(tmp_path):
    from routerlint.facts.cache import Cache
    from routerlint.project.discover import discover
    from routerlint.runtime.migrations import analyse

    root = write(tmp_path, project([("a1", None, [CREATE_USERS]), ("b2", "a1", [])],
                                   models=None))
    found = discover([str(root)])
    for cache in (None, Cache(found.root, (3, 11)), Cache(found.root, (3, 11))):
        stamps: dict = {}
        analyse(found, [], cache, stamps)
        assert sorted(Path(p).name for p in stamps) == [
            "00_a1.py", "01_b2.py", "alembic.ini", "env.py"]


# -- one revision file ----------------------------------------------------------------------


def test_identifiers_plain_and_annotated():
    source = textwrap.dedent('''\
        from typing import Sequence, Union
        revision: str = "b2"
        down_revision: Union[str, Sequence[str], None] = ("a1", "x9")
        branch_labels = ("main",)
        depends_on = "d0"
        ''').encode()
    found = read_revision(source, "v/b2.py")
    assert (found.revision, found.line, found.down, found.down_line) == ("b2", 2, ["a1", "x9"], 3)
    assert found.branch_labels == ["main"] and found.depends_on == ["d0"]


def test_a_revision_id_that_is_not_a_literal_is_not_guessed():
    found = read_revision(b'revision = make_id()\ndown_revision = None\n', "v/x.py")
    assert found.revision is None


def test_upgrade_ops_in_order_batch_and_unknown():
    found = rev("b2", "a1",
                'op.add_column("users", sa.Column("email", sa.String()), schema="app")',
                'op.create_index(op.f("ix_users_email"), "users", ["email"])',
                'with op.batch_alter_table("users") as batch_op:',
                '    batch_op.alter_column("name", new_column_name="full_name")',
                '    batch_op.drop_column("legacy")',
                'op.execute("ALTER TABLE teams ADD x INT")',
                'bind = op.get_bind()',
                'helper(op)')
    assert [(o.kind, o.table, o.column, o.new) for o in found.ops] == [
        ("add_column", "app.users", "email", None),
        ("create_index", "users", None, None),
        ("rename_column", "users", "name", "full_name"),
        ("drop_column", "users", "legacy", None),
        ("unknown", None, None, None),
        ("unknown", None, None, None),
    ]
    assert found.ops[1].index == "ix_users_email" and found.ops[1].columns == ["email"]
    assert found.ops[2].block == found.ops[2].line - 1 and found.ops[4].words == ["add", "alter", "int", "table", "teams", "x"]
    assert found.ops[5].words is None  # a helper: may touch anything


def test_env_target_metadata():
    source = b"from app.db import Base as B\nimport app.extra\ntarget_metadata = [B.metadata, app.extra.meta]\n"
    target = read_env_target(source)
    assert target.line == 3
    assert target.refs == [("app.db", ["Base", "metadata"]), ("app", ["extra", "meta"])]
    assert read_env_target(b"target_metadata = build()\n").refs is None


# -- the revision map ------------------------------------------------------------------------


def test_heads_merge_and_depends_on():
    chain = build([rev("a1", None), rev("b2", "a1"), rev("c3", "a1"), rev("d4", ("b2", "c3")),
                   rev("e5", None)])
    assert chain.heads == ["d4", "e5"] and not chain.broken
    assert [r.revision for r in chain.ancestors_in_order("d4")] == ["a1", "b2", "c3", "d4"]


def test_duplicate_ids_later_file_wins_and_stays_listed_as_a_head():
    first, second = rev("b2", "a1", path="v/1.py"), rev("b2", "a1", path="v/2.py")
    chain = build([rev("a1", None), first, second])
    assert chain.by_id["b2"] is second and chain.duplicates == [(first, second)]
    assert chain.listed_heads == ["b2", "b2"]  # what `alembic heads` prints


def test_unknown_parent_and_cycles_break_the_map():
    chain = build([rev("a1", None), rev("b2", "zz")])
    assert [(r.revision, missing) for r, missing, _ in chain.unknown] == [("b2", "zz")]
    loop = build([rev("a1", None), rev("b2", "c3"), rev("c3", "b2"), rev("d4", "d4")])
    assert sorted(sorted(r.revision for r in cycle) for cycle in loop.cycles) == [
        ["b2", "c3"], ["d4"]]
    assert loop.broken


# -- the replayed schema ---------------------------------------------------------------------


def codes(*revisions):
    return [(p.code, p.rev.revision, p.op.line) for p in replay(list(revisions))[1]]


def test_index_expressions_are_not_columns():
    """prefect: `op.create_index("ix", "flow_run", [sa.text("end_time DESC")])`."""
    assert not codes(rev("a1", None, CREATE_USERS,
                         'op.create_index("ix_name_desc", "users", [sa.text("name DESC"), "id"])'))
    assert [c for c, _, _ in codes(rev("a1", None, CREATE_USERS,
                                       'op.create_index("ix_x", "users", ["nope"])'))] == ["RL405"]


def test_indexes_go_with_their_table():
    """prefect: drop_table("worker"), create it again with index ix_worker__updated."""
    index = 'op.create_index(op.f("ix_users_name"), "users", ["name"])'
    assert not codes(rev("a1", None, CREATE_USERS, index),
                     rev("b2", "a1", 'op.drop_table("users")', CREATE_USERS, index))
    assert [c for c, _, _ in codes(rev("a1", None, CREATE_USERS, index),
                                   rev("b2", "a1", index))] == ["RL404"]


def test_rename_then_use_the_new_name():
    assert not codes(rev("a1", None, CREATE_USERS),
                     rev("b2", "a1", 'op.rename_table("users", "members")',
                         'op.alter_column("members", "name", new_column_name="full_name")',
                         'op.drop_column("members", "full_name")'))


def test_use_of_the_old_name_after_a_rename_is_missing():
    found = codes(rev("a1", None, CREATE_USERS),
                  rev("b2", "a1", 'op.rename_table("users", "members")',
                      'op.add_column("users", sa.Column("x", sa.String()))'))
    assert [c for c, _, _ in found] == ["RL405"]


def test_literal_sql_blinds_only_the_tables_it_names():
    found = codes(rev("a1", None, 'op.execute("CREATE TABLE users (id INTEGER)")',
                      'op.drop_table("teams")'),
                  rev("b2", "a1", 'op.add_column("users", sa.Column("x", sa.String()))'))
    assert [(c, r) for c, r, _ in found] == [("RL405", "a1")]  # teams, never users


def test_data_changes_leave_the_schema_known():
    """Row updates (literal DML, SQLAlchemy update/insert constructs, a bind's execute)
    and enum types change no table; DDL in an autocommit block is read as usual."""
    found = rev("a1", None, 'op.execute("UPDATE users SET name = \'x\'")',
                "op.execute(sa.update(users).where(users.c.id == 1).values(name='y'))",
                'op.get_bind().execute(sa.text("DELETE FROM users"))',
                'sa.Enum("a", "b", name="kind").create(op.get_bind(), checkfirst=True)',
                "with op.get_context().autocommit_block():",
                '    op.drop_table("users")')
    assert [o.kind for o in found.ops] == ["drop_table"]
    assert [o.kind for o in rev("a1", None, "op.execute(build_sql())").ops] == ["unknown"]


def test_code_of_unknown_effect_blinds_everything_after_it():
    assert not codes(rev("a1", None, "create_everything(op)"),
                     rev("b2", "a1", 'op.drop_column("users", "email")'))


def test_tables_created_after_unknown_code_are_judged_again():
    """Only the tables an op read after the unknown code settles: created, dropped, renamed."""
    found = codes(rev("a1", None, CREATE_USERS, "create_everything(op)"),
                  rev("b2", "a1", 'op.create_table("audit", sa.Column("id", sa.Integer()))',
                      'op.add_column("audit", sa.Column("x", sa.String()))',
                      'op.add_column("audit", sa.Column("x", sa.String()))',
                      'op.add_column("users", sa.Column("name", sa.String()))',
                      'op.rename_table("users", "members")',
                      'op.drop_column("members", "anything")',
                      'op.add_column("users", sa.Column("y", sa.String()))',
                      'op.execute("ALTER TABLE audit ADD z INT")'),
                  rev("c3", "b2", 'op.add_column("audit", sa.Column("x", sa.String()))'))
    # audit.x twice: judged; users' name: unknown (users predates the unknown code);
    # members' columns: unknown; users after the rename: gone; audit after SQL naming it:
    # unknown again
    assert [(c, r) for c, r, _ in found] == [("RL404", "b2"), ("RL405", "b2")]


def test_create_table_with_unknown_columns_judges_the_table_only():
    found = codes(rev("a1", None, 'op.create_table("users", *columns())'),
                  rev("b2", "a1", 'op.drop_column("users", "anything")',
                      'op.create_table("users")'))
    assert [c for c, _, _ in found] == ["RL404"]


# -- the whole run: JSON, cache ----------------------------------------------------------------


def _scan(root: Path, cache: bool = False):
    return analyze(Options(paths=[str(root)], cache=cache, python=sys.executable))


def test_json_section_only_with_alembic(tmp_path):
    from routerlint.reporters.formats import to_json

    plain = write(tmp_path / "plain", {"pyproject.toml": "[project]\nname='p'\n",
                                       "app/__init__.py": "", "app/x.py": "X = 1\n"})
    assert "migrations" not in json.loads(to_json(_scan(plain)))
    mig = write(tmp_path / "mig", project([("a1", None, [CREATE_USERS]), ("b2", "a1", [])]))
    (section,) = json.loads(to_json(_scan(mig)))["migrations"]
    assert section["script_location"] == "migrations" and section["config"] == "alembic.ini"
    assert section["heads"] == ["b2"]
    assert [(r["id"], r["parents"], r["path"]) for r in section["revisions"]] == [
        ("a1", [], "migrations/versions/00_a1.py"), ("b2", ["a1"], "migrations/versions/01_b2.py")]


def test_report_cache_sees_an_edited_revision(tmp_path):
    root = write(tmp_path, project([("a1", None, [CREATE_USERS]), ("b2", "a1", [])]))
    assert not [d for d in _scan(root, cache=True).diagnostics if d.code.startswith("RL4")]
    target = root / "migrations/versions/01_b2.py"
    target.write_text(target.read_text().replace("down_revision = 'a1'", "down_revision = 'a0'"))
    assert [d.code for d in _scan(root, cache=True).diagnostics] == ["RL401"]
    assert [d.code for d in _scan(root, cache=True).diagnostics] == ["RL401"]  # cached
    (root / "migrations/versions/02_a0.py").write_text(revision("a0", "a1"))
    assert not [d for d in _scan(root, cache=True).diagnostics if d.code.startswith("RL4")]


def test_an_unchanged_chain_is_not_read_again_and_an_edit_is_still_seen(tmp_path, monkeypatch):
    import os
    import time

    import routerlint.runtime.migrations as migrations
    from routerlint.facts.cache import Cache
    from routerlint.project.discover import discover

    root = write(tmp_path, project([("a1", None, [CREATE_USERS]), ("b2", "a1", [])]))
    versions = root / "migrations/versions"
    old = time.time() - 100  # older than the racy window: stamps with an mtime are kept
    for path in versions.iterdir():
        os.utime(path, (old, old))
    found = discover([str(root)])
    first = migrations.analyse(found, [], Cache(found.root, (3, 11)))
    reads = []
    real = migrations.read_stamped
    monkeypatch.setattr(migrations, "read_stamped",
                        lambda path, record: reads.append(path) or real(path, record))
    stamps: dict = {}
    again = migrations.analyse(found, [], Cache(found.root, (3, 11)), stamps)
    assert again[1] == first[1] and not [p for p in reads if "/versions/" in p]
    assert {Path(p).name for p in stamps} >= {"00_a1.py", "01_b2.py"}
    target = versions / "01_b2.py"  # same size, new content, an mtime of its own
    target.write_text(target.read_text().replace("down_revision = 'a1'", "down_revision = 'a0'"))
    os.utime(target, (old + 10, old + 10))
    edited = migrations.analyse(found, [], Cache(found.root, (3, 11)))
    assert [d.code for d in edited[0]] == ["RL401"]


def test_package_resource_script_location_and_recursive_versions(tmp_path):
    """dstack: year folders with recursive_version_locations; prefect: `pkg:sub:folder`."""
    write(tmp_path, {
        "src/pkg/server/alembic.ini": "[alembic]\nscript_location = pkg:server:_migrations\n",
        "src/pkg/__init__.py": "", "src/pkg/server/_migrations/versions/2024/a.py": "",
        "svc/alembic.ini": "[alembic]\nscript_location = m\nrecursive_version_locations = true\n",
        "svc/m/versions/2023/b.py": "", "svc/m/versions/2024/c.py": ""})
    found = {loc.folder: loc for loc in script_locations(tmp_path, roots=[tmp_path / "src"])}
    prefect_like = found[(tmp_path / "src/pkg/server/_migrations").resolve()]
    dstack_like = found[(tmp_path / "svc/m").resolve()]
    assert [os.path.basename(p) for p in revision_files(dstack_like)] == ["b.py", "c.py"]
    assert not revision_files(prefect_like) and unread_files(prefect_like)
    assert not unread_files(dstack_like)


def test_no_model_table_is_judged_when_the_chain_that_runs_is_unknown(tmp_path):
    teams = 'op.create_table("teams", sa.Column("id", sa.Integer(), primary_key=True))'
    root = write(tmp_path, project([("a1", None, [teams])]))
    # users: no revision (RL406); teams: no model declares it (RL408)
    assert [d.code for d in _scan(root).diagnostics] == ["RL406", "RL408"]
    write(root, {"migrations/versions/postgresql/b2.py": revision("b2", "a1", CREATE_USERS)})
    assert not _scan(root).diagnostics  # versions picked in code (prefect): not judged


def test_cached_revision_facts_equal_fresh_ones(tmp_path, monkeypatch):
    import routerlint.runtime.migrations as migrations
    from routerlint.facts.cache import Cache
    from routerlint.project.discover import discover
    from routerlint.runtime.migrations import analyse

    root = write(tmp_path, project([
        ("a1", None, [CREATE_USERS]), ("b2", "a1", ['op.drop_column("users", "nope")  # noqa: RL405']),
        ("c3", "a1", ['op.execute("ALTER TABLE users ADD x INT")'])], models=None))
    found = discover([str(root)])
    cache = Cache(found.root, (3, 11))
    fresh = analyse(found, [])
    first = analyse(found, [], cache)
    monkeypatch.setattr(migrations, "read_revision", lambda *a: 1 / 0)  # hits only now
    second = analyse(found, [], cache)
    assert list((root / ".routerlint_cache").rglob("*.json"))
    for run in (first, second):
        assert run[1] == fresh[1] and run[2] == fresh[2] == {"migrations/versions/01_b2.py": {12: ["RL405"]}}
        assert [(d.code, d.path, d.line, d.message) for d in run[0]] == [
            (d.code, d.path, d.line, d.message) for d in fresh[0]]


def test_model_tables_against_every_script_folder(tmp_path):
    """Two databases, two Alembic folders, env.py targets unknown: a table one folder
    creates is migrated; only a table neither creates is reported, once."""
    teams = 'op.create_table("teams", sa.Column("id", sa.Integer(), primary_key=True))'
    files = project([("a1", None, [CREATE_USERS])])
    files.update({"other/alembic.ini": "[alembic]\nscript_location = m\n", "other/m/env.py": "",
                  "other/m/versions/t1.py": revision("t1", None, teams)})
    user = files["app/models.py"].split("\n\n\n")[-1]
    files["app/models.py"] += "\n\n" + "\n\n".join(
        user.replace("User", cls).replace('"users"', f'"{table}"')
        for cls, table in (("Team", "teams"), ("Audit", "audit")))
    root = write(tmp_path, files)
    found = [d for d in _scan(root).diagnostics if d.code == "RL406"]
    line = files["app/models.py"].splitlines().index("class Audit(Base):") + 1
    assert [(d.symbol, d.line) for d in found] == [("audit", line)]
    assert "migrations/, other/m/" in found[0].message


def test_models_of_tests_and_filtered_envs_are_not_judged(tmp_path):
    files = project([("a1", None, [CREATE_USERS])])
    files["tests/test_tmp.py"] = files["app/models.py"].replace('"users"', '"scratch"')
    root = write(tmp_path, files)
    assert not [d for d in _scan(root).diagnostics if d.code == "RL406"]
    write(root, {"app/models.py": files["app/models.py"].replace('"users"', '"members"')})
    assert [d.symbol for d in _scan(root).diagnostics if d.code == "RL406"] == ["members"]
    write(root, {"migrations/env.py": "def include_object(*a):\n    return True\n"})
    assert not [d for d in _scan(root).diagnostics if d.code == "RL406"]


# -- revision files as Alembic loads them ------------------------------------------------------


def test_revision_files_are_no_app_modules_and_their_failed_imports_are_errors(tmp_path):
    """A revision named like a module (`add_users.py`) is neither scanned as one nor swept:
    its failed import is Alembic's failure to load the folder, an error, at the revision."""
    root = write(tmp_path, project([("a1", None, [CREATE_USERS])]))
    write(root, {"migrations/versions/add_users.py":
                 revision("b2", "a1").replace("import sqlalchemy as sa\n",
                                              "import sqlalchemy as sa\nfrom app.models import Gone\n")})
    report = _scan(root)
    assert report.files == 3  # app, app.models, migrations.env: no revision
    (found,) = [d for d in report.diagnostics if not d.code.startswith("RL4")]
    assert (found.code, found.severity, found.path, found.line) == (
        "RL202", "error", "migrations/versions/add_users.py", 4)
    assert "cannot import name 'Gone' from 'app.models'" in found.message
    assert "alembic heads" in found.message


def test_one_finding_per_failed_import_with_the_other_revisions_named(tmp_path):
    chain = [("a1", None, [CREATE_USERS]), ("b2", "a1", []), ("c3", "b2", [])]
    root = write(tmp_path, project(chain))
    for name in ("01_b2.py", "02_c3.py"):
        target = root / "migrations/versions" / name
        target.write_text(target.read_text().replace(
            "import sqlalchemy as sa\n", "import sqlalchemy as sa\nimport app.enums\n"))
    (found,) = [d for d in _scan(root).diagnostics if not d.code.startswith("RL4")]
    assert (found.code, found.path) == ("RL200", "migrations/versions/01_b2.py")
    assert [(r.path, r.line) for r in found.related] == [("migrations/versions/02_c3.py", 4)]


def test_a_failure_inside_the_imported_module_is_reported_there_only(tmp_path):
    root = write(tmp_path, project([("a1", None, [CREATE_USERS])]))
    models = root / "app/models.py"
    models.write_text("from app.missing import helper\n" + models.read_text())
    target = root / "migrations/versions/00_a1.py"
    target.write_text(target.read_text().replace(
        "import sqlalchemy as sa\n", "import sqlalchemy as sa\nfrom app import models\n"))
    found = [(d.code, d.path) for d in _scan(root).diagnostics if not d.code.startswith("RL4")]
    assert found == [("RL200", "app/models.py")]


def test_a_revision_cpython_refuses_is_reported_with_its_verdict(tmp_path):
    root = write(tmp_path, project([("a1", None, [CREATE_USERS]), ("b2", "a1", [])]))
    target = root / "migrations/versions/01_b2.py"
    target.write_text(target.read_text() + "\n\ndef helper():\n    nonlocal x\n")
    (found,) = [d for d in _scan(root).diagnostics if not d.code.startswith("RL4")]
    assert (found.code, found.path) == ("RL102", "migrations/versions/01_b2.py")
    assert found.line == target.read_text().splitlines().index("    nonlocal x") + 1
