"""Read-only queries behind status broadcasts, the strength report and the exports.

They read other features' tables (roster, readiness, roll calls, call-outs, the outbox's
unreachable list). Where those features offer a function it is used; the few queries of
their tables written here are kept together in this module, so a schema change there is an
edit here and nowhere else.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.apel import build_tally
from bot.domain.readiness import Readiness, State
from bot.domain.status import PersonState, StatusScope
from storage import apel, callouts
from storage.db import Database, Transaction
from storage.timestamps import from_db, to_db

Db = Database | Transaction


def _dt(value: str | None) -> datetime | None:
    return from_db(value) if value else None


def _scope_clause(scope: StatusScope, alias: str = "p") -> tuple[str, list[object]]:
    """SQL (and its parameters) for "in scope" over a personnel alias."""
    if scope.everything:
        return "1 = 1", []
    return (
        f"({alias}.unit IN (SELECT value FROM json_each(?))"
        f" OR {alias}.category_code IN (SELECT value FROM json_each(?)))",
        [json.dumps(sorted(scope.units)), json.dumps(sorted(scope.categories))],
    )


async def category_order(db: Db) -> list[str]:
    """Category codes in the order they were loaded (the seed's order)."""
    rows = await db.fetchall("SELECT code FROM categories ORDER BY rowid")
    return [str(r[0]) for r in rows]


async def units(db: Db) -> list[str]:
    rows = await db.fetchall("SELECT DISTINCT unit FROM personnel WHERE active = 1 ORDER BY unit")
    return [str(r[0]) for r in rows]


# -- the roster as the counts see it -----------------------------------------------------------

# Every query of a person's readiness here selects `p.id, {_READINESS}` first: `_readiness`
# reads those eight columns by position. /status reads 3,294 rows at a time, and looking
# columns up by name would cost more than building the row's objects.
_READINESS = (
    "r.state, r.reason, r.reason_text, r.until, r.confirmed_at, r.callout_id, r.last_deployed_at"
)
_UNREACHABLE = (
    "(p.telegram_user_id IN (SELECT chat_id FROM unreachable)"
    " OR p.id IN (SELECT person_id FROM unreachable WHERE person_id IS NOT NULL))"
)
# The stored text to the member, without the enum machinery of `State(text)`.
_STATES: dict[str, State] = {state.value: state for state in State}


def _readiness(row: sqlite3.Row, drills: set[int]) -> Readiness | None:
    """The readiness of a row that starts with `p.id, {_READINESS}` (None: never answered)."""
    stored, reason, reason_text, until, confirmed_at, callout_id, last_deployed_at = row[1:8]
    if stored is None:
        return None
    person_id = row[0]
    state = _STATES[stored]
    if state is State.BERTUGAS and person_id in drills:
        # Deployed on a drill only: real strength counts them as available.
        state, callout_id = State.SIAP, None
    return Readiness(
        person_id,
        state,
        reason,
        reason_text,
        from_db(until) if until else None,
        from_db(confirmed_at),
        callout_id,
        from_db(last_deployed_at) if last_deployed_at else None,
    )


async def counts_version(db: Db) -> int:
    """Changes with every change to what `people_states` and `category_order` read
    (triggers, migration 0011): equal versions, equal rows. Read it before the rows: a change
    in between then only makes the version look older than the rows, never newer."""
    row = await db.fetchone("SELECT version FROM status_version WHERE id = 1")
    return int(row[0]) if row else 0


async def people_states(db: Db, scope: StatusScope) -> list[PersonState]:
    """Everyone active in scope with their readiness and whether Telegram reaches them."""
    where, params = _scope_clause(scope)
    drills = await callouts.deployed_on_drills(db)
    rows = await db.fetchall(
        f"SELECT p.id, {_READINESS}, p.category_code, p.unit,"
        f" p.telegram_user_id IS NOT NULL, {_UNREACHABLE}"
        " FROM personnel p LEFT JOIN readiness r ON r.person_id = p.id"
        f" WHERE p.active = 1 AND {where} ORDER BY p.id",
        params,
    )
    people = []
    for row in rows:
        category, unit, linked, unreachable = row[8:]
        people.append(
            PersonState(category, unit, bool(linked), _readiness(row, drills), bool(unreachable))
        )
    return people


# -- live call-outs and open roll calls --------------------------------------------------------


@dataclass(frozen=True)
class LineFill:
    category: str
    quota: int
    accepted: int
    arrived: int
    units: tuple[str, ...] | None


@dataclass(frozen=True)
class LiveCallout:
    id: int
    location: str
    drill: bool
    chat_id: int
    created_at: datetime
    lines: tuple[LineFill, ...]

    @property
    def quota(self) -> int:
        return sum(line.quota for line in self.lines)

    @property
    def accepted(self) -> int:
        return sum(min(line.accepted, line.quota) for line in self.lines)

    @property
    def arrived(self) -> int:
        return sum(line.arrived for line in self.lines)

    @property
    def categories(self) -> str:
        return " + ".join(line.category for line in self.lines)


def _callout_in_scope(callout: LiveCallout, scope: StatusScope, chat_id: int | None) -> bool:
    if scope.everything or callout.chat_id == chat_id:
        return True
    for line in callout.lines:
        if line.category in scope.categories:
            return True
        if line.units is not None and set(line.units) & scope.units:
            return True
    return False


async def live_callouts(
    db: Db, scope: StatusScope, *, chat_id: int | None = None
) -> list[LiveCallout]:
    """Active call-outs touching the scope (or ordered in `chat_id`), oldest first."""
    found: list[LiveCallout] = []
    for callout in await callouts.active(db):
        tallies = await callouts.tallies(db, callout.id)
        lines = tuple(
            LineFill(
                line.category,
                line.quota,
                tallies[line.id].accepted if line.id in tallies else 0,
                tallies[line.id].arrived if line.id in tallies else 0,
                line.units,
            )
            for line in await callouts.lines(db, callout.id)
        )
        live = LiveCallout(
            callout.id, callout.location, callout.drill, callout.chat_id, callout.created_at, lines
        )
        if _callout_in_scope(live, scope, chat_id):
            found.append(live)
    return found


@dataclass(frozen=True)
class OpenRollCall:
    id: int
    kind: str  # 'apel' or 'cek'
    scope_label: str | None  # category code or unit; None for everyone
    title: str | None
    closes_at: datetime
    called: int
    yes: int
    no: int
    waiting: int


async def open_rollcalls(db: Db, scope: StatusScope) -> list[OpenRollCall]:
    found: list[OpenRollCall] = []
    for rollcall in await apel.open_rollcalls(db):
        kind, value = rollcall.scope.kind.value, rollcall.scope.value
        if not scope.everything and kind != "all":
            if kind == "category" and value not in scope.categories:
                continue
            if kind == "unit" and value not in scope.units:
                continue
        total = build_tally(await apel.tally_rows(db, rollcall.id)).total
        found.append(
            OpenRollCall(
                rollcall.id,
                rollcall.kind,
                value,
                rollcall.title,
                rollcall.closes_at,
                total.called,
                total.yes,
                total.no,
                total.no_answer,
            )
        )
    return found


# -- names for the commander (private) ---------------------------------------------------------


@dataclass(frozen=True)
class NamedState:
    person_id: int
    rank: str
    name: str
    unit: str
    category: str
    readiness: Readiness | None
    unreachable: bool

    @property
    def display_name(self) -> str:
        return f"{self.rank} {self.name}"


async def named_states(db: Db, scope: StatusScope, commander: StatusScope) -> list[NamedState]:
    """People in `scope` that `commander` covers too, by category, unit and name."""
    where, params = _scope_clause(scope)
    mine, mine_params = _scope_clause(commander)
    drills = await callouts.deployed_on_drills(db)
    rows = await db.fetchall(
        f"SELECT p.id, {_READINESS}, p.rank, p.name, p.unit, p.category_code,"
        f" {_UNREACHABLE} AS unr FROM personnel p LEFT JOIN readiness r ON r.person_id = p.id"
        f" WHERE p.active = 1 AND {where} AND {mine}"
        " ORDER BY p.category_code, p.unit, p.name, p.id",
        [*params, *mine_params],
    )
    return [
        NamedState(
            r["id"],
            r["rank"],
            r["name"],
            r["unit"],
            r["category_code"],
            _readiness(r, drills),
            bool(r["unr"]),
        )
        for r in rows
    ]


# -- exports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    """Who a row of an export is about: the columns every export starts with."""

    nrp: str
    rank: str
    name: str
    category: str
    unit: str
    phone: str


@dataclass(frozen=True)
class RosterEntry(PersonRow):
    role: str
    linked: bool
    readiness: Readiness | None
    unreachable: bool


async def roster_entries(db: Db, scope: StatusScope) -> list[RosterEntry]:
    where, params = _scope_clause(scope)
    drills = await callouts.deployed_on_drills(db)
    rows = await db.fetchall(
        f"SELECT p.id, {_READINESS}, p.nrp, p.rank, p.name, p.category_code, p.unit, p.phone,"
        f" p.role, p.telegram_user_id, {_UNREACHABLE} AS unr"
        " FROM personnel p LEFT JOIN readiness r ON r.person_id = p.id"
        f" WHERE p.active = 1 AND {where} ORDER BY p.category_code, p.unit, p.name, p.id",
        params,
    )
    return [
        RosterEntry(
            r["nrp"],
            r["rank"],
            r["name"],
            r["category_code"],
            r["unit"],
            r["phone"],
            r["role"],
            r["telegram_user_id"] is not None,
            _readiness(r, drills),
            bool(r["unr"]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class RollCallSummary:
    id: int
    kind: str
    scope_kind: str
    scope_value: str | None
    title: str | None
    opened_at: datetime
    state: str


async def recent_rollcalls(db: Db, scope: StatusScope, limit: int = 8) -> list[RollCallSummary]:
    rows = await db.fetchall(
        "SELECT id, kind, scope_kind, scope_value, title, opened_at, state FROM rollcalls"
        " ORDER BY id DESC LIMIT ?",
        (limit * 5,),
    )
    found = []
    for r in rows:
        kind, value = r["scope_kind"], r["scope_value"]
        if not scope.everything and not (
            (kind == "category" and value in scope.categories)
            or (kind == "unit" and value in scope.units)
        ):
            continue
        found.append(
            RollCallSummary(
                r["id"], r["kind"], kind, value, r["title"], from_db(r["opened_at"]), r["state"]
            )
        )
    return found[:limit]


async def rollcall_summary(db: Db, rollcall_id: int) -> RollCallSummary | None:
    rollcall = await apel.get(db, rollcall_id)
    if rollcall is None:
        return None
    return RollCallSummary(
        rollcall.id,
        rollcall.kind,
        rollcall.scope.kind.value,
        rollcall.scope.value,
        rollcall.title,
        rollcall.opened_at,
        rollcall.state,
    )


@dataclass(frozen=True)
class RollCallResult(PersonRow):
    """One person called (or not) by a roll call, with the classification of `storage.apel`."""

    status: str  # yes / no / belum_menjawab / tak_terjangkau / belum_terdaftar / nonaktif / …
    reason: str | None
    reason_text: str | None
    answered_at: datetime | None
    location_state: str | None
    distance_m: float | None


async def rollcall_results(db: Db, rollcall_id: int) -> list[RollCallResult]:
    rows = await apel.report_rows(db, rollcall_id)
    times = await db.fetchall(
        "SELECT person_id, answered_at FROM rollcall_targets WHERE rollcall_id = ?",
        (rollcall_id,),
    )
    answered = {int(r[0]): _dt(r[1]) for r in times}
    return [
        RollCallResult(
            r.nrp,
            r.rank,
            r.name,
            r.category,
            r.unit,
            r.phone,
            r.status,
            r.reason,
            r.reason_text,
            answered.get(r.person_id),
            r.location_state,
            r.distance_m,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class CalloutSummary:
    id: int
    location: str
    categories: str
    status: str
    drill: bool
    created_at: datetime


async def recent_callouts(db: Db, scope: StatusScope, limit: int = 8) -> list[CalloutSummary]:
    found: list[CalloutSummary] = []
    for callout in await callouts.recent(db, limit=limit * 5):
        lines = await callouts.lines(db, callout.id)
        codes = [line.category for line in lines]
        if not scope.everything and not (
            set(codes) & scope.categories
            or any(line.units and set(line.units) & scope.units for line in lines)
        ):
            continue
        found.append(_callout_summary(callout, codes))
    return found[:limit]


async def callout_summary(db: Db, callout_id: int) -> CalloutSummary | None:
    callout = await callouts.get(db, callout_id)
    if callout is None:
        return None
    codes = [line.category for line in await callouts.lines(db, callout.id)]
    return _callout_summary(callout, codes)


def _callout_summary(callout: callouts.Callout, codes: list[str]) -> CalloutSummary:
    return CalloutSummary(
        callout.id,
        callout.location,
        " + ".join(codes),
        callout.status.value,
        callout.drill,
        callout.created_at,
    )


@dataclass(frozen=True)
class CalloutResult(PersonRow):
    state: str  # the invite's state (pending, accepted, declined, …)
    invited_at: datetime
    answered_at: datetime | None
    arrived_at: datetime | None
    arrival_status: str | None
    decline_reason: str | None
    decline_text: str | None
    released_at: datetime | None


# Invite states of people who never answered (reminded, replaced, or Telegram refused).
NO_RESPONSE_STATES = ("pending", "timed_out", "no_answer", "unreachable")


async def callout_results(
    db: Db, callout_id: int, *, only_states: Iterable[str] | None = None
) -> list[CalloutResult]:
    clause = ""
    params: list[object] = [callout_id]
    if only_states is not None:
        clause = " AND i.state IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(only_states)))
    rows = await db.fetchall(
        "SELECT p.nrp, p.rank, p.name, l.category_code, p.unit, p.phone, i.state,"
        " i.invited_at, i.answered_at, i.arrived_at, i.arrival_status, i.decline_reason,"
        " i.decline_text, i.released_at"
        " FROM callout_invites i JOIN personnel p ON p.id = i.person_id"
        " JOIN callout_lines l ON l.id = i.line_id"
        f" WHERE i.callout_id = ?{clause} ORDER BY l.id, i.invited_at, i.id",
        params,
    )
    return [
        CalloutResult(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            from_db(r[7]),
            _dt(r[8]),
            _dt(r[9]),
            r[10],
            r[11],
            r[12],
            _dt(r[13]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    action: str
    actor_user_id: int | None
    actor_name: str | None
    subject: str | None
    details: str


async def audit_rows(db: Db, since: datetime, until: datetime) -> list[AuditRow]:
    """Audit entries in [since, until), with the acting person's name where known: the person
    recorded, else the one linked to the acting Telegram account."""
    rows = await db.fetchall(
        "SELECT a.at, a.action, a.actor_user_id, p.rank || ' ' || p.name, a.subject, a.details"
        " FROM audit_log a LEFT JOIN personnel p ON p.id = COALESCE(a.actor_person_id,"
        " (SELECT id FROM personnel WHERE telegram_user_id = a.actor_user_id))"
        " WHERE a.at >= ? AND a.at < ? ORDER BY a.id",
        (to_db(since), to_db(until)),
    )
    return [AuditRow(from_db(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows]
