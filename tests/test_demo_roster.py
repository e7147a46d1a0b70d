"""The synthetic roster: exact counts, unique keys, the same people for the same seed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.domain.roster import OFFICER_RANKS, parse_roster
from bot.rehearsal.demo_roster import (
    DEFAULT_CATEGORIES,
    UNITS,
    generate_demo_roster,
    scale_counts,
    write_roster_csv,
)

CODES = [code for code, _ in DEFAULT_CATEGORIES]


def test_the_default_is_the_founding_case_exactly() -> None:
    rows = generate_demo_roster()
    assert len(rows) == 3294
    assert Counter(r.category for r in rows) == dict(DEFAULT_CATEGORIES)


def test_nrps_and_phones_are_unique_and_plausible() -> None:
    rows = generate_demo_roster()
    assert len({r.nrp for r in rows}) == len(rows)
    assert len({r.phone for r in rows}) == len(rows)
    assert all(len(r.nrp) == 8 and r.nrp.isdigit() for r in rows)
    assert all(r.phone.startswith("08") and 11 <= len(r.phone) <= 12 for r in rows)
    assert len({r.name for r in rows}) > 1000
    # Kalbar's names: Dayak, Melayu and Tionghoa-Indonesian among the others.
    names = " ".join(r.name for r in rows)
    assert all(word in names for word in ("Yohanes", "Alkadrie", "Tjhai", "Syarif"))


def test_same_seed_same_people_other_seed_other_people() -> None:
    assert generate_demo_roster(seed=7) == generate_demo_roster(seed=7)
    assert generate_demo_roster(seed=7) != generate_demo_roster(seed=8)


def test_every_unit_has_one_or_two_officer_commanders() -> None:
    rows = generate_demo_roster()
    commanders = Counter(r.unit for r in rows if r.role == "komandan")
    assert set(commanders) == set(UNITS)
    assert all(1 <= n <= 2 for n in commanders.values())
    assert all(r.rank in OFFICER_RANKS for r in rows if r.role == "komandan")
    ranks = Counter(r.rank for r in rows)
    rank_and_file = sum(
        ranks[r] for r in ("Bripda", "Briptu", "Brigpol", "Bripka", "Aipda", "Aiptu")
    )
    assert rank_and_file > 0.8 * len(rows)
    assert sum(ranks[r] for r in OFFICER_RANKS) < 0.08 * len(rows)


def test_every_row_validates_when_written_and_read_back(tmp_path: Path) -> None:
    rows = generate_demo_roster()
    path = tmp_path / "demo.csv"
    write_roster_csv(rows, path)
    result = parse_roster(path.read_bytes(), CODES)
    assert result.errors == []
    assert [(r.line, r.nrp, r.role) for r in result.rows] == [
        (r.line, r.nrp, r.role) for r in rows
    ]


@pytest.mark.parametrize("size", [0, 1, 7, 100, 1000, 5000, 20000])
def test_size_scales_the_categories_to_an_exact_total(size: int) -> None:
    rows = generate_demo_roster(size=size)
    assert len(rows) == size
    counts = Counter(r.category for r in rows)
    for code, strength in DEFAULT_CATEGORIES:
        assert abs(counts[code] - strength * size / 3294) < 1


def test_scale_counts_is_largest_remainder() -> None:
    assert scale_counts([("A", 1), ("B", 1), ("C", 1)], 4) == [("A", 2), ("B", 1), ("C", 1)]
    assert scale_counts(DEFAULT_CATEGORIES, 3294) == list(DEFAULT_CATEGORIES)
    with pytest.raises(ValueError, match="no personnel"):
        scale_counts([("A", 0)], 10)


def test_other_categories_are_spread_over_the_units() -> None:
    rows = generate_demo_roster([("DALMAS", 300), ("BRIMOB", 50)], seed=1)
    assert Counter(r.category for r in rows) == {"DALMAS": 300, "BRIMOB": 50}
    assert len({r.unit for r in rows if r.category == "DALMAS"}) > 10
    assert {r.unit for r in rows if r.category == "BRIMOB"} == {"Satbrimob Polda Kalbar"}
