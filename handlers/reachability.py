"""A person who unblocks the bot, or writes to it in private, is reachable again.

Telegram tells of an unblock with a `my_chat_member` update in the private chat; of a chat
that was "not found" and works now, or a block lifted without that update, it tells nothing,
and the person's next private update (the gate sees it: `back_in_private`) is the proof.
Only a failed send marks someone unreachable (the delivery engine, which also tells the
commander and lets a call-out replace them); nothing else would ever clear the mark once the
person came back. A block is only audited here: marking it at once would skip that failed
send and with it the commander's notice.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ChatMemberHandler

from bot.services import Services, SiagaApp, SiagaContext
from handlers.callout import service as callout_service
from storage import audit, outbox
from storage.db import Transaction
from storage.personnel import Person


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
            await audit.record(
                tx,
                now,
                "reachability.blocked",
                actor_user_id=context.actor.user_id,
                actor_person_id=person.id if person else None,
            )
        else:
            await outbox.clear_unreachable(tx, [change.chat.id])
            await _reachable(services, tx, context.actor.user_id, person)


async def back_in_private(services: Services, person: Person) -> None:
    """`person` (active or not), marked unreachable, has just written to the bot in private
    (the gate saw it): their chat works, whatever Telegram said before."""
    user_id = person.telegram_user_id
    assert user_id is not None
    async with services.db.transaction() as tx:
        # Cleared meanwhile (a message got through, an update of theirs just before): done.
        if await outbox.clear_unreachable(tx, [user_id]):
            await _reachable(services, tx, user_id, person if person.active else None)


async def _reachable(
    services: Services, tx: Transaction, user_id: int, person: Person | None
) -> None:
    """Their private chat is no longer marked: a short call-out line of their category
    (active people only) invites them now."""
    if person is not None:
        await callout_service.offer_ready(services, tx, [person.category_code])
    await audit.record(
        tx,
        services.clock.now(),
        "reachability.unblocked",
        actor_user_id=user_id,
        actor_person_id=person.id if person else None,
    )


def register(app: SiagaApp) -> None:
    app.add_handler(ChatMemberHandler(on_private_membership, ChatMemberHandler.MY_CHAT_MEMBER))
