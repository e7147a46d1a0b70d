"""Drive the real `Application` (real HTTPXRequest, real JSON) against the fake Bot API."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import build_application, services_of
from bot.clock import FakeClock
from bot.config import Settings
from bot.domain.apel import RollCallKind, Scope
from bot.domain.callout import Order, OrderLine
from bot.domain.roster import RosterRow
from bot.domain.status import StatusScope
from bot.rehearsal.fake_telegram import FakeTelegram
from bot.runner import start_app, stop_app
from bot.services import Services, SiagaApp
from examples import CATEGORIES
from storage import apel, callouts, groups, personnel
from storage.apel import NewTarget
from storage.categories import import_categories
from storage.db import Database, Transaction
from storage.personnel import Person
from storage.roster import import_roster

TOKEN = "123456789:AAEtestTokenForSiagaEndToEndTests_x"
EXAMPLE_CATEGORIES = CATEGORIES.read_bytes()
# Delivery limits high enough that no test waits on pacing (add what a test needs more).
FAST_DELIVERY: dict[str, Any] = {
    "rate_overall_per_s": 1000,
    "rate_private_per_s": 100,
    "private_burst": 100,
    "rate_group_per_min": 1000,
    "edit_interval_s": 0,
}


@dataclass
class Member:
    """A roster row the tests refer to by name."""

    nrp: str
    name: str
    rank: str
    category: str
    unit: str
    phone: str
    role: str = "anggota"
    user_id: int = 0


# The Satbrimob squad of the apel, readiness and command-group tests.
COMMANDER_ID = 2001
KOMANDAN = Member(
    "75020345",
    "Hendra Wijaya",
    "AKBP",
    "BRIMOB",
    "Satbrimob",
    "081200000001",
    "komandan",
    COMMANDER_ID,
)


def brimob(i: int, *, linked: bool = True) -> Member:
    return Member(
        f"8705{i:04d}",
        f"Anggota Brimob {i}",
        "Bripda",
        "BRIMOB",
        "Satbrimob",
        f"0812100{i:05d}",
        user_id=1000 + i if linked else 0,
    )


def poh(i: int) -> Member:
    return Member(
        f"8801{i:04d}",
        f"Anggota Poh {i}",
        "Briptu",
        "POH",
        "Polresta Pontianak",
        f"0812200{i:05d}",
        user_id=1500 + i,
    )


def roster_rows(members: Sequence[Member]) -> list[RosterRow]:
    """The roster file's rows for these members (line numbers as in a file with a header)."""
    return [
        RosterRow(
            line=i + 2,
            nrp=m.nrp,
            name=m.name,
            rank=m.rank,
            category=m.category,
            unit=m.unit,
            phone=m.phone,
            role=m.role,
        )
        for i, m in enumerate(members)
    ]


async def person_of(db: Database | Transaction, member: Member) -> Person:
    person = await personnel.by_nrp(db, member.nrp)
    assert person is not None, f"{member.nrp} is not on the roster"
    return person


async def register_brimob_posko(
    tx: Transaction, chat_id: int, *, by_user: int, by_person: int, now: datetime
) -> None:
    """A group registered as the BRIMOB posko by its commander, as `/posko BRIMOB` does."""
    await groups.register(
        tx,
        chat_id=chat_id,
        title="Posko Brimob",
        scope=StatusScope(categories=frozenset({"BRIMOB"})),
        language="id",
        by_user=by_user,
        by_person=by_person,
        now=now,
    )


async def open_apel(
    tx: Transaction,
    scope: Scope,
    targets: Sequence[NewTarget],
    now: datetime,
    *,
    by_user: int,
    by_name: str,
    by_person: int | None = None,
) -> int:
    """A 30-minute apel over `targets`, opened directly in the database by `by_user` (its
    card in their private chat)."""
    rollcall_id = await apel.create(
        tx,
        kind=RollCallKind.APEL,
        scope=scope,
        title=None,
        opened_by_user=by_user,
        opened_by_person=by_person,
        opened_by_name=by_name,
        card_chat_id=by_user,
        language="id",
        opened_at=now,
        closes_at=now + timedelta(minutes=30),
    )
    await apel.add_targets(tx, rollcall_id, targets)
    return rollcall_id


