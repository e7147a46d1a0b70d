"""A year on one database, lived as production lives it: the retention every night.

    .venv/bin/python bench/year_bench.py                    # ~35 minutes, quiet machine
    .venv/bin/python bench/year_bench.py --size 300 --days 20 --taps 100 --rounds 10
    .venv/bin/python bench/year_bench.py --no-prune ...     # the unpruned size, measured

A year at the founding case's scale (3,294 personnel, the demo roster, everyone linked) is
written through the storage layer, a day per transaction: a roll call of everyone every day
(prompts, answers and their log, confirmation edits, reminders, the rekap card, the report
with its CSV), readiness re-asks and changes (a history row for every change and every
confirmation, each Hadir and each Siap, as the bot writes them), a call-out every six days
(invitations, answers, reminders, arrivals, the card), five posko groups in pinned mode (one
status message edited every 15 minutes, an hourly chart PNG), the audit log and every timer row.

After each day the bot's nightly retention run prunes it (`run_to_end`: the batches the job
takes, the clock at that night's run): the file grows by a day and gives a day back, and each
run's incremental vacuum only has a day's pages to hand back, as in production from day one.
Every batch is timed. The unpruned size is printed beside the kept one: estimated as the data
kept plus the data the runs removed (used pages before and after each run), or measured with
`--no-prune` (no runs at all).

The last nights' runs (`--left-nights`, a week by default) are left out and a backup taken
(timed) before they run. Then the file is measured against a fresh database (the roster
alone, copied aside before the year was written), each in a bot of its own (`python -m bot
run`, bench/common.py), in `--repeats` rounds that take the databases in turns (every other
round in the reverse order), and each figure is reported as its median over the rounds (a
burst's over every burst of every round): single runs on this machine moved ±20 %.

  start-up            spawn → the first getUpdates
  /status             end to end p95 and `build_status` direct p95 (bench/status_bench.py)
  whole roll call     `/apel semua 30`: time to the last prompt ÷ (N ÷ 30)
  ingest burst        TAPS people press Hadir at once (bench/ingest_bench.py's press_everyone),
                      then TAPS others: two bursts a session
  backup / check      `python -m bot backup` and `check`'s work, timed
  export              a month of roll calls to XLSX (`python -m bot export apel --from --to`)

In each round a third bot starts on a copy of the backup (those nights not yet pruned: their
days are due at once); its own retention job is armed, and once it has taken its first batch
the burst of taps is pressed; when the job has finished, the same burst by other people in
the same bot on the same file: a tap answered while the job prunes must be no slower.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from common import (
    Bench,
    N,
    bench,
    machine,
    open_rollcall,
    poll,
    run_main,
    spread,
)
from ingest_bench import Burst, press_everyone
from pydantic import SecretStr
from status_bench import ADMINS, end_to_end

from bot.cli.operations import backup_database, run_checks
from bot.clock import SystemClock
from bot.config import Settings
from bot.domain.apel import Answer, RollCallKind, Scope, ScopeKind
from bot.domain.callout import CalloutStatus, InviteState, Order, OrderLine
from bot.domain.refusal import Refusal
from bot.domain.retention import STEPS, next_run_at
from bot.domain.status import StatusScope
from bot.i18n import Catalog
from bot.rehearsal.simulator import SimPerson
from bot.reports.exports import cli_request, export_file
from bot.retention import KIND, REF, run_to_end
from bot.services import Services
from handlers.status import build_status, draw_chart
from storage import apel as apel_store
from storage import callouts as callout_store
from storage import deadlines, outbox, retention
from storage.apel import AnswerWrite, NewTarget
from storage.db import Database, Transaction
from storage.outbox import Priority
from storage.timestamps import to_db

FRESH = "fresh.db"  # the roster alone, in the bench's folder
GROUPS = [-1001000000001 - n for n in range(5)]
REASONS = ("sakit", "izin", "cuti", "dinas_luar", "lainnya")
PROMPT = (
    "<b>APEL #{id} · SEMUA</b>\nApel siaga pagi\nDibuka oleh Kombes Raden Prasetyo\n"
    "Batas jawab 07.30 WIB\nApakah Anda hadir?"
)
CONFIRMED = "<b>APEL #{id} · SEMUA</b>\nApel siaga pagi\n✅ HADIR tercatat 07.0{m} WIB."
ASK = (
    "<b>KONFIRMASI KESIAPAN</b>\nStatus Anda SIAP sejak kemarin 19.00 WIB dan perlu "
    "konfirmasi ulang.\nApakah Anda masih siap?"
)
INVITE = (
    "🚨 <b>PENGERAHAN #{id} — {cat}</b>\nDibutuhkan 30 personel\nLokasi: Kantor KPU Kalbar,"
    " Pontianak\nAtas perintah: AKBP Hendra W.\nJawab sebelum 23.09 WIB"
)


def keyboard(*buttons: tuple[str, str]) -> str:
    rows = [[{"text": text, "callback_data": data} for text, data in buttons]]
    return json.dumps({"inline_keyboard": rows}, ensure_ascii=False, separators=(",", ":"))


class YearWriter:
    """Writes the history a day at a time; outbox rows as the drainer leaves them (sent)."""

    def __init__(self, people: Sequence[SimPerson], chart_png: bytes, seed: int) -> None:
        self.people = list(people)
        self.chart_png = chart_png
        self.rng = random.Random(seed)
        self.message_id = 0
        self.rows: list[tuple[Any, ...]] = []
        self.counts: dict[str, int] = {}

    def sent(
        self,
        key: str,
        chat_id: int,
        text: str,
        at: datetime,
        *,
        kind: str = "send",
        priority: Priority = Priority.ROLLCALL,
        person_id: int | None = None,
        markup: str | None = None,
        batch_id: int | None = None,
        file_name: str | None = None,
        file_bytes: bytes | None = None,
    ) -> None:
        """One outbox row (the columns `storage.outbox.enqueue` writes) after its send."""
        self.message_id += 1
        stamp = to_db(at)
        target = key.removeprefix("edit:") if kind == "edit" else None
        self.rows.append(
            (kind, key, target, chat_id, person_id, int(priority), text, "HTML", markup,
             file_name, file_bytes, batch_id, stamp, self.message_id, stamp, stamp)
        )  # fmt: skip

    async def flush(self, tx: Transaction) -> None:
        await tx.executemany(
            "INSERT INTO outbox (kind, dedup_key, target_key, chat_id, person_id, priority,"
            " text, parse_mode, reply_markup, file_name, file_bytes, batch_id, state,"
            " next_attempt_at, message_id, created_at, sent_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sent', ?, ?, ?, ?)",
            self.rows,
        )
        self.counts["outbox"] = self.counts.get("outbox", 0) + len(self.rows)
        self.rows = []

    async def history(
        self, tx: Transaction, rows: Sequence[tuple[int, datetime, str, str | None, str]]
    ) -> None:
        """Readiness history rows as the bot writes them: one per change or confirmation."""
        await tx.executemany(
            "INSERT INTO readiness_history (person_id, at, state, reason, source)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (person, to_db(at), state, reason, source)
                for person, at, state, reason, source in rows
            ],
        )
        self.counts["readiness_history"] = self.counts.get("readiness_history", 0) + len(rows)

    async def done_timers(
        self, tx: Transaction, kind: str, refs: Sequence[str | int], at: datetime
    ) -> None:
        await deadlines.schedule_many(tx, kind, [(ref, at) for ref in refs])
        await tx.executemany(
            "UPDATE deadlines SET state = 'done', fired_at = due_at WHERE kind = ? AND ref = ?",
            [(kind, str(ref)) for ref in refs],
        )

    async def rollcall(self, tx: Transaction, opened: datetime) -> None:
        rng = self.rng
        admin = ADMINS[0]
        batch = await outbox.create_batch(tx, "apel", opened, admin, title="APEL")
        rc = await apel_store.create(
            tx,
            kind=RollCallKind.APEL,
            scope=Scope(ScopeKind.ALL),
            title="Apel siaga pagi",
            opened_by_user=admin,
            opened_by_person=None,
            opened_by_name="Kombes Raden Prasetyo",
            card_chat_id=admin,
            language="id",
            opened_at=opened,
            closes_at=opened + timedelta(minutes=30),
            batch_id=batch,
        )
        await apel_store.add_targets(
            tx, rc, [NewTarget(p.person_id, p.user_id, p.category) for p in self.people]
        )
        markup = keyboard(("✅ Hadir", f"ap:v1:y:{rc}:p"), ("❌ Tidak hadir", f"ap:v1:n:{rc}:p"))
        prompt = PROMPT.format(id=rc)
        waves: dict[int, list[AnswerWrite]] = {2: [], 6: [], 15: []}
        for p in self.people:
            self.sent(f"ap:{rc}:p:{p.person_id}", p.user_id, prompt, opened,
                      person_id=p.person_id, markup=markup, batch_id=batch)  # fmt: skip
            roll = rng.random()
            if roll > 0.92:
                self.sent(f"ap:{rc}:rem:{p.person_id}:10", p.user_id, "⏰ " + prompt,
                          opened + timedelta(minutes=20), priority=Priority.REMINDER,
                          person_id=p.person_id, markup=markup)  # fmt: skip
                continue  # silent
            minute = rng.choice((2, 2, 6, 6, 15))
            no = roll > 0.85
            answer = Answer.NO if no else Answer.YES
            reason = rng.choice(REASONS) if no else None
            waves[minute].append(AnswerWrite(rc, p.person_id, answer, reason))
            if minute == 15:
                self.sent(f"ap:{rc}:rem:{p.person_id}:10", p.user_id, "⏰ " + prompt,
                          opened + timedelta(minutes=10), priority=Priority.REMINDER,
                          person_id=p.person_id, markup=markup)  # fmt: skip
            confirmed = CONFIRMED.format(id=rc, m=minute)
            self.sent(f"edit:ap:{rc}:p:{p.person_id}", p.user_id, confirmed,
                      opened + timedelta(minutes=minute), kind="edit")  # fmt: skip
        for minute, writes in waves.items():
            at = opened + timedelta(minutes=minute)
            await apel_store.record_answers(tx, writes, at)
            # A Hadir confirms SIAP, and the bot logs every confirmation in the history.
            present = [w.person_id for w in writes if w.answer is Answer.YES]
            await self.history(tx, [(p, at, "SIAP", None, f"apel:{rc}") for p in present])
        closed = opened + timedelta(minutes=30)
        await apel_store.close(tx, rc, closed, "deadline")
        card = "APEL #{rc} · SEMUA\n✅ 2.800 hadir · ❌ 230 tidak hadir\n⏳ 264 belum lapor"
        self.sent(f"ap:{rc}:card", admin, card, opened, priority=Priority.REMINDER)
        self.sent(f"edit:ap:{rc}:card", admin, card, closed, kind="edit")
        for part in range(2):
            self.sent(f"ap:{rc}:report:{part}", admin, "LAPORAN\n" + "x" * 3000, closed,
                      priority=Priority.BROADCAST)  # fmt: skip
        csv = "NRP;Nama;Satuan;Telepon\n" + "87050001;Bripda Anggota;Satbrimob;0812…\n" * 260
        self.sent(f"ap:{rc}:report:csv", admin, "Laporan (CSV)", closed, kind="document",
                  priority=Priority.BROADCAST, file_name="apel.csv",
                  file_bytes=csv.encode())  # fmt: skip
        await self.done_timers(tx, "apel.close", [rc], closed)
        await self.done_timers(tx, "apel.remind", [f"{rc}:10", f"{rc}:2"], closed)
        await self.done_timers(tx, "apel.progress", [rc], closed)
        self.counts["rollcalls"] = self.counts.get("rollcalls", 0) + 1

    async def readiness(self, tx: Transaction, day: datetime) -> None:
        """Half the people re-asked (stale SIAP), most tap; 5 % change state."""
        rng = self.rng
        at = day + timedelta(hours=12)
        confirmed = []
        for p in self.people:
            if rng.random() < 0.5:
                key = f"rd:ask:{p.person_id}:{at.isoformat()}"
                markup = keyboard(("✅ Siap", f"rd:v1:ok:{p.person_id}"), ("❌ Tidak", "rd:v1:no"))
                self.sent(key, p.user_id, ASK, at, person_id=p.person_id, markup=markup)
                if rng.random() < 0.85:
                    self.sent("edit:" + key, p.user_id, "✅ SIAP dikonfirmasi.", at, kind="edit")
                    confirmed.append((p.person_id, at, "SIAP", None, "self"))
        changes = rng.sample(self.people, len(self.people) // 20)
        await self.history(
            tx,
            confirmed
            + [
                (p.person_id, at, state, rng.choice(REASONS) if state != "SIAP" else None, "self")
                for p in changes
                for state in [rng.choice(("SIAP", "TIDAK_SIAP", "SIAP"))]
            ],
        )
        await tx.executemany(
            "INSERT INTO audit_log (at, actor_user_id, action, subject, details)"
            " VALUES (?, ?, ?, ?, '{}')",
            [(to_db(at), ADMINS[i % 20], "bench.action", str(i)) for i in range(20)],
        )

    async def callout(self, tx: Transaction, at: datetime) -> None:
        rng = self.rng
        category = rng.choice(("BRIMOB", "POH", "SAMAPTA", "OMB"))
        pool = [p for p in self.people if p.category == category]
        chosen = rng.sample(pool, min(40, len(pool)))
        cid = await callout_store.create(
            tx,
            draft_id=None,
            order=Order((OrderLine(category, 30),), "Kantor KPU Kalbar, Pontianak"),
            radius_m=None,
            ordered_by_user_id=ADMINS[0],
            ordered_by_person_id=None,
            ordered_by_name="AKBP Hendra W.",
            chat_id=ADMINS[0],
            chat_is_group=False,
            language="id",
            invite_timeout=timedelta(minutes=5),
            now=at,
        )
        batch = await outbox.create_batch(tx, "callout", at, ADMINS[0], title="PENGERAHAN")
        await callout_store.set_batch(tx, cid, batch)
        line = await callout_store.add_line(tx, cid, category, 30)
        text = INVITE.format(id=cid, cat=category)
        invites = []
        for n, p in enumerate(chosen):
            iid = await callout_store.add_invite(tx, cid, line, p.person_id, p.user_id, at)
            invites.append(iid)
            markup = keyboard(("✅ Siap berangkat", f"co:v1:ok:{iid}"), ("❌ Berhalangan", "x"))
            self.sent(f"co:inv:{iid}", p.user_id, text, at, priority=Priority.CALLOUT,
                      person_id=p.person_id, markup=markup, batch_id=batch)  # fmt: skip
            answered = at + timedelta(minutes=rng.uniform(0.5, 4))
            state = (
                InviteState.ACCEPTED
                if n < 30
                else InviteState.DECLINED
                if n < 35
                else InviteState.NO_ANSWER
            )
            await callout_store.transition(
                tx, iid, [InviteState.PENDING], state, answered, answered=state != "no_answer"
            )
            self.sent(f"edit:co:inv:{iid}", p.user_id, text + "\n✅", answered, kind="edit")
            if state is InviteState.ACCEPTED:
                self.sent(f"co:arr:{iid}", p.user_id, "Ketuk 📍 Tiba di lokasi", answered)
                await tx.execute(
                    "INSERT INTO callout_arrivals (invite_id, at, latitude, longitude,"
                    " accuracy_m, distance_m, status) VALUES (?, ?, -0.02, 109.34, 10, 80,"
                    " 'verified')",
                    (iid, to_db(answered + timedelta(minutes=40))),
                )
        card = f"PENGERAHAN #{cid} · {category}\n✅ 30/30 siap berangkat · 📍 30 tiba"
        self.sent(f"co:{cid}:card", ADMINS[0], card, at, priority=Priority.CALLOUT)
        self.sent(f"edit:co:{cid}:card", ADMINS[0], card, at + timedelta(hours=3), kind="edit")
        closed = at + timedelta(hours=3)
        await tx.execute(
            "UPDATE callout_invites SET released_at = ?"
            " WHERE callout_id = ? AND state = 'accepted'",
            (to_db(closed), cid),
        )
        await callout_store.close(tx, cid, CalloutStatus.COMPLETED, closed, ADMINS[0])
        await self.done_timers(tx, "callout.invite", invites, closed)
        await self.done_timers(tx, "callout.tick", [cid], closed)
        self.counts["callouts"] = self.counts.get("callouts", 0) + 1

    async def groups(self, tx: Transaction, first: datetime) -> None:
        """Five posko groups in pinned mode: one status message each, edited ever since."""
        for chat in GROUPS:
            key = f"posko:{chat}:pin:{int(first.timestamp())}"
            await tx.execute(
                "INSERT INTO command_groups (chat_id, title, everything, mode, status_key,"
                " pin_state, registered_by_user, registered_at, updated_at)"
                " VALUES (?, 'Posko', 1, 'pinned', ?, 'yes', ?, ?, ?)",
                (chat, key, ADMINS[0], to_db(first), to_db(first)),
            )
            self.sent(key, chat, "STATUS SIAGA", first, priority=Priority.BROADCAST)
            self.sent(f"edit:{key}", chat, "STATUS SIAGA", first, kind="edit")

    def charts(self, day: datetime) -> None:
        for hour in range(24):
            at = day + timedelta(hours=hour)
            for chat in GROUPS:
                self.sent(f"posko:{chat}:{at.isoformat()}:chart", chat, "Grafik kesiapan", at,
                          kind="document", priority=Priority.BROADCAST, file_name="status.png",
                          file_bytes=self.chart_png)  # fmt: skip

    async def posko_edits(self, tx: Transaction, now: datetime) -> None:
        """The pinned messages' edit rows as the last 15-minute slot left them."""
        await tx.execute(
            "UPDATE outbox SET text = 'STATUS SIAGA', sent_at = ?, revision = revision + 35040"
            " WHERE kind = 'edit' AND target_key LIKE 'posko:%'",
            (to_db(now),),
        )
        await tx.executemany(
            "INSERT INTO deadlines (kind, ref, due_at) VALUES ('posko.broadcast', ?, ?)",
            [(str(chat), to_db(now + timedelta(minutes=15))) for chat in GROUPS],
        )
        # The groups stop at the end of the year: the bots measured here broadcast nothing.
        await tx.execute(
            "UPDATE command_groups SET active = 0, removed_at = ?, removed_reason = 'stopped'",
            (to_db(now),),
        )
        await tx.execute("UPDATE deadlines SET state = 'cancelled' WHERE kind = 'posko.broadcast'")


