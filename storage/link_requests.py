"""Requests to link a Telegram account to a roster entry, decided by an admin or commander."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, Transaction
from storage.timestamps import to_db


@dataclass(frozen=True)
class LinkRequest:
    id: int
    telegram_user_id: int
    chat_id: int
    person_id: int
    shared_phone: str | None
    status: str
    decided_by: int | None


_COLUMNS = "id, telegram_user_id, chat_id, person_id, shared_phone, status, decided_by"


async def create(
    tx: Transaction,
    *,
    telegram_user_id: int,
    chat_id: int,
    person_id: int,
    shared_phone: str | None,
    now: datetime,
) -> int:
    return await tx.execute(
        "INSERT INTO link_requests (telegram_user_id, chat_id, person_id, shared_phone,"
        " created_at) VALUES (?, ?, ?, ?, ?)",
        (telegram_user_id, chat_id, person_id, shared_phone, to_db(now)),
    )


async def get(db: Database | Transaction, request_id: int) -> LinkRequest | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM link_requests WHERE id = ?", (request_id,))
    return LinkRequest(*row) if row else None


async def pending_for_user(
    db: Database | Transaction, telegram_user_id: int
) -> LinkRequest | None:
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM link_requests WHERE telegram_user_id = ? AND status = 'pending'"
        " ORDER BY id DESC LIMIT 1",
        (telegram_user_id,),
    )
    return LinkRequest(*row) if row else None


async def decide(
    tx: Transaction, request_id: int, *, approved: bool, decided_by: int, now: datetime
) -> bool:
    """False when someone else decided first: the first decision stands."""
    changed = await tx.execute_rowcount(
        "UPDATE link_requests SET status = ?, decided_by = ?, decided_at = ?"
        " WHERE id = ? AND status = 'pending'",
        ("approved" if approved else "rejected", decided_by, to_db(now), request_id),
    )
    return changed > 0
