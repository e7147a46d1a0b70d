"""Every message of both catalogs, rendered with realistic arguments, fits a phone and speaks
like the service (issue 12, ../shared/UX.md): a monospace line at most 32 characters, a line
of data chained with `·` at most 60, a message at most 4,096 (a caption 1,024), only the
emoji of the fixed set, and none of the glossary's avoid-column terms in Indonesian."""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator

import pytest
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from bot.domain.apel import utf16_len
from bot.i18n import Catalog
from locales import ftl_files

MONOSPACE_MAX = 32
CHAIN_MAX = 60
MESSAGE_MAX = 4096
CAPTION_MAX = 1024
# The simulator's timeline is printed in a terminal, not sent to a phone: words only.
TERMINAL_PREFIX = "sim-"
# Messages sent as a document's or photo's caption.
CAPTION_KEYS = frozenset({"eks-caption", "eks-caption-empty", "sts-chart-caption"})

# UX.md "Status at a glance": each with one meaning. Nothing else that renders as an emoji.
EMOJI_SET = frozenset("✅❌⏳⏰📍🚫🔁🚨🟡")

# UX.md "Words (use · avoid)" and the list, for the Indonesian reference. Each pattern
# is a whole word or phrase; `lama` and `?` (also in the avoid column) are ordinary words and
# signs elsewhere ("paling lama 24 jam"), so they are left to review.
AVOID = {
    r"\bundangan\b|\bdiundang\b|\bmengundang\b": "panggilan / dipanggil",
    r"\bditerima\b": "siap berangkat",
    r"\bBERANGKAT\b": "siap berangkat",
    r"\bmenolak\b": "berhalangan",
    r"(?i)\btidak bisa\b": "berhalangan / tidak dapat",
    r"(?i)\bdibebastugaskan\b": "ditarik kembali ke satuan",
    r"(?i)\bdilepas\b": "ditarik kembali ke satuan",
    r"(?i)\bjabatan\b[^.\n]*\bdicabut\b|\bcopot jabatan\b": "peran … di Siaga dicabut",
    r"(?i)\bpelaku\b": "oleh",
    r"(?i)\btanpa ket\b|\btanpa jawaban\b|\bbelum menjawab\b": "belum lapor",
    r"(?i)\bblm\b": "perlu konfirmasi ulang",
    r"(?i)\btak terjangkau\b|\bbelum terkirim\b|\btidak terjangkau\b": "tidak dapat dihubungi",
    r"(?i)\bkartu\b": "rekap",
    r"(?i)\bdalam \S+ menit\b": "batas jawab + jam (23.09 WIB)",
    r"(?i)\borang\b": "personel",
    r"(?i)\bhuruf\b": "karakter",
    r"(?i)\bberkas\b": "file",
    r"(?i)\b(?:di)?nyalakan\b|\b(?:di)?matikan\b|\bmenyala\b|\bmati\b": "aktifkan / nonaktifkan",
    r"(?i)\bdiperbarui di tempat\b": "terus diperbarui",
    r"(?i)\btidak sedang ditunggu\b": "Bot sedang tidak menunggu pesan dari Anda",
    r"(?i)\btidak masuk akal\b|\bsingkat saja\b|\btidak jadi;": "polite and precise",
}

_LOCATION = "Kantor KPU Provinsi Kalimantan Barat, Jl. A. Yani, Pontianak"
assert len(_LOCATION) == 60
_MOMENT = "14 Feb 2024 23.04 WIB"
_COUNT = "3.294"

