"""/ekspor: spreadsheets for commanders, picked with buttons, sent to their private chat.

Exports carry personal data (phones, NRPs), so they are made only in a private chat, and only
with the people the asker commands. The audit log is for admins.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from enum import StrEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain import callback_data
from bot.domain.refusal import Refusal
from bot.domain.status import DateRange, parse_date_range
from bot.i18n import format_moment, format_number
from bot.reports.exports import (
    FORMATS,
    ExportKind,
    ExportRequest,
    build_table,
    file_name,
    parse_export_args,
    write,
)
from bot.services import SiagaApp, SiagaContext
from handlers.common import Button, command_args, inline_keyboard, is_private, reply
from handlers.kit.actor import audit_by
from handlers.kit.refusal import refuse
from handlers.kit.scope import actor_scope
from handlers.text_input import expects
from storage import inbox, status, users

RANGE_INPUT = "eksrange"
RANGE_DAYS = (1, 7, 30)


class Step(StrEnum):
    """What an export button chooses: a kind, one roll call or call-out, a range, a format."""

    KIND = "k"
    PICK = "i"  # one roll call or call-out of the kind
    DAYS = "d"  # the audit log of the last days
    TYPE_RANGE = "t"  # the audit log of dates typed
    FORMAT = "go"  # the file's format: make it


BUTTONS = callback_data.Buttons("ex", Step)


def _kind_buttons(context: SiagaContext) -> list[list[Button]]:
    kinds = [k for k in ExportKind if k is not ExportKind.AUDIT or context.actor.is_admin]
    buttons = [
        (context.label(f"eks-kind-{k.value}"), BUTTONS.data(Step.KIND, k.short)) for k in kinds
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _format_buttons(
    context: SiagaContext, kind: ExportKind, *ref: str | int
) -> list[list[Button]]:
    return [
        [
            (
                context.label(f"eks-format-{fmt}"),
                BUTTONS.data(Step.FORMAT, kind.short, fmt, *ref),
            )
            for fmt in FORMATS
        ]
    ]


async def ekspor_command(update: Update, context: SiagaContext) -> None:
    if not is_private(update):
        await reply(update, context, "eks-private-only")
        return
    if not context.actor.is_commander:
        await reply(update, context, "posko-commander-only")
        return
    args = command_args(context)
    if not args:
        await reply(
            update, context, "eks-choose", reply_markup=inline_keyboard(_kind_buttons(context))
        )
        return
    parsed = parse_export_args(args)
    if isinstance(parsed, Refusal):
        await refuse(update, context, parsed)
        return
    request, fmt = parsed
    if fmt is None:
        await reply(
            update,
            context,
            "eks-choose-format",
            reply_markup=inline_keyboard(_format_buttons(context, request.kind, *_ref(request))),
        )
        return
    await deliver(update, context, request, fmt)


def _ref(request: ExportRequest) -> tuple[str | int, ...]:
    if request.dates is not None:
        return (f"{request.dates.first:%Y%m%d}", f"{request.dates.last:%Y%m%d}")
    if request.ref_id is not None:
        return (request.ref_id,)
    return ()


async def deliver(update: Update, context: SiagaContext, request: ExportRequest, fmt: str) -> None:
    """Make the file and send it to the asker's private chat."""
    actor = context.actor
    services = context.services
    if request.kind is ExportKind.AUDIT and not actor.is_admin:
        await reply(update, context, "eks-audit-admin-only")
        return
    now = services.clock.now()
    zone = services.settings.zone
    fresh_for = await services.stale_after()
    table = await build_table(
        services.db,
        services.catalog,
        actor.language,
        request,
        scope=actor_scope(actor),
        now=now,
        stale_after=fresh_for,
        zone=zone,
    )
    if isinstance(table, Refusal):
        await refuse(update, context, table)
        return
    # Writing a few thousand rows takes a moment of CPU: keep the event loop free.
    data = await asyncio.to_thread(write, table, fmt, zone)
    name = file_name(request, fmt, now, zone)
    async with services.db.transaction() as tx:
        await audit_by(
            tx,
            actor,
            now,
            f"export.{request.kind.value}",
            subject=f"{request.kind.value}:{request.ref_id}" if request.ref_id else None,
            details={"format": fmt, "rows": table.entries, "file": name},
        )
        await inbox.settle_processing(tx)
    key = "eks-caption" if table.entries else "eks-caption-empty"
    caption = context.t(
        key,
        title=table.sheet,
        rows=format_number(table.entries, actor.language),
        time=format_moment(now, zone, actor.language),
    )
    await context.bot.send_document(
        chat_id=actor.user_id, document=data, filename=name, caption=caption, parse_mode="HTML"
    )


# -- buttons -------------------------------------------------------------------------------------


