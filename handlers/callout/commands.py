"""/mobilize typed, and /pengerahan guided with buttons (category, count, location)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from telegram import CallbackQuery, Update

from bot.domain import callback_data
from bot.domain.callout import (
    STRATEGY_WORDS,
    OrderLine,
    draft_expired,
    elapsed_minutes,
    may_see,
    order_from_json,
    order_to_json,
    parse_order,
    quota_choices,
    snapshot,
    validate_location,
)
from bot.domain.order_fields import CALLOUT_FIELDS, FIELD_MAX_CHARS, field_value
from bot.domain.refusal import Refusal
from bot.services import SiagaContext
from handlers.callout.confirm import (
    confirm_buttons,
    confirm_text,
    edit_query_message,
    names_text,
    refuse_order,
    scope_text,
    show_confirm,
)
from handlers.callout.keys import (
    FIELD_INPUT,
    LOCATION_INPUT,
    MAX_CATEGORY_BUTTONS,
    Action,
    button_data,
)
from handlers.callout.order import plan_order, reach_of
from handlers.callout.render import order_summary, render_card
from handlers.common import (
    Button,
    command_args,
    inline_keyboard,
    is_private,
    reply,
    require_commander,
)
from handlers.dashboard.buttons import with_dashboard
from handlers.kit.refusal import refuse
from storage import callouts as store
from storage import categories, inbox, users


async def mobilize_command(update: Update, context: SiagaContext) -> None:
    if not await require_commander(update, context):
        return
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    args = command_args(context)
    known = [c.code for c in await categories.all_categories(services.db)]
    if not known:
        await reply(update, context, "callout-error-no-categories")
        return
    if not args:
        if not is_private(update):
            await reply(update, context, "callout-group-guided")
            return
        await _start_guided(update, context, known)
        return
    message = update.effective_message
    text = (message.text or "") if message else ""
    # The order as typed, spacing and all, minus the command itself.
    body = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else " ".join(args)
    order = parse_order(body, known)
    if isinstance(order, Refusal):
        await refuse_order(update, context, order, known)
        return
    await show_confirm(update, context, order, draft_id=None)


async def _start_guided(update: Update, context: SiagaContext, known: Sequence[str]) -> None:
    services = context.services
    chat = update.effective_chat
    if chat is None:
        return
    now = services.clock.now()
    async with services.db.transaction() as tx:
        draft_id = await store.create_draft(
            tx, context.actor.user_id, chat.id, {"lines": [], "location": ""}, now
        )
        await inbox.settle_processing(tx)
    text, markup = await _category_picker(context, draft_id, [])
    message = update.effective_message
    if message is not None:
        await message.reply_html(text, reply_markup=markup)


async def _category_picker(
    context: SiagaContext, draft_id: int, chosen: Sequence[OrderLine]
) -> tuple[str, Any]:
    services = context.services
    now = services.clock.now()
    taken = {line.category for line in chosen}
    rows: list[list[Button]] = []
    for category in await categories.all_categories(services.db):
        if category.code in taken or len(rows) >= MAX_CATEGORY_BUTTONS:
            continue
        reach = reach_of(context.actor, category.code)
        if reach is None:
            continue
        try:
            data = button_data(Action.CATEGORY, draft_id, category.code)
        except ValueError:
            continue  # a code that cannot ride in a button is ordered by typing it
        people = await store.category_people(services.db, category.code, reach.units)
        snap = snapshot(category.code, people, now, await services.stale_after())
        label = context.label(
            "callout-guided-category-button", category=category.code, ready=snap.available
        )
        rows.append([(label, data)])
    if chosen:
        text = context.t("callout-guided-category-more", summary=order_summary(chosen))
    else:
        text = context.t("callout-guided-category")
    rows.append([(context.label("callout-discard"), button_data(Action.DROP, draft_id))])
    return text, inline_keyboard(rows)


async def pengerahan_command(update: Update, context: SiagaContext) -> None:
    if not await require_commander(update, context):
        return
    services = context.services
    args = command_args(context)
    actor = context.actor
    now = services.clock.now()
    if args:
        value = args[0].lstrip("#")
        callout_id = callback_data.parse_id(value)
        callout = await store.get(services.db, callout_id) if callout_id is not None else None
        if callout is None:
            await reply(update, context, "callout-show-unknown", value=args[0][:20])
            return
        lines = await store.lines(services.db, callout.id)
        if not may_see(actor, callout.ordered_by_user_id, lines):
            await reply(update, context, "callout-show-not-yours", id=str(callout.id))
            return
        text, markup = await render_card(services, services.db, callout, now)
        if is_private(update):
            text += await names_text(context, callout)
        message = update.effective_message
        if message is not None:
            keyboard = None
            if markup is not None:
                # The card's own buttons; its Dasbor button is made for the chat asked in.
                rows = [
                    [(b["text"], b["callback_data"]) for b in row if "callback_data" in b]
                    for row in markup["inline_keyboard"]
                ]
                keyboard = with_dashboard(
                    inline_keyboard([row for row in rows if row]),
                    services,
                    callout.language,
                    private=is_private(update),
                )
            await message.reply_html(text, reply_markup=keyboard)
        return
    items: list[str] = []
    for callout in await store.active(services.db):
        lines = await store.lines(services.db, callout.id)
        if not may_see(actor, callout.ordered_by_user_id, lines):
            continue
        tallies = await store.tallies(services.db, callout.id)
        summary = ", ".join(
            f"{line.category} {tallies[line.id].accepted}/{line.quota}"
            if line.id in tallies
            else f"{line.category} 0/{line.quota}"
            for line in lines
        )
        item = context.t(
            "callout-list-item",
            id=str(callout.id),
            summary=summary,
            location=callout.location,
            minutes=elapsed_minutes(callout.created_at, now),
        )
        if callout.drill:
            item += " · " + context.t("callout-list-drill")
        items.append(item)
    if not items:
        await reply(update, context, "callout-list-empty")
        return
    text = "\n".join([context.t("callout-list-title"), *items, "", context.t("callout-list-hint")])
    message = update.effective_message
    if message is not None:
        await message.reply_html(text)


async def _guided_draft(
    query: CallbackQuery, context: SiagaContext, data: callback_data.CallbackData
) -> store.Draft | None:
    """The open draft a guided-order button names, if it is the tapper's and still fresh;
    else None, the tap answered."""
    draft = await store.get_draft(context.services.db, data.int_arg(0) or 0)
    if draft is None or not draft.is_open:
        await query.answer(context.label("callout-draft-gone"), show_alert=True)
        return None
    if draft.user_id != context.actor.user_id:
        await query.answer(context.label("callout-draft-not-yours"), show_alert=True)
        return None
    if draft_expired(draft.created_at, context.services.clock.now()):
        await query.answer(context.label("callout-draft-expired"), show_alert=True)
        return None
    return draft


async def on_pick_strategy(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    """A strategy button on the confirm card: the draft takes it, the card says so."""
    services = context.services
    strategy = STRATEGY_WORDS.get(data.text_arg(1))
    if strategy is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    draft = await _guided_draft(query, context, data)
    if draft is None:
        return
    now = services.clock.now()
    order = dataclasses.replace(order_from_json(draft.spec), strategy=strategy)
    plans = await plan_order(services, services.db, context.actor, order, now)
    if isinstance(plans, Refusal):
        await query.answer(context.label("callout-draft-gone"), show_alert=True)
        return
    async with services.db.transaction() as tx:
        changed = await store.update_draft(tx, draft.id, order_to_json(order), now)
    if not changed:
        await query.answer(context.label("callout-draft-gone"), show_alert=True)
        return
    await query.answer(context.label(f"callout-strategy-{strategy.value}"))
    text = await confirm_text(context, order, plans)
    buttons = confirm_buttons(context, order, plans, draft.id, private=is_private(update))
    await edit_query_message(update, text, inline_keyboard(buttons))


async def on_pick_category(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    draft = await _guided_draft(query, context, data)
    if draft is None:
        return
    code = data.text_arg(1)
    services = context.services
    if code not in {c.code for c in await categories.all_categories(services.db)}:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    reach = reach_of(context.actor, code)
    if reach is None:
        await query.answer(
            context.label("callout-error-out-of-scope", category=code, scope=scope_text(context)),
            show_alert=True,
        )
        return
    people = await store.category_people(services.db, code, reach.units)
    snap = snapshot(code, people, services.clock.now(), await services.stale_after())
    await query.answer()
    choices = quota_choices(snap.available)
    if not choices:
        chosen = order_from_json(draft.spec).lines
        _, markup = await _category_picker(context, draft.id, [*chosen, OrderLine(code, 0)])
        await edit_query_message(
            update, context.t("callout-guided-none-ready", category=code), markup
        )
        return
    row = [(str(n), button_data(Action.COUNT, draft.id, code, n)) for n in choices]
    rows = [row[i : i + 4] for i in range(0, len(row), 4)]
    rows.append([(context.label("callout-discard"), button_data(Action.DROP, draft.id))])
    await edit_query_message(
        update,
        context.t("callout-guided-count", category=code, ready=snap.available),
        inline_keyboard(rows),
    )


async def on_pick_count(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    draft = await _guided_draft(query, context, data)
    if draft is None:
        return
    code = data.text_arg(1)
    count = data.int_arg(2)
    if count is None or count <= 0 or reach_of(context.actor, code) is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    services = context.services
    now = services.clock.now()
    spec = dict(draft.spec)
    lines = [list(item) for item in spec.get("lines", []) if item[0] != code]
    lines.append([code, count])
    spec["lines"] = lines
    async with services.db.transaction() as tx:
        await store.update_draft(tx, draft.id, spec, now)
        await users.set_pending_input(
            tx, context.actor.user_id, f"{LOCATION_INPUT}:{draft.id}", now
        )
    await query.answer()
    summary = order_summary(order_from_json(spec).lines)
    await edit_query_message(
        update,
        context.t("callout-guided-location", summary=summary),
        inline_keyboard(
            [
                [(context.label("callout-guided-more"), button_data(Action.MORE, draft.id))],
                [(context.label("callout-discard"), button_data(Action.DROP, draft.id))],
            ]
        ),
    )


async def on_more(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    draft = await _guided_draft(query, context, data)
    if draft is None:
        return
    await query.answer()
    text, markup = await _category_picker(context, draft.id, order_from_json(draft.spec).lines)
    await edit_query_message(update, text, markup)


async def on_location_text(
    update: Update, context: SiagaContext, argument: str, text: str
) -> None:
    """The guided order's last step: the destination, typed."""
    services = context.services
    draft = await store.get_draft(services.db, int(argument)) if argument.isdigit() else None
    now = services.clock.now()
    if draft is None or not draft.is_open or draft_expired(draft.created_at, now):
        async with services.db.transaction() as tx:
            await users.set_pending_input(tx, context.actor.user_id, None, now)
        await reply(update, context, "callout-input-stale")
        return
    location = validate_location(text)
    if isinstance(location, Refusal):
        await refuse(update, context, location)
        return
    spec = dict(draft.spec)
    spec["location"] = location
    order = order_from_json(spec)
    if not order.lines:
        await reply(update, context, "callout-input-stale")
        return
    await show_confirm(update, context, order, draft_id=draft.id)


