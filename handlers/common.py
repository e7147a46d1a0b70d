"""Small helpers every handler module shares: replying from the catalog, keyboards, gates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode

from bot.services import SiagaContext

Button = tuple[str, str]


def inline_keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def markup_json(rows: Sequence[Sequence[Button]]) -> dict[str, Any]:
    """The same keyboard as Bot API JSON, for messages that go through the outbox."""
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": data} for label, data in row] for row in rows
        ]
    }


async def reply(
    update: Update,
    context: SiagaContext,
    key: str,
    *,
    reply_markup: Any = None,
    **args: str | int | float,
) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_text(
        context.t(key, **args), parse_mode=ParseMode.HTML, reply_markup=reply_markup
    )


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


def command_args(context: SiagaContext) -> list[str]:
    return list(context.args or [])


async def require_commander(update: Update, context: SiagaContext) -> bool:
    """True for commanders and admins; everyone else is told politely and nothing changes."""
    if context.actor.is_commander:
        return True
    await reply(update, context, "error-commander-only")
    return False


async def require_admin(update: Update, context: SiagaContext) -> bool:
    if context.actor.is_admin:
        return True
    await reply(update, context, "error-admin-only")
    return False
