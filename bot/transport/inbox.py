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

3. Taps whose buttons a feature handles a batch at a time (`bot/transport/taps.py`, roll-call
   answers) skip PTB's `Update` objects: polling reads the raw JSON, and the lane takes those taps
   straight from it, holding their senders' turn like the processor does.

Processing is therefore at-least-once: an update being processed at a crash runs again after
the restart. Handlers are written for that already (rule 4: every tap re-reads its rows, a
second tap does not count twice).

Webhook mode uses `bot/transport/webhook.py`, which hands each update to `accept` as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor, Updater

from bot.clock import Clock, SystemClock
from bot.delivery.client import ApiAnswer, BotApiClient
from bot.transport.bot import SiagaBot
from bot.transport.taps import Tap, TapLane
from storage import inbox
from storage.db import Database

log = logging.getLogger(__name__)

DbSource = Database | Callable[[], Database]
Payload = dict[str, Any]
# Telegram's answers that say "this token or this poller is wrong", not "try again soon".
_REFUSED = {401: "invalid token", 404: "invalid token", 409: "another poller or a webhook"}


def _resolve(source: DbSource) -> Database:
    return source if isinstance(source, Database) else source()


class InboxUpdater(Updater):
    """Drop-in for PTB's `Updater` (polling only): `app.updater = InboxUpdater(...)`."""

    # How long to wait after Telegram refused the token or the poller (401/404/409): these
    # rarely mend in seconds, and retrying fast would only flood the log.
    refused_wait_s = 5.0
    # The first pause before a tap answered ahead, whose writing failed, runs again.
    retry_wait_s = 1.0

    def __init__(
        self,
        bot: Bot,
        update_queue: asyncio.Queue[object],
        db: DbSource,
        clock: Clock | None = None,
        *,
        lane: TapLane | None = None,
        processor: InboxUpdateProcessor | None = None,
        process: Callable[[Update], Awaitable[None]] | None = None,
        on_commit_trouble: Callable[[BaseException | None], Awaitable[None]] | None = None,
    ) -> None:
        """`lane`, `processor` and `process` (the application's `process_update`) together
        switch the tap lane on; without them every update goes to PTB's queue.
        `on_commit_trouble(error)` hears of the first failed commit of an outage, and
        `on_commit_trouble(None)` of the commit that ends it."""
        super().__init__(bot=bot, update_queue=update_queue)
        self._db_source = db
        self._clock = clock or SystemClock()
        self._lane = lane if processor is not None and process is not None else None
        self._processor = processor
        self._process = process
        self._on_commit_trouble = on_commit_trouble
        self._api: BotApiClient | None = None
        self._poll_task: asyncio.Task[None] | None = None
        self._commit_task: asyncio.Task[None] | None = None
        self._lane_tasks: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self.committed = 0  # updates written to the inbox, for tests and logs
        # When the last update came in: background work (retention) gives way while they do.
        self.last_update_at: datetime | None = None
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
        self._stopping.clear()
        # Its own connection: a long poll must not wait behind, or hold up, anything else.
        self._api = BotApiClient(
            self.bot.base_url, "", timeout_s=timeout + 10.0, max_connections=1
        )
        try:
            await self._api.start()
            await self.bot.delete_webhook(drop_pending_updates=bool(drop_pending_updates))
            await self.replay()
        except BaseException:
            self._running = False
            await self._api.close()
            raise
        self._poll_task = asyncio.create_task(
            self._poll(timeout, allowed_updates, poll_interval), name="siaga-inbox-poll"
        )
        return self.update_queue

    async def replay(self) -> None:
        """Queue what was committed but not processed before the last stop or crash."""
        last = await inbox.last_update_id(self.db)
        self._last_update_id = last + 1 if last is not None else 0
        payloads = [payload for _update_id, payload in await inbox.unprocessed(self.db)]
        self.replayed += len(payloads)
        await self._route(payloads)
        if self.replayed:
            log.warning("re-processing %d updates left over from the last run", self.replayed)

    async def accept(self, payloads: Sequence[Payload]) -> None:
        """Commit, then hand on: polling and the webhook both deliver updates through here."""
        self._commit_task = asyncio.create_task(self._commit(payloads))
        await asyncio.shield(self._commit_task)
        await self._route(payloads)

    async def _route(self, payloads: Sequence[Payload]) -> None:
        """Taps the lane takes go to it; everything else, in order, to PTB's queue. A sender
        with other updates in this batch or still in processing keeps the usual path, so one
        person's updates stay in order."""
        taps: list[Tap] = []
        lane, processor = self._lane, self._processor
        senders = Counter(_payload_sender(p) for p in payloads) if lane else Counter()
        for payload in payloads:
            tap = lane.claim(payload) if lane is not None else None
            if (
                tap is not None
                and processor is not None
                and senders[tap.user_id] == 1
                and not processor.busy(tap.user_id)
            ):
                await processor.hold(tap.user_id)
                taps.append(tap)
            else:
                await self.update_queue.put(Update.de_json(payload, self.bot))
        if taps:
            task = asyncio.create_task(self._run_lane(taps), name="siaga-tap-lane")
            self._lane_tasks.add(task)
            task.add_done_callback(self._lane_tasks.discard)

    async def _tell(self, error: BaseException | None) -> None:
        if self._on_commit_trouble is None:
            return
        try:
            await self._on_commit_trouble(error)
        except Exception:  # telling is best effort; the log has the story already
            log.warning("could not report the inbox commit trouble", exc_info=True)

    async def _run_lane(self, taps: list[Tap]) -> None:
        assert self._lane is not None
        assert self._processor is not None
        unwritten: list[Tap] = []
        try:
            left = await self._lane.handle(taps)
            # Still holding each sender's turn: their later updates wait for these.
            unwritten = await self._process_until_written(left)
        finally:
            for tap in taps:
                self._processor.release(tap.user_id)
        # What is still unwritten stays in the inbox: the next start runs it again.
        kept = {tap.update_id for tap in unwritten}
        self._processor.finished([tap.update_id for tap in taps if tap.update_id not in kept])

    async def _process_until_written(self, taps: list[Tap]) -> list[Tap]:
        """The usual path for the taps the lane left. A tap the lane had answered ahead
        ("tercatat") whose handling failed as well runs again, with a growing pause, until
        it is written or the updater stops; returns those still unwritten."""
        handled, wait = taps, self.retry_wait_s
        while taps:
            kept = await asyncio.gather(*(self._process_one(tap) for tap in taps))
            taps = [tap for tap, retry in zip(taps, kept, strict=True) if retry]
            if not taps or not self._running:
                break
            log.warning(
                "%d taps answered ahead are not written yet; again in %.1f s", len(taps), wait
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), wait)
            wait = min(wait * 2, 30.0)
        if isinstance(self.bot, SiagaBot):
            self.bot.settle(tap.query_id for tap in handled)
        return taps

    async def _process_one(self, tap: Tap) -> bool:
        """Runs the tap's handlers; True when it must run again."""
        assert self._process is not None
        with inbox.processing_of(tap.update_id) as processing:
            await self._process(Update.de_json(tap.payload, self.bot))
        return processing.retry

    async def stop(self) -> None:
        if not self._running:
            raise RuntimeError("This Updater is not running!")
        self._running = False
        self._stopping.set()
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
        if self._lane_tasks:
            await asyncio.gather(*self._lane_tasks, return_exceptions=True)
        if self._api is not None:
            await self._api.close()
            self._api = None
        # No final "acknowledge" call: the committed offset is in the database already.

    async def _poll(
        self, long_poll_s: int, allowed_updates: Sequence[str] | None, poll_interval: float
    ) -> None:
        backoff = 0.0
        while self._running:
            answer = await self._get_updates(long_poll_s, allowed_updates)
            if not answer.ok or not isinstance(answer.result, list):
                if answer.retry_after is not None:
                    log.warning("getUpdates: flood limit, waiting %.0f s", answer.retry_after)
                    await asyncio.sleep(answer.retry_after)
                elif answer.status in _REFUSED:
                    log.error(
                        "getUpdates refused (%s: %s); trying again in %.1f s",
                        _REFUSED[answer.status],
                        answer.description,
                        self.refused_wait_s,
                    )
                    await asyncio.sleep(self.refused_wait_s)
                else:
                    backoff = min(max(backoff * 2, 0.5), 30.0)
                    log.warning(
                        "getUpdates failed (%s); trying again in %.1f s",
                        answer.description or answer.status,
                        backoff,
                    )
                    await asyncio.sleep(backoff)
                continue
            backoff = 0.0
            if answer.result:
                await self.accept(answer.result)
            elif poll_interval:
                await asyncio.sleep(poll_interval)

    async def _get_updates(
        self, long_poll_s: int, allowed_updates: Sequence[str] | None
    ) -> ApiAnswer:
        """The raw JSON: PTB objects are built only for the updates that go to PTB."""
        assert self._api is not None
        request: dict[str, Any] = {"offset": self._last_update_id, "timeout": long_poll_s}
        if allowed_updates is not None:
            request["allowed_updates"] = list(allowed_updates)
        return await self._api.call("getUpdates", request)

    async def _commit(self, payloads: Sequence[Payload]) -> None:
        rows = [(int(p["update_id"]), p) for p in payloads]
        failures = 0
        while True:
            try:
                async with self.db.transaction(urgent=True) as tx:
                    await inbox.store(tx, rows, self._clock.now())
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # Not committed, so not acknowledged: keep trying rather than move on.
                log.exception("committing %d updates failed; retrying", len(rows))
                if not self._running:
                    raise
                failures += 1
                if failures == 1:
                    await self._tell(exc)
                await asyncio.sleep(1.0)
        if failures:
            log.warning("updates are committed again after %d failed tries", failures)
            await self._tell(None)
        self.committed += len(rows)
        self.last_update_at = self._clock.now()
        self._last_update_id = max(self._last_update_id, rows[-1][0] + 1)


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
        update_id = update.update_id if isinstance(update, Update) else None
        with inbox.processing_of(update_id):
            if sender is None:
                await coroutine
            else:
                await self.hold(sender)
                try:
                    await coroutine
                finally:
                    self.release(sender)
        if update_id is not None:
            self.finished([update_id])

    def busy(self, sender: int) -> bool:
        """Is an update of this sender being processed or waiting for its turn?"""
        return sender in self._sender_locks

    async def hold(self, sender: int) -> None:
        """Wait for this sender's turn (at once when `busy` is False)."""
        lock, users = self._sender_locks.get(sender, (asyncio.Lock(), 0))
        self._sender_locks[sender] = (lock, users + 1)
        try:
            await lock.acquire()
        except BaseException:
            self._leave(sender)
            raise

    def release(self, sender: int) -> None:
        self._sender_locks[sender][0].release()
        self._leave(sender)

    def _leave(self, sender: int) -> None:
        lock, users = self._sender_locks[sender]
        if users <= 1:
            del self._sender_locks[sender]
        else:
            self._sender_locks[sender] = (lock, users - 1)

    def finished(self, update_ids: Sequence[int]) -> None:
        """These updates are done with: their inbox rows go (in one transaction, soon)."""
        self.processed += len(update_ids)
        self._done.extend(update_ids)
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


def _payload_sender(payload: Payload) -> int | None:
    """The `from.id` of an update's object (message, callback query, …), as JSON."""
    for key, value in payload.items():
        if key != "update_id" and isinstance(value, dict):
            sender = value.get("from") or value.get("user")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                return int(sender["id"])
    return None
