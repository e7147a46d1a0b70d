"""/status and /laporan, and the status message every command group gets on schedule.

`build_status` renders the status (table, reasons, live call-outs, open roll calls) from the
database for a scope, in one language, for `now`: the broadcast (inside the scheduler's
transaction) and `/status` (a reply) use the same text. Counts only: no phone, no NRP, no
name ever appears in it; names go to a commander's private chat on request.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain import callback_data
from bot.domain.readiness import Effective, effective
from bot.domain.refusal import Refusal
from bot.domain.status import (
    SHORTFALL_KINDS,
    CategoryCounts,
    ReportLabels,
    ReportRow,
    StatusScope,
    TableLabels,
    chain_lines,
    count_by_category,
    counts_change_at,
    fit_lines,
    jam_rawan_active,
    parse_scope,
    reason_totals,
    report_block,
    split_chunks,
    stale_after,
    status_table,
    strength_report,
    total_counts,
)
from bot.i18n import format_moment, format_number, format_time
from bot.reports.charts import Chart, ChartLabels, chart_bars, chart_digest
from bot.services import Actor, PartKey, Services, SiagaApp, SiagaContext
from handlers.common import command_args, inline_keyboard, is_private, reply
from handlers.dashboard.buttons import with_dashboard
from handlers.kit.refusal import refuse
from handlers.kit.scope import (
    actor_scope,
    group_for_command,
    outside_of,
    refusal_args,
    scope_label,
)
from storage import groups, outbox, status
from storage.db import Database, Transaction
from storage.groups import CommandGroup
from storage.outbox import OutgoingMessage, Priority

Db = Database | Transaction

# Telegram refuses longer texts; keep a margin for entities and the odd multi-byte count.
MESSAGE_LIMIT = 4000
# Names listed per section in the private "names" message before pointing to /ekspor.
NAMES_PER_SECTION = 60


@dataclass(frozen=True)
class StatusView:
    text: str  # HTML
    counts: list[CategoryCounts]
    jam_rawan: bool
    now: datetime


@dataclass(frozen=True)
class _Counted:
    version: int
    made_at: datetime
    valid_until: datetime | None
    counts: list[CategoryCounts]


class CountsCache:
    """The counts of a status per scope, kept while nothing they are made of has changed.

    Counting reads and weighs all 3,294 people (~15 ms of a quiet machine's CPU, several
    times that on a busy one); between two changes every /status and every group of the
    same scope would count the same again. An entry holds while the storage's
    `counts_version` stands still and until the first moment time alone changes someone's
    state (`counts_change_at`).
    """

    def __init__(self, size: int = 64) -> None:
        self._entries: OrderedDict[tuple[StatusScope, timedelta], _Counted] = OrderedDict()
        self._size = size

    async def counts(
        self, db: Db, scope: StatusScope, now: datetime, fresh_for: timedelta
    ) -> list[CategoryCounts]:
        version = await status.counts_version(db)
        key = (scope, fresh_for)
        kept = self._entries.get(key)
        if (
            kept is not None
            and kept.version == version
            and kept.made_at <= now
            and (kept.valid_until is None or now < kept.valid_until)
        ):
            self._entries.move_to_end(key)
            return kept.counts
        people = await status.people_states(db, scope)
        order = await status.category_order(db)
        counts = count_by_category(people, order, now, fresh_for, keep_empty=scope.everything)
        self._entries[key] = _Counted(
            version, now, counts_change_at(people, now, fresh_for), counts
        )
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return counts


COUNTS = PartKey[CountsCache]("status.counts")


def counts_cache(services: Services) -> CountsCache:
    return services.extras.setdefault(COUNTS, CountsCache())


async def build_status(
    services: Services,
    db: Db,
    lang: str,
    scope: StatusScope,
    now: datetime,
    *,
    chat_id: int | None = None,
) -> StatusView:
    catalog = services.catalog
    zone = services.settings.zone
    values = await groups.effective_values(db, services.settings)
    switch = await groups.jam_rawan(db)
    rawan = jam_rawan_active(values, now, switch.manual_on)
    fresh_for = stale_after(values, now, switch.manual_on)
    counts = await counts_cache(services).counts(db, scope, now, fresh_for)

    def t(key: str, **args: str | int | float) -> str:
        return catalog.html(lang, key, **args)

    def fmt(value: int) -> str:
        return format_number(value, lang)

    head = t("sts-title", time=format_moment(now, zone, lang))
    if rawan:
        head += "\n" + t("sts-jam-rawan")
    parts = [head]
    if not scope.everything:
        parts.append(t("sts-scope", scope=scope_label(services, lang, scope)))
    if counts:
        labels = TableLabels(
            *(
                catalog.text(lang, f"sts-col-{c}")
                for c in ("category", "strength", "siap", "tidak-siap", "bertugas", "total")
            )
        )
        # A phone shows 32 monospace characters: the table holds what is read at a glance,
        # the rest of the counts follow as lines (per category: the chart and /ekspor).
        lines = [f"<pre>{html.escape(status_table(counts, labels, fmt))}</pre>"]
        total = total_counts(counts)
        if total.linked < total.strength:
            lines.append(
                t("sts-count-linked", linked=fmt(total.linked), strength=fmt(total.strength))
            )
        for key, count in (
            ("sts-count-stale", total.stale),
            ("sts-count-unknown", total.unknown),
            ("sts-count-unreachable", total.unreachable),
        ):
            if count:
                lines.append(t(key, count=fmt(count)))
        parts.append("\n".join(lines))
        reasons = []
        for reason, count in reason_totals(counts):
            label = catalog.html(lang, "sts-reason-" + reason.replace("_", "-"))
            reasons.append(f"{label} {fmt(count)}")
        if reasons:
            parts.append("\n".join([t("sts-reasons-title"), *chain_lines(reasons)]))
    else:
        parts.append(t("sts-empty"))
    legend = t("sts-legend")

    callouts = await status.live_callouts(db, scope, chat_id=chat_id)
    callout_lines = []
    for callout in callouts:
        line = t(
            "sts-callout-line",
            id=callout.id,
            categories=callout.categories,
            accepted=fmt(callout.accepted),
            quota=fmt(callout.quota),
            arrived=fmt(callout.arrived),
            location=callout.location[:60],
        )
        if callout.drill:
            line = catalog.text(lang, "sts-callout-drill", line=line)
        callout_lines.append(line)
    rollcall_lines = []
    for rollcall in await status.open_rollcalls(db, scope):
        rollcall_lines.append(
            t(
                "sts-rollcall-line",
                id=rollcall.id,
                kind=catalog.text(lang, f"sts-rollcall-{rollcall.kind}"),
                scope=rollcall.scope_label or catalog.text(lang, "sts-rollcall-everyone"),
                yes=fmt(rollcall.yes),
                no=fmt(rollcall.no),
                waiting=fmt(rollcall.waiting),
                closes=format_time(rollcall.closes_at, zone, lang),
            )
        )

    def more(count: int) -> str:
        return t("sts-more", count=fmt(count))

    fixed = "\n\n".join(parts) + "\n\n" + legend
    budget = MESSAGE_LIMIT - len(fixed) - 4
    sections: list[str] = []
    if callout_lines:
        title = t("sts-callouts-title")
        kept = fit_lines(callout_lines, max(budget // 2, budget - 600) - len(title) - 1, more)
        sections.append("\n".join([title, *kept]))
    else:
        sections.append(t("sts-callouts-none"))
    if rollcall_lines:
        title = t("sts-rollcalls-title")
        left = budget - sum(len(s) + 2 for s in sections) - len(title) - 1
        sections.append("\n".join([title, *fit_lines(rollcall_lines, left, more)]))
    text = "\n\n".join([*parts, *sections, legend])
    return StatusView(text, counts, rawan, now)


def chart_labels(services: Services, lang: str) -> ChartLabels:
    """The chart's words. No time in the picture (the caption has it): the same counts then
    make the same picture, which the worker draws once."""
    catalog = services.catalog
    return ChartLabels(
        title=catalog.text(lang, "sts-chart-title"),
        segments=(
            ("siap", catalog.text(lang, "sts-chart-siap")),
            ("stale", catalog.text(lang, "sts-chart-stale")),
            ("tidak_siap", catalog.text(lang, "sts-chart-tidak-siap")),
            ("bertugas", catalog.text(lang, "sts-chart-bertugas")),
        ),
        rest=catalog.text(lang, "sts-chart-rest"),
        axis=catalog.text(lang, "sts-chart-axis"),
        # Fluent fills the words; str.format fills the numbers per bar.
        bar_label=catalog.text(lang, "sts-chart-bar", siap="{siap}", strength="{strength}"),
        thousands="," if lang == "en" else ".",
    )


async def draw_chart(services: Services, lang: str, view: StatusView) -> Chart:
    """The readiness chart of a status, drawn in the chart worker (never on the event loop)."""
    return await services.charts.draw(view.counts, chart_labels(services, lang))


def chart_caption(services: Services, lang: str, now: datetime) -> str:
    moment = format_moment(now, services.settings.zone, lang)
    return services.catalog.html(lang, "sts-chart-caption", time=moment)


async def queue_chart_if_changed(
    services: Services,
    tx: Transaction,
    group: CommandGroup,
    view: StatusView,
    key: str,
    now: datetime,
) -> bool:
    """Queue the chart as a photo of its own unless the group's last one showed the same:
    a group takes 20 messages a minute, and an unchanged picture tells it nothing."""
    if not chart_changed(group, view):
        return False
    chart = drawn_chart(services, group.language, view)
    if chart is None:
        return False
    await queue_chart(services, tx, group, chart, key, now, Priority.BROADCAST)
    return True


def drawn_chart(services: Services, lang: str, view: StatusView) -> Chart | None:
    """The chart of a status if it was drawn before the transaction (`draw_chart`), else None:
    a transaction never waits for the worker. None also when the counts changed since it was
    drawn; the chart then goes with a later message rather than hold the database."""
    return services.charts.drawn(view.counts, chart_labels(services, lang))


def chart_changed(group: CommandGroup, view: StatusView) -> bool:
    return chart_digest(chart_bars(view.counts)) != group.chart_digest


async def queue_chart(
    services: Services,
    tx: Transaction,
    group: CommandGroup,
    chart: Chart,
    key: str,
    now: datetime,
    priority: Priority,
) -> None:
    """The chart as a photo with its short caption, remembered as the group's last one."""
    await outbox.enqueue_photo(
        tx,
        chat_id=group.chat_id,
        png=chart.png,
        caption=chart_caption(services, group.language, now),
        dedup_key=key,
        now=now,
        priority=priority,
    )
    await groups.set_chart_digest(tx, group.chat_id, chart_digest(chart.bars))


