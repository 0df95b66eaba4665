"""OpenTelemetry metrics exported in Prometheus format."""

from fastapi import APIRouter
from opentelemetry.exporter.prometheus import PrometheusMetricReader

router = APIRouter(prefix="/telemetry", tags=["telemetry"])

reader = PrometheusMetricReader()


@router.get("/status")
def status() -> dict[str, str]:
    return {"exporter": type(reader).__name__}
