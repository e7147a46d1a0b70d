"""Phone numbers as the roster and Telegram write them, reduced to one E.164 form.

A roster typed by hand says `0812-3456-7890`, a spreadsheet that ate the leading zero says
`81234567890`, and Telegram's shared contact says `6281234567890` (no `+`). Registration
matches a shared contact against the roster, so every spelling of one number must come
out identical.
"""

from __future__ import annotations

import re

# What people put between digit groups: spaces (incl. no-break), dashes, dots, slashes, brackets.
_SEPARATORS = re.compile(r"[\s\u00a0\-./()]")
_DIGITS = re.compile(r"[0-9]+")

INDONESIA = "62"
# Digits after the trunk `0` (the national significant number): real mobile numbers have
# 9 to 12 (0812-345-678 up to 0812-3456-78901); one more is tolerated for odd operators.
_NATIONAL_MIN, _NATIONAL_MAX = 9, 13
# E.164 allows at most 15 digits; fewer than 8 is no mobile number anywhere.
_FOREIGN_MIN, _FOREIGN_MAX = 8, 15


def normalize_phone(raw: str) -> str | None:
    """`0812-3456-7890`, `+62 812 3456 7890`, `6281234567890`, `81234567890` → `+6281234567890`.

    Foreign numbers are accepted only with their `+` (or `00`) prefix: without it a number
    that does not look Indonesian is ambiguous. None when the text is not a mobile number.
    """
    text = _SEPARATORS.sub("", raw.strip())
    international = False
    if text.startswith("+"):
        international, text = True, text[1:]
    elif text.startswith("00"):
        international, text = True, text[2:]
    if not _DIGITS.fullmatch(text):
        return None
    if text.startswith(INDONESIA):
        # `+62 (0)812…` is a common way to write it; the trunk zero is not part of the number.
        national = text[len(INDONESIA) :]
        return _indonesian(national[1:] if national.startswith("0") else national)
    if international:
        if not _FOREIGN_MIN <= len(text) <= _FOREIGN_MAX or text.startswith("0"):
            return None
        return "+" + text
    if text.startswith("0"):
        return _indonesian(text[1:])
    return _indonesian(text)


def _indonesian(national: str) -> str | None:
    # Indonesian mobile numbers all begin 08…; landlines (0561…) cannot hold a Telegram account.
    if not national.startswith("8") or not _NATIONAL_MIN <= len(national) <= _NATIONAL_MAX:
        return None
    return f"+{INDONESIA}{national}"


def mask_phone(phone: str) -> str:
    """`+6281234567890` → `+62812****890`: enough to tell numbers apart in a log, not to dial."""
    if len(phone) < 10:
        return "****" + phone[-2:]
    return f"{phone[:6]}****{phone[-3:]}"


def display_phone(phone: str) -> str:
    """`+6281234567890` → `0812-3456-7890`: how a radio operator reads it out and dials it."""
    if not phone.startswith("+" + INDONESIA):
        return phone
    national = "0" + phone[len(INDONESIA) + 1 :]
    return "-".join(national[i : i + 4] for i in range(0, len(national), 4))
