"""Call-outs: drafts, the call-out, its per-category lines, invitations and arrivals.

SQL in, frozen records out. Every write takes the caller's transaction; state changes are
conditional (`WHERE state IN …`) so a second tap or a late timer changes nothing twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.callout import (
    CalloutStatus,
    Candidate,
    DraftStatus,
    InviteKey,
    InviteMessage,
    InviteState,
    LineTally,
    Order,
    PersonStatus,
    Strategy,
    tally_of,
)
from bot.domain.fill import (
    CutShort,
    LiveInvite,
    Outcome,
    PastAnswer,
    PastInvite,
    ResponseModel,
    model_from_json,
    model_to_json,
)
from storage.db import Database, Transaction
from storage.timestamps import from_db, to_db

Db = Database | Transaction


def _live(alias: str = "") -> str:
    """SQL for "this invite holds its person" (domain LIVE_STATES, until released)."""
    a = f"{alias}." if alias else ""
    return (
        f"({a}state IN ('pending', 'timed_out')"
        f" OR ({a}state = 'accepted' AND {a}released_at IS NULL))"
    )


def _dt(value: str | None) -> datetime | None:
    return from_db(value) if value else None


# -- drafts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    id: int
    user_id: int
    chat_id: int
    spec: dict[str, Any]
    status: DraftStatus
    callout_id: int | None
    created_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status is DraftStatus.OPEN


def _draft(row: sqlite3.Row) -> Draft:
    return Draft(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        spec=json.loads(row["spec"] or "{}"),
        status=DraftStatus(row["status"]),
        callout_id=row["callout_id"],
        created_at=from_db(row["created_at"]),
    )


_DRAFT_COLUMNS = "id, user_id, chat_id, spec, status, callout_id, created_at"


async def create_draft(
    tx: Transaction, user_id: int, chat_id: int, spec: Mapping[str, Any], now: datetime
) -> int:
    # One order at a time per commander and chat: an older open draft is dropped, so a
    # location shared "after the command" can only belong to the newest one.
    await tx.execute(
        "UPDATE callout_drafts SET status = 'discarded', updated_at = ?"
        " WHERE user_id = ? AND chat_id = ? AND status = 'open'",
        (to_db(now), user_id, chat_id),
    )
    return await tx.execute(
        "INSERT INTO callout_drafts (user_id, chat_id, spec, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (user_id, chat_id, json.dumps(dict(spec), ensure_ascii=False), to_db(now), to_db(now)),
    )


async def get_draft(db: Db, draft_id: int) -> Draft | None:
    row = await db.fetchone(
        f"SELECT {_DRAFT_COLUMNS} FROM callout_drafts WHERE id = ?", (draft_id,)
    )
    return _draft(row) if row else None


async def latest_open_draft(db: Db, user_id: int, chat_id: int) -> Draft | None:
    row = await db.fetchone(
        f"SELECT {_DRAFT_COLUMNS} FROM callout_drafts"
        " WHERE user_id = ? AND chat_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1",
        (user_id, chat_id),
    )
    return _draft(row) if row else None


async def update_draft(
    tx: Transaction, draft_id: int, spec: Mapping[str, Any], now: datetime
) -> bool:
    changed = await tx.execute_rowcount(
        "UPDATE callout_drafts SET spec = ?, updated_at = ? WHERE id = ? AND status = 'open'",
        (json.dumps(dict(spec), ensure_ascii=False), to_db(now), draft_id),
    )
    return changed > 0


async def close_draft(
    tx: Transaction,
    draft_id: int,
    status: DraftStatus,
    now: datetime,
    callout_id: int | None = None,
) -> bool:
    """Open → sent/discarded, once: False when someone (a double tap) got there first."""
    if status is DraftStatus.OPEN:
        raise ValueError("a draft is closed as sent or discarded")
    changed = await tx.execute_rowcount(
        "UPDATE callout_drafts SET status = ?, callout_id = ?, updated_at = ?"
        " WHERE id = ? AND status = 'open'",
        (status.value, callout_id, to_db(now), draft_id),
    )
    return changed > 0


async def set_draft_callout(tx: Transaction, draft_id: int, callout_id: int) -> None:
    await tx.execute(
        "UPDATE callout_drafts SET callout_id = ? WHERE id = ?", (callout_id, draft_id)
    )


# -- call-outs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Callout:
    id: int
    status: CalloutStatus
    drill: bool
    location: str
    latitude: float | None
    longitude: float | None
    radius_m: float | None
    order_ref: str | None
    ordered_by_user_id: int
    ordered_by_person_id: int | None
    ordered_by_name: str
    ordered_by_position: str | None
    task: str | None
    assembly: str | None
    report_to: str | None
    chat_id: int
    chat_is_group: bool
    language: str
    invite_timeout: timedelta
    batch_id: int | None
    created_at: datetime
    closed_at: datetime | None
    closed_by_user_id: int | None
    last_reminder_at: datetime | None
    strategy: Strategy
    # The response model learned at the order (Cepat only).
    fill_model: ResponseModel | None

    @property
    def is_active(self) -> bool:
        return self.status is CalloutStatus.ACTIVE

    @property
    def site(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    @property
    def card_key(self) -> str:
        """The outbox dedup key of the live card: its edits target this."""
        return f"co:{self.id}:card"


_CALLOUT_COLUMNS = (
    "id, status, drill, location, latitude, longitude, radius_m, order_ref, ordered_by_user_id,"
    " ordered_by_person_id, ordered_by_name, ordered_by_position, task, assembly, report_to,"
    " chat_id, chat_is_group, language,"
    " invite_timeout_s, batch_id, created_at, closed_at, closed_by_user_id, last_reminder_at,"
    " strategy, fill_model"
)


def _callout(row: sqlite3.Row) -> Callout:
    return Callout(
        id=row["id"],
        status=CalloutStatus(row["status"]),
        drill=bool(row["drill"]),
        location=row["location"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        radius_m=row["radius_m"],
        order_ref=row["order_ref"],
        ordered_by_user_id=row["ordered_by_user_id"],
        ordered_by_person_id=row["ordered_by_person_id"],
        ordered_by_name=row["ordered_by_name"],
        ordered_by_position=row["ordered_by_position"],
        task=row["task"],
        assembly=row["assembly"],
        report_to=row["report_to"],
        chat_id=row["chat_id"],
        chat_is_group=bool(row["chat_is_group"]),
        language=row["language"],
        invite_timeout=timedelta(seconds=row["invite_timeout_s"]),
        batch_id=row["batch_id"],
        created_at=from_db(row["created_at"]),
        closed_at=_dt(row["closed_at"]),
        closed_by_user_id=row["closed_by_user_id"],
        last_reminder_at=_dt(row["last_reminder_at"]),
        strategy=Strategy(row["strategy"]),
        fill_model=model_from_json(json.loads(row["fill_model"])) if row["fill_model"] else None,
    )


async def create(
    tx: Transaction,
    *,
    draft_id: int | None,
    order: Order,
    radius_m: float | None,
    ordered_by_user_id: int,
    ordered_by_person_id: int | None,
    ordered_by_name: str,
    chat_id: int,
    chat_is_group: bool,
    language: str,
    invite_timeout: timedelta,
    now: datetime,
    ordered_by_position: str | None = None,
    strategy: Strategy = Strategy.TEPAT,
    fill_model: ResponseModel | None = None,
) -> int:
    return await tx.execute(
        "INSERT INTO callouts (draft_id, drill, location, latitude, longitude, radius_m,"
        " order_ref, ordered_by_user_id, ordered_by_person_id, ordered_by_name,"
        " ordered_by_position, task, assembly, report_to, chat_id,"
        " chat_is_group, language, invite_timeout_s, created_at, strategy, fill_model)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            draft_id,
            int(order.drill),
            order.location,
            order.latitude,
            order.longitude,
            radius_m if order.has_site else None,
            order.ref,
            ordered_by_user_id,
            ordered_by_person_id,
            ordered_by_name,
            ordered_by_position,
            order.task,
            order.assembly,
            order.report_to,
            chat_id,
            int(chat_is_group),
            language,
            max(int(invite_timeout.total_seconds()), 1),
            to_db(now),
            strategy.value,
            json.dumps(model_to_json(fill_model)) if fill_model is not None else None,
        ),
    )


async def set_batch(tx: Transaction, callout_id: int, batch_id: int) -> None:
    await tx.execute("UPDATE callouts SET batch_id = ? WHERE id = ?", (batch_id, callout_id))


async def get(db: Db, callout_id: int) -> Callout | None:
    row = await db.fetchone(f"SELECT {_CALLOUT_COLUMNS} FROM callouts WHERE id = ?", (callout_id,))
    return _callout(row) if row else None


async def close(
    tx: Transaction, callout_id: int, status: CalloutStatus, now: datetime, by_user_id: int | None
) -> bool:
    """Active → completed/cancelled, once."""
    if status is CalloutStatus.ACTIVE:
        raise ValueError("closing means completed or cancelled")
    changed = await tx.execute_rowcount(
        "UPDATE callouts SET status = ?, closed_at = ?, closed_by_user_id = ?"
        " WHERE id = ? AND status = 'active'",
        (status.value, to_db(now), by_user_id, callout_id),
    )
    return changed > 0


async def touch_reminder(tx: Transaction, callout_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE callouts SET last_reminder_at = ? WHERE id = ?", (to_db(now), callout_id)
    )


async def active(db: Db, *, include_drills: bool = True) -> list[Callout]:
    drills = "" if include_drills else " AND drill = 0"
    rows = await db.fetchall(
        f"SELECT {_CALLOUT_COLUMNS} FROM callouts WHERE status = 'active'{drills} ORDER BY id"
    )
    return [_callout(r) for r in rows]


async def recent(db: Db, *, limit: int = 20, include_drills: bool = True) -> list[Callout]:
    drills = "" if include_drills else " WHERE drill = 0"
    rows = await db.fetchall(
        f"SELECT {_CALLOUT_COLUMNS} FROM callouts{drills} ORDER BY id DESC LIMIT ?", (limit,)
    )
    return [_callout(r) for r in rows]


# -- lines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    id: int
    callout_id: int
    category: str
    quota: int
    requested: int
    units: tuple[str, ...] | None
    reserve_for_line_id: int | None
    short_reported: int
    short_round: int
    shortfall_accepted: bool
    filled_at: datetime | None

    @property
    def short_key(self) -> str:
        """The outbox key of this line's current shortfall notice (edited as it changes)."""
        return f"co:{self.callout_id}:short:{self.id}:{self.short_round}"


