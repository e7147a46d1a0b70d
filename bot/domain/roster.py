"""Reading and checking a roster file (CSV or Excel) and a categories file; pure, no database.

An admin's spreadsheet is the input: headers in Indonesian or English, `;` or `,`, with or
without a BOM, a title row above the headers, numbers Excel turned into floats. Every row
is checked and every problem collected with its line, so one round of corrections fixes the
whole file. Problems are machine keys (`nrp-not-digits`); the words live in
`locales/*/roster.ftl` as `roster-error-<key>`.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from bot.domain.phone import normalize_phone

ROLES = ("anggota", "komandan", "admin")
DEFAULT_ROLE = "anggota"

# Every reason a row or a file can be refused; each has `roster-error-<key>` in the catalogs.
ROSTER_REASONS = (
    "file-unreadable",
    "file-binary",
    "file-xls",
    "sheet-missing",
    "no-sheet-has-columns",
    "file-empty",
    "roster-empty",
    "missing-column",
    "nrp-empty",
    "nrp-not-digits",
    "nrp-length",
    "nrp-leading-zero",
    "nrp-duplicate",
    "name-empty",
    "unit-empty",
    "rank-unknown",
    "category-unknown",
    "phone-empty",
    "phone-invalid",
    "role-unknown",
)
CATEGORY_REASONS = (
    "category-code-invalid",
    "category-name-empty",
    "category-personnel-invalid",
    "category-reserve-unknown",
    "category-duplicate",
)


@dataclass(frozen=True)
class RosterRow:
    """One person as a file states them; after `parse_roster`, canonical (rank, role, phone)."""

    line: int
    nrp: str
    name: str
    rank: str
    category: str
    unit: str
    phone: str
    role: str = DEFAULT_ROLE
    position: str = ""  # jabatan (optional column), e.g. "Dansat Brimob"


@dataclass(frozen=True)
class RowError:
    """`line` is the 1-based line in the file, the header being line 1 (0: the whole file)."""

    line: int
    field: str
    reason_key: str
    value: str = ""
    first_line: int = 0  # for a duplicate: where the value appeared first
    known: str = ""  # what would have been accepted, e.g. the category codes

    def args(self) -> dict[str, str | int]:
        """The variables every `roster-error-*` message may use."""
        return {
            "line": self.line,
            "field": self.field,
            "value": self.value,
            "first_line": self.first_line,
            "known": self.known,
        }


@dataclass(frozen=True)
class RosterParseResult:
    rows: list[RosterRow]  # the rows that passed every check, canonical
    errors: list[RowError]
    # NRPs of rows that failed: an import of the valid rows must not deactivate these people.
    invalid_nrps: frozenset[str] = frozenset()
    # Without a role column the file says nothing about roles; appointments made in the bot stay.
    has_role_column: bool = True
    # (first, last) line of a block under the table that is not data: a signature
    # ("Pontianak, 1 Februari 2024 / KAPOLDA …") or notes. Not imported, and told.
    trailer: tuple[int, int] | None = None
    sheet: str | None = None  # the workbook sheet read (None for CSV)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- ranks -------------------------------------------------------------------------------------

_POLICE_RANKS: dict[str, tuple[str, ...]] = {
    # canonical: other spellings (full titles, with and without "Polisi"/"Pol")
    "Bharada": ("bhayangkara dua",),
    "Bharatu": ("bhayangkara satu",),
    "Bharaka": ("bhayangkara kepala",),
    "Abripda": ("ajun brigadir polisi dua", "ajun brigadir dua"),
    "Abriptu": ("ajun brigadir polisi satu", "ajun brigadir satu"),
    "Abrip": ("ajun brigadir polisi", "ajun brigadir"),
    "Bripda": ("brigadir polisi dua", "brigadir dua"),
    "Briptu": ("brigadir polisi satu", "brigadir satu"),
    "Brigpol": ("brigadir", "brigadir polisi", "brig"),
    "Bripka": ("brigadir polisi kepala", "brigadir kepala"),
    "Aipda": ("ajun inspektur polisi dua", "ajun inspektur dua"),
    "Aiptu": ("ajun inspektur polisi satu", "ajun inspektur satu"),
    "Ipda": ("inspektur polisi dua", "inspektur dua"),
    "Iptu": ("inspektur polisi satu", "inspektur satu"),
    "AKP": ("ajun komisaris polisi", "ajun komisaris"),
    "Kompol": ("komisaris polisi", "komisaris"),
    "AKBP": ("ajun komisaris besar polisi", "ajun komisaris besar"),
    "Kombes": ("komisaris besar polisi", "komisaris besar"),
    "Brigjen": ("brigadir jenderal polisi", "brigadir jenderal"),
    "Irjen": ("inspektur jenderal polisi", "inspektur jenderal"),
    "Komjen": ("komisaris jenderal polisi", "komisaris jenderal"),
    "Jenderal": ("jenderal polisi",),
}
# Civil servants (PNS/ASN) serve in a Polda too; their grade (golongan name) is their rank.
_CIVIL_GRADES = (
    "PNS",
    "ASN",
    "PPPK",
    "Juru Muda",
    "Juru Muda Tk I",
    "Juru",
    "Juru Tk I",
    "Pengatur Muda",
    "Pengatur Muda Tk I",
    "Pengatur",
    "Pengatur Tk I",
    "Penata Muda",
    "Penata Muda Tk I",
    "Penata",
    "Penata Tk I",
    "Pembina",
    "Pembina Tk I",
    "Pembina Utama Muda",
    "Pembina Utama Madya",
    "Pembina Utama",
)
POLICE_RANKS: tuple[str, ...] = tuple(_POLICE_RANKS)
OFFICER_RANKS = ("Ipda", "Iptu", "AKP", "Kompol", "AKBP", "Kombes")


def _rank_key(text: str) -> str:
    key = re.sub(r"[.,]", " ", text.lower())
    key = re.sub(r"\btingkat\b|\btk\b", "tk", key)
    key = " ".join(key.split())
    # "Kombes Pol", "AKBP (Pol)", "Brigjen Pol." all name the rank without the suffix.
    return re.sub(r"\s*\(?\bpol\)?$", "", key)


_RANKS: dict[str, str] = {}
for _canonical, _spellings in _POLICE_RANKS.items():
    for _spelling in (_canonical, *_spellings):
        _RANKS[_rank_key(_spelling)] = _canonical
for _grade in _CIVIL_GRADES:
    _RANKS[_rank_key(_grade)] = _grade


def canonical_rank(text: str) -> str | None:
    """`BRIPKA`, `bripka`, `Brigadir Polisi Kepala` → `Bripka`; `Kombes Pol` → `Kombes`."""
    return _RANKS.get(_rank_key(text))


_ROLE_SPELLINGS = {
    "anggota": "anggota",
    "member": "anggota",
    "personel": "anggota",
    "komandan": "komandan",
    "commander": "komandan",
    "admin": "admin",
    "administrator": "admin",
}


def canonical_role(text: str) -> str | None:
    """`Komandan`, `commander` → `komandan`; empty → `anggota`; None when unknown."""
    key = text.strip().lower()
    if not key:
        return DEFAULT_ROLE
    return _ROLE_SPELLINGS.get(key)


def nrp_problem(nrp: str) -> str | None:
    """Police NRPs have 8 digits; civil servants' NIPs 18. The reason key, or None when fine."""
    if not nrp:
        return "nrp-empty"
    if not re.fullmatch(r"[0-9]+", nrp):
        return "nrp-not-digits"
    if len(nrp) == 7:
        # An NRP starting with 0 that Excel stored as a number lost its zero.
        return "nrp-leading-zero"
    if len(nrp) not in (8, 18):
        return "nrp-length"
    return None


