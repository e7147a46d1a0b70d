"""Forward-only migrations: a blank database gets the whole schema, a newer one is refused."""

from __future__ import annotations

import re
import sqlite3
import stat
from pathlib import Path

import pytest

from storage.db import Database, Migration, SchemaTooNewError, bundled_migrations

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "storage" / "migrations"
MIGRATION_FILES = sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))
FOUNDATION_TABLES = {
    "categories",
    "personnel",
    "commander_scopes",
    "telegram_users",
    "link_requests",
    "audit_log",
}


def declared_tables() -> set[str]:
    """Every table some migration creates: the test follows new migrations by itself."""
    pattern = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)
    return {name for path in MIGRATION_FILES for name in pattern.findall(path.read_text())}


async def tables(db: Database) -> set[str]:
    rows = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return {r["name"] for r in rows}


async def schema(db: Database) -> list[tuple[str, str]]:
    rows = await db.fetchall("SELECT name, sql FROM sqlite_master ORDER BY name")
    return [(r["name"], r["sql"]) for r in rows]


def test_migration_files_are_numbered_without_gaps() -> None:
    assert MIGRATION_FILES, "no migrations found"
    numbers = [int(p.name[:4]) for p in MIGRATION_FILES]
    assert numbers == list(range(1, len(numbers) + 1))
    assert [m.name for m in bundled_migrations()] == [p.name for p in MIGRATION_FILES]


async def test_a_blank_database_gets_every_table_and_the_latest_version(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "blank.db")
    try:
        assert await db.schema_version() == len(MIGRATION_FILES)
        found = await tables(db)
        assert found >= FOUNDATION_TABLES
        assert found >= declared_tables()
        assert await db.integrity_check() == "ok"
        foreign_keys = await db.fetchone("PRAGMA foreign_keys")
        assert foreign_keys is not None
        assert foreign_keys[0] == 1
        journal = await db.fetchone("PRAGMA journal_mode")
        assert journal is not None
        assert journal[0] == "wal"
    finally:
        await db.close()


async def test_the_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "private.db"
    db = await Database.open(path)
    await db.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_reopening_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "siaga.db"
    db = await Database.open(path)
    try:
        before = await schema(db)
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO categories (code, name, target_strength) VALUES ('POH', 'POH', 291)"
            )
    finally:
        await db.close()

    db = await Database.open(path)
    try:
        assert await db.schema_version() == len(MIGRATION_FILES)
        assert await schema(db) == before
        row = await db.fetchone("SELECT target_strength FROM categories WHERE code = 'POH'")
        assert row is not None
        assert row[0] == 291
    finally:
        await db.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    db = await Database.open(path)
    await db.close()
    newer = len(MIGRATION_FILES) + 1
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
    conn.close()

    with pytest.raises(SchemaTooNewError) as refused:
        await Database.open(path)
    assert (refused.value.found, refused.value.known) == (newer, len(MIGRATION_FILES))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == newer  # left untouched
    conn.close()


async def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    good = Migration(1, "0001_t.sql", "CREATE TABLE t (x INTEGER);")
    bad = Migration(
        2, "0002_bad.sql", "CREATE TABLE u (y INTEGER);\nINSERT INTO nowhere VALUES (1);"
    )
    path = tmp_path / "partial.db"
    with pytest.raises(sqlite3.OperationalError):
        await Database.open(path, migrations=[good, bad])
    db = await Database.open(path, migrations=[good])
    try:
        assert await db.schema_version() == 1
        assert await tables(db) == {"t"}  # table u went with the failed upgrade
    finally:
        await db.close()
