"""The outbox: every proactive message and live-message edit is a row before it is sent.

Rows are written in the caller's transaction, next to the decision that caused them, so a
crash after commit still delivers and a rollback sends nothing. The drainer (`bot.delivery`)
reads due rows in priority order and marks them sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from bot.clock import to_db
from storage.db import Database, Transaction


class Priority(IntEnum):
    """Lower drains first."""

    CALLOUT = 0  # call-out invitations and stand-downs
    REMINDER = 1  # reminders and escalations
    ROLLCALL = 2  # roll-call and readiness prompts
    BROADCAST = 3  # broadcasts and reports


@dataclass(frozen=True)
class OutgoingMessage:
    chat_id: int
    text: str
    priority: Priority
    # purpose + person + reference: enqueuing the same message twice is harmless.
    dedup_key: str
    reply_markup: dict[str, Any] | None = None
    parse_mode: str | None = "HTML"
    person_id: int | None = None
    batch_id: int | None = None


@dataclass(frozen=True)
class BatchProgress:
    total: int
    sent: int
    failed: int
    pending: int

    @property
    def done(self) -> bool:
        return self.pending == 0


async def create_batch(
    tx: Transaction, purpose: str, now: datetime, owner_chat_id: int | None = None
) -> int:
    return await tx.execute(
        "INSERT INTO delivery_batches (purpose, owner_chat_id, created_at) VALUES (?, ?, ?)",
        (purpose, owner_chat_id, to_db(now)),
    )


async def enqueue(tx: Transaction, message: OutgoingMessage, now: datetime) -> bool:
    """Queue a new message; False when a row with this dedup key already exists."""
    inserted = await tx.execute_rowcount(
        "INSERT OR IGNORE INTO outbox (kind, dedup_key, chat_id, person_id, priority, text,"
        " parse_mode, reply_markup, batch_id, next_attempt_at, created_at)"
        " VALUES ('send', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            message.dedup_key,
            message.chat_id,
            message.person_id,
            int(message.priority),
            message.text,
            message.parse_mode,
            _markup(message.reply_markup),
            message.batch_id,
            to_db(now),
            to_db(now),
        ),
    )
    return inserted > 0


async def enqueue_document(
    tx: Transaction,
    *,
    chat_id: int,
    file_name: str,
    content: bytes,
    caption: str,
    dedup_key: str,
    now: datetime,
    priority: Priority = Priority.BROADCAST,
) -> bool:
    inserted = await tx.execute_rowcount(
        "INSERT OR IGNORE INTO outbox (kind, dedup_key, chat_id, priority, text, parse_mode,"
        " file_name, file_bytes, next_attempt_at, created_at)"
        " VALUES ('document', ?, ?, ?, ?, 'HTML', ?, ?, ?, ?)",
        (dedup_key, chat_id, int(priority), caption, file_name, content, to_db(now), to_db(now)),
    )
    return inserted > 0


async def enqueue_edit(
    tx: Transaction,
    *,
    target_key: str,
    chat_id: int,
    text: str,
    reply_markup: dict[str, Any] | None,
    now: datetime,
    priority: Priority = Priority.REMINDER,
    parse_mode: str | None = "HTML",
) -> None:
    """Edit the message sent under `target_key`; a still-pending edit is replaced (coalesced)."""
    edit_key = f"edit:{target_key}"
    await tx.execute(
        "INSERT INTO outbox (kind, dedup_key, target_key, chat_id, priority, text, parse_mode,"
        " reply_markup, next_attempt_at, created_at)"
        " VALUES ('edit', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(dedup_key) DO UPDATE SET text = excluded.text,"
        " reply_markup = excluded.reply_markup, parse_mode = excluded.parse_mode,"
        " state = 'pending', attempts = 0, last_error = NULL,"
        " next_attempt_at = CASE WHEN outbox.state = 'pending' THEN outbox.next_attempt_at"
        " ELSE excluded.next_attempt_at END",
        (
            edit_key,
            target_key,
            chat_id,
            int(priority),
            text,
            parse_mode,
            _markup(reply_markup),
            to_db(now),
            to_db(now),
        ),
    )


async def cancel(tx: Transaction, dedup_key: str) -> bool:
    """Withdraw a message that has not gone out yet (e.g. an invite made moot)."""
    changed = await tx.execute_rowcount(
        "UPDATE outbox SET state = 'cancelled' WHERE dedup_key = ? AND state = 'pending'",
        (dedup_key,),
    )
    return changed > 0


async def sent_message_id(db: Database | Transaction, dedup_key: str) -> int | None:
    row = await db.fetchone(
        "SELECT message_id FROM outbox WHERE dedup_key = ? AND state = 'sent'", (dedup_key,)
    )
    return int(row[0]) if row and row[0] is not None else None


async def batch_progress(db: Database | Transaction, batch_id: int) -> BatchProgress:
    rows = await db.fetchall(
        "SELECT state, COUNT(*) FROM outbox WHERE batch_id = ? GROUP BY state", (batch_id,)
    )
    counts = {r[0]: int(r[1]) for r in rows}
    sent, failed = counts.get("sent", 0), counts.get("failed", 0)
    pending = counts.get("pending", 0)
    return BatchProgress(sent + failed + pending, sent, failed, pending)


def _markup(markup: dict[str, Any] | None) -> str | None:
    return json.dumps(markup, ensure_ascii=False, separators=(",", ":")) if markup else None
