"""/apel: roll calls with one-tap answers, a live tally card, reminders and a closing report.

The same engine serves `/cekkesiapan` (`kind="cek"`, see `handlers.readiness`): one prompt
per person through the outbox, answers recorded per target row, a card edited in place.
Everything a roll call owes someone (prompts, reminders, card edits, the report) is an outbox
row written in the transaction that decided it; close and reminders are deadline rows.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.domain import callback_data
from bot.domain.apel import (
    DURATION_CHOICES,
    EXTEND_CHOICES,
    MAX_REPORT_MESSAGES,
    RADIUS_CHOICES,
    REASON_TEXT_MAX,
    REASONS,
    TITLE_MAX,
    Answer,
    LocationState,
    ParseError,
    ReportPerson,
    Scope,
    ScopeKind,
    build_tally,
    extension_allowed,
    parse_apel_args,
    reminder_schedule,
    report_csv,
    split_messages,
)
from bot.domain.geo import distance_m, format_distance
from bot.domain.readiness import State
from bot.i18n import format_moment, format_number, format_time
from bot.services import Actor, Services, SiagaApp, SiagaContext
from bot.taps import Tap
from handlers import gate
from handlers.common import Button, inline_keyboard, is_private, markup_json, reply
from handlers.locations import claims
from handlers.text_input import expects
from storage import apel as store
from storage import audit, deadlines, inbox, outbox, personnel, readiness, users
from storage.apel import AssemblyPoint, Draft, NewTarget, ReportRow, RollCall, Target
from storage.db import Transaction
from storage.deadlines import Deadline
from storage.outbox import OutgoingMessage, Priority
from storage.personnel import Person

log = logging.getLogger(__name__)

NS = "ap"
CLOSE_KIND = "apel.close"
REMIND_KIND = "apel.remind"
# While prompts are still going out, the card's "Terkirim x/y" is redrawn this often.
PROGRESS_KIND = "apel.progress"
PROGRESS_EVERY = timedelta(seconds=5)
REASON_INPUT = "apreason"
TITLE_INPUT = "aptitle"
COMMANDS = {"apel": "apel", "cek": "cekkesiapan"}
# Which message a person tapped: the prompt, an automatic (t…) or a manual (m…) reminder.
_SOURCE = re.compile(r"^(p|t\d{1,5}|m\d{1,5})$")
# Answers arrive in bursts; the card is redrawn once per this many seconds, not per tap.
CARD_DEBOUNCE_S = 0.5
MANUAL_REMINDER_GAP = timedelta(minutes=1)
# A draft left half-done is not reopened a day later by a stray tap.
DRAFT_LIFETIME = timedelta(hours=12)


# -- rendering ----------------------------------------------------------------------------


def _html(services: Services, lang: str, key: str, **args: str | int | float) -> str:
    return services.catalog.html(lang, key, **args)


def _plain(services: Services, lang: str, key: str, **args: str | int | float) -> str:
    return services.catalog.text(lang, key, **args)


def _num(value: int, lang: str) -> str:
    return format_number(value, lang)


def _when(services: Services, moment: datetime, lang: str, now: datetime) -> str:
    """`13.30 WIB` today; with the date when it is another day (an apel may run past midnight)."""
    zone = services.settings.zone
    if moment.astimezone(zone).date() == now.astimezone(zone).date():
        return format_time(moment, zone, lang)
    return format_moment(moment, zone, lang)


def scope_label(services: Services, lang: str, scope: Scope) -> str:
    return scope.value if scope.value else _plain(services, lang, "apel-scope-all")


def rollcall_name(services: Services, lang: str, rc: RollCall) -> str:
    return _plain(
        services,
        lang,
        "rollcall-name",
        kind=rc.kind,
        id=str(rc.id),
        scope=scope_label(services, lang, rc.scope),
    )


def _title_suffix(rc: RollCall) -> str:
    return f" — {rc.title}" if rc.title else ""


def reason_label(services: Services, lang: str, reason: str | None) -> str:
    return _plain(services, lang, "reason-" + (reason or "lainnya").replace("_", "-"))


def prompt_text(
    services: Services, rc: RollCall, lang: str, now: datetime, status: list[str] | None = None
) -> str:
    lines = [
        _html(
            services,
            lang,
            "rollcall-prompt",
            kind=rc.kind,
            name=rollcall_name(services, lang, rc),
            title=_title_suffix(rc),
            opener=rc.opened_by_name,
            time=_when(services, rc.closes_at, lang, now),
        )
    ]
    if rc.point is not None:
        lines.append(
            _html(
                services,
                lang,
                "rollcall-prompt-point",
                radius=format_distance(rc.point.radius_m, lang),
            )
        )
    lines.extend(
        status
        if status is not None
        else [_html(services, lang, "rollcall-question", kind=rc.kind)]
    )
    return "\n".join(lines)


def answer_rows(services: Services, rc: RollCall, lang: str, src: str) -> list[list[Button]]:
    return [
        [
            (
                _plain(services, lang, "rollcall-yes", kind=rc.kind),
                callback_data.encode(NS, "y", rc.id, src),
            ),
            (
                _plain(services, lang, "rollcall-no", kind=rc.kind),
                callback_data.encode(NS, "n", rc.id, src),
            ),
        ]
    ]


def reason_rows(services: Services, rc: RollCall, lang: str, src: str) -> list[list[Button]]:
    def button(reason: str) -> Button:
        return (
            _plain(services, lang, "reason-button-" + reason.replace("_", "-")),
            callback_data.encode(NS, "r", rc.id, src, reason),
        )

    return [
        [button("sakit"), button("izin")],
        [button("cuti"), button("dinas_luar")],
        [button("lainnya")],
        [(_plain(services, lang, "rollcall-back"), callback_data.encode(NS, "b", rc.id, src))],
    ]


def until_rows(services: Services, lang: str) -> list[list[Button]]:
    """For a readiness check: how long the TIDAK SIAP lasts (handled by handlers.readiness)."""
    return [
        [
            (
                _plain(services, lang, "readiness-until-" + code),
                callback_data.encode("rd", "u", code),
            )
            for code in ("today", "tomorrow", "3d", "none")
        ]
    ]


def status_lines(
    services: Services, rc: RollCall, target: Target, lang: str, now: datetime
) -> list[str]:
    """What the person's prompt says once they have answered."""
    if target.answer is None or target.answered_at is None:
        return [_html(services, lang, "rollcall-question", kind=rc.kind)]
    at = format_time(target.answered_at, services.settings.zone, lang)
    lines: list[str] = []
    if target.answer == Answer.YES:
        key = (
            "rollcall-status-yes-awaiting"
            if target.location_state == LocationState.AWAITING
            else "rollcall-status-yes"
        )
        lines.append(_html(services, lang, key, kind=rc.kind, time=at))
    else:
        reason = reason_label(services, lang, target.reason)
        if target.reason_text:
            reason = f"{reason}: {target.reason_text}"
        lines.append(
            _html(services, lang, "rollcall-status-no", kind=rc.kind, reason=reason, time=at)
        )
        if target.reason == "lainnya" and not target.reason_text:
            lines.append(_html(services, lang, "rollcall-status-write-reason"))
    lines.append(
        _html(
            services, lang, "rollcall-status-change", time=_when(services, rc.closes_at, lang, now)
        )
    )
    return lines


@dataclass(frozen=True)
class Card:
    text: str
    markup: dict[str, Any] | None


