"""A package with a compiled submodule its __init__ never imports (tests/envs.py copies a real
stdlib extension, _bisect, in beside this file when it builds the environment)."""
