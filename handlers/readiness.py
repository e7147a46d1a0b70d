"""Readiness (kesiapan): /siap, /tidaksiap, /kesiapan and the stale-readiness prompt.
/cekkesiapan (a readiness check for a scope) is a roll call of kind "cek": `handlers.apel`.

A person only ever changes their own state here: the `rd:` buttons carry no person id, so a
forged one can do no more than the presser could by typing /siap.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from enum import StrEnum

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain import callback_data
from bot.domain.apel import REASON_TEXT_MAX, UNTIL_CHOICES, Answer, until_for
from bot.domain.readiness import (
    Effective,
    Readiness,
    State,
    effective,
    parse_not_ready,
    stale_at,
)
from bot.domain.reasons import BUTTON_ROWS, REASONS
from bot.domain.refusal import Refusal
from bot.i18n import format_moment, format_time
from bot.services import Services, SiagaApp, SiagaContext
from handlers.apel import service as apel_service
from handlers.callout import service as callout_service
from handlers.common import Button, inline_keyboard, is_private, markup_json, reply
from handlers.kit.reasons import (
    READINESS_NS,
    UNTIL_ACTION,
    expects_reason_text,
    reason_label,
    until_rows,
)
from handlers.kit.refusal import refuse
from storage import deadlines, inbox, personnel, readiness, users
from storage.db import Transaction
from storage.deadlines import Deadline
from storage.outbox import OutgoingMessage, Priority, enqueue
from storage.personnel import Person

NS = READINESS_NS


class Action(StrEnum):
    """What a readiness button does: built by `button_data`, read back by `action_of`."""

    SIAP = "siap"
    TIDAK = "tidak"
    BACK = "back"
    REASON = "r"
    UNTIL = UNTIL_ACTION  # the kit's until buttons, shown by a readiness check too


BUTTONS = callback_data.Buttons(NS, Action)
button_data = BUTTONS.data
action_of = BUTTONS.action_of


REASON_INPUT = "rdreason"

log = logging.getLogger(__name__)


def _moment(services: Services, moment: datetime, lang: str) -> str:
    return format_moment(moment, services.settings.zone, lang)


def reason_text(services: Services, lang: str, state: Readiness) -> str:
    label = reason_label(services, lang, state.reason)
    return f"{label}: {state.reason_text}" if state.reason_text else label


def status_text(
    services: Services,
    lang: str,
    person: Person,
    state: Readiness | None,
    now: datetime,
    stale_after: timedelta,
) -> str:
    """The /kesiapan view: one's own state, as every summary counts it (stale apart)."""
    catalog = services.catalog
    lines = [catalog.html(lang, "readiness-title", name=person.display_name)]
    current = effective(state, now, stale_after)
    if state is None:
        lines.append(catalog.html(lang, "readiness-state-none"))
    elif current is Effective.BERTUGAS:
        lines.append(
            catalog.html(lang, "readiness-state-bertugas", callout=str(state.callout_id or "-"))
        )
    elif current is Effective.SIAP:
        due = stale_at(state, stale_after)
        lines.append(
            catalog.html(
                lang,
                "readiness-state-siap",
                confirmed=_moment(services, state.confirmed_at, lang),
                until=_moment(services, due, lang) if due else "-",
            )
        )
    elif current is Effective.STALE:
        lines.append(
            catalog.html(
                lang,
                "readiness-state-stale",
                confirmed=_moment(services, state.confirmed_at, lang),
            )
        )
    elif current is Effective.TIDAK_SIAP:
        lines.append(
            catalog.html(
                lang,
                "readiness-state-tidak-siap",
                reason=reason_text(services, lang, state),
                until=_moment(services, state.until, lang) if state.until else "none",
            )
        )
    else:  # a TIDAK SIAP whose end time has passed
        lines.append(
            catalog.html(
                lang,
                "readiness-state-ended",
                reason=reason_text(services, lang, state),
                until=_moment(services, state.until or now, lang),
            )
        )
    return "\n".join(lines)


