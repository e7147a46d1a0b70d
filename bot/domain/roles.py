"""Parsing admins' role orders: `/angkat NRP komandan [SATUAN|KATEGORI]`, `/copot NRP`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.domain.refusal import Refusal


@dataclass(frozen=True)
class Appointment:
    nrp: str
    role: str  # 'komandan' or 'admin'
    scope_kind: str | None  # 'unit', 'category' or None (the person's own unit)
    scope_value: str | None


_ROLE_WORDS = {"komandan": "komandan", "commander": "komandan", "admin": "admin"}


def parse_appointment(
    args: list[str], categories: Collection[str], units: Collection[str]
) -> Appointment | Refusal:
    if len(args) < 2:
        return Refusal("roles-usage-angkat")
    nrp, role_word, *rest = args
    if not _is_nrp(nrp):
        return Refusal("roles-nrp-invalid", {"value": nrp})
    role = _ROLE_WORDS.get(role_word.lower())
    if role is None:
        return Refusal("roles-unknown-role", {"value": role_word})
    if not rest:
        return Appointment(nrp, role, None, None)
    target = " ".join(rest)
    if target.upper() in categories:
        return Appointment(nrp, role, "category", target.upper())
    by_folded = {u.casefold(): u for u in units}
    if target.casefold() in by_folded:
        return Appointment(nrp, role, "unit", by_folded[target.casefold()])
    return Refusal("roles-unknown-scope", {"value": target})


def parse_nrp(args: list[str]) -> str | Refusal:
    if len(args) != 1:
        return Refusal("roles-usage-nrp")
    if not _is_nrp(args[0]):
        return Refusal("roles-nrp-invalid", {"value": args[0]})
    return args[0]


def _is_nrp(word: str) -> bool:
    # ASCII only: "²" and "٣" are digits to str.isdigit(), never part of an NRP.
    return word.isascii() and word.isdigit()
