"""Exports: XLSX and CSV read back with the right rows, scopes, empty files, bad dates."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.domain.apel import Answer, Scope, ScopeKind
from bot.domain.callout import InviteState
from bot.domain.refusal import Refusal
from bot.domain.status import DateRange, StatusScope, parse_date_range
from bot.i18n import Catalog
from bot.reports.exports import (
    ExportKind,
    ExportRequest,
    Table,
    build_table,
    file_name,
    to_csv,
    to_xlsx,
)
from storage import apel, audit, callouts, readiness
from storage.apel import NewTarget
from storage.db import Database
from storage.timestamps import to_db
from tests.harness import open_apel, open_callout

WIB = ZoneInfo("Asia/Pontianak")
NOW = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)  # 20.00 WIB
STALE = timedelta(hours=12)
CATALOG = Catalog.load()
PEOPLE = [
    # nrp, name, rank, category, unit, phone, telegram user
    ("87050123", "Andi Saputra", "Bripda", "BRIMOB", "Polres Sanggau", "+6281234567801", 1001),
    ("88010234", "Budi Santoso", "Briptu", "POH", "Polresta Pontianak", "+6281234567802", 1002),
    ("89010345", "Citra Dewi", "Bripda", "POLWAN", "Polres Sanggau", "+6281234567803", None),
    ("75020345", "Hendra Wijaya", "AKBP", "BRIMOB", "Polres Landak", "+6281234567804", 2001),
]


async def _seed(db: Database) -> dict[str, int]:
    ids: dict[str, int] = {}
    async with db.transaction() as tx:
        for code in ("POH", "POLWAN", "BRIMOB"):
            await tx.execute(
                "INSERT INTO categories (code, name, target_strength) VALUES (?, ?, 10)",
                (code, code.title()),
            )
        for nrp, name, rank, category, unit, phone, user in PEOPLE:
            ids[nrp] = await tx.execute(
                "INSERT INTO personnel (nrp, name, rank, category_code, unit, phone,"
                " telegram_user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (nrp, name, rank, category, unit, phone, user, to_db(NOW), to_db(NOW)),
            )
        await readiness.set_ready(tx, ids["87050123"], NOW - timedelta(hours=1), source="test")
        await readiness.set_not_ready(
            tx,
            ids["88010234"],
            NOW - timedelta(hours=2),
            reason="sakit",
            reason_text='=HYPERLINK("http://x","klik")',
            source="test",
        )
        await audit.record(tx, NOW - timedelta(days=2), "role.appointed", actor_user_id=900001)
        await audit.record(tx, NOW, "export.roster", actor_user_id=2001)
    return ids


async def _table(db: Database, request: ExportRequest, scope: StatusScope | None = None) -> Table:
    table = await build_table(
        db,
        CATALOG,
        "id",
        request,
        scope=scope or StatusScope.whole(),
        now=NOW,
        stale_after=STALE,
        zone=WIB,
    )
    assert isinstance(table, Table), table
    return table


def _wall(hour: int, minute: int) -> datetime:
    """A WIB wall-clock time as a spreadsheet holds it (no zone)."""
    return datetime(2024, 2, 14, hour, minute, tzinfo=WIB).replace(tzinfo=None)


def _read_xlsx(data: bytes) -> list[list[object]]:
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _read_csv(data: bytes, delimiter: str = ";") -> list[list[str]]:
    """The cells as Excel shows them: `="02058291"` is the text 02058291."""
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8 names right
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter)
    return [[re.sub(r'^="(.*)"$', r"\1", cell) for cell in row] for row in rows]


def _read_csv_sections(data: bytes) -> list[list[list[str]]]:
    """The parts of a CSV between empty rows, each with its own header."""
    parts: list[list[list[str]]] = [[]]
    for row in _read_csv(data):
        if row:
            parts[-1].append(row)
        else:
            parts.append([])
    return parts


async def test_roster_xlsx_reads_back_formatted(db: Database) -> None:
    await _seed(db)
    table = await _table(db, ExportRequest(ExportKind.ROSTER))
    data = to_xlsx(table, WIB)
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["C"].width >= len("Hendra Wijaya")
    rows = _read_xlsx(data)
    header, body = rows[0], rows[1:]
    assert header[:6] == ["NRP", "Pangkat", "Nama", "Kategori", "Satuan", "Telepon"]
    assert len(body) == len(PEOPLE)
    by_nrp = {row[0]: row for row in body}
    andi = by_nrp["87050123"]
    assert andi[2] == "Andi Saputra"
    assert andi[5] == "+6281234567801"  # a phone stays text, not a formula or a number
    assert andi[header.index("Kesiapan")] == "siap"
    assert andi[header.index("Terakhir konfirmasi")] == _wall(19, 0)
    budi = by_nrp["88010234"]
    assert budi[header.index("Kesiapan")] == "tidak siap"
    assert budi[header.index("Alasan")] == "sakit"
    # Typed text never runs as a formula in a spreadsheet.
    assert str(budi[header.index("Keterangan")]).startswith("'=HYPERLINK")
    citra = by_nrp["89010345"]
    assert citra[header.index("Terdaftar di bot")] == "tidak"
    assert citra[header.index("Kesiapan")] == "belum lapor"


async def test_roster_csv_reads_back_and_follows_the_scope(db: Database) -> None:
    await _seed(db)
    scope = StatusScope(frozenset({"Polres Sanggau"}), frozenset())
    table = await _table(db, ExportRequest(ExportKind.ROSTER), scope)
    rows = _read_csv(to_csv(table, WIB))
    assert rows[0][0] == "NRP"
    assert sorted(r[0] for r in rows[1:]) == ["87050123", "89010345"]
    andi = next(r for r in rows if r[0] == "87050123")
    assert andi[rows[0].index("Terakhir konfirmasi")] == "2024-02-14 19:00"


async def test_an_export_with_no_rows_is_a_file_with_headers(db: Database) -> None:
    await _seed(db)
    nobody = StatusScope(frozenset({"Polres Kapuas Hulu"}), frozenset())
    table = await _table(db, ExportRequest(ExportKind.ROSTER), nobody)
    assert table.rows == []
    assert _read_xlsx(to_xlsx(table, WIB)) == [list(table.columns)]
    assert _read_csv(to_csv(table, WIB)) == [list(table.columns)]


async def test_rollcall_report_in_the_apel_format_then_per_person(db: Database) -> None:
    ids = await _seed(db)
    async with db.transaction() as tx:
        rollcall_id = await open_apel(
            tx,
            Scope(ScopeKind.ALL),
            [
                NewTarget(ids["87050123"], 1001, "BRIMOB"),
                NewTarget(ids["75020345"], 2001, "BRIMOB"),
                NewTarget(ids["88010234"], 1002, "POH"),
                NewTarget(ids["89010345"], None, "POLWAN", "unlinked"),
            ],
            NOW,
            by_user=2001,
            by_name="AKBP Hendra Wijaya",
            by_person=ids["75020345"],
        )
        await apel.record_answer(
            tx, rollcall_id, ids["87050123"], Answer.YES, NOW + timedelta(minutes=3)
        )
        await apel.record_answer(
            tx, rollcall_id, ids["75020345"], Answer.NO, NOW + timedelta(minutes=4), reason="dik"
        )
    results = await _table(db, ExportRequest(ExportKind.APEL, rollcall_id))
    # The service's apel report: per category Jumlah / Kurang / Hadir, a count per
    # keterangan, the names by keterangan with those who did not answer last.
    report, detail = _read_csv_sections(to_csv(results, WIB))
    header = report[0]
    assert header[:4] == ["Kategori", "Jumlah", "Kurang", "Hadir"]
    assert header[-1] == "Keterangan (nama)"
    lines = {row[0]: dict(zip(header, row, strict=True)) for row in report[1:]}
    assert list(lines) == ["BRIMOB", "POH", "POLWAN", "Jumlah seluruhnya"]
    brimob = lines["BRIMOB"]
    assert (brimob["Jumlah"], brimob["Kurang"], brimob["Hadir"], brimob["Dik"]) == (
        "2",
        "1",
        "1",
        "1",
    )
    assert brimob["Keterangan (nama)"] == "Dik (1): AKBP Hendra Wijaya"
    assert lines["POH"]["Belum lapor"] == "1"
    assert lines["POH"]["Keterangan (nama)"] == "Belum lapor (1): Briptu Budi Santoso"
    whole = lines["Jumlah seluruhnya"]
    assert (whole["Jumlah"], whole["Kurang"], whole["Hadir"], whole["Sakit"]) == (
        "4",
        "3",
        "1",
        "0",
    )
    assert whole["Keterangan (nama)"] == (
        "Dik (1): AKBP Hendra Wijaya; Belum terdaftar di bot (1): Bripda Citra Dewi;"
        " Belum lapor (1): Briptu Budi Santoso"
    )
    # Then everyone, one row a person.
    header = detail[0]
    by_nrp = {r[0]: r for r in detail[1:]}
    assert len(by_nrp) == 4
    assert by_nrp["87050123"][header.index("Status")] == "hadir"
    assert by_nrp["87050123"][header.index("Waktu jawab")] == "2024-02-14 20:03"
    assert by_nrp["88010234"][header.index("Status")] == "belum lapor"
    # The XLSX: the report, and the detail on a sheet of its own.
    book = load_workbook(io.BytesIO(to_xlsx(results, WIB)))
    assert book.sheetnames == ["Apel " + str(rollcall_id), "Rincian per personel"]
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[2]][:5] == ["BRIMOB", 2, 1, 1, 0]
    assert book.worksheets[1].max_row == 5

    silent = await _table(db, ExportRequest(ExportKind.APEL_NONRESPONDERS, rollcall_id))
    rows = _read_xlsx(to_xlsx(silent, WIB))
    assert rows[0] == ["NRP", "Pangkat", "Nama", "Kategori", "Satuan", "Telepon", "Status"]
    assert sorted((r[0], r[5]) for r in rows[1:]) == [
        ("88010234", "+6281234567802"),
        ("89010345", "+6281234567803"),
    ]
    # A commander of Polres Sanggau sees only their own people.
    mine = StatusScope(frozenset({"Polres Sanggau"}), frozenset())
    scoped = await _table(db, ExportRequest(ExportKind.APEL_NONRESPONDERS, rollcall_id), mine)
    assert [r[0] for r in scoped.rows] == ["89010345"]


async def test_callout_results_with_times_and_non_responders(db: Database) -> None:
    ids = await _seed(db)
    async with db.transaction() as tx:
        callout_id, line = await open_callout(
            tx,
            "BRIMOB",
            2,
            "Kantor KPU Kalbar",
            NOW,
            by_user=2001,
            by_name="AKBP Hendra Wijaya",
            by_person=ids["75020345"],
        )
        accepted = await callouts.add_invite(tx, callout_id, line, ids["87050123"], 1001, NOW)
        await callouts.add_invite(tx, callout_id, line, ids["75020345"], 2001, NOW)
        await callouts.transition(
            tx,
            accepted,
            [InviteState.PENDING],
            InviteState.ACCEPTED,
            NOW + timedelta(minutes=2),
            answered=True,
        )
    table = await _table(db, ExportRequest(ExportKind.CALLOUT, callout_id))
    rows = _read_xlsx(to_xlsx(table, WIB))
    header = rows[0]
    by_nrp = {r[0]: r for r in rows[1:]}
    assert by_nrp["87050123"][header.index("Status")] == "siap berangkat"
    assert by_nrp["87050123"][header.index("Waktu panggilan")] == _wall(20, 0)
    assert by_nrp["87050123"][header.index("Waktu jawab")] == _wall(20, 2)
    assert by_nrp["75020345"][header.index("Status")] == "menunggu"
    silent = await _table(db, ExportRequest(ExportKind.CALLOUT_NONRESPONDERS, callout_id))
    assert [(r[0], r[5]) for r in silent.rows] == [("75020345", "+6281234567804")]


async def test_unknown_ids_and_missing_dates_are_refused(db: Database) -> None:
    await _seed(db)
    for request, key in [
        (ExportRequest(ExportKind.APEL, 99), "eks-unknown-apel"),
        (ExportRequest(ExportKind.CALLOUT_NONRESPONDERS, 99), "eks-unknown-callout"),
        (ExportRequest(ExportKind.APEL), "eks-needs-id"),
        (ExportRequest(ExportKind.AUDIT), "eks-needs-dates"),
    ]:
        result = await build_table(
            db,
            CATALOG,
            "id",
            request,
            scope=StatusScope.whole(),
            now=NOW,
            stale_after=STALE,
            zone=WIB,
        )
        assert isinstance(result, Refusal)
        assert result.key == key


async def test_audit_log_for_a_date_range(db: Database) -> None:
    await _seed(db)
    today = DateRange(date(2024, 2, 14), date(2024, 2, 14))
    table = await _table(db, ExportRequest(ExportKind.AUDIT, dates=today))
    assert [r[1] for r in table.rows] == ["Ekspor daftar personel"]
    week = DateRange(date(2024, 2, 8), date(2024, 2, 14))
    table = await _table(db, ExportRequest(ExportKind.AUDIT, dates=week))
    assert [r[1] for r in table.rows] == ["Peran di Siaga diberikan", "Ekspor daftar personel"]
    empty = DateRange(date(2024, 1, 1), date(2024, 1, 2))
    rows = _read_csv(to_csv(await _table(db, ExportRequest(ExportKind.AUDIT, dates=empty)), WIB))
    assert rows == [["Waktu", "Tindakan", "Oleh", "Subjek"]]


async def test_the_audit_log_reads_in_words_with_who_and_details_as_columns(
    db: Database,
) -> None:
    await _seed(db)
    async with db.transaction() as tx:
        await audit.record(
            tx,
            NOW,
            "roster.import",
            subject="kalbar.xlsx",
            details={"rows": 3294, "added": 5, "deactivated": 0},
        )
        await audit.record(tx, NOW, "some.new_thing", actor_user_id=777, details={"x": [1]})
    today = DateRange(date(2024, 2, 14), date(2024, 2, 14))
    rows = _read_csv(to_csv(await _table(db, ExportRequest(ExportKind.AUDIT, dates=today)), WIB))
    header, *body = rows
    assert header == ["Waktu", "Tindakan", "Oleh", "Subjek", "Baru", "Dinonaktifkan", "Baris", "x"]
    by_action = {r[1]: dict(zip(header, r, strict=True)) for r in body}
    # Who: the person linked to the account; else the account; else the server's command line.
    assert by_action["Ekspor daftar personel"]["Oleh"] == "AKBP Hendra Wijaya"
    assert by_action["some.new_thing"]["Oleh"] == "akun Telegram 777"
    imported = by_action["Impor daftar personel"]
    assert imported["Oleh"] == "baris perintah di server"
    assert (imported["Subjek"], imported["Baris"]) == ("kalbar.xlsx", "3294")
    assert imported["Baru"] == "5"
    assert by_action["some.new_thing"]["x"] == "[1]"
    assert not any("{" in cell for row in body for cell in row), "no raw JSON"


async def test_csv_is_semicolon_separated_with_nrp_and_phone_as_text(db: Database) -> None:
    await _seed(db)
    full = await _table(db, ExportRequest(ExportKind.ROSTER))
    andi = next(r for r in full.rows if r[0] == "87050123")
    table = Table(full.sheet, full.columns, [("02058291", *andi[1:])], full.text_columns)
    raw = to_csv(table, WIB).decode("utf-8-sig")
    assert raw.startswith("NRP;Pangkat;Nama;")
    _header, row = csv.reader(io.StringIO(raw), delimiter=";")
    # Excel keeps ="…" as text: the NRP keeps its leading zero, the phone is not 6,28E+12.
    assert row[:6] == [
        '="02058291"',
        "Bripda",
        "Andi Saputra",
        "BRIMOB",
        "Polres Sanggau",
        '="+6281234567801"',
    ]
    plain = to_csv(table, WIB, delimiter=",").decode("utf-8-sig").splitlines()
    assert plain[1].startswith("02058291,Bripda,Andi Saputra,BRIMOB,Polres Sanggau,+628")


def test_date_ranges() -> None:
    assert parse_date_range("2024-02-01 2024-02-14") == DateRange(
        date(2024, 2, 1), date(2024, 2, 14)
    )
    assert parse_date_range("01-02-2024 s.d. 14/02/2024") == DateRange(
        date(2024, 2, 1), date(2024, 2, 14)
    )
    assert parse_date_range("14.02.2024") == DateRange(date(2024, 2, 14), date(2024, 2, 14))
    assert parse_date_range("2024-02-14 2024-02-01") == Refusal(
        "eks-range-backwards", {"value": "2024-02-14 2024-02-01"}
    )
    assert parse_date_range("2024-02-31") == Refusal("eks-range-bad-date", {"value": "2024-02-31"})
    assert parse_date_range("") == Refusal("eks-range-usage", {"value": ""})
    start, end = DateRange(date(2024, 2, 14), date(2024, 2, 14)).bounds(WIB)
    assert start == datetime(2024, 2, 13, 17, 0, tzinfo=UTC)
    assert end - start == timedelta(days=1)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_file_names(fmt: str) -> None:
    name = file_name(ExportRequest(ExportKind.APEL, 5), fmt, NOW, WIB)
    assert name == f"siaga-apel-5-20240214-2000.{fmt}"
    audit_range = DateRange(date(2024, 2, 1), date(2024, 2, 14))
    assert file_name(ExportRequest(ExportKind.AUDIT, dates=audit_range), fmt, NOW, WIB) == (
        f"siaga-audit-20240201-20240214-20240214-2000.{fmt}"
    )


def test_the_command_line_writes_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.main import main

    path = tmp_path / "siaga.db"

    async def prepare() -> None:
        db = await Database.open(path)
        try:
            await _seed(db)
        finally:
            await db.close()

    asyncio.run(prepare())
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("SIAGA_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("SIAGA_DB_PATH", str(path))

    assert main(["export", "roster", "--out", str(tmp_path / "personel.xlsx")]) == 0
    rows = _read_xlsx((tmp_path / "personel.xlsx").read_bytes())
    assert len(rows) == len(PEOPLE) + 1
    assert main(["export", "roster", "--out", str(tmp_path / "p.txt"), "--format", "csv"]) == 0
    assert len(_read_csv((tmp_path / "p.txt").read_bytes())) == len(PEOPLE) + 1

    # A day with nothing logged: a file with the column headers, not an error.
    out = tmp_path / "audit.csv"
    assert main(["export", "audit", "--out", str(out), "--from", "2024-01-01"]) == 0
    assert _read_csv(out.read_bytes())[0][0] == "Waktu"
    capsys.readouterr()
    backwards = [
        "export",
        "audit",
        "--out",
        str(out),
        "--from",
        "2024-02-14",
        "--to",
        "2024-02-01",
    ]
    assert main(backwards) == 1
    assert "terbalik" in capsys.readouterr().err
    assert main(["export", "apel", "--out", str(out)]) == 1
    assert "nomornya" in capsys.readouterr().err
    assert main(["export", "apel", "--id", "7", "--out", str(out)]) == 1
    assert "Apel #7 tidak ditemukan" in capsys.readouterr().err
