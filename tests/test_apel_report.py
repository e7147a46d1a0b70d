"""The closing apel report follows the service's format: Jumlah / Kurang / Hadir per category,
Keterangan by reason with the names, the silent last."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.apel_report import (
    DEPLOYED,
    SILENT,
    UNLINKED,
    UNREACHABLE,
    build_report,
    keterangan_of,
)


@dataclass(frozen=True)
class Row:
    name: str
    category: str
    status: str
    reason: str | None = None


def test_per_category_jumlah_kurang_hadir_and_keterangan_in_the_service_order() -> None:
    rows = [
        Row("A", "BRIMOB", "yes"),
        Row("B", "BRIMOB", "no", "bko"),
        Row("C", "BRIMOB", "belum_menjawab"),
        Row("D", "BRIMOB", "no", "sakit"),
        Row("E", "BRIMOB", "no", "dik"),
        Row("F", "BRIMOB", "no", "sakit"),
        Row("G", "BRIMOB", "tak_terjangkau"),
        Row("H", "BRIMOB", "bertugas"),
        Row("I", "BRIMOB", "belum_terdaftar"),
        Row("J", "BRIMOB", "no", "dinas_luar"),
        Row("K", "POH", "yes"),
        Row("L", "POH", "no", "something-old"),
    ]
    report = build_report(rows)
    brimob, poh = report.categories
    assert (brimob.category, brimob.jumlah, brimob.kurang, brimob.hadir) == ("BRIMOB", 10, 9, 1)
    assert [(k, [p.name for p in people]) for k, people in brimob.keterangan] == [
        ("sakit", ["D", "F"]),
        ("dik", ["E"]),
        ("dinas_luar", ["J"]),
        ("bko", ["B"]),
        (DEPLOYED, ["H"]),
        (UNLINKED, ["I"]),
        (UNREACHABLE, ["G"]),
        (SILENT, ["C"]),
    ]
    # A reason the list no longer knows is still counted, as "lainnya".
    assert [(k, [p.name for p in ps]) for k, ps in poh.keterangan] == [("lainnya", ["L"])]
    assert (report.total.jumlah, report.total.hadir, report.total.kurang) == (12, 2, 10)
    assert report.total.count("sakit") == 2
    assert report.total.count("cuti") == 0
    assert not report.all_answered


def test_everyone_answered_when_nobody_is_silent_or_unreachable() -> None:
    report = build_report([Row("A", "POH", "yes"), Row("B", "POH", "no", "izin")])
    assert report.all_answered
    assert keterangan_of(Row("A", "POH", "yes")) is None
    assert keterangan_of(Row("B", "POH", "no", None)) == "lainnya"
