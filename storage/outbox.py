"""The outbox: every proactive message and live-message edit is a row before it is sent.

Rows are written in the caller's transaction, next to the decision that caused them, so a
crash after commit still delivers and a rollback sends nothing. The drainer
(`bot.delivery.drainer`) reads due rows in priority order and marks them sent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from storage.db import Database, Transaction
from storage.timestamps import from_db, to_db


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
    tx: Transaction,
    purpose: str,
    now: datetime,
    owner_chat_id: int | None = None,
    *,
    title: str | None = None,
) -> int:
    """A group of messages with one owner; `title` (e.g. `PENGERAHAN #12 · BRIMOB`) names the
    batch in the owner's unreachable notices (the purpose when None)."""
    return await tx.execute(
        "INSERT INTO delivery_batches (purpose, title, owner_chat_id, created_at)"
        " VALUES (?, ?, ?, ?)",
        (purpose, title, owner_chat_id, to_db(now)),
    )


_INSERT_SEND = (
    "INSERT OR IGNORE INTO outbox (kind, dedup_key, chat_id, person_id, priority, text,"
    " parse_mode, reply_markup, batch_id, next_attempt_at, created_at)"
    " VALUES ('send', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _send_row(message: OutgoingMessage, at: str, markup: str | None) -> tuple[Any, ...]:
    return (
        message.dedup_key,
        message.chat_id,
        message.person_id,
        int(message.priority),
        message.text,
        message.parse_mode,
        markup,
        message.batch_id,
        at,
        at,
    )


async def enqueue(tx: Transaction, message: OutgoingMessage, now: datetime) -> bool:
    """Queue a new message; False when a row with this dedup key already exists."""
    row = _send_row(message, to_db(now), _markup(message.reply_markup))
    inserted = await tx.execute_rowcount(_INSERT_SEND, row)
    tx.effects.enqueued += inserted
    return inserted > 0


async def enqueue_many(tx: Transaction, messages: Sequence[OutgoingMessage], now: datetime) -> int:
    """`enqueue` for many in one statement (a roll call's prompts: one trip to the database
    thread instead of 3,294); returns how many were new."""
    at = to_db(now)
    # Everyone's prompt carries the same keyboard object: encoded once.
    markups: dict[int, str | None] = {}
    rows = []
    for m in messages:
        key = id(m.reply_markup)
        if key not in markups:
            markups[key] = _markup(m.reply_markup)
        rows.append(_send_row(m, at, markups[key]))
    inserted = await tx.executemany(_INSERT_SEND, rows)
    tx.effects.enqueued += inserted
    return inserted


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
    return await _enqueue_file(
        tx, "document", chat_id, file_name, content, caption, dedup_key, now, priority
    )


async def enqueue_photo(
    tx: Transaction,
    *,
    chat_id: int,
    png: bytes,
    caption: str,
    dedup_key: str,
    now: datetime,
    priority: Priority = Priority.BROADCAST,
) -> bool:
    """A picture shown in the chat, with an HTML caption (Telegram: at most 1,024 characters
    of text once the tags are parsed)."""
    return await _enqueue_file(
        tx, "photo", chat_id, "chart.png", png, caption, dedup_key, now, priority
    )


async def _enqueue_file(
    tx: Transaction,
    kind: str,
    chat_id: int,
    file_name: str,
    content: bytes,
    caption: str,
    dedup_key: str,
    now: datetime,
    priority: Priority,
) -> bool:
    inserted = await tx.execute_rowcount(
        "INSERT OR IGNORE INTO outbox (kind, dedup_key, chat_id, priority, text, parse_mode,"
        " file_name, file_bytes, next_attempt_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, 'HTML', ?, ?, ?, ?)",
        (
            kind,
            dedup_key,
            chat_id,
            int(priority),
            caption,
            file_name,
            content,
            to_db(now),
            to_db(now),
        ),
    )
    tx.effects.enqueued += inserted
    return inserted > 0


@dataclass(frozen=True)
class Edit:
    """New content for the message sent under `target_key` (see `enqueue_edit`)."""

    target_key: str
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    priority: Priority = Priority.REMINDER
    parse_mode: str | None = "HTML"


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
    """Edit the message sent under `target_key`; a still-pending edit is replaced (coalesced).

    The edit waits until the target has been sent. If an older revision of this edit is in
    flight when a new one comes, the drainer sends the newest content once more afterwards:
    N edits during one request cost at most two requests, and the last content wins.
    """
    await enqueue_edits(
        tx, [Edit(target_key, chat_id, text, reply_markup, priority, parse_mode)], now
    )


async def enqueue_edits(tx: Transaction, edits: Sequence[Edit], now: datetime) -> None:
    """`enqueue_edit` for many messages in one statement."""
    at = to_db(now)
    await tx.executemany(
        "INSERT INTO outbox (kind, dedup_key, target_key, chat_id, priority, text, parse_mode,"
        " reply_markup, next_attempt_at, created_at)"
        " VALUES ('edit', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(dedup_key) DO UPDATE SET text = excluded.text,"
        " reply_markup = excluded.reply_markup, parse_mode = excluded.parse_mode,"
        # Coalesced into a pending edit: the most urgent of the two priorities wins.
        " priority = CASE WHEN outbox.state = 'pending'"
        " THEN MIN(outbox.priority, excluded.priority) ELSE excluded.priority END,"
        " state = 'pending', attempts = 0, last_error = NULL, revision = outbox.revision + 1,"
        " next_attempt_at = CASE WHEN outbox.state = 'pending' THEN outbox.next_attempt_at"
        " ELSE excluded.next_attempt_at END",
        [
            (
                f"edit:{e.target_key}",
                e.target_key,
                e.chat_id,
                int(e.priority),
                e.text,
                e.parse_mode,
                _markup(e.reply_markup),
                at,
                at,
            )
            for e in edits
        ],
    )
    tx.effects.enqueued += len(edits)


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


# -- the drainer's side (bot.delivery.drainer) ----------------------------------------------


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A pending row as the drainer sees it; an edit carries its target's state."""

    id: int
    kind: str
    dedup_key: str
    target_key: str | None
    chat_id: int
    person_id: int | None
    priority: int
    text: str
    parse_mode: str | None
    reply_markup: str | None
    file_name: str | None
    batch_id: int | None
    revision: int
    attempts: int
    target_state: str | None
    target_message_id: int | None


_DUE_SQL = (
    "SELECT o.id, o.kind, o.dedup_key, o.target_key, o.chat_id, o.person_id, o.priority,"
    " o.text, o.parse_mode, o.reply_markup, o.file_name, o.batch_id, o.revision, o.attempts,"
    " t.state, t.message_id"
    " FROM outbox o LEFT JOIN outbox t ON o.kind = 'edit' AND t.dedup_key = o.target_key"
    " WHERE o.state = 'pending' AND o.next_attempt_at <= ?"
    # An edit waits for its target to go out first; it becomes due when the target is sent.
    " AND (o.kind != 'edit' OR t.state IS NULL OR t.state != 'pending')"
    " AND o.chat_id NOT IN (SELECT value FROM json_each(?))"
    " ORDER BY o.priority, o.next_attempt_at, o.id LIMIT ?"
)


async def due(
    db: Database | Transaction, now: datetime, limit: int, skip_chats: list[int]
) -> list[OutboxRow]:
    """Pending rows due at `now`, most urgent first, leaving out chats that must wait."""
    rows = await db.fetchall(_DUE_SQL, (to_db(now), json.dumps(skip_chats), limit))
    return [OutboxRow(*tuple(r)) for r in rows]


async def awaited_targets(db: Database | Transaction) -> set[str]:
    """Dedup keys of unsent messages that a pending edit is waiting for."""
    rows = await db.fetchall(
        "SELECT DISTINCT o.target_key FROM outbox o JOIN outbox t ON t.dedup_key = o.target_key"
        " WHERE o.kind = 'edit' AND o.state = 'pending' AND t.state = 'pending'"
    )
    return {str(r[0]) for r in rows}


async def next_attempt_after(db: Database | Transaction, now: datetime) -> datetime | None:
    """When the earliest row waiting for a retry becomes due (None when nothing waits)."""
    row = await db.fetchone(
        "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending' AND next_attempt_at > ?",
        (to_db(now),),
    )
    return from_db(row[0]) if row and row[0] else None


async def file_bytes(db: Database | Transaction, row_id: int) -> bytes:
    """The content of a document or photo row."""
    row = await db.fetchone("SELECT file_bytes FROM outbox WHERE id = ?", (row_id,))
    return bytes(row[0]) if row and row[0] is not None else b""


async def mark_sent(tx: Transaction, rows: list[tuple[int, int | None]], now: datetime) -> None:
    """(row id, message_id) pairs of sends, documents and photos that Telegram accepted.

    A row cancelled while its request was in flight is recorded as sent all the same: it was.
    """
    await tx.executemany(
        "UPDATE outbox SET state = 'sent', message_id = ?, sent_at = ?, last_error = NULL,"
        " attempts = attempts + 1 WHERE id = ?",
        [(message_id, to_db(now), row_id) for row_id, message_id in rows],
    )


async def mark_edit_sent(tx: Transaction, row_id: int, revision: int, now: datetime) -> bool:
    """False when a newer revision arrived while this one was in flight: the row stays
    pending and the newest content goes out next."""
    changed = await tx.execute_rowcount(
        "UPDATE outbox SET state = 'sent', sent_at = ?, last_error = NULL,"
        " attempts = attempts + 1 WHERE id = ? AND revision = ? AND state = 'pending'",
        (to_db(now), row_id, revision),
    )
    return changed > 0


async def mark_retry(tx: Transaction, row_id: int, at: datetime, error: str) -> None:
    await tx.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
        " WHERE id = ? AND state = 'pending'",
        (to_db(at), error[:500], row_id),
    )


