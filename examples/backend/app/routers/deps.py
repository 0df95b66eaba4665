"""Shared dependencies for routers (not a router itself)."""

from typing import Annotated

from fastapi import Depends, Header, HTTPException
from sqlalchemy.orm import Session

from app.db import get_db

DbSession = Annotated[Session, Depends(get_db)]


def require_admin(x_admin_token: Annotated[str, Header()] = "") -> None:
    if x_admin_token != "let-me-in":
        raise HTTPException(status_code=403, detail="admin only")
