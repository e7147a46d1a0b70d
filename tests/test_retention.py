"""Retention: the periods, what is live, and pruning around everything that still needs rows."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.cli.main import load_settings
from bot.cli.operations import backup_database, compact_database
from bot.clock import FakeClock
from bot.config import Settings
from bot.domain.apel import Answer, Scope, ScopeKind
from bot.domain.callout import CalloutStatus, InviteState
from bot.domain.retention import (
    MAX_WAIT_FOR_QUIET,
    QUIET_BEFORE_BATCH,
    STEPS,
    Live,
    OutboxCandidate,
    RetentionPolicy,
    Step,
    after_batch,
    batch_waits_until,
    live_outbox_row,
    next_run_at,
    policy_problems,
)
from bot.retention import KIND, REF, RetentionJob, describe, run_to_end
from bot.scheduler import Scheduler
from storage import apel, audit, deadlines, inbox, outbox, personnel, readiness, retention, users
from storage import callouts as callout_store
from storage.apel import NewTarget
from storage.db import Database, Transaction
from storage.outbox import OutgoingMessage, Priority
from storage.personnel import Person
from storage.roster import import_roster
from storage.timestamps import to_db
from tests.harness import (
    COMMANDER_ID,
    FAST_DELIVERY,
    KOMANDAN,
    BotHarness,
    Member,
    open_apel,
    open_callout,
    roster_rows,
)
from tests.test_callout_e2e import (
    HENDRA,
    _when_count,
    answer_all,
    brimob,
    card,
    invites,
    order,
    prepare,
    until,
)
from tests.test_callout_e2e import tap as tap_button

WIB = ZoneInfo("Asia/Pontianak")
ROOT = Path(__file__).resolve().parent.parent
POLICY = RetentionPolicy()

# -- the rules -------------------------------------------------------------------------------


def test_default_policy_is_valid_and_short_periods_are_refused() -> None:
    assert policy_problems(POLICY) == []
    short = RetentionPolicy(
        records=timedelta(days=30), working=timedelta(hours=12), personal=timedelta(days=1)
    )
    problems = policy_problems(short)
    assert [p.period for p in problems] == ["working", "records", "personal"]
    assert "at least 48 hours" in problems[0].text
    assert "at least 90 days" in problems[1].text
    assert "at least 7 days" in problems[2].text


def test_settings_refuse_unsafe_retention_with_a_clear_message(tmp_path: object) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, retention_working_hours=24)  # type: ignore[call-arg]
    message = str(refused.value)
    assert "SIAGA_RETENTION_" in message
    assert "working data must be kept at least 48 hours" in message
    assert "got 24 hours" in message
    with pytest.raises(ValidationError, match="records must be kept at least 90 days"):
        Settings(_env_file=None, retention_records_days=30)  # type: ignore[call-arg]
    fine = Settings(_env_file=None, retention_records_days=365)  # type: ignore[call-arg]
    assert fine.retention_policy.records == timedelta(days=365)


def test_the_operator_is_told_which_retention_variable_is_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in list(os.environ):
        if name.startswith("SIAGA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SIAGA_RETENTION_WORKING_HOURS", "24")
    monkeypatch.setenv("SIAGA_RETENTION_PERSONAL_DAYS", "2")
    monkeypatch.chdir(tmp_path)  # no .env here
    with pytest.raises(SystemExit):
        load_settings()
    said = capsys.readouterr().err
    assert "SIAGA_RETENTION_WORKING_HOURS: working data must be kept at least 48 hours" in said
    assert "(got 24 hours) (default 168)" in said
    assert "SIAGA_RETENTION_PERSONAL_DAYS: personal fields must be kept at least 7 days" in said
    assert "SIAGA_:" not in said


def test_a_batch_that_did_work_continues_and_an_empty_one_moves_on() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    later = now + timedelta(days=1)
    assert after_batch(Step.OUTBOX, 10, now=now, next_run=later).step is Step.OUTBOX
    moved = after_batch(Step.OUTBOX, 0, now=now, next_run=later)
    assert (moved.step, moved.at, moved.finished) == (Step.DEADLINES, now, False)
    last = after_batch(STEPS[-1], 0, now=now, next_run=later)
    assert (last.step, last.at, last.finished) == (STEPS[0], later, True)


def test_a_batch_gives_way_while_updates_arrive_but_not_for_ever() -> None:
    now = datetime(2026, 1, 1, 20, tzinfo=UTC)
    second = timedelta(seconds=1)
    # Nobody pressed anything lately: at once.
    assert batch_waits_until(now, None, None) is None
    assert batch_waits_until(now, now - QUIET_BEFORE_BATCH, None) is None
    # A tap a moment ago: after a quiet second.
    tap = now - timedelta(milliseconds=300)
    assert batch_waits_until(now, tap, None) == tap + QUIET_BEFORE_BATCH
    # Taps that never stop: the batch that has waited long enough runs anyway…
    assert batch_waits_until(now, now, now - MAX_WAIT_FOR_QUIET) is None
    # …and one that has waited a while is not put off beyond that.
    since = now - MAX_WAIT_FOR_QUIET + second / 2
    assert batch_waits_until(now, now, since) == since + MAX_WAIT_FOR_QUIET


def test_the_run_is_at_the_configured_local_hour() -> None:
    # 20.00 WIB: the next 03.00 WIB is tomorrow; 02.00 WIB: today's 03.00.
    evening = datetime(2026, 1, 1, 13, 0, tzinfo=UTC)
    assert next_run_at(evening, WIB, 3) == datetime(2026, 1, 1, 20, 0, tzinfo=UTC)
    night = datetime(2026, 1, 1, 19, 0, tzinfo=UTC)
    assert next_run_at(night, WIB, 3) == datetime(2026, 1, 1, 20, 0, tzinfo=UTC)
    exactly = datetime(2026, 1, 1, 20, 0, tzinfo=UTC)
    assert next_run_at(exactly, WIB, 3) == datetime(2026, 1, 2, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "batch", "live"),
    [
        ("ap:5:card", None, True),
        ("ap:5:p:17", None, True),
        ("ap:6:p:17", None, False),
        ("co:7:card", None, True),
        ("co:8:card", None, False),
        ("co:inv:40", None, True),
        ("co:inv:40:rem:1", None, True),
        ("co:arr:40", None, True),
        ("co:inv:41", None, False),
        ("reg:3:to:2001", None, True),
        ("reg:4:to:2001", None, False),
        ("posko:-100:status:9", None, True),  # the pinned status message (in `keys`)
        ("rd:ask:1:2026", None, False),
        ("edit:ap:5:card", None, False),  # a sent edit: the next one is a new row
        ("anything", 12, True),  # the batch of a live roll call or call-out
    ],
)
def test_what_a_live_roll_call_call_out_request_or_pinned_status_keeps(
    key: str, batch: int | None, live: bool
) -> None:
    refs = Live(
        rollcalls=frozenset({5}),
        callouts=frozenset({7}),
        invites=frozenset({40}),
        link_requests=frozenset({3}),
        batches=frozenset({12}),
        keys=frozenset({"posko:-100:status:9"}),
    )
    assert live_outbox_row(OutboxCandidate(1, key, batch), refs) is live


# -- pruning around live things, end to end ---------------------------------------------------


async def _none_open(bot: BotHarness) -> bool:
    return not await apel.open_rollcalls(bot.db)


async def _retention_finished(bot: BotHarness, after: datetime) -> bool:
    finished = await retention.last_finished(bot.db)
    return finished is not None and finished >= after


async def test_pruning_keeps_what_reports_live_rekaps_deadlines_and_replays_need(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(4)])
    fake = bot.fake
    hendra = fake.user(HENDRA.user_id)

    # A roll call, answered and closed: a record.
    await hendra.send("/apel BRIMOB 30")
    await fake.wait_for_message(HENDRA.user_id, "dibuka")
    rollcall_id = (await apel.open_rollcalls(bot.db))[0].id
    for n in range(4):
        member = fake.user(brimob(n).user_id)
        await tap_button(bot, member, "Hadir", await fake.wait_for_message(member.id, "APEL #"))
    bot.clock.advance(minutes=31)
    await fake.wait_for_message(HENDRA.user_id, "LAPORAN")
    report_before = await apel.report_rows(bot.db, rollcall_id)
    tally_before = await apel.tally_rows(bot.db, rollcall_id)
    prompt = apel.prompt_key(rollcall_id, report_before[0].person_id)
    assert await outbox.row_state(bot.db, prompt) is not None

    # A call-out that stays active for days: its card and invitations are live edit targets.
    callout_id = await order(bot, HENDRA, "/mobilize BRIMOB 2 Kantor KPU Kalbar")
    first = await until(lambda: _when_count(invites(bot, callout_id), 2), what="2 invitations")
    await answer_all(bot, first, "Siap berangkat")
    callout = await callout_store.get(bot.db, callout_id)
    assert callout is not None
    live_card = await card(bot, HENDRA.user_id, callout_id, "✅ 2 siap")

    # A replayable update (received the day before the run) and timers nobody has handled
    # yet, one of them long overdue.
    now = bot.clock.now()
    async with bot.db.transaction() as tx:
        update = {"update_id": 1, "message": {"text": "/status"}}
        await inbox.store(tx, [(1, update)], now + timedelta(days=9))
        await deadlines.schedule(tx, "test.unhandled", "overdue", now - timedelta(days=30))
        await deadlines.schedule(tx, "test.unhandled", "later", now + timedelta(days=60))
        await outbox.enqueue(
            tx,
            OutgoingMessage(9999999, "still owed", Priority.BROADCAST, "test:owed"),
            now - timedelta(days=30),
        )
        # Owed for a month and still waiting (the drainer paces by the wall clock: far off).
        owed_row = await outbox.row_state(tx, "test:owed")
        assert owed_row is not None
        await outbox.defer(tx, owed_row.id, datetime(2100, 1, 1, tzinfo=UTC), "flood wait")

    # Ten days on: the nightly run (03.00 WIB) fires and goes through every step.
    started = bot.clock.advance(days=10)
    await until(lambda: _retention_finished(bot, started), what="the retention run")

    # Working data of what is over is gone…
    assert await outbox.row_state(bot.db, prompt) is None
    assert await outbox.row_state(bot.db, f"ap:{rollcall_id}:card") is None
    # …the records of the roll call are whole: the report and the tally are the same.
    assert await apel.report_rows(bot.db, rollcall_id) == report_before
    assert await apel.tally_rows(bot.db, rollcall_id) == tally_before
    # The live call-out keeps its card and invitations; the replay and the timers stay.
    assert await outbox.row_state(bot.db, callout.card_key) is not None
    for invite in first:
        assert await outbox.row_state(bot.db, callout_store.invite_key(invite.id)) is not None
    assert await inbox.count(bot.db) == 1
    unhandled = {d.ref for d in await deadlines.pending(bot.db, "test.unhandled")}
    assert unhandled == {"overdue", "later"}
    owed = await outbox.row_state(bot.db, "test:owed")
    assert owed is not None
    assert owed.state == "pending"
    # The next run is armed for tomorrow night.
    armed = await deadlines.get(bot.db, KIND, REF)
    assert armed is not None
    assert armed.state == "pending"
    assert armed.due_at > bot.clock.now()

    # The ten-day-old card is still edited in place when the call-out is completed.
    await tap_button(bot, hendra, "Selesai", live_card)
    confirm = await fake.wait_for(
        lambda: next(
            (m for m in reversed(fake.sent_to(HENDRA.user_id)) if m.button("Ya, selesaikan")),
            None,
        )
    )
    await tap_button(bot, hendra, "Ya, selesaikan", confirm)
    done = await card(bot, HENDRA.user_id, callout_id, "SELESAI")
    assert done.message_id == live_card.message_id
    for invite in first:
        await fake.wait_for_message(invite.chat_id, "selesai. Terima kasih")
    assert len(await invites(bot, callout_id, InviteState.ACCEPTED)) == 2


# -- records and personal fields -------------------------------------------------------------


async def _closed_apel(tx: Transaction, people: list[Person], at: datetime) -> int:
    """A roll call of these people opened at `at`, everyone answered Hadir, closed."""
    rollcall_id = await open_apel(
        tx,
        Scope(ScopeKind.CATEGORY, "BRIMOB"),
        [NewTarget(p.id, p.telegram_user_id, p.category_code) for p in people],
        at,
        by_user=COMMANDER_ID,
        by_name="AKBP Hendra Wijaya",
    )
    for person in people:
        await apel.record_answer(tx, rollcall_id, person.id, Answer.YES, at)
    await apel.close(tx, rollcall_id, at + timedelta(minutes=30), "deadline")
    return rollcall_id


@asynccontextmanager
async def squad_on_file(
    harness: BotHarness, size: int
) -> AsyncIterator[tuple[Database, list[Person]]]:
    """`size` linked BRIMOB members and their commander seeded, the bot not running: the
    database open for the test, and the members' roster rows."""
    squad = [brimob(n) for n in range(1, size + 1)]
    await harness.seed_linked([KOMANDAN, *squad])
    db = await Database.open(harness.db_path)
    try:
        yield db, await _people(db, squad)
    finally:
        await db.close()


