"""/mobilize (/gerakkan) and /pengerahan: backup call-outs that fill their quota.

The flow: order (typed, or guided with buttons) → confirm card → Kirim creates the call-out,
its lines and the first invitations in one transaction → people answer with one tap → the
engine keeps every line at exactly its shortfall (replacing declines, timeouts and the
unreachable), stands the surplus down when a quota is met, and edits the commander's live
card in place. Every decision is written (invite rows, outbox rows, deadline rows) in the
transaction that made it; messages go out through the outbox after commit.

Rules live in `bot.domain.callout`, rows in `storage.callouts`. Here: `service` (launch,
answer, widen, close) and `fill` (invitations, the silent invitee's replacement, the tick)
are the transactions and never see an Update; `commands`, `buttons`, `arrival` and `confirm`
are the Telegram adapters; `render` draws from `locales/*/callout.ftl`.
"""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.services import Services, SiagaApp
from handlers.callout.arrival import claim_location
from handlers.callout.buttons import on_callback, on_reason_text
from handlers.callout.commands import (
    mobilize_command,
    on_field_text,
    on_location_text,
    pengerahan_command,
)
from handlers.callout.fill import on_invite_deadline, on_tick, unreachable_hook
from handlers.callout.keys import (
    FIELD_INPUT,
    INVITE_DEADLINE,
    LOCATION_INPUT,
    REASON_INPUT,
    TICK_DEADLINE,
)
from handlers.callout.service import reachable_hook
from handlers.kit.reasons import expects_reason_text
from handlers.locations import claims
from handlers.text_input import expects
from storage.db import Transaction
from storage.deadlines import Deadline


def register(app: SiagaApp) -> None:
    services: Services = app.bot_data["services"]

    async def invite_due(tx: Transaction, deadline: Deadline) -> None:
        await on_invite_deadline(services, tx, deadline)

    async def tick_due(tx: Transaction, deadline: Deadline) -> None:
        await on_tick(services, tx, deadline)

    services.scheduler.on(INVITE_DEADLINE, invite_due)
    services.scheduler.on(TICK_DEADLINE, tick_due)
    services.delivery.on_unreachable(unreachable_hook(services))
    services.delivery.on_reachable(reachable_hook(services))
    app.add_handler(CommandHandler(["mobilize", "gerakkan"], mobilize_command))
    app.add_handler(CommandHandler("pengerahan", pengerahan_command))
    app.add_handler(CallbackQueryHandler(on_callback, pattern=r"^co:v1:"))
    claims(app, "callout", claim_location)
    expects(app, LOCATION_INPUT, on_location_text)
    expects_reason_text(
        app,
        REASON_INPUT,
        on_reason_text,
        write_key="callout-reason-ask-text",
        too_long_key="callout-reason-too-long",
    )
    expects(app, FIELD_INPUT, on_field_text)
