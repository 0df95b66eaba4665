"""Settings read from the environment (reading the environment has no side effects)."""

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL", "sqlite://"))
    oauth_client_id: str = field(default_factory=lambda: os.environ.get("OAUTH_CLIENT_ID", ""))
    public_base_url: str = field(default_factory=lambda: os.environ.get("PUBLIC_BASE_URL", "http://localhost:8000"))


settings = Settings()
