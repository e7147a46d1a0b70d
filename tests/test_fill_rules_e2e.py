"""The call-out's standing rules under every fill strategy, end to end: the guided flow's
strategy buttons, reminders and the escalation of the silent, reserve widening, drills, a
decline storm, two call-outs on one category, a short line, and the stand-down's fairness.

Cepat is the default and the one each scenario is written for; where the assertions hold for
every strategy they are parametrized over all three. Counts of Cepat's extras are left to
tests/test_fill_domain.py: here only what must hold whatever the rule's numbers are.
"""

from __future__ import annotations

from collections import Counter
from functools import partial

import pytest

from bot.domain.callout import InviteKey, InviteMessage, InviteState, Strategy
from bot.domain.fill import CAP_TIMES_QUOTA
from bot.domain.readiness import State
from bot.rehearsal.fake_telegram import SentMessage
from storage import callouts as store
from storage import outbox, personnel, readiness
from tests.harness import BotHarness, Member
from tests.test_callout_e2e import (
    ADMIN_ID,
    HENDRA,
    RAHMAT,
    SITE,
    YUDI,
    advance,
    brimob,
    card,
    invitation,
    invites,
    poh,
    prepare,
    samapta,
    shown,
    tap,
    until,
)
from tests.test_fill_e2e import delivered, send

STRATEGIES = [s.value for s in Strategy]
LABEL = {"cepat": "Cepat", "tepat": "Tepat", "semua": "Semua"}


def invited_once(found: list[store.Invite]) -> None:
    """Nobody holds two invitations of one call-out."""
    twice = [p for p, n in Counter(i.person_id for i in found).items() if n > 1]
    assert not twice, f"invited twice: {twice}"


def invitations_sent(bot: BotHarness, chat_id: int) -> int:
    """How many invitations (messages carrying the answer buttons) went to this chat."""
    return sum(
        1
        for c in bot.fake.calls("sendMessage")
        if c.params.get("chat_id") == chat_id
        and "Siap berangkat" in str(c.params.get("reply_markup"))
        and "PENGINGAT" not in str(c.params.get("text"))
    )


# -- the guided flow ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("default", "pressed"),
    [("cepat", "cepat"), ("cepat", "tepat"), ("tepat", "semua"), ("semua", "cepat")],
)
async def test_the_guided_flow_offers_the_strategies_and_the_pressed_one_is_the_orders(
    harness: BotHarness, default: str, pressed: str
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(30)], callout_strategy=default)
    fake = bot.fake
    hendra = fake.user(HENDRA.user_id)
    await hendra.send("/mobilize")
    await tap(bot, hendra, "BRIMOB", await fake.wait_for_message(HENDRA.user_id, "kategori"))
    await fake.wait_for_message(HENDRA.user_id, "Berapa personel")
    await tap(bot, hendra, "5")
    await fake.wait_for_message(HENDRA.user_id, "Ketik lokasi tujuan")
    await hendra.send("Kantor KPU Kalbar")
    confirm = await fake.wait_for_message(HENDRA.user_id, "Konfirmasi pengerahan")
    text = confirm.text or ""
    for word in LABEL.values():
        assert f"{word} — memanggil" in text, word
    # The three buttons, the Polda's default marked.
    strategy_row = [
        label for label in confirm.button_texts if label.lstrip("▶ ") in LABEL.values()
    ]
    assert sorted(label.lstrip("▶ ") for label in strategy_row) == sorted(LABEL.values())
    assert [label for label in strategy_row if label.startswith("▶")] == [f"▶ {LABEL[default]}"]
    assert f"▶ {LABEL[default]} — memanggil" in text

    await tap(bot, hendra, LABEL[pressed], confirm)

    async def marked() -> SentMessage | None:
        message = fake.message(HENDRA.user_id, confirm.message_id)
        return message if message.button(f"▶ {LABEL[pressed]}") is not None else None

    chosen: SentMessage = await until(marked, what=f"{pressed} marked on the card")
    assert f"▶ {LABEL[pressed]} — memanggil" in (chosen.text or "")
    await tap(bot, hendra, "Kirim", chosen)

    async def created() -> store.Callout | None:
        found = await store.recent(bot.db)
        return found[0] if found else None

    callout: store.Callout = await until(created, what="the call-out")
    assert callout.strategy is Strategy(pressed)
    called = await delivered(bot, callout.id)
    invited_once(called)
    assert len(called) >= 5
    if pressed == "semua":
        assert len(called) == 30
    if pressed == "tepat":
        assert len(called) == 5
    await card(bot, HENDRA.user_id, callout.id, f"{LABEL[pressed]} · dipanggil {len(called)}")