_LINE_COLUMNS = (
    "id, callout_id, category_code, quota, requested, units, reserve_for_line_id,"
    " short_reported, short_round, shortfall_accepted, filled_at"
)


def _line(row: sqlite3.Row) -> Line:
    units = json.loads(row["units"]) if row["units"] else None
    return Line(
        id=row["id"],
        callout_id=row["callout_id"],
        category=row["category_code"],
        quota=row["quota"],
        requested=row["requested"],
        units=tuple(units) if units is not None else None,
        reserve_for_line_id=row["reserve_for_line_id"],
        short_reported=row["short_reported"],
        short_round=row["short_round"],
        shortfall_accepted=bool(row["shortfall_accepted"]),
        filled_at=_dt(row["filled_at"]),
    )


async def add_line(
    tx: Transaction,
    callout_id: int,
    category: str,
    quota: int,
    *,
    requested: int | None = None,
    units: Collection[str] | None = None,
    reserve_for_line_id: int | None = None,
) -> int:
    return await tx.execute(
        "INSERT INTO callout_lines (callout_id, category_code, quota, requested, units,"
        " reserve_for_line_id) VALUES (?, ?, ?, ?, ?, ?)",
        (
            callout_id,
            category,
            quota,
            quota if requested is None else requested,
            json.dumps(sorted(units), ensure_ascii=False) if units is not None else None,
            reserve_for_line_id,
        ),
    )