# Realistic arguments by variable name: long names with ranks, 4-digit counts, a 60-character
# location. Anything not listed is a count.
ARGS: dict[str, str | int] = {
    "account": "Muhammad Rizky Saputra Wijaya",
    "batch": "PENGERAHAN #1234 · BRIMOB",
    "categories": "BRIMOB, SAMAPTA",
    "category": "SAMAPTA",
    "chart": "disertakan",
    "chat": "-1001234567890",
    "closed": _MOMENT,
    "closes": "23.04 WIB",
    "command": "cekkesiapan",
    "commander": "AKBP Hendra Wijayakusuma",
    "confirmed": _MOMENT,
    "decider": "Kompol Raden Pratama Wijaya",
    "description": "Minta konfirmasi kesiapan dari personel dalam wewenang Anda",
    "distance": "1,2 km",
    "elapsed": "12 mnt 30 dtk",
    "error": "disk I/O error",
    "eta": "40 dtk",
    "example": "/mobilize BRIMOB 30 Kantor KPU Kalbar",
    "field": "telepon",
    "first": 41,
    "first_line": 12,
    "assembly": "Mako Satbrimob Polda Kalbar, Jl. Adisucipto, Kubu Raya",
    "label": "Belum terdaftar di bot",
    "names": ", ".join(["Bripka Muhammad Rizky Saputra Wijaya"] * 40),
    "place": _LOCATION,
    "position": "Dansat Brimob Polda Kalimantan Barat",
    "report_to": "Iptu Dedi Kurniawan 0812-3456-7890 / Rig 3",
    "task": "BKO Polres Sanggau, pengamanan rekapitulasi suara",
    "text": "mengantar keluarga berobat ke rumah sakit",
    "known": "POH, POLWAN, SAMAPTA, BRIMOB, OMB, LIONG, YANMAS",
    "lat": "-0.02634",
    "last": 45,
    "line": 1234,
    "location": _LOCATION,
    "lon": "109.34250",
    "mark": "📍",
    "mode": "satu pesan tersemat yang terus diperbarui",
    "name": "Bripka Muhammad Rizky Saputra Wijaya",
    "narrowed": " Hanya personel dalam wewenang Anda yang dipanggil.",
    "next": _MOMENT,
    "nrp": "87050123",
    "opened": _MOMENT,
    "opener": "Kombes Raden Pratama Wijaya",
    "parts": "3.294 belum terdaftar di bot · 120 sedang bertugas",
    "phone": "0812-3456-7890",
    "point": "radius 150 m",
    "progress": "Terkirim 2.100 / 3.294 · selesai ±40 dtk",
    "rate": "30,0",
    "real": "12 mnt 30 dtk",
    "reason": "dinas luar",
    "reasons": " (sakit 1.234 · izin 1.234 · cuti 1.234)",
    "ref": "Sprin/45/II/2024",
    "radius": "150 m",
    "reserve": "SAMAPTA",
    "role": "komandan",
    "scope": "BRIMOB, SAMAPTA, Polres Kubu Raya",
    "seconds": "12,5",
    "simulated": "3 jam 20 mnt",
    "share": "92",
    "start": _MOMENT,
    "state": "AKTIF",
    "summary": "BRIMOB 30, SAMAPTA 20",
    "time": _MOMENT,
    "title": " — Apel siaga pagi",
    "unit": "Polres Kubu Raya",
    "units": "Polres Kubu Raya, Polres Sanggau",
    "until": _MOMENT,
    "url": "https://maps.google.com/?q=-0.02634,109.34250",
    "username": "@rizky_saputra",
    "value": "BRIMOP",
    "windows": "18.00-23.59, 00.00-06.00",
}
# Numbers formatted by Fluent itself (NUMBER(...)) must be numbers.
for _name in ("line", "first_line", "first", "last"):
    assert isinstance(ARGS[_name], int)


def _entries(lang: str) -> Iterator[ast.Message]:
    for path in ftl_files(lang):
        for entry in FluentParser().parse(path.read_text("utf-8")).body:
            if isinstance(entry, ast.Message) and entry.value is not None:
                yield entry


def _shape(message: ast.Message) -> tuple[set[str], dict[str, list[str]]]:
    """The variables a message uses, and for each selector the variant keys it chooses from."""
    variables: set[str] = set()
    selectors: dict[str, list[str]] = {}

    class Collector(Visitor):
        def visit_VariableReference(self, node: ast.VariableReference) -> None:
            variables.add(node.id.name)

        def visit_SelectExpression(self, node: ast.SelectExpression) -> None:
            if isinstance(node.selector, ast.VariableReference):
                keys = selectors.setdefault(node.selector.id.name, [])
                for variant in node.variants:
                    key = variant.key
                    keys.append(key.name if isinstance(key, ast.Identifier) else key.value)
            self.generic_visit(node)

    Collector().visit(message)
    return variables, selectors


def _renderings(catalog: Catalog, lang: str) -> Iterator[tuple[str, str]]:
    """(key, html text) for every message, once for every combination of its selectors."""
    for message in _entries(lang):
        variables, selectors = _shape(message)
        base = {v: ARGS.get(v, _COUNT) for v in variables}
        names = sorted(selectors)
        for choice in itertools.product(*(_choices(selectors[n]) for n in names)):
            args = dict(base)
            args.update(zip(names, choice, strict=True))
            yield message.id.name, catalog.html(lang, message.id.name, **args)


# A plural category is reached with a number: Fluent matches the string "other" against
# numeric keys ([0]) before it falls back to the default variant.
_PLURAL_NUMBER = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 5, "other": 3294}


def _choices(keys: list[str]) -> list[str | int]:
    """The argument values that pick each variant of a selector."""
    numeric = any(k.isdigit() for k in keys)
    return [
        int(k) if k.isdigit() else _PLURAL_NUMBER[k] if numeric and k in _PLURAL_NUMBER else k
        for k in keys
    ]


