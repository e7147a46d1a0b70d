"""The roll call's transactions, Telegram-free: open, answer, remind, close, report, timers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.apel import (
    Answer,
    DraftState,
    MessageKey,
    MessageKind,
    RollCallKind,
    Scope,
    ScopeKind,
    narrow_scope,
    reminder_schedule,
)
from bot.domain.geo import format_distance
from bot.domain.readiness import State
from bot.domain.refusal import Refusal
from bot.services import Actor, Services
from handlers.apel.keys import (
    CLOSE_KIND,
    PROGRESS_KIND,
    REASON_INPUT,
    REMIND_KIND,
    key_source,
)
from handlers.apel.render import (
    answer_rows,
    prompt_text,
    refresh_card,
    render_card,
    rollcall_name,
    scope_label,
    status_lines,
)
from handlers.apel.report import enqueue_report
from handlers.callout import service as callout_service
from handlers.common import markup_json
from handlers.kit.card import PROGRESS_EVERY, LiveCard, live_card, next_tick
from handlers.kit.reasons import until_rows
from handlers.kit.text import renderer
from storage import apel as store
from storage import audit, deadlines, inbox, outbox, personnel, readiness, users
from storage.apel import AssemblyPoint, NewTarget, RollCall, Target
from storage.db import Transaction
from storage.deadlines import Deadline
from storage.outbox import OutgoingMessage, Priority
from storage.personnel import Person


async def resolve_people(
    services: Services, actor: Actor, scope: Scope
) -> tuple[list[Person], bool] | Refusal:
    """Active people in `scope` that this actor commands, and whether that narrowed it
    (the rule: `bot.domain.apel.narrow_scope`)."""
    db = services.db
    categories, units = sorted(actor.scope.categories), sorted(actor.scope.units)
    named: list[Person] = []
    if scope.kind is ScopeKind.ALL and actor.is_admin:
        named = await personnel.active_in(db)
    elif scope.kind is ScopeKind.ALL and not actor.scope.empty:
        named = await personnel.active_in(db, categories=categories, units=units)
    elif scope.kind is ScopeKind.CATEGORY:
        named = await personnel.active_in(db, categories=[scope.value or ""])
    elif scope.kind is ScopeKind.UNIT:
        named = await personnel.active_in(db, units=[scope.value or ""])
    return narrow_scope(
        scope, named, actor.commands, is_admin=actor.is_admin, commanded=[*categories, *units]
    )


@dataclass(frozen=True)
class Opening:
    kind: RollCallKind
    scope: Scope
    minutes: int
    title: str | None
    point: AssemblyPoint | None
    card_chat_id: int
    opener_name: str
    place: str | None = None
    assembles_at: datetime | None = None


async def open_rollcall(
    services: Services,
    actor: Actor,
    opening: Opening,
    people: list[Person],
    *,
    draft_id: int | None = None,
) -> tuple[RollCall, int] | Refusal:
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
        await readiness.for_people(db, [p.id for p in people])
        if opening.kind is RollCallKind.CEK
        else {}
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
        return Refusal(
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
            if draft is None or draft.state is not DraftState.DRAFT:
                return Refusal("apel-draft-gone")
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
            place=opening.place,
            assembles_at=opening.assembles_at,
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
        prompts: list[OutgoingMessage] = []
        for target in called:
            assert target.chat_id is not None
            lang = languages.get(target.chat_id, services.settings.locale)
            if lang not in rendered:
                rendered[lang] = (
                    prompt_text(services, rc, lang, now),
                    markup_json(answer_rows(services, rc, lang, "p")),
                )
            text, markup = rendered[lang]
            prompts.append(
                OutgoingMessage(
                    chat_id=target.chat_id,
                    text=text,
                    priority=Priority.ROLLCALL,
                    dedup_key=rc.prompt_key(target.person_id),
                    reply_markup=markup,
                    person_id=target.person_id,
                    batch_id=batch_id,
                )
            )
        await outbox.enqueue_many(tx, prompts, now)
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
                tx, draft_id, state=DraftState.OPENED, awaiting_location=False, rollcall_id=rc_id
            )
        await inbox.settle_processing(tx)
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
            text = renderer(services, lang).html(
                "rollcall-reminder",
                kind=rc.kind,
                name=rollcall_name(services, lang, rc),
                time=renderer(services, lang).when(rc.closes_at, now),
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
                dedup_key=str(MessageKey(rc.id, MessageKind.REMINDER, person_id, tag)),
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


def register_timers(services: Services) -> None:
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
        # Once sent, a roll call's card changes only with answers: no idle tick.
        due = await next_tick(tx, rc.batch_id, services.clock.now(), idle=None)
        if due is not None:
            await deadlines.schedule(tx, PROGRESS_KIND, rc.id, due)

    async def on_unreachable(person_id: int | None, chat_id: int, dedup_key: str) -> None:
        key = MessageKey.parse(dedup_key)
        if key is None or key.kind is MessageKind.CARD:
            return
        async with services.db.transaction() as tx:
            rc = await store.get(tx, key.rollcall_id)
            if rc is not None and rc.is_open:
                await refresh_card(services, tx, rc)

    services.scheduler.on(CLOSE_KIND, on_close)
    services.scheduler.on(REMIND_KIND, on_remind)
    services.scheduler.on(PROGRESS_KIND, on_progress)
    services.delivery.on_unreachable(on_unreachable)


@dataclass(frozen=True)
class AnswerTap:
    """One person's tap on Hadir or a reason, ready to be written."""

    rc: RollCall
    target: Target
    key: str  # the outbox key of the message tapped (prompt or reminder)
    user_id: int
    chat_id: int
    lang: str
    answer: Answer
    reason: str | None


