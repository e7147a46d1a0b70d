"""What the dashboard shows, rendered on the server as HTML fragments.

A snapshot is a handful of sections (header, readiness, roll calls, call-outs), each an HTML
string; the page swaps a section when its HTML changes. Every value is escaped here; the
page's script inserts nothing of its own. Words come from `locales/<lang>/dashboard.ftl`.

What a viewer sees follows `Viewer`: a screen (counts only) gets no list buttons and no
names; a commander gets the lists of their own scope, and a tap on a person shows a phone.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from bot.domain.callout import combine_tallies
from bot.domain.dashboard import (
    ListQuery,
    Page,
    Viewer,
    cut_list,
    plot_offset,
    plot_scale,
)
from bot.domain.geo import distance_m, format_distance
from bot.domain.phone import display_phone
from bot.domain.readiness import effective
from bot.domain.status import (
    CategoryCounts,
    StatusScope,
    count_by_category_and_unit,
    jam_rawan_active,
    stale_after,
    total_counts,
)
from bot.i18n import format_moment, format_number, format_time
from bot.services import Services
from storage import callouts, dashboard, groups, personnel, status
from storage.db import Database

Arg = str | int | float
# The order states are listed in: what needs a follow-up first.
READINESS_STATES = ("unreachable", "unknown", "stale", "tidak_siap", "siap", "bertugas")
ROLLCALL_STATES = (
    "tak_terjangkau",
    "belum_menjawab",
    "no",
    "yes",
    "bertugas",
    "belum_terdaftar",
    "nonaktif",
)
CALLOUT_STATES = (
    "pending",
    "timed_out",
    "unreachable",
    "no_answer",
    "declined",
    "accepted",
    "arrived",
    "stood_down",
    "cancelled",
)
# States a commander follows up by radio or phone: a tap on these shows the phone.
SILENT = frozenset(
    {"unreachable", "unknown", "stale", "tak_terjangkau", "belum_menjawab", "pending", "timed_out"}
)


class Words:
    """The catalog in one viewer's language, escaped for HTML."""

    def __init__(self, services: Services, lang: str) -> None:
        self.catalog = services.catalog
        self.lang = lang
        self.zone = services.settings.zone

    def __call__(self, key: str, **args: Arg) -> str:
        return self.catalog.html(self.lang, key, **args)

    def plain(self, key: str, **args: Arg) -> str:
        return self.catalog.text(self.lang, key, **args)

    def n(self, value: int) -> str:
        return format_number(value, self.lang)

    def time(self, moment: datetime) -> str:
        return format_time(moment, self.zone, self.lang)

    def moment(self, moment: datetime) -> str:
        return format_moment(moment, self.zone, self.lang)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Snapshot:
    sections: dict[str, str]

    def as_json(self) -> dict[str, object]:
        return {"sections": self.sections}


async def build_snapshot(
    services: Services, db: Database, viewer: Viewer, now: datetime, *, chat_id: int | None
) -> Snapshot:
    """The whole picture for one viewer: `chat_id` is the screen's group (its broadcasts)."""
    w = Words(services, viewer.language)
    values = await groups.effective_values(db, services.settings)
    switch = await groups.jam_rawan(db)
    rawan = jam_rawan_active(values, now, switch.manual_on)
    fresh_for = stale_after(values, now, switch.manual_on)
    people = await status.people_states(db, viewer.scope)
    order = await status.category_order(db)
    counts, unit_rows = count_by_category_and_unit(
        people, order, now, fresh_for, keep_empty=viewer.scope.everything
    )
    broadcast = await dashboard.last_broadcast(db, chat_id)
    rollcalls = await status.open_rollcalls(db, viewer.scope)
    live = await status.live_callouts(db, viewer.scope)
    batches = await dashboard.batch_of_rollcalls(db, [r.id for r in rollcalls])
    callout_batches = await dashboard.batch_of_callouts(db, [c.id for c in live])
    progress = await dashboard.sending(
        db, sorted(set(batches.values()) | set(callout_batches.values()))
    )
    return Snapshot(
        {
            "header": _header(w, viewer, now, rawan, broadcast, services),
            "readiness": _readiness(w, viewer, counts, unit_rows),
            "rollcalls": _rollcalls(w, viewer, rollcalls, batches, progress),
            "callouts": await _callouts(w, viewer, db, live, callout_batches, progress, now),
        }
    )


