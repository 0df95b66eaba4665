"""Throw-away target environments for the third-party tests: real venvs (no mocks).

Each is `python -m venv --without-pip` (fast), then tiny local distributions from
tests/packages/ are installed into it by the outer pip with `--target`, offline and without
build isolation. A `.pth` file puts the outer environment's site-packages (fastapi,
sqlalchemy) after the venv's own, so CPython can load the fixture apps there; a second `.pth`
adds a separate folder holding one portion of a namespace package split over two sys.path
entries.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

PACKAGES = Path(__file__).resolve().parent / "packages"

# name -> (packages installed in site-packages, packages installed in the .pth-added folder)
ENVS = {
    "thirdparty": (["exportlib-2", "nsvendor-core", "acme-daggerish"], ["nsvendor-exporter-alpha"]),
    "exportlib1": (["exportlib-1"], []),
    "submodules": (["lazytools", "lazyattr", "fastcodec", "nsvendor-core"],
                   ["nsvendor-exporter-alpha"]),
    "routerlib": (["routerkit"], []),
}

# package -> stdlib extension module copied into it: a real compiled submodule, loadable by
# this interpreter, that the package's __init__ never imports.
EXTENSIONS = {"fastcodec": "_bisect"}



def _python(venv: Path) -> Path:
    for candidate in (venv / "bin" / "python", venv / "Scripts" / "python.exe"):
        if candidate.exists():
            return candidate
    raise RuntimeError(f"no interpreter in {venv}")


def _pip_target(packages: list[str], target: Path, work: Path) -> None:
    if not packages:
        return
    sources = []
    for name in packages:  # build from a copy: setuptools writes build/ and *.egg-info
        copy = work / "src" / name
        shutil.copytree(PACKAGES / name, copy, dirs_exist_ok=True)
        shutil.copy(PACKAGES / "tinybuild.py", copy / "tinybuild.py")
        sources.append(str(copy))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
         "--no-build-isolation", "--disable-pip-version-check", "--target", str(target),
         *sources],
        capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"pip install {packages} failed:\n{done.stdout}\n{done.stderr}")


def _copy_extension(module: str, folder: Path) -> None:
    import importlib.machinery

    source = getattr(importlib.import_module(module), "__file__", None)
    if not source or not source.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
        raise RuntimeError(f"{module} is not a compiled extension file in this Python build")
    shutil.copy(source, folder / Path(source).name)


def build_env(name: str, where: Path) -> Path:
    """Create the venv `name` under `where`; return its interpreter."""
    site_pkgs, extra_pkgs = ENVS[name]
    venv = where / name
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   capture_output=True, timeout=120)
    python = _python(venv)
    site = Path(subprocess.run(
        [str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    _pip_target(site_pkgs, site, where / f"{name}-build")
    for package in set(site_pkgs) & set(EXTENSIONS):
        _copy_extension(EXTENSIONS[package], site / package)
    if extra_pkgs:
        extra = where / f"{name}-extra"
        _pip_target(extra_pkgs, extra, where / f"{name}-build")
        (site / "zz_extra.pth").write_text(str(extra) + "\n")
    outer = sysconfig.get_paths()["purelib"]
    (site / "zzz_outer.pth").write_text(outer + "\n")
    return python