async def chart_png(run: Bench) -> bytes:
    settings = Settings(_env_file=None, db_path=run.db_path)  # type: ignore[call-arg]
    services = Services(settings=settings, clock=SystemClock(), catalog=Catalog.load())
    view = await build_status(services, run.db, "id", StatusScope.whole(), SystemClock().now())
    return (await draw_chart(services, "id", view)).png


@dataclass
class Nights:
    """What the nightly retention runs did while the history was written."""

    runs: list[float] = field(default_factory=list)  # seconds per night's run
    batches: dict[str, list[float]] = field(default_factory=dict)  # seconds per batch, by step
    counts: dict[str, int] = field(default_factory=dict)  # units each step did (rows, pages)
    removed_bytes: int = 0  # what the runs took out of the used pages: the data pruned

    async def run(self, db: Database, settings: Settings, night: datetime) -> None:
        """One night's run, as the bot's job takes it (the same batches, the clock at the
        night's run), timing every batch."""
        used_before = await used_bytes(db)
        mark = time.perf_counter()

        def batch_done(step: str) -> None:
            nonlocal mark
            self.batches.setdefault(step, []).append(time.perf_counter() - mark)
            mark = time.perf_counter()

        started = time.perf_counter()
        counts = await run_to_end(db, settings.retention_policy, night, on_batch=batch_done)
        self.runs.append(time.perf_counter() - started)
        for step, done in counts.items():
            self.counts[step] = self.counts.get(step, 0) + done
        self.removed_bytes += used_before - await used_bytes(db)


