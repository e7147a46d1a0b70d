"""Status of the reserve, pure: counting, the broadcast table, the strength report (laporan),
jam rawan windows, broadcast slots and readiness staleness.

No I/O and no Telegram here: callers pass plain data and `now`, and get plain data or text
back. Labels come from the caller (rendered from `locales/`), so this module speaks no language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.readiness import Effective, Readiness, effective, stale_at
from bot.domain.reasons import REASONS, known
from bot.domain.refusal import Refusal

# ---------------------------------------------------------------------------------------------
# Scope: which people a status, a report or a command group covers.


@dataclass(frozen=True)
class StatusScope:
    """People of any of these units or categories; `everything` is the whole command."""

    units: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    everything: bool = False

    @classmethod
    def whole(cls) -> StatusScope:
        return cls(everything=True)

    @property
    def empty(self) -> bool:
        return not self.everything and not self.units and not self.categories

    def covers(self, unit: str, category: str) -> bool:
        return self.everything or unit in self.units or category in self.categories

    def covers_category(self, category: str) -> bool:
        return self.everything or category in self.categories

    def within(self, outer: StatusScope) -> bool:
        """Every unit and category named here is named by `outer` (or `outer` is everything)."""
        if outer.everything:
            return True
        if self.everything:
            return False
        return self.units <= outer.units and self.categories <= outer.categories

    def label(self, everything_label: str) -> str:
        if self.everything:
            return everything_label
        return ", ".join([*sorted(self.categories), *sorted(self.units)])


def parse_scope(
    text: str, categories: Collection[str], units: Collection[str]
) -> StatusScope | Refusal:
    """`BRIMOB POH, Polres Sanggau` → categories {BRIMOB, POH} and unit {Polres Sanggau}.

    Parts are separated by commas; a part whose words are all category codes names those
    categories, otherwise the whole part must be a unit (case does not matter). Empty text is
    an empty scope: the caller decides what "no argument" means.
    """
    codes = {c.upper(): c for c in categories}
    by_folded = {u.casefold(): u for u in units}
    found_units: set[str] = set()
    found_categories: set[str] = set()
    for raw in re.split(r"[,;]", text):
        part = " ".join(raw.split())
        if not part:
            continue
        words = part.split(" ")
        if all(w.upper() in codes for w in words):
            found_categories.update(codes[w.upper()] for w in words)
        elif part.casefold() in by_folded:
            found_units.add(by_folded[part.casefold()])
        elif part.upper() in codes:
            found_categories.add(codes[part.upper()])
        else:
            return Refusal("posko-scope-unknown", {"value": part})
    return StatusScope(frozenset(found_units), frozenset(found_categories))


# ---------------------------------------------------------------------------------------------
# Jam rawan: daily windows in local time, and what they change.

_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")
MINUTES_PER_DAY = 24 * 60


class WindowError(ValueError):
    """A jam rawan window that cannot be read; `fragment` is the offending piece."""

    def __init__(self, fragment: str) -> None:
        super().__init__(f"jam rawan window {fragment!r} is not HH:MM-HH:MM")
        self.fragment = fragment


@dataclass(frozen=True)
class Window:
    """Daily, local time, [start, end) in minutes of the day; end < start crosses midnight.

    `23:59` as an end means the end of the day (people write `18:00-23:59` for "until
    midnight"), and `24:00` is accepted for the same.
    """

    start: int
    end: int

    def contains(self, minute: int) -> bool:
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end


def _minute_of(text: str, fragment: str, *, is_end: bool) -> int:
    match = _CLOCK.match(text)
    if match is None:
        raise WindowError(fragment)
    hour, minute = int(match.group(1)), int(match.group(2))
    if minute > 59 or hour > 24 or (hour == 24 and (minute != 0 or not is_end)):
        raise WindowError(fragment)
    value = hour * 60 + minute
    if is_end and value == MINUTES_PER_DAY - 1:
        return MINUTES_PER_DAY
    return value


def parse_windows(text: str) -> tuple[Window, ...]:
    """`18:00-23:59,00:00-06:00` (also `18.00-06.00`, `;` or spaces between windows).

    Empty text is no windows. Raises `WindowError` naming the first bad fragment.
    """
    windows: list[Window] = []
    for fragment in re.split(r"[,;\s]+", text.strip()):
        if not fragment:
            continue
        pieces = re.split(r"[-–]", fragment)  # noqa: RUF001 - an en dash is a common typo
        if len(pieces) != 2:
            raise WindowError(fragment)
        start = _minute_of(pieces[0], fragment, is_end=False)
        end = _minute_of(pieces[1], fragment, is_end=True)
        if start == end or (start == 0 and end == MINUTES_PER_DAY):
            # Empty, or all day: the switch (`/jamrawan on`) is the way to say "always".
            raise WindowError(fragment)
        windows.append(Window(start, end % MINUTES_PER_DAY))
    return tuple(windows)


def format_windows(windows: Sequence[Window], sep: str = ".") -> str:
    """`18.00-24.00, 00.00-06.00` joined by an en dash (the caller picks the hour separator)."""

    def clock(minute: int) -> str:
        return f"{minute // 60:02d}{sep}{minute % 60:02d}"

    # An end of 0 after a later start is midnight: write it as 24.00.
    return ", ".join(
        f"{clock(w.start)}–{clock(w.end) if w.end else clock(MINUTES_PER_DAY)}"  # noqa: RUF001
        for w in windows
    )


def _minute_of_day(moment: datetime | time) -> int:
    return moment.hour * 60 + moment.minute


def is_jam_rawan(now_local: datetime | time, windows: Iterable[Window]) -> bool:
    """Is this local wall-clock moment inside any window?"""
    minute = _minute_of_day(now_local)
    return any(w.contains(minute) for w in windows)


def next_window_change(
    now: datetime, zone: ZoneInfo, windows: Sequence[Window]
) -> datetime | None:
    """The first moment after `now` (to the minute) where `is_jam_rawan` flips; None if never."""
    current = is_jam_rawan(now.astimezone(zone), windows)
    edges = {w.start for w in windows} | {w.end % MINUTES_PER_DAY for w in windows}
    for moment in _minutes_after(now, zone, edges):
        if is_jam_rawan(moment, windows) != current:
            return moment.astimezone(UTC)
    return None


def next_window_start(now: datetime, zone: ZoneInfo, windows: Sequence[Window]) -> datetime | None:
    """The first moment after `now` (to the minute) where jam rawan begins by the clock: a
    window opens while none was open the minute before (windows that touch, such as
    `18:00-23:59,00:00-06:00`, are one stretch that begins once). None if it never begins."""
    for moment in _minutes_after(now, zone, {w.start for w in windows}):
        if not is_jam_rawan(moment - timedelta(minutes=1), windows):
            return moment.astimezone(UTC)
    return None


def _minutes_after(now: datetime, zone: ZoneInfo, minutes: set[int]) -> Iterator[datetime]:
    """These minutes of the day (local), today and the next two days, after `now`, in order."""
    local = now.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for day in range(3):
        for minute in sorted(minutes):
            # Wall-clock arithmetic in the zone (Indonesia has no DST; this stays correct
            # for zones that do, since each candidate is re-localised).
            candidate = (midnight + timedelta(days=day, minutes=minute)).replace(tzinfo=None)
            moment = candidate.replace(tzinfo=zone)
            if moment > local:
                yield moment


class StalenessValues(Protocol):
    """What `stale_after` reads; `bot.config.Settings` has all of these."""

    @property
    def readiness_stale_hours(self) -> float: ...

    @property
    def jam_rawan_stale_hours(self) -> float: ...

    @property
    def jam_rawan_windows(self) -> str: ...

    @property
    def timezone(self) -> str: ...


@dataclass(frozen=True)
class JamRawanValues:
    """The same values as plain data (e.g. windows set at run time by `/jamrawan`)."""

    readiness_stale_hours: float
    jam_rawan_stale_hours: float
    jam_rawan_windows: str
    timezone: str


def safe_windows(text: str) -> tuple[Window, ...]:
    """Windows from configuration; a malformed value counts as none (the check reports it)."""
    try:
        return parse_windows(text)
    except WindowError:
        return ()


def jam_rawan_active(values: StalenessValues, now: datetime, jam_rawan_on: bool) -> bool:
    """The manual switch, or the clock inside a configured window."""
    if jam_rawan_on:
        return True
    windows = safe_windows(values.jam_rawan_windows)
    return is_jam_rawan(now.astimezone(ZoneInfo(values.timezone)), windows)


def stale_after(values: StalenessValues, now: datetime, jam_rawan_on: bool) -> timedelta:
    """How long a SIAP confirmation stays fresh at `now`: shorter during jam rawan.

    `jam_rawan_on` is the commander's manual switch (`/jamrawan on`); the configured windows
    in `values.jam_rawan_windows` count as well.
    """
    hours = (
        min(values.jam_rawan_stale_hours, values.readiness_stale_hours)
        if jam_rawan_active(values, now, jam_rawan_on)
        else values.readiness_stale_hours
    )
    return timedelta(hours=hours)


# ---------------------------------------------------------------------------------------------
# Broadcast slots: the schedule is a grid in local time; one broadcast per group and slot.


def slot_start(now: datetime, interval: timedelta, zone: ZoneInfo) -> datetime:
    """The start of the slot `now` falls in (UTC): local midnight plus whole intervals.

    With a 60-minute interval the slots are the local hours, with 15 minutes the quarters:
    20.00 is the same slot whether jam rawan is on or not, so switching never sends twice.
    """
    local = now.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    step = max(int(interval.total_seconds() // 60), 1)
    minutes = int((local - midnight).total_seconds() // 60)
    start = midnight + timedelta(minutes=minutes - minutes % step)
    return start.astimezone(UTC)


def slot_key(chat_id: int, slot: datetime) -> str:
    """The outbox dedup key of a group's broadcast for a slot."""
    return f"status:{chat_id}:{slot.astimezone(UTC).strftime('%Y%m%dT%H%M')}"


def interval_for(jam_rawan: bool, normal_minutes: int, dense_minutes: int) -> timedelta:
    return timedelta(minutes=dense_minutes if jam_rawan else normal_minutes)


@dataclass(frozen=True)
class BroadcastPlan:
    slot: datetime  # the slot `now` is in
    jam_rawan: bool
    interval: timedelta
    next_at: datetime  # when to look again


def plan_broadcast(
    now: datetime,
    zone: ZoneInfo,
    windows: Sequence[Window],
    manual_on: bool,
    normal_minutes: int,
    dense_minutes: int,
) -> BroadcastPlan:
    """The slot `now` is in, and the next moment to broadcast: the next slot start, or the
    moment a jam rawan window opens or closes if that comes first."""
    rawan = manual_on or is_jam_rawan(now.astimezone(zone), windows)
    interval = interval_for(rawan, normal_minutes, dense_minutes)
    slot = slot_start(now, interval, zone)
    next_at = slot + interval
    # Midnight restarts the grid: an interval that does not divide the day never overruns it.
    local = now.astimezone(zone)
    next_midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    next_at = min(next_at, next_midnight.astimezone(UTC))
    if not manual_on:
        change = next_window_change(now, zone, windows)
        if change is not None and change < next_at:
            next_at = change
    return BroadcastPlan(slot, rawan, interval, next_at)


# ---------------------------------------------------------------------------------------------
# Counting: the rows behind the status table, the chart and the report.


@dataclass(frozen=True)
class PersonState:
    """One roster entry as the counts see it."""

    category: str
    unit: str
    linked: bool
    readiness: Readiness | None
    unreachable: bool = False


@dataclass(frozen=True)
class CategoryCounts:
    code: str
    strength: int = 0  # kekuatan: active people on the roster
    linked: int = 0  # terdaftar: with a Telegram account linked
    siap: int = 0
    stale: int = 0  # SIAP, but not confirmed recently
    tidak_siap: Mapping[str, int] = field(default_factory=dict)  # per reason
    bertugas: int = 0
    unknown: int = 0  # never answered, or a TIDAK SIAP that has run out
    unreachable: int = 0  # tak terjangkau: Telegram refuses delivery

    @property
    def tidak_siap_total(self) -> int:
        return sum(self.tidak_siap.values())


def _reason_of(readiness: Readiness | None) -> str:
    return known(readiness.reason if readiness is not None else None)


@dataclass
class _Tally:
    strength: int = 0
    linked: int = 0
    siap: int = 0
    stale: int = 0
    bertugas: int = 0
    unknown: int = 0
    unreachable: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, person: PersonState, state: Effective) -> None:
        self.strength += 1
        self.linked += person.linked
        self.unreachable += person.unreachable
        if state is Effective.SIAP:
            self.siap += 1
        elif state is Effective.STALE:
            self.stale += 1
        elif state is Effective.BERTUGAS:
            self.bertugas += 1
        elif state is Effective.TIDAK_SIAP:
            reason = _reason_of(person.readiness)
            self.reasons[reason] = self.reasons.get(reason, 0) + 1
        else:
            self.unknown += 1

    def counts(self, code: str) -> CategoryCounts:
        return CategoryCounts(
            code,
            self.strength,
            self.linked,
            self.siap,
            self.stale,
            {r: self.reasons[r] for r in REASONS if self.reasons.get(r)},
            self.bertugas,
            self.unknown,
            self.unreachable,
        )


