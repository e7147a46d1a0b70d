"""The live card: a message edited in place as answers arrive, redrawn at most once per
debounce window so a burst of 500 taps costs one tally query and one coalesced edit; and its
tick, the timer that redraws it while its messages are sent (progress) and after (time)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import Application

from bot.services import PartKey, Services
from storage import outbox
from storage.db import Transaction

# A burst's redraw requests wait this long, then one redraw serves them all.
DEBOUNCE_S = 0.5
# While a card's messages are being sent it shows their progress: redrawn this often.
PROGRESS_EVERY = timedelta(seconds=5)

# Redraws one card inside a transaction (enqueues the edit); does nothing for a closed one.
Redraw = Callable[[Services, Transaction, int], Awaitable[None]]


class LiveCard:
    """One feature's cards. `redraw(services, tx, id)` redraws card `id` in the deciding
    transaction (its edit coalesces in the outbox with any still unsent): what must show with
    the decision. `request(app, id)` redraws it after `DEBOUNCE_S`, once however often it is
    asked meanwhile: for bursts (500 taps, one tally query)."""

    def __init__(self, name: str, redraw: Redraw) -> None:
        self.name = name
        self._redraw = redraw
        self._pending: set[int] = set()

    async def redraw(self, services: Services, tx: Transaction, ref: int) -> None:
        await self._redraw(services, tx, ref)

    def request(self, app: Application[Any, Any, Any, Any, Any, Any], ref: int) -> None:
        if ref in self._pending:
            return
        self._pending.add(ref)
        services: Services = app.bot_data["services"]
        app.create_task(self._run(services, ref), name=f"{self.name}-card-{ref}")

    def request_many(
        self, app: Application[Any, Any, Any, Any, Any, Any], refs: Iterable[int]
    ) -> None:
        for ref in refs:
            self.request(app, ref)

    async def _run(self, services: Services, ref: int) -> None:
        try:
            await asyncio.sleep(DEBOUNCE_S)
        finally:
            self._pending.discard(ref)
        async with services.db.transaction() as tx:
            await self._redraw(services, tx, ref)


def live_card(services: Services, name: str, redraw: Redraw) -> LiveCard:
    """The application's one `LiveCard` for feature `name` (made on first use)."""
    key = PartKey[LiveCard](f"{name}.cards")
    found = services.extras.get(key)
    if found is None:
        found = services.extras[key] = LiveCard(name, redraw)
    return found


async def next_tick(
    tx: Transaction, batch_id: int | None, now: datetime, idle: timedelta | None
) -> datetime | None:
    """When a live card's tick is due again: every `PROGRESS_EVERY` while its batch of
    messages is still being sent, then every `idle` (None: the card needs no more ticks)."""
    if batch_id is not None and not (await outbox.batch_progress(tx, batch_id)).done:
        return now + PROGRESS_EVERY
    return None if idle is None else now + idle
