"""CSV/JSON exports with an optional fast JSON encoder."""

import csv
import io
import json

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from app.models.core import Order
from app.routers.deps import DbSession

try:
    import orjson
except ImportError:  # optional dependency, not in pyproject.toml
    orjson = None

router = APIRouter(prefix="/exports", tags=["exports"])


def _dumps(data: object) -> bytes:
    if orjson is not None:
        return orjson.dumps(data)
    return json.dumps(data).encode()


@router.get("/orders.json")
def orders_json(db: DbSession) -> Response:
    rows = [{"id": o.id, "status": o.status, "total": str(o.total)} for o in db.scalars(select(Order))]
    return Response(_dumps(rows), media_type="application/json")


@router.get("/orders.csv")
def orders_csv(db: DbSession) -> Response:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "status", "total"])
    for o in db.scalars(select(Order)):
        writer.writerow([o.id, o.status, o.total])
    return Response(buf.getvalue(), media_type="text/csv")


@router.get("/notes.html")
def notes_html(text: str) -> Response:
    import bleach  # lazy: the router loads, this endpoint fails when called

    return Response(bleach.clean(text), media_type="text/html")
