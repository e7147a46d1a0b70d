"""Fires deadline rows, each exactly once, after restarts too.

The `deadlines` table is the truth. The scheduler only remembers which kinds it can handle;
each turn of its loop asks the table for the earliest pending row and sleeps until then, so
a restart needs no rebuilding beyond `start()` and rows that fell due while the bot was down
fire at once, oldest first (catch-up).

Exactly once: a row is claimed (`state = 'done'`) and its handler runs inside the *same*
transaction. Either both commit or neither does; a crash mid-handler rolls the claim back and
the row fires again after the restart, with none of the first attempt's writes left behind.

A handler that raises: its transaction is rolled back (nothing it wrote survives), the error
is logged and recorded on the row, and the row is retried with exponential backoff
(`retry_base` doubling up to `retry_max`) until `max_attempts`, then left as
`state = 'failed'` for someone to look at. The scheduler itself keeps running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.clock import Clock
from storage import deadlines
from storage.db import Database, Transaction
from storage.deadlines import Deadline

log = logging.getLogger(__name__)

Handler = Callable[[Transaction, Deadline], Awaitable[None]]
Prepare = Callable[[Deadline], Awaitable[None]]
CommitHook = Callable[[], None]
StartHook = Callable[[Transaction], Awaitable[None]]

# Even with a wake-up on every change, look at the table at least this often: a caller that
# schedules a deadline and forgets `wake()` is late by at most this much, never forgotten.
MAX_IDLE_SECONDS = 5.0


class Scheduler:
    def __init__(
        self,
        db: Database | Callable[[], Database],
        clock: Clock,
        *,
        max_attempts: int = 5,
        retry_base: timedelta = timedelta(seconds=30),
        retry_max: timedelta = timedelta(minutes=15),
    ) -> None:
        # Built with the application (features register handlers at `register(app)` time),
        # while the database only opens in post_init: accept a provider as well.
        self._db_source = db
        self._clock = clock
        self._handlers: dict[str, Handler] = {}
        self._prepares: dict[str, Prepare] = {}
        self._commit_hooks: list[CommitHook] = []
        self._start_hooks: list[StartHook] = []
        self._max_attempts = max_attempts
        self._retry_base = retry_base
        self._retry_max = retry_max
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.fired = 0  # how many handlers committed, for tests and logs
        clock.on_change(self.wake)

    @property
    def _db(self) -> Database:
        source = self._db_source
        return source if isinstance(source, Database) else source()

    def on(self, kind: str, handler: Handler, *, prepare: Prepare | None = None) -> None:
        """Handle deadlines of `kind`; rows of kinds nobody handles stay pending untouched.

        `prepare(deadline)` runs before the firing transaction opens, for slow work the
        handler will want (a chart drawn in the worker) that must not hold the database's
        write lock meanwhile. It decides nothing: the row may still not fire (moved or
        cancelled in between), and the handler must cope with what was prepared being stale."""
        if kind in self._handlers:
            raise ValueError(f"a handler for deadline kind {kind!r} is already registered")
        self._handlers[kind] = handler
        if prepare is not None:
            self._prepares[kind] = prepare
        self.wake()

    def after_commit(self, hook: CommitHook) -> None:
        """Call `hook` after each handler's transaction commits (e.g. `delivery.wake`)."""
        self._commit_hooks.append(hook)

    def at_start(self, hook: StartHook) -> None:
        """Run `hook` in a transaction of its own each time the scheduler starts, before its
        first turn: for a feature to arm a row that follows the configuration (which may
        have changed while the bot was down). A hook that raises is logged and skipped."""
        self._start_hooks.append(hook)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        if self.running:
            return
        self._stopping = False
        for hook in self._start_hooks:
            try:
                async with self._db.transaction() as tx:
                    await hook(tx)
            except Exception:
                log.exception("scheduler start hook %r failed", hook)
        self._wakeup.set()  # first turn catches up on everything already due
        self._task = asyncio.create_task(self._run(), name="siaga-scheduler")

    async def stop(self) -> None:
        self._stopping = True
        task, self._task = self._task, None
        if task is None:
            return
        self._wakeup.set()
        # A handler in progress finishes its transaction; the loop exits at the next turn.
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=10)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Look at the table again now: call after committing a new or moved deadline."""
        self._wakeup.set()

    async def run_due(self) -> int:
        """Fire everything due now (one turn of the loop); returns how many fired.

        The loop calls this; tests may call it directly to fire without waiting.
        """
        count = 0
        while not self._stopping:
            due = await self._next_due()
            if due is None or due.due_at > self._clock.now():
                break
            if await self._fire(due):
                count += 1
        return count

    async def _next_due(self) -> Deadline | None:
        # Read under the transaction lock: one connection is shared by every coroutine, and
        # a read outside the lock could see another coroutine's uncommitted deadline.
        async with self._db.transaction() as tx:
            return await deadlines.next_due(tx, self._handlers)

    async def _run(self) -> None:
        while not self._stopping:
            self._wakeup.clear()
            try:
                await self.run_due()
                upcoming = await self._next_due()
            except Exception:
                log.exception("scheduler turn failed; trying again shortly")
                upcoming = None
            if self._stopping:
                break
            delay = MAX_IDLE_SECONDS
            if upcoming is not None:
                wait = (upcoming.due_at - self._clock.now()).total_seconds()
                delay = min(max(wait, 0.0), MAX_IDLE_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=delay)

    async def _fire(self, deadline: Deadline) -> bool:
        handler = self._handlers[deadline.kind]
        prepare = self._prepares.get(deadline.kind)
        now = self._clock.now()
        try:
            if prepare is not None:
                await prepare(deadline)
            async with self._db.transaction() as tx:
                if not await deadlines.mark_done(tx, deadline.id, now):
                    return False  # moved or cancelled between the read and now
                current = await deadlines.by_id(tx, deadline.id)
                await handler(tx, current or deadline)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception(
                "deadline %s %s (id %d) failed on attempt %d",
                deadline.kind,
                deadline.ref,
                deadline.id,
                deadline.attempts + 1,
            )
            await self._record_failure(deadline, exc, now)
            return False
        self.fired += 1
        self._after_commit()
        return True

    async def _record_failure(self, deadline: Deadline, exc: Exception, now: datetime) -> None:
        attempts = deadline.attempts + 1
        retry_at: datetime | None = None
        if attempts < self._max_attempts:
            backoff = min(self._retry_base * (2 ** (attempts - 1)), self._retry_max)
            # Jitter so that many rows failing on the same cause do not retry in lockstep.
            retry_at = now + backoff * (0.5 + random.random() / 2)
        async with self._db.transaction() as tx:
            await deadlines.record_failure(tx, deadline, f"{type(exc).__name__}: {exc}", retry_at)

    def _after_commit(self) -> None:
        for hook in self._commit_hooks:
            try:
                hook()
            except Exception:
                log.exception("scheduler after-commit hook failed")
