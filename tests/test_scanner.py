"""Scanner facts: positions equal LibCST's PositionProvider; facts survive a JSON round trip."""

import json
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from routerlint.facts.model import ClassDef, DynamicImport, If, Import, Loop, Try, from_json, to_json
from routerlint.facts.positions import statement_positions
from routerlint.facts.syntax import compile_verdict
from routerlint.facts.scanner import scan_source

REPO = Path(__file__).resolve().parents[1]


def test_statement_positions_equal_position_provider():
    """The AST-aligned positions are LibCST's own, on every statement of real files."""
    files = (sorted(REPO.glob("analyzer/**/*.py")) + sorted(REPO.glob("examples/backend/app/**/*.py"))
             + sorted(REPO.glob("tests/fixtures/*/app/**/*.py")))
    checked = 0
    for path in files:
        source = path.read_bytes()
        issue, tree = compile_verdict(source, str(path))
        if issue is not None:
            continue  # deliberate syntax errors in fixtures
        if scan_source(source, str(path)).unanalysed:
            continue  # deliberately beyond LibCST (nf_unanalysable_module): RL901, no positions
        module = cst.parse_module(source)
        twins = statement_positions(module, tree)
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        for node, position in positions.items():
            twin = twins.get(id(node))
            if twin is None:
                continue
            start = position.start
            assert (start.line, start.column) == (twin.lineno, twin.col_offset), \
                (path, type(node).__name__)
            checked += 1
    assert checked > 1000


SOURCE = b'''\
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from app.x import Y
try:
    import ujson as json
except (ImportError, ModuleNotFoundError):
    import json

@decorated
class User(Base):  # noqa: RL001
    __tablename__ = "users"
    __table_args__ = {"schema": "s", "extend_existing": True}

for name in ("a", "b"):
    importlib.import_module(f"app.routers.{name}")
'''


def test_facts_of_a_module():
    facts = scan_source(SOURCE, "m.py")
    kinds = [type(e) for e in facts.events]
    assert kinds == [Import, If, Try, ClassDef, Loop]
    assert facts.events[1].test is False
    assert facts.events[2].handlers[0].types == ["ImportError", "ModuleNotFoundError"]
    user = facts.events[3]
    assert (user.line, user.tablename, user.schema, user.extend_existing) == (
        10, "users", "s", True)
    loop = facts.events[4]
    assert loop.items == ["a", "b"] and loop.target == "name"
    dynamic = loop.body[-1]
    assert isinstance(dynamic, DynamicImport)
    assert dynamic.name == ("fmt", ["app.routers.", ("var", "name")])
    assert facts.suppressions == {10: ["RL001"]}


def test_facts_round_trip_through_json():
    facts = scan_source(SOURCE, "m.py")
    data = json.loads(json.dumps(to_json(facts)))
    assert to_json(from_json(data)) == data


def test_syntax_verdicts_are_cpythons():
    assert scan_source(b"def f(a=1, b): pass\n", "m.py").syntax.code == "RL101"
    assert scan_source(b"def f(a, a): pass\n", "m.py").syntax.code == "RL102"
    assert scan_source(b"return 1\n", "m.py").syntax.code == "RL102"
    issue = scan_source(b"x = (\n", "m.py").syntax
    assert issue.code == "RL100" and issue.message == "'(' was never closed"


def test_parse_without_validation_gives_the_same_facts_and_restores_validation():
    """The scanner skips LibCST's per-node validation while parsing; that must change no fact,
    and hand-built nodes must be validated again afterwards, even after a parse error."""
    from routerlint.facts import scanner as scanner_module

    files = (sorted(REPO.glob("analyzer/**/*.py")) + sorted(REPO.glob("tests/fixtures/*/app/**/*.py")))
    validate = cst.CSTNode.__dict__["__post_init__"]
    for path in files:
        source = path.read_bytes()
        fast = scanner_module.scan_source(source, str(path))
        real_parse = scanner_module.parse_unvalidated
        try:
            scanner_module.parse_unvalidated = cst.parse_module  # the stock, validating parse
            stock = scanner_module.scan_source(source, str(path))
        finally:
            scanner_module.parse_unvalidated = real_parse
        assert to_json(fast) == to_json(stock), path
    try:
        scanner_module.parse_unvalidated(b"def f(:\n")
    except Exception:
        pass
    assert cst.CSTNode.__dict__["__post_init__"] is validate
    try:
        cst.Name("not a name")
    except cst.CSTValidationError:
        pass
    else:
        raise AssertionError("LibCST no longer validates hand-built nodes")


SYS_PATH_FORMS = [
    'os.path.dirname(__file__)',
    'os.path.join(os.path.dirname(__file__), "vendored")',
    'os.path.dirname(os.path.dirname(os.path.abspath(__file__)))',
    'os.path.join(os.path.dirname(__file__), "..", "lib", "x")',
    'str(Path(__file__).resolve().parent.parent / "lib")',
    'str(Path(__file__).parents[2])',
    'str(Path(__file__).parent.joinpath("a", "b"))',
    'os.path.realpath(os.path.join(os.path.dirname(__file__), "../.."))',
    'os.path.dirname(__file__) + "/plugins"',
]


def test_sys_path_folders_equal_what_python_computes():
    """The folder of each `sys.path.insert(0, <expr>)` form is the one the expression
    evaluates to, relative to the file's folder (evaluated here by Python itself)."""
    import os
    import posixpath
    from pathlib import Path as RealPath

    here = "/r/a/b/c"
    for expr in SYS_PATH_FORMS:
        truth = eval(expr, {"__file__": f"{here}/mod.py", "os": os, "Path": RealPath, "str": str})
        want = posixpath.relpath(posixpath.normpath(truth), here)
        source = f"import os, sys\nfrom pathlib import Path\nsys.path.insert(0, {expr})\n"
        facts = scan_source(source.encode(), "mod.py")
        assert [rel for _, _, rel in facts.sys_path] == [want], expr


def test_sys_path_through_a_name_and_unknown_forms():
    source = (b"import os, sys\nfrom pathlib import Path\n"
              b"ROOT = Path(__file__).resolve().parent.parent\n"
              b"sys.path.append(str(ROOT))\n"
              b"sys.path.insert(0, os.getcwd())\n"  # the working folder: unknown
              b"sys.path.insert(0, os.environ['LIB'])\n")
    facts = scan_source(source, "mod.py")
    assert facts.sys_path == [[4, False, ".."]]
    assert not facts.script
    assert scan_source(b"if __name__ == '__main__':\n    pass\n", "s.py").script


CONDITIONS = ["True", "False", "None", "0", "1", "''", "'x'", "not (1 < 2)", "1 < 2",
              "'a' == 'a'", "'a' != 'a'", "2 >= 3", "True or UNDEFINED", "False and UNDEFINED",
              "not False and (0 or 1)", "1 == 'a'", "0.0", "not ''"]


def test_static_conditions_equal_what_python_decides():
    """Each `if` test the scanner decides is decided as Python decides it (short-circuits
    included: the undefined names are never evaluated)."""
    for text in CONDITIONS:
        facts = scan_source(f"if {text}:\n    pass\n".encode(), "m.py")
        assert facts.events[0].test is bool(eval(text, {})), text


def test_conditions_on_unknown_names_stay_undecided():
    for text in ("FLAG", "FLAG or False", "FLAG and True", "x < 2", "'a' < 1"):
        facts = scan_source(f"if {text}:\n    pass\n".encode(), "m.py")
        assert facts.events[0].test is None, text
