"""Call-outs end to end: the real bot on the fake Bot API, time moved by the FakeClock."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from bot.domain.callout import InviteState
from bot.domain.readiness import State
from bot.rehearsal.fake_telegram import SentMessage, SimUser
from bot.transport.inbox import InboxUpdateProcessor
from storage import audit, inbox, personnel, readiness
from storage import callouts as store
from tests.harness import FAST_DELIVERY, BotHarness, Member, person_of

ADMIN_ID = 900001
HENDRA = Member(
    "75020345", "Hendra Wijaya", "AKBP", "BRIMOB", "Sat Brimob", "081300000001", "komandan", 5000
)
# Commands the BRIMOB unit "Kompi 1": the own commander of a silent Kompi 1 member.
YUDI = Member(
    "76030456", "Yudi Pratama", "Iptu", "BRIMOB", "Kompi 1", "081300000002", "komandan", 5001
)
# A second commander of the whole BRIMOB category (two orders at the same moment).
RAHMAT = Member(
    "77040567",
    "Rahmat Hidayat",
    "Kompol",
    "BRIMOB",
    "Sat Brimob",
    "081300000003",
    "komandan",
    5002,
)
# A commander of POH only: BRIMOB is outside his scope.
AGUS = Member(
    "78050678", "Agus Salim", "AKP", "POH", "Polresta Pontianak", "081300000004", "komandan", 5003
)
SITE = (-0.0263, 109.3425)  # Kantor KPU Kalbar, Pontianak (near enough)
NEAR = (-0.0270, 109.3430)  # about 100 m away
FAR = (-0.0600, 109.3425)  # about 3.7 km away

# These scenarios count invitations one by one, so they run on Tepat (the exact shortfall);
# every strategy's own behaviour is in tests/test_fill_e2e.py.
FAST = {
    **FAST_DELIVERY,
    "unreachable_notice_delay_s": 0.0,
    "max_in_flight": 64,
    "callout_strategy": "tepat",
}


def numbered(n: int, series: int, name: str, rank: str, category: str, unit: str) -> Member:
    """Member `n` of a made-up series: NRP 80{series}nnnnn, phone 081{2 + series}1nnnnnnn."""
    return Member(
        f"{80000000 + series * 100000 + n}",
        f"{name} {n:03d}",
        rank,
        category,
        unit,
        f"081{2 + series}{10000000 + n}",
        user_id=series * 10000 + n,
    )


def brimob(n: int) -> Member:
    return numbered(n, 1, "Brimob", "Bripda", "BRIMOB", f"Kompi {n % 6 + 1}")


def poh(n: int) -> Member:
    return numbered(n, 2, "Poh", "Briptu", "POH", "Polresta Pontianak")


def samapta(n: int) -> Member:
    return numbered(n, 3, "Samapta", "Brigpol", "SAMAPTA", "Ditsamapta")


COMMANDERS = [HENDRA, YUDI, RAHMAT, AGUS]


async def prepare(
    harness: BotHarness,
    members: Sequence[Member],
    *,
    scopes: Sequence[tuple[Member, str, str]] = (
        (HENDRA, "category", "BRIMOB"),
        (RAHMAT, "category", "BRIMOB"),
        (AGUS, "category", "POH"),
    ),
    not_ready: Sequence[Member] = (),
    **settings: Any,
) -> BotHarness:
    """Seed, then link everyone and mark them SIAP directly in the database (the contact
    handshake is tested elsewhere and would take minutes for 200 people). `settings`
    override the fast delivery ones."""
    everyone = [*COMMANDERS, *members]
    await harness.seed_linked(everyone)
    now = harness.clock.now()
    async with harness.offline() as tx:
        for index, member in enumerate(everyone):
            person = await person_of(tx, member)
            # Confirmed a minute apart: the longest ready come first, deterministically.
            confirmed = now - timedelta(minutes=len(everyone) - index)
            if member in not_ready:
                await readiness.set_not_ready(tx, person.id, confirmed, reason="cuti", source="t")
            else:
                await readiness.set_ready(tx, person.id, confirmed, source="test")
        for member, kind, value in scopes:
            person = await person_of(tx, member)
            await personnel.clear_scopes(tx, person.id)
            await personnel.add_scope(tx, person.id, kind, value)
    await harness.start(admin_ids=[ADMIN_ID], **{**FAST, **settings})
    return harness


async def until(
    check: Callable[[], Awaitable[Any]],
    wait_s: float = 5.0,
    what: str = "condition",
) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while True:
        value = await check()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def shown(bot: BotHarness, chat_id: int, label: str) -> SentMessage:
    """The newest message in the chat with this button, once the bot has put it there."""
    return await bot.fake.wait_for(
        lambda: next((m for m in reversed(bot.fake.sent_to(chat_id)) if m.button(label)), None),
        what=f"a {label!r} button in chat {chat_id}",
    )


async def tap(
    bot: BotHarness, user: SimUser, label: str, message: SentMessage | None = None
) -> str:
    """Press a button and wait for the bot to answer the callback query; the answer text."""
    cq = await user.press(label, message=message)
    answer = await bot.fake.wait_for(
        lambda: bot.fake.callback_answer(cq), what=f"answer to {label}"
    )
    return str(answer.get("text", ""))


async def order(bot: BotHarness, commander: Member, text: str, *, chat: Any = None) -> int:
    """Type the order, press Kirim on the confirm card, return the new call-out's id."""
    user = bot.fake.user(commander.user_id)
    target = chat.id if chat is not None else commander.user_id
    before = max((m.message_id for m in bot.fake.sent_to(target)), default=0)

    def newer(part: str) -> Callable[[SentMessage], bool]:
        return lambda m: m.message_id > before and part in (m.text or "")

    await user.send(text, chat=chat)
    confirm = await bot.fake.wait_for_message(target, newer("Konfirmasi pengerahan"))
    await tap(bot, user, "Kirim", confirm)
    sent = await bot.fake.wait_for_message(target, newer("dikirim"))
    return int((sent.text or "").split("#")[1].split()[0])