async def render_card(services: Services, db: Transaction, rc: RollCall, now: datetime) -> Card:
    lang = rc.language
    tally = build_tally(await store.tally_rows(db, rc.id))
    excluded = await store.excluded_counts(db, rc.id)
    lines = [
        _html(
            services,
            lang,
            "rollcall-card-title",
            name=rollcall_name(services, lang, rc),
            title=_title_suffix(rc),
        )
    ]
    if rc.is_open:
        lines.append(
            _html(
                services,
                lang,
                "rollcall-card-open",
                kind=rc.kind,
                opener=rc.opened_by_name,
                time=_when(services, rc.closes_at, lang, now),
            )
        )
    else:
        lines.append(
            _html(
                services,
                lang,
                "rollcall-card-closed",
                time=_when(services, rc.closed_at or now, lang, now),
            )
        )
    if rc.point is not None:
        lines.append(
            _html(
                services,
                lang,
                "rollcall-card-point",
                radius=format_distance(rc.point.radius_m, lang),
            )
        )
    total = tally.total
    if len(tally.categories) != 1:
        lines.append(
            _html(
                services,
                lang,
                "rollcall-card-totals",
                called=_num(total.called, lang),
                yes=_num(total.yes, lang),
                no=_num(total.no, lang),
                pending=_num(total.no_answer, lang),
            )
        )
    for cat in tally.categories:
        lines.append("")
        lines.append(
            _html(
                services,
                lang,
                "rollcall-card-category",
                category=cat.category,
                called=_num(cat.called, lang),
            )
        )
        if rc.point is not None and rc.kind == "apel":
            lines.append(
                _html(
                    services,
                    lang,
                    "rollcall-card-yes-location",
                    count=_num(cat.yes, lang),
                    inside=_num(cat.yes_inside, lang),
                    outside=_num(cat.yes_outside, lang),
                    awaiting=_num(cat.yes_awaiting_location, lang),
                )
            )
        else:
            lines.append(
                _html(services, lang, "rollcall-card-yes", kind=rc.kind, count=_num(cat.yes, lang))
            )
        reasons = ", ".join(
            f"{reason_label(services, lang, r)} {_num(cat.no_by_reason[r], lang)}"
            for r in REASONS
            if cat.no_by_reason.get(r)
        )
        lines.append(
            _html(
                services,
                lang,
                "rollcall-card-no",
                kind=rc.kind,
                count=_num(cat.no, lang),
                reasons=f" ({reasons})" if reasons else "",
            )
        )
        if cat.unreachable:
            lines.append(
                _html(
                    services,
                    lang,
                    "rollcall-card-pending-unreachable",
                    count=_num(cat.no_answer, lang),
                    unreachable=_num(cat.unreachable, lang),
                )
            )
        else:
            lines.append(
                _html(services, lang, "rollcall-card-pending", count=_num(cat.no_answer, lang))
            )
    lines.append("")
    if rc.batch_id is not None and rc.is_open:
        progress = await outbox.batch_progress(db, rc.batch_id)
        if progress.total:
            lines.append(
                _html(
                    services,
                    lang,
                    "rollcall-card-sent",
                    sent=_num(progress.sent, lang),
                    total=_num(progress.total, lang),
                )
            )
    parts = [
        _plain(services, lang, "rollcall-card-excluded-" + kind, count=_num(excluded[kind], lang))
        for kind in ("unlinked", "bertugas", "nonaktif")
        if excluded.get(kind)
    ]
    if parts:
        lines.append(_html(services, lang, "rollcall-card-excluded", parts=" · ".join(parts)))
    if rc.is_open:
        lines.append(_html(services, lang, "rollcall-card-hint"))
    markup = None
    if rc.is_open:
        markup = markup_json(
            [
                [
                    (
                        _plain(services, lang, "rollcall-button-remind"),
                        callback_data.encode(NS, "rem", rc.id),
                    )
                ],
                [
                    (
                        _plain(services, lang, "rollcall-button-extend", minutes=m),
                        callback_data.encode(NS, "ext", rc.id, m),
                    )
                    for m in EXTEND_CHOICES
                ],
                [
                    (
                        _plain(services, lang, "rollcall-button-close"),
                        callback_data.encode(NS, "cls", rc.id),
                    )
                ],
            ]
        )
    return Card("\n".join(line for line in lines).strip(), markup)


async def refresh_card(services: Services, tx: Transaction, rc: RollCall) -> None:
    card = await render_card(services, tx, rc, services.clock.now())
    await outbox.enqueue_edit(
        tx,
        target_key=rc.card_key,
        chat_id=rc.card_chat_id,
        text=card.text,
        reply_markup=card.markup,
        now=services.clock.now(),
    )


class CardRefresher:
    """Redraws a card at most once per `CARD_DEBOUNCE_S`: 500 taps in a second cost one tally
    query and one coalesced edit, not 500. Cosmetic only; reminders and close redraw too."""

    def __init__(self) -> None:
        self._pending: set[int] = set()

    def request(self, app: Application[Any, Any, Any, Any, Any, Any], rollcall_id: int) -> None:
        if rollcall_id in self._pending:
            return
        self._pending.add(rollcall_id)
        services: Services = app.bot_data["services"]
        app.create_task(self._run(services, rollcall_id), name=f"apel-card-{rollcall_id}")

    async def _run(self, services: Services, rollcall_id: int) -> None:
        try:
            await asyncio.sleep(CARD_DEBOUNCE_S)
        finally:
            self._pending.discard(rollcall_id)
        async with services.db.transaction() as tx:
            rc = await store.get(tx, rollcall_id)
            if rc is None or not rc.is_open:
                return
            await refresh_card(services, tx, rc)
        services.wake_delivery()


def _refresher(services: Services) -> CardRefresher:
    found = services.extras.get("apel.cards")
    if not isinstance(found, CardRefresher):
        found = services.extras["apel.cards"] = CardRefresher()
    return found


# -- opening ------------------------------------------------------------------------------


def _actor_scope_text(services: Services, actor: Actor) -> str:
    values = sorted(actor.scope.categories) + sorted(actor.scope.units)
    return ", ".join(values) if values else "-"


async def resolve_people(
    services: Services, actor: Actor, scope: Scope
) -> tuple[list[Person], bool] | ParseError:
    """Active people in `scope` that this actor commands, and whether that narrowed it."""
    db = services.db
    if scope.kind is ScopeKind.ALL:
        if actor.is_admin:
            return await personnel.active_in(db), False
        if actor.scope.empty:
            return ParseError("apel-no-scope")
        people = await personnel.active_in(
            db, categories=sorted(actor.scope.categories), units=sorted(actor.scope.units)
        )
        return people, False
    value = scope.value or ""
    if scope.kind is ScopeKind.CATEGORY:
        everyone = await personnel.active_in(db, categories=[value])
    else:
        everyone = await personnel.active_in(db, units=[value])
    if not everyone:
        return ParseError("apel-scope-empty", {"value": value})
    mine = [p for p in everyone if actor.commands(p)]
    if not mine:
        return ParseError(
            "apel-scope-forbidden", {"value": value, "scope": _actor_scope_text(services, actor)}
        )
    return mine, len(mine) < len(everyone)


@dataclass(frozen=True)
class Opening:
    kind: str
    scope: Scope
    minutes: int
    title: str | None
    point: AssemblyPoint | None
    card_chat_id: int
    opener_name: str


