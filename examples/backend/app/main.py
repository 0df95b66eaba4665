"""Application entry point (`uvicorn app.main:app`).

Each router is imported and included in its own try/except, exactly as the production
back end did it: a router that fails to import is logged and skipped, and the app starts
anyway -- without that router's routes. The order of the blocks below matters: the first
model module to declare a table wins, later declarations raise.
"""

import logging

from fastapi import FastAPI

logger = logging.getLogger("app.main")

app = FastAPI(title="Example Backend", version="0.1.0")

try:
    from app.routers import health

    app.include_router(health.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "health", exc)

# users imports app.models.core: the FIRST declaration of 'predictive_models' is registered here.
try:
    from app.routers import users

    app.include_router(users.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "users", exc)

try:
    from app.routers import items

    app.include_router(items.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "items", exc)

try:
    from app.routers import orders

    app.include_router(orders.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "orders", exc)

try:
    from app.routers import predictions

    app.include_router(predictions.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "predictions", exc)

# analytics imports app.models.analytics_models: the SECOND declaration -> fails (RL001).
# Its AnalyticsEvent table was registered before the failure, and stays registered.
try:
    from app.routers import analytics

    app.include_router(analytics.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "analytics", exc)

# reports re-executes app.models.analytics_models: now 'analytics_events' is the duplicate.
try:
    from app.routers import reports

    app.include_router(reports.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "reports", exc)

# ml imports app.models.ml_models: the THIRD declaration -> fails (RL001).
try:
    from app.routers import ml

    app.include_router(ml.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "ml", exc)

# auth, integrations and calendar all import app.services.oauth_manager (SyntaxError).
try:
    from app.routers import auth

    app.include_router(auth.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "auth", exc)

try:
    from app.routers import integrations

    app.include_router(integrations.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "integrations", exc)

try:
    from app.routers import calendar

    app.include_router(calendar.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "calendar", exc)

try:
    from app.routers import notifications

    app.include_router(notifications.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "notifications", exc)

try:
    from app.routers import billing

    app.include_router(billing.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "billing", exc)

try:
    from app.routers import search

    app.include_router(search.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "search", exc)

try:
    from app.routers import admin

    app.include_router(admin.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "admin", exc)

try:
    from app.routers import exports

    app.include_router(exports.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "exports", exc)

try:
    from app.routers import webhooks

    app.include_router(webhooks.router)
except Exception as exc:
    logger.warning("router %s failed to load: %s", "webhooks", exc)

# app.routers.experiments is never included: nobody added a block for it.