# -- header ---------------------------------------------------------------------------------------


def _header(
    w: Words,
    viewer: Viewer,
    now: datetime,
    rawan: bool,
    broadcast: datetime | None,
    services: Services,
) -> str:
    scope = viewer.scope.label(w.plain("posko-scope-everything"))
    parts = [
        f"<h1>{w('dsb-title')}</h1>",
        f'<p class="scope">{w("dsb-scope", scope=scope)}</p>',
        f'<p class="clock">{w("dsb-updated", time=w.moment(now))}</p>',
    ]
    if rawan:
        parts.append(f'<p class="badge rawan">⚠ {w("dsb-jam-rawan")}</p>')
    if broadcast is not None:
        parts.append(f'<p class="muted">{w("dsb-last-broadcast", time=w.time(broadcast))}</p>')
    return "".join(parts)


# -- readiness ------------------------------------------------------------------------------------

_COLUMNS = (
    ("strength", "dsb-col-strength"),
    ("siap", "dsb-col-siap"),
    ("stale", "dsb-col-stale"),
    ("tidak_siap", "dsb-col-tidak-siap"),
    ("bertugas", "dsb-col-bertugas"),
    ("unknown", "dsb-col-unknown"),
    ("unreachable", "dsb-col-unreachable"),
)


def _value(row: CategoryCounts, column: str) -> int:
    if column == "tidak_siap":
        return row.tidak_siap_total
    value: int = getattr(row, column)
    return value


def _table(w: Words, first: str, rows: Sequence[CategoryCounts], total: CategoryCounts) -> str:
    head = "".join(f'<th scope="col">{w(key)}</th>' for _, key in _COLUMNS)
    body = []
    for row in [*rows, total]:
        cells = "".join(f"<td>{w.n(_value(row, column))}</td>" for column, _ in _COLUMNS)
        css = ' class="total"' if row is total else ""
        body.append(f'<tr{css}><th scope="row">{_e(row.code)}</th>{cells}</tr>')
    return (
        '<div class="scroll"><table class="counts">'
        f'<thead><tr><th scope="col">{_e(first)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


# Chart segments, in the order they are stacked, and the class that colours each; every
# segment is labelled with its number too (never colour alone).
_SEGMENTS = (
    ("siap", "s-siap"),
    ("stale", "s-stale"),
    ("tidak_siap", "s-tdk"),
    ("bertugas", "s-tgs"),
)


def _chart(w: Words, rows: Sequence[CategoryCounts]) -> str:
    """Readiness per category as horizontal stacked bars, drawn as SVG in the page."""
    if not rows:
        return ""
    bar_h, gap, label_w, width = 28, 10, 110, 640
    height = len(rows) * (bar_h + gap) + gap
    widest = max(max(row.strength, 1) for row in rows)
    scale = (width - label_w - 170) / widest
    shapes = []
    for i, row in enumerate(rows):
        y = gap + i * (bar_h + gap)
        x = float(label_w)
        shapes.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.0f}" text-anchor="end">'
            f"{_e(row.code)}</text>"
        )
        for column, css in _SEGMENTS:
            value = _value(row, column)
            if value <= 0:
                continue
            span = value * scale
            shapes.append(
                f'<rect class="{css}" x="{x:.1f}" y="{y}" width="{span:.1f}" height="{bar_h}">'
                f"<title>{_e(w.plain('dsb-col-' + column.replace('_', '-')))}: "
                f"{w.n(value)}</title></rect>"
            )
            x += span
        rest = row.strength * scale - (x - label_w)
        if rest > 0.5:
            shapes.append(
                f'<rect class="s-rest" x="{x:.1f}" y="{y}" width="{rest:.1f}" height="{bar_h}"/>'
            )
        shapes.append(
            f'<text x="{label_w + row.strength * scale + 8:.1f}" y="{y + bar_h * 0.7:.0f}">'
            f"{w('dsb-chart-bar', siap=w.n(row.siap), strength=w.n(row.strength))}</text>"
        )
    legend = "".join(
        f'<span class="key {css}">{w("dsb-col-" + column.replace("_", "-"))}</span>'
        for column, css in _SEGMENTS
    )
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="{_e(w.plain("dsb-chart-title"))}">{"".join(shapes)}</svg>'
        f'<p class="legend">{legend}</p>'
    )


