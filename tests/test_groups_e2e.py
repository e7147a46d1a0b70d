"""Command groups end to end: registration, the broadcast schedule (normal and jam rawan,
across a restart), pinned status, removal and 403, /status, /laporan, /ekspor.

The real bot runs on the fake Bot API; time moves only with the injected clock.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.rehearsal.fake_telegram import SimGroup
from bot.rehearsal.fake_telegram.models import SentMessage
from storage import audit, deadlines, groups, personnel, readiness
from storage.db import Database
from tests.harness import (
    COMMANDER_ID,
    FAST_DELIVERY,
    KOMANDAN,
    BotHarness,
    Member,
    brimob,
    open_apel,
    open_callout,
    person_of,
    poh,
)

ADMIN_ID = 900001
GROUP_ID = -100500
FAST: dict[str, Any] = {**FAST_DELIVERY, "group_burst": 100, "admin_ids": [ADMIN_ID]}


BRIMOB = [brimob(i) for i in range(1, 7)]
POH = [poh(i) for i in range(1, 5)]
MEMBERS = [KOMANDAN, *BRIMOB, *POH]


async def seed(harness: BotHarness, members: Sequence[Member] = MEMBERS) -> None:
    """Roster in, accounts linked, a few readiness states: registration has its own tests."""
    await harness.seed_linked(members)
    now = harness.clock.now()
    async with harness.offline() as tx:
        for member in members:
            if member in BRIMOB[:3] or member in POH[:2]:
                person = await person_of(tx, member)
                await readiness.set_ready(tx, person.id, now, source="test")
            elif member is BRIMOB[3]:
                person = await person_of(tx, member)
                await readiness.set_not_ready(tx, person.id, now, reason="sakit", source="test")


@pytest.fixture
async def bot(harness: BotHarness) -> BotHarness:
    await seed(harness)
    await harness.start(**FAST)
    return harness


def statuses(bot: BotHarness, chat_id: int = GROUP_ID) -> list[SentMessage]:
    return [m for m in bot.fake.sent_to(chat_id) if "STATUS SIAGA" in (m.text or "")]


def charts(bot: BotHarness, chat_id: int = GROUP_ID) -> list[SentMessage]:
    return [m for m in bot.fake.sent_to(chat_id) if m.kind == "photo"]


async def register_group(
    bot: BotHarness,
    text: str = "/posko",
    *,
    chat_id: int = GROUP_ID,
    admin_bot: bool = False,
    by: int = COMMANDER_ID,
) -> SimGroup:
    group = bot.fake.group(chat_id=chat_id, title="Posko Polda Kalbar")
    commander = bot.fake.user(by, first_name="Hendra")
    await bot.fake.add_bot_to_group(
        group, commander, status="administrator" if admin_bot else "member"
    )
    await bot.fake.wait_for_message(chat_id, "Siaga sudah masuk grup ini")
    await commander.send(text, chat=group)
    await bot.fake.wait_for_message(chat_id, "terdaftar sebagai posko")
    await bot.fake.wait_for(lambda: len(statuses(bot, chat_id)) >= 1, what="the first status")
    await bot.fake.wait_idle(quiet=0.2)  # the chart too
    return group


async def advance(bot: BotHarness, minutes: float) -> None:
    bot.clock.advance(minutes=minutes)
    await bot.fake.wait_idle(quiet=0.2)


def assert_fits_a_phone(html_text: str) -> None:
    """UX.md: a monospace line at most 32 characters, a line chained with `·` at most 60."""
    for block in re.findall(r"<pre>(.*?)</pre>", html_text, re.S):
        for line in block.split("\n"):
            assert len(line) <= 32, line
    plain = re.sub(r"<[^>]+>", "", re.sub(r"<pre>.*?</pre>", "", html_text, flags=re.S))
    for line in plain.split("\n"):
        if "·" in line:
            assert len(line) <= 60, line


def assert_no_personal_data(bot: BotHarness, chat_ids: Sequence[int]) -> None:
    """No phone number and no NRP in anything the bot put into these groups."""
    secrets = {m.nrp for m in MEMBERS} | {m.phone for m in MEMBERS}
    secrets |= {"+62" + m.phone[1:] for m in MEMBERS} | {m.phone[1:] for m in MEMBERS}
    for chat_id in chat_ids:
        for message in bot.fake.history(chat_id):
            if not message.from_bot:
                continue
            for version in message.versions:
                for secret in secrets:
                    assert secret not in (version or ""), (secret, version)


# -- registration, schedule, content --------------------------------------------------------


def _excel_csv(data: bytes) -> list[list[str]]:
    """An exported CSV as Excel shows it: `;`-separated, `="02058291"` is the text 02058291."""
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    return [[re.sub(r'^="(.*)"$', r"\1", cell) for cell in row] for row in rows]


async def test_register_then_broadcast_every_hour_for_the_scope(bot: BotHarness) -> None:
    await register_group(bot)
    first = statuses(bot)[0]
    # The commander of Satbrimob: the group covers his unit, BRIMOB people only.
    table = re.search(r"Kat .*?Jumlah[^\n]*", first.text or "", re.S)
    assert_fits_a_phone(bot.fake.calls("sendPhoto")[0].params["caption"])
    assert table is not None
    assert "BRIMOB" in table.group(0)
    assert "POH" not in table.group(0)
    row = next(line for line in table.group(0).split("\n") if line.startswith("BRIMOB"))
    # kekuatan 7 (6 + the commander), siap 3, tidak siap 1 (sakit), bertugas 0.
    assert row.split()[1:5] == ["7", "3", "1", "0"]
    assert "3 belum lapor" in (first.text or "")
    assert "Sakit" in (first.text or "")
    assert "Pengerahan aktif: tidak ada" in (first.text or "")
    # One message: the chart, with the status as its caption.
    assert charts(bot) == [first]
    assert first.photo is not None
    assert first.photo.data.startswith(b"\x89PNG")

    await advance(bot, 30)
    assert len(statuses(bot)) == 1
    await advance(bot, 30)
    await bot.fake.wait_for(lambda: len(statuses(bot)) == 2, what="the 21.00 status")
    await advance(bot, 60)
    await bot.fake.wait_for(lambda: len(statuses(bot)) == 3, what="the 22.00 status")
    assert len(charts(bot)) == 3
    assert_no_personal_data(bot, [GROUP_ID])
    group = await groups.active_group(bot.db, GROUP_ID)
    assert group is not None
    assert group.scope.units == {"Satbrimob"}


async def test_jam_rawan_is_denser_and_a_restart_sends_no_slot_twice(
    harness: BotHarness,
) -> None:
    await seed(harness)
    # 20.00 WIB is inside the window.
    await harness.start(**FAST, jam_rawan_windows="18:00-23:59,00:00-06:00")
    bot = harness
    await register_group(bot, "/posko Satbrimob")
    assert "JAM RAWAN" in (statuses(bot)[0].text or "")
    await advance(bot, 15)
    await bot.fake.wait_for(lambda: len(statuses(bot)) == 2, what="the 20.15 status")

    await bot.restart()
    await bot.fake.wait_idle(quiet=0.3)
    assert len(statuses(bot)) == 2  # the 20.15 slot is not sent again
    await advance(bot, 10)
    assert len(statuses(bot)) == 2
    await advance(bot, 5)
    await bot.fake.wait_for(lambda: len(statuses(bot)) == 3, what="the 20.30 status")
    # A long outage catches up with one status, not one per missed slot.
    await bot.stop()
    bot.clock.advance(minutes=95)
    await bot.start()
    await bot.fake.wait_for(lambda: len(statuses(bot)) == 4, what="the catch-up status")
    await bot.fake.wait_idle(quiet=0.3)
    assert len(statuses(bot)) == 4
    keys = await bot.db.fetchall(
        "SELECT dedup_key FROM outbox WHERE chat_id = ? AND kind IN ('send', 'photo')",
        (GROUP_ID,),
    )
    status_keys = [k[0] for k in keys if str(k[0]).startswith("status:")]
    assert len(status_keys) == len(set(status_keys)) == 4


async def test_jamrawan_switch_by_a_commander(bot: BotHarness) -> None:
    await register_group(bot)
    commander = bot.fake.user(COMMANDER_ID)
    await commander.send("/jamrawan on")
    await bot.fake.wait_for_message(COMMANDER_ID, "Jam rawan diaktifkan")
    await advance(bot, 15)
    await bot.fake.wait_for(lambda: len(statuses(bot)) == 2, what="a jam rawan status")
    assert "JAM RAWAN" in (statuses(bot)[-1].text or "")
    await advance(bot, 15)
    await bot.fake.wait_for(lambda: len(statuses(bot)) == 3, what="the next quarter")
    await commander.send("/jamrawan off")
    await bot.fake.wait_for_message(COMMANDER_ID, "dinonaktifkan")
    await advance(bot, 15)
    assert len(statuses(bot)) == 3  # back to the hour: 21.00 is the next slot
    await advance(bot, 15)
    await bot.fake.wait_for(lambda: len(statuses(bot)) == 4, what="the 21.00 status")
    stale = await groups.current_stale_after(bot.db, bot.services.settings, bot.clock.now())
    assert stale == timedelta(hours=bot.services.settings.readiness_stale_hours)


async def test_pinned_status_is_one_message_edited_in_place(bot: BotHarness) -> None:
    group = await register_group(bot, admin_bot=True)
    commander = bot.fake.user(COMMANDER_ID)
    await commander.send("/posko sematkan", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "satu pesan tersemat")
    state = bot.fake.chat_state(GROUP_ID)
    await bot.fake.wait_for(lambda: state.pinned, what="the pinned status")
    pinned = bot.fake.message(GROUP_ID, state.pinned[-1])
    assert "STATUS SIAGA" in (pinned.text or "")
    before = len(statuses(bot))
    await advance(bot, 60)
    await bot.fake.wait_for(lambda: len(pinned.versions) >= 2, what="an edit of the status")
    await advance(bot, 60)
    await bot.fake.wait_for(lambda: len(pinned.versions) >= 3, what="another edit")
    assert len(statuses(bot)) == before  # no new status message, only edits
    assert "21.00" in (pinned.versions[1] or "")
    assert "22.00" in (pinned.versions[2] or "")
    assert_no_personal_data(bot, [GROUP_ID])


async def test_bot_removed_unregisters_and_a_403_tells_an_admin(bot: BotHarness) -> None:
    group = await register_group(bot)
    commander = bot.fake.user(COMMANDER_ID)
    await bot.fake.remove_bot_from_group(group, commander)
    await bot.fake.wait_for_message(COMMANDER_ID, "Bot dikeluarkan dari grup")
    assert await groups.active_group(bot.db, GROUP_ID) is None
    assert await deadlines.get(bot.db, "posko.broadcast", GROUP_ID) is not None
    pending = await deadlines.pending(bot.db, "posko.broadcast")
    assert all(d.ref != str(GROUP_ID) for d in pending)
    await advance(bot, 120)
    assert len(statuses(bot)) == 1
    # Added back and registered again: a status at once, then the schedule as before.
    await register_group(bot)
    await bot.fake.wait_for(lambda: len(statuses(bot)) == 2, what="a status on re-register")

    # Another group is deleted without the bot hearing of it: the next send gets a 403.
    other = await register_group(bot, chat_id=-100600)
    bot.fake.chat_state(other.id).bot_status = "kicked"
    await advance(bot, 60)
    await bot.fake.wait_for_message(ADMIN_ID, "tidak dapat dikirimi pesan lagi")
    await bot.fake.wait_for_message(COMMANDER_ID, "tidak dapat dikirimi pesan lagi")
    assert await groups.active_group(bot.db, -100600) is None
    actions = [e.action for e in await audit.entries(bot.db)]
    assert "posko.kicked" in actions
    assert "posko.unreachable" in actions


# -- bad input ----------------------------------------------------------------------------------


async def test_posko_refusals(bot: BotHarness) -> None:
    group = bot.fake.group(chat_id=GROUP_ID, title="Posko")
    member = bot.fake.user(BRIMOB[0].user_id)
    await member.send("/posko", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "hanya untuk komandan")
    commander = bot.fake.user(COMMANDER_ID)
    await commander.send("/posko BRIMOP", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "bukan kategori atau satuan")
    await commander.send("/posko Polresta Pontianak", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "di luar wewenang Anda")
    await commander.send("/posko")
    await bot.fake.wait_for_message(COMMANDER_ID, "dipakai di grup")
    await commander.send("/status", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "belum terdaftar sebagai posko")
    assert await groups.active_group(bot.db, GROUP_ID) is None

    admin = bot.fake.user(ADMIN_ID)
    await admin.send("/jamrawan 18:00-23:59,00:00-6")
    bad = await bot.fake.wait_for_message(ADMIN_ID, "tidak dapat dibaca")
    assert "00:00-6" in (bad.text or "")
    assert "/jamrawan 18:00-23:59,00:00-06:00" in (bad.text or "")
    await commander.send("/jamrawan 18:00-23:59")
    await bot.fake.wait_for_message(COMMANDER_ID, "hanya dapat diubah admin")
    await admin.send("/jamrawan 18:00-23:59,00:00-06:00")
    await bot.fake.wait_for_message(ADMIN_ID, "Jadwal jam rawan: 18.00")
    await admin.send("/ekspor audit 2024-02-14 2024-02-01")
    await bot.fake.wait_for_message(ADMIN_ID, "terbalik")


# -- /status, names, /laporan -------------------------------------------------------------------


async def test_status_in_private_and_names_only_privately(bot: BotHarness) -> None:
    group = await register_group(bot)
    commander = bot.fake.user(COMMANDER_ID)
    await commander.send("/status")
    answer = await bot.fake.wait_for_message(COMMANDER_ID, "STATUS SIAGA")
    assert "BRIMOB" in (answer.text or "")
    (asked,) = [
        r for r in bot.fake.calls("sendMessage") if "STATUS SIAGA" in str(r.params.get("text"))
    ]
    assert_fits_a_phone(asked.params["text"])
    await bot.fake.wait_for(
        lambda: any(m.kind == "photo" for m in bot.fake.sent_to(COMMANDER_ID)), what="a chart"
    )
    # Names behind the counts, asked in the group, arrive in the private chat only.
    await commander.send("/status", chat=group)
    in_group = await bot.fake.wait_for_message(
        GROUP_ID, lambda m: bool(m.button("Rincian nama")), timeout=5
    )
    await commander.press("Rincian nama", message=in_group, chat=group)
    names = await bot.fake.wait_for_message(COMMANDER_ID, "Rincian nama")
    assert "Bripda Anggota Brimob 4" in (names.text or "")  # sakit
    assert "sakit" in (names.text or "")
    member = bot.fake.user(BRIMOB[0].user_id)
    await member.press("Rincian nama", message=in_group, chat=group)
    await bot.fake.wait_idle()
    assert not any("Rincian nama" in (m.text or "") for m in bot.fake.sent_to(member.id))
    assert_no_personal_data(bot, [GROUP_ID])
    await member.send("/status", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "hanya untuk komandan")


async def test_laporan_rolls_up_to_the_roster(bot: BotHarness) -> None:
    admin = bot.fake.user(ADMIN_ID)
    await admin.send("/laporan")
    report = await bot.fake.wait_for_message(ADMIN_ID, "LAPORAN KEKUATAN PERSONEL")
    text = report.text or ""
    assert_fits_a_phone(bot.fake.calls("sendMessage")[-1].params["text"])
    assert "Satbrimob" in text
    assert "Polresta Pontianak" in text
    whole = text.split("Jumlah seluruhnya", 1)[1]
    rows = {
        line.split()[0]: [int(v) for v in line.split()[1:4]]
        for line in whole.split("\n")
        if line.split() and line.split()[0] in ("BRIMOB", "POH", "Jumlah")
    }
    assert rows["BRIMOB"] == [7, 3, 4]  # jumlah, siap, kurang
    assert rows["POH"] == [4, 2, 2]
    assert rows["Jumlah"] == [len(MEMBERS), 5, len(MEMBERS) - 5]
    assert "sakit 1" in whole


# -- /ekspor ------------------------------------------------------------------------------------


async def test_ekspor_roster_with_buttons_and_refusals(bot: BotHarness) -> None:
    group = await register_group(bot)
    commander = bot.fake.user(COMMANDER_ID)
    await commander.send("/ekspor", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "hanya dikirim di chat pribadi")
    assert not any(m.kind == "document" for m in bot.fake.sent_to(GROUP_ID))

    await commander.send("/ekspor")
    menu = await bot.fake.wait_for_message(COMMANDER_ID, "pilih data")
    assert "Log audit" not in " ".join(menu.button_texts)  # admins only
    await commander.press("Daftar personel", message=menu)
    formats = await bot.fake.wait_for_message(COMMANDER_ID, "Pilih format")
    await commander.press("CSV", message=formats)
    sent = await bot.fake.wait_for_message(COMMANDER_ID, lambda m: m.kind == "document")
    assert sent.document is not None
    rows = _excel_csv(sent.document.data)
    assert rows[0][:3] == ["NRP", "Pangkat", "Nama"]
    assert sorted(r[0] for r in rows[1:]) == sorted(m.nrp for m in [KOMANDAN, *BRIMOB])

    admin = bot.fake.user(ADMIN_ID)
    await admin.send("/ekspor personel xlsx")
    document = await bot.fake.wait_for_message(ADMIN_ID, lambda m: m.kind == "document")
    assert document.document is not None
    sheet = load_workbook(io.BytesIO(document.document.data)).active
    assert sheet is not None
    assert sheet.max_row == len(MEMBERS) + 1
    assert sheet.freeze_panes == "A2"
    actions = [e.action for e in await audit.entries(bot.db)]
    assert actions.count("export.roster") == 2


async def test_ekspor_apel_caption_counts_people_not_category_rows(bot: BotHarness) -> None:
    from bot.domain.apel import Scope, ScopeKind
    from storage.apel import NewTarget

    now = bot.clock.now()
    async with bot.db.transaction() as tx:
        people = [await personnel.by_nrp(tx, m.nrp) for m in MEMBERS]
        targets = [NewTarget(p.id, p.telegram_user_id, p.category_code) for p in people if p]
        rollcall_id = await open_apel(
            tx, Scope(ScopeKind.ALL, ""), targets, now, by_user=ADMIN_ID, by_name="Admin"
        )
    admin = bot.fake.user(ADMIN_ID)
    await admin.send(f"/ekspor apel {rollcall_id} csv")
    sent = await bot.fake.wait_for_message(ADMIN_ID, lambda m: m.kind == "document")
    assert sent.document is not None
    # The file is the service's report: a row per category and the whole, then one per person.
    rows = _excel_csv(sent.document.data)
    gap = next(n for n, row in enumerate(rows) if not any(row))
    summary, detail = rows[:gap], rows[gap + 1 :]
    assert len(detail) - 1 == len(targets)
    assert len(summary) - 1 < len(targets)
    assert sent.text is not None
    assert f" · {len(targets)} baris · " in sent.text


# -- the whole command: seven categories, three live call-outs, an open roll call -------------


async def test_whole_command_status_with_live_callouts_fits_one_message(
    bot: BotHarness,
) -> None:
    from bot.domain.apel import Scope, ScopeKind
    from bot.domain.callout import InviteState
    from storage import callouts
    from storage.apel import NewTarget

    now = bot.clock.now()
    async with bot.db.transaction() as tx:
        people = {m.nrp: await personnel.by_nrp(tx, m.nrp) for m in MEMBERS}
        for number, (category, location) in enumerate(
            [
                ("BRIMOB", "Kantor KPU Kalbar, Pontianak"),
                ("POH", "Bundaran Digulis Untan, Pontianak"),
                ("SAMAPTA", "Gudang logistik KPU Kubu Raya"),
            ]
        ):
            callout_id, line = await open_callout(
                tx, category, 30, location, now, by_user=ADMIN_ID, by_name="Admin"
            )
            if number == 0:
                person = people[BRIMOB[4].nrp]
                assert person is not None
                invite = await callouts.add_invite(tx, callout_id, line, person.id, 1005, now)
                await callouts.transition(
                    tx, invite, [InviteState.PENDING], InviteState.ACCEPTED, now, answered=True
                )
        rollcall_id = await open_apel(
            tx,
            Scope(ScopeKind.CATEGORY, "POH"),
            [NewTarget(p.id, p.telegram_user_id, p.category_code) for p in people.values() if p],
            now,
            by_user=ADMIN_ID,
            by_name="Admin",
        )
    admin = bot.fake.user(ADMIN_ID)
    await admin.send("/status")
    answer = await bot.fake.wait_for_message(ADMIN_ID, "STATUS SIAGA")
    text = answer.text or ""
    for code in ("POH", "POLWAN", "SAMAPTA", "BRIMOB", "OMB", "LIONG", "YANMAS"):
        assert re.search(rf"^{code}\s", text, re.M), code
    assert "#1 BRIMOB ✅ 1/30" in text
    assert "#3 SAMAPTA ✅ 0/30" in text
    assert f"#{rollcall_id} APEL POH" in text
    assert len(answer.source_text or "") < 4096

    # A group an admin registers covers the whole command, call-outs included; the
    # Satbrimob commander's group covers his unit, and call-outs are per category.
    await register_group(bot, by=ADMIN_ID, chat_id=-100700)
    whole = statuses(bot, -100700)[-1].text or ""
    assert "#2 POH" in whole
    assert "YANMAS" in whole
    await register_group(bot)
    assert "Kantor KPU" not in (statuses(bot)[-1].text or "")
    assert_no_personal_data(bot, [-100700, GROUP_ID])


async def test_pinned_mode_without_the_right_to_pin_says_so(bot: BotHarness) -> None:
    group = await register_group(bot)  # the bot is a plain member
    commander = bot.fake.user(COMMANDER_ID)
    await commander.send("/posko sematkan", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "belum dapat menyematkan")
    assert not bot.fake.chat_state(GROUP_ID).pinned
    stored = await groups.active_group(bot.db, GROUP_ID)
    assert stored is not None
    assert stored.pin_state == "denied"
    messages = statuses(bot)
    await advance(bot, 60)
    await bot.fake.wait_for(lambda: len(messages[-1].versions) >= 2, what="an edit in place")
    assert len(statuses(bot)) == len(messages)


# -- storage ------------------------------------------------------------------------------------


async def test_group_storage_claims_each_slot_once(db: Database) -> None:
    from datetime import UTC, datetime

    from bot.domain.status import StatusScope

    now = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)
    async with db.transaction() as tx:
        assert await groups.register(
            tx,
            chat_id=-1,
            title="Posko",
            scope=StatusScope(frozenset({"Satbrimob"}), frozenset({"BRIMOB"})),
            language="id",
            by_user=1,
            by_person=None,
            now=now,
        )
        assert await groups.claim_slot(tx, -1, now)
        assert not await groups.claim_slot(tx, -1, now)
        assert not await groups.claim_slot(tx, -1, now - timedelta(minutes=15))
        assert await groups.claim_slot(tx, -1, now + timedelta(minutes=15))
        # Re-scoping keeps the schedule; unregistering then registering starts afresh.
        assert not await groups.register(
            tx,
            chat_id=-1,
            title="Posko",
            scope=StatusScope.whole(),
            language="id",
            by_user=1,
            by_person=None,
            now=now,
        )
        assert not await groups.claim_slot(tx, -1, now + timedelta(minutes=15))
        assert await groups.unregister(tx, -1, "stopped", now)
        assert not await groups.unregister(tx, -1, "stopped", now)
        assert not await groups.claim_slot(tx, -1, now + timedelta(minutes=30))
    group = await groups.get(db, -1)
    assert group is not None
    assert not group.active
    assert group.scope.everything
    switch = await groups.jam_rawan(db)
    assert not switch.manual_on
    async with db.transaction() as tx:
        assert await groups.set_jam_rawan(tx, True, 1, now)
        assert not await groups.set_jam_rawan(tx, True, 1, now)
        await groups.set_windows(tx, "18:00-23:59", 1, now)
    assert (await groups.jam_rawan(db)).windows == "18:00-23:59"


async def test_ekspor_non_responders_and_audit_range_by_buttons(bot: BotHarness) -> None:
    from bot.domain.apel import Scope, ScopeKind
    from storage.apel import NewTarget

    now = bot.clock.now()
    async with bot.db.transaction() as tx:
        people = [await personnel.by_nrp(tx, m.nrp) for m in BRIMOB]
        rollcall_id = await open_apel(
            tx,
            Scope(ScopeKind.UNIT, "Satbrimob"),
            [NewTarget(p.id, p.telegram_user_id, p.category_code) for p in people if p],
            now,
            by_user=COMMANDER_ID,
            by_name="AKBP Hendra Wijaya",
        )
    commander = bot.fake.user(COMMANDER_ID)
    await commander.send("/ekspor")
    menu = await bot.fake.wait_for_message(COMMANDER_ID, "pilih data")
    await commander.press("Belum lapor apel", message=menu)
    picker = await bot.fake.wait_for_message(COMMANDER_ID, "Pilih apel")
    await commander.press(f"#{rollcall_id}", message=picker)
    formats = await bot.fake.wait_for_message(COMMANDER_ID, "Pilih format")
    await commander.press("CSV", message=formats)
    sent = await bot.fake.wait_for_message(COMMANDER_ID, lambda m: m.kind == "document")
    assert sent.document is not None
    rows = _excel_csv(sent.document.data)
    assert rows[0] == ["NRP", "Pangkat", "Nama", "Kategori", "Satuan", "Telepon", "Status"]
    assert sorted(r[0] for r in rows[1:]) == sorted(m.nrp for m in BRIMOB)
    assert all(r[5].startswith("+62") for r in rows[1:])

    admin = bot.fake.user(ADMIN_ID)
    await admin.send("/ekspor")
    menu = await bot.fake.wait_for_message(ADMIN_ID, "pilih data")
    await admin.press("Log audit", message=menu)
    ranges = await bot.fake.wait_for_message(ADMIN_ID, "rentang tanggal log audit")
    await admin.press("Ketik rentang", message=ranges)
    await bot.fake.wait_for_message(ADMIN_ID, "Ketik rentang tanggal")
    await admin.send("14-02-2024 01-02-2024")
    await bot.fake.wait_for_message(ADMIN_ID, "terbalik")
    await admin.send("2024-02-14")
    formats = await bot.fake.wait_for_message(ADMIN_ID, "Pilih format")
    await admin.press("Excel", message=formats)
    document = await bot.fake.wait_for_message(ADMIN_ID, lambda m: m.kind == "document")
    assert document.document is not None
    sheet = load_workbook(io.BytesIO(document.document.data)).active
    assert sheet is not None
    actions = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Ekspor personel yang belum lapor apel" in actions
