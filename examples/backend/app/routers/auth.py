from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from app.config import settings
from app.services.oauth_manager import build_auth_url

router = APIRouter(prefix="/auth", tags=["auth"])


@router.get("/login")
def login() -> RedirectResponse:
    return RedirectResponse(build_auth_url(settings.oauth_client_id, "/auth/callback", "openid email"))
