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
import json
import os
import re
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli.operations import program_name
from bot.clock import SystemClock
from bot.config import Settings
from bot.domain.apel_report import KETERANGAN, ApelReport, Line, build_report
from bot.domain.readiness import Effective, effective
from bot.domain.refusal import Refusal
from bot.domain.status import DateRange, StatusScope, parse_date_range
from bot.i18n import Catalog
from storage import audit, groups, status
from storage.db import Database, DatabaseUnusableError, OpenProblem, Transaction, open_problem

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
    # Columns of digits that are not numbers (NRP, phone): a CSV keeps them as text for Excel,
    # which would otherwise drop an NRP's leading zero and show a phone as 6,28E+12.
    text_columns: frozenset[int] = frozenset()
    # What follows in the same file (a report's per-person detail): another sheet of an XLSX,
    # another section of a CSV after an empty line, each with its own column titles.
    sections: tuple[Table, ...] = ()

    @property
    def entries(self) -> int:
        """What the file lists, as its caption counts it: a report's per-person detail, not
        its per-category summary (an apel of 120 people is "120 baris", not the 6 rows of its
        categories and total)."""
        return len(self.sections[-1].rows) if self.sections else len(self.rows)


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


def parse_export_args(args: list[str]) -> tuple[ExportRequest, str | None] | Refusal:
    """`personel xlsx`, `apel 5 csv`, `belum-pengerahan #12`, `audit 2024-02-01 2024-02-14`:
    the request and the format (None: ask with buttons)."""
    if not args:
        return Refusal("eks-usage")
    kind = _KIND_WORDS.get(args[0].lower())
    if kind is None:
        return Refusal("eks-usage")
    rest = list(args[1:])
    fmt = rest.pop().lower() if rest and rest[-1].lower() in FORMATS else None
    if kind is ExportKind.AUDIT:
        if not rest:
            return Refusal("eks-needs-dates")
        dates = parse_date_range(" ".join(rest))
        if isinstance(dates, Refusal):
            return dates
        return ExportRequest(kind, dates=dates), fmt
    if kind.needs_id:
        ref = rest[0].lstrip("#") if len(rest) == 1 else ""
        # ASCII digits only ("²" is a digit to isdigit()), and no more than an SQLite INTEGER.
        if not (ref.isascii() and ref.isdigit()) or len(ref) > 18:
            return Refusal("eks-needs-id")
        return ExportRequest(kind, int(ref)), fmt
    if rest:
        return Refusal("eks-usage")
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
    """Bold header on a tint, the first row frozen, a filter, columns wide enough to read;
    each section its own sheet."""
    # Imported here: openpyxl brings numpy and Pillow, ~29 MB the bot would otherwise carry
    # all night for an export a commander may never ask for.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    _fill_sheet(sheet, table, zone)
    for section in table.sections:
        _fill_sheet(book.create_sheet(), section, zone)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill_sheet(sheet: Any, table: Table, zone: ZoneInfo) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

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


# Excel set to Indonesian (or most of Europe) splits CSV on ";": a comma there is the decimal
# separator. `--delimiter ,` writes plain comma-separated values for other tools.
EXCEL_DELIMITER = ";"
DELIMITERS = {";": ";", ",": ",", "tab": "\t"}


def to_csv(table: Table, zone: ZoneInfo, delimiter: str = EXCEL_DELIMITER) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads the names right). With Excel's `;`,
    NRP and phone cells are written `="02058291"`, which Excel keeps as text (and Siaga's
    roster import reads back); with another delimiter every cell is plain."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for number, part in enumerate((table, *table.sections)):
        if number:
            writer.writerow([])
        writer.writerow(part.columns)
        as_text = part.text_columns if delimiter == EXCEL_DELIMITER else frozenset()
        for row in part.rows:
            writer.writerow([_csv_cell(v, zone, i in as_text) for i, v in enumerate(row)])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Cell, zone: ZoneInfo, as_text: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value, zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str):
        if as_text and _NUMBERISH.match(value):
            return f'="{value}"'
        return _safe_text(value)
    return str(value)


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip()
    return (cleaned or "Siaga")[:31]