async def open_rollcall(
    services: Services,
    actor: Actor,
    opening: Opening,
    people: list[Person],
    *,
    draft_id: int | None = None,
) -> tuple[RollCall, int] | ParseError:
    """Write the roll call, its targets, card, prompts and deadlines in one transaction.

    That transaction also finishes the update that asked for it (`inbox.settle_processing`)
    and claims the guided draft it comes from: after a crash the roll call is either open
    with its update done, or not there and the update runs again; never opened twice, never
    a draft marked opened without its roll call.
    """
    db = services.db
    now = services.clock.now()
    opener_id = actor.person.id if actor.person else None
    states = (
        await readiness.for_people(db, [p.id for p in people]) if opening.kind == "cek" else {}
    )
    targets: list[NewTarget] = []
    for person in people:
        if person.id == opener_id:
            continue  # the commander opening the roll call is not asked to answer it
        excluded: str | None = None
        if person.telegram_user_id is None:
            excluded = "unlinked"
        elif (state := states.get(person.id)) is not None and state.state is State.BERTUGAS:
            excluded = "bertugas"
        targets.append(
            NewTarget(person.id, person.telegram_user_id, person.category_code, excluded)
        )
    called = [t for t in targets if t.excluded is None and t.chat_id is not None]
    if not called:
        unlinked = sum(1 for t in targets if t.excluded == "unlinked")
        return ParseError(
            "apel-nobody-linked",
            {"value": scope_label(services, actor.language, opening.scope), "unlinked": unlinked},
        )
    languages = await store.languages_of(
        db, [t.chat_id for t in called if t.chat_id is not None], services.settings.locale
    )
    closes_at = now + timedelta(minutes=opening.minutes)
    async with db.transaction() as tx:
        if draft_id is not None:
            # A double tap on "Buka" must not open two roll calls.
            draft = await store.get_draft(tx, draft_id)
            if draft is None or draft.state != "draft":
                return ParseError("apel-draft-gone", {})
        rc_id = await store.create(
            tx,
            kind=opening.kind,
            scope=opening.scope,
            title=opening.title,
            opened_by_user=actor.user_id,
            opened_by_person=opener_id,
            opened_by_name=opening.opener_name,
            card_chat_id=opening.card_chat_id,
            language=actor.language,
            opened_at=now,
            closes_at=closes_at,
            point=opening.point,
        )
        draft_rc = await store.get(tx, rc_id)
        assert draft_rc is not None
        batch_id = await outbox.create_batch(
            tx,
            opening.kind,
            now,
            owner_chat_id=actor.user_id,
            title=rollcall_name(services, actor.language, draft_rc),
        )
        await store.set_batch(tx, rc_id, batch_id)
        await store.add_targets(tx, rc_id, targets)
        rc = await store.get(tx, rc_id)
        assert rc is not None
        card = await render_card(services, tx, rc, now)
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                chat_id=rc.card_chat_id,
                text=card.text,
                priority=Priority.REMINDER,
                dedup_key=rc.card_key,
                reply_markup=card.markup,
            ),
            now,
        )
        rendered: dict[str, tuple[str, dict[str, Any]]] = {}
        for target in called:
            assert target.chat_id is not None
            lang = languages.get(target.chat_id, services.settings.locale)
            if lang not in rendered:
                rendered[lang] = (
                    prompt_text(services, rc, lang, now),
                    markup_json(answer_rows(services, rc, lang, "p")),
                )
            text, markup = rendered[lang]
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=target.chat_id,
                    text=text,
                    priority=Priority.ROLLCALL,
                    dedup_key=rc.prompt_key(target.person_id),
                    reply_markup=markup,
                    person_id=target.person_id,
                    batch_id=batch_id,
                ),
                now,
            )
        await plan_deadlines(services, tx, rc, closes_at, now)
        await deadlines.schedule(tx, PROGRESS_KIND, rc.id, now + PROGRESS_EVERY)
        await audit.record(
            tx,
            now,
            f"{opening.kind}.opened",
            actor_user_id=actor.user_id,
            actor_person_id=opener_id,
            subject=f"rollcall:{rc_id}",
            details={
                "scope": f"{opening.scope.kind.value}:{opening.scope.value or ''}",
                "minutes": opening.minutes,
                "called": len(called),
                "point": opening.point is not None,
            },
        )
        if draft_id is not None:
            await store.update_draft(
                tx, draft_id, state="opened", awaiting_location=False, rollcall_id=rc_id
            )
        await inbox.settle_processing(tx)
    services.wake_delivery()
    services.scheduler.wake()
    return rc, len(called)


async def plan_deadlines(
    services: Services, tx: Transaction, rc: RollCall, closes_at: datetime, now: datetime
) -> None:
    """Close at `closes_at`, remind the configured minutes before it (again after an extend)."""
    await deadlines.schedule(tx, CLOSE_KIND, rc.id, closes_at)
    plan = reminder_schedule(closes_at, services.settings.apel_reminder_minutes, now)
    for minutes, due in plan.items():
        ref = f"{rc.id}:{minutes}"
        if due is None:
            await deadlines.cancel(tx, REMIND_KIND, ref)
            continue
        # Named by the minute of the roll call it fires at, so a reminder re-armed by an
        # extension is a new message, not a duplicate of the one already sent.
        tag = f"t{int((due - rc.opened_at).total_seconds() // 60)}"
        await deadlines.schedule(tx, REMIND_KIND, ref, due, {"tag": tag})


# -- reminders and close ------------------------------------------------------------------


async def send_reminders(
    services: Services, tx: Transaction, rc: RollCall, tag: str, now: datetime
) -> int:
    recipients = await store.unanswered_chats(tx, rc.id)
    if not recipients:
        return 0
    languages = await store.languages_of(
        tx, [chat for _, chat in recipients], services.settings.locale
    )
    minutes_left = max(1, math.ceil((rc.closes_at - now).total_seconds() / 60))
    rendered: dict[str, tuple[str, dict[str, Any]]] = {}
    for person_id, chat_id in recipients:
        lang = languages[chat_id]
        if lang not in rendered:
            text = _html(
                services,
                lang,
                "rollcall-reminder",
                kind=rc.kind,
                name=rollcall_name(services, lang, rc),
                time=_when(services, rc.closes_at, lang, now),
                minutes=minutes_left,
            )
            rendered[lang] = (text, markup_json(answer_rows(services, rc, lang, tag)))
        text, markup = rendered[lang]
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                chat_id=chat_id,
                text=text,
                priority=Priority.REMINDER,
                dedup_key=f"ap:{rc.id}:rem:{person_id}:{tag}",
                reply_markup=markup,
                person_id=person_id,
                batch_id=rc.batch_id,
            ),
            now,
        )
    return len(recipients)


async def close_rollcall(
    services: Services, tx: Transaction, rollcall_id: int, closed_by: str
) -> RollCall | None:
    """Close once (deadline or button): final card, report to the commander. None if closed."""
    now = services.clock.now()
    if not await store.close(tx, rollcall_id, now, closed_by):
        return None
    await deadlines.cancel(tx, CLOSE_KIND, rollcall_id)
    await deadlines.cancel_prefix(tx, REMIND_KIND, f"{rollcall_id}:")
    await deadlines.cancel(tx, PROGRESS_KIND, rollcall_id)
    for key in await store.pending_person_messages(tx, rollcall_id):
        await outbox.cancel(tx, key)
    rc = await store.get(tx, rollcall_id)
    assert rc is not None
    await refresh_card(services, tx, rc)
    await enqueue_report(services, tx, rc, now)
    await audit.record(
        tx,
        now,
        f"{rc.kind}.closed",
        actor_user_id=int(closed_by.split(":", 1)[1]) if closed_by.startswith("user:") else None,
        subject=f"rollcall:{rc.id}",
        details={"by": closed_by},
    )
    return rc


def _person_name(row: ReportRow) -> str:
    return f"{row.rank} {row.name}"


def _with_phone(row: ReportRow, lang: str) -> tuple[str, dict[str, str]]:
    return "rollcall-report-person", {"phone": row.phone}


def _with_category(row: ReportRow, lang: str) -> tuple[str, dict[str, str]]:
    return "rollcall-report-person-category", {"category": row.category, "phone": row.phone}


def _with_distance(row: ReportRow, lang: str) -> tuple[str, dict[str, str]]:
    return "rollcall-report-person-distance", {
        "distance": format_distance(row.distance_m or 0.0, lang)
    }


def _report_section(
    services: Services,
    lang: str,
    heading: str,
    rows: Sequence[ReportRow],
    line: Callable[[ReportRow, str], tuple[str, dict[str, str]]],
    **heading_args: str,
) -> list[str]:
    """One list of the report: nothing when empty, else a blank line, the heading with the
    count, and a numbered line a person (`line` picks its message and what it adds)."""
    if not rows:
        return []
    texts = ["", _html(services, lang, heading, count=_num(len(rows), lang), **heading_args)]
    for i, row in enumerate(rows, start=1):
        key, args = line(row, lang)
        texts.append(
            _html(services, lang, key, n=str(i), name=_person_name(row), unit=row.unit, **args)
        )
    return texts


