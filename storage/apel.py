"""Roll calls (apel) and readiness checks: who was called, who answered what, and drafts.

A target row per person in scope is written when the roll call opens, so the tally and the
report count exactly who was called then, whatever happens to the roster afterwards.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.apel import (
    Answer,
    DraftState,
    LocationState,
    MessageKey,
    MessageKind,
    RollCallKind,
    Scope,
    ScopeKind,
    TallyRow,
)
from storage.db import Database, Transaction
from storage.timestamps import from_db, to_db

DB = Database | Transaction


@dataclass(frozen=True)
class AssemblyPoint:
    latitude: float
    longitude: float
    radius_m: int


@dataclass(frozen=True)
class RollCall:
    id: int
    kind: RollCallKind
    scope: Scope
    title: str | None
    opened_by_user: int
    opened_by_person: int | None
    opened_by_name: str
    card_chat_id: int
    language: str
    opened_at: datetime
    closes_at: datetime
    state: str
    closed_at: datetime | None
    point: AssemblyPoint | None
    batch_id: int | None
    manual_reminders: int
    last_manual_reminder_at: datetime | None
    place: str | None = None  # the assembly place by name ("Lapangan Mapolda")
    assembles_at: datetime | None = None  # the time of the apel itself (not the deadline)

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def accepts_answers(self, now: datetime) -> bool:
        """Open and before its deadline: the close may lag the deadline by a scheduler turn."""
        return self.is_open and now < self.closes_at

    @property
    def card_key(self) -> str:
        return str(MessageKey(self.id, MessageKind.CARD))

    def prompt_key(self, person_id: int) -> str:
        return prompt_key(self.id, person_id)


def prompt_key(rollcall_id: int, person_id: int) -> str:
    return str(MessageKey(rollcall_id, MessageKind.PROMPT, person_id))


@dataclass(frozen=True)
class Target:
    rollcall_id: int
    person_id: int
    chat_id: int | None
    category_code: str
    excluded: str | None
    answer: str | None
    reason: str | None
    reason_text: str | None
    answered_at: datetime | None
    revision: int
    location_state: str | None
    distance_m: float | None

    @property
    def called(self) -> bool:
        return self.excluded is None and self.chat_id is not None


@dataclass(frozen=True)
class NewTarget:
    person_id: int
    chat_id: int | None
    category_code: str
    excluded: str | None = None


@dataclass(frozen=True)
class ReportRow:
    """A target joined with the roster, classified for the report."""

    person_id: int
    category: str
    status: str  # belum_menjawab / tak_terjangkau / belum_terdaftar / nonaktif / yes / no
    rank: str
    name: str
    nrp: str
    unit: str
    phone: str
    reason: str | None
    reason_text: str | None
    location_state: str | None
    distance_m: float | None


@dataclass(frozen=True)
class Draft:
    id: int
    kind: RollCallKind
    user_id: int
    chat_id: int
    options: list[Scope]
    scope: Scope | None
    minutes: int | None
    title: str | None
    point: AssemblyPoint | None
    awaiting_location: bool
    state: DraftState
    rollcall_id: int | None
    created_at: datetime
    place: str | None = None
    assembles_at: datetime | None = None


_RC_COLUMNS = (
    "id, kind, scope_kind, scope_value, title, opened_by_user, opened_by_person,"
    " opened_by_name, card_chat_id, language, opened_at, closes_at, state, closed_at,"
    " point_lat, point_lon, radius_m, batch_id, manual_reminders, last_manual_reminder_at,"
    " place, assembles_at"
)
_T_COLUMNS = (
    "rollcall_id, person_id, chat_id, category_code, excluded, answer, reason, reason_text,"
    " answered_at, revision, location_state, distance_m"
)


def _point(lat: Any, lon: Any, radius: Any) -> AssemblyPoint | None:
    if lat is None or lon is None or radius is None:
        return None
    return AssemblyPoint(float(lat), float(lon), int(radius))


def _rollcall(row: sqlite3.Row) -> RollCall:
    return RollCall(
        id=row["id"],
        kind=RollCallKind(row["kind"]),
        scope=Scope(ScopeKind(row["scope_kind"]), row["scope_value"]),
        title=row["title"],
        opened_by_user=row["opened_by_user"],
        opened_by_person=row["opened_by_person"],
        opened_by_name=row["opened_by_name"],
        card_chat_id=row["card_chat_id"],
        language=row["language"],
        opened_at=from_db(row["opened_at"]),
        closes_at=from_db(row["closes_at"]),
        state=row["state"],
        closed_at=from_db(row["closed_at"]) if row["closed_at"] else None,
        point=_point(row["point_lat"], row["point_lon"], row["radius_m"]),
        batch_id=row["batch_id"],
        manual_reminders=row["manual_reminders"],
        last_manual_reminder_at=(
            from_db(row["last_manual_reminder_at"]) if row["last_manual_reminder_at"] else None
        ),
        place=row["place"],
        assembles_at=from_db(row["assembles_at"]) if row["assembles_at"] else None,
    )


def _target(row: sqlite3.Row) -> Target:
    return Target(
        rollcall_id=row["rollcall_id"],
        person_id=row["person_id"],
        chat_id=row["chat_id"],
        category_code=row["category_code"],
        excluded=row["excluded"],
        answer=row["answer"],
        reason=row["reason"],
        reason_text=row["reason_text"],
        answered_at=from_db(row["answered_at"]) if row["answered_at"] else None,
        revision=row["revision"],
        location_state=row["location_state"],
        distance_m=row["distance_m"],
    )


# -- roll calls ---------------------------------------------------------------------------


async def create(
    tx: Transaction,
    *,
    kind: RollCallKind,
    scope: Scope,
    title: str | None,
    opened_by_user: int,
    opened_by_person: int | None,
    opened_by_name: str,
    card_chat_id: int,
    language: str,
    opened_at: datetime,
    closes_at: datetime,
    point: AssemblyPoint | None = None,
    batch_id: int | None = None,
    place: str | None = None,
    assembles_at: datetime | None = None,
) -> int:
    return await tx.execute(
        "INSERT INTO rollcalls (kind, scope_kind, scope_value, title, opened_by_user,"
        " opened_by_person, opened_by_name, card_chat_id, language, opened_at, closes_at,"
        " point_lat, point_lon, radius_m, batch_id, place, assembles_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            scope.kind.value,
            scope.value,
            title,
            opened_by_user,
            opened_by_person,
            opened_by_name,
            card_chat_id,
            language,
            to_db(opened_at),
            to_db(closes_at),
            point.latitude if point else None,
            point.longitude if point else None,
            point.radius_m if point else None,
            batch_id,
            place,
            to_db(assembles_at) if assembles_at else None,
        ),
    )


async def set_batch(tx: Transaction, rollcall_id: int, batch_id: int) -> None:
    await tx.execute("UPDATE rollcalls SET batch_id = ? WHERE id = ?", (batch_id, rollcall_id))


async def add_targets(tx: Transaction, rollcall_id: int, targets: Iterable[NewTarget]) -> None:
    await tx.executemany(
        "INSERT OR IGNORE INTO rollcall_targets (rollcall_id, person_id, chat_id, category_code,"
        " excluded) VALUES (?, ?, ?, ?, ?)",
        ((rollcall_id, t.person_id, t.chat_id, t.category_code, t.excluded) for t in targets),
    )


async def get(db: DB, rollcall_id: int) -> RollCall | None:
    row = await db.fetchone(f"SELECT {_RC_COLUMNS} FROM rollcalls WHERE id = ?", (rollcall_id,))
    return _rollcall(row) if row else None


async def open_rollcalls(db: DB) -> list[RollCall]:
    rows = await db.fetchall(
        f"SELECT {_RC_COLUMNS} FROM rollcalls WHERE state = 'open' ORDER BY id"
    )
    return [_rollcall(r) for r in rows]


async def close(tx: Transaction, rollcall_id: int, now: datetime, closed_by: str) -> bool:
    """False when it was already closed: closing twice (button and deadline) is harmless."""
    changed = await tx.execute_rowcount(
        "UPDATE rollcalls SET state = 'closed', closed_at = ?, closed_by = ?"
        " WHERE id = ? AND state = 'open'",
        (to_db(now), closed_by, rollcall_id),
    )
    return changed > 0


async def extend(tx: Transaction, rollcall_id: int, closes_at: datetime) -> bool:
    changed = await tx.execute_rowcount(
        "UPDATE rollcalls SET closes_at = ? WHERE id = ? AND state = 'open'",
        (to_db(closes_at), rollcall_id),
    )
    return changed > 0


async def note_manual_reminder(tx: Transaction, rollcall_id: int, now: datetime) -> int:
    """Count an on-demand reminder; returns its sequence number (names its messages)."""
    await tx.execute(
        "UPDATE rollcalls SET manual_reminders = manual_reminders + 1,"
        " last_manual_reminder_at = ? WHERE id = ?",
        (to_db(now), rollcall_id),
    )
    row = await tx.fetchone("SELECT manual_reminders FROM rollcalls WHERE id = ?", (rollcall_id,))
    return int(row[0]) if row else 0


# -- targets and answers ------------------------------------------------------------------


async def target(db: DB, rollcall_id: int, person_id: int) -> Target | None:
    row = await db.fetchone(
        f"SELECT {_T_COLUMNS} FROM rollcall_targets WHERE rollcall_id = ? AND person_id = ?",
        (rollcall_id, person_id),
    )
    return _target(row) if row else None


async def called_targets(db: DB, rollcall_id: int) -> list[Target]:
    rows = await db.fetchall(
        f"SELECT {_T_COLUMNS} FROM rollcall_targets WHERE rollcall_id = ?"
        " AND excluded IS NULL AND chat_id IS NOT NULL ORDER BY person_id",
        (rollcall_id,),
    )
    return [_target(r) for r in rows]


@dataclass(frozen=True)
class AnswerWrite:
    """One person's answer to one roll call, as `record_answers` stores it."""

    rollcall_id: int
    person_id: int
    answer: Answer
    reason: str | None = None
    reason_text: str | None = None
    awaiting_location: bool = False


