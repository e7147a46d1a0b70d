"""Registration, roles, help, language and menus, end to end through the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage import audit, outbox, personnel
from tests.harness import BotHarness, Member

ADMIN_ID = 900001
ANDI = Member("87050123", "Andi Saputra", "Bripda", "BRIMOB", "Polres Sanggau", "081234567801")
BUDI = Member("88010234", "Budi Santoso", "Briptu", "POH", "Polresta Pontianak", "081234567802")
KOMANDAN = Member(
    "75020345", "Hendra Wijaya", "AKBP", "BRIMOB", "Polres Sanggau", "081234567803", "komandan"
)


@pytest.fixture
async def bot(harness: BotHarness) -> BotHarness:
    await harness.seed([ANDI, BUDI, KOMANDAN])
    await harness.start(admin_ids=[ADMIN_ID])
    return harness


async def test_contact_that_matches_links_and_greets(bot: BotHarness) -> None:
    user = bot.fake.user(1001, first_name="Andi")
    await user.send("/start")
    prompt = await bot.fake.wait_for_message(1001, "Bagikan nomor")
    assert prompt.reply_markup is not None
    keyboard = prompt.reply_markup["keyboard"]
    assert keyboard[0][0]["request_contact"] is True

    await user.share_contact(phone="+62 812-3456-7801")
    greeting = await bot.fake.wait_for_message(1001, "Terdaftar")
    assert greeting.text is not None
    assert "Bripda Andi Saputra" in greeting.text
    assert "Polres Sanggau" in greeting.text
    assert "BRIMOB" in greeting.text
    await bot.fake.wait_for_message(1001, "perintah untuk anggota")

    linked = await personnel.by_nrp(bot.db, ANDI.nrp)
    assert linked is not None
    assert linked.telegram_user_id == 1001
    actions = [e.action for e in await audit.entries(bot.db)]
    assert "registration.linked_by_contact" in actions


async def test_someone_elses_contact_is_refused(bot: BotHarness) -> None:
    user = bot.fake.user(1002, first_name="Mallory")
    await user.send("/start")
    await user.share_contact(phone="081234567801", user_id=1001)
    await bot.fake.wait_for_message(1002, "bukan kontak Anda sendiri")
    person = await personnel.by_nrp(bot.db, ANDI.nrp)
    assert person is not None
    assert person.telegram_user_id is None


async def test_a_phone_already_linked_is_refused(bot: BotHarness) -> None:
    first = bot.fake.user(1001, first_name="Andi")
    await first.share_contact(phone="081234567801")
    await bot.fake.wait_for_message(1001, "Terdaftar")
    second = bot.fake.user(1003, first_name="Andi2")
    await second.share_contact(phone="6281234567801")
    await bot.fake.wait_for_message(1003, "sudah terhubung dengan akun Telegram lain")
    person = await personnel.by_nrp(bot.db, ANDI.nrp)
    assert person is not None
    assert person.telegram_user_id == 1001


async def test_no_match_asks_nrp_then_admin_approves(bot: BotHarness) -> None:
    admin = bot.fake.user(ADMIN_ID, first_name="Admin")
    await admin.send("/start")
    user = bot.fake.user(1004, first_name="Budi", username="budi_s")
    await user.share_contact(phone="089999999999")
    await bot.fake.wait_for_message(1004, "tidak ditemukan")

    await user.send("abc")
    await bot.fake.wait_for_message(1004, "tidak valid")
    await user.send("99999999")
    await bot.fake.wait_for_message(1004, "tidak ditemukan di daftar personel aktif")
    await user.send(BUDI.nrp)
    await bot.fake.wait_for_message(1004, "sudah dikirim")

    request = await bot.fake.wait_for_message(ADMIN_ID, "Permintaan pendaftaran")
    assert request.text is not None
    assert "Briptu Budi Santoso" in request.text
    assert "@budi_s" in request.text
    assert "+6289999999999" in request.text
    cq = await admin.press("Setujui", message=request)
    await bot.fake.wait_for(lambda: bot.fake.callback_answer(cq) is not None)

    await bot.fake.wait_for_message(1004, "Pendaftaran disetujui")
    person = await personnel.by_nrp(bot.db, BUDI.nrp)
    assert person is not None
    assert person.telegram_user_id == 1004
    await bot.fake.wait_for(
        lambda: (
            "Disetujui oleh" in (bot.fake.sent_to(ADMIN_ID)[-1].text or "")
            or any("Disetujui oleh" in (m.text or "") for m in bot.fake.sent_to(ADMIN_ID))
        )
    )
    actions = [e.action for e in await audit.entries(bot.db)]
    assert "registration.requested" in actions
    assert "registration.approved" in actions


async def test_rejected_request_leaves_account_unlinked(bot: BotHarness) -> None:
    admin = bot.fake.user(ADMIN_ID, first_name="Admin")
    user = bot.fake.user(1005, first_name="Budi")
    await user.share_contact(phone="089999999998")
    await bot.fake.wait_for_message(1005, "tidak ditemukan")
    await user.send(BUDI.nrp)
    request = await bot.fake.wait_for_message(ADMIN_ID, "Permintaan pendaftaran")
    await admin.press("Tolak", message=request)
    await bot.fake.wait_for_message(1005, "ditolak")
    person = await personnel.by_nrp(bot.db, BUDI.nrp)
    assert person is not None
    assert person.telegram_user_id is None


async def test_commander_of_the_unit_gets_the_request_and_outsider_cannot_decide(
    bot: BotHarness,
) -> None:
    commander = bot.fake.user(2001, first_name="Hendra")
    await commander.share_contact(phone=KOMANDAN.phone)
    await bot.fake.wait_for_message(2001, "Terdaftar")
    outsider = bot.fake.user(1001, first_name="Andi")
    await outsider.share_contact(phone=ANDI.phone)
    await bot.fake.wait_for_message(1001, "Terdaftar")

    newcomer = bot.fake.user(1006, first_name="Budi")
    await newcomer.share_contact(phone="089999999997")
    await bot.fake.wait_for_message(1006, "tidak ditemukan")
    # Budi is POH in Polresta Pontianak: the Sanggau commander does not command him.
    await newcomer.send(BUDI.nrp)
    await bot.fake.wait_for_message(ADMIN_ID, "Permintaan pendaftaran")
    assert not any("Permintaan pendaftaran" in (m.text or "") for m in bot.fake.sent_to(2001))
    request = bot.fake.sent_to(ADMIN_ID)[-1]
    assert request.reply_markup is not None
    cq = await outsider.press_data(request.reply_markup["inline_keyboard"][0][0]["callback_data"])
    answer = await bot.fake.wait_for(lambda: bot.fake.callback_answer(cq))
    assert answer is not None
    person = await personnel.by_nrp(bot.db, BUDI.nrp)
    assert person is not None
    assert person.telegram_user_id is None


async def test_start_in_a_group_points_to_the_private_chat(bot: BotHarness) -> None:
    group = bot.fake.group(chat_id=-100500, title="Posko Polda")
    user = bot.fake.user(1001, first_name="Andi")
    await user.send("/start", chat=group)
    message = await bot.fake.wait_for_message(-100500, "chat pribadi")
    assert message.reply_markup is not None
    assert message.reply_markup["inline_keyboard"][0][0]["url"].startswith("https://t.me/")


async def test_strangers_are_sent_to_register(bot: BotHarness) -> None:
    user = bot.fake.user(1007, first_name="X")
    await user.send("/angkat 87050123 komandan")
    await bot.fake.wait_for_message(1007, "belum terdaftar")
    await user.send("halo")
    assert len([m for m in bot.fake.sent_to(1007) if "belum terdaftar" in (m.text or "")]) >= 1


async def test_unknown_command_gets_the_help_hint(bot: BotHarness) -> None:
    user = bot.fake.user(1001, first_name="Andi")
    await user.share_contact(phone=ANDI.phone)
    await bot.fake.wait_for_message(1001, "Terdaftar")
    await user.send("/terbang")
    await bot.fake.wait_for_message(1001, "Perintah tidak dikenal")


async def test_help_differs_per_role(bot: BotHarness) -> None:
    stranger = bot.fake.user(1010, first_name="S")
    await stranger.send("/bantuan")
    text = (await bot.fake.wait_for_message(1010, "belum terdaftar")).text
    assert text is not None
    assert "/angkat" not in text

    member = bot.fake.user(1001, first_name="Andi")
    await member.share_contact(phone=ANDI.phone)
    await bot.fake.wait_for_message(1001, "Terdaftar")
    await member.send("/bantuan")
    member_help = await bot.fake.wait_for_message(1001, "perintah untuk anggota")
    assert member_help.text is not None
    assert "/angkat" not in member_help.text

    admin = bot.fake.user(ADMIN_ID, first_name="Admin")
    await admin.send("/bantuan")
    admin_help = await bot.fake.wait_for_message(ADMIN_ID, "perintah untuk admin")
    assert admin_help.text is not None
    assert "/angkat" in admin_help.text
    assert "/bantuan angkat" in admin_help.text


async def test_admin_appoints_and_dismisses_a_commander(bot: BotHarness) -> None:
    member = bot.fake.user(1001, first_name="Andi")
    await member.share_contact(phone=ANDI.phone)
    await bot.fake.wait_for_message(1001, "Terdaftar")
    admin = bot.fake.user(ADMIN_ID, first_name="Admin")

    await admin.send("/angkat 87050123 komandan BRIMOP")
    await bot.fake.wait_for_message(ADMIN_ID, "bukan kategori atau satuan")
    await admin.send("/angkat 87050123 komandan BRIMOB")
    await bot.fake.wait_for_message(ADMIN_ID, "sekarang komandan")
    person = await personnel.by_nrp(bot.db, ANDI.nrp)
    assert person is not None
    assert person.role == "komandan"
    scope = await personnel.command_scope(bot.db, person.id)
    assert scope.categories == {"BRIMOB"}
    await bot.fake.wait_for_message(1001, "Anda sekarang")
    menus = [
        c
        for c in bot.fake.calls("setMyCommands")
        if c.params.get("scope", {}).get("chat_id") == 1001
    ]
    assert menus
    assert any(cmd["command"] == "bantuan" for cmd in menus[-1].params["commands"])

    # A commander is not an admin.
    await member.send("/angkat 88010234 komandan POH")
    await bot.fake.wait_for_message(1001, "hanya untuk admin")

    await admin.send("/copot 87050123")
    await bot.fake.wait_for_message(ADMIN_ID, "di Siaga dicabut; kini anggota")
    person = await personnel.by_nrp(bot.db, ANDI.nrp)
    assert person is not None
    assert person.role == "anggota"
    actions = [e.action for e in await audit.entries(bot.db)]
    assert "role.appointed" in actions
    assert "role.dismissed" in actions


async def test_admin_releases_a_link_so_the_person_can_register_again(bot: BotHarness) -> None:
    member = bot.fake.user(1001, first_name="Andi")
    await member.share_contact(phone=ANDI.phone)
    await bot.fake.wait_for_message(1001, "Terdaftar")
    admin = bot.fake.user(ADMIN_ID, first_name="Admin")
    await admin.send("/lepas 87050123")
    await bot.fake.wait_for_message(ADMIN_ID, "tidak lagi terhubung dengan NRP")
    new_phone = bot.fake.user(1011, first_name="Andi")
    await new_phone.share_contact(phone=ANDI.phone)
    await bot.fake.wait_for_message(1011, "Terdaftar")


async def test_language_switch(bot: BotHarness) -> None:
    user = bot.fake.user(1012, first_name="Eng")
    await user.send("/bahasa")
    await bot.fake.wait_for_message(1012, "Choose a language")
    await user.press("English")
    await bot.fake.wait_for_message(1012, "Language: English")
    await user.send("/start")
    await bot.fake.wait_for_message(1012, "Share my number")


async def test_menus_are_set_per_scope_and_language_at_start(bot: BotHarness) -> None:
    calls = bot.fake.calls("setMyCommands")
    scopes = {(c.params["scope"]["type"], c.params.get("language_code")) for c in calls}
    assert ("all_private_chats", None) in scopes
    assert ("all_private_chats", "en") in scopes
    assert ("all_group_chats", None) in scopes
    admins_menu = next(c for c in calls if c.params["scope"]["type"] == "all_chat_administrators")
    assert any(c["command"] == "status" for c in admins_menu.params["commands"])
    admin_menu = [c for c in calls if c.params["scope"].get("chat_id") == ADMIN_ID]
    assert admin_menu
    assert any(c["command"] == "angkat" for c in admin_menu[-1].params["commands"])
    default = next(c for c in calls if c.params["scope"]["type"] == "all_private_chats")
    assert all(c["command"] != "angkat" for c in default.params["commands"])


def run_bot(cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot` in a clean environment: no SIAGA_ settings but these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIAGA_")}
    env.update(PYTHONPATH=str(Path(__file__).resolve().parent.parent), **settings)
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_token_exits_with_a_clear_message(tmp_path: Path) -> None:
    result = run_bot(tmp_path)
    assert result.returncode == 2
    assert "@BotFather" in result.stderr
    assert "SIAGA_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_wrong_setting_is_named(tmp_path: Path) -> None:
    result = run_bot(tmp_path, SIAGA_BOT_TOKEN="not-a-token", SIAGA_TIMEZONE="Mars/Olympus")
    assert result.returncode == 2
    assert "SIAGA_BOT_TOKEN" in result.stderr
    assert "SIAGA_TIMEZONE" in result.stderr
    assert "not-a-token" not in result.stderr
    assert "Traceback" not in result.stderr


async def test_one_persons_updates_are_handled_in_order(bot: BotHarness) -> None:
    """The NRP typed right after the contact share is read as the answer to it."""
    user = bot.fake.user(1013, first_name="Budi")
    await user.share_contact(phone="089999999996")
    await user.send(BUDI.nrp)
    await bot.fake.wait_for_message(1013, "sudah dikirim")
    assert not any("belum terdaftar" in (m.text or "") for m in bot.fake.sent_to(1013))


async def test_unblocking_the_bot_makes_a_person_reachable_again(bot: BotHarness) -> None:
    user = bot.fake.user(1001, first_name="Andi")
    await user.share_contact(phone=ANDI.phone)
    await bot.fake.wait_for_message(1001, "Terdaftar")
    await user.block()
    admin = bot.fake.user(ADMIN_ID, first_name="Admin")
    # A send that fails is what marks someone unreachable (and tells whoever sent it).
    await admin.send("/angkat 87050123 komandan BRIMOB")
    await _wait_reachable(bot, 1001, expected=False)
    unreachable = await outbox.unreachable_people(bot.db)
    assert [u.chat_id for u in unreachable] == [1001]
    await user.unblock()
    await _wait_reachable(bot, 1001, expected=True)


async def _wait_reachable(bot: BotHarness, chat_id: int, *, expected: bool) -> None:
    for _ in range(500):
        if (not await outbox.is_unreachable(bot.db, chat_id)) is expected:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"chat {chat_id} reachable={not expected}, expected {expected}")


async def test_admin_commands_in_a_group_change_nothing_and_point_to_the_private_chat(
    bot: BotHarness,
) -> None:
    member = bot.fake.user(1001, first_name="Andi")
    await member.share_contact(phone=ANDI.phone)
    await bot.fake.wait_for_message(1001, "Terdaftar")
    group = bot.fake.group(-100555, "Posko Sanggau")
    admin = bot.fake.user(ADMIN_ID, first_name="Admin")
    group.set_member(admin)

    await admin.send("/angkat 87050123 komandan BRIMOB", chat=group)
    answer = await bot.fake.wait_for_message(-100555, "hanya dipakai di chat pribadi")
    assert answer.text is not None
    assert "/angkat" in answer.text
    assert answer.reply_markup == {
        "inline_keyboard": [[{"text": "Buka chat pribadi", "url": "https://t.me/siaga_test_bot"}]]
    }
    await admin.send("/copot@siaga_test_bot 87050123", chat=group)
    await bot.fake.wait_for_message(-100555, "Perintah /copot hanya dipakai")

    # The same in English.
    await admin.send("/bahasa")
    await bot.fake.wait_for_message(ADMIN_ID, "Choose a language")
    await admin.press("English")
    await bot.fake.wait_for_message(ADMIN_ID, "Language: English")
    await admin.send("/lepas 87050123", chat=group)
    english = await bot.fake.wait_for_message(-100555, "only used in a private chat")
    assert english.text is not None
    assert "/lepas" in english.text
    assert english.button_texts == ["Open private chat"]
    await bot.fake.wait_idle()

    person = await personnel.by_nrp(bot.db, ANDI.nrp)
    assert person is not None
    assert person.role == "anggota"
    assert person.telegram_user_id == 1001
    actions = {e.action for e in await audit.entries(bot.db)}
    assert not actions & {"role.appointed", "role.dismissed", "registration.released"}
    assert not [m for m in bot.fake.sent_to(1001) if "Anda sekarang" in (m.text or "")]
