"""Never lose an update: commit it before acknowledging it, delete it once processed.

PTB's own `Updater` acknowledges a batch of updates (by asking for the next offset) as soon as
it has put them on the in-memory queue; a crash while they wait or run loses them. Here:

1. `InboxUpdater` polls `getUpdates`, writes the batch into the `inbox` table and the highest
   `update_id` into `runtime_state` in one transaction, and only then moves its offset on
   (the next `getUpdates` is what tells Telegram the batch arrived). After a restart it
   starts from the committed offset and first re-queues whatever is still in the inbox.
2. `InboxUpdateProcessor` is PTB's concurrent update processor (updates run concurrently, so
   a slow send never holds up someone's button) that deletes an update's inbox row once
   `Application.process_update` has finished with it (handlers' errors are handled inside
   it, so "finished" includes "failed and reported").

Processing is therefore at-least-once: an update being processed at a crash runs again after
the restart. Handlers are written for that already (rule 4: every tap re-reads its rows, a
second tap does not count twice).

Webhook mode is not covered: PTB's webhook server answers Telegram before processing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseUpdateProcessor, Updater

from bot.clock import Clock, SystemClock
from storage import inbox
from storage.db import Database

log = logging.getLogger(__name__)

DbSource = Database | Callable[[], Database]


def _resolve(source: DbSource) -> Database:
    return source if isinstance(source, Database) else source()


class InboxUpdater(Updater):
    """Drop-in for PTB's `Updater` (polling only): `app.updater = InboxUpdater(...)`."""

    def __init__(
        self,
        bot: Bot,
        update_queue: asyncio.Queue[object],
        db: DbSource,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(bot=bot, update_queue=update_queue)
        self._db_source = db
        self._clock = clock or SystemClock()
        self._poll_task: asyncio.Task[None] | None = None
        self._commit_task: asyncio.Task[None] | None = None
        self.committed = 0  # updates written to the inbox, for tests and logs
        self.replayed = 0

    @property
    def db(self) -> Database:
        return _resolve(self._db_source)

    async def start_polling(  # type: ignore[override]
        self,
        poll_interval: float = 0.0,
        timeout: int = 10,  # noqa: ASYNC109
        bootstrap_retries: int = 0,
        allowed_updates: Sequence[str] | None = None,
        drop_pending_updates: bool | None = None,
        error_callback: Callable[[TelegramError], None] | None = None,
        **_ignored: Any,
    ) -> asyncio.Queue[object]:
        if self._running:
            raise RuntimeError("This Updater is already running!")
        if not self._initialized:
            raise RuntimeError("This Updater was not initialized via `Updater.initialize`!")
        self._running = True
        try:
            await self.bot.delete_webhook(drop_pending_updates=bool(drop_pending_updates))
            await self.replay()
        except BaseException:
            self._running = False
            raise
        self._poll_task = asyncio.create_task(
            self._poll(timeout, allowed_updates, poll_interval), name="siaga-inbox-poll"
        )
        return self.update_queue

    async def replay(self) -> None:
        """Queue what was committed but not processed before the last stop or crash."""
        last = await inbox.last_update_id(self.db)
        self._last_update_id = last + 1 if last is not None else 0
        for _update_id, payload in await inbox.unprocessed(self.db):
            await self.update_queue.put(Update.de_json(payload, self.bot))
            self.replayed += 1
        if self.replayed:
            log.warning("re-processing %d updates left over from the last run", self.replayed)

    async def accept(self, updates: Sequence[Update]) -> None:
        """Commit, then queue: polling and the webhook both hand updates over through here."""
        self._commit_task = asyncio.create_task(self._commit(updates))
        await asyncio.shield(self._commit_task)
        for update in updates:
            await self.update_queue.put(update)

    async def stop(self) -> None:
        if not self._running:
            raise RuntimeError("This Updater is not running!")
        self._running = False
        task, self._poll_task = self._poll_task, None
        if task is not None:
            # Ends a long poll at once; a commit in progress runs to its end on its own task
            # (cancelling a transaction half-way would leave the shared connection in it).
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._commit_task is not None:
            with contextlib.suppress(Exception):
                await self._commit_task
            self._commit_task = None
        # No final "acknowledge" call: the committed offset is in the database already.

    async def _poll(
        self, long_poll_s: int, allowed_updates: Sequence[str] | None, poll_interval: float
    ) -> None:
        backoff = 0.0
        while self._running:
            try:
                updates = await self.bot.get_updates(
                    offset=self._last_update_id,
                    timeout=long_poll_s,
                    allowed_updates=allowed_updates,
                )
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
                continue
            except (InvalidToken, Conflict) as exc:
                log.error("getUpdates refused: %s; trying again in 5 s", exc)
                await asyncio.sleep(5)
                continue
            except (NetworkError, TelegramError) as exc:
                backoff = min(max(backoff * 2, 0.5), 30.0)
                log.warning("getUpdates failed (%s); trying again in %.1f s", exc, backoff)
                await asyncio.sleep(backoff)
                continue
            backoff = 0.0
            if updates:
                await self.accept(updates)
            elif poll_interval:
                await asyncio.sleep(poll_interval)

    async def _commit(self, updates: Sequence[Update]) -> None:
        rows = [(u.update_id, u.to_dict()) for u in updates]
        while True:
            try:
                async with self.db.transaction() as tx:
                    await inbox.store(tx, rows, self._clock.now())
                break
            except asyncio.CancelledError:
                raise
            except Exception:
                # Not committed, so not acknowledged: keep trying rather than move on.
                log.exception("committing %d updates failed; retrying", len(rows))
                if not self._running:
                    raise
                await asyncio.sleep(1.0)
        self.committed += len(rows)
        self._last_update_id = updates[-1].update_id + 1


class InboxUpdateProcessor(BaseUpdateProcessor):
    """Concurrent processing (like `concurrent_updates(n)`), then the inbox row goes."""

    def __init__(self, max_concurrent_updates: int, db: DbSource) -> None:
        super().__init__(max_concurrent_updates)
        self._db_source = db
        self._done: list[int] = []
        self._flusher: asyncio.Task[None] | None = None
        self._sender_locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self.processed = 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # One person's updates run in order (a contact before the NRP typed after it); different
        # people's run side by side. asyncio.Lock wakes its waiters first come, first served.
        sender = _sender(update)
        if sender is None:
            await coroutine
        else:
            lock, users = self._sender_locks.get(sender, (asyncio.Lock(), 0))
            self._sender_locks[sender] = (lock, users + 1)
            try:
                async with lock:
                    await coroutine
            finally:
                lock, users = self._sender_locks[sender]
                if users <= 1:
                    del self._sender_locks[sender]
                else:
                    self._sender_locks[sender] = (lock, users - 1)
        if isinstance(update, Update):
            self.processed += 1
            self._done.append(update.update_id)
            if self._flusher is None or self._flusher.done():
                self._flusher = asyncio.create_task(self._flush(), name="siaga-inbox-done")

    async def _flush(self) -> None:
        # One transaction for everything finished meanwhile keeps the cost per update small.
        while self._done:
            ids, self._done = self._done, []
            try:
                async with _resolve(self._db_source).transaction() as tx:
                    await inbox.done(tx, ids)
            except Exception:
                log.exception("clearing %d processed updates failed; they may run again", len(ids))

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        if self._flusher is not None:
            await self._flusher
            self._flusher = None
        if self._done:
            await self._flush()


def _sender(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
