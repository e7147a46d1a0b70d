"""The call-out's transactions, Telegram-free: plan, launch, answer, widen, close."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.callout import (
    OPEN_STATES,
    Answer,
    CalloutStatus,
    DraftStatus,
    InviteKey,
    InviteMessage,
    InviteState,
    LineTally,
    Order,
    Strategy,
    Verdict,
    judge_answer,
    order_to_json,
    plan_fill,
    plan_widening,
)
from bot.domain.readiness import State
from bot.services import Actor, Services
from handlers.callout.fill import (
    arm_tick,
    edit_invite_messages,
    fill_all,
    fill_line,
    offer_freed,
    send_reminder,
    settle_short_notice,
)
from handlers.callout.keys import INVITE_DEADLINE, TICK_DEADLINE
from handlers.callout.order import LinePlan, order_model, reach_of, reserve_of, strategy_of
from handlers.callout.render import (
    REMOVE_KEYBOARD,
    arrival_keyboard,
    lang_of,
    refresh_card,
    render_card,
    timeout_of,
)
from handlers.kit.actor import audit_by
from handlers.kit.card import PROGRESS_EVERY
from handlers.kit.text import renderer
from storage import audit, deadlines, outbox, personnel, readiness
from storage import callouts as store
from storage.callouts import Callout, Line
from storage.db import Transaction
from storage.outbox import OutgoingMessage, Priority


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
    if not await store.close_draft(tx, draft_id, DraftStatus.SENT, now):
        return None
    strategy = strategy_of(services, order)
    callout_id = await store.create(
        tx,
        draft_id=draft_id,
        order=order,
        radius_m=services.settings.arrival_radius_m,
        ordered_by_user_id=actor.user_id,
        ordered_by_person_id=actor.person.id if actor.person else None,
        ordered_by_name=orderer_name,
        ordered_by_position=actor.person.position if actor.person else None,
        chat_id=chat_id,
        chat_is_group=chat_is_group,
        language=actor.language,
        invite_timeout=timeout_of(services, order),
        now=now,
        strategy=strategy,
        # Learned once, at the order: every later evaluation of this call-out (after a
        # restart too) starts from the same model and adds tonight's rows.
        fill_model=await order_model(tx) if strategy is Strategy.CEPAT else None,
    )
    await store.set_draft_callout(tx, draft_id, callout_id)
    title = renderer(services, actor.language).text(
        "callout-batch-title",
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
    await arm_tick(tx, callout, now, PROGRESS_EVERY)
    await audit_by(
        tx,
        actor,
        now,
        "callout.ordered",
        subject=f"callout:{callout_id}",
        details={
            "order": order_to_json(order),
            "quotas": {p.line.category: p.quota.quota for p in plans},
            "strategy": strategy.value,
            "chat_id": chat_id,
        },
    )
    return callout_id


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
        lang = await lang_of(tx, services, invite.chat_id)
        # The toast (or the commander's word) has told them already: the invitation's edit
        # and the arrival prompt queue behind the invitations still owed to others, which
        # share Telegram's 30 a second with them (an everyone call-out took 4x N/30).
        accepted = renderer(services, lang).html(
            "callout-accepted", id=str(callout.id), location=callout.location
        )
        await edit_invite_messages(services, tx, invite, accepted, now, priority=Priority.REMINDER)
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                chat_id=invite.chat_id,
                text=renderer(services, lang).html(
                    "callout-arrival-prompt", id=str(callout.id), location=callout.location
                ),
                priority=Priority.REMINDER,
                dedup_key=str(InviteKey(InviteMessage.ARRIVAL, invite.id)),
                reply_markup=arrival_keyboard(services, lang),
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
    lang = await lang_of(tx, services, invite.chat_id)
    await outbox.enqueue_edit(
        tx,
        target_key=invite.message_key,
        chat_id=invite.chat_id,
        text=renderer(services, lang).html(
            "callout-declined-not-ready", id=str(result.callout.id)
        ),
        reply_markup=None,
        now=services.clock.now(),
        priority=Priority.CALLOUT,
    )
    return result.callout.id


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
        lang = await lang_of(tx, services, invite.chat_id)
        await deadlines.cancel(tx, INVITE_DEADLINE, invite.id)
        if invite.state in OPEN_STATES:
            target = InviteState.CANCELLED if cancelled else InviteState.STOOD_DOWN
            await store.transition(tx, invite.id, OPEN_STATES, target, now)
            key = "callout-invite-cancelled" if cancelled else "callout-invite-closed"
            text = renderer(services, lang).html(key, id=str(callout.id), category=category)
            await edit_invite_messages(services, tx, invite, text, now)
        elif invite.state is InviteState.NO_ANSWER:
            text = renderer(services, lang).html(
                "callout-invite-closed", id=str(callout.id), category=category
            )
            await edit_invite_messages(services, tx, invite, text, now)
        elif invite.state is InviteState.ACCEPTED and invite.released_at is None:
            await store.release(tx, invite.id, now)
            await readiness.release_deployed(tx, invite.person_id, callout.id, now)
            key = "callout-cancelled-person" if cancelled else "callout-released"
            # Withdraw an arrival prompt not yet sent; the message below clears its keyboard.
            await outbox.cancel(tx, str(InviteKey(InviteMessage.ARRIVAL, invite.id)))
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=invite.chat_id,
                    text=renderer(services, lang).html(key, id=str(callout.id)),
                    priority=Priority.CALLOUT,
                    dedup_key=str(InviteKey(InviteMessage.STAND_DOWN, invite.id)),
                    reply_markup=REMOVE_KEYBOARD,
                    person_id=invite.person_id,
                ),
                now,
            )
    for line in lines.values():
        if line.short_reported > 0 and await outbox.row_state(tx, line.short_key) is not None:
            await settle_short_notice(services, tx, callout, line, now, "callout-already-closed")
    await deadlines.cancel(tx, TICK_DEADLINE, callout.id)
    await refresh_card(services, tx, callout.id)
    await offer_freed(services, tx, [line.category for line in lines.values()], besides=callout.id)
    await audit_by(
        tx,
        by,
        now,
        "callout.cancelled" if cancelled else "callout.completed",
        subject=f"callout:{callout.id}",
    )
    return True


async def offer_ready(services: Services, tx: Transaction, categories: Collection[str]) -> None:
    """Someone of these categories just became SIAP or reachable again (their own word, a
    roll call's Hadir, the bot unblocked): a live call-out's line of their category still
    short invites them now, instead of waiting for an invitation another call-out frees."""
    if categories:
        await offer_freed(services, tx, categories)


def reachable_hook(services: Services) -> Callable[[list[int]], Awaitable[None]]:
    """The delivery engine got a message through to chats it had marked unreachable (someone
    unblocked the bot without a word to it): their short lines invite them now."""

    async def on_reachable(chat_ids: list[int]) -> None:
        async with services.db.transaction() as tx:
            people = await personnel.active_senders(tx, chat_ids)
            await offer_ready(services, tx, {p.person.category_code for p in people.values()})

    return on_reachable


async def remind_open(services: Services, tx: Transaction, callout: Callout) -> int:
    """Ingatkan: a reminder to everyone who has not answered yet."""
    now = services.clock.now()
    lines = {line.id: line for line in await store.lines(tx, callout.id)}
    count = 0
    for invite in await store.invites(tx, callout.id, states=OPEN_STATES):
        line = lines.get(invite.line_id)
        if line is None:
            continue
        await send_reminder(services, tx, callout, line, invite, now)
        count += 1
    await store.touch_reminder(tx, callout.id, now)
    return count


_TapAnswer = tuple[str, dict[str, str | int]]


async def _active_line(tx: Transaction, line_id: int) -> tuple[Line, Callout] | _TapAnswer:
    """A line and its call-out, or the answer to a tap on a line that is gone or closed."""
    line = await store.get_line(tx, line_id)
    callout = await store.get(tx, line.callout_id) if line else None
    if line is None or callout is None:
        return "button-invalid", {}
    if not callout.is_active:
        closed: _TapAnswer = ("callout-already-closed", {"id": str(callout.id)})
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
    widening = plan_widening(short_by, await reserve_of(tx, line.category), line.category)
    if widening is None:
        return "callout-short-nothing", {}
    reach = reach_of(actor, widening.reserve)
    if reach is None:
        return "callout-short-out-of-scope", {"reserve": widening.reserve}
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
    await settle_short_notice(
        services,
        tx,
        callout,
        line,
        now,
        "callout-short-widened",
        category=line.category,
        reserve=widening.reserve,
        amount=widening.amount,
    )
    await store.next_short_round(tx, line.id)
    await fill_line(services, tx, callout.id, target_id)
    await fill_line(services, tx, callout.id, line.id)
    await refresh_card(services, tx, callout.id)
    await audit_by(
        tx,
        actor,
        now,
        "callout.widened",
        subject=f"callout:{callout.id}",
        details={"from": line.category, "to": widening.reserve, "amount": widening.amount},
    )
    return "callout-short-widened", {
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
        await settle_short_notice(
            services,
            tx,
            callout,
            line,
            now,
            "callout-short-accepted",
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
    return "callout-short-accepted", {
        "id": str(callout.id),
        "category": line.category,
        "short": short,
    }