async def on_button(update: Update, context: SiagaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    data = callback_data.decode(query.data)
    if data is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    if not context.actor.is_commander:
        await query.answer(context.label("posko-commander-only"), show_alert=True)
        return
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        await query.answer(context.label("eks-private-only"), show_alert=True)
        return
    step = BUTTONS.action_of(data)
    kind = ExportKind.from_short(data.args[0]) if data.args else None
    if step is Step.TYPE_RANGE:
        await query.answer()
        await _ask_range(update, context)
        return
    if step is Step.DAYS:
        days = data.int_arg(0)
        if days not in RANGE_DAYS or not context.actor.is_admin:
            await query.answer(context.label("button-invalid"), show_alert=True)
            return
        await query.answer()
        today = context.services.clock.now().astimezone(context.services.settings.zone).date()
        dates = DateRange(today - timedelta(days=days - 1), today)
        await _offer_formats(update, context, ExportRequest(ExportKind.AUDIT, dates=dates))
        return
    if kind is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    if step is Step.KIND:
        await query.answer()
        await _picked_kind(update, context, kind)
        return
    if step is Step.PICK:
        ref = data.int_arg(1)
        if ref is None:
            await query.answer(context.label("button-invalid"), show_alert=True)
            return
        await query.answer()
        await _offer_formats(update, context, ExportRequest(kind, ref))
        return
    if step is Step.FORMAT and len(data.args) >= 2 and data.args[1] in FORMATS:
        request = _request_of(kind, data.args[2:])
        if request is None:
            await query.answer(context.label("button-invalid"), show_alert=True)
            return
        await query.answer(context.label("eks-making"))
        await deliver(update, context, request, data.args[1])
        return
    await query.answer(context.label("button-invalid"), show_alert=True)


def _request_of(kind: ExportKind, args: tuple[str, ...]) -> ExportRequest | None:
    if kind is ExportKind.AUDIT:
        if len(args) != 2:
            return None
        try:
            first = datetime.strptime(args[0], "%Y%m%d").date()  # noqa: DTZ007 - a date
            last = datetime.strptime(args[1], "%Y%m%d").date()  # noqa: DTZ007 - a date
        except ValueError:
            return None
        return ExportRequest(kind, dates=DateRange(first, last)) if first <= last else None
    if kind.needs_id:
        ref_id = callback_data.parse_id(args[0]) if len(args) == 1 else None
        return ExportRequest(kind, ref_id) if ref_id is not None else None
    return ExportRequest(kind) if not args else None


async def _picked_kind(update: Update, context: SiagaContext, kind: ExportKind) -> None:
    services = context.services
    lang = context.actor.language
    zone = services.settings.zone
    if kind is ExportKind.ROSTER:
        await _offer_formats(update, context, ExportRequest(kind))
        return
    if kind is ExportKind.AUDIT:
        if not context.actor.is_admin:
            await reply(update, context, "eks-audit-admin-only")
            return
        buttons: list[Button] = [
            (
                context.label(f"eks-range-{'today' if d == 1 else d}"),
                BUTTONS.data(Step.DAYS, d),
            )
            for d in RANGE_DAYS
        ]
        typed = (context.label("eks-range-type"), BUTTONS.data(Step.TYPE_RANGE))
        await reply(
            update, context, "eks-choose-range", reply_markup=inline_keyboard([buttons, [typed]])
        )
        return
    scope = actor_scope(context.actor)
    rows: list[list[Button]] = []
    if kind in (ExportKind.APEL, ExportKind.APEL_NONRESPONDERS):
        for rollcall in await status.recent_rollcalls(services.db, scope):
            label = context.label(
                "eks-apel-item",
                id=rollcall.id,
                kind=context.label(f"sts-rollcall-{rollcall.kind}"),
                scope=rollcall.scope_value or context.label("sts-rollcall-everyone"),
                time=format_moment(rollcall.opened_at, zone, lang),
            )
            rows.append([(label, BUTTONS.data(Step.PICK, kind.short, rollcall.id))])
        empty, title = "eks-none-apel", "eks-choose-apel"
    else:
        for callout in await status.recent_callouts(services.db, scope):
            label = context.label(
                "eks-callout-item",
                id=callout.id,
                categories=callout.categories,
                time=format_moment(callout.created_at, zone, lang),
            )
            rows.append([(label, BUTTONS.data(Step.PICK, kind.short, callout.id))])
        empty, title = "eks-none-callout", "eks-choose-callout"
    if not rows:
        await reply(update, context, empty)
        return
    await reply(update, context, title, reply_markup=inline_keyboard(rows))


async def _offer_formats(update: Update, context: SiagaContext, request: ExportRequest) -> None:
    await reply(
        update,
        context,
        "eks-choose-format",
        reply_markup=inline_keyboard(_format_buttons(context, request.kind, *_ref(request))),
    )


# -- a typed date range --------------------------------------------------------------------------


async def _ask_range(update: Update, context: SiagaContext) -> None:
    services = context.services
    async with services.db.transaction() as tx:
        await users.set_pending_input(tx, context.actor.user_id, RANGE_INPUT, services.clock.now())
    await reply(update, context, "eks-ask-range")


async def on_range_text(update: Update, context: SiagaContext, _argument: str, text: str) -> None:
    if not context.actor.is_admin:
        await reply(update, context, "eks-audit-admin-only")
        return
    dates = parse_date_range(text)
    if isinstance(dates, Refusal):
        # The question stays open: the next text is another try.
        await refuse(update, context, dates)
        return
    services = context.services
    async with services.db.transaction() as tx:
        await users.set_pending_input(tx, context.actor.user_id, None, services.clock.now())
    await _offer_formats(update, context, ExportRequest(ExportKind.AUDIT, dates=dates))


def register(app: SiagaApp) -> None:
    app.add_handler(CommandHandler("ekspor", ekspor_command))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^ex:v1:"))
    expects(app, RANGE_INPUT, on_range_text)
