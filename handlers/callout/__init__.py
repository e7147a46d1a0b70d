"""/mobilize (/gerakkan) and /pengerahan: backup call-outs that fill their quota.

The flow: order (typed, or guided with buttons) → confirm card → Kirim creates the call-out,
its lines and the first invitations in one transaction → people answer with one tap → the
engine here keeps every line at exactly its shortfall (replacing declines, timeouts and the
unreachable), stands the surplus down when a quota is met, and edits the commander's live
card in place. Every decision is written (invite rows, outbox rows, deadline rows) in the
transaction that made it; messages go out through the outbox after commit.

Rules live in `bot.domain.callout`, rows in `storage.callouts`; this module wires them to
Telegram and renders from `locales/*/callout.ftl`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import Message, ReplyKeyboardRemove, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain import callback_data
from bot.domain.callout import (
    DECLINE_REASONS,
    OPEN_STATES,
    Answer,
    ArrivalStatus,
    Availability,
    CalloutStatus,
    InviteState,
    LineTally,
    Order,
    OrderError,
    OrderLine,
    QuotaPlan,
    Reach,
    Snapshot,
    TimeoutAction,
    Verdict,
    draft_expired,
    elapsed_minutes,
    judge_answer,
    judge_arrival,
    judge_timeout,
    order_from_json,
    order_to_json,
    parse_order,
    plan_fill,
    plan_quota,
    plan_widening,
    quota_choices,
    rank_candidates,
    reach_for,
    should_report_short,
    snapshot,
    validate_location,
)
from bot.domain.geo import format_distance
from bot.domain.readiness import State
from bot.i18n import format_time
from bot.services import Actor, Services, SiagaApp, SiagaContext
from handlers.common import (
    Button,
    command_args,
    inline_keyboard,
    is_private,
    markup_json,
    reply,
    require_commander,
)
from handlers.locations import claims
from handlers.text_input import expects
from storage import audit, categories, deadlines, outbox, personnel, readiness, users
from storage import callouts as store
from storage.callouts import Callout, Invite, Line
from storage.db import Database, Transaction
from storage.deadlines import Deadline
from storage.outbox import OutgoingMessage, Priority
from storage.personnel import Person

log = logging.getLogger(__name__)

NS = "co"
INVITE_DEADLINE = "callout.invite"
TICK_DEADLINE = "callout.tick"
LOCATION_INPUT = "coloc"
REASON_INPUT = "cowhy"
# While invitations drain the card shows progress; afterwards it only needs the elapsed time.
TICK_DRAINING = timedelta(seconds=5)
TICK_IDLE = timedelta(minutes=1)
REMIND_COOLDOWN = timedelta(minutes=1)
MAX_REASON_CHARS = 200
# Telegram allows 100 inline buttons; a guided order never needs more than a screenful.
MAX_CATEGORY_BUTTONS = 30


# -- small helpers ------------------------------------------------------------------------


def _cb(action: str, *args: str | int) -> str:
    return callback_data.encode(NS, action, *args)


def _minutes(delta: timedelta) -> int:
    return max(round(delta.total_seconds() / 60), 1)


async def _lang(db: Database | Transaction, services: Services, user_id: int) -> str:
    return await users.language_of(db, user_id, services.settings.locale)


def _text(services: Services, lang: str, key: str, **args: str | int | float) -> str:
    return services.catalog.text(lang, key, **args)


def _html(services: Services, lang: str, key: str, **args: str | int | float) -> str:
    return services.catalog.html(lang, key, **args)


def _map_url(callout: Callout) -> str | None:
    site = callout.site
    if site is None:
        return None
    return f"https://maps.google.com/?q={site[0]:.6f},{site[1]:.6f}"


def _orderer_name(update: Update, actor: Actor) -> str:
    if actor.person is not None:
        return actor.person.display_name
    user = update.effective_user
    return user.full_name if user else str(actor.user_id)


def _scope_text(context: SiagaContext) -> str:
    scope = context.actor.scope
    parts = sorted(scope.categories) + sorted(scope.units)
    return ", ".join(parts) if parts else context.label("mobilize-scope-none")


def _reach(actor: Actor, category: str) -> Reach | None:
    if not actor.is_commander:
        return None
    return reach_for(
        category,
        is_admin=actor.is_admin,
        scope_categories=actor.scope.categories,
        scope_units=actor.scope.units,
    )


def _summary(lines: Sequence[OrderLine]) -> str:
    return ", ".join(f"{line.category} {line.quota}" for line in lines)


# -- planning an order (the confirm card and Kirim) ---------------------------------------


@dataclass(frozen=True)
class LinePlan:
    line: OrderLine
    reach: Reach
    snap: Snapshot
    quota: QuotaPlan
    reserve: str | None


async def plan_order(
    services: Services, db: Database | Transaction, actor: Actor, order: Order, now: datetime
) -> list[LinePlan] | OrderError:
    """Check scope and count who can go, per line: what the confirm card shows."""
    known = {c.code: c for c in await categories.all_categories(db)}
    plans: list[LinePlan] = []
    for line in order.lines:
        category = known.get(line.category)
        if category is None:
            return OrderError(
                "unknown-category", {"value": line.category, "known": ", ".join(known)}
            )
        reach = _reach(actor, line.category)
        if reach is None:
            return OrderError("out-of-scope", {"category": line.category})
        people = await store.category_people(db, line.category, reach.units)
        snap = snapshot(
            line.category,
            people,
            now,
            await services.stale_after(db),
            target_strength=category.target_strength if reach.units is None else 0,
        )
        plans.append(
            LinePlan(line, reach, snap, plan_quota(line.quota, snap), category.reserve_code)
        )
    return plans


def render_confirm(
    context: SiagaContext, order: Order, plans: Sequence[LinePlan], timeout: timedelta
) -> str:
    services = context.services
    t = context.t
    parts = [t("mobilize-confirm-title-drill" if order.drill else "mobilize-confirm-title")]
    parts.append(t("mobilize-confirm-location", location=order.location))
    if order.latitude is not None and order.longitude is not None:
        parts.append(
            t(
                "mobilize-confirm-site",
                lat=f"{order.latitude:.5f}",
                lon=f"{order.longitude:.5f}",
                radius=format_distance(services.settings.arrival_radius_m, context.actor.language),
            )
        )
    else:
        parts.append(t("mobilize-confirm-no-site"))
    if order.ref:
        parts.append(t("mobilize-confirm-ref", ref=order.ref))
    parts.append(t("mobilize-confirm-timeout", minutes=_minutes(timeout)))
    for plan in plans:
        snap = plan.snap
        parts.append("")
        parts.append(
            t(
                "mobilize-confirm-line",
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
            parts.append(t("mobilize-confirm-units", units=", ".join(plan.reach.units)))
        if plan.quota.over_strength:
            parts.append(
                t(
                    "mobilize-confirm-over-strength",
                    category=plan.line.category,
                    requested=plan.quota.requested,
                    strength=snap.strength,
                    quota=plan.quota.quota,
                )
            )
        if plan.quota.quota == 0:
            parts.append(t("mobilize-confirm-nobody", category=plan.line.category))
        elif plan.quota.over_available:
            short = plan.quota.quota - snap.available
            if plan.reserve:
                key, reserve = "mobilize-confirm-over-available", {"reserve": plan.reserve}
            else:
                key, reserve = "mobilize-confirm-over-available-no-reserve", {}
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
    parts.append(t("mobilize-confirm-question"))
    return "\n".join(parts)


def _timeout_of(services: Services, order: Order) -> timedelta:
    if order.timeout_minutes is not None:
        return timedelta(minutes=order.timeout_minutes)
    return timedelta(minutes=services.settings.invite_timeout_minutes)


# -- rendering what people and commanders see ---------------------------------------------


def render_invite(
    services: Services, lang: str, callout: Callout, category: str, *, reminder: bool = False
) -> str:
    parts: list[str] = []
    if callout.drill:
        parts.append(_html(services, lang, "mobilize-invite-drill"))
    title = "mobilize-reminder-title" if reminder else "mobilize-invite-title"
    parts.append(_html(services, lang, title, id=str(callout.id), category=category))
    parts.append(_html(services, lang, "mobilize-invite-location", location=callout.location))
    url = _map_url(callout)
    if url:
        parts.append(_html(services, lang, "mobilize-invite-map", url=url))
    if callout.order_ref:
        parts.append(
            _html(
                services,
                lang,
                "mobilize-invite-orderer-ref",
                name=callout.ordered_by_name,
                ref=callout.order_ref,
            )
        )
    else:
        parts.append(
            _html(services, lang, "mobilize-invite-orderer", name=callout.ordered_by_name)
        )
    if reminder:
        parts.append(_html(services, lang, "mobilize-reminder-ask"))
    else:
        parts.append(
            _html(
                services,
                lang,
                "mobilize-invite-deadline",
                minutes=_minutes(callout.invite_timeout),
            )
        )
    if callout.drill:
        parts.append(_html(services, lang, "mobilize-invite-drill"))
    return "\n".join(parts)


def _invite_markup(services: Services, lang: str, invite_id: int) -> dict[str, Any]:
    return markup_json(
        [
            [
                (_text(services, lang, "mobilize-accept"), _cb("ok", invite_id)),
                (_text(services, lang, "mobilize-decline"), _cb("no", invite_id)),
            ]
        ]
    )


def _arrival_keyboard(services: Services, lang: str) -> dict[str, Any]:
    return {
        "keyboard": [
            [{"text": _text(services, lang, "mobilize-arrival-button"), "request_location": True}]
        ],
        "resize_keyboard": True,
        "is_persistent": True,
    }


_REMOVE_KEYBOARD: dict[str, Any] = {"remove_keyboard": True}


async def render_card(
    services: Services, tx: Database | Transaction, callout: Callout, now: datetime
) -> tuple[str, dict[str, Any] | None]:
    """The commander's live card and its buttons (none once the call-out has ended)."""
    lang = callout.language
    lines = await store.lines(tx, callout.id)
    tallies = await store.tallies(tx, callout.id)
    by_id = {line.id: line for line in lines}
    parts = [
        _html(
            services,
            lang,
            "mobilize-card-title",
            id=str(callout.id),
            categories=", ".join(line.category for line in lines),
            location=callout.location,
        )
    ]
    if callout.drill:
        parts.append(_html(services, lang, "mobilize-card-drill"))
    if callout.order_ref:
        parts.append(
            _html(
                services,
                lang,
                "mobilize-card-orderer-ref",
                name=callout.ordered_by_name,
                ref=callout.order_ref,
            )
        )
    else:
        parts.append(_html(services, lang, "mobilize-card-orderer", name=callout.ordered_by_name))
    for line in lines:
        tally = tallies.get(line.id, LineTally(quota=line.quota))
        row = _html(
            services,
            lang,
            "mobilize-card-line",
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
                _html(
                    services,
                    lang,
                    "mobilize-card-reserve",
                    category=by_id[line.reserve_for_line_id].category,
                )
            )
        moved = line.requested - line.quota
        widened_to = [other.category for other in lines if other.reserve_for_line_id == line.id]
        if moved > 0 and widened_to:
            notes.append(
                _html(
                    services,
                    lang,
                    "mobilize-card-widened",
                    amount=moved,
                    reserve=", ".join(widened_to),
                )
            )
        if tally.filled:
            notes.append(_html(services, lang, "mobilize-card-filled"))
        elif line.shortfall_accepted:
            missing = max(tally.quota - tally.accepted - tally.waiting, 0)
            notes.append(_html(services, lang, "mobilize-card-short-accepted", short=missing))
        elif line.short_reported > 0:
            notes.append(_html(services, lang, "mobilize-card-short", short=line.short_reported))
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
            _html(
                services,
                lang,
                "mobilize-card-progress",
                progress=progress,
                minutes=elapsed_minutes(callout.created_at, now),
            )
        )
        markup = markup_json(
            [
                [
                    (_text(services, lang, "mobilize-remind"), _cb("rem", callout.id)),
                    (_text(services, lang, "mobilize-complete"), _cb("end", callout.id)),
                    (_text(services, lang, "mobilize-cancel"), _cb("stop", callout.id)),
                ]
            ]
        )
        return "\n".join(parts), markup
    closed = callout.closed_at or now
    time = format_time(closed, services.settings.zone, lang)
    if callout.status is CalloutStatus.COMPLETED:
        parts.append(
            _html(
                services,
                lang,
                "mobilize-card-completed",
                time=time,
                minutes=elapsed_minutes(callout.created_at, closed),
            )
        )
    else:
        parts.append(_html(services, lang, "mobilize-card-cancelled", time=time))
    return "\n".join(parts), None


