"""Entries that keep a whole-project pass's answers in the cache for the next process
(stored_graph.py, stored_roles.py), and the test they share: a module reads the same when its
content hash is the one stored, or when the pass's reading of its new facts equals the reading
of the facts stored under its last hash (read back from the facts cache)."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Optional, Tuple, TypeVar

from routerlint.facts.cache import Cache, digest
from routerlint.facts.model import ModuleFacts, from_json
from routerlint.project.discover import SourceFile

Files = Dict[str, Tuple[int, int, str]]  # the scanner's stamps: path -> (size, mtime, sha256)
T = TypeVar("T")


def answers(cache: Cache, key: str, reuse: Callable[[dict], Optional[T]],
            run: Callable[[], Tuple[T, dict]]) -> T:
    """`reuse(entry)` of the entry stored under `key` when it holds (stored again when reuse
    marked it "stale": a new content hash that reads the same), else the value of `run()`,
    whose entry is stored."""
    entry = load(cache, key)
    if entry is not None:
        found = reuse(entry)
        if found is not None:
            if entry.pop("stale", False):
                cache.put(key, entry)
            return found
    value, entry = run()
    cache.put(key, entry)
    return value


def stored_key(what: str, version: int, root: str) -> str:
    """The cache key of a project's entry for `what` (one per project root)."""
    return digest(json.dumps([what, version, root]).encode())


def load(cache: Cache, key: str) -> Optional[dict]:
    """The entry stored under `key`, or None when there is none or it is damaged."""
    raw = cache.read(key)
    stored = cache.decode(key, raw) if raw is not None else None
    return stored if isinstance(stored, dict) else None


def sha(source: SourceFile, files: Files) -> Optional[str]:
    """The content hash of the file as this run read it (None when it could not)."""
    stamp = files.get(str(source.path))
    return stamp[2] if stamp is not None else None


def reads_the_same(cache: Cache, content: Any, now: Optional[str], facts: ModuleFacts,
                   reading: Callable[[ModuleFacts], Any]) -> bool:
    """Whether a module whose stored content hash is `content` and is `now` (facts `facts`)
    gives the same `reading`."""
    if now is not None and now == content:
        return True
    before = _facts(cache, content) if isinstance(content, str) else None
    return before is not None and reading(before) == reading(facts)


def _facts(cache: Cache, content: str) -> Optional[ModuleFacts]:
    raw = cache.read(content)
    found = cache.decode_facts(content, raw) if raw is not None else None
    try:
        return from_json(*found) if found is not None else None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
