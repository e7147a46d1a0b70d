"""Readiness end to end: /siap, /tidaksiap, /kesiapan, stale rechecks, /cekkesiapan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.readiness import Readiness, State
from bot.rehearsal.fake_telegram.models import SentMessage
from handlers import groups as groups_handlers
from storage import apel as store
from storage import deadlines, groups, personnel, readiness
from tests.harness import COMMANDER_ID, KOMANDAN, BotHarness, brimob, poh
from tests.test_apel_e2e import ADMIN_ID, answered, card_shows, start, texts

ANDI = 1001
WIB = ZoneInfo("Asia/Pontianak")


async def person_id(harness: BotHarness, nrp: str) -> int:
    person = await personnel.by_nrp(harness.db, nrp)
    assert person is not None
    return person.id


async def state_of(harness: BotHarness, pid: int) -> Readiness:
    state = await readiness.get(harness.db, pid)
    assert state is not None
    return state


async def edited_to(harness: BotHarness, message: SentMessage, text: str, *, what: str) -> None:
    """Wait until Andi's `message` has been edited to show `text`."""
    await harness.fake.wait_for(
        lambda: text in (harness.fake.message(ANDI, message.message_id).text or ""), what=what
    )


async def test_siap_goes_stale_and_one_tap_confirms_again(harness: BotHarness) -> None:
    await start(harness, [brimob(1)], readiness_stale_hours=12)
    fake = harness.fake
    andi = fake.user(ANDI)
    await andi.send("/siap")
    done = await fake.wait_for_message(ANDI, "Anda SIAP")
    assert done.text is not None
    assert "20.00 WIB" in done.text
    assert "15 Feb 2024 08.00 WIB" in done.text
    await andi.send("/kesiapan")
    view = await fake.wait_for_message(ANDI, "Kesiapan Anda")
    assert view.text is not None
    assert "✅ SIAP" in view.text
    assert view.button_texts == ["✅ Siap", "❌ Tidak siap"]

    harness.clock.advance(hours=11, minutes=59)
    await fake.wait_idle()
    assert not any("Konfirmasi kesiapan" in t for t in texts(harness, ANDI))
    harness.clock.advance(minutes=1)
    ask = await fake.wait_for_message(ANDI, "Konfirmasi kesiapan")
    assert ask.text is not None
    assert "14 Feb 2024 20.00 WIB" in ask.text
    assert ask.button_texts == ["✅ Masih siap", "❌ Tidak siap"]
    await andi.send("/kesiapan")
    await fake.wait_for_message(ANDI, "perlu konfirmasi ulang")

    cq = await andi.press("Masih siap", message=ask)
    assert "SIAP tercatat" in (await answered(harness, cq))["text"]
    await edited_to(harness, ask, "✅ SIAP", what="the edit")
    pid = await person_id(harness, brimob(1).nrp)
    row = await deadlines.get(harness.db, readiness.RECHECK_DEADLINE, pid)
    assert row is not None
    assert row.due_at == harness.clock.now() + timedelta(hours=12)


async def test_tidaksiap_with_reason_and_end_time_asks_again_when_it_ends(
    harness: BotHarness,
) -> None:
    await start(harness, [brimob(1)])
    fake = harness.fake
    andi = fake.user(ANDI)
    await andi.send("/tidaksiap")
    await fake.wait_for_message(ANDI, "Pilih alasan")
    await andi.press("Sakit")
    until = await fake.wait_for_message(ANDI, "Sampai kapan")
    assert until.button_texts == ["Hari ini", "Besok", "3 hari", "Belum tahu"]
    cq = await andi.press("Besok", message=until)
    await answered(harness, cq)
    # 20.00 WIB on the 14th: "besok" runs to the end of the 15th.
    await fake.wait_for_message(ANDI, "sampai 16 Feb 2024 00.00 WIB")
    pid = await person_id(harness, brimob(1).nrp)
    state = await state_of(harness, pid)
    assert state.state is State.TIDAK_SIAP
    assert state.reason == "sakit"

    harness.clock.advance(hours=27, minutes=59)
    await fake.wait_idle()
    assert not any("berakhir" in t for t in texts(harness, ANDI))
    harness.clock.advance(minutes=1)
    ask = await fake.wait_for_message(ANDI, "berakhir")
    assert ask.text is not None
    assert "sakit" in ask.text
    cq = await andi.press("Siap", message=ask)
    await answered(harness, cq)
    await edited_to(harness, ask, "✅ SIAP", what="the edit")
    state = await state_of(harness, pid)
    assert state.state is State.SIAP


