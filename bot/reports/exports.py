"""Exports as spreadsheets: the roster with current state, a roll call's results, a call-out's
results with times, the people who did not respond (with phone numbers), the audit log.

`build_table` reads storage and names the columns from the catalog; `to_xlsx` / `to_csv`
write any `Table`. The same code serves `/ekspor` (documents to the commander's private chat)
and `python -m bot export` (files on disk). An export with no rows is a file with headers.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.clock import SystemClock
from bot.config import Settings
from bot.domain.readiness import Effective, effective
from bot.domain.status import DateRange, ScopeError, StatusScope, parse_date_range
from bot.i18n import Catalog
from storage import audit, groups, status
from storage.db import Database, Transaction

Cell = str | int | float | datetime | None

FORMATS = ("xlsx", "csv")


class ExportKind(StrEnum):
    ROSTER = "roster"
    APEL = "apel"
    CALLOUT = "callout"
    APEL_NONRESPONDERS = "apel-nonresponders"
    CALLOUT_NONRESPONDERS = "callout-nonresponders"
    AUDIT = "audit"

    @property
    def needs_id(self) -> bool:
        return self in NEEDS_ID

    @property
    def short(self) -> str:
        """A short code for callback data."""
        return _SHORT[self]

    @classmethod
    def from_short(cls, code: str) -> ExportKind | None:
        return next((k for k, v in _SHORT.items() if v == code), None)


NEEDS_ID = frozenset(
    {
        ExportKind.APEL,
        ExportKind.CALLOUT,
        ExportKind.APEL_NONRESPONDERS,
        ExportKind.CALLOUT_NONRESPONDERS,
    }
)
_SHORT = {
    ExportKind.ROSTER: "r",
    ExportKind.APEL: "a",
    ExportKind.CALLOUT: "c",
    ExportKind.APEL_NONRESPONDERS: "an",
    ExportKind.CALLOUT_NONRESPONDERS: "cn",
    ExportKind.AUDIT: "au",
}
# Roll-call statuses of people who did not (or could not) answer.
APEL_NO_RESPONSE = ("belum_menjawab", "tak_terjangkau", "belum_terdaftar")


@dataclass(frozen=True)
class ExportRequest:
    kind: ExportKind
    ref_id: int | None = None
    dates: DateRange | None = None


@dataclass(frozen=True)
class Table:
    sheet: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


@dataclass(frozen=True)
class ExportError:
    """Why an export cannot be made (a locale key and its arguments)."""

    key: str
    ref: int = 0
    value: str = ""


_KIND_WORDS = {
    "personel": ExportKind.ROSTER,
    "roster": ExportKind.ROSTER,
    "daftar": ExportKind.ROSTER,
    "apel": ExportKind.APEL,
    "pengerahan": ExportKind.CALLOUT,
    "callout": ExportKind.CALLOUT,
    "belum-apel": ExportKind.APEL_NONRESPONDERS,
    "apel-nonresponders": ExportKind.APEL_NONRESPONDERS,
    "belum-pengerahan": ExportKind.CALLOUT_NONRESPONDERS,
    "callout-nonresponders": ExportKind.CALLOUT_NONRESPONDERS,
    "audit": ExportKind.AUDIT,
    "log": ExportKind.AUDIT,
}


def parse_export_args(args: list[str]) -> tuple[ExportRequest, str | None] | ExportError:
    """`personel xlsx`, `apel 5 csv`, `belum-pengerahan #12`, `audit 2024-02-01 2024-02-14`:
    the request and the format (None: ask with buttons)."""
    if not args:
        return ExportError("eks-usage")
    kind = _KIND_WORDS.get(args[0].lower())
    if kind is None:
        return ExportError("eks-usage")
    rest = list(args[1:])
    fmt = rest.pop().lower() if rest and rest[-1].lower() in FORMATS else None
    if kind is ExportKind.AUDIT:
        if not rest:
            return ExportError("eks-needs-dates")
        dates = parse_date_range(" ".join(rest))
        if isinstance(dates, ScopeError):
            return ExportError(dates.key, value=dates.value)
        return ExportRequest(kind, dates=dates), fmt
    if kind.needs_id:
        ref = rest[0].lstrip("#") if len(rest) == 1 else ""
        # ASCII digits only ("²" is a digit to isdigit()), and no more than an SQLite INTEGER.
        if not (ref.isascii() and ref.isdigit()) or len(ref) > 18:
            return ExportError("eks-needs-id")
        return ExportRequest(kind, int(ref)), fmt
    if rest:
        return ExportError("eks-usage")
    return ExportRequest(kind), fmt


# -- writing ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBERISH = re.compile(r"^[+-]?[\d\s.()-]+$")
_DATE_FORMAT = "dd-mm-yyyy hh:mm"


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone).replace(tzinfo=None)


def _safe_text(value: str) -> str:
    """Text a spreadsheet must not run as a formula (`=HYPERLINK(…)` typed as a reason);
    phone numbers like `+62812…` stay as they are."""
    if value.startswith(_FORMULA_START) and not _NUMBERISH.match(value):
        return "'" + value
    return value


def to_xlsx(table: Table, zone: ZoneInfo) -> bytes:
    """Bold header on a tint, the first row frozen, a filter, columns wide enough to read."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_title(table.sheet)
    sheet.append(list(table.columns))
    for row in table.rows:
        sheet.append(
            [
                _local(v, zone)
                if isinstance(v, datetime)
                else _safe_text(v)
                if isinstance(v, str)
                else v
                for v in row
            ]
        )
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE5F0")
    for cell in sheet[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center")
    sheet.freeze_panes = "A2"
    if table.columns:
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    widths = [len(name) for name in table.columns]
    for row_number, row in enumerate(table.rows, start=2):
        for index, value in enumerate(row):
            if isinstance(value, datetime):
                widths[index] = max(widths[index], 16)
                sheet.cell(row=row_number, column=index + 1).number_format = _DATE_FORMAT
            elif value is not None:
                widths[index] = max(widths[index], len(str(value)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(table: Table, zone: ZoneInfo) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads the names right), comma separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_csv_cell(v, zone) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Cell, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value, zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str):
        return _safe_text(value)
    return str(value)


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip()
    return (cleaned or "Siaga")[:31]


def write(table: Table, fmt: str, zone: ZoneInfo) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(table, zone)
    if fmt == "csv":
        return to_csv(table, zone)
    raise ValueError(f"unknown export format {fmt!r}")


def file_name(request: ExportRequest, fmt: str, now: datetime, zone: ZoneInfo) -> str:
    stamp = now.astimezone(zone).strftime("%Y%m%d-%H%M")
    ref = f"-{request.ref_id}" if request.ref_id is not None else ""
    if request.dates is not None:
        ref = f"-{request.dates.first:%Y%m%d}-{request.dates.last:%Y%m%d}"
    return f"siaga-{request.kind.value}{ref}-{stamp}.{fmt}"


# -- collecting ------------------------------------------------------------------------------


class _Labels:
    def __init__(self, catalog: Catalog, lang: str) -> None:
        self.catalog = catalog
        self.lang = lang

    def columns(self, *names: str) -> tuple[str, ...]:
        return tuple(self.catalog.text(self.lang, f"eks-col-{n}") for n in names)

    def word(self, prefix: str, value: str | None) -> str | None:
        if value is None:
            return None
        key = f"{prefix}-{value.replace('_', '-')}"
        return self.catalog.text(self.lang, key) if self.catalog.has(self.lang, key) else value

    def yes_no(self, value: bool) -> str:
        return self.catalog.text(self.lang, "eks-yes" if value else "eks-no")

    def sheet(self, kind: ExportKind, ref: int | None) -> str:
        title = self.catalog.text(self.lang, f"eks-sheet-{kind.value}")
        return f"{title} {ref}" if ref is not None else title


async def build_table(
    db: Database | Transaction,
    catalog: Catalog,
    lang: str,
    request: ExportRequest,
    *,
    scope: StatusScope,
    now: datetime,
    stale_after: timedelta,
    zone: ZoneInfo,
) -> Table | ExportError:
    """The rows of one export, limited to people in `scope` (a commander's reach)."""
    labels = _Labels(catalog, lang)
    kind = request.kind
    if kind is ExportKind.ROSTER:
        return await _roster(db, labels, scope, now, stale_after)
    if kind is ExportKind.AUDIT:
        if request.dates is None:
            return ExportError("eks-needs-dates")
        since, until = request.dates.bounds(zone)
        rows = await status.audit_rows(db, since, until)
        return Table(
            labels.sheet(kind, None),
            labels.columns("time", "action", "actor-id", "actor", "subject", "details"),
            [(r.at, r.action, r.actor_user_id, r.actor_name, r.subject, r.details) for r in rows],
        )
    if request.ref_id is None:
        return ExportError("eks-needs-id")
    if kind in (ExportKind.APEL, ExportKind.APEL_NONRESPONDERS):
        return await _rollcall(db, labels, request.ref_id, kind, scope)
    return await _callout(db, labels, request.ref_id, kind, scope)


# The columns every per-person export starts with, and their cells.
_PERSON = ("nrp", "rank", "name", "category", "unit", "phone")


def _person(row: status.PersonRow) -> tuple[Cell, ...]:
    return (row.nrp, row.rank, row.name, row.category, row.unit, row.phone)


async def _roster(
    db: Database | Transaction,
    labels: _Labels,
    scope: StatusScope,
    now: datetime,
    stale_after: timedelta,
) -> Table:
    entries = await status.roster_entries(db, scope)
    rows: list[tuple[Cell, ...]] = []
    for e in entries:
        state = effective(e.readiness, now, stale_after)
        readiness = e.readiness
        reason = readiness.reason if state is Effective.TIDAK_SIAP and readiness else None
        rows.append(
            (
                *_person(e),
                labels.word("eks-role", e.role),
                labels.yes_no(e.linked),
                labels.word("eks-state", state.value),
                labels.word("eks-reason", reason),
                readiness.reason_text if readiness and reason else None,
                readiness.until if readiness and reason else None,
                readiness.confirmed_at if readiness else None,
                labels.yes_no(e.unreachable),
            )
        )
    return Table(
        labels.sheet(ExportKind.ROSTER, None),
        labels.columns(
            *_PERSON,
            "role",
            "linked",
            "state",
            "reason",
            "reason-text",
            "until",
            "confirmed",
            "unreachable",
        ),
        rows,
    )


async def _rollcall(
    db: Database | Transaction,
    labels: _Labels,
    rollcall_id: int,
    kind: ExportKind,
    scope: StatusScope,
) -> Table | ExportError:
    if await status.rollcall_summary(db, rollcall_id) is None:
        return ExportError("eks-unknown-apel", rollcall_id)
    everyone = await status.rollcall_results(db, rollcall_id)
    results = [r for r in everyone if scope.covers(r.unit, r.category)]
    if everyone and not results:
        # Someone else's roll call: refused, not an empty file that names it.
        return ExportError("eks-not-yours", rollcall_id)
    if kind is ExportKind.APEL_NONRESPONDERS:
        return Table(
            labels.sheet(kind, rollcall_id),
            labels.columns(*_PERSON, "status"),
            [
                (
                    *_person(r),
                    labels.word("eks-rc", r.status),
                )
                for r in results
                if r.status in APEL_NO_RESPONSE
            ],
        )
    return Table(
        labels.sheet(kind, rollcall_id),
        labels.columns(
            *_PERSON,
            "status",
            "reason",
            "reason-text",
            "answered",
            "location",
            "distance",
        ),
        [
            (
                *_person(r),
                labels.word("eks-rc", r.status),
                labels.word("eks-reason", r.reason),
                r.reason_text,
                r.answered_at,
                labels.word("eks-loc", r.location_state),
                round(r.distance_m) if r.distance_m is not None else None,
            )
            for r in results
        ],
    )


async def _callout(
    db: Database | Transaction,
    labels: _Labels,
    callout_id: int,
    kind: ExportKind,
    scope: StatusScope,
) -> Table | ExportError:
    if await status.callout_summary(db, callout_id) is None:
        return ExportError("eks-unknown-callout", callout_id)
    everyone = await status.callout_results(db, callout_id)
    if everyone and not any(scope.covers(r.unit, r.category) for r in everyone):
        # Someone else's call-out: refused, not an empty file that names it.
        return ExportError("eks-not-yours", callout_id)
    only = status.NO_RESPONSE_STATES if kind is ExportKind.CALLOUT_NONRESPONDERS else None
    results = [
        r
        for r in await status.callout_results(db, callout_id, only_states=only)
        if scope.covers(r.unit, r.category)
    ]
    if kind is ExportKind.CALLOUT_NONRESPONDERS:
        return Table(
            labels.sheet(kind, callout_id),
            labels.columns(*_PERSON, "status", "invited"),
            [
                (
                    *_person(r),
                    labels.word("eks-inv", r.state),
                    r.invited_at,
                )
                for r in results
            ],
        )
    return Table(
        labels.sheet(kind, callout_id),
        labels.columns(
            *_PERSON,
            "status",
            "invited",
            "answered",
            "arrived",
            "arrival",
            "reason",
            "reason-text",
            "released",
        ),
        [
            (
                *_person(r),
                labels.word("eks-inv", r.state),
                r.invited_at,
                r.answered_at,
                r.arrived_at,
                labels.word("eks-arrival", r.arrival_status),
                labels.word("eks-reason", r.decline_reason),
                r.decline_text,
                r.released_at,
            )
            for r in results
        ],
    )


# -- the command line: python -m bot export KIND --out FILE … --------------------------------


def cli_request(
    kind: str, ref_id: int | None, first: str | None, last: str | None
) -> ExportRequest | ExportError:
    """The request behind `export KIND [--id N] [--from DATE --to DATE]`."""
    try:
        export_kind = ExportKind(kind)
    except ValueError:
        return ExportError("eks-usage", value=kind)
    dates: DateRange | None = None
    if first or last:
        parsed = parse_date_range(f"{first or last} {last or first}")
        if isinstance(parsed, ScopeError):
            return ExportError(parsed.key, value=parsed.value)
        dates = parsed
    if export_kind is ExportKind.AUDIT and dates is None:
        return ExportError("eks-needs-dates")
    if export_kind.needs_id and ref_id is None:
        return ExportError("eks-needs-id")
    return ExportRequest(export_kind, ref_id, dates)


async def export_file(
    settings: Settings, request: ExportRequest, out: Path, fmt: str
) -> int | ExportError:
    """Write one export for the whole command to `out`; the number of rows, or why not."""
    catalog = Catalog.load(default=settings.locale)
    now = SystemClock().now()
    db = await Database.open(settings.db_path)
    try:
        table = await build_table(
            db,
            catalog,
            settings.locale,
            request,
            scope=StatusScope.whole(),
            now=now,
            stale_after=await groups.current_stale_after(db, settings, now),
            zone=settings.zone,
        )
        if isinstance(table, ExportError):
            return table
        data = write(table, fmt, settings.zone)
        await asyncio.to_thread(out.write_bytes, data)
        async with db.transaction() as tx:
            await audit.record(
                tx,
                now,
                f"export.{request.kind.value}",
                subject="cli",
                details={"format": fmt, "rows": len(table.rows), "file": out.name},
            )
        return len(table.rows)
    finally:
        await db.close()


def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    """`python -m bot export`: 0 on success, 1 with a readable reason on stderr."""
    catalog = Catalog.load(default=settings.locale)
    out = Path(args.out)
    fmt = args.format or (out.suffix.lstrip(".").lower() if out.suffix else "xlsx")
    if fmt not in FORMATS:
        print(f"--format: xlsx | csv ({fmt!r})", file=sys.stderr)
        return 1
    request = cli_request(args.kind, args.id, args.date_from, args.date_to)
    result: int | ExportError
    result = (
        request
        if isinstance(request, ExportError)
        else asyncio.run(export_file(settings, request, out, fmt))
    )
    if isinstance(result, ExportError):
        text = catalog.text(settings.locale, result.key, ref=result.ref, value=result.value)
        print(re.sub(r"<[^>]+>", "", text), file=sys.stderr)
        return 1
    print(f"{result} baris / rows → {out}")
    return 0


def add_cli(sub: Any) -> argparse.ArgumentParser:
    """Add the `export` subcommand to `python -m bot`'s parser."""
    export = sub.add_parser("export", help="ekspor ke XLSX/CSV / export to XLSX or CSV")
    export.add_argument("kind", choices=[k.value for k in ExportKind])
    export.add_argument("--out", required=True, help="file to write, e.g. personel.xlsx")
    export.add_argument("--format", choices=FORMATS, default=None)
    export.add_argument("--from", dest="date_from", default=None, help="2024-02-01")
    export.add_argument("--to", dest="date_to", default=None, help="2024-02-14")
    export.add_argument("--id", type=int, default=None, help="roll call or call-out number")
    parser: argparse.ArgumentParser = export
    return parser
