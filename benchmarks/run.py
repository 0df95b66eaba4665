"""Benchmark routerlint against the LibCST parse floor (and pylint), on generated apps or on
any real app.

Per app: cold (empty cache), warm (best of 3: nothing changed), one file changed (best of 3:
a different edit each time), and the same edit with the daemon running (`routerlint daemon
start`; best of 3) — each a fresh `python -m routerlint scan` process, as a pre-commit hook
runs it. Each time is also given as a ratio to the parse floor measured in the same run: the
bare `libcst.parse_module` time of the app's files in one process, divided by the cores
(machines differ; the ratios travel). This machine's speed can drift by a third within
minutes, so the cold run is measured in --pairs pairs, each a floor then a cold scan right
after it: the cold ratio is the median of the pairs' ratios, the cold seconds the best, the
floor the median. Peak memory is the largest single
process's max RSS: the scan processes (pool workers included) and the daemon. pylint
(`--disable=all --enable=E0401,E0611`, the nearest peer check) when installed.

Generated apps are scanned with the interpreter of a venv that has their dependencies
(appenv.py: fastapi, sqlalchemy, alembic, pylint; built once under --work), so routers really
load, as in a user's environment; pylint runs from that venv too, seeing the same packages.

    python benchmarks/run.py [--sizes 100000,300000,1000000] [--work /tmp/routerlint-bench]
    python benchmarks/run.py --app PATH [--python PY] [--edit FILE]   # a real app, unchanged
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from appenv import app_python, versions  # noqa: E402
from generate import checked_out_earlier, generate  # noqa: E402

CORES = os.cpu_count() or 1


def _timed(command, cwd, env=None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(f"routerlint failed in {cwd}:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def _parse_floor(files: List[Path]) -> float:
    """Seconds to libcst.parse_module every file, in a fresh process (one core)."""
    code = ("import sys, time, libcst\n"
            "texts = []\n"
            "for name in sys.stdin.read().splitlines():\n"
            "    try: texts.append(open(name, encoding='utf-8').read())\n"
            "    except (OSError, UnicodeDecodeError): pass\n"
            "t = time.perf_counter()\n"
            "for text in texts:\n"
            "    try: libcst.parse_module(text)\n"
            "    except Exception: pass\n"
            "print(time.perf_counter() - t)\n")
    out = subprocess.run([sys.executable, "-c", code], input="\n".join(map(str, files)),
                         capture_output=True, text=True, check=True)
    return float(out.stdout)


def _python_files(root: Path) -> List[Path]:
    """The files routerlint reads (its own discovery, so excludes apply)."""
    from routerlint.project.discover import discover

    return [f.path for f in discover([str(root)]).files]


def _peak_of(pid: int) -> float:
    """A live process's peak RSS in MB (Linux), else 0."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def bench(root: Path, python: Optional[str], edit: Path, with_pylint: bool,
          pairs: int = 3) -> dict:
    files = _python_files(root)
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    scan = [sys.executable, "-m", "routerlint", "scan", "--exit-zero", "."]
    if python:
        scan[4:4] = ["--python", python]
    original = edit.read_bytes()
    daemon_dir = tempfile.mkdtemp(prefix="rlb-", dir="/tmp")
    env = {**os.environ, "ROUTERLINT_DAEMON_DIR": daemon_dir}
    try:
        floors, colds = [], []
        for _ in range(pairs):  # the floor, then a cold scan from an empty cache
            floors.append(_parse_floor(files) / CORES)
            shutil.rmtree(root / ".routerlint_cache", ignore_errors=True)
            colds.append(_timed(scan, root, env))
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        warm = min(_timed(scan, root, env) for _ in range(3))
        changed = float("inf")
        for n in range(3):  # a different edit each time, so each run really sees a change
            edit.write_bytes(original + f"\nBENCH_CHANGE_{n} = 1\n".encode())
            changed = min(changed, _timed(scan, root, env))
        started = subprocess.run([sys.executable, "-m", "routerlint", "daemon", "start"],
                                 env=env, capture_output=True, text=True)
        if started.returncode != 0:
            raise SystemExit(f"the daemon did not start: {started.stderr}")
        pid = int(started.stdout.split("pid ")[1].split(",")[0])
        _timed(scan, root, env)  # its first run decodes everything once
        daemon = float("inf")
        for n in range(3, 7):
            edit.write_bytes(original + f"\nBENCH_CHANGE_{n} = 1\n".encode())
            daemon = min(daemon, _timed(scan, root, env))
        daemon_mb = _peak_of(pid)
        subprocess.run([sys.executable, "-m", "routerlint", "daemon", "stop"], env=env,
                       capture_output=True)
    finally:
        edit.write_bytes(original)
        shutil.rmtree(daemon_dir, ignore_errors=True)
    row = {"lines": lines, "files": len(files), "cold": min(colds), "warm": warm,
           "changed": changed, "daemon": daemon, "floor": statistics.median(floors),
           "cold_ratio": statistics.median(c / f for f, c in zip(floors, colds)),
           "cold_ratios": [c / f for f, c in zip(floors, colds)],
           "peak_mb": max(peak_mb, daemon_mb), "pylint": None}
    if with_pylint:
        packages = sorted({p.relative_to(root).parts[0] for p in files})
        row["pylint"] = _timed([python or sys.executable, "-m", "pylint", "--disable=all",
                                "--enable=E0401,E0611", "--exit-zero", *packages], root)
    return row


