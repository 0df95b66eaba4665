"""The house plan (README, "Architecture"): each layer imports only from layers below it.

Read from the source with `ast`, lazy imports inside functions included (they are
dependencies too, only later), so a crossing fails here before it tangles the code.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

REPO = Path(__file__).resolve().parents[1]

# Bottom to top. A module's layer is that of its longest listed prefix.
LAYERS: List[Tuple[str, ...]] = [
    ("routerlint.errors", "routerlint.results", "routerlint.__version__"),
    ("routerlint.project",),
    ("routerlint.facts",),
    ("routerlint.rules",),
    ("routerlint.runtime",),
    ("routerlint.diagnose", "routerlint.suppress",
     "routerlint.baseline", "routerlint.settings", "routerlint.options"),
    ("routerlint.reporters",),
    ("routerlint.report_cache",),
    ("routerlint.engine", "routerlint.phases", "routerlint.daemon"),
    ("routerlint.cli",),
    ("routerlint.__main__", "routerlint.daemon.server"),
]


def layer_of(module: str) -> int:
    best, found = -1, None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    if found is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and to the README")
    return found


def module_files() -> Dict[str, Path]:
    files = {}
    for folder, package in ((REPO / "analyzer", "routerlint"), (REPO / "rules", "routerlint.rules")):
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join([package] + parts)
            if name != "routerlint":  # the package's face: its version only
                files[name] = path
    return files


def imports(path: Path) -> Iterable[Tuple[str, int]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("routerlint"):
            if node.module == "routerlint":
                for alias in node.names:
                    yield f"routerlint.{alias.name}", node.lineno
            else:
                yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("routerlint"):
                    yield alias.name, node.lineno


def crossings(files: Dict[str, Path]) -> List[str]:
    found = []
    for module, path in files.items():
        own = layer_of(module)
        for target, line in imports(path):
            if layer_of(target) > own:
                shown = path.relative_to(REPO) if REPO in path.parents else path
                found.append(f"{shown}:{line}: {module} (layer {own}) imports "
                             f"{target} (layer {layer_of(target)}), a layer above it")
    return found


def test_no_module_imports_from_a_layer_above_it():
    problems = crossings(module_files())
    assert not problems, "\n".join(problems)


def test_the_check_fails_when_a_layer_is_crossed(tmp_path):
    """The contract bites: a facts module importing the engine is reported."""
    bad = tmp_path / "scanner.py"
    bad.write_text("from routerlint.engine import analyze\n")
    problems = crossings({"routerlint.facts.scanner": bad})
    assert len(problems) == 1 and "routerlint.engine" in problems[0]


def test_every_module_has_a_layer():
    for module in module_files():
        layer_of(module)
