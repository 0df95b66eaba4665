"""A small throw-away project with known findings, for the user-facing feature tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import REPO, routerlint_env

FILES = {
    "pyproject.toml": '[project]\nname = "mini"\nversion = "0"\n',
    "app/__init__.py": "",
    "app/db.py": "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n",
    "app/models/__init__.py": "",
    "app/models/core.py": (
        "from sqlalchemy.orm import Mapped, mapped_column\n\nfrom app.db import Base\n\n\n"
        "class Core(Base):\n    __tablename__ = \"things\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n"),
    "app/models/extra.py": (
        "from sqlalchemy.orm import Mapped, mapped_column\n\nfrom app.db import Base\n\n\n"
        "class Extra(Base):{DUP}\n    __tablename__ = \"things\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n"),
    "app/routers/__init__.py": "",
    "app/routers/things.py": (
        "from fastapi import APIRouter\n\nfrom app.models.core import Core\n"
        "from app.models.extra import Extra{R300}\n\nrouter = APIRouter()\n"),
    "app/routers/pay.py": "from fastapi import APIRouter\nimport notinstalled_pkg_xyz{R201}\n\nrouter = APIRouter()\n",
}

LINES = {"RL001": ("app/models/extra.py", 6), "RL300": ("app/routers/things.py", 4),
         "RL201": ("app/routers/pay.py", 2)}


def make_app(root: Path, **comments: str) -> Path:
    """Write the project; `comments` puts text at the end of a finding's line (DUP, R300, R201)."""
    for rel, text in FILES.items():
        for key in ("DUP", "R300", "R201"):
            text = text.replace("{" + key + "}", comments.get(key, ""))
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def run(root: Path, *args: str, env: dict = None, cwd: Path = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "routerlint", "scan", *args],
                          capture_output=True, text=True, timeout=300, cwd=str(cwd or REPO),
                          env={**routerlint_env(), **(env or {})})


def codes(root: Path, *args: str) -> list:
    proc = run(root, str(root), "--format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return sorted(d["code"] for d in json.loads(proc.stdout)["diagnostics"])
