"""The live card: a message edited in place as answers arrive, redrawn at most once per
debounce window so a burst of 500 taps costs one tally query and one coalesced edit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from telegram.ext import Application

from bot.services import PartKey, Services
from storage.db import Transaction

# Redraws one card inside a transaction (enqueues the edit); does nothing for a closed one.
Redraw = Callable[[Services, Transaction, int], Awaitable[None]]


class LiveCard:
    """One feature's cards: `request(app, id)` redraws card `id` after `debounce_s`, once
    however often it is asked meanwhile. Cosmetic only: what must be shown is redrawn in the
    deciding transaction (reminders, close)."""

    def __init__(self, name: str, redraw: Redraw, debounce_s: float) -> None:
        self.name = name
        self._redraw = redraw
        self._debounce_s = debounce_s
        self._pending: set[int] = set()

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
            await asyncio.sleep(self._debounce_s)
        finally:
            self._pending.discard(ref)
        async with services.db.transaction() as tx:
            await self._redraw(services, tx, ref)


def live_card(services: Services, name: str, redraw: Redraw, debounce_s: float) -> LiveCard:
    """The application's one `LiveCard` for feature `name` (made on first use)."""
    key = PartKey[LiveCard](f"{name}.cards")
    found = services.extras.get(key)
    if found is None:
        found = services.extras[key] = LiveCard(name, redraw, debounce_s)
    return found