async def record_answer(
    tx: Transaction,
    rollcall_id: int,
    person_id: int,
    answer: Answer,
    now: datetime,
    *,
    reason: str | None = None,
    reason_text: str | None = None,
    awaiting_location: bool = False,
) -> Target | None:
    """Store the latest answer; None when it is the answer already stored (a double tap)."""
    write = AnswerWrite(rollcall_id, person_id, answer, reason, reason_text, awaiting_location)
    return (await record_answers(tx, [write], now))[0]


async def record_answers(
    tx: Transaction, writes: Sequence[AnswerWrite], now: datetime
) -> list[Target | None]:
    """`record_answer` for many people at once (one person once), with one statement of each
    kind for all of them: a burst of taps is written together. In the order given."""
    pairs = [(w.rollcall_id, w.person_id) for w in writes]
    current = await _targets_of(tx, pairs)
    changed: list[AnswerWrite] = []
    for write in writes:
        found = current.get((write.rollcall_id, write.person_id))
        if found is None or (
            found.answer == write.answer.value
            and found.reason == write.reason
            and (write.reason_text is None or found.reason_text == write.reason_text)
        ):
            continue
        changed.append(write)
    if not changed:
        return [None] * len(writes)
    at = to_db(now)
    await tx.executemany(
        "UPDATE rollcall_targets SET answer = ?, reason = ?, reason_text = ?, answered_at = ?,"
        " revision = revision + 1, location_state = ?, latitude = NULL, longitude = NULL,"
        " distance_m = NULL, located_at = NULL WHERE rollcall_id = ? AND person_id = ?",
        [
            (
                w.answer.value,
                w.reason,
                w.reason_text,
                at,
                LocationState.AWAITING.value
                if w.answer is Answer.YES and w.awaiting_location
                else None,
                w.rollcall_id,
                w.person_id,
            )
            for w in changed
        ],
    )
    await _log_many(
        tx,
        [
            (w.rollcall_id, w.person_id, at, w.answer.value, w.reason, w.reason_text)
            for w in changed
        ],
    )
    after = await _targets_of(tx, [(w.rollcall_id, w.person_id) for w in changed])
    recorded = {(w.rollcall_id, w.person_id) for w in changed}
    return [after.get(pair) if pair in recorded else None for pair in pairs]