async def lines(db: Db, callout_id: int) -> list[Line]:
    rows = await db.fetchall(
        f"SELECT {_LINE_COLUMNS} FROM callout_lines WHERE callout_id = ? ORDER BY id",
        (callout_id,),
    )
    return [_line(r) for r in rows]


async def unfilled_lines(
    db: Db, categories: Iterable[str], *, besides: int | None = None
) -> list[Line]:
    """The lines of these categories in live call-outs (drills too) not yet filled, oldest
    order first; `besides`: one call-out left out."""
    rows = await db.fetchall(
        f"SELECT {_LINE_COLUMNS} FROM callout_lines WHERE filled_at IS NULL"
        " AND category_code IN (SELECT value FROM json_each(?))"
        " AND callout_id IN (SELECT id FROM callouts WHERE status = 'active' AND id IS NOT ?)"
        " ORDER BY callout_id, id",
        (json.dumps(sorted(set(categories))), besides),
    )
    return [_line(r) for r in rows]


async def get_line(db: Db, line_id: int) -> Line | None:
    row = await db.fetchone(f"SELECT {_LINE_COLUMNS} FROM callout_lines WHERE id = ?", (line_id,))
    return _line(row) if row else None


async def set_quota(tx: Transaction, line_id: int, quota: int) -> None:
    await tx.execute("UPDATE callout_lines SET quota = ? WHERE id = ?", (max(quota, 0), line_id))


async def add_quota(tx: Transaction, line_id: int, amount: int) -> None:
    await tx.execute(
        "UPDATE callout_lines SET quota = quota + ?, requested = requested + ? WHERE id = ?",
        (amount, amount, line_id),
    )


async def set_short_reported(tx: Transaction, line_id: int, amount: int) -> None:
    await tx.execute("UPDATE callout_lines SET short_reported = ? WHERE id = ?", (amount, line_id))