async def test_the_chosen_strategy_survives_the_cards_other_edits(harness: BotHarness) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(12)], callout_strategy="cepat")
    fake = bot.fake
    hendra = fake.user(HENDRA.user_id)
    await hendra.send("/mobilize BRIMOB 3 Kantor KPU Kalbar")
    confirm = await fake.wait_for_message(HENDRA.user_id, "Konfirmasi pengerahan")
    await tap(bot, hendra, "Semua", confirm)
    await tap(bot, hendra, "+ Tugas/BKO", confirm)
    await fake.wait_for_message(HENDRA.user_id, "Ketik tugas atau BKO")
    await hendra.send("BKO Polres Sanggau")
    edited = await fake.wait_for_message(
        HENDRA.user_id, lambda m: bool(m.button_texts) and "Tugas: BKO" in (m.text or "")
    )
    assert edited.button("▶ Semua") is not None
    await hendra.share_location(*SITE)
    await fake.wait_for_message(HENDRA.user_id, "Titik lokasi tugas disimpan")
    await tap(bot, hendra, "Kirim")
    called = await until(lambda: _sent_for_first(bot), what="the invitations")
    callout = (await store.recent(bot.db))[0]
    assert callout.strategy is Strategy.SEMUA
    assert callout.task == "BKO Polres Sanggau"
    assert callout.latitude is not None
    assert len(called) == 12


