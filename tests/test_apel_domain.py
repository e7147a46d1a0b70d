"""The pure parts of apel: argument parsing, tallies, reminders, distances, report splitting."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.apel import (
    MAX_MINUTES,
    ApelRequest,
    MessageKey,
    MessageKind,
    ReportPerson,
    Scope,
    ScopeKind,
    TallyRow,
    build_tally,
    extension_allowed,
    narrow_scope,
    parse_apel_args,
    parse_minutes,
    reminder_schedule,
    report_csv,
    split_messages,
    until_for,
    utf16_len,
)
from bot.domain.geo import distance_m, format_distance, valid_coordinates
from bot.domain.readiness import NotReadyRequest, parse_not_ready
from bot.domain.refusal import Refusal

CATEGORIES = ["POH", "POLWAN", "SAMAPTA", "BRIMOB", "OMB", "LIONG", "YANMAS"]
UNITS = ["Polres Sanggau", "Polresta Pontianak", "Polres Sanggau Kapuas", "Satbrimob"]
NOW = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)


def parse(text: str) -> ApelRequest | Refusal:
    return parse_apel_args(text.split(), CATEGORIES, UNITS, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ApelRequest(None, 30)),
        ("BRIMOB", ApelRequest(Scope(ScopeKind.CATEGORY, "BRIMOB"), 30)),
        ("brimob 45", ApelRequest(Scope(ScopeKind.CATEGORY, "BRIMOB"), 45)),
        ("semua 20", ApelRequest(Scope(ScopeKind.ALL), 20)),
        ("ALL", ApelRequest(Scope(ScopeKind.ALL), 30)),
        ("Polres Sanggau 15", ApelRequest(Scope(ScopeKind.UNIT, "Polres Sanggau"), 15)),
        # The longest unit name wins over its prefix.
        (
            "polres sanggau kapuas 15",
            ApelRequest(Scope(ScopeKind.UNIT, "Polres Sanggau Kapuas"), 15),
        ),
        ("Satbrimob 10", ApelRequest(Scope(ScopeKind.UNIT, "Satbrimob"), 10)),
        (
            "BRIMOB 30 Apel siaga pagi",
            ApelRequest(Scope(ScopeKind.CATEGORY, "BRIMOB"), 30, "Apel siaga pagi"),
        ),
        ("BRIMOB 30m", ApelRequest(Scope(ScopeKind.CATEGORY, "BRIMOB"), 30)),
        ("45", ApelRequest(None, 45)),
        ("1440", ApelRequest(None, 1440)),
    ],
)
def test_good_arguments(text: str, expected: ApelRequest) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("BRIMOP", "apel-unknown-scope"),
        ("BRIMOP 30", "apel-unknown-scope"),
        ("Polres Sangau 30", "apel-unknown-scope"),
        ("BRIMOB abc", "apel-minutes-invalid"),
        ("BRIMOB tiga puluh", "apel-minutes-invalid"),
        ("BRIMOB 0", "apel-minutes-not-positive"),
        ("BRIMOB -5", "apel-minutes-not-positive"),
        ("BRIMOB 1,5", "apel-minutes-not-positive"),
        ("BRIMOB 1441", "apel-minutes-too-long"),
        ("BRIMOB 99999999", "apel-minutes-not-positive"),
        ("-5", "apel-minutes-not-positive"),
    ],
)
def test_bad_arguments_name_the_problem(text: str, key: str) -> None:
    result = parse(text)
    assert isinstance(result, Refusal)
    assert result.key == key


def test_unknown_scope_lists_the_categories_and_the_value() -> None:
    result = parse("BRIMOP 30")
    assert isinstance(result, Refusal)
    assert result.args["value"] == "BRIMOP"
    assert "BRIMOB" in str(result.args["categories"])
    assert "YANMAS" in str(result.args["categories"])
    many = parse("Polres Sangau 30 judul")
    assert isinstance(many, Refusal)
    assert many.args["value"] == "Polres Sangau"


def test_minutes_bounds() -> None:
    assert parse_minutes("1") == 1
    assert parse_minutes(str(MAX_MINUTES)) == MAX_MINUTES
    assert isinstance(parse_minutes(str(MAX_MINUTES + 1)), Refusal)
    assert isinstance(parse_minutes("2.5"), Refusal)


def test_title_is_trimmed_to_its_limit() -> None:
    result = parse("BRIMOB 30 " + "x" * 200)
    assert isinstance(result, ApelRequest)
    assert result.title is not None
    assert len(result.title) == 80


def test_tally_counts_per_category_and_reason() -> None:
    rows = [
        TallyRow("BRIMOB", "yes", None, "inside", False, 5),
        TallyRow("BRIMOB", "yes", None, "outside", False, 2),
        TallyRow("BRIMOB", "yes", None, "awaiting", False, 1),
        TallyRow("BRIMOB", "no", "sakit", None, False, 3),
        TallyRow("BRIMOB", "no", "dinas_luar", None, False, 1),
        TallyRow("BRIMOB", None, None, None, False, 4),
        TallyRow("BRIMOB", None, None, None, True, 2),
        TallyRow("POH", "yes", None, None, False, 7),
        TallyRow("POH", "no", None, None, False, 1),
    ]
    tally = build_tally(rows)
    assert [c.category for c in tally.categories] == ["BRIMOB", "POH"]
    brimob, poh = tally.categories
    assert brimob.called == 18
    assert (brimob.yes, brimob.yes_inside, brimob.yes_outside) == (8, 5, 2)
    assert brimob.yes_awaiting_location == 1
    assert brimob.no == 4
    assert brimob.no_by_reason == {"sakit": 3, "dinas_luar": 1}
    assert brimob.no_answer == 6
    assert brimob.unreachable == 2
    # An absence without a reason is counted as "lainnya", never lost.
    assert poh.no_by_reason == {"lainnya": 1}
    assert tally.total.called == 26
    assert tally.total.yes == 15
    assert tally.total.no_answer == 6


def test_reminders_only_in_the_future() -> None:
    closes = NOW + timedelta(minutes=30)
    plan = reminder_schedule(closes, [10, 2, 0, 10], NOW)
    assert plan == {10: closes - timedelta(minutes=10), 2: closes - timedelta(minutes=2)}
    short = reminder_schedule(NOW + timedelta(minutes=5), [10, 2], NOW)
    assert short[10] is None
    assert short[2] == NOW + timedelta(minutes=3)


def test_extension_is_capped_at_a_day() -> None:
    assert extension_allowed(NOW, NOW + timedelta(minutes=30), 30)
    assert not extension_allowed(NOW, NOW + timedelta(hours=23, minutes=50), 30)


def test_until_choices_in_the_local_zone() -> None:
    zone = ZoneInfo("Asia/Pontianak")
    # 13.00 UTC is 20.00 WIB: "today" ends at the next WIB midnight.
    today = until_for("today", NOW, zone)
    assert today == datetime(2024, 2, 15, 0, 0, tzinfo=zone)
    assert until_for("tomorrow", NOW, zone) == datetime(2024, 2, 16, 0, 0, tzinfo=zone)
    assert until_for("3d", NOW, zone) == NOW + timedelta(days=3)
    assert until_for("none", NOW, zone) is None
    late = datetime(2024, 2, 14, 18, 30, tzinfo=UTC)  # 01.30 WIB on the 15th
    assert until_for("today", late, zone) == datetime(2024, 2, 16, 0, 0, tzinfo=zone)


def test_haversine_distances() -> None:
    assert distance_m(-0.0263, 109.3425, -0.0263, 109.3425) == pytest.approx(0.0)
    # One degree of latitude is about 111.2 km everywhere.
    assert distance_m(0.0, 109.0, 1.0, 109.0) == pytest.approx(111_195, rel=1e-3)
    # Pontianak to Sanggau, about 140 km as the crow flies.
    assert distance_m(-0.0263, 109.3425, 0.1206, 110.5967) == pytest.approx(140_000, rel=0.05)
    # A hundred metres east at the equator.
    assert distance_m(0.0, 109.0, 0.0, 109.0 + 100 / 111_195) == pytest.approx(100, abs=0.5)


def test_coordinates_and_distance_format() -> None:
    assert valid_coordinates(-0.02, 109.34)
    assert not valid_coordinates(91, 0)
    assert not valid_coordinates(0, 181)
    assert format_distance(35.4, "id") == "35 m"
    assert format_distance(2449, "id") == "2,4 km"
    assert format_distance(2449, "en") == "2.4 km"


def test_split_keeps_lines_whole_and_under_the_limit() -> None:
    lines = [
        f"{i}. Bripda Nama Personel {i} · Polres Sanggau · 08123456{i:04d} ✅" for i in range(500)
    ]
    parts = split_messages(lines, limit=4000)
    assert len(parts) > 1
    assert all(utf16_len(p) <= 4000 for p in parts)
    assert "\n".join(parts).split("\n") == lines


def test_split_cuts_a_single_overlong_line() -> None:
    parts = split_messages(["a" * 9000], limit=4000)
    assert [len(p) for p in parts] == [4000, 4000, 1000]


def test_split_counts_emoji_as_telegram_does() -> None:
    emoji_line = "✅" * 10 + "🚫" * 10  # 🚫 is two UTF-16 units
    assert utf16_len(emoji_line) == 30
    parts = split_messages([emoji_line] * 10, limit=100)
    assert all(utf16_len(p) <= 100 for p in parts)


def test_csv_report_is_excel_friendly_and_formula_safe() -> None:
    data = report_csv(
        [
            ReportPerson(
                "BRIMOB",
                "belum menjawab",
                "Bripda",
                "Andi",
                "87050123",
                "Polres Sanggau",
                "+6281234",
            ),
            ReportPerson(
                "POH", "tak terjangkau", "Briptu", "=HYPERLINK(1)", "88010234", "X", "0812"
            ),
        ]
    )
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["kategori", "status", "pangkat", "nama"]
    assert rows[1][3] == "Andi"
    assert rows[1][6] == "'+6281234"
    assert rows[2][3] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], NotReadyRequest(None)),
        (["sakit"], NotReadyRequest("sakit")),
        (["Sakit", "demam"], NotReadyRequest("sakit", "demam")),
        (["dinas", "luar"], NotReadyRequest("dinas_luar")),
        (["dinas", "luar", "Jakarta"], NotReadyRequest("dinas_luar", "Jakarta")),
        (["ijin"], NotReadyRequest("izin")),
        (["lainnya", "urusan", "keluarga"], NotReadyRequest("lainnya", "urusan keluarga")),
    ],
)
def test_not_ready_arguments(args: list[str], expected: NotReadyRequest) -> None:
    assert parse_not_ready(args) == expected


def test_unknown_not_ready_reason() -> None:
    assert parse_not_ready(["malas", "saja"]) == Refusal(
        "readiness-unknown-reason", {"value": "malas saja"}
    )


def test_message_keys_are_built_and_read_back_by_one_pair() -> None:
    keys = {
        "ap:12:card": MessageKey(12, MessageKind.CARD),
        "ap:12:p:7": MessageKey(12, MessageKind.PROMPT, 7),
        "ap:12:rem:7:t5": MessageKey(12, MessageKind.REMINDER, 7, "t5"),
        "ap:12:loc:7:3": MessageKey(12, MessageKind.LOCATION, 7, "3"),
        "ap:12:report:csv": MessageKey(12, MessageKind.REPORT, tag="csv"),
    }
    for text, key in keys.items():
        assert str(key) == text
        assert MessageKey.parse(text) == key
    for foreign in ("co:inv:5", "ap:x:card", "ap:12:zz:1", "ap:12:p:x", "ap:12:card:1", "ap"):
        assert MessageKey.parse(foreign) is None
    assert MessageKey.prefix(12, MessageKind.REMINDER) == "ap:12:rem:"


def test_a_scope_is_narrowed_to_the_askers_own_people() -> None:
    brimob = Scope(ScopeKind.CATEGORY, "BRIMOB")
    named = ["Andi (Kompi 1)", "Budi (Kompi 2)", "Citra (Kompi 1)"]

    def kompi_1(person: str) -> bool:
        return "Kompi 1" in person

    narrowed = narrow_scope(brimob, named, kompi_1, is_admin=False, commanded=["Kompi 1"])
    assert narrowed == (["Andi (Kompi 1)", "Citra (Kompi 1)"], True)
    whole = narrow_scope(brimob, named, lambda _: True, is_admin=True, commanded=[])
    assert whole == (named, False)
    assert narrow_scope(brimob, [], kompi_1, is_admin=False, commanded=["Kompi 1"]) == Refusal(
        "apel-scope-empty", {"value": "BRIMOB"}
    )
    assert narrow_scope(
        brimob, named, lambda _: False, is_admin=False, commanded=["POH", "Kompi 3"]
    ) == Refusal("apel-scope-forbidden", {"value": "BRIMOB", "scope": "POH, Kompi 3"})


def test_everyone_is_everyone_the_asker_commands() -> None:
    everyone = Scope(ScopeKind.ALL)
    mine = ["Andi", "Budi"]
    assert narrow_scope(everyone, mine, lambda _: True, is_admin=False, commanded=["BRIMOB"]) == (
        mine,
        False,
    )
    assert narrow_scope(everyone, [], lambda _: True, is_admin=True, commanded=[]) == ([], False)
    assert narrow_scope(everyone, [], lambda _: False, is_admin=False, commanded=[]) == Refusal(
        "apel-no-scope"
    )