async def write_answers(
    services: Services,
    tx: Transaction,
    taps: Sequence[AnswerTap],
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
                    t.answer is Answer.YES
                    and t.rc.point is not None
                    and t.rc.kind is RollCallKind.APEL
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
    await callout_service.offer_ready(
        services, tx, [t.target.category_code for t, _ in written if t.target.person_id in ready]
    )
    await users.clear_pending_input(
        tx, [(t.user_id, f"{REASON_INPUT}:{t.rc.id}") for t, _ in written if t.reason != "lainnya"]
    )
    return [
        (u, u is not None and t.answer is Answer.YES and t.target.person_id in ready)
        for t, u in zip(taps, updated, strict=True)
    ]


async def enqueue_answer_edits(
    services: Services,
    tx: Transaction,
    written: Sequence[tuple[AnswerTap, Target]],
    now: datetime,
) -> None:
    """The tapped messages redrawn with the answer given and the buttons to change it."""
    # A burst's prompts mostly redraw the same: one roll call, one language, Hadir at the same
    # `now`. Rendering each distinct one once took ~15 % of the CPU a tap cost in the ingest
    # bench (Fluent and babel per tap).
    drawn: dict[tuple[Any, ...], tuple[str, dict[str, Any]]] = {}
    edits = []
    for tap, updated in written:
        source = key_source(tap.key)
        look = (
            tap.rc.id,
            tap.lang,
            source,
            updated.answer,
            updated.reason,
            updated.reason_text,
            updated.location_state,
            updated.answered_at,
        )
        if look not in drawn:
            rows = answer_rows(services, tap.rc, tap.lang, source)
            if tap.rc.kind is RollCallKind.CEK and tap.answer is Answer.NO:
                rows += until_rows(services, tap.lang)
            lines = status_lines(services, tap.rc, updated, tap.lang, now)
            drawn[look] = (prompt_text(services, tap.rc, tap.lang, now, lines), markup_json(rows))
        text, markup = drawn[look]
        # The toast already confirms the answer: the edit must not overtake the prompts still
        # owed to others (measured: a 3,294 roll call took 1.6x longer).
        edits.append(outbox.Edit(tap.key, tap.chat_id, text, markup, Priority.ROLLCALL))
    await outbox.enqueue_edits(tx, edits, now)


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


async def ask_location(
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
                    "text": renderer(services, lang).text("rollcall-location-button"),
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
            text=renderer(services, lang).html(
                "rollcall-location-request",
                name=rollcall_name(services, lang, rc),
                radius=format_distance(rc.point.radius_m, lang),
            ),
            priority=Priority.REMINDER,
            dedup_key=str(
                MessageKey(rc.id, MessageKind.LOCATION, target.person_id, str(target.revision))
            ),
            reply_markup=keyboard,
            person_id=target.person_id,
        ),
        now,
    )


async def _redraw_open_card(services: Services, tx: Transaction, rollcall_id: int) -> None:
    rc = await store.get(tx, rollcall_id)
    if rc is not None and rc.is_open:
        await refresh_card(services, tx, rc)


def cards(services: Services) -> LiveCard:
    """Roll-call cards redrawn after answers, debounced (`handlers.kit.card`)."""
    return live_card(services, "apel", _redraw_open_card)
