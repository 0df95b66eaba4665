"""Where the app says it runs from: the `module:attr` a server command names in a Dockerfile,
a compose file or a Procfile (`uvicorn app.main:app`, `gunicorn -k uvicorn.workers.UvicornWorker
app.main:app`, `uvicorn --factory app.main:create_app`, `fastapi run app/main.py`).

That names the app's module as the running process imports it, so it decides both the entry
point and the source root the module path is relative to (the container's WORKDIR, where the
folder holding `app/` was copied). Read as text: routerlint runs none of it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional

_SERVERS = r"(?:uvicorn|gunicorn|hypercorn|granian|daphne)"
# A server word, then (on the same logical line) a dotted module, a colon and an attribute.
_TARGET = re.compile(
    _SERVERS + r"\b[^\n#]*?[\s\"'\[,](?P<module>[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)"
    r":(?P<attr>[A-Za-z_]\w*)(?P<call>\(\))?")
_FASTAPI_CLI = re.compile(r"""\bfastapi[\s"',\[]+(?:run|dev)\b[^\n#]*?[\s"'\[,](?P<path>[\w./-]+\.py)""")
_FACTORY = re.compile(r"--factory\b")
_NAMES = ("Dockerfile", "Procfile")
_SKIP = {"node_modules", "venv", "site-packages", "__pycache__"}


@dataclass(frozen=True)
class RunTarget:
    module: str  # "app.main", as the server imports it
    attr: str  # "app"; a factory's name with --factory
    factory: bool
    declared_in: str  # "backend/Dockerfile:18", relative to the project root


def declaration_files(root: Path) -> Iterable[Path]:
    """Dockerfiles, compose files and Procfiles at the root and one or two folders down."""
    folders = [root, *sorted(root.glob("*/")), *sorted(root.glob("*/*/"))]
    for folder in folders:
        if not folder.is_dir() or any(part.startswith(".") or part in _SKIP
                                      for part in folder.relative_to(root).parts):
            continue
        try:
            names = sorted(os.listdir(folder))  # names first: a stat only for candidates
        except OSError:
            continue
        for name in names:
            if name.startswith(_NAMES) or ("compose" in name and name.endswith((".yml", ".yaml"))):
                path = folder / name
                if path.is_file():
                    yield path


def run_targets(root: Path) -> List[RunTarget]:
    found: List[RunTarget] = []
    for path in declaration_files(root):
        try:
            text = path.read_text("utf-8", "replace")
        except OSError:
            continue
        text = text.replace("\\\n", " ")  # Dockerfile line continuations
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            target = _parse(line)
            if target is not None:
                module, attr, factory = target
                found.append(RunTarget(module, attr, factory, f"{rel}:{number}"))
    return found


def _parse(line: str) -> Optional[tuple]:
    match = _TARGET.search(line)
    if match is not None and not match.group("module").startswith(("uvicorn.", "gunicorn.")):
        factory = bool(_FACTORY.search(line) or match.group("call"))
        return match.group("module"), match.group("attr"), factory
    cli = _FASTAPI_CLI.search(line)
    if cli is not None:
        module = cli.group("path").lstrip("./")[:-3].replace("/", ".")
        return module, "app", False
    return None
