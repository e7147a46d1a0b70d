"""Who is acting: by name, for cards and reports that say who opened or ordered something;
and in the audit log."""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from bot.services import Actor
from storage import audit
from storage.db import Transaction


def actor_name(update: Update, actor: Actor) -> str:
    """The roster name with rank; an admin not on the roster by their Telegram name."""
    if actor.person is not None:
        return actor.person.display_name
    user = update.effective_user
    return user.full_name if user else str(actor.user_id)


async def audit_by(
    tx: Transaction,
    actor: Actor,
    now: datetime,
    action: str,
    *,
    subject: str | None = None,
    details: dict[str, object] | None = None,
) -> None:
    """An audit row for what `actor` did: their Telegram id and, when on the roster, who."""
    await audit.record(
        tx,
        now,
        action,
        actor_user_id=actor.user_id,
        actor_person_id=actor.person.id if actor.person is not None else None,
        subject=subject,
        details=details,
    )
