"""Buttons on prompts and the card: an answer, a reason and its free text, remind/extend/close."""

from __future__ import annotations

from datetime import timedelta

from telegram import (
    CallbackQuery,
    ReplyKeyboardRemove,
    Update,
)

from bot.domain import callback_data
from bot.domain.apel import (
    EXTEND_CHOICES,
    Answer,
    LocationState,
    MessageKey,
    MessageKind,
    RollCallKind,
    extension_allowed,
)
from bot.domain.drafts import APEL_DRAFT_LIFETIME, expired
from bot.domain.geo import ArrivalStatus, format_distance, judge_arrival
from bot.domain.reasons import REASONS
from bot.domain.reminders import remind_allowed
from bot.i18n import format_number
from bot.services import SiagaContext
from handlers.apel.commands import set_draft_point
from handlers.apel.keys import REASON_INPUT, SOURCE, Action
from handlers.apel.render import (
    answer_rows,
    prompt_text,
    reason_rows,
    refresh_card,
    rollcall_name,
    status_lines,
)
from handlers.apel.service import (
    AnswerTap,
    ask_location,
    cards,
    close_rollcall,
    enqueue_answer_edits,
    plan_deadlines,
    send_reminders,
    sync_checks,
    write_answers,
)
from handlers.apel.taps import answer_toast
from handlers.common import is_private, markup_json, reply
from handlers.kit.reasons import until_rows
from handlers.kit.text import renderer
from storage import apel as store
from storage import audit, outbox, readiness, users
from storage.apel import RollCall, Target


async def _message_key(context: SiagaContext, rc: RollCall, person_id: int, src: str) -> str:
    """The outbox key of the message the person tapped: their prompt or one reminder."""
    if src != "p":
        key = str(MessageKey(rc.id, MessageKind.REMINDER, person_id, src))
        if await outbox.sent_message_id(context.services.db, key) is not None:
            return key
    return rc.prompt_key(person_id)


async def _tapped_rollcall(
    update: Update, context: SiagaContext
) -> tuple[CallbackQuery, callback_data.CallbackData, RollCall] | None:
    """The tap, its data and the roll call it names; a tap naming none is answered here."""
    query = update.callback_query
    if query is None:
        return None
    data = callback_data.decode(query.data)
    rc_id = data.int_arg(0) if data else None
    rc = await store.get(context.services.db, rc_id) if rc_id is not None else None
    if data is None or rc is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return None
    return query, data, rc