async def refresh_card(services: Services, tx: Transaction, callout_id: int) -> None:
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


# -- the engine: invite, fill, stand down -------------------------------------------------


async def _invite(
    services: Services,
    tx: Transaction,
    callout: Callout,
    line: Line,
    person_id: int,
    chat_id: int,
    now: datetime,
) -> int:
    invite_id = await store.add_invite(tx, callout.id, line.id, person_id, chat_id, now)
    lang = await _lang(tx, services, chat_id)
    await outbox.enqueue(
        tx,
        OutgoingMessage(
            chat_id=chat_id,
            text=render_invite(services, lang, callout, line.category),
            priority=Priority.CALLOUT,
            dedup_key=store.invite_key(invite_id),
            reply_markup=_invite_markup(services, lang, invite_id),
            person_id=person_id,
            batch_id=callout.batch_id,
        ),
        now,
    )
    await deadlines.schedule(
        tx, INVITE_DEADLINE, invite_id, now + callout.invite_timeout, {"stage": 1}
    )
    return invite_id


async def fill_line(services: Services, tx: Transaction, callout_id: int, line_id: int) -> None:
    """Bring one line to its quota: invite exactly the shortfall, stand the surplus down when
    the quota is met, tell the commander when nobody is left to invite."""
    callout = await store.get(tx, callout_id)
    line = await store.get_line(tx, line_id)
    if callout is None or line is None or not callout.is_active:
        return
    now = services.clock.now()
    tally = (await store.tallies(tx, callout.id)).get(line.id, LineTally(quota=line.quota))
    # Most answers need nobody new: look for candidates only when someone is missing.
    found = []
    if plan_fill(tally, tally.quota).invite > 0:
        found = await store.candidates(tx, line.category, callout.id, line.units)
    plan = plan_fill(tally, len(found))
    if plan.stand_down:
        await store.mark_filled(tx, line.id, now)
        await _stand_down_line(services, tx, callout, line, now)
        await _update_short_notice(services, tx, callout, line, tally, 0)
        return
    ranked = rank_candidates(found, now, await services.stale_after(tx))[: plan.invite]
    for candidate in ranked:
        await _invite(services, tx, callout, line, candidate.person_id, candidate.chat_id, now)
    if ranked:
        await _arm_tick(tx, callout, now, TICK_DRAINING)
    await _update_short_notice(services, tx, callout, line, tally, plan.short_by)


async def fill_all(services: Services, tx: Transaction, callout_id: int) -> None:
    for line in await store.lines(tx, callout_id):
        await fill_line(services, tx, callout_id, line.id)


async def _arm_tick(tx: Transaction, callout: Callout, now: datetime, delay: timedelta) -> None:
    current = await deadlines.get(tx, TICK_DEADLINE, callout.id)
    due = now + delay
    if current is not None and current.state == "pending" and current.due_at <= due:
        return
    await deadlines.schedule(tx, TICK_DEADLINE, callout.id, due)


async def _edit_invite_messages(
    services: Services,
    tx: Transaction,
    invite: Invite,
    text: str,
    now: datetime,
    *,
    markup: dict[str, Any] | None = None,
    priority: Priority = Priority.CALLOUT,
) -> None:
    """Replace the invitation (and its reminders) with `text`; unsent ones are withdrawn."""
    keys = [invite.message_key] + [invite.reminder_key(n) for n in range(1, invite.reminders + 1)]
    for key in keys:
        if await outbox.cancel(tx, key):
            continue
        state = await outbox.row_state(tx, key)
        if state is None or state[1] != "sent":
            continue
        await outbox.enqueue_edit(
            tx,
            target_key=key,
            chat_id=invite.chat_id,
            text=text,
            reply_markup=markup,
            now=now,
            priority=priority,
        )


async def _stand_down_line(
    services: Services, tx: Transaction, callout: Callout, line: Line, now: datetime
) -> None:
    """The quota is met: every open invite is stood down, every silent one told so too."""
    for invite in await store.invites(
        tx, callout.id, line_id=line.id, states=[*OPEN_STATES, InviteState.NO_ANSWER]
    ):
        if invite.state in OPEN_STATES:
            if not await store.transition(tx, invite.id, OPEN_STATES, InviteState.STOOD_DOWN, now):
                continue
            await deadlines.cancel(tx, INVITE_DEADLINE, invite.id)
        lang = await _lang(tx, services, invite.chat_id)
        text = _html(
            services,
            lang,
            "mobilize-invite-stood-down",
            id=str(callout.id),
            category=line.category,
        )
        await _edit_invite_messages(services, tx, invite, text, now)


