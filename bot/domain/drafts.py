"""Drafts (a guided /apel or /pengerahan being built with buttons): who may touch one and how
long it lives, one rule for every feature."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

# A call-out's confirm card older than this shows numbers too old to act on: order again.
CALLOUT_DRAFT_LIFETIME = timedelta(minutes=30)
# A roll call is often prepared in the evening for the morning: its draft keeps longer.
APEL_DRAFT_LIFETIME = timedelta(hours=12)


class DraftVerdict(StrEnum):
    USABLE = "usable"
    NOT_YOURS = "not_yours"  # someone else's draft: only its author builds it
    GONE = "gone"  # already sent or dropped
    EXPIRED = "expired"


def expired(created_at: datetime, now: datetime, lifetime: timedelta) -> bool:
    return now - created_at > lifetime


def judge_draft(
    *,
    owner_user_id: int,
    actor_user_id: int,
    is_open: bool,
    created_at: datetime,
    now: datetime,
    lifetime: timedelta,
) -> DraftVerdict:
    if owner_user_id != actor_user_id:
        return DraftVerdict.NOT_YOURS
    if not is_open:
        return DraftVerdict.GONE
    if expired(created_at, now, lifetime):
        return DraftVerdict.EXPIRED
    return DraftVerdict.USABLE
