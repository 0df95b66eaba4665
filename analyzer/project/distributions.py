"""Import names <-> distribution names, from installed metadata read as files (never imported)
with a small built-in table of common mismatches as the fallback."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

# import name (longest dotted prefix wins) -> distribution to `pip install`
IMPORT_TO_DIST: Dict[str, str] = {
    "yaml": "PyYAML", "dagger": "dagger-io", "PIL": "Pillow", "cv2": "opencv-python",
    "sklearn": "scikit-learn", "bs4": "beautifulsoup4", "jwt": "PyJWT",
    "dateutil": "python-dateutil", "dotenv": "python-dotenv",
    "google.generativeai": "google-generativeai", "google.protobuf": "protobuf",
    "google.cloud.storage": "google-cloud-storage", "googleapiclient": "google-api-python-client",
    "opentelemetry.exporter.prometheus": "opentelemetry-exporter-prometheus",
    "opentelemetry.exporter.otlp": "opentelemetry-exporter-otlp",
    "opentelemetry.sdk": "opentelemetry-sdk", "opentelemetry": "opentelemetry-api",
    "prometheus_client": "prometheus-client", "magic": "python-magic",
    "multipart": "python-multipart", "jose": "python-jose", "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary", "Crypto": "pycryptodome", "OpenSSL": "pyOpenSSL",
    "attr": "attrs", "dns": "dnspython", "serial": "pyserial", "usb": "pyusb",
    "docx": "python-docx", "pptx": "python-pptx", "fitz": "PyMuPDF", "slugify": "python-slugify",
    "socketio": "python-socketio", "engineio": "python-engineio", "telegram": "python-telegram-bot",
    "zmq": "pyzmq", "git": "GitPython", "skimage": "scikit-image", "Levenshtein": "python-Levenshtein",
    "win32api": "pywin32", "ldap": "python-ldap", "kafka": "kafka-python", "nacl": "PyNaCl",
    "jinja2": "Jinja2", "markdown": "Markdown", "sentry_sdk": "sentry-sdk",
    "factory": "factory-boy", "pkg_resources": "setuptools", "ruamel": "ruamel.yaml",
    "Cryptodome": "pycryptodomex", "OpenGL": "PyOpenGL", "wx": "wxPython", "gi": "PyGObject",
    "cairo": "pycairo", "google.auth": "google-auth", "google.oauth2": "google-auth",
    "azure.storage.blob": "azure-storage-blob", "azure.identity": "azure-identity",
}


def normalize(name: str) -> str:
    """PEP 503: runs of -, _, . become one -, lower case."""
    return re.sub(r"[-_.]+", "-", name).lower()


def dist_for_import(module: str) -> str:
    """The distribution to install for `import module` (dotted): the table's longest prefix,
    else the top-level import name, PEP 503-normalised."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        found = IMPORT_TO_DIST.get(".".join(parts[:end]))
        if found:
            return found
    return normalize(parts[0])


def imports_for_dist(dist: str) -> Set[str]:
    """Top-level import names the table knows for a distribution (fallback mapping)."""
    wanted = normalize(dist)
    return {name.split(".")[0] for name, d in IMPORT_TO_DIST.items() if normalize(d) == wanted}


def installed_distributions(paths: Iterable[str]) -> Dict[str, Set[str]]:
    """{normalised distribution name: top-level import names} from `*.dist-info` /
    `*.egg-info` folders on the target's sys.path: top_level.txt, else RECORD."""
    found: Dict[str, Set[str]] = {}
    for info, dist in _metadata_folders(paths, (".dist-info", ".egg-info")):
        found.setdefault(normalize(dist), set()).update(_top_levels(info))
    return found


def installed_version(paths: Iterable[str], dist: str) -> Optional[Tuple[int, ...]]:
    """The release numbers of an installed distribution (`fastapi-0.115.2.dist-info`: (0, 115,
    2)), from its metadata folder's name; None when absent or unreadable."""
    wanted = normalize(dist)
    for entry in paths:
        try:
            children = list(Path(entry).iterdir()) if Path(entry).is_dir() else []
        except OSError:
            continue
        for info in children:
            name, _, rest = info.name.partition("-")
            if info.name.endswith(".dist-info") and normalize(name) == wanted:
                match = re.match(r"(\d+(?:\.\d+)*)", rest)
                return tuple(int(n) for n in match.group(1).split(".")) if match else None
    return None


def _metadata_folders(paths: Iterable[str], suffixes: Tuple[str, ...]):
    """(metadata folder, distribution name) for every installed distribution on `paths`."""
    for entry in paths:
        base = Path(entry)
        try:
            children = list(base.iterdir()) if base.is_dir() else []
        except OSError:
            continue
        for info in children:
            if info.name.endswith(suffixes):
                dist = _dist_name(info)
                if dist:
                    yield info, dist


_REQUIRES = re.compile(r"^Requires-Dist:\s*([A-Za-z0-9][A-Za-z0-9._-]*)([^;]*)(;.*)?$", re.I)


def installed_requirements(paths: Iterable[str]) -> Dict[str, Set[str]]:
    """{normalised distribution: normalised distributions it requires} from the
    `Requires-Dist` headers of installed metadata (requirements of extras left out)."""
    found: Dict[str, Set[str]] = {}
    for info, dist in _metadata_folders(paths, (".dist-info",)):
        needs = found.setdefault(normalize(dist), set())
        try:
            with open(info / "METADATA", encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if not line.strip():
                        break
                    match = _REQUIRES.match(line)
                    if match and "extra" not in (match.group(3) or ""):
                        needs.add(normalize(match.group(1)))
        except OSError:
            continue
    return found


def _dist_name(info: Path) -> Optional[str]:
    for meta in ("METADATA", "PKG-INFO"):
        try:
            with open(info / meta, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if line.lower().startswith("name:"):
                        return line.split(":", 1)[1].strip()
                    if not line.strip():
                        break
        except OSError:
            continue
    return info.name.split("-")[0]


def _top_levels(info: Path) -> Set[str]:
    try:
        text = (info / "top_level.txt").read_text("utf-8", "replace")
        names = {line.strip().replace("/", ".").split(".")[0] for line in text.splitlines()}
        names.discard("")
        if names:
            return names
    except OSError:
        pass
    names = set()
    try:
        lines: List[str] = (info / "RECORD").read_text("utf-8", "replace").splitlines()
    except OSError:
        lines = []
    for line in lines:
        path = line.split(",")[0]
        first = path.split("/")[0]
        if not first or first.endswith((".dist-info", ".egg-info", ".data", ".pth")) or \
                first.startswith("..") or first == "__pycache__":
            continue
        if "/" in path:
            names.add(first)
        elif first.endswith((".py", ".so", ".pyd")):
            names.add(first.split(".")[0])
    return names
