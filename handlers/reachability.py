"""A person who blocks the bot is unreachable at once; unblocking makes them reachable again.

Telegram tells the bot with a `my_chat_member` update in the private chat. Waiting for the
next send to fail would leave a commander's counts wrong until then, and nothing else would
ever clear the mark once the person came back.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ChatMemberHandler

from bot.services import SiagaApp, SiagaContext
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
        if blocked:
            await outbox.mark_unreachable(
                tx, change.chat.id, person.id if person else None, "blocked", now
            )
        else:
            await outbox.clear_unreachable(tx, [change.chat.id])
        await audit.record(
            tx,
            now,
            "reachability.blocked" if blocked else "reachability.unblocked",
            actor_user_id=context.actor.user_id,
            actor_person_id=person.id if person else None,
        )


def register(app: SiagaApp) -> None:
    app.add_handler(ChatMemberHandler(on_private_membership, ChatMemberHandler.MY_CHAT_MEMBER))