# -- /status -----------------------------------------------------------------------------------


async def parse_typed_scope(
    update: Update, context: SiagaContext, args: list[str]
) -> StatusScope | None:
    """The categories and units typed after a command; an unknown one is answered here."""
    db = context.services.db
    order = await status.category_order(db)
    parsed = parse_scope(" ".join(args), order, await status.units(db))
    if isinstance(parsed, Refusal):
        await refuse(update, context, parsed, categories=", ".join(order))
        return None
    return parsed


async def _requested_scope(
    update: Update, context: SiagaContext, default: StatusScope
) -> StatusScope | None:
    """The scope typed after the command (within the asker's command), else `default`."""
    args = command_args(context)
    if not args:
        return default
    parsed = await parse_typed_scope(update, context, args)
    if parsed is None:
        return None
    mine = actor_scope(context.actor)
    if not parsed.within(mine):
        outside = parsed.label("")
        if not mine.everything:
            outside = ", ".join(
                sorted((parsed.units - mine.units) | (parsed.categories - mine.categories))
            )
        await reply(
            update,
            context,
            "sts-scope-outside",
            value=outside,
            scope=scope_label(context.services, context.actor.language, mine),
        )
        return None
    return parsed


async def _asked_scope(
    update: Update, context: SiagaContext
) -> tuple[StatusScope, CommandGroup | None, str] | None:
    """What /status and /laporan cover, the command group asked in (None in a private chat)
    and the language to answer in (the group's, else the asker's): the scope typed after the
    command, else the asker's own command in private or the group's scope in a group. None
    when the asker was refused (and told why)."""
    group = None
    if is_private(update):
        if not context.actor.is_commander:
            await reply(update, context, "posko-commander-only")
            return None
        default = actor_scope(context.actor)
        if default.empty:
            await reply(update, context, "posko-no-scope")
            return None
    else:
        group = await group_for_command(update, context)
        if group is None:
            return None
        default = group.scope
    scope = await _requested_scope(update, context, default)
    if scope is None:
        return None
    return scope, group, group.language if group else context.actor.language