async def invites(bot: BotHarness, callout_id: int, *states: InviteState) -> list[store.Invite]:
    return await store.invites(bot.db, callout_id, states=states or None)


async def invitation(bot: BotHarness, invite: store.Invite) -> SentMessage:
    return await bot.fake.wait_for_message(invite.chat_id, f"PENGERAHAN #{invite.callout_id}")


async def answer_all(bot: BotHarness, chosen: Sequence[store.Invite], label: str) -> None:
    for invite in chosen:
        user = bot.fake.user(invite.chat_id)
        await tap(bot, user, label, await invitation(bot, invite))


async def card(bot: BotHarness, chat_id: int, callout_id: int, *parts: str) -> SentMessage:
    def matches(message: SentMessage) -> bool:
        text = message.text or ""
        return f"PENGERAHAN #{callout_id}</b>" in (message.source_text or "") and all(
            p in text for p in parts
        )

    return await bot.fake.wait_for_message(chat_id, matches)


async def advance(bot: BotHarness, minutes: float) -> None:
    """Move time; the scheduler wakes on the clock change and fires what fell due."""
    bot.clock.advance(minutes=minutes)
    await asyncio.sleep(0)


# -- the main scenario ------------------------------------------------------------------------


async def test_thirty_of_one_hundred_eighty_brimob_fill_replace_escalate_arrive_close(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, [brimob(n) for n in range(180)])
    fake = bot.fake
    hendra = fake.user(HENDRA.user_id)
    await hendra.send("/mobilize BRIMOB 30 Kantor KPU Kalbar, Pontianak sprin:Sprin/45/II/2024")
    confirm = await fake.wait_for_message(HENDRA.user_id, "Konfirmasi pengerahan")
    assert "kuota 30" in (confirm.text or "")
    assert "siap 180" in (confirm.text or "")
    await hendra.share_location(*SITE)
    await fake.wait_for_message(HENDRA.user_id, "Titik lokasi tugas disimpan")

    # A double tap on Kirim creates one call-out.
    first = await hendra.press("Kirim", message=confirm)
    second = await hendra.press("Kirim", message=confirm)
    for cq in (first, second):
        await fake.wait_for(partial(fake.callback_answer, cq))
    assert len(await store.recent(bot.db)) == 1
    callout_id = (await store.recent(bot.db))[0].id
    await card(bot, HENDRA.user_id, callout_id, "kuota 30")

    # Exactly the quota is invited, the longest ready (never deployed) first.
    first_wave = await until(
        lambda: _when_count(invites(bot, callout_id), 30), what="30 invitations"
    )
    assert len(first_wave) == 30
    assert {i.person_id for i in first_wave} == set(range(5, 35))  # ids after the commanders
    message = await invitation(bot, first_wave[0])
    assert "Kantor KPU Kalbar, Pontianak" in (message.text or "")
    assert "AKBP Hendra Wijaya" in (message.text or "")
    assert "Sprin/45/II/2024" in (message.text or "")
    assert "LATIHAN" not in (message.text or "")

    # Brimob 024 (Kompi 1, commanded by Iptu Yudi) is among the silent.
    accepters = first_wave[:20]
    decliners = [*first_wave[20:24], first_wave[29]]
    silent = first_wave[24:29]
    await answer_all(bot, accepters, "Siap berangkat")
    # A second tap counts once.
    again = await fake.user(accepters[0].chat_id).press_data(f"co:v1:ok:{accepters[0].id}")
    repeated = await fake.wait_for(lambda: fake.callback_answer(again))
    assert "sudah menyatakan siap" in str(repeated.get("text"))
    await answer_all(bot, decliners, "Berhalangan")
    await tap(
        bot,
        fake.user(decliners[0].chat_id),
        "Sakit",
        await shown(bot, decliners[0].chat_id, "Sakit"),
    )
    await fake.wait_for_message(decliners[0].chat_id, "TIDAK SIAP")
    declined = await readiness.get(bot.db, decliners[0].person_id)
    assert declined is not None
    assert declined.state is State.TIDAK_SIAP

    # Five declines, five replacements: exactly the shortfall, never more.
    await until(lambda: _when_count(invites(bot, callout_id), 35), what="5 replacements")
    pending = await invites(bot, callout_id, InviteState.PENDING)
    assert len(pending) == 10
    replacements = [i for i in pending if i not in silent]
    await answer_all(bot, replacements[:4], "Siap berangkat")
    await card(bot, HENDRA.user_id, callout_id, "✅ 24 siap berangkat", "❌ 5 berhalangan")

    # Silence: at the timeout a reminder and a replacement.
    await advance(bot, 5)
    reminded = await until(
        lambda: _when_count(invites(bot, callout_id, InviteState.TIMED_OUT), 6),
        what="6 timed out",
    )
    for invite in reminded:
        await fake.wait_for_message(invite.chat_id, "PENGINGAT")
    await until(
        lambda: _when_count(invites(bot, callout_id, InviteState.PENDING), 6), what="6 new"
    )
    # A reminded person still counts while there is room.
    late_yes = next(i for i in reminded if i.id not in {s.id for s in silent})
    await tap(bot, fake.user(late_yes.chat_id), "Siap berangkat")
    third_wave = await invites(bot, callout_id, InviteState.PENDING)
    await answer_all(bot, third_wave[:3], "Siap berangkat")  # 28 accepted

    # Second timeout: tidak menjawab, reported to the person's own unit commander.
    await advance(bot, 5)
    no_answer = await until(
        lambda: _when_count(invites(bot, callout_id, InviteState.NO_ANSWER), 5), what="no answer"
    )
    kompi1 = []
    for invite in no_answer:
        person = await personnel.by_id(bot.db, invite.person_id)
        assert person is not None
        if person.unit == "Kompi 1":
            kompi1.append((invite, person))
    assert kompi1, "someone of Kompi 1 should be among the silent"
    invite, person = kompi1[0]
    report = await fake.wait_for_message(YUDI.user_id, person.display_name)
    assert "Belum lapor" in (report.text or "")
    assert "belum lapor" in ((await card(bot, HENDRA.user_id, callout_id)).text or "")

    # The unit commander answers for him: counted once, audited, the person told.
    yudi = fake.user(YUDI.user_id)
    await tap(bot, yudi, "Siap berangkat (atas nama)", report)
    await fake.wait_for_message(invite.chat_id, "Komandan Anda")
    proxied = await store.get_invite(bot.db, invite.id)
    assert proxied is not None
    assert proxied.state is InviteState.ACCEPTED
    assert proxied.proxy
    actions = [e.action for e in await audit.entries(bot.db)]
    assert "callout.proxy_answer" in actions

    # One more yes meets the quota: every open invite is stood down, edited in place.
    open_now = await invites(bot, callout_id, InviteState.PENDING, InviteState.TIMED_OUT)
    assert open_now
    await tap(bot, fake.user(open_now[0].chat_id), "Siap berangkat")
    await card(bot, HENDRA.user_id, callout_id, "✅ 30 siap berangkat", "kuota terpenuhi")
    stood_down = await until(
        lambda: _when_count(invites(bot, callout_id, InviteState.STOOD_DOWN), len(open_now) - 1),
        what="stand-down",
    )
    sample = stood_down[0]
    await fake.wait_for(
        lambda: any(
            "Kuota sudah terpenuhi" in (m.text or "") for m in fake.sent_to(sample.chat_id)
        ),
        what="the stand-down edit",
    )
    # A late yes is thanked and not counted.
    late_user = fake.user(sample.chat_id)
    late = await late_user.press_data(f"co:v1:ok:{sample.id}")
    answer = await fake.wait_for(lambda: fake.callback_answer(late))
    assert "terpenuhi" in str(answer.get("text"))
    assert len(await invites(bot, callout_id, InviteState.ACCEPTED)) == 30
    deployed = await readiness.get(bot.db, accepters[1].person_id)
    assert deployed is not None
    assert deployed.state is State.BERTUGAS

    # Arrivals: inside the radius verified, far away refused, a forward refused.
    a, b, c = accepters[1], accepters[2], accepters[3]
    await fake.wait_for_message(a.chat_id, "Tiba di lokasi")
    await fake.user(a.chat_id).share_location(*NEAR)
    await fake.wait_for_message(a.chat_id, "terverifikasi")
    await fake.user(b.chat_id).share_location(*FAR)
    await fake.wait_for_message(b.chat_id, "Kirim lagi setelah tiba")
    await fake.user(c.chat_id).share_location(*NEAR, forwarded=True)
    await fake.wait_for_message(c.chat_id, "bukan lokasi terusan")
    await fake.user(c.chat_id).tap_keyboard("📍 Tiba di lokasi")
    await card(bot, HENDRA.user_id, callout_id, "📍 2 tiba")

    # Selesai: the deployed are thanked and back to SIAP.
    live = await card(bot, HENDRA.user_id, callout_id)
    await tap(bot, hendra, "Selesai", live)
    await tap(bot, hendra, "Ya, selesaikan", await shown(bot, HENDRA.user_id, "Ya, selesaikan"))
    await card(bot, HENDRA.user_id, callout_id, "SELESAI")
    await fake.wait_for_message(a.chat_id, "selesai. Terima kasih")
    released = await readiness.get(bot.db, a.person_id)
    assert released is not None
    assert released.state is State.SIAP
    assert released.last_deployed_at is not None
    closed = await store.get(bot.db, callout_id)
    assert closed is not None
    assert closed.status.value == "completed"
    # The record stays complete for reports.
    assert len(await invites(bot, callout_id, InviteState.ACCEPTED)) == 30
    assert not fake.unanswered_callback_queries()


