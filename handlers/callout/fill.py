"""Keeping every line at its shortfall: invitations, the silent invitee's replacement at the
deadline, reminders, no-answer reports to the own commanders, the unreachable, the card tick."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.domain.callout import (
    OPEN_STATES,
    Candidate,
    InviteKey,
    InviteMessage,
    InviteState,
    LineTally,
    Preference,
    Strategy,
    TimeoutAction,
    judge_timeout,
    no_answer_recipients,
    plan_fill,
    plan_widening,
    rank_candidates,
    should_report_short,
)
from bot.domain.fill import (
    HORIZON_MEDIANS,
    PRIOR,
    FillDecision,
    LineState,
    LiveInvite,
    PastInvite,
    ResponseModel,
    person_models,
    plan_line,
    tonight,
)
from bot.services import Services
from handlers.callout.keys import (
    INVITE_DEADLINE,
    TICK_DEADLINE,
    TICK_FILL,
    TICK_IDLE,
    Action,
    button_data,
)
from handlers.callout.order import reserve_of
from handlers.callout.render import invite_markup, lang_of, refresh_card, render_invite
from handlers.common import (
    Button,
    markup_json,
)
from handlers.kit.card import PROGRESS_EVERY, next_tick
from handlers.kit.text import renderer
from storage import callouts as store
from storage import deadlines, outbox, personnel
from storage.callouts import Callout, Invite, Line
from storage.db import Transaction
from storage.deadlines import Deadline, DeadlineState
from storage.outbox import OutgoingMessage, Priority, RowState
from storage.personnel import Person


async def _invite(
    services: Services,
    tx: Transaction,
    callout: Callout,
    line: Line,
    person_id: int,
    chat_id: int,
    now: datetime,
) -> int:
    invite_id, message_key = await store.open_invite(tx, line, person_id, chat_id, now)
    lang = await lang_of(tx, services, chat_id)
    await outbox.enqueue(
        tx,
        OutgoingMessage(
            chat_id=chat_id,
            text=render_invite(
                services, lang, callout, line, answer_by=now + callout.invite_timeout
            ),
            priority=Priority.CALLOUT,
            dedup_key=message_key,
            reply_markup=invite_markup(services, lang, invite_id),
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
    """Bring one line toward its quota as the call-out's strategy says (bot.domain.fill), stand
    the surplus down when the quota is met, tell the commander when nobody is left to invite.
    Called at every answer, decline, timeout and (Cepat) tick: it re-evaluates from the rows,
    so a restart replays nothing."""
    callout = await store.get(tx, callout_id)
    line = await store.get_line(tx, line_id)
    if callout is None or line is None or not callout.is_active:
        return
    now = services.clock.now()
    tally = (await store.tallies(tx, callout.id)).get(line.id, LineTally(quota=line.quota))
    # Tepat needs nobody new after most answers: look for candidates only when someone is
    # missing. Cepat and Semua may invite more while the line is open.
    found = []
    if not tally.filled and (
        callout.strategy is not Strategy.TEPAT or plan_fill(tally, tally.quota).invite > 0
    ):
        found = await store.candidates(tx, line.category, callout.id, line.units)
    # Whom the fairness order puts first matters only when not everyone found is invited;
    # Cepat also counts the open invitations and the next in line by their own histories.
    evidence: list[PastInvite] = []
    live: list[LiveInvite] = []
    if found and callout.strategy is Strategy.CEPAT:
        live = await store.live_invites(tx, line.id)
    if found and callout.strategy is not Strategy.SEMUA:
        open_people = [invite.person_id for invite in live if invite.answered is None]
        evidence = await _evidence(tx, [*(c.person_id for c in found), *open_people])
    model = callout.fill_model or PRIOR
    # Each person's own model against the call-out's, read once for the order and the plan.
    known = person_models(evidence, model)
    stale_after = await services.stale_after(tx)
    ranked = rank_candidates(found, now, stale_after, _preference(model, known))
    plan = _plan(callout.strategy, model, known, tally, ranked, live, evidence, now)
    if plan.stand_down:
        await store.mark_filled(tx, line.id, now)
        freed = await _stand_down_line(services, tx, callout, line, now)
        await _update_short_notice(services, tx, callout, line, tally, 0)
        if freed:
            await offer_freed(services, tx, [line.category], besides=callout.id)
        return
    invited = ranked[: plan.invite]
    for candidate in invited:
        await _invite(services, tx, callout, line, candidate.person_id, candidate.chat_id, now)
    if invited:
        await arm_tick(tx, callout, now, PROGRESS_EVERY)
    elif found and callout.strategy is Strategy.CEPAT:
        await arm_tick(tx, callout, now, TICK_FILL)
    await _update_short_notice(services, tx, callout, line, tally, plan.short_by)


async def _evidence(tx: Transaction, person_ids: Sequence[int]) -> list[PastInvite]:
    """These people's earlier invitations (a seam: the learning bench measures without it)."""
    return await store.person_evidence(tx, person_ids)


