"""Operator commands: `check` (is this installation healthy?) and `backup` (a consistent copy)."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot
from telegram.error import InvalidToken, TelegramError
from telegram.request import HTTPXRequest

from bot.config import Settings
from storage.db import Database, SchemaTooNewError, bundled_migrations


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


async def run_checks(settings: Settings) -> list[CheckResult]:
    results = [CheckResult("configuration", True, f"database {settings.db_path}")]
    zone = settings.zone
    results.append(CheckResult("timezone", True, f"{zone.key}"))
    results.extend(await _check_database(settings.db_path))
    results.append(await _check_token(settings))
    return results


async def _check_database(path: Path) -> list[CheckResult]:
    known = len(bundled_migrations())
    try:
        db = await Database.open(path)
    except SchemaTooNewError as exc:
        return [CheckResult("schema", False, f"version {exc.found} is newer than code ({known})")]
    except sqlite3.DatabaseError as exc:
        return [CheckResult("database", False, str(exc))]
    try:
        integrity = await db.integrity_check()
        version = await db.schema_version()
    finally:
        await db.close()
    return [
        CheckResult("integrity", integrity == "ok", integrity),
        CheckResult("schema", version == known, f"version {version} of {known}"),
    ]


async def _check_token(settings: Settings) -> CheckResult:
    if settings.bot_token is None:
        return CheckResult("token", False, "SIAGA_BOT_TOKEN is not set")
    bot = Bot(
        settings.bot_token.get_secret_value(),
        base_url=settings.api_base_url or "https://api.telegram.org/bot",
        base_file_url=settings.api_file_url or "https://api.telegram.org/file/bot",
        request=HTTPXRequest(connect_timeout=10, read_timeout=10),
    )
    try:
        async with bot:
            me = await bot.get_me()
    except InvalidToken:
        return CheckResult("token", False, "Telegram refused the token (revoked or mistyped)")
    except TelegramError as exc:
        return CheckResult("token", False, f"getMe failed: {exc}")
    return CheckResult("token", True, f"@{me.username}")


def backup_database(source: Path, target: Path) -> int:
    """SQLite's online backup: consistent even while the bot writes. Returns pages copied."""
    if target.exists():
        raise FileExistsError(f"{target} exists; refusing to overwrite a backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("the backup failed its integrity check")
    finally:
        dst.close()
        src.close()
    return pages
