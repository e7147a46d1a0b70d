"""What a call-out looks like: the confirm card, invitations, the commander's live card."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.domain.callout import (
    Availability,
    CalloutStatus,
    LineTally,
    Order,
    OrderLine,
    Strategy,
    elapsed_minutes,
)
from bot.domain.fill import ResponseModel, called_estimate
from bot.domain.geo import format_distance
from bot.i18n import format_time
from bot.services import Services, SiagaContext
from handlers.callout.keys import Action, button_data
from handlers.callout.order import LinePlan, strategy_of
from handlers.common import (
    markup_json,
)
from handlers.dashboard.buttons import with_dashboard_json
from handlers.kit.card import LiveCard, live_card
from handlers.kit.text import Renderer, renderer
from storage import callouts as store
from storage import outbox, users
from storage.callouts import Callout, Line
from storage.db import Database, Transaction
from storage.outbox import Priority


def _minutes(delta: timedelta) -> int:
    return max(round(delta.total_seconds() / 60), 1)


async def lang_of(db: Database | Transaction, services: Services, user_id: int) -> str:
    return await users.language_of(db, user_id, services.settings.locale)


def _map_url(callout: Callout) -> str | None:
    site = callout.site
    if site is None:
        return None
    return f"https://maps.google.com/?q={site[0]:.6f},{site[1]:.6f}"


def order_summary(lines: Sequence[OrderLine]) -> str:
    return ", ".join(f"{line.category} {line.quota}" for line in lines)


def render_confirm(
    context: SiagaContext,
    order: Order,
    plans: Sequence[LinePlan],
    timeout: timedelta,
    model: ResponseModel,
) -> str:
    services = context.services
    t = context.t
    parts = [t("callout-confirm-title-drill" if order.drill else "callout-confirm-title")]
    parts.append(t("callout-confirm-location", location=order.location))
    if order.latitude is not None and order.longitude is not None:
        parts.append(
            t(
                "callout-confirm-site",
                lat=f"{order.latitude:.5f}",
                lon=f"{order.longitude:.5f}",
                radius=format_distance(services.settings.arrival_radius_m, context.actor.language),
            )
        )
    else:
        parts.append(t("callout-confirm-no-site"))
    if order.ref:
        parts.append(t("callout-confirm-ref", ref=order.ref))
    parts += order_fields(
        renderer(services, context.actor.language), order.task, order.assembly, order.report_to
    )
    parts.append(t("callout-confirm-timeout", minutes=_minutes(timeout)))
    for plan in plans:
        snap = plan.snap
        parts.append("")
        parts.append(
            t(
                "callout-confirm-line",
                category=plan.line.category,
                quota=plan.quota.quota,
                ready=snap.count(Availability.READY),
                stale=snap.count(Availability.STALE),
                not_ready=snap.count(Availability.NOT_READY),
                deployed=snap.count(Availability.DEPLOYED),
                unreachable=snap.count(Availability.UNREACHABLE),
                unlinked=snap.count(Availability.UNLINKED),
                unknown=snap.count(Availability.UNKNOWN),
            )
        )
        if plan.reach.units is not None:
            parts.append(t("callout-confirm-units", units=", ".join(plan.reach.units)))
        if plan.quota.over_strength:
            parts.append(
                t(
                    "callout-confirm-over-strength",
                    category=plan.line.category,
                    requested=plan.quota.requested,
                    strength=snap.strength,
                    quota=plan.quota.quota,
                )
            )
        if plan.quota.quota == 0:
            parts.append(t("callout-confirm-nobody", category=plan.line.category))
        elif plan.quota.over_available:
            short = plan.quota.quota - snap.available
            if plan.reserve:
                key, reserve = "callout-confirm-over-available", {"reserve": plan.reserve}
            else:
                key, reserve = "callout-confirm-over-available-no-reserve", {}
            parts.append(
                t(
                    key,
                    category=plan.line.category,
                    quota=plan.quota.quota,
                    available=snap.available,
                    short=short,
                    **reserve,
                )
            )
    parts.append("")
    parts.extend(_strategy_lines(context, order, plans, timeout, model))
    parts.append("")
    parts.append(t("callout-confirm-question"))
    return "\n".join(parts)


def _strategy_lines(
    context: SiagaContext,
    order: Order,
    plans: Sequence[LinePlan],
    timeout: timedelta,
    model: ResponseModel,
) -> list[str]:
    """One line per strategy saying what it means for this order; the chosen one marked."""
    chosen = strategy_of(context.services, order)
    quota = sum(plan.quota.quota for plan in plans)
    lines = [context.t("callout-confirm-strategy-title")]
    for strategy in Strategy:
        called = sum(
            called_estimate(strategy, plan.quota.quota, plan.snap.available, model)
            for plan in plans
        )
        lines.append(
            context.t(
                f"callout-confirm-strategy-{strategy.value}",
                chosen="yes" if strategy is chosen else "no",
                called=called,
                quota=quota,
                minutes=_minutes(timeout),
            )
        )
    return lines


def timeout_of(services: Services, order: Order) -> timedelta:
    if order.timeout_minutes is not None:
        return timedelta(minutes=order.timeout_minutes)
    return timedelta(minutes=services.settings.invite_timeout_minutes)


def order_fields(
    r: Renderer, task: str | None, assembly: str | None, report_to: str | None
) -> list[str]:
    """What a member needs to act, when the order gave it: task/BKO, where to assemble, whom
    to report to (the invitation and the confirm card show the same lines)."""
    fields = (
        ("callout-invite-task", "task", task),
        ("callout-invite-assembly", "assembly", assembly),
        ("callout-invite-report-to", "report_to", report_to),
    )
    return [r.html(key, **{name: value}) for key, name, value in fields if value]


def render_invite(
    services: Services,
    lang: str,
    callout: Callout,
    line: Line,
    *,
    reminder_until: datetime | None = None,
    answer_by: datetime | None = None,
) -> str:
    """The invitation, or with `reminder_until` the reminder: answer before then, or be
    replaced (and the commander told). The invitation says `answer_by` as a clock time: a
    message can arrive late on a weak signal, so "within 5 minutes" would mislead."""
    r = renderer(services, lang)
    reminder = reminder_until is not None
    parts: list[str] = []
    if callout.drill:
        parts.append(r.html("callout-invite-drill"))
    title = "callout-reminder-title" if reminder else "callout-invite-title"
    parts.append(r.html(title, id=str(callout.id), category=line.category))
    parts.append(r.html("callout-invite-needed", quota=r.number(line.quota)))
    parts.append(r.html("callout-invite-location", location=callout.location))
    url = _map_url(callout)
    if url:
        parts.append(r.html("callout-invite-map", url=url))
    parts += order_fields(r, callout.task, callout.assembly, callout.report_to)
    if callout.ordered_by_position:
        parts.append(
            r.html(
                "callout-invite-orderer-post",
                name=callout.ordered_by_name,
                position=callout.ordered_by_position,
            )
        )
    else:
        parts.append(r.html("callout-invite-orderer", name=callout.ordered_by_name))
    if callout.order_ref:
        parts.append(r.html("callout-invite-ref", ref=callout.order_ref))
    if reminder_until is not None:
        parts.append(
            r.html(
                "callout-reminder-ask",
                time=format_time(reminder_until, services.settings.zone, lang),
            )
        )
    elif answer_by is not None:
        parts.append(
            r.html(
                "callout-invite-deadline",
                time=format_time(answer_by, services.settings.zone, lang),
            )
        )
    if callout.drill:
        parts.append(renderer(services, lang).html("callout-invite-drill"))
    return "\n".join(parts)


def invite_markup(services: Services, lang: str, invite_id: int) -> dict[str, Any]:
    return markup_json(
        [
            [
                (
                    renderer(services, lang).text("callout-accept"),
                    button_data(Action.ACCEPT, invite_id),
                ),
                (
                    renderer(services, lang).text("callout-decline"),
                    button_data(Action.DECLINE, invite_id),
                ),
            ]
        ]
    )


def arrival_keyboard(services: Services, lang: str) -> dict[str, Any]:
    return {
        "keyboard": [
            [
                {
                    "text": renderer(services, lang).text("callout-arrival-button"),
                    "request_location": True,
                }
            ]
        ],
        "resize_keyboard": True,
        "is_persistent": True,
    }


REMOVE_KEYBOARD: dict[str, Any] = {"remove_keyboard": True}


async def render_card(
    services: Services, tx: Database | Transaction, callout: Callout, now: datetime
) -> tuple[str, dict[str, Any] | None]:
    """The commander's live card and its buttons (none once the call-out has ended)."""
    lang = callout.language
    lines = await store.lines(tx, callout.id)
    tallies = await store.tallies(tx, callout.id)
    by_id = {line.id: line for line in lines}
    parts = [
        renderer(services, lang).html(
            "callout-card-title",
            id=str(callout.id),
            categories=", ".join(line.category for line in lines),
            location=callout.location,
        )
    ]
    if callout.drill:
        parts.append(renderer(services, lang).html("callout-card-drill"))
    if callout.order_ref:
        parts.append(
            renderer(services, lang).html(
                "callout-card-orderer-ref", name=callout.ordered_by_name, ref=callout.order_ref
            )
        )
    else:
        parts.append(
            renderer(services, lang).html("callout-card-orderer", name=callout.ordered_by_name)
        )
    parts.append(
        renderer(services, lang).html(
            "callout-card-strategy",
            strategy=renderer(services, lang).text(f"callout-strategy-{callout.strategy.value}"),
            called=sum(t.called for t in tallies.values()),
        )
    )
    for line in lines:
        tally = tallies.get(line.id, LineTally(quota=line.quota))
        row = renderer(services, lang).html(
            "callout-card-line",
            category=line.category,
            quota=tally.quota,
            accepted=tally.accepted,
            arrived=tally.arrived,
            declined=tally.declined,
            waiting=tally.waiting,
            no_answer=tally.no_answer,
            unreachable=tally.unreachable,
            replaced=tally.replaced,
        )
        notes: list[str] = []
        if line.reserve_for_line_id is not None and line.reserve_for_line_id in by_id:
            notes.append(
                renderer(services, lang).html(
                    "callout-card-reserve", category=by_id[line.reserve_for_line_id].category
                )
            )
        moved = line.requested - line.quota
        widened_to = [other.category for other in lines if other.reserve_for_line_id == line.id]
        if moved > 0 and widened_to:
            notes.append(
                renderer(services, lang).html(
                    "callout-card-widened", amount=moved, reserve=", ".join(widened_to)
                )
            )
        if tally.filled:
            notes.append(renderer(services, lang).html("callout-card-filled"))
        elif line.shortfall_accepted:
            missing = max(tally.quota - tally.accepted - tally.waiting, 0)
            notes.append(
                renderer(services, lang).html("callout-card-short-accepted", short=missing)
            )
        elif line.short_reported > 0:
            notes.append(
                renderer(services, lang).html("callout-card-short", short=line.short_reported)
            )
        if notes:
            row += " · " + " · ".join(notes)
        parts.append(row)
    if callout.status is CalloutStatus.ACTIVE:
        progress = ""
        if callout.batch_id is not None:
            progress = services.delivery.progress_text(
                lang, await services.delivery.progress(callout.batch_id)
            )
        parts.append(
            renderer(services, lang).html(
                "callout-card-progress",
                progress=progress,
                minutes=elapsed_minutes(callout.created_at, now),
            )
        )
        markup = markup_json(
            [
                [
                    (
                        renderer(services, lang).text("callout-remind"),
                        button_data(Action.REMIND, callout.id),
                    ),
                    (
                        renderer(services, lang).text("callout-complete"),
                        button_data(Action.COMPLETE, callout.id),
                    ),
                    (
                        renderer(services, lang).text("callout-cancel"),
                        button_data(Action.CANCEL, callout.id),
                    ),
                ]
            ]
        )
        markup = with_dashboard_json(markup, services, lang, private=not callout.chat_is_group)
        return "\n".join(parts), markup
    closed = callout.closed_at or now
    time = format_time(closed, services.settings.zone, lang)
    if callout.status is CalloutStatus.COMPLETED:
        parts.append(
            renderer(services, lang).html(
                "callout-card-completed",
                time=time,
                minutes=elapsed_minutes(callout.created_at, closed),
            )
        )
    else:
        parts.append(renderer(services, lang).html("callout-card-cancelled", time=time))
    return "\n".join(parts), None


def cards(services: Services) -> LiveCard:
    """Call-out cards (`handlers.kit.card`). A call-out's answers come one person at a time,
    so each decision redraws its card at once (`refresh_card`); the outbox coalesces them."""
    return live_card(services, "callout", _redraw_card)


async def refresh_card(services: Services, tx: Transaction, callout_id: int) -> None:
    await cards(services).redraw(services, tx, callout_id)


async def _redraw_card(services: Services, tx: Transaction, callout_id: int) -> None:
    callout = await store.get(tx, callout_id)
    if callout is None:
        return
    now = services.clock.now()
    text, markup = await render_card(services, tx, callout, now)
    state = await outbox.row_state(tx, callout.card_key)
    if state is None:
        return
    await outbox.enqueue_edit(
        tx,
        target_key=callout.card_key,
        chat_id=callout.chat_id,
        text=text,
        reply_markup=markup,
        now=now,
        # A card is one coalesced row: it may go ahead of the invitations it reports on.
        priority=Priority.CALLOUT,
    )
