from fastapi import APIRouter

from app.services import oauth_manager

router = APIRouter(prefix="/integrations", tags=["integrations"])

PROVIDERS = {"github": "gh-client", "slack": "slack-client"}


@router.get("/{provider}/connect")
def connect(provider: str) -> dict[str, str]:
    url = oauth_manager.build_auth_url(PROVIDERS[provider], f"/integrations/{provider}/cb", "repo")
    return {"authorize_url": url}
