"""Command groups (posko) and the jam rawan switch: SQL in, frozen records out."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.status import JamRawanValues, StalenessValues, StatusScope, stale_after
from storage.db import Database, Transaction
from storage.timestamps import from_db, to_db

Db = Database | Transaction

MODES = ("new", "pinned")


@dataclass(frozen=True)
class CommandGroup:
    chat_id: int
    title: str
    scope: StatusScope
    language: str
    mode: str  # 'new' or 'pinned'
    chart: bool
    active: bool
    status_key: str | None
    pin_state: str
    last_slot: datetime | None
    registered_by_user: int
    registered_by_person: int | None
    registered_at: datetime
    # Which chart the group was last sent (`chart_digest` of its bars; None: none yet).
    chart_digest: str | None = None

    @property
    def pinned(self) -> bool:
        return self.mode == "pinned"


_COLUMNS = (
    "chat_id, title, everything, language, mode, chart, active, status_key, pin_state,"
    " last_slot, registered_by_user, registered_by_person, registered_at, chart_digest"
)


async def _scope_of(db: Db, chat_id: int, everything: bool) -> StatusScope:
    if everything:
        return StatusScope.whole()
    rows = await db.fetchall(
        "SELECT kind, value FROM command_group_scopes WHERE chat_id = ?", (chat_id,)
    )
    return StatusScope(
        units=frozenset(r["value"] for r in rows if r["kind"] == "unit"),
        categories=frozenset(r["value"] for r in rows if r["kind"] == "category"),
    )


async def _group(db: Db, row: sqlite3.Row) -> CommandGroup:
    return CommandGroup(
        chat_id=row["chat_id"],
        title=row["title"],
        scope=await _scope_of(db, row["chat_id"], bool(row["everything"])),
        language=row["language"],
        mode=row["mode"],
        chart=bool(row["chart"]),
        active=bool(row["active"]),
        status_key=row["status_key"],
        pin_state=row["pin_state"],
        last_slot=from_db(row["last_slot"]) if row["last_slot"] else None,
        registered_by_user=row["registered_by_user"],
        registered_by_person=row["registered_by_person"],
        registered_at=from_db(row["registered_at"]),
        chart_digest=row["chart_digest"],
    )


async def get(db: Db, chat_id: int) -> CommandGroup | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM command_groups WHERE chat_id = ?", (chat_id,))
    return await _group(db, row) if row else None


async def active_group(db: Db, chat_id: int) -> CommandGroup | None:
    group = await get(db, chat_id)
    return group if group is not None and group.active else None


async def active_groups(db: Db) -> list[CommandGroup]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM command_groups WHERE active = 1 ORDER BY chat_id"
    )
    return [await _group(db, r) for r in rows]


async def register(
    tx: Transaction,
    *,
    chat_id: int,
    title: str,
    scope: StatusScope,
    language: str,
    by_user: int,
    by_person: int | None,
    now: datetime,
) -> bool:
    """Register (or re-register with a new scope); True when the group was not active."""
    before = await get(tx, chat_id)
    await tx.execute(
        "INSERT INTO command_groups (chat_id, title, everything, language, registered_by_user,"
        " registered_by_person, registered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(chat_id) DO UPDATE SET title = excluded.title,"
        " everything = excluded.everything, language = excluded.language,"
        " registered_by_user = excluded.registered_by_user,"
        " registered_by_person = excluded.registered_by_person,"
        " registered_at = CASE WHEN command_groups.active THEN command_groups.registered_at"
        " ELSE excluded.registered_at END,"
        # A group registered anew starts its schedule afresh (a re-scope keeps it).
        " last_slot = CASE WHEN command_groups.active THEN command_groups.last_slot END,"
        " updated_at = excluded.updated_at, active = 1, removed_at = NULL,"
        " removed_reason = NULL",
        (
            chat_id,
            title,
            int(scope.everything),
            language,
            by_user,
            by_person,
            to_db(now),
            to_db(now),
        ),
    )
    await tx.execute("DELETE FROM command_group_scopes WHERE chat_id = ?", (chat_id,))
    if not scope.everything:
        await tx.executemany(
            "INSERT INTO command_group_scopes (chat_id, kind, value) VALUES (?, ?, ?)",
            [(chat_id, "unit", u) for u in sorted(scope.units)]
            + [(chat_id, "category", c) for c in sorted(scope.categories)],
        )
    return before is None or not before.active


async def unregister(tx: Transaction, chat_id: int, reason: str, now: datetime) -> bool:
    """Stop broadcasting to this group; False when it was not active."""
    changed = await tx.execute_rowcount(
        "UPDATE command_groups SET active = 0, removed_at = ?, removed_reason = ?,"
        " updated_at = ?, status_key = NULL, pin_state = 'no' WHERE chat_id = ? AND active = 1",
        (to_db(now), reason, to_db(now), chat_id),
    )
    return changed > 0


async def set_mode(tx: Transaction, chat_id: int, mode: str, now: datetime) -> None:
    """The pinned status message is kept across a switch: switching back to pinned edits it
    again instead of posting another one."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    await tx.execute(
        "UPDATE command_groups SET mode = ?, last_slot = NULL, updated_at = ? WHERE chat_id = ?",
        (mode, to_db(now), chat_id),
    )