def padded_nrp(nrp: str) -> str:
    """The 8-digit NRP a 7-digit number was before Excel dropped its leading zero."""
    return "0" + nrp if len(nrp) == 7 and nrp.isdigit() else nrp


def _excel_text(cell: str) -> str:
    """`="02058291"` (how a CSV keeps a number as text for Excel, as Siaga exports it) → the
    text inside."""
    if cell.startswith('="') and cell.endswith('"') and len(cell) >= 3:
        return cell[2:-1]
    return cell


# --- reading files -----------------------------------------------------------------------------

_REQUIRED = ("nrp", "name", "rank", "category", "unit", "phone")
# The header each field is reported under when it is missing (the Indonesian one, the reference).
_FIELD_HEADER = {
    "nrp": "nrp",
    "name": "nama",
    "rank": "pangkat",
    "category": "kategori",
    "unit": "satuan",
    "phone": "telepon",
    "role": "peran",
}
_ROSTER_HEADERS = {
    "nrp": "nrp",
    "nrp_nip": "nrp",
    "nip": "nrp",
    "nama": "name",
    "nama_lengkap": "name",
    "name": "name",
    "pangkat": "rank",
    "rank": "rank",
    "kategori": "category",
    "category": "category",
    "satuan": "unit",
    "satker": "unit",
    "unit": "unit",
    "telepon": "phone",
    "telp": "phone",
    "tlp": "phone",
    "no_telp": "phone",
    "no_telepon": "phone",
    "hp": "phone",
    "no_hp": "phone",
    "nomor_hp": "phone",
    "phone": "phone",
    "peran": "role",
    "role": "role",
    "jabatan": "position",
    "position": "position",
}
# A title block ("DAFTAR PERSONEL PAM PEMILU 2024") may sit above the headers.
_HEADER_SEARCH_ROWS = 10


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel keeps 15 significant digits: an 18-digit NIP typed as a number is already
        # wrong, so keep the float's look (1.985e+17) and let the checks refuse it.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return " ".join(str(value).split())


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")  # Excel's "Unicode Text" export (tab-separated)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV" in the ANSI code page.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # never fails; the checks catch what it garbles


