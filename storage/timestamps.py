"""How storage writes time: UTC ISO-8601 text, so that string order is time order."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache


# A batch writes one moment on every row (a burst of 3,294 taps, their history and their
# rechecks): formatting it once per batch instead of once per row.
@lru_cache(maxsize=256)
def to_db(moment: datetime) -> str:
    """Store UTC as ISO-8601 text so that string order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str) -> datetime:
    # fromisoformat reads to_db's format (3.11+ takes the Z) several times faster than
    # strptime: /status and /laporan parse a few timestamps for each of 3,294 people. The Z
    # already makes it UTC; only text without one needs the zone set (`replace` would cost
    # more than the parse itself).
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is UTC else moment.replace(tzinfo=UTC)