async def _targets_of(db: DB, pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], Target]:
    """The target rows of these (roll call, person) pairs, read a roll call at a time."""
    people: dict[int, list[int]] = {}
    for rollcall_id, person_id in pairs:
        people.setdefault(rollcall_id, []).append(person_id)
    found: dict[tuple[int, int], Target] = {}
    for rollcall_id, ids in people.items():
        rows = await db.fetchall(
            f"SELECT {_T_COLUMNS} FROM rollcall_targets WHERE rollcall_id = ?"
            " AND person_id IN (SELECT value FROM json_each(?))",
            (rollcall_id, json.dumps(ids)),
        )
        for row in rows:
            found[(rollcall_id, row["person_id"])] = _target(row)
    return found


async def targets_of(db: DB, rollcall_id: int, person_ids: Sequence[int]) -> dict[int, Target]:
    """This roll call's target rows of these people, by person id."""
    found = await _targets_of(db, [(rollcall_id, p) for p in person_ids])
    return {person_id: t for (_, person_id), t in found.items()}


async def set_reason_text(
    tx: Transaction, rollcall_id: int, person_id: int, text: str, now: datetime
) -> bool:
    """The free text of a `lainnya` answer; False when the answer is no longer `lainnya`."""
    changed = await tx.execute_rowcount(
        "UPDATE rollcall_targets SET reason_text = ?, answered_at = ?"
        " WHERE rollcall_id = ? AND person_id = ? AND answer = 'no' AND reason = 'lainnya'",
        (text, to_db(now), rollcall_id, person_id),
    )
    if changed:
        await _log(tx, rollcall_id, person_id, now, Answer.NO.value, "lainnya", text)
    return changed > 0


