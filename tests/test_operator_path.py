"""The operator's path on the command line: a broken or missing database, a wrong file, an
import that would hurt, exports an office opens, backups. One sentence and an exit code, never
a traceback or a hang, and nothing created that was not asked for."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.cli.main import main
from bot.domain.roster import parse_roster
from examples import CATEGORIES
from storage.categories import import_categories
from storage.db import Database
from storage.roster import import_roster
from tests.test_cli import ROOT, run

HEADER = "nrp,nama,pangkat,kategori,satuan,telepon"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """In-process `main([...])` with the database in tmp_path; returns the database path."""
    for name in [k for k in os.environ if k.startswith("SIAGA_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "siaga.db"
    monkeypatch.setenv("SIAGA_DB_PATH", str(path))
    return path


def _people(count: int, start: int = 87050000) -> list[str]:
    return [
        f"{start + i},Anggota {i},Bripda,BRIMOB,Polres Sanggau,+62 812 3456 {i:04d}"
        for i in range(count)
    ]


def _csv(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _seed(db_path: Path, rows: list[str]) -> None:
    """Categories and a roster straight into a fresh database."""

    async def go() -> None:
        db = await Database.open(db_path)
        try:
            await import_categories(db, CATEGORIES.read_bytes(), _now())
            if rows:
                parsed = parse_roster("\n".join([HEADER, *rows]).encode(), ["BRIMOB", "POH"])
                assert parsed.ok, parsed.errors
                await import_roster(db, parsed.rows, _now())
        finally:
            await db.close()

    asyncio.run(go())


def _now() -> datetime:
    return datetime(2024, 2, 14, 13, 0, tzinfo=UTC)


def _snapshot(db_path: Path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _active(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return int(conn.execute("SELECT count(*) FROM personnel WHERE active").fetchone()[0])
    finally:
        conn.close()


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make `path` unwritable for this process, even for root (which ignores file modes)."""
    path.chmod(0o444)
    immutable = False
    if os.geteuid() == 0:
        made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if made.returncode != 0:
            path.chmod(0o600)
            pytest.skip("running as root without chattr: cannot make a file read-only")
        immutable = True
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o600)


# -- a database that cannot be used ---------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"PK\x03\x04 this is a spreadsheet, not a database" * 200, "bukan database SQLite"),
        (b"", None),  # an empty file is a new, empty database to SQLite: fine
    ],
)
def test_a_foreign_file_as_database_is_one_line_and_exits_at_once(
    tmp_path: Path, content: bytes, problem: str | None
) -> None:
    db = tmp_path / "siaga.db"
    db.write_bytes(content)
    roster = _csv(tmp_path / "r.csv", *_people(1))
    commands = (["check"], ["export", "roster", "--out", "x.csv"], ["import-roster", str(roster)])
    for command in commands:
        started = time.monotonic()
        result = run(tmp_path, *command)
        elapsed = time.monotonic() - started
        assert elapsed < 30, f"{command} took {elapsed:.0f} s"
        assert "Traceback" not in result.stderr, result.stderr
        if problem is None:
            continue
        assert result.returncode != 0
        assert problem in result.stdout + result.stderr
        assert str(db) in result.stdout + result.stderr