async def on_pick_field(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    """An optional order field's button on the confirm card: ask for its value."""
    key = data.text_arg(1)
    if key not in CALLOUT_FIELDS or not is_private(update):
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    draft = await _guided_draft(query, context, data)
    if draft is None:
        return
    now = context.services.clock.now()
    async with context.services.db.transaction() as tx:
        await users.set_pending_input(
            tx, context.actor.user_id, f"{FIELD_INPUT}:{draft.id}:{key}", now
        )
    await query.answer()
    await reply(update, context, f"callout-field-ask-{key.replace('_', '-')}", max=FIELD_MAX_CHARS)


async def on_field_text(update: Update, context: SiagaContext, argument: str, text: str) -> None:
    """An optional order field typed on its own: the draft takes it, a fresh confirm card
    shows it."""
    services = context.services
    draft_arg, _, key = argument.partition(":")
    draft = await store.get_draft(services.db, int(draft_arg)) if draft_arg.isdigit() else None
    now = services.clock.now()
    if (
        draft is None
        or not draft.is_open
        or draft.user_id != context.actor.user_id
        or draft_expired(draft.created_at, now)
        or key not in CALLOUT_FIELDS
    ):
        async with services.db.transaction() as tx:
            await users.set_pending_input(tx, context.actor.user_id, None, now)
        await reply(update, context, "callout-input-stale")
        return
    value = field_value(text, CALLOUT_FIELDS[key][0])
    if isinstance(value, Refusal):
        await refuse(update, context, value.under("callout-error-"))
        return
    order = order_from_json({**draft.spec, key: value})
    await show_confirm(update, context, order, draft_id=draft.id)
