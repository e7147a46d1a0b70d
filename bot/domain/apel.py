"""Roll-call (apel) rules: argument parsing, tallies, report splitting, distances.

Pure: no I/O, no Telegram; the handler passes the known categories and units and `now`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.domain.order_fields import ROLLCALL_FIELDS, parse_clock, split_fields
from bot.domain.reasons import REASONS as REASONS  # the one list, for the roll call's buttons
from bot.domain.reasons import known
from bot.domain.refusal import Refusal

# An apel longer than a day is a typo, not an order.
MAX_MINUTES = 24 * 60
TITLE_MAX = 80
REASON_TEXT_MAX = 200
# Telegram refuses texts over 4,096 UTF-16 units; leave room for the header of a part.
MESSAGE_LIMIT = 3900
# More parts than this and a commander scrolls through a wall: send a file instead.
MAX_REPORT_MESSAGES = 3
EXTEND_CHOICES = (10, 30)
DURATION_CHOICES = (10, 15, 30, 60, 120)
RADIUS_CHOICES = (100, 250, 500, 1000)
ALL_WORDS = frozenset({"semua", "all"})
_MINUTES = re.compile(r"^(\d{1,6})(m|mnt|menit|min)?$", re.IGNORECASE)
_NUMBERISH = re.compile(r"^[-+]?\d")


class RollCallKind(StrEnum):
    """One engine, two uses: a roll call (`/apel`) or a readiness check (`/cekkesiapan`)."""

    APEL = "apel"
    CEK = "cek"


class DraftState(StrEnum):
    """A guided opening: being put together, then opened as a roll call or cancelled."""

    DRAFT = "draft"
    OPENED = "opened"
    CANCELLED = "cancelled"


class MessageKind(StrEnum):
    """What a roll call's outbox message is; the middle word of its key."""

    CARD = "card"
    PROMPT = "p"
    REMINDER = "rem"
    LOCATION = "loc"
    REPORT = "report"


@dataclass(frozen=True)
class MessageKey:
    """The outbox key of one roll-call message, built and read back in one place:
    `ap:<id>:card`, `ap:<id>:p:<person>`, `ap:<id>:rem:<person>:<tag>` (t5, m2),
    `ap:<id>:loc:<person>:<revision>`, `ap:<id>:report:<part>`."""

    rollcall_id: int
    kind: MessageKind
    person_id: int | None = None
    tag: str | None = None

    def __str__(self) -> str:
        parts = [KEY_PREFIX, str(self.rollcall_id), self.kind.value]
        if self.kind is MessageKind.REPORT:
            parts.append(self.tag or "")
        elif self.kind is not MessageKind.CARD:
            parts.append(str(self.person_id))
            if self.tag is not None:
                parts.append(self.tag)
        return ":".join(parts)

    @classmethod
    def parse(cls, key: str) -> MessageKey | None:
        """The key's parts; None for another feature's key or a malformed one."""
        parts = key.split(":")
        if len(parts) < 3 or parts[0] != KEY_PREFIX or not parts[1].isdigit():
            return None
        try:
            kind = MessageKind(parts[2])
        except ValueError:
            return None
        rollcall_id = int(parts[1])
        if kind is MessageKind.CARD:
            return cls(rollcall_id, kind) if len(parts) == 3 else None
        if kind is MessageKind.REPORT:
            return cls(rollcall_id, kind, tag=parts[3]) if len(parts) == 4 else None
        if len(parts) < 4 or not parts[3].isdigit():
            return None
        tag = parts[4] if len(parts) > 4 else None
        return cls(rollcall_id, kind, int(parts[3]), tag)

    @classmethod
    def prefix(cls, rollcall_id: int, kind: MessageKind) -> str:
        """`ap:<id>:<kind>:`: every key of this kind for one roll call starts with it."""
        return f"{KEY_PREFIX}:{rollcall_id}:{kind.value}:"


KEY_PREFIX = "ap"


class ScopeKind(StrEnum):
    ALL = "all"
    CATEGORY = "category"
    UNIT = "unit"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    value: str | None = None

    @property
    def label(self) -> str | None:
        """The category code or unit name; None for everyone (rendered by the caller)."""
        return self.value


P = TypeVar("P")


def narrow_scope(
    scope: Scope,
    named: Sequence[P],
    commands: Callable[[P], bool],
    *,
    is_admin: bool,
    commanded: Sequence[str],
) -> tuple[list[P], bool] | Refusal:
    """Whom a roll call of `scope` calls, and whether that is fewer than the scope names.

    `named` are the active people the scope names (for `semua`: everyone the asker commands);
    `commands` says whom the asker commands; `commanded` are the asker's categories and units.
    A category or unit is narrowed to the asker's own people, refused when it has nobody or
    nobody of theirs; `semua` is refused only to a commander of nothing.
    """
    if scope.kind is ScopeKind.ALL:
        if not is_admin and not commanded:
            return Refusal("apel-no-scope")
        return list(named), False
    value = scope.value or ""
    if not named:
        return Refusal("apel-scope-empty", {"value": value})
    mine = [person for person in named if commands(person)]
    if not mine:
        return Refusal(
            "apel-scope-forbidden", {"value": value, "scope": ", ".join(commanded) or "-"}
        )
    return mine, len(mine) < len(named)