async def status_command(update: Update, context: SiagaContext) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    services = context.services
    asked = await _asked_scope(update, context)
    if asked is None:
        return
    scope, group, lang = asked
    with_chart = group.chart if group else True
    names_ref = str(chat.id) if group else "p"
    now = services.clock.now()
    view = await build_status(services, services.db, lang, scope, now, chat_id=chat.id)
    button = services.catalog.text(lang, "sts-names-button")
    keyboard = inline_keyboard([[(button, callback_data.encode("sts", "names", names_ref))]])
    await message.reply_html(
        view.text,
        reply_markup=with_dashboard(keyboard, services, lang, private=group is None),
    )
    if not with_chart or not view.counts:
        return
    if group is None:
        chart = await draw_chart(services, lang, view)
        await message.reply_photo(chart.png, caption=chart_caption(services, lang, now))
        return
    # In a group the text answers the question; the chart follows only when it shows what the
    # group has not seen yet, through the outbox (behind the answer, within the group's
    # budget). Drawn before the transaction: the database is not held while it is drawn.
    if not chart_changed(group, view):
        return
    chart = await draw_chart(services, lang, view)
    async with services.db.transaction() as tx:
        key = f"sts:chart:{chat.id}:{message.message_id}"
        await queue_chart(services, tx, group, chart, key, now, Priority.REMINDER)


