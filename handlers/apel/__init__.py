"""/apel: roll calls with one-tap answers, a live tally card, reminders and a closing report.

The same engine serves `/cekkesiapan` (`kind="cek"`, see `handlers.readiness`): one prompt
per person through the outbox, answers recorded per target row, a card edited in place.
Everything a roll call owes someone (prompts, reminders, card edits, the report) is an outbox
row written in the transaction that decided it; close and reminders are deadline rows.

`service` holds the transactions (no Update ever reaches it); `commands`, `answers` and
`taps` are the Telegram adapters; `render` and `report` turn rows into text.
"""

from __future__ import annotations

from functools import partial

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.services import Services, SiagaApp
from handlers.apel.answers import claim_location, on_answer, on_manage, on_reason_text
from handlers.apel.commands import (
    apel_command,
    cekkesiapan_command,
    on_draft,
    on_field_text,
    on_title_text,
)
from handlers.apel.keys import FIELD_INPUT, NS, REASON_INPUT, TITLE_INPUT
from handlers.apel.service import register_timers
from handlers.apel.taps import answer_taps
from handlers.kit.reasons import expects_reason_text
from handlers.locations import claims
from handlers.text_input import expects


def register(app: SiagaApp) -> None:
    services: Services = app.bot_data["services"]
    register_timers(services)
    app.add_handler(CommandHandler("apel", apel_command))
    app.add_handler(CommandHandler("cekkesiapan", cekkesiapan_command))
    app.add_handler(CallbackQueryHandler(on_answer, pattern=r"^ap:v1:(y|n|r|b):"))
    services.taps.route(NS, partial(answer_taps, app))
    app.add_handler(CallbackQueryHandler(on_manage, pattern=r"^ap:v1:(rem|ext|cls):"))
    app.add_handler(CallbackQueryHandler(on_draft, pattern=r"^ap:v1:d[a-z]*:"))
    claims(app, "rollcall", claim_location)
    expects_reason_text(
        app, REASON_INPUT, on_reason_text, write_key="rollcall-status-write-reason"
    )
    expects(app, TITLE_INPUT, on_title_text)
    expects(app, FIELD_INPUT, on_field_text)