async def _update_short_notice(
    services: Services,
    tx: Transaction,
    callout: Callout,
    line: Line,
    tally: LineTally,
    short_by: int,
) -> None:
    """One notice per line and round, edited as the shortfall changes."""
    if line.shortfall_accepted or short_by == line.short_reported:
        return
    now = services.clock.now()
    lang = callout.language
    key = line.short_key
    exists = await outbox.row_state(tx, key) is not None
    if short_by == 0:
        if exists:
            await _settle_short_notice(
                services, tx, callout, line, now, "mobilize-short-resolved", category=line.category
            )
        await store.set_short_reported(tx, line.id, 0)
        return
    if not exists and not should_report_short(short_by, line.short_reported, False):
        return
    reserve = await _reserve_of(tx, line.category)
    widening = plan_widening(short_by, reserve, line.category)
    text = _html(
        services,
        lang,
        "mobilize-short",
        id=str(callout.id),
        category=line.category,
        short=short_by,
        quota=tally.quota,
        accepted=tally.accepted,
    )
    buttons: list[Button] = []
    if widening is not None:
        buttons.append(
            (
                _text(services, lang, "mobilize-short-widen", reserve=widening.reserve),
                _cb("wide", line.id),
            )
        )
    else:
        text += "\n" + _html(services, lang, "mobilize-short-no-reserve")
    buttons.append((_text(services, lang, "mobilize-short-accept"), _cb("short", line.id)))
    markup = markup_json([buttons])
    if exists:
        await outbox.enqueue_edit(
            tx,
            target_key=key,
            chat_id=callout.chat_id,
            text=text,
            reply_markup=markup,
            now=now,
        )
    else:
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                chat_id=callout.chat_id,
                text=text,
                priority=Priority.REMINDER,
                dedup_key=key,
                reply_markup=markup,
            ),
            now,
        )
    await store.set_short_reported(tx, line.id, short_by)


async def _settle_short_notice(
    services: Services,
    tx: Transaction,
    callout: Callout,
    line: Line,
    now: datetime,
    key: str,
    **args: str | int,
) -> None:
    """Edit a line's shortfall notice to its final word, without its buttons."""
    await outbox.enqueue_edit(
        tx,
        target_key=line.short_key,
        chat_id=callout.chat_id,
        text=_html(services, callout.language, key, id=str(callout.id), **args),
        reply_markup=None,
        now=now,
    )


async def _reserve_of(db: Database | Transaction, category: str) -> str | None:
    for item in await categories.all_categories(db):
        if item.code == category:
            reserve: str | None = item.reserve_code
            return reserve
    return None


# -- launching a call-out -----------------------------------------------------------------


async def launch(
    services: Services,
    tx: Transaction,
    *,
    draft_id: int,
    order: Order,
    plans: Sequence[LinePlan],
    actor: Actor,
    orderer_name: str,
    chat_id: int,
    chat_is_group: bool,
    now: datetime,
) -> int | None:
    """Kirim: the call-out, its lines, the card and the first invitations, all at once.

    None when the draft was already sent (a double tap): then nothing was written.
    """
    if not await store.close_draft(tx, draft_id, "sent", now):
        return None
    callout_id = await store.create(
        tx,
        draft_id=draft_id,
        order=order,
        radius_m=services.settings.arrival_radius_m,
        ordered_by_user_id=actor.user_id,
        ordered_by_person_id=actor.person.id if actor.person else None,
        ordered_by_name=orderer_name,
        chat_id=chat_id,
        chat_is_group=chat_is_group,
        language=actor.language,
        invite_timeout=_timeout_of(services, order),
        now=now,
    )
    await store.set_draft_callout(tx, draft_id, callout_id)
    title = _text(
        services,
        actor.language,
        "mobilize-batch-title",
        id=str(callout_id),
        categories=", ".join(p.line.category for p in plans),
    )
    # Unreachable recipients are reported with unit and phone: to the commander's private
    # chat, never to a group.
    batch_id = await outbox.create_batch(tx, "callout", now, actor.user_id, title=title)
    await store.set_batch(tx, callout_id, batch_id)
    for plan in plans:
        await store.add_line(
            tx,
            callout_id,
            plan.line.category,
            plan.quota.quota,
            requested=plan.quota.quota,
            units=plan.reach.units,
        )
    callout = await store.get(tx, callout_id)
    assert callout is not None
    # The card is queued before the invitations so the commander sees it first; its text
    # is filled in below, in this same transaction, once the invitations exist.
    text, markup = await render_card(services, tx, callout, now)
    await outbox.enqueue(
        tx,
        OutgoingMessage(
            chat_id=chat_id,
            text=text,
            priority=Priority.CALLOUT,
            dedup_key=callout.card_key,
            reply_markup=markup,
        ),
        now,
    )
    await fill_all(services, tx, callout_id)
    # Nothing can be in flight before this commit, so rewriting the queued text is safe.
    text, _ = await render_card(services, tx, callout, now)
    await outbox.set_pending_text(tx, callout.card_key, text)
    await _arm_tick(tx, callout, now, TICK_DRAINING)
    await audit.record(
        tx,
        now,
        "callout.ordered",
        actor_user_id=actor.user_id,
        actor_person_id=actor.person.id if actor.person else None,
        subject=f"callout:{callout_id}",
        details={
            "order": order_to_json(order),
            "quotas": {p.line.category: p.quota.quota for p in plans},
            "chat_id": chat_id,
        },
    )
    return callout_id


# -- answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerResult:
    verdict: Verdict
    callout: Callout
    category: str


async def apply_answer(
    services: Services,
    tx: Transaction,
    invite_id: int,
    answer: Answer,
    *,
    by_user_id: int,
    proxy: bool,
) -> AnswerResult | None:
    """Record one answer (the person's own, or their commander's for them), exactly once."""
    invite = await store.get_invite(tx, invite_id)
    if invite is None:
        return None
    callout = await store.get(tx, invite.callout_id)
    line = await store.get_line(tx, invite.line_id)
    if callout is None or line is None:
        return None
    now = services.clock.now()
    tally = (await store.tallies(tx, callout.id)).get(line.id, LineTally(quota=line.quota))
    held = await store.live_invite_of(tx, invite.person_id)
    current = await readiness.get(tx, invite.person_id)
    elsewhere = (held is not None and held.callout_id != callout.id) or (
        current is not None
        and current.state is State.BERTUGAS
        and current.callout_id not in (None, callout.id)
    )
    verdict = judge_answer(
        callout_active=callout.is_active,
        state=invite.state,
        answer=answer,
        tally=tally,
        deployed_elsewhere=elsewhere,
    )
    if verdict is Verdict.COUNT:
        from_states = [
            s for s in InviteState if s not in (InviteState.ACCEPTED, InviteState.CANCELLED)
        ]
        if not await store.transition(
            tx,
            invite.id,
            from_states,
            InviteState.ACCEPTED,
            now,
            answered=True,
            answered_by_user_id=by_user_id,
            proxy=proxy,
        ):
            return AnswerResult(Verdict.ALREADY_ACCEPTED, callout, line.category)
        await readiness.set_deployed(tx, invite.person_id, callout.id, now)
        await deadlines.cancel(tx, INVITE_DEADLINE, invite.id)
        lang = await _lang(tx, services, invite.chat_id)
        # The toast (or the commander's word) has told them already: the invitation's edit
        # and the arrival prompt queue behind the invitations still owed to others, which
        # share Telegram's 30 a second with them (an everyone call-out took 4x N/30).
        accepted = _html(
            services, lang, "mobilize-accepted", id=str(callout.id), location=callout.location
        )
        await _edit_invite_messages(
            services, tx, invite, accepted, now, priority=Priority.REMINDER
        )
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                chat_id=invite.chat_id,
                text=_html(
                    services,
                    lang,
                    "mobilize-arrival-prompt",
                    id=str(callout.id),
                    location=callout.location,
                ),
                priority=Priority.REMINDER,
                dedup_key=f"co:arr:{invite.id}",
                reply_markup=_arrival_keyboard(services, lang),
                person_id=invite.person_id,
            ),
            now,
        )
        # The other open invites of a timed-out person's line may now be surplus.
        await fill_line(services, tx, callout.id, line.id)
    elif verdict is Verdict.DECLINED:
        if not await store.transition(
            tx,
            invite.id,
            [
                InviteState.PENDING,
                InviteState.TIMED_OUT,
                InviteState.NO_ANSWER,
                InviteState.UNREACHABLE,
            ],
            InviteState.DECLINED,
            now,
            answered=True,
            answered_by_user_id=by_user_id,
            proxy=proxy,
        ):
            return AnswerResult(Verdict.ALREADY_DECLINED, callout, line.category)
        await deadlines.cancel(tx, INVITE_DEADLINE, invite.id)
        await fill_line(services, tx, callout.id, line.id)
    else:
        return AnswerResult(verdict, callout, line.category)
    await refresh_card(services, tx, callout.id)
    return AnswerResult(verdict, callout, line.category)


async def decline_for_not_ready(
    services: Services, tx: Transaction, person_id: int, by_user_id: int
) -> int | None:
    """Someone invited who reports TIDAK SIAP has declined: the next candidate goes now
    instead of after the timeout. Returns the call-out whose invite was declined."""
    invite = await store.live_invite_of(tx, person_id)
    if invite is None or invite.state not in (InviteState.PENDING, InviteState.TIMED_OUT):
        return None
    result = await apply_answer(
        services, tx, invite.id, Answer.DECLINE, by_user_id=by_user_id, proxy=False
    )
    if result is None or result.verdict is not Verdict.DECLINED:
        return None
    lang = await _lang(tx, services, invite.chat_id)
    await outbox.enqueue_edit(
        tx,
        target_key=store.invite_key(invite.id),
        chat_id=invite.chat_id,
        text=_html(services, lang, "mobilize-declined-not-ready", id=str(result.callout.id)),
        reply_markup=None,
        now=services.clock.now(),
        priority=Priority.CALLOUT,
    )
    return result.callout.id