def write(table: Table, fmt: str, zone: ZoneInfo, delimiter: str = EXCEL_DELIMITER) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(table, zone)
    if fmt == "csv":
        return to_csv(table, zone, delimiter)
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

    def action(self, action: str) -> str:
        """`roster.import` → "Impor daftar personel"; an action without words stays as is."""
        key = "eks-audit-" + re.sub(r"[^a-z0-9]+", "-", action.lower())
        return self.catalog.text(self.lang, key) if self.catalog.has(self.lang, key) else action

    def actor(self, name: str | None, telegram_user_id: int | None) -> str:
        if name:
            return name
        if telegram_user_id is not None:
            return self.catalog.text(self.lang, "eks-audit-by-account", id=str(telegram_user_id))
        return self.catalog.text(self.lang, "eks-audit-by-server")

    def detail(self, key: str) -> str:
        label = "eks-detail-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
        return self.catalog.text(self.lang, label) if self.catalog.has(self.lang, label) else key

    def text(self, key: str) -> str:
        return self.catalog.text(self.lang, key)

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
) -> Table | Refusal:
    """The rows of one export, limited to people in `scope` (a commander's reach)."""
    labels = _Labels(catalog, lang)
    kind = request.kind
    if kind is ExportKind.ROSTER:
        return await _roster(db, labels, scope, now, stale_after)
    if kind is ExportKind.AUDIT:
        if request.dates is None:
            return Refusal("eks-needs-dates")
        since, until = request.dates.bounds(zone)
        return _audit(labels, await status.audit_rows(db, since, until))
    if request.ref_id is None:
        return Refusal("eks-needs-id")
    if kind in (ExportKind.APEL, ExportKind.APEL_NONRESPONDERS):
        return await _rollcall(db, labels, request.ref_id, kind, scope)
    return await _callout(db, labels, request.ref_id, kind, scope)


def _audit(labels: _Labels, rows: list[status.AuditRow]) -> Table:
    """The audit log in words: what happened (not `roster.import`), by whom (a name, else the
    Telegram account, else the server's command line), and each detail in its own column."""
    details = [_details(r.details) for r in rows]
    keys: list[str] = []
    for found in details:
        keys.extend(k for k in found if k not in keys)
    return Table(
        labels.sheet(ExportKind.AUDIT, None),
        (
            *labels.columns("time", "action", "by", "subject"),
            *(labels.detail(k) for k in keys),
        ),
        [
            (
                r.at,
                labels.action(r.action),
                labels.actor(r.actor_name, r.actor_user_id),
                r.subject,
                *(_detail_cell(d.get(k)) for k in keys),
            )
            for r, d in zip(rows, details, strict=True)
        ],
    )


def _details(text: str) -> dict[str, object]:
    try:
        found = json.loads(text)
    except ValueError:
        return {"": text}
    return found if isinstance(found, dict) else {"": text}


def _detail_cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    return json.dumps(value, ensure_ascii=False)


# The columns every per-person export starts with, and their cells.
_PERSON = ("nrp", "rank", "name", "category", "unit", "phone")
_PERSON_TEXT = frozenset({_PERSON.index("nrp"), _PERSON.index("phone")})


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
        text_columns=_PERSON_TEXT,
    )


async def _rollcall(
    db: Database | Transaction,
    labels: _Labels,
    rollcall_id: int,
    kind: ExportKind,
    scope: StatusScope,
) -> Table | Refusal:
    if await status.rollcall_summary(db, rollcall_id) is None:
        return Refusal("eks-unknown-apel", {"ref": rollcall_id})
    everyone = await status.rollcall_results(db, rollcall_id)
    results = [r for r in everyone if scope.covers(r.unit, r.category)]
    if everyone and not results:
        # Someone else's roll call: refused, not an empty file that names it.
        return Refusal("eks-not-yours", {"ref": rollcall_id})
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
            text_columns=_PERSON_TEXT,
        )
    detail = Table(
        labels.text("eks-sheet-apel-detail"),
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
        text_columns=_PERSON_TEXT,
    )
    return _apel_report(labels, labels.sheet(kind, rollcall_id), build_report(results), detail)


