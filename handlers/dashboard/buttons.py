"""The `Dasbor` button other features put on their messages, and commanders' menu button.

One call each: `dashboard_row(services, lang, private=…)` gives a keyboard row (Bot API JSON,
for the outbox) or None when the dashboard is off; `with_dashboard(markup, …)` appends it to
a PTB keyboard. In a private chat the button opens the Mini App (`web_app`); Telegram allows
those only there, so in a group it is a link to the bot's Mini App (`t.me/<bot>?startapp`),
which opens it for whoever taps, with their own identity.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import TelegramError

from bot.services import PartKey, Services

log = logging.getLogger(__name__)

USERNAME_KEY = PartKey[str]("dashboard.bot_username")


def dashboard_row(services: Services, lang: str, *, private: bool) -> list[dict[str, Any]] | None:
    url = services.settings.web_url
    if url is None:
        return None
    label = services.catalog.text(lang, "dsb-button")
    if private:
        return [{"text": label, "web_app": {"url": url}}]
    username = services.extras.get(USERNAME_KEY)
    if not username:
        return None
    return [{"text": label, "url": f"https://t.me/{username}?startapp=dasbor"}]


def with_dashboard_json(
    markup: dict[str, Any], services: Services, lang: str, *, private: bool
) -> dict[str, Any]:
    """An outbox keyboard (Bot API JSON) with the Dasbor row added last."""
    row = dashboard_row(services, lang, private=private)
    if row is None:
        return markup
    return {"inline_keyboard": [*markup.get("inline_keyboard", []), row]}


def with_dashboard(
    markup: InlineKeyboardMarkup | None, services: Services, lang: str, *, private: bool
) -> InlineKeyboardMarkup | None:
    """A PTB keyboard with the Dasbor row added last."""
    row = dashboard_row(services, lang, private=private)
    if row is None:
        return markup
    buttons = [InlineKeyboardButton.de_json(b, None) for b in row]
    rows = [list(r) for r in markup.inline_keyboard] if markup else []
    return InlineKeyboardMarkup([*rows, buttons])


async def set_menu_button(
    bot: Bot, services: Services, chat_id: int, lang: str, *, on: bool
) -> None:
    """A commander's chat menu button opens the dashboard; anyone else's is Telegram's own."""
    url = services.settings.web_url
    if url is None:
        return
    button = (
        MenuButtonWebApp(services.catalog.text(lang, "dsb-menu-button"), WebAppInfo(url))
        if on
        else MenuButtonDefault()
    )
    try:
        await bot.set_chat_menu_button(chat_id=chat_id, menu_button=button)
    except TelegramError as exc:
        # A commander who never opened the chat has no chat yet; it follows on /start.
        log.warning("menu button for chat %s not set: %s", chat_id, exc)
