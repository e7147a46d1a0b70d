"""Pure status rules: jam rawan windows, slots, staleness, counts, the table and the laporan."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.readiness import Readiness, State
from bot.domain.reasons import REASONS
from bot.domain.refusal import Refusal
from bot.domain.status import (
    CHAIN_WIDTH,
    PHONE_WIDTH,
    SHORTFALL_KINDS,
    CategoryCounts,
    JamRawanValues,
    PersonState,
    ReportLabels,
    StatusScope,
    TableLabels,
    Window,
    WindowError,
    chain_lines,
    count_by_category,
    count_by_category_and_unit,
    fit_lines,
    format_windows,
    is_jam_rawan,
    next_window_change,
    next_window_start,
    parse_scope,
    parse_windows,
    plan_broadcast,
    reason_totals,
    report_block,
    slot_key,
    slot_start,
    split_chunks,
    stale_after,
    status_table,
    strength_report,
    total_counts,
)
from bot.rehearsal.demo_roster import DEFAULT_CATEGORIES

WIB = ZoneInfo("Asia/Pontianak")
# The founding case's seven categories and their target strengths.
SEED = list(DEFAULT_CATEGORIES)
ORDER = [code for code, _ in SEED]
NOW = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)  # 20.00 WIB


def wib(hour: int, minute: int = 0, day: int = 14) -> datetime:
    return datetime(2024, 2, day, hour, minute, tzinfo=WIB)


# -- jam rawan windows ---------------------------------------------------------------------


def test_windows_parse_with_colon_or_dot_and_midnight_crossing() -> None:
    windows = parse_windows("18:00-23:59,00:00-06:00")
    assert windows == (Window(18 * 60, 0), Window(0, 6 * 60))
    assert parse_windows("18.00-06.00") == (Window(18 * 60, 6 * 60),)
    assert parse_windows(" 08:00-10:00 ; 12:00-13:30 ") == (
        Window(8 * 60, 10 * 60),
        Window(12 * 60, 13 * 60 + 30),
    )
    assert parse_windows("") == ()
    assert parse_windows("22:00-24:00") == (Window(22 * 60, 0),)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("18-23", "18-23"),
        ("18:00", "18:00"),
        ("25:00-06:00", "25:00-06:00"),
        ("18:00-18:00", "18:00-18:00"),
        ("18:00-23:59,00:00-6", "00:00-6"),
        ("18:60-20:00", "18:60-20:00"),
        ("00:00-24:00", "00:00-24:00"),
        ("malam", "malam"),
    ],
)
def test_malformed_windows_name_the_bad_fragment(text: str, fragment: str) -> None:
    with pytest.raises(WindowError) as caught:
        parse_windows(text)
    assert caught.value.fragment == fragment


def test_is_jam_rawan_inside_and_outside() -> None:
    windows = parse_windows("18:00-23:59,00:00-06:00")
    assert is_jam_rawan(wib(20), windows)
    assert is_jam_rawan(time(23, 59), windows)
    assert is_jam_rawan(time(0, 0), windows)
    assert is_jam_rawan(time(5, 59), windows)
    assert not is_jam_rawan(time(6, 0), windows)
    assert not is_jam_rawan(time(17, 59), windows)
    assert not is_jam_rawan(wib(12), ())
    crossing = parse_windows("22:00-02:00")
    assert is_jam_rawan(time(1, 0), crossing)
    assert not is_jam_rawan(time(2, 0), crossing)


def test_format_windows_writes_midnight_as_24() -> None:
    assert format_windows(parse_windows("18:00-23:59,00:00-06:00")) == (
        "18.00–24.00, 00.00–06.00"  # noqa: RUF001
    )
    assert format_windows(parse_windows("08:00-10:30"), ":") == "08:00–10:30"  # noqa: RUF001


def test_next_window_change() -> None:
    windows = parse_windows("18:00-23:59,00:00-06:00")
    # 12.00 WIB: jam rawan starts at 18.00.
    assert next_window_change(wib(12).astimezone(UTC), WIB, windows) == wib(18).astimezone(UTC)
    # 20.00 WIB: the two windows join over midnight, so the next change is 06.00.
    assert next_window_change(wib(20), WIB, windows) == wib(6, day=15).astimezone(UTC)
    assert next_window_change(wib(20), WIB, ()) is None


def test_next_window_start_is_where_jam_rawan_begins() -> None:
    windows = parse_windows("18:00-23:59,00:00-06:00")
    # 12.00 WIB: the evening window opens at 18.00 today.
    assert next_window_start(wib(12), WIB, windows) == wib(18).astimezone(UTC)
    # At 18.00 itself, and later that night: tomorrow's 18.00. The 00.00 window continues
    # the evening one, so midnight is no new beginning.
    assert next_window_start(wib(18), WIB, windows) == wib(18, day=15).astimezone(UTC)
    assert next_window_start(wib(23, 59), WIB, windows) == wib(18, day=15).astimezone(UTC)
    assert next_window_start(wib(3), WIB, windows) == wib(18).astimezone(UTC)
    two = parse_windows("03:00-05:00,12:00-13:00")
    assert next_window_start(wib(4), WIB, two) == wib(12).astimezone(UTC)
    assert next_window_start(wib(12, 30), WIB, two) == wib(3, day=15).astimezone(UTC)
    # Windows that cover the whole day between them never begin; no windows, neither.
    assert next_window_start(wib(12), WIB, parse_windows("00:00-12:00,12:00-24:00")) is None
    assert next_window_start(wib(12), WIB, ()) is None


# -- staleness -----------------------------------------------------------------------------


def test_stale_after_is_shorter_in_jam_rawan() -> None:
    values = JamRawanValues(12.0, 4.0, "18:00-23:59,00:00-06:00", "Asia/Pontianak")
    assert stale_after(values, wib(12).astimezone(UTC), False) == timedelta(hours=12)
    assert stale_after(values, wib(20).astimezone(UTC), False) == timedelta(hours=4)
    assert stale_after(values, wib(12).astimezone(UTC), True) == timedelta(hours=4)
    # A jam rawan setting longer than the normal one never lengthens staleness.
    odd = JamRawanValues(2.0, 4.0, "", "Asia/Pontianak")
    assert stale_after(odd, NOW, True) == timedelta(hours=2)
    # A malformed configured window counts as none rather than crashing the readiness code.
    broken = JamRawanValues(12.0, 4.0, "malam", "Asia/Pontianak")
    assert stale_after(broken, wib(20), False) == timedelta(hours=12)


def test_stale_after_takes_the_settings_object() -> None:
    from bot.config import Settings

    config = Settings(_env_file=None, jam_rawan_windows="18:00-23:59")  # type: ignore[call-arg]
    assert stale_after(config, wib(19), False) == timedelta(hours=config.jam_rawan_stale_hours)


# -- slots and the schedule ----------------------------------------------------------------


def test_slot_start_floors_local_time() -> None:
    hour, quarter = timedelta(minutes=60), timedelta(minutes=15)
    assert slot_start(wib(20, 37), hour, WIB) == wib(20).astimezone(UTC)
    assert slot_start(wib(20, 37), quarter, WIB) == wib(20, 30).astimezone(UTC)
    # 20.00 is one slot whatever the interval: switching jam rawan never sends it twice.
    assert slot_key(-1001, slot_start(wib(20, 5), hour, WIB)) == slot_key(
        -1001, slot_start(wib(20, 5), quarter, WIB)
    )
    # A zone with a half-hour offset still gets local hours.
    india = ZoneInfo("Asia/Kolkata")
    moment = datetime(2024, 2, 14, 14, 50, tzinfo=india)
    assert slot_start(moment, hour, india) == datetime(2024, 2, 14, 14, 0, tzinfo=india)


def test_plan_normal_and_jam_rawan() -> None:
    windows = parse_windows("18:00-23:59,00:00-06:00")
    day = plan_broadcast(wib(12, 10), WIB, windows, False, 60, 15)
    assert not day.jam_rawan
    assert day.slot == wib(12).astimezone(UTC)
    assert day.next_at == wib(13).astimezone(UTC)
    night = plan_broadcast(wib(20, 10), WIB, windows, False, 60, 15)
    assert night.jam_rawan
    assert night.next_at == wib(20, 15).astimezone(UTC)
    manual = plan_broadcast(wib(12, 10), WIB, (), True, 60, 15)
    assert manual.jam_rawan
    assert manual.next_at == wib(12, 15).astimezone(UTC)


def test_plan_wakes_when_a_window_opens_between_slots() -> None:
    windows = parse_windows("17:30-19:00")
    plan = plan_broadcast(wib(17, 0), WIB, windows, False, 60, 15)
    assert plan.next_at == wib(17, 30).astimezone(UTC)
    # Closing at 19.00 lines up with the normal grid again.
    late = plan_broadcast(wib(18, 50), WIB, windows, False, 60, 15)
    assert late.next_at == wib(19).astimezone(UTC)


def test_plan_with_an_interval_that_does_not_divide_the_day_restarts_at_midnight() -> None:
    plan = plan_broadcast(wib(23, 30), WIB, (), False, 7 * 60, 15)
    assert plan.slot == wib(21).astimezone(UTC)
    assert plan.next_at == wib(0, day=15).astimezone(UTC)


# -- scope ---------------------------------------------------------------------------------


def test_parse_scope() -> None:
    units = ["Polres Sanggau", "Polresta Pontianak"]
    assert parse_scope("brimob poh", ORDER, units) == StatusScope(
        frozenset(), frozenset({"BRIMOB", "POH"})
    )
    assert parse_scope("BRIMOB, polres sanggau", ORDER, units) == StatusScope(
        frozenset({"Polres Sanggau"}), frozenset({"BRIMOB"})
    )
    assert parse_scope("", ORDER, units) == StatusScope()
    assert parse_scope("BRIMOP", ORDER, units) == Refusal(
        "posko-scope-unknown", {"value": "BRIMOP"}
    )


def test_scope_within() -> None:
    mine = StatusScope(frozenset({"Polres Sanggau"}), frozenset({"BRIMOB"}))
    assert StatusScope(frozenset(), frozenset({"BRIMOB"})).within(mine)
    assert not StatusScope(frozenset(), frozenset({"POH"})).within(mine)
    assert not StatusScope.whole().within(mine)
    assert mine.within(StatusScope.whole())
    assert mine.covers("Polres Sanggau", "POH")
    assert mine.covers("Polres Landak", "BRIMOB")
    assert not mine.covers("Polres Landak", "POH")


# -- counting and the table ----------------------------------------------------------------


def _ready(person_id: int, at: datetime) -> Readiness:
    return Readiness(person_id, State.SIAP, None, None, None, at, None, None)


def _not_ready(person_id: int, reason: str, until: datetime | None = None) -> Readiness:
    return Readiness(
        person_id, State.TIDAK_SIAP, reason, None, until, NOW - timedelta(hours=1), None, None
    )


def _deployed(person_id: int) -> Readiness:
    return Readiness(person_id, State.BERTUGAS, None, None, None, NOW, 12, NOW)


def test_counts_per_category() -> None:
    people = [
        PersonState("BRIMOB", "Polres Sanggau", True, _ready(1, NOW - timedelta(hours=1))),
        PersonState("BRIMOB", "Polres Sanggau", True, _ready(2, NOW - timedelta(hours=13))),
        PersonState("BRIMOB", "Polres Landak", True, _not_ready(3, "sakit")),
        PersonState("BRIMOB", "Polres Landak", True, _not_ready(4, "izin", NOW)),  # ran out
        PersonState("BRIMOB", "Polres Landak", True, _deployed(5), unreachable=True),
        PersonState("BRIMOB", "Polres Landak", False, None),
        PersonState("POH", "Polres Sanggau", True, _not_ready(7, "cuti")),
    ]
    rows = count_by_category(people, ORDER, NOW, timedelta(hours=12))
    assert [r.code for r in rows] == ["POH", "BRIMOB"]
    brimob = rows[1]
    assert brimob == CategoryCounts(
        "BRIMOB",
        strength=6,
        linked=5,
        siap=1,
        stale=1,
        tidak_siap={"sakit": 1},
        bertugas=1,
        unknown=2,
        unreachable=1,
    )
    total = total_counts(rows)
    assert total.strength == 7
    assert total.tidak_siap == {"sakit": 1, "cuti": 1}
    with_empty = count_by_category(people, ORDER, NOW, timedelta(hours=12), keep_empty=True)
    assert [r.code for r in with_empty] == ORDER

    # The dashboard's one pass gives the same categories, and the same counts per unit.
    both, units = count_by_category_and_unit(people, ORDER, NOW, timedelta(hours=12))
    assert both == rows
    assert [u.code for u in units] == ["Polres Landak", "Polres Sanggau"]
    landak, sanggau = units
    assert (landak.strength, landak.tidak_siap, landak.bertugas, landak.unknown) == (
        4,
        {"sakit": 1},
        1,
        2,
    )
    assert (sanggau.strength, sanggau.siap, sanggau.stale, sanggau.tidak_siap) == (
        3,
        1,
        1,
        {"cuti": 1},
    )


LABELS = TableLabels("Kat", "Kuat", "Siap", "Tdk", "Tgs", "Jumlah")


def test_status_table_for_the_seed_fits_a_phone_and_uses_indonesian_numbers() -> None:
    rows = [
        CategoryCounts(
            code,
            strength=n,
            linked=n - 3,
            siap=n * 8 // 10,
            stale=2,
            tidak_siap={"sakit": 1, "izin": 2, "dinas_luar": 1},
            bertugas=3,
            unknown=n - n * 8 // 10 - 9,
            unreachable=1,
        )
        for code, n in SEED
    ]
    table = status_table(rows, LABELS)
    lines = table.split("\n")
    assert len(lines) == 1 + 7 + 1
    assert lines[0].split() == ["Kat", "Kuat", "Siap", "Tdk", "Tgs"]
    assert lines[-1].split() == ["Jumlah", "3.294", "2.632", "28", "21"]
    assert len({len(line) for line in lines[1:]}) == 1  # right-aligned columns
    assert max(len(line) for line in lines) <= PHONE_WIDTH
    assert reason_totals(rows) == [("sakit", 7), ("izin", 14), ("dinas_luar", 7)]
    assert reason_totals([CategoryCounts("POH", 3)]) == []


def test_the_widest_counts_still_fit_and_long_codes_get_their_own_line() -> None:
    big = CategoryCounts(
        "SAMAPTA", strength=9999, siap=9999, tidak_siap={"sakit": 9999}, bertugas=9999
    )
    lines = status_table([big], LABELS).split("\n")
    assert max(len(line) for line in lines) <= PHONE_WIDTH
    long_code = CategoryCounts("SATBRIMOBDA POLDA", strength=1833, siap=1500, bertugas=300)
    lines = status_table([long_code, big], LABELS).split("\n")
    assert max(len(line) for line in lines) <= PHONE_WIDTH
    assert lines[0] == "Kat"
    assert lines[2] == "SATBRIMOBDA POLDA"
    assert lines[3].split() == ["1.833", "1.500", "0", "300"]


def test_chain_lines_break_before_sixty_characters() -> None:
    items = [f"Sakit {n:,}".replace(",", ".") for n in range(1000, 1012)]
    lines = chain_lines(items)
    assert all(len(line) <= CHAIN_WIDTH for line in lines)
    assert " · ".join(lines) == " · ".join(items)
    assert chain_lines([]) == []
    assert chain_lines(["x" * 70, "y"]) == ["x" * 70, "y"]


def test_fit_lines_keeps_what_fits_and_counts_the_rest() -> None:
    lines = [f"line {i:02d}" for i in range(10)]  # 7 characters each
    kept = fit_lines(lines, 40, lambda n: f"+{n} more")
    assert kept == ["line 00", "line 01", "line 02", "line 03", "+6 more"]
    assert sum(len(x) + 1 for x in kept) <= 40
    assert fit_lines(lines[:2], 40, lambda n: f"+{n}") == lines[:2]


# -- laporan -------------------------------------------------------------------------------

REPORT_LABELS = ReportLabels(
    "Kategori",
    "Jml",
    "Siap",
    "Krg",
    {
        "bertugas": "tugas",
        "sakit": "sakit",
        "izin": "izin",
        "cuti": "cuti",
        "dinas_luar": "DL",
        "lainnya": "lain",
        "stale": "blm konf",
        "unknown": "tanpa ket",
    },
)

_STATES = st.sampled_from(["siap", "stale", "bertugas", "none", *REASONS])


def _person(index: int, category: str, unit: str, state: str) -> PersonState:
    readiness: Readiness | None
    if state == "siap":
        readiness = _ready(index, NOW - timedelta(hours=1))
    elif state == "stale":
        readiness = _ready(index, NOW - timedelta(days=1))
    elif state == "bertugas":
        readiness = _deployed(index)
    elif state == "none":
        readiness = None
    else:
        readiness = _not_ready(index, state)
    return PersonState(category, unit, readiness is not None, readiness)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(ORDER),
            st.sampled_from(["Polres Sanggau", "Polres Landak", "Polresta Pontianak"]),
            _STATES,
        ),
        max_size=80,
    )
)
def test_report_rolls_up_to_the_roster(entries: list[tuple[str, str, str]]) -> None:
    people = [_person(i, c, u, s) for i, (c, u, s) in enumerate(entries)]
    report = strength_report(people, ORDER, NOW, timedelta(hours=12), "Jumlah")
    assert report.total.jumlah == len(people)
    assert report.total.siap == sum(1 for _, _, s in entries if s == "siap")
    assert sum(u.total.jumlah for u in report.units) == len(people)
    assert sum(c.jumlah for c in report.categories) == len(people)
    for unit in report.units:
        assert unit.total.jumlah == sum(r.jumlah for r in unit.rows)
        assert unit.total.siap == sum(r.siap for r in unit.rows)
        for row in [*unit.rows, unit.total]:
            assert row.kurang == sum(row.keterangan.values())
            assert set(row.keterangan) <= set(SHORTFALL_KINDS)
    for code in {c for c, _, _ in entries}:
        in_units = sum(r.jumlah for u in report.units for r in u.rows if r.label == code)
        assert next(c for c in report.categories if c.label == code).jumlah == in_units


def test_report_block_lists_keterangan_below_a_phone_wide_table() -> None:
    people = [
        _person(1, "BRIMOB", "Polres Sanggau", "siap"),
        _person(2, "BRIMOB", "Polres Sanggau", "sakit"),
        _person(3, "BRIMOB", "Polres Sanggau", "bertugas"),
        _person(4, "POH", "Polres Sanggau", "stale"),
    ]
    report = strength_report(people, ORDER, NOW, timedelta(hours=12), "Jumlah")
    assert [r.label for r in report.units[0].rows] == ["POH", "BRIMOB"]
    block = report_block(report.units[0].rows, report.units[0].total, REPORT_LABELS, str)
    lines = block.table.split("\n")
    assert lines[0].split() == ["Kategori", "Jml", "Siap", "Krg"]
    assert lines[2].split() == ["BRIMOB", "3", "1", "2"]
    assert lines[3].startswith("Jumlah")
    assert max(len(line) for line in lines) <= PHONE_WIDTH
    assert block.notes == (
        "POH: blm konf 1",
        "BRIMOB: tugas 1 · sakit 1",
        "Jumlah: tugas 1 · sakit 1 · blm konf 1",
    )


def test_split_chunks_respects_the_limit() -> None:
    blocks = ["a" * 30, "b" * 30, "c\n" * 40]
    chunks = split_chunks(blocks, 64)
    assert all(len(c) <= 64 for c in chunks)
    assert chunks[0] == "a" * 30 + "\n\n" + "b" * 30
    assert "".join(chunks).count("c") == 40