async def open_callout(
    tx: Transaction,
    category: str,
    quota: int,
    location: str,
    now: datetime,
    *,
    by_user: int,
    by_name: str,
    by_person: int | None = None,
) -> tuple[int, int]:
    """A call-out for `quota` of `category`, created directly in the database by `by_user`
    in their private chat (nobody invited yet): its id and its one line's id."""
    callout_id = await callouts.create(
        tx,
        draft_id=None,
        order=Order((OrderLine(category, quota),), location),
        radius_m=None,
        ordered_by_user_id=by_user,
        ordered_by_person_id=by_person,
        ordered_by_name=by_name,
        chat_id=by_user,
        chat_is_group=False,
        language="id",
        invite_timeout=timedelta(minutes=5),
        now=now,
    )
    return callout_id, await callouts.add_line(tx, callout_id, category, quota)


@dataclass
class BotHarness:
    fake: FakeTelegram
    clock: FakeClock
    db_path: Path
    settings_overrides: dict[str, Any] = field(default_factory=dict)
    app: SiagaApp | None = None

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bot_token": TOKEN,
            "db_path": self.db_path,
            "api_base_url": f"{self.fake.base_url}/bot",
            "api_file_url": f"{self.fake.base_url}/file/bot",
            "admin_ids": [],
            **self.settings_overrides,
            **overrides,
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    async def start(self, **overrides: Any) -> SiagaApp:
        self.settings_overrides.update(overrides)
        self.app = build_application(self.settings(), clock=self.clock)
        await start_app(self.app, poll_timeout=1)
        return self.app

    async def stop(self) -> None:
        if self.app is not None:
            await stop_app(self.app)
            self.app = None

    async def restart(self) -> SiagaApp:
        await self.stop()
        return await self.start()

    @property
    def services(self) -> Services:
        assert self.app is not None, "start the bot first"
        return services_of(self.app)

    @property
    def db(self) -> Database:
        return self.services.db

    async def seed(self, members: Sequence[Member]) -> None:
        """Categories from the shipped example, then these people, before the bot starts."""
        db = await Database.open(self.db_path)
        try:
            await import_categories(db, EXAMPLE_CATEGORIES, self.clock.now())
            await import_roster(db, roster_rows(members), self.clock.now())
        finally:
            await db.close()

    async def seed_linked(self, members: Sequence[Member]) -> None:
        """`seed`, then link everyone with a user id directly: registration has its own tests
        (and the contact handshake would take minutes for hundreds of people)."""
        await self.seed(members)
        now = self.clock.now()
        async with self.offline() as tx:
            for member in members:
                if member.user_id:
                    person = await person_of(tx, member)
                    await personnel.link(tx, person.id, member.user_id, now)

    @asynccontextmanager
    async def offline(self) -> AsyncIterator[Transaction]:
        """One transaction on the database while the bot is not running: for setting up
        readiness, roles and scopes directly."""
        db = await Database.open(self.db_path)
        try:
            async with db.transaction() as tx:
                yield tx
        finally:
            await db.close()


# Purely technical tables: the update inbox (a row per update until it is processed) and the
# runtime's own offsets. Every update passes through them; they say nothing about what the bot
# decided.
TECHNICAL_TABLES = frozenset({"inbox", "runtime_state"})


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every committed row of every table but the technical ones, in a stable order.

    Read through a connection of its own (WAL lets it read beside the bot's writer): a few
    dozen tables in one go, instead of a thread hop per statement on the bot's connection.
    """
    with contextlib.closing(sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)) as conn:
        tables = [
            str(name)
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if str(name) not in TECHNICAL_TABLES
        ]
        return {
            table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
