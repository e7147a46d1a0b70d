"""What the posko dashboard reads, and its big-screen links.

The counts come from `storage.status` (the same as /status); this module adds what only the
dashboard shows: who is behind each state of a roll call or call-out (with person ids, for the
tap that shows a phone), arrival points, sending progress and the last broadcast, plus a cheap
"has anything changed" mark for live updates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage import apel
from storage.db import Database, Transaction
from storage.timestamps import from_db, to_db

Db = Database | Transaction


# -- change detection ---------------------------------------------------------------------------


async def change_mark(db: Db) -> tuple[int, int]:
    """Changes since the connection opened (the bot's own writes) and SQLite's data version
    (another process's commits, e.g. a CLI import): when neither moved, nothing did."""
    row = await db.fetchone(
        "SELECT total_changes(), (SELECT data_version FROM pragma_data_version)"
    )
    assert row is not None
    return int(row[0]), int(row[1])


# -- big-screen links ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreenLink:
    id: int
    chat_id: int
    created_by_user: int
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


async def create_screen(
    tx: Transaction, chat_id: int, by_user: int, now: datetime, expires_at: datetime
) -> int:
    return await tx.execute(
        "INSERT INTO dashboard_screens (chat_id, created_by_user, created_at, expires_at)"
        " VALUES (?, ?, ?, ?)",
        (chat_id, by_user, to_db(now), to_db(expires_at)),
    )


async def screen(db: Db, link_id: int) -> ScreenLink | None:
    row = await db.fetchone(
        "SELECT id, chat_id, created_by_user, created_at, expires_at, revoked_at"
        " FROM dashboard_screens WHERE id = ?",
        (link_id,),
    )
    if row is None:
        return None
    return ScreenLink(
        int(row[0]),
        int(row[1]),
        int(row[2]),
        from_db(row[3]),
        from_db(row[4]),
        from_db(row[5]) if row[5] else None,
    )


async def revoke_screens(tx: Transaction, chat_id: int, by_user: int, now: datetime) -> int:
    """Every unrevoked link of the group stops working; how many were still valid."""
    return await tx.execute_rowcount(
        "UPDATE dashboard_screens SET revoked_at = ?, revoked_by_user = ?"
        " WHERE chat_id = ? AND revoked_at IS NULL AND expires_at > ?",
        (to_db(now), by_user, chat_id, to_db(now)),
    )


# -- what the pages show besides the counts ------------------------------------------------------


async def last_broadcast(db: Db, chat_id: int | None = None) -> datetime | None:
    """The latest scheduled status broadcast (of one group, or of any)."""
    if chat_id is None:
        row = await db.fetchone("SELECT MAX(last_slot) FROM command_groups WHERE active = 1")
    else:
        row = await db.fetchone(
            "SELECT last_slot FROM command_groups WHERE chat_id = ?", (chat_id,)
        )
    return from_db(row[0]) if row and row[0] else None


@dataclass(frozen=True)
class Sending:
    """How far the messages of one batch (a roll call's prompts, a call-out's invitations) are."""

    total: int
    sent: int
    pending: int


async def sending(db: Db, batch_ids: list[int]) -> dict[int, Sending]:
    """Batches among `batch_ids` that still have messages to send."""
    if not batch_ids:
        return {}
    marks = ",".join("?" * len(batch_ids))
    rows = await db.fetchall(
        "SELECT batch_id, COUNT(*), SUM(state = 'sent'), SUM(state = 'pending') FROM outbox"
        f" WHERE batch_id IN ({marks}) GROUP BY batch_id HAVING SUM(state = 'pending') > 0",
        batch_ids,
    )
    return {int(r[0]): Sending(int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows}


async def batch_of_rollcalls(db: Db, ids: list[int]) -> dict[int, int]:
    return await _batches(db, "rollcalls", ids)


async def batch_of_callouts(db: Db, ids: list[int]) -> dict[int, int]:
    return await _batches(db, "callouts", ids)


async def _batches(db: Db, table: str, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = await db.fetchall(
        f"SELECT id, batch_id FROM {table} WHERE id IN ({marks}) AND batch_id IS NOT NULL", ids
    )
    return {int(r[0]): int(r[1]) for r in rows}


@dataclass(frozen=True)
class Listed:
    """One person in a dashboard list: who, where, in which state. No phone, no NRP."""

    person_id: int
    rank: str
    name: str
    unit: str
    category: str
    state: str


async def rollcall_people(db: Db, rollcall_id: int) -> list[Listed]:
    """Everyone a roll call targets, in the report's classification (yes / no / belum_menjawab
    / tak_terjangkau / …)."""
    return [
        Listed(r.person_id, r.rank, r.name, r.unit, r.category, r.status)
        for r in await apel.report_rows(db, rollcall_id)
    ]


@dataclass(frozen=True)
class CalloutPerson(Listed):
    arrived_at: datetime | None
    latitude: float | None
    longitude: float | None


async def callout_people(db: Db, callout_id: int) -> list[CalloutPerson]:
    """Everyone a call-out invited, with the invite's state (arrived shown as `tiba`) and the
    last location they shared on arrival."""
    rows = await db.fetchall(
        "SELECT p.id, p.rank, p.name, p.unit, l.category_code, i.state, i.arrived_at,"
        " a.latitude, a.longitude"
        " FROM callout_invites i JOIN personnel p ON p.id = i.person_id"
        " JOIN callout_lines l ON l.id = i.line_id"
        " LEFT JOIN callout_arrivals a ON a.id ="
        "  (SELECT MAX(id) FROM callout_arrivals WHERE invite_id = i.id)"
        " WHERE i.callout_id = ? ORDER BY i.id",
        (callout_id,),
    )
    found = []
    for r in rows:
        state = str(r[5])
        if state == "accepted" and r[6]:
            state = "arrived"
        found.append(
            CalloutPerson(
                int(r[0]),
                str(r[1]),
                str(r[2]),
                str(r[3]),
                str(r[4]),
                state,
                from_db(r[6]) if r[6] else None,
                r[7],
                r[8],
            )
        )
    return found


async def arrival_points(db: Db, callout_id: int) -> list[tuple[float, float]]:
    """The last location each arrived person of a call-out shared (for the rings view)."""
    rows = await db.fetchall(
        "SELECT a.latitude, a.longitude FROM callout_invites i"
        " JOIN callout_arrivals a ON a.id ="
        "  (SELECT MAX(id) FROM callout_arrivals WHERE invite_id = i.id)"
        " WHERE i.callout_id = ? AND i.arrived_at IS NOT NULL",
        (callout_id,),
    )
    return [(float(r[0]), float(r[1])) for r in rows]
