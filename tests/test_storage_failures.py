"""The database locked by another process, or full: a clear error, nothing half-written.

- Locked: another process holds SQLite's write lock longer than `busy_timeout`. A handler's
  transaction then fails; the person gets the apology, the log names the cause in one line,
  the deadline that fell due meanwhile waits and fires once afterwards, and every row is as
  it was. `PRAGMA integrity_check` passes.
- Full: `PRAGMA max_page_count` makes the database "full" (SQLITE_FULL) in the middle of a
  handler's transaction: apology, clear line, rollback, integrity. On a real tiny filesystem
  (a tmpfs mounted for the test; skipped where mounting is not permitted) the disk fills up
  before an update is even committed: the update waits, unacknowledged, and is answered once
  there is space again.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.domain.readiness import State
from bot.rehearsal.fake_telegram import FakeTelegram
from storage import personnel, readiness
from storage.db import Database
from tests.harness import BotHarness, Member, snapshot
from tests.test_abuse import brimob

KOMANDAN = Member(
    "75020345", "Hendra Wijaya", "AKBP", "BRIMOB", "Sat Brimob", "081300000001", "komandan", 2001
)


OPS_CHAT = -100777
FAST = {
    "ops_chat_id": OPS_CHAT,
    "rate_overall_per_s": 1000.0,
    "rate_private_per_s": 1000.0,
    "private_burst": 1000,
    "edit_interval_s": 0.0,
    "max_in_flight": 64,
}
BUSY_TIMEOUT_MS = 300
APOLOGY = "Maaf, terjadi kesalahan"

LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
conn.close()
print("released", flush=True)
"""


class OtherProcessLock:
    """Another process holding the database's write lock until told to let go."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.process: asyncio.subprocess.Process | None = None

    async def acquire(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            LOCKER,
            str(self.path),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout=10)
        assert line.strip() == b"locked"

    async def release(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(b"go\n")
        await process.stdin.drain()
        line = await asyncio.wait_for(process.stdout.readline(), timeout=10)
        assert line.strip() == b"released"
        await asyncio.wait_for(process.wait(), timeout=10)

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        self.process = None


async def prepare(harness: BotHarness, count: int) -> BotHarness:
    """A commander of BRIMOB and `count` BRIMOB members, linked and SIAP."""
    members = [KOMANDAN, *(brimob(n) for n in range(1, count + 1))]
    await harness.seed(members)
    db = await Database.open(harness.db_path)
    now = harness.clock.now()
    try:
        async with db.transaction() as tx:
            for member in members:
                person = await personnel.by_nrp(tx, member.nrp)
                assert person is not None
                await personnel.link(tx, person.id, member.user_id, now)
                await readiness.set_ready(tx, person.id, now, source="test")
            commander = await personnel.by_nrp(tx, KOMANDAN.nrp)
            assert commander is not None
            await personnel.clear_scopes(tx, commander.id)
            await personnel.add_scope(tx, commander.id, "category", "BRIMOB")
    finally:
        await db.close()
    await harness.start(**FAST)
    return harness


def before_queueing(harness: BotHarness, action: Callable[[], Awaitable[None]]) -> None:
    """Run `action` once, after the next update is committed to the inbox and before a
    handler sees it: the failure then hits the handler, not the inbox."""
    assert harness.app is not None
    queue: Any = harness.app.update_queue
    original = queue.put
    armed = [True]

    async def put(update: object) -> None:
        if armed[0]:
            armed[0] = False
            await action()
        await original(update)

    queue.put = put


async def open_apel(harness: BotHarness, members: int) -> None:
    commander = harness.fake.user(KOMANDAN.user_id)
    await commander.send("/apel BRIMOB 30")
    await harness.fake.wait_for_message(KOMANDAN.user_id, "dibuka")
    for n in range(1, members + 1):
        await harness.fake.wait_for_message(10000 + n, "APEL #")
    await harness.fake.wait_idle()


async def set_pragma(harness: BotHarness, pragma: str) -> None:
    async with harness.db.conn.execute(f"PRAGMA {pragma}") as cursor:
        await cursor.fetchall()


@pytest.fixture
async def locker(harness: BotHarness) -> AsyncIterator[OtherProcessLock]:
    lock = OtherProcessLock(harness.db_path)
    yield lock
    await lock.kill()


async def test_locked_database_apology_clear_log_nothing_lost(
    harness: BotHarness, locker: OtherProcessLock, caplog: pytest.LogCaptureFixture
) -> None:
    harness.fake.group(OPS_CHAT, "Ops Siaga")
    bot = await prepare(harness, 3)
    fake = bot.fake
    await open_apel(bot, 3)
    await set_pragma(bot, f"busy_timeout={BUSY_TIMEOUT_MS}")
    rows_before = await snapshot(bot.db)
    pending = await bot.db.fetchall(
        "SELECT id, kind, ref FROM deadlines WHERE state = 'pending' ORDER BY id"
    )
    assert any(row[1] == "apel.close" for row in pending)

    # Another process takes the write lock just as a member's /siap reaches its handler.
    before_queueing(bot, locker.acquire)
    member = fake.user(10001)
    await member.send("/siap")
    apology = await fake.wait_for_message(10001, APOLOGY, timeout=10)
    assert apology is not None
    alert = await fake.wait_for_message(OPS_CHAT, "Kesalahan Siaga")
    assert "database is locked" in (alert.text or "")

    # While it is held, the roll call's deadline falls due: it waits, it is not lost.
    bot.clock.advance(minutes=31)
    await asyncio.sleep(0.5)
    assert await snapshot(bot.db) == rows_before
    assert not any("LAPORAN" in (m.text or "") for m in fake.sent_to(KOMANDAN.user_id))

    await locker.release()
    bot.services.scheduler.wake()
    # The roll call closes exactly once and its report goes out.
    await fake.wait_for_message(KOMANDAN.user_id, "LAPORAN", timeout=10)
    await fake.wait_idle()
    closes = await bot.db.fetchall(
        "SELECT state, attempts FROM deadlines WHERE kind = 'apel.close'"
    )
    assert [tuple(row) for row in closes] == [("done", 0)]
    assert await bot.db.integrity_check() == "ok"

    # The clear line, once, naming the cause; and the person can simply try again.
    lines = [r.getMessage() for r in caplog.records if r.name == "siaga.errors"]
    assert any(line.startswith("storage: the database is locked") for line in lines), lines
    await member.send("/siap")
    await fake.wait_for_message(10001, "SIAP", new_only=True)


async def test_full_database_mid_transaction_rolls_back(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLITE_FULL inside a handler's transaction (opening a roll call for 120 people)."""
    bot = await prepare(harness, 120)
    fake = bot.fake
    rows_before = await snapshot(bot.db)

    async def fill_up() -> None:
        # No page more than the file has now: the next write that needs one fails.
        row = await bot.db.fetchone("PRAGMA page_count")
        assert row is not None
        await set_pragma(bot, f"max_page_count={int(row[0])}")

    before_queueing(bot, fill_up)
    commander = fake.user(KOMANDAN.user_id)
    await commander.send("/apel BRIMOB 30")
    await fake.wait_for_message(KOMANDAN.user_id, APOLOGY, timeout=10)
    await fake.wait_idle()
    assert await snapshot(bot.db) == rows_before
    assert await bot.db.integrity_check() == "ok"
    lines = [r.getMessage() for r in caplog.records if r.name == "siaga.errors"]
    assert any(line.startswith("storage: the database or its disk is full") for line in lines)

    # With room again, the same order works.
    await set_pragma(bot, "max_page_count=1073741823")
    await commander.send("/apel BRIMOB 30")
    await fake.wait_for_message(KOMANDAN.user_id, "dibuka", timeout=10)
    assert await bot.db.integrity_check() == "ok"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs, or a skip where mounting is not permitted (needs CAP_SYS_ADMIN)."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if sys.platform != "linux":
        pytest.skip("a tmpfs mount needs Linux")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip() or result.returncode})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(folder: Path) -> Path:
    """Write zeros into `folder` until the filesystem has no byte left."""
    filler = folder / "filler"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as out:
        with contextlib.suppress(OSError):
            while True:
                out.write(chunk)
        with contextlib.suppress(OSError):
            while True:
                out.write(b"\0")
    return filler