# -- timers -------------------------------------------------------------------------------


async def _premature(services: Services, tx: Transaction, deadline: Deadline) -> bool:
    """A row re-armed for later while a stale read of it was firing: put it back, skip."""
    if deadline.due_at <= services.clock.now():
        return False
    await deadlines.schedule(tx, deadline.kind, deadline.ref, deadline.due_at, deadline.payload)
    return True


async def on_invite_deadline(services: Services, tx: Transaction, deadline: Deadline) -> None:
    if await _premature(services, tx, deadline):
        return
    invite = await store.get_invite(tx, int(deadline.ref))
    if invite is None:
        return
    callout = await store.get(tx, invite.callout_id)
    line = await store.get_line(tx, invite.line_id)
    if callout is None or line is None or not callout.is_active:
        return
    now = services.clock.now()
    if invite.state in OPEN_STATES and await outbox.is_unreachable(tx, invite.chat_id):
        # The backstop for an unreachable-callback lost in a crash.
        await mark_unreachable(services, tx, invite.id, "blocked")
        return
    person = await personnel.by_id(tx, invite.person_id)
    active = person is not None and person.active
    stage = int(deadline.payload.get("stage", 1))
    action = judge_timeout(invite.state, stage, person_active=active)
    if action is TimeoutAction.NOTHING:
        return
    if not active:
        await mark_unreachable(services, tx, invite.id, "deactivated")
        if person is not None:
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=callout.ordered_by_user_id,
                    text=_html(
                        services,
                        await _lang(tx, services, callout.ordered_by_user_id),
                        "mobilize-deactivated",
                        id=str(callout.id),
                        name=person.display_name,
                    ),
                    priority=Priority.REMINDER,
                    dedup_key=f"co:deact:{invite.id}",
                ),
                now,
            )
        return
    if action is TimeoutAction.REMIND:
        if not await store.transition(
            tx, invite.id, [InviteState.PENDING], InviteState.TIMED_OUT, now
        ):
            return
        await _send_reminder(services, tx, callout, line, invite, now)
        await deadlines.schedule(
            tx, INVITE_DEADLINE, invite.id, now + callout.invite_timeout, {"stage": 2}
        )
        await fill_line(services, tx, callout.id, line.id)
    else:
        if not await store.transition(tx, invite.id, OPEN_STATES, InviteState.NO_ANSWER, now):
            return
        assert person is not None
        await _report_no_answer(services, tx, callout, line, invite, person, now)
        await fill_line(services, tx, callout.id, line.id)
    await refresh_card(services, tx, callout.id)


async def _send_reminder(
    services: Services,
    tx: Transaction,
    callout: Callout,
    line: Line,
    invite: Invite,
    now: datetime,
) -> None:
    number = await store.bump_reminders(tx, invite.id)
    lang = await _lang(tx, services, invite.chat_id)
    await outbox.enqueue(
        tx,
        OutgoingMessage(
            chat_id=invite.chat_id,
            text=render_invite(services, lang, callout, line.category, reminder=True),
            priority=Priority.REMINDER,
            dedup_key=invite.reminder_key(number),
            reply_markup=_invite_markup(services, lang, invite.id),
            person_id=invite.person_id,
            batch_id=callout.batch_id,
        ),
        now,
    )


async def _own_commanders(tx: Transaction, person: Person) -> list[Person]:
    """Whom a silent person's no-answer goes to: the commanders of their own unit first,
    else those of their category."""
    covering = [
        c
        for c in await personnel.commanders_covering(tx, person)
        if c.id != person.id and c.telegram_user_id is not None
    ]
    unit_commanders = []
    for commander in covering:
        scope = await personnel.command_scope(tx, commander.id)
        if person.unit in scope.units:
            unit_commanders.append(commander)
    return unit_commanders or covering


async def _report_no_answer(
    services: Services,
    tx: Transaction,
    callout: Callout,
    line: Line,
    invite: Invite,
    person: Person,
    now: datetime,
) -> None:
    chats = [c.telegram_user_id for c in await _own_commanders(tx, person)]
    recipients = [c for c in chats if c is not None] or [callout.ordered_by_user_id]
    for chat_id in dict.fromkeys(recipients):
        lang = await _lang(tx, services, chat_id)
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                chat_id=chat_id,
                text=_html(
                    services,
                    lang,
                    "mobilize-noanswer-report",
                    id=str(callout.id),
                    category=line.category,
                    name=person.display_name,
                    unit=person.unit,
                    location=callout.location,
                ),
                priority=Priority.REMINDER,
                dedup_key=f"co:noans:{invite.id}:{chat_id}",
                reply_markup=markup_json(
                    [
                        [
                            (
                                _text(services, lang, "mobilize-proxy-accept"),
                                _cb("pok", invite.id),
                            ),
                            (
                                _text(services, lang, "mobilize-proxy-decline"),
                                _cb("pno", invite.id),
                            ),
                        ]
                    ]
                ),
            ),
            now,
        )


async def on_tick(services: Services, tx: Transaction, deadline: Deadline) -> None:
    if await _premature(services, tx, deadline):
        return
    callout = await store.get(tx, int(deadline.ref))
    if callout is None or not callout.is_active:
        return
    now = services.clock.now()
    await refresh_card(services, tx, callout.id)
    draining = False
    if callout.batch_id is not None:
        draining = not (await outbox.batch_progress(tx, callout.batch_id)).done
    await deadlines.schedule(
        tx, TICK_DEADLINE, callout.id, now + (TICK_DRAINING if draining else TICK_IDLE)
    )


# -- unreachable recipients ---------------------------------------------------------------


async def mark_unreachable(
    services: Services, tx: Transaction, invite_id: int, reason: str
) -> bool:
    """Telegram refused the invitation (or the person left the roster): replace them."""
    invite = await store.get_invite(tx, invite_id)
    if invite is None or invite.state not in OPEN_STATES:
        return False
    now = services.clock.now()
    if not await store.transition(
        tx, invite.id, OPEN_STATES, InviteState.UNREACHABLE, now, end_reason=reason
    ):
        return False
    await deadlines.cancel(tx, INVITE_DEADLINE, invite.id)
    await fill_line(services, tx, invite.callout_id, invite.line_id)
    await refresh_card(services, tx, invite.callout_id)
    return True


def unreachable_hook(services: Services) -> Any:
    async def on_unreachable(person_id: int | None, chat_id: int, dedup_key: str) -> None:
        invite_id = store.invite_id_of_key(dedup_key)
        if invite_id is None:
            return
        async with services.db.transaction() as tx:
            changed = await mark_unreachable(services, tx, invite_id, "blocked")
        if changed:
            services.wake_delivery()
            services.scheduler.wake()

    return on_unreachable


# -- closing, reminding, widening ---------------------------------------------------------


async def close_callout(
    services: Services, tx: Transaction, callout_id: int, status: CalloutStatus, by: Actor
) -> bool:
    """Selesai (stand down) or Batalkan: everyone still involved is told, the deployed return
    to SIAP, every timer stops. False when it was already closed."""
    now = services.clock.now()
    if not await store.close(tx, callout_id, status, now, by.user_id):
        return False
    callout = await store.get(tx, callout_id)
    assert callout is not None
    lines = {line.id: line for line in await store.lines(tx, callout_id)}
    cancelled = status is CalloutStatus.CANCELLED
    for invite in await store.invites(tx, callout_id):
        category = lines[invite.line_id].category if invite.line_id in lines else "?"
        lang = await _lang(tx, services, invite.chat_id)
        await deadlines.cancel(tx, INVITE_DEADLINE, invite.id)
        if invite.state in OPEN_STATES:
            target = InviteState.CANCELLED if cancelled else InviteState.STOOD_DOWN
            await store.transition(tx, invite.id, OPEN_STATES, target, now)
            key = "mobilize-invite-cancelled" if cancelled else "mobilize-invite-closed"
            text = _html(services, lang, key, id=str(callout.id), category=category)
            await _edit_invite_messages(services, tx, invite, text, now)
        elif invite.state is InviteState.NO_ANSWER:
            text = _html(
                services, lang, "mobilize-invite-closed", id=str(callout.id), category=category
            )
            await _edit_invite_messages(services, tx, invite, text, now)
        elif invite.state is InviteState.ACCEPTED and invite.released_at is None:
            await store.release(tx, invite.id, now)
            await readiness.release_deployed(tx, invite.person_id, callout.id, now)
            key = "mobilize-cancelled-person" if cancelled else "mobilize-released"
            # Withdraw an arrival prompt not yet sent; the message below clears its keyboard.
            await outbox.cancel(tx, f"co:arr:{invite.id}")
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=invite.chat_id,
                    text=_html(services, lang, key, id=str(callout.id)),
                    priority=Priority.CALLOUT,
                    dedup_key=f"co:end:{invite.id}",
                    reply_markup=_REMOVE_KEYBOARD,
                    person_id=invite.person_id,
                ),
                now,
            )
    for line in lines.values():
        if line.short_reported > 0 and await outbox.row_state(tx, line.short_key) is not None:
            await _settle_short_notice(services, tx, callout, line, now, "mobilize-already-closed")
    await deadlines.cancel(tx, TICK_DEADLINE, callout.id)
    await refresh_card(services, tx, callout.id)
    await audit.record(
        tx,
        now,
        "callout.cancelled" if cancelled else "callout.completed",
        actor_user_id=by.user_id,
        actor_person_id=by.person.id if by.person else None,
        subject=f"callout:{callout.id}",
    )
    return True