# -- names, privately --------------------------------------------------------------------------


async def on_names(update: Update, context: SiagaContext) -> None:
    """The names behind the counts, to the commander who tapped, in their private chat."""
    query = update.callback_query
    if query is None:
        return
    data = callback_data.decode(query.data)
    actor = context.actor
    services = context.services
    if data is None or not data.args:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    if not actor.is_commander:
        await query.answer(context.label("posko-commander-only"), show_alert=True)
        return
    scope = actor_scope(actor)
    if data.args[0] != "p":
        try:
            chat_id = int(data.args[0])
        except ValueError:
            chat_id = 0
        if abs(chat_id) > callback_data.MAX_ID:  # forged: no chat has such an id
            chat_id = 0
        group = await groups.active_group(services.db, chat_id)
        if group is None:
            await query.answer(context.label("posko-not-registered"), show_alert=True)
            return
        # Names go only to a commander whose own command holds everything the group counts.
        outside = outside_of(actor, group.scope)
        if outside is not None:
            await query.answer(
                context.label("posko-scope-outside", **refusal_args(context, outside)),
                show_alert=True,
            )
            return
        scope = group.scope
    now = services.clock.now()
    text = await render_names(services, actor, scope, now)
    async with services.db.transaction() as tx:
        for number, chunk in enumerate(text):
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=actor.user_id,
                    text=chunk,
                    priority=Priority.REMINDER,
                    dedup_key=f"sts:names:{actor.user_id}:{query.id}:{number}",
                ),
                now,
            )
    await query.answer(context.label("sts-names-sent"))


