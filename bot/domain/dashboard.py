"""The dashboard's rules: who a web request is, what they may see, and how lists are cut.

Telegram-free and I/O-free: `now` and the bot token come in as parameters.

- A Mini App request carries Telegram's `initData` (a query string signed with a key derived
  from the bot token, Telegram's documented scheme): `check_init_data` verifies the HMAC and
  the `auth_date` freshness and names the Telegram user.
- A posko's big screen carries a signed link `<id>.<expiry>.<signature>`: `check_screen_token`
  verifies signature and expiry; revocation is a database row (the caller checks it).
- `Viewer` says what a request may see: commanders get their scope with names and phones,
  a screen its group's scope as counts only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar
from urllib.parse import parse_qsl, urlencode

from bot.domain.status import StatusScope

# Telegram's constant for Mini Apps: secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token).
_WEB_APP_KEY = b"WebAppData"
# Our own label for big-screen links, so a screen signature can never pass as initData.
_SCREEN_KEY = b"SiagaScreenLink"
# A clock a little ahead on Telegram's side is not an attack; more than this is.
CLOCK_SKEW = timedelta(minutes=2)
DEFAULT_SCREEN_VALIDITY = timedelta(hours=24)
MAX_SCREEN_VALIDITY = timedelta(days=7)
PAGE_SIZE = 50


# -- Mini App initData ------------------------------------------------------------------------


@dataclass(frozen=True)
class InitData:
    """The verified facts of one initData: who opened the Mini App, when, in which language."""

    user_id: int
    language: str | None
    auth_date: datetime


@dataclass(frozen=True)
class Denial:
    """Why a web request is not let in: `status` 401 (not who it says) or 403 (no longer
    valid). An HTTP answer with a reason for the log, not a message (that is a `Refusal`)."""

    status: int
    reason: str


def _web_app_secret(bot_token: str) -> bytes:
    return hmac.new(_WEB_APP_KEY, bot_token.encode(), hashlib.sha256).digest()


def _data_check_string(fields: Iterable[tuple[str, str]]) -> bytes:
    """Every field but `hash`, as `key=value`, sorted by key, joined by newlines."""
    return "\n".join(f"{k}={v}" for k, v in sorted(fields) if k != "hash").encode()


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """initData as Telegram would send it for these fields (tests, benches, the simulator)."""
    digest = hmac.new(
        _web_app_secret(bot_token), _data_check_string(fields.items()), hashlib.sha256
    ).hexdigest()
    return urlencode({**fields, "hash": digest})


def init_data_for(user_id: int, bot_token: str, auth_date: datetime, language: str = "id") -> str:
    """The initData Telegram gives a Mini App opened by this user at `auth_date`."""
    user = json.dumps(
        {"id": user_id, "first_name": f"User{user_id}", "language_code": language},
        separators=(",", ":"),
    )
    return sign_init_data(
        {"auth_date": str(int(auth_date.timestamp())), "query_id": f"q{user_id}", "user": user},
        bot_token,
    )


def check_init_data(
    raw: str, bot_token: str, now: datetime, max_age: timedelta
) -> InitData | Denial:
    """Telegram's check: the HMAC over the sorted data-check-string, then freshness."""
    if not raw or len(raw) > 4096:
        return Denial(401, "missing")
    try:
        fields = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return Denial(401, "malformed")
    keys = [k for k, _ in fields]
    if len(keys) != len(set(keys)):
        return Denial(401, "duplicate field")
    values = dict(fields)
    offered = values.get("hash", "")
    expected = hmac.new(
        _web_app_secret(bot_token), _data_check_string(fields), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(offered.encode(), expected.encode()):
        return Denial(401, "bad signature")
    try:
        auth_date = datetime.fromtimestamp(int(values["auth_date"]), UTC)
        user = json.loads(values["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError, OverflowError):
        return Denial(401, "incomplete")
    if auth_date > now + CLOCK_SKEW:
        return Denial(401, "from the future")
    if now - auth_date > max_age:
        return Denial(401, "stale")
    language = user.get("language_code") if isinstance(user, dict) else None
    return InitData(user_id, language if isinstance(language, str) else None, auth_date)


def shell_language(accept_language: str | None, supported: Iterable[str], default: str) -> str:
    """The Mini App page's language before its script reads initData (which stays in the URL
    fragment, never sent): the browser's most wanted language Siaga speaks (`Accept-Language`,
    `en-US,en;q=0.9`), else `default`."""
    speaks = set(supported)
    wanted: list[tuple[float, int, str]] = []
    for index, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        primary = tag.strip().split("-")[0].lower()
        if primary in speaks and quality > 0:
            wanted.append((-quality, index, primary))
    return min(wanted)[2] if wanted else default


# -- where it is served ----------------------------------------------------------------------

# What the dashboard serves under its path besides the page itself (handlers/dashboard/web.py
# routes only under these).
SUBTREES = ("layar", "api", "static")


def serves_path(base: str, path: str) -> bool:
    """Whether the dashboard at `base` ("" at the URL's root) serves `path`: the page (with
    or without its slash) or anything under its layar/, api/ or static/. A webhook sharing
    the dashboard's server must post elsewhere."""
    if path in (base, base + "/"):
        return True
    return any(path == f"{base}/{tree}" or path.startswith(f"{base}/{tree}/") for tree in SUBTREES)


# -- big-screen links -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreenToken:
    link_id: int
    expires_at: datetime


def _screen_signature(bot_token: str, link_id: int, expires: int) -> str:
    key = hmac.new(_SCREEN_KEY, bot_token.encode(), hashlib.sha256).digest()
    digest = hmac.new(key, f"{link_id}.{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def screen_token(bot_token: str, link_id: int, expires_at: datetime) -> str:
    """`<id>.<expiry as epoch seconds>.<signature>`: opaque to the TV, checkable by us."""
    expires = int(expires_at.timestamp())
    return f"{link_id}.{expires}.{_screen_signature(bot_token, link_id, expires)}"


_SCREEN_TOKEN = re.compile(r"^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{32})$")


def check_screen_token(token: str, bot_token: str, now: datetime) -> ScreenToken | Denial:
    match = _SCREEN_TOKEN.match(token)
    if match is None:
        return Denial(401, "malformed")
    link_id, expires = int(match.group(1)), int(match.group(2))
    expected = _screen_signature(bot_token, link_id, expires)
    if not hmac.compare_digest(match.group(3).encode(), expected.encode()):
        return Denial(401, "bad signature")
    expires_at = datetime.fromtimestamp(expires, UTC)
    if now >= expires_at:
        return Denial(403, "expired")
    return ScreenToken(link_id, expires_at)


_VALIDITY = re.compile(r"^(\d{1,3})\s*(j|jam|h|hr|hour|hours|hari|d|day|days)?$", re.IGNORECASE)


def parse_validity(text: str) -> timedelta | None:
    """`/dasbor layar 12` (hours), `12j`/`12 jam`/`12h`, `3 hari`/`3d`; None if not that.

    Capped at seven days: a forgotten link on a TV must end by itself.
    """
    text = " ".join(text.split())
    if not text:
        return DEFAULT_SCREEN_VALIDITY
    match = _VALIDITY.match(text)
    if match is None:
        return None
    amount = int(match.group(1))
    unit = (match.group(2) or "j").lower()
    validity = (
        timedelta(days=amount) if unit in ("hari", "d", "day", "days") else timedelta(hours=amount)
    )
    if amount == 0 or validity > MAX_SCREEN_VALIDITY:
        return None
    return validity


# -- who sees what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """One dashboard viewer: their scope, their language, and whether names are theirs to see."""

    key: str  # rate limiting and logs: "u<telegram id>" or "s<link id>", never a secret
    scope: StatusScope
    language: str
    names: bool  # commanders in scope: names, ranks, units, phones of silent people

    @property
    def feed_key(self) -> tuple[object, ...]:
        """Viewers with the same key see the same picture: one snapshot serves them all."""
        return (
            self.scope.everything,
            tuple(sorted(self.scope.units)),
            tuple(sorted(self.scope.categories)),
            self.language,
            self.names,
        )


def commander_viewer(
    user_id: int,
    language: str,
    *,
    is_admin: bool,
    is_commander: bool,
    units: Iterable[str],
    categories: Iterable[str],
) -> Viewer | Denial:
    """A Mini App viewer: admins see everything, commanders their own command, nobody else
    anything (personnel and strangers are refused, not shown an empty page)."""
    if is_admin:
        return Viewer(f"u{user_id}", StatusScope.whole(), language, names=True)
    if not is_commander:
        return Denial(403, "not a commander")
    scope = StatusScope(frozenset(units), frozenset(categories))
    if scope.empty:
        return Denial(403, "no scope")
    return Viewer(f"u{user_id}", scope, language, names=True)


def screen_viewer(link_id: int, scope: StatusScope, language: str) -> Viewer:
    """A posko's TV: the group's scope, counts only."""
    return Viewer(f"s{link_id}", scope, language, names=False)


# -- lists: filter, sort, page ----------------------------------------------------------------

_Row = TypeVar("_Row")


@dataclass(frozen=True)
class ListQuery:
    category: str = ""
    unit: str = ""
    state: str = ""
    sort: str = "state"
    descending: bool = False
    page: int = 1


SORT_KEYS = ("state", "name", "unit", "category")


def parse_list_query(args: dict[str, str]) -> ListQuery:
    """Query-string arguments of a list request; anything unknown falls back to the default."""
    sort = args.get("sort", "state")
    try:
        page = max(1, min(int(args.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    return ListQuery(
        category=args.get("category", "")[:40],
        unit=args.get("unit", "")[:120],
        state=args.get("state", "")[:40],
        sort=sort if sort in SORT_KEYS else "state",
        descending=args.get("dir") == "desc",
        page=page,
    )


@dataclass(frozen=True)
class Page(Generic[_Row]):
    rows: list[_Row]
    page: int
    pages: int
    total: int


def cut_list(
    rows: Sequence[_Row],
    query: ListQuery,
    fields: Callable[[_Row], dict[str, str]],
    state_order: Sequence[str],
    size: int = PAGE_SIZE,
) -> Page[_Row]:
    """Filter by category, unit and state, sort (name breaks ties), and cut one page.

    `fields(row)` gives the row's `category`, `unit`, `state` and `name`; states sort in
    `state_order` (the most urgent first), not alphabetically.
    """
    rank = {state: i for i, state in enumerate(state_order)}
    kept = []
    for row in rows:
        f = fields(row)
        if query.category and f["category"] != query.category:
            continue
        if query.unit and f["unit"] != query.unit:
            continue
        if query.state and f["state"] != query.state:
            continue
        kept.append((f, row))

    def key(item: tuple[dict[str, str], _Row]) -> tuple[object, ...]:
        f = item[0]
        first: object = rank.get(f["state"], len(rank)) if query.sort == "state" else f[query.sort]
        return (first, f["name"])

    kept.sort(key=key, reverse=query.descending)
    pages = max(1, math.ceil(len(kept) / size))
    page = min(query.page, pages)
    start = (page - 1) * size
    return Page([row for _, row in kept[start : start + size]], page, pages, len(kept))


# -- arrivals around the site, drawn without map tiles ----------------------------------------


@dataclass(frozen=True)
class PlotPoint:
    x: float  # -1 … 1 across the drawing, east positive
    y: float  # -1 … 1, north positive
    inside: bool


def plot_offset(
    site: tuple[float, float], point: tuple[float, float], scale_m: float, radius_m: float
) -> PlotPoint:
    """Where `point` falls on a drawing of `scale_m` metres around `site` (clamped to the edge),
    by an equirectangular projection: good to a fraction of a percent at a few kilometres."""
    lat0, lon0 = site
    lat, lon = point
    north = math.radians(lat - lat0) * 6_371_008.8
    east = math.radians(lon - lon0) * 6_371_008.8 * math.cos(math.radians(lat0))
    distance = math.hypot(east, north)
    x, y = east / scale_m, north / scale_m
    reach = math.hypot(x, y)
    if reach > 1:
        x, y = x / reach, y / reach
    return PlotPoint(round(x, 4), round(y, 4), distance <= radius_m)


def plot_scale(radius_m: float, distances: Iterable[float]) -> float:
    """Metres from the centre to the drawing's edge: room for three rings of the radius, or
    the farthest arrival, whichever is less (a stray far report must not shrink everyone)."""
    far = max((d for d in distances if d > 0), default=0.0)
    return max(radius_m * 1.25, min(far * 1.1, radius_m * 3))