async def defer(tx: Transaction, row_id: int, at: datetime, error: str) -> None:
    """Wait without counting an attempt (a flood wait is Telegram's pacing, not a failure)."""
    await tx.execute(
        "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND state = 'pending'",
        (to_db(at), error[:500], row_id),
    )


async def defer_chat(tx: Transaction, chat_id: int, at: datetime, error: str) -> None:
    """Every pending row of a chat waits until at least `at` (a flood wait for that chat)."""
    await tx.execute(
        "UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, ?), last_error = ?"
        " WHERE chat_id = ? AND state = 'pending'",
        (to_db(at), error[:500], chat_id),
    )


async def mark_failed(tx: Transaction, row_id: int, error: str) -> None:
    await tx.execute(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?"
        " WHERE id = ? AND state = 'pending'",
        (error[:500], row_id),
    )


async def move_chat(tx: Transaction, old_chat_id: int, new_chat_id: int) -> int:
    """A group became a supergroup: everything still owed to it goes to its new id."""
    return await tx.execute_rowcount(
        "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND state = 'pending'",
        (new_chat_id, old_chat_id),
    )


async def set_pending_text(tx: Transaction, dedup_key: str, text: str) -> bool:
    changed = await tx.execute_rowcount(
        "UPDATE outbox SET text = ?, revision = revision + 1"
        " WHERE dedup_key = ? AND state = 'pending'",
        (text, dedup_key),
    )
    return changed > 0