async def _when_count(query: Awaitable[list[store.Invite]], n: int) -> list[store.Invite] | None:
    found = await query
    return found if len(found) >= n else None


# -- smaller scenarios --------------------------------------------------------------------------


def small_roster() -> list[Member]:
    return [
        *(brimob(n) for n in range(12)),
        *(samapta(n) for n in range(6)),
        *(poh(n) for n in range(10)),
    ]


async def test_multi_category_order(harness: BotHarness) -> None:
    bot = await prepare(harness, small_roster())
    admin = bot.fake.user(ADMIN_ID)
    await admin.send("/mobilize BRIMOB 3 SAMAPTA 2 Kantor Gubernur Kalbar")
    confirm = await bot.fake.wait_for_message(ADMIN_ID, "Konfirmasi pengerahan")
    assert "BRIMOB — kuota 3" in (confirm.text or "")
    assert "SAMAPTA — kuota 2" in (confirm.text or "")
    await tap(bot, admin, "Kirim", confirm)
    callout_id = (await store.recent(bot.db))[0].id
    sent = await until(lambda: _when_count(invites(bot, callout_id), 5), what="5 invitations")
    lines = {line.id: line.category for line in await store.lines(bot.db, callout_id)}
    assert sorted(lines[i.line_id] for i in sent) == ["BRIMOB"] * 3 + ["SAMAPTA"] * 2
    samapta_invite = next(i for i in sent if lines[i.line_id] == "SAMAPTA")
    message = await invitation(bot, samapta_invite)
    assert "SAMAPTA" in (message.text or "")
    await tap(bot, bot.fake.user(samapta_invite.chat_id), "Siap berangkat", message)
    await card(
        bot, ADMIN_ID, callout_id, "BRIMOB, SAMAPTA", "SAMAPTA · kuota 2\n✅ 1 siap berangkat"
    )


