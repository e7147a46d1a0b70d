"""Deadlines: every timer (roll-call close, reminder, invite timeout, broadcast) is a row.

The table is the truth; `bot.scheduler` is a cache of "when is the next one" rebuilt at start.
A row is keyed by (kind, ref): scheduling the same pair again moves it instead of adding a
second timer, so callers need not remember whether they already scheduled it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from storage.db import Database, Transaction
from storage.timestamps import from_db, to_db

_COLUMNS = "id, kind, ref, due_at, payload, state, attempts, last_error, fired_at"


class DeadlineState(StrEnum):
    PENDING = "pending"
    DONE = "done"  # its handler committed
    FAILED = "failed"  # out of attempts
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Deadline:
    id: int
    kind: str
    ref: str
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    state: DeadlineState = DeadlineState.PENDING
    attempts: int = 0
    last_error: str | None = None
    fired_at: datetime | None = None


def _deadline(row: sqlite3.Row) -> Deadline:
    return Deadline(
        id=row["id"],
        kind=row["kind"],
        ref=row["ref"],
        due_at=from_db(row["due_at"]),
        payload=json.loads(row["payload"]) if row["payload"] else {},
        state=DeadlineState(row["state"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        fired_at=from_db(row["fired_at"]) if row["fired_at"] else None,
    )


async def schedule(
    tx: Transaction,
    kind: str,
    ref: str | int,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
) -> int:
    """Arm (kind, ref) to fire at `due_at`; returns the row id.

    A pending row is moved; a done, failed or cancelled one is re-armed (a handler may
    re-arm its own deadline for a periodic job: the scheduler marks the row done *before*
    calling the handler, in the same transaction).
    """
    await schedule_many(tx, kind, [(ref, due_at)], payload)
    row = await tx.fetchone(
        "SELECT id FROM deadlines WHERE kind = ? AND ref = ?", (kind, str(ref))
    )
    assert row is not None
    return int(row[0])


async def schedule_many(
    tx: Transaction,
    kind: str,
    due: Iterable[tuple[str | int, datetime]],
    payload: dict[str, Any] | None = None,
) -> None:
    """`schedule` for many refs of one kind in one statement (a burst of taps re-arms
    thousands of readiness rechecks)."""
    body = json.dumps(payload or {}, ensure_ascii=False)
    rows = [(kind, str(ref), to_db(due_at), body) for ref, due_at in due]
    await tx.executemany(
        "INSERT INTO deadlines (kind, ref, due_at, payload) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(kind, ref) DO UPDATE SET due_at = excluded.due_at,"
        " payload = excluded.payload, state = 'pending', attempts = 0, last_error = NULL,"
        " fired_at = NULL",
        rows,
    )
    tx.effects.scheduled += len(rows)


async def cancel(tx: Transaction, kind: str, ref: str | int) -> bool:
    """Disarm a pending deadline; False when there was none pending."""
    changed = await tx.execute_rowcount(
        "UPDATE deadlines SET state = 'cancelled'"
        " WHERE kind = ? AND ref = ? AND state = 'pending'",
        (kind, str(ref)),
    )
    return changed > 0


async def cancel_prefix(tx: Transaction, kind: str, ref_prefix: str) -> int:
    """Disarm every pending deadline of `kind` whose ref starts with `ref_prefix`."""
    escaped = ref_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return await tx.execute_rowcount(
        "UPDATE deadlines SET state = 'cancelled'"
        " WHERE kind = ? AND ref LIKE ? ESCAPE '\\' AND state = 'pending'",
        (kind, escaped + "%"),
    )


async def get(db: Database | Transaction, kind: str, ref: str | int) -> Deadline | None:
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM deadlines WHERE kind = ? AND ref = ?", (kind, str(ref))
    )
    return _deadline(row) if row else None


async def by_id(db: Database | Transaction, deadline_id: int) -> Deadline | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM deadlines WHERE id = ?", (deadline_id,))
    return _deadline(row) if row else None


async def next_due(db: Database | Transaction, kinds: Iterable[str]) -> Deadline | None:
    """The earliest pending deadline among `kinds` (kinds nobody handles yet wait)."""
    wanted = list(kinds)
    if not wanted:
        return None
    marks = ",".join("?" * len(wanted))
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM deadlines WHERE state = 'pending' AND kind IN ({marks})"
        " ORDER BY due_at, id LIMIT 1",
        wanted,
    )
    return _deadline(row) if row else None


async def pending(db: Database | Transaction, kind: str | None = None) -> list[Deadline]:
    if kind is None:
        rows = await db.fetchall(
            f"SELECT {_COLUMNS} FROM deadlines WHERE state = 'pending' ORDER BY due_at, id"
        )
    else:
        rows = await db.fetchall(
            f"SELECT {_COLUMNS} FROM deadlines WHERE state = 'pending' AND kind = ?"
            " ORDER BY due_at, id",
            (kind,),
        )
    return [_deadline(r) for r in rows]


async def mark_done(tx: Transaction, deadline_id: int, now: datetime) -> bool:
    """Claim a pending row that is due; False when it is no longer pending or no longer due
    (cancelled, fired, or moved later by someone since it was read)."""
    changed = await tx.execute_rowcount(
        "UPDATE deadlines SET state = 'done', fired_at = ?"
        " WHERE id = ? AND state = 'pending' AND due_at <= ?",
        (to_db(now), deadline_id, to_db(now)),
    )
    return changed > 0


async def record_failure(
    tx: Transaction, deadline: Deadline, error: str, retry_at: datetime | None
) -> None:
    """A handler raised: try again at `retry_at`, or give up (state 'failed') when None.

    Matches the due time the handler saw, so a row someone moved meanwhile keeps its new time.
    """
    if retry_at is None:
        await tx.execute(
            "UPDATE deadlines SET state = 'failed', attempts = attempts + 1, last_error = ?"
            " WHERE id = ? AND state = 'pending' AND due_at = ?",
            (error[:1000], deadline.id, to_db(deadline.due_at)),
        )
    else:
        await tx.execute(
            "UPDATE deadlines SET due_at = ?, attempts = attempts + 1, last_error = ?"
            " WHERE id = ? AND state = 'pending' AND due_at = ?",
            (to_db(retry_at), error[:1000], deadline.id, to_db(deadline.due_at)),
        )