def count_by_category(
    people: Iterable[PersonState],
    category_order: Sequence[str],
    now: datetime,
    stale_after: timedelta,
    *,
    keep_empty: bool = False,
) -> list[CategoryCounts]:
    """One row per category, in `category_order` (unknown codes after, alphabetically).

    Categories nobody in `people` belongs to are left out unless `keep_empty`.
    """
    tallies: dict[str, _Tally] = {}
    for person in people:
        state = effective(person.readiness, now, stale_after)
        tallies.setdefault(person.category, _Tally()).add(person, state)
    return _category_rows(tallies, category_order, keep_empty)


def count_by_category_and_unit(
    people: Iterable[PersonState],
    category_order: Sequence[str],
    now: datetime,
    stale_after: timedelta,
    *,
    keep_empty: bool = False,
) -> tuple[list[CategoryCounts], list[CategoryCounts]]:
    """`count_by_category`, and the same counts per unit (by name; `code` is the unit), in one
    pass: each person's state is worked out once (the dashboard redraws both every second)."""
    by_category: dict[str, _Tally] = {}
    by_unit: dict[str, _Tally] = {}
    for person in people:
        state = effective(person.readiness, now, stale_after)
        by_category.setdefault(person.category, _Tally()).add(person, state)
        by_unit.setdefault(person.unit, _Tally()).add(person, state)
    units = [tally.counts(unit) for unit, tally in sorted(by_unit.items())]
    return _category_rows(by_category, category_order, keep_empty), units


