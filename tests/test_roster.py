"""Reading and checking roster files: every problem reported once, on its own line number."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.domain.roster import (
    CATEGORY_REASONS,
    ROSTER_REASONS,
    CategoryFileError,
    RosterRow,
    RowError,
    canonical_rank,
    canonical_role,
    canonical_row,
    parse_categories,
    parse_categories_csv,
    parse_roster,
)
from bot.i18n import Catalog
from examples import CATEGORIES

KNOWN = ("POH", "POLWAN", "SAMAPTA", "BRIMOB", "OMB", "LIONG", "YANMAS")
EXAMPLE_CATEGORIES = CATEGORIES.read_bytes()

GOOD_CSV = """\
nrp,nama,pangkat,kategori,satuan,telepon,peran
87050123,Andi Saputra,Bripda,BRIMOB,Polres Sanggau,0812-3456-7801,anggota
88010234,Budi Santoso,briptu,poh,Polresta Pontianak,+62 812 3456 7802,
75030045,Yohanes Lejo,AKBP,YANMAS,Polres Landak,6281234567803,Komandan
198501012010011001,Siti Rahmawati,PNS,YANMAS,Polda Kalbar,81234567804,admin
"""


def parse(text: str, encoding: str = "utf-8") -> tuple[list[RosterRow], list[RowError]]:
    result = parse_roster(text.encode(encoding), KNOWN)
    return result.rows, result.errors


def reasons(errors: list[RowError]) -> list[tuple[int, str, str]]:
    return [(e.line, e.field, e.reason_key) for e in errors]


def test_a_good_csv_gives_canonical_rows() -> None:
    rows, errors = parse(GOOD_CSV)
    assert errors == []
    assert rows[0] == RosterRow(
        line=2,
        nrp="87050123",
        name="Andi Saputra",
        rank="Bripda",
        category="BRIMOB",
        unit="Polres Sanggau",
        phone="+6281234567801",
        role="anggota",
    )
    assert [r.line for r in rows] == [2, 3, 4, 5]
    assert [r.rank for r in rows] == ["Bripda", "Briptu", "AKBP", "PNS"]
    assert [r.category for r in rows] == ["BRIMOB", "POH", "YANMAS", "YANMAS"]
    assert [r.role for r in rows] == ["anggota", "anggota", "komandan", "admin"]
    assert {r.phone for r in rows} == {f"+628123456780{i}" for i in range(1, 5)}


def test_semicolon_csv_with_bom_as_excel_saves_it() -> None:
    text = GOOD_CSV.replace(",", ";").replace("\n", "\r\n")
    rows, errors = parse(text, "utf-8-sig")
    assert errors == []
    assert len(rows) == 4
    assert rows[0].nrp == "87050123"  # not "\ufeffnrp" swallowing the first header


def test_english_headers_in_any_case_and_order() -> None:
    text = (
        "Phone,NAME,Rank,Unit,Category,NRP,Role\n"
        "0812-3456-7801,Andi Saputra,Bripda,Polres Sanggau,BRIMOB,87050123,commander\n"
        "0812-3456-7802,Budi Santoso,Brigadir,Polresta Pontianak,POH,88010234,member\n"
    )
    rows, errors = parse(text)
    assert errors == []
    assert [(r.nrp, r.rank, r.role) for r in rows] == [
        ("87050123", "Bripda", "komandan"),
        ("88010234", "Brigpol", "anggota"),
    ]


@pytest.mark.parametrize("phone_header", ["no_hp", "No. HP", "hp", "telp", "Telepon"])
def test_phone_header_aliases(phone_header: str) -> None:
    header = f"nrp,nama,pangkat,kategori,satuan,{phone_header}"
    rows, errors = parse(f"{header}\n87050123,A,Bripda,POH,Polda,0812-345-678\n")
    assert errors == []
    assert rows[0].phone == "+62812345678"


def test_the_role_column_is_optional() -> None:
    text = "nrp,nama,pangkat,kategori,satuan,telepon\n87050123,A,Bripda,POH,Polda,0812345678\n"
    result = parse_roster(text.encode(), KNOWN)
    assert result.errors == []
    assert result.rows[0].role == "anggota"
    assert not result.has_role_column


def test_a_title_block_above_the_headers_keeps_real_line_numbers() -> None:
    text = "DAFTAR PERSONEL PAM PEMILU 2024,,,,,\n\n" + GOOD_CSV.replace("Bripda", "Bripdaa")
    rows, errors = parse(text)
    assert reasons(errors) == [(4, "rank", "rank-unknown")]
    assert [r.line for r in rows] == [5, 6, 7]


def test_blank_lines_and_quoted_fields_keep_line_numbers() -> None:
    text = (
        "nrp,nama,pangkat,kategori,satuan,telepon\n"
        "\n"
        '87050123,"Saputra, Andi",Bripda,POH,"Polres\nSanggau",0812345678\n'
        "8801023X,Budi,Bripda,POH,Polda Kalbar,0812345679\n"
    )
    rows, errors = parse(text)
    assert rows[0].name == "Saputra, Andi"
    assert rows[0].unit == "Polres Sanggau"  # whitespace inside a cell is collapsed
    assert reasons(errors) == [(5, "nrp", "nrp-not-digits")]


def test_cp1252_csv_from_windows_excel() -> None:
    text = "nrp;nama;pangkat;kategori;satuan;hp\n87050123;José Ñ;Bripda;POH;Polda;0812345678\n"
    rows, errors = parse(text, "cp1252")
    assert errors == []
    assert rows[0].name == "José Ñ"


def test_utf16_tab_separated_as_excel_unicode_text() -> None:
    text = GOOD_CSV.replace(",", "\t")
    rows, errors = parse(text, "utf-16")
    assert errors == []
    assert len(rows) == 4


def test_a_zip_that_is_no_workbook_is_unreadable_not_a_crash() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")  # an .ods, say
    result = parse_roster(buffer.getvalue(), KNOWN)
    assert [e.reason_key for e in result.errors] == ["file-unreadable"]


def test_xlsx_first_sheet(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Personel"
    sheet.append(["NRP", "Nama", "Pangkat", "Kategori", "Satuan", "No HP", "Peran"])
    # Excel stores numbers: the NRP and a phone whose leading zero it dropped.
    sheet.append([87050123, "Andi Saputra", "Bripda", "BRIMOB", "Polres Sanggau", 81234567801])
    sheet.append(
        [88010234, "Budi Santoso", "BRIPTU", "POH", "Polresta Pontianak", "0812 3456 7802"]
    )
    sheet.append([None, None, None, None, None, None])
    sheet.append([88010235.0, "Citra", "Bripda", "POLWAN", "Polda Kalbar", 6281234567803, "x"])
    other = book.create_sheet("Catatan")
    other.append(["nrp", "ignored"])
    path = tmp_path / "roster.xlsx"
    book.save(path)

    result = parse_roster(path.read_bytes(), KNOWN)
    assert [(r.line, r.nrp, r.phone) for r in result.rows] == [
        (2, "87050123", "+6281234567801"),
        (3, "88010234", "+6281234567802"),
    ]
    assert reasons(result.errors) == [(5, "role", "role-unknown")]


def test_an_18_digit_nip_excel_rounded_is_refused(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["nrp", "nama", "pangkat", "kategori", "satuan", "telepon"])
    sheet.append([198501012010011001.0, "Siti", "PNS", "YANMAS", "Polda Kalbar", "0812345678"])
    path = tmp_path / "nip.xlsx"
    book.save(path)
    result = parse_roster(path.read_bytes(), KNOWN)
    assert reasons(result.errors) == [(2, "nrp", "nrp-not-digits")]


def test_every_kind_of_bad_row_is_reported_with_its_line() -> None:
    text = (
        "nrp,nama,pangkat,kategori,satuan,telepon,peran\n"
        "87050123,Andi,Bripda,BRIMOB,Polres Sanggau,0812345678,anggota\n"  # 2 fine
        "8705O124,Budi,Bripda,BRIMOB,Polres Sanggau,0812345679,\n"  # 3 letter O
        "870501,Citra,Bripda,BRIMOB,Polres Sanggau,0812345680,\n"  # 4 short
        "87050123,Dedi,Bripda,BRIMOB,Polres Sanggau,0812345681,\n"  # 5 duplicate of 2
        "87050125,Eko,Sersan,BRIMOB,Polres Sanggau,0812345682,\n"  # 6 army rank
        "87050126,Fajar,Bripda,MARINIR,Polres Sanggau,0812345683,\n"  # 7 category
        "87050127,Gilang,Bripda,BRIMOB,Polres Sanggau,0812-34,\n"  # 8 phone
        "87050128,,Bripda,BRIMOB,,0812345684,\n"  # 9 name and unit
        "87050129,Hadi,Bripda,BRIMOB,Polres Sanggau,0812345685,kapten\n"  # 10 role
        ",Ilham,Bripda,BRIMOB,Polres Sanggau,,\n"  # 11 nrp and phone empty
    )
    rows, errors = parse(text)
    assert [r.line for r in rows] == [2]
    assert reasons(errors) == [
        (3, "nrp", "nrp-not-digits"),
        (4, "nrp", "nrp-length"),
        (5, "nrp", "nrp-duplicate"),
        (6, "rank", "rank-unknown"),
        (7, "category", "category-unknown"),
        (8, "phone", "phone-invalid"),
        (9, "name", "name-empty"),
        (9, "unit", "unit-empty"),
        (10, "role", "role-unknown"),
        (11, "nrp", "nrp-empty"),
        (11, "phone", "phone-empty"),
    ]
    duplicate = errors[2]
    assert (duplicate.value, duplicate.first_line) == ("87050123", 2)
    assert errors[0].value == "8705O124"
    assert errors[3].value == "Sersan"


def test_invalid_rows_name_their_nrps_so_an_import_can_leave_those_people_alone() -> None:
    text = (
        "nrp,nama,pangkat,kategori,satuan,telepon\n"
        "87050123,Andi,Bripda,BRIMOB,Polres Sanggau,0812345678\n"
        "87050124,Budi,Bripda,BRIMOB,Polres Sanggau,bad phone\n"
    )
    result = parse_roster(text.encode(), KNOWN)
    assert result.invalid_nrps == frozenset({"87050124"})


def test_a_missing_column_is_one_error_on_the_header_line() -> None:
    text = "nrp,nama,kategori,satuan\n87050123,Andi,BRIMOB,Polres Sanggau\n"
    rows, errors = parse(text)
    assert rows == []
    assert reasons(errors) == [(1, "pangkat, telepon", "missing-column")]
    assert errors[0].value == "nrp, nama, kategori, satuan"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "file-empty"),
        (b"\n\n", "file-empty"),
        (b"nrp,nama,pangkat,kategori,satuan,telepon\n", "roster-empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "file-xls"),
        (b"PK\x03\x04 not really a zip", "file-unreadable"),
    ],
)
def test_files_that_are_not_rosters(data: bytes, reason: str) -> None:
    result = parse_roster(data, KNOWN)
    assert result.rows == []
    assert [e.reason_key for e in result.errors] == [reason]


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("bripda", "Bripda"),
        ("BRIPKA", "Bripka"),
        ("Brigadir", "Brigpol"),
        ("Brigadir Polisi", "Brigpol"),
        ("Brigadir Polisi Dua", "Bripda"),
        ("akp", "AKP"),
        ("Akbp", "AKBP"),
        ("Kombes Pol", "Kombes"),
        ("Kombes Pol.", "Kombes"),
        ("Brigjen Pol", "Brigjen"),
        ("Irjen Pol", "Irjen"),
        ("Komjen", "Komjen"),
        ("Jenderal Polisi", "Jenderal"),
        ("Bharada", "Bharada"),
        ("abrip", "Abrip"),
        ("  Aiptu ", "Aiptu"),
        ("pns", "PNS"),
        ("ASN", "ASN"),
        ("Penata Muda Tingkat I", "Penata Muda Tk I"),
        ("Pengatur", "Pengatur"),
    ],
)
def test_ranks_are_canonical(text: str, canonical: str) -> None:
    assert canonical_rank(text) == canonical


@pytest.mark.parametrize("text", ["", "Sersan", "Kapten", "Letnan", "Bripdaa", "Pol"])
def test_unknown_ranks(text: str) -> None:
    assert canonical_rank(text) is None


def test_roles() -> None:
    assert canonical_role("") == "anggota"
    assert canonical_role("Komandan") == "komandan"
    assert canonical_role("commander") == "komandan"
    assert canonical_role("ADMIN") == "admin"
    assert canonical_role("kapten") is None


def test_canonical_row_for_rows_built_in_code() -> None:
    row = RosterRow(2, "87050123", " Andi  Saputra ", "bripda", "brimob", "Polres Sanggau",
                    "081234567801", "Komandan")  # fmt: skip
    assert canonical_row(row) == RosterRow(
        2, "87050123", "Andi Saputra", "Bripda", "BRIMOB", "Polres Sanggau", "+6281234567801",
        "komandan",
    )  # fmt: skip
    with pytest.raises(ValueError, match="not a valid roster row"):
        canonical_row(RosterRow(2, "87050123", "A", "Bripda", "POH", "Polda", "12", "anggota"))


def test_every_reason_has_a_message_in_both_languages() -> None:
    catalog = Catalog.load()
    error = RowError(line=1234, field="nrp", reason_key="x", value="8705O124", first_line=2)
    for lang in ("id", "en"):
        for reason in (*ROSTER_REASONS, *CATEGORY_REASONS):
            text = catalog.text(lang, f"roster-error-{reason}", **error.args())
            assert text


def test_a_message_names_the_line_without_thousands_separators() -> None:
    catalog = Catalog.load()
    error = RowError(line=1234, field="nrp", reason_key="nrp-not-digits", value="8705O124")
    assert catalog.text("id", "roster-error-nrp-not-digits", **error.args()) == (
        'Baris 1234: NRP "8705O124" harus berupa angka (8 digit).'
    )


# --- categories --------------------------------------------------------------------------------


def test_the_example_categories_file() -> None:
    rows = parse_categories_csv(EXAMPLE_CATEGORIES)
    assert [(r.code, r.target_strength) for r in rows] == [
        ("POH", 291),
        ("POLWAN", 200),
        ("SAMAPTA", 61),
        ("BRIMOB", 180),
        ("OMB", 546),
        ("LIONG", 183),
        ("YANMAS", 1833),
    ]
    assert sum(r.target_strength for r in rows) == 3294
    reserves = {r.code: r.reserve_code for r in rows if r.reserve_code}
    assert reserves == {"BRIMOB": "POH", "SAMAPTA": "POH"}


def test_categories_without_the_reserve_column_and_with_spreadsheet_numbers() -> None:
    rows = parse_categories_csv(b"kode;nama;personel\nyanmas;Pelayanan masyarakat;1.833\n")
    assert [(r.code, r.name, r.target_strength, r.reserve_code) for r in rows] == [
        ("YANMAS", "Pelayanan masyarakat", 1833, None)
    ]


def test_bad_categories_are_all_reported() -> None:
    data = (
        b"code,name,personnel,reserve\n"
        b"BRIMOB,Brimob,180,POHX\n"  # 2 reserve unknown
        b"X,Too short,1,\n"  # 3 code
        b"BRIMOB,Again,1,\n"  # 4 duplicate
        b"OMB,,ten,\n"  # 5 name, personnel
        b"POH,Power On Hand,291,POH\n"  # 6 its own reserve
        b"LIONG,Ops Liong,183,OLD\n"  # 7 reserve known from the database
    )
    result = parse_categories(data, known_codes=["OLD"])
    assert reasons(result.errors) == [
        (5, "personnel", "category-personnel-invalid"),
        (3, "code", "category-code-invalid"),
        (4, "code", "category-duplicate"),
        (5, "name", "category-name-empty"),
        (2, "reserve", "category-reserve-unknown"),
        (6, "reserve", "category-reserve-unknown"),
    ]
    assert [r.code for r in result.rows] == ["LIONG"]
    with pytest.raises(CategoryFileError) as refused:
        parse_categories_csv(data)
    assert len(refused.value.errors) == 7
