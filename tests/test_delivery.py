"""The drainer against the fake Bot API: order, pacing, faults, unreachable people, edits."""

from __future__ import annotations

import os

os.environ["PTB_TIMEDELTA"] = "1"

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.delivery.drainer import FOLLOW_UP_KIND, Delivery
from bot.delivery.notices import render_progress
from bot.i18n import Catalog
from bot.rehearsal.fake_telegram import NOT_MODIFIED, FakeTelegram
from storage import deadlines, outbox
from storage.db import Database
from storage.outbox import OutgoingMessage, Priority
from tests.delivery_support import (
    TEST_RATE,
    add_person,
    batch_done,
    delivered_per_chat,
    enqueue_batch,
    eventually,
    limit_fake,
    settings_for,
)

CATALOG = Catalog.load()

MakeDelivery = Callable[..., "asyncio.Future[Delivery]"]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(validate_results=False)
    await server.start()
    yield server
    await server.stop()


class Engine:
    """Builds and owns the Delivery under test, stopping it at the end."""

    def __init__(self, tmp_path: Path, fake: FakeTelegram, db: Database, clock: FakeClock):
        self.tmp_path, self.fake, self.db, self.clock = tmp_path, fake, db, clock
        self.delivery: Delivery | None = None

    async def start(self, **overrides: Any) -> Delivery:
        settings: Settings = settings_for(self.tmp_path, self.fake, **overrides)
        self.delivery = Delivery(settings, self.db, CATALOG, self.clock)
        await self.delivery.start()
        return self.delivery

    async def stop(self) -> None:
        if self.delivery is not None:
            await self.delivery.stop()
            self.delivery = None


@pytest.fixture
async def engine(
    tmp_path: Path, fake: FakeTelegram, db: Database, clock: FakeClock
) -> AsyncIterator[Engine]:
    built = Engine(tmp_path, fake, db, clock)
    yield built
    await built.stop()


def chats(n: int, start: int = 10_000) -> list[int]:
    return list(range(start, start + n))


