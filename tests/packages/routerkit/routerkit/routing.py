from typing import Any

from fastapi import routing


class _Base(routing.APIRouter):
    """Adds nothing: a library's own base, as real helpers have."""


class VersionedRouter(_Base):
    def __init__(self, *args: Any, version: str = "v1", **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"/{version}")
        super().__init__(*args, **kwargs)