class RowState(StrEnum):
    PENDING = "pending"  # waiting for its turn (or for its target, an edit)
    SENT = "sent"
    FAILED = "failed"  # gave up: blocked, deleted, or out of attempts
    CANCELLED = "cancelled"  # withdrawn before it went out


@dataclass(frozen=True)
class RowStatus:
    id: int
    state: RowState


async def row_state(db: Database | Transaction, dedup_key: str) -> RowStatus | None:
    """The row with this dedup key: its id and where it stands."""
    row = await db.fetchone("SELECT id, state FROM outbox WHERE dedup_key = ?", (dedup_key,))
    return RowStatus(int(row[0]), RowState(row[1])) if row else None


# -- unreachable people ----------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOwner:
    batch_id: int
    owner_chat_id: int
    label: str


@dataclass(frozen=True)
class UnreachableEntry:
    chat_id: int
    person_id: int | None
    reason: str
    name: str | None
    unit: str | None
    phone: str | None


async def mark_unreachable(
    tx: Transaction, chat_id: int, person_id: int | None, reason: str, now: datetime
) -> None:
    await tx.execute(
        "INSERT INTO unreachable (chat_id, person_id, reason, since) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(chat_id) DO UPDATE SET reason = excluded.reason,"
        " person_id = COALESCE(excluded.person_id, unreachable.person_id)",
        (chat_id, person_id, reason, to_db(now)),
    )


