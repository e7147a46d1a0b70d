"""/dasbor: the Mini App button in a private chat; in a posko group, big-screen links.

- `/dasbor` (private, commanders): a `Dasbor` button that opens the Mini App.
- `/dasbor layar [12 | 12j | 3 hari]` (a registered group, a commander whose command holds
  the group's scope): a signed link for the posko's TV, counts only, valid 24 h by default.
- `/dasbor cabut` (same people, same place): every link of that group stops working.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.dashboard import parse_validity, screen_token
from bot.i18n import format_moment
from bot.services import SiagaContext
from handlers.common import command_args, is_private, open_private_chat_markup, reply
from handlers.dashboard.buttons import with_dashboard
from handlers.kit.actor import audit_by
from handlers.kit.scope import group_for_command, outside_of, refusal_args
from storage import dashboard, inbox
from storage.db import Transaction


async def dasbor_command(update: Update, context: SiagaContext) -> None:
    services = context.services
    actor = context.actor
    args = [a.lower() for a in command_args(context)]
    if not actor.is_commander:
        await reply(update, context, "posko-commander-only")
        return
    if services.settings.web_url is None:
        await reply(update, context, "dsb-off")
        return
    if is_private(update):
        if args:
            await reply(update, context, "dsb-screen-in-group")
            return
        await reply(
            update,
            context,
            "dsb-open",
            reply_markup=with_dashboard(None, services, actor.language, private=True),
        )
        return
    if not args:
        await reply(
            update, context, "dsb-group-usage", reply_markup=open_private_chat_markup(context)
        )
        return
    group = await group_for_command(update, context)
    if group is None:
        return
    outside = outside_of(actor, group.scope)
    if outside is not None:
        await reply(update, context, "posko-scope-outside", **refusal_args(context, outside))
        return
    if args[0] == "layar":
        await _screen_link(update, context, group.chat_id, " ".join(args[1:]))
    elif args[0] == "cabut":
        await _revoke(update, context, group.chat_id)
    else:
        await reply(update, context, "dsb-group-usage")


async def _screen_link(update: Update, context: SiagaContext, chat_id: int, validity: str) -> None:
    services = context.services
    settings = services.settings
    span = parse_validity(validity)
    if span is None:
        await reply(update, context, "dsb-validity-invalid", value=validity)
        return
    now = services.clock.now()
    expires = now + span
    async with services.db.transaction() as tx:
        link_id = await dashboard.create_screen(tx, chat_id, context.actor.user_id, now, expires)
        await _audit(tx, context, "dashboard.screen", chat_id, link=link_id, until=str(expires))
        await inbox.settle_processing(tx)
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    url = f"{(settings.web_url or '').rstrip('/')}/layar/{screen_token(token, link_id, expires)}"
    await reply(
        update,
        context,
        "dsb-screen-link",
        url=url,
        until=format_moment(expires, settings.zone, context.actor.language),
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(context.label("dsb-screen-open"), url=url)]]
        ),
    )


async def _revoke(update: Update, context: SiagaContext, chat_id: int) -> None:
    services = context.services
    now = services.clock.now()
    async with services.db.transaction() as tx:
        count = await dashboard.revoke_screens(tx, chat_id, context.actor.user_id, now)
        await _audit(tx, context, "dashboard.revoke", chat_id, revoked=count)
        await inbox.settle_processing(tx)
    await reply(update, context, "dsb-revoked", count=count)


async def _audit(
    tx: Transaction, context: SiagaContext, action: str, chat_id: int, **details: object
) -> None:
    await audit_by(
        tx,
        context.actor,
        context.services.clock.now(),
        action,
        subject=str(chat_id),
        details=details,
    )
