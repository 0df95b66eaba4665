"""OAuth helpers shared by the auth, integrations and calendar routers."""

import secrets
from urllib.parse import urlencode

from app.config import settings

AUTHORIZE_ENDPOINT = "https://accounts.example.com/o/oauth2/auth"
DEFAULT_SCOPES = ("openid", "email", "profile")


def new_state() -> str:
    return secrets.token_urlsafe(24)


def build_auth_url(client_id: str, redirect_uri: str = "/cb", scope: str) -> str:
    query = {
        "client_id": client_id or settings.oauth_client_id,
        "redirect_uri": settings.public_base_url + redirect_uri,
        "scope": scope or " ".join(DEFAULT_SCOPES),
        "response_type": "code",
        "state": new_state(),
    }
    return f"{AUTHORIZE_ENDPOINT}?{urlencode(query)}"


def exchange_code(code: str, redirect_uri: str = "/cb") -> dict[str, str]:
    # The real implementation posts to the token endpoint; never called at import time.
    raise NotImplementedError("token exchange is stubbed in the example")
