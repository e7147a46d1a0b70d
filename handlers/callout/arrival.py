"""Arrival: a shared location checked against the call-out's site."""

from __future__ import annotations

from datetime import datetime

from telegram import ReplyKeyboardRemove, Update

from bot.domain.callout import draft_expired
from bot.domain.geo import ArrivalStatus, format_distance, judge_arrival
from bot.services import SiagaContext
from handlers.callout.render import refresh_card
from handlers.common import (
    is_private,
    reply,
)
from storage import callouts as store
from storage.callouts import Invite


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
                "callout-site-saved",
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
        await reply(update, context, "callout-arrival-forwarded")
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
    lang = context.actor.language
    cid = str(callout.id)
    if verdict.status is ArrivalStatus.OUTSIDE:
        await reply(
            update,
            context,
            "callout-arrival-outside",
            distance=format_distance(verdict.distance_m or 0.0, lang),
            radius=format_distance(radius, lang),
        )
    elif verdict.status is ArrivalStatus.VERIFIED:
        await reply(
            update,
            context,
            "callout-arrived-verified",
            id=cid,
            distance=format_distance(verdict.distance_m or 0.0, lang),
            reply_markup=ReplyKeyboardRemove(),
        )
    else:
        await reply(
            update,
            context,
            "callout-arrived-reported",
            id=cid,
            reply_markup=ReplyKeyboardRemove(),
        )
