"""Server settings, read from ``TIMETRACK_*`` environment variables.

Every setting, its variable and its default is listed in the README's configuration table;
keep the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal, get_args, get_origin

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["critical", "error", "warning", "info", "debug"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TIMETRACK_", extra="ignore")

    data_dir: Path = Path("./data")
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    log_level: LogLevel = "info"
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # The limits of a connection (httpserver.py): the request line and headers together, the
    # time for them, the time for the whole body, and the connections one worker holds.
    max_header_bytes: int = Field(default=32_768, ge=1024, le=1_048_576)
    header_timeout_seconds: float = Field(default=10.0, gt=0, le=3600)
    body_timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    max_connections: int = Field(default=1000, ge=1, le=1_000_000)
    access_log: bool = False
    proxy_headers: bool = False
    forwarded_allow_ips: str = "127.0.0.1"
    db_pool_size: int = Field(default=10, ge=1, le=200)
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    # Argon2id cost of user passwords (RFC 9106's second recommended profile by default).
    password_time_cost: int = Field(default=3, ge=1, le=20)
    password_memory_kib: int = Field(default=65536, ge=1024, le=4_194_304)
    # How long an Idempotency-Key is remembered (idempotency.py); older keys count as unused.
    idempotency_ttl_hours: int = Field(default=24, ge=1, le=8760)
    # Requests per account key: a token bucket of `burst` tokens refilled at `per_second`.
    rate_limit_enabled: bool = True
    rate_limit_per_second: float = Field(default=50.0, gt=0, le=1_000_000)
    rate_limit_burst: int = Field(default=200, ge=1, le=1_000_000)
    # Wrong secrets per API key and minute (accounts/guesses.py), and wrong keys or secrets per
    # client address and minute (ratelimit.py); 0: not throttled.
    auth_failures_per_minute: int = Field(default=20, ge=0, le=1_000_000)
    # Empty: each worker process keeps its own buckets.
    redis_url: str = ""
    # A signed-in person's session (auth/sessions.py) ends after this long without a request,
    # and in any case this long after the login.
    session_idle_minutes: int = Field(default=480, ge=1, le=525_600)
    session_hours: int = Field(default=168, ge=1, le=8760)
    # The web app's timer page warns once a running or paused timer started this long ago (a
    # timer forgotten overnight); one setting for the server, as every account's day is alike.
    timer_warning_hours: float = Field(default=10.0, gt=0, le=168)

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_log_level(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if value and not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError(
                "TIMETRACK_DATABASE_URL must start with sqlite:///, postgresql:// or postgres://"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("TIMETRACK_REDIS_URL must start with redis://, rediss:// or unix://")
        return value

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'timetrack.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite:")


def get_settings() -> Settings:
    return Settings()


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _expected(field: str) -> str:
    """What a setting accepts, in words, from its declaration (type and bounds)."""
    info = Settings.model_fields[field]
    kind = info.annotation
    if kind is bool:
        return "true or false (or 1/0, yes/no, on/off)"
    if get_origin(kind) is Literal:
        return "one of " + ", ".join(str(choice) for choice in get_args(kind))
    if kind is int:
        what = "a whole number"
    elif kind is float:
        what = "a number"
    else:
        return "valid"
    declared = {type(bound).__name__: bound for bound in info.metadata}
    ge, gt, le = (getattr(declared.get(n.title()), n, None) for n in ("ge", "gt", "le"))
    if ge is not None and le is not None:
        return f"{what} from {_number(ge)} to {_number(le)}"
    words = [what]
    if ge is not None:
        words.append(f"of at least {_number(ge)}")
    if gt is not None:
        words.append(f"above {_number(gt)}")
    if le is not None:
        words.append(f"{'and ' if len(words) > 1 else ''}at most {_number(le)}")
    return " ".join(words)


def describe_invalid(error: ValidationError, flags: Mapping[str, str] | None = None) -> str:
    """One line naming each invalid setting (as the flag that set it, else its variable) and
    what it accepts, instead of pydantic's multi-line report."""
    problems = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        if problem["type"] == "value_error":  # this module's validators name the variable
            problems.append(str(problem["ctx"]["error"]))
        elif field in Settings.model_fields:
            name = (flags or {}).get(field) or f"TIMETRACK_{field.upper()}"
            problems.append(f"{name} must be {_expected(field)}, got {problem['input']!r}")
        else:
            problems.append(problem["msg"])
    return "; ".join(problems)