async def next_short_round(tx: Transaction, line_id: int) -> None:
    """The current notice is settled (widened): a later shortfall gets a fresh message."""
    await tx.execute(
        "UPDATE callout_lines SET short_round = short_round + 1, short_reported = 0 WHERE id = ?",
        (line_id,),
    )


async def accept_shortfall(tx: Transaction, line_id: int) -> bool:
    changed = await tx.execute_rowcount(
        "UPDATE callout_lines SET shortfall_accepted = 1 WHERE id = ? AND shortfall_accepted = 0",
        (line_id,),
    )
    return changed > 0


async def mark_filled(tx: Transaction, line_id: int, now: datetime) -> bool:
    changed = await tx.execute_rowcount(
        "UPDATE callout_lines SET filled_at = ? WHERE id = ? AND filled_at IS NULL",
        (to_db(now), line_id),
    )
    return changed > 0


async def tallies(db: Db, callout_id: int) -> dict[int, LineTally]:
    """Per line: how many invites are in each state, and how many have arrived."""
    quota_rows = await db.fetchall(
        "SELECT id, quota FROM callout_lines WHERE callout_id = ?", (callout_id,)
    )
    rows = await db.fetchall(
        "SELECT line_id, state, COUNT(*), SUM(arrived_at IS NOT NULL) FROM callout_invites"
        " WHERE callout_id = ? GROUP BY line_id, state",
        (callout_id,),
    )
    states: dict[int, dict[str, int]] = {int(r[0]): {} for r in quota_rows}
    arrived: dict[int, int] = {}
    for line_id, state, count, arrivals in rows:
        states.setdefault(line_id, {})[state] = int(count)
        arrived[line_id] = arrived.get(line_id, 0) + int(arrivals or 0)
    quotas = {int(r[0]): int(r[1]) for r in quota_rows}
    return {
        line_id: tally_of(counts, quotas.get(line_id, 0), arrived.get(line_id, 0))
        for line_id, counts in states.items()
    }


# -- what the fill rule reads ----------------------------------------------------------------

_OUTCOMES = {
    "accepted": Outcome.ACCEPTED,
    "declined": Outcome.DECLINED,
    "no_answer": Outcome.SILENT,
}
# Enough to learn a Polda's habits from its recent call-outs; older ones say less of tonight.
HISTORY_LIMIT = 5000

# The outbox row an invitation was sent under (`invite_key`'s text).
_INVITE_OUTBOX = (
    "outbox o ON o.dedup_key = 'co:inv:' || i.id"
    " || CASE i.attempt WHEN 1 THEN '' ELSE ':again:' || i.attempt END"
)
# Per person, enough earlier invitations for a habit; older ones say less of tonight.
EVIDENCE_LIMIT = 20000
_EVIDENCE_SQL = (
    "SELECT i.person_id, i.state, i.invited_at, i.answered_at, i.proxy, o.state, o.sent_at,"
    " CASE i.state WHEN 'stood_down' THEN COALESCE(l.filled_at, c.closed_at) ELSE c.closed_at END"
    " FROM callout_invites i JOIN callouts c ON c.id = i.callout_id"
    " JOIN callout_lines l ON l.id = i.line_id"
    f" LEFT JOIN {_INVITE_OUTBOX}"
    " WHERE {people} c.status <> 'active'"
    " AND i.state IN ('accepted', 'declined', 'no_answer', 'stood_down', 'cancelled')"
    " ORDER BY i.id DESC LIMIT ?"
)
# Looked up per person (index callout_invites_person), never a scan: fill_line reads it for
# every candidate of a line (1,833 in YANMAS) at every re-evaluation.
PERSON_EVIDENCE_SQL = _EVIDENCE_SQL.replace(
    "{people}", "i.person_id IN (SELECT value FROM json_each(?)) AND"
)
POLDA_EVIDENCE_SQL = _EVIDENCE_SQL.replace("{people}", "")


async def person_evidence(
    db: Db, person_ids: Collection[int], *, limit: int = EVIDENCE_LIMIT
) -> list[PastInvite]:
    """What these people's invitations of finished call-outs say of them, newest first
    (bot.domain.fill.person_models reads it): a whole answer with the time it took, silence
    through both timeouts, or an invitation cut short (stood down, cancelled) with how long
    it had been silent: from the outbox's send to the line's fill (or the call-out's end).
    An invitation never sent (withdrawn from the outbox) or sent with no silence before its
    end says nothing and is left out; so is one that bounced (unreachable). A commander's
    answer for a silent person is that person's silence through both timeouts (not their
    speed). When the outbox row is gone (retention), the invitation's own time stands for
    its send."""
    if not person_ids:
        return []
    rows = await db.fetchall(PERSON_EVIDENCE_SQL, [json.dumps(sorted(person_ids)), limit])
    return _evidence(rows)


