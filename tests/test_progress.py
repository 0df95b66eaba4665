"""The progress line of a cold scan: on a terminal only, never in machine formats.

The ~1 s threshold is forced to 0 with ROUTERLINT_PROGRESS_AFTER, so nothing here is timed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from helpers import REPO, routerlint_env
from miniapp import make_app

pty = pytest.importorskip("pty")

FORCE = {"ROUTERLINT_PROGRESS_AFTER": "0"}


def _scan(root, *args, tty: bool, env=None):
    """(stdout, stderr) of a cold scan; stderr is a pseudo-terminal when `tty`."""
    command = [sys.executable, "-m", "routerlint", "scan", str(root), "--no-cache", *args]
    full_env = {**routerlint_env(), **FORCE, **(env or {})}
    if not tty:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=300,
                              cwd=str(REPO), env=full_env)
        return proc.stdout, proc.stderr
    master, slave = os.openpty()
    chunks = []

    def drain():
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: every writer closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave,
                                stdin=subprocess.DEVNULL, cwd=str(REPO), env=full_env)
        os.close(slave)
        stdout, _ = proc.communicate(timeout=300)
        reader.join(timeout=10)
    finally:
        os.close(master)
    return stdout.decode(), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_progress_on_a_terminal_then_cleared(tmp_path, jobs):
    """In this process (-j 1) and from a pool (-j 2). By default files this small go to one
    background child, which is done long before the line's real threshold (~1 s): no line."""
    make_app(tmp_path)
    stdout, stderr = _scan(tmp_path, "-j", jobs, tty=True)
    assert "routerlint: parsing" in stderr, repr(stderr)
    assert "parsing 6/6 files" in stderr  # every distinct file content is a cache miss
    last = stderr.rpartition("\r")[0].rpartition("\r")[2]
    assert last.strip() == "", repr(stderr)  # the line is blanked out at the end
    assert stderr.endswith("\r")
    assert "parsing" not in stdout and "Routers:" in stdout


def test_no_progress_before_the_threshold(tmp_path):
    make_app(tmp_path)
    _, stderr = _scan(tmp_path, tty=True, env={"ROUTERLINT_PROGRESS_AFTER": "3600"})
    assert "parsing" not in stderr


def test_no_progress_without_a_terminal(tmp_path):
    make_app(tmp_path)
    _, stderr = _scan(tmp_path, tty=False)
    assert "parsing" not in stderr and "\r" not in stderr


@pytest.mark.parametrize("args", [("--format", "json"), ("--format", "github"),
                                  ("--format", "sarif"), ("--quiet",)])
def test_no_progress_in_machine_formats_or_quiet(tmp_path, args):
    make_app(tmp_path)
    _, stderr = _scan(tmp_path, *args, tty=True)
    assert "parsing" not in stderr and "\r" not in stderr, repr(stderr)
