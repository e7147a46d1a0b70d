"""Settings: each wrong value is named with what is expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.config import Settings

TOKEN = "123456789:AAEtestTokenForSiagaEndToEndTests_x"


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def _error_for(field: str, **values: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        _settings(**values)
    errors = [e for e in caught.value.errors() if e["loc"] and e["loc"][0] == field]
    assert errors, caught.value
    return str(errors[0]["msg"])


def test_defaults_are_usable() -> None:
    settings = _settings()
    assert settings.timezone == "Asia/Pontianak"
    assert settings.locale == "id"
    assert settings.db_path == Path("siaga.db")
    assert settings.apel_reminder_minutes == [10, 2]


def test_lists_come_from_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIAGA_ADMIN_IDS", "111, 222;333")
    monkeypatch.setenv("SIAGA_APEL_REMINDER_MINUTES", "15,5,1")
    settings = _settings(bot_token=TOKEN)
    assert settings.admin_ids == [111, 222, 333]
    assert settings.apel_reminder_minutes == [15, 5, 1]
    assert settings.is_configured_admin(222)


def test_the_token_is_secret_and_checked() -> None:
    settings = _settings(bot_token=TOKEN)
    assert TOKEN not in repr(settings)
    assert "BotFather" in _error_for("bot_token", bot_token="12345")


def test_bad_values_are_named_with_what_is_expected(tmp_path: Path) -> None:
    assert "IANA" in _error_for("timezone", timezone="Mars/Olympus")
    assert "does not exist" in _error_for("db_path", db_path=tmp_path / "missing" / "x.db")
    assert "123,456" in _error_for("admin_ids", admin_ids="abc")
    assert "18:00-23:59" in _error_for("jam_rawan_windows", jam_rawan_windows="25:00-26:00")


def test_a_folder_is_not_a_database_file(tmp_path: Path) -> None:
    assert "is a folder" in _error_for("db_path", db_path=tmp_path)
