"""Command menus per role and language, through `set_my_commands` scopes.

Personnel and strangers share the default private-chat menu; commanders and admins get a
menu scoped to their own chat, so each person sees only what they may use.
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from bot.commands import commands_for
from bot.i18n import Catalog
from bot.services import Services, SiagaContext
from handlers.dashboard.buttons import set_menu_button
from handlers.gate import resolve_actor
from storage import personnel, users

log = logging.getLogger(__name__)


def menu(catalog: Catalog, lang: str, role: str, *, in_group: bool = False) -> list[BotCommand]:
    return [
        BotCommand(spec.name, catalog.text(lang, spec.description_key))
        for spec in commands_for(role, in_group=in_group)
    ]


async def set_default_menus(bot: Bot, services: Services) -> None:
    """Menus for everyone, per language; then each commander's and admin's own."""
    catalog = services.catalog
    for lang in catalog.languages:
        code = None if lang == services.settings.locale else lang
        await bot.set_my_commands(
            menu(catalog, lang, "anggota"),
            scope=BotCommandScopeAllPrivateChats(),
            language_code=code,
        )
        await bot.set_my_commands(
            menu(catalog, lang, "anggota", in_group=True),
            scope=BotCommandScopeAllGroupChats(),
            language_code=code,
        )
        # In a command group the chat's administrators are the commanders and their staff.
        await bot.set_my_commands(
            menu(catalog, lang, "komandan", in_group=True),
            scope=BotCommandScopeAllChatAdministrators(),
            language_code=code,
        )
    commanders = await personnel.linked_commanders(services.db)
    chat_ids = {p.telegram_user_id for p in commanders if p.telegram_user_id is not None}
    chat_ids |= set(services.settings.admin_ids)
    for chat_id in sorted(chat_ids):
        role = await _role_of(services, chat_id)
        await _set_chat_menu(bot, services, chat_id, role)


async def refresh_for_user(context: SiagaContext, user_id: int) -> None:
    """After a link or a role change: that person's chat menu follows their new role."""
    actor = await resolve_actor(context, user_id)
    if actor.role in ("komandan", "admin"):
        await _set_chat_menu(context.bot, context.services, user_id, actor.role)
        return
    await set_menu_button(context.bot, context.services, user_id, actor.language, on=False)
    try:
        await context.bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
    except TelegramError as exc:
        log.warning("menu reset failed for chat %s: %s", user_id, exc)


async def _role_of(services: Services, user_id: int) -> str:
    if services.settings.is_configured_admin(user_id):
        return "admin"
    person = await personnel.by_telegram_user(services.db, user_id)
    return person.role if person is not None and person.active else "anggota"


async def _set_chat_menu(bot: Bot, services: Services, chat_id: int, role: str) -> None:
    lang = await users.language_of(services.db, chat_id, services.settings.locale)
    try:
        await bot.set_my_commands(
            menu(services.catalog, lang, role), scope=BotCommandScopeChat(chat_id)
        )
    except TelegramError as exc:
        # A commander who never opened the chat has no chat yet; the menu follows on /start.
        log.warning("menu for chat %s not set: %s", chat_id, exc)
        return
    await set_menu_button(bot, services, chat_id, lang, on=True)
