"""The dependencies handlers use, built once in the composition root (`bot.app`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Catalog
from bot.reports.charts import ChartWorker, shared_worker
from bot.transport.taps import TapLane
from storage.db import Database, Effects, Transaction
from storage.personnel import CommandScope, Person

if TYPE_CHECKING:
    from bot.delivery.drainer import Delivery
    from bot.scheduler import Scheduler


T = TypeVar("T")


@dataclass(frozen=True)
class PartKey(Generic[T]):
    """Names one part a feature keeps for the application's lifetime; the part's type travels
    with its name, so `services.extras[key]` is typed where it is read."""

    name: str


class Parts:
    """The parts features build for one application (a flood gate, a card refresher, the
    webhook receiver, routing tables), typed by their `PartKey`. Per application, never
    process-global: two applications in one process (tests, the simulator) share nothing."""

    def __init__(self) -> None:
        self._parts: dict[str, object] = {}

    def get(self, key: PartKey[T]) -> T | None:
        return cast("T | None", self._parts.get(key.name))

    def __getitem__(self, key: PartKey[T]) -> T:
        return cast("T", self._parts[key.name])

    def __setitem__(self, key: PartKey[T], part: T) -> None:
        self._parts[key.name] = part

    def pop(self, key: PartKey[T]) -> T | None:
        return cast("T | None", self._parts.pop(key.name, None))

    def setdefault(self, key: PartKey[T], part: T) -> T:
        return cast("T", self._parts.setdefault(key.name, part))


@dataclass
class Services:
    settings: Settings
    clock: Clock
    catalog: Catalog
    _db: Database | None = None
    _delivery: Delivery | None = None
    _scheduler: Scheduler | None = None
    # Features route the buttons they answer a batch at a time here (bot/transport/taps.py).
    taps: TapLane = field(default_factory=TapLane)
    extras: Parts = field(default_factory=Parts)
    # Charts are drawn in a worker process (bot/reports/charts.py), one for the whole process.
    charts: ChartWorker = field(default_factory=shared_worker)

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("the database is opened in post_init; it is not open yet")
        return self._db

    @property
    def delivery(self) -> Delivery:
        if self._delivery is None:
            raise RuntimeError("delivery starts in post_init; it is not running yet")
        return self._delivery

    def after_commit(self, effects: Effects) -> None:
        """Told by the database after every commit that queued messages or armed deadlines
        (`storage.db.Effects`): they go out, or fire, now rather than at the next poll."""
        if effects.enqueued and self._delivery is not None:
            self._delivery.wake()
        if effects.scheduled and self._scheduler is not None:
            self._scheduler.wake()

    async def stale_after(self, db: Database | Transaction | None = None) -> timedelta:
        """How long SIAP stays fresh now: shorter in jam rawan (its windows or the switch)."""
        from storage.groups import current_stale_after

        return await current_stale_after(db or self.db, self.settings, self.clock.now())

    @property
    def scheduler(self) -> Scheduler:
        if self._scheduler is None:
            raise RuntimeError("the scheduler is built with the application")
        return self._scheduler


@dataclass(frozen=True)
class Actor:
    """Who is asking, resolved once per update by the gate (`handlers.gate`)."""

    user_id: int
    language: str
    person: Person | None
    is_admin: bool
    scope: CommandScope

    @property
    def is_linked(self) -> bool:
        return self.person is not None

    @property
    def is_commander(self) -> bool:
        return self.is_admin or (self.person is not None and self.person.role == "komandan")

    @property
    def role(self) -> str:
        if self.is_admin:
            return "admin"
        if self.is_commander:
            return "komandan"
        return "anggota" if self.person else "stranger"

    def commands(self, person: Person) -> bool:
        """May this actor order, approve or answer for `person`?"""
        return self.is_admin or (self.is_commander and self.scope.covers(person))

    def commands_category(self, code: str) -> bool:
        return self.is_admin or (self.is_commander and code in self.scope.categories)

    def commands_unit(self, unit: str) -> bool:
        return self.is_admin or (self.is_commander and unit in self.scope.units)


class SiagaContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB builds one context per update and shares it across handler groups."""

    _actor: Actor | None = None

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise RuntimeError("the gate did not run for this update")
        return self._actor

    @actor.setter
    def actor(self, value: Actor) -> None:
        self._actor = value

    @property
    def has_actor(self) -> bool:
        return self._actor is not None

    def t(self, key: str, **args: str | int | float) -> str:
        """Render an HTML-safe message in the asker's language."""
        return self.services.catalog.html(self.actor.language, key, **args)

    def label(self, key: str, **args: str | int | float) -> str:
        """Plain text (button labels, callback answers) in the asker's language."""
        return self.services.catalog.text(self.actor.language, key, **args)


SiagaApp = Application[
    ExtBot[None],
    SiagaContext,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    # The job queue stays PTB's default: deadlines live in our own scheduler.
    Any,
]
