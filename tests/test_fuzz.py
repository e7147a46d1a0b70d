"""Fuzzing: every command parser and the callback-data decoder, then the real bot.

Part 1 feeds each pure parser in `bot/domain/` (and the export arguments in
`bot/reports/exports.py`) 10,000 generated inputs: a mix of the words a commander would type
(category codes, units, numbers, options) and arbitrary Unicode (other scripts' digits, emoji,
control characters, very long words). No exception may escape; the result is a parsed value or
the parser's typed error, and what is parsed obeys the parser's own limits.

Part 2 sends a few hundred random texts, commands and forged button data from linked and
unlinked people through the fake Bot API: each one is answered (a message or a callback
answer), the error handler's apology never appears, and `/bantuan` still works afterwards.

The examples are derandomized (fixed seeds) and no example database is written, so a run is
the same on every machine.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import COMMANDS
from bot.domain import apel, callback_data, callout, readiness, reasons, roles, roster, status
from bot.domain.phone import mask_phone, normalize_phone
from bot.domain.refusal import Refusal
from bot.rehearsal.fake_telegram import SENDING_METHODS, FakeTelegram, SimGroup, SimUser
from bot.reports.exports import ExportKind, ExportRequest, parse_export_args
from storage import personnel
from storage import readiness as readiness_store
from storage.db import Database
from tests.harness import BotHarness, Member
from tests.test_authorization_matrix import ANDI, BUDI, KOMANDAN

FUZZ = settings(
    max_examples=10_000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CATEGORIES = ("POH", "POLWAN", "SAMAPTA", "BRIMOB", "OMB", "LIONG", "YANMAS")
UNITS = ("Polres Sanggau", "Polresta Pontianak", "Sat Brimob", "Kompi 1", "Ditsamapta")
WIB = ZoneInfo("Asia/Pontianak")

# Words people type, and the words that have broken parsers elsewhere: other scripts' digits
# (`isdigit()` is true for "²" but `int("²")` fails), numbers past SQLite's INTEGER, signs.
WORDS = (
    *CATEGORIES,
    *(c.lower() for c in CATEGORIES),
    "Polres",
    "Sanggau",
    "Polresta",
    "Pontianak",
    "Sat",
    "Brimob",
    "Kompi",
    "1",
    "semua",
    "all",
    "SEMUA",
    "0",
    "1",
    "5",
    "30",
    "30m",
    "45menit",
    "1440",
    "1441",
    "-5",
    "+3",
    "007",
    "99999",
    "100000",
    "100001",
    "999999999",
    "9999999999",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999999",
    "²",
    "³3",
    "٣٠",
    "१२",
    "\uff11\uff12",  # fullwidth digits
    "3.5",
    "1,000",
    "latihan",
    "drill",
    "LATIHAN",
    "sprin:",
    "sprin:Sprin/45/II/2024",
    "ref:X",
    "batas:",
    "batas:10",
    "batas:0",
    "batas:61",
    "timeout:5m",
    "batas:²",
    "Kantor",
    "KPU",
    "Kalbar,",
    "komandan",
    "commander",
    "admin",
    "Admin",
    "87050123",
    "8705012",
    "870501234567890123",
    "sakit",
    "izin",
    "ijin",
    "cuti",
    "dinas",
    "luar",
    "dinas_luar",
    "dl",
    "lainnya",
    "lain",
    "demam",
    "18:00-23:59",
    "00:00-06:00",
    "24:00",
    "18.00-06.00",
    "23:59-00:00",
    "25:00-26:00",
    "12:60-13:00",
    "0:00-24:00",
    "12:00–13:00",  # noqa: RUF001 - an en dash is what phones type
    "personel",
    "roster",
    "apel",
    "pengerahan",
    "belum-apel",
    "belum-pengerahan",
    "audit",
    "log",
    "xlsx",
    "csv",
    "XLSX",
    "#12",
    "#",
    "##5",
    "2024-02-01",
    "2024-02-14",
    "01-02-2024",
    "14/02/2024",
    "31.12.9999",
    "9999-12-31",
    "0001-01-01",
    "01-01-0001",
    "2024-02-30",
    "s.d.",
    "sampai",
    "to",
    ",",
    ";",
    "",
    " ",
    "\u00a0",
    "\t",
    "\n",
    "\u200b",
    "🚓",
    "<b>",
    "&amp;",
    "'; DROP TABLE personnel; --",
    "x" * 300,
)


def vocabulary_text(
    vocabulary: tuple[str, ...], plain: str, max_size: int
) -> st.SearchStrategy[str]:
    """Text mixing whole words of `vocabulary` with single characters of `plain`.

    Each word stands in the alphabet as one private-use character, so hypothesis draws the
    whole text as one string: about five times cheaper than a list of words, which is what
    makes 10,000 examples per parser fit in seconds.
    """
    tokens = {chr(0xF0000 + i): w for i, w in enumerate(vocabulary)}
    alphabet = "".join(tokens) + plain
    return st.text(alphabet, max_size=max_size).map(
        lambda drawn: "".join(tokens.get(ch, ch) for ch in drawn)
    )


# Separators and characters that trip parsers: spaces of several kinds, signs, other scripts'
# digits, zero-width and direction marks, a lone surrogate, markup.
ODD_CHARS = " \u00a0\u2009\t\n:;,.-+#/²٣१\uff11\u200b\u200f\u0301\ud800<&'\"🚓aZ09"
# The words, each followed by a space half of the time (a token glued to the next one is
# just another input).
phrase = vocabulary_text(tuple(w + " " for w in WORDS) + WORDS, ODD_CHARS, 16)
# How real commands begin, so that the rest of the draw lands in the deeper branches (quotas,
# options, locations, scopes, date ranges) instead of failing on the first word.
HEADS = (
    "",
    "",
    "BRIMOB ",
    "BRIMOB 30 ",
    "POH 5 BRIMOB 10 ",
    "brimob 2 latihan ",
    "BRIMOB 3 Kantor KPU ",
    "87050123 komandan ",
    "87050123 admin ",
    "87050123 ",
    "apel ",
    "pengerahan #",
    "belum-pengerahan ",
    "audit ",
    "audit 2024-02-01 ",
    "sakit ",
    "dinas luar ",
    "lainnya ",
    "semua ",
    "semua 30 ",
    "Polres Sanggau ",
    "18:00-23:59 ",
    "00:00-06:00,",
    "BRIMOB POH, ",
    "personel ",
    "personel xlsx",
    "apel 5 ",
    "2024-02-01 ",
    "01-02-2024 sampai ",
    "87050123 komandan BRIMOB",
    "87050123 komandan Polres ",
)
known_categories = st.sampled_from(
    (CATEGORIES, (), ("BRIMOB",), ("POH", "BRIMOB", "SAMAPTA"), ("brimob", "Poh"))
)


def check_role_orders(arguments: list[str], known: tuple[str, ...]) -> None:
    parsed = roles.parse_appointment(arguments, known, UNITS)
    assert isinstance(parsed, roles.Appointment | Refusal)
    if isinstance(parsed, roles.Appointment):
        assert parsed.nrp.isascii()
        assert parsed.nrp.isdigit()
        assert parsed.role in ("komandan", "admin")
        assert parsed.scope_kind in (None, "unit", "category")
        if parsed.scope_kind == "category":
            assert parsed.scope_value in {c.upper() for c in known}
        if parsed.scope_kind == "unit":
            assert parsed.scope_value in UNITS
    nrp = roles.parse_nrp(arguments)
    assert isinstance(nrp, str | Refusal)
    if isinstance(nrp, str):
        assert nrp.isascii()
        assert nrp.isdigit()


def check_apel_args(arguments: list[str], known: tuple[str, ...], default: int) -> None:
    """`/apel` and `/cekkesiapan` share this parser."""
    parsed = apel.parse_apel_args(arguments, known, UNITS, default)
    assert isinstance(parsed, apel.ApelRequest | Refusal)
    if isinstance(parsed, Refusal):
        assert parsed.key.startswith("apel-")
        return
    assert 1 <= parsed.minutes <= apel.MAX_MINUTES
    assert parsed.title is None or 0 < len(parsed.title) <= apel.TITLE_MAX
    if parsed.scope is not None and parsed.scope.kind is apel.ScopeKind.CATEGORY:
        assert parsed.scope.value in known
    if parsed.scope is not None and parsed.scope.kind is apel.ScopeKind.UNIT:
        assert parsed.scope.value in UNITS


def check_mobilize_order(text: str, known: tuple[str, ...]) -> None:
    parsed = callout.parse_order(text, known)
    assert isinstance(parsed, callout.Order | Refusal)
    if isinstance(parsed, callout.Order):
        assert parsed.lines
        assert len({line.category for line in parsed.lines}) == len(parsed.lines)
        for line in parsed.lines:
            assert line.category in known
            assert 1 <= line.quota <= callout.MAX_QUOTA
        assert 0 < len(parsed.location) <= callout.MAX_LOCATION_CHARS
        assert parsed.ref is None or 0 < len(parsed.ref) <= callout.MAX_REF_CHARS
        assert parsed.timeout_minutes is None or (
            callout.MIN_TIMEOUT_MINUTES <= parsed.timeout_minutes <= callout.MAX_TIMEOUT_MINUTES
        )
        # A draft keeps the order as JSON: it must come back the same.
        assert callout.order_from_json(callout.order_to_json(parsed)) == parsed
    # The guided path: a location typed on its own, a quota typed on its own.
    location = callout.validate_location(text)
    assert isinstance(location, str | Refusal)
    if isinstance(location, str):
        assert 0 < len(location) <= callout.MAX_LOCATION_CHARS
    quota = callout.parse_quota(text.strip())
    assert isinstance(quota, int | Refusal)
    if isinstance(quota, int):
        assert 1 <= quota <= callout.MAX_QUOTA


def check_not_ready(arguments: list[str]) -> None:
    parsed = readiness.parse_not_ready(arguments)
    assert isinstance(parsed, readiness.NotReadyRequest | Refusal)
    if isinstance(parsed, readiness.NotReadyRequest):
        assert parsed.reason is None or parsed.reason in reasons.REASONS
        assert parsed.reason_text is None or 0 < len(parsed.reason_text) <= 200


def check_jam_rawan_windows(text: str) -> None:
    try:
        windows = status.parse_windows(text)
    except status.WindowError:
        # The typed error of this parser: the handler shows its fragment.
        assert status.safe_windows(text) == ()
        return
    for window in windows:
        assert 0 <= window.start < status.MINUTES_PER_DAY
        assert 0 <= window.end < status.MINUTES_PER_DAY
        assert window.start != window.end
    # What the bot shows is what it would read back.
    assert status.parse_windows(status.format_windows(windows)) == windows
    assert status.parse_windows(status.format_windows(windows, ":")) == windows
    now = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)
    status.is_jam_rawan(now.astimezone(WIB), windows)
    change = status.next_window_change(now, WIB, windows)
    assert change is None or change > now


def check_status_scope(text: str, known: tuple[str, ...]) -> None:
    """`/status`, `/laporan` and `/posko` scopes."""
    parsed = status.parse_scope(text, known, UNITS)
    assert isinstance(parsed, status.StatusScope | Refusal)
    if isinstance(parsed, status.StatusScope):
        assert parsed.categories <= set(known)
        assert parsed.units <= set(UNITS)
        assert not parsed.everything
        assert parsed.within(status.StatusScope.whole())
    else:
        assert parsed.key == "posko-scope-unknown"


def check_export_args(arguments: list[str]) -> None:
    parsed = parse_export_args(arguments)
    assert isinstance(parsed, tuple | Refusal)
    if isinstance(parsed, Refusal):
        assert parsed.key.startswith("eks-")
        return
    request, fmt = parsed
    assert isinstance(request, ExportRequest)
    assert fmt in (None, "xlsx", "csv")
    if request.kind.needs_id:
        # The id goes into SQL: it must be a number SQLite can hold.
        assert request.ref_id is not None
        assert 0 <= request.ref_id < 2**63
    if request.kind is ExportKind.AUDIT:
        assert request.dates is not None
        # The export turns the range into UTC bounds: that must not overflow.
        start, end = request.dates.bounds(WIB)
        assert start <= end


def check_date_range(text: str) -> None:
    parsed = status.parse_date_range(text)
    assert isinstance(parsed, status.DateRange | Refusal)
    if isinstance(parsed, status.DateRange):
        assert parsed.first <= parsed.last
        start, end = parsed.bounds(WIB)
        assert start <= end


def check_phone(raw: str) -> None:
    phone = normalize_phone(raw)
    if phone is None:
        return
    assert re.fullmatch(r"\+[1-9][0-9]{7,14}", phone), phone
    # The result is a fixed point: every spelling of one number comes out identical.
    assert normalize_phone(phone) == phone
    assert phone not in mask_phone(phone)


PHONE_CHARS = "0123456789+ -.()/\u00a0٣²x"


@FUZZ
@given(
    st.sampled_from(HEADS),
    phrase,
    st.text(max_size=12),
    known_categories,
    st.integers(1, apel.MAX_MINUTES),
    st.text(PHONE_CHARS, max_size=24),
)
def test_command_parsers(
    head: str,
    words: str,
    anything: str,
    known: tuple[str, ...],
    default_minutes: int,
    phone: str,
) -> None:
    """Role orders, /apel and /cekkesiapan, /mobilize, /tidaksiap, /jamrawan windows,
    /status, /laporan and /posko scopes, /ekspor, phone numbers: 10,000 examples each.

    One draw feeds every parser: as the text typed after a command, and as PTB's
    `context.args` (that text split on whitespace).
    """
    text = head + words + anything
    arguments = text.split()
    check_role_orders(arguments, known)
    check_apel_args(arguments, known, default_minutes)
    check_mobilize_order(text, known)
    check_not_ready(arguments)
    check_jam_rawan_windows(text)
    check_status_scope(text, known)
    check_export_args(arguments)
    check_date_range(text)
    check_phone(text)
    check_phone(phone)


# -- roster rows and files --------------------------------------------------------------------

HEADER = ["nrp", "nama", "pangkat", "kategori", "satuan", "telepon", "peran"]
CELLS = (
    "87050123",
    "870501234567890123",
    "8705012x",
    "8705 0123",
    "Andi Saputra",
    "Bripda",
    "BRIPKA",
    "Brigadir Polisi Kepala",
    "Kombes Pol",
    "PNS",
    "Jenderal",
    "BRIMOB",
    "brimob",
    "XYZ",
    "Polres Sanggau",
    "081234567801",
    "+62 812-3456-7801",
    "6281234567801",
    "81234567801",
    "0561-123456",
    "+1 202 555 0100",
    "komandan",
    "Commander",
    "anggota",
    "raja",
    "nrp",
    "NIP",
    "telp",
    "",
    " ",
)
DELIMITERS = (",", ";", "\t")
# A file body: cells, the three delimiters, line breaks, quotes and odd characters.
csv_body = vocabulary_text(CELLS, ',;\t\n\n"\r x9²\u00a0', 40)
FILE_SHAPES = ("csv", "noise", "noise+csv", "zip")


@FUZZ
@given(
    csv_body,
    st.booleans(),
    st.sampled_from(DELIMITERS),
    st.sampled_from(FILE_SHAPES),
    st.binary(max_size=48),
)
def test_roster_rows_and_files(
    body: str, with_header: bool, delimiter: str, shape: str, noise: bytes
) -> None:
    """Roster row validation (`validate_table`), the file reader (CSV with a sniffed
    delimiter and any encoding, or a workbook), and the categories file, on the same rows."""
    lines = ([delimiter.join(HEADER)] if with_header else []) + body.split("\n")
    table = [(i + 1, line.split(delimiter)) for i, line in enumerate(lines)]
    result = roster.validate_table(table, CATEGORIES)
    assert isinstance(result, roster.RosterParseResult)
    for error in result.errors:
        assert error.reason_key in roster.ROSTER_REASONS
    for row in result.rows:
        assert roster.nrp_problem(row.nrp) is None
        assert row.rank in (*roster.POLICE_RANKS, "PNS")
        assert row.category in CATEGORIES
        assert row.role in roster.ROLES
        assert normalize_phone(row.phone) == row.phone
        assert row.name
        assert row.unit
        # A valid row passes the stricter check that rows built in code go through.
        assert roster.canonical_row(row).nrp == row.nrp
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    blob = {
        "csv": data,
        "noise": noise,
        "noise+csv": noise + data,
        "zip": b"PK\x03\x04" + noise,  # read as a workbook
    }[shape]
    parsed = roster.parse_roster(blob, CATEGORIES)
    assert all(e.reason_key in roster.ROSTER_REASONS for e in parsed.errors)
    categories_file = roster.parse_categories(blob)
    for error in categories_file.errors:
        assert error.reason_key in (*roster.ROSTER_REASONS, *roster.CATEGORY_REASONS)


# -- callback data ---------------------------------------------------------------------------

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."
PIECES = ("v1", "v2", "co", "ap", "rd", "sts", "ok", "names", "12", "9" * 19, "9" * 32, "x" * 33)
# Data shaped like ours: namespaces, versions, ids and lengths around the limits, colons.
shaped = vocabulary_text(PIECES, ALPHABET + "::::ü²", 24)


@FUZZ
@given(shaped, st.text(max_size=66) | st.none())
def test_callback_data(data: str, raw: str | None) -> None:
    """The decoder on data shaped like ours and on anything at all; the encoder on the same
    parts: what it builds decodes to what went in, and whatever decodes encodes back."""
    for candidate in (data, raw):
        decoded = callback_data.decode(candidate)
        if decoded is None:
            continue
        assert isinstance(decoded, callback_data.CallbackData)
        assert callback_data.encode(decoded.namespace, decoded.action, *decoded.args) == candidate
        for index in range(len(decoded.args) + 1):
            value = decoded.int_arg(index)
            # Ids go into SQL: anything past SQLite's INTEGER is no id.
            assert value is None or 0 <= value < 2**63
    parts = data.split(":")
    if len(parts) < 2:
        return
    try:
        built = callback_data.encode(parts[0], parts[1], *parts[2:])
    except ValueError:
        return
    assert len(built.encode()) <= callback_data.MAX_BYTES
    assert callback_data.decode(built) == callback_data.CallbackData(
        parts[0], parts[1], tuple(parts[2:])
    )


def test_the_dates_that_broke_the_audit_export() -> None:
    for text in ("9999-12-31", "0001-01-01", "01-01-0001 31-12-9999"):
        parsed = status.parse_date_range(text)
        if isinstance(parsed, status.DateRange):
            parsed.bounds(WIB)
    one_day = status.parse_date_range("2024-02-01")
    assert one_day == status.DateRange(date(2024, 2, 1), date(2024, 2, 1))


# -- part 2: the real bot ---------------------------------------------------------------------

ADMIN_ID = 900001
BOT = "siaga_test_bot"
CITRA = Member(
    "89020345",
    "Citra Lestari",
    "Bripda",
    "POH",
    "Polresta Pontianak",
    "081234567803",
    user_id=1003,
)
DEDI = Member("90030456", "Dedi Kurniawan", "Bripda", "POH", "Polresta Pontianak", "081234567804")
LINKED = (KOMANDAN, ANDI, BUDI, CITRA)
STRANGER_ID = 3001  # never seen before
UNLINKED_ID = 3002  # shared a contact that matched nobody: the bot waits for an NRP
GROUP_ID = -100500
E2E_INPUTS = 300
QUIET = {
    "rate_overall_per_s": 1000.0,
    "rate_private_per_s": 1000.0,
    "private_burst": 1000,
    "rate_group_per_min": 60000.0,
    "group_burst": 1000,
    "edit_interval_s": 0.0,
    "unreachable_notice_delay_s": 0.0,
    # This test is about parsing, not flooding (tests/test_abuse.py is).
    "flood_updates": 100_000,
}
# Inputs that found bugs (or nearly did): other scripts' digits, ids past SQLite's INTEGER,
# dates at the ends of the calendar.
NASTY_COMMANDS = (
    "/pengerahan ²",
    "/pengerahan #99999999999999999999",
    "/pengerahan 9223372036854775808",
    "/ekspor apel ²",
    "/ekspor pengerahan 99999999999999999999999",
    "/ekspor audit 9999-12-31",
    "/ekspor audit 01-01-0001 31-12-9999",
    "/apel BRIMOB ٣٠",
    "/apel BRIMOB 999999",
    "/mobilize BRIMOB ² Kantor",
    "/mobilize BRIMOB 1 batas:² Kantor",
    "/copot ²",
    "/angkat ² komandan",
    "/status Polres ²",
    "/jamrawan 24:00-25:00",
    "/tidaksiap lainnya " + "x" * 300,
)
NASTY_TAPS = (
    "co:v1:ok:99999999999999999999",
    "co:v1:send:9223372036854775808",
    "ap:v1:y:99999999999999999999:p",
    "ap:v1:cls:9223372036854775807",
    "sts:v1:names:99999999999999999999999",
    "sts:v1:names:1-2",
    "posko:v1:stop:99999999999999999999",
    "ex:v1:i:a:99999999999999999999",
    "ex:v1:go:c:xlsx:99999999999999999999",
    "ex:v1:d:99999999",
    "reg:v1:ok:99999999999999999999",
    "rd:v1:u:99999999999999999999",
)
NAMESPACES = ("ap", "co", "rd", "reg", "lang", "posko", "jr", "sts", "ex", "zz")
ACTIONS = (
    "y", "n", "r", "b", "rem", "ext", "cls", "ds", "dx", "dgo", "dm", "dpt", "dti", "drad",
    "ok", "no", "send", "drop", "cat", "n", "more", "why", "pok", "pno", "end", "stop", "keep",
    "wide", "short", "siap", "tidak", "u", "back", "set", "new", "pin", "chart0", "chart1",
    "on", "off", "names", "k", "go", "i", "d", "t", "x",
)  # fmt: skip
ARGS = ("1", "2", "3", "0", "p", "id", "en", "sakit", "today", "30", "xlsx", "a", "c", "au",
        "-100500", "9" * 19, "9" * 32, "1-2", "..")  # fmt: skip


def command_names() -> list[str]:
    names = {spec.name for spec in COMMANDS} | {a for spec in COMMANDS for a in spec.aliases}
    return sorted(names | {"foo", "START", "Bantuan", "apel_", "x" * 40})


def random_text(rng: random.Random, max_words: int = 6) -> str:
    words = []
    for _ in range(rng.randint(0, max_words)):
        kind = rng.random()
        if kind < 0.7:
            words.append(rng.choice(WORDS))
        else:
            # Any character Telegram can carry: every plane but the surrogates.
            words.append(
                "".join(
                    chr(rng.choice((rng.randint(0x20, 0xD7FF), rng.randint(0xE000, 0x2FFFF))))
                    for _ in range(rng.randint(1, 8))
                )
            )
    return " ".join(words)


def random_callback_data(rng: random.Random) -> str:
    if rng.random() < 0.8:
        parts = [rng.choice(NAMESPACES), "v1", rng.choice(ACTIONS)]
        parts += [rng.choice(ARGS) for _ in range(rng.randint(0, 3))]
        data = ":".join(parts)
    else:
        data = random_text(rng, 3) or "x"
    # Telegram carries 1 to 64 bytes.
    return data.encode()[:64].decode(errors="ignore") or "x"


async def seed_and_link(
    harness: BotHarness, members: tuple[Member, ...], linked: tuple[Member, ...]
) -> None:
    """Roster, accounts linked and readiness confirmed straight in the database (the contact
    handshake has its own tests), and the commander's scope: the BRIMOB category."""
    await harness.seed(list(members))
    db = await Database.open(harness.db_path)
    now = harness.clock.now()
    try:
        async with db.transaction() as tx:
            for member in linked:
                person = await personnel.by_nrp(tx, member.nrp)
                assert person is not None
                await personnel.link(tx, person.id, member.user_id, now)
                await readiness_store.set_ready(tx, person.id, now, source="test")
                if member.role == "komandan":
                    await personnel.clear_scopes(tx, person.id)
                    await personnel.add_scope(tx, person.id, "category", member.category)
    finally:
        await db.close()


