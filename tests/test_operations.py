"""`python -m bot check` and `backup`: health of an installation, a consistent copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli.operations import OperatorError, backup_database, run_checks
from bot.config import Settings
from bot.rehearsal.fake_telegram import FakeTelegram
from storage.db import Database
from tests.harness import TOKEN


def _settings(fake: FakeTelegram, db_path: Path, token: str = TOKEN) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=SecretStr(token),
        db_path=db_path,
        api_base_url=f"{fake.base_url}/bot",
        api_file_url=f"{fake.base_url}/file/bot",
    )


async def test_check_passes_on_a_healthy_installation(fake: FakeTelegram, tmp_path: Path) -> None:
    await (await Database.open(tmp_path / "siaga.db")).close()
    results = await run_checks(_settings(fake, tmp_path / "siaga.db"))
    assert {r.name: r.ok for r in results} == {
        "configuration": True,
        "timezone": True,
        "integrity": True,
        "schema": True,
        "size": True,
        "oldest record": True,
        "retention": True,
        "token": True,
    }


async def test_check_fails_on_a_database_newer_than_the_code(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    path = tmp_path / "siaga.db"
    await (await Database.open(path)).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    results = {r.name: r for r in await run_checks(_settings(fake, path))}
    assert not results["schema"].ok
    assert "999" in results["schema"].detail


async def test_backup_is_a_consistent_copy_while_the_database_is_open(
    db: Database, tmp_path: Path
) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO categories (code, name, target_strength)"
            " VALUES ('POH', 'Power On Hand', 291)"
        )
    (tmp_path / "backup").mkdir()
    target = tmp_path / "backup" / "siaga-copy.db"
    assert backup_database(Path(db.path), target) > 0
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT code FROM categories").fetchall() == [("POH",)]
    copy.close()
    assert target.stat().st_mode & 0o077 == 0
    with pytest.raises(OperatorError, match="backup-exists"):
        backup_database(Path(db.path), target)
