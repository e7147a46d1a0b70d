"""Readiness rows: SIAP / TIDAK SIAP / BERTUGAS per person, with history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from bot.domain.readiness import Readiness, State
from storage import deadlines
from storage.db import Database, Transaction
from storage.timestamps import from_db, to_db

# One deadline row per person: when to look at their readiness again (stale SIAP, ended
# TIDAK SIAP). Its handler (handlers.readiness) re-arms it when it fires too early.
RECHECK_DEADLINE = "readiness.recheck"

_COLUMNS = (
    "person_id, state, reason, reason_text, until, confirmed_at, callout_id, last_deployed_at"
)


def _readiness(row: sqlite3.Row) -> Readiness:
    return Readiness(
        person_id=row["person_id"],
        state=State(row["state"]),
        reason=row["reason"],
        reason_text=row["reason_text"],
        until=from_db(row["until"]) if row["until"] else None,
        confirmed_at=from_db(row["confirmed_at"]),
        callout_id=row["callout_id"],
        last_deployed_at=from_db(row["last_deployed_at"]) if row["last_deployed_at"] else None,
    )


async def get(db: Database | Transaction, person_id: int) -> Readiness | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM readiness WHERE person_id = ?", (person_id,))
    return _readiness(row) if row else None


async def for_people(
    db: Database | Transaction, person_ids: Iterable[int]
) -> dict[int, Readiness]:
    ids = list(person_ids)
    found: dict[int, Readiness] = {}
    # SQLite caps bound parameters; 500 at a time stays far below every build's limit.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = await db.fetchall(
            f"SELECT {_COLUMNS} FROM readiness WHERE person_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        found.update({r["person_id"]: _readiness(r) for r in rows})
    return found


async def all_states(db: Database | Transaction) -> dict[int, Readiness]:
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM readiness")
    return {r["person_id"]: _readiness(r) for r in rows}


async def set_ready(tx: Transaction, person_id: int, now: datetime, *, source: str) -> bool:
    """Confirm SIAP. A deployed person stays BERTUGAS (only the call-out releases them).

    Returns False when the person is deployed and nothing changed.
    """
    return person_id in await set_ready_many(tx, [(person_id, source)], now)


async def set_ready_many(
    tx: Transaction, people: Sequence[tuple[int, str]], now: datetime
) -> set[int]:
    """`set_ready` for many (person id, source) at once; returns who is SIAP now (not the
    deployed). One statement of each kind: a burst of *Hadir* taps is written together."""
    deployed = await _deployed_among(tx, [person_id for person_id, _ in people])
    ready = [(person_id, source) for person_id, source in people if person_id not in deployed]
    await _upsert_many(tx, [(p, State.SIAP, None, None, None, now, None) for p, _ in ready])
    await _history_many(tx, [(p, now, State.SIAP, None, source) for p, source in ready])
    return {person_id for person_id, _ in ready}


async def _deployed_among(tx: Transaction, person_ids: Sequence[int]) -> set[int]:
    rows = await tx.fetchall(
        "SELECT person_id FROM readiness WHERE state = ?"
        " AND person_id IN (SELECT value FROM json_each(?))",
        (State.BERTUGAS.value, json.dumps(list(person_ids))),
    )
    return {int(r[0]) for r in rows}


async def set_not_ready(
    tx: Transaction,
    person_id: int,
    now: datetime,
    *,
    reason: str,
    reason_text: str | None = None,
    until: datetime | None = None,
    source: str,
) -> bool:
    current = await get(tx, person_id)
    if current is not None and current.state is State.BERTUGAS:
        return False
    await _upsert(
        tx, person_id, State.TIDAK_SIAP, reason, reason_text, until, now, callout_id=None
    )
    await _history(tx, person_id, now, State.TIDAK_SIAP, reason, source)
    return True


async def set_deployed(tx: Transaction, person_id: int, callout_id: int, now: datetime) -> None:
    await _upsert(tx, person_id, State.BERTUGAS, None, None, None, now, callout_id=callout_id)
    await tx.execute(
        "UPDATE readiness SET last_deployed_at = ? WHERE person_id = ?", (to_db(now), person_id)
    )
    await _history(tx, person_id, now, State.BERTUGAS, None, f"callout:{callout_id}")


async def release_deployed(
    tx: Transaction, person_id: int, callout_id: int, now: datetime
) -> bool:
    """Back to SIAP when the call-out ends; False if they were not deployed on this one."""
    changed = await tx.execute_rowcount(
        "UPDATE readiness SET state = 'SIAP', callout_id = NULL, confirmed_at = ?, updated_at = ?"
        " WHERE person_id = ? AND state = 'BERTUGAS' AND callout_id = ?",
        (to_db(now), to_db(now), person_id, callout_id),
    )
    if changed:
        await _history(tx, person_id, now, State.SIAP, None, f"callout:{callout_id}:released")
        # Storage does not know the staleness setting: ask the recheck handler to look now;
        # it arms the real time (confirmed now + stale_after).
        await deadlines.schedule(tx, RECHECK_DEADLINE, person_id, now)
    return changed > 0


async def confirm_ready(
    tx: Transaction, person_id: int, now: datetime, *, source: str, stale_after: timedelta
) -> bool:
    """SIAP now, and ask again when it goes stale. False when deployed (nothing changed)."""
    return person_id in await confirm_ready_many(
        tx, [(person_id, source)], now, stale_after=stale_after
    )


async def confirm_ready_many(
    tx: Transaction, people: Sequence[tuple[int, str]], now: datetime, *, stale_after: timedelta
) -> set[int]:
    """`confirm_ready` for many (person id, source); returns who is SIAP now."""
    ready = await set_ready_many(tx, people, now)
    await deadlines.schedule_many(
        tx, RECHECK_DEADLINE, [(person_id, now + stale_after) for person_id in sorted(ready)]
    )
    return ready


async def pull_rechecks_forward(tx: Transaction, stale_after: timedelta, now: datetime) -> int:
    """Staleness just got shorter (jam rawan): bring each SIAP person's recheck forward to
    `confirmed_at + stale_after` (now at the latest). Returns how many moved."""
    rows = await tx.fetchall(
        "SELECT d.ref, d.due_at, r.confirmed_at FROM deadlines d"
        " JOIN readiness r ON r.person_id = CAST(d.ref AS INTEGER)"
        " WHERE d.kind = ? AND d.state = 'pending' AND r.state = 'SIAP'",
        (RECHECK_DEADLINE,),
    )
    moved = 0
    for row in rows:
        due = max(now, from_db(row["confirmed_at"]) + stale_after)
        if due < from_db(row["due_at"]):
            await deadlines.schedule(tx, RECHECK_DEADLINE, row["ref"], due)
            moved += 1
    return moved


async def declare_not_ready(
    tx: Transaction,
    person_id: int,
    now: datetime,
    *,
    reason: str,
    reason_text: str | None = None,
    until: datetime | None = None,
    source: str,
) -> bool:
    """TIDAK SIAP; with an end time the person is asked again then. False when deployed."""
    if not await set_not_ready(
        tx, person_id, now, reason=reason, reason_text=reason_text, until=until, source=source
    ):
        return False
    if until is not None:
        await deadlines.schedule(tx, RECHECK_DEADLINE, person_id, until)
    else:
        await deadlines.cancel(tx, RECHECK_DEADLINE, person_id)
    return True


async def history(
    db: Database | Transaction, person_id: int
) -> list[tuple[datetime, State, str | None, str]]:
    rows = await db.fetchall(
        "SELECT at, state, reason, source FROM readiness_history WHERE person_id = ? ORDER BY id",
        (person_id,),
    )
    return [(from_db(r[0]), State(r[1]), r[2], str(r[3])) for r in rows]


async def _upsert(
    tx: Transaction,
    person_id: int,
    state: State,
    reason: str | None,
    reason_text: str | None,
    until: datetime | None,
    now: datetime,
    *,
    callout_id: int | None,
) -> None:
    await _upsert_many(tx, [(person_id, state, reason, reason_text, until, now, callout_id)])


async def _upsert_many(
    tx: Transaction,
    rows: Sequence[
        tuple[int, State, str | None, str | None, datetime | None, datetime, int | None]
    ],
) -> None:
    await tx.executemany(
        "INSERT INTO readiness (person_id, state, reason, reason_text, until, confirmed_at,"
        " callout_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(person_id) DO UPDATE SET state = excluded.state, reason = excluded.reason,"
        " reason_text = excluded.reason_text, until = excluded.until,"
        " confirmed_at = excluded.confirmed_at, callout_id = excluded.callout_id,"
        " updated_at = excluded.updated_at",
        [
            (
                person_id,
                state.value,
                reason,
                reason_text,
                to_db(until) if until else None,
                to_db(now),
                callout_id,
                to_db(now),
            )
            for person_id, state, reason, reason_text, until, now, callout_id in rows
        ],
    )


async def _history(
    tx: Transaction, person_id: int, now: datetime, state: State, reason: str | None, source: str
) -> None:
    await _history_many(tx, [(person_id, now, state, reason, source)])


async def _history_many(
    tx: Transaction, rows: Sequence[tuple[int, datetime, State, str | None, str]]
) -> None:
    await tx.executemany(
        "INSERT INTO readiness_history (person_id, at, state, reason, source)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (person_id, to_db(now), state.value, reason, source)
            for person_id, now, state, reason, source in rows
        ],
    )