# -- reminders and the escalation of the silent ----------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_the_silent_are_reminded_and_reported_to_their_own_commander(
    harness: BotHarness, strategy: str
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(24)], callout_strategy=strategy)
    fake = bot.fake
    callout = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 2 Kantor KPU Kalbar")
    first = await delivered(bot, callout.id)
    if strategy != "tepat":
        assert len(first) > 2  # the surplus: more silent people than the quota
    # Nobody answers. At the deadline every one of them is reminded, and still counts.
    await advance(bot, 5)
    for invite in first:
        await fake.wait_for_message(invite.chat_id, "PENGINGAT")
    first_ids = {i.id for i in first}

    async def reminded() -> bool:
        timed_out = await invites(bot, callout.id, InviteState.TIMED_OUT)
        return first_ids <= {i.id for i in timed_out}

    await until(reminded, what="the first wave timed out")

    # The second deadline: no answer, each reported to the commanders of their own unit.
    await advance(bot, 5)

    async def silent() -> list[store.Invite] | None:
        found = await invites(bot, callout.id, InviteState.NO_ANSWER)
        return found if first_ids <= {i.id for i in found} else None

    no_answer = await until(silent, what="the first wave without an answer")
    units = {}
    for invite in no_answer:
        person = await personnel.by_id(bot.db, invite.person_id)
        assert person is not None
        units[invite.id] = person
    kompi1 = [i for i in first if units[i.id].unit == "Kompi 1"]
    others = [i for i in first if units[i.id].unit != "Kompi 1"]
    assert kompi1, "brimob 0 (Kompi 1) is the first invited"
    assert others
    # Each report is queued with the no-answer itself: the outbox says whom it goes to.
    for invite in first:
        told = {
            commander.user_id
            for commander in (YUDI, HENDRA, RAHMAT)
            if await outbox.row_state(bot.db, _report_key(invite, commander)) is not None
        }
        if units[invite.id].unit == "Kompi 1":
            # Kompi 1 has its own commander: the category's commanders are not told.
            assert told == {YUDI.user_id}, units[invite.id].display_name
        else:
            # The other units have none: the commanders of the category hear of them.
            assert told == {HENDRA.user_id, RAHMAT.user_id}, units[invite.id].display_name
    for invite in kompi1:
        report = await fake.wait_for_message(YUDI.user_id, units[invite.id].display_name)
        assert "Belum lapor" in (report.text or "")
        assert report.button("Siap berangkat (atas nama)") is not None
    await fake.wait_for_message(HENDRA.user_id, units[others[0].id].display_name)

    # The unit commander answers for him, and the yes counts.
    invite = kompi1[0]
    report = await fake.wait_for_message(YUDI.user_id, units[invite.id].display_name)
    await tap(bot, fake.user(YUDI.user_id), "Siap berangkat (atas nama)", report)
    await fake.wait_for_message(invite.chat_id, "Komandan Anda")
    answered = await store.get_invite(bot.db, invite.id)
    assert answered is not None
    assert answered.state is InviteState.ACCEPTED


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_unit_commanders_order_calls_only_his_unit(
    harness: BotHarness, strategy: str
) -> None:
    # Kompi 1 is every sixth: brimob 0, 6, 12 and 18.
    bot = await prepare(harness, [brimob(n) for n in range(24)], callout_strategy=strategy)
    yudi = bot.fake.user(YUDI.user_id)
    await yudi.send("/mobilize BRIMOB 2 Pos Kompi 1")
    confirm = await bot.fake.wait_for_message(YUDI.user_id, "Konfirmasi pengerahan")
    assert "Semua — memanggil semua 4 yang siap" in (confirm.text or "")
    await tap(bot, yudi, "Kirim", confirm)
    called = await until(lambda: _sent_for_first(bot), what="the invitations")
    assert 2 <= len(called) <= 4
    if strategy == "semua":
        assert len(called) == 4
    for invite in called:
        person = await personnel.by_id(bot.db, invite.person_id)
        assert person is not None
        assert person.unit == "Kompi 1"


async def _sent_for_first(bot: BotHarness) -> list[store.Invite] | None:
    """The first call-out's invitations, once there is one and all of them went out."""
    made = await store.recent(bot.db)
    return await delivered(bot, made[0].id) if made else None


# -- reserve widening -----------------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_short_line_widens_to_its_reserve_with_every_strategy(
    harness: BotHarness, strategy: str
) -> None:
    members = [*(samapta(n) for n in range(6)), *(poh(n) for n in range(10))]
    bot = await prepare(harness, members, callout_strategy=strategy)
    fake = bot.fake
    admin = fake.user(ADMIN_ID)
    callout = await send(bot, ADMIN_ID, "/mobilize SAMAPTA 8 Mako Polda")
    assert callout.strategy is Strategy(strategy)
    # Every ready SAMAPTA invited, and the line still short by two.
    samapta_invites = await delivered(bot, callout.id)
    assert len(samapta_invites) == 6
    notice = await fake.wait_for_message(ADMIN_ID, "kurang 2 personel")
    await tap(bot, admin, "Perluas ke POH", notice)

    lines = await until(
        lambda: _two_lines(bot, callout.id), what="the POH line added to the order"
    )
    assert [(line.category, line.quota) for line in lines] == [("SAMAPTA", 6), ("POH", 2)]
    poh_line = lines[1]

    async def from_poh() -> list[store.Invite] | None:
        found = [i for i in await invites(bot, callout.id) if i.line_id == poh_line.id]
        return found if len(found) >= 2 else None

    widened = await until(from_poh, what="POH invited")
    everyone = await delivered(bot, callout.id)
    invited_once(everyone)
    assert len(widened) <= max(CAP_TIMES_QUOTA * 2, 10)
    await card(bot, ADMIN_ID, callout.id, "2 dialihkan ke POH", f"{LABEL[strategy]} · dipanggil")
    # The reserve fills its two places and its surplus is stood down.
    for invite in widened[:2]:
        await tap(bot, fake.user(invite.chat_id), "Siap berangkat", await invitation(bot, invite))

    async def poh_filled() -> bool:
        line = next(x for x in await store.lines(bot.db, callout.id) if x.id == poh_line.id)
        return line.filled_at is not None

    await until(poh_filled, what="the POH line filled")
    for invite in widened[2:]:
        fresh = await store.get_invite(bot.db, invite.id)
        assert fresh is not None
        assert fresh.state is InviteState.STOOD_DOWN


