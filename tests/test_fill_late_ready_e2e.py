"""A short call-out takes whoever becomes ready later, end to end.

A line with fewer ready than its quota invites all and reports "kurang N … Tidak ada lagi
personel siap". From then on, the moment someone of its category becomes SIAP (/siap, the
readiness buttons, a readiness check's Siap) or reachable again (the bot unblocked), the line
invites them in its fairness order and with its strategy, and its card and notice move. Only
lines of live call-outs not yet filled look again; nobody is held by two call-outs.
"""

from __future__ import annotations

import pytest

from bot.domain.callout import InviteState
from bot.transport.inbox import InboxUpdateProcessor
from storage import callouts as store
from storage import inbox, outbox
from tests.harness import BotHarness, Member, person_of
from tests.test_callout_e2e import (
    HENDRA,
    RAHMAT,
    brimob,
    card,
    invitation,
    invites,
    prepare,
    samapta,
    tap,
    until,
)
from tests.test_fill_e2e import delivered, send
from tests.test_fill_rules_e2e import LABEL, STRATEGIES, invitations_sent, invited_once

# Four BRIMOB ready; the fifth and sixth are not (cuti) until they say so.
READY = [brimob(n) for n in range(4)]
LATE, LATER = brimob(4), brimob(5)


async def _person_id(bot: BotHarness, member: Member) -> int:
    async with bot.db.transaction() as tx:
        return (await person_of(tx, member)).id


async def _invited(bot: BotHarness, callout_id: int, member: Member) -> store.Invite:
    """The member's invitation to this call-out, once it has reached them."""
    person_id = await _person_id(bot, member)

    async def check() -> store.Invite | None:
        for invite in await invites(bot, callout_id):
            if invite.person_id == person_id:
                state = await outbox.row_state(bot.db, invite.message_key)
                return invite if state is not None and state.state == "sent" else None
        return None

    found: store.Invite = await until(check, what=f"{member.name} invited to #{callout_id}")
    return found


async def _short_order(
    bot: BotHarness, text: str = "/mobilize BRIMOB 5 Mako Brimob"
) -> store.Callout:
    """The order, every ready one invited, and the commander told the line is short by one."""
    callout = await send(bot, HENDRA.user_id, text)
    called = await delivered(bot, callout.id)
    assert len(called) == len(READY)
    await bot.fake.wait_for_message(HENDRA.user_id, f"#{callout.id}: BRIMOB kurang 1 personel")
    return callout


async def _say_siap(bot: BotHarness, member: Member) -> None:
    before = max((m.message_id for m in bot.fake.sent_to(member.user_id)), default=0)
    await bot.fake.user(member.user_id).send("/siap")
    await bot.fake.wait_for_message(
        member.user_id, lambda m: m.message_id > before and "Anda SIAP" in (m.text or "")
    )


async def _filled_by_the_late(bot: BotHarness, callout_id: int, label: str) -> None:
    """The late one's invitation arrived, the card counts them, the notice is settled; they
    accept and the line is full."""
    invite = await _invited(bot, callout_id, LATE)
    invited_once(await invites(bot, callout_id))
    await card(bot, HENDRA.user_id, callout_id, f"{label} · dipanggil 5")
    await bot.fake.wait_for_message(HENDRA.user_id, f"#{callout_id}: BRIMOB tidak kurang lagi")
    late = bot.fake.user(LATE.user_id)
    await tap(bot, late, "Siap berangkat", await invitation(bot, invite))
    accepted = await until(
        lambda: _accepted(bot, callout_id, invite.person_id), what="the late one accepted"
    )
    assert accepted


async def _accepted(bot: BotHarness, callout_id: int, person_id: int) -> bool | None:
    found = await invites(bot, callout_id, InviteState.ACCEPTED)
    return True if any(i.person_id == person_id for i in found) else None


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_short_line_invites_a_member_the_moment_they_type_siap(
    harness: BotHarness, strategy: str
) -> None:
    bot = await prepare(
        harness, [*READY, LATE, LATER], not_ready=[LATE, LATER], callout_strategy=strategy
    )
    callout_id = (await _short_order(bot)).id
    await _say_siap(bot, LATE)
    await _filled_by_the_late(bot, callout_id, LABEL[strategy])
    assert invitations_sent(bot, LATE.user_id) == 1
    assert invitations_sent(bot, LATER.user_id) == 0


async def test_the_readiness_buttons_wake_a_short_line(harness: BotHarness) -> None:
    bot = await prepare(harness, [*READY, LATE], not_ready=[LATE], callout_strategy="cepat")
    callout_id = (await _short_order(bot)).id
    late = bot.fake.user(LATE.user_id)
    await late.send("/kesiapan")
    view = await bot.fake.wait_for_message(LATE.user_id, lambda m: "✅ Siap" in m.button_texts)
    await tap(bot, late, "✅ Siap", view)
    await _filled_by_the_late(bot, callout_id, "Cepat")


async def test_siap_in_a_readiness_check_wakes_a_short_line(harness: BotHarness) -> None:
    bot = await prepare(harness, [*READY, LATE], not_ready=[LATE], callout_strategy="cepat")
    callout_id = (await _short_order(bot)).id
    await bot.fake.user(HENDRA.user_id).send("/cekkesiapan BRIMOB 20")
    prompt = await bot.fake.wait_for_message(LATE.user_id, "Apakah Anda SIAP")
    await tap(bot, bot.fake.user(LATE.user_id), "Siap", prompt)
    await _filled_by_the_late(bot, callout_id, "Cepat")


