"""Small helpers every handler module shares: replying from the catalog, keyboards, gates."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import CommandHandler

from bot.commands import COMMANDS
from bot.services import SiagaContext

Button = tuple[str, str]
Callback = Callable[[Update, SiagaContext], Coroutine[Any, Any, None]]


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


def open_private_chat_markup(context: SiagaContext) -> InlineKeyboardMarkup:
    """One button that opens the private chat with the bot (for answers given in a group)."""
    url = f"https://t.me/{context.bot.username}"
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(context.label("group-open-private"), url=url)]]
    )


def command(name: str, callback: Callback) -> CommandHandler[SiagaContext, None]:
    """The handler of command `name`, kept to the chats `bot/commands.py` declares for it.

    A command its `CommandSpec` lists for private chats only (`group=False`) does nothing in a
    group but answer, there, that it is used in the private chat with the bot, with a button
    that opens it. Everything else is `callback`'s to decide (authorization included).
    """
    spec = next((c for c in COMMANDS if name == c.name or name in c.aliases), None)
    if spec is None:
        raise ValueError(f"/{name} has no CommandSpec in bot/commands.py")
    if spec.group:
        return CommandHandler(name, callback)

    async def private_only(update: Update, context: SiagaContext) -> None:
        if is_private(update):
            await callback(update, context)
            return
        await reply(
            update,
            context,
            "error-private-only",
            command=name,
            reply_markup=open_private_chat_markup(context),
        )

    return CommandHandler(name, private_only)


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