def _category_rows(
    tallies: dict[str, _Tally], category_order: Sequence[str], keep_empty: bool
) -> list[CategoryCounts]:
    order = list(category_order) + sorted(set(tallies) - set(category_order))
    return [
        tallies.get(code, _Tally()).counts(code)
        for code in order
        if (keep_empty and code in category_order) or code in tallies
    ]


def counts_change_at(
    people: Iterable[PersonState], now: datetime, stale_after: timedelta
) -> datetime | None:
    """The first moment after `now` at which time alone changes someone's effective state
    (a SIAP going stale, a TIDAK SIAP running out): counts made at `now` hold until then,
    unless the rows change. None: never."""
    changes = (stale_at(p.readiness, stale_after) for p in people if p.readiness is not None)
    return min((at for at in changes if at is not None and at > now), default=None)


def total_counts(rows: Iterable[CategoryCounts], code: str = "") -> CategoryCounts:
    rows = list(rows)
    reasons: dict[str, int] = {}
    for row in rows:
        for reason, n in row.tidak_siap.items():
            reasons[reason] = reasons.get(reason, 0) + n
    return CategoryCounts(
        code,
        sum(r.strength for r in rows),
        sum(r.linked for r in rows),
        sum(r.siap for r in rows),
        sum(r.stale for r in rows),
        {r: reasons[r] for r in REASONS if reasons.get(r)},
        sum(r.bertugas for r in rows),
        sum(r.unknown for r in rows),
        sum(r.unreachable for r in rows),
    )