async def test_tidaksiap_typed_reasons_and_bad_ones(harness: BotHarness) -> None:
    await start(harness, [brimob(1)])
    fake = harness.fake
    andi = fake.user(ANDI)
    pid = await person_id(harness, brimob(1).nrp)
    await andi.send("/tidaksiap malas")
    await fake.wait_for_message(ANDI, 'Alasan "malas" tidak dikenal')
    assert await readiness.get(harness.db, pid) is None

    await andi.send("/tidaksiap dinas luar Jakarta")
    await fake.wait_for_message(ANDI, "dinas luar: Jakarta")
    await andi.press("Belum tahu")
    await fake.wait_for_message(ANDI, "tanpa batas waktu")
    state = await state_of(harness, pid)
    assert state.reason == "dinas_luar"
    assert state.until is None

    # The one reason list: education (dik) and BKO are reasons of their own.
    await andi.send("/tidaksiap pendidikan Setukpa")
    await fake.wait_for_message(ANDI, "dik (pendidikan): Setukpa")
    assert (await state_of(harness, pid)).reason == "dik"
    await andi.send("/tidaksiap BKO Polres Sanggau")
    await fake.wait_for_message(ANDI, "BKO: Polres Sanggau")
    assert (await state_of(harness, pid)).reason == "bko"

    await andi.send("/tidaksiap lainnya")
    await fake.wait_for_message(ANDI, "Ketik alasan singkat")
    await andi.send("mengantar keluarga ke rumah sakit")
    await fake.wait_for_message(ANDI, "lainnya: mengantar keluarga")
    state = await state_of(harness, pid)
    assert state.reason == "lainnya"
    assert state.reason_text == "mengantar keluarga ke rumah sakit"
    # A reason typed too long is cut to what a report shows (200 characters).
    await andi.send("/tidaksiap lainnya")
    await fake.wait_for_message(ANDI, "Ketik alasan singkat")
    await andi.send("panjang " * 40)
    await fake.wait_for_message(ANDI, "lainnya: panjang panjang")
    assert (await state_of(harness, pid)).reason_text == ("panjang " * 40)[:200]

    await andi.send("/kesiapan")
    view = await fake.wait_for_message(ANDI, "Kesiapan Anda")
    assert view.text is not None
    assert "TIDAK SIAP" in view.text
    await andi.press("Tidak siap", message=view)
    await edited_to(harness, view, "Pilih alasan", what="the reasons")
    await andi.press("Kembali", message=fake.message(ANDI, view.message_id))
    await edited_to(harness, view, "Kesiapan Anda", what="back to the view")
    await andi.press("✅ Siap", message=fake.message(ANDI, view.message_id))
    await edited_to(harness, view, "✅ SIAP", what="SIAP")
    state = await state_of(harness, pid)
    assert state.state is State.SIAP


async def test_deployed_people_cannot_change_their_state(harness: BotHarness) -> None:
    await start(harness, [brimob(1)])
    pid = await person_id(harness, brimob(1).nrp)
    async with harness.db.transaction() as tx:
        await readiness.set_deployed(tx, pid, 12, harness.clock.now())
    fake = harness.fake
    andi = fake.user(ANDI)
    await andi.send("/siap")
    await fake.wait_for_message(ANDI, "sedang BERTUGAS")
    await andi.send("/tidaksiap sakit")
    await fake.wait_for(lambda: len([t for t in texts(harness, ANDI) if "BERTUGAS" in t]) >= 2)
    await andi.send("/kesiapan")
    view = await fake.wait_for_message(ANDI, "pengerahan #12")
    assert view.buttons == []
    state = await state_of(harness, pid)
    assert state.state is State.BERTUGAS


async def test_readiness_commands_need_a_person_and_a_private_chat(harness: BotHarness) -> None:
    await start(harness, [brimob(1)])
    fake = harness.fake
    admin = fake.user(ADMIN_ID)
    await admin.send("/siap")
    await fake.wait_for_message(ADMIN_ID, "tidak terhubung dengan data personel")
    group = fake.group(-100777, "Posko")
    await fake.user(ANDI).send("/siap", chat=group)
    await fake.wait_for_message(-100777, "chat pribadi")
    stranger = fake.user(4242)
    await stranger.send("/siap")
    await fake.wait_for_message(4242, "belum terdaftar")
    cq = await stranger.press_data("rd:v1:siap", message=fake.last_sent_to(4242))
    assert "belum terdaftar" in (await answered(harness, cq))["text"]


