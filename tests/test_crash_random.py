"""kill -9 at random points of a scripted roll call, ten seeds (issue 7).

The bot runs in a child process (tests/crash_child.py: the production application on a clock
this process moves) against the fake Bot API served from here. An admin opens `/apel semua
30` for 40 linked people, they answer in three waves around two reminders, the deadline closes
it, and 13 hours later everyone whose Hadir confirmed SIAP is asked again. Each seed plans its
kills as points in the stream of requests that do work (sends, edits, callback answers): "the
n-th since this step began". When the fake receives it, the child is SIGKILLed on the spot,
with that request held on the wire (the fake answers work slowly enough for that) and others
in flight, and started again on the same database. The scenario does not wait for crashes:
what people tap while the bot is down waits at the fake, as it would at Telegram.

Afterwards every deadline has fired exactly once (row done, effect seen once), every tap is
stored and was answered, every message owed went out, and the only duplicates are the ones
at-least-once delivery allows: messages Telegram took that the killed process had not yet
recorded as sent, measured at each kill.

The seed fixes the plan (answers, kill points); which request is the n-th can vary a little
between runs, since prompts and answers go out concurrently. A failure names the seed, the
planned and actual kill points and the tail of the bot's log.
"""

from __future__ import annotations

import os

os.environ["PTB_TIMEDELTA"] = "1"

import asyncio
import multiprocessing
import random
import re
import signal
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import Settings
from bot.domain.apel import Answer
from bot.rehearsal.fake_telegram import FakeTelegram, SimUser
from bot.rehearsal.fake_telegram.models import RecordedRequest
from bot.retention import KIND as RETENTION_KIND
from bot.retention import REF as RETENTION_REF
from storage import apel as store
from storage import audit, inbox, personnel
from storage.db import Database
from storage.readiness import RECHECK_DEADLINE
from storage.timestamps import to_db
from tests import crash_child
from tests.delivery_support import eventually
from tests.harness import FAST_DELIVERY, BotHarness, Member, brimob

# Ten consecutive seeds; together they kill in every step (test_the_seeds_kill_in_every_step).
SEEDS = list(range(10))
ADMIN_ID = 900001
LINKED = 40  # brimob(1..40), user ids 1001..1040
UNLINKED = 2  # on the roster without Telegram: in the report, never prompted
MAX_IN_FLIGHT = 8
# The fake holds each request that does work this long: the kill lands while the bot waits
# for the request it was planned on, with others of the same batch still on the wire.
HOLD_MS = 15.0
WORK = frozenset({"sendMessage", "sendDocument", "editMessageText", "answerCallbackQuery"})
# Where kills land: at the n-th work request from the start of a step of the scenario, n at
# most about as many as that step makes (more slides on into the next step); a planned kill
# that never comes fails the test. n = 0: the bot dies just before the step and comes back
# after its action, so the command waits at the fake, or the deadline falls due, while it is
# down (the waves need the bot up to be answered, so they start at 1).
STEPS = {
    "opening": (0, 45),  # the reply, the card, 40 prompts
    "answers, wave 1": (1, 40),
    "first reminder": (0, 10),
    "answers, wave 2": (1, 10),
    "second reminder": (0, 4),
    "answers, wave 3": (1, 4),
    "close": (0, 2),  # the final card, the report
    "readiness rechecks": (0, 10),  # one question to each of 15 to 30 people
}
# Long enough for a restart or two on a loaded machine; a healthy step takes well under 1 s.
WAIT_S = 30.0
CHILD_SETTINGS: dict[str, Any] = {
    **FAST_DELIVERY,
    "admin_ids": [ADMIN_ID],
    "apel_reminder_minutes": [10, 2],
    "max_in_flight": MAX_IN_FLIGHT,
    "retry_base_s": 0.05,
    "retry_max_s": 0.5,
}
YES = "✅ Hadir"
NO = "❌ Tidak hadir"
REASON_BUTTONS = {"sakit": "Sakit", "izin": "Izin", "cuti": "Cuti", "dinas_luar": "Dinas luar"}