async def _people(db: Database, members: list[Member]) -> list[Person]:
    found = [await personnel.by_nrp(db, m.nrp) for m in members]
    assert all(found)
    return [p for p in found if p is not None]


async def _count(db: Database, sql: str, *params: object) -> int:
    row = await db.fetchone(sql, params)
    assert row is not None
    return int(row[0])


async def test_an_update_that_could_never_be_processed_goes_after_the_working_period(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    async with db.transaction() as tx:
        await inbox.store(tx, [(7, {"update_id": 7, "message": {"text": "/x"}})], t0)
        fresh = t0 + POLICY.working
        await inbox.store(tx, [(8, {"update_id": 8, "message": {"text": "/y"}})], fresh)

    with caplog.at_level(logging.WARNING, logger="bot.retention"):
        counts = await run_to_end(db, POLICY, t0 + POLICY.working + timedelta(hours=1))

    assert [update_id for update_id, _ in await inbox.unprocessed(db)] == [8]
    assert counts["inbox"] == 1
    assert "1 updates still in the inbox after the working period" in caplog.text


async def test_deactivated_people_lose_phone_and_link_after_the_period_and_still_count(
    harness: BotHarness,
) -> None:
    t0 = harness.clock.now()
    async with squad_on_file(harness, 3) as (db, people):
        async with db.transaction() as tx:
            rollcall_id = await _closed_apel(tx, people, t0)
            await users.set_language(tx, brimob(3).user_id, "en", t0)
        # Brimob 3 leaves the roster a day later.
        await import_roster(
            db, roster_rows([KOMANDAN, brimob(1), brimob(2)]), t0 + timedelta(days=1)
        )
        report = await apel.report_rows(db, rollcall_id)
        tally = await apel.tally_rows(db, rollcall_id)
        gone = people[2]

        # Within the period nothing personal is touched (a mistaken import can be undone).
        await run_to_end(db, POLICY, t0 + timedelta(days=60))
        kept = await personnel.by_id(db, gone.id)
        assert kept is not None
        assert (kept.phone, kept.telegram_user_id) == (gone.phone, brimob(3).user_id)

        # Past it: phone and Telegram link erased, the account's settings with them…
        await run_to_end(db, POLICY, t0 + timedelta(days=92))
        erased = await personnel.by_id(db, gone.id)
        assert erased is not None
        assert (erased.phone, erased.telegram_user_id) == ("", None)
        assert (erased.nrp, erased.name) == (gone.nrp, gone.name)
        assert await users.get(db, brimob(3).user_id) is None
        # …the others untouched, and the old roll call still counts and names them.
        others = await _people(db, [brimob(1), brimob(2)])
        assert [p.phone for p in others] == [p.phone for p in people[:2]]
        assert await apel.tally_rows(db, rollcall_id) == tally
        after = await apel.report_rows(db, rollcall_id)
        assert [(r.person_id, r.status, r.name) for r in after] == [
            (r.person_id, r.status, r.name) for r in report
        ]
        assert [r.phone for r in after if r.person_id == gone.id] == [""]


async def test_records_older_than_the_period_go_whole_and_newer_ones_stay(
    harness: BotHarness,
) -> None:
    t0 = harness.clock.now()
    async with squad_on_file(harness, 2) as (db, people):
        async with db.transaction() as tx:
            old = await _closed_apel(tx, people, t0)
            await readiness.set_not_ready(tx, people[0].id, t0, reason="sakit", source="t")
            await audit.record(tx, t0, "test.old")
            callout_id, line_id = await open_callout(
                tx, "BRIMOB", 1, "Mako", t0, by_user=COMMANDER_ID, by_name="AKBP Hendra"
            )
            invite = await callout_store.add_invite(
                tx, callout_id, line_id, people[1].id, brimob(2).user_id, t0
            )
            await callout_store.transition(
                tx, invite, [InviteState.PENDING], InviteState.ACCEPTED, t0, answered=True
            )
            await callout_store.close(tx, callout_id, CalloutStatus.COMPLETED, t0, None)
            recent = await _closed_apel(tx, people, t0 + timedelta(days=400))
            # A call-out still active two years on (a long BKO): live, so never a record to prune.
            active, _ = await open_callout(
                tx, "BRIMOB", 1, "Pos BKO", t0, by_user=COMMANDER_ID, by_name="AKBP Hendra"
            )
            await audit.record(tx, t0 + timedelta(days=400), "test.recent")

        await run_to_end(db, POLICY, t0 + timedelta(days=731))

        assert await apel.get(db, old) is None
        for table in ("rollcall_targets", "rollcall_answer_log"):
            assert (
                await _count(db, f"SELECT COUNT(*) FROM {table} WHERE rollcall_id = ?", old) == 0
            )
        assert await callout_store.get(db, callout_id) is None
        assert await _count(db, "SELECT COUNT(*) FROM callout_invites") == 0
        assert await _count(db, "SELECT callout_id FROM callout_lines") == active
        assert await callout_store.get(db, active) is not None
        assert [e.action for e in await audit.entries(db)] == ["test.recent"]
        old_history = "SELECT COUNT(*) FROM readiness_history WHERE at < ?"
        assert await _count(db, old_history, to_db(t0 + timedelta(days=1))) == 0
        # The newer roll call is whole.
        assert len(await apel.report_rows(db, recent)) == 2
        # The oldest record kept is the call-out still active.
        assert await retention.oldest_record(db) == t0
        # The pages those rows used went back to the file system.
        space = await retention.file_space(db)
        assert space.incremental
        assert space.free_bytes == 0


async def test_a_reactivated_person_registers_again_by_sharing_their_contact(
    harness: BotHarness,
) -> None:
    andi = brimob(1)
    await harness.seed_linked([KOMANDAN, andi])
    harness.clock.advance(days=1)
    await harness.seed([KOMANDAN])  # Andi leaves the roster…
    harness.clock.advance(days=91)
    db = await Database.open(harness.db_path)
    try:
        await run_to_end(db, POLICY, harness.clock.now())
        erased = await personnel.by_nrp(db, andi.nrp)
        assert erased is not None
        assert erased.telegram_user_id is None
    finally:
        await db.close()
    harness.clock.advance(days=30)
    await harness.seed([KOMANDAN, andi])  # …and comes back with the same phone.
    await harness.start(**FAST_DELIVERY)

    user = harness.fake.user(andi.user_id, first_name="Andi")
    await user.send("/start")
    await harness.fake.wait_for_message(andi.user_id, "Bagikan nomor")
    await user.share_contact(phone=andi.phone)
    await harness.fake.wait_for_message(andi.user_id, "Terdaftar")
    linked = await personnel.by_nrp(harness.db, andi.nrp)
    assert linked is not None
    assert (linked.active, linked.telegram_user_id) == (True, andi.user_id)
    assert linked.phone == "+62" + andi.phone[1:]


async def test_a_run_killed_mid_batch_leaves_nothing_half_deleted_and_resumes(
    harness: BotHarness,
) -> None:
    t0 = harness.clock.now()
    now = t0 + timedelta(days=800)
    async with squad_on_file(harness, 3) as (db, people):
        async with db.transaction() as tx:
            old = [await _closed_apel(tx, people, t0 + timedelta(days=d)) for d in range(3)]
            recent = await _closed_apel(tx, people, now - timedelta(days=10))
            for n in range(5):
                key = f"test:sent:{n}"
                await outbox.enqueue(tx, OutgoingMessage(1, "old", Priority.BROADCAST, key), t0)
                sent = await outbox.row_state(tx, key)
                assert sent is not None
                await outbox.mark_sent(tx, [(sent.id, 100 + n)], t0)
            # A run due now, from its first step.
            await deadlines.schedule(tx, KIND, REF, now, {"step": Step.OUTBOX.value})
        env = {
            **os.environ,
            "SIAGA_DB_PATH": str(harness.db_path),
            "SIAGA_RETENTION_BATCH_ROWS": "100",
            "RETENTION_NOW": now.isoformat(),
        }
        env.pop("SIAGA_BOT_TOKEN", None)
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.retention_child",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
        )
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), timeout=60)
        assert line.strip() == b"mid-batch", line
        child.send_signal(signal.SIGKILL)
        await child.wait()

        # The batches before committed; the roll calls' batch, killed half done, left every
        # roll call whole with all its answers.
        targets = "SELECT COUNT(*) FROM rollcall_targets WHERE rollcall_id = ?"
        answers = "SELECT COUNT(*) FROM rollcall_answer_log WHERE rollcall_id = ?"
        assert await _count(db, "SELECT COUNT(*) FROM outbox WHERE dedup_key LIKE 'test:%'") == 0
        assert [await _count(db, targets, r) for r in old] == [3, 3, 3]
        assert [await _count(db, answers, r) for r in old] == [3, 3, 3]
        assert all([await apel.get(db, r) for r in old])
        row = await deadlines.get(db, KIND, REF)
        assert row is not None
        assert (row.state, row.payload["step"]) == ("pending", Step.ROLLCALLS.value)

        # The next start continues the run from there to the end.
        clock = FakeClock(now)
        scheduler = Scheduler(db, clock)
        settings = Settings(_env_file=None, db_path=harness.db_path)  # type: ignore[call-arg]
        RetentionJob(settings, lambda: db, clock).register(scheduler)
        await scheduler.run_due()
        assert [await apel.get(db, r) for r in old] == [None, None, None]
        assert await _count(db, "SELECT COUNT(*) FROM rollcall_targets") == 3
        assert await _count(db, targets, recent) == 3
        assert await retention.last_finished(db) == now
        row = await deadlines.get(db, KIND, REF)
        assert row is not None
        assert row.state == "pending"
        assert row.due_at == next_run_at(now, WIB, 3)