async def test_short_line_widens_to_its_reserve_or_accepts_the_shortfall(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    admin = fake.user(ADMIN_ID)
    await admin.send("/mobilize SAMAPTA 8 Mako Polda")
    confirm = await fake.wait_for_message(ADMIN_ID, "Konfirmasi pengerahan")
    assert "dapat diperluas ke POH" in (confirm.text or "")
    await tap(bot, admin, "Kirim", confirm)
    callout_id = (await store.recent(bot.db))[0].id
    notice = await fake.wait_for_message(ADMIN_ID, "kurang 2 personel")
    await tap(bot, admin, "Perluas ke POH", notice)
    await until(lambda: _when_count(invites(bot, callout_id), 8), what="2 from POH")
    lines = await store.lines(bot.db, callout_id)
    assert [(line.category, line.quota) for line in lines] == [("SAMAPTA", 6), ("POH", 2)]
    await card(bot, ADMIN_ID, callout_id, "cadangan untuk SAMAPTA", "2 dialihkan ke POH")
    await fake.wait_for(
        lambda: any("dialihkan ke POH" in (m.text or "") for m in fake.sent_to(ADMIN_ID)),
        what="the notice edited",
    )

    # BRIMOB's commander may not widen to POH (outside his scope); he accepts the shortfall.
    hendra = fake.user(HENDRA.user_id)
    second = await order(bot, HENDRA, "/mobilize BRIMOB 15 Mako Brimob")
    notice = await fake.wait_for_message(HENDRA.user_id, "kurang 3 personel")
    assert "tidak berwenang menggerakkan POH" in await tap(bot, hendra, "Perluas ke POH", notice)
    await tap(bot, hendra, "Setujui kekurangan", notice)
    await card(bot, HENDRA.user_id, second, "kekurangan 3 disetujui")
    assert len(await invites(bot, second)) == 12


async def test_cancel_tells_everyone_and_releases_the_deployed(harness: BotHarness) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    hendra = fake.user(HENDRA.user_id)
    callout_id = await order(bot, HENDRA, "/mobilize BRIMOB 3 Kantor KPU")
    sent = await until(lambda: _when_count(invites(bot, callout_id), 3), what="3 invitations")
    going, waiting = sent[0], sent[1]
    await tap(bot, fake.user(going.chat_id), "Siap berangkat", await invitation(bot, going))
    live = await card(bot, HENDRA.user_id, callout_id, "✅ 1 siap berangkat")
    await tap(bot, hendra, "Batalkan", live)
    await tap(bot, hendra, "Ya, batalkan", await shown(bot, HENDRA.user_id, "Ya, batalkan"))
    await card(bot, HENDRA.user_id, callout_id, "DIBATALKAN")
    await fake.wait_for_message(going.chat_id, "DIBATALKAN")
    await fake.wait_for(
        lambda: any("DIBATALKAN" in (m.text or "") for m in fake.sent_to(waiting.chat_id)),
        what="the pending invitation edited",
    )
    state = await readiness.get(bot.db, going.person_id)
    assert state is not None
    assert state.state is State.SIAP
    # A tap after the end changes nothing and says why.
    late = await fake.user(waiting.chat_id).press_data(f"co:v1:ok:{waiting.id}")
    answer = await fake.wait_for(lambda: fake.callback_answer(late))
    assert "sudah ditutup" in str(answer.get("text"))
    assert len(await invites(bot, callout_id, InviteState.ACCEPTED)) == 1
    assert len(await invites(bot, callout_id, InviteState.CANCELLED)) == 2
    # The card's buttons are gone; a stale one is refused.
    stale = await hendra.press_data(f"co:v1:rem:{callout_id}")
    refused = await fake.wait_for(lambda: fake.callback_answer(stale))
    assert "sudah ditutup" in str(refused.get("text"))
    # Fair order: whoever went last time is invited after everyone who has not been out.
    again = await order(bot, HENDRA, "/mobilize BRIMOB 11 Kantor KPU")
    fresh = await until(lambda: _when_count(invites(bot, again), 11), what="11 invitations")
    assert going.person_id not in {i.person_id for i in fresh}
    assert {waiting.person_id, sent[2].person_id} <= {i.person_id for i in fresh}


async def test_two_commanders_at_once_never_share_a_person(harness: BotHarness) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    hendra, rahmat = fake.user(HENDRA.user_id), fake.user(RAHMAT.user_id)
    await hendra.send("/mobilize BRIMOB 8 Kantor KPU")
    await rahmat.send("/mobilize BRIMOB 8 Kantor Bawaslu")
    first = await fake.wait_for_message(HENDRA.user_id, "Konfirmasi pengerahan")
    second = await fake.wait_for_message(RAHMAT.user_id, "Konfirmasi pengerahan")
    taps = [
        await hendra.press("Kirim", message=first),
        await rahmat.press("Kirim", message=second),
    ]
    for cq in taps:
        await fake.wait_for(partial(fake.callback_answer, cq))
    made = await store.recent(bot.db)
    assert len(made) == 2
    a = await until(lambda: _when_count(invites(bot, made[0].id), 1), what="invites")
    b = await until(lambda: _when_count(invites(bot, made[1].id), 1), what="invites")
    await asyncio.sleep(0.1)
    a, b = await invites(bot, made[0].id), await invites(bot, made[1].id)
    assert not {i.person_id for i in a} & {i.person_id for i in b}
    assert len(a) + len(b) == 12
    assert sorted([len(a), len(b)]) == [4, 8]


async def test_restart_keeps_timers_and_answers(harness: BotHarness) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    callout_id = await order(bot, HENDRA, "/mobilize BRIMOB 4 Kantor KPU")
    sent = await until(lambda: _when_count(invites(bot, callout_id), 4), what="4 invitations")
    for invite in sent[:2]:
        await tap(bot, fake.user(invite.chat_id), "Siap berangkat", await invitation(bot, invite))
    await bot.restart()
    await advance(bot, 5)
    for invite in sent[2:]:
        await fake.wait_for_message(invite.chat_id, "PENGINGAT")
    await until(
        lambda: _when_count(invites(bot, callout_id, InviteState.PENDING), 2), what="2 new"
    )
    assert len(await invites(bot, callout_id, InviteState.ACCEPTED)) == 2
    # An answer after the restart, to the reminder, still counts.
    await tap(bot, fake.user(sent[2].chat_id), "Siap berangkat")
    await card(bot, HENDRA.user_id, callout_id, "✅ 3 siap berangkat")
    await bot.restart()
    await advance(bot, 5)
    await until(
        lambda: _when_count(invites(bot, callout_id, InviteState.NO_ANSWER), 1), what="no answer"
    )


async def test_drill_is_marked_everywhere_and_kept_out_of_statistics(harness: BotHarness) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    hendra = fake.user(HENDRA.user_id)
    await hendra.send("/gerakkan BRIMOB 2 latihan Lapangan Tembak Brimob")
    confirm = await fake.wait_for_message(HENDRA.user_id, "Konfirmasi pengerahan")
    assert "LATIHAN" in (confirm.text or "")
    await tap(bot, hendra, "Kirim", confirm)
    drill = (await store.recent(bot.db))[0]
    assert drill.drill
    sent = await until(lambda: _when_count(invites(bot, drill.id), 2), what="2 invitations")
    message = await invitation(bot, sent[0])
    assert "LATIHAN" in (message.text or "")
    await tap(bot, fake.user(sent[0].chat_id), "Siap berangkat", message)
    await card(bot, HENDRA.user_id, drill.id, "LATIHAN", "✅ 1 siap berangkat")
    real = await order(bot, HENDRA, "/mobilize BRIMOB 1 Kantor KPU")
    await hendra.send("/pengerahan")
    listing = await fake.wait_for_message(HENDRA.user_id, "Pengerahan aktif")
    assert f"#{drill.id}" in (listing.text or "")
    assert "LATIHAN" in (listing.text or "")
    assert f"#{real}" in (listing.text or "")
    stats = await store.stats(bot.db)
    assert stats.callouts == 1
    assert stats.accepted == 0
    assert (await store.stats(bot.db, include_drills=True)).accepted == 1
    assert await store.deployed_on_drills(bot.db) == {sent[0].person_id}


async def test_guided_order_with_buttons(harness: BotHarness) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    hendra = fake.user(HENDRA.user_id)
    await hendra.send("/mobilize")
    picker = await fake.wait_for_message(HENDRA.user_id, "pilih kategori")
    # Only what he commands is offered.
    assert any(label.startswith("BRIMOB") for label in picker.button_texts)
    assert not any(label.startswith("POH") for label in picker.button_texts)
    await tap(bot, hendra, "BRIMOB", picker)
    await fake.wait_for_message(HENDRA.user_id, "Berapa personel")
    await tap(bot, hendra, "5")
    await fake.wait_for_message(HENDRA.user_id, "Ketik lokasi tujuan")
    await hendra.send("x" * 201)
    await fake.wait_for_message(HENDRA.user_id, "terlalu panjang")
    await hendra.send("Kantor KPU Kalbar")
    confirm = await fake.wait_for_message(HENDRA.user_id, "Konfirmasi pengerahan")
    assert "kuota 5" in (confirm.text or "")
    await tap(bot, hendra, "Kirim", confirm)
    callout_id = (await store.recent(bot.db))[0].id
    await until(lambda: _when_count(invites(bot, callout_id), 5), what="5 invitations")

    group = fake.group(-100777, "Posko Polda")
    await hendra.send("/mobilize", chat=group)
    await fake.wait_for_message(group.id, "tulis perintah lengkap")


async def test_the_guided_order_takes_task_assembly_and_whom_to_report_to(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    hendra = fake.user(HENDRA.user_id)
    await hendra.send("/mobilize")
    await tap(bot, hendra, "BRIMOB", await fake.wait_for_message(HENDRA.user_id, "kategori"))
    await fake.wait_for_message(HENDRA.user_id, "Berapa personel")
    await tap(bot, hendra, "5")
    await fake.wait_for_message(HENDRA.user_id, "Ketik lokasi tujuan")
    await hendra.send("Kantor KPU Kalbar")
    card = await fake.wait_for_message(HENDRA.user_id, "Konfirmasi pengerahan")
    # Each field is optional: its own button on the card, its value typed.
    answers = (
        ("+ Tugas/BKO", "Ketik tugas atau BKO", "BKO Polres Sanggau", "Tugas: BKO Polres"),
        ("+ Titik kumpul", "Ketik tempat berkumpul", "Mako Brimob", "Kumpul di: Mako Brimob"),
        ("+ Lapor ke", "Ketik kepada siapa melapor", "Iptu Dedi 0812-3456-7890", "Lapor ke: "),
    )

    def card_showing(shown: str) -> Callable[[SentMessage], bool]:
        return lambda m: bool(m.button_texts) and shown in (m.text or "")

    for button, question, value, shown in answers:
        await tap(bot, hendra, button, card)
        await fake.wait_for_message(HENDRA.user_id, question)
        if button == "+ Lapor ke":
            await hendra.send("x" * 101)
            await fake.wait_for_message(HENDRA.user_id, "terlalu panjang")
        await hendra.send(value)
        card = await fake.wait_for_message(HENDRA.user_id, card_showing(shown))
    await tap(bot, hendra, "Kirim", card)
    callout_id = (await store.recent(bot.db))[0].id
    first, *_ = await until(lambda: _when_count(invites(bot, callout_id), 5), what="invites")
    text = (await invitation(bot, first)).text or ""
    for part in (
        "Tugas: BKO Polres Sanggau",
        "Kumpul di: Mako Brimob",
        "Lapor ke: Iptu Dedi 0812-3456-7890",
    ):
        assert part in text, part

    # In a group nothing can be typed to the bot: the card there offers no field buttons.
    group = fake.group(-100778, "Posko Polda")
    await hendra.send("/mobilize BRIMOB 2 Kantor KPU Kalbar", chat=group)
    card = await fake.wait_for_message(group.id, "Konfirmasi pengerahan")
    assert "Kirim" in " ".join(card.button_texts)
    assert not any(label.startswith("+") for label in card.button_texts)


async def test_order_in_a_command_group_keeps_names_private(harness: BotHarness) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    group = fake.group(-100778, "Posko Polda")
    target = fake.user(10000)  # the first BRIMOB member: the first to be invited
    fake.faults.fail_chat(target.id, status=403)
    callout_id = await order(bot, HENDRA, "/mobilize BRIMOB 2 Kantor KPU", chat=group)
    # The blocked person is replaced; the card in the group counts them, names stay private.
    await until(lambda: _when_count(invites(bot, callout_id), 3), what="a replacement")
    await card(bot, group.id, callout_id, "🚫 1 tidak dapat dihubungi")
    notice = await fake.wait_for_message(HENDRA.user_id, "Tidak dapat dihubungi")
    assert "Brimob 000" in (notice.text or "")
    assert not any("Brimob 000" in (m.text or "") for m in fake.sent_to(group.id))


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/mobilize BRIMOP 30 Kantor KPU",
            'Kategori "BRIMOP" tidak dikenal. Kategori yang ada: POH',
        ),
        ("/mobilize BRIMOB abc Kantor KPU", "harus bilangan bulat positif"),
        ("/mobilize BRIMOB 2,5 Kantor KPU", "harus bilangan bulat positif"),
        ("/mobilize BRIMOB 0 Kantor KPU", "harus lebih dari 0"),
        ("/mobilize BRIMOB 30", "Lokasi tujuan belum disebut"),
        ("/mobilize BRIMOB 30 " + "x" * 201, "terlalu panjang"),
        ("/mobilize BRIMOB 30 batas:0 Kantor", "Batas waktu"),
        ("/mobilize BRIMOB 500 Kantor KPU", "dibatasi ke yang siap: 12"),
    ],
)
async def test_bad_orders_get_a_clear_answer(
    harness: BotHarness, text: str, expected: str
) -> None:
    bot = await prepare(harness, small_roster())
    await bot.fake.user(HENDRA.user_id).send(text)
    answer = await bot.fake.wait_for_message(HENDRA.user_id, expected)
    if "Kategori" in expected:
        assert "Contoh: /mobilize BRIMOB 30 Kantor KPU Kalbar" in (answer.text or "")
    assert await store.recent(bot.db) == []


