"""Button taps by the thousand: a burst handled a batch at a time, before PTB sees them.

When a roll call of 3,294 people is answered in the same second, the usual path costs each
tap a PTB `Update` built from JSON, a pass through the handler groups, and a transaction of
its own; the taps then queue behind one another on the database's write lock (bench/README.md,
ingest). Here a feature registers a *batch handler* for its buttons' namespace; the inbox
hands it the taps of one `getUpdates` batch straight from JSON, and the handler records them
in one transaction and answers them all.

A batch handler takes only the plain case (a person on the roster answering their own
prompt, say) and returns every other tap; those go through the usual PTB path with its full
checks and its own answers, so the lane adds speed, never a second set of rules. While the
lane holds a tap, its sender's other updates wait (the same per-person order as
`InboxUpdateProcessor`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain.callback_data import CallbackData, decode

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tap:
    """One callback query as Telegram sent it, with its button data decoded."""

    update_id: int
    query_id: str
    user_id: int
    data: CallbackData
    chat_id: int | None
    message_id: int | None
    payload: dict[str, Any]


# Handles what it can of the taps and returns the ones it leaves to the usual path.
BatchHandler = Callable[[Sequence[Tap]], Awaitable[Sequence[Tap]]]


class TapLane:
    def __init__(self) -> None:
        self._handlers: dict[str, BatchHandler] = {}
        self.handled = 0  # taps a batch handler took, for tests and logs

    def route(self, namespace: str, handler: BatchHandler) -> None:
        self._handlers[namespace] = handler

    def claim(self, payload: dict[str, Any]) -> Tap | None:
        """The tap in this update if a batch handler takes its namespace, else None."""
        query = payload.get("callback_query")
        if not isinstance(query, dict):
            return None
        data = decode(query.get("data"))
        sender = query.get("from")
        if data is None or data.namespace not in self._handlers or not isinstance(sender, dict):
            return None
        if sender.get("is_bot") or not isinstance(sender.get("id"), int):
            return None
        message = query.get("message")
        chat = message.get("chat") if isinstance(message, dict) else None
        return Tap(
            update_id=int(payload["update_id"]),
            query_id=str(query.get("id")),
            user_id=sender["id"],
            data=data,
            chat_id=chat.get("id") if isinstance(chat, dict) else None,
            message_id=message.get("message_id") if isinstance(message, dict) else None,
            payload=payload,
        )

    async def handle(self, taps: Sequence[Tap]) -> list[Tap]:
        """Run each namespace's batch handler; returns the taps left to the usual path."""
        by_namespace: dict[str, list[Tap]] = {}
        for tap in taps:
            by_namespace.setdefault(tap.data.namespace, []).append(tap)
        results = await asyncio.gather(
            *(self._run(self._handlers[ns], batch) for ns, batch in by_namespace.items())
        )
        left = [tap for batch in results for tap in batch]
        self.handled += len(taps) - len(left)
        return left

    async def _run(self, handler: BatchHandler, taps: list[Tap]) -> list[Tap]:
        try:
            return list(await handler(taps))
        except Exception:
            # Nothing of a failed batch was committed: the usual path does each tap again.
            log.exception("%d taps could not be handled together; one by one instead", len(taps))
            return taps