# ---------------------------------------------------------------------------------------------
# The status table (monospace, inside <pre>).

NumberFormat = Callable[[int], str]


def group_thousands(value: int, sep: str = ".") -> str:
    """`3294` → `3.294` (Indonesian) or `3,294` with `sep=","`."""
    return f"{value:,}".replace(",", sep)


# A phone is 360 pixels wide: a monospace line (<pre>) shows at most this many characters,
# and a plain line of data joined with " · " reads at most this long (UX.md).
PHONE_WIDTH = 32
CHAIN_WIDTH = 60
CHAIN_SEP = " · "


@dataclass(frozen=True)
class TableLabels:
    """Column headers short enough for a phone (Kat / Kuat / Siap / Tdk / Tgs) and the total
    row's label. What else a status counts goes below the table as lines of its own."""

    category: str
    strength: str
    siap: str
    tidak_siap: str
    bertugas: str
    total: str


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """First column left-aligned, the rest right-aligned, one space between columns."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append(" ".join(cells).rstrip())
    return lines


def phone_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], width: int = PHONE_WIDTH
) -> list[str]:
    """`_table`, or when the names make it wider than `width`, each name on a line of its own
    above its numbers: categories are data, and another Polda's codes may be long."""
    lines = _table(header, rows)
    if max(len(line) for line in lines) <= width:
        return lines
    numbers = _table(["", *header[1:]], [["", *row[1:]] for row in rows])
    stacked = []
    for row, line in zip([header, *rows], numbers, strict=True):
        stacked += [row[0][:width], line]
    return stacked