async def enqueue_report(services: Services, tx: Transaction, rc: RollCall, now: datetime) -> None:
    lang = rc.language
    rows = await store.report_rows(tx, rc.id)
    tally = build_tally(await store.tally_rows(tx, rc.id))
    total = tally.total
    header = [
        _html(
            services,
            lang,
            "rollcall-report-title",
            name=rollcall_name(services, lang, rc),
            title=_title_suffix(rc),
        ),
        _html(
            services,
            lang,
            "rollcall-report-times",
            opened=_when(services, rc.opened_at, lang, now),
            opener=rc.opened_by_name,
            closed=_when(services, rc.closed_at or now, lang, now),
        ),
        _html(
            services,
            lang,
            "rollcall-report-totals",
            kind=rc.kind,
            called=_num(total.called, lang),
            yes=_num(total.yes, lang),
            no=_num(total.no, lang),
            pending=_num(total.no_answer - total.unreachable, lang),
            unreachable=_num(total.unreachable, lang),
        ),
    ]
    silent = [r for r in rows if r.status == "belum_menjawab"]
    unreachable = [r for r in rows if r.status == "tak_terjangkau"]
    unlinked = [r for r in rows if r.status == "belum_terdaftar"]
    outside = [r for r in rows if r.status == "yes" and r.location_state == LocationState.OUTSIDE]
    # Said Hadir at an assembly point but never shared where they were.
    unverified = [
        r for r in rows if r.status == "yes" and r.location_state == LocationState.AWAITING
    ]
    body: list[str] = []
    if not silent:
        body += ["", _html(services, lang, "rollcall-report-all-answered")]
    for category in sorted({r.category for r in silent}):
        people = [r for r in silent if r.category == category]
        body += _report_section(
            services, lang, "rollcall-report-category", people, _with_phone, category=category
        )
    body += _report_section(
        services, lang, "rollcall-report-unreachable", unreachable, _with_category
    )
    body += _report_section(services, lang, "rollcall-report-outside", outside, _with_distance)
    body += _report_section(services, lang, "rollcall-report-no-location", unverified, _with_phone)
    body += _report_section(services, lang, "rollcall-report-unlinked", unlinked, _with_category)
    parts = split_messages([*header, *body])
    chat_id = rc.opened_by_user
    if len(parts) <= MAX_REPORT_MESSAGES:
        for i, text in enumerate(parts, start=1):
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=chat_id,
                    text=text,
                    priority=Priority.BROADCAST,
                    dedup_key=f"ap:{rc.id}:report:{i}",
                ),
                now,
            )
        return
    listed = [
        *((r, "belum-menjawab") for r in silent),
        *((r, "tak-terjangkau") for r in unreachable),
        *((r, "outside") for r in outside),
        *((r, "no-location") for r in unverified),
        *((r, "belum-terdaftar") for r in unlinked),
    ]
    content = report_csv(
        ReportPerson(
            category=r.category,
            status=_plain(services, lang, "rollcall-report-status-" + status),
            rank=r.rank,
            name=r.name,
            nrp=r.nrp,
            unit=r.unit,
            phone=r.phone,
            detail=format_distance(r.distance_m, lang) if r.distance_m is not None else "",
        )
        for r, status in listed
    )
    caption = "\n".join(
        [*header, _html(services, lang, "rollcall-report-file", count=_num(len(listed), lang))]
    )
    await outbox.enqueue_document(
        tx,
        chat_id=chat_id,
        file_name=f"{rc.kind}-{rc.id}-laporan.csv",
        content=content,
        caption=caption,
        dedup_key=f"ap:{rc.id}:report:csv",
        now=now,
    )


# -- deadline handlers --------------------------------------------------------------------


def _deadline_handlers(services: Services) -> None:
    async def on_close(tx: Transaction, deadline: Deadline) -> None:
        await close_rollcall(services, tx, int(deadline.ref), "deadline")

    async def on_remind(tx: Transaction, deadline: Deadline) -> None:
        rollcall_id, _, minutes = deadline.ref.partition(":")
        rc = await store.get(tx, int(rollcall_id))
        now = services.clock.now()
        # Caught up after downtime past the deadline: the close follows, a reminder is noise.
        if rc is None or not rc.accepts_answers(now):
            return
        tag = str(deadline.payload.get("tag") or f"t{minutes}")
        await send_reminders(services, tx, rc, tag, now)
        await refresh_card(services, tx, rc)

    async def on_progress(tx: Transaction, deadline: Deadline) -> None:
        rc = await store.get(tx, int(deadline.ref))
        if rc is None or not rc.is_open:
            return
        await refresh_card(services, tx, rc)
        if rc.batch_id is not None and (await outbox.batch_progress(tx, rc.batch_id)).pending:
            await deadlines.schedule(
                tx, PROGRESS_KIND, rc.id, services.clock.now() + PROGRESS_EVERY
            )

    async def on_unreachable(person_id: int | None, chat_id: int, dedup_key: str) -> None:
        parts = dedup_key.split(":")
        if len(parts) < 4 or parts[0] != NS or not parts[1].isdigit():
            return
        async with services.db.transaction() as tx:
            rc = await store.get(tx, int(parts[1]))
            if rc is not None and rc.is_open:
                await refresh_card(services, tx, rc)
        services.wake_delivery()

    services.scheduler.on(CLOSE_KIND, on_close)
    services.scheduler.on(REMIND_KIND, on_remind)
    services.scheduler.on(PROGRESS_KIND, on_progress)
    services.delivery.on_unreachable(on_unreachable)


# -- commands -----------------------------------------------------------------------------


def opener_name(update: Update, actor: Actor) -> str:
    if actor.person is not None:
        return actor.person.display_name
    user = update.effective_user
    return user.full_name if user else str(actor.user_id)


async def apel_command(update: Update, context: SiagaContext) -> None:
    await rollcall_command(update, context, "apel")


async def rollcall_command(update: Update, context: SiagaContext, kind: str) -> None:
    """`/apel` and `/cekkesiapan`: open at once with arguments, else guide with buttons."""
    if not context.actor.is_commander:
        await reply(update, context, "error-commander-only")
        return
    services = context.services
    chat = update.effective_chat
    if chat is None:
        return
    args = [a for a in (context.args or []) if a.strip()]
    categories = await store.known_categories(services.db)
    units = await personnel.units(services.db)
    parsed = parse_apel_args(args, categories, units, services.settings.apel_default_minutes)
    if isinstance(parsed, ParseError):
        await reply(update, context, parsed.key, command=COMMANDS[kind], **parsed.args)
        return
    if parsed.scope is None:
        await start_draft(
            update, context, kind, minutes=parsed.minutes if args else None, title=parsed.title
        )
        return
    found = await resolve_people(services, context.actor, parsed.scope)
    if isinstance(found, ParseError):
        await reply(update, context, found.key, command=COMMANDS[kind], **found.args)
        return
    people, narrowed = found
    opening = Opening(
        kind=kind,
        scope=parsed.scope,
        minutes=parsed.minutes,
        title=parsed.title,
        point=None,
        card_chat_id=chat.id,
        opener_name=opener_name(update, context.actor),
    )
    await _open_and_confirm(update, context, opening, people, narrowed)


async def _open_and_confirm(
    update: Update,
    context: SiagaContext,
    opening: Opening,
    people: list[Person],
    narrowed: bool,
    *,
    draft_id: int | None = None,
) -> RollCall | None:
    """Open the roll call and tell the opener; None (and the reason said) if it was not."""
    services = context.services
    result = await open_rollcall(services, context.actor, opening, people, draft_id=draft_id)
    query = update.callback_query
    if isinstance(result, ParseError):
        if query is not None and result.key == "apel-draft-gone":
            await query.answer(context.label("apel-draft-gone"), show_alert=True)
            return None
        if query is not None:
            await query.answer()
        await reply(update, context, result.key, command=COMMANDS[opening.kind], **result.args)
        return None
    rc, called = result
    if query is not None:
        await query.answer(context.label("apel-opened-short"))
    lang = context.actor.language
    await reply(
        update,
        context,
        "apel-opened",
        kind=rc.kind,
        name=rollcall_name(services, lang, rc),
        count=_num(called, lang),
        time=_when(services, rc.closes_at, lang, services.clock.now()),
        narrowed=_plain(services, lang, "apel-opened-narrowed") if narrowed else "",
    )
    return rc


# -- the guided path (no arguments) -------------------------------------------------------


async def _scope_options(services: Services, actor: Actor) -> list[Scope]:
    options = [Scope(ScopeKind.ALL)]
    if actor.is_admin:
        options += [
            Scope(ScopeKind.CATEGORY, c) for c in await store.known_categories(services.db)
        ]
        options += [Scope(ScopeKind.UNIT, u) for u in await personnel.units(services.db)]
    else:
        options += [Scope(ScopeKind.CATEGORY, c) for c in sorted(actor.scope.categories)]
        options += [Scope(ScopeKind.UNIT, u) for u in sorted(actor.scope.units)]
    return options