async def test_cekkesiapan_asks_everyone_in_scope_with_a_live_tally(harness: BotHarness) -> None:
    members = [KOMANDAN, brimob(1), brimob(2), brimob(3), brimob(4), poh(1)]
    await start(harness, members)
    deployed = await person_id(harness, brimob(4).nrp)
    async with harness.db.transaction() as tx:
        await readiness.set_deployed(tx, deployed, 5, harness.clock.now())
    fake = harness.fake
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/cekkesiapan POH")
    await fake.wait_for_message(COMMANDER_ID, "di luar wewenang")
    await commander.send("/cekkesiapan BRIMOB 20")
    opened = await fake.wait_for_message(COMMANDER_ID, "CEK KESIAPAN #1 · BRIMOB dibuka")
    assert opened.text is not None
    assert "3 personel dipanggil" in opened.text
    prompts = {i: await fake.wait_for_message(1000 + i, "Apakah Anda SIAP") for i in (1, 2, 3)}
    assert prompts[1].button_texts == ["✅ Siap", "❌ Tidak siap"]
    assert not any("CEK KESIAPAN" in t for t in texts(harness, 1004))
    assert not any("CEK KESIAPAN" in t for t in texts(harness, 1501))

    cq = await fake.user(1001).press("Siap", message=prompts[1])
    assert "SIAP tercatat" in (await answered(harness, cq))["text"]
    await fake.user(1002).press("Tidak siap", message=prompts[2])
    await fake.wait_for_message(1002, "Pilih alasan tidak siap")
    await fake.user(1002).press("Cuti")
    edited = await fake.wait_for_message(1002, "TIDAK SIAP")
    assert "3 hari" in edited.button_texts
    await fake.user(1002).press("3 hari", message=edited)
    await fake.wait_for_message(1002, "sampai 17 Feb 2024 20.00 WIB")

    card = await card_shows(
        harness, COMMANDER_ID, "✅ siap 1", "❌ tidak siap 1 (cuti 1)", "⏳ belum lapor 1"
    )
    assert card.text is not None
    assert "1 sedang bertugas" in card.text
    one = await readiness.get(harness.db, await person_id(harness, brimob(1).nrp))
    two = await readiness.get(harness.db, await person_id(harness, brimob(2).nrp))
    assert one is not None
    assert one.state is State.SIAP
    assert two is not None
    assert two.state is State.TIDAK_SIAP
    assert two.reason == "cuti"
    assert two.until == harness.clock.now() + timedelta(days=3)

    harness.clock.advance(minutes=20)
    report = await fake.wait_for_message(COMMANDER_ID, "LAPORAN CEK KESIAPAN #1")
    assert report.text is not None
    assert "Anggota Brimob 3" in report.text
    assert "Anggota Brimob 1 " not in report.text
    rc = await store.get(harness.db, 1)
    assert rc is not None
    assert rc.state == "closed"


async def test_readiness_set_elsewhere_answers_an_open_check(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, brimob(1), brimob(2), brimob(3)])
    fake = harness.fake
    commander = fake.user(COMMANDER_ID, first_name="Hendra")
    await commander.send("/cekkesiapan BRIMOB 30")
    for i in (1, 2, 3):
        await fake.wait_for_message(1000 + i, "Apakah Anda SIAP")
    await fake.user(1001).send("/siap")
    await fake.wait_for_message(1001, "Anda SIAP")
    await fake.user(1002).send("/tidaksiap izin")
    await fake.wait_for_message(1002, "Sampai kapan")
    # Hadir at a roll call confirms SIAP, and so answers the check too.
    await commander.send("/apel BRIMOB 30")
    apel_prompt = await fake.wait_for_message(1003, "APEL #2")
    await fake.user(1003).press("Hadir", message=apel_prompt)
    await card_shows(
        harness, COMMANDER_ID, "CEK KESIAPAN #1", "✅ siap 2", "❌ tidak siap 1 (izin 1)"
    )
    check_prompt = await fake.wait_for_message(1001, "Tercatat: SIAP")
    assert check_prompt.text is not None
    assert "CEK KESIAPAN #1" in check_prompt.text


async def test_jam_rawan_shortens_how_long_siap_stays_fresh(harness: BotHarness) -> None:
    await start(harness, [brimob(1)], readiness_stale_hours=12, jam_rawan_stale_hours=4)
    fake = harness.fake
    andi = fake.user(ANDI)
    await andi.send("/siap")
    done = await fake.wait_for_message(ANDI, "Anda SIAP")
    assert done.text is not None
    assert "15 Feb 2024 08.00 WIB" in done.text
    async with harness.db.transaction() as tx:
        await groups.set_jam_rawan(tx, True, ADMIN_ID, harness.clock.now())
    harness.clock.advance(hours=5)
    await andi.send("/kesiapan")
    await fake.wait_for_message(ANDI, "perlu konfirmasi ulang")