@pytest.mark.parametrize("back", ["unblock", "/start"])
async def test_unblocking_the_bot_wakes_a_short_line(harness: BotHarness, back: str) -> None:
    """SIAP all along, but unreachable: the line is short without them until they are back
    (the bot unblocked, or Telegram's Restart: writing to it again)."""
    bot = await prepare(harness, [*READY, LATE], callout_strategy="cepat")
    late = bot.fake.user(LATE.user_id)
    await late.block()
    person_id = await _person_id(bot, LATE)
    async with bot.db.transaction() as tx:
        await outbox.mark_unreachable(tx, LATE.user_id, person_id, "blocked", bot.clock.now())
    callout_id = (await _short_order(bot)).id
    if back == "unblock":
        await late.unblock()
    else:
        await late.send(back)
    await _filled_by_the_late(bot, callout_id, "Cepat")


async def test_a_short_drill_invites_the_newly_ready_too(harness: BotHarness) -> None:
    bot = await prepare(harness, [*READY, LATE], not_ready=[LATE], callout_strategy="cepat")
    drill = await _short_order(bot, "/gerakkan BRIMOB 5 latihan Lapangan Tembak Brimob")
    assert drill.drill
    callout_id = drill.id
    await _say_siap(bot, LATE)
    invite = await _invited(bot, callout_id, LATE)
    assert "LATIHAN" in ((await invitation(bot, invite)).text or "")
    await card(bot, HENDRA.user_id, callout_id, "LATIHAN", "dipanggil 5")


async def test_a_filled_line_invites_nobody_and_a_short_one_of_the_category_does(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [*READY, LATE], not_ready=[LATE], callout_strategy="cepat")
    filled = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 2 tepat Kantor KPU Kalbar")
    for invite in await delivered(bot, filled.id):
        await tap(
            bot, bot.fake.user(invite.chat_id), "Siap berangkat", await invitation(bot, invite)
        )
    await card(bot, HENDRA.user_id, filled.id, "✅ 2 siap berangkat")
    # The two left ready, for a line of five: short by three.
    short = await send(bot, RAHMAT.user_id, "/mobilize BRIMOB 5 tepat Pos 2")
    assert len(await delivered(bot, short.id)) == 2
    await bot.fake.wait_for_message(RAHMAT.user_id, f"#{short.id}: BRIMOB kurang 3 personel")
    await _say_siap(bot, LATE)
    await _invited(bot, short.id, LATE)
    await card(bot, RAHMAT.user_id, short.id, "Tepat · dipanggil 3")
    assert len(await invites(bot, filled.id)) == 2
    assert invitations_sent(bot, LATE.user_id) == 1


async def test_a_member_held_by_another_call_out_is_not_invited_twice(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [*READY, LATE], not_ready=[LATE], callout_strategy="cepat")
    first = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 1 tepat Kantor KPU Kalbar")
    [held] = await delivered(bot, first.id)
    second = await send(bot, RAHMAT.user_id, "/mobilize BRIMOB 5 tepat Pos 2")
    assert len(await delivered(bot, second.id)) == 3
    await bot.fake.wait_for_message(RAHMAT.user_id, f"#{second.id}: BRIMOB kurang 2 personel")
    # The one invited by the first order says SIAP again: still held by it, so not called.
    holder = next(m for m in READY if m.user_id == held.chat_id)
    await _say_siap(bot, holder)
    await _say_siap(bot, LATE)
    await _invited(bot, second.id, LATE)
    await card(bot, RAHMAT.user_id, second.id, "Tepat · dipanggil 4")
    assert held.person_id not in {i.person_id for i in await invites(bot, second.id)}
    assert invitations_sent(bot, held.chat_id) == 1


async def test_ready_in_a_category_with_no_short_line_gets_nothing_extra(
    harness: BotHarness,
) -> None:
    other = samapta(0)
    bot = await prepare(harness, [*READY, LATE, other], not_ready=[LATE, other])
    callout_id = (await _short_order(bot)).id
    await _say_siap(bot, other)
    await _say_siap(bot, LATE)
    await _invited(bot, callout_id, LATE)
    await card(bot, HENDRA.user_id, callout_id, "dipanggil 5")
    other_id = await _person_id(bot, other)
    assert other_id not in {i.person_id for i in await invites(bot, callout_id)}
    assert invitations_sent(bot, other.user_id) == 0
    assert [
        m.text for m in bot.fake.sent_to(other.user_id) if "PENGERAHAN" in (m.text or "")
    ] == []


async def test_siap_replayed_after_a_crash_invites_once(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await prepare(harness, [*READY, LATE], not_ready=[LATE], callout_strategy="cepat")
    callout_id = (await _short_order(bot)).id
    # The crash: no update is ever marked done by the processor after it ran.
    monkeypatch.setattr(InboxUpdateProcessor, "finished", lambda self, update_ids: None)
    await _say_siap(bot, LATE)
    invite = await _invited(bot, callout_id, LATE)
    await bot.fake.wait_idle(quiet=0.3)
    await bot.restart()
    await bot.fake.wait_idle(quiet=0.3)
    assert await inbox.count(bot.db) == 0
    everyone = await invites(bot, callout_id)
    invited_once(everyone)
    assert [i.id for i in everyone if i.person_id == invite.person_id] == [invite.id]
    assert invitations_sent(bot, LATE.user_id) == 1
