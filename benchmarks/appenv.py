"""The environment the generated apps run in: a venv with their dependencies (fastapi,
sqlalchemy, alembic) and pylint, built once under the work folder and reused.

Scanning a generated app with an interpreter that lacks its dependencies measures a
degenerate run: every model fails at its first import, routers never load and the
simulation stops early. The benchmarks scan with this venv's interpreter instead (as a
user scans with the app's), and run pylint from it, so that pylint too sees the app's
packages. The newest releases are installed; the README's tables name the versions.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

PACKAGES = ("fastapi", "sqlalchemy", "alembic", "pylint")


def app_python(work: Path) -> str:
    """The venv's interpreter, created (with PACKAGES) on first use."""
    folder = work / "app-venv"
    python = folder / "bin" / "python"
    if not (folder / "ready").exists():
        venv.create(folder, with_pip=True, clear=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], check=True)
        (folder / "ready").write_text("\n".join(PACKAGES) + "\n")
    return str(python)


def versions(python: str) -> str:
    """`fastapi 0.x, sqlalchemy 2.x, …` as installed in `python`'s environment."""
    code = ("import importlib.metadata as m, sys\n"
            "print(', '.join(f'{n} {m.version(n)}' for n in sys.argv[1:]))")
    return subprocess.run([python, "-c", code, *PACKAGES], capture_output=True, text=True,
                          check=True).stdout.strip()


if __name__ == "__main__":
    print(app_python(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/routerlint-bench")))