async def used_bytes(db: Database) -> int:
    """The file less its free pages: an incremental vacuum moves pages but leaves this alone."""
    space = await retention.file_space(db)
    return space.bytes - space.free_bytes


def night_after(day: datetime, settings: Settings) -> datetime:
    return next_run_at(day, settings.zone, settings.retention_hour)


async def write_year(
    run: Bench, days: int, now: datetime, settings: Settings, nights: Nights | None, left: int
) -> tuple[dict[str, int], list[datetime]]:
    """The history, a day per transaction, with each night's retention run when `nights` is
    given but the last `left` nights': those are returned for the caller to run."""
    writer = YearWriter(run.people, await chart_png(run), 2024)
    start = now - timedelta(days=days)
    skipped: list[datetime] = []
    async with run.db.transaction() as tx:
        await writer.groups(tx, start)
    for d in range(days):
        # 07.00 WIB is 00.00 UTC.
        day = start.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=d)
        async with run.db.transaction() as tx:
            await writer.rollcall(tx, day)
            await writer.readiness(tx, day)
            if d % 6 == 3:
                await writer.callout(tx, day + timedelta(hours=15))
            writer.charts(day)
            await writer.flush(tx)
        if nights is not None and d < days - left:
            await nights.run(run.db, settings, night_after(day, settings))
        elif nights is not None:
            skipped.append(night_after(day, settings))
        if d % 30 == 29:
            print(f"  … day {d + 1} ({load()}): {writer.counts}", flush=True)
    async with run.db.transaction() as tx:
        await writer.posko_edits(tx, now)
    return writer.counts, skipped


