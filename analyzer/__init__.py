"""routerlint: predicts which FastAPI routers fail to load at start-up, without running the app."""

__version__ = "0.1.0"
