"""Who is acting, by name: for cards and reports that say who opened or ordered something."""

from __future__ import annotations

from telegram import Update

from bot.services import Actor


def actor_name(update: Update, actor: Actor) -> str:
    """The roster name with rank; an admin not on the roster by their Telegram name."""
    if actor.person is not None:
        return actor.person.display_name
    user = update.effective_user
    return user.full_name if user else str(actor.user_id)