def file_mb(path: Path) -> float:
    """The database file after a checkpoint (the WAL folded in and truncated)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return path.stat().st_size / 1e6


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


async def stop_bot(run: Bench) -> None:
    if run.bot is not None:
        await run.bot.stop()
        run.bot = None


async def session(
    run: Bench, label: str, taps: int, rounds: int, *, pruning: bool = False
) -> dict[str, Any]:
    """One bot on the bench's current database: start-up, /status, a whole roll call, a tap
    burst. `pruning`: the bot's own retention job is started before the burst, and a second
    burst of other people follows once the job has finished — the same bot on the same file,
    with and without the job."""
    print(f"\n== {label} ({load()})", flush=True)
    figures: dict[str, Any] = {}
    started = time.monotonic()
    bot = await run.start_bot(admin_ids=",".join(str(a) for a in ADMINS))
    figures["startup"] = time.monotonic() - started
    print(f"start-up (spawn → first getUpdates): {figures['startup']:.2f} s")
    for admin in ADMINS:
        run.fake.user(admin, "Admin")
    if rounds:
        await run.fake.wait_idle(10, 1.0)
        figures.update(await direct_apart(run, rounds))
        figures["/status end to end"] = await end_to_end(run, "/status", rounds)

    limit = max(600.0, len(run.people) / 30 * 5)
    count_429 = run.fake.faults.count_429
    # The previous session's roll call is complete in the watcher too: forget it, or it would
    # be taken for this one (each session's database numbers its roll calls on its own).
    run.watcher.prompts.clear()
    rollcall_id, sent_at = await open_rollcall(run, "/apel semua 30", timeout=limit)
    prompts = run.watcher.prompts[rollcall_id]
    called = len(await apel_store.called_targets(run.db, rollcall_id))
    last = prompts[-1] - sent_at
    figures["ratio"] = last / (called / 30)
    print(
        f"whole roll call #{rollcall_id}: {called} called; last prompt {last:.1f} s;"
        f" ratio {figures['ratio']:.3f}; 429s {run.fake.faults.count_429 - count_429}"
    )
    await run.drained()
    before = await retention.last_finished(run.db)
    if pruning:
        await retention_started(run)
    # Without the job, two bursts by different people: the p95 of one burst of 1,500 moved
    # ±25 % between rounds here, so each database gets twice the samples.
    groups = [run.people[:taps]] if pruning else [run.people[:taps], run.people[taps : 2 * taps]]
    for people in groups:
        print(f"({load()}) burst of {taps} taps", flush=True)
        burst = await press_everyone(run, rollcall_id, people)
        record(figures, "", burst)
        await run.drained()
    if pruning:
        # Every tap was answered and written before this look: if the run has not finished
        # yet, the whole burst met the job.
        inside = await retention.last_finished(run.db) == before
        print(f"the retention job still running after the burst's last write: {inside}")
        figures["burst inside the run"] = inside
        await poll(partial(finished_since, run, before), 600, "the retention run to finish", 0.05)
        await run.drained()
        print(f"({load()}) the run finished; the same burst by others, same bot", flush=True)
        others = run.people[taps : 2 * taps]
        record(figures, "after: ", await press_everyone(run, rollcall_id, others))
    await run.drained()
    memory = bot.memory_kb()
    print(f"bot peak RSS {memory.get('VmHWM', 0) / 1024:.1f} MB ({load()})", flush=True)
    # The next session must meet what this one met, no roll call open: an open one adds its
    # tally to every /status (~6 ms for 3,294 targets), which is not history's doing.
    async with run.db.transaction() as tx:
        await apel_store.close(tx, rollcall_id, SystemClock().now(), "bench")
    await stop_bot(run)
    return figures


def record(figures: dict[str, Any], prefix: str, burst: Burst) -> None:
    """A burst's figures appended to the session's lists (a session may press several)."""
    for name, value in (
        ("burst answers/s", burst.rate),
        ("burst p95", burst.p95),
        ("burst p95 in the bot", burst.bot_p95),
    ):
        figures.setdefault(prefix + name, []).append(value)


def samples(round_: dict[str, dict[str, Any]], label: str, name: str) -> list[float]:
    """A figure of one round's session as a list: one value, or one per burst."""
    value = round_.get(label, {}).get(name)
    if value is None:
        return []
    return [float(v) for v in value] if isinstance(value, list) else [float(value)]


