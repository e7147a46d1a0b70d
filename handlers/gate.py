"""The one place that decides who is asking. Runs first (group -1) for every update."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.domain.callback_data import decode
from bot.services import Actor, PartKey, Services, SiagaApp, SiagaContext
from bot.throttle import FloodGate, Verdict
from handlers import reachability
from handlers.common import reply
from storage import personnel, users
from storage.personnel import CommandScope

# What someone not (yet) on the linked roster may do: register, read help, pick a language.
OPEN_COMMANDS = frozenset({"start", "daftar", "bantuan", "help", "bahasa", "language"})
OPEN_CALLBACK_NAMESPACES = frozenset({"lang"})
# Pending inputs a stranger may answer with plain text.
OPEN_INPUTS = frozenset({"nrp"})

GATE_GROUP = -1
FLOOD_KEY = PartKey[FloodGate]("gate.flood")

log = logging.getLogger(__name__)


async def resolve_actor(context: SiagaContext, user_id: int) -> Actor:
    found = await personnel.sender(context.services.db, user_id)
    return await _actor(context, user_id, found)


async def _actor(context: SiagaContext, user_id: int, found: personnel.Sender | None) -> Actor:
    services = context.services
    db = services.db
    person = found.person if found is not None and found.person.active else None
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
    found = await personnel.sender(context.services.db, user.id)
    actor = await _actor(context, user.id, found)
    context.actor = actor
    if update.my_chat_member is None:
        # Membership changes (blocked, added to a group) are state, never a flood.
        await _throttle(update, context)
        if found is not None and found.unreachable and _is_private(update):
            # Telegram tells of no comeback but an unblock: a chat that was "not found", or
            # a block lifted without a my_chat_member, is only seen working by this update.
            await reachability.back_in_private(context.services, found.person)
    if actor.is_linked or actor.is_admin or update.my_chat_member is not None:
        return
    if await _open_to_strangers(update, context):
        return
    await _turn_away(update, context)
    raise ApplicationHandlerStop


def flood_gate(services: Services) -> FloodGate:
    """The per-user token bucket, built on first use; tests may put their own in extras."""
    found = services.extras.get(FLOOD_KEY)
    if found is None:
        settings = services.settings
        found = services.extras[FLOOD_KEY] = FloodGate(
            settings.flood_updates, settings.flood_window_s
        )
    return found


def admit_tap(services: Services, user_id: int) -> bool:
    """For taps handled a batch at a time (bot/transport/taps.py): counted and True unless the
    sender is flooding; then False, and the tap goes through `gate`, which answers it."""
    flood = flood_gate(services)
    return flood.has_room(user_id) and flood.admit(user_id) is Verdict.ALLOW


async def _throttle(update: Update, context: SiagaContext) -> None:
    """Stop this update here when its sender is flooding; a tap is answered all the same."""
    verdict = flood_gate(context.services).admit(context.actor.user_id)
    if verdict is Verdict.ALLOW:
        return
    query = update.callback_query
    if verdict is Verdict.WARN:
        log.warning("user %d is flooding: updates dropped for a while", context.actor.user_id)
        if query is not None:
            await query.answer(context.label("flood-slow-down-short"), show_alert=True)
        elif _worth_answering(update):
            await reply(update, context, "flood-slow-down")
    elif query is not None:
        await query.answer(context.label("flood-slow-down-short"))
    raise ApplicationHandlerStop


def _is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


def _worth_answering(update: Update) -> bool:
    """A private message, or a command in a group (group chatter is not for us)."""
    message = update.effective_message
    if message is None:
        return False
    return message.chat.type == ChatType.PRIVATE or _command_name(message.text) is not None


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
