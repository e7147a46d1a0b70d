"""The one place that decides who is asking. Runs first (group -1) for every update."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.domain.callback_data import decode
from bot.services import Actor, SiagaApp, SiagaContext
from handlers.common import reply
from storage import personnel, users
from storage.personnel import CommandScope

# What someone not (yet) on the linked roster may do: register, read help, pick a language.
OPEN_COMMANDS = frozenset({"start", "daftar", "bantuan", "help", "bahasa", "language"})
OPEN_CALLBACK_NAMESPACES = frozenset({"lang"})
# Pending inputs a stranger may answer with plain text.
OPEN_INPUTS = frozenset({"nrp"})

GATE_GROUP = -1


async def resolve_actor(context: SiagaContext, user_id: int) -> Actor:
    services = context.services
    db = services.db
    person = await personnel.by_telegram_user(db, user_id)
    if person is not None and not person.active:
        person = None
    account = await users.get(db, user_id)
    language = (account.language if account else None) or services.settings.locale
    is_admin = services.settings.is_configured_admin(user_id) or (
        person is not None and person.role == "admin"
    )
    scope = CommandScope(frozenset(), frozenset())
    if person is not None and person.role in ("komandan", "admin"):
        scope = await personnel.command_scope(db, person.id)
    return Actor(user_id, language, person, is_admin, scope)


async def gate(update: Update, context: SiagaContext) -> None:
    user = update.effective_user
    if user is None or user.is_bot:
        return
    actor = await resolve_actor(context, user.id)
    context.actor = actor
    if actor.is_linked or actor.is_admin or update.my_chat_member is not None:
        return
    if await _open_to_strangers(update, context):
        return
    await _turn_away(update, context)
    raise ApplicationHandlerStop


async def _open_to_strangers(update: Update, context: SiagaContext) -> bool:
    message = update.effective_message
    if update.callback_query is not None:
        data = decode(update.callback_query.data)
        return data is not None and data.namespace in OPEN_CALLBACK_NAMESPACES
    if message is None:
        return False
    if message.contact is not None:
        return True
    command = _command_name(message.text)
    if command is not None:
        return command in OPEN_COMMANDS
    if message.text and message.chat.type == ChatType.PRIVATE:
        account = await users.get(context.services.db, context.actor.user_id)
        return account is not None and account.pending_input in OPEN_INPUTS
    return False


async def _turn_away(update: Update, context: SiagaContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(context.label("gate-not-registered"), show_alert=True)
        return
    chat = update.effective_chat
    if chat is None:
        return
    if chat.type == ChatType.PRIVATE:
        await reply(update, context, "gate-not-registered-private")
    elif update.effective_message and _command_name(update.effective_message.text):
        # In groups only answer a command aimed at the bot; chatter is not for us.
        await reply(update, context, "gate-not-registered-group")


def _command_name(text: str | None) -> str | None:
    if not text or not text.startswith("/"):
        return None
    head = text.split(maxsplit=1)[0][1:]
    return head.split("@", 1)[0].lower() or None


def register(app: SiagaApp) -> None:
    app.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