async def render_names(
    services: Services, actor: Actor, scope: StatusScope, now: datetime
) -> list[str]:
    catalog = services.catalog
    lang = actor.language
    db = services.db
    switch = await groups.jam_rawan(db)
    fresh_for = stale_after(
        await groups.effective_values(db, services.settings), now, switch.manual_on
    )
    people = await status.named_states(db, scope, actor_scope(actor))
    sections: dict[str, list[str]] = {"tidak-siap": [], "stale": [], "unreachable": []}
    for person in people:
        state = effective(person.readiness, now, fresh_for)
        args: dict[str, str | int | float] = {
            "name": person.display_name,
            "unit": person.unit,
            "category": person.category,
        }
        if state is Effective.TIDAK_SIAP and person.readiness is not None:
            reason = person.readiness.reason or "lainnya"
            args["reason"] = catalog.text(lang, f"eks-reason-{reason.replace('_', '-')}")
            sections["tidak-siap"].append(catalog.html(lang, "sts-names-person-reason", **args))
        elif state is Effective.STALE:
            sections["stale"].append(catalog.html(lang, "sts-names-person", **args))
        if person.unreachable:
            sections["unreachable"].append(catalog.html(lang, "sts-names-person", **args))
    title = catalog.html(
        lang,
        "sts-names-title",
        scope=scope_label(services, lang, scope),
        time=format_moment(now, services.settings.zone, lang),
    )
    blocks = [title]
    for key, lines in sections.items():
        if not lines:
            continue
        shown = lines[:NAMES_PER_SECTION]
        block = [catalog.html(lang, f"sts-names-{key}", count=format_number(len(lines), lang))]
        block += shown
        if len(lines) > len(shown):
            block.append(
                catalog.html(
                    lang, "sts-names-more", count=format_number(len(lines) - len(shown), lang)
                )
            )
        blocks.append("\n".join(block))
    if len(blocks) == 1:
        blocks.append(catalog.html(lang, "sts-names-none"))
    return split_chunks(blocks, MESSAGE_LIMIT)


# -- /laporan ----------------------------------------------------------------------------------


async def build_report(
    services: Services, db: Db, lang: str, scope: StatusScope, now: datetime
) -> list[str]:
    """The strength report as messages (HTML), each under Telegram's limit."""
    catalog = services.catalog
    switch = await groups.jam_rawan(db)
    fresh_for = stale_after(
        await groups.effective_values(db, services.settings), now, switch.manual_on
    )
    people = await status.people_states(db, scope)
    total_label = catalog.text(lang, "lap-total")
    report = strength_report(people, await status.category_order(db), now, fresh_for, total_label)

    def fmt(value: int) -> str:
        return format_number(value, lang)

    labels = ReportLabels(
        category=catalog.text(lang, "lap-col-category"),
        jumlah=catalog.text(lang, "lap-col-jumlah"),
        siap=catalog.text(lang, "lap-col-siap"),
        kurang=catalog.text(lang, "lap-col-kurang"),
        kinds={k: catalog.text(lang, f"lap-kind-{k.replace('_', '-')}") for k in SHORTFALL_KINDS},
    )
    head = catalog.html(lang, "lap-title", time=format_moment(now, services.settings.zone, lang))
    if not scope.everything:
        head += "\n" + catalog.html(lang, "lap-scope", scope=scope_label(services, lang, scope))
    if not report.units:
        return [head + "\n\n" + catalog.html(lang, "lap-empty")]

    def block(title: str, rows: Sequence[ReportRow], total: ReportRow) -> str:
        shown = report_block(rows, total, labels, fmt)
        notes = [html.escape(note) for note in shown.notes]
        return "\n".join([title, f"<pre>{html.escape(shown.table)}</pre>", *notes])

    blocks = [head]
    for unit in report.units:
        blocks.append(block(catalog.html(lang, "lap-unit", unit=unit.unit), unit.rows, unit.total))
    blocks.append(block(catalog.html(lang, "lap-whole"), report.categories, report.total))
    blocks.append(catalog.html(lang, "lap-legend"))
    return split_chunks(blocks, MESSAGE_LIMIT)


async def laporan_command(update: Update, context: SiagaContext) -> None:
    message = update.effective_message
    if message is None:
        return
    services = context.services
    asked = await _asked_scope(update, context)
    if asked is None:
        return
    scope, _, lang = asked
    for chunk in await build_report(services, services.db, lang, scope, services.clock.now()):
        await message.reply_html(chunk)


def register(app: SiagaApp) -> None:
    app.add_handler(CommandHandler("status", status_command))
    app.add_handler(CommandHandler("laporan", laporan_command))
    app.add_handler(CallbackQueryHandler(on_names, pattern=r"^sts:v1:names:"))
