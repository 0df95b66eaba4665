"""Incoming webhooks: relative imports, and a package-relative import of a sibling service."""

from fastapi import APIRouter, Header, HTTPException, Request

from ..config import settings
from ..services.signatures import verify_signature

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post("/payments")
async def payment_webhook(request: Request, x_signature: str = Header("")) -> dict[str, bool]:
    body = await request.body()
    if not verify_signature(settings.oauth_client_id.encode(), body, x_signature):
        raise HTTPException(status_code=401, detail="bad signature")
    return {"received": True}
