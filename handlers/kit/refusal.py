"""A refusal said to the person who asked: every feature says no the same way."""

from __future__ import annotations

from telegram import Update

from bot.domain.refusal import Refusal
from bot.services import SiagaContext
from handlers.common import reply


async def refuse(
    update: Update, context: SiagaContext, refusal: Refusal, **context_args: str | int
) -> None:
    """Reply with the refusal's message. `context_args` are what the asker's situation adds
    (the command typed, the categories known); the refusal's own arguments win."""
    await reply(update, context, refusal.key, **{**context_args, **refusal.args})
