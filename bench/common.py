"""Shared pieces of the scale benchmarks (ingest, status, call-out, roll call).

Each bench runs the bot the way production does, `python -m bot run` in a process of its own,
against the fake Bot API in the bench's process. The bot's numbers are then its own: the fake
and the simulated people use the other core, and the bot's peak RSS (VmHWM in
/proc/<pid>/status) is the bot's alone. Telegram's flood limits are on in the fake and the
bot runs with its default limits unless a bench says otherwise.

The roster is the simulator's: the demo roster (3,294 people in seven categories), everyone
linked and SIAP, written to the database before the bot starts.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

import asyncio
import contextlib
import math
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, overload

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clock import SystemClock  # noqa: E402
from bot.rehearsal.fake_telegram import FakeTelegram, SentMessage, SimUser  # noqa: E402
from bot.rehearsal.simulator import ADMIN_ID as ADMIN_ID  # noqa: E402
from bot.rehearsal.simulator import (  # noqa: E402
    SimPerson,
    Watcher,
    outbox_backlog,
    prepare_roster,
)
from storage.db import Database  # noqa: E402

N = 3294
TOKEN = "123456789:AAEbenchTokenForSiagaScaleBenchesXYZ"
# The whole demo roster by category, as /mobilize takes it: a call-out of everyone.
EVERYONE_ORDER = "POH 291 POLWAN 200 SAMAPTA 61 BRIMOB 180 OMB 546 LIONG 183 YANMAS 1833"

_T = TypeVar("_T")


def machine() -> str:
    """What the figures were measured on: CPU model, cores, load (other work on the machine
    shows there) and the commit, so a figure in bench/README.md can name all four."""
    one, five, _ = os.getloadavg()
    cores = f"{cpu_model()}, {os.cpu_count()} cores"
    return f"{cores}, load average {one:.2f} (1 min) {five:.2f} (5 min)"


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == "model name":
                return value.strip()
    return "unknown CPU"


def commit() -> str:
    """The commit measured, with `+changes` when the work tree differs from it."""
    try:
        head = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return head + ("+changes" if dirty else "")


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
    done.check_returncode()
    return done.stdout.strip()


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(math.ceil(q / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def spread(values: Sequence[float], unit: str = "ms", scale: float = 1000.0) -> str:
    """`p50 12.3 ms · p95 20.1 ms · max 33.0 ms (n=100)`."""
    if not values:
        return "no samples"
    parts = [
        f"p50 {percentile(values, 50) * scale:.1f} {unit}",
        f"p95 {percentile(values, 95) * scale:.1f} {unit}",
        f"max {max(values) * scale:.1f} {unit}",
    ]
    return " · ".join(parts) + f" (n={len(values)})"


@overload
async def poll(
    check: Callable[[], Awaitable[_T | None]],
    timeout: float,  # noqa: ASYNC109
    what: str,
    interval: float = ...,
) -> _T: ...


@overload
async def poll(
    check: Callable[[], _T | None],
    timeout: float,  # noqa: ASYNC109
    what: str,
    interval: float = ...,
) -> _T: ...


async def poll(
    check: Callable[[], Awaitable[_T | None] | _T | None],
    timeout: float,  # noqa: ASYNC109 — a failed wait names what it waited for
    what: str,
    interval: float = 0.05,
) -> _T:
    """Until `check` returns something truthy (it may be sync or async)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value) or isinstance(value, Awaitable):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(interval)


@dataclass
class Bench:
    """One bench run: a database with the roster, the fake, and the bot's process."""

    folder: Path
    fake: FakeTelegram
    people: list[SimPerson]
    db: Database  # the bench's own connection (WAL: reads do not block the bot)
    bot: BotProcess | None = None
    # The file the bot and `db` use, in `folder`: a bench comparing databases switches it.
    db_file: str = "siaga.db"
    watcher: Watcher = field(init=False)

    def __post_init__(self) -> None:
        self.watcher = Watcher(self.fake, {p.user_id: p for p in self.people})

    @property
    def db_path(self) -> Path:
        return self.folder / self.db_file

    @property
    def admin(self) -> SimUser:
        return self.fake.user(ADMIN_ID, "Komandan")

    def user(self, person: SimPerson) -> SimUser:
        return self.fake.user(person.user_id, person.first_name)

    async def start_bot(self, **settings: Any) -> BotProcess:
        self.bot = await BotProcess.start(self, settings)
        return self.bot

    async def backlog(self) -> int:
        rows, _ = await outbox_backlog(self.db)
        return rows

    async def drained(self, timeout: float = 900.0) -> None:  # noqa: ASYNC109
        """Until the outbox is empty: everything owed has gone out."""

        async def empty() -> bool:
            return await self.backlog() == 0

        await poll(empty, timeout, "the outbox to drain", 0.25)

    async def newest_button(self, chat_id: int, prefix: str, timeout: float = 60.0) -> str:  # noqa: ASYNC109
        """The callback data of the newest button in `chat_id` starting with `prefix`."""

        def find() -> str | None:
            for message in reversed(self.fake.sent_to(chat_id)):
                for button in message.buttons:
                    data = str(button.get("callback_data", ""))
                    if data.startswith(prefix):
                        return data
            return None

        found: str = await poll(find, timeout, f"a {prefix} button in chat {chat_id}")
        return found

    async def tap(self, user: SimUser, data: str) -> str:
        return await user.press(lambda b: b.get("callback_data") == data)

    def prompt_of(self, person: SimPerson, rollcall_id: int) -> tuple[SentMessage, str]:
        """A person's roll-call prompt and its Hadir button's data."""
        wanted = f"ap:v1:y:{rollcall_id}:p"
        for message in self.fake.sent_to(person.user_id):
            for button in message.buttons:
                if str(button.get("callback_data", "")) == wanted:
                    return message, wanted
        raise LookupError(f"no prompt of roll call {rollcall_id} for {person.user_id}")


