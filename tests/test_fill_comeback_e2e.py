"""Every way a person comes back wakes a short call-out line, end to end.

A line short of its quota invites a person of its category the moment they can be invited
again: back after their invitation bounced (the bot unblocked, /start, or a later message
simply getting through), or put on the line's roster by an import beside the running bot
(reactivated, moved into the category). A bounced invitation is re-opened, never doubled:
one row per person and call-out, a new message, a fresh deadline.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.callout import InviteState
from bot.transport.inbox import InboxUpdateProcessor
from handlers.callout.keys import TICK_IDLE
from storage import audit, deadlines, inbox, outbox
from storage import callouts as store
from storage.db import Database
from storage.roster import import_roster
from tests.harness import BotHarness, Member, roster_rows
from tests.test_callout_e2e import (
    ADMIN_ID,
    COMMANDERS,
    HENDRA,
    card,
    invites,
    prepare,
    samapta,
    tap,
    until,
)
from tests.test_fill_e2e import send
from tests.test_fill_late_ready_e2e import (
    LATE,
    READY,
    _filled_by_the_late,
    _invited,
    _person_id,
    _short_order,
)
from tests.test_fill_rules_e2e import LABEL, STRATEGIES, invited_once


def _delivered_invitations(bot: BotHarness, member: Member) -> int:
    """Invitations that reached the member's phone (`invitations_sent`, less the bounced)."""
    return sum(
        1
        for c in bot.fake.calls("sendMessage")
        if c.ok
        and c.params.get("chat_id") == member.user_id
        and "Siap berangkat" in str(c.params.get("reply_markup"))
        and "PENGINGAT" not in str(c.params.get("text"))
    )


async def _bounced_order(bot: BotHarness) -> int:
    """LATE has blocked the bot: their invitation bounces (403) and the line is short by one."""
    await bot.fake.user(LATE.user_id).block()
    callout_id = (await send(bot, HENDRA.user_id, "/mobilize BRIMOB 5 Mako Brimob")).id
    await _bounced(bot, callout_id)
    await bot.fake.wait_for_message(HENDRA.user_id, f"#{callout_id}: BRIMOB kurang 1 personel")
    await card(
        bot,
        HENDRA.user_id,
        callout_id,
        "⏳ 4 menunggu",
        "🚫 1 tidak dapat dihubungi",
        "dipanggil 5",
    )
    return callout_id


async def _bounced(bot: BotHarness, callout_id: int) -> store.Invite:
    late_id = await _person_id(bot, LATE)

    async def check() -> store.Invite | None:
        for invite in await invites(bot, callout_id, InviteState.UNREACHABLE):
            if invite.person_id == late_id:
                return invite
        return None

    found: store.Invite = await until(check, what="LATE's invitation bounced")
    return found


async def _short_while_unreachable(bot: BotHarness, fault: int) -> int:
    """LATE's chat answers 403 (or 400 "chat not found"): the order's invitation to LATE
    bounces and the line is short by one; then the chat works again, without a word from
    Telegram. The call-out's id."""
    if fault == 403:
        bot.fake.faults.fail_chat(LATE.user_id)
    else:
        bot.fake.faults.chat_not_found(LATE.user_id)
    callout_id = (await send(bot, HENDRA.user_id, "/mobilize BRIMOB 5 Mako Brimob")).id
    await _bounced(bot, callout_id)
    await bot.fake.wait_for_message(HENDRA.user_id, f"#{callout_id}: BRIMOB kurang 1 personel")
    bot.fake.faults.heal_chat(LATE.user_id)
    return callout_id


async def _reopened(bot: BotHarness, callout_id: int) -> store.Invite:
    """LATE's one row of the call-out, open again on its second message, with a fresh timer."""
    invite = await _invited(bot, callout_id, LATE)
    assert invite.state is InviteState.PENDING
    assert invite.attempt == 2
    assert invite.invited_at == bot.clock.now()
    timer = await deadlines.get(bot.db, "callout.invite", invite.id)
    assert timer is not None
    assert timer.due_at > bot.clock.now()
    return invite


