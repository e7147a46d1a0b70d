"""Optional named fields after an order, one per `;` or line:

    /mobilize BRIMOB 30 Kantor KPU Kalbar; tugas: BKO Polres Sanggau; kumpul: Mako Brimob;
    lapor: Iptu Dedi 0812-3456-7890
    /apel semua 30 Apel siaga; tempat: Lapangan Mapolda; pukul: 07.30

The text before the first separator is the order itself, read as before. A field's value is
free text (places and names have spaces), so fields are told apart by the separator, never by
guessing where a place name ends."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.refusal import Refusal

FIELD_MAX_CHARS = 100

# Call-out fields: the task or BKO (`BKO Polres Sanggau`), where to assemble, whom to report to
# (name and phone, or a radio channel). Keys are what is stored; values the words accepted.
CALLOUT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "task": ("tugas", "bko", "task"),
    "assembly": ("kumpul", "titik kumpul", "assembly"),
    "report_to": ("lapor", "lapor ke", "report"),
}
# Roll-call fields: the assembly place by name, and the time of the apel itself.
ROLLCALL_FIELDS: Mapping[str, tuple[str, ...]] = {
    "place": ("tempat", "lokasi", "place"),
    "time": ("pukul", "jam", "time"),
}

_SEPARATOR = re.compile(r"[;\n]")
_CLOCK = re.compile(r"^(\d{1,2})[.:](\d{2})$")


def split_fields(
    text: str, fields: Mapping[str, tuple[str, ...]]
) -> tuple[str, dict[str, str]] | Refusal:
    """The order's own text and the named fields after it."""
    head, *segments = _SEPARATOR.split(text)
    by_word = {word: key for key, words in fields.items() for word in words}
    found: dict[str, str] = {}
    for segment in segments:
        if not segment.strip():
            continue
        name, colon, value = segment.partition(":")
        key = by_word.get(" ".join(name.lower().split()))
        if not colon or key is None:
            return Refusal("field-unknown", {"value": segment.strip()[:40]})
        checked = field_value(value, name.strip())
        if isinstance(checked, Refusal):
            return checked
        found[key] = checked
    return head, found


def field_value(text: str, name: str) -> str | Refusal:
    """One field's value, typed after `name:` or answered on its own in a guided flow."""
    value = " ".join(text.split())
    if not value:
        return Refusal("field-empty", {"field": name})
    if len(value) > FIELD_MAX_CHARS:
        return Refusal(
            "field-too-long", {"field": name, "length": len(value), "max": FIELD_MAX_CHARS}
        )
    return value


def parse_clock(text: str, now: datetime, zone: ZoneInfo) -> datetime | Refusal:
    """`07.30` or `7:30` in the command's zone: the next such moment from `now` (an apel at
    07.30 ordered at 22.00 is tomorrow morning's)."""
    match = _CLOCK.match(text.strip())
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
    if hour > 23 or minute > 59:
        return Refusal("field-time-invalid", {"value": text.strip()[:20]})
    local = now.astimezone(zone)
    moment = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if moment < local:
        moment += timedelta(days=1)
    return moment