def _report_key(invite: store.Invite, commander: Member) -> str:
    """The outbox key of the no-answer report about `invite` to `commander`."""
    return str(InviteKey(InviteMessage.NO_ANSWER, invite.id, (str(commander.user_id),)))


async def _two_lines(bot: BotHarness, callout_id: int) -> list[store.Line] | None:
    found = await store.lines(bot.db, callout_id)
    return found if len(found) == 2 else None


# -- a multi-category order ------------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_multi_category_order_fills_each_line_on_its_own(
    harness: BotHarness, strategy: str
) -> None:
    members = [*(brimob(n) for n in range(20)), *(samapta(n) for n in range(12))]
    bot = await prepare(harness, members, callout_strategy=strategy)
    fake = bot.fake
    callout = await send(bot, ADMIN_ID, "/mobilize BRIMOB 3 SAMAPTA 2 Kantor Gubernur Kalbar")
    lines = {line.category: line for line in await store.lines(bot.db, callout.id)}
    called = await delivered(bot, callout.id)
    invited_once(called)
    by_line = {code: [i for i in called if i.line_id == line.id] for code, line in lines.items()}
    for invite in called:
        person = await personnel.by_id(bot.db, invite.person_id)
        assert person is not None
        assert lines[person.category_code].id == invite.line_id
    assert len(by_line["BRIMOB"]) >= 3
    assert len(by_line["SAMAPTA"]) >= 2

    # BRIMOB fills first: only its own surplus is stood down.
    for invite in by_line["BRIMOB"][:3]:
        await tap(bot, fake.user(invite.chat_id), "Siap berangkat", await invitation(bot, invite))
    await card(bot, ADMIN_ID, callout.id, "BRIMOB · kuota 3\n✅ 3 siap berangkat")

    async def line_settled(code: str) -> bool:
        found = [i for i in await invites(bot, callout.id) if i.line_id == lines[code].id]
        return not any(i.state in (InviteState.PENDING, InviteState.TIMED_OUT) for i in found)

    await until(lambda: line_settled("BRIMOB"), what="BRIMOB's surplus stood down")
    for invite in by_line["SAMAPTA"]:
        untouched = await store.get_invite(bot.db, invite.id)
        assert untouched is not None
        assert untouched.state is InviteState.PENDING
    for invite in by_line["SAMAPTA"][:2]:
        await tap(bot, fake.user(invite.chat_id), "Siap berangkat", await invitation(bot, invite))
    await until(lambda: line_settled("SAMAPTA"), what="SAMAPTA's surplus stood down")
    assert len(await invites(bot, callout.id, InviteState.ACCEPTED)) == 5
    stood_down = await invites(bot, callout.id, InviteState.STOOD_DOWN)
    assert len(stood_down) == len(called) - 5


