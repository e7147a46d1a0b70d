"""Operator commands: `check` (is this installation healthy?) and `backup` (a consistent copy),
and the operator's problems as sentences (`OperatorError`)."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from telegram import Bot
from telegram.error import InvalidToken, TelegramError
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.i18n import Catalog
from storage.db import (
    Database,
    DatabaseUnusableError,
    OpenProblem,
    SchemaTooNewError,
    bundled_migrations,
    open_problem,
)

# Exit status for what the operator must fix before trying again (configuration, a database
# that cannot be used): deploy/siaga.service does not restart the bot on it.
EXIT_CONFIG = 2


def program_name() -> str:
    """How the operator started us, for usage lines and examples: `siaga` (the installed
    script) or `python -m bot`."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "python -m bot" if name in ("", "__main__.py", "-c") else name


class OperatorError(Exception):
    """A mistake or a broken installation the operator can fix: the catalog key of one
    sentence that says what is wrong and what to do, and the process's exit status."""

    def __init__(self, key: str, exit_code: int = 1, **args: str | int) -> None:
        super().__init__(key)
        self.key = key
        self.exit_code = exit_code
        self.args_ = args


# A server listening on every address holds its port on each of them: another on one
# address of the same port cannot open (EADDRINUSE on Linux, SO_REUSEADDR or not).
_EVERY_ADDRESS = frozenset({"", "0.0.0.0", "::"})


def webhook_collision(settings: Settings) -> OperatorError | None:
    """The webhook and the dashboard in each other's way: the webhook posting to a path the
    dashboard serves on the same server, or two servers on one port of overlapping addresses
    (the second would fail to open after the first started). `run` refuses to start on it
    and `check` names it, so the operator hears it before the restart."""
    from bot.domain.dashboard import serves_path

    if settings.web_shares_webhook and serves_path(settings.web_base, settings.webhook_path):
        return OperatorError(
            "cli-webhook-in-dashboard",
            EXIT_CONFIG,
            path=settings.webhook_path,
            web=settings.web_url or "",
        )
    listens = {settings.webhook_listen, settings.web_listen}
    if (
        settings.webhook_url is not None
        and settings.web_url is not None
        and settings.webhook_port == settings.web_port != 0
        and len(listens) == 2
        and listens & _EVERY_ADDRESS
    ):
        return OperatorError(
            "cli-port-overlap",
            EXIT_CONFIG,
            port=str(settings.web_port),
            webhook=settings.webhook_listen or "*",
            web=settings.web_listen or "*",
        )
    return None


def storage_error(error: BaseException, db_path: Path | str) -> OperatorError | None:
    """The operator's sentence for a database that cannot be used; None for other errors."""
    if isinstance(error, SchemaTooNewError):
        path = getattr(error, "path", str(db_path))
        return OperatorError(
            "db-too-new", EXIT_CONFIG, path=path, found=error.found, known=error.known
        )
    if isinstance(error, DatabaseUnusableError):
        return OperatorError(
            f"db-{error.problem.value}", EXIT_CONFIG, path=error.path, detail=error.detail
        )
    problem = open_problem(error)
    if problem is None:
        return None
    return OperatorError(f"db-{problem.value}", EXIT_CONFIG, path=str(db_path), detail=str(error))


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


async def run_checks(
    settings: Settings, describe: Callable[[OperatorError], str] | None = None
) -> list[CheckResult]:
    """Each check's verdict. `describe` turns a database problem into the operator's sentence
    (by default in the configured language)."""
    if describe is None:
        catalog = Catalog.load(default=settings.locale)

        def describe(error: OperatorError) -> str:
            return catalog.text(settings.locale, error.key, prog=program_name(), **error.args_)

    results = [CheckResult("configuration", True, f"database {settings.db_path}")]
    collision = webhook_collision(settings)
    if collision is not None:
        results.append(CheckResult("webhook", False, describe(collision)))
    zone = settings.zone
    results.append(CheckResult("timezone", True, f"{zone.key}"))
    results.extend(await _check_database(settings.db_path, describe))
    if all(r.ok for r in results):
        results.extend(await _check_retention(settings))
    results.append(await _check_token(settings))
    return results


async def _check_database(
    path: Path, describe: Callable[[OperatorError], str]
) -> list[CheckResult]:
    known = len(bundled_migrations())
    # Read-only: a check changes nothing (no file created, no migration run), so it also
    # works on a file the operator may only read.
    try:
        db = await Database.open(path, read_only=True)
    except DatabaseUnusableError as exc:
        if exc.problem is OpenProblem.TOO_OLD:
            return [CheckResult("schema", False, describe(_required(storage_error(exc, path))))]
        return [CheckResult("database", False, describe(_required(storage_error(exc, path))))]
    except SchemaTooNewError as exc:
        return [CheckResult("schema", False, describe(_required(storage_error(exc, path))))]
    try:
        integrity = await db.integrity_check()
        version = await db.schema_version()
    finally:
        await db.close()
    return [
        CheckResult("integrity", integrity == "ok", integrity),
        CheckResult("schema", version == known, f"version {version} of {known}"),
    ]


async def _check_retention(settings: Settings) -> list[CheckResult]:
    from bot.clock import SystemClock
    from bot.retention import describe

    db = await Database.open(settings.db_path, read_only=True)
    try:
        lines = await describe(db, settings, SystemClock().now())
    finally:
        await db.close()
    return [CheckResult(name, ok, detail) for name, ok, detail in lines]


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


def _required(error: OperatorError | None) -> OperatorError:
    assert error is not None, "a DatabaseUnusableError always has a sentence"
    return error


def backup_target(target: Path, source: Path, now: datetime) -> Path:
    """Where a backup goes: the file named, or inside a folder a file named after the
    database and the time (`siaga-2024-02-14-2304.db`), so cron can name just the folder."""
    if target.is_dir():
        return target / f"{source.stem}-{now:%Y-%m-%d-%H%M%S}{source.suffix or '.db'}"
    return target


def backup_database(source: Path, target: Path) -> int:
    """SQLite's online backup: consistent even while the bot writes. Returns pages copied.

    Raises OperatorError for a missing or unusable source and a target that exists or
    whose folder is missing; never creates the source.
    """
    if not source.exists():
        raise OperatorError("db-missing", EXIT_CONFIG, path=str(source))
    if target.exists():
        raise OperatorError("backup-exists", path=str(target))
    if not target.parent.is_dir():
        raise OperatorError("cli-folder-missing", path=str(target.parent))
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
                pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
                integrity = dst.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
        if integrity != "ok":
            raise OperatorError("db-corrupt", EXIT_CONFIG, path=str(source), detail=integrity)
    except sqlite3.DatabaseError as exc:
        target.unlink(missing_ok=True)
        raise _required(storage_error(exc, source)) from exc
    except BaseException:
        # A half-written backup must not be mistaken for a good one later.
        target.unlink(missing_ok=True)
        raise
    return pages


def compact_database(path: Path) -> tuple[int, int]:
    """Rewrite the file once in incremental auto-vacuum mode (and without its free pages):
    afterwards retention hands freed space back to the disk by itself. A full VACUUM holds
    the write lock throughout, so the bot must be stopped (README, "Retention").
    Returns the file size before and after, in bytes."""
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    before = path.stat().st_size
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return before, path.stat().st_size
