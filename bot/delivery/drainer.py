"""The outbox drainer: every message owed to someone goes out, most urgent first, at the limit.

How it works, and why:

- **The table is the truth.** The dispatcher keeps a small in-memory window of the most
  urgent due rows (`storage.outbox.due`), refilled whenever someone commits new rows and
  calls `wake()`. A small window is what lets a call-out enqueued behind a 3,000-message
  broadcast go out next.
- **Pacing** (`RateLimits`): one overall slot schedule (evenly spaced at the overall limit,
  absolute times so sleeping late does not drift) and a token bucket per chat (private: rate
  + small burst; group: per-minute rate). Direct replies sent by PTB draw from the same
  budget through `SharedRateLimiter`, and go first: while a reply waits for its chat's next
  message the drainer sends nothing else there, so a question asked in a busy group (20 a
  minute) is answered before the broadcasts and card edits queued for it.
- **Several requests in flight** (`max_in_flight`), so a 80 ms round trip does not cap the
  rate. The hot path is one `aiohttp.ClientSession` posting JSON straight to the Bot API and
  reading only `ok`, `result.message_id`, `error_code`, `description`, `parameters`;
  PTB's request path costs several times more CPU per call.
- **Crash safety.** A row stays `pending` in the table until its outcome is committed. An
  in-flight permit is held from the moment a row is taken until that commit, so after a
  `kill -9` at most `max_in_flight` messages can go out twice (those that reached Telegram
  but whose outcome was not committed). Outcomes are committed in groups (one transaction
  for everything that finished meanwhile) to keep the write cost per message small.
- **Errors.** 429 (or any answer with `retry_after`): the row waits `retry_after` without
  counting an attempt and that chat pauses; several chats at once (or a chat we had left
  idle) means the overall budget, so everything pauses. Network errors, timeouts, 5xx:
  exponential backoff with jitter up to `delivery_max_attempts`. 400: failed, never retried,
  except `migrate_to_chat_id` (retried at the new chat) and `message is not modified` (an
  edit that is already there: success). 403 and `chat not found`: the person is marked
  unreachable, the batch owner is told (name, unit, phone, one notice listing several people),
  and the `on_unreachable` callbacks follow. That follow-up is a row (a `delivery.unreachable`
  deadline) written in the transaction that decided it and closed once the callbacks ran: a
  crash in between leaves the row, and the next start runs them.
- **Edits** of one live message coalesce in the table (`enqueue_edit`); a newer revision
  arriving while an older one is in flight is sent once more afterwards; consecutive edits of
  one message are at least `edit_interval_s` apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.delivery.client import (
    DEFAULT_API_BASE,
    ApiAnswer,
    BotApiClient,
    Outcome,
    Verdict,
    classify,
    unreachable_reason,
)
from bot.delivery.limits import RateLimits
from bot.delivery.notices import (
    NOTICE_MAX_PEOPLE,
    DeliveryProgress,
    render_progress,
    render_unreachable_notice,
)
from bot.i18n import Catalog
from storage import deadlines, outbox, users
from storage.db import Database, Transaction
from storage.deadlines import Deadline
from storage.outbox import OutboxRow, OutgoingMessage, Priority, RowState

log = logging.getLogger(__name__)


UnreachableCallback = Callable[[int | None, int, str], Awaitable[None]]
ReachableCallback = Callable[[list[int]], Awaitable[None]]


# Completions looked at to measure the current rate (for ETAs).
RATE_WINDOW_S = 10.0


# With nothing to do, look at the table this often anyway: a caller that forgot `wake()`
# is late by this much, never forgotten.
IDLE_POLL_S = 1.0
# What follows an unreachable recipient, as a row in the deciding transaction (no scheduler
# handler: delivery itself runs and closes these).
FOLLOW_UP_KIND = "delivery.unreachable"


@dataclass
class DeliveryStats:
    sent: int = 0
    failed: int = 0
    unreachable: int = 0
    retries: int = 0
    floods: int = 0
    requests: int = 0
    commits: int = 0
    peak_in_flight: int = 0
    completions: deque[float] = field(default_factory=lambda: deque(maxlen=4096))


class Delivery:
    """Drains the outbox: `start()` after the database is open, `stop()` before closing it.

    `db` may be a callable returning the database, so the engine can be built with the
    application (before post_init opens the database).
    """

    def __init__(
        self,
        settings: Settings,
        db: Database | Callable[[], Database],
        catalog: Catalog,
        clock: Clock,
        *,
        client: BotApiClient | None = None,
        limits: RateLimits | None = None,
        window: int = 256,
    ) -> None:
        self.settings = settings
        self._db_source = db
        self.catalog = catalog
        self.clock = clock
        self._system_clock = SystemClock()
        self._wall_origin = max(clock.now(), self._system_clock.now())
        self._mono_origin = time.monotonic()
        self.limits = limits or RateLimits.from_settings(settings)
        if client is None:
            token = settings.bot_token.get_secret_value() if settings.bot_token else ""
            client = BotApiClient(
                settings.api_base_url or DEFAULT_API_BASE,
                token,
                timeout_s=settings.delivery_timeout_s,
                max_connections=settings.max_in_flight + 4,
            )
        self.client = client
        self._window = window
        self._max_in_flight = settings.max_in_flight
        self.stats = DeliveryStats()
        self._unreachable_callbacks: list[UnreachableCallback] = []
        self._reachable_callbacks: list[ReachableCallback] = []

        self._buffer: list[OutboxRow] = []
        self._buffer_truncated = False
        self._dirty = True
        self._last_refill = 0.0
        self._recheck_at: float | None = None  # monotonic: a skipped chat or a retry is due
        self._inflight: dict[int, OutboxRow] = {}
        # One request at a time per chat: a chat's messages arrive in the order sent, and a
        # 429 for it is known before the next one leaves.
        self._busy_chats: set[int] = set()
        self._held: set[str] = set()
        self._edit_ready: dict[str, float] = {}
        # Dedup keys of pending sends that a pending edit waits for: when one is sent, the
        # edit becomes due and the window must be re-read.
        self._awaited_targets: set[str] = set()
        # Rows in flight to a chat we had left idle: a 429 for one of them is the overall limit.
        self._idle_chats: set[int] = set()
        self._outcomes: list[Outcome] = []
        self._permits: asyncio.Semaphore | None = None
        self._event: asyncio.Event | None = None
        self._commit_event: asyncio.Event | None = None
        self._stop_event: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._dispatcher: asyncio.Task[None] | None = None
        self._committer: asyncio.Task[None] | None = None
        self._stopping = False

    # -- public ---------------------------------------------------------------------------

    @property
    def db(self) -> Database:
        source = self._db_source
        return source if isinstance(source, Database) else source()

    @property
    def running(self) -> bool:
        return self._dispatcher is not None and not self._dispatcher.done()

    @property
    def in_flight(self) -> int:
        return len(self._inflight)

    def sending(self, row_id: int) -> bool:
        """Is this outbox row's request out right now? Its row still says pending until the
        answer is recorded, yet the person may already be reading (and answering) it."""
        return row_id in self._inflight

    def on_unreachable(self, callback: UnreachableCallback) -> None:
        """`await callback(person_id, chat_id, dedup_key)` after a 403/`chat not found` is
        committed (e.g. a call-out replaces the person). At least once per failed row, after
        the commit, and again after a crash that came before they all ran: callbacks must be
        idempotent (they re-read their rows)."""
        self._unreachable_callbacks.append(callback)

    def on_reachable(self, callback: ReachableCallback) -> None:
        """`await callback(chat_ids)` after a send to chats marked unreachable got through and
        the mark was cleared (committed): they are back (e.g. a short call-out invites them).
        At most once: a crash before it runs loses it, so a callback's work needs a backstop
        that re-reads the rows (the call-out's tick)."""
        self._reachable_callbacks.append(callback)

    async def start(self) -> None:
        if self.running:
            return
        self._stopping = False
        self._permits = asyncio.Semaphore(self._max_in_flight)
        self._event = asyncio.Event()
        self._commit_event = asyncio.Event()
        self._stop_event = asyncio.Event()
        self._dirty = True
        await self.client.start()
        self._committer = asyncio.create_task(self._commit_loop(), name="siaga-delivery-commit")
        self._dispatcher = asyncio.create_task(self._dispatch_loop(), name="siaga-delivery")
        # Follow-ups decided before a crash and not finished: they run now.
        for follow_up in await deadlines.pending(self.db, FOLLOW_UP_KIND):
            self._spawn(self._follow_up(follow_up))

    async def stop(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Stop taking rows, let requests in flight finish (up to `timeout`), record them."""
        self._stopping = True
        if self._event is not None:
            self._event.set()
        if self._stop_event is not None:
            self._stop_event.set()
        if self._dispatcher is not None:
            # Not cancelled: it may be inside a database transaction, and a cancelled BEGIN or
            # COMMIT can leave the shared connection mid-transaction. It notices `_stopping`
            # at its next step (a permit freed by a finished send, a slot, a wake-up).
            await self._dispatcher
            self._dispatcher = None
        sends = [t for t in self._tasks if not t.done()]
        if sends:
            _done, late = await asyncio.wait(sends, timeout=timeout)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        if self._committer is not None:
            assert self._commit_event is not None
            self._commit_event.set()
            with contextlib.suppress(asyncio.CancelledError):
                await self._committer
            self._committer = None
        await self.client.close()

    def wake(self) -> None:
        """New rows were committed: look at the table now (cheap; call after every commit)."""
        self._dirty = True
        if self._event is not None:
            self._event.set()

    async def progress(self, batch_id: int) -> DeliveryProgress:
        counts = await outbox.batch_progress(self.db, batch_id)
        eta = None
        if counts.pending:
            eta = counts.pending / max(self.current_rate(), 1e-6)
        return DeliveryProgress(counts.total, counts.sent, counts.failed, counts.pending, eta)

    def current_rate(self) -> float:
        """Messages per second finished lately; the configured limit before there is data."""
        now = time.monotonic()
        recent = self.stats.completions
        while recent and now - recent[0] > RATE_WINDOW_S:
            recent.popleft()
        span = now - recent[0] if recent else 0.0
        if span < 1.0 and len(recent) < 50:
            return self.limits.overall_per_s  # too little history to measure yet
        return min(len(recent) / max(span, 1e-3), self.limits.overall_per_s)

    def progress_text(self, lang: str, progress: DeliveryProgress) -> str:
        """`Terkirim 2.100 / 3.294 · selesai ±40 dtk` in the owner's language."""
        return render_progress(self.catalog, lang, progress)

    # -- dispatch -------------------------------------------------------------------------

    def _wall_now(self) -> datetime:
        # Rows carry the injected clock's time; retries are real waits. The latest of the
        # injected clock, the system clock and "injected time at start + real time elapsed"
        # keeps both due: a test's frozen fake clock never holds a retry back.
        elapsed = timedelta(seconds=time.monotonic() - self._mono_origin)
        return max(self.clock.now(), self._system_clock.now(), self._wall_origin + elapsed)

    async def _dispatch_loop(self) -> None:
        assert self._permits is not None
        while not self._stopping:
            await self._permits.acquire()
            try:
                row = await self._next_row()
            except asyncio.CancelledError:
                self._permits.release()
                raise
            except Exception:
                # A bug here must not end delivery for the life of the process.
                self._permits.release()
                log.exception("delivery dispatcher failed; carrying on")
                await self._sleep(1.0)
                continue
            if row is None:
                self._permits.release()
                break
            self._inflight[row.id] = row
            self._busy_chats.add(row.chat_id)
            self.stats.peak_in_flight = max(self.stats.peak_in_flight, len(self._inflight))
            self._spawn(self._send(row))

    async def _next_row(self) -> OutboxRow | None:
        slot_taken = False
        while not self._stopping:
            if self._dirty or (not self._buffer and self._buffer_truncated):
                try:
                    await self._refill()
                except Exception:
                    log.exception("reading the outbox failed; trying again")
                    await self._wait(1.0)
                    continue
            now = time.monotonic()
            index, ready_in = self._first_ready(now)
            if index < 0:
                await self._wait(self._idle_timeout(now, ready_in))
                continue
            if not slot_taken:
                slot_taken = True
                start = self.limits.reserve(now)
                if start - now > 0.0005:
                    await self._sleep(start - now)
                    # A more urgent row may have come in while waiting for the slot.
                    continue
            row = self._buffer.pop(index)
            chat_was_idle = self.limits.take_chat(row.chat_id, now)
            if chat_was_idle:
                self._idle_chats.add(row.id)
            if row.kind == "edit" and row.target_key:
                self._edit_ready[row.target_key] = now + self.settings.edit_interval_s
            return row
        return None

    def _first_ready(self, now: float) -> tuple[int, float]:
        """Index of the most urgent row that may go now, else -1 and the shortest wait."""
        shortest = math.inf
        limits = self.limits
        busy = self._busy_chats
        for i, row in enumerate(self._buffer):
            if row.chat_id in busy:
                continue  # the commit of its request wakes us
            wait = limits.chat_wait(row.chat_id, now)
            if row.kind == "edit" and row.target_key:
                wait = max(wait, self._edit_ready.get(row.target_key, 0.0) - now)
            if row.dedup_key in self._held or limits.reply_waiting(row.chat_id):
                # Held back: an older text of this notice, or the chat's next message is a
                # reply someone is waiting for. Looked at again shortly.
                wait = max(wait, 0.05)
            if wait <= 0:
                return i, 0.0
            shortest = min(shortest, wait)
        return -1, shortest

    def _idle_timeout(self, now: float, ready_in: float) -> float:
        timeout = min(ready_in, IDLE_POLL_S)
        if self._buffer and self._buffer_truncated:
            # Everything in the window waits on busy chats: look past them soon.
            timeout = min(timeout, max(0.0, self._last_refill + 0.2 - now))
        if self._recheck_at is not None:
            timeout = min(timeout, max(0.0, self._recheck_at - now))
        return max(timeout, 0.001)

    async def _sleep(self, delay: float) -> None:
        if delay < 0.05:
            await asyncio.sleep(delay)
            return
        # A long pause (a global retry_after) must not hold up stop().
        assert self._stop_event is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop_event.wait(), delay)

    async def _wait(self, timeout: float) -> None:  # noqa: ASYNC109
        assert self._event is not None
        self._event.clear()
        if self._dirty or self._stopping:
            return
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            # A retry fell due, a skipped chat is free, or the idle poll: read the table.
            # (A commit only re-scans the window; `wake()` marks it dirty itself.)
            self._dirty = True

    async def _refill(self) -> None:
        self._dirty = False
        now = time.monotonic()
        self._last_refill = now
        skipped = self.limits.blocked_chats(now, horizon=0.25)
        limit = self._window + len(self._inflight)
        wall = self._wall_now()
        async with self.db.transaction() as tx:
            rows = await outbox.due(tx, wall, limit, [c for c, _ in skipped])
            orphans = [r for r in rows if r.kind == "edit" and r.target_message_id is None]
            for row in orphans:
                # The message to edit never went out (failed, cancelled, unknown key).
                why = f"edit target {row.target_state or 'missing'}"
                await outbox.mark_failed(tx, row.id, why)
            retry_at = None
            if len(rows) < limit:
                retry_at = await outbox.next_attempt_after(tx, wall)
            self._awaited_targets = await outbox.awaited_targets(tx)
        if len(self._edit_ready) > 5000:
            self._edit_ready = {k: t for k, t in self._edit_ready.items() if t > now}
        inflight = self._inflight
        orphan_ids = {r.id for r in orphans}
        self._buffer = [r for r in rows if r.id not in inflight and r.id not in orphan_ids]
        self._buffer_truncated = len(rows) >= limit
        recheck: float | None = None
        if skipped:
            recheck = now + min(w for _, w in skipped)
        if retry_at is not None:
            due_in = (retry_at - wall).total_seconds()
            recheck = min(recheck or math.inf, now + max(due_in, 0.0))
        self._recheck_at = recheck

    # -- sending --------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, row: OutboxRow) -> None:
        try:
            answer = await self._request(row)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in building the request must not lose the row
            log.exception("building the request for outbox row %d failed", row.id)
            answer = ApiAnswer(False, 0, description=f"client: {type(exc).__name__}: {exc}")
        self.stats.requests += 1
        verdict = classify(row, answer)
        now = time.monotonic()
        if verdict is Verdict.FLOOD:
            self.stats.floods += 1
            self.limits.flood(
                row.chat_id,
                answer.retry_after or 1.0,
                now,
                chat_was_idle=row.id in self._idle_chats,
            )
        self._idle_chats.discard(row.id)
        self._outcomes.append(Outcome(row, verdict, answer, now))
        assert self._commit_event is not None
        self._commit_event.set()

    async def _request(self, row: OutboxRow) -> ApiAnswer:
        paid = self.settings.paid_broadcast
        if row.kind == "send":
            payload: dict[str, Any] = {"chat_id": row.chat_id, "text": row.text}
            if row.parse_mode:
                payload["parse_mode"] = row.parse_mode
            if row.reply_markup:
                payload["reply_markup"] = json.loads(row.reply_markup)
            if paid:
                payload["allow_paid_broadcast"] = True
            return await self.client.call("sendMessage", payload)
        if row.kind == "edit":
            payload = {
                "chat_id": row.chat_id,
                "message_id": row.target_message_id,
                "text": row.text,
            }
            if row.parse_mode:
                payload["parse_mode"] = row.parse_mode
            if row.reply_markup:
                payload["reply_markup"] = json.loads(row.reply_markup)
            return await self.client.call("editMessageText", payload)
        # A document or a photo: the file goes up with the request, the text is its caption.
        content = await outbox.file_bytes(self.db, row.id)
        fields = {"chat_id": str(row.chat_id)}
        if row.text:
            fields["caption"] = row.text
            if row.parse_mode:
                fields["parse_mode"] = row.parse_mode
        if paid:
            fields["allow_paid_broadcast"] = "true"
        method, field_name = (
            ("sendPhoto", "photo") if row.kind == "photo" else ("sendDocument", "document")
        )
        return await self.client.call_multipart(
            method, fields, field_name, row.file_name or "file", content
        )

    # -- recording outcomes ---------------------------------------------------------------

    async def _commit_loop(self) -> None:
        assert self._commit_event is not None
        assert self._permits is not None
        while True:
            await self._commit_event.wait()
            self._commit_event.clear()
            if not self._outcomes:
                if self._stopping and not any(not t.done() for t in self._tasks):
                    return
                continue
            batch, self._outcomes = self._outcomes, []
            try:
                events, reread, back = await self._record(batch)
            except Exception:
                # The rows are still pending in the table; keep their permits (they count as
                # in flight) and try to record them again, rather than send them twice.
                log.exception("recording %d delivery outcomes failed; retrying", len(batch))
                self._outcomes = batch + self._outcomes
                await asyncio.sleep(0.5)
                self._commit_event.set()
                continue
            self.stats.commits += 1
            for outcome in batch:
                self._inflight.pop(outcome.row.id, None)
                self._busy_chats.discard(outcome.row.chat_id)
                self._permits.release()
            self._held.clear()
            # Re-reading the table after every commit would cost more than the sends at high
            # rates: only when the outcome made new rows due. A re-scan of the window (freed
            # chats and permits) is enough otherwise.
            if reread:
                self._dirty = True
            assert self._event is not None
            self._event.set()
            for follow_up in events:
                self._spawn(self._follow_up(follow_up))
            if back:
                for reachable in self._reachable_callbacks:
                    self._spawn(_guarded(reachable(back), "on_reachable callback"))
            if self._stopping and not self._outcomes and all(t.done() for t in self._tasks):
                return

    def _recheck_in(self, seconds: float) -> None:
        at = time.monotonic() + seconds
        self._recheck_at = at if self._recheck_at is None else min(self._recheck_at, at)

    async def _follow_up(self, follow_up: Deadline) -> None:
        """The `on_unreachable` callbacks for one failed row, then its follow-up row closed."""
        payload = follow_up.payload
        person_id = payload.get("person_id")
        event = (
            int(person_id) if person_id is not None else None,
            int(payload["chat_id"]),
            str(payload["dedup_key"]),
        )
        for callback in self._unreachable_callbacks:
            await _guarded(callback(*event), "on_unreachable callback")
        async with self.db.transaction() as tx:
            await deadlines.mark_done(tx, follow_up.id, self.clock.now())

    async def _record(self, batch: list[Outcome]) -> tuple[list[Deadline], bool, list[int]]:
        """Commit the outcomes: the unreachable's follow-ups to run, whether the window must
        be re-read, and the chats that were unreachable and got a message through."""
        now = self.clock.now()
        reread = False
        wall = self._wall_now()
        events: list[Deadline] = []
        sent: list[tuple[int, int | None]] = []
        reached: list[int] = []
        back: list[int] = []
        stats = self.stats
        async with self.db.transaction() as tx:
            for outcome in batch:
                row, verdict, answer = outcome.row, outcome.verdict, outcome.answer
                if verdict is Verdict.SENT:
                    if row.kind == "edit":
                        if not await outbox.mark_edit_sent(tx, row.id, row.revision, now):
                            reread = True  # a newer revision waits; it goes out next
                            continue
                    else:
                        reread = reread or row.dedup_key in self._awaited_targets
                        sent.append((row.id, answer.message_id))
                        reached.append(row.chat_id)
                    stats.sent += 1
                    stats.completions.append(outcome.finished)
                elif verdict is Verdict.FLOOD:
                    # The whole chat waits (its other rows would only meet the same 429), and
                    # its messages keep their order.
                    retry = wall + timedelta(seconds=answer.retry_after or 1.0)
                    await outbox.defer_chat(tx, row.chat_id, retry, answer.description)
                    self._recheck_in(answer.retry_after or 1.0)
                elif verdict is Verdict.MIGRATE:
                    assert answer.migrate_to is not None
                    moved = await outbox.move_chat(tx, row.chat_id, answer.migrate_to)
                    reread = True
                    log.warning(
                        "chat %d became %d; %d queued messages follow it",
                        row.chat_id,
                        answer.migrate_to,
                        moved,
                    )
                elif verdict is Verdict.TRANSIENT:
                    await self._retry_or_fail(tx, row, answer, wall)
                elif verdict is Verdict.UNREACHABLE:
                    await self._unreachable(tx, row, answer, now)
                    reread = True  # the owner's notice is a new (or changed) row
                    payload = {
                        "person_id": row.person_id,
                        "chat_id": row.chat_id,
                        "dedup_key": row.dedup_key,
                    }
                    follow_up = await deadlines.schedule(tx, FOLLOW_UP_KIND, row.id, now, payload)
                    events.append(Deadline(follow_up, FOLLOW_UP_KIND, str(row.id), now, payload))
                    stats.failed += 1
                    stats.unreachable += 1
                    stats.completions.append(outcome.finished)
                else:
                    log.warning(
                        "outbox row %d (%s) to chat %d refused: %s",
                        row.id,
                        row.dedup_key,
                        row.chat_id,
                        answer.description,
                    )
                    await outbox.mark_failed(tx, row.id, f"{answer.status} {answer.description}")
                    stats.failed += 1
                    stats.completions.append(outcome.finished)
            if sent:
                await outbox.mark_sent(tx, sent, now)
                back = await outbox.clear_unreachable(tx, reached)
        return events, reread, back

    async def _retry_or_fail(
        self, tx: Transaction, row: OutboxRow, answer: ApiAnswer, wall: datetime
    ) -> None:
        attempts = row.attempts + 1
        error = f"{answer.status} {answer.description}".strip()
        if attempts >= self.settings.delivery_max_attempts:
            log.error("outbox row %d gave up after %d attempts: %s", row.id, attempts, error)
            await outbox.mark_failed(tx, row.id, error)
            self.stats.failed += 1
            return
        base = self.settings.retry_base_s * (2 ** (attempts - 1))
        delay = min(base, self.settings.retry_max_s) * (0.5 + random.random() / 2)
        await outbox.mark_retry(tx, row.id, wall + timedelta(seconds=delay), error)
        self._recheck_in(delay)
        self.stats.retries += 1

    async def _unreachable(
        self, tx: Transaction, row: OutboxRow, answer: ApiAnswer, now: datetime
    ) -> None:
        reason = unreachable_reason(answer.description)
        log.info("chat %d unreachable (%s): %s", row.chat_id, reason, answer.description)
        await outbox.mark_failed(tx, row.id, f"{answer.status} {answer.description}")
        await outbox.mark_unreachable(tx, row.chat_id, row.person_id, reason, now)
        if row.batch_id is None:
            return
        owner = await outbox.batch_owner(tx, row.batch_id)
        if owner is None or owner.owner_chat_id == row.chat_id:
            return
        latest = await outbox.latest_notice(tx, row.batch_id)
        key: str | None = None
        if latest is not None and latest[1] < NOTICE_MAX_PEOPLE:
            state = await outbox.row_state(tx, latest[0])
            if (
                state is not None
                and state.state is RowState.PENDING
                and state.id not in self._inflight
            ):
                key = latest[0]
        existing = key is not None
        if key is None:
            sequence = int(latest[0].rsplit(":", 1)[1]) + 1 if latest else 1
            key = f"unreachable:{row.batch_id}:{sequence}"
        # Until this commit lands, the dispatcher must not pick up an older text of the notice.
        self._held.add(key)
        if not await outbox.record_batch_unreachable(
            tx, row.batch_id, row.chat_id, row.person_id, reason, key, now
        ):
            return
        lang = await users.language_of(tx, owner.owner_chat_id, self.settings.locale)
        entries = await outbox.notice_entries(tx, key)
        total = await outbox.batch_unreachable_count(tx, row.batch_id)
        text = render_unreachable_notice(self.catalog, lang, owner.label, entries, total)
        if existing:
            await outbox.set_pending_text(tx, key, text)
            return
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                chat_id=owner.owner_chat_id,
                text=text,
                priority=Priority.REMINDER,
                dedup_key=key,
            ),
            now,
        )
        # Wait a moment so that the others failing in the same minute join this notice.
        state = await outbox.row_state(tx, key)
        if state is not None:
            delay = timedelta(seconds=self.settings.unreachable_notice_delay_s)
            await outbox.defer(tx, state.id, self._wall_now() + delay, "collecting")


async def _guarded(awaitable: Awaitable[None], what: str) -> None:
    try:
        await awaitable
    except Exception:
        log.exception("%s failed", what)