# -- drills ---------------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_drill_is_marked_and_kept_out_of_statistics_with_every_strategy(
    harness: BotHarness, strategy: str
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(20)], callout_strategy=strategy)
    fake = bot.fake
    drill = await send(bot, HENDRA.user_id, "/gerakkan BRIMOB 2 latihan Lapangan Tembak Brimob")
    assert drill.drill
    assert drill.strategy is Strategy(strategy)
    called = await delivered(bot, drill.id)
    assert len(called) >= 2
    for invite in called:
        assert "LATIHAN" in ((await invitation(bot, invite)).text or "")
    await card(bot, HENDRA.user_id, drill.id, "LATIHAN", f"{LABEL[strategy]} · dipanggil")
    goers = called[:2]
    for invite in goers:
        await tap(bot, fake.user(invite.chat_id), "Siap berangkat", await invitation(bot, invite))
    await card(bot, HENDRA.user_id, drill.id, "LATIHAN", "✅ 2 siap berangkat")

    async def settled() -> bool:
        open_now = await invites(bot, drill.id, InviteState.PENDING, InviteState.TIMED_OUT)
        return not open_now

    await until(settled, what="the drill's surplus stood down")
    assert len(await invites(bot, drill.id, InviteState.STOOD_DOWN)) == len(called) - 2
    stats = await store.stats(bot.db)
    assert stats.callouts == 0
    assert stats.accepted == 0
    assert (await store.stats(bot.db, include_drills=True)).accepted == 2
    assert await store.deployed_on_drills(bot.db) == {i.person_id for i in goers}


# -- a decline storm ------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_decline_storm_invites_the_next_until_the_line_runs_dry(
    harness: BotHarness, strategy: str
) -> None:
    # More ready than Cepat's cap on calls: past it, each decline still brings in the next.
    ready = int(CAP_TIMES_QUOTA * 5) + 6
    bot = await prepare(harness, [brimob(n) for n in range(ready)], callout_strategy=strategy)
    fake = bot.fake
    callout = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 5 Kantor KPU Kalbar")
    # Everyone invited declines as soon as the invitation arrives; the clock never moves,
    # so each next invitation is owed to a decline, not to a timeout.
    handled: set[int] = set()
    while len(handled) < ready:

        async def fresh() -> list[store.Invite] | None:
            found = await invites(bot, callout.id, InviteState.PENDING)
            new = [i for i in found if i.id not in handled]
            return new or None

        for invite in await until(fresh, what=f"an invitation after {len(handled)} declines"):
            await tap(bot, fake.user(invite.chat_id), "Berhalangan", await invitation(bot, invite))
            handled.add(invite.id)

    async def all_declined() -> list[store.Invite] | None:
        found = await invites(bot, callout.id, InviteState.DECLINED)
        return found if len(found) == ready else None

    declined = await until(all_declined, what="everyone declined")
    everyone = await invites(bot, callout.id)
    assert len(everyone) == ready
    invited_once(everyone)
    for invite in declined:
        assert invitations_sent(bot, invite.chat_id) == 1
    await card(bot, HENDRA.user_id, callout.id, f"{LABEL[strategy]} · dipanggil {ready}")
    # The shortfall, reported as for Tepat: one notice, and the reserve offered.
    notice = await fake.wait_for_message(HENDRA.user_id, "kurang 5 personel")
    assert (notice.text or "").startswith(
        f"PENGERAHAN #{callout.id}: BRIMOB kurang 5 personel (kuota 5, siap berangkat 0)."
        " Tidak ada lagi personel siap yang dapat dipanggil."
    )
    assert notice.button("Perluas ke POH") is not None
    assert notice.button("Setujui kekurangan") is not None
    notices = [m for m in fake.sent_to(HENDRA.user_id) if "personel (kuota 5" in (m.text or "")]
    assert len(notices) == 1


# -- two call-outs on one category ----------------------------------------------------------


async def _live_people(bot: BotHarness, *callout_ids: int) -> Counter[int]:
    """How many live invitations (open, or accepted and not released) each person holds."""
    held: Counter[int] = Counter()
    for callout_id in callout_ids:
        for invite in await invites(
            bot, callout_id, InviteState.PENDING, InviteState.TIMED_OUT, InviteState.ACCEPTED
        ):
            held[invite.person_id] += 1
    return held