async def test_the_job_waits_for_a_quiet_second_while_people_press_buttons(
    harness: BotHarness,
) -> None:
    t0 = harness.clock.now()
    now = t0 + timedelta(days=800)
    async with squad_on_file(harness, 3) as (db, people):
        async with db.transaction() as tx:
            old = await _closed_apel(tx, people, t0)
            await deadlines.schedule(tx, KIND, REF, now, {"step": STEPS[0].value})
        clock = FakeClock(now)
        scheduler = Scheduler(db, clock)
        settings = Settings(_env_file=None, db_path=harness.db_path)  # type: ignore[call-arg]
        last_update: list[datetime] = [now - timedelta(milliseconds=200)]
        RetentionJob(settings, lambda: db, clock, lambda: last_update[0]).register(scheduler)

        await scheduler.run_due()
        # Nothing pruned while the taps come in; the run is due again after a quiet second.
        assert await apel.get(db, old) is not None
        row = await deadlines.get(db, KIND, REF)
        assert row is not None
        assert row.due_at == last_update[0] + QUIET_BEFORE_BATCH
        assert row.payload["step"] == STEPS[0].value

        # Taps all the time: after the longest wait a batch runs between them anyway (the
        # first step's found nothing: the run moved on), then the next waits again.
        for _ in range(int(MAX_WAIT_FOR_QUIET / QUIET_BEFORE_BATCH) - 1):
            last_update[0] = clock.advance(QUIET_BEFORE_BATCH) - timedelta(milliseconds=200)
            await scheduler.run_due()
            row = await deadlines.get(db, KIND, REF)
            assert row is not None
            assert row.payload["step"] == STEPS[0].value
        last_update[0] = clock.advance(QUIET_BEFORE_BATCH) - timedelta(milliseconds=200)
        await scheduler.run_due()
        row = await deadlines.get(db, KIND, REF)
        assert row is not None
        assert row.payload["step"] == STEPS[1].value
        assert row.payload["waiting_since"] == clock.now().isoformat()
        assert await apel.get(db, old) is not None

        # Quiet: the run goes on to its end.
        clock.advance(QUIET_BEFORE_BATCH)
        await scheduler.run_due()
        assert await apel.get(db, old) is None
        assert await retention.last_finished(db) == clock.now()