async def start_draft(
    update: Update, context: SiagaContext, kind: str, *, minutes: int | None, title: str | None
) -> None:
    services = context.services
    actor = context.actor
    chat = update.effective_chat
    if chat is None:
        return
    if not actor.is_admin and actor.scope.empty:
        await reply(update, context, "apel-no-scope")
        return
    options = await _scope_options(services, actor)
    now = services.clock.now()
    async with services.db.transaction() as tx:
        draft_id = await store.create_draft(
            tx,
            kind=kind,
            user_id=actor.user_id,
            chat_id=chat.id,
            options=options,
            scope=None,
            minutes=minutes,
            title=title,
            now=now,
        )
    lang = actor.language
    buttons = [
        (
            scope_label(services, lang, option)
            if option.value
            else _plain(services, lang, "apel-scope-all-button"),
            callback_data.encode(NS, "ds", draft_id, i),
        )
        for i, option in enumerate(options)
    ]
    rows: list[list[Button]] = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([(context.label("apel-button-cancel"), callback_data.encode(NS, "dx", draft_id))])
    await reply(
        update, context, "apel-draft-pick-scope", kind=kind, reply_markup=inline_keyboard(rows)
    )


async def _draft_summary(
    context: SiagaContext, draft: Draft
) -> tuple[str, InlineKeyboardMarkup] | ParseError:
    services = context.services
    lang = context.actor.language
    assert draft.scope is not None
    assert draft.minutes is not None
    found = await resolve_people(services, context.actor, draft.scope)
    if isinstance(found, ParseError):
        return found
    people, _ = found
    now = services.clock.now()
    point = (
        _plain(
            services, lang, "apel-draft-point", radius=format_distance(draft.point.radius_m, lang)
        )
        if draft.point
        else _plain(services, lang, "apel-draft-none")
    )
    text = context.t(
        "apel-draft-summary",
        kind=draft.kind,
        scope=scope_label(services, lang, draft.scope),
        count=_num(
            sum(1 for p in people if p.telegram_user_id not in (None, context.actor.user_id)),
            lang,
        ),
        minutes=draft.minutes,
        time=_when(services, now + timedelta(minutes=draft.minutes), lang, now),
        title=draft.title or _plain(services, lang, "apel-draft-none"),
        point=point,
    )
    rows: list[list[Button]] = [
        [
            (
                context.label("apel-button-open", kind=draft.kind),
                callback_data.encode(NS, "dgo", draft.id),
            )
        ]
    ]
    extras: list[Button] = []
    if draft.kind == "apel":
        extras.append(
            (context.label("apel-button-point"), callback_data.encode(NS, "dpt", draft.id))
        )
    extras.append((context.label("apel-button-title"), callback_data.encode(NS, "dti", draft.id)))
    rows.append(extras)
    rows.append([(context.label("apel-button-cancel"), callback_data.encode(NS, "dx", draft.id))])
    return text, inline_keyboard(rows)