async def set_location(
    tx: Transaction,
    rollcall_id: int,
    person_id: int,
    *,
    latitude: float,
    longitude: float,
    distance_m: float | None,
    state: LocationState,
    now: datetime,
) -> None:
    await tx.execute(
        "UPDATE rollcall_targets SET latitude = ?, longitude = ?, distance_m = ?,"
        " location_state = ?, located_at = ? WHERE rollcall_id = ? AND person_id = ?",
        (latitude, longitude, distance_m, state.value, to_db(now), rollcall_id, person_id),
    )
    await _log(
        tx,
        rollcall_id,
        person_id,
        now,
        Answer.YES.value,
        None,
        f"location:{state.value}:{round(distance_m) if distance_m is not None else '-'}",
    )


# An open readiness check that called the person (r: the roll call, t: their target row).
_CALLED_BY_CHECK = "r.kind = 'cek' AND t.excluded IS NULL AND t.chat_id IS NOT NULL"


async def open_checks_for(db: DB, person_id: int, now: datetime) -> list[RollCall]:
    """Open readiness checks that called this person: a readiness change answers them too."""
    return await _open_with_target(db, person_id, now, _CALLED_BY_CHECK, "r.id")


async def called_by_open_checks(db: DB, person_ids: Sequence[int], now: datetime) -> set[int]:
    """Which of these people an open readiness check has called (`open_checks_for` of many)."""
    rows = await db.fetchall(
        "SELECT DISTINCT t.person_id FROM rollcalls r JOIN rollcall_targets t"
        " ON t.rollcall_id = r.id WHERE r.state = 'open' AND r.closes_at > ?"
        f" AND {_CALLED_BY_CHECK} AND t.person_id IN (SELECT value FROM json_each(?))",
        (to_db(now), json.dumps(list(person_ids))),
    )
    return {int(r[0]) for r in rows}


async def present_in_open(db: DB, person_id: int, now: datetime) -> list[RollCall]:
    """Open roll calls where this person answered YES: a location they share is for these."""
    return await _open_with_target(
        db,
        person_id,
        now,
        "t.answer = 'yes' AND r.kind = 'apel'",
        "t.location_state = 'awaiting' DESC, r.id DESC",
    )


async def _open_with_target(
    db: DB, person_id: int, now: datetime, condition: str, order: str
) -> list[RollCall]:
    """Roll calls still open at `now` with a target row `t` for this person, where
    `condition` holds (on `r` and `t`), in `order`."""
    rows = await db.fetchall(
        f"SELECT {', '.join('r.' + c.strip() for c in _RC_COLUMNS.split(','))}"
        " FROM rollcalls r JOIN rollcall_targets t ON t.rollcall_id = r.id"
        f" WHERE t.person_id = ? AND r.state = 'open' AND r.closes_at > ? AND {condition}"
        f" ORDER BY {order}",
        (person_id, to_db(now)),
    )
    return [_rollcall(r) for r in rows]


