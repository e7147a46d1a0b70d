"""The fake Bot API, driven by the real PTB stack (HTTPXRequest, JSON, error mapping)."""

from __future__ import annotations

import os
from importlib import resources

# PTB >= 22.2 warns on RetryAfter.retry_after unless timedeltas are opted into.
os.environ["PTB_TIMEDELTA"] = "1"

import asyncio
import contextlib
import datetime as dtm
import html
import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.rehearsal.fake_telegram import (
    DEFAULT_TOKEN,
    NOT_MODIFIED,
    BotApiSpec,
    FakeTelegram,
    load_spec,
)
from bot.rehearsal.fake_telegram.distill_spec import DEFAULT_SOURCE, SCHEMA_FILE, build
from bot.rehearsal.fake_telegram.entities import EntityParseError, parse_html

TOKEN = DEFAULT_TOKEN
App = Application[Any, Any, Any, Any, Any, Any]
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def app(fake: FakeTelegram) -> AsyncIterator[App]:
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(fake.api_base_url)
        .base_file_url(fake.file_base_url)
        .build()
    )
    await application.initialize()
    yield application
    await application.shutdown()


@contextlib.asynccontextmanager
async def polling(application: App) -> AsyncIterator[None]:
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()


def _spec() -> BotApiSpec:
    spec = load_spec()
    assert spec is not None, "the bundled Bot API schema should always load"
    return spec


# -- basics ------------------------------------------------------------------------------


async def test_get_me_identifies_the_bot(fake: FakeTelegram, app: App) -> None:
    assert app.bot.username == "siaga_test_bot"
    assert app.bot.id == 123456
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake.calls("getMe")[0].status == 200
    fake.assert_clean()


async def test_send_message_shapes_like_telegram(fake: FakeTelegram, app: App) -> None:
    andi = fake.user(1001, "Andi", username="andi")
    budi = fake.user(1002, "Budi")
    group = fake.group(-100123, "Posko")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Hadir", callback_data="rc:v1:1")]])

    first = await app.bot.send_message(
        andi.id, "<b>Apel</b> pukul 07:00 &amp; siap", parse_mode="HTML", reply_markup=keyboard
    )
    second = await app.bot.send_message(andi.id, "Dua", reply_parameters=ReplyParameters(1))
    other = await app.bot.send_message(budi.id, "Satu")
    in_group = await app.bot.send_message(group.id, "Laporan")

    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert in_group.message_id == 1
    assert first.chat.type == "private"
    assert first.chat.first_name == "Andi"
    assert first.from_user is not None
    assert first.from_user.is_bot
    assert first.from_user.id == app.bot.id
    assert first.text == "Apel pukul 07:00 & siap"
    assert first.entities[0].type == "bold"
    assert first.reply_markup == keyboard
    assert isinstance(first.date, dtm.datetime)
    assert second.reply_to_message is not None
    assert second.reply_to_message.message_id == 1
    assert in_group.chat.type == "supergroup"
    assert in_group.chat.title == "Posko"

    sent = andi.messages()
    assert [m.text for m in sent] == ["Apel pukul 07:00 & siap", "Dua"]
    assert sent[0].source_text == "<b>Apel</b> pukul 07:00 &amp; siap"
    assert sent[0].button_texts == ["Hadir"]
    assert group.last_message().text == "Laporan"
    record = fake.last_call("sendMessage")
    assert record.params["chat_id"] == group.id  # decoded from the form field
    fake.assert_clean()


async def test_reply_keyboards_are_recorded(fake: FakeTelegram, app: App) -> None:
    andi = fake.user(1001, "Andi")
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton("Bagikan nomor", request_contact=True)]],
        one_time_keyboard=True,
        resize_keyboard=True,
    )
    msg = await app.bot.send_message(andi.id, "Bagikan nomor Anda", reply_markup=markup)
    assert msg.reply_markup is None  # Telegram echoes only inline keyboards
    assert andi.last_message().reply_markup is not None
    assert andi.keyboard()[0][0]["request_contact"] is True

    await app.bot.send_message(
        andi.id, "Lokasi?", reply_markup=ReplyKeyboardMarkup([["Kirim lokasi"]])
    )
    await app.bot.send_message(
        andi.id,
        "Lokasi",
        reply_markup=ReplyKeyboardMarkup([[KeyboardButton("Lokasi", request_location=True)]]),
    )
    assert andi.keyboard()[0][0]["request_location"] is True
    await app.bot.send_message(andi.id, "Selesai", reply_markup=ReplyKeyboardRemove())
    assert andi.keyboard() == []
    fake.assert_clean()