def _visible(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _monospace_lines(text: str) -> Iterator[str]:
    """`<pre>` blocks, and `<code>` that is a line of its own (a table row): inline code in a
    sentence wraps with the sentence."""
    for block in re.findall(r"<pre>(.*?)</pre>", text, flags=re.S):
        yield from _visible(block).split("\n")
    for line in text.split("\n"):
        whole = re.fullmatch(r"\s*<code>(.*?)</code>\s*", line)
        if whole:
            yield _visible(whole.group(1))


def _emoji(text: str) -> set[str]:
    found = set()
    for char in text.replace("\ufe0f", ""):
        code = ord(char)
        if (
            code >= 0x1F000
            or 0x2300 <= code <= 0x23FF
            or 0x2600 <= code <= 0x27BF
            or 0x2B00 <= code <= 0x2BFF
            or code in (0x2139, 0x21A9, 0x21AA, 0x203C, 0x2049)
        ):
            found.add(char)
    return found


CATALOG = Catalog.load()

# Still to change, with the reason. Each entry is a debt: remove it with the change.
PENDING = {
    # "Mohon jawab dalam N menit": the clock time (`Jawab sebelum 23.09 WIB`) needs the deadline
    # of each invitation, which the call-out engine of issue 11 is reworking.
    "callout-invite-deadline",
}


def _fit_problems(key: str, text: str) -> list[str]:
    """What makes one rendered message unfit for a phone (an empty list: it fits)."""
    problems: list[str] = []
    limit = CAPTION_MAX if key in CAPTION_KEYS else MESSAGE_MAX
    if utf16_len(text) > limit:
        problems.append(f"{key}: {utf16_len(text)} > {limit} characters")
    stray = _emoji(text) - EMOJI_SET
    if stray:
        problems.append(f"{key}: emoji outside the set: {' '.join(sorted(stray))}")
    if key.startswith(TERMINAL_PREFIX):
        return problems
    problems.extend(
        f"{key}: monospace line of {len(line)} > {MONOSPACE_MAX}: {line!r}"
        for line in _monospace_lines(text)
        if len(line) > MONOSPACE_MAX
    )
    problems.extend(
        f"{key}: · chain of {len(line)} > {CHAIN_MAX}: {line!r}"
        for line in _visible(text).split("\n")
        if "·" in line and len(line) > CHAIN_MAX
    )
    return problems


def _word_problems(key: str, text: str) -> list[str]:
    """Avoid-column terms in an Indonesian message."""
    visible = _visible(text)
    return [
        f"{key}: {hit.group(0)!r} → {use}"
        for pattern, use in AVOID.items()
        if (hit := re.search(pattern, visible))
    ]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_message_fits_a_phone(lang: str) -> None:
    problems: list[str] = []
    rendered = 0
    for key, text in _renderings(CATALOG, lang):
        rendered += 1
        problems.extend(_fit_problems(key, text))
    assert rendered > 500
    assert sorted(set(problems)) == []


def test_indonesian_uses_the_glossary_words() -> None:
    problems: list[str] = []
    for key, text in _renderings(CATALOG, "id"):
        if key not in PENDING:
            problems.extend(_word_problems(key, text))
    assert sorted(set(problems)) == []


def test_the_checks_catch_what_they_are_for() -> None:
    """Each rule is tripped by a message that breaks it, and only by that."""
    row = "BRIMOB     180   142    6   30 extra"
    assert _fit_problems("k", f"<pre>{row}</pre>")
    assert _fit_problems("k", f"<code>{row}</code>")
    assert not _fit_problems("k", f"Contoh: <code>{row}</code>")
    assert _fit_problems("k", " · ".join(["Dipanggil 3.294"] * 4))
    assert not _fit_problems("k", "\n".join(["Dipanggil 3.294"] * 4))
    assert _fit_problems("k", "x" * 4097)
    assert _choices(["0", "other"]) == [0, 3294]
    assert _choices(["cek", "other"]) == ["cek", "other"]
    assert _fit_problems("eks-caption", "x" * 1025)
    assert not _fit_problems("eks-caption", "x" * 1024)
    for stray in ("⚠️", "🔔", "✖️", "\u2795", "↩", "🇮🇩", "📊", "⚡"):
        assert _fit_problems("k", f"{stray} Pengingat"), stray
    assert not _fit_problems("k", "✅ ❌ ⏳ ⏰ 📍 🚫 🔁 🚨 🟡 → · \u2013 ±")
    for bad in (
        "3 menolak",
        "Tidak bisa",
        "undangan",
        "dibebastugaskan",
        "Pelaku",
        "tanpa ket",
        "tak terjangkau",
        "kartu",
        "dalam 5 menit",
        "12 orang",
        "40 huruf",
        "Nyalakan",
    ):
        assert _word_problems("k", bad), bad
    assert not _word_problems("k", "✅ 24 siap berangkat · ❌ 4 berhalangan · 30 personel")