async def test_switching_jam_rawan_on_asks_those_whose_siap_is_now_stale(
    harness: BotHarness,
) -> None:
    await start(harness, [KOMANDAN, brimob(1)], readiness_stale_hours=12, jam_rawan_stale_hours=4)
    fake = harness.fake
    andi = fake.user(ANDI)
    await andi.send("/siap")
    await fake.wait_for_message(ANDI, "Anda SIAP")
    harness.clock.advance(hours=5)
    await fake.wait_idle()
    assert not any("Konfirmasi kesiapan" in t for t in texts(harness, ANDI))
    commander = fake.user(COMMANDER_ID)
    await commander.send("/jamrawan on")
    await fake.wait_for_message(ANDI, "Konfirmasi kesiapan")


def asked(harness: BotHarness) -> int:
    """How many times Andi has been asked to confirm a stale SIAP."""
    return sum("Konfirmasi kesiapan" in t for t in texts(harness, ANDI))


async def window_row_due(harness: BotHarness) -> datetime:
    row = await deadlines.get(harness.db, groups_handlers.WINDOW_KIND, groups_handlers.WINDOW_REF)
    assert row is not None
    assert row.state == "pending"
    return row.due_at


async def test_a_jam_rawan_window_opening_asks_those_whose_siap_is_now_stale(
    harness: BotHarness,
) -> None:
    """As the switch does: at 03.00 WIB the window opens and a SIAP of 7 hours is stale by
    jam rawan's 4, so Andi is asked then, not at 08.00 when his 12 hours run out. The opening
    is a deadline row: once per opening, and one that passed while the bot was down fires
    when it is back."""
    await start(
        harness,
        [KOMANDAN, brimob(1)],
        readiness_stale_hours=12,
        jam_rawan_stale_hours=4,
        jam_rawan_windows="03:00-05:00",
    )
    fake = harness.fake
    andi = fake.user(ANDI)
    await andi.send("/siap")
    done = await fake.wait_for_message(ANDI, "Anda SIAP")  # 14 Feb, 20.00 WIB
    assert done.text is not None
    assert "15 Feb 2024 08.00 WIB" in done.text
    assert await window_row_due(harness) == datetime(2024, 2, 15, 3, 0, tzinfo=WIB)

    harness.clock.advance(hours=6, minutes=59)  # 02.59
    await fake.wait_idle()
    assert asked(harness) == 0
    harness.clock.advance(minutes=1)  # 03.00: the window opens
    ask = await fake.wait_for_message(ANDI, "Konfirmasi kesiapan")
    assert ask.text is not None
    assert "14 Feb 2024 20.00 WIB" in ask.text
    assert await window_row_due(harness) == datetime(2024, 2, 16, 3, 0, tzinfo=WIB)
    harness.clock.advance(hours=1)
    await fake.wait_idle()
    assert asked(harness) == 1

    # The next evening he confirms at 20.00 (fresh until 08.00); the bot is down from then
    # until 03.30, after the window opened: back up, it asks at once, and only once.
    harness.clock.set(datetime(2024, 2, 15, 20, 0, tzinfo=WIB).astimezone(UTC))
    await andi.send("/siap")
    await fake.wait_for_message(ANDI, "16 Feb 2024 08.00 WIB")
    await fake.wait_idle()
    before = asked(harness)
    await harness.stop()
    harness.clock.advance(hours=7, minutes=30)
    await harness.start()
    await fake.wait_for(lambda: asked(harness) > before, what="the catch-up question")
    assert "15 Feb 2024 20.00 WIB" in (fake.last_sent_to(ANDI).text or "")
    assert await window_row_due(harness) == datetime(2024, 2, 17, 3, 0, tzinfo=WIB)
    await harness.restart()
    harness.clock.advance(minutes=10)
    await fake.wait_idle()
    assert asked(harness) == before + 1


async def test_setting_windows_that_hold_the_present_asks_at_once(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, brimob(1)], readiness_stale_hours=12, jam_rawan_stale_hours=4)
    fake = harness.fake
    andi = fake.user(ANDI)
    await andi.send("/siap")
    await fake.wait_for_message(ANDI, "Anda SIAP")
    harness.clock.advance(hours=5)  # 01.00 WIB
    await fake.wait_idle()
    assert asked(harness) == 0
    assert (
        await deadlines.get(harness.db, groups_handlers.WINDOW_KIND, groups_handlers.WINDOW_REF)
        is None
    )
    admin = fake.user(ADMIN_ID)
    await admin.send("/jamrawan 00:00-02:00")
    await fake.wait_for_message(ADMIN_ID, "Jadwal jam rawan")
    await fake.wait_for_message(ANDI, "Konfirmasi kesiapan")
    assert await window_row_due(harness) == datetime(2024, 2, 16, 0, 0, tzinfo=WIB)
