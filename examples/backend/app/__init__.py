"""Example back end: a miniature of a production FastAPI + SQLAlchemy service."""