async def remind_open(services: Services, tx: Transaction, callout: Callout) -> int:
    """Ingatkan: a reminder to everyone who has not answered yet."""
    now = services.clock.now()
    lines = {line.id: line for line in await store.lines(tx, callout.id)}
    count = 0
    for invite in await store.invites(tx, callout.id, states=OPEN_STATES):
        line = lines.get(invite.line_id)
        if line is None:
            continue
        await _send_reminder(services, tx, callout, line, invite, now)
        count += 1
    await store.touch_reminder(tx, callout.id, now)
    return count


def may_manage(actor: Actor, callout: Callout, lines: Sequence[Line]) -> bool:
    """The commander who ordered it, a commander of all its categories, or an admin."""
    if actor.is_admin or actor.user_id == callout.ordered_by_user_id:
        return True
    return actor.is_commander and all(actor.commands_category(line.category) for line in lines)


def may_see(actor: Actor, callout: Callout, lines: Sequence[Line]) -> bool:
    if may_manage(actor, callout, lines):
        return True
    if not actor.is_commander:
        return False
    return any(
        actor.commands_category(line.category)
        or (line.units is not None and set(line.units) & actor.scope.units)
        for line in lines
    )


_TapAnswer = tuple[str, dict[str, str | int]]


async def _active_line(tx: Transaction, line_id: int) -> tuple[Line, Callout] | _TapAnswer:
    """A line and its call-out, or the answer to a tap on a line that is gone or closed."""
    line = await store.get_line(tx, line_id)
    callout = await store.get(tx, line.callout_id) if line else None
    if line is None or callout is None:
        return "button-invalid", {}
    if not callout.is_active:
        closed: _TapAnswer = ("mobilize-already-closed", {"id": str(callout.id)})
        return closed
    return line, callout


async def widen_line(
    services: Services, tx: Transaction, line_id: int, actor: Actor
) -> _TapAnswer:
    """One tap: move a short line's missing places to its category's reserve. Returns the
    message key (and arguments) to answer the tap with."""
    opened = await _active_line(tx, line_id)
    if isinstance(opened[0], str):
        return opened
    line, callout = opened
    tally = (await store.tallies(tx, callout.id)).get(line.id, LineTally(quota=line.quota))
    found = await store.candidates(tx, line.category, callout.id, line.units)
    short_by = plan_fill(tally, len(found)).short_by
    widening = plan_widening(short_by, await _reserve_of(tx, line.category), line.category)
    if widening is None:
        return "mobilize-short-nothing", {}
    reach = _reach(actor, widening.reserve)
    if reach is None:
        return "mobilize-short-out-of-scope", {"reserve": widening.reserve}
    now = services.clock.now()
    existing = next(
        (
            other
            for other in await store.lines(tx, callout.id)
            if other.category == widening.reserve
        ),
        None,
    )
    if existing is not None:
        await store.add_quota(tx, existing.id, widening.amount)
        target_id = existing.id
    else:
        target_id = await store.add_line(
            tx,
            callout.id,
            widening.reserve,
            widening.amount,
            units=reach.units,
            reserve_for_line_id=line.id,
        )
    await store.set_quota(tx, line.id, line.quota - widening.amount)
    await _settle_short_notice(
        services,
        tx,
        callout,
        line,
        now,
        "mobilize-short-widened",
        category=line.category,
        reserve=widening.reserve,
        amount=widening.amount,
    )
    await store.next_short_round(tx, line.id)
    await fill_line(services, tx, callout.id, target_id)
    await fill_line(services, tx, callout.id, line.id)
    await refresh_card(services, tx, callout.id)
    await audit.record(
        tx,
        now,
        "callout.widened",
        actor_user_id=actor.user_id,
        actor_person_id=actor.person.id if actor.person else None,
        subject=f"callout:{callout.id}",
        details={"from": line.category, "to": widening.reserve, "amount": widening.amount},
    )
    return "mobilize-short-widened", {
        "id": str(callout.id),
        "category": line.category,
        "reserve": widening.reserve,
        "amount": widening.amount,
    }


async def accept_shortfall(
    services: Services, tx: Transaction, line_id: int, actor: Actor
) -> _TapAnswer:
    opened = await _active_line(tx, line_id)
    if isinstance(opened[0], str):
        return opened
    line, callout = opened
    now = services.clock.now()
    short = line.short_reported
    if await store.accept_shortfall(tx, line.id):
        await _settle_short_notice(
            services,
            tx,
            callout,
            line,
            now,
            "mobilize-short-accepted",
            category=line.category,
            short=short,
        )
        await refresh_card(services, tx, callout.id)
        await audit.record(
            tx,
            now,
            "callout.shortfall_accepted",
            actor_user_id=actor.user_id,
            subject=f"callout:{callout.id}",
            details={"category": line.category, "short": short},
        )
    return "mobilize-short-accepted", {
        "id": str(callout.id),
        "category": line.category,
        "short": short,
    }


# -- /mobilize ----------------------------------------------------------------------------


async def mobilize_command(update: Update, context: SiagaContext) -> None:
    if not await require_commander(update, context):
        return
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    args = command_args(context)
    known = [c.code for c in await categories.all_categories(services.db)]
    if not known:
        await reply(update, context, "mobilize-error-no-categories")
        return
    if not args:
        if not is_private(update):
            await reply(update, context, "mobilize-group-guided")
            return
        await _start_guided(update, context, known)
        return
    message = update.effective_message
    text = (message.text or "") if message else ""
    # The order as typed, spacing and all, minus the command itself.
    body = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else " ".join(args)
    order = parse_order(body, known)
    if isinstance(order, OrderError):
        await _reply_error(update, context, order, known)
        return
    await _confirm(update, context, order, draft_id=None)


async def _reply_error(
    update: Update, context: SiagaContext, error: OrderError, known: Sequence[str]
) -> None:
    args: dict[str, str | int] = {"known": ", ".join(known), **error.args}
    if error.key == "out-of-scope":
        args["scope"] = _scope_text(context)
    await reply(update, context, "mobilize-error-" + error.key, **args)


async def _confirm(
    update: Update, context: SiagaContext, order: Order, *, draft_id: int | None
) -> None:
    """Show the confirm card for `order` (a new draft, or the guided one finished)."""
    services = context.services
    chat = update.effective_chat
    if chat is None:
        return
    now = services.clock.now()
    plans = await plan_order(services, services.db, context.actor, order, now)
    if isinstance(plans, OrderError):
        known = [c.code for c in await categories.all_categories(services.db)]
        await _reply_error(update, context, plans, known)
        return
    async with services.db.transaction() as tx:
        if draft_id is None:
            draft_id = await store.create_draft(
                tx, context.actor.user_id, chat.id, order_to_json(order), now
            )
        else:
            await store.update_draft(tx, draft_id, order_to_json(order), now)
        await users.set_pending_input(tx, context.actor.user_id, None, now)
    text = render_confirm(context, order, plans, _timeout_of(services, order))
    buttons: list[Button] = []
    if any(plan.quota.quota > 0 for plan in plans):
        buttons.append((context.label("mobilize-send"), _cb("send", draft_id)))
    buttons.append((context.label("mobilize-discard"), _cb("drop", draft_id)))
    message = update.effective_message
    if message is not None:
        await message.reply_html(text, reply_markup=inline_keyboard([buttons]))


async def _start_guided(update: Update, context: SiagaContext, known: Sequence[str]) -> None:
    services = context.services
    chat = update.effective_chat
    if chat is None:
        return
    now = services.clock.now()
    async with services.db.transaction() as tx:
        draft_id = await store.create_draft(
            tx, context.actor.user_id, chat.id, {"lines": [], "location": ""}, now
        )
    text, markup = await _category_picker(context, draft_id, [])
    message = update.effective_message
    if message is not None:
        await message.reply_html(text, reply_markup=markup)


async def _category_picker(
    context: SiagaContext, draft_id: int, chosen: Sequence[OrderLine]
) -> tuple[str, Any]:
    services = context.services
    now = services.clock.now()
    taken = {line.category for line in chosen}
    rows: list[list[Button]] = []
    for category in await categories.all_categories(services.db):
        if category.code in taken or len(rows) >= MAX_CATEGORY_BUTTONS:
            continue
        reach = _reach(context.actor, category.code)
        if reach is None:
            continue
        try:
            data = _cb("cat", draft_id, category.code)
        except ValueError:
            continue  # a code that cannot ride in a button is ordered by typing it
        people = await store.category_people(services.db, category.code, reach.units)
        snap = snapshot(category.code, people, now, await services.stale_after())
        label = context.label(
            "mobilize-guided-category-button", category=category.code, ready=snap.available
        )
        rows.append([(label, data)])
    if chosen:
        text = context.t("mobilize-guided-category-more", summary=_summary(chosen))
    else:
        text = context.t("mobilize-guided-category")
    rows.append([(context.label("mobilize-discard"), _cb("drop", draft_id))])
    return text, inline_keyboard(rows)


