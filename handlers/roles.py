"""Admins appoint and remove commanders (/angkat, /copot) and release account links (/lepas),
in the private chat with the bot."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.domain.refusal import Refusal
from bot.domain.roles import parse_appointment, parse_nrp
from bot.services import SiagaApp, SiagaContext
from handlers import menus
from handlers.common import command, command_args, reply, require_admin
from handlers.kit.refusal import refuse
from storage import audit, categories, inbox, outbox, personnel, users
from storage.db import Transaction
from storage.outbox import OutgoingMessage, Priority
from storage.personnel import Person


async def appoint(update: Update, context: SiagaContext) -> None:
    if not await require_admin(update, context):
        return
    services = context.services
    known_categories = {c.code for c in await categories.all_categories(services.db)}
    parsed = parse_appointment(
        command_args(context), known_categories, await personnel.units(services.db)
    )
    if isinstance(parsed, Refusal):
        await refuse(update, context, parsed)
        return
    person = await _active_person(update, context, parsed.nrp)
    if person is None:
        return
    kind = parsed.scope_kind or "unit"
    value = parsed.scope_value or person.unit
    await _change_role(
        update,
        context,
        person,
        role=parsed.role,
        scope=(kind, value),
        audited=("role.appointed", {"role": parsed.role, "scope": f"{kind}:{value}"}),
        told=("roles-you-were-appointed", {"role": parsed.role}),
        replied=("roles-appointed", {"role": parsed.role, "scope": value}),
    )


async def dismiss(update: Update, context: SiagaContext) -> None:
    nrp = await _admin_nrp(update, context)
    if nrp is None:
        return
    person = await _active_person(update, context, nrp)
    if person is None:
        return
    await _change_role(
        update,
        context,
        person,
        role="anggota",
        scope=None,
        audited=("role.dismissed", {"previous_role": person.role}),
        told=("roles-you-were-dismissed", {}),
        replied=("roles-dismissed", {}),
    )


async def _admin_nrp(update: Update, context: SiagaContext) -> str | None:
    """The NRP an admin's command names; None (the asker told why) for anyone but an admin or
    a malformed NRP."""
    if not await require_admin(update, context):
        return None
    nrp = parse_nrp(command_args(context))
    if isinstance(nrp, Refusal):
        await refuse(update, context, nrp)
        return None
    return nrp


async def _change_role(
    update: Update,
    context: SiagaContext,
    person: Person,
    *,
    role: str,
    scope: tuple[str, str] | None,
    audited: tuple[str, dict[str, Any]],
    told: tuple[str, dict[str, str]],
    replied: tuple[str, dict[str, str]],
) -> None:
    """Give `person` a role with one more scope (or, with None, none left), record it, tell
    them, answer the admin and refresh the person's command menu."""
    services = context.services
    now = services.clock.now()
    async with services.db.transaction() as tx:
        await personnel.set_role(tx, person.id, role, now)
        if scope is None:
            await personnel.clear_scopes(tx, person.id)
        else:
            await personnel.add_scope(tx, person.id, *scope)
        action, details = audited
        await audit.record(
            tx,
            now,
            action,
            actor_user_id=context.actor.user_id,
            subject=f"person:{person.id}",
            details=details,
        )
        await _tell_person(context, tx, person, told[0], **told[1])
        await inbox.settle_processing(tx)
    await reply(update, context, replied[0], name=person.display_name, **replied[1])
    if person.telegram_user_id is not None:
        await menus.refresh_for_user(context, person.telegram_user_id)


async def release(update: Update, context: SiagaContext) -> None:
    """Unlink an account so the person can register again (a new phone, a lost account)."""
    nrp = await _admin_nrp(update, context)
    if nrp is None:
        return
    services = context.services
    person = await personnel.by_nrp(services.db, nrp)
    if person is None or person.telegram_user_id is None:
        await reply(update, context, "roles-not-linked", nrp=nrp)
        return
    now = services.clock.now()
    async with services.db.transaction() as tx:
        await personnel.unlink(tx, person.id, now)
        await audit.record(
            tx,
            now,
            "registration.released",
            actor_user_id=context.actor.user_id,
            subject=f"person:{person.id}",
            details={"telegram_user_id": person.telegram_user_id},
        )
        await inbox.settle_processing(tx)
    await reply(update, context, "roles-released", name=person.display_name)
    await menus.refresh_for_user(context, person.telegram_user_id)


async def _active_person(update: Update, context: SiagaContext, nrp: str) -> Person | None:
    person = await personnel.by_nrp(context.services.db, nrp)
    if person is None or not person.active:
        await reply(update, context, "roles-nrp-unknown", nrp=nrp)
        return None
    return person


async def _tell_person(
    context: SiagaContext, tx: Transaction, person: Person, key: str, **args: str
) -> None:
    if person.telegram_user_id is None:
        return
    services = context.services
    lang = await users.language_of(tx, person.telegram_user_id, services.settings.locale)
    now = services.clock.now()
    await outbox.enqueue(
        tx,
        OutgoingMessage(
            chat_id=person.telegram_user_id,
            text=services.catalog.html(lang, key, **args),
            priority=Priority.REMINDER,
            dedup_key=f"role:{person.id}:{key}:{now.timestamp()}",
            person_id=person.id,
        ),
        now,
    )


def register(app: SiagaApp) -> None:
    # Private chat only (bot/commands.py): in a group they change nothing and say where to go.
    app.add_handler(command("angkat", appoint))
    app.add_handler(command("copot", dismiss))
    app.add_handler(command("lepas", release))
