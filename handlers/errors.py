"""The error handler: log the whole story (never the token), apologise, tell the ops chat."""

from __future__ import annotations

import logging
import traceback

from telegram import Bot, Update
from telegram.constants import ParseMode

from bot.services import Services, SiagaApp, SiagaContext
from bot.transport.bot import SiagaBot
from storage import inbox
from storage.db import storage_problem

log = logging.getLogger("siaga.errors")


async def on_error(update: object, context: SiagaContext) -> None:
    error = context.error
    problem = storage_problem(error)
    if problem is not None:
        # The transaction was rolled back: nothing of this update was written.
        log.error("storage: %s; this update changed nothing (%s)", problem.value, error)
    log.error(
        "update handling failed",
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    services = context.services
    lang = context.actor.language if context.has_actor else services.settings.locale
    query = update.callback_query if isinstance(update, Update) else None
    bot = context.bot
    if (
        query is not None
        and isinstance(bot, SiagaBot)
        and bot.answered_ahead(query.id)
        and inbox.retry_processing()
    ):
        # The person was told "tercatat" already (the tap lane): no apology contradicts it;
        # the tap stays in the inbox and is written when it runs again.
        log.warning("a tap answered ahead could not be written; it will run again")
    elif isinstance(update, Update):
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(
                    services.catalog.text(lang, "error-apology-short"), show_alert=True
                )
            elif update.effective_message is not None:
                await update.effective_message.reply_text(
                    services.catalog.html(lang, "error-apology"), parse_mode=ParseMode.HTML
                )
        except Exception:  # the apology is best effort: the failure is already logged
            log.warning("could not send the apology", exc_info=True)
    if error is not None:
        summary = "".join(traceback.format_exception_only(type(error), error)).strip()
        await tell_ops(context.bot, services, "ops-error", summary=summary[:3500])


async def tell_ops(bot: Bot, services: Services, key: str, **args: str) -> None:
    """A line to the ops chat (SIAGA_OPS_CHAT_ID), straight to Telegram: it must get through
    when the database, and with it the outbox, cannot be written. Best effort."""
    chat = services.settings.ops_chat_id
    if chat is None:
        return
    text = services.catalog.html(services.settings.locale, key, **args)
    try:
        await bot.send_message(chat, text, parse_mode=ParseMode.HTML)
    except Exception:
        log.warning("could not notify the ops chat", exc_info=True)


def register(app: SiagaApp) -> None:
    app.add_error_handler(on_error)