async def test_full_disk_holds_the_update_until_there_is_room(
    tiny_disk: Path, fake: FakeTelegram, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    bot = BotHarness(fake=fake, clock=clock, db_path=tiny_disk / "siaga.db")
    fake.group(OPS_CHAT, "Ops Siaga")
    try:
        await prepare(bot, 3)
        member = fake.user(10001)
        await member.send("/kesiapan")
        await fake.wait_for_message(10001, "SIAP")
        await fake.wait_idle()
        rows_before = await snapshot(bot.db)
        # An empty WAL: the next commit has to grow the file, and the disk is full.
        await set_pragma(bot, "wal_checkpoint(TRUNCATE)")
        filler = fill(tiny_disk)

        await member.send("/tidaksiap sakit")
        await asyncio.sleep(1.5)
        # Not committed, so neither processed nor acknowledged: nothing changed, no answer.
        assert not any("TIDAK SIAP" in (m.text or "") for m in fake.sent_to(10001))
        assert await snapshot(bot.db) == rows_before
        assert any("database or disk is full" in (r.exc_text or "") for r in caplog.records)
        # The operator hears of it at once, and once, straight from Telegram's side.
        alerts = [m.text or "" for m in fake.sent_to(OPS_CHAT)]
        assert len([a for a in alerts if "tidak dapat menyimpan pesan masuk" in a]) == 1
        assert any("disknya penuh" in a for a in alerts)

        filler.unlink()
        await fake.wait_for_message(10001, "TIDAK SIAP", timeout=10)
        await fake.wait_for_message(OPS_CHAT, "kembali dapat menyimpan")
        person = await personnel.by_nrp(bot.db, "80100001")
        assert person is not None
        state = await readiness.get(bot.db, person.id)
        assert state is not None
        assert state.state is State.TIDAK_SIAP
        assert await bot.db.integrity_check() == "ok"
    finally:
        await bot.stop()