async def set_chart(tx: Transaction, chat_id: int, on: bool, now: datetime) -> None:
    await tx.execute(
        "UPDATE command_groups SET chart = ?, updated_at = ? WHERE chat_id = ?",
        (int(on), to_db(now), chat_id),
    )


async def set_chart_digest(tx: Transaction, chat_id: int, digest: str) -> None:
    await tx.execute(
        "UPDATE command_groups SET chart_digest = ? WHERE chat_id = ?", (digest, chat_id)
    )


async def set_status_message(tx: Transaction, chat_id: int, status_key: str | None) -> None:
    await tx.execute(
        "UPDATE command_groups SET status_key = ?, pin_state = 'no' WHERE chat_id = ?",
        (status_key, chat_id),
    )


async def set_pin_state(tx: Transaction, chat_id: int, status_key: str, state: str) -> None:
    """Only for the message still current (a newer one may have replaced it meanwhile)."""
    await tx.execute(
        "UPDATE command_groups SET pin_state = ? WHERE chat_id = ? AND status_key = ?",
        (state, chat_id, status_key),
    )


async def unpinned_status_messages(db: Db) -> list[tuple[int, str]]:
    """(chat_id, status key) of active pinned-mode groups whose message is not pinned yet."""
    rows = await db.fetchall(
        "SELECT chat_id, status_key FROM command_groups WHERE active = 1 AND mode = 'pinned'"
        " AND status_key IS NOT NULL AND pin_state = 'no'"
    )
    return [(int(r[0]), str(r[1])) for r in rows]


async def claim_slot(tx: Transaction, chat_id: int, slot: datetime) -> bool:
    """Mark `slot` broadcast for this group; False when it already was (or a later one)."""
    changed = await tx.execute_rowcount(
        "UPDATE command_groups SET last_slot = ? WHERE chat_id = ? AND active = 1"
        " AND (last_slot IS NULL OR last_slot < ?)",
        (to_db(slot), chat_id, to_db(slot)),
    )
    return changed > 0


async def move_chat(tx: Transaction, old_chat_id: int, new_chat_id: int, now: datetime) -> bool:
    """A group became a supergroup: the registration follows it to its new id."""
    if await get(tx, new_chat_id) is not None:
        return False
    changed = await tx.execute_rowcount(
        "UPDATE command_groups SET chat_id = ?, status_key = NULL, pin_state = 'no',"
        " updated_at = ? WHERE chat_id = ?",
        (new_chat_id, to_db(now), old_chat_id),
    )
    return changed > 0


# -- jam rawan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class JamRawanSwitch:
    manual_on: bool
    windows: str | None  # None: the configured windows
    set_by_user: int | None
    updated_at: datetime | None

    def windows_or(self, configured: str) -> str:
        return configured if self.windows is None else self.windows


async def jam_rawan(db: Db) -> JamRawanSwitch:
    row = await db.fetchone(
        "SELECT manual_on, windows, set_by_user, updated_at FROM jam_rawan WHERE id = 1"
    )
    if row is None:
        return JamRawanSwitch(False, None, None, None)
    return JamRawanSwitch(bool(row[0]), row[1], row[2], from_db(row[3]) if row[3] else None)


async def set_jam_rawan(tx: Transaction, on: bool, by_user: int, now: datetime) -> bool:
    """The commanders' switch; False when it already was in that position."""
    changed = await tx.execute_rowcount(
        "UPDATE jam_rawan SET manual_on = ?, set_by_user = ?, updated_at = ?"
        " WHERE id = 1 AND manual_on != ?",
        (int(on), by_user, to_db(now), int(on)),
    )
    return changed > 0


async def set_windows(tx: Transaction, windows: str | None, by_user: int, now: datetime) -> None:
    """Windows already checked with `bot.domain.status.parse_windows`; None: the configured."""
    await tx.execute(
        "UPDATE jam_rawan SET windows = ?, set_by_user = ?, updated_at = ? WHERE id = 1",
        (windows, by_user, to_db(now)),
    )


async def effective_values(db: Db, settings: StalenessValues) -> JamRawanValues:
    """The settings with the run-time windows applied, for `bot.domain.status` functions."""
    switch = await jam_rawan(db)
    return JamRawanValues(
        readiness_stale_hours=settings.readiness_stale_hours,
        jam_rawan_stale_hours=settings.jam_rawan_stale_hours,
        jam_rawan_windows=switch.windows_or(settings.jam_rawan_windows),
        timezone=settings.timezone,
    )


async def current_stale_after(db: Db, settings: StalenessValues, now: datetime) -> timedelta:
    """How long SIAP stays fresh right now: the readiness and call-out code can use this."""
    switch = await jam_rawan(db)
    return stale_after(await effective_values(db, settings), now, switch.manual_on)
