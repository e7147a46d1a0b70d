"""Raw updates committed before Telegram is told they arrived (`bot.transport.inbox`).

`getUpdates` acknowledges everything below the next request's offset. Committing the updates
first, and deleting each one only after it was processed, means a crash re-processes an update
instead of losing it; the last committed update_id is kept so a restart does not ask Telegram
for updates that are already safe here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Database, Transaction
from storage.timestamps import to_db

_LAST_KEY = "inbox.last_update_id"


@dataclass
class Processing:
    """The update whose handlers are running in this task (set by `bot.transport.inbox`)."""

    update_id: int | None
    # Its handling failed after the person was already told it worked (a tap answered ahead):
    # the update stays in the inbox and runs again instead of being dropped as finished.
    retry: bool = False


processing: ContextVar[Processing | None] = ContextVar("siaga_inbox_processing", default=None)


async def store(
    tx: Transaction, updates: Sequence[tuple[int, dict[str, Any]]], now: datetime
) -> None:
    """Keep `(update_id, raw update)` pairs and remember the highest id as committed."""
    if not updates:
        return
    at = to_db(now)
    await tx.executemany(
        "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
        [(uid, json.dumps(payload, ensure_ascii=False), at) for uid, payload in updates],
    )
    highest = max(uid for uid, _ in updates)
    await tx.execute(
        "INSERT INTO runtime_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
        " SET value = CAST(MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
        (_LAST_KEY, str(highest)),
    )


async def last_update_id(db: Database | Transaction) -> int | None:
    row = await db.fetchone("SELECT value FROM runtime_state WHERE key = ?", (_LAST_KEY,))
    return int(row[0]) if row else None


async def unprocessed(db: Database | Transaction) -> list[tuple[int, dict[str, Any]]]:
    """Updates committed but not processed (the bot stopped or crashed meanwhile), oldest first."""
    rows = await db.fetchall("SELECT update_id, payload FROM inbox ORDER BY update_id")
    return [(int(r[0]), json.loads(r[1])) for r in rows]


async def done(tx: Transaction, update_ids: Sequence[int]) -> None:
    await tx.executemany("DELETE FROM inbox WHERE update_id = ?", [(u,) for u in update_ids])


async def count(db: Database | Transaction) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM inbox")
    return int(row[0]) if row else 0


@contextmanager
def processing_of(update_id: int | None) -> Iterator[Processing]:
    """While the handlers of this update run (in this task), `settle_processing` and
    `retry_processing` know it."""
    current = Processing(update_id)
    marker = processing.set(current)
    try:
        yield current
    finally:
        processing.reset(marker)


async def settle_processing(tx: Transaction) -> None:
    """Make this transaction the one that finishes the update being processed: once it
    commits, a restart does not run the update again. For handlers whose effect must not
    happen twice (opening a roll call); the rest re-read their rows and may simply re-run."""
    current = processing.get()
    if current is not None and current.update_id is not None:
        await done(tx, [current.update_id])


def retry_processing() -> bool:
    """Keep the update being processed in the inbox to run again; False outside processing."""
    current = processing.get()
    if current is None or current.update_id is None:
        return False
    current.retry = True
    return True
