"""A package that serves its submodules lazily through a module-level __getattr__ (PEP 562)."""
import importlib

_LAZY = {"client"}


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
