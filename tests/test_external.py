"""Names of installed modules, read from source: unknown (never a false alarm) when a compiled
module beside it may inject names at import time, as psycopg2's C extension does."""

from routerlint import external


def names(path):
    return external.module_names(str(path), "pkg.errors", False, lambda dotted: None)[0]


def test_plain_module_names_are_known(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "errors.py").write_text("def lookup(code):\n    return code\n")
    assert names(package / "errors.py") == frozenset({"lookup"})


def test_a_compiled_sibling_makes_names_unknown(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "errors.py").write_text("def lookup(code):\n    return code\n")
    (package / "_c.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    assert names(package / "errors.py") is None