async def finished_since(run: Bench, before: datetime | None) -> bool:
    return await retention.last_finished(run.db) != before


async def direct_apart(run: Bench, rounds: int) -> dict[str, float]:
    """`build_status` timed in a process of its own (bench/status_direct.py): this process
    wrote the year through storage, and its heap made the same call ~35 % slower here than in
    a fresh process on the same file (5 Dec 2026) — the bench's doing, not the database's."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).with_name("status_direct.py")),
        str(run.db_path),
        str(rounds),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await child.communicate()
    lines = out.decode().strip().splitlines()
    print("\n".join(lines[:-1]))
    figures: dict[str, float] = json.loads(lines[-1])
    return figures


def median_of(rounds: Sequence[dict[str, dict[str, Any]]], label: str, name: str) -> float | None:
    """The median over every sample of every round (a burst figure has one per burst)."""
    values = [v for r in rounds for v in samples(r, label, name)]
    return statistics.median(values) if values else None


def summary(rounds: Sequence[dict[str, dict[str, Any]]]) -> str:
    """Each figure's median over the rounds per database, beside the fresh one's as a ratio
    (the targets: p95s within 10 %, i.e. ≤ 1.10x; answers a second ≥ 0.90x), then the rounds
    one by one: their spread is what a single run on this machine is worth."""
    labels = list(rounds[0])
    names = [
        name
        for name in dict.fromkeys(n for r in rounds for figures in r.values() for n in figures)
        if name not in ("startup", "ratio", "burst inside the run")
        and not name.startswith("after: ")
    ]
    lines = [f"{'median of ' + str(len(rounds)) + ' rounds':<26}"]
    lines[0] += "".join(f"{label:>24}" for label in labels)
    for name in names:
        unit, scale = ("/s", 1.0) if name.endswith("/s") else ("ms", 1000.0)
        fresh = median_of(rounds, labels[0], name)
        cells = []
        for label in labels:
            mine = median_of(rounds, label, name)
            cells.append(
                "-"
                if mine is None or fresh is None
                else f"{mine * scale:.1f} {unit} ({mine / fresh:.2f}x)"
            )
        lines.append(f"{name:<26}" + "".join(f"{cell:>24}" for cell in cells))
    lines.append("")
    for name in names:
        unit, scale = ("/s", 1.0) if name.endswith("/s") else ("ms", 1000.0)
        for label in labels:
            values = [f"{v * scale:.1f}" for r in rounds for v in samples(r, label, name)]
            if values:
                lines.append(f"  {name} · {label}: {', '.join(values)} {unit}")
    return "\n".join(lines)


def job_effect(rounds: Sequence[dict[str, dict[str, Any]]], label: str) -> str:
    """The same bot on the same file: the burst while its retention job ran ÷ the burst of
    other people once the job had finished, per round and their median."""
    lines = []
    for name in ("burst p95", "burst p95 in the bot", "burst answers/s"):
        ratios = [
            statistics.median(samples(r, label, name))
            / statistics.median(samples(r, label, "after: " + name))
            for r in rounds
            if samples(r, label, "after: " + name)
        ]
        if ratios:
            each = ", ".join(f"{x:.2f}" for x in ratios)
            lines.append(
                f"{name:<22} during ÷ after: median {statistics.median(ratios):.2f}x ({each})"
            )
    inside = [bool(r[label]["burst inside the run"]) for r in rounds if label in r]
    lines.append(f"the whole burst inside the run: {sum(inside)} of {len(inside)} rounds")
    return "\n".join(lines)


async def retention_started(run: Bench) -> None:
    """Arm the bot's retention job due now and wait until it has taken its first batch (its
    row re-armed with counts, or a run so short it has finished): the taps that follow meet it
    mid-run."""
    before = await retention.last_finished(run.db)
    async with run.db.transaction() as tx:
        await deadlines.schedule(tx, KIND, REF, SystemClock().now(), {"step": STEPS[0].value})

    async def started() -> bool:
        job = await deadlines.get(run.db, KIND, REF)
        under_way = job is not None and "counts" in job.payload
        return under_way or await retention.last_finished(run.db) != before

    await poll(started, 60, "the retention job's first batch", 0.02)
    print(f"retention job running in the bot ({SystemClock().now():%H:%M:%S.%f} UTC)", flush=True)


async def use(run: Bench, name: str) -> None:
    """Point the bench (its connection and the next bot) at another file in its folder."""
    await run.db.close()
    run.db_file = name
    run.db = await Database.open(run.db_path)


async def main(
    size: int,
    days: int,
    taps: int,
    rounds: int,
    repeats: int,
    prune: bool,
    left: int,
    keep: Path | None,
) -> None:
    async with bench(size) as run:
        print(f"machine: {machine()}; {load()}")
        # The fresh database is the roster alone, kept aside before the year is written: the
        # two are measured in turns after the writing, in the same bench process and the
        # same state of the machine (measured before and after, single runs moved ±20 %).
        await asyncio.to_thread(backup_database, run.db_path, run.folder / FRESH)
        fresh_mb = file_mb(run.folder / FRESH)

        settings = Settings(_env_file=None, db_path=run.db_path)  # type: ignore[call-arg]
        nights = Nights() if prune else None
        mode = "the retention run every night" if prune else "nothing pruned (--no-prune)"
        print(f"\n== writing {days} days of history, {mode} ({load()})", flush=True)
        now = SystemClock().now()
        started = time.monotonic()
        counts, skipped = await write_year(run, days, now, settings, nights, left)
        print(f"history written in {time.monotonic() - started:.0f} s: {counts}")
        # The backup is taken before the last nights' runs: the copy is what the bot meets
        # after those nights, pruned by its own job in the nightly sessions.
        night = run.folder / "night.db"
        started = time.monotonic()
        await asyncio.to_thread(backup_database, run.db_path, night)
        print(f"backup: {time.monotonic() - started:.1f} s ({load()})")
        if nights is not None:
            for moment in skipped:
                await nights.run(run.db, settings, moment)
            print(
                f"the last {len(skipped)} nights' runs: {sum(nights.runs[-len(skipped) :]):.1f} s"
            )
            print(f"nightly runs: {spread(nights.runs, 's', 1.0)}; total {sum(nights.runs):.1f} s")
            everything = [t for times in nights.batches.values() for t in times]
            print(f"batch (one transaction) duration: {spread(everything)}")
            for step, times in nights.batches.items():
                print(f"  {step:<18} {spread(times)}")
            print(f"what the runs did (rows; reclaim: pages): {nights.counts}")
        tables = {
            t: int((await run.db.fetchone(f"SELECT COUNT(*) FROM {t}"))[0])  # type: ignore[index]
            for t in ("outbox", "rollcall_targets", "rollcall_answer_log", "deadlines",
                      "readiness_history", "audit_log", "callout_invites")
        }  # fmt: skip
        print(f"rows kept: {tables}")
        year_mb = file_mb(run.db_path)
        space = await retention.file_space(run.db)
        if nights is not None:
            removed_mb = nights.removed_bytes / 1e6
            print(
                f"file size: fresh {fresh_mb:.1f} MB · after {days} days {year_mb:.1f} MB"
                f" ({space.free_bytes / 1e6:.1f} MB free inside; goal ≤ 500 MB) · the nightly"
                f" runs removed {removed_mb:.1f} MB of data, so unpruned ≈"
                f" {year_mb - space.free_bytes / 1e6 + removed_mb:.1f} MB (an estimate: data"
                " kept + data removed; measure it with --no-prune)"
            )
        else:
            print(f"file size: fresh {fresh_mb:.1f} MB · {days} days unpruned {year_mb:.1f} MB")

        check_settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            db_path=run.db_path,
            bot_token=SecretStr("123456789:AAEbenchTokenForSiagaScaleBenchesXYZ"),
            api_base_url=run.fake.api_base_url,
        )
        started = time.monotonic()
        results = await run_checks(check_settings)
        print(f"check: {time.monotonic() - started:.1f} s")
        for result in results:
            print(f"  {'OK  ' if result.ok else 'GAGAL'} {result.name:<13} {result.detail}")
        month = await run.db.fetchall(
            "SELECT id FROM rollcalls WHERE opened_at >= ? AND state = 'closed' ORDER BY id",
            (to_db(now - timedelta(days=30)),),
        )
        started = time.monotonic()
        rows = 0
        for (rollcall_id,) in month:
            request = cli_request("apel", int(rollcall_id), None, None)
            assert not isinstance(request, Refusal), request
            written = await export_file(settings, request, run.folder / "apel.xlsx", "xlsx", ";")
            assert not isinstance(written, Refusal), written
            rows += written[0]
        print(
            f"export of a month of roll calls: {len(month)} XLSX files, {rows} rows in"
            f" {time.monotonic() - started:.1f} s ({load()})"
        )

        year_file = run.db_file
        year_label = f"{days} days"
        measured: list[dict[str, dict[str, Any]]] = []
        for turn in range(repeats):
            figures: dict[str, dict[str, Any]] = {}
            sessions: list[tuple[str, str, bool]] = [
                ("fresh", FRESH, False),
                (year_label, year_file, False),
            ]
            if nights is not None:
                # A copy of the file from before the last nights, for each round: the bot's
                # own job prunes what those nights would have while the taps are answered.
                copy = f"night-{turn}.db"
                await asyncio.to_thread(shutil.copyfile, night, run.folder / copy)
                sessions.append(("nightly run", copy, True))
            # Every other round the other way round, so a machine that warms up or tires
            # over the rounds weighs on each database alike.
            ordered = sessions if turn % 2 == 0 else sessions[::-1]
            for label, name, pruning in ordered:
                await use(run, name)
                figures[label] = await session(
                    run, f"round {turn + 1}: {label}", taps, 0 if pruning else rounds,
                    pruning=pruning,
                )  # fmt: skip
            measured.append({label: figures[label] for label, _, _ in sessions})
            if nights is not None:
                await use(run, year_file)
                (run.folder / f"night-{turn}.db").unlink()
                for suffix in ("-wal", "-shm"):
                    (run.folder / f"night-{turn}.db{suffix}").unlink(missing_ok=True)
        await use(run, year_file)
        if keep is not None:
            await asyncio.to_thread(shutil.copy, run.db_path, keep)

        print("\n== summary")
        for label in measured[0]:
            for name, what in (("startup", "start-up s"), ("ratio", "roll call ratio")):
                values = [r[label][name] for r in measured]
                each = ", ".join(f"{v:.3f}" for v in values)
                print(f"{label:<12} {what:<16} median {statistics.median(values):.3f} ({each})")
        print(summary(measured))
        if nights is not None:
            print("\n== the bot's own retention job, same bot, same file")
            print(job_effect(measured, "nightly run"))
        print(f"machine at the end: {machine()}")
        # bench() closes the connection it opened; `use` replaced it.
        await run.db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=N, help=f"personnel (default {N})")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--taps", type=int, default=1500, help="people in the burst")
    parser.add_argument("--rounds", type=int, default=100, help="/status samples")
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="rounds of sessions, each database in turn (default 3; the medians are reported)",
    )
    parser.add_argument(
        "--no-prune",
        dest="prune",
        action="store_false",
        help="write the history without the nightly runs: the unpruned size, measured",
    )
    parser.add_argument(
        "--left-nights",
        type=int,
        default=7,
        help="the last nights left to the bot's own job in the third session (default 7:"
        " a week of days to prune while the burst is answered)",
    )
    parser.add_argument("--keep", type=Path, help="copy the final database here")
    args = parser.parse_args()
    assert 1 <= args.left_nights < args.days, "--left-nights: 1 to --days - 1"
    run_main(
        main(
            args.size,
            args.days,
            args.taps,
            args.rounds,
            args.repeats,
            args.prune,
            args.left_nights,
            args.keep,
        )
    )