async def test_edit_delete_and_not_modified(fake: FakeTelegram, app: App) -> None:
    andi = fake.user(1001, "Andi")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Batal", callback_data="co:v1:x:1")]])
    msg = await app.bot.send_message(andi.id, "Hadir: 0/10", reply_markup=keyboard)

    edited = await app.bot.edit_message_text(
        "Hadir: 1/10", chat_id=andi.id, message_id=msg.message_id, reply_markup=keyboard
    )
    assert isinstance(edited, type(msg))
    assert edited.text == "Hadir: 1/10"
    assert edited.edit_date is not None

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await app.bot.edit_message_reply_markup(andi.id, msg.message_id, reply_markup=keyboard)
    assert fake.last_call("editMessageReplyMarkup").response == {
        "ok": False,
        "error_code": 400,
        "description": NOT_MODIFIED,
    }

    # Editing the text without reply_markup drops the keyboard, as on Telegram.
    await app.bot.edit_message_text("Ditutup", chat_id=andi.id, message_id=msg.message_id)
    current = andi.last_message()
    assert current.versions == ["Hadir: 0/10", "Hadir: 1/10", "Ditutup"]
    assert current.buttons == []
    assert current.history[0].reply_markup == keyboard.to_dict()

    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await app.bot.edit_message_text("x", chat_id=andi.id, message_id=99)

    assert await app.bot.delete_message(andi.id, msg.message_id)
    assert andi.messages() == []
    assert fake.history(andi)[0].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await app.bot.delete_message(andi.id, msg.message_id)
    fake.assert_clean()