async def polda_evidence(db: Db, *, limit: int = HISTORY_LIMIT) -> list[PastInvite]:
    """The same of everyone's latest invitations: what bot.domain.fill.learn makes the
    Polda's model of. The silences cut short are in it: answers alone are the quick ones."""
    return _evidence(await db.fetchall(POLDA_EVIDENCE_SQL, [limit]))


def _evidence(rows: Iterable[sqlite3.Row]) -> list[PastInvite]:
    found: list[PastInvite] = []
    for person_id, state, invited_at, answered_at, proxy, sent, sent_at, ended_at in rows:
        if state in ("stood_down", "cancelled"):
            if sent is None:
                sent_at = invited_at
            elif sent != "sent" or sent_at is None or ended_at is None:
                continue
            silent = (from_db(ended_at) - from_db(sent_at)).total_seconds()
            if silent > 0:
                found.append(CutShort(int(person_id), silent))
            continue
        outcome = Outcome.SILENT if proxy else _OUTCOMES[state]
        delay = None
        if answered_at and outcome is not Outcome.SILENT:
            delay = (from_db(answered_at) - from_db(invited_at)).total_seconds()
        found.append(PastAnswer(int(person_id), outcome, delay))
    return found


async def live_invites(db: Db, line_id: int) -> list[LiveInvite]:
    """The line's open and answered invitations as the fill rule weighs them. An invitation
    still queued for Telegram is not silence yet (delivered_at None); once sent, silence is
    counted from the outbox's sent_at (the drainer's injected clock): a large call-out takes
    seconds to leave at 30 a second, and counting from the invitation's own time would read
    the last ones as silent before they arrived. An invitation answered without a send on
    record (a proxy answer) counts from its own time. The outbox row is found by
    `invite_key`'s text."""
    rows = await db.fetchall(
        "SELECT i.person_id, i.state, i.invited_at, o.state, o.sent_at"
        f" FROM callout_invites i LEFT JOIN {_INVITE_OUTBOX}"
        " WHERE i.line_id = ? AND i.state IN ('pending', 'timed_out', 'accepted', 'declined')",
        (line_id,),
    )
    found: list[LiveInvite] = []
    for person_id, state, invited_at, sent, sent_at in rows:
        answered = _OUTCOMES.get(state)
        delivered = None
        if sent == "sent" and sent_at is not None:
            delivered = from_db(sent_at)
        elif answered is not None:
            delivered = from_db(invited_at)
        found.append(LiveInvite(int(person_id), delivered, answered))
    return found


# -- who can be invited ---------------------------------------------------------------------


def _unit_filter(units: Collection[str] | None) -> tuple[str, list[Any]]:
    if units is None:
        return "", []
    return " AND p.unit IN (SELECT value FROM json_each(?))", [json.dumps(sorted(units))]


# The invites are looked up per person (index callout_invites_person), never scanned: both
# "not held elsewhere" and the last refusal (a no, or silence through both timeouts; the
# answer's time, else the invitation's), which the fairness order counts as a turn.
CANDIDATES_SQL = (
    "SELECT p.id, p.telegram_user_id, r.confirmed_at, r.last_deployed_at,"
    " (SELECT MAX(COALESCE(f.answered_at, f.invited_at)) FROM callout_invites f"
    "  WHERE f.person_id = p.id AND f.state IN ('declined', 'no_answer'))"
    " FROM personnel p JOIN readiness r ON r.person_id = p.id"
    " WHERE p.active = 1 AND p.telegram_user_id IS NOT NULL AND p.category_code = ?"
    " AND p.role = 'anggota' AND r.state = 'SIAP'"
    " AND NOT EXISTS (SELECT 1 FROM unreachable u WHERE u.chat_id = p.telegram_user_id)"
    " AND NOT EXISTS (SELECT 1 FROM callout_invites i WHERE i.person_id = p.id"
    f" AND ((i.callout_id = ? AND i.state <> 'unreachable') OR {_live('i')}))"
)


async def candidates(
    db: Db, category: str, callout_id: int, units: Collection[str] | None = None
) -> list[Candidate]:
    """Everyone who may be invited to this call-out's line now, unordered (with their last
    deployment and last refusal, for the fairness order): SIAP, active,
    linked, reachable, not held by another live call-out, and never invited to this one
    unless that invitation bounced (unreachable) and they are back: `add_invite` re-opens it.
    Commanders and admins give orders; they are not in the pool that receives them.

    Call inside the transaction that records the invites: the pick and the reservation must
    not be split, or two commanders ordering at once could pick the same person.
    """
    unit_sql, unit_params = _unit_filter(units)
    rows = await db.fetchall(CANDIDATES_SQL + unit_sql, [category, callout_id, *unit_params])
    return [
        Candidate(
            person_id=r[0],
            chat_id=r[1],
            confirmed_at=from_db(r[2]),
            last_deployed_at=_dt(r[3]),
            last_refused_at=_dt(r[4]),
        )
        for r in rows
    ]


