"""Running the bot: polling by default."""

from __future__ import annotations

from telegram import Update

from bot.app import build_application
from bot.config import Settings


def run_bot(settings: Settings) -> None:
    app = build_application(settings)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
