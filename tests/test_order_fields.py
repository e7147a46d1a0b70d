"""Optional named fields after an order (`; tugas: …`), and the apel's clock time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.domain.order_fields import (
    ROLLCALL_FIELDS,
    parse_clock,
    split_fields,
)
from bot.domain.refusal import Refusal

WIB = ZoneInfo("Asia/Pontianak")


def test_fields_are_split_from_the_order_by_semicolon_or_line() -> None:
    assert split_fields(
        "semua 30 Apel pagi; tempat: Lapangan  Mapolda\nPukul: 07.30", ROLLCALL_FIELDS
    ) == (
        "semua 30 Apel pagi",
        {"place": "Lapangan Mapolda", "time": "07.30"},
    )
    assert split_fields("semua 30;", ROLLCALL_FIELDS) == ("semua 30", {})
    assert split_fields("semua 30; kumpul: X", ROLLCALL_FIELDS) == Refusal(
        "field-unknown", {"value": "kumpul: X"}
    )


def test_the_apel_time_is_the_next_such_moment_in_the_zone() -> None:
    evening = datetime(2024, 2, 13, 15, 0, tzinfo=UTC)  # 22.00 WIB
    assert parse_clock("07.30", evening, WIB) == datetime(2024, 2, 14, 7, 30, tzinfo=WIB)
    assert parse_clock("23:15", evening, WIB) == datetime(2024, 2, 13, 23, 15, tzinfo=WIB)
    assert parse_clock("24.00", evening, WIB) == Refusal("field-time-invalid", {"value": "24.00"})
    assert isinstance(parse_clock("pagi", evening, WIB), Refusal)