def choice_rows(services: Services, lang: str) -> list[list[Button]]:
    return [
        [
            (
                services.catalog.text(lang, "readiness-button-siap"),
                button_data(Action.SIAP),
            ),
            (
                services.catalog.text(lang, "readiness-button-tidak"),
                button_data(Action.TIDAK),
            ),
        ]
    ]


def reason_rows(services: Services, lang: str) -> list[list[Button]]:
    def button(reason: str) -> Button:
        return (
            services.catalog.text(lang, "reason-button-" + reason.replace("_", "-")),
            button_data(Action.REASON, reason),
        )

    return [
        *([button(reason) for reason in row] for row in BUTTON_ROWS),
        [(services.catalog.text(lang, "rollcall-back"), button_data(Action.BACK))],
    ]


async def _person(update: Update, context: SiagaContext) -> Person | None:
    """The asker's roster entry, in a private chat; otherwise they are told why not."""
    if not is_private(update):
        await reply(update, context, "readiness-private-only")
        return None
    person = context.actor.person
    if person is None:
        await reply(update, context, "readiness-no-person")
        return None
    return person


# -- commands -----------------------------------------------------------------------------


async def siap_command(update: Update, context: SiagaContext) -> None:
    person = await _person(update, context)
    if person is None:
        return
    services = context.services
    now = services.clock.now()
    if not await _confirm(context, person):
        await reply(update, context, "readiness-deployed-unchanged")
        return
    lang = context.actor.language
    await reply(
        update,
        context,
        "readiness-now-siap",
        time=format_time(now, services.settings.zone, lang),
        next=_moment(services, now + await services.stale_after(), lang),
    )


async def _confirm(context: SiagaContext, person: Person) -> bool:
    """Record SIAP; False when deployed (the call-out owns that state)."""
    services = context.services
    now = services.clock.now()
    synced: list[int] = []
    async with services.db.transaction() as tx:
        changed = await readiness.confirm_ready(
            tx, person.id, now, source="self", stale_after=await services.stale_after(tx)
        )
        if changed:
            synced = await apel_service.sync_checks(
                services,
                tx,
                person.id,
                context.actor.user_id,
                context.actor.language,
                Answer.YES,
                now,
            )
            await callout_service.offer_ready(services, tx, [person.category_code])
        await inbox.settle_processing(tx)
    _after_change(context, synced)
    return changed


def _after_change(context: SiagaContext, synced: list[int]) -> None:
    apel_service.cards(context.services).request_many(context.application, synced)


async def tidaksiap_command(update: Update, context: SiagaContext) -> None:
    person = await _person(update, context)
    if person is None:
        return
    parsed = parse_not_ready(list(context.args or []), REASON_TEXT_MAX)
    if isinstance(parsed, Refusal):
        await refuse(update, context, parsed)
        return
    lang = context.actor.language
    if parsed.reason is None:
        await reply(
            update,
            context,
            "readiness-pick-reason",
            reply_markup=inline_keyboard(reason_rows(context.services, lang)),
        )
        return
    if parsed.reason == "lainnya" and not parsed.reason_text:
        await _ask_reason_text(update, context, person)
        return
    await _declare(update, context, person, parsed.reason, parsed.reason_text)


async def kesiapan_command(update: Update, context: SiagaContext) -> None:
    person = await _person(update, context)
    if person is None:
        return
    text, markup = await _status_view(context, person, context.services.clock.now(), choices=True)
    message = update.effective_message
    if message is not None:
        await message.reply_html(text, reply_markup=markup)