async def clear_unreachable(tx: Transaction, chat_ids: list[int]) -> list[int]:
    """A message got through again (the person unblocked the bot). Returns the chats that
    were marked: they are back."""
    rows = await tx.fetchall(
        "DELETE FROM unreachable WHERE chat_id IN (SELECT value FROM json_each(?))"
        " RETURNING chat_id",
        (json.dumps(chat_ids),),
    )
    return [int(r[0]) for r in rows]


async def is_unreachable(db: Database | Transaction, chat_id: int) -> bool:
    row = await db.fetchone("SELECT 1 FROM unreachable WHERE chat_id = ?", (chat_id,))
    return row is not None


async def unreachable_people(db: Database | Transaction) -> list[UnreachableEntry]:
    """Everyone currently unreachable, for status reports."""
    rows = await db.fetchall(
        "SELECT u.chat_id, u.person_id, u.reason, p.rank || ' ' || p.name, p.unit, p.phone"
        " FROM unreachable u LEFT JOIN personnel p ON p.id = u.person_id ORDER BY u.since"
    )
    return [UnreachableEntry(*tuple(r)) for r in rows]


async def batch_owner(db: Database | Transaction, batch_id: int) -> BatchOwner | None:
    row = await db.fetchone(
        "SELECT owner_chat_id, COALESCE(title, purpose) FROM delivery_batches WHERE id = ?",
        (batch_id,),
    )
    if row is None or row[0] is None:
        return None
    return BatchOwner(batch_id, int(row[0]), str(row[1]))


async def record_batch_unreachable(
    tx: Transaction,
    batch_id: int,
    chat_id: int,
    person_id: int | None,
    reason: str,
    notice_key: str,
    now: datetime,
) -> bool:
    """False when this chat was already reported for this batch."""
    inserted = await tx.execute_rowcount(
        "INSERT OR IGNORE INTO batch_unreachable"
        " (batch_id, chat_id, person_id, reason, notice_key, at) VALUES (?, ?, ?, ?, ?, ?)",
        (batch_id, chat_id, person_id, reason, notice_key, to_db(now)),
    )
    return inserted > 0


async def latest_notice(db: Database | Transaction, batch_id: int) -> tuple[str, int] | None:
    """The newest owner notice of a batch and how many people it lists."""
    row = await db.fetchone(
        "SELECT notice_key, COUNT(*) FROM batch_unreachable WHERE batch_id = ?"
        " GROUP BY notice_key ORDER BY MAX(rowid) DESC LIMIT 1",
        (batch_id,),
    )
    return (str(row[0]), int(row[1])) if row else None


async def notice_entries(db: Database | Transaction, notice_key: str) -> list[UnreachableEntry]:
    rows = await db.fetchall(
        "SELECT b.chat_id, b.person_id, b.reason, p.rank || ' ' || p.name, p.unit, p.phone"
        " FROM batch_unreachable b LEFT JOIN personnel p ON p.id = b.person_id"
        " WHERE b.notice_key = ? ORDER BY b.rowid",
        (notice_key,),
    )
    return [UnreachableEntry(*tuple(r)) for r in rows]


async def batch_unreachable_count(db: Database | Transaction, batch_id: int) -> int:
    row = await db.fetchone(
        "SELECT COUNT(*) FROM batch_unreachable WHERE batch_id = ?", (batch_id,)
    )
    return int(row[0]) if row else 0


def _markup(markup: dict[str, Any] | None) -> str | None:
    return json.dumps(markup, ensure_ascii=False, separators=(",", ":")) if markup else None