# -- /pengerahan --------------------------------------------------------------------------


async def pengerahan_command(update: Update, context: SiagaContext) -> None:
    if not await require_commander(update, context):
        return
    services = context.services
    args = command_args(context)
    actor = context.actor
    now = services.clock.now()
    if args:
        value = args[0].lstrip("#")
        callout_id = callback_data.parse_id(value)
        callout = await store.get(services.db, callout_id) if callout_id is not None else None
        if callout is None:
            await reply(update, context, "mobilize-show-unknown", value=args[0][:20])
            return
        lines = await store.lines(services.db, callout.id)
        if not may_see(actor, callout, lines):
            await reply(update, context, "mobilize-show-not-yours", id=str(callout.id))
            return
        text, markup = await render_card(services, services.db, callout, now)
        if is_private(update):
            text += await _names(context, callout)
        message = update.effective_message
        if message is not None:
            keyboard = None
            if markup is not None:
                keyboard = inline_keyboard(
                    [
                        [(b["text"], b["callback_data"]) for b in row]
                        for row in markup["inline_keyboard"]
                    ]
                )
            await message.reply_html(text, reply_markup=keyboard)
        return
    items: list[str] = []
    for callout in await store.active(services.db):
        lines = await store.lines(services.db, callout.id)
        if not may_see(actor, callout, lines):
            continue
        tallies = await store.tallies(services.db, callout.id)
        summary = ", ".join(
            f"{line.category} {tallies[line.id].accepted}/{line.quota}"
            if line.id in tallies
            else f"{line.category} 0/{line.quota}"
            for line in lines
        )
        item = context.t(
            "mobilize-list-item",
            id=str(callout.id),
            summary=summary,
            location=callout.location,
            minutes=elapsed_minutes(callout.created_at, now),
        )
        if callout.drill:
            item += " · " + context.t("mobilize-list-drill")
        items.append(item)
    if not items:
        await reply(update, context, "mobilize-list-empty")
        return
    text = "\n".join(
        [context.t("mobilize-list-title"), *items, "", context.t("mobilize-list-hint")]
    )
    message = update.effective_message
    if message is not None:
        await message.reply_html(text)


async def _names(context: SiagaContext, callout: Callout) -> str:
    """Who went, who did not: names with ranks, only ever in a commander's private chat."""
    db = context.services.db
    groups: dict[str, list[str]] = {}
    for invite in await store.invites(db, callout.id):
        key = {
            InviteState.ACCEPTED: "mobilize-names-accepted",
            InviteState.DECLINED: "mobilize-names-declined",
            InviteState.NO_ANSWER: "mobilize-names-no-answer",
            InviteState.UNREACHABLE: "mobilize-names-unreachable",
        }.get(invite.state)
        if key is None:
            continue
        person = await personnel.by_id(db, invite.person_id)
        if person is None:
            continue
        marks = []
        if invite.arrived_at is not None:
            marks.append(context.label("mobilize-names-arrived"))
        if invite.proxy:
            marks.append(context.label("mobilize-names-proxy"))
        groups.setdefault(key, []).append(
            context.t(
                "mobilize-names-person",
                name=person.display_name,
                unit=person.unit,
                mark=" ".join(marks),
            ).rstrip()
        )
    parts: list[str] = []
    for key in (
        "mobilize-names-accepted",
        "mobilize-names-declined",
        "mobilize-names-no-answer",
        "mobilize-names-unreachable",
    ):
        if key in groups:
            parts += ["", context.t(key), *groups[key]]
    return "\n".join(parts) if parts else ""


# -- buttons ------------------------------------------------------------------------------


async def on_callback(update: Update, context: SiagaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    data = callback_data.decode(query.data)
    handler = _ACTIONS.get(data.action) if data else None
    if data is None or handler is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    await handler(update, context, data)


async def _edit_query_message(update: Update, text: str, markup: Any = None) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)
    except TelegramError as exc:
        # The message is already like this, or too old to edit: the answer still counts.
        log.info("editing the tapped message failed: %s", exc)


# Drafts: Kirim / Batal and the guided order.


