"""Plain text in a private chat answers whatever the bot last asked that user to type.

The question is a row (`telegram_users.pending_input`, e.g. `nrp` or `reason:apel:12`), so
a restart between question and answer loses nothing. Features register the kinds they ask.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.services import PartKey, Services, SiagaApp, SiagaContext
from handlers.common import reply
from storage import users

InputHandler = Callable[[Update, SiagaContext, str, str], Awaitable[None]]
# This application's routes (never process-global: each application registers its own).
ROUTES = PartKey[dict[str, InputHandler]]("text_input.routes")


def expects(app: SiagaApp, kind: str, handler: InputHandler) -> None:
    """`handler(update, context, argument, text)` answers pending inputs `kind[:argument]`."""
    services: Services = app.bot_data["services"]
    services.extras.setdefault(ROUTES, {})[kind] = handler


async def on_text(update: Update, context: SiagaContext) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    account = await users.get(context.services.db, context.actor.user_id)
    pending = account.pending_input if account else None
    if pending:
        kind, _, argument = pending.partition(":")
        handler = context.services.extras.setdefault(ROUTES, {}).get(kind)
        if handler is not None:
            await handler(update, context, argument, message.text.strip())
            return
    await reply(update, context, "text-not-expected")


def register(app: SiagaApp) -> None:
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, on_text)
    )
