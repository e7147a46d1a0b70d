"""A commander's "Ingatkan" button, one rule for roll calls and call-outs."""

from __future__ import annotations

from datetime import datetime, timedelta

# Two taps on Ingatkan within a minute would buzz every silent phone twice for nothing.
REMIND_COOLDOWN = timedelta(minutes=1)


def remind_allowed(last_at: datetime | None, now: datetime) -> bool:
    return last_at is None or now - last_at >= REMIND_COOLDOWN