async def test_the_bots_retention_run_waits_while_a_member_is_tapping(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [brimob(1)])
    fake = bot.fake
    member = fake.user(brimob(1).user_id)
    await member.send("/siap")
    await fake.wait_for_message(member.id, "SIAP")
    tapped = bot.clock.now()
    async with bot.db.transaction() as tx:
        await deadlines.schedule(tx, KIND, REF, tapped, {"step": STEPS[0].value})

    async def gave_way() -> bool:
        row = await deadlines.get(bot.db, KIND, REF)
        return row is not None and "waiting_since" in row.payload

    await until(gave_way, what="the run giving way to the member's update")
    row = await deadlines.get(bot.db, KIND, REF)
    assert row is not None
    assert row.due_at == tapped + QUIET_BEFORE_BATCH
    bot.clock.advance(QUIET_BEFORE_BATCH)
    await until(lambda: _retention_finished(bot, tapped), what="the retention run")


# -- what an operator sees --------------------------------------------------------------------


async def test_check_reports_size_oldest_record_and_whether_retention_runs(
    tmp_path: Path,
) -> None:
    path = tmp_path / "siaga.db"
    settings = Settings(_env_file=None, db_path=path)  # type: ignore[call-arg]
    now = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
    db = await Database.open(path)
    try:
        lines = {name: (ok, detail) for name, ok, detail in await describe(db, settings, now)}
        assert lines["size"][0]
        assert "freed space goes back to the disk" in lines["size"][1]
        assert lines["oldest record"] == (True, "none yet (kept 730 days)")
        assert lines["retention"] == (
            True,
            "not armed yet: the bot arms it when it starts; never run",
        )

        clock = FakeClock(now)
        scheduler = Scheduler(db, clock)
        job = RetentionJob(settings, lambda: db, clock)
        job.register(scheduler)
        async with db.transaction() as tx:
            await job.arm(tx)  # what the scheduler's start does
            await audit.record(tx, now - timedelta(days=3), "test.old")
        lines = {name: (ok, detail) for name, ok, detail in await describe(db, settings, now)}
        assert lines["oldest record"] == (True, "2026-02-26 20:00 (kept 730 days)")
        assert lines["retention"] == (True, "next run 2026-03-02 03:00; never run")

        clock.set(datetime(2026, 3, 1, 20, 0, tzinfo=UTC))
        await scheduler.run_due()
        lines = {name: (ok, detail) for name, ok, detail in await describe(db, settings, now)}
        assert lines["retention"] == (
            True,
            "next run 2026-03-03 03:00; last finished 2026-03-02 03:00",
        )

        async with db.transaction() as tx:
            await deadlines.schedule(tx, KIND, REF, now, {"step": Step.AUDIT.value})
        lines = {name: (ok, detail) for name, ok, detail in await describe(db, settings, now)}
        assert lines["retention"] == (True, "running (step audit); last finished 2026-03-02 03:00")
    finally:
        await db.close()