def _readiness(
    w: Words, viewer: Viewer, counts: list[CategoryCounts], unit_rows: list[CategoryCounts]
) -> str:
    title = f"<h2>{w('dsb-readiness-title')}</h2>"
    if not counts:
        return title + f'<p class="muted">{w("dsb-empty")}</p>'
    total = total_counts(counts, w.plain("dsb-total"))
    big = (
        f'<div class="tiles">{_tile(w, "siap", total.siap, total.strength)}'
        f"{_tile(w, 'tidak_siap', total.tidak_siap_total, total.strength)}"
        f"{_tile(w, 'bertugas', total.bertugas, total.strength)}"
        f"{_tile(w, 'unreachable', total.unreachable, total.strength)}</div>"
    )
    parts = [title, big, _chart(w, counts), _table(w, w.plain("dsb-col-category"), counts, total)]
    if len(unit_rows) > 1:
        unit_total = total_counts(unit_rows, w.plain("dsb-total"))
        parts.append(f"<h3>{w('dsb-units-title')}</h3>")
        parts.append(_table(w, w.plain("dsb-col-unit"), unit_rows, unit_total))
    if viewer.names:
        parts.append(_list_button(w, "readiness", w.plain("dsb-list-readiness")))
    return "".join(parts)


def _tile(w: Words, state: str, value: int, strength: int) -> str:
    return (
        f'<div class="tile t-{state}"><span class="big">{w.n(value)}</span>'
        f'<span class="of">/ {w.n(strength)}</span>'
        f'<span class="what">{w("dsb-tile-" + state.replace("_", "-"))}</span></div>'
    )


def _list_button(w: Words, view: str, label: str) -> str:
    return (
        f'<button type="button" class="open-list" data-view="{_e(view)}">☰ {_e(label)}</button>'
    )


def _progress(w: Words, sending: dashboard.Sending | None) -> str:
    if sending is None:
        return ""
    return (
        f'<p class="sending"><progress max="{sending.total}" value="{sending.sent}"></progress>'
        f" {w('dsb-sending', sent=w.n(sending.sent), total=w.n(sending.total))}</p>"
    )


# -- roll calls -----------------------------------------------------------------------------------


def _rollcalls(
    w: Words,
    viewer: Viewer,
    rollcalls: list[status.OpenRollCall],
    batches: dict[int, int],
    progress: dict[int, dashboard.Sending],
) -> str:
    parts = [f"<h2>{w('dsb-rollcalls-title')}</h2>"]
    if not rollcalls:
        parts.append(f'<p class="muted">{w("dsb-rollcalls-none")}</p>')
    for rc in rollcalls:
        kind = w.plain(f"sts-rollcall-{rc.kind}")
        scope = rc.scope_label or w.plain("sts-rollcall-everyone")
        card = [
            f"<h3>{w('dsb-rollcall-head', id=rc.id, kind=kind, scope=scope)}</h3>",
            f'<p class="muted">{w("dsb-closes", time=w.time(rc.closes_at))}</p>',
            '<p class="figures">',
            f'<span class="f-yes">✅ {w("dsb-rc-yes", count=w.n(rc.yes))}</span>',
            f'<span class="f-no">❌ {w("dsb-rc-no", count=w.n(rc.no))}</span>',
            f'<span class="f-wait">⏳ {w("dsb-rc-waiting", count=w.n(rc.waiting))}</span>',
            f'<span class="f-of">{w("dsb-rc-called", count=w.n(rc.called))}</span></p>',
            _bar(rc.yes, rc.no, rc.called),
            _progress(w, progress.get(batches.get(rc.id, -1))),
        ]
        if viewer.names:
            card.append(_list_button(w, f"rollcall:{rc.id}", w.plain("dsb-list-rollcall")))
        parts.append(f'<article class="card" data-rollcall="{rc.id}">{"".join(card)}</article>')
    return "".join(parts)


