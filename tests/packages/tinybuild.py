"""A minimal PEP 517 build backend for the test packages (no setuptools/wheel needed).

It builds a pure-Python wheel holding the folders listed in `[tool.tinybuild] include` and
writes METADATA, WHEEL, top_level.txt and RECORD. tests/envs.py copies it next to each package's
pyproject.toml (`backend-path = ["."]`) before `pip install --no-build-isolation`.
"""

import base64
import hashlib
import os
import zipfile

try:
    import tomllib
except ImportError:  # pragma: no cover
    import tomli as tomllib


def _config():
    with open("pyproject.toml", "rb") as handle:
        data = tomllib.load(handle)
    return data["project"], data.get("tool", {}).get("tinybuild", {})


def get_requires_for_build_wheel(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    project, tool = _config()
    name, version = project["name"], project["version"]
    stem = name.replace("-", "_")
    info = f"{stem}-{version}.dist-info"
    wheel = os.path.join(wheel_directory, f"{stem}-{version}-py3-none-any.whl")
    records = []

    def add(archive, arcname, data):
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        archive.writestr(arcname, data)
        records.append(f"{arcname},sha256={digest},{len(data)}")

    with zipfile.ZipFile(wheel, "w") as archive:
        tops = set()
        for folder in tool.get("include", []):
            tops.add(folder.split("/")[0])
            for root, dirs, files in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                for file in sorted(files):
                    path = os.path.join(root, file)
                    with open(path, "rb") as handle:
                        add(archive, path.replace(os.sep, "/"), handle.read())
        add(archive, f"{info}/METADATA",
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode())
        add(archive, f"{info}/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: tinybuild\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        if tool.get("top_level", True):
            add(archive, f"{info}/top_level.txt", "".join(t + "\n" for t in sorted(tops)).encode())
        records.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(records) + "\n")
    return os.path.basename(wheel)