def _minutes_rows(context: SiagaContext, draft_id: int) -> list[list[Button]]:
    default = context.services.settings.apel_default_minutes
    choices = sorted({*DURATION_CHOICES, default})
    buttons = [
        (
            context.label(
                "apel-button-minutes", minutes=m, default="yes" if m == default else "no"
            ),
            callback_data.encode(NS, "dm", draft_id, m),
        )
        for m in choices
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([(context.label("apel-button-cancel"), callback_data.encode(NS, "dx", draft_id))])
    return rows


async def on_draft(update: Update, context: SiagaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    services = context.services
    actor = context.actor
    data = callback_data.decode(query.data)
    draft_id = data.int_arg(0) if data else None
    draft = await store.get_draft(services.db, draft_id) if draft_id is not None else None
    now = services.clock.now()
    if data is None or draft is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    if draft.user_id != actor.user_id:
        await query.answer(context.label("apel-draft-not-yours"), show_alert=True)
        return
    if draft.state != "draft" or now - draft.created_at > DRAFT_LIFETIME:
        await query.answer(context.label("apel-draft-gone"), show_alert=True)
        return
    if not actor.is_commander:
        await query.answer(context.label("error-commander-only"), show_alert=True)
        return
    action = data.action
    if action == "dx":
        async with services.db.transaction() as tx:
            await store.update_draft(tx, draft.id, state="cancelled", awaiting_location=False)
        await query.answer()
        await query.edit_message_text(context.t("apel-draft-cancelled"))
        return
    if action == "ds":
        index = data.int_arg(1)
        if index is None or index >= len(draft.options):
            await query.answer(context.label("button-invalid"), show_alert=True)
            return
        scope = draft.options[index]
        async with services.db.transaction() as tx:
            await store.update_draft(tx, draft.id, scope=scope)
        draft = await store.get_draft(services.db, draft.id)
        assert draft is not None
        if draft.minutes is None:
            await query.answer()
            await query.edit_message_text(
                context.t(
                    "apel-draft-pick-minutes",
                    kind=draft.kind,
                    scope=scope_label(services, actor.language, scope),
                ),
                reply_markup=inline_keyboard(_minutes_rows(context, draft.id)),
            )
            return
        await _show_summary(update, context, draft)
        return
    if action == "dm":
        minutes = data.int_arg(1)
        if minutes is None or not 0 < minutes <= 24 * 60:
            await query.answer(context.label("button-invalid"), show_alert=True)
            return
        async with services.db.transaction() as tx:
            await store.update_draft(tx, draft.id, minutes=minutes)
        draft = await store.get_draft(services.db, draft.id)
        assert draft is not None
        await _show_summary(update, context, draft)
        return
    if draft.scope is None or draft.minutes is None:
        await query.answer(context.label("apel-draft-gone"), show_alert=True)
        return
    if action == "dpt":
        if not is_private(update) or draft.kind != "apel":
            await query.answer(context.label("apel-draft-point-private"), show_alert=True)
            return
        async with services.db.transaction() as tx:
            await store.update_draft(tx, draft.id, awaiting_location=True)
        await query.answer()
        keyboard = ReplyKeyboardMarkup(
            [[KeyboardButton(context.label("apel-draft-point-button"), request_location=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        await reply(update, context, "apel-draft-ask-point", reply_markup=keyboard)
        return
    if action == "drad":
        radius = data.int_arg(1)
        coordinates = await store.draft_coordinates(services.db, draft.id)
        if radius not in RADIUS_CHOICES or coordinates is None:
            await query.answer(context.label("button-invalid"), show_alert=True)
            return
        async with services.db.transaction() as tx:
            await store.update_draft(
                tx, draft.id, point=AssemblyPoint(coordinates[0], coordinates[1], radius)
            )
        draft = await store.get_draft(services.db, draft.id)
        assert draft is not None
        await _show_summary(update, context, draft)
        return
    if action == "dti":
        async with services.db.transaction() as tx:
            await users.set_pending_input(tx, actor.user_id, f"{TITLE_INPUT}:{draft.id}", now)
        await query.answer()
        await reply(update, context, "apel-draft-ask-title", max=TITLE_MAX)
        return
    if action == "dgo":
        await _open_draft(update, context, draft)
        return
    await query.answer(context.label("button-invalid"), show_alert=True)


async def _show_summary(update: Update, context: SiagaContext, draft: Draft) -> None:
    query = update.callback_query
    summary = await _draft_summary(context, draft)
    if isinstance(summary, ParseError):
        if query is not None:
            await query.answer()
        await reply(update, context, summary.key, command=COMMANDS[draft.kind], **summary.args)
        return
    text, markup = summary
    if query is not None:
        await query.answer()
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)
    else:
        message = update.effective_message
        if message is not None:
            await message.reply_html(text, reply_markup=markup)


async def _open_draft(update: Update, context: SiagaContext, draft: Draft) -> None:
    query = update.callback_query
    assert query is not None
    assert draft.scope is not None
    assert draft.minutes is not None
    services = context.services
    found = await resolve_people(services, context.actor, draft.scope)
    if isinstance(found, ParseError):
        await query.answer()
        await reply(update, context, found.key, command=COMMANDS[draft.kind], **found.args)
        return
    people, narrowed = found
    opening = Opening(
        kind=draft.kind,
        scope=draft.scope,
        minutes=draft.minutes,
        title=draft.title,
        point=draft.point,
        card_chat_id=draft.chat_id,
        opener_name=opener_name(update, context.actor),
    )
    rc = await _open_and_confirm(update, context, opening, people, narrowed, draft_id=draft.id)
    if rc is not None:
        await query.edit_message_reply_markup(reply_markup=None)


async def on_title_text(update: Update, context: SiagaContext, argument: str, text: str) -> None:
    services = context.services
    actor = context.actor
    now = services.clock.now()
    draft = await store.get_draft(services.db, int(argument)) if argument.isdigit() else None
    if draft is None or draft.user_id != actor.user_id or draft.state != "draft":
        async with services.db.transaction() as tx:
            await users.set_pending_input(tx, actor.user_id, None, now)
        await reply(update, context, "apel-draft-gone")
        return
    title = " ".join(text.split())[:TITLE_MAX]
    if not title:
        await reply(update, context, "apel-draft-title-empty")
        return
    async with services.db.transaction() as tx:
        await store.update_draft(tx, draft.id, title=title)
        await users.set_pending_input(tx, actor.user_id, None, now)
    draft = await store.get_draft(services.db, draft.id)
    assert draft is not None
    await _show_summary(update, context, draft)


# -- answers ------------------------------------------------------------------------------


async def _message_key(context: SiagaContext, rc: RollCall, person_id: int, src: str) -> str:
    """The outbox key of the message the person tapped: their prompt or one reminder."""
    if src != "p":
        key = f"ap:{rc.id}:rem:{person_id}:{src}"
        if await outbox.sent_message_id(context.services.db, key) is not None:
            return key
    return rc.prompt_key(person_id)


async def _tapped_rollcall(
    query: CallbackQuery, context: SiagaContext
) -> tuple[callback_data.CallbackData, RollCall] | None:
    """The button's data and the roll call it names; a tap naming none is answered here."""
    data = callback_data.decode(query.data)
    rc_id = data.int_arg(0) if data else None
    rc = await store.get(context.services.db, rc_id) if rc_id is not None else None
    if data is None or rc is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return None
    return data, rc


async def on_answer(update: Update, context: SiagaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    services = context.services
    actor = context.actor
    now = services.clock.now()
    tapped = await _tapped_rollcall(query, context)
    if tapped is None:
        return
    data, rc = tapped
    person = actor.person
    target = await store.target(services.db, rc.id, person.id) if person else None
    if person is None or target is None or not target.called:
        await query.answer(context.label("rollcall-not-yours"), show_alert=True)
        return
    if not rc.accepts_answers(now):
        await query.answer(context.label("rollcall-closed", kind=rc.kind), show_alert=True)
        return
    src = data.args[1] if len(data.args) > 1 and _SOURCE.match(data.args[1]) else "p"
    key = await _message_key(context, rc, person.id, src)
    lang = actor.language
    if data.action in ("n", "b"):
        if data.action == "n":
            text = prompt_text(
                services,
                rc,
                lang,
                now,
                [_html(services, lang, "rollcall-pick-reason", kind=rc.kind)],
            )
            rows = reason_rows(services, rc, lang, src)
        else:
            text = prompt_text(
                services, rc, lang, now, status_lines(services, rc, target, lang, now)
            )
            rows = answer_rows(services, rc, lang, src)
            if rc.kind == "cek" and target.answer == Answer.NO:
                rows += until_rows(services, lang)
        async with services.db.transaction() as tx:
            await outbox.enqueue_edit(
                tx,
                target_key=key,
                chat_id=target.chat_id or actor.user_id,
                text=text,
                reply_markup=markup_json(rows),
                now=now,
            )
        services.wake_delivery()
        await query.answer(
            context.label("rollcall-pick-reason-short", kind=rc.kind)
            if data.action == "n"
            else None
        )
        return
    if data.action == "y":
        await _record(update, context, rc, target, key, Answer.YES, None)
        return
    reason = data.args[2] if len(data.args) > 2 else None
    if data.action != "r" or reason not in REASONS:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    await _record(update, context, rc, target, key, Answer.NO, reason)


@dataclass(frozen=True)
class _AnswerTap:
    """One person's tap on Hadir or a reason, ready to be written."""

    rc: RollCall
    target: Target
    key: str  # the outbox key of the message tapped (prompt or reminder)
    user_id: int
    chat_id: int
    lang: str
    answer: Answer
    reason: str | None


async def _write_answers(
    services: Services,
    tx: Transaction,
    taps: Sequence[_AnswerTap],
    now: datetime,
    stale_after: timedelta,
) -> list[tuple[Target | None, bool]]:
    """What every answer writes, for many at once: the answer (None: it was already so),
    SIAP confirmed for a Hadir (True: the person is SIAP now), a reason input made moot."""
    updated = await store.record_answers(
        tx,
        [
            store.AnswerWrite(
                t.rc.id,
                t.target.person_id,
                t.answer,
                t.reason,
                awaiting_location=(
                    t.answer is Answer.YES and t.rc.point is not None and t.rc.kind == "apel"
                ),
            )
            for t in taps
        ],
        now,
    )
    written = [(t, u) for t, u in zip(taps, updated, strict=True) if u is not None]
    ready = await readiness.confirm_ready_many(
        tx,
        [
            (t.target.person_id, f"{t.rc.kind}:{t.rc.id}")
            for t, _ in written
            if t.answer is Answer.YES
        ],
        now,
        stale_after=stale_after,
    )
    await users.clear_pending_input(
        tx, [(t.user_id, f"{REASON_INPUT}:{t.rc.id}") for t, _ in written if t.reason != "lainnya"]
    )
    return [
        (u, u is not None and t.answer is Answer.YES and t.target.person_id in ready)
        for t, u in zip(taps, updated, strict=True)
    ]


async def _enqueue_answer_edits(
    services: Services,
    tx: Transaction,
    written: Sequence[tuple[_AnswerTap, Target]],
    now: datetime,
) -> None:
    """The tapped messages redrawn with the answer given and the buttons to change it."""
    edits = []
    for tap, updated in written:
        rows = answer_rows(services, tap.rc, tap.lang, key_source(tap.key))
        if tap.rc.kind == "cek" and tap.answer is Answer.NO:
            rows += until_rows(services, tap.lang)
        text = prompt_text(
            services, tap.rc, tap.lang, now, status_lines(services, tap.rc, updated, tap.lang, now)
        )
        # The toast already confirms the answer: the edit must not overtake the prompts still
        # owed to others (measured: a 3,294 roll call took 1.6x longer).
        edits.append(outbox.Edit(tap.key, tap.chat_id, text, markup_json(rows), Priority.ROLLCALL))
    await outbox.enqueue_edits(tx, edits, now)


def _answer_toast(services: Services, tap: _AnswerTap) -> str:
    lang = tap.lang
    if tap.answer is Answer.YES:
        return services.catalog.text(lang, "rollcall-answered-yes", kind=tap.rc.kind)
    if tap.reason == "lainnya":
        return services.catalog.text(lang, "rollcall-write-reason")
    return services.catalog.text(
        lang,
        "rollcall-answered-no",
        kind=tap.rc.kind,
        reason=reason_label(services, lang, tap.reason),
    )


async def _record(
    update: Update,
    context: SiagaContext,
    rc: RollCall,
    target: Target,
    key: str,
    answer: Answer,
    reason: str | None,
) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    actor = context.actor
    lang = actor.language
    now = services.clock.now()
    stale_after = await services.stale_after()
    chat_id = target.chat_id or actor.user_id
    tap = _AnswerTap(rc, target, key, actor.user_id, chat_id, lang, answer, reason)
    async with services.db.transaction() as tx:
        [(updated, ready)] = await _write_answers(services, tx, [tap], now, stale_after)
        synced: list[int] = []
        if updated is not None:
            if ready:
                synced = await sync_checks(
                    services, tx, target.person_id, chat_id, lang, Answer.YES, now, skip=rc.id
                )
            elif (
                answer is Answer.NO
                and rc.kind == "cek"
                and await readiness.declare_not_ready(
                    tx, target.person_id, now, reason=reason or "lainnya", source=f"cek:{rc.id}"
                )
            ):
                synced = await sync_checks(
                    services,
                    tx,
                    target.person_id,
                    chat_id,
                    lang,
                    Answer.NO,
                    now,
                    reason=reason or "lainnya",
                    skip=rc.id,
                )
            if reason == "lainnya":
                await users.set_pending_input(tx, actor.user_id, f"{REASON_INPUT}:{rc.id}", now)
            if updated.location_state == LocationState.AWAITING and rc.point is not None:
                await _ask_location(services, tx, rc, updated, chat_id, lang, now)
            await _enqueue_answer_edits(services, tx, [(tap, updated)], now)
    if updated is None:
        await query.answer(context.label("rollcall-answer-same"))
        return
    services.wake_delivery()
    services.scheduler.wake()
    refresh_cards_later(context, [rc.id, *synced])
    await query.answer(_answer_toast(services, tap))


async def answer_taps(app: SiagaApp, taps: Sequence[Tap]) -> list[Tap]:
    """Hadir or a reason tapped on roll-call prompts, a burst at a time (`bot/taps.py`).

    Takes the plain case only: an active person on the roster, not flooding, answering their
    own prompt of an open apel without an assembly point, with an answer that is new, and
    with no readiness check open for them. Those are written in one transaction and answered
    together. Every other tap is returned and goes through `on_answer` and its rules.
    """
    services: Services = app.bot_data["services"]
    db = services.db
    now = services.clock.now()
    plain: list[tuple[Tap, int, Answer, str | None]] = []
    left: list[Tap] = []
    for tap in taps:
        parsed = _plain_answer(tap.data)
        if parsed is None:
            left.append(tap)
        else:
            plain.append((tap, *parsed))
    if not plain:
        return left
    user_ids = [tap.user_id for tap, *_ in plain]
    people = await personnel.active_by_telegram_users(db, user_ids)
    languages = await store.languages_of(db, user_ids, services.settings.locale)
    rollcalls = {rc_id: await store.get(db, rc_id) for rc_id in {p[1] for p in plain}}
    targets = {
        rc_id: await store.targets_of(db, rc_id, [p.id for p in people.values()])
        for rc_id, rc in rollcalls.items()
        if rc is not None
    }
    taken: list[tuple[Tap, _AnswerTap]] = []
    for tap, rc_id, answer, reason in plain:
        person = people.get(tap.user_id)
        rc = rollcalls[rc_id]
        target = targets[rc_id].get(person.id) if person and rc else None
        if (
            rc is None
            or target is None
            or not target.called
            or rc.kind != "apel"
            or rc.point is not None
            or not rc.accepts_answers(now)
            or (target.answer == answer.value and target.reason == reason)
            or not gate.admit_tap(services, tap.user_id)
        ):
            left.append(tap)
            continue
        chat_id = target.chat_id or tap.user_id
        key = rc.prompt_key(target.person_id)
        lang = languages[tap.user_id]
        taken.append(
            (tap, _AnswerTap(rc, target, key, tap.user_id, chat_id, lang, answer, reason))
        )
    if not taken:
        return left
    stale_after = await services.stale_after()
    async with db.transaction() as tx:
        # A readiness check of theirs needs `sync_checks`: those go the usual way.
        checked = await store.called_by_open_checks(
            tx, [a.target.person_id for _, a in taken], now
        )
        left += [tap for tap, a in taken if a.target.person_id in checked]
        taken = [(tap, a) for tap, a in taken if a.target.person_id not in checked]
        results = await _write_answers(services, tx, [a for _, a in taken], now, stale_after)
        written = [(a, u) for (_, a), (u, _) in zip(taken, results, strict=True) if u]
        await _enqueue_answer_edits(services, tx, written, now)
    # Answered meanwhile (the same answer by another way): the usual path says so.
    left += [tap for (tap, _), (u, _) in zip(taken, results, strict=True) if u is None]
    done = [(tap, a) for (tap, a), (u, _) in zip(taken, results, strict=True) if u]
    if done:
        services.wake_delivery()
        services.scheduler.wake()
        for rc_id in {a.rc.id for _, a in done}:
            _refresher(services).request(app, rc_id)
        await asyncio.gather(
            *(_answer_tap(app, tap, _answer_toast(services, a)) for tap, a in done)
        )
    return left


def _plain_answer(data: callback_data.CallbackData) -> tuple[int, Answer, str | None] | None:
    """(roll call, answer, reason) of Hadir or a reason but `lainnya` tapped on a prompt."""
    rc_id = data.int_arg(0)
    if rc_id is None or len(data.args) < 2 or data.args[1] != "p":
        return None
    if data.action == "y" and len(data.args) == 2:
        return rc_id, Answer.YES, None
    reason = data.args[2] if len(data.args) == 3 else None
    if data.action == "r" and reason in REASONS and reason != "lainnya":
        return rc_id, Answer.NO, reason
    return None


async def _answer_tap(app: SiagaApp, tap: Tap, text: str) -> None:
    try:
        await app.bot.answer_callback_query(tap.query_id, text)
    except TelegramError as exc:
        # Recorded all the same; the edited prompt shows the answer.
        log.warning("answering tap %s failed: %s", tap.update_id, exc)


async def sync_checks(
    services: Services,
    tx: Transaction,
    person_id: int,
    chat_id: int,
    lang: str,
    answer: Answer,
    now: datetime,
    *,
    reason: str | None = None,
    reason_text: str | None = None,
    skip: int | None = None,
) -> list[int]:
    """A readiness change made elsewhere (/siap, /tidaksiap, Hadir at an apel) answers the
    open readiness checks that asked this person, so their tally tells the truth.

    Returns the ids of the checks whose card needs a redraw.
    """
    changed: list[int] = []
    for rc in await store.open_checks_for(tx, person_id, now):
        if rc.id == skip:
            continue
        updated = await store.record_answer(
            tx, rc.id, person_id, answer, now, reason=reason, reason_text=reason_text
        )
        if updated is None:
            continue
        rows = answer_rows(services, rc, lang, "p")
        if answer is Answer.NO:
            rows += until_rows(services, lang)
        await outbox.enqueue_edit(
            tx,
            target_key=rc.prompt_key(person_id),
            chat_id=chat_id,
            text=prompt_text(
                services, rc, lang, now, status_lines(services, rc, updated, lang, now)
            ),
            reply_markup=markup_json(rows),
            now=now,
        )
        changed.append(rc.id)
    return changed


def refresh_cards_later(context: SiagaContext, rollcall_ids: list[int]) -> None:
    for rollcall_id in rollcall_ids:
        _refresher(context.services).request(context.application, rollcall_id)


def key_source(key: str) -> str:
    """Back from an outbox key to the button source tag it was built from."""
    parts = key.split(":")
    return parts[4] if len(parts) > 4 and parts[2] == "rem" else "p"


async def _ask_location(
    services: Services,
    tx: Transaction,
    rc: RollCall,
    target: Target,
    chat_id: int,
    lang: str,
    now: datetime,
) -> None:
    assert rc.point is not None
    keyboard = {
        "keyboard": [
            [
                {
                    "text": _plain(services, lang, "rollcall-location-button"),
                    "request_location": True,
                }
            ]
        ],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }
    await outbox.enqueue(
        tx,
        OutgoingMessage(
            chat_id=chat_id,
            text=_html(
                services,
                lang,
                "rollcall-location-request",
                name=rollcall_name(services, lang, rc),
                radius=format_distance(rc.point.radius_m, lang),
            ),
            priority=Priority.REMINDER,
            dedup_key=f"ap:{rc.id}:loc:{target.person_id}:{target.revision}",
            reply_markup=keyboard,
            person_id=target.person_id,
        ),
        now,
    )


async def on_reason_text(update: Update, context: SiagaContext, argument: str, text: str) -> None:
    """The free text after *Lainnya*: refines the answer already recorded."""
    services = context.services
    actor = context.actor
    now = services.clock.now()
    rc = await store.get(services.db, int(argument)) if argument.isdigit() else None
    person = actor.person
    if rc is None or person is None or not rc.accepts_answers(now):
        async with services.db.transaction() as tx:
            await users.set_pending_input(tx, actor.user_id, None, now)
        key = "rollcall-closed-text" if rc is not None else "text-not-expected"
        await reply(update, context, key, kind=rc.kind if rc else "apel")
        return
    reason_text = " ".join(text.split())[:REASON_TEXT_MAX]
    if not reason_text:
        await reply(update, context, "rollcall-status-write-reason")
        return
    async with services.db.transaction() as tx:
        changed = await store.set_reason_text(tx, rc.id, person.id, reason_text, now)
        await users.set_pending_input(tx, actor.user_id, None, now)
        if changed and rc.kind == "cek":
            await readiness.declare_not_ready(
                tx,
                person.id,
                now,
                reason="lainnya",
                reason_text=reason_text,
                source=f"cek:{rc.id}",
            )
        updated = await store.target(tx, rc.id, person.id)
        if changed and updated is not None:
            rows = answer_rows(services, rc, actor.language, "p")
            if rc.kind == "cek":
                rows += until_rows(services, actor.language)
            await outbox.enqueue_edit(
                tx,
                target_key=rc.prompt_key(person.id),
                chat_id=updated.chat_id or actor.user_id,
                text=prompt_text(
                    services,
                    rc,
                    actor.language,
                    now,
                    status_lines(services, rc, updated, actor.language, now),
                ),
                reply_markup=markup_json(rows),
                now=now,
            )
    services.wake_delivery()
    if not changed:
        await reply(update, context, "rollcall-reason-not-lainnya")
        return
    await reply(
        update,
        context,
        "rollcall-reason-saved",
        reason=reason_text,
        name=rollcall_name(services, actor.language, rc),
    )


# -- locations ----------------------------------------------------------------------------


async def claim_location(update: Update, context: SiagaContext) -> bool:
    """An assembly point for a roll call being set up, or a person's answer to one."""
    message = update.effective_message
    if message is None or message.location is None or not is_private(update):
        return False
    services = context.services
    actor = context.actor
    now = services.clock.now()
    location = message.location
    if actor.is_commander:
        draft = await store.draft_awaiting_location(services.db, actor.user_id)
        if draft is not None and now - draft.created_at <= DRAFT_LIFETIME:
            await _set_draft_point(update, context, draft, location.latitude, location.longitude)
            return True
    person = actor.person
    rollcalls = await store.present_in_open(services.db, person.id, now) if person else []
    if person is None or not rollcalls:
        return False
    if message.forward_origin is not None:
        # A forwarded location is where someone else was, some time ago: proves nothing.
        await reply(update, context, "rollcall-location-forwarded")
        return True
    lang = actor.language
    lines: list[str] = []
    async with services.db.transaction() as tx:
        for rc in rollcalls:
            if rc.point is None:
                await store.set_location(
                    tx,
                    rc.id,
                    person.id,
                    latitude=location.latitude,
                    longitude=location.longitude,
                    distance_m=None,
                    state=LocationState.SHARED,
                    now=now,
                )
                lines.append(
                    _html(
                        services,
                        lang,
                        "rollcall-location-shared",
                        name=rollcall_name(services, lang, rc),
                    )
                )
                continue
            meters = distance_m(
                location.latitude, location.longitude, rc.point.latitude, rc.point.longitude
            )
            inside = meters <= rc.point.radius_m
            await store.set_location(
                tx,
                rc.id,
                person.id,
                latitude=location.latitude,
                longitude=location.longitude,
                distance_m=meters,
                state=LocationState.INSIDE if inside else LocationState.OUTSIDE,
                now=now,
            )
            updated = await store.target(tx, rc.id, person.id)
            if updated is not None:
                await outbox.enqueue_edit(
                    tx,
                    target_key=rc.prompt_key(person.id),
                    chat_id=updated.chat_id or actor.user_id,
                    text=prompt_text(
                        services, rc, lang, now, status_lines(services, rc, updated, lang, now)
                    ),
                    reply_markup=markup_json(answer_rows(services, rc, lang, "p")),
                    now=now,
                )
            lines.append(
                _html(
                    services,
                    lang,
                    "rollcall-location-inside" if inside else "rollcall-location-outside",
                    name=rollcall_name(services, lang, rc),
                    distance=format_distance(meters, lang),
                    radius=format_distance(rc.point.radius_m, lang),
                )
            )
    services.wake_delivery()
    for rc in rollcalls:
        _refresher(services).request(context.application, rc.id)
    await message.reply_html("\n".join(lines), reply_markup=ReplyKeyboardRemove())
    return True


async def _set_draft_point(
    update: Update, context: SiagaContext, draft: Draft, latitude: float, longitude: float
) -> None:
    services = context.services
    async with services.db.transaction() as tx:
        await store.set_draft_location(tx, draft.id, latitude, longitude)
    await reply(update, context, "apel-draft-point-saved", reply_markup=ReplyKeyboardRemove())
    rows: list[list[Button]] = [
        [
            (
                format_distance(m, context.actor.language),
                callback_data.encode(NS, "drad", draft.id, m),
            )
            for m in RADIUS_CHOICES
        ]
    ]
    await reply(update, context, "apel-draft-pick-radius", reply_markup=inline_keyboard(rows))


# -- the commander's card buttons ---------------------------------------------------------


async def on_manage(update: Update, context: SiagaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    services = context.services
    actor = context.actor
    now = services.clock.now()
    tapped = await _tapped_rollcall(query, context)
    if tapped is None:
        return
    data, rc = tapped
    if not (actor.is_admin or actor.user_id == rc.opened_by_user):
        await query.answer(context.label("rollcall-not-owner", kind=rc.kind), show_alert=True)
        return
    if not rc.is_open:
        await query.answer(context.label("rollcall-already-closed", kind=rc.kind), show_alert=True)
        return
    lang = actor.language
    if data.action == "rem":
        last = rc.last_manual_reminder_at
        if last is not None and now - last < MANUAL_REMINDER_GAP:
            await query.answer(context.label("rollcall-remind-too-soon"), show_alert=True)
            return
        async with services.db.transaction() as tx:
            sequence = await store.note_manual_reminder(tx, rc.id, now)
            count = await send_reminders(services, tx, rc, f"m{sequence}", now)
            await refresh_card(services, tx, rc)
        services.wake_delivery()
        key = "rollcall-reminded" if count else "rollcall-reminded-none"
        await query.answer(context.label(key, count=_num(count, lang)), show_alert=not count)
        return
    if data.action == "ext":
        minutes = data.int_arg(1)
        if minutes not in EXTEND_CHOICES:
            await query.answer(context.label("button-invalid"), show_alert=True)
            return
        base = max(rc.closes_at, now)
        if not extension_allowed(rc.opened_at, base, minutes):
            await query.answer(context.label("rollcall-extend-too-long"), show_alert=True)
            return
        closes_at = base + timedelta(minutes=minutes)
        async with services.db.transaction() as tx:
            if await store.extend(tx, rc.id, closes_at):
                extended = await store.get(tx, rc.id)
                assert extended is not None
                await plan_deadlines(services, tx, extended, closes_at, now)
                await refresh_card(services, tx, extended)
                await audit.record(
                    tx,
                    now,
                    f"{rc.kind}.extended",
                    actor_user_id=actor.user_id,
                    subject=f"rollcall:{rc.id}",
                    details={"minutes": minutes},
                )
        services.wake_delivery()
        services.scheduler.wake()
        await query.answer(
            context.label("rollcall-extended", time=_when(services, closes_at, lang, now))
        )
        return
    if data.action == "cls":
        async with services.db.transaction() as tx:
            await close_rollcall(services, tx, rc.id, f"user:{actor.user_id}")
        services.wake_delivery()
        await query.answer(context.label("rollcall-closed-now", kind=rc.kind))
        return
    await query.answer(context.label("button-invalid"), show_alert=True)


def register(app: SiagaApp) -> None:
    services: Services = app.bot_data["services"]
    _deadline_handlers(services)
    app.add_handler(CommandHandler("apel", apel_command))
    app.add_handler(CallbackQueryHandler(on_answer, pattern=r"^ap:v1:(y|n|r|b):"))
    services.taps.route(NS, partial(answer_taps, app))
    app.add_handler(CallbackQueryHandler(on_manage, pattern=r"^ap:v1:(rem|ext|cls):"))
    app.add_handler(CallbackQueryHandler(on_draft, pattern=r"^ap:v1:d[a-z]*:"))
    claims("rollcall", claim_location)
    expects(REASON_INPUT, on_reason_text)
    expects(TITLE_INPUT, on_title_text)