def _apel_report(
    labels: _Labels, sheet: str, report: ApelReport[status.RollCallResult], detail: Table
) -> Table:
    """The service's apel report as rows: per category (and the whole roll call) Jumlah /
    Kurang / Hadir, a count for every keterangan, and the names by keterangan, those who
    did not answer last; the chat report's words and order (bot/domain/apel_report.py)."""
    wording = {k: labels.text("rollcall-ket-" + k.replace("_", "-")) for k in KETERANGAN}

    def row(category: str, line: Line[status.RollCallResult]) -> tuple[Cell, ...]:
        names = "; ".join(
            f"{wording[k]} ({len(people)}): " + ", ".join(f"{p.rank} {p.name}" for p in people)
            for k, people in line.keterangan
        )
        counts = tuple(line.count(k) for k in KETERANGAN)
        return (category, line.jumlah, line.kurang, line.hadir, *counts, names)

    rows = [row(line.category, line) for line in report.categories]
    rows.append(row(labels.text("eks-apel-whole"), report.total))
    return Table(
        sheet,
        (
            *labels.columns("category", "jumlah", "kurang", "hadir"),
            *(wording[k] for k in KETERANGAN),
            *labels.columns("keterangan"),
        ),
        rows,
        sections=(detail,),
    )


async def _callout(
    db: Database | Transaction,
    labels: _Labels,
    callout_id: int,
    kind: ExportKind,
    scope: StatusScope,
) -> Table | Refusal:
    if await status.callout_summary(db, callout_id) is None:
        return Refusal("eks-unknown-callout", {"ref": callout_id})
    everyone = await status.callout_results(db, callout_id)
    if everyone and not any(scope.covers(r.unit, r.category) for r in everyone):
        # Someone else's call-out: refused, not an empty file that names it.
        return Refusal("eks-not-yours", {"ref": callout_id})
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
            text_columns=_PERSON_TEXT,
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
        text_columns=_PERSON_TEXT,
    )


# -- the command line: python -m bot export KIND --out FILE … --------------------------------


def cli_request(
    kind: str, ref_id: int | None, first: str | None, last: str | None
) -> ExportRequest | Refusal:
    """The request behind `export KIND [--id N] [--from DATE --to DATE]`."""
    try:
        export_kind = ExportKind(kind)
    except ValueError:
        return Refusal("eks-usage", {"value": kind})
    dates: DateRange | None = None
    if first or last:
        parsed = parse_date_range(f"{first or last} {last or first}")
        if isinstance(parsed, Refusal):
            return parsed
        dates = parsed
    if export_kind is ExportKind.AUDIT and dates is None:
        return Refusal("eks-needs-dates")
    if export_kind.needs_id and ref_id is None:
        return Refusal("eks-needs-id")
    return ExportRequest(export_kind, ref_id, dates)


async def export_file(
    settings: Settings, request: ExportRequest, out: Path, fmt: str, delimiter: str
) -> tuple[int, bool] | Refusal:
    """Write one export for the whole command to `out` (owner-only: it holds personal data).
    The number of rows and whether the export was audited, or why there is no export.

    The database is read read-only and never created: an export works on a copy the operator
    may only read; the audit entry is then skipped (and said), not the export.
    """
    catalog = Catalog.load(default=settings.locale)
    now = SystemClock().now()
    db = await Database.open(settings.db_path, read_only=True)
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
    finally:
        await db.close()
    if isinstance(table, Refusal):
        return table
    await asyncio.to_thread(write_private, out, write(table, fmt, settings.zone, delimiter))
    try:
        await _audit_export(settings, request, out, fmt, len(table.rows), now)
    except (DatabaseUnusableError, sqlite3.DatabaseError) as exc:
        problem = exc.problem if isinstance(exc, DatabaseUnusableError) else open_problem(exc)
        if problem not in (OpenProblem.READ_ONLY, OpenProblem.NO_ACCESS):
            raise
        return len(table.rows), False
    return len(table.rows), True