def _plan(
    strategy: Strategy,
    model: ResponseModel,
    known: Mapping[int, ResponseModel],
    tally: LineTally,
    ranked: Sequence[Candidate],
    live: Sequence[LiveInvite],
    evidence: Sequence[PastInvite],
    now: datetime,
) -> FillDecision:
    """The strategy's decision for one line, with tonight's evidence when it is Cepat
    (`known`: each person's model against the call-out's `model`)."""
    open_invites: list[LiveInvite] = []
    people: dict[int, ResponseModel] = {}
    upcoming: list[ResponseModel | None] = []
    if strategy is Strategy.CEPAT and ranked and not tally.filled:
        model = tonight(model, live, now, known)
        open_invites = [invite for invite in live if invite.answered is None]
        people = person_models(evidence, model)
        upcoming = [people.get(c.person_id) for c in ranked]
    state = LineState(
        quota=tally.quota,
        accepted=tally.accepted,
        pending=tally.pending,
        called=tally.called,
        open=open_invites,
    )
    return plan_line(strategy, state, len(ranked), model, now, people, upcoming)


def _preference(model: ResponseModel, known: Mapping[int, ResponseModel]) -> Preference | None:
    """Each candidate's chance of a yes within Cepat's horizon, from their own model (their
    earlier invitations, bot.domain.fill.person_models) against the call-out's."""
    if not known:
        return None
    horizon = HORIZON_MEDIANS * model.median_s
    return Preference(
        {person_id: own.yes_within(0.0, horizon) for person_id, own in known.items()},
        model.yes_within(0.0, horizon),
    )


async def fill_all(services: Services, tx: Transaction, callout_id: int) -> None:
    for line in await store.lines(tx, callout_id):
        await fill_line(services, tx, callout_id, line.id)


async def arm_tick(tx: Transaction, callout: Callout, now: datetime, delay: timedelta) -> None:
    current = await deadlines.get(tx, TICK_DEADLINE, callout.id)
    due = now + delay
    if current is not None and current.state is DeadlineState.PENDING and current.due_at <= due:
        return
    await deadlines.schedule(tx, TICK_DEADLINE, callout.id, due)


async def edit_invite_messages(
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
    keys = invite.message_keys + [invite.reminder_key(n) for n in range(1, invite.reminders + 1)]
    for key in keys:
        state = await outbox.row_state(tx, key)
        if state is None or state.state in (RowState.FAILED, RowState.CANCELLED):
            continue
        if state.state is RowState.PENDING and not services.delivery.sending(state.id):
            await outbox.cancel(tx, key)
            continue
        # Sent, or on its way: the person may tap it before the send is recorded (their tap
        # can overtake the drainer's write). The edit waits until the row says sent.
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
) -> int:
    """The quota is met: every open invite is stood down, every silent one told so too.
    How many were stood down (their people are free for another call-out)."""
    freed = 0
    for invite in await store.invites(
        tx, callout.id, line_id=line.id, states=[*OPEN_STATES, InviteState.NO_ANSWER]
    ):
        if invite.state in OPEN_STATES:
            if not await store.transition(tx, invite.id, OPEN_STATES, InviteState.STOOD_DOWN, now):
                continue
            await deadlines.cancel(tx, INVITE_DEADLINE, invite.id)
            freed += 1
        lang = await lang_of(tx, services, invite.chat_id)
        text = renderer(services, lang).html(
            "callout-invite-stood-down", id=str(callout.id), category=line.category
        )
        await edit_invite_messages(services, tx, invite, text, now)
    return freed


async def offer_freed(
    services: Services, tx: Transaction, categories: Iterable[str], *, besides: int | None = None
) -> None:
    """People of these categories are free to be invited again: let go by a call-out (a filled
    line's surplus, or everyone when it closes: `besides` is that call-out), or just SIAP or
    reachable again. Every live call-out's line of their category not yet filled looks again,
    oldest order first, in its own fairness order and strategy. Nothing else would wake a line
    whose own people are all answered or who had none left to call: it would stay "short,
    nobody left to call" beside a roomful of SIAP people. A filled line is marked before this
    runs, and a closed call-out is no longer live, so neither is refilled from here."""
    lines = await store.unfilled_lines(tx, categories, besides=besides)
    for line in lines:
        await fill_line(services, tx, line.callout_id, line.id)
    for callout_id in dict.fromkeys(line.callout_id for line in lines):
        await refresh_card(services, tx, callout_id)


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
            await settle_short_notice(
                services, tx, callout, line, now, "callout-short-resolved", category=line.category
            )
        await store.set_short_reported(tx, line.id, 0)
        return
    if not exists and not should_report_short(short_by, line.short_reported, False):
        return
    reserve = await reserve_of(tx, line.category)
    widening = plan_widening(short_by, reserve, line.category)
    text = renderer(services, lang).html(
        "callout-short",
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
                renderer(services, lang).text("callout-short-widen", reserve=widening.reserve),
                button_data(Action.WIDEN, line.id),
            )
        )
    else:
        text += "\n" + renderer(services, lang).html("callout-short-no-reserve")
    buttons.append(
        (
            renderer(services, lang).text("callout-short-accept"),
            button_data(Action.SHORT_OK, line.id),
        )
    )
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