async def _log(
    tx: Transaction,
    rollcall_id: int,
    person_id: int,
    now: datetime,
    answer: str | None,
    reason: str | None,
    detail: str | None,
) -> None:
    await _log_many(tx, [(rollcall_id, person_id, to_db(now), answer, reason, detail)])


async def _log_many(
    tx: Transaction, rows: Sequence[tuple[int, int, str, str | None, str | None, str | None]]
) -> None:
    await tx.executemany(
        "INSERT INTO rollcall_answer_log (rollcall_id, person_id, at, answer, reason, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


async def answer_log(db: DB, rollcall_id: int) -> list[tuple[int, str | None, str | None]]:
    rows = await db.fetchall(
        "SELECT person_id, answer, reason FROM rollcall_answer_log WHERE rollcall_id = ?"
        " ORDER BY id",
        (rollcall_id,),
    )
    return [(int(r[0]), r[1], r[2]) for r in rows]


# -- counting -----------------------------------------------------------------------------

# A called person is unreachable when Telegram refused them (the delivery engine's table) or
# their prompt failed for good or was withdrawn unsent at close; an answer always wins.
_UNREACHABLE = (
    "(t.answer IS NULL AND (EXISTS (SELECT 1 FROM unreachable u WHERE u.chat_id = t.chat_id)"
    " OR EXISTS (SELECT 1 FROM outbox o WHERE o.dedup_key ="
    " 'ap:' || t.rollcall_id || ':p:' || t.person_id AND o.state IN ('failed', 'cancelled'))))"
)
# Reminding someone whose prompt is still queued would overtake the prompt itself.
_PROMPT_QUEUED = (
    "EXISTS (SELECT 1 FROM outbox o WHERE o.dedup_key ="
    " 'ap:' || t.rollcall_id || ':p:' || t.person_id AND o.state = 'pending')"
)


async def tally_rows(db: DB, rollcall_id: int) -> list[TallyRow]:
    """Called, still active people, grouped for `bot.domain.apel.build_tally`."""
    rows = await db.fetchall(
        f"SELECT t.category_code, t.answer, t.reason, t.location_state, {_UNREACHABLE} AS unr,"
        " COUNT(*) FROM rollcall_targets t JOIN personnel p ON p.id = t.person_id"
        " WHERE t.rollcall_id = ? AND t.excluded IS NULL AND t.chat_id IS NOT NULL"
        " AND p.active = 1"
        " GROUP BY t.category_code, t.answer, t.reason, t.location_state, unr",
        (rollcall_id,),
    )
    return [
        TallyRow(
            category=r[0],
            answer=r[1],
            reason=r[2],
            location_state=r[3],
            unreachable=bool(r[4]),
            count=int(r[5]),
        )
        for r in rows
    ]


async def excluded_counts(db: DB, rollcall_id: int) -> dict[str, int]:
    """Not called (unlinked, deployed) and deactivated since the open, by kind."""
    rows = await db.fetchall(
        "SELECT CASE WHEN t.excluded IS NOT NULL THEN t.excluded"
        " WHEN t.chat_id IS NULL THEN 'unlinked' ELSE 'nonaktif' END AS k, COUNT(*)"
        " FROM rollcall_targets t JOIN personnel p ON p.id = t.person_id"
        " WHERE t.rollcall_id = ? AND (t.excluded IS NOT NULL OR t.chat_id IS NULL"
        " OR p.active = 0) GROUP BY k",
        (rollcall_id,),
    )
    return {str(r[0]): int(r[1]) for r in rows}


async def unanswered_chats(db: DB, rollcall_id: int) -> list[tuple[int, int]]:
    """(person_id, chat_id) of called, active, reachable people who have not answered."""
    rows = await db.fetchall(
        "SELECT t.person_id, t.chat_id FROM rollcall_targets t"
        " JOIN personnel p ON p.id = t.person_id"
        " WHERE t.rollcall_id = ? AND t.excluded IS NULL AND t.chat_id IS NOT NULL"
        f" AND p.active = 1 AND t.answer IS NULL AND NOT {_UNREACHABLE}"
        f" AND NOT {_PROMPT_QUEUED} ORDER BY t.person_id",
        (rollcall_id,),
    )
    return [(int(r[0]), int(r[1])) for r in rows]


async def report_rows(db: DB, rollcall_id: int) -> list[ReportRow]:
    """Everyone targeted, classified; ordered by category, then unit, rank and name."""
    rows = await db.fetchall(
        "SELECT t.person_id, t.category_code, t.answer, t.reason, t.reason_text,"
        " t.location_state, t.distance_m, t.excluded, t.chat_id,"
        f" {_UNREACHABLE} AS unr, p.active, p.rank, p.name, p.nrp, p.unit, p.phone"
        " FROM rollcall_targets t JOIN personnel p ON p.id = t.person_id"
        " WHERE t.rollcall_id = ? ORDER BY t.category_code, p.unit, p.name, p.id",
        (rollcall_id,),
    )
    result: list[ReportRow] = []
    for r in rows:
        if r["excluded"] == "bertugas":
            status = "bertugas"
        elif r["excluded"] == "unlinked" or r["chat_id"] is None:
            status = "belum_terdaftar"
        elif not r["active"]:
            status = "nonaktif"
        elif r["answer"] is not None:
            status = str(r["answer"])
        elif r["unr"]:
            status = "tak_terjangkau"
        else:
            status = "belum_menjawab"
        result.append(
            ReportRow(
                person_id=r["person_id"],
                category=r["category_code"],
                status=status,
                rank=r["rank"],
                name=r["name"],
                nrp=r["nrp"],
                unit=r["unit"],
                phone=r["phone"],
                reason=r["reason"],
                reason_text=r["reason_text"],
                location_state=r["location_state"],
                distance_m=r["distance_m"],
            )
        )
    return result


async def pending_person_messages(db: DB, rollcall_id: int) -> list[str]:
    """Prompts, reminders and location requests still queued: withdrawn at close, since a
    question about a closed roll call is noise."""
    keys: list[str] = []
    for kind in (MessageKind.PROMPT, MessageKind.REMINDER, MessageKind.LOCATION):
        low = MessageKey.prefix(rollcall_id, kind)
        # ';' follows ':' in ASCII: a key range the unique index on dedup_key answers.
        high = low[:-1] + ";"
        rows = await db.fetchall(
            "SELECT dedup_key FROM outbox WHERE dedup_key >= ? AND dedup_key < ?"
            " AND state = 'pending' AND kind = 'send'",
            (low, high),
        )
        keys.extend(str(r[0]) for r in rows)
    return keys


async def languages_of(db: DB, user_ids: Sequence[int], default: str) -> dict[int, str]:
    """Each account's language in one query per 500 (rendering thousands of prompts)."""
    found: dict[int, str] = {}
    ids = list(user_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = await db.fetchall(
            "SELECT telegram_user_id, language FROM telegram_users"
            f" WHERE telegram_user_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        found.update({int(r[0]): str(r[1]) for r in rows if r[1]})
    return {uid: found.get(uid, default) for uid in ids}


async def known_categories(db: DB) -> list[str]:
    """Category codes from the categories table (data, not code: another Polda has others)."""
    rows = await db.fetchall("SELECT code FROM categories ORDER BY code")
    return [str(r[0]) for r in rows]


# -- drafts -------------------------------------------------------------------------------

_D_COLUMNS = (
    "id, kind, user_id, chat_id, options, scope_kind, scope_value, minutes, title, point_lat,"
    " point_lon, radius_m, awaiting_location, state, rollcall_id, created_at, place, assembles_at"
)


def _draft(row: sqlite3.Row) -> Draft:
    options = [Scope(ScopeKind(kind), value) for kind, value in json.loads(row["options"] or "[]")]
    scope = Scope(ScopeKind(row["scope_kind"]), row["scope_value"]) if row["scope_kind"] else None
    return Draft(
        id=row["id"],
        kind=RollCallKind(row["kind"]),
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        options=options,
        scope=scope,
        minutes=row["minutes"],
        title=row["title"],
        point=_point(row["point_lat"], row["point_lon"], row["radius_m"]),
        awaiting_location=bool(row["awaiting_location"]),
        state=DraftState(row["state"]),
        rollcall_id=row["rollcall_id"],
        created_at=from_db(row["created_at"]),
        place=row["place"],
        assembles_at=from_db(row["assembles_at"]) if row["assembles_at"] else None,
    )


async def create_draft(
    tx: Transaction,
    *,
    kind: RollCallKind,
    user_id: int,
    chat_id: int,
    options: Sequence[Scope],
    scope: Scope | None,
    minutes: int | None,
    title: str | None,
    now: datetime,
    place: str | None = None,
    assembles_at: datetime | None = None,
) -> int:
    return await tx.execute(
        "INSERT INTO rollcall_drafts (kind, user_id, chat_id, options, scope_kind, scope_value,"
        " minutes, title, created_at, place, assembles_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            user_id,
            chat_id,
            json.dumps([[o.kind.value, o.value] for o in options], ensure_ascii=False),
            scope.kind.value if scope else None,
            scope.value if scope else None,
            minutes,
            title,
            to_db(now),
            place,
            to_db(assembles_at) if assembles_at else None,
        ),
    )


async def get_draft(db: DB, draft_id: int) -> Draft | None:
    row = await db.fetchone(f"SELECT {_D_COLUMNS} FROM rollcall_drafts WHERE id = ?", (draft_id,))
    return _draft(row) if row else None


async def update_draft(
    tx: Transaction,
    draft_id: int,
    *,
    scope: Scope | None = None,
    minutes: int | None = None,
    title: str | None = None,
    point: AssemblyPoint | None = None,
    awaiting_location: bool | None = None,
    state: DraftState | None = None,
    rollcall_id: int | None = None,
    place: str | None = None,
    assembles_at: datetime | None = None,
) -> None:
    """Set the given fields; the others keep their value."""
    sets: list[str] = []
    params: list[Any] = []
    if scope is not None:
        sets += ["scope_kind = ?", "scope_value = ?"]
        params += [scope.kind.value, scope.value]
    if minutes is not None:
        sets.append("minutes = ?")
        params.append(minutes)
    if title is not None:
        sets.append("title = ?")
        params.append(title)
    if point is not None:
        sets += ["point_lat = ?", "point_lon = ?", "radius_m = ?"]
        params += [point.latitude, point.longitude, point.radius_m]
    if awaiting_location is not None:
        sets.append("awaiting_location = ?")
        params.append(int(awaiting_location))
    if state is not None:
        sets.append("state = ?")
        params.append(state.value)
    if rollcall_id is not None:
        sets.append("rollcall_id = ?")
        params.append(rollcall_id)
    if place is not None:
        sets.append("place = ?")
        params.append(place)
    if assembles_at is not None:
        sets.append("assembles_at = ?")
        params.append(to_db(assembles_at))
    if not sets:
        return
    await tx.execute(
        f"UPDATE rollcall_drafts SET {', '.join(sets)} WHERE id = ?", [*params, draft_id]
    )


async def set_draft_location(
    tx: Transaction, draft_id: int, latitude: float, longitude: float
) -> None:
    """The point is known, the radius not yet: keep the coordinates, ask the radius next."""
    await tx.execute(
        "UPDATE rollcall_drafts SET point_lat = ?, point_lon = ?, radius_m = NULL,"
        " awaiting_location = 0 WHERE id = ?",
        (latitude, longitude, draft_id),
    )


async def draft_coordinates(db: DB, draft_id: int) -> tuple[float, float] | None:
    row = await db.fetchone(
        "SELECT point_lat, point_lon FROM rollcall_drafts WHERE id = ?", (draft_id,)
    )
    if row is None or row[0] is None or row[1] is None:
        return None
    return float(row[0]), float(row[1])


async def draft_awaiting_location(db: DB, user_id: int) -> Draft | None:
    row = await db.fetchone(
        f"SELECT {_D_COLUMNS} FROM rollcall_drafts WHERE user_id = ? AND awaiting_location = 1"
        " AND state = 'draft' ORDER BY id DESC LIMIT 1",
        (user_id,),
    )
    return _draft(row) if row else None
