"""The dashboard's pure rules: Telegram's initData check, big-screen links, lists, rings."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.domain.dashboard import (
    Denial,
    InitData,
    ListQuery,
    check_init_data,
    check_screen_token,
    commander_viewer,
    cut_list,
    init_data_for,
    parse_list_query,
    parse_validity,
    plot_offset,
    plot_scale,
    screen_token,
    shell_language,
)

TOKEN = "123456789:AAEtestTokenForSiagaEndToEndTests_x"
NOW = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_initdata_signed_as_telegram_documents_is_accepted() -> None:
    # Built by hand from Telegram's description, not by the module's own signer.
    fields = {
        "auth_date": str(int(NOW.timestamp())),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": 2001, "first_name": "Hendra", "language_code": "en"}),
    }
    check_string = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check_string.encode(), hashlib.sha256).hexdigest()
    raw = urlencode({**fields, "hash": digest})
    assert check_init_data(raw, TOKEN, NOW, HOUR) == InitData(2001, "en", NOW)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda f: f | {"user": f["user"].replace("2001", "2002")}, "bad signature"),
        (lambda f: f | {"auth_date": str(int(f["auth_date"]) - 1)}, "bad signature"),
        (lambda f: f | {"hash": "0" * 64}, "bad signature"),
        (lambda f: {k: v for k, v in f.items() if k != "hash"}, "bad signature"),
    ],
)
def test_tampered_initdata_is_refused(change: object, reason: str) -> None:
    fields = dict(parse_qsl(init_data_for(2001, TOKEN, NOW)))
    raw = urlencode(change(fields))  # type: ignore[operator]
    assert check_init_data(raw, TOKEN, NOW, HOUR) == Denial(401, reason)


def test_initdata_of_another_bot_is_refused() -> None:
    other = init_data_for(2001, "987654321:BBEanotherBotTokenForSiagaTests_yy", NOW)
    assert check_init_data(other, TOKEN, NOW, HOUR) == Denial(401, "bad signature")


def test_stale_and_future_initdata_are_refused() -> None:
    old = init_data_for(2001, TOKEN, NOW - HOUR - timedelta(seconds=1))
    assert check_init_data(old, TOKEN, NOW, HOUR) == Denial(401, "stale")
    fresh = init_data_for(2001, TOKEN, NOW - HOUR + timedelta(seconds=1))
    assert isinstance(check_init_data(fresh, TOKEN, NOW, HOUR), InitData)
    future = init_data_for(2001, TOKEN, NOW + timedelta(minutes=10))
    assert check_init_data(future, TOKEN, NOW, HOUR) == Denial(401, "from the future")


@pytest.mark.parametrize("raw", ["", "hash", "a=1&a=2&hash=x", "%%%", "x" * 5000])
def test_garbage_initdata_is_refused(raw: str) -> None:
    assert isinstance(check_init_data(raw, TOKEN, NOW, HOUR), Denial)


def test_screen_links_are_signed_and_expire() -> None:
    token = screen_token(TOKEN, 7, NOW + HOUR)
    checked = check_screen_token(token, TOKEN, NOW)
    assert not isinstance(checked, Denial)
    assert checked.link_id == 7
    assert check_screen_token(token, TOKEN, NOW + HOUR) == Denial(403, "expired")
    link, expires, signature = token.split(".")
    assert check_screen_token(f"8.{expires}.{signature}", TOKEN, NOW) == Denial(
        401, "bad signature"
    )
    longer = f"{link}.{int(expires) + 3600}.{signature}"
    assert check_screen_token(longer, TOKEN, NOW) == Denial(401, "bad signature")
    assert check_screen_token(token, "1:" + "x" * 40, NOW) == Denial(401, "bad signature")
    assert check_screen_token("../../etc", TOKEN, NOW) == Denial(401, "malformed")


@pytest.mark.parametrize(
    ("text", "hours"),
    [("", 24), ("12", 12), ("12j", 12), ("12 jam", 12), ("8h", 8), ("3 hari", 72), ("2d", 48)],
)
def test_validity(text: str, hours: int) -> None:
    assert parse_validity(text) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["0", "8 hari", "200", "satu hari", "-3", "12 minggu"])
def test_validity_refused(text: str) -> None:
    assert parse_validity(text) is None


def test_only_commanders_with_a_scope_view() -> None:
    common = {"units": [], "categories": ["BRIMOB"]}
    assert commander_viewer(1, "id", is_admin=False, is_commander=False, **common) == Denial(
        403, "not a commander"
    )
    empty = commander_viewer(1, "id", is_admin=False, is_commander=True, units=[], categories=[])
    assert empty == Denial(403, "no scope")
    viewer = commander_viewer(1, "id", is_admin=False, is_commander=True, **common)
    assert not isinstance(viewer, Denial)
    assert viewer.names
    assert viewer.scope.categories == frozenset({"BRIMOB"})
    admin = commander_viewer(2, "en", is_admin=True, is_commander=False, units=[], categories=[])
    assert not isinstance(admin, Denial)
    assert admin.scope.everything


ROWS = [
    {"category": c, "unit": u, "state": s, "name": n}
    for c, u, s, n in [
        ("BRIMOB", "Kompi 1", "siap", "dedi"),
        ("BRIMOB", "Kompi 2", "unknown", "andi"),
        ("POH", "Polresta", "unknown", "budi"),
        ("BRIMOB", "Kompi 1", "unreachable", "eko"),
    ]
]
ORDER = ("unreachable", "unknown", "siap")


def test_lists_filter_and_sort_by_urgency_then_name() -> None:
    page = cut_list(ROWS, ListQuery(), dict, ORDER)
    assert [r["name"] for r in page.rows] == ["eko", "andi", "budi", "dedi"]
    page = cut_list(ROWS, ListQuery(category="BRIMOB", state="unknown"), dict, ORDER)
    assert [r["name"] for r in page.rows] == ["andi"]
    page = cut_list(ROWS, ListQuery(sort="name", descending=True), dict, ORDER)
    assert [r["name"] for r in page.rows] == ["eko", "dedi", "budi", "andi"]


def test_lists_paginate() -> None:
    rows = [
        {"category": "X", "unit": "U", "state": "siap", "name": f"{i:03d}"} for i in range(120)
    ]
    first = cut_list(rows, ListQuery(sort="name"), dict, ORDER)
    assert (len(first.rows), first.pages, first.total) == (50, 3, 120)
    last = cut_list(rows, ListQuery(sort="name", page=9), dict, ORDER)
    assert last.page == 3
    assert [r["name"] for r in last.rows] == [f"{i:03d}" for i in range(100, 120)]


def test_list_query_ignores_what_it_does_not_know() -> None:
    query = parse_list_query({"sort": "phone", "page": "x", "dir": "desc", "unit": "Kompi 1"})
    assert query == ListQuery(unit="Kompi 1", sort="state", descending=True, page=1)


def test_arrivals_on_the_rings() -> None:
    site = (-0.0263, 109.3425)
    north_300m = (site[0] + 300 / 111_195, site[1])
    point = plot_offset(site, north_300m, 1000, 500)
    assert point.inside
    assert point.x == pytest.approx(0, abs=0.001)
    assert point.y == pytest.approx(0.3, abs=0.005)
    far = plot_offset(site, (site[0], site[1] + 0.5), 1000, 500)
    assert not far.inside
    assert (far.x, far.y) == (1.0, 0.0)  # clamped to the edge, pointing east
    assert plot_scale(500, []) == 625
    assert plot_scale(500, [900]) == pytest.approx(990)
    assert plot_scale(500, [50_000]) == 1500


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("en-US,en;q=0.9,id;q=0.8", "en"),
        ("fr-FR, id;q=0.5, en;q=0.7", "en"),
        ("ID", "id"),
        ("fr, de;q=0.9", "id"),
        ("en;q=0, id;q=0.1", "id"),
        ("en;q=oops, id", "id"),
        ("", "id"),
        (None, "id"),
    ],
)
def test_the_mini_app_page_speaks_the_browsers_language(header: str | None, language: str) -> None:
    assert shell_language(header, ("id", "en"), "id") == language
