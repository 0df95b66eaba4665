"""Generate a deterministic, realistic synthetic FastAPI back end for the benchmarks.

Why synthetic: the benchmark must be reproducible anywhere and scale to 300k lines. The shape
follows real apps: app/main.py includes every router; routers import services and models;
services import models and (in a few pairs) each other, making import cycles; models declare
tables on one declarative Base. A few seeded faults (a duplicate table, a missing name) make
some routers fail, so the simulation does real work.

    python benchmarks/generate.py OUT_DIR --lines 100000 [--seed 6]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import time
from pathlib import Path

LINES_PER_FILE = 200


def _function(rng: random.Random, name: str, indent: str = "") -> list:
    arg = rng.choice(["item_id", "payload", "user", "query", "limit"])
    body = [f"{indent}def {name}({arg}, *, retries: int = 3):",
            f'{indent}    """Handle {name.replace("_", " ")}."""',
            f"{indent}    result = {{}}"]
    for i in range(rng.randint(3, 7)):
        body.append(f"{indent}    if {arg} is not None and retries > {i}:")
        body.append(f"{indent}        result['{name}_{i}'] = [x * {i} for x in range({i + 2})]")
    body += [f"{indent}    return result", ""]
    return body


def _pad(lines: list, rng: random.Random, prefix: str) -> list:
    n = 0
    while len(lines) < LINES_PER_FILE:
        lines += _function(rng, f"{prefix}_helper_{n}") + [""]
        n += 1
    return lines


def model_file(rng, i: int, duplicate_of=None) -> str:
    lines = ["from sqlalchemy import Column, ForeignKey, Integer, String", "",
             "from app.db import Base", "", ""]
    for c in range(6):
        table = duplicate_of if (duplicate_of and c == 5) else f"table_{i}_{c}"
        lines += [f"class Model{i}x{c}(Base):",
                  f'    __tablename__ = "{table}"',
                  "    id = Column(Integer, primary_key=True)",
                  f"    name = Column(String({rng.randint(20, 200)}))",
                  "    owner_id = Column(Integer, nullable=True)", "", ""]
    return "\n".join(_pad(lines, rng, f"model{i}")) + "\n"


def service_file(rng, i: int, n_models: int, cycle_with=None, broken=False) -> str:
    m = rng.randrange(n_models)
    lines = ["import logging", "from typing import Optional", "",
             f"from app.models.m{m} import Model{m}x0, Model{m}x1"]
    if cycle_with is not None:
        lines.append(f"from app.services import s{cycle_with}")
    if broken:
        lines.append(f"from app.models.m{m} import DoesNotExist")
    lines += ["", "log = logging.getLogger(__name__)", "", ""]
    if cycle_with is not None:
        lines += [f"def delegate(x):", f"    return s{cycle_with}.service_{cycle_with}_helper_0(x)",
                  "", ""]
    return "\n".join(_pad(lines, rng, f"service_{i}")) + "\n"


def router_file(rng, i: int, n_services: int) -> str:
    s = rng.randrange(n_services)
    lines = ["from fastapi import APIRouter, Depends, HTTPException", "",
             f"from app.services import s{s}", "",
             f'router = APIRouter(prefix="/r{i}", tags=["r{i}"])', "", ""]
    for e in range(4):
        lines += [f'@router.get("/e{e}/{{item_id}}")',
                  f"async def endpoint_{e}(item_id: int):",
                  f"    data = s{s}.service_{s}_helper_0(item_id)",
                  "    if not data:", "        raise HTTPException(status_code=404)",
                  "    return data", "", ""]
    return "\n".join(_pad(lines, rng, f"router_{i}")) + "\n"


def generate(out: Path, lines: int, seed: int = 6) -> int:
    """Write the app under `out` (replaced); returns the number of .py files."""
    rng = random.Random(seed)
    files = max(12, lines // LINES_PER_FILE)
    n_models, n_services = max(2, files * 3 // 10), max(2, files * 4 // 10)
    n_routers = max(2, files - n_models - n_services)
    if out.exists():
        shutil.rmtree(out)
    app = out / "app"
    for sub in ("models", "services", "routers"):
        (app / sub).mkdir(parents=True)
        (app / sub / "__init__.py").write_text("")
    (out / "pyproject.toml").write_text('[project]\nname = "synthetic"\nversion = "0"\n')
    (app / "__init__.py").write_text("")
    (app / "db.py").write_text("from sqlalchemy.orm import declarative_base\n\n"
                               "Base = declarative_base()\n")
    for i in range(n_models):
        dup = "table_0_0" if i == n_models - 1 else None  # one duplicate table: RL001
        (app / "models" / f"m{i}.py").write_text(model_file(rng, i, dup))
    for i in range(n_services):
        cycle = i + 1 if i % 10 == 0 and i + 1 < n_services else (
            i - 1 if i % 10 == 1 else None)  # pairs (0,1), (10,11), ...: import cycles
        broken = i == n_services // 2  # one missing name: RL202
        (app / "services" / f"s{i}.py").write_text(
            service_file(rng, i, n_models, cycle, broken))
    main = ["from fastapi import FastAPI", "",
            *[f"from app.routers import r{i}" for i in range(n_routers)], "",
            "app = FastAPI()", "",
            *[f"app.include_router(r{i}.router)" for i in range(n_routers)]]
    (app / "main.py").write_text("\n".join(main) + "\n")
    for i in range(n_routers):
        (app / "routers" / f"r{i}.py").write_text(router_file(rng, i, n_services))
    return n_models + n_services + n_routers + 6


def checked_out_earlier(root: Path, seconds: int = 3600) -> None:
    """Date every file and folder under `root` `seconds` back, as in a checkout made before
    the session: routerlint trusts no stamp from the last two seconds (an edit within the
    same mtime tick could hide), so freshly generated files would be hashed on every warm
    run, which no real project pays."""
    when = time.time() - seconds
    for current, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(current, name), (when, when))
        os.utime(current, (when, when))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    print(f"{generate(args.out, args.lines, args.seed)} files under {args.out}")