# The bot is imported once, in the fork server, not once per start (about a second each, and
# the ten runs restart it about thirty times). The children are still separate processes
# that a SIGKILL ends without any cleanup.
_FORKSERVER = multiprocessing.get_context("forkserver")
_FORKSERVER.set_forkserver_preload(["tests.crash_child", "handlers"])


# -- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tap:
    """One answer: "yes" (Hadir) or a reason for Tidak hadir (two taps: the button, the
    reason). `twice`: the person taps Hadir again, which must not count again."""

    answer: str
    twice: bool = False

    @property
    def stored(self) -> tuple[str, str | None]:
        """(answer, reason) as the answer log keeps it."""
        if self.answer == "yes":
            return Answer.YES.value, None
        return Answer.NO.value, self.answer


@dataclass
class Plan:
    """What a seed decides: where the bot dies, and who answers what when."""

    seed: int
    kills: list[tuple[str, int]]  # (step, n): die on the step's n-th work request (0: before)
    # user id → wave → taps: wave 1 before the first reminder, 2 between the reminders,
    # 3 after the second one, before the close.
    taps: dict[int, dict[int, list[Tap]]]

    @classmethod
    def draw(cls, seed: int) -> Plan:
        rng = random.Random(seed)
        steps = list(STEPS)
        chosen = rng.choices(steps, k=rng.choice((1, 2, 2, 3)))
        kills = sorted(
            {(step, rng.randint(*STEPS[step])) for step in chosen},
            key=lambda kill: (steps.index(kill[0]), kill[1]),
        )
        taps: dict[int, dict[int, list[Tap]]] = {}
        for user_id in range(1001, 1001 + LINKED):
            roll = rng.random()
            reason = rng.choice(sorted(REASON_BUTTONS))
            if roll < 0.40:
                taps[user_id] = {1: [Tap("yes", twice=rng.random() < 0.2)]}
            elif roll < 0.55:
                taps[user_id] = {1: [Tap(reason)]}
            elif roll < 0.62:  # changes their mind after the second reminder
                taps[user_id] = {1: [Tap("yes")], 3: [Tap(reason)]}
            elif roll < 0.77:
                taps[user_id] = {2: [Tap(rng.choice(("yes", reason)))]}
            elif roll < 0.85:
                taps[user_id] = {3: [Tap("yes")]}
            else:
                taps[user_id] = {}  # never answers
        return cls(seed, kills, taps)

    def silent_before(self, wave: int) -> set[int]:
        """Who has not answered when wave `wave` begins (and so is reminded before it)."""
        return {u for u, waves in self.taps.items() if not any(w < wave for w in waves)}

    def log_of(self, user_id: int) -> list[tuple[str, str | None]]:
        waves = self.taps[user_id]
        return [tap.stored for wave in sorted(waves) for tap in waves[wave]]

    @property
    def said_yes(self) -> set[int]:
        return {u for u in self.taps if any(a == ("yes", None) for a in self.log_of(u))}


# -- the bot in a child process -------------------------------------------------------------


@dataclass
class Kill:
    step: str
    n: int
    request: str  # the request the bot was waiting for when it died, if any
    # Messages Telegram took that the dead process had not recorded as sent: they go out
    # again after the restart (at-least-once), and nothing else may.
    unrecorded: int = 0


