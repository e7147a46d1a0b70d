"""Every way a roster or Telegram writes an Indonesian mobile number comes out as one E.164."""

from __future__ import annotations

import pytest

from bot.domain.phone import mask_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "(0812) 3456-7890",
        "+62 812 3456 7890",
        "+62-812-3456-7890",
        "+62 (0)812 3456 7890",
        "6281234567890",  # a Telegram contact share: no plus
        "81234567890",  # a spreadsheet dropped the leading zero
        "0062 812 3456 7890",
        "  081234567890\n",
        "0812\u00a03456\u00a07890",  # no-break spaces from a word processor
    ],
)
def test_indonesian_mobile_forms_normalize_to_e164(raw: str) -> None:
    assert normalize_phone(raw) == "+6281234567890"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812345678", "+62812345678"),  # 9 digits after the 0: the shortest real numbers
        ("08123456789", "+628123456789"),
        ("0812345678901", "+62812345678901"),
        ("0895 1234 5678", "+6289512345678"),
        ("+60 12-345 6789", "+60123456789"),  # Malaysian, written internationally
        ("+1 (415) 555-2671", "+14155552671"),
        ("+447911123456", "+447911123456"),
    ],
)
def test_lengths_and_foreign_numbers(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "-",
        "08123abc890",
        "0812-3456-789O",  # the letter O
        "081234",  # too short
        "08123456",
        "0812345678901234",  # too long
        "+62 812 3456 7890 1234",
        "0561 734567",  # a Pontianak landline cannot hold a Telegram account
        "+62 561 734567",
        "12345678901",  # not Indonesian and no country prefix: ambiguous
        "60123456789",
        "+1234567",  # too short for any country
        "+1234567890123456",  # longer than E.164 allows
        "+0812345678",
        "++6281234567890",
        "0812-3456-7890 / 0813-1111-2222",
        "٠٨١٢٣٤٥٦٧٨٩٠",  # Arabic-Indic digits are not what a roster means
    ],
)
def test_malformed_numbers_are_refused(raw: str) -> None:
    assert normalize_phone(raw) is None


def test_normalizing_is_idempotent() -> None:
    once = normalize_phone("0812-3456-7890")
    assert once is not None
    assert normalize_phone(once) == once


def test_mask_keeps_enough_to_tell_numbers_apart() -> None:
    assert mask_phone("+6281234567890") == "+62812****890"
    assert mask_phone("+628123456789") == "+62812****789"
    assert "3456" not in mask_phone("+6281234567890")
    assert mask_phone("+6281") == "****81"


def test_display_phone() -> None:
    from bot.domain.phone import display_phone

    assert display_phone("+6281234567890") == "0812-3456-7890"
    assert display_phone("+628123456789") == "0812-3456-789"
    assert display_phone("+4915112345678") == "+4915112345678"
