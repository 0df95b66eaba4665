"""Small Alembic projects for the RL4xx rules' VALID and INVALID cases: an `alembic.ini`, an
empty `env.py` (never run: routerlint reads revisions statically) and revision files built
from (revision, down_revision, upgrade body) triples."""

from __future__ import annotations

from typing import Dict, Optional, Sequence, Tuple, Union

Down = Union[None, str, Tuple[str, ...]]

MODELS = ("from typing import Optional\n\n"
          "from sqlalchemy import Integer, String\n"
          "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
          "class Base(DeclarativeBase):\n    pass\n\n\n"
          "class User(Base):\n    __tablename__ = \"users\"\n"
          "    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n"
          "    name: Mapped[Optional[str]] = mapped_column(String(50))\n")
CREATE_USERS = ('op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), '
                'sa.Column("name", sa.String(50)))')


def revision(rev: str, down: Down, *upgrade: str) -> str:
    body = "\n".join(f"    {line}" for line in upgrade) or "    pass"
    return (f'"""{rev}"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n'
            f"revision = {rev!r}\ndown_revision = {down!r}\nbranch_labels = None\n"
            f"depends_on = None\n\n\ndef upgrade():\n{body}\n\n\ndef downgrade():\n    pass\n")


def project(revisions: Sequence[Tuple[str, Down, Sequence[str]]],
            models: Optional[str] = MODELS) -> Dict[str, str]:
    """{path: source} of a project whose chain is `revisions` (file names are the ids)."""
    files = {"alembic.ini": "[alembic]\nscript_location = migrations\n",
             "migrations/env.py": ""}
    if models is not None:
        files["app/__init__.py"] = ""
        files["app/models.py"] = models
    for index, (rev, down, upgrade) in enumerate(revisions):
        files[f"migrations/versions/{index:02d}_{rev}.py"] = revision(rev, down, *upgrade)
    return files