async def test_html_that_telegram_rejects_is_rejected(fake: FakeTelegram, app: App) -> None:
    andi = fake.user(1001, "Andi")
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await app.bot.send_message(andi.id, "Lokasi: <Kantor KPU>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't find end tag"):
        await app.bot.send_message(andi.id, "<b>Apel", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await app.bot.send_message(andi.id, " ")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await app.bot.send_message(andi.id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await app.bot.send_message(
            andi.id,
            "x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("a", callback_data="x" * 65)]]
            ),
        )
    assert andi.messages() == []
    fake.assert_clean()


async def test_commands_are_stored_per_scope_and_language(fake: FakeTelegram, app: App) -> None:
    andi = fake.user(1001, "Andi", language_code="en")
    group = fake.group(-100123, "Posko")
    group.set_member(andi, "administrator")
    member_cmds = [BotCommand("start", "Mulai"), BotCommand("siap", "Lapor siap")]
    await app.bot.set_my_commands(member_cmds, scope=BotCommandScopeAllPrivateChats())
    await app.bot.set_my_commands(
        [BotCommand("start", "Start")], scope=BotCommandScopeAllPrivateChats(), language_code="en"
    )
    await app.bot.set_my_commands(
        [BotCommand("gerakkan", "Gerakkan cadangan")], scope=BotCommandScopeChat(2001)
    )
    await app.bot.set_my_commands(
        [BotCommand("status", "Status")], scope=BotCommandScopeChatMember(group.id, andi.id)
    )

    got = await app.bot.get_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert [c.command for c in got] == ["start", "siap"]
    assert await app.bot.get_my_commands() == ()
    assert [c["command"] for c in fake.my_commands("all_private_chats", "en")] == ["start"]
    assert fake.my_commands({"type": "chat", "chat_id": 2001})[0]["command"] == "gerakkan"
    # What each person actually sees follows Telegram's scope resolution.
    assert [c["description"] for c in fake.menu_for(andi)] == ["Start"]
    assert [c["command"] for c in fake.menu_for(2001)] == ["gerakkan"]
    assert [c["command"] for c in fake.menu_for(andi, group)] == ["status"]

    await app.bot.delete_my_commands(scope=BotCommandScopeChat(2001))
    assert fake.my_commands({"type": "chat", "chat_id": 2001}) == []
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await app.bot.set_my_commands([BotCommand("Gerakkan", "x")])
    fake.assert_clean()


async def test_documents_and_photos_keep_name_and_bytes(fake: FakeTelegram, app: App) -> None:
    andi = fake.user(1001, "Andi")
    payload = b"nrp,nama\n87050123,Andi\n"
    msg = await app.bot.send_document(
        andi.id, payload, filename="laporan.csv", caption="<i>Laporan</i> apel", parse_mode="HTML"
    )
    assert msg.document is not None
    assert msg.document.file_name == "laporan.csv"
    assert msg.caption == "Laporan apel"
    sent = andi.last_message()
    assert sent.document is not None
    assert sent.document.data == payload
    assert sent.document.file_name == "laporan.csv"
    assert sent.caption == "Laporan apel"

    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (640).to_bytes(4, "big") * 2
    photo = await app.bot.send_photo(andi.id, png, caption="Peta")
    assert photo.photo[-1].width == 640
    assert andi.last_message().photo is not None

    # The bot can fetch what a person uploads (e.g. a roster), via base_file_url.
    upload = await andi.send_document("roster.csv", payload, mime_type="text/csv")
    assert upload.document is not None
    tg_file = await app.bot.get_file(upload.document.file_id)
    assert bytes(await tg_file.download_as_bytearray()) == payload
    fake.assert_clean()


async def test_the_rest_of_the_methods(fake: FakeTelegram, app: App) -> None:
    andi = fake.user(1001, "Andi")
    group = fake.group(-100123, "Posko", bot_status="administrator")
    loc = await app.bot.send_location(andi.id, latitude=-0.0263, longitude=109.3425)
    assert loc.location is not None
    assert loc.location.latitude == pytest.approx(-0.0263)
    assert await app.bot.send_chat_action(andi.id, "typing")
    assert fake.chat_actions == [(andi.id, "typing")]

    msg = await app.bot.send_message(group.id, "Status")
    assert await app.bot.pin_chat_message(group.id, msg.message_id)
    chat = await app.bot.get_chat(group.id)
    assert chat.title == "Posko"
    assert chat.pinned_message is not None
    assert await app.bot.unpin_chat_message(group.id)
    assert not group.last_message().pinned

    member = await app.bot.get_chat_member(group.id, app.bot.id)
    assert member.status == "administrator"
    group.set_member(andi, "member")
    assert (await app.bot.get_chat_member(group.id, andi.id)).status == "member"
    assert (await app.bot.get_chat(andi.id)).first_name == "Andi"

    assert await app.bot.set_webhook("https://example.invalid/hook")
    assert (await app.bot.get_webhook_info()).url == "https://example.invalid/hook"
    assert await app.bot.delete_webhook()
    assert (await app.bot.get_webhook_info()).url == ""
    assert await app.bot.leave_chat(group.id)
    assert group.bot_status == "left"
    with pytest.raises(Forbidden, match="not a member"):
        await app.bot.send_message(group.id, "halo")
    assert await app.bot.close()
    assert await app.bot.log_out()
    fake.assert_clean()
    assert fake.self_check() == []


# -- polling and simulated people ---------------------------------------------------------


async def test_user_command_reaches_handler_and_reply_lands(fake: FakeTelegram, app: App) -> None:
    seen: list[str] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        seen.append(update.message.text or "")
        await update.message.reply_text("Selamat datang")

    app.add_handler(CommandHandler("start", start))
    andi = fake.user(1001, "Andi")
    async with polling(app):
        await andi.send("/start")
        reply = await fake.wait_for_message(andi, "Selamat datang")
        await andi.send("/start@siaga_test_bot")
        await fake.wait_for(lambda: len(andi.messages()) == 2)
    assert seen == ["/start", "/start@siaga_test_bot"]
    assert reply.message_id == 2  # the user's /start took id 1 in the same chat
    assert [m.from_bot for m in fake.history(andi)] == [False, True, False, True]
    fake.assert_clean()


async def test_inline_button_press_is_answered(fake: FakeTelegram, app: App) -> None:
    async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        keyboard = [
            [InlineKeyboardButton("Hadir", callback_data="rc:v1:hadir:7")],
            [InlineKeyboardButton("Tidak hadir", callback_data="rc:v1:absen:7")],
        ]
        await update.message.reply_text("Apel?", reply_markup=InlineKeyboardMarkup(keyboard))

    pressed: list[str] = []

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        pressed.append(query.data or "")
        await query.answer("Tercatat")
        await query.edit_message_text(f"Jawaban: {query.data}")

    app.add_handler(CommandHandler("apel", ask))
    app.add_handler(CallbackQueryHandler(on_press))
    andi = fake.user(1001, "Andi")
    async with polling(app):
        await andi.send("/apel")
        await fake.wait_for_message(andi, "Apel?")
        cq = await andi.press("Hadir")  # exact match wins over "Tidak hadir"
        answer = await fake.wait_for(lambda: fake.callback_answer(cq))
        assert answer["text"] == "Tercatat"
        await fake.wait_for_message(andi, "Jawaban: rc:v1:hadir:7")

        forged = await andi.press_data("rc:v1:hadir:999", andi.last_message())
        await fake.wait_for(lambda: fake.callback_answer(forged))
    assert pressed == ["rc:v1:hadir:7", "rc:v1:hadir:999"]
    assert fake.unanswered_callback_queries() == []
    with pytest.raises(AssertionError, match="no inline button"):
        await andi.press("Tidak ada")
    fake.assert_clean()


async def test_contact_location_and_groups(fake: FakeTelegram, app: App) -> None:
    contacts: list[tuple[int | None, str]] = []
    locations: list[bool] = []
    members: list[tuple[str, str]] = []
    group_commands: list[int] = []

    async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        assert update.message.contact is not None
        contacts.append((update.message.contact.user_id, update.message.contact.phone_number))

    async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        locations.append(update.message.forward_origin is not None)

    async def on_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        assert change is not None
        members.append((change.old_chat_member.status, change.new_chat_member.status))

    async def on_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        group_commands.append(update.effective_chat.id)
        await context.bot.send_message(update.effective_chat.id, "Status posko")

    app.add_handler(MessageHandler(filters.CONTACT, on_contact))
    app.add_handler(MessageHandler(filters.LOCATION, on_location))
    app.add_handler(ChatMemberHandler(on_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(CommandHandler("status", on_status))
    andi = fake.user(1001, "Andi")
    group = fake.group(-100555, "Posko Polda", bot_status="left")
    async with polling(app):
        await andi.share_contact(phone="+6281234567801")
        await andi.share_contact(phone="+6281234567802", user_id=2002)
        await andi.share_location(-0.02, 109.34)
        await andi.share_location(-0.02, 109.34, forwarded=True)
        await fake.wait_for(lambda: len(contacts) == 2 and len(locations) == 2)

        await fake.add_bot_to_group(group, by=andi)
        await andi.send("halo semua", chat=group)  # privacy mode: the bot does not see it
        await andi.send("/status@siaga_test_bot", chat=group)
        await fake.wait_for_message(group, "Status posko")
        await fake.remove_bot_from_group(group, by=andi)
        await fake.wait_for(lambda: len(members) == 2)
        await fake.wait_idle()
    assert contacts == [(1001, "+6281234567801"), (2002, "+6281234567802")]
    assert locations == [False, True]
    assert members == [("left", "member"), ("member", "kicked")]
    assert group_commands == [group.id]
    with pytest.raises(Forbidden, match="kicked from the supergroup"):
        await app.bot.send_message(group.id, "masih di sini?")
    fake.assert_clean()


async def test_keyboard_taps_migration_and_tokens(fake: FakeTelegram, app: App) -> None:
    andi = fake.user(1001, "Andi", phone="+6281234567801")
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton("Bagikan nomor", request_contact=True)], ["Batal"]],
        one_time_keyboard=True,
    )
    await app.bot.send_message(andi.id, "Nomor?", reply_markup=markup)
    shared = await andi.tap_keyboard("Bagikan nomor")
    assert shared.contact == {
        "phone_number": "+6281234567801",
        "first_name": "Andi",
        "user_id": 1001,
    }
    assert andi.keyboard() == []  # one_time_keyboard hides itself after a tap
    with pytest.raises(AssertionError, match="no reply-keyboard button"):
        await andi.tap_keyboard("Batal")

    group = fake.group(-4001, "Posko lama", type="group")
    new_group = await group.migrate_to_supergroup(-1004001)
    with pytest.raises(ChatMigrated) as caught:
        await app.bot.send_message(group.id, "halo")
    assert caught.value.new_chat_id == new_group.id
    sent = await app.bot.send_message(new_group.id, "halo")
    assert sent.chat.type == "supergroup"
    kinds = [
        next(k for k in u["message"] if k.startswith("migrate_"))
        for u in fake.pending_updates[-2:]
    ]
    assert kinds == ["migrate_to_chat_id", "migrate_from_chat_id"]

    mark = len(fake.requests)
    await app.bot.send_message(andi.id, "cari saya")
    found = await fake.wait_for_call("sendMessage", lambda p: p["text"] == "cari saya", after=mark)
    assert found.ok
    assert found.result["chat"]["id"] == andi.id

    async with FakeTelegram(token="42:only-this-token") as strict:
        with pytest.raises(InvalidToken):
            async with Bot(TOKEN, base_url=strict.api_base_url):
                pass
    fake.assert_clean()


