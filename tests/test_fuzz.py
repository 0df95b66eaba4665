"""Fuzzing the scanner: generated programs (hypothesmith) and mutated real files. Whatever
the input: no exception escapes, and the syntax verdict is CPython's — a file CPython compiles
never gets a syntax finding, a file it refuses always does."""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from routerlint.facts.scanner import scan_source

SOURCES = sorted((Path(__file__).resolve().parents[1] / "analyzer").glob("*.py"))


def _cpython_compiles(source: bytes) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<fuzz>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def _check(source: bytes) -> None:
    facts = scan_source(source, "<fuzz>")  # must not raise
    compiles = _cpython_compiles(source)
    if compiles:
        assert facts.syntax is None, f"CPython compiles it, routerlint says {facts.syntax}"
    else:
        assert facts.syntax is not None, "CPython refuses it, routerlint found no syntax error"


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith's own compile() checks
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_generated_programs(code):
    _check(code.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("seed", range(4))
def test_mutated_real_files(seed):
    rng = random.Random(seed)
    for path in rng.sample(SOURCES, 6):
        original = path.read_bytes()
        for _ in range(8):
            data = bytearray(original)
            how = rng.choice(("flip", "truncate", "nest", "delete"))
            at = rng.randrange(len(data))
            if how == "flip":
                data[at] = rng.randrange(256)
            elif how == "truncate":
                del data[at:]
            elif how == "delete":
                del data[at:at + rng.randrange(1, 40)]
            else:  # wrap the tail in a deep block
                data[at:at] = b"\n" + b"".join(b" " * i + b"if x:\n" for i in range(60))
            _check(bytes(data))