def _sniff_delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in (";", ",", "\t")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def csv_table(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(file line, cells) of each row of a CSV; a quoted newline keeps the line of its start."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    start = 1
    for cells in reader:
        yield start, [_cell_text(c) for c in cells]
        start = reader.line_num + 1


Table = list[tuple[int, list[str]]]


def xlsx_sheets(data: bytes) -> list[tuple[str, Table]]:
    """(sheet name, non-empty (sheet row, cells)) of every sheet of a workbook, in order."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # Workbooks from Excel carry extensions openpyxl does not read (data validation,
        # conditional formats); it says so with warnings, which do not matter for the values.
        warnings.simplefilter("ignore")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets: list[tuple[str, Table]] = []
            for sheet in book.worksheets:
                # min_row=1: numbering is the sheet's own even when the first rows are empty.
                rows = enumerate(sheet.iter_rows(min_row=1, values_only=True), 1)
                table = [(n, [_cell_text(v) for v in values]) for n, values in rows]
                sheets.append((sheet.title, [(n, c) for n, c in table if any(c)]))
            return sheets
        finally:
            book.close()


def _is_binary(data: bytes) -> bool:
    """Not text in any encoding a spreadsheet saves: NUL bytes or many control bytes. (UTF-16
    text has NULs too: it is recognised by its byte-order mark before this is asked.)"""
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return controls > len(sample) // 20


def _is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _is_xls(data: bytes) -> bool:
    return data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_tables(data: bytes) -> tuple[list[tuple[str | None, Table]], RowError | None]:
    """The tables of a CSV (one, unnamed) or XLSX file (one per sheet), told apart by
    content, not by name; or why the file cannot be read."""
    if _is_xls(data):
        return [], RowError(0, "file", "file-xls")
    if _is_xlsx(data):
        try:
            return list(xlsx_sheets(data)), None
        except Exception as exc:
            # openpyxl fails on a broken or foreign zip (an .ods, a .docx) with many exception
            # types; whichever it is, the admin needs "cannot read", not a traceback.
            return [], RowError(0, "file", "file-unreadable", value=type(exc).__name__)
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff") and _is_binary(data):
        # Never echo it: its bytes would land in the terminal as garbage (or escape codes).
        return [], RowError(0, "file", "file-binary")
    try:
        table = [(line, cells) for line, cells in csv_table(data) if any(cells)]
    except (csv.Error, UnicodeDecodeError) as exc:
        return [], RowError(0, "file", "file-unreadable", value=_printable(str(exc))[:120])
    return [(None, table)], None


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def read_table(data: bytes) -> tuple[Table, RowError | None]:
    """The rows of a CSV file or of a workbook's first sheet, or why not (categories)."""
    tables, problem = read_tables(data)
    if problem is not None:
        return [], problem
    return (tables[0][1] if tables else []), None


def _find_header(
    table: Sequence[tuple[int, Sequence[str]]], aliases: dict[str, str], anchor: str
) -> int:
    """Index of the header row: the first early row naming the anchor field, else the first."""
    for index, (_line, cells) in enumerate(table[:_HEADER_SEARCH_ROWS]):
        if any(aliases.get(_header_key(c)) == anchor for c in cells):
            return index
    return 0


def _columns(cells: Sequence[str], aliases: dict[str, str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = aliases.get(_header_key(cell))
        if name is not None and name not in columns:
            columns[name] = index
    return columns


# --- the roster --------------------------------------------------------------------------------


def parse_roster(
    data: bytes,
    known_categories: Collection[str],
    *,
    sheet: str | None = None,
    nrp_pad: bool = False,
) -> RosterParseResult:
    """Read and check a roster file; `known_categories` are the category codes in use.

    A workbook: the sheet named `sheet`, else the first sheet with the roster's columns.
    `nrp_pad`: a 7-digit NRP gets back the leading zero Excel dropped.
    """
    tables, problem = read_tables(data)
    if problem is not None:
        return RosterParseResult([], [problem])
    names = ", ".join(name for name, _table in tables if name is not None)
    if sheet is not None and tables and tables[0][0] is not None:
        chosen = [t for t in tables if (t[0] or "").casefold() == sheet.strip().casefold()]
        if not chosen:
            error = RowError(0, "file", "sheet-missing", sheet, known=names)
            return RosterParseResult([], [error])
        tables = chosen
    results = [
        (name, validate_table(table, known_categories, nrp_pad=nrp_pad)) for name, table in tables
    ]
    for name, result in results:
        if not any(e.reason_key == "missing-column" for e in result.errors):
            return dataclasses.replace(result, sheet=name)
    if len(results) > 1:
        return RosterParseResult([], [RowError(0, "file", "no-sheet-has-columns", known=names)])
    return results[0][1] if results else RosterParseResult([], [RowError(0, "file", "file-empty")])


def validate_table(
    table: Sequence[tuple[int, Sequence[str]]],
    known_categories: Collection[str],
    *,
    nrp_pad: bool = False,
) -> RosterParseResult:
    """Check (line, cells) rows whose first non-title row is the header."""
    if not table:
        return RosterParseResult([], [RowError(0, "file", "file-empty")])
    start = _find_header(table, _ROSTER_HEADERS, "nrp")
    header_line, header = table[start]
    columns = _columns(header, _ROSTER_HEADERS)
    missing = [_FIELD_HEADER[f] for f in _REQUIRED if f not in columns]
    if missing:
        found = _printable(", ".join(c for c in header if c))
        error = RowError(header_line, ", ".join(missing), "missing-column", value=found[:120])
        return RosterParseResult([], [error])
    body = list(table[start + 1 :])
    trailer = _trailer(body, columns)
    if trailer is not None:
        body = [(line, cells) for line, cells in body if line < trailer[0]]

    categories = {c.upper(): c for c in known_categories}
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    invalid: set[str] = set()
    first_seen: dict[str, int] = {}
    for line, cells in body:

        def cell(name: str, cells: Sequence[str] = cells) -> str:
            return _cell(cells, columns, name)

        row, row_errors = _check_row(line, cell, categories, nrp_pad=nrp_pad)
        if row is not None:
            if row.nrp in first_seen:
                row_errors.append(
                    RowError(line, "nrp", "nrp-duplicate", row.nrp, first_line=first_seen[row.nrp])
                )
            else:
                first_seen[row.nrp] = line
        if row_errors:
            errors.extend(row_errors)
            if cell("nrp"):
                # Someone whose row is wrong keeps their state; under the NRP they have,
                # which for Excel's 7-digit number is the zero-padded one.
                invalid.update({cell("nrp"), padded_nrp(cell("nrp"))})
            continue
        assert row is not None
        rows.append(row)
    if not rows and not errors:
        errors.append(RowError(header_line, "file", "roster-empty"))
    imported = {r.nrp for r in rows}
    return RosterParseResult(
        rows, errors, frozenset(invalid - imported), "role" in columns, trailer=trailer
    )


def _cell(cells: Sequence[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return _excel_text(cells[index].strip()) if index is not None and index < len(cells) else ""


# A data row fills most required columns; a signature or a note fills one or two.
_TRAILER_MAX_FILLED = 2


def _trailer(
    body: Sequence[tuple[int, Sequence[str]]], columns: dict[str, int]
) -> tuple[int, int] | None:
    """(first, last) line of the rows under the table that are not data: the longest run at
    the end in which no row fills more than two required columns or has a number in the NRP
    column, after at least one row that does. None when the table runs to the end."""
    first: int | None = None
    for line, cells in reversed(body):
        filled = sum(1 for name in _REQUIRED if _cell(cells, columns, name))
        if filled > _TRAILER_MAX_FILLED or _cell(cells, columns, "nrp").isdigit():
            break
        first = line
    if first is None or first == body[0][0]:
        return None
    return first, body[-1][0]


def _check_row(
    line: int, cell: Callable[[str], str], categories: dict[str, str], *, nrp_pad: bool = False
) -> tuple[RosterRow | None, list[RowError]]:
    """The canonical row (None if a field is unusable) and every problem of one line.

    A duplicate NRP is judged by the caller, so a row whose NRP is well-formed is returned
    even when another field failed: duplicates are found among all well-formed NRPs.
    """
    errors: list[RowError] = []
    nrp = padded_nrp(cell("nrp")) if nrp_pad else cell("nrp")
    if (reason := nrp_problem(nrp)) is not None:
        errors.append(RowError(line, "nrp", reason, nrp))
    name = cell("name")
    if not name:
        errors.append(RowError(line, "name", "name-empty"))
    raw_rank = cell("rank")
    rank = canonical_rank(raw_rank)
    if rank is None:
        errors.append(RowError(line, "rank", "rank-unknown", raw_rank))
    raw_category = cell("category")
    category = categories.get(raw_category.upper())
    if category is None:
        errors.append(
            RowError(
                line,
                "category",
                "category-unknown",
                raw_category,
                known=", ".join(categories.values()),
            )
        )
    unit = cell("unit")
    if not unit:
        errors.append(RowError(line, "unit", "unit-empty"))
    raw_phone = cell("phone")
    phone = normalize_phone(raw_phone) if raw_phone else None
    if phone is None:
        reason = "phone-invalid" if raw_phone else "phone-empty"
        errors.append(RowError(line, "phone", reason, raw_phone))
    raw_role = cell("role")
    role = canonical_role(raw_role)
    if role is None:
        errors.append(RowError(line, "role", "role-unknown", raw_role))
    if nrp_problem(nrp) is not None:
        return None, errors
    row = RosterRow(
        line=line,
        nrp=nrp,
        name=name,
        rank=rank or raw_rank,
        category=category or raw_category,
        unit=unit,
        phone=phone or raw_phone,
        role=role or raw_role,
        position=_position(cell("position")),
    )
    return row, errors


POSITION_MAX_CHARS = 60


def _position(text: str) -> str:
    return " ".join(text.split())[:POSITION_MAX_CHARS]


def canonical_row(row: RosterRow) -> RosterRow:
    """A row built in code (a test, the demo generator) in the form `parse_roster` produces.

    Raises ValueError when the row could not have passed the checks.
    """
    rank = canonical_rank(row.rank)
    role = canonical_role(row.role)
    phone = normalize_phone(row.phone)
    problem = nrp_problem(row.nrp.strip())
    if rank is None or role is None or phone is None or problem is not None:
        raise ValueError(f"line {row.line}: not a valid roster row (NRP {row.nrp!r})")
    return RosterRow(
        line=row.line,
        nrp=row.nrp.strip(),
        name=" ".join(row.name.split()),
        rank=rank,
        category=row.category.strip().upper(),
        unit=" ".join(row.unit.split()),
        phone=phone,
        role=role,
        position=_position(row.position),
    )


# --- what an import changes --------------------------------------------------------------------

# An import that would deactivate more than this share of the active roster is refused unless
# the operator confirms it: a short file (one unit's list, a test) must not stand down a force.
DEACTIVATION_GUARD_SHARE = 0.10
# How many of those people the refusal names.
DEACTIVATION_SAMPLE = 5


@dataclass(frozen=True)
class RosterEntry:
    """A person as the roster has them now: their row (line 0), id and whether active."""

    id: int
    active: bool
    row: RosterRow


@dataclass(frozen=True)
class RosterPlan:
    """What making the active roster exactly the file's rows would change."""

    inserts: list[RosterRow]
    updates: list[tuple[int, RosterRow]]  # (person id, row as it will be stored)
    added: int
    updated: int
    unchanged: int
    reactivated: int
    deactivate: list[RosterEntry]
    active_before: int

    def deactivates_too_many(self) -> bool:
        return len(self.deactivate) > self.active_before * DEACTIVATION_GUARD_SHARE

    def deactivation_sample(self) -> list[str]:
        return [
            f"{p.row.rank} {p.row.name} ({p.row.nrp})"
            for p in self.deactivate[:DEACTIVATION_SAMPLE]
        ]


def plan_import(
    existing: Sequence[RosterEntry],
    rows: Sequence[RosterRow],
    *,
    keep_nrps: Collection[str] = (),
    update_roles: bool = True,
) -> RosterPlan:
    """Compare canonical rows with the roster. `keep_nrps`: people whose rows were invalid,
    left as they are; `update_roles=False`: roles already on the roster stay."""
    by_nrp = {p.row.nrp: p for p in existing}
    inserts: list[RosterRow] = []
    updates: list[tuple[int, RosterRow]] = []
    added = updated = unchanged = reactivated = 0
    for row in rows:
        old = by_nrp.get(row.nrp)
        if old is None:
            inserts.append(row)
            added += 1
            continue
        # An empty jabatan cell (or no such column) says nothing: the post on record stays.
        stored = dataclasses.replace(
            row,
            line=0,
            role=row.role if update_roles else old.row.role,
            position=row.position or old.row.position,
        )
        if stored == old.row and old.active:
            unchanged += 1
            continue
        updates.append((old.id, stored))
        if old.active:
            updated += 1
        else:
            reactivated += 1
    present = {r.nrp for r in rows} | set(keep_nrps)
    gone = [p for p in existing if p.active and p.row.nrp not in present]
    return RosterPlan(
        inserts,
        updates,
        added,
        updated,
        unchanged,
        reactivated,
        gone,
        active_before=sum(1 for p in existing if p.active),
    )


# --- categories --------------------------------------------------------------------------------

CATEGORY_CODE = re.compile(r"^[A-Z0-9_]{2,16}$")
_CATEGORY_HEADERS = {
    "code": "code",
    "kode": "code",
    "name": "name",
    "nama": "name",
    "personnel": "personnel",
    "personel": "personnel",
    "jumlah": "personnel",
    "kekuatan": "personnel",
    "strength": "personnel",
    "target_strength": "personnel",
    "reserve": "reserve",
    "cadangan": "reserve",
    "reserve_code": "reserve",
}


@dataclass(frozen=True)
class CategoryRow:
    code: str
    name: str
    target_strength: int
    reserve_code: str | None = None
    line: int = 0


@dataclass(frozen=True)
class CategoryParseResult:
    rows: list[CategoryRow]
    errors: list[RowError] = field(default_factory=list)


class CategoryFileError(ValueError):
    """A categories file with problems; `errors` name them (render with the catalogs)."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        shown = "; ".join(f"line {e.line}: {e.reason_key} {e.value!r}" for e in self.errors[:5])
        more = f" (+{len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"categories file refused: {shown}{more}")


def parse_categories(data: bytes, known_codes: Collection[str] = ()) -> CategoryParseResult:
    """`code,name,personnel[,reserve]`; a reserve must be in the file or in `known_codes`."""
    table, problem = read_table(data)
    if problem is not None:
        return CategoryParseResult([], [problem])
    if not table:
        return CategoryParseResult([], [RowError(0, "file", "file-empty")])
    start = _find_header(table, _CATEGORY_HEADERS, "code")
    header_line, header = table[start]
    columns = _columns(header, _CATEGORY_HEADERS)
    missing = [f for f in ("code", "name", "personnel") if f not in columns]
    if missing:
        found = ", ".join(c for c in header if c)
        return CategoryParseResult(
            [], [RowError(header_line, ", ".join(missing), "missing-column", found[:120])]
        )

    rows: list[CategoryRow] = []
    errors: list[RowError] = []
    for line, cells in table[start + 1 :]:

        def cell(name: str, cells: Sequence[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        # "1.833" and "1,833" are how a spreadsheet shows 1833.
        personnel = cell("personnel").replace(".", "").replace(",", "") or "0"
        if not re.fullmatch(r"[0-9]{1,7}", personnel):
            errors.append(
                RowError(line, "personnel", "category-personnel-invalid", cell("personnel"))
            )
            personnel = "0"
        rows.append(
            CategoryRow(
                code=cell("code").upper(),
                name=cell("name"),
                target_strength=int(personnel),
                reserve_code=cell("reserve").upper() or None,
                line=line,
            )
        )
    errors.extend(check_categories(rows, known_codes))
    if errors:
        bad = {e.line for e in errors}
        return CategoryParseResult([r for r in rows if r.line not in bad], errors)
    if not rows:
        return CategoryParseResult([], [RowError(header_line, "file", "roster-empty")])
    return CategoryParseResult(rows, [])


def check_categories(
    rows: Sequence[CategoryRow], known_codes: Collection[str] = ()
) -> list[RowError]:
    """Codes well-formed and unique, names present, reserves naming another known category."""
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    for row in rows:
        if not CATEGORY_CODE.match(row.code):
            errors.append(RowError(row.line, "code", "category-code-invalid", row.code))
        elif row.code in first_seen:
            errors.append(
                RowError(row.line, "code", "category-duplicate", row.code, first_seen[row.code])
            )
        else:
            first_seen[row.code] = row.line
        if not row.name.strip():
            errors.append(RowError(row.line, "name", "category-name-empty"))
        if row.target_strength < 0:
            errors.append(
                RowError(
                    row.line, "personnel", "category-personnel-invalid", str(row.target_strength)
                )
            )
    codes = set(first_seen) | {c.upper() for c in known_codes}
    for row in rows:
        if row.reserve_code is not None and (
            row.reserve_code not in codes or row.reserve_code == row.code
        ):
            errors.append(
                RowError(row.line, "reserve", "category-reserve-unknown", row.reserve_code)
            )
    return errors


def parse_categories_csv(data: bytes, known_codes: Collection[str] = ()) -> list[CategoryRow]:
    """The categories of a file, all or nothing: raises CategoryFileError on any problem."""
    result = parse_categories(data, known_codes)
    if result.errors:
        raise CategoryFileError(result.errors)
    return result.rows
