"""Benchmark routerlint against the LibCST parse floor and pylint, on generated apps.

Prints, per size: cold (best of 2) / warm (best of 3) / one-file-changed (best of 3) wall times of `python -m routerlint scan`
(each a fresh process, as a pre-commit hook runs it), lines/s of the cold run, peak memory
(max RSS of the child processes, from resource.getrusage(RUSAGE_CHILDREN) — includes pool
workers, reported as the largest single process), the ratio of cold time to the bare
`libcst.parse_module` time of the same files divided by the cores, and the ratio of pylint's
time (`--disable=all --enable=E0401,E0611`) to routerlint's cold time when pylint is installed.

    python benchmarks/run.py [--sizes 10000,100000,300000] [--work /tmp/routerlint-bench]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

CORES = os.cpu_count() or 1


def _timed(command, cwd) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _parse_floor(root: Path) -> float:
    """Seconds to libcst.parse_module every file, in a fresh process (one core)."""
    code = ("import sys, time, pathlib, libcst\n"
            "files = [p.read_text() for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.py'))]\n"
            "t = time.perf_counter()\n"
            "for text in files: libcst.parse_module(text)\n"
            "print(time.perf_counter() - t)\n")
    out = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True,
                         text=True, check=True)
    return float(out.stdout)


def bench(size: int, work: Path, with_pylint: bool) -> dict:
    root = work / f"app{size // 1000}k"
    files = generate(root, size)
    lines = sum(p.read_text().count("\n") for p in root.rglob("*.py"))
    scan = [sys.executable, "-m", "routerlint", "scan", "--exit-zero", "."]
    cold = float("inf")
    for _ in range(2):  # best of 2, each from an empty cache
        shutil.rmtree(root / ".routerlint_cache", ignore_errors=True)
        cold = min(cold, _timed(scan, root))
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    warm = min(_timed(scan, root) for _ in range(3))
    target = root / "app" / "services" / "s3.py"
    changed = float("inf")
    for n in range(3):  # a different edit each time, so each run really sees a change
        target.write_text(target.read_text() + f"\nBENCH_CHANGE_{n} = 1\n")
        changed = min(changed, _timed(scan, root))
    floor = _parse_floor(root)
    row = {"lines": lines, "files": files, "cold": cold, "warm": warm, "changed": changed,
           "lines_s": lines / cold, "peak_mb": peak_mb, "floor": floor / CORES,
           "vs_floor": cold / (floor / CORES), "pylint": None}
    if with_pylint:
        pylint = _timed([sys.executable, "-m", "pylint", "--disable=all",
                         "--enable=E0401,E0611", "app"], root)
        row["pylint"] = pylint
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,300000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/routerlint-bench"))
    parser.add_argument("--no-pylint", action="store_true")
    args = parser.parse_args()
    has_pylint = not args.no_pylint and subprocess.run(
        [sys.executable, "-m", "pylint", "--version"], capture_output=True).returncode == 0
    print(f"# {time.strftime('%Y-%m-%d')}, {CORES} cores, Python {sys.version.split()[0]}, "
          f"load average at start {os.getloadavg()[0]:.2f}")
    print("| lines | files | cold s | warm s | 1 change s | lines/s (cold) | parse ÷ cores s "
          "| cold ÷ floor | pylint s | pylint ÷ cold | pylint ÷ 1 change | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        r = bench(size, args.work, has_pylint)
        pylint = f"{r['pylint']:.2f}" if r["pylint"] is not None else "n/a"
        ratio = f"{r['pylint'] / r['cold']:.1f}×" if r["pylint"] is not None else "n/a"
        ratio_changed = (f"{r['pylint'] / r['changed']:.0f}×" if r["pylint"] is not None
                         else "n/a")
        print(f"| {r['lines']:,} | {r['files']} | {r['cold']:.2f} | {r['warm']:.2f} | "
              f"{r['changed']:.2f} | {r['lines_s']:,.0f} | {r['floor']:.2f} | "
              f"{r['vs_floor']:.2f} | {pylint} | {ratio} | {ratio_changed} | "
              f"{r['peak_mb']:.0f} |"
              f"  (load {os.getloadavg()[0]:.2f})", flush=True)


if __name__ == "__main__":
    main()
