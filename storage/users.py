"""Per Telegram account state that exists before (or without) a roster link."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, Transaction
from storage.timestamps import to_db


@dataclass(frozen=True)
class TelegramUser:
    telegram_user_id: int
    language: str | None
    pending_input: str | None
    shared_phone: str | None


async def get(db: Database | Transaction, telegram_user_id: int) -> TelegramUser | None:
    row = await db.fetchone(
        "SELECT telegram_user_id, language, pending_input, shared_phone FROM telegram_users"
        " WHERE telegram_user_id = ?",
        (telegram_user_id,),
    )
    if row is None:
        return None
    return TelegramUser(row[0], row[1], row[2], row[3])


async def ensure(tx: Transaction, telegram_user_id: int, now: datetime) -> None:
    await tx.execute(
        "INSERT OR IGNORE INTO telegram_users (telegram_user_id, first_seen_at) VALUES (?, ?)",
        (telegram_user_id, to_db(now)),
    )


async def set_language(
    tx: Transaction, telegram_user_id: int, language: str, now: datetime
) -> None:
    await ensure(tx, telegram_user_id, now)
    await tx.execute(
        "UPDATE telegram_users SET language = ? WHERE telegram_user_id = ?",
        (language, telegram_user_id),
    )


async def set_pending_input(
    tx: Transaction,
    telegram_user_id: int,
    pending: str | None,
    now: datetime,
    *,
    shared_phone: str | None = None,
) -> None:
    await ensure(tx, telegram_user_id, now)
    await tx.execute(
        "UPDATE telegram_users SET pending_input = ?, shared_phone = COALESCE(?, shared_phone)"
        " WHERE telegram_user_id = ?",
        (pending, shared_phone, telegram_user_id),
    )


async def language_of(db: Database | Transaction, telegram_user_id: int, default: str) -> str:
    row = await db.fetchone(
        "SELECT language FROM telegram_users WHERE telegram_user_id = ?", (telegram_user_id,)
    )
    return str(row[0]) if row and row[0] else default


async def clear_pending_input(tx: Transaction, pending: Sequence[tuple[int, str]]) -> None:
    """Forget each (user, input) still awaited — an answer given by button made it moot.
    An account awaiting something else keeps it."""
    await tx.executemany(
        "UPDATE telegram_users SET pending_input = NULL"
        " WHERE telegram_user_id = ? AND pending_input = ?",
        list(pending),
    )