async def on_answer(update: Update, context: SiagaContext) -> None:
    tapped = await _tapped_rollcall(update, context)
    if tapped is None:
        return
    query, data, rc = tapped
    services = context.services
    actor = context.actor
    now = services.clock.now()
    person = actor.person
    target = await store.target(services.db, rc.id, person.id) if person else None
    if person is None or target is None or not target.called:
        await query.answer(context.label("rollcall-not-yours"), show_alert=True)
        return
    if not rc.accepts_answers(now):
        await query.answer(context.label("rollcall-closed", kind=rc.kind), show_alert=True)
        return
    src = data.args[1] if len(data.args) > 1 and SOURCE.match(data.args[1]) else "p"
    key = await _message_key(context, rc, person.id, src)
    lang = actor.language
    if data.action in (Action.ABSENT, Action.BACK):
        if data.action == Action.ABSENT:
            text = prompt_text(
                services,
                rc,
                lang,
                now,
                [renderer(services, lang).html("rollcall-pick-reason", kind=rc.kind)],
            )
            rows = reason_rows(services, rc, lang, src)
        else:
            text = prompt_text(
                services, rc, lang, now, status_lines(services, rc, target, lang, now)
            )
            rows = answer_rows(services, rc, lang, src)
            if rc.kind is RollCallKind.CEK and target.answer == Answer.NO:
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
        await query.answer(
            context.label("rollcall-pick-reason-short", kind=rc.kind)
            if data.action == Action.ABSENT
            else None
        )
        return
    if data.action == Action.PRESENT:
        await _record(update, context, rc, target, key, Answer.YES, None)
        return
    reason = data.args[2] if len(data.args) > 2 else None
    if data.action != Action.REASON or reason not in REASONS:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    await _record(update, context, rc, target, key, Answer.NO, reason)


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
    tap = AnswerTap(rc, target, key, actor.user_id, chat_id, lang, answer, reason)
    async with services.db.transaction() as tx:
        [(updated, ready)] = await write_answers(services, tx, [tap], now, stale_after)
        synced: list[int] = []
        if updated is not None:
            if ready:
                synced = await sync_checks(
                    services, tx, target.person_id, chat_id, lang, Answer.YES, now, skip=rc.id
                )
            elif (
                answer is Answer.NO
                and rc.kind is RollCallKind.CEK
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
                await ask_location(services, tx, rc, updated, chat_id, lang, now)
            await enqueue_answer_edits(services, tx, [(tap, updated)], now)
    if updated is None:
        await query.answer(context.label("rollcall-answer-same"))
        return
    cards(services).request_many(context.application, [rc.id, *synced])
    await query.answer(answer_toast(services, tap))


async def on_reason_text(
    update: Update, context: SiagaContext, argument: str, reason_text: str
) -> None:
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
    async with services.db.transaction() as tx:
        changed = await store.set_reason_text(tx, rc.id, person.id, reason_text, now)
        await users.set_pending_input(tx, actor.user_id, None, now)
        if changed and rc.kind is RollCallKind.CEK:
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
            if rc.kind is RollCallKind.CEK:
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
        if draft is not None and not expired(draft.created_at, now, APEL_DRAFT_LIFETIME):
            await set_draft_point(update, context, draft, location.latitude, location.longitude)
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
                    renderer(services, lang).html(
                        "rollcall-location-shared", name=rollcall_name(services, lang, rc)
                    )
                )
                continue
            # The same geofence as a call-out's arrival (a phone's stated accuracy included).
            verdict = judge_arrival(
                (rc.point.latitude, rc.point.longitude),
                rc.point.radius_m,
                (location.latitude, location.longitude),
                location.horizontal_accuracy,
            )
            meters = verdict.distance_m
            assert meters is not None  # measured: the roll call has a point
            inside = verdict.status is ArrivalStatus.VERIFIED
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
                renderer(services, lang).html(
                    "rollcall-location-inside" if inside else "rollcall-location-outside",
                    name=rollcall_name(services, lang, rc),
                    distance=format_distance(meters, lang),
                    radius=format_distance(rc.point.radius_m, lang),
                )
            )
    for rc in rollcalls:
        cards(services).request(context.application, rc.id)
    await message.reply_html("\n".join(lines), reply_markup=ReplyKeyboardRemove())
    return True


async def on_manage(update: Update, context: SiagaContext) -> None:
    tapped = await _tapped_rollcall(update, context)
    if tapped is None:
        return
    query, data, rc = tapped
    actor = context.actor
    if not (actor.is_admin or actor.user_id == rc.opened_by_user):
        await query.answer(context.label("rollcall-not-owner", kind=rc.kind), show_alert=True)
        return
    if not rc.is_open:
        await query.answer(context.label("rollcall-already-closed", kind=rc.kind), show_alert=True)
        return
    services = context.services
    now = services.clock.now()
    lang = actor.language
    if data.action == Action.REMIND:
        if not remind_allowed(rc.last_manual_reminder_at, now):
            await query.answer(context.label("rollcall-remind-too-soon"), show_alert=True)
            return
        async with services.db.transaction() as tx:
            sequence = await store.note_manual_reminder(tx, rc.id, now)
            count = await send_reminders(services, tx, rc, f"m{sequence}", now)
            await refresh_card(services, tx, rc)
        key = "rollcall-reminded" if count else "rollcall-reminded-none"
        await query.answer(
            context.label(key, count=format_number(count, lang)), show_alert=not count
        )
        return
    if data.action == Action.EXTEND:
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
        await query.answer(
            context.label("rollcall-extended", time=renderer(services, lang).when(closes_at, now))
        )
        return
    if data.action == Action.CLOSE:
        async with services.db.transaction() as tx:
            await close_rollcall(services, tx, rc.id, f"user:{actor.user_id}")
        await query.answer(context.label("rollcall-closed-now", kind=rc.kind))
        return
    await query.answer(context.label("button-invalid"), show_alert=True)