async def _audit_export(
    settings: Settings, request: ExportRequest, out: Path, fmt: str, rows: int, now: datetime
) -> None:
    db = await Database.open(settings.db_path, create=False)
    try:
        async with db.transaction() as tx:
            await audit.record(
                tx,
                now,
                f"export.{request.kind.value}",
                subject="cli",
                details={"format": fmt, "rows": rows, "file": out.name},
            )
    finally:
        await db.close()


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read, also when it replaces one that others could."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)


# The command line's own spelling of what /ekspor asks for in chat syntax.
_CLI_KEYS = {
    "eks-needs-id": "eks-cli-needs-id",
    "eks-needs-dates": "eks-cli-needs-dates",
    "eks-range-usage": "eks-cli-range",
    "eks-range-bad-date": "eks-cli-range",
    "eks-range-backwards": "eks-cli-range-backwards",
}


def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    """`python -m bot export`: 0 on success, 1 with a readable reason on stderr."""
    catalog = Catalog.load(default=settings.locale)
    lang = settings.locale
    out = Path(args.out)
    fmt = args.format or (out.suffix.lstrip(".").lower() if out.suffix else "xlsx")
    if fmt not in FORMATS:
        print(catalog.text(lang, "eks-cli-format", value=fmt), file=sys.stderr)
        return 1
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        print(catalog.text(lang, "cli-folder-missing", path=str(folder)), file=sys.stderr)
        return 1
    request = cli_request(args.kind, args.id, args.date_from, args.date_to)
    result: tuple[int, bool] | Refusal
    result = (
        request
        if isinstance(request, Refusal)
        else asyncio.run(export_file(settings, request, out, fmt, DELIMITERS[args.delimiter]))
    )
    if isinstance(result, Refusal):
        key = _CLI_KEYS.get(result.key, result.key)
        text = catalog.text(lang, key, kind=args.kind, prog=program_name(), **result.args)
        print(re.sub(r"<[^>]+>", "", text), file=sys.stderr)
        return 1
    rows, audited = result
    print(f"{rows} baris / rows → {out}")
    if not audited:
        print(
            catalog.text(lang, "eks-cli-not-audited", path=str(settings.db_path)), file=sys.stderr
        )
    return 0


def add_cli(sub: Any) -> argparse.ArgumentParser:
    """Add the `export` subcommand to `python -m bot`'s parser."""
    export = sub.add_parser(
        "export",
        help="ekspor ke XLSX/CSV / export to XLSX or CSV",
        description="Ekspor data ke file (hanya dapat dibaca pemiliknya). CSV memakai ; dan"
        " menulis NRP dan telepon sebagai teks, seperti yang diharapkan Excel berbahasa"
        " Indonesia; --delimiter , untuk alat lain.",
    )
    export.add_argument(
        "kind",
        choices=[k.value for k in ExportKind],
        help="roster, apel/callout (perlu --id), *-nonresponders (perlu --id), audit (--from)",
    )
    export.add_argument("--out", required=True, help="file yang ditulis, mis. personel.xlsx")
    export.add_argument(
        "--format", choices=FORMATS, default=None, help="xlsx atau csv (bawaan: dari nama file)"
    )
    export.add_argument(
        "--delimiter",
        choices=tuple(DELIMITERS),
        default=EXCEL_DELIMITER,
        help="pemisah kolom CSV (bawaan ; untuk Excel berbahasa Indonesia)",
    )
    export.add_argument("--from", dest="date_from", default=None, help="tanggal awal, 2024-02-01")
    export.add_argument("--to", dest="date_to", default=None, help="tanggal akhir, 2024-02-14")
    export.add_argument("--id", type=int, default=None, help="nomor apel atau pengerahan")
    parser: argparse.ArgumentParser = export
    return parser
