"""Drive the real `Application` (real HTTPXRequest, real JSON) against the fake Bot API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import build_application, services_of
from bot.clock import FakeClock
from bot.config import Settings
from bot.domain.roster import RosterRow
from bot.fake_telegram import FakeTelegram
from bot.runner import start_app, stop_app
from bot.services import Services, SiagaApp
from storage.categories import import_categories
from storage.db import Database
from storage.roster import import_roster

TOKEN = "123456789:AAEtestTokenForSiagaEndToEndTests_x"
EXAMPLE_CATEGORIES = Path(__file__).resolve().parent.parent / "examples" / "categories.csv"


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
            rows = [
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
            await import_roster(db, rows, self.clock.now())
        finally:
            await db.close()