async def test_get_updates_long_polls_and_confirms(fake: FakeTelegram) -> None:
    andi = fake.user(1001, "Andi")
    url = f"{fake.api_base_url}{TOKEN}"
    async with httpx.AsyncClient() as client:
        started = time.monotonic()
        poll = asyncio.create_task(client.post(f"{url}/getUpdates", json={"timeout": 5}))
        await asyncio.sleep(0.05)
        assert not poll.done()
        await andi.send("/start")
        body = (await poll).json()
        assert time.monotonic() - started < 1.0  # woken by the update, not by the timeout
        assert body["ok"]
        [update] = body["result"]
        assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

        await andi.send("satu")
        await andi.send("dua")
        # Without an offset nothing is confirmed: the same updates come again.
        again = (await client.get(f"{url}/GETUPDATES", params={"limit": 2})).json()
        assert [u["update_id"] for u in again["result"]] == [update["update_id"], 2]
        rest = (await client.post(f"{url}/getUpdates", data={"offset": "3"})).json()
        assert [u["message"]["text"] for u in rest["result"]] == ["dua"]
        assert fake.pending_updates[0]["update_id"] == 3

        # allowed_updates: from then on, Telegram does not even create other kinds.
        only = await client.post(
            f"{url}/getUpdates", json={"offset": 4, "allowed_updates": ["callback_query"]}
        )
        assert only.json()["result"] == []
        await fake.add_bot_to_group(fake.group(-100777, "X", bot_status="left"), by=andi)
        assert fake.pending_updates == []
        await client.post(f"{url}/sendMessage", json={"chat_id": andi.id, "text": "Apel?"})
        cq = await andi.press_data("rc:v1:hadir:1")
        [pressed] = (await client.post(f"{url}/getUpdates", json={"offset": 4})).json()["result"]
        assert pressed["callback_query"]["id"] == cq
        assert pressed["callback_query"]["message"]["text"] == "Apel?"

        await client.post(f"{url}/setWebhook", json={"url": "https://example.invalid/x"})
        conflict = await client.post(f"{url}/getUpdates")
        assert conflict.status_code == 409
    fake.assert_clean()