# -- 1. a bounced invitation, its person back ----------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("back", ["unblock", "/start"])
async def test_a_bounced_invitation_is_reopened_when_its_person_is_back(
    harness: BotHarness, strategy: str, back: str
) -> None:
    bot = await prepare(harness, [*READY, LATE], callout_strategy=strategy)
    callout_id = await _bounced_order(bot)
    late = bot.fake.user(LATE.user_id)
    if back == "unblock":
        await late.unblock()
    else:
        await late.send(back)
    await _reopened(bot, callout_id)
    await card(bot, HENDRA.user_id, callout_id, "⏳ 5 menunggu", "🚫 0 tidak dapat dihubungi")
    await _filled_by_the_late(bot, callout_id, LABEL[strategy])
    assert _delivered_invitations(bot, LATE) == 1


async def test_coming_back_twice_invites_once(harness: BotHarness) -> None:
    bot = await prepare(harness, [*READY, LATE], callout_strategy="cepat")
    callout_id = await _bounced_order(bot)
    late = bot.fake.user(LATE.user_id)
    await late.unblock()
    invite = await _reopened(bot, callout_id)
    await late.block()
    await late.unblock()
    await late.send("/start")
    await bot.fake.wait_idle(quiet=0.3)
    again = await store.get_invite(bot.db, invite.id)
    assert again is not None
    assert (again.state, again.attempt) == (InviteState.PENDING, 2)
    invited_once(await invites(bot, callout_id))
    assert _delivered_invitations(bot, LATE) == 1


async def test_a_reopened_invitation_that_bounces_again_is_reopened_again(
    harness: BotHarness,
) -> None:
    """Back, then gone again before the new invitation arrives: its 403 (on the second
    message's key) ends the row as before, and the next return opens it a third time."""
    bot = await prepare(harness, [*READY, LATE], callout_strategy="tepat")
    callout_id = await _bounced_order(bot)
    late = bot.fake.user(LATE.user_id)
    bot.fake.faults.fail_chat(LATE.user_id)
    await late.unblock()
    bounced = await until(
        lambda: _attempt_bounced(bot, callout_id, 2), what="the second invitation bounced"
    )
    assert bounced.end_reason == "blocked"
    bot.fake.faults.heal_chat(LATE.user_id)
    await late.block()
    await late.unblock()
    invite = await _invited(bot, callout_id, LATE)
    assert (invite.id, invite.state, invite.attempt) == (bounced.id, InviteState.PENDING, 3)
    await _filled_by_the_late(bot, callout_id, LABEL["tepat"])
    assert _delivered_invitations(bot, LATE) == 1


async def _attempt_bounced(bot: BotHarness, callout_id: int, attempt: int) -> store.Invite | None:
    late_id = await _person_id(bot, LATE)
    for invite in await invites(bot, callout_id, InviteState.UNREACHABLE):
        if invite.person_id == late_id and invite.attempt == attempt:
            return invite
    return None


