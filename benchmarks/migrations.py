"""What an Alembic chain of 500 revisions adds to routerlint's warm and one-change runs.

Generates the synthetic app of `generate.py` twice — once bare, once with `alembic.ini`, an
`env.py` targeting `Base.metadata` and a chain of N revisions (default 500) that creates every
model table, then adds, indexes, renames (in batch mode) and drops columns, with a branch and
its merge every 100 revisions — and times fresh `python -m routerlint scan` processes in each:
warm (nothing changed: the report cache answers) and one change (a different edit of one
service file each time: the phases run again, the revisions' facts come from the cache),
the two apps' runs alternating.
Both apps are scanned with the interpreter of a venv holding their dependencies (appenv.py),
so their routers load as in real use. Best of --repeat runs each; prints the seconds and the
% the migrations add.

    python benchmarks/migrations.py [--lines 20000] [--revisions 500] [--repeat 9]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from appenv import app_python, versions  # noqa: E402
from generate import checked_out_earlier, generate  # noqa: E402

_INI = """[alembic]
script_location = %(here)s/migrations
prepend_sys_path = .
path_separator = os
sqlalchemy.url = sqlite:///app.db
"""

_ENV = """from alembic import context
from sqlalchemy import engine_from_config, pool

from app.db import Base
import app.models  # noqa: F401

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
"""

_REVISION = '''"""{message}

Revision ID: {rev}
Revises: {down}
"""
from alembic import op
import sqlalchemy as sa

revision = {rev!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
{body}


def downgrade() -> None:
    pass
'''


def _tables(root: Path) -> list:
    """(table, its `name` column's String length) for each model table generate.py wrote
    (each once), in file order: the chain creates them as the models declare them, so the
    only findings are the app's own."""
    found: dict = {}
    for path in sorted((root / "app" / "models").glob("m*.py"),
                       key=lambda p: int(p.stem[1:])):
        table = None
        for line in path.read_text().splitlines():
            if "__tablename__" in line:
                table = line.split('"')[1]
            elif table and "name = Column(String(" in line:
                found.setdefault(table, int(line.split("String(")[1].split(")")[0]))
                table = None
    return list(found.items())


def _bodies(tables: list, count: int) -> list:
    """`count` upgrade() bodies: create every table (a few per revision), then cycles of
    add column / index / batch rename / drop that leave the schema equal to the models."""
    per = max(1, -(-len(tables) // max(1, count // 5)))
    bodies = []
    for start in range(0, len(tables), per):
        bodies.append("\n".join(
            f'    op.create_table("{t}", sa.Column("id", sa.Integer(), nullable=False), '
            f'sa.Column("name", sa.String({length})), sa.Column("owner_id", sa.Integer()), '
            f'sa.PrimaryKeyConstraint("id"))' for t, length in tables[start:start + per]))
    step = 0
    while len(bodies) < count:
        table = tables[step % len(tables)][0]
        column, index = f"extra_{step}", f"ix_{table}_extra_{step}"
        bodies += [
            f'    op.add_column("{table}", sa.Column("{column}", sa.String(40)))',
            f'    op.create_index("{index}", "{table}", ["{column}"])',
            f'    with op.batch_alter_table("{table}") as batch_op:\n'
            f'        batch_op.alter_column("{column}", new_column_name="{column}_v2")',
            f'    op.drop_index("{index}", table_name="{table}")\n'
            f'    op.drop_column("{table}", "{column}_v2")',
        ]
        step += 1
    return bodies[:count]


def add_migrations(root: Path, count: int) -> None:
    (root / "alembic.ini").write_text(_INI)
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(_ENV)
    rng = random.Random(14)  # ids as Alembic makes them (12 hex digits): about 4 in 10
    # start with a letter (file names that could be module names; routerlint reads none as one)
    tip, parent = None, None  # the last revision, and its down_revision
    for n, body in enumerate(_bodies(_tables(root), count)):
        rev, down = f"{rng.getrandbits(48):012x}", tip
        if n % 100 == 99 and parent is not None:  # a fork beside the tip, merged here
            fork = f"{rng.getrandbits(48):012x}"
            (versions / f"{fork}_fork.py").write_text(_REVISION.format(
                message=f"fork {n}", rev=fork, down=parent, body="    pass"))
            down = (tip, fork)
        (versions / f"{rev}_step_{n}.py").write_text(_REVISION.format(
            message=f"step {n}", rev=rev, down=down, body=body))
        tip, parent = rev, down


def _timed(command: list, cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(f"routerlint failed in {cwd}:\n{done.stderr[-2000:]}")
    return elapsed


def measure(roots: list, repeat: int, python: str) -> list:
    """{"warm": s, "changed": s} for each app. The apps' runs alternate (bare, alembic, bare,
    ...), so that a slower stretch of a shared machine slows both alike."""
    scan = [sys.executable, "-m", "routerlint", "scan", "--exit-zero", "--python", python, "."]
    for root in roots:
        shutil.rmtree(root / ".routerlint_cache", ignore_errors=True)
        _timed(scan, root)  # fills the caches (the files are dated an hour back, as in a checkout)
    time.sleep(2.1)  # the cold runs created .routerlint_cache/, so the root folders are too new
    for root in roots:  # to trust for 2 s (racy): a real warm run comes later; this run keeps
        _timed(scan, root)  # the file list as trusted
    found = [{"warm": float("inf"), "changed": float("inf")} for _ in roots]
    for _ in range(repeat):
        for times, root in zip(found, roots):
            times["warm"] = min(times["warm"], _timed(scan, root))
    for n in range(repeat):  # a different edit each time: the report cache misses
        for times, root in zip(found, roots):
            target = root / "app" / "services" / "s3.py"
            target.write_text(target.read_text() + f"\nBENCH_CHANGE_{n} = 1\n")
            times["changed"] = min(times["changed"], _timed(scan, root))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--revisions", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--work", type=Path, default=Path("/tmp/routerlint-bench-migrations"))
    args = parser.parse_args()
    python = app_python(args.work)
    bare, alembic = args.work / "bare", args.work / "alembic"
    generate(bare, args.lines)
    generate(alembic, args.lines)
    add_migrations(alembic, args.revisions)
    checked_out_earlier(bare)
    checked_out_earlier(alembic)
    revisions = len(list((alembic / "migrations" / "versions").glob("*.py")))
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}, load average at start {os.getloadavg()[0]:.2f}; "
          f"{args.lines:,} lines, {revisions} revision files, best of {args.repeat}; the app's "
          f"environment: {versions(python)}")
    without, with_ = measure([bare, alembic], args.repeat, python)
    print("| run | without migrations s | with migrations s | added |")
    print("|---|---|---|---|")
    for key, name in (("warm", "warm"), ("changed", "one change")):
        added = (with_[key] - without[key]) / without[key] * 100
        print(f"| {name} | {without[key]:.3f} | {with_[key]:.3f} | {added:+.1f}% |")
    print(f"(load average at end {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
