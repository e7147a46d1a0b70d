"""`python -m bot simulate`: one evening with the real bot, rehearsed on this machine.

The real application (`build_application` + `start_app`, every handler, the outbox drainer,
the scheduler, SQLite) runs against the in-process fake Bot API with Telegram's flood limits
switched on. A synthetic roster (the demo roster, 3,294 people by default) is linked and SIAP
before the bot starts; one admin opens a roll call of everyone and then orders a call-out;
simulated people answer with human delays, some decline with a reason, some never answer,
a few have blocked the bot, and those who go share their location on arrival. No token and
no network are needed: the fake listens on 127.0.0.1 only.

Time. Deadlines (roll-call close, reminders, invitation timeouts) and the people's delays run
on a `FakeClock` that this module moves. It runs up to `speed` times faster than real time
while the bot is idle, and at real time whenever the bot has a backlog (messages queued for
Telegram, updates not yet handled): Telegram's pacing (30 messages a second) and the bot's
own speed are never compressed, so "quota filled after 3:10" means 3:10 of evening. The
clock starts on voting day 2024 (in the past on purpose: the drainer takes the later of the
injected clock and the system clock as "now", so its retry waits stay real seconds).

The timeline shows simulated time, with real time in brackets.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import heapq
import itertools
import logging
import math
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Literal, TextIO
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from bot.app import build_application, services_of
from bot.clock import FakeClock
from bot.config import Settings
from bot.domain.apel import build_tally
from bot.domain.callout import CalloutStatus, InviteState, LineTally
from bot.domain.roster import parse_categories_csv
from bot.i18n import Catalog, format_time
from bot.rehearsal.demo_roster import generate_demo_roster
from bot.rehearsal.fake_telegram import FakeTelegram, RecordedRequest, SentMessage, SimUser
from bot.runner import start_app, stop_app
from examples import CATEGORIES
from storage import apel as apel_store
from storage import callouts as callout_store
from storage import inbox, personnel, readiness
from storage.categories import import_categories
from storage.db import Database
from storage.roster import import_roster

log = logging.getLogger(__name__)

# Shaped like a real token so Settings accepts it; only the fake ever sees it.
TOKEN = "123456789:AAEsimulatorTokenNeverLeavesThisMachine"
ADMIN_ID = 900_001
# A person's Telegram id is this plus their roster id: stable and never the admin's.
USER_ID_BASE = 10_000_000
# 19:00 WIB on voting day (14 Feb 2024), when the quick counts come out: jam rawan.
START = datetime(2024, 2, 14, 12, 0, tzinfo=UTC)
# Kantor KPU Provinsi Kalimantan Barat, Pontianak.
SITE = (-0.0263, 109.3425)
SITE_NAME = "Kantor KPU Kalbar, Pontianak"
ZONE = ZoneInfo("Asia/Pontianak")

TICK_S = 0.05  # real seconds between clock moves
# A backlog worth one second of Telegram traffic slows the clock to real time; a single live
# card edit waiting for its interval does not.
BACKLOG_ROWS = 30
BACKLOG_UPDATES = 50
# How long a simulated person waits (real seconds) for the bot's next screen before giving up.
SCREEN_WAIT_S = 300.0
COMMANDER_WAIT_S = 120.0
REPORT_AT_MINUTES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 90, 120)
BLOCKED_SHARE = 0.005  # blocked the bot long ago: Telegram answers 403


# -- how people behave ------------------------------------------------------------------------


class Move(Enum):
    YES = "yes"  # Hadir / Siap berangkat
    NO = "no"  # Tidak hadir / Tidak bisa, then a reason
    LATE = "late"  # only answers once reminded
    SILENT = "silent"  # never answers


@dataclass(frozen=True)
class Reaction:
    move: Move
    delay_s: float  # simulated seconds after the message (or the reminder) arrives
    reason: str = ""


@dataclass(frozen=True)
class Behaviour:
    """Shares of each move and the log-normal answer delay (median, spread)."""

    silent: float
    late: float
    decline: float
    median_s: float
    sigma: float
    reasons: tuple[tuple[str, float], ...] = (
        ("sakit", 0.3),
        ("izin", 0.3),
        ("cuti", 0.15),
        ("dinas_luar", 0.15),
        ("lainnya", 0.1),
    )

    def draw(self, rng: random.Random) -> Reaction:
        roll = rng.random()
        delay = self.delay(rng)
        if roll < self.silent:
            return Reaction(Move.SILENT, math.inf)
        if roll < self.silent + self.late:
            return Reaction(Move.LATE, math.inf)
        if roll < self.silent + self.late + self.decline:
            codes, weights = zip(*self.reasons, strict=True)
            return Reaction(Move.NO, delay, rng.choices(codes, weights)[0])
        return Reaction(Move.YES, delay)

    def delay(self, rng: random.Random) -> float:
        # Log-normal: most answer within a minute or two, a long tail takes many minutes.
        return max(3.0, rng.lognormvariate(math.log(self.median_s), self.sigma))


# Roll call: p10 ≈ 30 s, median 75 s, p90 ≈ 3 min, p99 ≈ 8 min.
ROLLCALL = Behaviour(silent=0.08, late=0.05, decline=0.05, median_s=75.0, sigma=0.7)
# Call-out: people with the phone at hand tap fast; more cannot go at an hour's notice.
CALLOUT = Behaviour(silent=0.10, late=0.05, decline=0.15, median_s=50.0, sigma=0.8)
AFTER_REMINDER = Behaviour(silent=0.0, late=0.0, decline=0.0, median_s=40.0, sigma=0.6)
TRAVEL_MEDIAN_S = 20 * 60.0
OTHER_REASON = "urusan keluarga"
REASON_PAUSE_S = 8.0  # finding the right reason button


def person_rng(seed: int, purpose: str, user_id: int) -> random.Random:
    """One stream per person and purpose: a run repeats whatever order events come in."""
    return random.Random(f"siaga-sim:{seed}:{purpose}:{user_id}")


async def outbox_backlog(db: Database) -> tuple[int, int]:
    """Pending outbox rows, and how many of them are new messages (not edits).

    A probe for the simulator and the benchmarks only; the bot itself never needs the
    outbox's size, so it lives here rather than in `storage.outbox`.
    """
    row = await db.fetchone(
        "SELECT COUNT(*), COALESCE(SUM(kind != 'edit'), 0) FROM outbox WHERE state = 'pending'"
    )
    return (int(row[0]), int(row[1])) if row else (0, 0)


# -- the roster --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimPerson:
    person_id: int
    user_id: int
    first_name: str
    category: str
    unit: str
    role: str = "anggota"


async def prepare_roster(
    db_path: Path,
    size: int,
    seed: int,
    now: datetime,
    *,
    categories_csv: bytes | None = None,
) -> list[SimPerson]:
    """Categories, the demo roster of `size`, everyone linked and SIAP, straight into the
    database before the bot starts (registration has its own tests and would take hours)."""
    db = await Database.open(db_path)
    try:
        data = CATEGORIES.read_bytes() if categories_csv is None else categories_csv
        await import_categories(db, data, now)
        seed_rows = parse_categories_csv(data)
        sizes = [(c.code, c.target_strength) for c in seed_rows]
        rows = generate_demo_roster(sizes, size=size, seed=seed)
        await import_roster(db, rows, now, source="simulator")
        people = await personnel.active_in(db)
        async with db.transaction() as tx:
            for index, person in enumerate(people):
                await personnel.link(tx, person.id, USER_ID_BASE + person.id, now)
                # A second apart: "longest ready first" gives a stable invitation order.
                confirmed = now - timedelta(seconds=len(people) - index)
                await readiness.set_ready(tx, person.id, confirmed, source="simulator")
    finally:
        await db.close()
    return [
        SimPerson(p.id, USER_ID_BASE + p.id, p.name.split()[0], p.category_code, p.unit, p.role)
        for p in people
    ]


# -- options and results -----------------------------------------------------------------------


@dataclass(frozen=True)
class SimOptions:
    personnel: int = 3294
    latency_ms: float = 0.0
    seed: int = 2024
    speed: float = 60.0
    apel_minutes: int = 30
    callout_category: str = "BRIMOB"
    callout_quota: int = 30
    # The commander closes the call-out once everyone who went has arrived, or after this.
    callout_minutes: int = 90
    lang: Literal["id", "en"] = "id"


@dataclass
class RollCallResult:
    id: int = 0
    called: int = 0
    prompts_delivered: int = 0
    # Real seconds from the first to the last prompt reaching Telegram.
    prompt_seconds: float = 0.0
    yes: int = 0
    no: int = 0
    no_answer: int = 0
    unreachable: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    reminders: int = 0


@dataclass
class CalloutResult:
    id: int = 0
    category: str = ""
    quota: int = 0
    invited: int = 0
    accepted: int = 0
    declined: int = 0
    no_answer: int = 0
    stood_down: int = 0
    arrived: int = 0
    filled_after_s: float | None = None  # simulated seconds from the order being sent
    first_wave_real_s: float | None = None  # real seconds until the first `quota` invitations


@dataclass
class SimResult:
    personnel: int
    rollcall: RollCallResult
    callout: CalloutResult
    messages_sent: int
    edits: int
    callback_answers: int
    floods: int
    # None when the fake checked nothing (no spec): then the summary says so.
    spec_violations: int | None
    spec_version: str
    # The fastest Telegram's overall limit allows for the prompts delivered (its burst, then
    # the steady rate): what the measured time is to be read against.
    prompt_floor_seconds: float
    telegram_rate_per_s: float
    real_seconds: float
    simulated_seconds: float


# -- simulated time ----------------------------------------------------------------------------


class SimTime:
    """A `FakeClock` moved by `pace()`; people sleep on it."""

    def __init__(self, clock: FakeClock, speed: float) -> None:
        self.clock = clock
        self.speed = speed
        self.rate = speed
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._holds = 0

    def now(self) -> datetime:
        return self.clock.now()

    @contextlib.contextmanager
    def real_time(self) -> Iterator[None]:
        """Run at real time meanwhile: a commander's taps take seconds, not minutes."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1

    async def sleep(self, seconds: float) -> None:
        due = self.clock.now() + timedelta(seconds=seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (due, next(self._seq), future))
        await future

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self.clock.advance(seconds=seconds)
        now = self.clock.now()
        while self._sleepers and self._sleepers[0][0] <= now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)

    async def pace(self, busy: Callable[[], Awaitable[bool]]) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(TICK_S)
            now = time.monotonic()
            elapsed, last = now - last, now
            try:
                backlog = bool(self._holds) or await busy()
            except Exception:
                # A failed probe (say the database was busy) must not stop time: go slow.
                log.warning("simulator: backlog probe failed", exc_info=True)
                backlog = True
            self.rate = 1.0 if backlog else self.speed
            self.advance(elapsed * self.rate)