async def test_coming_back_replayed_after_a_crash_reopens_once(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await prepare(harness, [*READY, LATE], callout_strategy="cepat")
    callout_id = await _bounced_order(bot)
    # The crash: no update is ever marked done by the processor after it ran.
    monkeypatch.setattr(InboxUpdateProcessor, "finished", lambda self, update_ids: None)
    await bot.fake.user(LATE.user_id).unblock()
    invite = await _reopened(bot, callout_id)
    await bot.fake.wait_idle(quiet=0.3)
    assert await inbox.count(bot.db) == 1
    # The restart replays the unblock: it finds the invitation open and invites nobody.
    monkeypatch.undo()
    await bot.restart()
    await bot.fake.wait_idle(quiet=0.3)
    assert await inbox.count(bot.db) == 0
    again = await store.get_invite(bot.db, invite.id)
    assert again is not None
    assert again.attempt == 2
    invited_once(await invites(bot, callout_id))
    assert _delivered_invitations(bot, LATE) == 1


# -- 2. a roster import beside the running bot ---------------------------------------------


async def _import(bot: BotHarness, members: list[Member]) -> None:
    """`import-roster` as its own process does it: another connection to the bot's database,
    so nothing in the bot hears of it but the rows."""
    db = await Database.open(bot.db_path)
    try:
        result = await import_roster(db, roster_rows([*COMMANDERS, *members]), bot.clock.now())
    finally:
        await db.close()
    assert result.written


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_roster_import_that_reactivates_a_member_wakes_a_short_line(
    harness: BotHarness, strategy: str
) -> None:
    bot = await prepare(harness, [*READY, LATE], callout_strategy=strategy)
    # LATE, SIAP and linked, is off the roster when the order comes, and back on it after.
    await _import(bot, READY)
    callout_id = (await _short_order(bot)).id
    await _import(bot, [*READY, LATE])
    # The bot learns of it at its next look at the line: the call-out's tick.
    bot.clock.advance(TICK_IDLE)
    await _filled_by_the_late(bot, callout_id, LABEL[strategy])
    assert _delivered_invitations(bot, LATE) == 1


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_roster_import_that_moves_a_member_into_the_category_wakes_a_short_line(
    harness: BotHarness, strategy: str
) -> None:
    mover = samapta(0)
    bot = await prepare(harness, [*READY, mover], callout_strategy=strategy)
    callout_id = (await _short_order(bot)).id
    moved = replace(mover, category=LATE.category, unit=LATE.unit)
    await _import(bot, [*READY, moved])
    bot.clock.advance(TICK_IDLE)
    await _invited(bot, callout_id, moved)
    invited_once(await invites(bot, callout_id))
    await card(bot, HENDRA.user_id, callout_id, f"{LABEL[strategy]} · dipanggil 5")
    await bot.fake.wait_for_message(HENDRA.user_id, f"#{callout_id}: BRIMOB tidak kurang lagi")
    assert _delivered_invitations(bot, moved) == 1


# -- 3. a later message getting through ----------------------------------------------------


async def test_a_message_getting_through_again_wakes_a_short_line(harness: BotHarness) -> None:
    """No my_chat_member, no /start: Telegram just accepts a later message to someone whose
    invitation bounced. The delivery engine clears their mark, and the line invites them at
    once (the clock stands still: no tick helps)."""
    bot = await prepare(harness, [*READY, LATE], callout_strategy="tepat")
    bot.fake.faults.fail_chat(LATE.user_id)
    callout_id = (await send(bot, HENDRA.user_id, "/mobilize BRIMOB 5 Mako Brimob")).id
    await _bounced(bot, callout_id)
    await bot.fake.wait_for_message(HENDRA.user_id, f"#{callout_id}: BRIMOB kurang 1 personel")
    bot.fake.faults.heal_chat(LATE.user_id)
    # A readiness check: its question reaches LATE, who has not answered it.
    await bot.fake.user(HENDRA.user_id).send("/cekkesiapan BRIMOB 20")
    await bot.fake.wait_for_message(LATE.user_id, "Apakah Anda SIAP")
    await _reopened(bot, callout_id)
    await bot.fake.wait_for_message(HENDRA.user_id, f"#{callout_id}: BRIMOB tidak kurang lagi")
    await card(bot, HENDRA.user_id, callout_id, "⏳ 5 menunggu", "🚫 0 tidak dapat dihubungi")
    assert _delivered_invitations(bot, LATE) == 1


@pytest.mark.parametrize("fault", [403, 400])
@pytest.mark.parametrize("back", ["a message", "/start", "a button"])
async def test_writing_to_the_bot_in_private_wakes_a_short_line(
    harness: BotHarness, fault: int, back: str
) -> None:
    """Marked unreachable by a 403 or "chat not found", then writing to the bot with no
    my_chat_member from Telegram: whatever they send in private proves the chat works, so
    the mark goes and the short line invites them at once (the clock stands still)."""
    bot = await prepare(harness, [*READY, LATE], callout_strategy="tepat")
    late = bot.fake.user(LATE.user_id)
    await late.send("/kesiapan")
    view = await bot.fake.wait_for_message(LATE.user_id, lambda m: "✅ Siap" in m.button_texts)
    callout_id = await _short_while_unreachable(bot, fault)
    if back == "a button":
        await tap(bot, late, "✅ Siap", view)
    else:
        await late.send("halo" if back == "a message" else back)
    await _reopened(bot, callout_id)
    await bot.fake.wait_for_message(HENDRA.user_id, f"#{callout_id}: BRIMOB tidak kurang lagi")
    await card(bot, HENDRA.user_id, callout_id, "⏳ 5 menunggu", "🚫 0 tidak dapat dihubungi")
    assert _delivered_invitations(bot, LATE) == 1


async def test_writing_in_a_group_proves_nothing_of_the_private_chat(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [*READY, LATE], callout_strategy="tepat")
    bot.fake.faults.chat_not_found(LATE.user_id)
    callout_id = (await send(bot, HENDRA.user_id, "/mobilize BRIMOB 5 Mako Brimob")).id
    bounced = await _bounced(bot, callout_id)
    bot.fake.faults.heal_chat(LATE.user_id)
    await bot.fake.user(LATE.user_id).send("/status", chat=bot.fake.group())
    await bot.fake.wait_idle(quiet=0.3)
    assert await outbox.is_unreachable(bot.db, LATE.user_id)
    assert await store.get_invite(bot.db, bounced.id) == bounced


# -- 4. deactivated again after coming back ------------------------------------------------


async def test_a_reopened_invitation_deactivated_again_is_reported_again(
    harness: BotHarness,
) -> None:
    """Off the roster while invited: the commander hears "nonaktif". Back on it, the tick
    re-opens the invitation; off it again, the commander hears it a second time (the notice
    is keyed per attempt, as the invitation is)."""
    bot = await prepare(harness, [*READY, LATE], callout_strategy="tepat")
    callout = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 5 Mako Brimob")
    first = await _invited(bot, callout.id, LATE)
    assert (await _deactivated(bot, callout, 1)).id == first.id
    await _import(bot, [*READY, LATE])
    bot.clock.advance(TICK_IDLE)
    await until(lambda: _attempt_open(bot, first.id, 2), what="the invitation re-opened")
    assert (await _deactivated(bot, callout, 2)).id == first.id
    await bot.fake.wait_idle(quiet=0.3)
    assert _deactivated_notices(bot) == 2


async def _deactivated(bot: BotHarness, callout: store.Callout, attempt: int) -> store.Invite:
    """LATE off the roster while invited: at the invitation's deadline this attempt ends and
    the commander has their `attempt`-th "nonaktif" notice."""
    await _import(bot, READY)
    bot.clock.advance(callout.invite_timeout)
    late_id = await _person_id(bot, LATE)

    async def check() -> store.Invite | None:
        for invite in await invites(bot, callout.id, InviteState.UNREACHABLE):
            if (invite.person_id, invite.attempt, invite.end_reason) == (
                late_id,
                attempt,
                "deactivated",
            ):
                return invite
        return None

    ended: store.Invite = await until(check, what=f"attempt {attempt} ended, deactivated")
    await bot.fake.wait_for_message(HENDRA.user_id, lambda _: _deactivated_notices(bot) == attempt)
    return ended


async def _attempt_open(bot: BotHarness, invite_id: int, attempt: int) -> bool | None:
    invite = await store.get_invite(bot.db, invite_id)
    assert invite is not None
    return True if (invite.state, invite.attempt) == (InviteState.PENDING, attempt) else None


def _deactivated_notices(bot: BotHarness) -> int:
    return sum(1 for m in bot.fake.sent_to(HENDRA.user_id) if "sudah nonaktif" in (m.text or ""))


@pytest.mark.parametrize("fault", [403, 400])
async def test_a_hadir_through_the_tap_lane_wakes_a_short_line(
    harness: BotHarness, fault: int
) -> None:
    """Marked unreachable, then Hadir tapped on a roll-call prompt that reached them before:
    the tap lane, which writes plain Hadir taps in bursts past the gate, leaves a marked
    person's tap to the gate, which clears the mark and invites them to the short line."""
    bot = await prepare(harness, [*READY, LATE], callout_strategy="tepat")
    late = bot.fake.user(LATE.user_id)
    await bot.fake.user(ADMIN_ID, first_name="Admin").send("/apel semua 30")
    prompt = await bot.fake.wait_for_message(LATE.user_id, "APEL #")
    callout_id = await _short_while_unreachable(bot, fault)
    await tap(bot, late, "Hadir", prompt)
    await _reopened(bot, callout_id)
    await bot.fake.wait_for_message(HENDRA.user_id, f"#{callout_id}: BRIMOB tidak kurang lagi")
    assert not await outbox.is_unreachable(bot.db, LATE.user_id)
    assert _delivered_invitations(bot, LATE) == 1
    # The gate's way (committed with the tap, audited), not a later send getting through.
    back = [e for e in await audit.entries(bot.db) if e.action == "reachability.unblocked"]
    assert [e.actor_user_id for e in back] == [LATE.user_id]
