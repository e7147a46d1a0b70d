"""Linking a Telegram account to a roster entry: by the verified contact, or by an approval.

Telegram only vouches for the phone in a contact the user shares of themselves (its
`user_id` equals the sender's), so that is the one thing that links without a human.
"""

from __future__ import annotations

from enum import StrEnum

from telegram import (
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.domain import callback_data
from bot.domain.phone import normalize_phone
from bot.services import SiagaApp, SiagaContext
from handlers import menus
from handlers.common import is_private, markup_json, open_private_chat_markup, reply
from handlers.gate import resolve_actor
from handlers.help import render_help
from handlers.kit.actor import audit_by
from handlers.text_input import expects
from storage import audit, link_requests, outbox, personnel, users
from storage.outbox import OutgoingMessage, Priority
from storage.personnel import Person

NRP_INPUT = "nrp"


class Decision(StrEnum):
    """A commander's answer to a registration request."""

    APPROVE = "ok"
    REJECT = "no"


BUTTONS = callback_data.Buttons("reg", Decision)


async def start(update: Update, context: SiagaContext) -> None:
    if not is_private(update):
        await _open_private_chat(update, context)
        return
    actor = context.actor
    if actor.person is not None:
        await reply(update, context, "start-welcome-back", name=actor.person.display_name)
        await _send_help(update, context)
        return
    account = await users.get(context.services.db, actor.user_id)
    pending = await link_requests.pending_for_user(context.services.db, actor.user_id)
    if pending is not None:
        await reply(update, context, "register-waiting-approval")
        return
    if account is not None and account.pending_input == NRP_INPUT:
        await reply(update, context, "register-ask-nrp")
        return
    await _ask_for_contact(update, context)


async def _ask_for_contact(update: Update, context: SiagaContext) -> None:
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton(context.label("register-share-button"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await reply(update, context, "register-ask-contact", reply_markup=keyboard)


async def _open_private_chat(update: Update, context: SiagaContext) -> None:
    await reply(update, context, "start-in-group", reply_markup=open_private_chat_markup(context))


async def on_contact(update: Update, context: SiagaContext) -> None:
    message = update.effective_message
    if message is None or message.contact is None or not is_private(update):
        return
    actor = context.actor
    services = context.services
    now = services.clock.now()
    if message.contact.user_id != actor.user_id:
        async with services.db.transaction() as tx:
            await audit.record(
                tx, now, "registration.foreign_contact_refused", actor_user_id=actor.user_id
            )
        await reply(update, context, "register-foreign-contact")
        return
    if actor.person is not None:
        await reply(update, context, "register-already-linked", name=actor.person.display_name)
        return
    phone = normalize_phone(message.contact.phone_number)
    matches = await personnel.active_by_phone(services.db, phone) if phone else []
    if len(matches) == 1:
        person = matches[0]
        if person.telegram_user_id is not None and person.telegram_user_id != actor.user_id:
            await reply(
                update, context, "register-phone-taken", reply_markup=ReplyKeyboardRemove()
            )
            return
        async with services.db.transaction() as tx:
            await personnel.link(tx, person.id, actor.user_id, now)
            await users.set_pending_input(tx, actor.user_id, None, now)
            await audit.record(
                tx,
                now,
                "registration.linked_by_contact",
                actor_user_id=actor.user_id,
                actor_person_id=person.id,
                subject=f"person:{person.id}",
            )
        await _greet(update, context, person)
        return
    async with services.db.transaction() as tx:
        await users.set_pending_input(tx, actor.user_id, NRP_INPUT, now, shared_phone=phone)
    await reply(update, context, "register-no-match", reply_markup=ReplyKeyboardRemove())


async def _greet(update: Update, context: SiagaContext, person: Person) -> None:
    await reply(
        update,
        context,
        "register-linked",
        name=person.display_name,
        unit=person.unit,
        category=person.category_code,
        reply_markup=ReplyKeyboardRemove(),
    )
    context.actor = await resolve_actor(context, context.actor.user_id)
    await _send_help(update, context)
    await menus.refresh_for_user(context, context.actor.user_id)


async def _send_help(update: Update, context: SiagaContext) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_html(render_help(context, in_group=False))


async def on_nrp(update: Update, context: SiagaContext, _argument: str, text: str) -> None:
    actor = context.actor
    services = context.services
    nrp = text.replace(" ", "")
    # isdigit() alone takes "²" and other non-ASCII digits that no NRP has.
    if not (nrp.isascii() and nrp.isdigit()):
        await reply(update, context, "register-nrp-invalid", value=text[:40])
        return
    person = await personnel.by_nrp(services.db, nrp)
    if person is None or not person.active:
        await reply(update, context, "register-nrp-unknown", nrp=nrp)
        return
    if person.telegram_user_id is not None:
        await reply(update, context, "register-nrp-taken", nrp=nrp)
        return
    if await link_requests.pending_for_user(services.db, actor.user_id) is not None:
        await reply(update, context, "register-waiting-approval")
        return
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    now = services.clock.now()
    account = await users.get(services.db, actor.user_id)
    shared_phone = account.shared_phone if account else None
    approvers = await _approvers(context, person)
    async with services.db.transaction() as tx:
        request_id = await link_requests.create(
            tx,
            telegram_user_id=actor.user_id,
            chat_id=chat.id,
            person_id=person.id,
            shared_phone=shared_phone,
            now=now,
        )
        await users.set_pending_input(tx, actor.user_id, None, now)
        await audit.record(
            tx,
            now,
            "registration.requested",
            actor_user_id=actor.user_id,
            subject=f"person:{person.id}",
            details={"request": request_id},
        )
        for approver_id in approvers:
            lang = await users.language_of(tx, approver_id, services.settings.locale)
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=approver_id,
                    text=services.catalog.html(
                        lang,
                        "register-approval-request",
                        name=person.display_name,
                        nrp=person.nrp,
                        unit=person.unit,
                        category=person.category_code,
                        account=user.full_name,
                        username=f"@{user.username}" if user.username else "-",
                        phone=shared_phone or "-",
                    ),
                    priority=Priority.REMINDER,
                    dedup_key=_approval_key(request_id, approver_id),
                    reply_markup=markup_json(
                        [
                            [
                                (
                                    services.catalog.text(lang, "register-approve"),
                                    BUTTONS.data(Decision.APPROVE, request_id),
                                ),
                                (
                                    services.catalog.text(lang, "register-reject"),
                                    BUTTONS.data(Decision.REJECT, request_id),
                                ),
                            ]
                        ]
                    ),
                ),
                now,
            )
    key = "register-approval-sent" if approvers else "register-no-approver"
    await reply(update, context, key, name=person.display_name)


async def _approvers(context: SiagaContext, person: Person) -> list[int]:
    """Admins (configured and appointed) and the linked commanders whose scope covers them."""
    db = context.services.db
    found = list(context.services.settings.admin_ids)
    for candidate in [
        *await personnel.admins(db),
        *await personnel.commanders_covering(db, person),
    ]:
        if candidate.telegram_user_id is not None:
            found.append(candidate.telegram_user_id)
    return list(dict.fromkeys(found))


def _approval_key(request_id: int, approver_id: int) -> str:
    return f"reg:{request_id}:to:{approver_id}"


async def on_decision(update: Update, context: SiagaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    data = callback_data.decode(query.data)
    request_id = data.int_arg(0) if data else None
    services = context.services
    request = await link_requests.get(services.db, request_id) if request_id else None
    person = await personnel.by_id(services.db, request.person_id) if request else None
    if data is None or request is None or person is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    actor = context.actor
    if not actor.commands(person):
        await query.answer(context.label("register-decision-not-yours"), show_alert=True)
        return
    if request.status != "pending":
        await query.answer(context.label("register-already-decided"), show_alert=True)
        return
    approve = BUTTONS.action_of(data) is Decision.APPROVE
    now = services.clock.now()
    async with services.db.transaction() as tx:
        if approve and (
            await personnel.by_telegram_user(tx, request.telegram_user_id) is not None
            or (current := await personnel.by_id(tx, person.id)) is None
            or current.telegram_user_id is not None
        ):
            approve = False
        if not await link_requests.decide(
            tx, request.id, approved=approve, decided_by=actor.user_id, now=now
        ):
            approve = False
        elif approve:
            await personnel.link(tx, person.id, request.telegram_user_id, now)
        await audit_by(
            tx,
            actor,
            now,
            "registration.approved" if approve else "registration.rejected",
            subject=f"person:{person.id}",
            details={"request": request.id, "telegram_user_id": request.telegram_user_id},
        )
        user_lang = await users.language_of(tx, request.telegram_user_id, services.settings.locale)
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                chat_id=request.chat_id,
                text=services.catalog.html(
                    user_lang,
                    "register-approved" if approve else "register-rejected",
                    name=person.display_name,
                    unit=person.unit,
                    category=person.category_code,
                ),
                priority=Priority.REMINDER,
                dedup_key=f"reg:{request.id}:outcome",
                person_id=person.id,
            ),
            now,
        )
        outcome_key = "register-decided-approved" if approve else "register-decided-rejected"
        for approver_id in await _approvers(context, person):
            lang = await users.language_of(tx, approver_id, services.settings.locale)
            await outbox.enqueue_edit(
                tx,
                target_key=_approval_key(request.id, approver_id),
                chat_id=approver_id,
                text=services.catalog.html(
                    lang,
                    outcome_key,
                    name=person.display_name,
                    nrp=person.nrp,
                    decider=actor.person.display_name if actor.person else str(actor.user_id),
                ),
                reply_markup=None,
                now=now,
            )
    await query.answer(context.label(outcome_key + "-short"))
    if approve:
        await menus.refresh_for_user(context, request.telegram_user_id)


def register(app: SiagaApp) -> None:
    app.add_handler(CommandHandler(["start", "daftar"], start))
    app.add_handler(MessageHandler(filters.CONTACT & filters.ChatType.PRIVATE, on_contact))
    app.add_handler(CallbackQueryHandler(on_decision, pattern=r"^reg:v1:(ok|no):"))
    expects(app, NRP_INPUT, on_nrp)