def child_env(settings: Settings) -> dict[str, str]:
    """`settings` as the SIAGA_* environment the child's `Settings()` reads back."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, list):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        env[f"SIAGA_{name.upper()}"] = str(value)
    return env


def describe(request: RecordedRequest) -> str:
    text = str(request.params.get("text") or request.params.get("caption") or "")
    chat = request.params.get("chat_id", "")
    return f"{request.method}({chat}) {text[:40]!r}".replace("\n", " ")


async def unrecorded_sends(db: Database, fake: FakeTelegram) -> int:
    """Sends Telegram accepted beyond those the outbox records as sent, over all its rows.

    Rows are matched to the fake's requests by (chat, text), which is unique per row in this
    scenario (checked at the end). A row recorded as sent that never reached Telegram would
    make this negative, and is a bug of its own.
    """
    delivered = _delivered(fake)
    recorded: Counter[tuple[int, str]] = Counter()
    for row in await db.fetchall(
        "SELECT chat_id, text, state FROM outbox WHERE kind IN ('send', 'document')"
    ):
        recorded[(int(row["chat_id"]), row["text"])] += row["state"] == "sent"
    missing = [key for key, sent in recorded.items() if delivered[key] < sent]
    assert not missing, f"recorded as sent, never delivered: {missing[:3]}"
    return sum(delivered[key] - sent for key, sent in recorded.items())


def _delivered(fake: FakeTelegram) -> Counter[tuple[int, str]]:
    return Counter(
        (int(r.params["chat_id"]), str(r.params.get("text", r.params.get("caption"))))
        for r in fake.requests
        if r.method in ("sendMessage", "sendDocument") and r.status == 200
    )


class CrashingBot:
    """The bot in a child process that dies on the planned work requests and comes back.

    A watcher reads the fake's request log as it grows; on a planned request it SIGKILLs the
    child at once (the request is still held at the fake), lets what was on the wire land,
    measures what the dead process left unrecorded, and starts a new child.
    """

    def __init__(
        self, fake: FakeTelegram, db: Database, env: dict[str, str], workdir: Path, plan: Plan
    ) -> None:
        self.fake = fake
        self.db = db
        self.env = env
        self.workdir = workdir
        self.plan = plan
        self.log = workdir / "bot.log"
        self.step = "starting"
        self.kills: list[Kill] = []
        self.work_requests = 0  # seen by the watcher so far
        self._unarmed = list(plan.kills)
        # work request number (counted from the start) → the planned kill it is
        self._armed: dict[int, tuple[str, int]] = {}
        self._process: BaseProcess | None = None
        self._lives = 0
        self._unrecorded = 0
        self._watcher: asyncio.Task[None] | None = None
        self._crashing = False
        self._down = False  # killed by `enter`, back at `revive`

    async def start(self) -> None:
        await self._spawn()
        self._watcher = asyncio.create_task(self._watch(), name="crash-watcher")

    async def stop(self) -> None:
        """SIGTERM, a clean stop; then every request the bot made has been answered."""
        if self._watcher is not None and not self._watcher.done():
            self._watcher.cancel()
        process = self._process
        if process is not None and process.exitcode is None:
            process.terminate()
            await self._exit()
            assert process.exitcode == 0, self.failure("the bot did not stop cleanly")
        await self._settled()

    def kill_now(self) -> None:
        """For teardown after a failure: no child outlives its test."""
        if self._watcher is not None:
            self._watcher.cancel()
        if self._process is not None and self._process.exitcode is None:
            self._process.kill()

    async def enter(self, step: str) -> None:
        """The scenario begins `step`: arm the kills planned on its work requests, or die
        now if one is planned before it (`revive` after the step's action)."""
        self.step = step
        done = sum(1 for r in self.fake.requests if r.method in WORK)
        for kill in [k for k in self._unarmed if k[0] == step]:
            self._unarmed.remove(kill)
            if kill[1] == 0:
                # One death at a time: an earlier step's kill may still be restarting.
                await self.until(lambda: not self._crashing, "the last restart")
                self._down = True
                await self._die(kill, None)
                continue
            # A step with fewer requests than n lets its kill slide into the next one, onto
            # the following request if another kill is planned on the same one.
            at = done + kill[1]
            while at in self._armed:
                at += 1
            self._armed[at] = kill

    async def revive(self) -> None:
        if self._down:
            await self._spawn()
            self._down = False

    @property
    def kills_done(self) -> bool:
        return not (self._unarmed or self._armed or self._crashing or self._down)

    def failure(self, what: str) -> str:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        kills = "; ".join(f"{k.step} #{k.n}: {k.request}" for k in self.kills)
        return (
            f"{what}\nseed {self.plan.seed}, kills planned {self.plan.kills}, done: "
            f"{kills or 'none'}; {self.work_requests} work requests so far, step {self.step!r}"
            "\nbot log (last 25 lines):\n  " + "\n  ".join(lines[-25:])
        )

    async def until(
        self,
        check: Callable[[], Awaitable[bool] | bool],
        what: str,
        timeout: float = WAIT_S,  # noqa: ASYNC109
    ) -> None:
        """`eventually`, failing at once (with the bot's log) if a child died on its own."""

        async def probe() -> bool:
            if self._watcher is not None and self._watcher.done():
                self._watcher.result()  # a crash the test did not plan raises here
            result = check()
            return result if isinstance(result, bool) else await result

        try:
            await eventually(probe, timeout, what)
        except AssertionError as exc:
            raise AssertionError(self.failure(str(exc))) from None

    async def _spawn(self) -> None:
        self._lives += 1
        ready = self.workdir / f"ready-{self._lives}"
        process = _FORKSERVER.Process(
            target=crash_child.run,
            args=(self.env, str(self.log), str(ready)),
            name=f"siaga-{self._lives}",
            daemon=True,
        )
        # Talking to the fork server blocks; the fake must go on serving meanwhile.
        await asyncio.to_thread(process.start)
        self._process = process
        await eventually(
            lambda: ready.exists() or process.exitcode is not None, WAIT_S, "the bot to start"
        )
        if not ready.exists():
            raise AssertionError(self.failure(f"the bot died starting ({process.exitcode})"))

    async def _exit(self) -> None:
        process = self._process
        assert process is not None
        await eventually(lambda: process.exitcode is not None, WAIT_S, "the bot to exit")

    async def _settled(self) -> None:
        """Until what the dead process left on the wire has landed (or not) at the fake.

        aiohttp lets a handler run on when its client has gone, so a request the fake had
        read is still answered (a send still delivered) and must be counted before measuring.
        One whose connection died while the fake read it has no parameters and never will.
        """

        def landed() -> bool:
            return all(r.status or not r.params for r in self.fake.requests if r.method in WORK)

        await eventually(landed, WAIT_S, "requests on the wire to land")
        # A request whose body was still being read at that check is held HOLD_MS, then done.
        await asyncio.sleep(2 * HOLD_MS / 1000)
        await eventually(landed, WAIT_S, "requests on the wire to land")

    async def _watch(self) -> None:
        # Runs until stop(): after the last kill it still notices a child dying on its own.
        # Paused while `enter` holds the bot down, so that no second child starts meanwhile.
        seen = 0
        while True:
            await asyncio.sleep(0.001)
            if self._down:
                continue
            requests = self.fake.requests
            while seen < len(requests):
                request = requests[seen]
                seen += 1
                if request.method not in WORK:
                    continue
                self.work_requests += 1
                kill = self._armed.pop(self.work_requests, None)
                if kill is not None:
                    await self._crash(kill, request)
            process = self._process
            if process is not None and process.exitcode is not None and not self._down:
                raise AssertionError(self.failure(f"the bot died ({process.exitcode})"))

    async def _crash(self, planned: tuple[str, int], request: RecordedRequest) -> None:
        self._crashing = True
        await self._die(planned, request)
        await self._spawn()
        self._crashing = False

    async def _die(self, planned: tuple[str, int], request: RecordedRequest | None) -> None:
        """SIGKILL (no cleanup of any kind in the child), then count what it left."""
        assert self._process is not None
        self._process.kill()
        await self._exit()
        assert self._process.exitcode == -signal.SIGKILL, self.failure("not killed")
        await self._settled()
        # Described now: the fake had not read the request's parameters at the kill yet.
        kill = Kill(*planned, describe(request) if request else "none (before the step)")
        try:
            unrecorded = await unrecorded_sends(self.db, self.fake)
        except AssertionError as exc:
            raise AssertionError(self.failure(str(exc))) from None
        kill.unrecorded = unrecorded - self._unrecorded
        self._unrecorded = unrecorded
        self.kills.append(kill)


# -- the scenario -----------------------------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    # Work requests are held a little so that a kill lands with them on the wire; polling
    # stays instant.
    server.faults.method_latency_ms = dict.fromkeys(WORK, HOLD_MS)
    await server.start()
    yield server
    await server.stop()


def has_button(fake: FakeTelegram, chat_id: int, label: str) -> bool:
    return any(b.get("text") == label for m in fake.sent_to(chat_id) for b in m.buttons)


def got(fake: FakeTelegram, chat_id: int, *parts: str) -> bool:
    return any(all(p in (m.text or "") for p in parts) for m in fake.sent_to(chat_id))


class Scenario:
    def __init__(self, bot: CrashingBot, fake: FakeTelegram, clock: FakeClock) -> None:
        self.bot = bot
        self.fake = fake
        self.clock = clock
        self.callbacks: list[str] = []

    async def answered(self, cq: str) -> None:
        await self.bot.until(
            lambda: self.fake.callback_answer(cq) is not None, f"an answer to callback {cq}"
        )

    async def press(self, user: SimUser, label: str) -> None:
        """Tap the newest message with this button, as a person would; wait for the answer."""
        await self.bot.until(lambda: has_button(self.fake, user.id, label), f"{label!r} shown")
        cq = await user.press(label)
        self.callbacks.append(cq)
        await self.answered(cq)

    async def tap(self, user: SimUser, tap: Tap) -> None:
        if tap.answer == "yes":
            await self.press(user, YES)
            if tap.twice:
                await self.press(user, YES)
            return
        await self.press(user, NO)
        await self.press(user, REASON_BUTTONS[tap.answer])

    async def wave(self, number: int) -> None:
        await self.bot.enter(f"answers, wave {number}")

        async def person(user_id: int, taps: list[Tap]) -> None:
            for tap in taps:
                await self.tap(self.fake.user(user_id), tap)

        # People answer side by side; each one's taps in order.
        async with asyncio.TaskGroup() as group:
            for user_id, waves in self.bot.plan.taps.items():
                if number in waves:
                    group.create_task(person(user_id, waves[number]))

    async def advance(self, step: str, minutes: float) -> None:
        await self.bot.enter(step)
        self.clock.advance(minutes=minutes)
        await self.bot.revive()

    async def reminded(self, users: set[int], minutes_left: int) -> None:
        left = f"{minutes_left} menit lagi"

        def missing() -> list[int]:
            return sorted(u for u in users if not got(self.fake, u, "Pengingat", left))

        try:
            await self.bot.until(lambda: not missing(), f"the reminder '{left}'")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nnot reminded: {missing()}") from None


async def quiet(db: Database, fake: FakeTelegram, clock: FakeClock) -> bool:
    """Nothing left to do: no update unprocessed, no message owed, no deadline due."""
    if fake.pending_updates or await inbox.count(db):
        return False
    row = await db.fetchone("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
    if row is None or row[0]:
        return False
    due = await db.fetchone(
        "SELECT COUNT(*) FROM deadlines WHERE state = 'pending' AND due_at <= ?",
        (to_db(clock.now()),),
    )
    return due is not None and due[0] == 0


def roster() -> list[Member]:
    members = [brimob(i) for i in range(1, LINKED + 1)]
    return members + [brimob(LINKED + i, linked=False) for i in range(1, UNLINKED + 1)]


@asynccontextmanager
async def crashing_bot(
    harness: BotHarness, clock: FakeClock, tmp_path: Path, plan: Plan, members: list[Member]
) -> AsyncIterator[CrashingBot]:
    """Seed the roster, start the child on the harness's database and clock, and kill it
    whatever happens in the test."""
    await harness.seed_linked(members)
    clock_file = tmp_path / "clock"
    crash_child.write_clock(clock_file, clock.now())
    clock.on_change(lambda: crash_child.write_clock(clock_file, clock.now()))
    env = {**child_env(harness.settings(**CHILD_SETTINGS)), crash_child.CLOCK_ENV: str(clock_file)}
    db = await Database.open(harness.db_path)  # reads only, beside the child's connection
    bot = CrashingBot(harness.fake, db, env, tmp_path, plan)
    try:
        await bot.start()
        yield bot
    finally:
        bot.kill_now()
        await db.close()


@pytest.mark.parametrize("seed", SEEDS, ids=[f"seed{s}" for s in SEEDS])
async def test_kill_9_at_random_points_of_a_roll_call(
    seed: int, harness: BotHarness, clock: FakeClock, tmp_path: Path
) -> None:
    plan = Plan.draw(seed)
    async with crashing_bot(harness, clock, tmp_path, plan, roster()) as bot:
        scenario = Scenario(bot, harness.fake, clock)
        await run_scenario(scenario)
        await check_outcome(bot, scenario.callbacks)


async def settle(bot: CrashingBot, clock: FakeClock) -> None:
    """After the last step: every planned kill done, nothing left to do, then a clean stop."""
    await bot.enter("draining")
    await bot.until(lambda: bot.kills_done, "every planned kill")
    await bot.until(lambda: quiet(bot.db, bot.fake, clock), "nothing left to do")
    await bot.fake.wait_idle(timeout=WAIT_S, quiet=0.2)
    await bot.stop()


async def run_scenario(scenario: Scenario) -> None:
    bot, fake, plan = scenario.bot, scenario.fake, scenario.bot.plan
    await bot.enter("opening")
    await fake.user(ADMIN_ID, "Admin").send("/apel semua 30 Apel siaga")
    await bot.revive()
    await bot.until(
        lambda: all(has_button(fake, u, YES) for u in plan.taps), "every prompt delivered"
    )
    await scenario.wave(1)
    # 13.20: ten minutes before the close, the first reminder to whoever is still silent.
    await scenario.advance("first reminder", 20)
    await scenario.reminded(plan.silent_before(2), 10)
    await scenario.wave(2)
    await scenario.advance("second reminder", 8)
    await scenario.reminded(plan.silent_before(3), 2)
    await scenario.wave(3)
    await scenario.advance("close", 2)
    await bot.until(lambda: got(fake, ADMIN_ID, "LAPORAN"), "the report")
    # SIAP confirmed by Hadir goes stale after 12 h: each of them is asked once.
    await scenario.advance("readiness rechecks", 13 * 60)
    await bot.until(
        lambda: all(got(fake, u, "Konfirmasi kesiapan") for u in plan.said_yes),
        "every readiness question",
    )
    await settle(bot, scenario.clock)


async def check_outcome(bot: CrashingBot, callbacks: list[str]) -> None:
    db, fake, plan = bot.db, bot.fake, bot.plan

    def why(what: str) -> str:
        return bot.failure(what)

    assert len(bot.kills) == len(plan.kills), why("a planned kill did not happen")
    assert all(0 <= k.unrecorded <= MAX_IN_FLIGHT for k in bot.kills), why(
        "more unrecorded sends at a kill than requests in flight"
    )
    fake.assert_clean()

    # One roll call, opened once and closed once, whatever the kills replayed.
    rollcalls = await db.fetchall("SELECT id, closed_by FROM rollcalls")
    assert len(rollcalls) == 1, why(f"{len(rollcalls)} roll calls opened by one /apel")
    rc_id = int(rollcalls[0]["id"])
    assert rollcalls[0]["closed_by"] == "deadline", why("not closed by its deadline")
    subject = f"rollcall:{rc_id}"
    for action in ("apel.opened", "apel.closed"):
        found = [e for e in await audit.entries(db, action=action) if e.subject == subject]
        assert len(found) == 1, why(f"{action} recorded {len(found)} times")

    person_of = {}
    for user_id in plan.taps:
        person = await personnel.by_telegram_user(db, user_id)
        assert person is not None
        person_of[user_id] = person.id
    user_of = {p: u for u, p in person_of.items()}

    # Every deadline fired exactly once: its row is done, it never failed, and what it does
    # happened for exactly the people it was for.
    rows = await db.fetchall("SELECT kind, ref, state, attempts, last_error FROM deadlines")
    states = {(r["kind"], r["ref"]): r["state"] for r in rows}
    assert all(r["attempts"] == 0 and r["last_error"] is None for r in rows), why(
        f"a deadline handler failed: {[dict(r) for r in rows if r['attempts']]}"
    )
    expected_done = {("apel.close", str(rc_id)), ("apel.remind", f"{rc_id}:10")}
    expected_done |= {("apel.remind", f"{rc_id}:2")}
    expected_done |= {(RECHECK_DEADLINE, str(person_of[u])) for u in plan.said_yes}
    assert {k: states.get(k) for k in expected_done} == dict.fromkeys(expected_done, "done"), why(
        "a deadline that should have fired is not done"
    )
    # The retention job's row waits for its night, armed once however often the bot started.
    assert states.pop((RETENTION_KIND, RETENTION_REF)) == "pending", why("retention not armed")
    others = {k: s for k, s in states.items() if k not in expected_done}
    # The "Terkirim x/y" redraw re-arms itself while prompts go out; the close cancels it.
    assert set(others) <= {("apel.progress", str(rc_id))}, why(f"unexpected deadlines {others}")
    assert set(others.values()) <= {"done", "cancelled"}, why(f"left over: {others}")

    keys = [str(r["dedup_key"]) for r in await db.fetchall("SELECT dedup_key FROM outbox")]

    def people_with(prefix: str, suffix: str = "") -> set[int]:
        return {
            user_of[int(k[len(prefix) :].removesuffix(suffix))]
            for k in keys
            if k.startswith(prefix) and k.endswith(suffix)
        }

    assert people_with(f"ap:{rc_id}:rem:", ":t20") == plan.silent_before(2), why("reminder t20")
    assert people_with(f"ap:{rc_id}:rem:", ":t28") == plan.silent_before(3), why("reminder t28")
    asked = Counter(user_of[int(k.split(":")[2])] for k in keys if k.startswith("rd:ask:"))
    assert asked == Counter(plan.said_yes), why("readiness questions")
    reports = [k for k in keys if k.startswith(f"ap:{rc_id}:report:")]
    assert reports == [f"ap:{rc_id}:report:1"], why(f"report rows {reports}")

    # No answer lost, none counted twice: each person's answers, in order, once each.
    log: dict[int, list[tuple[str, str | None]]] = {u: [] for u in plan.taps}
    for person_id, answer, reason in await store.answer_log(db, rc_id):
        log[user_of[person_id]].append((str(answer), reason))
    expected_log = {u: plan.log_of(u) for u in plan.taps}
    assert log == expected_log, why("the answer log differs from the taps")
    for user_id in plan.taps:
        target = await store.target(db, rc_id, person_of[user_id])
        assert target is not None
        final = expected_log[user_id][-1] if expected_log[user_id] else (None, None)
        assert (target.answer, target.reason) == final, why(f"{user_id}'s answer")
    unanswered = [cq for cq in callbacks if fake.callback_answer(cq) is None]
    assert not unanswered, why(f"callback queries never answered: {unanswered}")
    report = next(m for m in fake.sent_to(ADMIN_ID) if "LAPORAN" in (m.text or ""))
    silent = plan.silent_before(4)
    listed = {
        u
        for u in plan.taps
        if re.search(rf"^\d+\. .*Brimob {u - 1000}$", report.text or "", flags=re.M)
    }
    assert listed == silent, why("the report lists other people than the silent ones")

    # Every owed message went out: nothing pending, failed or withdrawn, each row reached
    # Telegram, and the only extra copies are the ones the kills left unrecorded.
    outbox_rows = await db.fetchall(
        "SELECT kind, dedup_key, target_key, chat_id, text, state, message_id FROM outbox"
    )
    not_sent = [(r["dedup_key"], r["state"]) for r in outbox_rows if r["state"] != "sent"]
    assert not not_sent, why(f"owed messages not sent: {not_sent}")
    sends = [r for r in outbox_rows if r["kind"] != "edit"]
    by_content = Counter((int(r["chat_id"]), str(r["text"])) for r in sends)
    assert max(by_content.values()) == 1, why("two rows with the same chat and text")
    delivered = _delivered(fake)
    copies = {r["dedup_key"]: delivered[(int(r["chat_id"]), str(r["text"]))] for r in sends}
    assert min(copies.values()) >= 1, why("an owed message never reached Telegram")
    duplicates = {k: n - 1 for k, n in copies.items() if n > 1}
    assert sum(duplicates.values()) == sum(k.unrecorded for k in bot.kills), why(
        f"duplicates {duplicates} are not the sends the kills left unrecorded"
    )
    prompts = {user_of[int(k.rsplit(":", 1)[1])] for k in copies if k.startswith(f"ap:{rc_id}:p:")}
    assert prompts == set(plan.taps), why("someone was never prompted")
    # Each message shows its latest edit (answers, the final card): no edit was lost.
    message_ids = {r["dedup_key"]: r["message_id"] for r in sends}
    for row in outbox_rows:
        if row["kind"] != "edit":
            continue
        shown = fake.message(int(row["chat_id"]), int(message_ids[row["target_key"]]))
        assert shown.source_text == row["text"], why(f"{row['dedup_key']} not shown")
    assert await inbox.count(db) == 0, why("updates left unprocessed in the inbox")
    assert not fake.pending_updates, why("updates never fetched")


@pytest.mark.parametrize("path", ["typed", "guided"])
async def test_a_kill_as_the_roll_call_opens_leaves_exactly_one(
    path: str, harness: BotHarness, clock: FakeClock, tmp_path: Path
) -> None:
    """Killed on the first request after `/apel semua 30` or the tap on "Buka apel" (the roll
    call is committed, the handler has not returned): after the restart there is one roll
    call, one prompt each. Found by these kills: the update used to run again and open a
    second roll call; the guided path claimed its draft in a transaction of its own."""
    members = [brimob(i) for i in range(1, 6)]
    plan = Plan(seed=0, kills=[("opening", 1)], taps={m.user_id: {} for m in members})
    async with crashing_bot(harness, clock, tmp_path, plan, members) as bot:
        fake = harness.fake
        admin = fake.user(ADMIN_ID, "Admin")
        if path == "typed":
            await bot.enter("opening")
            await admin.send("/apel semua 30")
        else:
            await admin.send("/apel")
            await bot.until(lambda: got(fake, ADMIN_ID, "pilih peserta"), "the scope question")
            await admin.press("Semua")
            await bot.until(lambda: got(fake, ADMIN_ID, "Pilih batas waktu"), "the durations")
            await admin.press("30 mnt")
            await bot.until(lambda: got(fake, ADMIN_ID, "Titik kumpul"), "the summary")
            await bot.enter("opening")
            await admin.press("Buka apel")
        await settle(bot, clock)
        rollcalls = await bot.db.fetchall("SELECT id FROM rollcalls")
        prompts = await bot.db.fetchall(
            "SELECT person_id FROM outbox WHERE dedup_key LIKE 'ap:%:p:%'"
        )
        assert len(rollcalls) == 1, bot.failure(f"{len(rollcalls)} roll calls")
        assert len(prompts) == len(members), bot.failure(f"{len(prompts)} prompts")


def test_the_seeds_kill_in_every_step() -> None:
    """The ten runs together kill in each step of the scenario, at least once before a
    deadline falls due (it must fire after the restart), and three times in one run."""
    kills = [kill for plan in (Plan.draw(seed) for seed in SEEDS) for kill in plan.kills]
    assert {step for step, _ in kills} == set(STEPS)
    assert any(n == 0 and step != "opening" for step, n in kills)
    assert any(len(Plan.draw(seed).kills) > 2 for seed in SEEDS)
