"""Where the daemon listens, and how a request and its answer cross the socket.

One daemon per user, per interpreter and per routerlint code: the socket's name is a hash
of all three, in a folder only the user can enter (a socket planted by someone else would
receive the user's scans and could answer them). A daemon started from other code (an
upgrade, an edited checkout) is simply never found.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import struct
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

from routerlint import __version__

HEADER = struct.Struct("!Q")  # the length of the JSON that follows


def supported() -> bool:
    return hasattr(socket, "AF_UNIX") and hasattr(os, "getuid")


def folder() -> Optional[Path]:
    """The user's private folder of daemon sockets, created 0700; None when it exists but is
    not private (owned by another user, or open to others): then no daemon is used."""
    base = os.environ.get("ROUTERLINT_DAEMON_DIR") or os.path.join(
        tempfile.gettempdir(), f"routerlint-{os.getuid()}")
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


def send(conn: socket.socket, message: Any) -> None:
    data = json.dumps(message).encode("utf-8")
    conn.sendall(HEADER.pack(len(data)) + data)


def receive(conn: socket.socket) -> Any:
    """The next message, or None when the other side closed the connection first."""
    head = _exactly(conn, HEADER.size)
    if head is None:
        return None
    body = _exactly(conn, HEADER.unpack(head)[0])
    return None if body is None else json.loads(body.decode("utf-8"))


def _exactly(conn: socket.socket, size: int) -> Optional[bytes]:
    chunks, left = [], size
    while left:
        chunk = conn.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