# -- spec checking --------------------------------------------------------------------------


async def test_spec_violations_are_answered_and_recorded(fake: FakeTelegram) -> None:
    url = f"{fake.api_base_url}{TOKEN}"
    async with httpx.AsyncClient() as client:
        unknown = await client.post(
            f"{url}/sendMessage", json={"chat_id": 1, "text": "x", "disable_preview": True}
        )
        missing = await client.post(f"{url}/sendMessage", json={"chat_id": 1})
        wrong_type = await client.post(
            f"{url}/sendMessage",
            json={"chat_id": 1, "text": "x", "reply_markup": {"inline_keyboard": [[{"txt": 1}]]}},
        )
        no_method = await client.post(f"{url}/sendMesage", json={"chat_id": 1, "text": "x"})
    assert unknown.status_code == 400
    assert "unknown parameter(s) disable_preview" in unknown.json()["description"]
    assert missing.status_code == 400
    assert "missing required parameter(s) text" in missing.json()["description"]
    assert wrong_type.status_code == 400
    assert no_method.status_code == 404
    assert no_method.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert "missing required field(s) text in InlineKeyboardButton" in wrong_type.text
    assert len(fake.spec_violations) >= 4
    assert "sendMesage" in fake.spec_violations[-1]
    with pytest.raises(AssertionError, match="Bot API misuse"):
        fake.assert_clean()
    assert fake.sent_to(1) == []


