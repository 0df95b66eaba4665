"""Ground truth for the wrong-database rule (RL411): run the fixture's start-up for real and
then the code that queries, each engine on its own SQLite file, and say what the database did.

Usage::

    python tests/database_oracle.py <fixture_copy>      # prints one JSON object (last line)

It reads `[database_run]` of expect.toml::

    app = "app.main:app"                   # a FastAPI app: its lifespan runs (start-up code)
    environ = { DATABASE_URL = "sqlite:///userdata.db" }   # the URLs the engines are built from
    [database_run.calls]                   # called in order inside the lifespan, no arguments
    "app.scheduler:run_pending_jobs" = { fails = "no such table: job_runs", at = "app/scheduler.py:22" }
    "app.scheduler:beat" = "ok"

and prints {"startup": "ok" | "<exception>", "calls": {"<call>": "ok" | {"fails": "<the
database's message>", "at": "<innermost fixture frame path:line>", "exc": "..."}}}.
Run it only on a throw-away copy: the start-up writes the SQLite files.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import sys
import tomllib
from pathlib import Path


def _at(fixture: Path, exc: BaseException) -> str:
    at = ""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        try:
            rel = Path(filename).resolve().relative_to(fixture)
            at = f"{rel.as_posix()}:{tb.tb_lineno}"
        except ValueError:
            pass
        tb = tb.tb_next
    return at


def _target(spec: str):
    module, _, attr = spec.partition(":")
    value = importlib.import_module(module)
    for part in attr.split("."):
        value = getattr(value, part)
    return value


def run(fixture: Path) -> dict:
    fixture = fixture.resolve()
    with open(fixture / "expect.toml", "rb") as handle:
        spec = tomllib.load(handle)["database_run"]
    os.chdir(fixture)
    os.environ.update(spec.get("environ", {}))
    sys.path.insert(0, str(fixture))
    sys.dont_write_bytecode = True
    out: dict = {"startup": None, "calls": {}}

    async def main() -> None:
        app = _target(spec["app"])
        async with app.router.lifespan_context(app):
            out["startup"] = "ok"
            for call in spec.get("calls", {}):
                try:
                    _target(call)()
                    out["calls"][call] = "ok"
                except Exception as exc:  # noqa: BLE001 - what the database said is the point
                    message = str(getattr(exc, "orig", exc)).splitlines()[0]
                    out["calls"][call] = {"fails": message, "at": _at(fixture, exc),
                                          "exc": f"{type(exc).__name__}: {message}"}

    try:
        asyncio.run(main())
    except Exception as exc:  # noqa: BLE001
        out["startup"] = f"{type(exc).__name__}: {exc}"
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = run(Path(argv[1]))
    print("\n" + json.dumps(out, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
