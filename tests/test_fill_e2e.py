"""Fill strategies end to end: Cepat, Tepat and Semua on the real bot and the fake Bot API.

The clock is the harness's FakeClock; silence is made by moving it, never by sleeping.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.callout import InviteState, Strategy
from bot.domain.fill import CAP_TIMES_QUOTA
from bot.domain.readiness import State
from bot.i18n import format_time
from bot.rehearsal.fake_telegram import SentMessage
from handlers.callout.keys import TICK_DEADLINE
from storage import callouts as store
from storage import deadlines, outbox, readiness
from tests.harness import BotHarness
from tests.test_callout_e2e import (
    ADMIN_ID,
    HENDRA,
    advance,
    brimob,
    card,
    invitation,
    invites,
    prepare,
    samapta,
    shown,
    tap,
    until,
)


async def confirm_card(bot: BotHarness, text: str) -> SentMessage:
    hendra = bot.fake.user(HENDRA.user_id)
    before = max((m.message_id for m in bot.fake.sent_to(HENDRA.user_id)), default=0)
    await hendra.send(text)
    return await bot.fake.wait_for_message(
        HENDRA.user_id,
        lambda m: m.message_id > before and "Konfirmasi pengerahan" in (m.text or ""),
    )


async def send(bot: BotHarness, user_id: int, text: str) -> store.Callout:
    """Type the order, press Kirim, return the call-out."""
    user = bot.fake.user(user_id)
    before = max((m.message_id for m in bot.fake.sent_to(user_id)), default=0)
    await user.send(text)
    confirm = await bot.fake.wait_for_message(
        user_id, lambda m: m.message_id > before and "Konfirmasi pengerahan" in (m.text or "")
    )
    count = len(await store.recent(bot.db))
    await tap(bot, user, "Kirim", confirm)

    async def created() -> store.Callout | None:
        found = await store.recent(bot.db)
        return found[0] if len(found) > count else None

    callout: store.Callout = await until(created, what="the call-out")
    return callout


async def delivered(bot: BotHarness, callout_id: int) -> list[store.Invite]:
    """Once every invitation queued so far has reached Telegram."""

    async def check() -> list[store.Invite] | None:
        found = await invites(bot, callout_id)
        for invite in found:
            state = await outbox.row_state(bot.db, invite.message_key)
            if state is None or state.state != "sent":
                return None
        return found

    result: list[store.Invite] = await until(check, what="every invitation delivered")
    return result


async def count_at_least(bot: BotHarness, callout_id: int, n: int) -> list[store.Invite]:
    async def check() -> list[store.Invite] | None:
        found = await invites(bot, callout_id)
        return found if len(found) >= n else None

    result: list[store.Invite] = await until(check, what=f"{n} invitations")
    return result


async def test_cepat_calls_a_surplus_counts_exactly_the_quota_and_stands_the_rest_down(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(60)], callout_strategy="cepat")
    now = bot.clock.now()
    callout = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 5 Kantor KPU Kalbar")
    assert callout.strategy is Strategy.CEPAT
    assert callout.fill_model is not None  # learned at the order (here: the stated prior)
    called = await delivered(bot, callout.id)
    assert 5 < len(called) <= CAP_TIMES_QUOTA * 5
    # Fairness: the longest ready first (ids after the four commanders).
    assert {i.person_id for i in called} == set(range(5, 5 + len(called)))
    first = await invitation(bot, called[0])
    answer_by = format_time(now + timedelta(minutes=5), bot.services.settings.zone, "id")
    assert f"Jawab sebelum {answer_by}" in (first.text or "")
    await card(bot, HENDRA.user_id, callout.id, f"Cepat · dipanggil {len(called)}")

    goers = called[:5]
    for invite in goers:
        await tap(bot, bot.fake.user(invite.chat_id), "Siap berangkat")
    # A second tap counts once.
    again = await bot.fake.user(goers[0].chat_id).press_data(f"co:v1:ok:{goers[0].id}")
    repeated = await bot.fake.wait_for(lambda: bot.fake.callback_answer(again))
    assert "sudah menyatakan siap" in str(repeated.get("text"))

    async def stood_down() -> list[store.Invite] | None:
        found = await invites(bot, callout.id, InviteState.STOOD_DOWN)
        return found if len(found) == len(called) - 5 else None

    surplus = await until(stood_down, what="the surplus stood down")
    assert len(await invites(bot, callout.id, InviteState.ACCEPTED)) == 5
    line = (await store.lines(bot.db, callout.id))[0]
    assert line.filled_at is not None
    # Told respectfully; still SIAP; not counted as deployed in the fairness order.
    told = await bot.fake.wait_for_message(surplus[0].chat_id, "Kuota sudah terpenuhi")
    assert "tetap SIAP" in (told.text or "")
    for invite in surplus:
        status = await readiness.get(bot.db, invite.person_id)
        assert status is not None
        assert status.state is State.SIAP
        assert status.last_deployed_at is None
    # An answer after the quota filled is thanked, not counted.
    late = await bot.fake.user(surplus[0].chat_id).press_data(f"co:v1:ok:{surplus[0].id}")
    answer = await bot.fake.wait_for(lambda: bot.fake.callback_answer(late))
    assert "terpenuhi" in str(answer.get("text"))
    assert len(await invites(bot, callout.id, InviteState.ACCEPTED)) == 5


async def test_tepat_and_semua_by_option_word(harness: BotHarness) -> None:
    members = [brimob(n) for n in range(20)] + [samapta(n) for n in range(12)]
    bot = await prepare(harness, members, callout_strategy="cepat")
    exact = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 4 tepat Kantor KPU Kalbar")
    assert exact.strategy is Strategy.TEPAT
    assert len(await delivered(bot, exact.id)) == 4
    await card(bot, HENDRA.user_id, exact.id, "Tepat · dipanggil 4")

    everyone = await send(bot, ADMIN_ID, "/mobilize SAMAPTA 3 Mako Polda semua")
    assert everyone.strategy is Strategy.SEMUA
    called = await delivered(bot, everyone.id)
    assert len(called) == 12
    for invite in called[:3]:
        await tap(bot, bot.fake.user(invite.chat_id), "Siap berangkat")

    async def settled() -> bool:
        return len(await invites(bot, everyone.id, InviteState.STOOD_DOWN)) == 9

    await until(settled, what="nine stood down")
    assert len(await invites(bot, everyone.id, InviteState.ACCEPTED)) == 3


async def test_the_confirm_card_offers_three_strategies_for_this_order(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(40)], callout_strategy="cepat")
    confirm = await confirm_card(bot, "/mobilize BRIMOB 10 Kantor KPU Kalbar")
    text = confirm.text or ""
    assert "Cepat — memanggil ±" in text
    assert "untuk 10" in text
    assert "Tepat — memanggil 10 untuk 10" in text
    assert "Semua — memanggil semua 40 yang siap" in text
    assert confirm.button("▶ Cepat") is not None

    hendra = bot.fake.user(HENDRA.user_id)
    await tap(bot, hendra, "Semua", confirm)

    async def chosen() -> SentMessage | None:
        message = bot.fake.message(HENDRA.user_id, confirm.message_id)
        return message if message.button("▶ Semua") is not None else None

    edited = await until(chosen, what="Semua marked on the card")
    await tap(bot, hendra, "Kirim", edited)

    async def created() -> store.Callout | None:
        found = await store.recent(bot.db)
        return found[0] if found else None

    callout: store.Callout = await until(created, what="the call-out")
    assert callout.strategy is Strategy.SEMUA
    assert len(await delivered(bot, callout.id)) == 40


async def test_cepat_replaces_silence_long_before_the_timeout_and_survives_a_restart(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(80)], callout_strategy="cepat")
    callout = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 5 Kantor KPU Kalbar")
    first = len(await delivered(bot, callout.id))

    # A restart in the middle: the strategy and its model are rows; the tick is a row.
    await bot.restart()
    again = await store.get(bot.db, callout.id)
    assert again is not None
    assert again.strategy is Strategy.CEPAT
    assert again.fill_model == callout.fill_model

    # Two minutes of silence from everyone: well before the 5-minute timeout, the rule
    # (re-evaluated on the tick, not replayed) calls more.
    for _ in range(8):
        await advance(bot, 0.25)
        await until(lambda: _tick_after(bot, callout.id), what="the tick re-armed after the clock")
    more = await count_at_least(bot, callout.id, first + 1)
    assert len(more) > first
    assert not await invites(bot, callout.id, InviteState.TIMED_OUT)  # no timeout yet


async def _tick_after(bot: BotHarness, callout_id: int) -> bool:
    """The call-out's tick has fired for the current time and is armed for later."""
    tick = await deadlines.get(bot.db, TICK_DEADLINE, callout_id)
    return tick is not None and tick.state == "pending" and tick.due_at > bot.clock.now()