async def _status_view(
    context: SiagaContext, person: Person, now: datetime, *, choices: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The person's readiness as shown to them, with the Siap / Tidak siap buttons when
    `choices` (never while deployed: the call-out owns that state)."""
    services = context.services
    lang = context.actor.language
    state = await readiness.get(services.db, person.id)
    text = status_text(services, lang, person, state, now, await services.stale_after())
    markup = None
    if choices and (state is None or state.state is not State.BERTUGAS):
        markup = inline_keyboard(choice_rows(services, lang))
    return text, markup


async def _declare(
    update: Update,
    context: SiagaContext,
    person: Person,
    reason: str,
    text: str | None,
) -> None:
    """TIDAK SIAP with a reason, then ask until when (the answer sets the end time)."""
    services = context.services
    now = services.clock.now()
    lang = context.actor.language
    synced: list[int] = []
    async with services.db.transaction() as tx:
        changed = await readiness.declare_not_ready(
            tx, person.id, now, reason=reason, reason_text=text, source="self"
        )
        if changed:
            await callout_service.decline_for_not_ready(
                services, tx, person.id, context.actor.user_id
            )
            synced = await apel_service.sync_checks(
                services,
                tx,
                person.id,
                context.actor.user_id,
                lang,
                Answer.NO,
                now,
                reason=reason,
                reason_text=text,
            )
        account = await users.get(tx, context.actor.user_id)
        if account is not None and account.pending_input == REASON_INPUT:
            await users.set_pending_input(tx, context.actor.user_id, None, now)
        await inbox.settle_processing(tx)
    _after_change(context, synced)
    if not changed:
        await _answer_or_edit(update, context, context.t("readiness-deployed-unchanged"), None)
        return
    state = await readiness.get(services.db, person.id)
    body = context.t(
        "readiness-now-tidak-siap",
        reason=reason_text(services, lang, state) if state else reason,
        time=format_time(now, services.settings.zone, lang),
    )
    await _answer_or_edit(update, context, body, inline_keyboard(until_rows(services, lang)))


async def _ask_reason_text(update: Update, context: SiagaContext, person: Person) -> None:
    services = context.services
    now = services.clock.now()
    synced: list[int] = []
    async with services.db.transaction() as tx:
        changed = await readiness.declare_not_ready(
            tx, person.id, now, reason="lainnya", source="self"
        )
        if changed:
            await callout_service.decline_for_not_ready(
                services, tx, person.id, context.actor.user_id
            )
            await users.set_pending_input(tx, context.actor.user_id, REASON_INPUT, now)
            synced = await apel_service.sync_checks(
                services,
                tx,
                person.id,
                context.actor.user_id,
                context.actor.language,
                Answer.NO,
                now,
                reason="lainnya",
            )
    _after_change(context, synced)
    key = "readiness-write-reason" if changed else "readiness-deployed-unchanged"
    await _answer_or_edit(update, context, context.t(key), None)


async def _answer_or_edit(
    update: Update, context: SiagaContext, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """From a button: edit that message in place; from a command: reply."""
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        except BadRequest as exc:
            # A double tap: the card already says this (or it is too old to edit).
            log.info("readiness card not edited: %s", exc)
        return
    message = update.effective_message
    if message is not None:
        await message.reply_html(text, reply_markup=markup)


async def on_reason_text(
    update: Update, context: SiagaContext, _argument: str, reason: str
) -> None:
    person = context.actor.person
    if person is None:
        await reply(update, context, "readiness-no-person")
        return
    await _declare(update, context, person, "lainnya", reason)


# -- buttons ------------------------------------------------------------------------------


async def on_button(update: Update, context: SiagaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    services = context.services
    data = callback_data.decode(query.data)
    person = context.actor.person
    if data is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    if person is None:
        await query.answer(context.label("readiness-no-person"), show_alert=True)
        return
    lang = context.actor.language
    now = services.clock.now()
    action = action_of(data)
    if action is Action.SIAP:
        changed = await _confirm(context, person)
        key = "readiness-toast-siap" if changed else "readiness-deployed-unchanged"
        await query.answer(context.label(key), show_alert=not changed)
        text, _ = await _status_view(context, person, now, choices=False)
        await _answer_or_edit(update, context, text, None)
        return
    if action is Action.TIDAK:
        await query.answer()
        await _answer_or_edit(
            update,
            context,
            context.t("readiness-pick-reason"),
            inline_keyboard(reason_rows(services, lang)),
        )
        return
    if action is Action.BACK:
        await query.answer()
        text, markup = await _status_view(context, person, now, choices=True)
        await _answer_or_edit(update, context, text, markup)
        return
    if action is Action.REASON:
        reason = data.args[0] if data.args else ""
        if reason not in REASONS:
            await query.answer(context.label("button-invalid"), show_alert=True)
            return
        await query.answer()
        if reason == "lainnya":
            await _ask_reason_text(update, context, person)
        else:
            await _declare(update, context, person, reason, None)
        return
    if action is Action.UNTIL:
        await _set_until(update, context, person, data.args[0] if data.args else "")
        return
    await query.answer(context.label("button-invalid"), show_alert=True)


async def _set_until(update: Update, context: SiagaContext, person: Person, code: str) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    lang = context.actor.language
    if code not in UNTIL_CHOICES:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    now = services.clock.now()
    until = until_for(code, now, services.settings.zone)
    async with services.db.transaction() as tx:
        state = await readiness.get(tx, person.id)
        if state is None or state.state is not State.TIDAK_SIAP:
            changed = False
        else:
            changed = await readiness.declare_not_ready(
                tx,
                person.id,
                now,
                reason=state.reason or "lainnya",
                reason_text=state.reason_text,
                until=until,
                source="self",
            )
    if not changed or state is None:
        await query.answer(context.label("readiness-until-not-applicable"), show_alert=True)
        return
    await query.answer(context.label("readiness-until-saved"))
    key = "readiness-until-set" if until else "readiness-until-open"
    body = context.t(
        key,
        reason=reason_text(services, lang, state),
        until=format_moment(until, services.settings.zone, lang) if until else "",
    )
    await _answer_or_edit(update, context, body, None)


# -- the recheck deadline -----------------------------------------------------------------


def _deadline_handler(services: Services) -> None:
    async def on_recheck(tx: Transaction, deadline: Deadline) -> None:
        await recheck(services, tx, int(deadline.ref))

    services.scheduler.on(readiness.RECHECK_DEADLINE, on_recheck)


async def recheck(services: Services, tx: Transaction, person_id: int) -> None:
    """Ask a person to confirm again if their readiness is stale or their TIDAK SIAP ended.

    Whoever changed the state scheduled this row; if it fired early (the state changed since,
    or storage only asked to look), it is re-armed for the real time instead.
    """
    now = services.clock.now()
    person = await personnel.by_id(tx, person_id)
    if person is None or not person.active or person.telegram_user_id is None:
        return
    state = await readiness.get(tx, person_id)
    if state is None or state.state is State.BERTUGAS:
        return
    due = stale_at(state, await services.stale_after(tx))
    if due is None:
        return
    if due > now:
        await deadlines.schedule(tx, readiness.RECHECK_DEADLINE, person_id, due)
        return
    lang = await users.language_of(tx, person.telegram_user_id, services.settings.locale)
    catalog = services.catalog
    if state.state is State.SIAP:
        text = catalog.html(
            lang, "readiness-ask-stale", confirmed=_moment(services, state.confirmed_at, lang)
        )
        buttons = [
            (catalog.text(lang, "readiness-button-still-siap"), button_data(Action.SIAP)),
            (catalog.text(lang, "readiness-button-tidak"), button_data(Action.TIDAK)),
        ]
    else:
        text = catalog.html(
            lang,
            "readiness-ask-ended",
            reason=reason_text(services, lang, state),
            until=_moment(services, due, lang),
        )
        buttons = [
            (catalog.text(lang, "readiness-button-siap"), button_data(Action.SIAP)),
            (
                catalog.text(lang, "readiness-button-still-tidak"),
                button_data(Action.TIDAK),
            ),
        ]
    await enqueue(
        tx,
        OutgoingMessage(
            chat_id=person.telegram_user_id,
            text=text,
            priority=Priority.ROLLCALL,
            # One question per confirmation: a second firing for the same state is a no-op.
            dedup_key=f"rd:ask:{person_id}:{state.confirmed_at.isoformat()}",
            reply_markup=markup_json([buttons]),
            person_id=person_id,
        ),
        now,
    )


def register(app: SiagaApp) -> None:
    services: Services = app.bot_data["services"]
    _deadline_handler(services)
    app.add_handler(CommandHandler("siap", siap_command))
    app.add_handler(CommandHandler("tidaksiap", tidaksiap_command))
    app.add_handler(CommandHandler("kesiapan", kesiapan_command))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^rd:v1:"))
    expects_reason_text(app, REASON_INPUT, on_reason_text, write_key="readiness-write-reason")
