"""Retention: the periods, what is live, and pruning around everything that still needs rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.domain.callout import InviteState
from bot.domain.retention import (
    STEPS,
    Live,
    OutboxCandidate,
    RetentionPolicy,
    Step,
    after_batch,
    live_outbox_row,
    next_run_at,
    policy_problems,
)
from bot.retention import KIND, REF
from storage import apel, deadlines, inbox, outbox, retention
from storage import callouts as callout_store
from storage.outbox import OutgoingMessage, Priority
from tests.harness import BotHarness
from tests.test_mobilize_e2e import (
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
from tests.test_mobilize_e2e import tap as tap_button

WIB = ZoneInfo("Asia/Pontianak")
POLICY = RetentionPolicy()

# -- the rules -------------------------------------------------------------------------------


def test_default_policy_is_valid_and_short_periods_are_refused() -> None:
    assert policy_problems(POLICY) == []
    short = RetentionPolicy(
        records=timedelta(days=30), working=timedelta(hours=12), personal=timedelta(days=1)
    )
    problems = policy_problems(short)
    assert len(problems) == 3
    assert "at least 48 hours" in problems[0]
    assert "at least 90 days" in problems[1]
    assert "at least 7 days" in problems[2]


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


def test_a_batch_that_did_work_continues_and_an_empty_one_moves_on() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    later = now + timedelta(days=1)
    assert after_batch(Step.OUTBOX, 10, now=now, next_run=later).step is Step.OUTBOX
    moved = after_batch(Step.OUTBOX, 0, now=now, next_run=later)
    assert (moved.step, moved.at, moved.finished) == (Step.DEADLINES, now, False)
    last = after_batch(STEPS[-1], 0, now=now, next_run=later)
    assert (last.step, last.at, last.finished) == (STEPS[0], later, True)


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
    live_card = await card(bot, HENDRA.user_id, callout_id, "✅ 2 diterima")

    # A replayable update and timers nobody has handled yet, one of them long overdue.
    now = bot.clock.now()
    async with bot.db.transaction() as tx:
        await inbox.store(tx, [(1, {"update_id": 1, "message": {"text": "/status"}})], now)
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
        await outbox.defer(tx, owed_row[0], datetime(2100, 1, 1, tzinfo=UTC), "flood wait")

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
    assert owed[1] == "pending"
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
