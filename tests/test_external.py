"""Names of installed modules, read from source: unknown (never a false alarm) when a compiled
module beside it may inject names at import time, as psycopg2's C extension does."""

from routerlint.runtime.installed import Installed


def names(path):
    return Installed().names(str(path), "pkg.errors", False, lambda dotted: None)[0]


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


def test_migration_table_names_only_what_the_hook_really_refuses(tmp_path):
    """pydantic-style `__getattr__ = getattr_migration(__name__)`: removed names and special
    cases come from `_migration.py`; names the module itself answers first (its bindings, its
    lazy-import table) or the hook returns (moved, redirected) are not refused."""
    from routerlint.runtime.removed_names import removed_names

    package = tmp_path / "fakepkg"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from ._migration import getattr_migration\n"
        "_dynamic_imports = {'Lazy': ('fakepkg', '.lazy')}\n"
        "Defined = 1\n"
        "__getattr__ = getattr_migration(__name__)\n")
    (package / "_migration.py").write_text(
        "MOVED_IN_V2 = {'fakepkg:Moved': 'fakepkg.new:Moved'}\n"
        "REMOVED_IN_V2 = {'fakepkg:Gone', 'fakepkg:Lazy', 'fakepkg:Defined', 'fakepkg:Moved',\n"
        "                 'fakepkg.sub:Elsewhere'}\n"
        "def getattr_migration(module):\n"
        "    def wrapper(name):\n"
        "        import_path = f'{module}:{name}'\n"
        "        if import_path == 'fakepkg:Settings':\n"
        "            raise ImportError('`Settings` has been moved to the `fake-settings` package. '\n"
        "                              f'See https://example.org/{name} for more details.')\n"
        "    return wrapper\n")
    read = {}
    removed = removed_names(str(package / "__init__.py"), "fakepkg", read)
    assert removed == {
        "Gone": "`fakepkg:Gone` has been removed in V2.",
        "Settings": "`Settings` has been moved to the `fake-settings` package.",
    }
    assert set(read) == {str(package / "__init__.py"), str(package / "_migration.py")}
    plain = tmp_path / "plain.py"
    plain.write_text("def __getattr__(name):\n    raise AttributeError(name)\n")
    assert removed_names(str(plain), "plain", {}) == {}