def status_table(
    rows: Sequence[CategoryCounts], labels: TableLabels, fmt: NumberFormat = group_thousands
) -> str:
    """Per category kekuatan / siap / tidak siap / bertugas, and the total row: 31 characters
    wide for seven-letter codes and four-digit counts. Plain text: escape it for HTML."""
    header = [labels.category, labels.strength, labels.siap, labels.tidak_siap, labels.bertugas]

    def cells(row: CategoryCounts, name: str) -> list[str]:
        values = [row.strength, row.siap, row.tidak_siap_total, row.bertugas]
        return [name, *(fmt(v) for v in values)]

    body = [cells(r, r.code) for r in rows]
    body.append(cells(total_counts(rows), labels.total))
    return "\n".join(phone_table(header, body))


def reason_totals(rows: Iterable[CategoryCounts]) -> list[tuple[str, int]]:
    """Tidak siap per reason over all `rows`, in the reason list's order, zeros left out.
    (Per category, per person: the names message and the exports.)"""
    total = total_counts(rows)
    return [(r, total.tidak_siap[r]) for r in REASONS if total.tidak_siap.get(r)]


def chain_lines(items: Sequence[str], width: int = CHAIN_WIDTH) -> list[str]:
    """Items joined with " · ", broken into lines of at most `width` characters (an item
    longer than that stands on its own line)."""
    lines: list[str] = []
    current = ""
    for item in items:
        candidate = f"{current}{CHAIN_SEP}{item}" if current else item
        if current and len(candidate) > width:
            lines.append(current)
            current = item
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def fit_lines(lines: Sequence[str], budget: int, more: Callable[[int], str]) -> list[str]:
    """As many lines as fit in `budget` characters (newlines counted), then `more(n)` for the
    n left out (its length is reserved first)."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        rest = len(lines) - index - 1
        reserve = len(more(rest)) + 1 if rest else 0
        if used + len(line) + 1 + reserve > budget:
            kept.append(more(len(lines) - index))
            return kept
        kept.append(line)
        used += len(line) + 1
    return kept


# ---------------------------------------------------------------------------------------------
# Laporan kekuatan personel: per unit and category jumlah / siap / kurang with keterangan,
# rolled up unit → whole command.

# What makes up "kurang", in the order the keterangan lists it.
SHORTFALL_KINDS = ("bertugas", *REASONS, "stale", "unknown")


@dataclass(frozen=True)
class ReportRow:
    label: str
    jumlah: int
    siap: int
    keterangan: Mapping[str, int]  # SHORTFALL_KINDS → count (zeros left out)

    @property
    def kurang(self) -> int:
        return self.jumlah - self.siap


@dataclass(frozen=True)
class UnitReport:
    unit: str
    rows: tuple[ReportRow, ...]  # per category
    total: ReportRow


@dataclass(frozen=True)
class Report:
    units: tuple[UnitReport, ...]
    categories: tuple[ReportRow, ...]  # whole command, per category
    total: ReportRow


def _shortfall_kind(person: PersonState, state: Effective) -> str | None:
    if state is Effective.SIAP:
        return None
    if state is Effective.TIDAK_SIAP:
        return _reason_of(person.readiness)
    return {
        Effective.STALE: "stale",
        Effective.BERTUGAS: "bertugas",
        Effective.UNKNOWN: "unknown",
    }[state]


@dataclass
class _ReportTally:
    jumlah: int = 0
    siap: int = 0
    keterangan: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str | None) -> None:
        self.jumlah += 1
        if kind is None:
            self.siap += 1
        else:
            self.keterangan[kind] = self.keterangan.get(kind, 0) + 1

    def merge(self, other: _ReportTally) -> None:
        self.jumlah += other.jumlah
        self.siap += other.siap
        for kind, n in other.keterangan.items():
            self.keterangan[kind] = self.keterangan.get(kind, 0) + n

    def row(self, label: str) -> ReportRow:
        ordered = {k: self.keterangan[k] for k in SHORTFALL_KINDS if self.keterangan.get(k)}
        return ReportRow(label, self.jumlah, self.siap, ordered)


def strength_report(
    people: Iterable[PersonState],
    category_order: Sequence[str],
    now: datetime,
    stale_after: timedelta,
    total_label: str,
) -> Report:
    """Siap is fresh readiness only; everyone else is kurang, with the reason counted once."""
    cells: dict[tuple[str, str], _ReportTally] = {}
    for person in people:
        kind = _shortfall_kind(person, effective(person.readiness, now, stale_after))
        cells.setdefault((person.unit, person.category), _ReportTally()).add(kind)
    known = list(category_order)
    extra = sorted({c for _, c in cells} - set(known))
    order = {code: i for i, code in enumerate(known + extra)}
    units: list[UnitReport] = []
    by_category: dict[str, _ReportTally] = {}
    grand = _ReportTally()
    for unit in sorted({u for u, _ in cells}, key=str.casefold):
        unit_total = _ReportTally()
        rows = []
        for (u, category), tally in sorted(cells.items(), key=lambda kv: order[kv[0][1]]):
            if u != unit:
                continue
            rows.append(tally.row(category))
            unit_total.merge(tally)
            by_category.setdefault(category, _ReportTally()).merge(tally)
        grand.merge(unit_total)
        units.append(UnitReport(unit, tuple(rows), unit_total.row(total_label)))
    categories = tuple(by_category[c].row(c) for c in sorted(by_category, key=lambda c: order[c]))
    return Report(tuple(units), categories, grand.row(total_label))


@dataclass(frozen=True)
class ReportLabels:
    category: str
    jumlah: str
    siap: str
    kurang: str
    kinds: Mapping[str, str]  # SHORTFALL_KINDS → short word (sakit, izin, DL, tugas, …)


@dataclass(frozen=True)
class ReportBlock:
    """One table of the report: `table` is monospace (jumlah / siap / kurang per row, then
    the total), `notes` the keterangan of each row that has any, as plain lines
    (`BRIMOB: tugas 30 · sakit 6`), broken to stay within a phone's width."""

    table: str
    notes: tuple[str, ...]