def _bar(good: int, bad: int, whole: int) -> str:
    """A thin two-part bar (SVG: no inline style is allowed by the page's policy)."""
    if whole <= 0:
        return ""
    g = 100 * good / whole
    b = 100 * bad / whole
    return (
        '<svg class="bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">'
        f'<rect class="s-rest" x="0" y="0" width="100" height="4"/>'
        f'<rect class="s-siap" x="0" y="0" width="{g:.2f}" height="4"/>'
        f'<rect class="s-tdk" x="{g:.2f}" y="0" width="{b:.2f}" height="4"/></svg>'
    )


# -- call-outs ------------------------------------------------------------------------------------


async def _callouts(
    w: Words,
    viewer: Viewer,
    db: Database,
    live: list[status.LiveCallout],
    batches: dict[int, int],
    progress: dict[int, dashboard.Sending],
    now: datetime,
) -> str:
    parts = [f"<h2>{w('dsb-callouts-title')}</h2>"]
    if not live:
        parts.append(f'<p class="muted">{w("dsb-callouts-none")}</p>')
    for co in live:
        tally = combine_tallies((await callouts.tallies(db, co.id)).values())
        minutes = max(0, int((now - co.created_at).total_seconds() // 60))
        drill = f' <span class="badge">🟡 {w("dsb-drill")}</span>' if co.drill else ""
        card = [
            f"<h3>🚨 {w('dsb-callout-head', id=co.id, categories=co.categories)}{drill}</h3>",
            f'<p class="place">→ {_e(co.location[:120])}</p>',
            f'<p class="muted">{w("dsb-since-order", minutes=minutes)}</p>',
            '<p class="figures">',
            f'<span class="f-yes">✅ {w("dsb-co-accepted", accepted=w.n(co.accepted), quota=w.n(co.quota))}</span>',  # noqa: E501
            f'<span class="f-arr">📍 {w("dsb-co-arrived", count=w.n(co.arrived))}</span>',
            f'<span class="f-wait">⏳ {w("dsb-co-waiting", count=w.n(tally.waiting))}</span>',
            f'<span class="f-no">❌ {w("dsb-co-declined", count=w.n(tally.declined))}</span>',
            "</p>",
            _bar(co.accepted, 0, co.quota),
            _progress(w, progress.get(batches.get(co.id, -1))),
            await _arrivals(w, db, co.id),
        ]
        if viewer.names:
            card.append(_list_button(w, f"callout:{co.id}", w.plain("dsb-list-callout")))
        parts.append(f'<article class="card" data-callout="{co.id}">{"".join(card)}</article>')
    return "".join(parts)


async def _arrivals(w: Words, db: Database, callout_id: int) -> str:
    """Distance rings around the site with a dot per arrival: no map tiles, so it works on a
    closed network; the geo: link opens the site in the phone's maps app."""
    callout = await callouts.get(db, callout_id)
    if callout is None or callout.site is None:
        return ""
    site = callout.site
    radius = callout.radius_m or 500.0
    points = await dashboard.arrival_points(db, callout_id)
    scale = plot_scale(radius, (distance_m(*site, *p) for p in points))
    plotted = [plot_offset(site, p, scale, radius) for p in points]
    inside = sum(1 for p in plotted if p.inside)
    size = 220
    half = size / 2
    rings = []
    for factor in (1, 2, 3):
        r = radius * factor / scale * (half - 6)
        if r <= half:
            rings.append(
                f'<circle class="ring{" main" if factor == 1 else ""}" cx="{half}" cy="{half}"'
                f' r="{r:.1f}"/>'
            )
    dots = "".join(
        f'<circle class="dot{" in" if p.inside else " out"}" cx="{half + p.x * (half - 6):.1f}"'
        f' cy="{half - p.y * (half - 6):.1f}" r="4"/>'
        for p in plotted
    )
    label = w.plain("dsb-arrivals-aria", radius=format_distance(radius, w.lang))
    lat, lon = site
    return (
        '<div class="arrivals">'
        f'<svg viewBox="0 0 {size} {size}" role="img" aria-label="{_e(label)}">'
        f'{"".join(rings)}<circle class="site" cx="{half}" cy="{half}" r="5"/>{dots}'
        f'<text x="{half}" y="14" text-anchor="middle">{_e(w.plain("dsb-north"))}</text></svg>'
        f"<p>{w('dsb-arrivals', inside=w.n(inside), count=w.n(len(points)), radius=format_distance(radius, w.lang))}</p>"  # noqa: E501
        f'<p><a href="geo:{lat:.6f},{lon:.6f}">{w("dsb-open-map")}</a></p></div>'
    )


# -- lists (commanders only) ----------------------------------------------------------------------


Row = dashboard.Listed


def _fields(row: Row) -> dict[str, str]:
    return {
        "category": row.category,
        "unit": row.unit,
        "state": row.state,
        "name": row.name.casefold(),
    }


async def list_rows(
    services: Services, db: Database, viewer: Viewer, view: str, now: datetime
) -> tuple[list[Row], Sequence[str], str] | None:
    """The people behind one view (`readiness`, `rollcall:<id>`, `callout:<id>`) within the
    viewer's scope, the view's state order and its title key; None for an unknown view or one
    outside the scope."""
    kind, _, ref = view.partition(":")
    listed: list[Row]
    scope = viewer.scope
    if kind == "readiness" and not ref:
        values = await groups.effective_values(db, services.settings)
        switch = await groups.jam_rawan(db)
        fresh_for = stale_after(values, now, switch.manual_on)
        rows: list[Row] = []
        for p in await status.named_states(db, scope, scope):
            state = effective(p.readiness, now, fresh_for).value
            if p.unreachable:
                state = "unreachable"
            rows.append(Row(p.person_id, p.rank, p.name, p.unit, p.category, state))
        return rows, READINESS_STATES, "dsb-list-readiness"
    if not ref.isdigit() or len(ref) > 12:
        return None
    ident = int(ref)
    if kind == "rollcall":
        if ident not in {r.id for r in await status.open_rollcalls(db, scope)}:
            return None
        listed = await dashboard.rollcall_people(db, ident)
        states: Sequence[str] = ROLLCALL_STATES
        title = "dsb-list-rollcall"
    elif kind == "callout":
        if ident not in {c.id for c in await status.live_callouts(db, scope)}:
            return None
        listed = list(await dashboard.callout_people(db, ident))
        states = CALLOUT_STATES
        title = "dsb-list-callout"
    else:
        return None
    return [p for p in listed if scope.covers(p.unit, p.category)], states, title


def render_list(
    w: Words,
    view: str,
    title_key: str,
    rows: list[Row],
    states: Sequence[str],
    query: ListQuery,
) -> str:
    page = cut_list(rows, query, _fields, states)
    categories = sorted({r.category for r in rows})
    units = sorted({r.unit for r in rows})
    present = [s for s in states if any(r.state == s for r in rows)]
    filters = (
        '<form class="filters" data-view="'
        + _e(view)
        + '">'
        + _select(w, "category", "dsb-filter-category", categories, query.category, str)
        + _select(w, "unit", "dsb-filter-unit", units, query.unit, str)
        + _select(w, "state", "dsb-filter-state", present, query.state, lambda s: _state(w, s))
        + _select(
            w,
            "sort",
            "dsb-sort",
            ["state", "name", "unit", "category"],
            query.sort,
            lambda s: w.plain(f"dsb-sort-{s}"),
            blank=False,
        )
        + "</form>"
    )
    items = (
        "".join(_row(w, r) for r in page.rows) or f'<li class="muted">{w("dsb-list-empty")}</li>'
    )
    return (
        f"<h2>{w(title_key)}</h2>{filters}"
        f'<p class="muted">{w("dsb-list-count", count=w.n(page.total))}</p>'
        f'<ul class="people">{items}</ul>{_pager(w, view, query, page)}'
    )


def _select(
    w: Words,
    name: str,
    label_key: str,
    options: Sequence[str],
    chosen: str,
    show: Callable[[str], str],
    *,
    blank: bool = True,
) -> str:
    opts = [f'<option value="">{w("dsb-filter-all")}</option>'] if blank else []
    for value in options:
        selected = " selected" if value == chosen else ""
        opts.append(f'<option value="{_e(value)}"{selected}>{_e(show(value))}</option>')
    return f'<label>{w(label_key)} <select name="{name}">{"".join(opts)}</select></label>'


_SYMBOLS = {
    "siap": "✅",
    "yes": "✅",
    "accepted": "✅",
    "arrived": "📍",
    "tidak_siap": "❌",
    "no": "❌",
    "declined": "❌",
    "unreachable": "🚫",
    "tak_terjangkau": "🚫",
    "pending": "⏳",
    "timed_out": "⏳",
    "belum_menjawab": "⏳",
    "unknown": "⏳",
    "stale": "⏰",
    "bertugas": "🚨",
    "no_answer": "🔁",
    "stood_down": "↩",
    "cancelled": "✖",
}


def _state(w: Words, state: str) -> str:
    return w.plain(f"dsb-state-{state.replace('_', '-')}")


def _row(w: Words, row: Row) -> str:
    symbol = _SYMBOLS.get(row.state, "·")
    tap = " silent" if row.state in SILENT else ""
    return (
        f'<li><button type="button" class="person{tap}" data-person="{row.person_id}">'
        f'<span class="who">{_e(row.rank)} {_e(row.name)}</span>'
        f'<span class="where">{_e(row.unit)} · {_e(row.category)}</span>'
        f'<span class="state">{symbol} {_e(_state(w, row.state))}</span></button></li>'
    )


def _pager(w: Words, view: str, query: ListQuery, page: Page[Row]) -> str:
    if page.pages <= 1:
        return ""

    def link(number: int, label: str) -> str:
        args = {
            "view": view,
            "category": query.category,
            "unit": query.unit,
            "state": query.state,
            "sort": query.sort,
            "page": str(number),
        }
        return (
            f'<button type="button" class="page" data-query="{_e(urlencode(args))}">'
            f"{label}</button>"
        )

    parts = []
    if page.page > 1:
        parts.append(link(page.page - 1, "◀ " + w("dsb-page-prev")))
    parts.append(f"<span>{w('dsb-page', page=page.page, pages=page.pages)}</span>")
    if page.page < page.pages:
        parts.append(link(page.page + 1, w("dsb-page-next") + " ▶"))
    return f'<nav class="pager">{"".join(parts)}</nav>'


async def person_card(w: Words, db: Database, scope: StatusScope, person_id: int) -> str | None:
    """Rank, name, unit and phone of one person in scope, for a radio or phone follow-up."""
    person = await personnel.by_id(db, person_id)
    if person is None or not person.active or not scope.covers(person.unit, person.category_code):
        return None
    digits = "".join(ch for ch in person.phone if ch.isdigit() or ch == "+")
    phone = (
        f'<a class="phone" href="tel:{_e(digits)}">📞 {_e(display_phone(person.phone))}</a>'
        if digits
        else f'<span class="muted">{w("dsb-no-phone")}</span>'
    )
    return (
        f"<h3>{_e(person.display_name)}</h3>"
        f"<p>{_e(person.unit)} · {_e(person.category_code)}</p><p>{phone}</p>"
        f'<button type="button" class="close">{w("dsb-close")}</button>'
    )