def test_a_truncated_database_is_named_with_the_fix(tmp_path: Path) -> None:
    db = tmp_path / "siaga.db"
    _seed(db, _people(300))
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    for command in (["categories", "import", "--example"], ["backup", "copy.db"]):
        result = run(tmp_path, *command)
        assert result.returncode == 2, (command, result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert str(db) in lines[0]
        assert "cadangan" in lines[0]
    assert not (tmp_path / "copy.db").exists(), "no half-written backup is left behind"


def test_the_sentence_is_english_when_configured(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SIAGA_LOCALE=en\n", encoding="utf-8")
    (tmp_path / "siaga.db").write_bytes(b"\x00\x01garbage" * 500)
    result = run(tmp_path, "export", "roster", "--out", "x.xlsx")
    assert result.returncode == 2
    assert "is not an SQLite database" in result.stderr
    assert "restore the database from a backup" in result.stderr


def test_commands_other_than_run_and_imports_never_create_a_database(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["export", "roster", "--out", "x.csv"], ["backup", "copy.db"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "tidak ada" in err
        assert "SIAGA_DB_PATH" in err
        assert not cli_env.exists()
    assert main(["check"]) == 1
    assert "tidak ada" in capsys.readouterr().out
    assert not cli_env.exists()
    assert not Path("x.csv").exists()


def test_a_missing_database_folder_names_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "data" / "siaga.db"
    result = run(tmp_path, "categories", "import", "--example", db=missing)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Folder untuk database {missing} tidak ada. Buat foldernya (mkdir -p) dengan pemilik"
        " yang menjalankan bot, atau perbaiki SIAGA_DB_PATH."
    ]
    assert not missing.parent.exists()


def test_read_only_commands_work_on_a_read_only_database(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(cli_env, _people(3))
    before = _snapshot(cli_env)
    with read_only(cli_env):
        assert main(["export", "roster", "--out", "p.csv"]) == 0
        out = capsys.readouterr()
        assert "3 baris" in out.out
        assert "tidak tercatat di log audit" in out.err
        main(["check"])
        check = capsys.readouterr().out
        assert "OK   integrity" in check
        assert "OK   schema" in check
        assert main(["backup", "copy.db"]) == 0
        # A command that must write says why it cannot, in one line.
        assert main(["categories", "import", "--example"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1
        assert "hanya dapat dibaca" in err[0]
    assert _snapshot(cli_env) == before
    assert Path("copy.db").exists()


def test_a_wrong_categories_file_is_explained_not_a_traceback(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = _csv(Path("roster.csv"), *_people(2))
    assert main(["categories", "import", str(roster)]) == 1
    err = capsys.readouterr().err
    assert "Kategori tidak diimpor dari roster.csv" in err
    assert main(["categories", "import", "nope.csv"]) == 1
    assert "File nope.csv tidak ada" in capsys.readouterr().err


# -- imports that cannot hurt ---------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_says_what_would_change(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = _people(20)
    _seed(cli_env, people)
    before = _snapshot(cli_env)
    changed = people[1].replace("Anggota 1", "Anggota Satu")
    new = _people(1, start=88000000)[0]
    roster = _csv(Path("roster.csv"), people[0], changed, *people[3:], new)
    assert main(["import-roster", str(roster), "--dry-run", "--allow-deactivate"]) == 0
    out = capsys.readouterr().out
    assert "tidak ada yang ditulis" in out
    assert "1 baru, 1 diperbarui, 18 tetap, 1 dinonaktifkan, 0 diaktifkan kembali" in out
    assert "Bripda Anggota 2 (87050002)" in out
    assert _snapshot(cli_env) == before


def test_an_import_deactivating_more_than_a_tenth_is_refused_without_the_flag(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = _people(50)
    _seed(cli_env, people)
    before = _snapshot(cli_env)
    short = _csv(Path("five.csv"), *people[:5])
    assert main(["import-roster", str(short)]) == 1
    err = capsys.readouterr().err
    assert "menonaktifkan 45 dari 50 personel aktif" in err
    assert err.count("Bripda Anggota") == 5
    assert "--allow-deactivate" in err
    assert _snapshot(cli_env) == before
    # Within the tenth no confirmation is needed; beyond it the flag says "I mean it".
    assert main(["import-roster", str(_csv(Path("45.csv"), *people[:45]))]) == 0
    assert _active(cli_env) == 45
    assert main(["import-roster", str(short), "--allow-deactivate"]) == 0
    assert _active(cli_env) == 5


def _signed_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    first = True
    for title, rows in sheets.items():
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        first = False
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


_TABLE: list[list[object]] = [
    ["nrp", "nama", "pangkat", "kategori", "satuan", "telepon"],
    ["87050123", "Andi Saputra", "Bripda", "BRIMOB", "Polres Sanggau", "081234567801"],
    [2058291, "Budi Santoso", "Briptu", "BRIMOB", "Polres Sanggau", "081234567802"],
    [],
    ["", "", "Pontianak, 1 Februari 2024"],
    ["", "", "KEPALA KEPOLISIAN DAERAH KALIMANTAN BARAT"],
    [],
    ["", "", "Drs. PIPIT RISMANTO, M.H."],
    ["", "", "INSPEKTUR JENDERAL POLISI"],
]


def test_a_workbook_with_a_signature_and_an_excel_number_nrp(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(cli_env, [])
    book = _signed_workbook(Path("roster.xlsx"), {"Sampul": [["DAFTAR"]], "Personel": _TABLE})
    assert main(["import-roster", str(book)]) == 1
    captured = capsys.readouterr()
    # The only problem left is the NRP Excel stored as a number, and it is explained.
    err = captured.err.splitlines()
    assert any('NRP "2058291" hanya 7 digit' in line and "--nrp-pad" in line for line in err)
    assert "tanda tangan" in captured.out
    assert "Baris 5\N{EN DASH}9" in captured.out
    assert "--skip-invalid" in captured.err
    assert main(["import-roster", str(book), "--nrp-pad"]) == 0
    out = capsys.readouterr().out
    assert 'lembar "Personel"' in out
    assert "2 baru" in out
    assert _active(cli_env) == 2


def test_skip_invalid_never_deactivates_someone_whose_nrp_lost_its_zero(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = [
        "87050123,Andi Saputra,Bripda,BRIMOB,Polres Sanggau,081234567801",
        "02058291,Budi Santoso,Briptu,BRIMOB,Polres Sanggau,081234567802",
    ]
    _seed(cli_env, people)
    excel = _csv(Path("r.csv"), people[0], people[1].replace("02058291", "2058291"))
    assert main(["import-roster", str(excel), "--skip-invalid", "--allow-deactivate"]) == 0
    assert "0 dinonaktifkan" in capsys.readouterr().out
    assert _active(cli_env) == 2


def test_sheets_are_listed_when_none_has_the_columns_and_chosen_with_sheet(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(cli_env, [])
    book = _signed_workbook(
        Path("r.xlsx"), {"Sampul": [["DAFTAR"]], "Lampiran": [["no", "nama"], [1, "x"]]}
    )
    assert main(["import-roster", str(book)]) == 1
    err = capsys.readouterr().err
    assert "Lembar yang ada: Sampul, Lampiran" in err
    assert "--sheet" in err
    assert "--skip-invalid" not in err
    assert main(["import-roster", str(book), "--sheet", "Rekap"]) == 1
    assert 'Lembar "Rekap" tidak ada' in capsys.readouterr().err
    table = _signed_workbook(Path("t.xlsx"), {"A": _TABLE[:2], "B": _TABLE[:2]})
    assert main(["import-roster", str(table), "--sheet", "b"]) == 0
    assert 'lembar "B"' in capsys.readouterr().out


def test_a_binary_file_is_never_echoed(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(cli_env, [])
    blob = Path("foto.jpg")
    blob.write_bytes(bytes(range(256)) * 40 + b"\x1b[31mRED")
    assert main(["import-roster", str(blob)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "biner" in err
    assert "--skip-invalid" not in err


def test_skip_invalid_is_not_suggested_when_it_was_given(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(cli_env, [])
    good = "87050124,Budi,Briptu,BRIMOB,Polres Sanggau,081234567802"
    bad = "87050123,Andi,Kapten,BRIMOB,Polres Sanggau,081234567801"
    mixed = _csv(Path("mixed.csv"), good, bad)
    assert main(["import-roster", str(mixed)]) == 1
    assert "--skip-invalid" in capsys.readouterr().err
    # Only bad rows: skipping them leaves nothing, so the flag is no advice; nor once given.
    only_bad = _csv(Path("bad.csv"), bad)
    assert main(["import-roster", str(only_bad)]) == 1
    assert "--skip-invalid" not in capsys.readouterr().err
    assert main(["import-roster", str(only_bad), "--skip-invalid"]) == 1
    assert "--skip-invalid" not in capsys.readouterr().err


# -- exports and backups --------------------------------------------------------------------


def test_exports_are_owner_only_and_cli_errors_use_cli_syntax(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(cli_env, _people(2))
    out = Path("personel.csv")
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    assert main(["export", "roster", "--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes().decode("utf-8-sig").startswith("NRP;")
    capsys.readouterr()
    assert main(["export", "apel", "--out", "a.xlsx"]) == 1
    err = capsys.readouterr().err
    assert "--id 5" in err
    assert "/ekspor" not in err
    assert main(["export", "audit", "--out", "a.xlsx"]) == 1
    err = capsys.readouterr().err
    assert "--from 2024-02-01 --to 2024-02-14" in err
    assert "/ekspor" not in err
    assert main(["export", "roster", "--out", "nope/p.xlsx"]) == 1
    assert "Folder nope tidak ada" in capsys.readouterr().err


def test_backup_into_a_folder_writes_a_named_file_inside_it(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(cli_env, _people(2))
    folder = Path("backups")
    folder.mkdir()
    assert main(["backup", str(folder)]) == 0
    (made,) = folder.iterdir()
    assert made.name.startswith("siaga-")
    assert made.suffix == ".db"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert main(["backup", str(made)]) == 1
    assert "sudah ada" in capsys.readouterr().err


def test_usage_names_the_program_as_invoked_and_describes_arguments(tmp_path: Path) -> None:
    assert run(tmp_path, "--help").stdout.startswith("usage: python -m bot")
    help_text = run(tmp_path, "import-roster", "--help").stdout
    for option in ("--dry-run", "--allow-deactivate", "--sheet", "--nrp-pad"):
        assert option in help_text
    assert "CSV atau Excel" in help_text
    for command, expected in (
        (["demo-roster", "--help"], "benih acak"),
        (["export", "--help"], "pemisah kolom CSV"),
        (["categories", "import", "--help"], "kategori contoh"),
    ):
        assert expected in run(tmp_path, *command).stdout


def test_the_installed_script_calls_itself_siaga() -> None:
    from bot.cli.operations import program_name

    saved = sys.argv[0]
    try:
        sys.argv[0] = "/opt/siaga/.venv/bin/siaga"
        assert program_name() == "siaga"
        sys.argv[0] = str(ROOT / "bot" / "__main__.py")
        assert program_name() == "python -m bot"
    finally:
        sys.argv[0] = saved