async def test_compact_switches_an_old_file_to_incremental_vacuum(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA auto_vacuum=NONE")
    conn.execute("CREATE TABLE t (x BLOB)")
    conn.executemany("INSERT INTO t VALUES (randomblob(4000))", [()] * 500)
    conn.execute("DELETE FROM t")
    conn.commit()
    conn.close()
    db = await Database.open(path)
    try:
        space = await retention.file_space(db)
        assert not space.incremental
        async with db.transaction() as tx:
            assert await tx.incremental_vacuum(100) == 0  # nothing can be handed back
    finally:
        await db.close()

    before, after = compact_database(path)

    assert after < before / 4  # the schema stays, the 2 MB of free pages do not
    db = await Database.open(path)
    try:
        assert (await retention.file_space(db)).incremental
    finally:
        await db.close()


async def test_a_backup_taken_while_pruning_is_consistent(
    harness: BotHarness, tmp_path: Path
) -> None:
    t0 = harness.clock.now()
    async with squad_on_file(harness, 3) as (db, people):
        async with db.transaction() as tx:
            for day in range(40):
                await _closed_apel(tx, people, t0 + timedelta(days=day))
        copies: list[asyncio.Task[int]] = []

        def back_up_now(step: str) -> None:
            # Started between two batches, copying while the next ones run.
            if step == Step.ROLLCALLS.value and not copies:
                target = tmp_path / "during.db"
                copies.append(
                    asyncio.create_task(asyncio.to_thread(backup_database, Path(db.path), target))
                )

        await run_to_end(
            db, RetentionPolicy(batch_rows=100), t0 + timedelta(days=750), on_batch=back_up_now
        )
        assert copies
        await copies[0]
    copy = sqlite3.connect(tmp_path / "during.db")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Every roll call in the copy is whole: three targets and three answers, or gone.
        per_rollcall = copy.execute(
            "SELECT r.id, (SELECT COUNT(*) FROM rollcall_targets t WHERE t.rollcall_id = r.id),"
            " (SELECT COUNT(*) FROM rollcall_answer_log a WHERE a.rollcall_id = r.id)"
            " FROM rollcalls r"
        ).fetchall()
        assert all(targets == answers == 3 for _, targets, answers in per_rollcall)
        orphans = copy.execute(
            "SELECT COUNT(*) FROM rollcall_targets"
            " WHERE rollcall_id NOT IN (SELECT id FROM rollcalls)"
        ).fetchone()[0]
        assert orphans == 0
    finally:
        copy.close()


async def test_an_old_readiness_question_tapped_after_its_row_was_pruned_is_edited_in_place(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [brimob(1)])
    fake = bot.fake
    member = fake.user(brimob(1).user_id)
    await member.send("/siap")
    await fake.wait_for_message(member.id, "SIAP")
    # Stale after 12 hours: the question comes; nobody answers it for ten days, and the
    # nightly runs prune its outbox row meanwhile.
    asked = bot.clock.advance(hours=13)
    question = await fake.wait_for_message(member.id, "Konfirmasi kesiapan")
    # The night's run due meanwhile finishes first: the next one starts after the jump.
    await until(lambda: _retention_finished(bot, asked), what="the first retention run")
    started = bot.clock.advance(days=10)
    await until(lambda: _retention_finished(bot, started), what="the retention run")
    keys = [str(key) for (key,) in await bot.db.fetchall("SELECT dedup_key FROM outbox")]
    assert not [key for key in keys if key.startswith("rd:ask:")]

    await tap_button(bot, member, "Masih siap", question)

    await fake.wait_for(lambda: question.edited, what="the question edited in place")
    assert "Konfirmasi kesiapan" not in (question.text or "")
    assert not question.inline_keyboard
    person = (await _people(bot.db, [brimob(1)]))[0]
    state = await readiness.get(bot.db, person.id)
    assert state is not None
    assert state.confirmed_at == bot.clock.now()


async def test_an_old_readiness_check_prompt_tapped_after_pruning_says_it_is_closed(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [brimob(1)])
    fake = bot.fake
    hendra = fake.user(HENDRA.user_id)
    member = fake.user(brimob(1).user_id)
    await hendra.send("/cekkesiapan BRIMOB 15")
    prompt = await fake.wait_for_message(member.id, "Apakah Anda SIAP")
    check = (await apel.open_rollcalls(bot.db))[0]
    bot.clock.advance(minutes=16)
    await until(lambda: _none_open(bot), what="the check closed")
    started = bot.clock.advance(days=10)
    await until(lambda: _retention_finished(bot, started), what="the retention run")
    person = (await _people(bot.db, [brimob(1)]))[0]
    assert await outbox.row_state(bot.db, check.prompt_key(person.id)) is None
    before = await readiness.get(bot.db, person.id)

    answer = await tap_button(bot, member, "Siap", prompt)

    # Nothing to edit any more and nothing recorded: the member is told where to go instead.
    assert "Cek kesiapan ini sudah ditutup" in answer
    assert "/kesiapan" in answer
    assert await readiness.get(bot.db, person.id) == before
    assert not prompt.edited