class Exchange:
    """One input and whether the bot answered it: a message in that chat, or the tap's answer."""

    def __init__(self, fake: FakeTelegram, chat_id: int, what: str) -> None:
        self.fake = fake
        self.chat_id = chat_id
        self.what = what
        self.mark = len(fake.requests)
        self.callback_id: str | None = None

    def answered(self) -> bool:
        if self.callback_id is not None:
            return self.fake.callback_answer(self.callback_id) is not None
        return any(
            r.ok
            and r.method.lower() in SENDING_METHODS
            and str(r.params.get("chat_id")) == str(self.chat_id)
            for r in self.fake.requests[self.mark :]
        )


async def fuzz_one(
    bot: BotHarness, rng: random.Random, user: SimUser, group: SimGroup | None
) -> Exchange:
    fake = bot.fake
    chat_id = user.id if group is None else group.id
    roll = rng.random()
    if roll < 0.45 or (group is not None and roll < 0.8):
        name = rng.choice(command_names())
        # In a group only commands aimed at this bot are for it (privacy mode).
        target = f"@{BOT}" if group is not None else rng.choice(("", "", f"@{BOT}"))
        head = rng.choice(HEADS) if rng.random() < 0.5 else ""
        text = f"/{name}{target} {head}{random_text(rng, 4)}".strip()
        exchange = Exchange(fake, chat_id, text)
        await user.send(text, chat=group)
    elif roll < 0.8:
        text = random_text(rng) or "?"
        exchange = Exchange(fake, chat_id, text)
        await user.send(text)
    elif roll < 0.85 and group is None:
        phone = rng.choice(("089999999999", "+1 202 555 0100", "12", random_text(rng, 1) or "0"))
        exchange = Exchange(fake, chat_id, f"contact {phone!r}")
        await user.share_contact(phone=phone, user_id=rng.choice((user.id, user.id, 42)))
    elif roll < 0.9 and group is None:
        where = (rng.uniform(-90, 90), rng.uniform(-180, 180))
        exchange = Exchange(fake, chat_id, f"location {where}")
        await user.share_location(*where, forwarded=rng.random() < 0.2)
    else:
        data = random_callback_data(rng)
        exchange = Exchange(fake, chat_id, f"tap {data!r}")
        messages = fake.sent_to(chat_id)
        message = rng.choice(messages[-5:])
        exchange.callback_id = await user.press_data(data, message=message, chat=group)
    return exchange


