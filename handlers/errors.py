"""The error handler: log the whole story (never the token), apologise, tell the ops chat."""

from __future__ import annotations

import html
import logging
import sqlite3
import traceback

from telegram import Update
from telegram.constants import ParseMode

from bot.services import SiagaApp, SiagaContext

log = logging.getLogger("siaga.errors")


# What an operator must do about the database errors that are not bugs in the code.
_STORAGE_PROBLEMS = {
    "SQLITE_BUSY": "the database is locked: another process held it longer than busy_timeout",
    "SQLITE_LOCKED": "the database is locked by another connection",
    "SQLITE_FULL": "the database or its disk is full: free space (or raise max_page_count)",
}


def storage_problem(error: BaseException | None) -> str | None:
    """One plain line for a locked or full database, None for anything else."""
    if not isinstance(error, sqlite3.OperationalError):
        return None
    name = getattr(error, "sqlite_errorname", "")
    if name in _STORAGE_PROBLEMS:
        return _STORAGE_PROBLEMS[name]
    text = str(error)
    if "database is locked" in text:
        return _STORAGE_PROBLEMS["SQLITE_BUSY"]
    if "database or disk is full" in text:
        return _STORAGE_PROBLEMS["SQLITE_FULL"]
    return None


async def on_error(update: object, context: SiagaContext) -> None:
    error = context.error
    problem = storage_problem(error)
    if problem is not None:
        # The transaction was rolled back: nothing of this update was written.
        log.error("storage: %s; this update changed nothing (%s)", problem, error)
    log.error(
        "update handling failed",
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    services = context.services
    lang = context.actor.language if context.has_actor else services.settings.locale
    if isinstance(update, Update):
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
    ops_chat = services.settings.ops_chat_id
    if ops_chat is not None and error is not None:
        summary = "".join(traceback.format_exception_only(type(error), error)).strip()
        try:
            await context.bot.send_message(
                ops_chat,
                f"⚠️ Siaga error: <code>{html.escape(summary[:3500])}</code>",
                parse_mode=ParseMode.HTML,
            )
        except Exception:
            log.warning("could not notify the ops chat", exc_info=True)


def register(app: SiagaApp) -> None:
    app.add_error_handler(on_error)
