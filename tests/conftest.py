"""Shared fixtures: a temporary database, a fake clock, and the real bot on a fake Bot API."""

from __future__ import annotations

import os

# PTB >= 22.2 warns on RetryAfter.retry_after unless timedeltas are opted into.
os.environ["PTB_TIMEDELTA"] = "1"

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.clock import FakeClock
from storage.db import Database

if TYPE_CHECKING:
    from bot.rehearsal.fake_telegram import FakeTelegram
    from tests.harness import BotHarness


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "siaga.db")
    yield database
    await database.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    from bot.rehearsal.fake_telegram import FakeTelegram

    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def harness(
    tmp_path: Path, fake: FakeTelegram, clock: FakeClock
) -> AsyncIterator[BotHarness]:
    from tests.harness import BotHarness

    bot = BotHarness(fake=fake, clock=clock, db_path=tmp_path / "siaga.db")
    yield bot
    await bot.stop()
