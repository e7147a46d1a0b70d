"""Call-outs end to end: the real bot on the fake Bot API, time moved by the FakeClock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from bot.domain.callout import InviteState
from bot.domain.readiness import State
from bot.fake_telegram import SentMessage, SimUser
from storage import audit, personnel, readiness
from storage import callouts as store
from storage.db import Database
from tests.harness import BotHarness, Member

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

FAST = {
    "rate_overall_per_s": 1000.0,
    "rate_private_per_s": 100.0,
    "private_burst": 100,
    "rate_group_per_min": 1000.0,
    "edit_interval_s": 0.0,
    "unreachable_notice_delay_s": 0.0,
    "max_in_flight": 64,
}


def brimob(n: int) -> Member:
    return Member(
        f"{80100000 + n}",
        f"Brimob {n:03d}",
        "Bripda",
        "BRIMOB",
        f"Kompi {n % 6 + 1}",
        f"0813{10000000 + n}",
        user_id=10000 + n,
    )


def poh(n: int) -> Member:
    return Member(
        f"{80200000 + n}",
        f"Poh {n:03d}",
        "Briptu",
        "POH",
        "Polresta Pontianak",
        f"0814{10000000 + n}",
        user_id=20000 + n,
    )


def samapta(n: int) -> Member:
    return Member(
        f"{80300000 + n}",
        f"Samapta {n:03d}",
        "Brigpol",
        "SAMAPTA",
        "Ditsamapta",
        f"0815{10000000 + n}",
        user_id=30000 + n,
    )


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
) -> BotHarness:
    """Seed, then link everyone and mark them SIAP directly in the database (the contact
    handshake is tested elsewhere and would take minutes for 200 people)."""
    everyone = [*COMMANDERS, *members]
    await harness.seed(everyone)
    db = await Database.open(harness.db_path)
    now = harness.clock.now()
    try:
        async with db.transaction() as tx:
            for index, member in enumerate(everyone):
                person = await personnel.by_nrp(tx, member.nrp)
                assert person is not None
                await personnel.link(tx, person.id, member.user_id, now)
                # Confirmed a minute apart: the longest ready come first, deterministically.
                confirmed = now - timedelta(minutes=len(everyone) - index)
                if member in not_ready:
                    await readiness.set_not_ready(
                        tx, person.id, confirmed, reason="cuti", source="t"
                    )
                else:
                    await readiness.set_ready(tx, person.id, confirmed, source="test")
            for member, kind, value in scopes:
                person = await personnel.by_nrp(tx, member.nrp)
                assert person is not None
                await personnel.clear_scopes(tx, person.id)
                await personnel.add_scope(tx, person.id, kind, value)
    finally:
        await db.close()
    await harness.start(admin_ids=[ADMIN_ID], **FAST)
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
    await user.send(text, chat=chat)
    card = await bot.fake.wait_for_message(target, "Konfirmasi pengerahan", new_only=False)
    await tap(bot, user, "Kirim", card)
    sent = await bot.fake.wait_for_message(target, "dikirim")
    return int(sent.text.split("#")[1].split()[0])  # type: ignore[union-attr]


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
        await fake.wait_for(lambda cq=cq: fake.callback_answer(cq))
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
    await answer_all(bot, decliners, "Tidak bisa")
    await tap(bot, fake.user(decliners[0].chat_id), "Sakit")
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
    await card(bot, HENDRA.user_id, callout_id, "✅ 24 diterima", "❌ 5 menolak")

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
    assert "Tidak menjawab" in (report.text or "")
    assert "tidak menjawab" in (await card(bot, HENDRA.user_id, callout_id)).text  # type: ignore[operator]

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
    await card(bot, HENDRA.user_id, callout_id, "✅ 30 diterima", "kuota terpenuhi")
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
    await tap(bot, hendra, "Ya, selesaikan")
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
