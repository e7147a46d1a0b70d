"""A synthetic, plausible roster of Polda Kalbar's reserve, for demos and load tests.

Deterministic for a seed: the same seed always gives the same people, so a demo or a
benchmark can be repeated. Nobody in it is real; names are drawn from the mix one meets in
West Kalimantan (Melayu, Dayak, Tionghoa-Indonesian, Javanese and other migrants).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from pathlib import Path

from bot.domain.roster import DEFAULT_ROLE, RosterRow

# The founding case (West Kalimantan, Feb 2024): 3,294 personnel in seven categories.
DEFAULT_CATEGORIES: tuple[tuple[str, int], ...] = (
    ("POH", 291),
    ("POLWAN", 200),
    ("SAMAPTA", 61),
    ("BRIMOB", 180),
    ("OMB", 546),
    ("LIONG", 183),
    ("YANMAS", 1833),
)

POLDA = "Polda Kalbar"
SATBRIMOB = "Satbrimob Polda Kalbar"
# Kalbar's district commands, weighted roughly by the size of their force.
POLRES: tuple[tuple[str, int], ...] = (
    ("Polresta Pontianak", 10),
    ("Polres Kubu Raya", 6),
    ("Polres Mempawah", 4),
    ("Polres Singkawang", 4),
    ("Polres Bengkayang", 3),
    ("Polres Landak", 4),
    ("Polres Sambas", 5),
    ("Polres Sanggau", 5),
    ("Polres Sekadau", 2),
    ("Polres Sintang", 5),
    ("Polres Melawi", 2),
    ("Polres Kapuas Hulu", 4),
    ("Polres Ketapang", 5),
    ("Polres Kayong Utara", 2),
)
UNITS: tuple[str, ...] = (POLDA, SATBRIMOB, *(name for name, _ in POLRES))

# Where each category's people serve: Brimob and Ditsamapta are Polda formations, the
# strike reserve sits mostly at Polda, everything else comes from every district.
_SPREAD: tuple[tuple[str, int], ...] = ((POLDA, 8), *POLRES)
_UNITS_OF: dict[str, tuple[tuple[str, int], ...]] = {
    "BRIMOB": ((SATBRIMOB, 1),),
    "SAMAPTA": ((POLDA, 1),),
    "POH": ((POLDA, 40), *POLRES),
}

# Ranks of the rank and file (weights per mille): mostly Bripda to Aiptu, a few officers.
# Brimob's young members are Bhayangkara.
_RANKS: tuple[tuple[str, int], ...] = (
    ("Bripda", 230),
    ("Briptu", 210),
    ("Brigpol", 185),
    ("Bripka", 140),
    ("Aipda", 95),
    ("Aiptu", 80),
    ("Bharada", 25),
    ("Ipda", 20),
    ("Iptu", 10),
    ("AKP", 5),
)
_BRIMOB_RANKS: tuple[tuple[str, int], ...] = (
    ("Bharada", 22),
    ("Bharatu", 14),
    ("Bharaka", 8),
    ("Bripda", 14),
    ("Briptu", 14),
    ("Brigpol", 10),
    ("Bripka", 8),
    ("Aipda", 4),
    ("Aiptu", 3),
    ("Ipda", 2),
    ("Iptu", 1),
)
# Who commands a unit: its chief, and in a bigger unit a deputy or section head.
_CHIEF_RANKS = {POLDA: ("Kombes", "AKBP"), SATBRIMOB: ("Kombes", "AKBP")}
_POLRES_CHIEF_RANKS = ("AKBP", "Kompol")
_DEPUTY_RANKS = ("Kompol", "AKP")
_SECOND_COMMANDER_FROM = 20  # people in a unit before it gets a second komandan

# Age range per rank in the reference year: the NRP starts with the birth year and month.
_REFERENCE_YEAR = 2024
_AGES: dict[str, tuple[int, int]] = {
    "Bharada": (19, 24),
    "Bharatu": (21, 27),
    "Bharaka": (23, 31),
    "Bripda": (19, 25),
    "Briptu": (22, 29),
    "Brigpol": (25, 35),
    "Bripka": (30, 42),
    "Aipda": (35, 48),
    "Aiptu": (40, 57),
    "Ipda": (28, 52),
    "Iptu": (30, 52),
    "AKP": (32, 53),
    "Kompol": (36, 54),
    "AKBP": (40, 56),
    "Kombes": (45, 57),
}

# Mobile prefixes of the Indonesian operators (Telkomsel, Indosat, XL, Tri, Smartfren, Axis).
_PHONE_PREFIXES = (
    "0811", "0812", "0813", "0821", "0822", "0823", "0852", "0853",
    "0814", "0815", "0816", "0855", "0856", "0857", "0858",
    "0817", "0818", "0819", "0859", "0877", "0878",
    "0895", "0896", "0897", "0898", "0899", "0881", "0882", "0883", "0831", "0838",
)  # fmt: skip


class _Origin:
    def __init__(
        self, weight: int, male: str, female: str, family: str, mononym: float = 0.0
    ) -> None:
        self.weight = weight
        self.male = tuple(male.split())
        self.female = tuple(female.split())
        self.family = tuple(family.split())
        self.mononym = mononym  # share of people known by a single name


_ORIGINS = (
    _Origin(  # Melayu (Pontianak, Sambas, Ketapang, Mempawah)
        34,
        "Muhammad Syarif Abdul Rahmat Hamdan Zulkarnain Firdaus Hairul Sudirman Jumadi Rusdi"
        " Ismail Ridwan Hasbullah Uray Gusti Fauzan Khairul Syahrul Rizal",
        "Siti Nurul Utin Dayang Syarifah Nurhayati Fatimah Aisyah Rahmawati Zahra Halimah",
        "Alkadrie Syahputra Hamdani Rahman Usman Hasan Ismail Mahmud Junaidi Ramadhan Hidayat"
        " Effendi Abdullah Saleh Hamid",
    ),
    _Origin(  # Dayak (Landak, Sanggau, Sintang, Kapuas Hulu, Bengkayang)
        28,
        "Yohanes Stefanus Paulus Markus Antonius Fransiskus Agustinus Kristianus Yosef Petrus"
        " Lukas Matius Benediktus Heronimus Martinus Yakobus Lasarus",
        "Maria Theresia Veronika Yuliana Agnes Magdalena Lusia Kristina Elisabeth Florensia"
        " Katarina Yosefina",
        "Lejo Juing Ason Bujang Tingang Anyi Nyangun Ading Uyub Garang Dunggat Anyeq Kanyan"
        " Nyelong Sanjaya",
    ),
    _Origin(  # Javanese, Sundanese and other transmigrants
        22,
        "Agus Budi Dedi Eko Joko Slamet Wahyu Bambang Hendro Sugeng Teguh Yudi Fajar Bayu Dimas"
        " Andi Rizky Arif Ilham Gilang",
        "Dewi Sri Ayu Lestari Wulan Yuni Rina Indah Fitri Putri Anisa Dian Ratna Novita",
        "Santoso Pratama Setiawan Nugroho Kurniawan Wibowo Susanto Prasetyo Saputra Purnomo"
        " Hartono Sulistyo Firmansyah Maulana",
        mononym=0.12,
    ),
    _Origin(  # Tionghoa-Indonesian (Singkawang, Pontianak)
        8,
        "Hendra Suryadi Hartono Sugianto Rudy Ferry Andreas Kevin Hendrik Sandi Welly Budiman",
        "Sherly Lily Meiliana Susanti Yenny Linda Mery Fenny Vivian Cindy",
        "Tjhai Bong Phang Lie Tjhin Halim Gunawan Wijaya Tanoto Lim Chandra Kurniadi",
    ),
    _Origin(  # Batak and other Sumatran families
        8,
        "Daniel Roy Togar Parlindungan Jhonson Ricardo Edward Samuel Hotman Rudolf",
        "Rosalina Nova Melati Sondang Debora Rut Hana Imelda",
        "Siregar Simanjuntak Nasution Harahap Sihombing Lubis Manurung Sitompul Pasaribu"
        " Tampubolon",
    ),
)
_POLWAN_ELSEWHERE = 0.06  # share of policewomen outside the POLWAN category


def scale_counts(categories: Sequence[tuple[str, int]], total: int) -> list[tuple[str, int]]:
    """Proportional sizes adding up to exactly `total` (largest remainder, ties in order)."""
    if total < 0:
        raise ValueError("a roster cannot have fewer than 0 people")
    whole = sum(size for _, size in categories)
    if whole <= 0:
        raise ValueError("the categories have no personnel to scale")
    exact = [(code, size * total / whole) for code, size in categories]
    counts = {code: int(share) for code, share in exact}
    left = total - sum(counts.values())
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] - int(exact[i][1])), i))
    for index in by_remainder[:left]:
        counts[exact[index][0]] += 1
    return [(code, counts[code]) for code, _ in categories]


def generate_demo_roster(
    categories: Sequence[tuple[str, int]] = DEFAULT_CATEGORIES,
    *,
    size: int | None = None,
    seed: int = 2024,
) -> list[RosterRow]:
    """Exactly the given number of people per category (scaled to `size` when given).

    Each unit with people gets one komandan (two from 20 people up), an officer.
    """
    counts = list(categories) if size is None else scale_counts(categories, size)
    # The draw depends on the total too: otherwise rosters of two sizes from one seed share
    # a shifted stream of NRPs, and importing one after the other "updates" strangers.
    rng = random.Random(f"siaga-demo:{seed}:{sum(n for _, n in counts)}")
    placed: list[tuple[str, str]] = []  # (category, unit), in roster order
    for code, count in counts:
        choices = _UNITS_OF.get(code.upper(), _SPREAD)
        units = [u for u, _ in choices]
        weights = [w for _, w in choices]
        placed.extend((code, unit) for unit in rng.choices(units, weights, k=count))

    by_unit: dict[str, list[int]] = {}
    for index, (_, unit) in enumerate(placed):
        by_unit.setdefault(unit, []).append(index)
    commanders: dict[int, str] = {}
    for unit in UNITS:  # fixed order, so the draw does not depend on dict history
        members = by_unit.get(unit, [])
        if not members:
            continue
        picked = rng.sample(members, 2 if len(members) >= _SECOND_COMMANDER_FROM else 1)
        chief_ranks = _CHIEF_RANKS.get(unit, _POLRES_CHIEF_RANKS)
        commanders[picked[0]] = rng.choice(chief_ranks)
        for deputy in picked[1:]:
            commanders[deputy] = rng.choice(_DEPUTY_RANKS)

    nrps: set[str] = set()
    phones: set[str] = set()
    rows: list[RosterRow] = []
    for index, (code, unit) in enumerate(placed):
        if index in commanders:
            rank, role = commanders[index], "komandan"
        else:
            table = _BRIMOB_RANKS if code.upper() == "BRIMOB" else _RANKS
            rank = rng.choices([r for r, _ in table], [w for _, w in table])[0]
            role = DEFAULT_ROLE
        female = code.upper() == "POLWAN" or rng.random() < _POLWAN_ELSEWHERE
        rows.append(
            RosterRow(
                line=index + 2,  # after the header line
                nrp=_nrp(rng, rank, nrps),
                name=_name(rng, female),
                rank=rank,
                category=code,
                unit=unit,
                phone=_phone(rng, phones),
                role=role,
            )
        )
    return rows


def _name(rng: random.Random, female: bool) -> str:
    origin = rng.choices(_ORIGINS, [o.weight for o in _ORIGINS])[0]
    firsts = origin.female if female else origin.male
    first = rng.choice(firsts)
    if rng.random() < origin.mononym:
        return first
    if rng.random() < 0.2:
        second = rng.choice(firsts)
        if second != first:
            first = f"{first} {second}"
    return f"{first} {rng.choice(origin.family)}"


def _nrp(rng: random.Random, rank: str, taken: set[str]) -> str:
    """`YYMM` of birth and a four-digit serial, like a real NRP; unique within the roster."""
    low, high = _AGES.get(rank, (20, 50))
    while True:
        year = _REFERENCE_YEAR - rng.randint(low, high)
        nrp = f"{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(0, 9999):04d}"
        if nrp not in taken:
            taken.add(nrp)
            return nrp


def _phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        digits = 8 if rng.random() < 0.8 else 7
        phone = rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(10**digits):0{digits}d}"
        if phone not in taken:
            taken.add(phone)
            return phone


ROSTER_CSV_HEADER = ("nrp", "nama", "pangkat", "kategori", "satuan", "telepon", "peran")


def write_roster_csv(rows: Sequence[RosterRow], path: Path) -> None:
    """The rows as an importable CSV with Indonesian headers (UTF-8, comma-separated)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ROSTER_CSV_HEADER)
        for row in rows:
            writer.writerow(
                (row.nrp, row.name, row.rank, row.category, row.unit, row.phone, row.role)
            )