async def test_who_may_order_and_who_may_answer(harness: BotHarness) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    member = fake.user(10011)
    await member.send("/mobilize BRIMOB 3 Kantor KPU")
    await fake.wait_for_message(member.id, "hanya untuk komandan")
    agus = fake.user(AGUS.user_id)
    await agus.send("/mobilize BRIMOB 3 Kantor KPU")
    await fake.wait_for_message(AGUS.user_id, "tidak berwenang menggerakkan BRIMOB")

    callout_id = await order(bot, HENDRA, "/mobilize BRIMOB 2 Kantor KPU")
    sent = await until(lambda: _when_count(invites(bot, callout_id), 2), what="invitations")
    # Someone else's invite, forged: refused, nothing counted.
    forged = await fake.user(sent[1].chat_id).press_data(
        f"co:v1:ok:{sent[0].id}", message=await invitation(bot, sent[1])
    )
    answer = await fake.wait_for(lambda: fake.callback_answer(forged))
    assert "bukan untuk Anda" in str(answer.get("text"))
    assert await invites(bot, callout_id, InviteState.ACCEPTED) == []
    # The card is only for who ordered (or commands the category).
    cq = await agus.press_data(f"co:v1:stop:{callout_id}")
    refused = await fake.wait_for(lambda: fake.callback_answer(cq))
    assert "Hanya komandan" in str(refused.get("text"))
    # A confirm card is the ordering commander's own.
    await fake.user(RAHMAT.user_id).send("/mobilize BRIMOB 1 Kantor KPU")
    other = await fake.wait_for_message(RAHMAT.user_id, "Konfirmasi pengerahan")
    data = other.button("Kirim")
    assert data is not None
    stolen = await fake.user(HENDRA.user_id).press_data(str(data["callback_data"]), message=other)
    refused = await fake.wait_for(lambda: fake.callback_answer(stolen))
    assert "komandan lain" in str(refused.get("text"))


