"""Settings from the environment or `.env` (prefix `SIAGA_`). A wrong value is named clearly."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.retention import RetentionPolicy, policy_problems
from bot.domain.status import WindowError, parse_windows

TOKEN_SHAPE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
WEBHOOK_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# The setting behind each period of the retention policy (bot.domain.retention.PolicyProblem).
_RETENTION_FIELDS = {
    "records": "retention_records_days",
    "working": "retention_working_hours",
    "personal": "retention_personal_days",
    "batch_rows": "retention_batch_rows",
}


def _split_ints(value: object) -> object:
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace(";", ",").split(",")]
        return [int(p) for p in parts if p]
    if isinstance(value, int):
        return [value]
    return value


def _split_minutes(value: object) -> object:
    if isinstance(value, str):
        return [int(p.strip()) for p in value.split(",") if p.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SIAGA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = Field(
        default=None, description="From @BotFather, shape 123456789:AA…"
    )
    db_path: Path = Field(default=Path("siaga.db"), description="SQLite database file")
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Pontianak"
    locale: Literal["id", "en"] = "id"
    api_base_url: str | None = Field(
        default=None, description="Bot API server, e.g. http://127.0.0.1:8081/bot"
    )
    api_file_url: str | None = Field(
        default=None, description="Bot API file server, e.g. http://127.0.0.1:8081/file/bot"
    )
    ops_chat_id: int | None = None

    # Delivery: Telegram's limits (about 30/s overall, ~1/s per private chat, 20/min per group).
    rate_overall_per_s: float = Field(default=30.0, gt=0)
    rate_private_per_s: float = Field(default=1.0, gt=0)
    private_burst: int = Field(default=3, ge=1)
    rate_group_per_min: float = Field(default=20.0, gt=0)
    max_in_flight: int = Field(default=16, ge=1, le=512)
    paid_broadcast: bool = False
    paid_rate_per_s: float = Field(default=1000.0, gt=0, le=1000)
    # Delivery engine details (bot/delivery/drainer.py).
    group_burst: int = Field(default=1, ge=1, description="messages a group may get at once")
    delivery_timeout_s: float = Field(default=15.0, gt=0)
    delivery_max_attempts: int = Field(default=30, ge=1)
    retry_base_s: float = Field(default=1.0, gt=0)
    retry_max_s: float = Field(default=120.0, gt=0)
    edit_interval_s: float = Field(default=1.0, ge=0, description="between edits of one message")
    unreachable_notice_delay_s: float = Field(default=3.0, ge=0)

    # Roll calls and readiness.
    apel_default_minutes: int = Field(default=30, ge=1, le=1440)
    apel_reminder_minutes: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [10, 2])
    readiness_stale_hours: float = Field(default=12.0, gt=0)

    # Call-outs.
    invite_timeout_minutes: float = Field(default=5.0, gt=0)
    # The Polda's default fill strategy; a commander may pick another on each order.
    callout_strategy: Literal["cepat", "tepat", "semua"] = Field(
        default="cepat",
        description="cepat: adaptive (fast) · tepat: exact shortfall · semua: everyone ready",
    )
    arrival_radius_m: float = Field(
        default=500.0, gt=0, description="how near the site an arrival counts as verified"
    )

    # Command groups.
    broadcast_interval_minutes: int = Field(default=60, ge=1)
    jam_rawan_interval_minutes: int = Field(default=15, ge=1)
    jam_rawan_windows: str = Field(default="", description="e.g. 18:00-23:59,00:00-06:00")
    jam_rawan_stale_hours: float = Field(default=4.0, gt=0)

    # Flood control (handlers/gate.py): each person may send this many updates at once, then
    # this many per window; past that one polite notice per window, the rest are dropped.
    flood_updates: int = Field(default=20, ge=1)
    flood_window_s: float = Field(default=10.0, gt=0)

    # Retention (bot/domain/retention.py, README "Retention"): records (answers, call-out
    # outcomes, readiness history, audit) in days; working data (sent outbox rows, done
    # deadlines, drafts) in hours; a deactivated person's phone and Telegram link in days.
    retention_records_days: int = Field(default=730, ge=1)
    retention_working_hours: int = Field(default=168, ge=1)
    retention_personal_days: int = Field(default=90, ge=1)
    retention_hour: int = Field(default=3, ge=0, le=23, description="local hour of the run")
    retention_batch_rows: int = Field(default=500, ge=100, le=50_000)

    # Webhook mode (polling when unset). A dashboard on the same listen address and port is
    # served by the webhook's server (web_shares_webhook).
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    # 0 picks a free port (tests).
    webhook_port: int = Field(default=8443, ge=0, le=65535)
    webhook_secret: SecretStr | None = None

    # The posko dashboard (handlers/dashboard): off unless web_url is set. web_url is the public
    # HTTPS address the operator's reverse proxy forwards to web_listen:web_port; Telegram
    # opens Mini Apps over HTTPS only.
    web_url: str | None = None
    web_listen: str = "127.0.0.1"
    # 0 picks a free port (tests).
    web_port: int = Field(default=8480, ge=0, le=65535)
    # How long a Mini App's initData is accepted after Telegram signed it (the page asks the
    # viewer to reopen it from the chat after that).
    web_auth_max_age_s: float = Field(default=6 * 3600, gt=0)
    # Requests per viewer: a burst of this many, then this many per window.
    web_requests: int = Field(default=60, ge=1)
    web_window_s: float = Field(default=10.0, gt=0)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        try:
            return _split_ints(value)
        except ValueError as exc:
            raise ValueError(
                "expected Telegram user ids separated by commas, e.g. 123,456"
            ) from exc

    @field_validator("apel_reminder_minutes", mode="before")
    @classmethod
    def _parse_reminders(cls, value: object) -> object:
        try:
            return _split_minutes(value)
        except ValueError as exc:
            raise ValueError("expected minutes before the deadline, e.g. 10,2") from exc

    @field_validator("bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_SHAPE.match(value.get_secret_value()):
            raise ValueError("expected the token from @BotFather, shaped like 123456789:AAE…")
        return value

    @field_validator("jam_rawan_windows")
    @classmethod
    def _check_windows(cls, value: str) -> str:
        try:
            parse_windows(value)
        except WindowError as exc:
            raise ValueError(
                f"{exc}: expected local time ranges, e.g. 18:00-23:59,00:00-06:00"
            ) from exc
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("expected an IANA time zone, e.g. Asia/Pontianak") from exc
        return value

    @field_validator("db_path")
    @classmethod
    def _check_db_path(cls, value: Path) -> Path:
        # Whether the file may be written is the command's business, not the configuration's:
        # check, export and backup work on a read-only database (storage/db.py says why not
        # when a command needs to write).
        folder = value.parent if str(value.parent) else Path(".")
        if not folder.exists():
            raise ValueError(
                f"folder {folder} does not exist: create it (mkdir -p {folder}) or correct"
                " SIAGA_DB_PATH"
            )
        if value.is_dir():
            raise ValueError(f"{value} is a folder; expected a database file path")
        return value

    @model_validator(mode="after")
    def _check_retention(self) -> Settings:
        problems = policy_problems(self.retention_policy)
        if problems:
            # A model-wide check has no field of its own: each sentence names its variable.
            raise ValueError(
                "; ".join(
                    f"SIAGA_{_RETENTION_FIELDS[p.period].upper()}: {p.text} (default"
                    f" {type(self).model_fields[_RETENTION_FIELDS[p.period]].default})"
                    for p in problems
                )
            )
        return self

    @model_validator(mode="after")
    def _check_webhook(self) -> Settings:
        if self.webhook_url is None:
            return self
        if not self.webhook_url.startswith(("https://", "http://")):
            raise ValueError("SIAGA_WEBHOOK_URL: expected a URL, e.g. https://siaga.example/tg")
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not WEBHOOK_SECRET_SHAPE.match(secret):
            raise ValueError(
                "SIAGA_WEBHOOK_SECRET: required in webhook mode; 1-256 characters of"
                " A-Z, a-z, 0-9, _ and -"
            )
        return self

    @model_validator(mode="after")
    def _check_web(self) -> Settings:
        if self.web_url is not None and not self.web_url.startswith("https://"):
            raise ValueError(
                "SIAGA_WEB_URL: expected the dashboard's public HTTPS address, e.g."
                " https://siaga.example/dasbor (Telegram opens Mini Apps over HTTPS only)"
            )
        return self

    @property
    def retention_policy(self) -> RetentionPolicy:
        return RetentionPolicy(
            records=timedelta(days=self.retention_records_days),
            working=timedelta(hours=self.retention_working_hours),
            personal=timedelta(days=self.retention_personal_days),
            batch_rows=self.retention_batch_rows,
        )

    @property
    def webhook_path(self) -> str:
        """Where the webhook's server takes Telegram's posts."""
        return urlsplit(self.webhook_url or "").path or "/"

    @property
    def web_base(self) -> str:
        """The dashboard's path, without a trailing slash ("" at the URL's root)."""
        return urlsplit(self.web_url or "").path.rstrip("/")

    @property
    def web_shares_webhook(self) -> bool:
        """Webhook mode with the dashboard on the webhook's own address and port: one server
        serves both (one port to forward from the reverse proxy)."""
        return (
            self.webhook_url is not None
            and self.web_url is not None
            and (self.web_listen, self.web_port) == (self.webhook_listen, self.webhook_port)
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_configured_admin(self, telegram_user_id: int) -> bool:
        return telegram_user_id in self.admin_ids