async def category_people(
    db: Db, category: str, units: Collection[str] | None = None
) -> list[PersonStatus]:
    """Every active member (not commanders) of the category within `units`: the card."""
    unit_sql, unit_params = _unit_filter(units)
    rows = await db.fetchall(
        "SELECT p.id, p.telegram_user_id IS NOT NULL,"
        " EXISTS (SELECT 1 FROM unreachable u WHERE u.chat_id = p.telegram_user_id),"
        " r.state, r.confirmed_at, r.until,"
        " EXISTS (SELECT 1 FROM callout_invites i WHERE i.person_id = p.id AND"
        f" {_live('i')})"
        " FROM personnel p LEFT JOIN readiness r ON r.person_id = p.id"
        f" WHERE p.active = 1 AND p.role = 'anggota' AND p.category_code = ?{unit_sql}",
        [category, *unit_params],
    )
    return [
        PersonStatus(
            person_id=r[0],
            linked=bool(r[1]),
            unreachable=bool(r[2]),
            state=r[3],
            confirmed_at=_dt(r[4]),
            until=_dt(r[5]),
            in_live_callout=bool(r[6]),
        )
        for r in rows
    ]


# -- invites --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invite:
    id: int
    callout_id: int
    line_id: int
    person_id: int
    chat_id: int
    state: InviteState
    invited_at: datetime
    answered_at: datetime | None
    reminders: int
    decline_reason: str | None
    decline_text: str | None
    answered_by_user_id: int | None
    proxy: bool
    end_reason: str | None
    arrived_at: datetime | None
    arrival_status: str | None
    released_at: datetime | None
    # Which invitation message is the current one: a bounced invitation re-opened sends anew.
    attempt: int = 1

    @property
    def message_key(self) -> str:
        """The outbox dedup key of the current invitation message: answers and stand-downs
        edit it."""
        return invite_key(self.id, self.attempt)

    @property
    def message_keys(self) -> list[str]:
        """Every invitation message of this row, oldest first: one sent before a reminder
        bounced may still be on the phone, with its buttons."""
        return [invite_key(self.id, n) for n in range(1, self.attempt + 1)]

    def reminder_key(self, number: int) -> str:
        return str(InviteKey(InviteMessage.INVITATION, self.id, ("rem", str(number))))

    @property
    def deactivated_key(self) -> str:
        """The commander's "nonaktif" notice, once per attempt: reactivated, invited again
        and deactivated again is news again."""
        return str(InviteKey(InviteMessage.DEACTIVATED, self.id, _attempt_tail(self.attempt)))


def invite_key(invite_id: int, attempt: int = 1) -> str:
    return str(InviteKey(InviteMessage.INVITATION, invite_id, _attempt_tail(attempt)))


def _attempt_tail(attempt: int) -> tuple[str, ...]:
    """A key's tail for a re-opened invitation's attempt; the first keeps the bare key."""
    return () if attempt == 1 else ("again", str(attempt))


def invite_id_of_key(dedup_key: str) -> int | None:
    """The invite a message was about (`co:inv:12`, `co:inv:12:rem:1`, `co:inv:12:again:2`),
    else None."""
    key = InviteKey.parse(dedup_key)
    return key.invite_id if key is not None and key.kind is InviteMessage.INVITATION else None


_INVITE_COLUMNS = (
    "id, callout_id, line_id, person_id, chat_id, state, invited_at, answered_at, reminders,"
    " decline_reason, decline_text, answered_by_user_id, proxy, end_reason, arrived_at,"
    " arrival_status, released_at, attempt"
)


def _invite(row: sqlite3.Row) -> Invite:
    return Invite(
        id=row["id"],
        callout_id=row["callout_id"],
        line_id=row["line_id"],
        person_id=row["person_id"],
        chat_id=row["chat_id"],
        state=InviteState(row["state"]),
        invited_at=from_db(row["invited_at"]),
        answered_at=_dt(row["answered_at"]),
        reminders=row["reminders"],
        decline_reason=row["decline_reason"],
        decline_text=row["decline_text"],
        answered_by_user_id=row["answered_by_user_id"],
        proxy=bool(row["proxy"]),
        end_reason=row["end_reason"],
        arrived_at=_dt(row["arrived_at"]),
        arrival_status=row["arrival_status"],
        released_at=_dt(row["released_at"]),
        attempt=row["attempt"],
    )


