"""The call-out's buttons: send/drop the order, answer an invitation, reasons, proxy answers,
remind, close, widen or accept a shortfall."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import CallbackQuery, Message, Update

from bot.domain import callback_data
from bot.domain.callout import (
    Answer,
    CalloutStatus,
    DraftStatus,
    InviteKey,
    InviteMessage,
    InviteState,
    Verdict,
    may_manage,
    order_from_json,
)
from bot.domain.drafts import CALLOUT_DRAFT_LIFETIME, DraftVerdict, judge_draft
from bot.domain.reasons import BUTTON_ROWS, REASONS
from bot.domain.refusal import Refusal
from bot.domain.reminders import remind_allowed
from bot.services import Services, SiagaContext
from handlers.callout.commands import (
    on_more,
    on_pick_category,
    on_pick_count,
    on_pick_field,
    on_pick_strategy,
)
from handlers.callout.confirm import edit_query_message
from handlers.callout.keys import REASON_INPUT, Action, action_of, button_data
from handlers.callout.order import plan_order
from handlers.callout.render import lang_of
from handlers.callout.service import (
    accept_shortfall,
    apply_answer,
    close_callout,
    launch,
    remind_open,
    widen_line,
)
from handlers.common import (
    inline_keyboard,
    is_private,
    reply,
)
from handlers.kit.actor import actor_name, audit_by
from handlers.kit.text import renderer
from storage import callouts as store
from storage import outbox, personnel, readiness, users
from storage.callouts import Callout, Invite
from storage.outbox import OutgoingMessage, Priority


async def on_callback(update: Update, context: SiagaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    data = callback_data.decode(query.data)
    action = action_of(data) if data else None
    handler = _ACTIONS.get(action) if action else None
    if data is None or handler is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    await handler(update, context, query, data)


async def _on_send(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    services = context.services
    actor = context.actor
    draft = await store.get_draft(services.db, data.int_arg(0) or 0)
    if draft is None:
        await query.answer(context.label("callout-draft-gone"), show_alert=True)
        return
    now = services.clock.now()
    verdict = judge_draft(
        owner_user_id=draft.user_id,
        actor_user_id=actor.user_id,
        is_open=draft.is_open,
        created_at=draft.created_at,
        now=now,
        lifetime=CALLOUT_DRAFT_LIFETIME,
    )
    if verdict is DraftVerdict.NOT_YOURS:
        await query.answer(context.label("callout-draft-not-yours"), show_alert=True)
        return
    if draft.status is DraftStatus.SENT:
        await query.answer(
            context.label("callout-already-sent", id=str(draft.callout_id or "?")),
            show_alert=True,
        )
        return
    if verdict is not DraftVerdict.USABLE:
        key = "callout-draft-expired" if verdict is DraftVerdict.EXPIRED else "callout-draft-gone"
        await query.answer(context.label(key), show_alert=True)
        return
    order = order_from_json(draft.spec)
    chat = update.effective_chat
    if chat is None or not order.lines or not order.location:
        await query.answer(context.label("callout-draft-gone"), show_alert=True)
        return
    async with services.db.transaction() as tx:
        # Planned again inside the transaction that invites: the numbers on the card may
        # have moved, and the pick must see every other order committed before it.
        plans = await plan_order(services, tx, actor, order, now)
        if isinstance(plans, Refusal) or not any(p.quota.quota > 0 for p in plans):
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
                orderer_name=actor_name(update, actor),
                chat_id=chat.id,
                chat_is_group=not is_private(update),
                now=now,
            )
    if failed:
        await query.answer(context.label("callout-nothing-to-send"), show_alert=True)
        return
    if callout_id is None:
        fresh = await store.get_draft(services.db, draft.id)
        await query.answer(
            context.label("callout-already-sent", id=str(fresh.callout_id if fresh else "?")),
            show_alert=True,
        )
        return
    await query.answer(context.label("callout-sent-short"))
    await edit_query_message(update, context.t("callout-sent", id=str(callout_id)))


async def _on_drop(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    services = context.services
    draft = await store.get_draft(services.db, data.int_arg(0) or 0)
    if draft is None or draft.user_id != context.actor.user_id:
        key = "callout-draft-gone" if draft is None else "callout-draft-not-yours"
        await query.answer(context.label(key), show_alert=True)
        return
    now = services.clock.now()
    async with services.db.transaction() as tx:
        closed = await store.close_draft(tx, draft.id, DraftStatus.DISCARDED, now)
        await users.set_pending_input(tx, context.actor.user_id, None, now)
    if not closed:
        if draft.status is DraftStatus.SENT:
            await query.answer(
                context.label("callout-already-sent", id=str(draft.callout_id or "?")),
                show_alert=True,
            )
        else:
            await query.answer(context.label("callout-draft-gone"))
        return
    await query.answer(context.label("callout-discarded-short"))
    await edit_query_message(update, context.t("callout-discarded"))


async def _invite_for_actor(
    query: CallbackQuery, context: SiagaContext, data: callback_data.CallbackData
) -> Invite | None:
    invite = await store.get_invite(context.services.db, data.int_arg(0) or 0)
    person = context.actor.person
    if invite is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return None
    if person is None or invite.person_id != person.id:
        # Forged or forwarded: an invite is answered by the person it was sent to.
        await query.answer(context.label("callout-not-yours"), show_alert=True)
        return None
    return invite


async def _on_answer(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    invite = await _invite_for_actor(query, context, data)
    if invite is None:
        return
    services = context.services
    answer = Answer.ACCEPT if data.action == Action.ACCEPT else Answer.DECLINE
    async with services.db.transaction() as tx:
        result = await apply_answer(
            services, tx, invite.id, answer, by_user_id=context.actor.user_id, proxy=False
        )
    if result is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    callout = result.callout
    verdict = result.verdict
    cid = str(callout.id)
    if verdict is Verdict.COUNT:
        # apply_answer queued the invitation's edit.
        await query.answer(context.label("callout-accepted-short"))
    elif verdict is Verdict.DECLINED:
        await query.answer(context.label("callout-declined-short"))
        await edit_query_message(
            update,
            context.t("callout-declined-ask", id=cid),
            _reason_keyboard(context, invite.id),
        )
    elif verdict is Verdict.LATE:
        await query.answer(context.label("callout-late-short"))
        await edit_query_message(update, context.t("callout-late", id=cid))
    elif verdict in _REFUSALS:
        key, alert = _REFUSALS[verdict]
        await query.answer(context.label(key), show_alert=alert)
    else:
        await query.answer(context.label("callout-closed-short"), show_alert=True)
        await edit_query_message(
            update,
            context.t(
                "callout-invite-cancelled"
                if callout.status is CalloutStatus.CANCELLED
                else "callout-invite-closed",
                id=cid,
                category=result.category,
            ),
        )


# Answers that change nothing, the same to the person and to a commander answering for them:
# the message key to answer the tap with, and whether it is an alert.
_REFUSALS = {
    Verdict.ALREADY_ACCEPTED: ("callout-already-accepted", True),
    Verdict.ALREADY_DECLINED: ("callout-already-declined", False),
    Verdict.BUSY: ("callout-busy", True),
}


def _reason_keyboard(context: SiagaContext, invite_id: int) -> Any:
    return inline_keyboard(
        [
            [
                (_reason_button(context, reason), button_data(Action.REASON, invite_id, reason))
                for reason in row
            ]
            for row in BUTTON_ROWS
        ]
    )


def _reason_button(context: SiagaContext, reason: str) -> str:
    return context.label("reason-button-" + reason.replace("_", "-"))


async def _on_reason(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    invite = await _invite_for_actor(query, context, data)
    if invite is None:
        return
    reason = data.text_arg(1)
    if reason not in REASONS or invite.state is not InviteState.DECLINED:
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
        await edit_query_message(update, context.t("callout-reason-ask-text"))
        return
    await _record_reason(services, invite, reason, None, now)
    await query.answer(context.label("callout-declined-short"))
    await edit_query_message(
        update,
        context.t(
            "callout-reason-recorded",
            id=str(invite.callout_id),
            reason=_reason_button(context, reason),
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
    """The free text after *Lainnya* on a declined invitation (`expects_reason_text`)."""
    services = context.services
    now = services.clock.now()
    invite = await store.get_invite(services.db, int(argument)) if argument.isdigit() else None
    person = context.actor.person
    if invite is None or person is None or invite.person_id != person.id:
        async with services.db.transaction() as tx:
            await users.set_pending_input(tx, context.actor.user_id, None, now)
        await reply(update, context, "callout-input-stale")
        return
    await _record_reason(services, invite, "lainnya", text, now)
    await reply(update, context, "callout-reason-recorded", id=str(invite.callout_id), reason=text)


async def _on_proxy(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    services = context.services
    actor = context.actor
    invite = await store.get_invite(services.db, data.int_arg(0) or 0)
    person = await personnel.by_id(services.db, invite.person_id) if invite else None
    if invite is None or person is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    if not actor.commands(person) or (actor.person is not None and actor.person.id == person.id):
        await query.answer(context.label("callout-proxy-not-yours"), show_alert=True)
        return
    answer = Answer.ACCEPT if data.action == Action.PROXY_ACCEPT else Answer.DECLINE
    now = services.clock.now()
    commander = actor_name(update, actor)
    async with services.db.transaction() as tx:
        result = await apply_answer(
            services, tx, invite.id, answer, by_user_id=actor.user_id, proxy=True
        )
        if result is not None and result.verdict in (Verdict.COUNT, Verdict.DECLINED):
            await audit_by(
                tx,
                actor,
                now,
                "callout.proxy_answer",
                subject=f"person:{person.id}",
                details={
                    "callout": invite.callout_id,
                    "invite": invite.id,
                    "answer": answer.value,
                },
            )
            lang = await lang_of(tx, services, invite.chat_id)
            key = (
                "callout-proxy-told-accept"
                if result.verdict is Verdict.COUNT
                else "callout-proxy-told-decline"
            )
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=invite.chat_id,
                    text=renderer(services, lang).html(
                        key,
                        id=str(invite.callout_id),
                        commander=commander,
                        location=result.callout.location,
                    ),
                    priority=Priority.CALLOUT,
                    dedup_key=str(InviteKey(InviteMessage.PROXY, invite.id)),
                    person_id=person.id,
                ),
                now,
            )
    if result is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    cid = str(result.callout.id)
    verdict = result.verdict
    if verdict is Verdict.COUNT:
        text = context.t("callout-proxy-done-accept", name=person.display_name, id=cid)
    elif verdict is Verdict.DECLINED:
        text = context.t("callout-proxy-done-decline", name=person.display_name, id=cid)
    elif verdict is Verdict.LATE:
        text = context.t("callout-proxy-done-late", name=person.display_name, id=cid)
    elif verdict in _REFUSALS:
        key, alert = _REFUSALS[verdict]
        await query.answer(context.label(key), show_alert=alert)
        return
    else:
        await query.answer(context.label("callout-closed-short"), show_alert=True)
        return
    await query.answer()
    await edit_query_message(update, text)


async def _managed_callout(
    query: CallbackQuery, context: SiagaContext, callout_id: int
) -> Callout | None:
    db = context.services.db
    callout = await store.get(db, callout_id)
    if callout is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return None
    if not may_manage(
        context.actor, callout.ordered_by_user_id, await store.lines(db, callout.id)
    ):
        await query.answer(context.label("callout-manage-not-yours"), show_alert=True)
        return None
    if not callout.is_active:
        await query.answer(
            context.label("callout-already-closed", id=str(callout.id)), show_alert=True
        )
        return None
    return callout


async def _on_remind(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    callout = await _managed_callout(query, context, data.int_arg(0) or 0)
    if callout is None:
        return
    services = context.services
    now = services.clock.now()
    if not remind_allowed(callout.last_reminder_at, now):
        await query.answer(context.label("callout-remind-wait"), show_alert=True)
        return
    async with services.db.transaction() as tx:
        current = await store.get(tx, callout.id)
        count = await remind_open(services, tx, current) if current and current.is_active else 0
    key = "callout-reminded" if count else "callout-remind-none"
    await query.answer(context.label(key, count=count), show_alert=True)


async def _on_close_ask(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    callout = await _managed_callout(query, context, data.int_arg(0) or 0)
    if callout is None:
        return
    complete = data.action == Action.COMPLETE
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    yes = (
        ("callout-yes-complete", Action.COMPLETE_YES)
        if complete
        else ("callout-yes-cancel", Action.CANCEL_YES)
    )
    await message.reply_html(
        context.t(
            "callout-confirm-complete" if complete else "callout-confirm-cancel",
            id=str(callout.id),
        ),
        reply_markup=inline_keyboard(
            [
                [
                    (context.label(yes[0]), button_data(yes[1], callout.id)),
                    (context.label("callout-no"), button_data(Action.KEEP, callout.id)),
                ]
            ]
        ),
    )


async def _on_close(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    callout = await _managed_callout(query, context, data.int_arg(0) or 0)
    if callout is None:
        await edit_query_message(
            update, context.t("callout-already-closed", id=str(data.int_arg(0)))
        )
        return
    services = context.services
    status = (
        CalloutStatus.COMPLETED if data.action == Action.COMPLETE_YES else CalloutStatus.CANCELLED
    )
    async with services.db.transaction() as tx:
        closed = await close_callout(services, tx, callout.id, status, context.actor)
    cid = str(callout.id)
    if not closed:
        await query.answer(context.label("callout-already-closed", id=cid), show_alert=True)
        return
    key = "callout-completed" if status is CalloutStatus.COMPLETED else "callout-cancelled"
    await query.answer(context.label(key, id=cid))
    await edit_query_message(update, context.t(key, id=cid))


async def _on_keep(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    await query.answer()
    await edit_query_message(update, context.t("callout-kept"))


async def _on_short(
    update: Update, context: SiagaContext, query: CallbackQuery, data: callback_data.CallbackData
) -> None:
    services = context.services
    line = await store.get_line(services.db, data.int_arg(0) or 0)
    # A line that is gone has no call-out (there is no call-out 0): answered as invalid.
    callout = await _managed_callout(query, context, line.callout_id if line else 0)
    if line is None or callout is None:
        return
    async with services.db.transaction() as tx:
        if data.action == Action.WIDEN:
            key, args = await widen_line(services, tx, line.id, context.actor)
        else:
            key, args = await accept_shortfall(services, tx, line.id, context.actor)
    await query.answer(context.label(key, **args), show_alert=key != "callout-short-widened")


_ACTIONS = {
    Action.SEND: _on_send,
    Action.PLAN: on_pick_strategy,
    Action.DROP: _on_drop,
    Action.CATEGORY: on_pick_category,
    Action.COUNT: on_pick_count,
    Action.MORE: on_more,
    Action.FIELD: on_pick_field,
    Action.ACCEPT: _on_answer,
    Action.DECLINE: _on_answer,
    Action.REASON: _on_reason,
    Action.PROXY_ACCEPT: _on_proxy,
    Action.PROXY_DECLINE: _on_proxy,
    Action.REMIND: _on_remind,
    Action.COMPLETE: _on_close_ask,
    Action.CANCEL: _on_close_ask,
    Action.COMPLETE_YES: _on_close,
    Action.CANCEL_YES: _on_close,
    Action.KEEP: _on_keep,
    Action.WIDEN: _on_short,
    Action.SHORT_OK: _on_short,
}
