"""/status and /laporan with 3,294 personnel and 100,000 history rows.

    .venv/bin/python bench/status_bench.py             # ~3 minutes
    .venv/bin/python bench/status_bench.py --rounds 50 # fewer samples

History: past roll calls of everyone with their answers and answer log, readiness changes,
audit rows — 100,000 rows in all — plus today's picture: a mix of SIAP, stale, TIDAK SIAP
with reasons and BERTUGAS, one open roll call half answered and one live call-out.

Measurements (target: /status end to end p95 < 30 ms):
  direct      `build_status` / `build_report` (the storage queries and the rendering the two
              handlers run) timed in this process against the same database file; /status
              both counting everyone (a change since the last count) and with the counts kept;
  end to end  the admin types /status or /laporan into the fake; the time from the update's
              injection to the reply's sendMessage reaching the fake (fake latency 0) — the
              bot's polling, inbox commit, gate, handler and HTTP included. /status also
              sends a chart (drawn in the bot's chart worker process); its arrival is
              reported apart;
  while charts are drawn
              each round someone's readiness changes (written to the database as the bot
              would), then one admin asks /status (the bot counts everyone again and draws a
              new chart) and, as soon as that text answer is in, a second admin asks while
              the chart is being drawn.
Twenty admins take turns so that Telegram's one-message-a-second per chat, which the bot
honours, does not enter the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import subprocess
import time
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from common import Bench, bench, machine, percentile, poll, run_main, spread

from bot.clock import SystemClock
from bot.config import Settings
from bot.domain.apel import Answer, RollCallKind, Scope, ScopeKind
from bot.domain.callout import InviteState, Order, OrderLine
from bot.domain.status import StatusScope
from bot.i18n import Catalog
from bot.services import Services
from handlers.status import COUNTS, build_report, build_status
from storage import apel as apel_store
from storage import callouts as callout_store
from storage import readiness
from storage.apel import NewTarget
from storage.timestamps import to_db

HISTORY_ROWS = 100_000
PAST_ROLLCALLS = 9
ADMINS = [900_001 + i for i in range(20)]
REASONS = ("sakit", "izin", "cuti", "dinas_luar", "lainnya")


async def build_history(run: Bench, now: datetime) -> int:
    """Past roll calls, readiness changes and audit rows; then today's mixed picture.

    Bulk rows go in with plain INSERTs (a fixture, not a code path); today's states through
    the storage functions the bot itself uses.
    """
    db = run.db
    rng = random.Random(2024)
    people = run.people
    rows = 0
    async with db.transaction() as tx:
        for n in range(PAST_ROLLCALLS):
            opened = now - timedelta(days=PAST_ROLLCALLS - n, hours=2)
            rc_id = await apel_store.create(
                tx,
                kind=RollCallKind.APEL,
                scope=Scope(ScopeKind.ALL),
                title=f"Apel siaga hari ke-{n + 1}",
                opened_by_user=ADMINS[0],
                opened_by_person=None,
                opened_by_name="Admin",
                card_chat_id=ADMINS[0],
                language="id",
                opened_at=opened,
                closes_at=opened + timedelta(minutes=30),
            )
            await apel_store.add_targets(
                tx, rc_id, [NewTarget(p.person_id, p.user_id, p.category) for p in people]
            )
            answers: list[tuple[str, str | None, int]] = []
            for p in people:
                roll = rng.random()
                if roll < 0.85:
                    answers.append(("yes", None, p.person_id))
                elif roll < 0.92:
                    answers.append(("no", rng.choice(REASONS), p.person_id))
            at = to_db(opened + timedelta(minutes=5))
            await tx.executemany(
                "UPDATE rollcall_targets SET answer = ?, reason = ?, answered_at = ?"
                " WHERE rollcall_id = ? AND person_id = ?",
                [(a, r, at, rc_id, pid) for a, r, pid in answers],
            )
            await tx.executemany(
                "INSERT INTO rollcall_answer_log (rollcall_id, person_id, at, answer, reason)"
                " VALUES (?, ?, ?, ?, ?)",
                [(rc_id, pid, at, a, r) for a, r, pid in answers],
            )
            await tx.execute(
                "UPDATE rollcalls SET state = 'closed', closed_at = ?, closed_by = 'deadline'"
                " WHERE id = ?",
                (to_db(opened + timedelta(minutes=30)), rc_id),
            )
            rows += len(people) + len(answers)
        audit = 8_000
        history = HISTORY_ROWS - rows - audit
        await tx.executemany(
            "INSERT INTO readiness_history (person_id, at, state, reason, source)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (
                    rng.choice(people).person_id,
                    to_db(now - timedelta(minutes=rng.randrange(60 * 24 * 30))),
                    state,
                    rng.choice(REASONS) if state == "TIDAK_SIAP" else None,
                    "bench",
                )
                for state in rng.choices(("SIAP", "TIDAK_SIAP", "BERTUGAS"), (8, 1, 1), k=history)
            ],
        )
        await tx.executemany(
            "INSERT INTO audit_log (at, actor_user_id, action, subject, details)"
            " VALUES (?, ?, ?, ?, '{}')",
            [
                (to_db(now - timedelta(minutes=i)), ADMINS[i % 20], "bench.action", str(i))
                for i in range(audit)
            ],
        )
        rows += history + audit

        # Today: 8 % stale, 6 % TIDAK SIAP, 30 deployed on a live call-out, one open roll call.
        for p in people:
            roll = rng.random()
            if roll < 0.08:
                stale = now - timedelta(hours=20)
                await readiness.set_ready(tx, p.person_id, stale, source="bench")
            elif roll < 0.14:
                await readiness.set_not_ready(
                    tx, p.person_id, now, reason=rng.choice(REASONS), source="bench"
                )
        brimob = [p for p in people if p.category == "BRIMOB"][:30]
        callout_id = await callout_store.create(
            tx,
            draft_id=None,
            order=Order((OrderLine("BRIMOB", 30),), "Kantor KPU Kalbar, Pontianak"),
            radius_m=None,
            ordered_by_user_id=ADMINS[0],
            ordered_by_person_id=None,
            ordered_by_name="Admin",
            chat_id=ADMINS[0],
            chat_is_group=False,
            language="id",
            invite_timeout=timedelta(minutes=5),
            now=now,
        )
        line_id = await callout_store.add_line(tx, callout_id, "BRIMOB", 30)
        for p in brimob:
            invite = await callout_store.add_invite(
                tx, callout_id, line_id, p.person_id, p.user_id, now
            )
            await callout_store.transition(
                tx, invite, [InviteState.PENDING], InviteState.ACCEPTED, now, answered=True
            )
            await readiness.set_deployed(tx, p.person_id, callout_id, now)
        rc_id = await apel_store.create(
            tx,
            kind=RollCallKind.APEL,
            scope=Scope(ScopeKind.ALL),
            title="Apel siaga malam",
            opened_by_user=ADMINS[0],
            opened_by_person=None,
            opened_by_name="Admin",
            card_chat_id=ADMINS[0],
            language="id",
            opened_at=now,
            closes_at=now + timedelta(hours=2),
        )
        await apel_store.add_targets(
            tx, rc_id, [NewTarget(p.person_id, p.user_id, p.category) for p in people]
        )
    async with db.transaction() as tx:
        for p in people[: len(people) // 2]:
            await apel_store.record_answer(tx, rc_id, p.person_id, Answer.YES, now)
    return rows


def cpu_and_commit() -> str:
    model = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return f"{model}, commit {commit or 'unknown'}"


async def count_history(run: Bench) -> dict[str, int]:
    counts = {}
    for table in ("readiness_history", "rollcall_targets", "rollcall_answer_log", "audit_log"):
        row = await run.db.fetchone(f"SELECT COUNT(*) FROM {table}")
        counts[table] = int(row[0]) if row else 0
    return counts


async def direct(run: Bench, rounds: int) -> dict[str, float]:
    """Prints the spreads; returns the p95s (seconds): counting, counts kept, report."""
    settings = Settings(_env_file=None, db_path=run.db_path)  # type: ignore[call-arg]
    services = Services(settings=settings, clock=SystemClock(), catalog=Catalog.load())
    services._db = run.db
    everyone = StatusScope.whole()
    # As the bot's serve() does after start: this process's long-lived heap (the fake, 3,294
    # simulated users) is kept out of full collections, which would otherwise land in the
    # timings as ~100 ms pauses that are the bench's, not the handler's.
    gc.collect()
    gc.freeze()
    cold_times, warm_times, report_times = [], [], []
    for _ in range(rounds):
        now = services.clock.now()
        services.extras.pop(COUNTS)  # counted afresh, as after a change
        started = time.perf_counter()
        view = await build_status(services, run.db, "id", everyone, now)
        cold_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        await build_status(services, run.db, "id", everyone, now)
        warm_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        chunks = await build_report(services, run.db, "id", everyone, now)
        report_times.append(time.perf_counter() - started)
    print(f"direct build_status, counting ({len(view.text)} chars): {spread(cold_times)}")
    print(f"direct build_status, counts kept: {spread(warm_times)}")
    print(f"direct build_report ({len(chunks)} messages): {spread(report_times)}")
    return {
        "build_status counting": percentile(cold_times, 95),
        "build_status counts kept": percentile(warm_times, 95),
        "build_report": percentile(report_times, 95),
    }


async def ask(run: Bench, admin_id: int, command: str) -> tuple[float, float, int]:
    """Inject `command` from an admin: when (monotonic), the seconds until its text answer
    reached the fake, and where in the recorded requests to look for what follows."""
    fake = run.fake
    admin = fake.user(admin_id, "Admin")
    mark = len(fake.requests)
    started = time.monotonic()
    await admin.send(command)
    at: float = await poll(
        lambda: _reply_at(run, "sendMessage", mark, admin_id), 30, command, 0.002
    )
    return started, at - started, mark


def _reply_at(run: Bench, method: str, mark: int, chat: int) -> float | None:
    for rec in run.fake.requests[mark:]:
        if rec.method == method and rec.params.get("chat_id") == chat and rec.status:
            return rec.time
    return None


async def while_charts_are_drawn(run: Bench, rounds: int) -> None:
    rng = random.Random(7)
    first_times, second_times, chart_times = [], [], []
    for n in range(rounds):
        person = rng.choice(run.people).person_id
        async with run.db.transaction() as tx:
            now = SystemClock().now()
            if n % 2:
                await readiness.set_ready(tx, person, now, source="bench")
            else:
                await readiness.set_not_ready(tx, person, now, reason="sakit", source="bench")
        first, second = ADMINS[(2 * n) % len(ADMINS)], ADMINS[(2 * n + 1) % len(ADMINS)]
        started, took, mark = await ask(run, first, "/status")
        first_times.append(took)
        # The first admin's chart is being drawn now: the second one asks meanwhile.
        _, took, _ = await ask(run, second, "/status")
        second_times.append(took)
        photo_at: float = await poll(
            partial(_reply_at, run, "sendPhoto", mark, first), 30, "chart"
        )
        chart_times.append(photo_at - started)
        await run.fake.wait_idle(30, 0.1)
    print(f"while charts are drawn: first /status after a change: {spread(first_times)}")
    print(f"while charts are drawn: /status while its chart is drawn: {spread(second_times)}")
    print(f"while charts are drawn: all /status: {spread(first_times + second_times)}")
    print(f"while charts are drawn: the first /status's chart at the fake: {spread(chart_times)}")


async def end_to_end(run: Bench, command: str, rounds: int) -> float:
    """Prints the spreads; returns the p95 of command → first sendMessage (seconds)."""
    fake = run.fake
    text_times, photo_times = [], []
    for n in range(rounds):
        admin = ADMINS[n % len(ADMINS)]
        started, took, mark = await ask(run, admin, command)
        text_times.append(took)
        if command == "/status":
            photo_at: float = await poll(
                partial(_reply_at, run, "sendPhoto", mark, admin),
                30,
                "the chart",
                0.002,
            )
            photo_times.append(photo_at - started)
        # Every part of this answer out before the next command.
        await fake.wait_idle(30, 0.1)
    print(f"end to end {command} → first sendMessage: {spread(text_times)}")
    if photo_times:
        print(f"end to end {command} → sendPhoto (chart): {spread(photo_times)}")
    return percentile(text_times, 95)


def prioritise(pid: int, niceness: int) -> list[int]:
    """Give `pid`, its threads and its children's threads the niceness `niceness` (negative:
    ahead of the other work on the machine). Niceness is per thread on Linux."""
    done = []
    pending = [pid]
    while pending:
        current = pending.pop()
        for task in Path(f"/proc/{current}/task").iterdir():
            os.setpriority(os.PRIO_PROCESS, int(task.name), niceness)
            done.append(int(task.name))
            children = task / "children"
            if children.exists():
                pending += [int(c) for c in children.read_text().split()]
    return done


async def main(rounds: int, niceness: int | None) -> None:
    async with bench() as run:
        now = SystemClock().now()
        started = time.monotonic()
        rows = await build_history(run, now)
        took = time.monotonic() - started
        print(f"history: {rows} rows in {took:.1f} s: {await count_history(run)}")
        print(f"machine at the start: {machine()}; {cpu_and_commit()}")
        await direct(run, rounds)
        bot = await run.start_bot(admin_ids=",".join(str(a) for a in ADMINS))
        for admin in ADMINS:
            run.fake.user(admin, "Admin")
        await run.fake.wait_idle(10, 1.0)
        if niceness is not None:
            await asyncio.sleep(5)  # the chart worker started and loaded matplotlib
            threads = prioritise(bot.process.pid, niceness) + prioritise(os.getpid(), niceness)
            print(
                f"niceness {niceness} for the bot, its chart worker and this bench: "
                f"{len(threads)} threads"
            )
        print(f"machine before the bot's figures: {machine()}")
        await end_to_end(run, "/status", rounds)
        await end_to_end(run, "/laporan", rounds)
        await while_charts_are_drawn(run, rounds)
        print(f"bot peak RSS (VmHWM) {bot.memory_kb()['VmHWM'] / 1024:.1f} MB")
        print(f"machine at the end: {machine()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=100, help="samples per measurement")
    parser.add_argument(
        "--nice",
        type=int,
        default=None,
        help="run the bot, its chart worker and the bench at this niceness once started"
        " (e.g. -10, as root: the bot's own latency on a machine others keep busy)",
    )
    arguments = parser.parse_args()
    run_main(main(arguments.rounds, arguments.nice))
