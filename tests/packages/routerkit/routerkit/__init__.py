"""A small library of FastAPI helpers (like fastapi-utils' InferringRouter)."""
from routerkit.routing import VersionedRouter
from routerkit.pagination import Paginator

Router = VersionedRouter