class Progress:
    """When to print a progress line: at set minutes of the phase, and only if it changed."""

    def __init__(self) -> None:
        self._marks = iter(REPORT_AT_MINUTES)
        self._next: float = next(self._marks)
        self._last: tuple[int, ...] = ()

    def due(self, elapsed_s: float, state: tuple[int, ...]) -> bool:
        if elapsed_s / 60 < self._next:
            return False
        while elapsed_s / 60 >= self._next:
            self._next = next(self._marks, math.inf)
        if state == self._last:
            return False
        self._last = state
        return True


# -- the timeline ------------------------------------------------------------------------------


def clock_text(seconds: float) -> str:
    """`01:52`, or `1:02:03` past an hour."""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class Timeline:
    def __init__(self, catalog: Catalog, lang: str, time_: SimTime, out: TextIO) -> None:
        self.catalog = catalog
        self.lang = lang
        self.time = time_
        self.out = out
        self.real_start = time.monotonic()
        self.phase_start = time_.now()

    def text(self, key: str, **args: str | int | float) -> str:
        return self.catalog.text(self.lang, key, **args)

    def line(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def phase(self, key: str, **args: str | int | float) -> None:
        self.phase_start = self.time.now()
        self.line()
        self.line(self.text(key, **args))

    def elapsed(self) -> float:
        return (self.time.now() - self.phase_start).total_seconds()

    def say(self, key: str, **args: str | int | float) -> None:
        real = time.monotonic() - self.real_start
        self.line(f"+{clock_text(self.elapsed())}  [{clock_text(real)}]  {self.text(key, **args)}")


# -- watching what Telegram delivered ----------------------------------------------------------


Listener = Callable[[SimPerson, SentMessage, str], None]


class Watcher:
    """Reads the fake's request log as it grows and tells people about their new messages.

    Only requests that finished are read: a sendMessage still in flight is picked up on the
    next turn. Long polls never finish quickly, so they are skipped, not waited for.
    """

    WATCHED = frozenset({"sendmessage", "editmessagetext", "answercallbackquery"})

    def __init__(self, fake: FakeTelegram, people: dict[int, SimPerson]) -> None:
        self.fake = fake
        self.people = people
        self.listeners: list[Listener] = []
        self._next = 0
        self._unfinished: list[RecordedRequest] = []
        # When each roll-call prompt and each first invitation reached Telegram (monotonic).
        self.prompts: dict[int, list[float]] = {}
        self.invitations: list[float] = []
        self._invited: set[int] = set()

    def scan(self) -> None:
        requests = self.fake.requests
        pending, self._unfinished = self._unfinished, []
        fresh = requests[self._next :]
        self._next = len(requests)
        for rec in [*pending, *fresh]:
            if rec.method.lower() not in self.WATCHED:
                continue
            if not rec.status:
                self._unfinished.append(rec)
                continue
            if rec.ok and rec.method.lower() == "sendmessage":
                self._message(rec)

    def _message(self, rec: RecordedRequest) -> None:
        result = rec.result
        if not isinstance(result, dict):
            return
        chat_id = int(result.get("chat", {}).get("id", 0))
        person = self.people.get(chat_id)
        if person is None:
            return
        message = self.fake.message(chat_id, int(result["message_id"]))
        for button in message.buttons:
            data = str(button.get("callback_data", ""))
            parts = data.split(":")
            if data.startswith("ap:v1:y:") and len(parts) >= 5:
                if parts[4] == "p":
                    self.prompts.setdefault(int(parts[3]), []).append(rec.time)
            elif data.startswith("co:v1:ok:") and len(parts) >= 4:
                if int(parts[3]) not in self._invited:
                    self._invited.add(int(parts[3]))
                    self.invitations.append(rec.time)
            else:
                continue
            for listener in self.listeners:
                listener(person, message, data)
            return


async def bot_busy(watcher: Watcher, fake: FakeTelegram, db: Database) -> bool:
    """The bot has a backlog: messages waiting for Telegram or updates not yet handled (the
    pacer then runs the clock at real time)."""
    watcher.scan()
    rows, sends = await outbox_backlog(db)
    if sends > 0 or rows >= BACKLOG_ROWS:
        return True
    waiting = len(fake.pending_updates) + await inbox.count(db)
    return waiting >= BACKLOG_UPDATES


def bot_settings(db_path: Path, fake: FakeTelegram, **overrides: Any) -> Settings:
    """The bot's settings against the in-process fake: no .env, the simulator's admin."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=SecretStr(TOKEN),
        db_path=db_path,
        api_base_url=fake.api_base_url,
        api_file_url=fake.file_base_url,
        admin_ids=[ADMIN_ID],
        **overrides,
    )


# -- the simulation ----------------------------------------------------------------------------


class Simulation:
    def __init__(self, options: SimOptions, out: TextIO) -> None:
        self.options = options
        self.out = out
        self.catalog = Catalog.load(default=options.lang)
        self.time = SimTime(FakeClock(START), options.speed)
        self.timeline = Timeline(self.catalog, options.lang, self.time, out)
        self.tasks: set[asyncio.Task[None]] = set()
        self.people: dict[int, SimPerson] = {}
        self.blocked: set[int] = set()
        self.answered: set[tuple[str, int]] = set()  # (purpose, user id)
        self.scheduled: set[tuple[str, int]] = set()
        self.reminded: dict[str, int] = {}
        self.rollcall = RollCallResult()
        self.callout = CalloutResult()

    # -- plumbing ------------------------------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("a simulated person stumbled", exc_info=task.exception())

    async def cancel_people(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        for task in list(self.tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def busy(self) -> bool:
        return await bot_busy(self.watcher, self.fake, self.observer)

    async def until(
        self, check: Callable[[], Awaitable[Any]], limit_s: float = 120.0, what: str = ""
    ) -> Any:
        """Poll `check` (real time) until it returns something truthy."""
        deadline = time.monotonic() + limit_s
        while True:
            value = await check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"simulation stuck waiting for {what}")
            await asyncio.sleep(0.05)

    async def button(
        self, chat_id: int, prefix: str, limit_s: float = SCREEN_WAIT_S
    ) -> str | None:
        """Wait for a button whose callback data starts with `prefix` and return that data;
        None when it never comes (e.g. the roll call closed between two taps)."""

        async def find() -> str | None:
            for message in reversed(self.fake.sent_to(chat_id)):
                for b in message.buttons:
                    data = str(b.get("callback_data", ""))
                    if data.startswith(prefix):
                        return data
            return None

        try:
            found: str = await self.until(find, limit_s, prefix)
        except TimeoutError:
            return None
        return found

    async def commander_button(self, prefix: str) -> str:
        found = await self.button(ADMIN_ID, prefix, COMMANDER_WAIT_S)
        if found is None:
            raise TimeoutError(f"the commander never saw a {prefix} button")
        return found

    async def press(self, user: SimUser, data: str) -> str | None:
        """Tap the button carrying `data` on the newest message that shows it; None when it
        is gone (the bot edited it away, e.g. stood down, before the person got to it)."""
        try:
            return await user.press(lambda b: b.get("callback_data") == data)
        except AssertionError:
            return None

    async def answered_cq(self, cq: str, limit_s: float = SCREEN_WAIT_S) -> None:
        async def check() -> bool:
            return self.fake.callback_answer(cq) is not None

        await self.until(check, limit_s, f"answer to {cq}")

    # -- the run -------------------------------------------------------------------------------

    async def run(self) -> SimResult:
        opts = self.options
        with tempfile.TemporaryDirectory(prefix="siaga-sim-") as folder:
            db_path = Path(folder) / "siaga.db"
            started = time.monotonic()
            roster = await prepare_roster(db_path, opts.personnel, opts.seed, START)
            self.people = {p.user_id: p for p in roster}
            setup_s = time.monotonic() - started
            async with FakeTelegram(
                token=TOKEN, validate_results=False, require_start=False
            ) as fake:
                self.fake = fake
                fake.faults.rate_limits = True
                fake.faults.latency_ms = opts.latency_ms
                self.admin = fake.user(ADMIN_ID, "Komandan", language_code=opts.lang)
                for person in roster:
                    fake.user(person.user_id, person.first_name, language_code=opts.lang)
                    if person_rng(opts.seed, "blocked", person.user_id).random() < BLOCKED_SHARE:
                        fake.faults.fail_chat(person.user_id)
                        self.blocked.add(person.user_id)
                self.watcher = Watcher(fake, self.people)
                self.watcher.listeners.append(self.on_message)
                self.header(roster, setup_s)
                settings = bot_settings(db_path, fake, locale=opts.lang)
                app = build_application(settings, clock=self.time.clock, catalog=self.catalog)
                self.observer = await Database.open(db_path)
                await start_app(app, poll_timeout=2)
                pacer = asyncio.create_task(self.time.pace(self.busy))
                try:
                    self.services = services_of(app)
                    await self.run_rollcall()
                    await self.cancel_people()
                    await self.run_callout()
                finally:
                    await self.cancel_people()
                    pacer.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await pacer
                    await stop_app(app)
                    await self.observer.close()
                result = self.result(time.monotonic() - self.timeline.real_start)
        self.summary(result)
        return result

    def header(self, roster: Sequence[SimPerson], setup_s: float) -> None:
        opts = self.options
        t = self.timeline
        t.line(
            t.text(
                "sim-header",
                personnel=len(roster),
                categories=len({p.category for p in roster}),
                latency=round(opts.latency_ms),
                speed=round(opts.speed, 1),
                seed=str(opts.seed),  # a seed is a name, not a quantity: no 2.024
            )
        )
        t.line(t.text("sim-clock-note", speed=round(opts.speed, 1)))
        t.line(
            t.text(
                "sim-setup",
                seconds=round(setup_s, 1),
                blocked=len(self.blocked),
                start=format_time(START, ZONE, opts.lang),
            )
        )

    # -- people --------------------------------------------------------------------------------

    def on_message(self, person: SimPerson, message: SentMessage, data: str) -> None:
        """A prompt, an invitation, or a reminder of either reached this person's phone."""
        parts = data.split(":")
        rollcall = parts[0] == "ap"
        purpose = f"{parts[0]}:{parts[3]}"  # ap:<roll call id> or co:<invite id>
        key = (purpose, person.user_id)
        reminder = parts[4] != "p" if rollcall else key in self.scheduled
        if reminder:
            counter = purpose if rollcall else "co"
            self.reminded[counter] = self.reminded.get(counter, 0) + 1
        if key in self.answered:
            return
        # The same draw every time: a person's character does not change between messages.
        rng = person_rng(self.options.seed, purpose, person.user_id)
        reaction = (ROLLCALL if rollcall else CALLOUT).draw(rng)
        if not reminder:
            self.scheduled.add(key)
        elif reaction.move is Move.LATE and (f"{purpose}:late", person.user_id) not in (
            self.scheduled
        ):
            # Those who waited for a reminder answer now; everyone else keeps their pace.
            self.scheduled.add((f"{purpose}:late", person.user_id))
            reaction = Reaction(Move.YES, AFTER_REMINDER.delay(rng))
        else:
            return
        if reaction.move not in (Move.YES, Move.NO):
            return
        if rollcall:
            self.spawn(self.answer_rollcall(person, purpose, data, reaction))
        else:
            self.spawn(self.answer_invite(person, int(parts[3]), reaction))

    async def answer_rollcall(
        self, person: SimPerson, purpose: str, data: str, reaction: Reaction
    ) -> None:
        await self.time.sleep(reaction.delay_s)
        key = (purpose, person.user_id)
        if key in self.answered:
            return
        self.answered.add(key)
        user = self.fake.user(person.user_id)
        if reaction.move is Move.YES:
            await self.press(user, data)
            return
        rc_id, source = data.split(":")[3:5]
        reason = f"ap:v1:r:{rc_id}:{source}:{reaction.reason}"
        await self.decline(user, data.replace(":y:", ":n:", 1), reason, reaction.reason)

    async def decline(self, user: SimUser, tap: str, reason_data: str, reason: str) -> None:
        """Tap "no", wait for the reason buttons, pick one (and type it for "lainnya")."""
        if await self.press(user, tap) is None:
            return
        shown = await self.button(user.id, reason_data)
        if shown is None:
            return
        await self.time.sleep(REASON_PAUSE_S)
        cq = await self.press(user, shown)
        if cq is not None and reason == "lainnya":
            await self.answered_cq(cq)
            await user.send(OTHER_REASON)

    async def answer_invite(self, person: SimPerson, invite_id: int, reaction: Reaction) -> None:
        await self.time.sleep(reaction.delay_s)
        key = (f"co:{invite_id}", person.user_id)
        if key in self.answered:
            return
        self.answered.add(key)
        user = self.fake.user(person.user_id)
        if reaction.move is Move.NO:
            reason = f"co:v1:why:{invite_id}:{reaction.reason}"
            await self.decline(user, f"co:v1:no:{invite_id}", reason, reaction.reason)
            return
        cq = await self.press(user, f"co:v1:ok:{invite_id}")
        if cq is None:
            return
        await self.answered_cq(cq)
        invite = await callout_store.get_invite(self.observer, invite_id)
        if invite is None or invite.state is not InviteState.ACCEPTED:
            return  # the quota filled first: stood down, nothing to travel to
        rng = person_rng(self.options.seed, "travel", person.user_id)
        await self.time.sleep(rng.lognormvariate(math.log(TRAVEL_MEDIAN_S), 0.35))
        # Within a couple of hundred metres of the site, as a phone's GPS puts it.
        north, east = rng.uniform(-0.0015, 0.0015), rng.uniform(-0.0015, 0.0015)
        await user.share_location(SITE[0] + north, SITE[1] + east)

    # -- phase 1: the roll call ----------------------------------------------------------------

    async def run_rollcall(self) -> None:
        opts = self.options
        db = self.observer
        t = self.timeline
        t.phase("sim-apel-phase", minutes=opts.apel_minutes)
        order = f"/apel semua {opts.apel_minutes}"
        t.say("sim-order", command=order)

        async def opened() -> Any:
            found = await apel_store.open_rollcalls(db)
            return found[0] if found else None

        with self.time.real_time():
            await self.admin.send(order)
            rc = await self.until(opened, COMMANDER_WAIT_S, "the roll call to open")
        result = self.rollcall
        result.id = rc.id
        result.called = len(await apel_store.called_targets(db, rc.id))
        closes = format_time(rc.closes_at, ZONE, opts.lang)
        t.say("sim-apel-opened", id=rc.id, called=result.called, time=closes)
        said: set[str] = set()
        progress = Progress()
        while True:
            await asyncio.sleep(0.1)
            prompts = self.watcher.prompts.get(rc.id, [])
            tally = build_tally(await apel_store.tally_rows(db, rc.id)).total
            if "sent" not in said and len(prompts) + len(self.blocked) >= result.called:
                said.add("sent")
                span = prompts[-1] - prompts[0] if len(prompts) > 1 else 0.0
                rate = round(len(prompts) / span, 1) if span else 0
                t.say("sim-apel-all-sent", count=len(prompts), seconds=round(span, 1), rate=rate)
            if "answer" not in said and tally.yes + tally.no:
                said.add("answer")
                t.say("sim-first-answer")
            for share in (50, 75, 90):
                if f"{share}" not in said and tally.yes * 100 >= result.called * share:
                    said.add(f"{share}")
                    t.say("sim-apel-share", share=share, yes=tally.yes)
            if progress.due(t.elapsed(), (len(prompts), tally.yes, tally.no)):
                t.say(
                    "sim-apel-progress",
                    sent=len(prompts),
                    called=result.called,
                    yes=tally.yes,
                    no=tally.no,
                    pending=tally.no_answer,
                )
            current = await apel_store.get(db, rc.id)
            if current is not None and not current.is_open:
                break
        tally = build_tally(await apel_store.tally_rows(db, rc.id)).total
        prompts = self.watcher.prompts.get(rc.id, [])
        result.prompts_delivered = len(prompts)
        result.prompt_seconds = prompts[-1] - prompts[0] if len(prompts) > 1 else 0.0
        result.yes, result.no = tally.yes, tally.no
        result.no_answer, result.unreachable = tally.no_answer, tally.unreachable
        result.reasons = dict(tally.no_by_reason)
        result.reminders = self.reminded.get(f"ap:{rc.id}", 0)
        if result.reminders:
            t.say("sim-apel-reminders", count=result.reminders)
        t.say(
            "sim-apel-closed",
            id=rc.id,
            yes=tally.yes,
            no=tally.no,
            pending=tally.no_answer,
            unreachable=tally.unreachable,
        )
        if tally.no_by_reason:
            t.say("sim-reasons", reasons=self.reason_list(tally.no_by_reason))

    def reason_list(self, counts: dict[str, int]) -> str:
        parts = []
        for code, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            label = self.timeline.text("sim-reason-" + code.replace("_", "-"))
            parts.append(self.timeline.text("sim-reason-count", reason=label, count=count))
        return ", ".join(parts)

    # -- phase 2: the call-out -----------------------------------------------------------------

    def quota(self) -> tuple[str, int]:
        """The ordered category and quota, cut down on a small roster so replacements exist."""
        opts = self.options
        category = opts.callout_category.upper()
        # Call-outs invite anggota only; commanders lead, they are not invited.
        strength = sum(
            1
            for p in self.people.values()
            if p.category == category and p.role == "anggota" and p.user_id not in self.blocked
        )
        quota = min(opts.callout_quota, max(1, strength * 2 // 3))
        if quota != opts.callout_quota:
            self.timeline.line(
                self.timeline.text(
                    "sim-callout-quota-cut",
                    category=category,
                    requested=opts.callout_quota,
                    quota=quota,
                    strength=strength,
                )
            )
        return category, quota

    async def run_callout(self) -> None:
        opts = self.options
        db = self.observer
        t = self.timeline
        category, quota = self.quota()
        t.phase("sim-callout-phase", category=category, quota=quota)
        order = f"/mobilize {category} {quota} {SITE_NAME}"
        t.say("sim-order", command=order)

        async def site_saved() -> bool:
            draft = await callout_store.latest_open_draft(db, ADMIN_ID, ADMIN_ID)
            return draft is not None and draft.spec.get("lat") is not None

        async def created() -> Any:
            found = await callout_store.recent(db, limit=1)
            return found[0] if found else None

        with self.time.real_time():
            await self.admin.send(order)
            send = await self.commander_button("co:v1:send:")
            # The site's pin, so that arrivals are checked against it.
            await self.admin.share_location(*SITE)
            await self.until(site_saved, COMMANDER_WAIT_S, "the site to be saved")
            pressed_at = time.monotonic()
            await self.press(self.admin, send)
            callout = await self.until(created, COMMANDER_WAIT_S, "the call-out")
        result = self.callout
        result.id, result.category, result.quota = callout.id, category, quota
        t.say("sim-callout-sent", id=callout.id, category=category, quota=quota)
        timeout_minutes = round(callout.invite_timeout.total_seconds() / 60)
        said: set[str] = set()
        progress = Progress()
        lapsed = 0
        closing = False
        while True:
            await asyncio.sleep(0.1)
            tally = _sum_tallies(await callout_store.tallies(db, callout.id))
            invited = self.watcher.invitations
            if "wave" not in said and len(invited) >= min(quota, tally.quota):
                said.add("wave")
                result.first_wave_real_s = invited[quota - 1] - pressed_at
                t.say("sim-callout-invited", count=len(invited))
            if "accept" not in said and tally.accepted:
                said.add("accept")
                t.say("sim-callout-first-accept")
            # Reminded and replaced; a later answer from one of them does not undo the line.
            if tally.timed_out + tally.no_answer > lapsed:
                fresh = tally.timed_out + tally.no_answer - lapsed
                lapsed += fresh
                t.say("sim-callout-lapsed", count=fresh, minutes=timeout_minutes)
            if "filled" not in said and tally.filled:
                said.add("filled")
                t.say("sim-callout-filled", accepted=tally.accepted, quota=tally.quota)
            if "stood" not in said and tally.stood_down:
                said.add("stood")
                t.say("sim-callout-stood-down", count=tally.stood_down)
            if "arrived" not in said and tally.arrived:
                said.add("arrived")
                t.say("sim-callout-first-arrival")
            if progress.due(
                t.elapsed(), (tally.accepted, tally.declined, tally.waiting, tally.arrived)
            ):
                t.say(
                    "sim-callout-progress",
                    accepted=tally.accepted,
                    quota=tally.quota,
                    declined=tally.declined,
                    waiting=tally.waiting,
                    invited=len(invited),
                    arrived=tally.arrived,
                )
            everyone_there = tally.filled and tally.arrived >= tally.accepted
            if not closing and (everyone_there or t.elapsed() >= opts.callout_minutes * 60):
                closing = True
                key = "sim-callout-all-arrived" if everyone_there else "sim-callout-time-up"
                t.say(key, arrived=tally.arrived, minutes=opts.callout_minutes)
                self.spawn(self.close_callout(callout.id))
            current = await callout_store.get(db, callout.id)
            if current is not None and current.status is not CalloutStatus.ACTIVE:
                break
        await self.callout_result(callout.id)
        t.say("sim-callout-completed", id=callout.id)

    async def callout_result(self, callout_id: int) -> None:
        db = self.observer
        result = self.callout
        tally = _sum_tallies(await callout_store.tallies(db, callout_id))
        invites = await callout_store.invites(db, callout_id)
        callout = await callout_store.get(db, callout_id)
        lines = await callout_store.lines(db, callout_id)
        result.invited = len(invites)
        result.accepted, result.declined = tally.accepted, tally.declined
        lapsed = (InviteState.NO_ANSWER, InviteState.TIMED_OUT)
        result.no_answer = sum(1 for i in invites if i.state in lapsed)
        result.stood_down = tally.stood_down
        result.arrived = sum(1 for i in invites if i.arrived_at is not None)
        filled = [line.filled_at for line in lines]
        if callout is not None and filled and all(f is not None for f in filled):
            # The rows' own times: the moment the quota filled, not when this loop looked.
            last = max(f for f in filled if f is not None)
            result.filled_after_s = (last - callout.created_at).total_seconds()

    async def close_callout(self, callout_id: int) -> None:
        with self.time.real_time():
            await self.press(self.admin, await self.commander_button(f"co:v1:end:{callout_id}"))
            await self.press(self.admin, await self.commander_button(f"co:v1:endy:{callout_id}"))

    # -- the summary ---------------------------------------------------------------------------

    def result(self, real_seconds: float) -> SimResult:
        fake = self.fake

        def count(method: str) -> int:
            return sum(1 for r in fake.calls(method) if r.ok)

        return SimResult(
            personnel=len(self.people),
            rollcall=self.rollcall,
            callout=self.callout,
            messages_sent=count("sendMessage") + count("sendDocument") + count("sendPhoto"),
            edits=count("editMessageText") + count("editMessageReplyMarkup"),
            callback_answers=count("answerCallbackQuery"),
            floods=fake.faults.count_429,
            spec_violations=len(fake.spec_violations) if fake.check_spec else None,
            spec_version=fake.spec.version if fake.spec is not None else "",
            prompt_floor_seconds=max(
                self.rollcall.prompts_delivered - fake.faults.limits.global_burst, 0
            )
            / fake.faults.limits.global_per_second,
            telegram_rate_per_s=fake.faults.limits.global_per_second,
            real_seconds=real_seconds,
            simulated_seconds=(self.time.now() - START).total_seconds(),
        )

    def summary(self, result: SimResult) -> None:
        t = self.timeline
        rc, co = result.rollcall, result.callout
        t.line()
        t.line(t.text("sim-summary-title"))
        t.line(
            t.text(
                "sim-summary-apel",
                id=rc.id,
                called=rc.called,
                delivered=rc.prompts_delivered,
                seconds=round(rc.prompt_seconds, 1),
                floor=round(result.prompt_floor_seconds, 1),
                limit=round(result.telegram_rate_per_s),
            )
        )
        answers = _named(rc, "yes no unreachable reminders")
        t.line(t.text("sim-summary-apel-answers", pending=rc.no_answer, **answers))
        if co.filled_after_s is not None:
            t.line(t.text("sim-summary-callout-filled", elapsed=clock_text(co.filled_after_s)))
        else:
            t.line(t.text("sim-summary-callout-short", accepted=co.accepted, quota=co.quota))
        if co.first_wave_real_s is not None:
            t.line(
                t.text(
                    "sim-summary-callout-first-wave",
                    count=min(co.quota, co.invited),
                    seconds=round(co.first_wave_real_s, 1),
                )
            )
        counts = _named(
            co, "id category quota invited accepted declined no_answer stood_down arrived"
        )
        t.line(t.text("sim-summary-callout", **counts))
        t.line(
            t.text(
                "sim-summary-telegram",
                messages=result.messages_sent,
                edits=result.edits,
                answers=result.callback_answers,
                floods=result.floods,
            )
        )
        if result.spec_violations is None:
            t.line(t.text("sim-summary-spec-unchecked"))
        else:
            t.line(
                t.text(
                    "sim-summary-spec",
                    version=result.spec_version,
                    violations=result.spec_violations,
                )
            )
        t.line(
            t.text(
                "sim-summary-time",
                real=clock_text(result.real_seconds),
                simulated=clock_text(result.simulated_seconds),
            )
        )


def _named(result: object, names: str) -> dict[str, str | int | float]:
    """These fields of a result (names split by spaces): the summary's messages call them
    the same."""
    return {name: getattr(result, name) for name in names.split()}


def _sum_tallies(tallies: dict[int, LineTally]) -> LineTally:
    """All lines of a call-out as one (reserve lines included: they are people invited)."""
    names = [f.name for f in dataclasses.fields(LineTally)]
    return LineTally(**{name: sum(getattr(t, name) for t in tallies.values()) for name in names})


async def run_simulation(options: SimOptions, out: TextIO | None = None) -> SimResult:
    # sys.stdout is looked up at call time: a default bound at import outlives a replaced
    # (captured, then closed) stdout.
    return await Simulation(options, out or sys.stdout).run()


# -- the command line --------------------------------------------------------------------------

HELP = """\
Menjalankan bot sungguhan terhadap server Bot API tiruan di mesin ini (tanpa token, tanpa
jaringan): roster sintetis, satu apel semua personel, lalu satu pengerahan; personel tiruan
menjawab dengan jeda manusiawi, sebagian menolak dengan alasan, sebagian diam.

Waktu: batas waktu (tutup apel, pengingat, batas jawab undangan) dan jeda jawaban personel
berjalan pada jam simulasi, hingga --speed kali lebih cepat dari waktu nyata selama bot
menganggur; selama pesan masih antre ke Telegram atau pembaruan belum diproses, jam berjalan
seperti waktu nyata, sehingga batas kirim Telegram (30 pesan/detik) tidak ikut dipercepat.

Runs the real bot against a local fake Bot API (no token, no network). Deadlines and the
people's delays run on a simulated clock, up to --speed times real time while the bot is
idle and at real time while it has a backlog, so Telegram's pacing is never compressed.
"""


def add_cli(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "simulate",
        help="gladi lokal: bot sungguhan, Telegram tiruan, personel sintetis",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--personnel", type=int, default=3294, help="jumlah personel (3.294)")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="latensi setiap panggilan Bot API (ms)"
    )
    parser.add_argument("--seed", type=int, default=2024, help="benih acak (roster, perilaku)")
    parser.add_argument(
        "--speed",
        type=float,
        default=60.0,
        help="jam simulasi hingga F kali waktu nyata saat bot menganggur (60: 1 menit per detik)",
    )
    parser.add_argument("--apel-minutes", type=int, default=30, help="durasi apel (menit)")
    parser.add_argument(
        "--callout",
        default="BRIMOB:30",
        help="kategori dan kuota pengerahan, mis. BRIMOB:30 (dikurangi bila roster kecil)",
    )
    parser.add_argument(
        "--callout-minutes",
        type=int,
        default=90,
        help="komandan menutup pengerahan setelah semua tiba, atau paling lambat ini (menit)",
    )
    parser.add_argument("--lang", choices=("id", "en"), default="id")
    return parser


def options_from(args: argparse.Namespace) -> SimOptions:
    category, _, quota = str(args.callout).partition(":")
    if args.personnel < 10:
        raise SystemExit("--personnel: paling sedikit 10 / at least 10")
    if args.speed < 1:
        raise SystemExit("--speed: paling sedikit 1 / at least 1")
    if not quota.isdigit() or int(quota) < 1:
        raise SystemExit("--callout: KATEGORI:JUMLAH, mis. BRIMOB:30")
    return SimOptions(
        personnel=args.personnel,
        latency_ms=args.latency_ms,
        seed=args.seed,
        speed=args.speed,
        apel_minutes=args.apel_minutes,
        callout_category=category.upper(),
        callout_quota=int(quota),
        callout_minutes=args.callout_minutes,
        lang=args.lang,
    )


def cmd_simulate(args: argparse.Namespace) -> int:
    options = options_from(args)
    # The timeline is the output; the bot's own log lines would drown it.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    asyncio.run(run_simulation(options))
    return 0
