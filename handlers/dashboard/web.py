"""The dashboard's web server: aiohttp in the bot's own process, off unless SIAGA_WEB_URL is set.

Routes (under the path of SIAGA_WEB_URL, e.g. `/dasbor`):

- `/`                the Mini App page (a shell: Telegram hands it initData in the URL fragment,
                     which never reaches a server or its logs)
- `/layar/<link>`    a posko's big screen, rendered with its data on the first response
- `/api/snapshot`, `/api/stream` (Server-Sent Events), `/api/list`, `/api/person/<id>`:
                     every request authenticated by `Authorization: tma <initData>` (a Mini
                     App) or `Authorization: screen <link>` (a screen); lists and people for
                     commanders only
- `/static/…`        the page's script and style (no inline script: the policy forbids it)

Its own server on SIAGA_WEB_LISTEN:SIAGA_WEB_PORT, or, in webhook mode on the webhook's own
address and port, the webhook's (`Settings.web_shares_webhook`): its routes join that server's
table, each wrapped with the dashboard's security headers; the webhook's route stays bare.

Live updates: one watcher asks SQLite twice a second whether anything changed; when it has,
the snapshot of each distinct view (scope, language, names or not) that someone watches is built
once and pushed to its viewers if it differs. Fifty TVs on one posko cost one snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources

from aiohttp import web

from bot.domain.dashboard import (
    Denial,
    Viewer,
    check_init_data,
    check_screen_token,
    commander_viewer,
    parse_list_query,
    screen_viewer,
    shell_language,
)
from bot.services import Services
from bot.throttle import FloodGate, Verdict
from bot.transport.web import WebServer
from handlers.dashboard.views import Snapshot, Words, build_snapshot, list_rows, person_card
from handlers.dashboard.views import render_list as render_people
from storage import dashboard, groups, personnel, users

log = logging.getLogger(__name__)

TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
# How often the watcher asks SQLite for changes, and the least time between two snapshots of
# one view: together they keep a change on the page within ~1.5 s, and a burst of writes
# (thousands of taps) costs one snapshot a second, not one per write.
POLL_S = 0.5
MIN_REBUILD_S = 1.0
# Times on the page ("berjalan 6 mnt") move even when the data does not.
REFRESH_S = 30.0
HEARTBEAT_S = 15.0
# How often an open stream re-checks its viewer (a demoted commander, a revoked screen).
RECHECK_S = 30.0
MAX_STREAMS_PER_VIEWER = 4
# A view nobody watches keeps its last snapshot this long: a page opened meanwhile is drawn
# from it when nothing has changed (or it is under a second old), not rebuilt.
KEEP_UNWATCHED_S = 120.0


def _csp(*, in_telegram: bool) -> str:
    script = f"'self' {TELEGRAM_SCRIPT}" if in_telegram else "'self'"
    # Telegram's web clients show a Mini App in a frame; a TV page is never framed.
    frames = "https://web.telegram.org https://*.telegram.org" if in_telegram else "'none'"
    return (
        f"default-src 'none'; script-src {script}; style-src 'self'; img-src 'self' data:;"
        f" connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {frames}"
    )


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # A screen's link is its credential: never hand it to another site as a referrer.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# The dashboard reads no request bodies: a small bound on its own server.
MAX_REQUEST_BYTES = 64 * 1024

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Feed:
    """One distinct view and the viewers watching it."""

    viewer: Viewer
    chat_id: int | None
    snapshot: Snapshot | None = None
    payload: str = ""
    version: int = 0
    built_at: float = 0.0
    mark: tuple[int, int] | None = None  # the database's change mark when it was built
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    watchers: int = 0
    last_watched: float = 0.0


class DashboardServer:
    def __init__(self, services: Services) -> None:
        self.services = services
        settings = services.settings
        assert settings.web_url is not None
        self.base = settings.web_base
        self.public_url = settings.web_url.rstrip("/")
        self._token = settings.bot_token.get_secret_value() if settings.bot_token else ""
        self._limits = FloodGate(settings.web_requests, settings.web_window_s)
        self._viewer_keys: dict[str, int] = {}
        self._streams: dict[str, int] = {}
        self._feeds: dict[tuple[object, ...], Feed] = {}
        self._server: WebServer | None = None
        self._own_server = False
        self._watcher: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._closing = False
        self.refused = 0
        self.builds = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self, shared: WebServer | None = None) -> None:
        """Serve on `shared` (the webhook's server, which its owner starts and stops) or on a
        server of its own."""
        settings = self.services.settings
        server = shared or WebServer(
            settings.web_listen, settings.web_port, client_max_size=MAX_REQUEST_BYTES
        )
        self._server, self._own_server = server, shared is None
        self._add_routes(server.app)
        if self._own_server:
            await server.start()
        self._watcher = asyncio.create_task(self._watch(), name="dashboard-watcher")
        log.info(
            "dashboard %s %s:%s%s/",
            "listening on" if self._own_server else "shares the webhook's server",
            server.listen,
            server.port,
            self.base,
        )

    def _add_routes(self, app: web.Application) -> None:
        base = self.base
        routes: list[tuple[str, Handler]] = [
            (f"{base}/", self._mini_app),
            (base + "/layar/{token}", self._screen_page),
            (base + "/api/snapshot", self._snapshot),
            (base + "/api/stream", self._stream),
            (base + "/api/list", self._list),
            (base + "/api/person/{person_id}", self._person),
            (base + "/static/{name}", self._static),
        ]
        if base:
            routes.append((base, self._mini_app))
        for path, handler in routes:
            app.router.add_get(path, _with_headers(handler))
        # Run by the server's shutdown before it waits for open requests, whoever owns it.
        app.on_shutdown.append(self._end_streams)

    async def _end_streams(self, _app: web.Application) -> None:
        # Open streams end on their own once woken, so shutting down does not wait on them.
        self._closing = True
        for feed in self._feeds.values():
            feed.changed.set()

    async def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        if self._server is not None and self._own_server:
            await self._server.stop()
        self._server = None

    @property
    def port(self) -> int:
        """The bound port (the webhook's when shared)."""
        return self._server.port if self._server else self.services.settings.web_port

    @property
    def local_url(self) -> str:
        """Where this process serves (tests and benches talk to it directly)."""
        host = self.services.settings.web_listen
        return f"http://{host}:{self.port}{self.base}"

    # -- who is asking ----------------------------------------------------------------------

    async def viewer_of(self, request: web.Request) -> Viewer | Denial:
        header = request.headers.get("Authorization", "")
        kind, _, credential = header.partition(" ")
        now = self.services.clock.now()
        if kind == "tma":
            checked = check_init_data(
                credential,
                self._token,
                now,
                timedelta(seconds=self.services.settings.web_auth_max_age_s),
            )
            if isinstance(checked, Denial):
                return checked
            return await self._commander(checked.user_id, checked.language)
        if kind == "screen":
            return await self._screen(credential)
        return Denial(401, "no credentials")

    async def _commander(self, user_id: int, client_language: str | None) -> Viewer | Denial:
        db = self.services.db
        settings = self.services.settings
        person = await personnel.by_telegram_user(db, user_id)
        if person is not None and not person.active:
            person = None
        account = await users.get(db, user_id)
        language = (account.language if account else None) or (
            client_language if client_language in ("id", "en") else settings.locale
        )
        is_admin = settings.is_configured_admin(user_id) or (
            person is not None and person.role == "admin"
        )
        units: frozenset[str] = frozenset()
        categories: frozenset[str] = frozenset()
        if person is not None and person.role in ("komandan", "admin"):
            scope = await personnel.command_scope(db, person.id)
            units, categories = scope.units, scope.categories
        return commander_viewer(
            user_id,
            language,
            is_admin=is_admin,
            is_commander=person is not None and person.role in ("komandan", "admin"),
            units=units,
            categories=categories,
        )

    async def _screen(self, token: str) -> Viewer | Denial:
        now = self.services.clock.now()
        checked = check_screen_token(token, self._token, now)
        if isinstance(checked, Denial):
            return checked
        db = self.services.db
        link = await dashboard.screen(db, checked.link_id)
        if link is None:
            return Denial(401, "unknown link")
        if not link.usable(now):
            return Denial(403, "revoked")
        group = await groups.active_group(db, link.chat_id)
        if group is None:
            return Denial(403, "group gone")
        return screen_viewer(link.id, group.scope, group.language)

    def _admit(self, viewer: Viewer) -> bool:
        # FloodGate counts by an int key; viewers are few, so a small table maps them.
        key = self._viewer_keys.setdefault(viewer.key, len(self._viewer_keys) + 1)
        return self._limits.admit(key) is Verdict.ALLOW

    async def _authorized(self, request: web.Request) -> Viewer | web.Response:
        viewer = await self.viewer_of(request)
        if isinstance(viewer, Denial):
            self.refused += 1
            # The reason helps an operator; the credential itself is never logged.
            log.info("dashboard request refused (%s %s)", viewer.status, viewer.reason)
            return _denied(viewer)
        if not self._admit(viewer):
            return web.json_response({"error": "slow down"}, status=429)
        return viewer

    # -- pages ------------------------------------------------------------------------------

    async def _mini_app(self, request: web.Request) -> web.Response:
        catalog = self.services.catalog
        lang = shell_language(
            request.headers.get("Accept-Language"),
            catalog.languages,
            self.services.settings.locale,
        )
        w = Words(self.services, lang)
        body = _page(
            self.base,
            w,
            kind="app",
            title=w.plain("dsb-page-title"),
            sections=None,
            telegram=True,
            # The script switches to the viewer's Telegram language (initData) at once.
            others=[Words(self.services, other) for other in catalog.languages if other != lang],
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def _screen_page(self, request: web.Request) -> web.Response:
        viewer = await self._screen(request.match_info["token"])
        if isinstance(viewer, Denial):
            self.refused += 1
            w = Words(self.services, self.services.settings.locale)
            key = "dsb-screen-ended" if viewer.status == 403 else "dsb-screen-invalid"
            body = _ended_page(self.base, w, key)
            return web.Response(
                text=body, status=viewer.status, content_type="text/html", charset="utf-8"
            )
        feed = self._feed(viewer, await self._chat_of_screen(viewer))
        snapshot = await self._current(feed)
        w = Words(self.services, viewer.language)
        body = _page(
            self.base,
            w,
            kind="screen",
            title=w.plain("dsb-screen-title"),
            sections=snapshot.sections,
            telegram=False,
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def _chat_of_screen(self, viewer: Viewer) -> int | None:
        if not viewer.key.startswith("s"):
            return None
        link = await dashboard.screen(self.services.db, int(viewer.key[1:]))
        return link.chat_id if link else None

    async def _static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        types = {"dasbor.js": "application/javascript", "dasbor.css": "text/css"}
        if name not in types:
            raise web.HTTPNotFound()
        text = resources.files("handlers.dashboard").joinpath("static", name).read_text("utf-8")
        response = web.Response(text=text, content_type=types[name], charset="utf-8")
        response.headers["Cache-Control"] = "public, max-age=300"
        return response

    # -- data -------------------------------------------------------------------------------

    async def _snapshot(self, request: web.Request) -> web.StreamResponse:
        viewer = await self._authorized(request)
        if isinstance(viewer, web.Response):
            return viewer
        feed = self._feed(viewer, await self._chat_of_screen(viewer))
        await self._current(feed)
        return web.Response(text=feed.payload, content_type="application/json")

    async def _stream(self, request: web.Request) -> web.StreamResponse:
        viewer = await self._authorized(request)
        if isinstance(viewer, web.Response):
            return viewer
        if self._streams.get(viewer.key, 0) >= MAX_STREAMS_PER_VIEWER:
            return web.json_response({"error": "too many open pages"}, status=429)
        feed = self._feed(viewer, await self._chat_of_screen(viewer))
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
        )
        # The headers leave with prepare(): the wrapper's come too late for a stream.
        _secure(request, response)
        await response.prepare(request)
        self._streams[viewer.key] = self._streams.get(viewer.key, 0) + 1
        feed.watchers += 1
        self._wake.set()
        try:
            async for payload in self._updates(feed, request):
                await response.write(payload.encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            feed.watchers -= 1
            self._streams[viewer.key] -= 1
        return response

    async def _updates(self, feed: Feed, request: web.Request) -> AsyncIterator[str]:
        """Server-Sent Events: the snapshot now, then each change, with heartbeats between;
        ends when the viewer is no longer allowed (the page then asks to reopen)."""
        await self._current(feed)
        sent = feed.version
        yield _event("snapshot", feed.payload, sent)
        loop = asyncio.get_running_loop()
        checked = loop.time()
        while not self._closing:
            feed.changed.clear()
            if feed.version == sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(feed.changed.wait(), HEARTBEAT_S)
            if loop.time() - checked >= RECHECK_S:
                checked = loop.time()
                again = await self.viewer_of(request)
                if isinstance(again, Denial):
                    yield _event("refused", json.dumps({"status": again.status}), sent)
                    return
            if feed.version != sent:
                sent = feed.version
                yield _event("snapshot", feed.payload, sent)
            else:
                yield ": still here\n\n"

    async def _list(self, request: web.Request) -> web.StreamResponse:
        viewer = await self._authorized(request)
        if isinstance(viewer, web.Response):
            return viewer
        if not viewer.names:
            return _denied(Denial(403, "counts only"))
        args = dict(request.query)
        now = self.services.clock.now()
        found = await list_rows(
            self.services, self.services.db, viewer, args.get("view", "readiness"), now
        )
        if found is None:
            return _denied(Denial(403, "not in scope"))
        rows, states, title = found
        w = Words(self.services, viewer.language)
        text = render_people(
            w, args.get("view", "readiness"), title, rows, states, parse_list_query(args)
        )
        return web.json_response({"html": text})

    async def _person(self, request: web.Request) -> web.StreamResponse:
        viewer = await self._authorized(request)
        if isinstance(viewer, web.Response):
            return viewer
        ref = request.match_info["person_id"]
        if not viewer.names or not ref.isdigit() or len(ref) > 12:
            return _denied(Denial(403, "counts only"))
        w = Words(self.services, viewer.language)
        card = await person_card(w, self.services.db, viewer.scope, int(ref))
        if card is None:
            return _denied(Denial(403, "not in scope"))
        return web.json_response({"html": card})

    # -- feeds --------------------------------------------------------------------------------

    def _feed(self, viewer: Viewer, chat_id: int | None) -> Feed:
        key = (*viewer.feed_key, chat_id)
        feed = self._feeds.get(key)
        if feed is None:
            feed = self._feeds[key] = Feed(viewer, chat_id)
        return feed

    async def _current(self, feed: Feed) -> Snapshot:
        """The feed's snapshot, rebuilt only if the data changed since (first paint)."""
        loop = asyncio.get_running_loop()
        fresh = feed.snapshot is not None and (
            loop.time() - feed.built_at < MIN_REBUILD_S
            or feed.mark == await dashboard.change_mark(self.services.db)
        )
        if not fresh:
            await self._rebuild(feed)
        assert feed.snapshot is not None
        return feed.snapshot

    async def _rebuild(self, feed: Feed) -> None:
        feed.mark = await dashboard.change_mark(self.services.db)
        now = self.services.clock.now()
        snapshot = await build_snapshot(
            self.services, self.services.db, feed.viewer, now, chat_id=feed.chat_id
        )
        self.builds += 1
        feed.built_at = asyncio.get_running_loop().time()
        payload = json.dumps(snapshot.as_json(), ensure_ascii=False, separators=(",", ":"))
        feed.snapshot = snapshot
        if payload != feed.payload:
            feed.payload = payload
            feed.version += 1
            feed.changed.set()

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        mark: tuple[int, int] | None = None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_S)
            self._wake.clear()
            watched = [f for f in self._feeds.values() if f.watchers > 0]
            for feed in watched:
                feed.last_watched = loop.time()
            # Views nobody has watched for a while are dropped (a request rebuilds them).
            for key, feed in list(self._feeds.items()):
                idle_since = max(feed.last_watched, feed.built_at)
                if feed.watchers <= 0 and loop.time() - idle_since > KEEP_UNWATCHED_S:
                    del self._feeds[key]
            if not watched:
                continue
            try:
                now_mark = await dashboard.change_mark(self.services.db)
                changed = now_mark != mark
                mark = now_mark
                for feed in watched:
                    age = loop.time() - feed.built_at
                    if (changed or age >= REFRESH_S) and age >= MIN_REBUILD_S:
                        await self._rebuild(feed)
                    elif changed:
                        mark = None  # too soon for this view: look again next round
            except Exception:
                # A failed read must not end live updates for good; the next round retries.
                log.exception("dashboard snapshot failed")
                await asyncio.sleep(MIN_REBUILD_S)


def _with_headers(handler: Handler) -> Handler:
    """The dashboard's security headers on each of its answers (its own routes only, so a
    server it shares with the webhook answers Telegram as before)."""

    async def answer(request: web.Request) -> web.StreamResponse:
        response = await handler(request)
        if not response.prepared:
            _secure(request, response)
        return response

    return answer


def _secure(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    in_telegram = "/layar/" not in request.path
    response.headers.setdefault("Content-Security-Policy", _csp(in_telegram=in_telegram))


def _event(name: str, data: str, version: int) -> str:
    return f"event: {name}\nid: {version}\ndata: {data}\n\n"


def _denied(denial: Denial) -> web.Response:
    return web.json_response(
        {"error": "unauthorized" if denial.status == 401 else "forbidden"}, status=denial.status
    )


def _page(
    base: str,
    w: Words,
    *,
    kind: str,
    title: str,
    sections: dict[str, str] | None,
    telegram: bool,
    others: Sequence[Words] = (),
) -> str:
    """The page: server-rendered sections (a screen) or empty ones the script fills (the Mini
    App, whose credential only the browser has). Works without Telegram's script."""
    sections = sections or {}
    script = f'<script src="{TELEGRAM_SCRIPT}" async></script>' if telegram else ""
    blocks = "".join(
        f'<section id="{name}" class="{name}">{sections.get(name, "")}</section>'
        for name in ("header", "readiness", "rollcalls", "callouts")
    )
    waiting = "" if sections else f'<p id="loading" class="muted">{w("dsb-loading")}</p>'
    return (
        f'<!doctype html><html lang="{w.lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title>"
        f'<link rel="stylesheet" href="{base}/static/dasbor.css">{script}'
        f'<script src="{base}/static/dasbor.js" defer></script></head>'
        f'<body class="{kind}" data-base="{base}">'
        f'<p id="notice" class="notice" hidden></p>{waiting}<main>{blocks}</main>'
        f'<div id="panel" class="panel" hidden></div><div id="person" class="person-card" hidden>'
        "</div>"
        f"{''.join(_words(each) for each in (w, *others))}</body></html>"
    )


def _words(w: Words) -> str:
    """What the script says itself, in one language (the page's own comes first)."""
    return (
        f'<template class="words" data-lang="{w.lang}"'
        f' data-loading="{_esc(w.plain("dsb-loading"))}"'
        f' data-reopen="{_esc(w.plain("dsb-reopen"))}"'
        f' data-offline="{_esc(w.plain("dsb-offline"))}"'
        f' data-refused="{_esc(w.plain("dsb-refused"))}"'
        f' data-ended="{_esc(w.plain("dsb-screen-ended"))}"></template>'
    )


def _ended_page(base: str, w: Words, key: str) -> str:
    return (
        f'<!doctype html><html lang="{w.lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(w.plain('dsb-screen-title'))}</title>"
        f'<link rel="stylesheet" href="{base}/static/dasbor.css"></head>'
        f'<body class="ended"><main><h1>{w(key)}</h1><p>{w("dsb-screen-ask")}</p></main>'
        "</body></html>"
    )


def _esc(value: str) -> str:
    import html

    return html.escape(value, quote=True)