async def open_invite(
    tx: Transaction, line: Line, person_id: int, chat_id: int, now: datetime
) -> tuple[int, str]:
    """Invite a person to a line: a new row, or their bounced (unreachable) row of this
    call-out opened again as a new attempt (a new message key, invited now, the reminders'
    numbers going on). One row per person and call-out keeps the card's counts and the
    person's history whole. Returns the invite and the key its invitation message is sent
    under. Raises IntegrityError when the person's row there is in any other state."""
    invite_id, attempt = await _open_invite(tx, line.callout_id, line.id, person_id, chat_id, now)
    return invite_id, invite_key(invite_id, attempt)


async def add_invite(
    tx: Transaction,
    callout_id: int,
    line_id: int,
    person_id: int,
    chat_id: int,
    now: datetime,
) -> int:
    """`open_invite` by ids, when only the invite's id is wanted (set-ups of tests, benches)."""
    invite_id, _ = await _open_invite(tx, callout_id, line_id, person_id, chat_id, now)
    return invite_id


async def _open_invite(
    tx: Transaction, callout_id: int, line_id: int, person_id: int, chat_id: int, now: datetime
) -> tuple[int, int]:
    row = await tx.fetchone(
        "INSERT INTO callout_invites (callout_id, line_id, person_id, chat_id, invited_at)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (callout_id, person_id) DO UPDATE SET line_id = excluded.line_id,"
        " chat_id = excluded.chat_id, invited_at = excluded.invited_at, state = 'pending',"
        " answered_at = NULL, answered_by_user_id = NULL, proxy = 0, end_reason = NULL,"
        " attempt = attempt + 1"
        " WHERE callout_invites.state = 'unreachable'"
        " RETURNING id, attempt",
        (callout_id, line_id, person_id, chat_id, to_db(now)),
    )
    if row is None:
        raise sqlite3.IntegrityError(f"person {person_id} was invited to #{callout_id} already")
    return int(row[0]), int(row[1])


async def get_invite(db: Db, invite_id: int) -> Invite | None:
    row = await db.fetchone(
        f"SELECT {_INVITE_COLUMNS} FROM callout_invites WHERE id = ?", (invite_id,)
    )
    return _invite(row) if row else None


async def invites(
    db: Db,
    callout_id: int,
    *,
    line_id: int | None = None,
    states: Iterable[InviteState] | None = None,
) -> list[Invite]:
    clauses = ["callout_id = ?"]
    params: list[Any] = [callout_id]
    if line_id is not None:
        clauses.append("line_id = ?")
        params.append(line_id)
    if states is not None:
        clauses.append("state IN (SELECT value FROM json_each(?))")
        params.append(json.dumps([s.value for s in states]))
    rows = await db.fetchall(
        f"SELECT {_INVITE_COLUMNS} FROM callout_invites WHERE {' AND '.join(clauses)} ORDER BY id",
        params,
    )
    return [_invite(r) for r in rows]


async def transition(
    tx: Transaction,
    invite_id: int,
    from_states: Iterable[InviteState],
    to_state: InviteState,
    now: datetime,
    *,
    answered: bool = False,
    answered_by_user_id: int | None = None,
    proxy: bool = False,
    end_reason: str | None = None,
) -> bool:
    """Move an invite from one of `from_states` to `to_state`; False when it was not in one
    (a second tap, a timer that lost the race): then nothing changed."""
    sets = ["state = ?"]
    params: list[Any] = [to_state.value]
    if answered:
        sets += ["answered_at = ?", "answered_by_user_id = ?", "proxy = ?"]
        params += [to_db(now), answered_by_user_id, int(proxy)]
    if end_reason is not None:
        sets.append("end_reason = ?")
        params.append(end_reason)
    params += [invite_id, json.dumps([s.value for s in from_states])]
    changed = await tx.execute_rowcount(
        f"UPDATE callout_invites SET {', '.join(sets)}"
        " WHERE id = ? AND state IN (SELECT value FROM json_each(?))",
        params,
    )
    return changed > 0


async def set_decline_reason(
    tx: Transaction, invite_id: int, reason: str, text: str | None = None
) -> bool:
    changed = await tx.execute_rowcount(
        "UPDATE callout_invites SET decline_reason = ?, decline_text = ?"
        " WHERE id = ? AND state = 'declined'",
        (reason, text, invite_id),
    )
    return changed > 0


async def bump_reminders(tx: Transaction, invite_id: int) -> int:
    """Count one more reminder; returns its number (it names the reminder message)."""
    await tx.execute(
        "UPDATE callout_invites SET reminders = reminders + 1 WHERE id = ?", (invite_id,)
    )
    row = await tx.fetchone("SELECT reminders FROM callout_invites WHERE id = ?", (invite_id,))
    return int(row[0]) if row else 0


