"""A file's stamp: (size, mtime_ns, sha256) read together with its bytes, for every cache
that must notice an edit (facts, installed packages' names, whole reports).

Files modified within two seconds of the run are recorded without an mtime (-1), so they are
always hashed ("racy" entries, as git does): an edit in the same timestamp tick is never
missed.
"""

from __future__ import annotations

import os
import time
from typing import Optional, Tuple

from routerlint.facts.cache import digest

RACY_NS = 2_000_000_000  # files modified this close to the run are always hashed


def stamp_file(path: str, data: bytes, st: os.stat_result, started_ns: int) -> Tuple[int, int, str]:
    """The record for a file read as `data` after `st = os.stat(path)`."""
    mtime = st.st_mtime_ns if st.st_mtime_ns < started_ns - RACY_NS else -1
    return (st.st_size, mtime, digest(data))


def stat_unchanged(path: str, stamp) -> bool:
    """Whether `path` still has the size and mtime of `stamp`, a (size, mtime, sha) recorded
    when it was not racy: its content is then taken as the recorded one, without a read."""
    if stamp[1] == -1:  # racy: modified around its last read
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False
    return st.st_size == stamp[0] and st.st_mtime_ns == stamp[1]


def same_file(path: str, size: int, mtime: int, sha: str) -> bool:
    try:
        st = os.stat(path)
        if st.st_size != size:
            return False
        if st.st_mtime_ns == mtime:
            return True
        with open(path, "rb") as handle:
            return digest(handle.read()) == sha
    except OSError:
        return False


def now_ns() -> int:
    return time.time_ns()


def read_stamped(path: str, record: dict) -> Optional[bytes]:
    """The bytes of `path`, its stamp recorded in `record` (path -> stamp); None if unreadable."""
    try:
        st = os.stat(path)
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    record[path] = stamp_file(path, data, st, now_ns())
    return data
