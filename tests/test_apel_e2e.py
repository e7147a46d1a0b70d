"""Apel end to end: the real bot on the fake Bot API, time moved by the injected clock."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.readiness import State
from bot.rehearsal.fake_telegram.models import SentMessage
from storage import apel as store
from storage import personnel, readiness
from tests.delivery_support import eventually
from tests.harness import (
    COMMANDER_ID,
    FAST_DELIVERY,
    KOMANDAN,
    BotHarness,
    Member,
    brimob,
    person_of,
    poh,
)

ADMIN_ID = 900001
FAST = {
    **FAST_DELIVERY,
    "rate_group_per_min": 6000,
    "group_burst": 100,
    "admin_ids": [ADMIN_ID],
    "apel_reminder_minutes": [10, 2],
}
# Pontianak: the assembly point at Mapolda Kalbar.
POINT = (-0.0263, 109.3425)


async def seed_and_link(harness: BotHarness, members: Sequence[Member]) -> None:
    """Roster in, then accounts linked directly: registration has its own tests."""
    await harness.seed_linked(members)
    async with harness.offline() as tx:
        for member in members:
            if member.role == "komandan":
                person = await person_of(tx, member)
                await personnel.set_role(tx, person.id, "komandan", harness.clock.now())
                await personnel.add_scope(tx, person.id, "category", member.category)


async def start(harness: BotHarness, members: Sequence[Member], **overrides: Any) -> None:
    await seed_and_link(harness, members)
    await harness.start(**{**FAST, **overrides})


async def answered(harness: BotHarness, cq: str) -> dict[str, Any]:
    answer: dict[str, Any] = await harness.fake.wait_for(
        lambda: harness.fake.callback_answer(cq), what=f"an answer to callback {cq}"
    )
    return answer


async def prompt_of(harness: BotHarness, user_id: int, text: str = "APEL #") -> SentMessage:
    return await harness.fake.wait_for_message(user_id, text)


async def card_shows(harness: BotHarness, chat_id: int, *parts: str) -> SentMessage:
    def found() -> SentMessage | None:
        for message in reversed(harness.fake.sent_to(chat_id)):
            if "dipanggil" in (message.text or "") and all(
                p in (message.text or "") for p in parts
            ):
                return message
        return None

    return await harness.fake.wait_for(found, what=f"the card showing {parts}")


def texts(harness: BotHarness, user_id: int) -> list[str]:
    return [m.text or "" for m in harness.fake.sent_to(user_id)]


async def test_open_answer_tally_remind_close_report(harness: BotHarness) -> None:
    members = [KOMANDAN, *(brimob(i) for i in range(1, 7)), brimob(7, linked=False), poh(1)]
    await start(harness, members)
    fake = harness.fake
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/apel BRIMOB 30 Apel siaga pagi")
    opened = await fake.wait_for_message(COMMANDER_ID, "dibuka")
    assert opened.text is not None
    assert "6 personel dipanggil" in opened.text
    assert "20.30 WIB" in opened.text

    prompts = {i: await prompt_of(harness, 1000 + i) for i in range(1, 7)}
    first = prompts[1]
    assert first.text is not None
    assert "APEL #1 · BRIMOB" in first.text
    assert "Apel siaga pagi" in first.text
    assert "Dibuka oleh AKBP Hendra Wijaya" in first.text
    assert first.button_texts == ["✅ Hadir", "❌ Tidak hadir"]
    # Other categories and the commander are not called.
    assert not any("APEL" in t for t in texts(harness, 1501))
    assert not any("Apakah Anda hadir" in t for t in texts(harness, COMMANDER_ID))
    await card_shows(harness, COMMANDER_ID, "BRIMOB", "dipanggil 6", "belum terdaftar")

    users = {i: fake.user(1000 + i) for i in range(1, 7)}
    cq = await users[1].press("Hadir", message=prompts[1])
    assert "HADIR tercatat" in (await answered(harness, cq))["text"]
    # Person 2 first says sick, then changes their mind to excused.
    await users[2].press("Tidak hadir", message=prompts[2])
    asked = await fake.wait_for_message(1002, "Pilih alasan")
    # The one reason list of roll calls, readiness and call-outs.
    assert asked.button_texts == [
        "Sakit", "Izin", "Cuti", "Dik", "Dinas luar", "BKO", "Lainnya…", "Kembali",
    ]  # fmt: skip
    await users[2].press("Sakit")
    await fake.wait_for_message(1002, "(sakit)")
    await users[2].press("Tidak hadir")
    await fake.wait_for_message(1002, "Pilih alasan")
    cq = await users[2].press("Izin")
    assert "izin" in (await answered(harness, cq))["text"]
    for i, reason in ((3, "Cuti"), (4, "Dinas luar")):
        await users[i].press("Tidak hadir", message=prompts[i])
        await fake.wait_for_message(1000 + i, "Pilih alasan")
        await users[i].press(reason)
    await users[5].press("Tidak hadir", message=prompts[5])
    await fake.wait_for_message(1005, "Pilih alasan")
    await users[5].press("Lainnya")
    await fake.wait_for_message(1005, "Ketik alasan")
    await users[5].send("urusan keluarga")
    await fake.wait_for_message(1005, "Alasan tercatat")
    # A double tap counts once.
    cq = await users[1].press("Hadir", message=prompts[1])
    assert "sudah tercatat" in (await answered(harness, cq))["text"]

    card = await card_shows(
        harness,
        COMMANDER_ID,
        "✅ hadir 1",
        "❌ tidak hadir 4 (izin 1, cuti 1, dinas luar 1, lainnya 1)",
        "⏳ belum lapor 1",
    )
    assert [b for b in card.button_texts] == [
        "Ingatkan yang belum",
        "Perpanjang 10 mnt",
        "Perpanjang 30 mnt",
        "Tutup sekarang",
    ]
    rc = (await store.open_rollcalls(harness.db))[0]
    person5 = await personnel.by_nrp(harness.db, brimob(5).nrp)
    assert person5 is not None
    target = await store.target(harness.db, rc.id, person5.id)
    assert target is not None
    assert target.reason_text == "urusan keluarga"

    # 10 minutes before the deadline: only the one who has not answered is reminded.
    harness.clock.advance(minutes=20)
    reminder = await fake.wait_for_message(1006, "Pengingat")
    assert reminder.text is not None
    assert "10 menit lagi" in reminder.text
    assert reminder.button_texts == ["✅ Hadir", "❌ Tidak hadir"]
    await fake.wait_idle()
    for i in range(1, 6):
        assert not any("Pengingat" in t for t in texts(harness, 1000 + i))

    harness.clock.advance(minutes=10)
    report = await fake.wait_for_message(COMMANDER_ID, "LAPORAN")
    assert report.text is not None
    # The service's apel report: Jumlah / Kurang / Hadir, Keterangan by reason with names,
    # then whom to call.
    assert "BRIMOB\nJumlah 7 · Kurang 6 · Hadir 1\nKeterangan:\n" in report.text
    assert "Izin (1): Bripda Anggota Brimob 2\n" in report.text
    assert "Cuti (1): Bripda Anggota Brimob 3\n" in report.text
    assert "DL (1): Bripda Anggota Brimob 4\n" in report.text
    assert "Lainnya (1): Bripda Anggota Brimob 5 (urusan keluarga)\n" in report.text
    assert "Belum terdaftar di bot (1): Bripda Anggota Brimob 7\n" in report.text
    assert "Belum lapor (1), hubungi lewat telepon atau radio:" in report.text
    assert report.text.endswith("1. Bripda Anggota Brimob 6\nSatbrimob · +6281210000006")
    assert "Anggota Brimob 1" not in report.text
    await card_shows(harness, COMMANDER_ID, "Ditutup")

    # A late tap is answered politely and changes nothing.
    cq = await users[6].press("Hadir", message=prompts[6])
    assert "sudah ditutup" in (await answered(harness, cq))["text"]
    person6 = await personnel.by_nrp(harness.db, brimob(6).nrp)
    assert person6 is not None
    target6 = await store.target(harness.db, rc.id, person6.id)
    assert target6 is not None
    assert target6.answer is None
    # Hadir also confirmed readiness.
    person1 = await personnel.by_nrp(harness.db, brimob(1).nrp)
    assert person1 is not None
    state = await readiness.get(harness.db, person1.id)
    assert state is not None
    assert state.state is State.SIAP


async def test_assembly_point_inside_outside_and_forwarded(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, *(brimob(i) for i in range(1, 5))])
    fake = harness.fake
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/apel")
    await fake.wait_for_message(COMMANDER_ID, "pilih peserta")
    await commander.press("BRIMOB")
    await fake.wait_for_message(COMMANDER_ID, "Pilih batas waktu")
    await commander.press("30 mnt (standar)")
    summary = await fake.wait_for_message(COMMANDER_ID, "Titik kumpul: —")
    assert summary.text is not None
    # Four linked BRIMOB members; the commander opening it is not counted.
    assert "Peserta: BRIMOB (4 personel terdaftar)" in summary.text
    await commander.press("📍 Titik kumpul")
    ask = await fake.wait_for_message(COMMANDER_ID, "Kirim lokasi titik kumpul")
    assert ask.reply_markup is not None
    assert ask.reply_markup["keyboard"][0][0]["request_location"] is True
    await commander.share_location(*POINT)
    await fake.wait_for_message(COMMANDER_ID, "Pilih radius")
    await commander.press("250 m")
    await fake.wait_for_message(COMMANDER_ID, "radius 250 m")
    await commander.press("Judul")
    await fake.wait_for_message(COMMANDER_ID, "Ketik judul")
    await commander.send("Apel kesiapan TPS")
    await fake.wait_for_message(COMMANDER_ID, "Judul: Apel kesiapan TPS")
    await commander.press("✅ Buka apel")
    await fake.wait_for_message(COMMANDER_ID, "dibuka")

    users = {i: fake.user(1000 + i) for i in range(1, 5)}
    for i in range(1, 5):
        prompt = await prompt_of(harness, 1000 + i)
        assert prompt.text is not None
        assert "Titik kumpul, radius 250 m" in prompt.text
        assert "Apel kesiapan TPS" in prompt.text
    for i in (1, 2, 3):
        await users[i].press("Hadir")
        request = await fake.wait_for_message(1000 + i, "Bagikan lokasi saya")
        assert request.reply_markup is not None
        assert request.reply_markup["keyboard"][0][0]["request_location"] is True

    # About 55 m away: inside. About 2.2 km away: outside, with the distance.
    await users[1].share_location(POINT[0] + 0.0005, POINT[1])
    inside = await fake.wait_for_message(1001, "terverifikasi")
    assert inside.text is not None
    assert "56 m" in inside.text or "55 m" in inside.text
    await users[2].share_location(POINT[0] + 0.02, POINT[1])
    outside = await fake.wait_for_message(1002, "di luar radius")
    assert outside.text is not None
    assert "2,2 km" in outside.text
    await users[3].share_location(*POINT, forwarded=True)
    await fake.wait_for_message(1003, "terusan tidak dapat dipakai")

    await card_shows(
        harness,
        COMMANDER_ID,
        "✅ hadir 3\n📍 1 di titik · 1 di luar radius\n📍 1 belum kirim lokasi",
    )
    rc = (await store.open_rollcalls(harness.db))[0]
    assert rc.point is not None
    assert rc.point.radius_m == 250

    # No open roll call asks person 4 for a location: it is refused with an explanation.
    await users[4].share_location(*POINT)
    await fake.wait_for_message(1004, "Bot sedang tidak menunggu lokasi")

    await commander.press("Tutup sekarang")
    report = await fake.wait_for_message(COMMANDER_ID, "LAPORAN")
    assert report.text is not None
    assert "Hadir di luar radius" in report.text
    assert "Anggota Brimob 2\nSatbrimob · 2,2 km" in report.text
    # The forwarded location did not count: person 3 is present without a location.
    _, _, unverified = report.text.partition("Hadir tanpa kiriman lokasi (1)")
    assert "Anggota Brimob 3\nSatbrimob" in unverified


async def test_restart_keeps_the_deadline_and_the_answers(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, *(brimob(i) for i in range(1, 4))])
    fake = harness.fake
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/apel BRIMOB 15")
    await fake.wait_for_message(COMMANDER_ID, "dibuka")
    for i in (1, 2):
        await prompt_of(harness, 1000 + i)
    await prompt_of(harness, 1003)
    cq = await fake.user(1001).press("Hadir")
    await answered(harness, cq)
    await fake.wait_idle()

    await harness.restart()
    cq = await fake.user(1002).press("Hadir")
    await answered(harness, cq)
    harness.clock.advance(minutes=15)
    report = await fake.wait_for_message(COMMANDER_ID, "LAPORAN")
    assert report.text is not None
    assert "Belum lapor (1)" in report.text
    assert "Anggota Brimob 3" in report.text
    assert "Anggota Brimob 1 " not in report.text
    assert "Anggota Brimob 2 " not in report.text


async def test_five_hundred_answer_in_the_same_second(harness: BotHarness) -> None:
    members = [brimob(i) for i in range(1, 501)]
    await start(harness, members, max_in_flight=64)
    fake = harness.fake
    admin = fake.user(ADMIN_ID, first_name="Admin")
    await admin.send("/apel BRIMOB 30")
    await fake.wait_for_message(ADMIN_ID, "500 personel dipanggil", timeout=10)
    await fake.wait_for(
        lambda: all(
            any("APEL #" in (m.text or "") for m in fake.sent_to(1000 + i)) for i in range(1, 501)
        ),
        timeout=20,
        what="all 500 prompts",
    )
    users = [fake.user(1000 + i) for i in range(1, 501)]
    ids = await asyncio.gather(*(u.press("Hadir") for u in users))
    await fake.wait_for(
        lambda: all(fake.callback_answer(cq) is not None for cq in ids),
        timeout=20,
        what="an answer to every callback query",
    )
    assert all("HADIR tercatat" in (fake.callback_answer(cq) or {}).get("text", "") for cq in ids)
    rc = (await store.open_rollcalls(harness.db))[0]

    async def all_present() -> bool:
        # The toast goes out once a tap is safe in the inbox; its write follows at once.
        targets = await store.called_targets(harness.db, rc.id)
        return len(targets) == 500 and all(t.answer == "yes" for t in targets)

    await eventually(all_present, what="every answer written")
    await card_shows(harness, ADMIN_ID, "✅ hadir 500", "⏳ belum lapor 0")


async def called_and_closed_silent(harness: BotHarness, count: int) -> None:
    """The admin calls `count` BRIMOB members to a 10-minute apel, every prompt goes out, and
    it closes with nobody having answered."""
    await start(harness, [brimob(i) for i in range(1, count + 1)])
    fake = harness.fake
    admin = fake.user(ADMIN_ID, first_name="Admin")
    await admin.send("/apel BRIMOB 10")
    await fake.wait_for_message(ADMIN_ID, f"{count} personel dipanggil")
    await fake.wait_for(
        lambda: all(fake.sent_to(1000 + i) for i in range(1, count + 1)),
        timeout=20,
        what="prompts",
    )
    harness.clock.advance(minutes=10)


async def test_a_long_report_comes_as_a_file(harness: BotHarness) -> None:
    await called_and_closed_silent(harness, 300)
    fake = harness.fake
    document = await fake.wait_for(
        lambda: next((m for m in fake.sent_to(ADMIN_ID) if m.document is not None), None),
        timeout=10,
        what="the report file",
    )
    assert document.document is not None
    assert "LAPORAN APEL #1" in (document.text or "")
    rows = list(csv.reader(io.StringIO(document.document.data.decode("utf-8-sig"))))
    assert rows[0][0] == "kategori"
    assert len(rows) == 301
    assert {r[1] for r in rows[1:]} == {"Belum lapor"}


async def test_two_roll_calls_at_once_give_two_prompts(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, brimob(1), brimob(2), poh(1)])
    fake = harness.fake
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    admin = fake.user(ADMIN_ID, first_name="Admin")
    await commander.send("/apel BRIMOB 30")
    await fake.wait_for_message(1001, "APEL #1 · BRIMOB")
    await admin.send("/apel semua 60")
    await fake.wait_for_message(1001, "APEL #2 · SEMUA")
    await fake.wait_for_message(1501, "APEL #2 · SEMUA")
    first = await fake.wait_for_message(1001, "APEL #1")
    cq = await fake.user(1001).press("Hadir", message=first)
    await answered(harness, cq)
    person = await personnel.by_nrp(harness.db, brimob(1).nrp)
    assert person is not None
    one = await store.target(harness.db, 1, person.id)
    two = await store.target(harness.db, 2, person.id)
    assert one is not None
    assert two is not None
    assert one.answer == "yes"
    assert two.answer is None


async def test_commander_buttons_remind_extend_close(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, brimob(1), brimob(2)])
    fake = harness.fake
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/apel BRIMOB 30")
    await prompt_of(harness, 1001)
    await prompt_of(harness, 1002)
    cq = await fake.user(1001).press("Hadir")
    await answered(harness, cq)
    card = await card_shows(harness, COMMANDER_ID, "✅ hadir 1")

    cq = await commander.press("Ingatkan yang belum", message=card)
    assert "1 personel" in (await answered(harness, cq))["text"]
    reminder = await fake.wait_for_message(1002, "Pengingat")
    assert reminder.text is not None
    assert "30 menit lagi" in reminder.text
    cq = await commander.press("Ingatkan yang belum", message=card)
    assert "baru saja" in (await answered(harness, cq))["text"]
    assert not any("Pengingat" in t for t in texts(harness, 1001))

    # An answer from the reminder message counts too.
    cq = await fake.user(1002).press("Tidak hadir", message=reminder)
    await fake.wait_for_message(1002, "Pilih alasan")
    await fake.user(1002).press("Sakit")
    await card_shows(harness, COMMANDER_ID, "❌ tidak hadir 1 (sakit 1)")

    cq = await commander.press("Perpanjang 10 mnt", message=card)
    assert "20.40 WIB" in (await answered(harness, cq))["text"]
    await card_shows(harness, COMMANDER_ID, "Batas jawab 20.40 WIB")
    rc = (await store.open_rollcalls(harness.db))[0]
    assert rc.closes_at == harness.clock.now() + timedelta(minutes=40)

    # Someone else cannot press the commander's buttons.
    cq = await fake.user(1001).press_data(f"ap:v1:cls:{rc.id}", message=card)
    assert "Hanya komandan" in (await answered(harness, cq))["text"]

    cq = await commander.press("Tutup sekarang", message=card)
    assert "Ditutup" in (await answered(harness, cq))["text"]
    report = await fake.wait_for_message(COMMANDER_ID, "LAPORAN")
    assert report.text is not None
    assert "Semua yang dipanggil" in report.text
    cq = await commander.press_data(f"ap:v1:cls:{rc.id}", message=card)
    assert "Sudah ditutup" in (await answered(harness, cq))["text"]
    # Closing twice sends one report.
    await fake.wait_idle()
    assert len([t for t in texts(harness, COMMANDER_ID) if "LAPORAN" in t]) == 1


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/apel BRIMOP 30", 'Kategori atau satuan "BRIMOP" tidak dikenal'),
        ("/apel POH 30", "di luar wewenang Anda"),
        ("/apel BRIMOB 0", "harus lebih dari 0 menit"),
        ("/apel BRIMOB -5", "harus lebih dari 0 menit"),
        ("/apel BRIMOB abc", "bukan jumlah menit"),
        ("/apel BRIMOB 2000", "terlalu lama"),
        ("/apel Polresta Pontianak 30", "di luar wewenang Anda"),
    ],
)
async def test_bad_commands_change_nothing(
    harness: BotHarness, command: str, expected: str
) -> None:
    await start(harness, [KOMANDAN, brimob(1), poh(1)])
    fake = harness.fake
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send(command)
    answer = await fake.wait_for_message(COMMANDER_ID, expected)
    assert answer.text is not None
    assert "/apel" in answer.text or "Wewenang Anda: BRIMOB" in answer.text
    await fake.wait_idle()
    assert await store.open_rollcalls(harness.db) == []
    assert not any("APEL" in t for t in texts(harness, 1501))


async def test_members_strangers_and_forged_buttons(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, brimob(1), brimob(2), poh(1)])
    fake = harness.fake
    member = fake.user(1001)
    await member.send("/apel BRIMOB 30")
    await fake.wait_for_message(1001, "hanya untuk komandan")
    stranger = fake.user(7777)
    await stranger.send("/apel BRIMOB 30")
    await fake.wait_for_message(7777, "belum terdaftar")
    assert await store.open_rollcalls(harness.db) == []

    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/apel BRIMOB 30")
    prompt = await prompt_of(harness, 1001)
    # POH person 1501 was not called: a forged "Hadir" for this roll call is refused.
    outsider = fake.user(1501)
    cq = await outsider.press_data("ap:v1:y:1:p", message=prompt)
    assert "bukan untuk Anda" in (await answered(harness, cq))["text"]
    cq = await outsider.press_data("ap:v1:y:999:p", message=prompt)
    assert "tidak berlaku" in (await answered(harness, cq))["text"]
    cq = await member.press_data("ap:v1:r:1:p:bolos", message=prompt)
    assert "tidak berlaku" in (await answered(harness, cq))["text"]
    rc = (await store.open_rollcalls(harness.db))[0]
    assert all(t.answer is None for t in await store.called_targets(harness.db, rc.id))

    # Deactivated mid roll call: the tap is refused and the person leaves the tally.
    async with harness.db.transaction() as tx:
        await tx.execute("UPDATE personnel SET active = 0 WHERE nrp = ?", (brimob(2).nrp,))
    second = await prompt_of(harness, 1002)
    cq = await fake.user(1002).press("Hadir", message=second)
    assert "belum terdaftar" in (await answered(harness, cq))["text"]
    cq = await member.press("Hadir", message=prompt)
    await answered(harness, cq)
    await card_shows(harness, COMMANDER_ID, "dipanggil 1", "1 dinonaktifkan")


async def test_unreachable_people_are_listed_apart_and_not_reminded(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, brimob(1), brimob(2), brimob(3)])
    fake = harness.fake
    fake.faults.fail_chat(1003)
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/apel BRIMOB 30")
    await prompt_of(harness, 1001)
    await prompt_of(harness, 1002)
    cq = await fake.user(1001).press("Hadir")
    await answered(harness, cq)
    await card_shows(harness, COMMANDER_ID, "⏳ belum lapor 2\n🚫 1 tidak dapat dihubungi")

    cq = await commander.press("Ingatkan yang belum")
    assert "1 personel" in (await answered(harness, cq))["text"]
    await fake.wait_for_message(1002, "Pengingat")
    harness.clock.advance(minutes=30)
    report = await fake.wait_for_message(COMMANDER_ID, "LAPORAN")
    assert report.text is not None
    unreachable, _, silent = report.text.partition("Belum lapor (")
    assert "Anggota Brimob 2" in silent
    assert "Anggota Brimob 3" not in silent
    assert "Tidak dapat dihubungi (1)" in unreachable
    assert "Anggota Brimob 3\nSatbrimob · +6281210000003" in unreachable


async def test_a_report_longer_than_one_message_is_split(harness: BotHarness) -> None:
    await called_and_closed_silent(harness, 120)
    fake = harness.fake
    await fake.wait_for_message(ADMIN_ID, "120. Bripda")
    await fake.wait_idle()
    parts = [m.text or "" for m in fake.sent_to(ADMIN_ID) if m.kind == "text"]
    report = [p for p in parts if "Bripda Anggota Brimob" in p]
    assert len(report) == 2
    assert all(len(p.encode("utf-16-le")) // 2 < 4096 for p in report)
    names = "\n".join(report)
    assert all(f"Anggota Brimob {i}\n" in names for i in range(1, 121))
    assert not any(m.document for m in fake.sent_to(ADMIN_ID))


async def test_opened_in_a_group_the_names_stay_private(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, brimob(1), brimob(2)])
    fake = harness.fake
    group = fake.group(-100900, "Posko Polda")
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/apel BRIMOB 30", chat=group)
    await fake.wait_for_message(-100900, "dibuka")
    card = await card_shows(harness, -100900, "BRIMOB", "dipanggil 2")
    await prompt_of(harness, 1001)
    # Someone else in the group cannot close the commander's roll call.
    cq = await fake.user(1001).press("Tutup sekarang", message=card, chat=group)
    assert "Hanya komandan" in (await answered(harness, cq))["text"]
    cq = await commander.press("Tutup sekarang", message=card, chat=group)
    await answered(harness, cq)
    report = await fake.wait_for_message(COMMANDER_ID, "LAPORAN")
    assert report.text is not None
    assert "+6281210000001" in report.text
    await card_shows(harness, -100900, "Ditutup")
    await fake.wait_idle()
    group_text = "\n".join(m.text or "" for m in fake.sent_to(-100900))
    assert "Anggota Brimob" not in group_text
    assert "+62812" not in group_text


async def test_prompts_speak_each_persons_language(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, brimob(1), brimob(2)])
    fake = harness.fake
    english = fake.user(1002, first_name="Eng")
    await english.send("/bahasa")
    await fake.wait_for_message(1002, "Choose a language")
    await english.press("English")
    await fake.wait_for_message(1002, "Language: English")
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/apel BRIMOB 30")
    assert "Apakah Anda hadir" in ((await prompt_of(harness, 1001)).text or "")
    prompt = await prompt_of(harness, 1002, "ROLL CALL #1")
    assert prompt.button_texts == ["✅ Present", "❌ Absent"]
    await english.press("Absent", message=prompt)
    await fake.wait_for_message(1002, "Why are you absent")
    cq = await english.press("On leave")
    assert "ABSENT recorded: on leave" in (await answered(harness, cq))["text"]


async def test_guided_readiness_check_and_a_cancelled_draft(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, brimob(1)])
    fake = harness.fake
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/apel")
    await fake.wait_for_message(COMMANDER_ID, "pilih peserta")
    await commander.press("Batal")
    await fake.wait_for_message(COMMANDER_ID, "Dibatalkan")
    stale = fake.last_sent_to(COMMANDER_ID)
    cq = await commander.press_data("ap:v1:dgo:1", message=stale)
    assert "tidak berlaku" in (await answered(harness, cq))["text"]
    assert await store.open_rollcalls(harness.db) == []

    await commander.send("/cekkesiapan 15")
    picker = await fake.wait_for_message(COMMANDER_ID, "Cek kesiapan baru")
    assert picker.reply_markup is not None
    assert picker.button_texts[:2] == ["Semua", "BRIMOB"]
    # Another user's tap on the commander's draft is refused.
    cq = await fake.user(1001).press_data(
        picker.reply_markup["inline_keyboard"][0][1]["callback_data"], message=picker
    )
    assert "komandan lain" in (await answered(harness, cq))["text"]
    await commander.press("BRIMOB", message=picker)
    summary = await fake.wait_for_message(COMMANDER_ID, "Batas waktu: 15 menit")
    assert "📍 Titik kumpul" not in summary.button_texts
    await commander.press("Mulai cek kesiapan")
    await fake.wait_for_message(COMMANDER_ID, "CEK KESIAPAN #1 · BRIMOB dibuka")
    await fake.wait_for_message(1001, "Apakah Anda SIAP")


async def test_a_unit_commander_calls_only_their_own_and_unlinked_scopes_are_refused(
    harness: BotHarness,
) -> None:
    unit_commander = Member(
        "76010001",
        "Rudi Hartono",
        "AKP",
        "POH",
        "Polres Sanggau",
        "081200000002",
        "komandan",
        2002,
    )
    sanggau = Member(
        "87060001",
        "Anggota Sanggau",
        "Bripda",
        "BRIMOB",
        "Polres Sanggau",
        "081230000001",
        user_id=1201,
    )
    unlinked = Member(
        "87070001", "Anggota Liong", "Bripda", "LIONG", "Polres Sanggau", "081230000002"
    )
    await seed_and_link(harness, [unit_commander, sanggau, unlinked, brimob(1)])
    # Scoped to a unit, not a category.
    async with harness.offline() as tx:
        person = await person_of(tx, unit_commander)
        await personnel.clear_scopes(tx, person.id)
        await personnel.add_scope(tx, person.id, "unit", "Polres Sanggau")
    await harness.start(**FAST)
    fake = harness.fake
    commander = fake.user(2002, first_name="Rudi")
    await commander.send("/apel BRIMOB 30")
    opened = await fake.wait_for_message(2002, "dibuka")
    assert opened.text is not None
    assert "1 personel dipanggil" in opened.text
    assert "Hanya personel dalam wewenang Anda" in opened.text
    await fake.wait_for_message(1201, "APEL #1 · BRIMOB")
    await fake.wait_idle()
    assert not any("APEL" in t for t in texts(harness, 1001))

    await commander.send("/apel LIONG 30")
    refused = await fake.wait_for_message(2002, "tidak ada yang bisa dipanggil")
    assert refused.text is not None
    assert "LIONG" in refused.text
    assert len(await store.open_rollcalls(harness.db)) == 1


async def test_a_readiness_checks_place_and_time_are_where_to_assemble_not_an_apel(
    harness: BotHarness,
) -> None:
    await start(harness, [KOMANDAN, *(brimob(i) for i in range(1, 3))])
    admin = harness.fake.user(ADMIN_ID, first_name="Admin")
    await admin.send("/cekkesiapan semua 30 Siaga malam\ntempat: Mako Brimob; pukul: 21.00")
    await harness.fake.wait_for_message(ADMIN_ID, "dibuka")
    prompt = await prompt_of(harness, 1001, "CEK KESIAPAN #")
    assert prompt.text is not None
    assert "Kumpul 21.00 WIB\n📍 Mako Brimob" in prompt.text
    assert "Apel" not in prompt.text
    await card_shows(harness, ADMIN_ID, "Kumpul 21.00 WIB")


async def test_place_and_time_of_the_apel_and_the_one_reason_list_in_the_report(
    harness: BotHarness,
) -> None:
    members = [KOMANDAN, *(brimob(i) for i in range(1, 5)), poh(1)]
    await start(harness, members)
    fake = harness.fake
    admin = fake.user(ADMIN_ID, first_name="Admin")
    await admin.send("/apel semua 30 Apel siaga\ntempat: Lapangan Mapolda; pukul: 07.30")
    await fake.wait_for_message(ADMIN_ID, "dibuka")
    prompt = await prompt_of(harness, 1001)
    assert prompt.text is not None
    # The apel's own time and place, apart from the answer deadline.
    assert "Apel 15 Feb 2024 07.30 WIB\n📍 Lapangan Mapolda" in prompt.text
    assert "Batas jawab 20.30 WIB" in prompt.text
    await card_shows(harness, ADMIN_ID, "📍 Lapangan Mapolda")
    await fake.user(1001).press("Hadir", message=prompt)
    for i, reason in ((2, "Dik"), (3, "BKO")):
        await fake.user(1000 + i).press("Tidak hadir", message=await prompt_of(harness, 1000 + i))
        await fake.wait_for_message(1000 + i, "Pilih alasan")
        await fake.user(1000 + i).press(reason)
    await card_shows(harness, ADMIN_ID, "✅ hadir 1", "❌ tidak hadir 2")
    harness.clock.advance(minutes=30)
    report = await fake.wait_for_message(ADMIN_ID, "LAPORAN")
    assert report.text is not None
    assert "Jumlah seluruhnya\nJumlah 6 · Kurang 5 · Hadir 1" in report.text
    assert "BRIMOB\nJumlah 5 · Kurang 4 · Hadir 1\nKeterangan:\n" in report.text
    assert "Dik (1): Bripda Anggota Brimob 2\nBKO (1): Bripda Anggota Brimob 3\n" in report.text
    assert "POH\nJumlah 1 · Kurang 1 · Hadir 0" in report.text

    await admin.send("/apel semua 30; tempat:")
    await fake.wait_for_message(ADMIN_ID, "Keterangan tempat: kosong")
    await admin.send("/apel semua 30; pukul: pagi")
    await fake.wait_for_message(ADMIN_ID, 'Jam "pagi" tidak dikenal')


async def test_the_guided_apel_takes_its_place_and_time(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, brimob(1)])
    fake = harness.fake
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/apel")
    await commander.press("BRIMOB", message=await fake.wait_for_message(COMMANDER_ID, "peserta"))
    await commander.press("30 mnt", message=await fake.wait_for_message(COMMANDER_ID, "waktu"))
    summary = await fake.wait_for_message(COMMANDER_ID, "Tempat: —\nPukul: —")
    await commander.press("Tempat", message=summary)
    await fake.wait_for_message(COMMANDER_ID, "Ketik nama tempat apel")
    await commander.send("Lapangan Mapolda")
    summary = await fake.wait_for_message(COMMANDER_ID, "Tempat: Lapangan Mapolda\nPukul: —")
    await commander.press("Pukul", message=summary)
    await fake.wait_for_message(COMMANDER_ID, "Ketik jam apel")
    await commander.send("pagi")
    await fake.wait_for_message(COMMANDER_ID, 'Jam "pagi" tidak dikenal')
    await commander.send("07.30")
    summary = await fake.wait_for_message(COMMANDER_ID, "Pukul: 15 Feb 2024 07.30 WIB")
    await commander.press("Buka apel", message=summary)
    prompt = await prompt_of(harness, 1001)
    assert prompt.text is not None
    assert "Apel 15 Feb 2024 07.30 WIB\n📍 Lapangan Mapolda" in prompt.text
    assert "Batas jawab 20.30 WIB" in prompt.text
