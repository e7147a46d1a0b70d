"""The outbox drainer: every message owed to someone goes out, most urgent first, at the limit.

How it works, and why:

- **The table is the truth.** The dispatcher keeps a small in-memory window of the most
  urgent due rows (`storage.outbox.due`), refilled whenever someone commits new rows and
  calls `wake()`. A small window is what lets a call-out enqueued behind a 3,000-message
  broadcast go out next.
- **Pacing** (`RateLimits`): one overall slot schedule (evenly spaced at the overall limit,
  absolute times so sleeping late does not drift) and a token bucket per chat (private: rate
  + small burst; group: per-minute rate). Direct replies sent by PTB draw from the same
  budget through `SharedRateLimiter`.
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
  and `on_unreachable` callbacks run after the commit.
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
from enum import Enum
from typing import Any

import aiohttp
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.i18n import Catalog, format_number
from storage import outbox, users
from storage.db import Database, Transaction
from storage.outbox import OutboxRow, OutgoingMessage, Priority, RowState, UnreachableEntry

log = logging.getLogger(__name__)

UnreachableCallback = Callable[[int | None, int, str], Awaitable[None]]

DEFAULT_API_BASE = "https://api.telegram.org/bot"
# People listed in one unreachable notice; more start a new message (Telegram's 4,096 chars).
NOTICE_MAX_PEOPLE = 25
# Completions looked at to measure the current rate (for ETAs).
RATE_WINDOW_S = 10.0
# With nothing to do, look at the table this often anyway: a caller that forgot `wake()`
# is late by this much, never forgotten.
IDLE_POLL_S = 1.0

# Per-chat buckets refill a little slower than the limit: the bot charges a message when it
# leaves, Telegram when it arrives, and arrival jitter must not turn a full-rate burst into a 429.
PER_CHAT_MARGIN = 0.95

_UNREACHABLE_400 = ("chat not found", "peer_id_invalid", "user not found", "chat_id is empty")


@dataclass(frozen=True)
class DeliveryProgress:
    total: int
    sent: int
    failed: int
    pending: int
    eta_seconds: float | None

    @property
    def done(self) -> bool:
        return self.pending == 0


# -- pacing ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _ChatBucket:
    rate: float
    capacity: float
    tokens: float
    updated: float
    paused_until: float = 0.0

    def refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def wait(self, now: float) -> float:
        self.refill(now)
        wait = 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate
        return max(wait, self.paused_until - now)


class RateLimits:
    """Telegram's budget, shared by the drainer and the bot's direct replies.

    Overall: evenly spaced slots at `overall_per_s`. A slot that comes late (the loop was
    busy, a sleep overshot) may be caught up within `slack`, so the long-run rate stays at
    the limit, but never more than a few slots' worth of burst.
    """

    def __init__(
        self,
        *,
        overall_per_s: float,
        private_per_s: float,
        private_burst: int,
        group_per_min: float,
        group_burst: int = 1,
    ) -> None:
        self.overall_per_s = overall_per_s
        self._interval = 1.0 / overall_per_s
        self._slack = min(3 * self._interval, 0.1)
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._private = (private_per_s * PER_CHAT_MARGIN, float(private_burst))
        self._group = (group_per_min / 60.0 * PER_CHAT_MARGIN, float(group_burst))
        self._chats: dict[int, _ChatBucket] = {}
        self._recent_429: deque[tuple[float, int]] = deque(maxlen=16)

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        paid = settings.paid_broadcast
        overall = settings.paid_rate_per_s if paid else settings.rate_overall_per_s
        return cls(
            overall_per_s=overall,
            private_per_s=settings.rate_private_per_s,
            private_burst=settings.private_burst,
            group_per_min=settings.rate_group_per_min,
            group_burst=settings.group_burst,
        )

    def reserve(self, now: float) -> float:
        """Take the next overall slot; returns when it starts (may be `now`)."""
        start = max(self._next_slot, now - self._slack, self._paused_until)
        self._next_slot = start + self._interval
        return start

    def _bucket(self, chat_id: int, now: float) -> _ChatBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            rate, capacity = self._private if chat_id > 0 else self._group
            bucket = self._chats[chat_id] = _ChatBucket(rate, capacity, capacity, now)
            if len(self._chats) > 50_000:
                self._prune(now)
        return bucket

    def chat_wait(self, chat_id: int, now: float) -> float:
        """Seconds until `chat_id` may receive the next message (0 when it may now)."""
        bucket = self._chats.get(chat_id)
        return 0.0 if bucket is None else bucket.wait(now)

    def take_chat(self, chat_id: int, now: float) -> bool:
        """Charge one message to the chat; True when the chat was idle (bucket full)."""
        bucket = self._bucket(chat_id, now)
        bucket.refill(now)
        idle = bucket.tokens >= bucket.capacity - 1e-9
        bucket.tokens -= 1.0
        return idle

    def blocked_chats(self, now: float, horizon: float) -> list[tuple[int, float]]:
        """Chats that may not receive anything within `horizon` s, with their wait."""
        found = []
        for chat_id, bucket in self._chats.items():
            wait = bucket.wait(now)
            if wait > horizon:
                found.append((chat_id, wait))
        return found

    def pause_chat(self, chat_id: int, until: float) -> None:
        bucket = self._bucket(chat_id, until)
        bucket.paused_until = max(bucket.paused_until, until)

    def pause_all(self, until: float) -> None:
        self._paused_until = max(self._paused_until, until)

    def flood(self, chat_id: int, retry_after: float, now: float, *, chat_was_idle: bool) -> bool:
        """A 429 for `chat_id`; returns True when it was taken as the overall limit.

        Telegram does not say which limit was hit. A chat we had left idle, or 429s for
        several chats within a second, point at the overall budget: pause everything.
        Otherwise only that chat waits (the limit covers it alone).
        """
        until = now + retry_after
        self.pause_chat(chat_id, until)
        self._recent_429.append((now, chat_id))
        others = {c for t, c in self._recent_429 if now - t < 1.0 and c != chat_id}
        if chat_was_idle or others:
            self.pause_all(until)
            return True
        return False

    def _prune(self, now: float) -> None:
        for chat_id in [
            c
            for c, b in self._chats.items()
            if b.paused_until <= now and b.tokens + (now - b.updated) * b.rate >= b.capacity
        ]:
            del self._chats[chat_id]


class SharedRateLimiter(BaseRateLimiter[None]):
    """PTB's rate limiter seam, drawing from the drainer's `RateLimits`.

    Only calls that put something into a chat are paced; `answerCallbackQuery`, `getUpdates`
    and the like pass straight through, so a saturated outbox never delays a button answer.
    A `RetryAfter` pauses the chat (or everything) for the drainer too, and is retried once
    when short.
    """

    def __init__(self, limits: RateLimits, *, max_retry_after: float = 5.0) -> None:
        self.limits = limits
        self.max_retry_after = max_retry_after

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = _paced_chat(endpoint, data)
        if chat_id is None:
            return await callback(*args, **kwargs)
        retried = False
        while True:
            chat_was_idle = await self._acquire(chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = _seconds(exc.retry_after)
                self.limits.flood(chat_id, delay, time.monotonic(), chat_was_idle=chat_was_idle)
                if retried or delay > self.max_retry_after:
                    raise
                retried = True
                await asyncio.sleep(delay)

    async def _acquire(self, chat_id: int) -> bool:
        limits = self.limits
        while True:
            now = time.monotonic()
            wait = limits.chat_wait(chat_id, now)
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            start = limits.reserve(now)
            if start > now:
                # The chat is charged when the request leaves, not before a long wait for the
                # overall slot (a pause): charging early lets a burst pile up behind it.
                await asyncio.sleep(start - now)
                now = time.monotonic()
                if limits.chat_wait(chat_id, now) > 0:
                    continue
            return limits.take_chat(chat_id, now)


def _paced_chat(endpoint: str, data: dict[str, Any]) -> int | None:
    name = endpoint.lower()
    if not name.startswith(("send", "edit", "copy", "forward")) or name == "sendchataction":
        return None
    try:
        return int(data.get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _seconds(value: float | timedelta | int) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# -- the lean HTTP path -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiAnswer:
    """What one Bot API call came back with; status 0 means no HTTP answer at all."""

    ok: bool
    status: int
    message_id: int | None = None
    description: str = ""
    retry_after: float | None = None
    migrate_to: int | None = None
    result: Any = None


class BotApiClient:
    """One keep-alive connection pool posting JSON to `{base}{token}/{method}`."""

    def __init__(
        self, base_url: str, token: str, *, timeout_s: float, max_connections: int
    ) -> None:
        self._prefix = f"{base_url}{token}/"
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    @property
    def started(self) -> bool:
        return self._session is not None

    async def start(self) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections, ttl_dns_cache=300, enable_cleanup_closed=True
            )
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout, json_serialize=_dumps
            )

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def call(self, method: str, payload: dict[str, Any]) -> ApiAnswer:
        return await self._post(method, data=_dumps(payload).encode(), json_body=True)

    async def call_multipart(
        self, method: str, fields: dict[str, str], file_field: str, file_name: str, data: bytes
    ) -> ApiAnswer:
        form = aiohttp.FormData()
        for key, value in fields.items():
            form.add_field(key, value)
        form.add_field(file_field, data, filename=file_name)
        return await self._post(method, data=form, json_body=False)

    async def _post(self, method: str, *, data: Any, json_body: bool) -> ApiAnswer:
        if self._session is None:
            raise RuntimeError("BotApiClient.start() was not called")
        headers = {"Content-Type": "application/json"} if json_body else None
        try:
            async with self._session.post(
                self._prefix + method, data=data, headers=headers
            ) as response:
                status = response.status
                body = await response.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return ApiAnswer(False, 0, description=f"network: {type(exc).__name__}: {exc}")
        return _parse_answer(status, body)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _parse_answer(status: int, body: bytes) -> ApiAnswer:
    try:
        parsed = json.loads(body)
    except ValueError:
        return ApiAnswer(False, status, description=f"HTTP {status}: not JSON")
    if not isinstance(parsed, dict):
        return ApiAnswer(False, status, description=f"HTTP {status}: unexpected answer")
    if parsed.get("ok") is True:
        result = parsed.get("result")
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return ApiAnswer(True, status, message_id=message_id, result=result)
    code = parsed.get("error_code")
    params = parsed.get("parameters") or {}
    retry_after = params.get("retry_after") if isinstance(params, dict) else None
    migrate = params.get("migrate_to_chat_id") if isinstance(params, dict) else None
    return ApiAnswer(
        False,
        int(code) if isinstance(code, int) else status,
        description=str(parsed.get("description") or ""),
        retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
        migrate_to=int(migrate) if isinstance(migrate, int) else None,
    )


# -- outcomes --------------------------------------------------------------------------------


class _Verdict(Enum):
    SENT = "sent"
    FLOOD = "flood"
    MIGRATE = "migrate"
    TRANSIENT = "transient"
    UNREACHABLE = "unreachable"
    FAILED = "failed"


@dataclass(slots=True)
class _Outcome:
    row: OutboxRow
    verdict: _Verdict
    answer: ApiAnswer
    finished: float  # monotonic


def _classify(row: OutboxRow, answer: ApiAnswer) -> _Verdict:
    if answer.ok:
        return _Verdict.SENT
    if answer.retry_after is not None:
        return _Verdict.FLOOD
    if answer.migrate_to is not None:
        return _Verdict.MIGRATE
    code, desc = answer.status, answer.description.lower()
    if code == 0 or code >= 500 or code in (401, 404, 409, 420, 429):
        # No answer, a server fault, or a token/config problem someone will fix: wait.
        return _Verdict.TRANSIENT
    if "message is not modified" in desc:
        return _Verdict.SENT
    if code == 403 or (code == 400 and any(s in desc for s in _UNREACHABLE_400)):
        return _Verdict.UNREACHABLE
    return _Verdict.FAILED


def unreachable_reason(description: str) -> str:
    """A short reason code for the owner's notice from Telegram's description."""
    desc = description.lower()
    if "blocked" in desc:
        return "blocked"
    if "deactivated" in desc:
        return "deactivated"
    if "kicked" in desc or "not a member" in desc:
        return "kicked"
    if "not found" in desc or "peer_id_invalid" in desc:
        return "not-found"
    return "other"


# -- the drainer ------------------------------------------------------------------------------


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
        self._outcomes: list[_Outcome] = []
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

    def on_unreachable(self, callback: UnreachableCallback) -> None:
        """`await callback(person_id, chat_id, dedup_key)` after a 403/`chat not found` is
        committed (e.g. a call-out replaces the person). Runs once per failed row, after the
        commit; a crash in between skips it, so keep a deadline as the backstop."""
        self._unreachable_callbacks.append(callback)

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
            if row.dedup_key in self._held:
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
        verdict = _classify(row, answer)
        now = time.monotonic()
        if verdict is _Verdict.FLOOD:
            self.stats.floods += 1
            self.limits.flood(
                row.chat_id,
                answer.retry_after or 1.0,
                now,
                chat_was_idle=row.id in self._idle_chats,
            )
        self._idle_chats.discard(row.id)
        self._outcomes.append(_Outcome(row, verdict, answer, now))
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
        content = await outbox.document_bytes(self.db, row.id)
        fields = {"chat_id": str(row.chat_id)}
        if row.text:
            fields["caption"] = row.text
            if row.parse_mode:
                fields["parse_mode"] = row.parse_mode
        if paid:
            fields["allow_paid_broadcast"] = "true"
        return await self.client.call_multipart(
            "sendDocument", fields, "document", row.file_name or "file", content
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
                events, reread = await self._record(batch)
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
            for event in events:
                for callback in self._unreachable_callbacks:
                    self._spawn(_guarded(callback(*event), "on_unreachable callback"))
            if self._stopping and not self._outcomes and all(t.done() for t in self._tasks):
                return

    def _recheck_in(self, seconds: float) -> None:
        at = time.monotonic() + seconds
        self._recheck_at = at if self._recheck_at is None else min(self._recheck_at, at)

    async def _record(
        self, batch: list[_Outcome]
    ) -> tuple[list[tuple[int | None, int, str]], bool]:
        now = self.clock.now()
        reread = False
        wall = self._wall_now()
        events: list[tuple[int | None, int, str]] = []
        sent: list[tuple[int, int | None]] = []
        reached: list[int] = []
        stats = self.stats
        async with self.db.transaction() as tx:
            for outcome in batch:
                row, verdict, answer = outcome.row, outcome.verdict, outcome.answer
                if verdict is _Verdict.SENT:
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
                elif verdict is _Verdict.FLOOD:
                    # The whole chat waits (its other rows would only meet the same 429), and
                    # its messages keep their order.
                    retry = wall + timedelta(seconds=answer.retry_after or 1.0)
                    await outbox.defer_chat(tx, row.chat_id, retry, answer.description)
                    self._recheck_in(answer.retry_after or 1.0)
                elif verdict is _Verdict.MIGRATE:
                    assert answer.migrate_to is not None
                    moved = await outbox.move_chat(tx, row.chat_id, answer.migrate_to)
                    reread = True
                    log.warning(
                        "chat %d became %d; %d queued messages follow it",
                        row.chat_id,
                        answer.migrate_to,
                        moved,
                    )
                elif verdict is _Verdict.TRANSIENT:
                    await self._retry_or_fail(tx, row, answer, wall)
                elif verdict is _Verdict.UNREACHABLE:
                    await self._unreachable(tx, row, answer, now)
                    reread = True  # the owner's notice is a new (or changed) row
                    events.append((row.person_id, row.chat_id, row.dedup_key))
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
                await outbox.clear_unreachable(tx, reached)
        return events, reread

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


# -- rendering --------------------------------------------------------------------------------


def render_unreachable_notice(
    catalog: Catalog, lang: str, batch: str, entries: list[UnreachableEntry], total: int
) -> str:
    lines = [catalog.html(lang, "delivery-unreachable-title", batch=batch, count=total)]
    for entry in entries:
        reason = catalog.text(lang, f"delivery-reason-{entry.reason}")
        if entry.name:
            lines.append(
                catalog.html(
                    lang,
                    "delivery-unreachable-person",
                    name=entry.name,
                    unit=entry.unit or "-",
                    phone=entry.phone or "-",
                    reason=reason,
                )
            )
        else:
            lines.append(
                catalog.html(
                    lang, "delivery-unreachable-chat", chat=str(entry.chat_id), reason=reason
                )
            )
    lines.append(catalog.html(lang, "delivery-unreachable-footer"))
    return "\n".join(lines)


def render_progress(catalog: Catalog, lang: str, progress: DeliveryProgress) -> str:
    args: dict[str, str | int | float] = {
        "sent": format_number(progress.sent, lang),
        "total": format_number(progress.total, lang),
        "failed": format_number(progress.failed, lang),
    }
    if progress.pending == 0 or progress.eta_seconds is None:
        key = "delivery-progress-done" if progress.failed == 0 else "delivery-progress-done-failed"
        return catalog.html(lang, key, **args)
    seconds = max(1, math.ceil(progress.eta_seconds))
    if seconds < 120:
        eta = catalog.text(lang, "delivery-eta-seconds", n=seconds)
    else:
        eta = catalog.text(lang, "delivery-eta-minutes", n=math.ceil(seconds / 60))
    return catalog.html(lang, "delivery-progress", eta=eta, **args)
