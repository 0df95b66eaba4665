from fastapi import APIRouter

from app.services.oauth_manager import build_auth_url, exchange_code

router = APIRouter(prefix="/calendar", tags=["calendar"])


@router.get("/connect")
def connect_calendar() -> dict[str, str]:
    return {"authorize_url": build_auth_url("calendar-client", "/calendar/cb", "calendar.readonly")}


@router.get("/cb")
def calendar_callback(code: str) -> dict[str, str]:
    return exchange_code(code, "/calendar/cb")