async def settle_short_notice(
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
        text=renderer(services, callout.language).html(key, id=str(callout.id), **args),
        reply_markup=None,
        now=now,
    )


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
                    text=renderer(
                        services, await lang_of(tx, services, callout.ordered_by_user_id)
                    ).html("callout-deactivated", id=str(callout.id), name=person.display_name),
                    priority=Priority.REMINDER,
                    dedup_key=invite.deactivated_key,
                ),
                now,
            )
        return
    if action is TimeoutAction.REMIND:
        if not await store.transition(
            tx, invite.id, [InviteState.PENDING], InviteState.TIMED_OUT, now
        ):
            return
        await send_reminder(services, tx, callout, line, invite, now)
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


async def send_reminder(
    services: Services,
    tx: Transaction,
    callout: Callout,
    line: Line,
    invite: Invite,
    now: datetime,
) -> None:
    number = await store.bump_reminders(tx, invite.id)
    lang = await lang_of(tx, services, invite.chat_id)
    await outbox.enqueue(
        tx,
        OutgoingMessage(
            chat_id=invite.chat_id,
            text=render_invite(
                services, lang, callout, line, reminder_until=now + callout.invite_timeout
            ),
            priority=Priority.REMINDER,
            dedup_key=invite.reminder_key(number),
            reply_markup=invite_markup(services, lang, invite.id),
            person_id=invite.person_id,
            batch_id=callout.batch_id,
        ),
        now,
    )


async def _own_commanders(tx: Transaction, person: Person) -> list[Person]:
    """The commanders a silent person's no-answer goes to (`no_answer_recipients`)."""
    covering = [
        (commander, (await personnel.command_scope(tx, commander.id)).units)
        for commander in await personnel.commanders_covering(tx, person)
        if commander.id != person.id and commander.telegram_user_id is not None
    ]
    return no_answer_recipients(person.unit, covering)


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
        lang = await lang_of(tx, services, chat_id)
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                chat_id=chat_id,
                text=renderer(services, lang).html(
                    "callout-noanswer-report",
                    id=str(callout.id),
                    category=line.category,
                    name=person.display_name,
                    unit=person.unit,
                    location=callout.location,
                ),
                priority=Priority.REMINDER,
                dedup_key=str(InviteKey(InviteMessage.NO_ANSWER, invite.id, (str(chat_id),))),
                reply_markup=markup_json(
                    [
                        [
                            (
                                renderer(services, lang).text("callout-proxy-accept"),
                                button_data(Action.PROXY_ACCEPT, invite.id),
                            ),
                            (
                                renderer(services, lang).text("callout-proxy-decline"),
                                button_data(Action.PROXY_DECLINE, invite.id),
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
    # Every line not yet filled looks again, whatever its strategy: someone may have become
    # invitable without a word to this process (a roster import run beside the bot that
    # reactivated them or moved them into the category; a wake lost to a crash). Cepat's line
    # also because silence lowers everyone's chance as time passes.
    for line in await store.lines(tx, callout.id):
        if line.filled_at is None:
            await fill_line(services, tx, callout.id, line.id)
    await refresh_card(services, tx, callout.id)
    # Once sent, the card still shows the time since the order: an idle tick a minute.
    due = await next_tick(tx, callout.batch_id, now, idle=TICK_IDLE)
    assert due is not None
    if callout.strategy is Strategy.CEPAT and await _waiting_lines(tx, callout.id):
        due = min(due, now + TICK_FILL)
    await deadlines.schedule(tx, TICK_DEADLINE, callout.id, due)


async def _waiting_lines(tx: Transaction, callout_id: int) -> bool:
    """A line short of its quota with invitations still open: its silence is worth a look."""
    tallies = await store.tallies(tx, callout_id)
    return any(not t.filled and t.waiting > 0 for t in tallies.values())


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
            await mark_unreachable(services, tx, invite_id, "blocked")

    return on_unreachable
