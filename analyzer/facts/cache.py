"""A content-addressed cache of per-file facts under `<project root>/.routerlint_cache/`.

Why: LibCST parses ~14k lines/s per core, so a pre-commit hook must not re-parse unchanged
files. An entry is keyed by the sha256 of the file's bytes, the routerlint version and the
target Python version (the facts, e.g. syntax verdicts, depend on all three). Entries are
JSON, never pickle: a cache file must not be able to run code (a line of JSON, then the
function bodies it points into: see put). One small file per content
hash, sharded by the first two hex digits, written atomically (temp file + os.replace), so
two concurrent runs can only ever write the same bytes to the same name. Anything unreadable,
corrupt or foreign is treated as a miss and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, List, Optional, Tuple, TypeVar

from routerlint import __version__
from routerlint.facts.model import ModuleBodies

T = TypeVar("T")

CACHE_DIR = ".routerlint_cache"
FORMAT = 27  # bump when the JSON layout of facts, or what the scanner reads, changes


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same folder and os.replace: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Cache:
    """The cache folder of one project; every method fails soft (a cache is only a cache)."""

    def __init__(self, root: Path, target: Tuple[int, int],
                 large: Optional[int] = None) -> None:
        self.base = Path(root) / CACHE_DIR
        self.tag = f"{__version__}-f{FORMAT}-py{target[0]}.{target[1]}"
        if large is not None:  # facts of large files depend on the limit
            self.tag += f"-L{large}"
        self.facts_dir = self.base / f"facts-{self.tag}"

    def _ensure(self) -> None:
        ignore = self.base / ".gitignore"
        if not ignore.exists():
            try:
                write_atomic(ignore, "# created by routerlint\n*\n")
            except OSError:
                pass

    def _entry(self, key: str) -> Path:
        return self.facts_dir / key[:2] / f"{key[2:]}.json"

    def has(self, key: str) -> bool:
        """Whether an entry is stored for `key` (not read)."""
        return self._entry(key).is_file()

    def read(self, key: str) -> Optional[bytes]:
        """The entry stored for content hash `key`, undecoded (the scanner decodes it while
        another process parses the misses), or None."""
        try:
            with open(self._entry(key), "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def decode(self, key: str, raw: bytes) -> Optional[Any]:
        """The JSON-ready facts in entry `raw`, or None when it is corrupt or foreign (for
        entries without function bodies: revisions)."""
        found = self.decode_facts(key, raw)
        return None if found is None or found[1] else found[0]

    def decode_facts(self, key: str, raw: bytes) -> Optional[Tuple[Any, str]]:
        """(the JSON-ready facts, the function bodies they point into) of entry `raw`, or None
        when it is corrupt or foreign."""
        head, _, tail = raw.partition(b"\n")
        try:
            data = json.loads(head)
            bodies = ModuleBodies(tail.decode("utf-8"))
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("key") != key or data.get("tag") != self.tag:
            return None
        return data.get("facts"), bodies

    def put(self, key: str, facts: Any) -> None:
        """Store JSON-ready facts: one line of JSON, then the function bodies it points into
        (split_bodies). A body's JSON nested as a JSON string was most of an entry's bytes,
        every quote escaped, and the decoder paid for all of it on every run; now the
        decoder reads only the skeleton and a body is sliced out when first needed."""
        bodies: List[str] = []
        skeleton = split_bodies(facts, bodies, [0])
        try:
            self._ensure()
            write_atomic(self._entry(key), json.dumps(
                {"key": key, "tag": self.tag, "facts": skeleton}, separators=(",", ":"))
                + "\n" + "".join(bodies))
        except OSError:
            pass  # read-only checkout, full disk: run uncached

    def memo(self, key: str, load: Callable[[Any], T], compute: Callable[[], T],
             dump: Callable[[T], Any]) -> T:
        """load() of the JSON stored under `key`, else compute(), stored as dump() of it (not
        stored when that is None). A corrupt or foreign entry is computed again. For whole
        values read with `ast` (revisions, an Alembic folder, session wiring)."""
        raw = self.read(key)
        stored = self.decode(key, raw) if raw is not None else None
        if stored is not None:
            try:
                return load(stored)
            except (TypeError, ValueError, KeyError, AttributeError):
                pass  # foreign or corrupt: compute again
        value = compute()
        data = dump(value)
        if data is not None:
            self.put(key, data)
        return value

    # -- names of third-party modules (routerlint.runtime.installed) -----------------------------------
    def _external_entry(self) -> Path:
        return self.base / f"external-{__version__}-f{FORMAT}.json"

    def get_external(self) -> Optional[dict]:
        try:
            with open(self._external_entry(), "rb") as handle:
                data = json.loads(handle.read())
            return data if isinstance(data, dict) else None
        except (OSError, ValueError):
            return None

    def put_external(self, data: dict) -> None:
        try:
            self._ensure()
            write_atomic(self._external_entry(), json.dumps(data, separators=(",", ":")))
        except OSError:
            pass

    # -- the target interpreter's probe --------------------------------------------------------
    def _probe_entry(self, executable: str) -> Path:
        return self.base / f"env-{__version__}-{digest(executable.encode())[:24]}.json"

    def get_probe(self, executable: str, stamp: list) -> Optional[dict]:
        try:
            with open(self._probe_entry(executable), "rb") as handle:
                data = json.loads(handle.read())
            if data["executable"] == executable and data["stamp"] == stamp:
                return data["probe"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def put_probe(self, executable: str, stamp: list, probe: dict) -> None:
        try:
            self._ensure()
            write_atomic(self._probe_entry(executable), json.dumps(
                {"executable": executable, "stamp": stamp, "probe": probe}))
        except OSError:
            pass


def split_bodies(data: Any, bodies: List[str], size: List[int]) -> Any:
    """`data` (JSON-ready facts) with each function's body JSON ("b") moved to `bodies` and
    replaced by its [start, end] there (`size`: the characters already in `bodies`). Bodies
    of nested functions stay inside their outer body's JSON."""
    if type(data) is dict:
        if data.get("k") == "function" and type(data.get("b")) is str:
            body = data["b"]
            data = dict(data, b=[size[0], size[0] + len(body)])
            bodies.append(body)
            size[0] += len(body)
            return data
        return {k: split_bodies(v, bodies, size) if type(v) in (dict, list) else v
                for k, v in data.items()}
    if type(data) is list:
        return [split_bodies(x, bodies, size) if type(x) in (dict, list) else x for x in data]
    return data


def clean(root: Path) -> bool:
    """Remove the project's cache folder; True when there was one."""
    folder = Path(root) / CACHE_DIR
    if not folder.is_dir() or folder.is_symlink():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True