async def _on_send(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    actor = context.actor
    draft = await store.get_draft(services.db, data.int_arg(0) or 0)
    if draft is None:
        await query.answer(context.label("mobilize-draft-gone"), show_alert=True)
        return
    if draft.user_id != actor.user_id:
        await query.answer(context.label("mobilize-draft-not-yours"), show_alert=True)
        return
    if draft.status == "sent":
        await query.answer(
            context.label("mobilize-already-sent", id=str(draft.callout_id or "?")),
            show_alert=True,
        )
        return
    now = services.clock.now()
    if not draft.is_open:
        await query.answer(context.label("mobilize-draft-gone"), show_alert=True)
        return
    if draft_expired(draft.created_at, now):
        await query.answer(context.label("mobilize-draft-expired"), show_alert=True)
        return
    order = order_from_json(draft.spec)
    chat = update.effective_chat
    if chat is None or not order.lines or not order.location:
        await query.answer(context.label("mobilize-draft-gone"), show_alert=True)
        return
    async with services.db.transaction() as tx:
        # Planned again inside the transaction that invites: the numbers on the card may
        # have moved, and the pick must see every other order committed before it.
        plans = await plan_order(services, tx, actor, order, now)
        if isinstance(plans, OrderError) or not any(p.quota.quota > 0 for p in plans):
            callout_id = None
            failed = True
        else:
            failed = False
            callout_id = await launch(
                services,
                tx,
                draft_id=draft.id,
                order=order,
                plans=plans,
                actor=actor,
                orderer_name=_orderer_name(update, actor),
                chat_id=chat.id,
                chat_is_group=not is_private(update),
                now=now,
            )
    if failed:
        await query.answer(context.label("mobilize-nothing-to-send"), show_alert=True)
        return
    if callout_id is None:
        fresh = await store.get_draft(services.db, draft.id)
        await query.answer(
            context.label("mobilize-already-sent", id=str(fresh.callout_id if fresh else "?")),
            show_alert=True,
        )
        return
    services.wake_delivery()
    services.scheduler.wake()
    await query.answer(context.label("mobilize-sent-short"))
    await _edit_query_message(update, context.t("mobilize-sent", id=str(callout_id)))


async def _on_drop(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    draft = await store.get_draft(services.db, data.int_arg(0) or 0)
    if draft is None or draft.user_id != context.actor.user_id:
        key = "mobilize-draft-gone" if draft is None else "mobilize-draft-not-yours"
        await query.answer(context.label(key), show_alert=True)
        return
    now = services.clock.now()
    async with services.db.transaction() as tx:
        closed = await store.close_draft(tx, draft.id, "discarded", now)
        await users.set_pending_input(tx, context.actor.user_id, None, now)
    if not closed:
        if draft.status == "sent":
            await query.answer(
                context.label("mobilize-already-sent", id=str(draft.callout_id or "?")),
                show_alert=True,
            )
        else:
            await query.answer(context.label("mobilize-draft-gone"))
        return
    await query.answer(context.label("mobilize-discarded-short"))
    await _edit_query_message(update, context.t("mobilize-discarded"))


async def _guided_draft(
    update: Update, context: SiagaContext, draft_id: int
) -> store.Draft | None:
    query = update.callback_query
    assert query is not None
    draft = await store.get_draft(context.services.db, draft_id)
    if draft is None or not draft.is_open:
        await query.answer(context.label("mobilize-draft-gone"), show_alert=True)
        return None
    if draft.user_id != context.actor.user_id:
        await query.answer(context.label("mobilize-draft-not-yours"), show_alert=True)
        return None
    if draft_expired(draft.created_at, context.services.clock.now()):
        await query.answer(context.label("mobilize-draft-expired"), show_alert=True)
        return None
    return draft


async def _on_pick_category(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    draft = await _guided_draft(update, context, data.int_arg(0) or 0)
    if draft is None:
        return
    code = data.args[1] if len(data.args) > 1 else ""
    services = context.services
    if code not in {c.code for c in await categories.all_categories(services.db)}:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    reach = _reach(context.actor, code)
    if reach is None:
        await query.answer(
            context.label(
                "mobilize-error-out-of-scope", category=code, scope=_scope_text(context)
            ),
            show_alert=True,
        )
        return
    people = await store.category_people(services.db, code, reach.units)
    snap = snapshot(code, people, services.clock.now(), await services.stale_after())
    await query.answer()
    choices = quota_choices(snap.available)
    if not choices:
        chosen = order_from_json(draft.spec).lines
        _, markup = await _category_picker(context, draft.id, [*chosen, OrderLine(code, 0)])
        await _edit_query_message(
            update, context.t("mobilize-guided-none-ready", category=code), markup
        )
        return
    row = [(str(n), _cb("n", draft.id, code, n)) for n in choices]
    rows = [row[i : i + 4] for i in range(0, len(row), 4)]
    rows.append([(context.label("mobilize-discard"), _cb("drop", draft.id))])
    await _edit_query_message(
        update,
        context.t("mobilize-guided-count", category=code, ready=snap.available),
        inline_keyboard(rows),
    )


async def _on_pick_count(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    draft = await _guided_draft(update, context, data.int_arg(0) or 0)
    if draft is None:
        return
    code = data.args[1] if len(data.args) > 1 else ""
    count = data.int_arg(2)
    if count is None or count <= 0 or _reach(context.actor, code) is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    services = context.services
    now = services.clock.now()
    spec = dict(draft.spec)
    lines = [list(item) for item in spec.get("lines", []) if item[0] != code]
    lines.append([code, count])
    spec["lines"] = lines
    async with services.db.transaction() as tx:
        await store.update_draft(tx, draft.id, spec, now)
        await users.set_pending_input(
            tx, context.actor.user_id, f"{LOCATION_INPUT}:{draft.id}", now
        )
    await query.answer()
    summary = _summary(order_from_json(spec).lines)
    await _edit_query_message(
        update,
        context.t("mobilize-guided-location", summary=summary),
        inline_keyboard(
            [
                [(context.label("mobilize-guided-more"), _cb("more", draft.id))],
                [(context.label("mobilize-discard"), _cb("drop", draft.id))],
            ]
        ),
    )


async def _on_more(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    draft = await _guided_draft(update, context, data.int_arg(0) or 0)
    if draft is None:
        return
    await query.answer()
    text, markup = await _category_picker(context, draft.id, order_from_json(draft.spec).lines)
    await _edit_query_message(update, text, markup)


async def on_location_text(
    update: Update, context: SiagaContext, argument: str, text: str
) -> None:
    """The guided order's last step: the destination, typed."""
    services = context.services
    draft = await store.get_draft(services.db, int(argument)) if argument.isdigit() else None
    now = services.clock.now()
    if draft is None or not draft.is_open or draft_expired(draft.created_at, now):
        async with services.db.transaction() as tx:
            await users.set_pending_input(tx, context.actor.user_id, None, now)
        await reply(update, context, "mobilize-input-stale")
        return
    location = validate_location(text)
    if isinstance(location, OrderError):
        await reply(update, context, "mobilize-error-" + location.key, **location.args)
        return
    spec = dict(draft.spec)
    spec["location"] = location
    order = order_from_json(spec)
    if not order.lines:
        await reply(update, context, "mobilize-input-stale")
        return
    await _confirm(update, context, order, draft_id=draft.id)


# Invitations: the person's own answer.


async def _invite_for_actor(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> Invite | None:
    query = update.callback_query
    assert query is not None
    invite = await store.get_invite(context.services.db, data.int_arg(0) or 0)
    person = context.actor.person
    if invite is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return None
    if person is None or invite.person_id != person.id:
        # Forged or forwarded: an invite is answered by the person it was sent to.
        await query.answer(context.label("mobilize-not-yours"), show_alert=True)
        return None
    return invite


async def _on_answer(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    invite = await _invite_for_actor(update, context, data)
    if invite is None:
        return
    services = context.services
    answer = Answer.ACCEPT if data.action == "ok" else Answer.DECLINE
    async with services.db.transaction() as tx:
        result = await apply_answer(
            services, tx, invite.id, answer, by_user_id=context.actor.user_id, proxy=False
        )
    services.wake_delivery()
    services.scheduler.wake()
    if result is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    callout = result.callout
    verdict = result.verdict
    cid = str(callout.id)
    if verdict is Verdict.COUNT:
        # apply_answer queued the invitation's edit.
        await query.answer(context.label("mobilize-accepted-short"))
    elif verdict is Verdict.DECLINED:
        await query.answer(context.label("mobilize-declined-short"))
        await _edit_query_message(
            update,
            context.t("mobilize-declined-ask", id=cid),
            _reason_keyboard(context, invite.id),
        )
    elif verdict is Verdict.LATE:
        await query.answer(context.label("mobilize-late-short"))
        await _edit_query_message(update, context.t("mobilize-late", id=cid))
    elif verdict in _REFUSALS:
        key, alert = _REFUSALS[verdict]
        await query.answer(context.label(key), show_alert=alert)
    else:
        await query.answer(context.label("mobilize-closed-short"), show_alert=True)
        await _edit_query_message(
            update,
            context.t(
                "mobilize-invite-cancelled"
                if callout.status is CalloutStatus.CANCELLED
                else "mobilize-invite-closed",
                id=cid,
                category=result.category,
            ),
        )


# Answers that change nothing, the same to the person and to a commander answering for them:
# the message key to answer the tap with, and whether it is an alert.
_REFUSALS = {
    Verdict.ALREADY_ACCEPTED: ("mobilize-already-accepted", True),
    Verdict.ALREADY_DECLINED: ("mobilize-already-declined", False),
    Verdict.BUSY: ("mobilize-busy", True),
}


def _reason_keyboard(context: SiagaContext, invite_id: int) -> Any:
    buttons = [
        (context.label("mobilize-reason-" + reason), _cb("why", invite_id, reason))
        for reason in DECLINE_REASONS
    ]
    return inline_keyboard([buttons[0:2], buttons[2:4], buttons[4:]])


async def _on_reason(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    invite = await _invite_for_actor(update, context, data)
    if invite is None:
        return
    reason = data.args[1] if len(data.args) > 1 else ""
    if reason not in DECLINE_REASONS or invite.state is not InviteState.DECLINED:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    services = context.services
    now = services.clock.now()
    if reason == "lainnya":
        async with services.db.transaction() as tx:
            await users.set_pending_input(
                tx, context.actor.user_id, f"{REASON_INPUT}:{invite.id}", now
            )
        await query.answer()
        await _edit_query_message(update, context.t("mobilize-reason-ask-text"))
        return
    await _record_reason(services, invite, reason, None, now)
    await query.answer(context.label("mobilize-declined-short"))
    await _edit_query_message(
        update,
        context.t(
            "mobilize-reason-recorded",
            id=str(invite.callout_id),
            reason=context.label("mobilize-reason-" + reason),
        ),
    )


async def _record_reason(
    services: Services, invite: Invite, reason: str, text: str | None, now: datetime
) -> None:
    async with services.db.transaction() as tx:
        await store.set_decline_reason(tx, invite.id, reason, text)
        # Whoever cannot go says so once: the next call-out does not ask them again until
        # they report SIAP (readiness asks them back when it is time).
        await readiness.set_not_ready(
            tx,
            invite.person_id,
            now,
            reason=reason,
            reason_text=text,
            source=f"callout:{invite.callout_id}:decline",
        )
        await users.set_pending_input(tx, invite.chat_id, None, now)


async def on_reason_text(update: Update, context: SiagaContext, argument: str, text: str) -> None:
    services = context.services
    now = services.clock.now()
    invite = await store.get_invite(services.db, int(argument)) if argument.isdigit() else None
    person = context.actor.person
    if invite is None or person is None or invite.person_id != person.id:
        async with services.db.transaction() as tx:
            await users.set_pending_input(tx, context.actor.user_id, None, now)
        await reply(update, context, "mobilize-input-stale")
        return
    if len(text) > MAX_REASON_CHARS:
        await reply(update, context, "mobilize-reason-too-long", length=len(text))
        return
    await _record_reason(services, invite, "lainnya", text, now)
    await reply(
        update, context, "mobilize-reason-recorded", id=str(invite.callout_id), reason=text
    )


# Proxy answers: the silent person's own commander.


async def _on_proxy(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    actor = context.actor
    invite = await store.get_invite(services.db, data.int_arg(0) or 0)
    person = await personnel.by_id(services.db, invite.person_id) if invite else None
    if invite is None or person is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    if not actor.commands(person) or (actor.person is not None and actor.person.id == person.id):
        await query.answer(context.label("mobilize-proxy-not-yours"), show_alert=True)
        return
    answer = Answer.ACCEPT if data.action == "pok" else Answer.DECLINE
    now = services.clock.now()
    commander = _orderer_name(update, actor)
    async with services.db.transaction() as tx:
        result = await apply_answer(
            services, tx, invite.id, answer, by_user_id=actor.user_id, proxy=True
        )
        if result is not None and result.verdict in (Verdict.COUNT, Verdict.DECLINED):
            await audit.record(
                tx,
                now,
                "callout.proxy_answer",
                actor_user_id=actor.user_id,
                actor_person_id=actor.person.id if actor.person else None,
                subject=f"person:{person.id}",
                details={
                    "callout": invite.callout_id,
                    "invite": invite.id,
                    "answer": answer.value,
                },
            )
            lang = await _lang(tx, services, invite.chat_id)
            key = (
                "mobilize-proxy-told-accept"
                if result.verdict is Verdict.COUNT
                else "mobilize-proxy-told-decline"
            )
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=invite.chat_id,
                    text=_html(
                        services,
                        lang,
                        key,
                        id=str(invite.callout_id),
                        commander=commander,
                        location=result.callout.location,
                    ),
                    priority=Priority.CALLOUT,
                    dedup_key=f"co:proxy:{invite.id}",
                    person_id=person.id,
                ),
                now,
            )
    services.wake_delivery()
    services.scheduler.wake()
    if result is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    cid = str(result.callout.id)
    verdict = result.verdict
    if verdict is Verdict.COUNT:
        text = context.t("mobilize-proxy-done-accept", name=person.display_name, id=cid)
    elif verdict is Verdict.DECLINED:
        text = context.t("mobilize-proxy-done-decline", name=person.display_name, id=cid)
    elif verdict is Verdict.LATE:
        text = context.t("mobilize-proxy-done-late", name=person.display_name, id=cid)
    elif verdict in _REFUSALS:
        key, alert = _REFUSALS[verdict]
        await query.answer(context.label(key), show_alert=alert)
        return
    else:
        await query.answer(context.label("mobilize-closed-short"), show_alert=True)
        return
    await query.answer()
    await _edit_query_message(update, text)


# The live card.


async def _managed_callout(
    update: Update, context: SiagaContext, callout_id: int
) -> Callout | None:
    query = update.callback_query
    assert query is not None
    db = context.services.db
    callout = await store.get(db, callout_id)
    if callout is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return None
    if not may_manage(context.actor, callout, await store.lines(db, callout.id)):
        await query.answer(context.label("mobilize-manage-not-yours"), show_alert=True)
        return None
    if not callout.is_active:
        await query.answer(
            context.label("mobilize-already-closed", id=str(callout.id)), show_alert=True
        )
        return None
    return callout


async def _on_remind(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    callout = await _managed_callout(update, context, data.int_arg(0) or 0)
    if callout is None:
        return
    services = context.services
    now = services.clock.now()
    if callout.last_reminder_at is not None and now - callout.last_reminder_at < REMIND_COOLDOWN:
        await query.answer(context.label("mobilize-remind-wait"), show_alert=True)
        return
    async with services.db.transaction() as tx:
        current = await store.get(tx, callout.id)
        count = await remind_open(services, tx, current) if current and current.is_active else 0
    services.wake_delivery()
    key = "mobilize-reminded" if count else "mobilize-remind-none"
    await query.answer(context.label(key, count=count), show_alert=True)


async def _on_close_ask(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    callout = await _managed_callout(update, context, data.int_arg(0) or 0)
    if callout is None:
        return
    complete = data.action == "end"
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    yes = ("mobilize-yes-complete", "endy") if complete else ("mobilize-yes-cancel", "stopy")
    await message.reply_html(
        context.t(
            "mobilize-confirm-complete" if complete else "mobilize-confirm-cancel",
            id=str(callout.id),
        ),
        reply_markup=inline_keyboard(
            [
                [
                    (context.label(yes[0]), _cb(yes[1], callout.id)),
                    (context.label("mobilize-no"), _cb("keep", callout.id)),
                ]
            ]
        ),
    )


async def _on_close(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    callout = await _managed_callout(update, context, data.int_arg(0) or 0)
    if callout is None:
        await _edit_query_message(
            update, context.t("mobilize-already-closed", id=str(data.int_arg(0)))
        )
        return
    services = context.services
    status = CalloutStatus.COMPLETED if data.action == "endy" else CalloutStatus.CANCELLED
    async with services.db.transaction() as tx:
        closed = await close_callout(services, tx, callout.id, status, context.actor)
    services.wake_delivery()
    cid = str(callout.id)
    if not closed:
        await query.answer(context.label("mobilize-already-closed", id=cid), show_alert=True)
        return
    key = "mobilize-completed" if status is CalloutStatus.COMPLETED else "mobilize-cancelled"
    await query.answer(context.label(key, id=cid))
    await _edit_query_message(update, context.t(key, id=cid))


async def _on_keep(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await _edit_query_message(update, context.t("mobilize-kept"))


async def _on_short(
    update: Update, context: SiagaContext, data: callback_data.CallbackData
) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    line = await store.get_line(services.db, data.int_arg(0) or 0)
    callout = await store.get(services.db, line.callout_id) if line else None
    if line is None or callout is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    if not may_manage(context.actor, callout, await store.lines(services.db, callout.id)):
        await query.answer(context.label("mobilize-manage-not-yours"), show_alert=True)
        return
    async with services.db.transaction() as tx:
        if data.action == "wide":
            key, args = await widen_line(services, tx, line.id, context.actor)
        else:
            key, args = await accept_shortfall(services, tx, line.id, context.actor)
    services.wake_delivery()
    services.scheduler.wake()
    await query.answer(context.label(key, **args), show_alert=key != "mobilize-short-widened")


_ACTIONS = {
    "send": _on_send,
    "drop": _on_drop,
    "cat": _on_pick_category,
    "n": _on_pick_count,
    "more": _on_more,
    "ok": _on_answer,
    "no": _on_answer,
    "why": _on_reason,
    "pok": _on_proxy,
    "pno": _on_proxy,
    "rem": _on_remind,
    "end": _on_close_ask,
    "stop": _on_close_ask,
    "endy": _on_close,
    "stopy": _on_close,
    "keep": _on_keep,
    "wide": _on_short,
    "short": _on_short,
}


# -- locations: arrival, and the site pin after an order ----------------------------------


async def claim_location(update: Update, context: SiagaContext) -> bool:
    """An arrival on site, or the site pin a commander sends after an order."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or message.location is None or chat is None:
        return False
    services = context.services
    actor = context.actor
    location = message.location
    now = services.clock.now()
    if actor.person is not None and is_private(update):
        invite = await store.awaiting_arrival(services.db, actor.person.id)
        if invite is not None:
            await _arrive(update, context, invite, now)
            return True
    if actor.is_commander:
        draft = await store.latest_open_draft(services.db, actor.user_id, chat.id)
        if draft is not None and not draft_expired(draft.created_at, now):
            spec = dict(draft.spec)
            spec["lat"], spec["lon"] = location.latitude, location.longitude
            async with services.db.transaction() as tx:
                await store.update_draft(tx, draft.id, spec, now)
            await reply(
                update,
                context,
                "mobilize-site-saved",
                radius=format_distance(services.settings.arrival_radius_m, actor.language),
            )
            return True
    return False


async def _arrive(update: Update, context: SiagaContext, invite: Invite, now: datetime) -> None:
    message = update.effective_message
    assert message is not None
    assert message.location is not None
    services = context.services
    if message.forward_origin is not None:
        # A forwarded pin is where someone was, some time ago: it proves no arrival.
        await reply(update, context, "mobilize-arrival-forwarded")
        return
    callout = await store.get(services.db, invite.callout_id)
    if callout is None:
        return
    location = message.location
    radius = callout.radius_m or services.settings.arrival_radius_m
    verdict = judge_arrival(
        callout.site,
        radius,
        (location.latitude, location.longitude),
        location.horizontal_accuracy,
    )
    async with services.db.transaction() as tx:
        counted = await store.record_arrival(
            tx,
            invite.id,
            now,
            latitude=location.latitude,
            longitude=location.longitude,
            accuracy_m=location.horizontal_accuracy,
            distance_m=verdict.distance_m,
            status=verdict.status.value,
        )
        if counted:
            await refresh_card(services, tx, callout.id)
    services.wake_delivery()
    lang = context.actor.language
    cid = str(callout.id)
    if verdict.status is ArrivalStatus.OUTSIDE:
        await reply(
            update,
            context,
            "mobilize-arrival-outside",
            distance=format_distance(verdict.distance_m or 0.0, lang),
            radius=format_distance(radius, lang),
        )
    elif verdict.status is ArrivalStatus.VERIFIED:
        await reply(
            update,
            context,
            "mobilize-arrived-verified",
            id=cid,
            distance=format_distance(verdict.distance_m or 0.0, lang),
            reply_markup=ReplyKeyboardRemove(),
        )
    else:
        await reply(
            update,
            context,
            "mobilize-arrived-reported",
            id=cid,
            reply_markup=ReplyKeyboardRemove(),
        )


# -- wiring -------------------------------------------------------------------------------


def register(app: SiagaApp) -> None:
    services: Services = app.bot_data["services"]

    async def invite_due(tx: Transaction, deadline: Deadline) -> None:
        await on_invite_deadline(services, tx, deadline)

    async def tick_due(tx: Transaction, deadline: Deadline) -> None:
        await on_tick(services, tx, deadline)

    services.scheduler.on(INVITE_DEADLINE, invite_due)
    services.scheduler.on(TICK_DEADLINE, tick_due)
    services.delivery.on_unreachable(unreachable_hook(services))
    app.add_handler(CommandHandler(["mobilize", "gerakkan"], mobilize_command))
    app.add_handler(CommandHandler("pengerahan", pengerahan_command))
    app.add_handler(CallbackQueryHandler(on_callback, pattern=r"^co:v1:"))
    claims("callout", claim_location)
    expects(LOCATION_INPUT, on_location_text)
    expects(REASON_INPUT, on_reason_text)
