"""Prometheus scrape endpoint."""

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

router = APIRouter(prefix="/metrics", tags=["metrics"])

SCRAPES = Counter("metrics_scrapes_total", "Times /metrics was scraped")


@router.get("")
def metrics() -> Response:
    SCRAPES.inc()
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
