"""What the call-out adapters share: the confirm card, the names list, replies and edits."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import TelegramError

from bot.domain.callout import (
    InviteState,
    Order,
    Strategy,
    order_to_json,
)
from bot.domain.order_fields import CALLOUT_FIELDS
from bot.domain.refusal import Refusal
from bot.services import SiagaContext
from handlers.callout.keys import Action, button_data
from handlers.callout.order import LinePlan, order_model, plan_order, strategy_of
from handlers.callout.render import render_confirm, timeout_of
from handlers.common import (
    Button,
    is_private,
    markup_json,
)
from handlers.kit.refusal import refuse
from storage import callouts as store
from storage import categories, inbox, outbox, personnel, users
from storage.callouts import Callout
from storage.outbox import OutgoingMessage, Priority

log = logging.getLogger(__name__)


def scope_text(context: SiagaContext) -> str:
    scope = context.actor.scope
    parts = sorted(scope.categories) + sorted(scope.units)
    return ", ".join(parts) if parts else context.label("callout-scope-none")


async def refuse_order(
    update: Update, context: SiagaContext, refusal: Refusal, known: Sequence[str]
) -> None:
    """An order refused, with the categories there are and the orderer's own scope."""
    await refuse(update, context, refusal, known=", ".join(known), scope=scope_text(context))


async def show_confirm(
    update: Update, context: SiagaContext, order: Order, *, draft_id: int | None
) -> None:
    """Show the confirm card for `order` (a new draft, or the guided one finished)."""
    services = context.services
    chat = update.effective_chat
    if chat is None:
        return
    now = services.clock.now()
    plans = await plan_order(services, services.db, context.actor, order, now)
    if isinstance(plans, Refusal):
        known = [c.code for c in await categories.all_categories(services.db)]
        await refuse_order(update, context, plans, known)
        return
    text = await confirm_text(context, order, plans)
    # The draft, its card and the end of the update that asked for it are one transaction:
    # an order replayed after a crash finds its update done and shows no second card, and a
    # card is never lost between the commit and a direct reply.
    async with services.db.transaction() as tx:
        if draft_id is None:
            draft_id = await store.create_draft(
                tx, context.actor.user_id, chat.id, order_to_json(order), now
            )
        else:
            await store.update_draft(tx, draft_id, order_to_json(order), now)
        await users.set_pending_input(tx, context.actor.user_id, None, now)
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                chat_id=chat.id,
                text=text,
                # A commander is waiting for it: ahead of prompts and broadcasts.
                priority=Priority.CALLOUT,
                # One card per update: a replay sends none, a field typed within the same
                # second still gets its own.
                dedup_key=f"co:draft:{draft_id}:confirm:{update.update_id}",
                reply_markup=markup_json(
                    confirm_buttons(context, order, plans, draft_id, private=is_private(update))
                ),
            ),
            now,
        )
        await inbox.settle_processing(tx)


async def confirm_text(context: SiagaContext, order: Order, plans: Sequence[LinePlan]) -> str:
    services = context.services
    model = await order_model(services.db)
    return render_confirm(context, order, plans, timeout_of(services, order), model)


def confirm_buttons(
    context: SiagaContext,
    order: Order,
    plans: Sequence[LinePlan],
    draft_id: int,
    *,
    private: bool,
) -> list[list[Button]]:
    """The strategies (the chosen one marked), the optional order fields where they can be
    typed (a private chat), then Kirim and Batal."""
    chosen = strategy_of(context.services, order)
    choices: list[Button] = []
    for strategy in Strategy:
        label = context.label(f"callout-strategy-{strategy.value}")
        if strategy is chosen:
            label = context.label("callout-strategy-chosen", label=label)
        choices.append((label, button_data(Action.PLAN, draft_id, strategy.value)))
    rows = [choices]
    if private:
        rows.append(
            [
                (
                    context.label(f"callout-field-{key.replace('_', '-')}"),
                    button_data(Action.FIELD, draft_id, key),
                )
                for key in CALLOUT_FIELDS
            ]
        )
    buttons: list[Button] = []
    if any(plan.quota.quota > 0 for plan in plans):
        buttons.append((context.label("callout-send"), button_data(Action.SEND, draft_id)))
    buttons.append((context.label("callout-discard"), button_data(Action.DROP, draft_id)))
    return [*rows, buttons]


async def names_text(context: SiagaContext, callout: Callout) -> str:
    """Who went, who did not: names with ranks, only ever in a commander's private chat."""
    db = context.services.db
    groups: dict[str, list[str]] = {}
    for invite in await store.invites(db, callout.id):
        key = {
            InviteState.ACCEPTED: "callout-names-accepted",
            InviteState.DECLINED: "callout-names-declined",
            InviteState.NO_ANSWER: "callout-names-no-answer",
            InviteState.UNREACHABLE: "callout-names-unreachable",
        }.get(invite.state)
        if key is None:
            continue
        person = await personnel.by_id(db, invite.person_id)
        if person is None:
            continue
        marks = []
        if invite.arrived_at is not None:
            marks.append(context.label("callout-names-arrived"))
        if invite.proxy:
            marks.append(context.label("callout-names-proxy"))
        groups.setdefault(key, []).append(
            context.t(
                "callout-names-person",
                name=person.display_name,
                unit=person.unit,
                mark=" ".join(marks),
            ).rstrip()
        )
    parts: list[str] = []
    for key in (
        "callout-names-accepted",
        "callout-names-declined",
        "callout-names-no-answer",
        "callout-names-unreachable",
    ):
        if key in groups:
            parts += ["", context.t(key), *groups[key]]
    return "\n".join(parts) if parts else ""


async def edit_query_message(update: Update, text: str, markup: Any = None) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)
    except TelegramError as exc:
        # The message is already like this, or too old to edit: the answer still counts.
        log.info("editing the tapped message failed: %s", exc)