async def test_a_batch_goes_out_at_the_limit_without_429s_and_reports_progress(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    limit_fake(fake)
    fake.faults.latency_ms = 20
    recipients = chats(300)
    batch = await enqueue_batch(db, clock.now(), recipients)
    started = time.monotonic()
    delivery = await engine.start()
    seen_eta: list[float] = []

    async def done() -> bool:
        progress = await delivery.progress(batch)
        if progress.eta_seconds is not None:
            seen_eta.append(progress.eta_seconds)
        return progress.pending == 0

    await eventually(done, what="batch delivered")
    elapsed = time.monotonic() - started
    per_chat = delivered_per_chat(fake)
    assert sorted(per_chat) == recipients
    assert set(per_chat.values()) == {1}
    requests = len(fake.calls("sendMessage"))
    assert fake.faults.count_429 <= requests * 0.01
    # N / limit = 1.0 s: never faster than the limit; the upper bound allows a busy machine.
    assert 0.9 < elapsed < 3.0
    assert seen_eta
    assert max(seen_eta) <= 300 / TEST_RATE * 2
    final = await delivery.progress(batch)
    assert (final.total, final.sent, final.failed, final.pending) == (300, 300, 0, 0)
    assert render_progress(CATALOG, "id", final) == "Terkirim 300 / 300"
    assert fake.spec_violations == []


def test_progress_reads_the_indonesian_way() -> None:
    from bot.delivery.notices import DeliveryProgress

    progress = DeliveryProgress(3294, 2100, 0, 1194, 39.8)
    assert render_progress(CATALOG, "id", progress) == "Terkirim 2.100 / 3.294 · selesai ±40 dtk"
    assert render_progress(CATALOG, "en", progress) == "Sent 2,100 / 3,294 · done in ~40 s"
    slow = DeliveryProgress(3294, 100, 2, 3192, 300)
    assert render_progress(CATALOG, "id", slow).endswith("±5 mnt")


async def test_a_callout_enqueued_during_a_big_broadcast_goes_next(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    limit_fake(fake)
    fake.faults.latency_ms = 10
    await enqueue_batch(db, clock.now(), chats(3000))
    delivery = await engine.start()
    await eventually(lambda: len(fake.calls("sendMessage")) >= 150, what="broadcast under way")
    async with db.transaction() as tx:
        for chat in chats(5, start=90_000):
            await outbox.enqueue(
                tx,
                OutgoingMessage(chat, "🚨 PENGERAHAN #12", Priority.CALLOUT, f"callout:12:{chat}"),
                clock.now(),
            )
    committed_at = len(fake.calls("sendMessage"))
    delivery.wake()
    await eventually(lambda: delivered_per_chat(fake).get(90_004, 0) == 1, what="call-out sent")
    calls = fake.calls("sendMessage")
    last_callout = max(i for i, r in enumerate(calls) if int(r.params["chat_id"]) >= 90_000)
    broadcast_between = sum(
        1 for r in calls[committed_at : last_callout + 1] if int(r.params["chat_id"]) < 90_000
    )
    # Only what was already in flight (or holding its slot) went before the call-outs.
    assert broadcast_between <= delivery.settings.max_in_flight + 1
    assert len(calls) < 1000  # the broadcast was far from done


async def test_retry_after_pauses_only_the_chat_it_covers(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    limit_fake(fake)
    # The bot believes a private chat takes 10/s; Telegram (the fake) allows 1/s, burst 3.
    busy = 777
    async with db.transaction() as tx:
        for n in range(6):
            await outbox.enqueue(
                tx,
                OutgoingMessage(busy, f"update {n}", Priority.REMINDER, f"busy:{n}"),
                clock.now(),
            )
    others = chats(100)
    batch = await enqueue_batch(db, clock.now(), others)
    started = time.monotonic()
    await engine.start(rate_private_per_s=10.0, private_burst=10)
    await eventually(lambda: batch_done(db, batch), what="other chats delivered")
    others_took = time.monotonic() - started
    await eventually(lambda: delivered_per_chat(fake).get(busy, 0) == 6, what="busy chat done")
    busy_took = time.monotonic() - started
    assert fake.faults.count_429 >= 1
    # Never asked again before retry_after had passed ...
    assert fake.faults.count_early_retries == 0
    # ... and the other 100 chats did not wait for the busy one (three flood waits of 1 s).
    assert busy_took > 2.5
    assert others_took < busy_took - 1.0
    assert set(delivered_per_chat(fake).values()) == {1, 6}


async def test_a_global_retry_after_pauses_everything_for_that_long(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    fake.faults.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    batch = await enqueue_batch(db, clock.now(), chats(20))
    await engine.start(max_in_flight=1)
    await eventually(lambda: batch_done(db, batch), what="batch delivered")
    calls = fake.calls("sendMessage")
    assert calls[0].status == 429
    # A 429 on a chat we had left idle is the overall limit: nothing went for a second.
    assert calls[1].time - calls[0].time >= 0.95
    assert sorted(delivered_per_chat(fake)) == chats(20)


async def test_blocked_and_unknown_people_are_marked_unreachable_and_the_commander_told(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    commander = 900
    now = clock.now()
    andi = await add_person(
        db,
        now,
        nrp="87050001",
        name="Andi Saputra",
        rank="Bripda",
        unit="Sat Brimob",
        phone="081234567001",
        telegram_user_id=501,
    )
    budi = await add_person(
        db,
        now,
        nrp="87050002",
        name="Budi Santoso",
        rank="Briptu",
        unit="Polres Sanggau",
        phone="081234567002",
        telegram_user_id=502,
    )
    fake.faults.fail_chat(501, 403, "Forbidden: bot was blocked by the user")
    fake.faults.chat_not_found(502)
    recipients = [501, 502, *chats(10)]
    batch = await enqueue_batch(
        db,
        now,
        recipients,
        purpose="PENGERAHAN #12",
        priority=Priority.CALLOUT,
        owner=commander,
        person_ids={501: andi, 502: budi},
    )
    events: list[tuple[int | None, int, str]] = []

    async def replace(person_id: int | None, chat_id: int, dedup_key: str) -> None:
        events.append((person_id, chat_id, dedup_key))

    delivery = await engine.start()
    delivery.on_unreachable(replace)
    await eventually(lambda: delivered_per_chat(fake).get(commander, 0) == 1, what="notice")
    progress = await delivery.progress(batch)
    assert (progress.sent, progress.failed, progress.pending) == (10, 2, 0)
    assert sorted(events) == [(andi, 501, "PENGERAHAN #12:501"), (budi, 502, "PENGERAHAN #12:502")]
    assert await outbox.is_unreachable(db, 501)
    assert await outbox.is_unreachable(db, 502)
    # Never retried: one request each.
    attempts = [int(r.params["chat_id"]) for r in fake.calls("sendMessage")]
    assert attempts.count(501) == 1
    assert attempts.count(502) == 1
    # One notice for both, with what the commander needs to reach them another way.
    (notice,) = [m for m in fake.history(commander)]
    text = notice.text or ""
    assert "PENGERAHAN #12" in text
    assert "Bripda Andi Saputra · Sat Brimob\n081234567001 — memblokir bot" in text
    assert "Briptu Budi Santoso · Polres Sanggau\n081234567002 — belum pernah membuka bot" in text
    await asyncio.sleep(0.3)
    assert delivered_per_chat(fake).get(commander) == 1


async def test_edits_coalesce_while_one_is_in_flight_and_the_last_content_wins(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    commander = 900
    async with db.transaction() as tx:
        await outbox.enqueue(
            tx,
            OutgoingMessage(commander, "Kuota 30 · ✅ 0", Priority.CALLOUT, "card:12"),
            clock.now(),
        )
    delivery = await engine.start()
    await eventually(lambda: outbox.sent_message_id(db, "card:12"), what="card sent")
    fake.faults.method_latency_ms["editMessageText"] = 300
    for n in range(1, 11):
        async with db.transaction() as tx:
            await outbox.enqueue_edit(
                tx,
                target_key="card:12",
                chat_id=commander,
                text=f"Kuota 30 · ✅ {n}",
                reply_markup={
                    "inline_keyboard": [[{"text": "Selesai", "callback_data": "co:v1:close:12"}]]
                },
                now=clock.now(),
            )
        delivery.wake()
        if n == 1:
            await eventually(
                lambda: len(fake.calls("editMessageText")) == 1, what="edit in flight"
            )
        else:
            await asyncio.sleep(0.01)

    async def settled() -> bool:
        rows = await db.fetchall("SELECT state FROM outbox WHERE kind = 'edit'")
        return [r[0] for r in rows] == ["sent"] and delivery.in_flight == 0

    await eventually(settled, what="edits settled")
    edits = fake.calls("editMessageText")
    assert len(edits) == 2
    (card,) = fake.history(commander)
    assert card.text == "Kuota 30 · ✅ 10"
    assert card.button_texts == ["Selesai"]


async def test_message_is_not_modified_counts_as_success(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    async with db.transaction() as tx:
        await outbox.enqueue(
            tx, OutgoingMessage(900, "tally", Priority.CALLOUT, "card"), clock.now()
        )
    delivery = await engine.start()
    await eventually(lambda: outbox.sent_message_id(db, "card"), what="card sent")
    fake.faults.fail_next("editMessageText", 400, NOT_MODIFIED)
    async with db.transaction() as tx:
        await outbox.enqueue_edit(
            tx, target_key="card", chat_id=900, text="tally", reply_markup=None, now=clock.now()
        )
    delivery.wake()

    async def edit_state() -> str:
        row = await db.fetchone("SELECT state FROM outbox WHERE kind = 'edit'")
        return str(row[0]) if row else ""

    await eventually(lambda: _is(edit_state(), "sent"), what="edit recorded")
    assert len(fake.calls("editMessageText")) == 1


async def _is(value: Awaitable[object], expected: str) -> bool:
    return (await value) == expected


async def test_a_bad_request_is_not_retried_but_a_migrated_group_is_followed(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    fake.faults.fail_next("sendMessage", 400, "Bad Request: can't parse entities: unclosed tag")
    async with db.transaction() as tx:
        await outbox.enqueue(
            tx, OutgoingMessage(41, "<b>broken", Priority.BROADCAST, "bad"), clock.now()
        )
    await engine.start()

    async def state_of(key: str) -> str:
        row = await db.fetchone("SELECT state FROM outbox WHERE dedup_key = ?", (key,))
        return str(row[0]) if row else ""

    await eventually(lambda: _is(state_of("bad"), "failed"), what="bad request recorded")
    assert len(fake.calls("sendMessage")) == 1

    group = fake.group(-4001, "Posko Kalbar")
    await fake.migrate_group(group, -1004001)
    async with db.transaction() as tx:
        await outbox.enqueue(
            tx, OutgoingMessage(-4001, "STATUS SIAGA", Priority.BROADCAST, "status"), clock.now()
        )
    assert engine.delivery is not None
    engine.delivery.wake()
    await eventually(lambda: _is(state_of("status"), "sent"), what="status followed the group")
    assert delivered_per_chat(fake) == {-1004001: 1}


async def test_flaky_network_still_delivers_everything(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    fake.faults.error_5xx_ratio = 0.10
    fake.faults.timeout_ratio = 0.05
    fake.faults.timeout_hold_s = 1.0
    recipients = chats(300)
    batch = await enqueue_batch(db, clock.now(), recipients)
    delivery = await engine.start(delivery_timeout_s=0.3, max_in_flight=32)
    await eventually(lambda: batch_done(db, batch), timeout=20, what="batch delivered")
    progress = await delivery.progress(batch)
    assert (progress.sent, progress.failed) == (300, 0)
    assert sorted(delivered_per_chat(fake)) == recipients
    assert fake.faults.count_5xx > 10
    assert fake.faults.count_timeouts > 3
    assert delivery.stats.retries >= fake.faults.count_5xx


async def test_paid_broadcast_sends_with_allow_paid_broadcast_at_the_higher_rate(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    batch = await enqueue_batch(db, clock.now(), chats(300))
    started = time.monotonic()
    await engine.start(paid_broadcast=True, paid_rate_per_s=1000, rate_overall_per_s=30)
    await eventually(lambda: batch_done(db, batch), what="batch delivered")
    assert time.monotonic() - started < 3  # 30/s would take 10 s
    assert all(r.params.get("allow_paid_broadcast") is True for r in fake.calls("sendMessage"))


async def test_documents_go_through_the_outbox(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    async with db.transaction() as tx:
        await outbox.enqueue_document(
            tx,
            chat_id=900,
            file_name="laporan.csv",
            content=b"nrp,nama\n1,Andi\n",
            caption="<b>Laporan apel</b>",
            dedup_key="report:1",
            now=clock.now(),
        )
    await engine.start()
    await eventually(lambda: outbox.sent_message_id(db, "report:1"), what="document sent")
    (call,) = fake.calls("sendDocument")
    assert call.files is not None
    assert call.files["document"].data == b"nrp,nama\n1,Andi\n"
    assert call.files["document"].file_name == "laporan.csv"


async def test_photos_go_through_the_outbox_with_their_caption(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    fake.group(chat_id=-500)
    async with db.transaction() as tx:
        await outbox.enqueue_photo(
            tx,
            chat_id=-500,
            png=png,
            caption="<b>STATUS SIAGA</b> · 20.00 WIB",
            dedup_key="status:1",
            now=clock.now(),
        )
    await engine.start()
    await eventually(lambda: outbox.sent_message_id(db, "status:1"), what="photo sent")
    (call,) = fake.calls("sendPhoto")
    assert call.files is not None
    assert call.files["photo"].data == png
    assert call.params["caption"] == "<b>STATUS SIAGA</b> · 20.00 WIB"
    (sent,) = fake.sent_to(-500)
    assert sent.kind == "photo"
    assert sent.text == "STATUS SIAGA · 20.00 WIB"


async def test_a_chat_whose_reply_waits_its_turn_gets_nothing_else_meanwhile(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    group, other = -500, 900
    fake.group(chat_id=group)
    delivery = await engine.start()
    with delivery.limits.reply_turn(group):
        async with db.transaction() as tx:
            for n, chat in enumerate([group, group, other]):
                message = OutgoingMessage(chat, f"siaran {n}", Priority.BROADCAST, f"b:{n}")
                await outbox.enqueue(tx, message, clock.now())
        delivery.wake()
        await eventually(lambda: outbox.sent_message_id(db, "b:2"), what="the other chat")
        await asyncio.sleep(0.2)
        # The group's budget is the waiting reply's: the drainer leaves the group alone.
        assert fake.sent_to(group) == []
    await eventually(lambda: len(fake.sent_to(group)) == 2, what="the group's messages")


async def test_buttons_are_answered_within_a_second_while_the_outbox_is_saturated(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    from telegram import Update
    from telegram.ext import CallbackQueryHandler, ContextTypes

    from storage import inbox
    from tests.delivery_support import build_inbox_app, start_inbox_app, stop_inbox_app

    limit_fake(fake)
    fake.faults.latency_ms = 80
    person = fake.user(4242, "Andi")
    async with db.transaction() as tx:
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                person.id,
                "APEL SIAGA — semua kategori",
                Priority.ROLLCALL,
                "apel:1:4242",
                reply_markup={
                    "inline_keyboard": [[{"text": "✅ Hadir", "callback_data": "ap:v1:in:1"}]]
                },
            ),
            clock.now(),
        )
    delivery = await engine.start()
    await eventually(lambda: outbox.sent_message_id(db, "apel:1:4242"), what="prompt sent")
    broadcast = await enqueue_batch(db, clock.now(), chats(3000))
    delivery.wake()

    answered: list[str] = []

    async def on_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Tercatat: hadir")
        answered.append(query.data or "")
        # A direct reply draws from the same budget as the drainer: no 429 for it.
        assert query.message is not None
        await context.bot.send_message(query.message.chat.id, "✅ Kehadiran Anda tercatat.")

    app = build_inbox_app(fake, db, delivery.limits)
    app.add_handler(CallbackQueryHandler(on_tap))
    await start_inbox_app(app)
    try:
        await eventually(lambda: len(fake.calls("sendMessage")) > 300, what="outbox busy")
        latencies = []
        for _ in range(5):
            pressed = time.monotonic()
            query_id = await person.press("✅ Hadir")

            def has_answer(q: str = query_id) -> bool:
                return fake.callback_answer(q) is not None

            await eventually(has_answer, what="answer")
            answer_call = next(
                r
                for r in fake.calls("answerCallbackQuery")
                if r.params.get("callback_query_id") == query_id
            )
            latencies.append(answer_call.time - pressed)
            await asyncio.sleep(0.1)
        assert max(latencies) < 1.0, latencies
        await eventually(
            lambda: sum(1 for m in fake.history(person.id) if "tercatat" in (m.text or "")) == 5,
            what="direct replies",
        )
        await eventually(lambda: _async_eq(inbox.count(db), 0), what="inbox emptied")
        assert app.updater.committed >= 5
        pending = await outbox.batch_progress(db, broadcast)
        assert pending.pending > 0  # the broadcast was still draining all along
        # The bot's own replies and the drainer share one budget: no 429 storm.
        assert fake.faults.count_429 <= len(fake.calls("sendMessage")) * 0.01
    finally:
        await stop_inbox_app(app)


async def _async_eq(value: Awaitable[object], expected: object) -> bool:
    return (await value) == expected


async def test_retries_fall_due_in_real_time_even_with_a_frozen_clock_ahead(
    engine: Engine, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    from datetime import UTC, datetime

    clock.set(datetime(2035, 1, 1, 7, 0, tzinfo=UTC))
    fake.faults.fail_next("sendMessage", 502, "Bad Gateway", count=2)
    batch = await enqueue_batch(db, clock.now(), [31, 32])
    await engine.start()
    await eventually(lambda: batch_done(db, batch), what="delivered after retries")
    assert sorted(delivered_per_chat(fake)) == [31, 32]
    row = await db.fetchone(
        "SELECT attempts, sent_at FROM outbox WHERE dedup_key = 'broadcast:31'"
    )
    assert row is not None
    assert row[1].startswith("2035-01-01T07:00")  # recorded in the injected clock's time


async def test_an_unreachable_follow_up_left_by_a_crash_runs_at_the_next_start(
    tmp_path: Path, fake: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    """The 403 was committed with its follow-up row, then the process died before the
    callbacks ran (a call-out would never replace the person): the next start runs them."""
    async with db.transaction() as tx:
        payload = {"person_id": 5, "chat_id": 501, "dedup_key": "co:inv:9"}
        await deadlines.schedule(tx, FOLLOW_UP_KIND, 77, clock.now(), payload)
    events: list[tuple[int | None, int, str]] = []

    async def replace(person_id: int | None, chat_id: int, dedup_key: str) -> None:
        events.append((person_id, chat_id, dedup_key))

    delivery = Delivery(settings_for(tmp_path, fake), db, CATALOG, clock)
    delivery.on_unreachable(replace)
    await delivery.start()
    try:
        await eventually(
            lambda: _no_follow_up_left(db), what="the follow-up done after the restart"
        )
    finally:
        await delivery.stop()
    assert events == [(5, 501, "co:inv:9")]


async def _no_follow_up_left(db: Database) -> bool:
    return await deadlines.pending(db, FOLLOW_UP_KIND) == []
