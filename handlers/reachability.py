"""A person who unblocks the bot is reachable again.

Telegram tells the bot with a `my_chat_member` update in the private chat. Only a failed send
marks someone unreachable (the delivery engine, which also tells the commander and lets a
call-out replace them); nothing else would ever clear the mark once the person came back.
A block is only audited here: marking it at once would skip that failed send and with it the
commander's notice.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ChatMemberHandler

from bot.services import SiagaApp, SiagaContext
from handlers.callout import service as callout_service
from storage import audit, outbox


async def on_private_membership(update: Update, context: SiagaContext) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE or not context.has_actor:
        return
    services = context.services
    person = context.actor.person
    now = services.clock.now()
    blocked = change.new_chat_member.status == ChatMemberStatus.BANNED
    async with services.db.transaction() as tx:
        if not blocked:
            await outbox.clear_unreachable(tx, [change.chat.id])
            if person is not None:
                await callout_service.offer_ready(services, tx, [person.category_code])
        await audit.record(
            tx,
            now,
            "reachability.blocked" if blocked else "reachability.unblocked",
            actor_user_id=context.actor.user_id,
            actor_person_id=person.id if person else None,
        )


def register(app: SiagaApp) -> None:
    app.add_handler(ChatMemberHandler(on_private_membership, ChatMemberHandler.MY_CHAT_MEMBER))