async def test_two_cepat_call_outs_on_one_category_share_nobody_and_both_fill(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(40)], callout_strategy="cepat")
    fake = bot.fake
    hendra, rahmat = fake.user(HENDRA.user_id), fake.user(RAHMAT.user_id)
    await hendra.send("/mobilize BRIMOB 4 Kantor KPU Kalbar")
    await rahmat.send("/mobilize BRIMOB 4 Kantor Bawaslu")
    first = await fake.wait_for_message(HENDRA.user_id, "Konfirmasi pengerahan")
    second = await fake.wait_for_message(RAHMAT.user_id, "Konfirmasi pengerahan")
    taps = [
        await hendra.press("Kirim", message=first),
        await rahmat.press("Kirim", message=second),
    ]
    for cq in taps:
        await fake.wait_for(partial(fake.callback_answer, cq))
    made = await until(lambda: _two_callouts(bot), what="two call-outs")
    ids = [c.id for c in made]
    for callout_id in ids:
        assert len(await delivered(bot, callout_id)) > 4
    held = await _live_people(bot, *ids)
    assert max(held.values()) == 1

    # The first four of each say yes as their invitations arrive.
    for callout_id in ids:
        for invite in (await invites(bot, callout_id, InviteState.PENDING))[:4]:
            message = await invitation(bot, invite)
            await tap(bot, fake.user(invite.chat_id), "Siap berangkat", message)

    async def both_filled() -> bool:
        lines = [(await store.lines(bot.db, c))[0] for c in ids]
        return all(line.filled_at is not None for line in lines)

    await until(both_filled, what="both call-outs filled")
    for callout_id in ids:
        assert len(await invites(bot, callout_id, InviteState.ACCEPTED)) == 4
        assert not await invites(bot, callout_id, InviteState.PENDING, InviteState.TIMED_OUT)
    held = await _live_people(bot, *ids)
    assert len(held) == 8
    assert max(held.values()) == 1


async def _two_orders(bot: BotHarness) -> tuple[list[store.Invite], store.Callout]:
    """Hendra's order for four BRIMOB, then Rahmat's for four more while the first holds its
    people: the first's invitations and the second call-out."""
    first = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 4 Kantor KPU Kalbar")
    held = await delivered(bot, first.id)
    second = await send(bot, RAHMAT.user_id, "/mobilize BRIMOB 4 Kantor Bawaslu")
    return held, second


async def _open_at_least(bot: BotHarness, callout_id: int, n: int) -> list[store.Invite]:
    async def check() -> list[store.Invite] | None:
        found = await invites(bot, callout_id, InviteState.PENDING)
        return found if len(found) >= n else None

    found: list[store.Invite] = await until(check, what=f"{n} open in #{callout_id}")
    return found


@pytest.mark.parametrize("strategy", ["cepat", "semua"])
async def test_a_short_call_out_takes_the_surplus_another_one_stands_down(
    harness: BotHarness, strategy: str
) -> None:
    """The first call-out holds (nearly) everyone ready; the second, on the same category, is
    short. When the first fills, its surplus is free again (SIAP, no longer held), and the
    second invites them instead of staying short with "nobody left to call"."""
    bot = await prepare(harness, [brimob(n) for n in range(10)], callout_strategy=strategy)
    fake = bot.fake
    held, second = await _two_orders(bot)
    if len(held) > 6:
        await fake.wait_for_message(RAHMAT.user_id, f"#{second.id}: BRIMOB kurang")
    for invite in held[:4]:
        await tap(bot, fake.user(invite.chat_id), "Siap berangkat", await invitation(bot, invite))
    waiting = await _open_at_least(bot, second.id, 4)
    assert max((await _live_people(bot, held[0].callout_id, second.id)).values()) == 1
    for invite in waiting[:4]:
        await tap(bot, fake.user(invite.chat_id), "Siap berangkat", await invitation(bot, invite))
    await card(bot, RAHMAT.user_id, second.id, "✅ 4 siap berangkat")
    if len(held) > 6:
        await fake.wait_for_message(RAHMAT.user_id, f"#{second.id}: BRIMOB tidak kurang lagi")


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_short_call_out_takes_the_people_a_cancelled_one_frees(
    harness: BotHarness, strategy: str
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(6)], callout_strategy=strategy)
    fake = bot.fake
    held, second = await _two_orders(bot)
    # Six ready, four or more held by the first order: the second is short.
    await fake.wait_for_message(RAHMAT.user_id, f"#{second.id}: BRIMOB kurang")
    hendra = fake.user(HENDRA.user_id)
    await tap(bot, hendra, "Batalkan", await card(bot, HENDRA.user_id, held[0].callout_id))
    await tap(bot, hendra, "Ya, batalkan", await shown(bot, HENDRA.user_id, "Ya, batalkan"))
    waiting = await _open_at_least(bot, second.id, 4)
    assert {i.person_id for i in held} & {i.person_id for i in waiting}
    invited_once(await invites(bot, second.id))
    await fake.wait_for_message(RAHMAT.user_id, f"#{second.id}: BRIMOB tidak kurang lagi")


