"""The closing report of a roll call in the service's own format (laporan apel): per category
Jumlah / Kurang / Hadir, then Keterangan — who is missing and why, reason by reason with the
names — and last those who did not answer. The chat report and the exported file both follow
it. Pure: the caller passes what storage classified for each person targeted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from bot.domain.reasons import REASONS, known

# Why someone is missing besides a reason they gave themselves, in the report's order: first
# what the command already knows (deployed on a call-out, taken off the roster, never linked to
# the bot), then the people it must still chase (the bot cannot reach them; silent).
DEPLOYED = "bertugas"
INACTIVE = "nonaktif"
UNLINKED = "belum_terdaftar"
UNREACHABLE = "tidak_dapat_dihubungi"
SILENT = "belum_lapor"
KETERANGAN = (*REASONS, DEPLOYED, INACTIVE, UNLINKED, UNREACHABLE, SILENT)
# The people the commander must still call: listed with their phone numbers.
NOT_ANSWERED = (UNREACHABLE, SILENT)

# storage.apel's classification of a target → the report's keterangan (None: present).
_BY_STATUS = {
    "yes": None,
    "bertugas": DEPLOYED,
    "nonaktif": INACTIVE,
    "belum_terdaftar": UNLINKED,
    "tak_terjangkau": UNREACHABLE,
    "belum_menjawab": SILENT,
}


class Entry(Protocol):
    """One person the roll call concerned, as storage classified them."""

    @property
    def category(self) -> str: ...

    @property
    def status(self) -> str: ...  # yes / no / bertugas / belum_menjawab / …

    @property
    def reason(self) -> str | None: ...


E = TypeVar("E", bound=Entry)


def keterangan_of(entry: Entry) -> str | None:
    """Why this person is not counted present (one of KETERANGAN), or None when present."""
    if entry.status == "no":
        return known(entry.reason)
    return _BY_STATUS.get(entry.status, SILENT)


@dataclass(frozen=True)
class Line(Generic[E]):
    """One category (or the whole roll call): Jumlah / Kurang / Hadir and the missing."""

    category: str  # "" for the whole roll call
    jumlah: int
    hadir: int
    # (keterangan, the people), in KETERANGAN's order, only those with somebody.
    keterangan: tuple[tuple[str, tuple[E, ...]], ...]

    @property
    def kurang(self) -> int:
        return self.jumlah - self.hadir

    def count(self, keterangan: str) -> int:
        return next((len(people) for k, people in self.keterangan if k == keterangan), 0)


@dataclass(frozen=True)
class ApelReport(Generic[E]):
    categories: tuple[Line[E], ...]
    total: Line[E]

    @property
    def all_answered(self) -> bool:
        return not any(self.total.count(k) for k in NOT_ANSWERED)


def build_report(entries: Iterable[E]) -> ApelReport[E]:
    """Categories in code order; within a keterangan, people in the order given."""
    by_category: dict[str, list[E]] = {}
    everyone: list[E] = []
    for entry in entries:
        by_category.setdefault(entry.category, []).append(entry)
        everyone.append(entry)
    return ApelReport(
        tuple(_line(code, by_category[code]) for code in sorted(by_category)),
        _line("", everyone),
    )


def _line(category: str, people: list[E]) -> Line[E]:
    missing: dict[str, list[E]] = {}
    hadir = 0
    for person in people:
        why = keterangan_of(person)
        if why is None:
            hadir += 1
        else:
            missing.setdefault(why, []).append(person)
    return Line(
        category,
        len(people),
        hadir,
        tuple((k, tuple(missing[k])) for k in KETERANGAN if k in missing),
    )