@dataclass(frozen=True)
class ApelRequest:
    scope: Scope | None  # None: ask with buttons
    minutes: int
    title: str | None = None
    place: str | None = None  # the assembly place by name (`; tempat: Lapangan Mapolda`)
    assembles_at: datetime | None = None  # the apel itself (`; pukul: 07.30`), UTC


def parse_minutes(token: str) -> int | Refusal:
    match = _MINUTES.match(token.strip())
    if match is None:
        if _NUMBERISH.match(token.strip()):
            return Refusal("apel-minutes-not-positive", {"value": token[:20]})
        return Refusal("apel-minutes-invalid", {"value": token[:20]})
    minutes = int(match.group(1))
    if minutes <= 0:
        return Refusal("apel-minutes-not-positive", {"value": token[:20]})
    if minutes > MAX_MINUTES:
        return Refusal("apel-minutes-too-long", {"value": token[:20], "max": MAX_MINUTES})
    return minutes


def match_scope(
    tokens: Sequence[str], categories: Collection[str], units: Collection[str]
) -> tuple[Scope, int] | None:
    """The scope named by the longest prefix of `tokens`, and how many tokens it took."""
    if not tokens:
        return None
    first = tokens[0].strip()
    if first.lower() in ALL_WORDS:
        return Scope(ScopeKind.ALL), 1
    by_upper = {c.upper(): c for c in categories}
    unit_by_lower = {u.lower(): u for u in units}
    for length in range(len(tokens), 0, -1):
        candidate = " ".join(t.strip() for t in tokens[:length])
        if candidate.lower() in unit_by_lower:
            return Scope(ScopeKind.UNIT, unit_by_lower[candidate.lower()]), length
        if length == 1 and candidate.upper() in by_upper:
            return Scope(ScopeKind.CATEGORY, by_upper[candidate.upper()]), 1
    return None


def parse_apel_args(
    args: Sequence[str],
    categories: Collection[str],
    units: Collection[str],
    default_minutes: int,
) -> ApelRequest | Refusal:
    """`[KATEGORI|SATUAN|semua] [menit] [judul…]`.

    The token after the scope, when there is one, must be the duration: a title only comes
    after it, so `/apel BRIMOB tiga` is a mistake to point out, not a title.
    """
    tokens = [t for t in args if t.strip()]
    if not tokens:
        return ApelRequest(None, default_minutes)
    matched = match_scope(tokens, categories, units)
    if matched is None:
        if _NUMBERISH.match(tokens[0]):
            minutes = parse_minutes(tokens[0])
            if isinstance(minutes, Refusal):
                return minutes
            return ApelRequest(None, minutes, _title(tokens[1:]))
        unknown = []
        for token in tokens:
            if _NUMBERISH.match(token):
                break
            unknown.append(token)
        return Refusal(
            "apel-unknown-scope",
            {"value": " ".join(unknown)[:60], "categories": ", ".join(sorted(categories))},
        )
    scope, used = matched
    rest = tokens[used:]
    if not rest:
        return ApelRequest(scope, default_minutes)
    minutes = parse_minutes(rest[0])
    if isinstance(minutes, Refusal):
        return minutes
    return ApelRequest(scope, minutes, _title(rest[1:]))


def parse_apel_text(
    text: str,
    categories: Collection[str],
    units: Collection[str],
    default_minutes: int,
    now: datetime,
    zone: ZoneInfo,
) -> ApelRequest | Refusal:
    """`/apel`'s text after the command: `[KATEGORI|SATUAN|semua] [menit] [judul…]` and, each
    after a `;` or on its own line, `tempat: …` (the assembly place by name) and `pukul: 07.30`
    (the time of the apel itself, apart from the answer deadline)."""
    split = split_fields(text, ROLLCALL_FIELDS)
    if isinstance(split, Refusal):
        return split.under("apel-")
    head, fields = split
    request = parse_apel_args(head.split(), categories, units, default_minutes)
    if isinstance(request, Refusal):
        return request
    assembles_at = None
    if "time" in fields:
        clock = parse_clock(fields["time"], now, zone)
        if isinstance(clock, Refusal):
            return clock.under("apel-")
        assembles_at = clock.astimezone(UTC)
    return replace(request, place=fields.get("place"), assembles_at=assembles_at)


def _title(tokens: Sequence[str]) -> str | None:
    text = " ".join(tokens).strip()
    return text[:TITLE_MAX] if text else None