async def release(tx: Transaction, invite_id: int, now: datetime) -> bool:
    """An accepted person is let go (the call-out ended): they no longer hold a place."""
    changed = await tx.execute_rowcount(
        "UPDATE callout_invites SET released_at = ?"
        " WHERE id = ? AND state = 'accepted' AND released_at IS NULL",
        (to_db(now), invite_id),
    )
    return changed > 0


async def awaiting_arrival(db: Db, person_id: int) -> Invite | None:
    """The accepted, not yet arrived invite of an active call-out this person holds."""
    row = await db.fetchone(
        f"SELECT {', '.join('i.' + c.strip() for c in _INVITE_COLUMNS.split(','))}"
        " FROM callout_invites i JOIN callouts c ON c.id = i.callout_id"
        " WHERE i.person_id = ? AND i.state = 'accepted' AND i.released_at IS NULL"
        " AND i.arrived_at IS NULL AND c.status = 'active' ORDER BY i.id DESC LIMIT 1",
        (person_id,),
    )
    return _invite(row) if row else None


async def live_invite_of(db: Db, person_id: int) -> Invite | None:
    row = await db.fetchone(
        f"SELECT {_INVITE_COLUMNS} FROM callout_invites WHERE person_id = ? AND {_live()}"
        " ORDER BY id DESC LIMIT 1",
        (person_id,),
    )
    return _invite(row) if row else None


async def record_arrival(
    tx: Transaction,
    invite_id: int,
    now: datetime,
    *,
    latitude: float,
    longitude: float,
    accuracy_m: float | None,
    distance_m: float | None,
    status: str,
) -> bool:
    """Log the shared location; when it counts, mark the arrival (once). True when this
    location made the person count as arrived."""
    await tx.execute(
        "INSERT INTO callout_arrivals (invite_id, at, latitude, longitude, accuracy_m,"
        " distance_m, status) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (invite_id, to_db(now), latitude, longitude, accuracy_m, distance_m, status),
    )
    if status == "outside":
        return False
    changed = await tx.execute_rowcount(
        "UPDATE callout_invites SET arrived_at = ?, arrival_status = ?"
        " WHERE id = ? AND state = 'accepted' AND arrived_at IS NULL",
        (to_db(now), status, invite_id),
    )
    return changed > 0


@dataclass(frozen=True)
class ArrivalRecord:
    at: datetime
    latitude: float
    longitude: float
    distance_m: float | None
    status: str


async def arrivals(db: Db, invite_id: int) -> list[ArrivalRecord]:
    rows = await db.fetchall(
        "SELECT at, latitude, longitude, distance_m, status FROM callout_arrivals"
        " WHERE invite_id = ? ORDER BY id",
        (invite_id,),
    )
    return [ArrivalRecord(from_db(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


# -- reports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalloutStats:
    callouts: int
    active: int
    invited: int
    accepted: int
    arrived: int
    declined: int
    no_answer: int


async def stats(db: Db, *, include_drills: bool = False) -> CalloutStats:
    """Totals over every call-out; drills (latihan) stay out unless asked for."""
    drills = "" if include_drills else " WHERE c.drill = 0"
    row = await db.fetchone(
        "SELECT COUNT(*), COALESCE(SUM(c.status = 'active'), 0) FROM callouts c" + drills
    )
    invite_row = await db.fetchone(
        "SELECT COUNT(*), COALESCE(SUM(i.state = 'accepted'), 0),"
        " COALESCE(SUM(i.arrived_at IS NOT NULL), 0), COALESCE(SUM(i.state = 'declined'), 0),"
        " COALESCE(SUM(i.state = 'no_answer'), 0)"
        " FROM callout_invites i JOIN callouts c ON c.id = i.callout_id" + drills
    )
    assert row is not None
    assert invite_row is not None
    return CalloutStats(
        callouts=int(row[0]),
        active=int(row[1]),
        invited=int(invite_row[0]),
        accepted=int(invite_row[1]),
        arrived=int(invite_row[2]),
        declined=int(invite_row[3]),
        no_answer=int(invite_row[4]),
    )


async def deployed_on_drills(db: Db) -> set[int]:
    """People BERTUGAS only for a drill: real strength reports count them as available."""
    rows = await db.fetchall(
        "SELECT i.person_id FROM callout_invites i JOIN callouts c ON c.id = i.callout_id"
        " WHERE c.drill = 1 AND c.status = 'active' AND i.state = 'accepted'"
        " AND i.released_at IS NULL"
    )
    return {int(r[0]) for r in rows}