def _print(label: str, r: dict) -> None:
    ratio = lambda t: f"{t:.2f} ({t / r['floor']:.3f}×)"  # noqa: E731
    pylint = (f"{r['pylint']:.1f} ({r['pylint'] / r['changed']:.0f}× / "
              f"{r['pylint'] / r['daemon']:.0f}×)" if r["pylint"] is not None else "n/a")
    cold = (f"{r['cold']:.2f} ({r['cold_ratio']:.3f}×; pairs "
            + ", ".join(f"{x:.2f}" for x in r["cold_ratios"]) + ")")
    print(f"| {label} | {r['lines']:,} | {r['files']} | {r['floor']:.2f} | {cold} | "
          f"{ratio(r['warm'])} | {ratio(r['changed'])} | {ratio(r['daemon'])} | {pylint} | "
          f"{r['peak_mb']:.0f} |  (load {os.getloadavg()[0]:.2f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/routerlint-bench"))
    parser.add_argument("--app", type=Path, help="a real app's folder (left as it was found)")
    parser.add_argument("--python", help="the app's interpreter (as for scan --python)")
    parser.add_argument("--edit", type=Path,
                        help="the file the one-change runs append to (default: the app's "
                             "largest module)")
    parser.add_argument("--no-pylint", action="store_true")
    parser.add_argument("--pairs", type=int, default=3,
                        help="(floor, cold scan) pairs per app (default 3)")
    args = parser.parse_args()
    python = args.python if args.app is not None else (args.python or app_python(args.work))
    has_pylint = not args.no_pylint and subprocess.run(
        [python or sys.executable, "-m", "pylint", "--version"],
        capture_output=True).returncode == 0
    print(f"# {time.strftime('%Y-%m-%d')}, {CORES} cores, Python {sys.version.split()[0]}, "
          f"load average at start {os.getloadavg()[0]:.2f}"
          + (f"; the app's environment: {versions(python)}" if python and args.app is None
             else ""))
    print("| app | lines | files | parse floor s (÷ cores, median) | cold s (median of the "
          "pairs' ÷ floor) | warm s | "
          "1 change s | 1 change, daemon s | pylint s (÷ 1 change / ÷ daemon) | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    if args.app is not None:
        root = args.app.resolve()
        edit = args.edit or max(_python_files(root), key=lambda p: p.stat().st_size)
        _print(root.name, bench(root, python, edit, has_pylint, args.pairs))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        root = args.work / f"app{size // 1000}k"
        generate(root, size)
        checked_out_earlier(root)
        _print(f"generated {size // 1000}k", bench(
            root, python, root / "app" / "services" / "s3.py", has_pylint, args.pairs))


if __name__ == "__main__":
    main()
