"""A command group takes ~20 messages a minute: it is never flooded, and a question asked in
it is answered before what the bot was going to post there anyway.

The real bot on the fake Bot API; the injected clock stands still unless a test moves it.
Pacing is real time (Telegram's limits are), so the busy-group test uses a faster group rate
than Telegram's to keep the backlog short; the order is what it checks, not the rate.
`tests/test_delivery.py` checks the drainer's side alone (a chat whose reply waits gets
nothing else meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from bot.domain.status import CategoryCounts
from bot.rehearsal.fake_telegram import RecordedRequest, SentMessage, SimGroup, SimUser
from bot.reports.charts import Chart, ChartLabels
from storage import outbox
from storage.db import Transaction
from storage.outbox import OutgoingMessage, Priority
from tests.harness import COMMANDER_ID, FAST_DELIVERY, BotHarness
from tests.test_groups_e2e import GROUP_ID, charts, register_group, seed, statuses

FAST: dict[str, Any] = {**FAST_DELIVERY, "group_burst": 100}
SENDS = ("sendmessage", "sendphoto", "senddocument", "editmessagetext", "editmessagecaption")


def to_group(bot: BotHarness, since: int = 0) -> list[RecordedRequest]:
    """What the bot asked Telegram to put into the group, in the order the fake got it."""
    return [
        r
        for r in bot.fake.requests[since:]
        if r.method.lower() in SENDS and r.params.get("chat_id") == GROUP_ID
    ]


async def tap(
    bot: BotHarness, user: SimUser, label: str, card: SentMessage, group: SimGroup
) -> None:
    """Press a settings button and wait until the bot has answered it and gone quiet."""
    query = await user.press(label, message=card, chat=group)
    await bot.fake.wait_for(
        lambda: bot.fake.callback_answer(query) is not None, what=label, timeout=15
    )
    await bot.fake.wait_idle(quiet=0.2)


async def test_one_message_per_broadcast_and_settings_post_nothing_new(
    harness: BotHarness,
) -> None:
    await seed(harness)
    await harness.start(**FAST)
    bot = harness
    group = await register_group(bot, admin_bot=True)
    commander = bot.fake.user(COMMANDER_ID)
    # The first broadcast is one message: the chart with the status as its caption.
    assert len(charts(bot)) == len(statuses(bot)) == 1
    assert charts(bot)[0].photo is not None
    bot.clock.advance(minutes=60)
    await bot.fake.wait_for(lambda: len(statuses(bot)) == 2, what="the 21.00 status", timeout=15)
    await bot.fake.wait_idle(quiet=0.2)
    assert len(charts(bot)) == 2  # again one message, not a status and a chart

    await commander.send("/posko", chat=group)
    card = await bot.fake.wait_for_message(GROUP_ID, "Pesan status:")
    await bot.fake.wait_idle(quiet=0.2)
    mark = len(bot.fake.requests)
    before = len(bot.fake.sent_to(GROUP_ID))
    # Pinned: the status appears once, as the message later edited in place...
    await tap(bot, commander, "tersemat", card, group)
    state = bot.fake.chat_state(GROUP_ID)
    await bot.fake.wait_for(lambda: state.pinned, what="the pinned status", timeout=15)
    await bot.fake.wait_idle(quiet=0.2)
    assert len(bot.fake.sent_to(GROUP_ID)) == before + 1, [
        (r.method, str(r.params)[:150]) for r in to_group(bot, mark)
    ]
    pinned = bot.fake.message(GROUP_ID, state.pinned[-1])
    # ...and switching back and forth, or the chart off and on, posts nothing more.
    for label in ("Pesan baru", "tersemat", "Tanpa grafik", "Sertakan grafik"):
        await tap(bot, commander, label, card, group)
    assert len(bot.fake.sent_to(GROUP_ID)) == before + 1
    new_messages = [r for r in to_group(bot, mark) if r.method.lower().startswith("send")]
    assert len(new_messages) == 1
    # Back in pinned mode the next slot edits that same message.
    bot.clock.advance(minutes=60)
    await bot.fake.wait_for(
        lambda: "22.00" in (pinned.text or ""), what="the 22.00 edit", timeout=15
    )
    await bot.fake.wait_idle(quiet=0.2)
    # Nor a chart: it would show what the group was last sent.
    assert len(bot.fake.sent_to(GROUP_ID)) == before + 1


async def test_a_command_in_a_busy_group_is_answered_first(harness: BotHarness) -> None:
    await seed(harness)
    # One message a second to the group (Telegram: one in three), and four a second overall,
    # all of them taken by a broadcast to many people: the drainer always holds the next
    # overall slot. When the group's next message may go, the drainer (slot in hand) comes to
    # it before the reply does; only its leaving that chat to a waiting reply lets the
    # reply through ahead of the group's backlog.
    await harness.start(
        **{**FAST, "rate_overall_per_s": 4, "rate_group_per_min": 60, "group_burst": 1}
    )
    bot = harness
    group = await register_group(bot)
    await bot.fake.wait_idle(quiet=1.0)  # the group's budget full again
    now = bot.clock.now()
    async with bot.db.transaction() as tx:
        for n in range(6):
            # What a busy evening queues for a group: broadcasts, card edits.
            await outbox.enqueue(
                tx,
                OutgoingMessage(GROUP_ID, f"antrean {n}", Priority.BROADCAST, f"test:queue:{n}"),
                now,
            )
        for n in range(60):
            await outbox.enqueue(
                tx,
                OutgoingMessage(7000 + n, f"siaran {n}", Priority.BROADCAST, f"test:people:{n}"),
                now,
            )
    mark = len(bot.fake.requests)
    await bot.fake.wait_for(lambda: len(to_group(bot, mark)) >= 1, what="the backlog draining")
    commander = bot.fake.user(COMMANDER_ID)
    asked = len(bot.fake.requests)
    await commander.send("/status", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, lambda m: bool(m.button("Rincian nama")), timeout=15)
    await bot.fake.wait_for(lambda: len(to_group(bot, mark)) >= 7, what="the backlog", timeout=15)
    order = [
        str(r.params.get("text") or r.params.get("caption") or "") for r in to_group(bot, asked)
    ]
    answer = next(i for i, text in enumerate(order) if "STATUS SIAGA" in text)
    # Between the question and its answer at most the one queued message that was already
    # on its way; the rest of the backlog waits for the answer.
    assert answer <= 1, order
    assert sum(text.startswith("antrean") for text in order[answer:]) >= 3, order


async def test_the_broadcast_draws_its_chart_before_its_transaction(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drawing takes the worker ~120 ms a picture: a transaction waiting for it would hold
    the database's write lock (every answer, every send) that long."""
    await seed(harness)
    await harness.start(**FAST)
    bot = harness
    holders: set[asyncio.Task[Any] | None] = set()
    transaction = bot.db.transaction

    @contextlib.asynccontextmanager
    async def tracked(*, urgent: bool = False) -> AsyncIterator[Transaction]:
        async with transaction(urgent=urgent) as tx:
            holders.add(asyncio.current_task())
            try:
                yield tx
            finally:
                holders.discard(asyncio.current_task())

    worker = bot.services.charts
    draw = worker.draw
    inside: list[bool] = []

    async def watched(rows: Sequence[CategoryCounts], labels: ChartLabels) -> Chart:
        inside.append(asyncio.current_task() in holders)
        return await draw(rows, labels)

    monkeypatch.setattr(bot.db, "transaction", tracked)
    monkeypatch.setattr(worker, "draw", watched)
    await register_group(bot)
    bot.clock.advance(minutes=60)
    await bot.fake.wait_for(lambda: len(charts(bot)) == 2, what="the 21.00 chart", timeout=15)
    assert inside
    assert not any(inside), inside
