"""The roster: people, their Telegram links, roles and command scopes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, Transaction
from storage.timestamps import to_db

ROLES = ("anggota", "komandan", "admin")


@dataclass(frozen=True)
class Person:
    id: int
    nrp: str
    name: str
    rank: str
    category_code: str
    unit: str
    phone: str
    role: str
    active: bool
    telegram_user_id: int | None
    position: str | None = None  # jabatan, e.g. "Dansat Brimob" (the roster's optional column)

    @property
    def display_name(self) -> str:
        """How the service writes a person: `Bripda Andi Saputra`."""
        return f"{self.rank} {self.name}"


@dataclass(frozen=True)
class CommandScope:
    """A commander's reach: people of these units and/or these categories."""

    units: frozenset[str]
    categories: frozenset[str]

    @property
    def empty(self) -> bool:
        return not self.units and not self.categories

    def covers(self, person: Person) -> bool:
        return person.unit in self.units or person.category_code in self.categories


_COLUMNS = (
    "id, nrp, name, rank, category_code, unit, phone, role, active, telegram_user_id, position"
)


def _person(row: sqlite3.Row) -> Person:
    return Person(
        id=row["id"],
        nrp=row["nrp"],
        name=row["name"],
        rank=row["rank"],
        category_code=row["category_code"],
        unit=row["unit"],
        phone=row["phone"],
        role=row["role"],
        active=bool(row["active"]),
        telegram_user_id=row["telegram_user_id"],
        position=row["position"],
    )


async def by_id(db: Database | Transaction, person_id: int) -> Person | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM personnel WHERE id = ?", (person_id,))
    return _person(row) if row else None


async def by_nrp(db: Database | Transaction, nrp: str) -> Person | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM personnel WHERE nrp = ?", (nrp,))
    return _person(row) if row else None


@dataclass(frozen=True)
class Sender:
    """The person behind a Telegram account, as the gate reads them for every update."""

    person: Person
    # Delivery marked their private chat unreachable (storage.outbox): an update from them
    # in private proves it works again. Read with the person so that the check costs
    # everyone else no statement of its own.
    unreachable: bool


_SENDER_COLUMNS = (
    f"{_COLUMNS}, EXISTS (SELECT 1 FROM unreachable u"
    " WHERE u.chat_id = personnel.telegram_user_id) AS unreachable"
)


def _sender(row: sqlite3.Row) -> Sender:
    return Sender(_person(row), bool(row["unreachable"]))


async def sender(db: Database | Transaction, telegram_user_id: int) -> Sender | None:
    row = await db.fetchone(
        f"SELECT {_SENDER_COLUMNS} FROM personnel WHERE telegram_user_id = ?",
        (telegram_user_id,),
    )
    return _sender(row) if row else None


async def by_telegram_user(db: Database | Transaction, telegram_user_id: int) -> Person | None:
    found = await sender(db, telegram_user_id)
    return found.person if found else None


async def active_senders(
    db: Database | Transaction, telegram_user_ids: Sequence[int]
) -> dict[int, Sender]:
    """The active people linked to these accounts, by account id, each with whether delivery
    marked their private chat unreachable (one statement for a whole burst of taps)."""
    rows = await db.fetchall(
        f"SELECT {_SENDER_COLUMNS} FROM personnel WHERE active = 1"
        " AND telegram_user_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(telegram_user_ids)),),
    )
    return {int(r["telegram_user_id"]): _sender(r) for r in rows}


async def active_by_phone(db: Database | Transaction, phone: str) -> list[Person]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM personnel WHERE phone = ? AND active = 1", (phone,)
    )
    return [_person(r) for r in rows]


async def active_in(
    db: Database | Transaction,
    *,
    categories: Sequence[str] = (),
    units: Sequence[str] = (),
    linked_only: bool = False,
) -> list[Person]:
    """Active people of any of these categories or units (everyone when both are empty)."""
    clauses: list[str] = []
    params: list[str] = []
    if categories:
        clauses.append(f"category_code IN ({','.join('?' * len(categories))})")
        params.extend(categories)
    if units:
        clauses.append(f"unit IN ({','.join('?' * len(units))})")
        params.extend(units)
    where = "active = 1"
    if clauses:
        where += " AND (" + " OR ".join(clauses) + ")"
    if linked_only:
        where += " AND telegram_user_id IS NOT NULL"
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM personnel WHERE {where} ORDER BY id", params)
    return [_person(r) for r in rows]


async def units(db: Database | Transaction) -> list[str]:
    rows = await db.fetchall("SELECT DISTINCT unit FROM personnel WHERE active = 1 ORDER BY unit")
    return [str(r[0]) for r in rows]


async def link(tx: Transaction, person_id: int, telegram_user_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE personnel SET telegram_user_id = ?, linked_at = ?, updated_at = ? WHERE id = ?",
        (telegram_user_id, to_db(now), to_db(now), person_id),
    )


async def unlink(tx: Transaction, person_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE personnel SET telegram_user_id = NULL, linked_at = NULL, updated_at = ?"
        " WHERE id = ?",
        (to_db(now), person_id),
    )


async def set_role(tx: Transaction, person_id: int, role: str, now: datetime) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    await tx.execute(
        "UPDATE personnel SET role = ?, updated_at = ? WHERE id = ?", (role, to_db(now), person_id)
    )


async def command_scope(db: Database | Transaction, person_id: int) -> CommandScope:
    rows = await db.fetchall(
        "SELECT kind, value FROM commander_scopes WHERE person_id = ?", (person_id,)
    )
    return CommandScope(
        units=frozenset(r["value"] for r in rows if r["kind"] == "unit"),
        categories=frozenset(r["value"] for r in rows if r["kind"] == "category"),
    )


async def add_scope(tx: Transaction, person_id: int, kind: str, value: str) -> None:
    await tx.execute(
        "INSERT OR IGNORE INTO commander_scopes (person_id, kind, value) VALUES (?, ?, ?)",
        (person_id, kind, value),
    )


async def clear_scopes(tx: Transaction, person_id: int) -> None:
    await tx.execute("DELETE FROM commander_scopes WHERE person_id = ?", (person_id,))


async def commanders_covering(db: Database | Transaction, person: Person) -> list[Person]:
    """Active, linked commanders whose scope covers this person (their unit or category)."""
    rows = await db.fetchall(
        f"SELECT DISTINCT {', '.join('p.' + c.strip() for c in _COLUMNS.split(','))}"
        " FROM personnel p JOIN commander_scopes s ON s.person_id = p.id"
        " WHERE p.active = 1 AND p.role IN ('komandan', 'admin')"
        " AND ((s.kind = 'unit' AND s.value = ?) OR (s.kind = 'category' AND s.value = ?))",
        (person.unit, person.category_code),
    )
    return [_person(r) for r in rows]


async def admins(db: Database | Transaction) -> list[Person]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM personnel WHERE role = 'admin' AND active = 1 ORDER BY id"
    )
    return [_person(r) for r in rows]


async def linked_commanders(db: Database | Transaction) -> list[Person]:
    """Active, linked commanders and admins: each gets a chat-scoped command menu."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM personnel WHERE active = 1 AND telegram_user_id IS NOT NULL"
        " AND role IN ('komandan', 'admin') ORDER BY id"
    )
    return [_person(r) for r in rows]