async def test_random_input_through_the_real_bot_is_always_answered(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await seed_and_link(harness, (*LINKED, DEDI), LINKED)
    bot = harness
    await bot.start(admin_ids=[ADMIN_ID], **QUIET)
    fake = bot.fake
    group = fake.group(GROUP_ID, "Posko Polda")
    people = [fake.user(m.user_id, first_name=m.name.split()[0]) for m in LINKED]
    people += [fake.user(ADMIN_ID, "Admin"), fake.user(STRANGER_ID, "Orang")]
    unlinked = fake.user(UNLINKED_ID, "Belum")
    await unlinked.share_contact(phone="089999999999")
    await fake.wait_for_message(UNLINKED_ID, "tidak ditemukan")
    people.append(unlinked)
    # Every chat has a bot message for forged taps to point at.
    for person in people:
        await person.send("/bantuan")
        await fake.wait_for_message(person.id, "/bantuan")
        await person.send(f"/bantuan@{BOT}", chat=group)
    await fake.wait_idle()

    unanswered: list[str] = []

    async def expect_answer(exchange: Exchange, user: SimUser) -> None:
        try:
            await fake.wait_for(exchange.answered, timeout=10, what=exchange.what)
        except AssertionError:
            unanswered.append(f"user {user.id} in {exchange.chat_id}: {exchange.what}")
        await fake.wait_idle(quiet=0.01)

    # First the inputs that once broke something, from the people allowed to go deepest.
    for user_id in (KOMANDAN.user_id, ADMIN_ID):
        user = fake.user(user_id)
        for text in NASTY_COMMANDS:
            exchange = Exchange(fake, user_id, text)
            await user.send(text)
            await expect_answer(exchange, user)
        for data in NASTY_TAPS:
            exchange = Exchange(fake, user_id, f"tap {data!r}")
            exchange.callback_id = await user.press_data(data)
            await expect_answer(exchange, user)

    rng = random.Random(20240214)
    for _ in range(E2E_INPUTS):
        user = rng.choice(people)
        in_group = rng.random() < 0.2
        exchange = await fuzz_one(bot, rng, user, group if in_group else None)
        await expect_answer(exchange, user)
    assert unanswered == [], "\n".join(unanswered)

    apologies = [bot.services.catalog.text(lang, "error-apology") for lang in ("id", "en")]
    short = [bot.services.catalog.text(lang, "error-apology-short") for lang in ("id", "en")]
    for chat in [p.id for p in people] + [GROUP_ID]:
        for message in fake.history(chat):
            assert not any(a in (message.text or "") for a in apologies), message.text
    for record in fake.callback_queries.values():
        assert (record.answer or {}).get("text") not in short
    failures = [r for r in caplog.records if r.name == "siaga.errors"]
    assert failures == [], failures[0].getMessage()
    assert fake.unanswered_callback_queries() == []

    # And the bot still answers.
    for person in people:
        await person.send("/bantuan")
        await fake.wait_for_message(person.id, "/", new_only=True)
