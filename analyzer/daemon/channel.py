"""Where the daemon listens, and how a request and its answer cross the socket.

One daemon per user, per interpreter and per routerlint code: the socket's name is a hash
of all three, in a folder only the user can enter (a socket planted by someone else would
receive the user's scans and could answer them). A daemon started from other code (an
upgrade, an edited checkout) is simply never found.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any, Optional

from routerlint import __version__

# Imported only when a daemon is really asked (every scan passes here first: a scan without
# a daemon must not pay for socket, json, hashlib and struct).
HEADER_FORMAT = "!Q"  # the length of the JSON that follows


def supported() -> bool:
    import socket

    return hasattr(socket, "AF_UNIX") and hasattr(os, "getuid")


def base_folder() -> str:
    return os.environ.get("ROUTERLINT_DAEMON_DIR") or os.path.join(
        os.environ.get("TMPDIR") or "/tmp", f"routerlint-{os.getuid()}")


def any_daemon() -> bool:
    """Is some daemon socket there at all? (one listing, before the code stamp is computed)"""
    try:
        return any(name.endswith(".sock") for name in os.listdir(base_folder()))
    except OSError:
        return False


def folder() -> Optional[Path]:
    """The user's private folder of daemon sockets, created 0700; None when it exists but is
    not private (owned by another user, or open to others): then no daemon is used."""
    base = base_folder()
    try:
        os.makedirs(base, mode=0o700, exist_ok=True)
        st = os.lstat(base)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return Path(base)


def code_stamp() -> str:
    """routerlint's version, its source files' sizes and mtimes, and the interpreter: a daemon
    serves only clients running exactly its code."""
    import hashlib
    from importlib.util import find_spec

    parts = [__version__, sys.executable, sys.version]
    spec = find_spec("routerlint.rules")  # routerlint's own package, never analysed code
    roots = [os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
    roots += list(spec.submodule_search_locations or []) if spec else []
    for root in sorted(set(roots)):
        for folder_path, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(folder_path, name))
                    parts.append(f"{folder_path}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def socket_path(stamp: str) -> Optional[Path]:
    base = folder()
    return base / f"{stamp[:24]}.sock" if base is not None else None


def send(conn, message: Any) -> None:
    import json
    import struct

    data = json.dumps(message).encode("utf-8")
    conn.sendall(struct.pack(HEADER_FORMAT, len(data)) + data)


def receive(conn) -> Any:
    """The next message, or None when the other side closed the connection first."""
    import json
    import struct

    head = _exactly(conn, struct.calcsize(HEADER_FORMAT))
    if head is None:
        return None
    body = _exactly(conn, struct.unpack(HEADER_FORMAT, head)[0])
    return None if body is None else json.loads(body.decode("utf-8"))


def _exactly(conn, size: int) -> Optional[bytes]:
    chunks, left = [], size
    while left:
        chunk = conn.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
