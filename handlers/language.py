"""/bahasa: each person reads Siaga in Indonesian or English."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain import callback_data
from bot.services import SiagaApp, SiagaContext
from handlers import menus
from handlers.common import inline_keyboard, reply
from storage import users


async def choose(update: Update, context: SiagaContext) -> None:
    keyboard = inline_keyboard(
        [
            [
                (context.label("language-id"), callback_data.encode("lang", "set", "id")),
                (context.label("language-en"), callback_data.encode("lang", "set", "en")),
            ]
        ]
    )
    await reply(update, context, "language-choose", reply_markup=keyboard)


async def on_choice(update: Update, context: SiagaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    data = callback_data.decode(query.data)
    services = context.services
    lang = data.args[0] if data and data.args else ""
    if lang not in services.catalog.languages:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    async with services.db.transaction() as tx:
        await users.set_language(tx, context.actor.user_id, lang, services.clock.now())
    text = services.catalog.html(lang, "language-set")
    await query.answer(services.catalog.text(lang, "language-set"))
    if query.message is not None:
        await query.edit_message_text(text)
    if context.actor.is_commander:
        await menus.refresh_for_user(context, context.actor.user_id)


def register(app: SiagaApp) -> None:
    app.add_handler(CommandHandler(["bahasa", "language"], choose))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=r"^lang:v1:set:"))