async def test_returned_objects_match_the_spec(fake: FakeTelegram, app: App) -> None:
    spec = _spec()
    andi = fake.user(1001, "Andi", last_name="Saputra", username="andi")
    group = fake.group(-100123, "Posko")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Siap", callback_data="x")]])
    await app.bot.send_message(andi.id, "<u>x</u>", parse_mode="HTML", reply_markup=keyboard)
    await app.bot.send_document(group.id, b"abc", filename="a.txt")
    await andi.send("/start")
    await andi.share_contact("+62812")
    await andi.share_location(1.0, 2.0, forwarded=True, live_period=60)
    await andi.press("Siap")
    await andi.send("/status", chat=group, reply_to=group.last_message())
    await andi.send_document("r.csv", b"1,2", mime_type="text/csv", caption="roster")
    await fake.add_bot_to_group(group, by=andi, status="administrator")
    await andi.block()

    assert fake.self_check() == []
    # Results were validated as they were served, too (validate_results is on by default).
    fake.assert_clean()
    for update in fake.pending_updates:
        assert spec.check_object("Update", update) == []

    # And the checker does catch what is wrong.
    bad_message = {"message_id": 1, "chat": {"id": 1, "type": "private"}, "colour": "red"}
    problems = spec.check_object("Message", bad_message)
    assert any("unknown field(s) colour" in p for p in problems)
    assert any("missing required field(s) date" in p for p in problems)
    assert spec.check_object("User", {"id": 1, "is_bot": "no", "first_name": "x"}) != []