async def _two_callouts(bot: BotHarness) -> list[store.Callout] | None:
    found = await store.recent(bot.db)
    return found if len(found) == 2 else None


# -- fewer ready than the quota ---------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_fewer_ready_than_the_quota_invites_all_and_reports_the_shortfall(
    harness: BotHarness, strategy: str
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(12)], callout_strategy=strategy)
    fake = bot.fake
    callout = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 15 Mako Brimob")
    called = await delivered(bot, callout.id)
    assert len(called) == 12
    invited_once(called)
    notice = await fake.wait_for_message(HENDRA.user_id, "kurang 3 personel")
    assert (notice.text or "").startswith(
        f"PENGERAHAN #{callout.id}: BRIMOB kurang 3 personel (kuota 15, siap berangkat 0)."
        " Tidak ada lagi personel siap yang dapat dipanggil."
    )
    await tap(bot, fake.user(HENDRA.user_id), "Setujui kekurangan", notice)
    await card(bot, HENDRA.user_id, callout.id, "kekurangan 3 disetujui")
    assert len(await invites(bot, callout.id)) == 12


# -- the stand-down and the fairness order ----------------------------------------------------


@pytest.mark.parametrize("strategy", ["cepat", "semua"])
async def test_a_stood_down_person_stays_siap_and_is_invited_early_next_time(
    harness: BotHarness, strategy: str
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(30)], callout_strategy=strategy)
    fake = bot.fake
    callout = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 3 Kantor KPU Kalbar")
    called = await delivered(bot, callout.id)
    assert len(called) > 3
    before = {i.person_id: await readiness.get(bot.db, i.person_id) for i in called}
    for invite in called[:3]:
        await tap(bot, fake.user(invite.chat_id), "Siap berangkat", await invitation(bot, invite))

    async def stood_down() -> list[store.Invite] | None:
        found = await invites(bot, callout.id, InviteState.STOOD_DOWN)
        return found if len(found) == len(called) - 3 else None

    surplus = await until(stood_down, what="the surplus stood down")
    for invite in surplus:
        told = await fake.wait_for_message(invite.chat_id, "Kuota sudah terpenuhi")
        assert "Terima kasih" in (told.text or "")
        assert "tetap SIAP" in (told.text or "")
        assert not told.button("Siap berangkat")
        status = await readiness.get(bot.db, invite.person_id)
        assert status is not None
        assert status.state is State.SIAP
        assert status == before[invite.person_id]  # neither deployed nor re-confirmed

    # The next order, exact: the stood-down are still first in the fairness order, ahead of
    # everyone who was not called at all the first time.
    again = await send(bot, RAHMAT.user_id, f"/mobilize BRIMOB {len(surplus)} tepat Pos 2")
    invited = await delivered(bot, again.id)
    assert {i.person_id for i in invited} == {i.person_id for i in surplus}
