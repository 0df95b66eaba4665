"""Like alembic 1.13: the package imports two submodules; `command` and `runtime` are only
reachable by importing them (CPython's from-import falls back to the submodule)."""
from . import context

__version__ = "1.0"
