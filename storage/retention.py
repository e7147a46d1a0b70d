"""Retention's SQL: one bounded batch of one step, in the caller's transaction.

The rules (periods, step order, what counts as live) are in `bot/domain/retention.py`; here
each step selects at most `limit` rows older than its cutoff that nothing live needs and
deletes them together with everything that hangs off them, in one transaction: a crash rolls
the whole batch back and the next run starts it again, so nothing is ever half-deleted.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.retention import Cutoffs, Live, OutboxCandidate, Step, live_outbox_row
from storage.db import Database, Transaction
from storage.timestamps import from_db, to_db

# Pages handed back to the file system per reclaim batch (4 KiB each). Each page moved from
# the end of the file into a hole costs a search of the free list, so a batch costs more the
# more is free: 256 pages took 0.08 s with 4,500 free pages and 0.86 s with 180,000 (a loaded
# 2-core machine), and with the million free pages of a year pruned at once ~25 pages a second.
RECLAIM_PAGES = 64
# Above this much free space (64 MiB) nothing is reclaimed online: new rows reuse the free
# pages anyway, and `python -m bot compact` (a VACUUM, bot stopped) shrinks the file in one go.
# A nightly run frees a day of working data (a few thousand pages), well below it.
RECLAIM_MAX_FREE = 16_384


@dataclass(frozen=True)
class Progress:
    """`done` rows (or pages) handled by one batch; `after` the scan position it reached
    (the outbox keeps rows it may not delete, so the next batch starts past them)."""

    done: int
    after: int | None = None


Pruner = Callable[[Transaction, Cutoffs, int, datetime, int | None], Awaitable[Progress]]


async def prune(
    tx: Transaction, step: Step, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    return await _PRUNERS[step](tx, cut, limit, now, after)


def _ids(rows: list[int]) -> str:
    return json.dumps(rows)


_IN_IDS = "(SELECT value FROM json_each(?))"


async def live_refs(db: Database | Transaction) -> Live:
    """What the outbox must keep whatever its age (bot.domain.retention.Live)."""
    rollcalls = await db.fetchall("SELECT id, batch_id FROM rollcalls WHERE state = 'open'")
    callouts = await db.fetchall("SELECT id, batch_id FROM callouts WHERE status = 'active'")
    invites = await db.fetchall(
        "SELECT i.id FROM callout_invites i JOIN callouts c ON c.id = i.callout_id"
        " WHERE c.status = 'active'"
    )
    requests = await db.fetchall("SELECT id FROM link_requests WHERE status = 'pending'")
    keys = await db.fetchall(
        "SELECT target_key FROM outbox WHERE kind = 'edit' AND state = 'pending'"
        " UNION SELECT status_key FROM command_groups WHERE active = 1"
        " AND status_key IS NOT NULL"
    )
    return Live(
        rollcalls=frozenset(int(r[0]) for r in rollcalls),
        callouts=frozenset(int(r[0]) for r in callouts),
        invites=frozenset(int(r[0]) for r in invites),
        link_requests=frozenset(int(r[0]) for r in requests),
        batches=frozenset(int(r[1]) for r in [*rollcalls, *callouts] if r[1] is not None),
        keys=frozenset(str(r[0]) for r in keys if r[0] is not None),
    )


async def _outbox(
    tx: Transaction, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    # A row weighs one, plus one per 4 KiB page of a file it carries (reports, hourly status
    # charts): a batch of charts frees as many pages as a batch of texts, not forty times more.
    rows = await tx.fetchall(
        "SELECT id, dedup_key, batch_id, 1 + COALESCE(LENGTH(file_bytes), 0) / 4096"
        " FROM outbox WHERE id > ? AND state != 'pending' AND created_at < ? ORDER BY id LIMIT ?",
        (after or 0, to_db(cut.working_before), limit),
    )
    if not rows:
        return Progress(0)
    live = await live_refs(tx)
    chosen: list[sqlite3.Row] = []
    weight = 0
    for row in rows:
        if chosen and weight + row[3] > limit:
            break
        chosen.append(row)
        weight += row[3]
    doomed = [r[0] for r in chosen if not live_outbox_row(OutboxCandidate(r[0], r[1], r[2]), live)]
    await tx.execute(f"DELETE FROM outbox WHERE id IN {_IN_IDS}", (_ids(doomed),))
    return Progress(len(chosen), int(chosen[-1][0]))


async def _deadlines(
    tx: Transaction, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    # A failed row waits for someone to look at it: it goes with the records.
    deleted = await tx.execute_rowcount(
        "DELETE FROM deadlines WHERE id IN (SELECT id FROM deadlines"
        " WHERE (state IN ('done', 'cancelled') AND due_at < ?)"
        " OR (state = 'failed' AND due_at < ?) LIMIT ?)",
        (to_db(cut.working_before), to_db(cut.records_before), limit),
    )
    return Progress(deleted)


async def _oldest(
    tx: Transaction,
    table: str,
    stamp: str,
    before: datetime,
    limit: int,
    *,
    key: str = "id",
    order: str | None = None,
) -> Progress:
    """Delete up to `limit` rows of `table` stamped before `before`, in `order` (an index on
    the stamp), or else among the `limit` oldest by the key, which follows time: with no
    index on the stamp, asking for the stamp would read the whole table every night that has
    nothing old yet (a year's 1.6 M readiness rows: 50 to 130 ms under the write lock)."""
    if order is not None:
        sql = (
            f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table}"
            f" WHERE {stamp} < ? ORDER BY {order} LIMIT ?)"
        )
        params: tuple[str | int, ...] = (to_db(before), limit)
    else:
        sql = (
            f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM (SELECT {key}, {stamp}"
            f" FROM {table} ORDER BY {key} LIMIT ?) WHERE {stamp} < ?)"
        )
        params = (limit, to_db(before))
    return Progress(await tx.execute_rowcount(sql, params))


async def _inbox(
    tx: Transaction, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    return await _oldest(tx, "inbox", "received_at", cut.working_before, limit, key="update_id")


async def _drafts(
    tx: Transaction, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    before = to_db(cut.working_before)
    deleted = await tx.execute_rowcount(
        "DELETE FROM rollcall_drafts WHERE id IN (SELECT id FROM rollcall_drafts"
        " WHERE created_at < ? LIMIT ?)",
        (before, limit),
    )
    # A sent draft belongs to its call-out (callouts.draft_id) and goes with it.
    deleted += await tx.execute_rowcount(
        "DELETE FROM callout_drafts WHERE id IN (SELECT d.id FROM callout_drafts d"
        " WHERE d.updated_at < ? AND NOT EXISTS"
        " (SELECT 1 FROM callouts c WHERE c.draft_id = d.id) LIMIT ?)",
        (before, limit),
    )
    return Progress(deleted)


async def _rollcalls(
    tx: Transaction, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    # Whole roll calls, oldest first, about `limit` targets at a time (at least one).
    rows = await tx.fetchall(
        "SELECT r.id, (SELECT COUNT(*) FROM rollcall_targets t WHERE t.rollcall_id = r.id)"
        " FROM rollcalls r WHERE r.state = 'closed' AND r.closed_at < ? ORDER BY r.id LIMIT 50",
        (to_db(cut.records_before),),
    )
    chosen: list[int] = []
    weight = 0
    for rollcall_id, targets in rows:
        if chosen and weight + targets > limit:
            break
        chosen.append(int(rollcall_id))
        weight += int(targets)
    if not chosen:
        return Progress(0)
    ids = (_ids(chosen),)
    deleted = await tx.execute_rowcount(
        f"DELETE FROM rollcall_answer_log WHERE rollcall_id IN {_IN_IDS}", ids
    )
    deleted += await tx.execute_rowcount(
        f"DELETE FROM rollcall_targets WHERE rollcall_id IN {_IN_IDS}", ids
    )
    deleted += await tx.execute_rowcount(
        f"DELETE FROM rollcall_drafts WHERE rollcall_id IN {_IN_IDS}", ids
    )
    deleted += await tx.execute_rowcount(f"DELETE FROM rollcalls WHERE id IN {_IN_IDS}", ids)
    return Progress(deleted)


async def _callouts(
    tx: Transaction, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    rows = await tx.fetchall(
        "SELECT c.id, c.draft_id, (SELECT COUNT(*) FROM callout_invites i"
        " WHERE i.callout_id = c.id) FROM callouts c WHERE c.status != 'active'"
        " AND COALESCE(c.closed_at, c.created_at) < ? ORDER BY c.id LIMIT 50",
        (to_db(cut.records_before),),
    )
    chosen: list[int] = []
    drafts: list[int] = []
    weight = 0
    for callout_id, draft_id, invites in rows:
        if chosen and weight + invites > limit:
            break
        chosen.append(int(callout_id))
        if draft_id is not None:
            drafts.append(int(draft_id))
        weight += int(invites)
    if not chosen:
        return Progress(0)
    ids = (_ids(chosen),)
    deleted = await tx.execute_rowcount(
        "DELETE FROM callout_arrivals WHERE invite_id IN (SELECT id FROM callout_invites"
        f" WHERE callout_id IN {_IN_IDS})",
        ids,
    )
    deleted += await tx.execute_rowcount(
        f"DELETE FROM callout_invites WHERE callout_id IN {_IN_IDS}", ids
    )
    # One statement for all lines: a reserve line refers to its line of the same call-out.
    deleted += await tx.execute_rowcount(
        f"DELETE FROM callout_lines WHERE callout_id IN {_IN_IDS}", ids
    )
    deleted += await tx.execute_rowcount(f"DELETE FROM callouts WHERE id IN {_IN_IDS}", ids)
    deleted += await tx.execute_rowcount(
        f"DELETE FROM callout_drafts WHERE id IN {_IN_IDS}", (_ids(drafts),)
    )
    return Progress(deleted)


async def _readiness_history(
    tx: Transaction, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    return await _oldest(tx, "readiness_history", "at", cut.records_before, limit)


async def _audit(
    tx: Transaction, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    return await _oldest(tx, "audit_log", "at", cut.records_before, limit, order="at")


async def _batches(
    tx: Transaction, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    rows = await tx.fetchall(
        "SELECT b.id FROM delivery_batches b WHERE b.created_at < ?"
        " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.batch_id = b.id)"
        " AND NOT EXISTS (SELECT 1 FROM rollcalls r WHERE r.batch_id = b.id)"
        " AND NOT EXISTS (SELECT 1 FROM callouts c WHERE c.batch_id = b.id)"
        " ORDER BY b.id LIMIT ?",
        (to_db(cut.working_before), limit),
    )
    if not rows:
        return Progress(0)
    ids = (_ids([int(r[0]) for r in rows]),)
    deleted = await tx.execute_rowcount(
        f"DELETE FROM batch_unreachable WHERE batch_id IN {_IN_IDS}", ids
    )
    deleted += await tx.execute_rowcount(
        f"DELETE FROM delivery_batches WHERE id IN {_IN_IDS}", ids
    )
    return Progress(deleted)


async def _personal(
    tx: Transaction, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    """Erase the phone and Telegram link of people deactivated long enough ago; their name,
    rank, NRP and answers stay, so old reports still count and name them."""
    rows = await tx.fetchall(
        "SELECT p.id, p.telegram_user_id FROM personnel p WHERE p.active = 0"
        " AND p.erased_at IS NULL AND p.deactivated_at < ?"
        # Still in something live (a deactivation mid-call-out): wait until it has ended.
        " AND NOT EXISTS (SELECT 1 FROM callout_invites i WHERE i.person_id = p.id"
        " AND (i.state IN ('pending', 'timed_out')"
        " OR (i.state = 'accepted' AND i.released_at IS NULL)))"
        " AND NOT EXISTS (SELECT 1 FROM rollcall_targets t JOIN rollcalls r"
        " ON r.id = t.rollcall_id WHERE t.person_id = p.id AND r.state = 'open')"
        " ORDER BY p.id LIMIT ?",
        (to_db(cut.personal_before), limit),
    )
    if not rows:
        return Progress(0)
    people = (_ids([int(r[0]) for r in rows]),)
    accounts = (_ids([int(r[1]) for r in rows if r[1] is not None]),)
    await tx.execute(
        "UPDATE personnel SET phone = '', telegram_user_id = NULL, linked_at = NULL,"
        f" erased_at = ?, updated_at = ? WHERE id IN {_IN_IDS}",
        (to_db(now), to_db(now), *people),
    )
    await tx.execute(f"DELETE FROM telegram_users WHERE telegram_user_id IN {_IN_IDS}", accounts)
    await tx.execute(
        f"DELETE FROM unreachable WHERE person_id IN {_IN_IDS} OR chat_id IN {_IN_IDS}",
        (*people, *accounts),
    )
    await tx.execute(
        f"UPDATE link_requests SET shared_phone = NULL WHERE person_id IN {_IN_IDS}", people
    )
    return Progress(len(rows))


async def _reclaim(
    tx: Transaction, cut: Cutoffs, limit: int, now: datetime, after: int | None
) -> Progress:
    free = await tx.fetchone("PRAGMA freelist_count")
    if free is None or int(free[0]) > RECLAIM_MAX_FREE:
        return Progress(0)
    return Progress(await tx.incremental_vacuum(RECLAIM_PAGES))


_PRUNERS: dict[Step, Pruner] = {
    Step.OUTBOX: _outbox,
    Step.DEADLINES: _deadlines,
    Step.INBOX: _inbox,
    Step.DRAFTS: _drafts,
    Step.ROLLCALLS: _rollcalls,
    Step.CALLOUTS: _callouts,
    Step.READINESS_HISTORY: _readiness_history,
    Step.AUDIT: _audit,
    Step.BATCHES: _batches,
    Step.PERSONAL: _personal,
    Step.RECLAIM: _reclaim,
}


# -- what `python -m bot check` reports ------------------------------------------------------


@dataclass(frozen=True)
class FileSpace:
    bytes: int
    free_bytes: int
    # SQLite's auto_vacuum: 0 none (space reclaimed only by a full VACUUM), 2 incremental.
    auto_vacuum: int

    @property
    def incremental(self) -> bool:
        return self.auto_vacuum == 2


async def file_space(db: Database | Transaction) -> FileSpace:
    page_size = await db.fetchone("PRAGMA page_size")
    pages = await db.fetchone("PRAGMA page_count")
    free = await db.fetchone("PRAGMA freelist_count")
    mode = await db.fetchone("PRAGMA auto_vacuum")
    size = int(page_size[0]) if page_size else 0
    return FileSpace(
        bytes=size * (int(pages[0]) if pages else 0),
        free_bytes=size * (int(free[0]) if free else 0),
        auto_vacuum=int(mode[0]) if mode else 0,
    )


async def oldest_record(db: Database | Transaction) -> datetime | None:
    """The oldest moment any record still kept speaks of (None on an empty database)."""
    row = await db.fetchone(
        "SELECT MIN(at) FROM (SELECT MIN(opened_at) AS at FROM rollcalls"
        " UNION ALL SELECT MIN(created_at) FROM callouts"
        " UNION ALL SELECT MIN(at) FROM readiness_history"
        " UNION ALL SELECT MIN(at) FROM audit_log)"
    )
    return from_db(row[0]) if row and row[0] else None


_LAST_FINISHED = "retention.last_finished"


async def record_finished(tx: Transaction, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO runtime_state (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (_LAST_FINISHED, to_db(now)),
    )


async def last_finished(db: Database | Transaction) -> datetime | None:
    """When a retention run last went through every step."""
    row = await db.fetchone("SELECT value FROM runtime_state WHERE key = ?", (_LAST_FINISHED,))
    return from_db(row[0]) if row else None