# -- tallies ------------------------------------------------------------------------------


class Answer(StrEnum):
    YES = "yes"  # hadir (apel) / siap (readiness check)
    NO = "no"  # tidak hadir / tidak siap


class LocationState(StrEnum):
    AWAITING = "awaiting"
    INSIDE = "inside"
    OUTSIDE = "outside"
    SHARED = "shared"  # no assembly point: a position, nothing to verify


@dataclass(frozen=True)
class TallyRow:
    """One group of targets as storage counts them."""

    category: str
    answer: str | None
    reason: str | None
    location_state: str | None
    unreachable: bool
    count: int


@dataclass
class CategoryTally:
    category: str
    called: int = 0
    yes: int = 0
    yes_inside: int = 0
    yes_outside: int = 0
    yes_awaiting_location: int = 0
    no: int = 0
    no_by_reason: dict[str, int] = field(default_factory=dict)
    no_answer: int = 0
    unreachable: int = 0

    def add(self, row: TallyRow) -> None:
        self.called += row.count
        if row.answer == Answer.YES:
            self.yes += row.count
            if row.location_state == LocationState.INSIDE:
                self.yes_inside += row.count
            elif row.location_state == LocationState.OUTSIDE:
                self.yes_outside += row.count
            elif row.location_state == LocationState.AWAITING:
                self.yes_awaiting_location += row.count
        elif row.answer == Answer.NO:
            self.no += row.count
            reason = known(row.reason)
            self.no_by_reason[reason] = self.no_by_reason.get(reason, 0) + row.count
        else:
            self.no_answer += row.count
            if row.unreachable:
                self.unreachable += row.count


@dataclass(frozen=True)
class Tally:
    categories: tuple[CategoryTally, ...]
    total: CategoryTally


def build_tally(rows: Iterable[TallyRow]) -> Tally:
    by_category: dict[str, CategoryTally] = {}
    total = CategoryTally("")
    for row in rows:
        by_category.setdefault(row.category, CategoryTally(row.category)).add(row)
        total.add(row)
    return Tally(tuple(by_category[c] for c in sorted(by_category)), total)


# -- time ---------------------------------------------------------------------------------


def reminder_schedule(
    closes_at: datetime, minutes_before: Iterable[int], now: datetime
) -> dict[int, datetime | None]:
    """For each configured lead time: when to remind, or None when that moment has passed."""
    plan: dict[int, datetime | None] = {}
    for minutes in sorted(set(minutes_before), reverse=True):
        if minutes <= 0:
            continue
        due = closes_at - timedelta(minutes=minutes)
        plan[minutes] = due if due > now else None
    return plan


def extension_allowed(opened_at: datetime, closes_at: datetime, minutes: int) -> bool:
    return (closes_at + timedelta(minutes=minutes)) - opened_at <= timedelta(minutes=MAX_MINUTES)


UNTIL_CHOICES = ("today", "tomorrow", "3d", "none")


def until_for(choice: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """`today`: until local midnight; `tomorrow`: the midnight after; `3d`: 72 hours."""
    local = now.astimezone(zone)
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone) + timedelta(days=1)
    if choice == "today":
        return midnight
    if choice == "tomorrow":
        return midnight + timedelta(days=1)
    if choice == "3d":
        return now + timedelta(days=3)
    return None


# -- reports ------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji can be two)."""
    return len(text.encode("utf-16-le")) // 2


def split_messages(lines: Sequence[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack lines into as few messages as fit under `limit`; never split inside a line
    unless that one line alone is too long."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        for piece in _hard_split(line, limit):
            extra = utf16_len(piece) + (1 if current else 0)
            if current and size + extra > limit:
                parts.append("\n".join(current))
                current, size = [], 0
                extra = utf16_len(piece)
            current.append(piece)
            size += extra
    if current:
        parts.append("\n".join(current))
    return parts


def _hard_split(line: str, limit: int) -> list[str]:
    if utf16_len(line) <= limit:
        return [line]
    pieces: list[str] = []
    current = ""
    for char in line:
        if utf16_len(current + char) > limit:
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces


@dataclass(frozen=True)
class ReportPerson:
    category: str
    status: str  # belum_menjawab / tak_terjangkau / belum_terdaftar / tidak_hadir …
    rank: str
    name: str
    nrp: str
    unit: str
    phone: str
    detail: str = ""


CSV_HEADER = ("kategori", "status", "pangkat", "nama", "nrp", "satuan", "telepon", "keterangan")


def report_csv(people: Iterable[ReportPerson]) -> bytes:
    """UTF-8 with a BOM so that Excel on a staff laptop opens the names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for p in people:
        cells = (p.category, p.status, p.rank, p.name, p.nrp, p.unit, p.phone, p.detail)
        writer.writerow([_csv_safe(c) for c in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: free text must not run.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