async def test_queued_extras_are_withdrawn_on_cancel_and_never_leave(
    harness: BotHarness,
) -> None:
    # Two messages a second: most invitations are still queued when the order is cancelled.
    bot = await prepare(
        harness,
        [brimob(n) for n in range(60)],
        callout_strategy="cepat",
        rate_overall_per_s=2,
    )
    callout = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 5 Kantor KPU Kalbar")
    called = await count_at_least(bot, callout.id, 6)
    hendra = bot.fake.user(HENDRA.user_id)
    rekap = await card(bot, HENDRA.user_id, callout.id)
    await tap(bot, hendra, "Batalkan", rekap)
    confirm = await shown(bot, HENDRA.user_id, "Ya, batalkan")
    await tap(bot, hendra, "Ya, batalkan", confirm)

    async def cancelled() -> bool:
        found = await invites(bot, callout.id, InviteState.CANCELLED)
        return len(found) == len(called)

    await until(cancelled, wait_s=10, what="every open invitation cancelled")
    withdrawn = []
    for invite in called:
        state = await outbox.row_state(bot.db, invite.message_key)
        assert state is not None
        assert state.state in ("sent", "cancelled")
        if state.state == "cancelled":
            withdrawn.append(invite)
    assert withdrawn, "the test needs invitations still queued at the cancel"
    for invite in withdrawn:
        assert not any(
            f"PENGERAHAN #{callout.id}" in (m.text or "") for m in bot.fake.sent_to(invite.chat_id)
        )


async def test_queued_extras_are_withdrawn_when_the_quota_fills(harness: BotHarness) -> None:
    bot = await prepare(
        harness,
        [brimob(n) for n in range(60)],
        callout_strategy="cepat",
        rate_overall_per_s=2,
    )
    callout = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 2 Kantor KPU Kalbar")
    called = await count_at_least(bot, callout.id, 3)
    # The first two say yes as soon as their invitation lands.
    for invite in called[:2]:
        message = await invitation(bot, invite)
        await tap(bot, bot.fake.user(invite.chat_id), "Siap berangkat", message)

    async def filled() -> bool:
        line = (await store.lines(bot.db, callout.id))[0]
        return line.filled_at is not None

    await until(filled, wait_s=10, what="the quota filled")
    states = [await outbox.row_state(bot.db, i.message_key) for i in called[2:]]
    withdrawn = [
        i for i, st in zip(called[2:], states, strict=True) if st and st.state == "cancelled"
    ]
    assert withdrawn, "the test needs invitations still queued at the fill"
    for invite in withdrawn:
        fresh = await store.get_invite(bot.db, invite.id)
        assert fresh is not None
        assert fresh.state is InviteState.STOOD_DOWN
        assert not bot.fake.sent_to(invite.chat_id)