def report_block(
    rows: Sequence[ReportRow], total: ReportRow | None, labels: ReportLabels, fmt: NumberFormat
) -> ReportBlock:
    header = [labels.category, labels.jumlah, labels.siap, labels.kurang]
    shown = [*rows, total] if total is not None else list(rows)
    body = [[r.label, fmt(r.jumlah), fmt(r.siap), fmt(r.kurang)] for r in shown]
    notes: list[str] = []
    for row in shown:
        if row.keterangan:
            items = [f"{labels.kinds.get(k, k)} {fmt(n)}" for k, n in row.keterangan.items()]
            items[0] = f"{row.label}: {items[0]}"
            notes += chain_lines(items)
    return ReportBlock("\n".join(phone_table(header, body)), tuple(notes))


def split_chunks(blocks: Sequence[str], limit: int) -> list[str]:
    """Join blocks with blank lines into as few chunks as possible, each at most `limit`
    characters; a block longer than `limit` is cut at line ends."""
    chunks: list[str] = []
    current = ""
    for block in blocks:
        pieces = [block] if len(block) <= limit else _cut_lines(block, limit)
        for piece in pieces:
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def _cut_lines(block: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for line in block.split("\n"):
        line = line[:limit]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return pieces


# ---------------------------------------------------------------------------------------------
# Date ranges (audit export): typed as `2024-02-01 2024-02-14`, `01-02-2024 14-02-2024`, ….

_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


def parse_date(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class DateRange:
    """Whole local days, both ends included."""

    first: date
    last: date

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnight of `first` to local midnight after `last`."""
        # The calendar's first and last days have no UTC neighbour: clamp inside them.
        first = max(self.first, date.min + timedelta(days=1))
        last = min(self.last, date.max - timedelta(days=1))
        start = datetime.combine(first, time(0, 0), tzinfo=zone)
        end = datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)


def parse_date_range(text: str) -> DateRange | Refusal:
    """Two dates (one date: that day). A backwards range is refused, not swapped: the user
    may have mistyped either end. A refusal echoes at most 40 characters of what was typed."""
    parts = [p for p in re.split(r"\s+|\s*(?:s\.?d\.?|sampai|to|until)\s*", text.strip()) if p]
    if not parts or len(parts) > 2:
        return Refusal("eks-range-usage", {"value": text.strip()[:40]})
    found: list[date] = []
    for part in parts:
        parsed = parse_date(part)
        if parsed is None:
            return Refusal("eks-range-bad-date", {"value": part[:40]})
        found.append(parsed)
    first, last = found[0], found[-1]
    if last < first:
        return Refusal("eks-range-backwards", {"value": text.strip()[:40]})
    return DateRange(first, last)
