"""Admin router. It mentions two broken modules, but neither is executed at import time:
ml_models only under TYPE_CHECKING, oauth_manager only inside a function."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends

from app.models.core import User
from app.routers.deps import DbSession, require_admin

if TYPE_CHECKING:
    from app.models.ml_models import TrainingRun

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])


def describe_run(run: TrainingRun) -> str:
    return f"run {run.id}: loss={run.loss:.4f}"


@router.post("/users/{user_id}/deactivate")
def deactivate(user_id: int, db: DbSession) -> dict:
    user = db.get(User, user_id)
    if user is not None:
        user.is_active = False
        db.commit()
    return {"id": user_id, "active": False}


@router.get("/oauth/test-url")
def oauth_test_url() -> dict[str, str]:
    # Lazy import: only runs when this endpoint is called (and would fail then).
    from app.services.oauth_manager import build_auth_url

    return {"url": build_auth_url("admin-client", "/admin/cb", "openid")}