def test_spec_loading_is_optional(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SIAGA_BOT_API_SPEC", str(tmp_path / "missing.json"))
    assert load_spec() is None
    unchecked = FakeTelegram()
    assert unchecked.spec is None
    assert not unchecked.check_spec
    assert unchecked.self_check() == []
    monkeypatch.delenv("SIAGA_BOT_API_SPEC")
    spec = _spec()
    assert spec.version.startswith("Bot API")
    assert spec.method("SENDMESSAGE") is spec.methods["sendMessage"]


def test_the_bundled_schema_is_package_data_with_its_source_and_licence() -> None:
    # Read the way a wheel install reads it, never from a path beside the source tree.
    text = (resources.files("bot.rehearsal.fake_telegram") / "bot_api_schema.json").read_text(
        "utf-8"
    )
    schema = json.loads(text)
    assert "PaulSonOfLars/telegram-bot-api-spec" in schema["source"]
    assert schema["license"][0] == "MIT License"
    assert '"description":' not in text, "the schema keeps no prose"
    assert {"sendMessage", "getUpdates", "answerCallbackQuery"} <= schema["methods"].keys()
    assert load_spec() is not None
    assert FakeTelegram().check_spec


def test_the_committed_schema_is_what_the_distiller_makes() -> None:
    # ../shared is beside a developer's worktree but not beside a fresh clone: check there only.
    if not (DEFAULT_SOURCE / "api.json").is_file():
        pytest.skip(f"the public spec is not at {DEFAULT_SOURCE} (a fresh clone)")
    assert SCHEMA_FILE.read_text("utf-8") == build(DEFAULT_SOURCE), (
        "bot_api_schema.json is stale: run python -m bot.rehearsal.fake_telegram.distill_spec"
    )


# -- faults -------------------------------------------------------------------------------


async def test_rate_limits_answer_429_with_retry_after(fake: FakeTelegram, app: App) -> None:
    now = [1000.0]
    fake.faults.clock = lambda: now[0]
    fake.faults.rate_limits = True
    andi = fake.user(1001, "Andi")
    for i in range(3):  # the private-chat burst
        await app.bot.send_message(andi.id, f"pesan {i}")
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(andi.id, "terlalu cepat")
    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    body = fake.requests[-1].response
    assert body is not None
    assert body["parameters"] == {"retry_after": 1}
    assert body["description"] == "Too Many Requests: retry after 1"
    # Coming back before retry_after elapsed is counted: the bot's pacing is wrong.
    with pytest.raises(RetryAfter):
        await app.bot.send_message(andi.id, "lagi")
    now[0] += 1.0
    await app.bot.send_message(andi.id, "sesudah menunggu")
    assert (fake.faults.count_429, fake.faults.count_early_retries) == (2, 1)
    assert len(andi.messages()) == 4

    # A group allows 20 a minute, and the whole bot 30 a second.
    group = fake.group(-100123, "Posko")
    for _ in range(3):
        await app.bot.send_message(group.id, "status")
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(group.id, "status")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    fake.faults.limits.global_burst = 5
    fake.faults.reset_rate_limits()
    for uid in range(5):
        await app.bot.send_message(2000 + uid, "halo")
    with pytest.raises(RetryAfter):
        await app.bot.send_message(2999, "halo")
    # Not a sending method: never rate limited.
    await app.bot.get_chat(andi.id)
    fake.assert_clean()


async def test_blocked_and_missing_chats(fake: FakeTelegram, app: App) -> None:
    andi = fake.user(1001, "Andi")
    fake.faults.fail_chat(andi.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(andi.id, "halo")
    fake.faults.heal_chat(andi.id)
    await app.bot.send_message(andi.id, "halo")

    fake.faults.chat_not_found(5555)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await app.bot.send_message(5555, "halo")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await app.bot.send_message(-100999, "grup tidak dikenal")

    # A person blocking the bot is a my_chat_member update and then 403 on every send.
    await andi.block()
    assert fake.pending_updates[-1]["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    with pytest.raises(Forbidden, match="blocked"):
        await app.bot.send_message(andi.id, "halo")
    await andi.send("/start")  # writing again is Telegram's "restart": unblocked
    await app.bot.send_message(andi.id, "selamat datang kembali")

    strict = fake.user(1002, "Budi")
    fake.require_start = True
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await app.bot.send_message(strict.id, "halo")
    fake.assert_clean()


async def test_server_errors_timeouts_and_scripted_failures(fake: FakeTelegram, app: App) -> None:
    andi = fake.user(1001, "Andi")
    fake.faults.error_5xx_ratio = 1.0
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await app.bot.send_message(andi.id, "halo")
    await app.bot.get_chat(andi.id)  # random faults hit sending methods only by default
    fake.faults.error_5xx_ratio = 0.0

    fake.faults.timeout_ratio = 1.0
    fake.faults.timeout_hold_s = 2.0
    with pytest.raises(TimedOut):
        await app.bot.send_message(andi.id, "mungkin terkirim", read_timeout=0.2)
    # The message landed although the bot never heard back: the source of duplicates.
    assert andi.last_message().text == "mungkin terkirim"
    fake.faults.timeout_ratio = 0.0

    fake.faults.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(andi.id, "halo")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    fake.faults.fail_next("sendmessage", 500, "Internal Server Error", count=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await app.bot.send_message(andi.id, "halo")
    await app.bot.send_message(andi.id, "akhirnya")
    faults = fake.faults
    assert (faults.count_429, faults.count_5xx, faults.count_timeouts) == (1, 3, 1)

    faults.reseed(42)
    faults.error_5xx_ratio = 0.5
    outcomes = []
    for _ in range(20):
        try:
            await app.bot.send_message(andi.id, "acak")
            outcomes.append(True)
        except NetworkError:
            outcomes.append(False)
    faults.reseed(42)
    replay = [faults.rng.random() >= 0.5 for _ in range(20)]
    assert outcomes == replay  # seeded: a flaky run can be replayed exactly
    fake.assert_clean()


async def test_latency_applies_per_request(fake: FakeTelegram, app: App) -> None:
    andi = fake.user(1001, "Andi")
    fake.faults.latency_ms = 50
    started = time.monotonic()
    await app.bot.send_message(andi.id, "lambat")
    assert time.monotonic() - started >= 0.05
    fake.faults.latency_ms = 0
    fake.faults.method_latency_ms["sendChatAction"] = 30
    started = time.monotonic()
    await app.bot.send_chat_action(andi.id, "typing")
    assert time.monotonic() - started >= 0.03


async def test_wait_for_fails_readably(fake: FakeTelegram, app: App) -> None:
    await app.bot.send_message(fake.user(1001, "Andi").id, "halo")
    with pytest.raises(AssertionError, match=r"(?s)waiting for a message matching .*sendMessage"):
        await fake.wait_for_message(1001, "tidak pernah", timeout=0.05)


async def test_many_concurrent_sends_are_all_answered_and_recorded(fake: FakeTelegram) -> None:
    # The delivery engine's shape of load (aiohttp, 32 in flight). How fast the fake answers is a
    # benchmark figure (bench/delivery_bench.py, unthrottled run), not an assertion here: a timed
    # assert fails on a loaded 2-core machine without anything being wrong.
    url = f"{fake.api_base_url}{TOKEN}/sendMessage"
    n = 1500
    connector = aiohttp.TCPConnector(limit=32)
    async with aiohttp.ClientSession(connector=connector) as session:
        sem = asyncio.Semaphore(32)

        async def send(i: int) -> int:
            body = {"chat_id": 10_000 + i % 300, "text": f"m{i}"}
            async with sem, session.post(url, json=body) as response:
                await response.read()
                return response.status

        statuses = await asyncio.gather(*(send(i) for i in range(n)))
    assert set(statuses) == {200}
    assert len(fake.calls("sendMessage")) == n
    texts = {call.params["text"] for call in fake.calls("sendMessage")}
    assert texts == {f"m{i}" for i in range(n)}


# -- entities -----------------------------------------------------------------------------


@given(st.text(max_size=200))
def test_escaped_text_round_trips(text: str) -> None:
    assert parse_html(html.escape(text)) == (text, [])


def test_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_html('👮 <b>Siap</b> <a href="https://t.me/x?a=1&amp;b=2">link</a>')
    assert text == "👮 Siap link"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "url": "https://t.me/x?a=1&b=2", "offset": 8, "length": 4},
    ]
    with pytest.raises(EntityParseError, match="Unmatched end tag"):
        parse_html("<b><i>x</b></i>")


# -- standalone -----------------------------------------------------------------------------


async def test_standalone_server_and_control_api() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.rehearsal.fake_telegram",
        "--port",
        "0",
        "--latency-ms",
        "1",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        base = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode().strip()
        assert base.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=base) as client:
            me = (await client.get(f"/bot{TOKEN}/getMe")).json()
            assert me["result"]["username"] == "siaga_test_bot"
            await client.post("/_fake/users", json={"id": 1001, "first_name": "Andi"})
            sent = await client.post("/_fake/users/1001/send", json={"text": "/start"})
            assert sent.json()["ok"]
            updates = (await client.get(f"/bot{TOKEN}/getUpdates")).json()["result"]
            assert updates[0]["message"]["text"] == "/start"
            await client.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": 1001, "text": "Hai"})
            chat = (await client.get("/_fake/chats/1001/messages")).json()["result"]
            assert [m["text"] for m in chat] == ["/start", "Hai"]
            state = (await client.get("/_fake/state")).json()["result"]
            assert state["spec_violations"] == []
            faults = await client.post("/_fake/faults", json={"rate_limits": True})
            assert faults.json()["result"]["rate_limits"] is True
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)


def test_records_are_small_and_json_decoded() -> None:
    # The benchmark keeps every record; make sure a record does not drag its request along.
    from bot.rehearsal.fake_telegram import RecordedRequest

    rec = RecordedRequest("sendMessage", {"chat_id": 1}, 0.0)
    assert not hasattr(rec, "__dict__")
    assert json.loads(json.dumps(rec.params)) == {"chat_id": 1}