@dataclass
class BotProcess:
    """`python -m bot run` against the bench's fake, with its log in the bench folder."""

    process: asyncio.subprocess.Process
    log_path: Path

    @classmethod
    async def start(cls, bench: Bench, settings: dict[str, Any]) -> BotProcess:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("SIAGA_") and k != "PYTHONPATH"
        }
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "PTB_TIMEDELTA": "1",
                "SIAGA_BOT_TOKEN": TOKEN,
                "SIAGA_DB_PATH": str(bench.db_path),
                "SIAGA_API_BASE_URL": bench.fake.api_base_url,
                "SIAGA_API_FILE_URL": bench.fake.file_base_url,
                "SIAGA_ADMIN_IDS": str(ADMIN_ID),
            }
        )
        env.update({f"SIAGA_{k.upper()}": str(v) for k, v in settings.items()})
        log_path = bench.folder / "bot.log"
        polls = len(bench.fake.calls("getUpdates"))
        # The bench folder is the working directory: no stray .env is read.
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=bench.folder,
                env=env,
                stdout=log,
                stderr=log,
            )
        bot = cls(process, log_path)
        # Ready once it long-polls for updates (counted from this start: a bench may start
        # the bot more than once on the same fake).
        await poll(
            lambda: len(bench.fake.calls("getUpdates")) > polls, 60, "the bot to start polling"
        )
        return bot

    def cpu_s(self) -> tuple[float, float]:
        """CPU time (user + system) the bot has used so far, in seconds: the whole process,
        and its main thread (the event loop; the rest is mostly aiosqlite's thread)."""
        pid = self.process.pid
        return _cpu_s(f"/proc/{pid}/stat"), _cpu_s(f"/proc/{pid}/task/{pid}/stat")

    def memory_kb(self) -> dict[str, int]:
        """VmRSS (now) and VmHWM (peak so far) of the bot's process, in kB."""
        found: dict[str, int] = {}
        with contextlib.suppress(FileNotFoundError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    found[name] = int(value.split()[0])
        return found

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    async def profile(self, out: Path, seconds: float) -> asyncio.subprocess.Process:
        """Sample the bot with py-spy (if installed) for `seconds`: collapsed stacks in `out`."""
        spy = Path(sys.executable).with_name("py-spy")
        return await asyncio.create_subprocess_exec(
            str(spy),
            "record",
            "--pid",
            str(self.process.pid),
            "--duration",
            str(max(int(seconds), 1)),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(out),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def _cpu_s(stat: str) -> float:
    fields = Path(stat).read_text().rpartition(")")[2].split()
    # utime and stime are fields 14 and 15 of stat(5); after the ")" they are 12 and 13.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.asynccontextmanager
async def bench(
    size: int = N, *, seed: int = 2024, rate_limits: bool = True, latency_ms: float = 0.0
) -> AsyncIterator[Bench]:
    """The roster in a fresh database, and the fake; the bot is started by the bench."""
    with tempfile.TemporaryDirectory(prefix="siaga-bench-") as folder:
        path = Path(folder)
        started = time.monotonic()
        people = await prepare_roster(path / "siaga.db", size, seed, SystemClock().now())
        print(f"roster of {len(people)} prepared in {time.monotonic() - started:.1f} s")
        # Spec checks off: the end-to-end tests check them; here they would only cost CPU on
        # the fake's side. Recording stays on: the benches time requests from it.
        fake = FakeTelegram(token=TOKEN, check_spec=False, validate_results=False)
        fake.faults.rate_limits = rate_limits
        fake.faults.latency_ms = latency_ms
        async with fake:
            for person in people:
                fake.user(person.user_id, person.first_name)
            db = await Database.open(path / "siaga.db")
            run = Bench(path, fake, people, db)
            try:
                yield run
            except BaseException:
                if run.bot is not None:
                    print("bot log (last lines):\n" + run.bot.log_tail(), file=sys.stderr)
                raise
            finally:
                if run.bot is not None:
                    await run.bot.stop()
                await db.close()


async def open_rollcall(run: Bench, command: str, timeout: float = 900.0) -> tuple[int, float]:  # noqa: ASYNC109
    """Type `command` as the admin; wait until every linked person has the prompt.

    Returns the roll call's id and when the command was injected (monotonic); the prompts'
    arrival times are in `run.watcher.prompts[id]`.
    """
    sent_at = time.monotonic()
    await run.admin.send(command)

    def prompts() -> int | None:
        run.watcher.scan()
        for rollcall_id, times in run.watcher.prompts.items():
            if len(times) >= len(run.people):
                return rollcall_id
        return None

    rollcall_id: int = await poll(prompts, timeout, "every prompt", 0.1)
    return rollcall_id, sent_at


def top_frames(collapsed: Path, count: int = 25) -> str:
    """The functions most often on the stack (inclusive) in py-spy's collapsed output."""
    totals: dict[str, int] = {}
    samples = 0
    for line in collapsed.read_text().splitlines():
        stack, _, weight = line.rpartition(" ")
        if not weight.isdigit():
            continue
        samples += int(weight)
        for frame in set(stack.split(";")):
            totals[frame] = totals.get(frame, 0) + int(weight)
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:count]
    return "\n".join(f"{100 * n / max(samples, 1):5.1f}%  {frame}" for frame, n in ranked)


def run_main(main: Coroutine[Any, Any, None]) -> None:
    print(f"machine: {machine()}; commit {commit()}")
    asyncio.run(main)