async def test_a_deactivated_or_blocking_person_is_replaced_and_reported(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    callout_id = await order(bot, HENDRA, "/mobilize BRIMOB 2 Kantor KPU")
    sent = await until(lambda: _when_count(invites(bot, callout_id), 2), what="invitations")
    gone, blocker = sent
    async with bot.db.transaction() as tx:
        await tx.execute("UPDATE personnel SET active = 0 WHERE id = ?", (gone.person_id,))
    await fake.user(blocker.chat_id).block()
    await advance(bot, 5)
    await fake.wait_for_message(HENDRA.user_id, "sudah nonaktif")
    await until(
        lambda: _when_count(invites(bot, callout_id, InviteState.UNREACHABLE), 2),
        what="both unreachable",
    )
    await until(
        lambda: _when_count(invites(bot, callout_id, InviteState.PENDING), 2), what="2 new"
    )
    await card(bot, HENDRA.user_id, callout_id, "🚫 2 tidak dapat dihubungi")
    await fake.wait_for_message(HENDRA.user_id, "Tidak dapat dihubungi")


async def test_remind_show_and_a_unit_commanders_reach(harness: BotHarness) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    # Iptu Yudi commands the unit Kompi 1: he orders BRIMOB of Kompi 1 only.
    yudi = fake.user(YUDI.user_id)
    await yudi.send("/mobilize BRIMOB 2 Pos Kompi 1")
    confirm = await fake.wait_for_message(YUDI.user_id, "Konfirmasi pengerahan")
    assert "hanya personel satuan Anda: Kompi 1" in (confirm.text or "")
    await tap(bot, yudi, "Kirim", confirm)
    callout_id = (await store.recent(bot.db))[0].id
    sent = await until(lambda: _when_count(invites(bot, callout_id), 2), what="invitations")
    for invite in sent:
        person = await personnel.by_id(bot.db, invite.person_id)
        assert person is not None
        assert person.unit == "Kompi 1"

    # Ingatkan: a reminder now to everyone who has not answered, not twice in a minute.
    await tap(bot, fake.user(sent[0].chat_id), "Berhalangan", await invitation(bot, sent[0]))
    reasons = await shown(bot, sent[0].chat_id, "Lainnya")
    # The one reason list of roll calls, readiness and call-outs.
    assert reasons.button_texts == [
        "Sakit",
        "Izin",
        "Cuti",
        "Dik",
        "Dinas luar",
        "BKO",
        "Lainnya…",
    ]
    await tap(bot, fake.user(sent[0].chat_id), "Lainnya", reasons)
    # Too long is refused, not cut: the person says it shorter.
    await fake.user(sent[0].chat_id).send("x" * 201)
    await fake.wait_for_message(sent[0].chat_id, "terlalu panjang (201 karakter")
    await fake.user(sent[0].chat_id).send("Menjaga orang tua di rumah sakit")
    await fake.wait_for_message(sent[0].chat_id, "Menjaga orang tua")
    declined = await store.get_invite(bot.db, sent[0].id)
    assert declined is not None
    assert declined.decline_text == "Menjaga orang tua di rumah sakit"
    live = await card(bot, YUDI.user_id, callout_id, "❌ 1 berhalangan")
    assert "dikirim ke 1 personel" in await tap(bot, yudi, "Ingatkan", live)
    await fake.wait_for_message(sent[1].chat_id, "PENGINGAT")
    assert "Pengingat baru saja dikirim" in await tap(bot, yudi, "Ingatkan", live)

    # /pengerahan ID: the card, and in a private chat the names.
    await tap(bot, fake.user(sent[1].chat_id), "Siap berangkat")
    await yudi.send(f"/pengerahan {callout_id}")
    detail = await fake.wait_for_message(YUDI.user_id, "Siap berangkat\n")
    going = await personnel.by_id(bot.db, sent[1].person_id)
    assert going is not None
    assert going.display_name in (detail.text or "")
    assert "Berhalangan" in (detail.text or "")
    assert "⏰ Ingatkan" in detail.button_texts
    # No site pin: an arrival is taken as reported.
    await fake.user(sent[1].chat_id).share_location(*FAR)
    await fake.wait_for_message(sent[1].chat_id, "Kedatangan tercatat")
    await card(bot, YUDI.user_id, callout_id, "📍 1 tiba")
    await yudi.send("/pengerahan 999")
    await fake.wait_for_message(YUDI.user_id, "tidak ditemukan")
    # Another unit's commander does not see it.
    await fake.user(AGUS.user_id).send(f"/pengerahan {callout_id}")
    await fake.wait_for_message(AGUS.user_id, "di luar wewenang Anda")


async def test_reporting_not_ready_while_invited_declines_and_invites_the_next(
    harness: BotHarness,
) -> None:
    bot = await prepare(harness, small_roster())
    fake = bot.fake
    callout_id = await order(bot, HENDRA, "/mobilize BRIMOB 1 Kantor KPU")
    (invited,) = await until(lambda: _when_count(invites(bot, callout_id), 1), what="invite")
    message = await invitation(bot, invited)
    person = fake.user(invited.chat_id)
    await person.send("/tidaksiap")
    await fake.wait_for_message(invited.chat_id, "Pilih alasan")
    await person.press("Sakit")
    await until(
        lambda: _when_count(invites(bot, callout_id, InviteState.DECLINED), 1), what="declined"
    )
    (replacement,) = await until(
        lambda: _when_count(invites(bot, callout_id, InviteState.PENDING), 1), what="the next"
    )
    assert replacement.person_id != invited.person_id
    await fake.wait_for(
        lambda: "TIDAK SIAP" in (fake.message(invited.chat_id, message.message_id).text or ""),
        what="the invitation edited",
    )


async def test_invitations_still_owed_go_before_the_confirmations_of_those_who_accepted(
    harness: BotHarness,
) -> None:
    # 40 a second: the invitations take a second, long enough to accept in the middle.
    bot = await prepare(harness, [brimob(n) for n in range(1, 41)], rate_overall_per_s=40)
    fake = bot.fake
    callout_id = await order(bot, HENDRA, "/mobilize BRIMOB 40 Mako Brimob")
    first = (await invites(bot, callout_id))[0]
    invited_with = await invitation(bot, first)
    assert await tap(bot, fake.user(first.chat_id), "Siap berangkat", invited_with)
    arrival = await fake.wait_for_message(first.chat_id, "saat Anda sampai")
    accepted = await fake.wait_for_message(first.chat_id, "Siap berangkat — PENGERAHAN")

    invited = {i.chat_id for i in await invites(bot, callout_id)}
    invitation_times = [
        c.time
        for c in fake.calls("sendMessage")
        if c.params.get("chat_id") in invited
        and "Siap berangkat" in str(c.params.get("reply_markup"))
    ]
    assert len(invitation_times) == 40
    confirmations = [
        c.time
        for c in fake.calls("sendMessage") + fake.calls("editMessageText")
        if c.params.get("chat_id") == first.chat_id
        and "Siap berangkat" not in str(c.params.get("reply_markup"))
    ]
    assert len(confirmations) == 2
    assert min(confirmations) > max(invitation_times)
    # The invitation itself now says so, and its buttons are gone.
    assert accepted.message_id == invited_with.message_id
    assert not accepted.button("Siap berangkat")
    assert arrival.message_id > accepted.message_id


async def test_an_invitation_answered_before_its_send_is_recorded_is_still_edited(
    harness: BotHarness,
) -> None:
    """The person reads and taps the invitation while the bot still waits for Telegram's answer
    to sending it (its row still says pending): the invitation is edited all the same, not
    withdrawn as if it had never left."""
    bot = await prepare(harness, [brimob(1)])
    fake = bot.fake
    fake.faults.method_answer_latency_ms["sendMessage"] = 800
    callout_id = await order(bot, HENDRA, "/mobilize BRIMOB 1 Mako Brimob")
    invite = (await invites(bot, callout_id))[0]
    invited_with = await invitation(bot, invite)
    assert await tap(bot, fake.user(invite.chat_id), "Siap berangkat", invited_with)
    accepted = await fake.wait_for_message(invite.chat_id, "Siap berangkat — PENGERAHAN")
    assert accepted.message_id == invited_with.message_id
    assert not accepted.button("Siap berangkat")
    fake.faults.reset()


async def test_a_typed_order_replayed_after_a_crash_shows_one_confirm_card(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies after /mobilize's transaction commits and before the update is marked
    done: the restart replays what is left in the inbox, and the commander must not get a
    second confirm card (nor a second draft)."""
    bot = await prepare(harness, [brimob(n) for n in range(5)])
    monkeypatch.setattr(InboxUpdateProcessor, "finished", lambda self, update_ids: None)
    await bot.fake.user(HENDRA.user_id).send("/mobilize BRIMOB 2 Kantor KPU Kalbar")
    await bot.fake.wait_for_message(HENDRA.user_id, "Konfirmasi pengerahan")
    await bot.restart()
    await bot.fake.wait_idle(quiet=0.3)
    cards = [
        m for m in bot.fake.sent_to(HENDRA.user_id) if "Konfirmasi pengerahan" in (m.text or "")
    ]
    assert len(cards) == 1
    assert await inbox.count(bot.db) == 0


async def test_the_invitation_carries_what_a_member_needs_to_act(harness: BotHarness) -> None:
    bot = await prepare(harness, small_roster())
    # The orderer's post comes from the roster's jabatan column.
    async with bot.db.transaction() as tx:
        await tx.execute(
            "UPDATE personnel SET position = 'Dansat Brimob' WHERE nrp = ?", (HENDRA.nrp,)
        )
    callout_id = await order(
        bot,
        HENDRA,
        "/mobilize BRIMOB 2 Kantor KPU Kalbar sprin:Sprin/45/II/2024\ntugas: BKO Polres"
        " Sanggau\nkumpul: Mako Brimob; lapor: Iptu Dedi 0812-3456-7890",
    )
    first, *_ = await until(lambda: _when_count(invites(bot, callout_id), 2), what="invites")
    text = (await invitation(bot, first)).text or ""
    for part in (
        "Dibutuhkan 2 personel",
        "Lokasi: Kantor KPU Kalbar",
        "Tugas: BKO Polres Sanggau",
        "Kumpul di: Mako Brimob",
        "Lapor ke: Iptu Dedi 0812-3456-7890",
        "Atas perintah: AKBP Hendra Wijaya (Dansat Brimob)",
        "Sprin: Sprin/45/II/2024",
    ):
        assert part in text, part
    # The reminder says by when, and what happens without an answer.
    bot.clock.advance(minutes=5)
    reminder = await bot.fake.wait_for_message(first.chat_id, "PENGINGAT")
    assert re.search(
        r"Mohon jawab sebelum \d\d\.\d\d WIB; bila tidak, Anda diganti", reminder.text or ""
    )
    assert "Tugas: BKO Polres Sanggau" in (reminder.text or "")
