"""A cache of the whole Report, for the commonest run of all: nothing changed since the last.

Keyed by a fingerprint of every input: the routerlint version, the effective settings and
options, the target interpreter (path, version, and the mtimes of its sys.path folders, which
change when a package is installed), and the list of discovered files. The entry then lists
every file the run read — scanned, scanned on demand by the graph, third-party sources read for
their names — with size, mtime_ns and sha256, and the folders they sit in (a folder's mtime
changes when an entry is added or removed: a module that was missing may now exist). A hit
needs every file's size and mtime unchanged, or, when only the mtime moved, the same sha256
(ruff-style: stat first, hash only when the stat changed). Files modified within two seconds
of the run are recorded without an mtime, so they are always hashed ("racy" entries, as git
does) — an edit in the same timestamp tick cannot be missed.

A hit skips fact decoding, the graph and the simulation, and never imports libcst.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Iterable, Optional, Tuple

from routerlint import __version__
from routerlint.facts.cache import CACHE_DIR, FORMAT, digest, write_atomic
from routerlint.facts.stamps import same_file
from routerlint.results import Report, report_from_json, report_to_json

REPORT_FORMAT = 2  # 2: Report.migrations

# path -> (size, mtime_ns or -1 when racy, sha256)
Files = Dict[str, Tuple[int, int, str]]


class ReportCache:
    def __init__(self, root: Path, parts: Any) -> None:
        self.key = digest(json.dumps([__version__, FORMAT, REPORT_FORMAT, parts],
                                     sort_keys=True, default=str).encode())
        self.base = Path(root) / CACHE_DIR
        self.path = self.base / f"report-{self.key[:32]}.json"

    def load(self) -> Optional[Report]:
        """The cached report when every recorded input is unchanged, else None. Either way
        `stamps` then holds the file stamps the entry recorded: a miss's scan reads only
        the files whose size or mtime moved since (Scanner.stamps)."""
        self.stamps: Files = {}
        try:
            with open(self.path, "rb") as handle:
                data = json.loads(handle.read())
            if data["key"] != self.key:
                return None
            self.stamps = {path: stamp for path, stamp in data["files"].items()
                           if _is_stamp(stamp)}
            for path, (size, mtime, sha) in data["files"].items():
                if not same_file(path, size, mtime, sha):
                    return None
            for path, mtime in data["dirs"].items():
                try:
                    if os.stat(path).st_mtime_ns != mtime:
                        return None
                except OSError:
                    if mtime is not None:
                        return None
            return report_from_json(data["report"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # missing, corrupt or foreign: run

    def store(self, report: Report, files: Files, dirs: Iterable[str]) -> None:
        folders: Dict[str, Optional[int]] = {}
        for folder in sorted(set(dirs)):
            try:
                folders[folder] = os.stat(folder).st_mtime_ns
            except OSError:
                folders[folder] = None
        try:
            if not (self.base / ".gitignore").exists():
                write_atomic(self.base / ".gitignore", "# created by routerlint\n*\n")
            write_atomic(self.path, json.dumps(
                {"key": self.key, "files": files, "dirs": folders,
                 "report": report_to_json(report)}, separators=(",", ":")))
        except OSError:
            pass  # read-only checkout, full disk: run uncached


def _is_stamp(stamp: Any) -> bool:
    """[size, mtime_ns, sha256 hex], as store() writes it (an entry may be damaged)."""
    return (isinstance(stamp, list) and len(stamp) == 3 and type(stamp[0]) is int
            and type(stamp[1]) is int and isinstance(stamp[2], str) and len(stamp[2]) == 64
            and all(c in "0123456789abcdef" for c in stamp[2]))
