"""Trigger CI pipelines through the Dagger engine."""

import dagger
from fastapi import APIRouter

router = APIRouter(prefix="/ci", tags=["ci"])


@router.post("/pipelines/{name}")
async def run_pipeline(name: str) -> dict[str, str]:
    async with dagger.Connection(dagger.Config()) as client:
        out = await client.container().from_("python:3.11-slim").with_exec(["true"]).stdout()
    return {"pipeline": name, "output": out}
