"""The one Settings object, read from PORTFOLIO_* environment variables."""

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The dev key is public on purpose: anything signed with it is worthless in production.
DEV_SECRET_KEY = "dev-insecure-key-do-not-use-in-production-0000"  # noqa: S105
MIN_SECRET_BYTES = 32


class InsecureSettings(ValueError):
    """Settings that must not be used to run in production."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTFOLIO_", extra="ignore")

    env: Literal["dev", "prod"] = "dev"
    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: str = DEV_SECRET_KEY
    demo_password: str = "portfolio-demo-2026"  # noqa: S105  (documented in README)
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    max_file_bytes: int = 200 * 1024 * 1024
    max_files_per_item: int = 20
    # How often the running app sweeps the file storage (app/evidence/reconcile.py), and how
    # long a file no row references must sit unwritten before the sweep removes it. The grace
    # outlasts any pause within an upload, and the wait between its last byte and its commit.
    files_sweep_seconds: float = Field(default=300, gt=0)
    files_grace_seconds: float = Field(default=600, ge=0)
    sqlite_busy_timeout_ms: int = 30_000
    # Requests of one worker holding a database connection at once (app/admission.py); more
    # wait their turn, up to db_queue reads and db_queue writes for db_wait_seconds, and the
    # rest answer 503.
    db_pool_size: int = Field(default=10, ge=1, le=100)
    db_queue: int = Field(default=50, ge=0)
    db_wait_seconds: float = Field(default=10.0, gt=0)
    # Denied requests recorded per user per minute; past it they are only counted (auth/denied.py).
    denied_audit_per_minute: int = Field(default=20, ge=1)
    # Where people reach the app; emailed links use it, never the request's Host header.
    public_url: str = "http://127.0.0.1:8000"

    @model_validator(mode="after")
    def _defaults_and_prod_checks(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'portfolio.db'}"
        if self.env == "prod":
            check_secret_key(self.secret_key)
        return self

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def check_secret_key(key: str) -> None:
    """Refuse keys too short to hold 32 random bytes, or the public dev key."""
    if key == DEV_SECRET_KEY or len(key.encode()) < MIN_SECRET_BYTES:
        raise InsecureSettings(
            "PORTFOLIO_SECRET_KEY must be at least 32 random bytes in production "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    if len(set(key)) < 12:
        raise InsecureSettings("PORTFOLIO_SECRET_KEY looks repetitive; use a random key")
