"""Command groups (posko): registration, settings, the broadcast schedule, and jam rawan.

- `/posko [scope]` in a group, by a commander (or admin), registers it for the scope, within
  the commander's own; again with another scope re-scopes it; `/posko` alone in a registered
  group shows its settings with buttons (pinned message or new messages, chart, stop).
- The bot leaving or being removed (`my_chat_member`) unregisters the group; so does a 403
  from Telegram (the group was deleted, or the bot lost the right to post), and an admin is
  told.
- The schedule is one deadline row per group (`posko.broadcast`), re-armed by its own
  handler for the next slot: every `broadcast_interval_minutes`, every
  `jam_rawan_interval_minutes` during jam rawan. The slot is claimed in the same transaction
  that writes the message, so a restart or a catch-up never sends a slot twice.
- Pinned mode: one status message per group, edited in place through the outbox (which paces
  edits to the group limit); it is pinned once it has been sent.
- Jam rawan begins by the switch (`/jamrawan on`) or when a configured window opens (one
  deadline row, `jamrawan.window`, armed for the next opening at start, when the windows
  change and each time it fires). Either way `jam_rawan_began` asks at once those whose SIAP
  is stale by the shorter measure.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from enum import StrEnum

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.domain import callback_data
from bot.domain.status import (
    StatusScope,
    WindowError,
    format_windows,
    interval_for,
    jam_rawan_active,
    next_window_start,
    parse_windows,
    plan_broadcast,
    safe_windows,
    slot_key,
    slot_start,
)
from bot.i18n import fits_caption
from bot.reports.charts import chart_digest
from bot.services import PartKey, Services, SiagaApp, SiagaContext
from handlers.common import command_args, inline_keyboard, is_private, reply
from handlers.kit.actor import audit_by
from handlers.kit.scope import actor_scope, outside_of, refusal_args, scope_label
from handlers.status import (
    build_status,
    draw_chart,
    drawn_chart,
    parse_typed_scope,
    queue_chart_if_changed,
)
from storage import audit, deadlines, groups, inbox, outbox, personnel, readiness, users
from storage.db import Transaction
from storage.deadlines import Deadline, DeadlineState
from storage.groups import CommandGroup
from storage.outbox import OutgoingMessage, Priority, RowState

log = logging.getLogger(__name__)

BROADCAST_KIND = "posko.broadcast"
# One row: the next moment a configured jam rawan window opens.
WINDOW_KIND = "jamrawan.window"
WINDOW_REF = "next"
# Handler group for my_chat_member: apart from group 0 so that a private-chat membership
# handler elsewhere (blocking, unblocking) and this one both see their updates.
MEMBERSHIP_GROUP = 1
# How long to wait for a new pinned-mode status message to go out before pinning it.
PIN_WAIT_SECONDS = 120.0


class Setting(StrEnum):
    """A posko setting, changed by a button on the settings card or by `/posko <word>`."""

    PIN = "pin"
    NEW = "new"
    CHART_ON = "chart1"
    CHART_OFF = "chart0"
    STOP = "stop"


class JamRawan(StrEnum):
    """The commander's jam rawan switch (`/jamrawan`'s button)."""

    ON = "on"
    OFF = "off"


POSKO_BUTTONS = callback_data.Buttons("posko", Setting)
JAM_RAWAN_BUTTONS = callback_data.Buttons("jr", JamRawan)

# `/posko <word>`: a setting, or "chart" whose on/off word follows.
_SETTING_WORDS: dict[str, Setting | str] = {
    "sematkan": Setting.PIN,
    "pin": Setting.PIN,
    "tersemat": Setting.PIN,
    "baru": Setting.NEW,
    "new": Setting.NEW,
    "berhenti": Setting.STOP,
    "stop": Setting.STOP,
    "hapus": Setting.STOP,
    "grafik": "chart",
    "chart": "chart",
}
_ON = {"on", "ya", "nyala", "aktif", "yes", "1"}
_OFF = {"off", "tidak", "mati", "nonaktif", "no", "0"}


# -- composing and queueing a broadcast --------------------------------------------------------


async def publish(
    services: Services,
    tx: Transaction,
    group: CommandGroup,
    now: datetime,
    *,
    force: bool = False,
) -> bool:
    """Queue this slot's status for a group; False when the slot was sent already.

    A group takes 20 messages a minute and reads them on a phone: one message per broadcast.
    New-message mode sends the chart with the status as its caption when the status fits
    (1,024 characters); when it does not, the status goes as text and the chart only when it
    shows something other than the group's last one. Pinned mode edits its one message and
    adds the chart on the normal-interval slots, again only when it changed.

    `force` starts a new pinned status message even if this slot was broadcast already (the
    group switched to pinned mode and has no status message to take up again); it posts the
    status alone.
    """
    settings = services.settings
    values = await groups.effective_values(tx, settings)
    switch = await groups.jam_rawan(tx)
    rawan = jam_rawan_active(values, now, switch.manual_on)
    interval = interval_for(
        rawan, settings.broadcast_interval_minutes, settings.jam_rawan_interval_minutes
    )
    slot = slot_start(now, interval, settings.zone)
    if not await groups.claim_slot(tx, group.chat_id, slot) and not force:
        return False
    view = await build_status(
        services, tx, group.language, group.scope, now, chat_id=group.chat_id
    )
    key = slot_key(group.chat_id, slot)
    with_chart = group.chart and bool(view.counts)
    if group.pinned:
        await _pinned_status(services, tx, group, view.text, key, now, new=force)
        # The chart comes with the normal-interval slots only, so a dense jam rawan schedule
        # edits one message instead of filling the group with pictures.
        normal = interval_for(
            False, settings.broadcast_interval_minutes, settings.jam_rawan_interval_minutes
        )
        if with_chart and not force and slot == slot_start(now, normal, settings.zone):
            await queue_chart_if_changed(services, tx, group, view, f"{key}:chart", now)
        return True
    chart = drawn_chart(services, group.language, view) if with_chart else None
    if chart is not None and fits_caption(view.text):
        await outbox.enqueue_photo(
            tx, chat_id=group.chat_id, png=chart.png, caption=view.text, dedup_key=key, now=now
        )
        await groups.set_chart_digest(tx, group.chat_id, chart_digest(chart.bars))
        return True
    await outbox.enqueue(
        tx, OutgoingMessage(group.chat_id, view.text, Priority.BROADCAST, key), now
    )
    if with_chart:
        await queue_chart_if_changed(services, tx, group, view, f"{key}:chart", now)
    return True


async def _pinned_status(
    services: Services,
    tx: Transaction,
    group: CommandGroup,
    text: str,
    key: str,
    now: datetime,
    *,
    new: bool,
) -> None:
    """Edit the group's status message; post (and pin) a new one when there is none that can
    be edited, or when `new` and there is none at all."""
    target = group.status_key
    if target is not None and await _still_editable(tx, target):
        await outbox.enqueue_edit(
            tx,
            target_key=target,
            chat_id=group.chat_id,
            text=text,
            reply_markup=None,
            now=now,
            priority=Priority.BROADCAST,
        )
        if group.pin_state != "no" or not new:
            return
        # Taken up again after a switch: pin it (again) if it is not pinned.
    else:
        target = f"{key}:pin:{int(now.timestamp())}"
        await outbox.enqueue(
            tx, OutgoingMessage(group.chat_id, text, Priority.BROADCAST, target), now
        )
        await groups.set_status_message(tx, group.chat_id, target)
    pinner = _pinner(services)
    if pinner is not None:
        pinner.want()


async def _still_editable(tx: Transaction, target_key: str) -> bool:
    """The status message exists (or is on its way) and its last edit did not fail: a
    message someone deleted fails its edit, and then a new one is started."""
    sent = await outbox.row_state(tx, target_key)
    if sent is None or sent.state in (RowState.FAILED, RowState.CANCELLED):
        return False
    edit = await outbox.row_state(tx, f"edit:{target_key}")
    return edit is None or edit.state is not RowState.FAILED


async def prepare_broadcast(services: Services, deadline: Deadline) -> None:
    """Draw the chart the broadcast will send before its transaction opens: the worker takes
    ~120 ms a picture, and the database's write lock is not held meanwhile. `publish` then
    finds it drawn (`drawn_chart`)."""
    try:
        chat_id = int(deadline.ref)
    except ValueError:
        return
    group = await groups.active_group(services.db, chat_id)
    if group is None or not group.chart:
        return
    now = services.clock.now()
    view = await build_status(
        services, services.db, group.language, group.scope, now, chat_id=chat_id
    )
    if view.counts:
        await draw_chart(services, group.language, view)


async def on_broadcast(services: Services, tx: Transaction, deadline: Deadline) -> None:
    """The group's timer: broadcast this slot, then arm the next one."""
    try:
        chat_id = int(deadline.ref)
    except ValueError:
        return
    group = await groups.active_group(tx, chat_id)
    if group is None:
        return
    now = services.clock.now()
    if await outbox.is_unreachable(tx, chat_id):
        # The backstop for a 403 whose callback a crash skipped.
        await _drop_unreachable(services, tx, group, now)
        return
    settings = services.settings
    values = await groups.effective_values(tx, settings)
    switch = await groups.jam_rawan(tx)
    plan = plan_broadcast(
        now,
        settings.zone,
        safe_windows(values.jam_rawan_windows),
        switch.manual_on,
        settings.broadcast_interval_minutes,
        settings.jam_rawan_interval_minutes,
    )
    await deadlines.schedule(tx, BROADCAST_KIND, chat_id, plan.next_at)
    await publish(services, tx, group, now)


async def reschedule_all(tx: Transaction, now: datetime) -> int:
    """Jam rawan changed: every group looks again now (the slot claim prevents repeats)."""
    active = await groups.active_groups(tx)
    for group in active:
        await deadlines.schedule(tx, BROADCAST_KIND, group.chat_id, now)
    return len(active)


# -- pinning -----------------------------------------------------------------------------------


class Pinner:
    """Pins new pinned-mode status messages once the outbox has sent them (one task at a
    time, per application)."""

    def __init__(self, app: SiagaApp) -> None:
        self.app = app
        # A status message sent before a restart may still wait for its pin.
        self.wanted = True
        self.task: asyncio.Task[None] | None = None

    def want(self) -> None:
        self.wanted = True

    def kick(self) -> None:
        if not self.wanted or (self.task is not None and not self.task.done()):
            return
        self.wanted = False
        self.task = asyncio.get_running_loop().create_task(
            _pin_sent_messages(self.app), name="posko-pin"
        )


PINNER = PartKey[Pinner]("posko.pinner")


def _pinner(services: Services) -> Pinner | None:
    return services.extras.get(PINNER)


async def _pin_sent_messages(app: SiagaApp) -> None:
    """Pin each pinned-mode status message once it has gone out (polls briefly)."""
    services: Services = app.bot_data["services"]
    loop = asyncio.get_running_loop()
    give_up = loop.time() + PIN_WAIT_SECONDS
    while True:
        try:
            waiting = await groups.unpinned_status_messages(services.db)
        except Exception:
            log.exception("reading status messages to pin failed")
            return
        left = 0
        for chat_id, key in waiting:
            message_id = await outbox.sent_message_id(services.db, key)
            if message_id is None:
                state = await outbox.row_state(services.db, key)
                left += state is not None and state.state is RowState.PENDING
                continue
            await _pin(app, services, chat_id, key, message_id)
        if not left or loop.time() > give_up:
            return
        await asyncio.sleep(0.2)


async def _pin(app: SiagaApp, services: Services, chat_id: int, key: str, message_id: int) -> None:
    state = "yes"
    try:
        await app.bot.pin_chat_message(chat_id, message_id, disable_notification=True)
    except (BadRequest, Forbidden) as exc:
        log.info("cannot pin the status message in %d: %s", chat_id, exc)
        state = "denied"
    except TelegramError:
        log.exception("pinning the status message in %d failed; trying later", chat_id)
        return
    now = services.clock.now()
    async with services.db.transaction() as tx:
        await groups.set_pin_state(tx, chat_id, key, state)
        group = await groups.active_group(tx, chat_id)
        if state == "denied" and group is not None:
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id,
                    services.catalog.html(group.language, "posko-pin-denied"),
                    Priority.BROADCAST,
                    f"posko:{chat_id}:pin-denied:{key}",
                ),
                now,
            )


# -- unreachable groups ------------------------------------------------------------------------


async def on_unreachable(
    services: Services, person_id: int | None, chat_id: int, dedup_key: str
) -> None:
    """Telegram refused a message to a chat: if it is a command group, unregister it."""
    if chat_id >= 0:
        return
    async with services.db.transaction() as tx:
        group = await groups.active_group(tx, chat_id)
        if group is None:
            return
        await _drop_unreachable(services, tx, group, services.clock.now())


async def _drop_unreachable(
    services: Services, tx: Transaction, group: CommandGroup, now: datetime
) -> None:
    if not await groups.unregister(tx, group.chat_id, "unreachable", now):
        return
    await deadlines.cancel(tx, BROADCAST_KIND, group.chat_id)
    await audit.record(
        tx,
        now,
        "posko.unreachable",
        subject=f"chat:{group.chat_id}",
        details={"title": group.title},
    )
    await _tell_people(
        services,
        tx,
        await _admins_and_registrant(services, tx, group),
        "posko-unreachable-notice",
        f"posko:{group.chat_id}:unreachable:{int(now.timestamp())}",
        now,
        title=group.title or str(group.chat_id),
    )


async def _admins_and_registrant(
    services: Services, tx: Transaction, group: CommandGroup
) -> list[int]:
    found = [group.registered_by_user, *services.settings.admin_ids]
    for admin in await personnel.admins(tx):
        if admin.telegram_user_id is not None:
            found.append(admin.telegram_user_id)
    return list(dict.fromkeys(found))


async def _tell_people(
    services: Services,
    tx: Transaction,
    user_ids: list[int],
    key: str,
    dedup_prefix: str,
    now: datetime,
    **args: str | int,
) -> None:
    for user_id in user_ids:
        lang = await users.language_of(tx, user_id, services.settings.locale)
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                user_id,
                services.catalog.html(lang, key, **args),
                Priority.REMINDER,
                f"{dedup_prefix}:{user_id}",
            ),
            now,
        )


# -- /posko --------------------------------------------------------------------------------------


def _settings_keyboard(
    services: Services, lang: str, group: CommandGroup
) -> list[list[tuple[str, str]]]:
    text = services.catalog.text
    chat = str(group.chat_id)
    mode_button = (
        (text(lang, "posko-button-new"), POSKO_BUTTONS.data(Setting.NEW, chat))
        if group.pinned
        else (text(lang, "posko-button-pinned"), POSKO_BUTTONS.data(Setting.PIN, chat))
    )
    chart_button = (
        (text(lang, "posko-button-chart-off"), POSKO_BUTTONS.data(Setting.CHART_OFF, chat))
        if group.chart
        else (text(lang, "posko-button-chart-on"), POSKO_BUTTONS.data(Setting.CHART_ON, chat))
    )
    stop = (text(lang, "posko-button-stop"), POSKO_BUTTONS.data(Setting.STOP, chat))
    return [[mode_button, chart_button], [stop]]


def _settings_text(services: Services, lang: str, group: CommandGroup) -> str:
    catalog = services.catalog
    return catalog.html(
        lang,
        "posko-settings",
        scope=scope_label(services, lang, group.scope),
        mode=catalog.text(lang, "posko-mode-pinned" if group.pinned else "posko-mode-new"),
        chart=catalog.text(lang, "posko-chart-yes" if group.chart else "posko-chart-no"),
    )


async def posko_command(update: Update, context: SiagaContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    if is_private(update):
        await reply(update, context, "posko-in-private")
        return
    actor = context.actor
    if not actor.is_commander:
        await reply(update, context, "posko-commander-only")
        return
    services = context.services
    args = command_args(context)
    group = await groups.active_group(services.db, chat.id)
    # A registered group belongs to the commanders whose command holds its scope: others may
    # look at its settings, but not change them, stop it, or re-register it for their people.
    outside = outside_of(actor, group.scope) if group is not None and args else None
    if outside is not None:
        await reply(update, context, "posko-scope-outside", **refusal_args(context, outside))
        return
    word = _SETTING_WORDS.get(args[0].lower()) if args else None
    if group is not None and word is not None:
        await _setting_by_text(update, context, group, word, args[1:])
        return
    if group is not None and not args:
        lang = actor.language
        await reply(
            update,
            context,
            "posko-settings",
            scope=scope_label(services, lang, group.scope),
            mode=context.label("posko-mode-pinned" if group.pinned else "posko-mode-new"),
            chart=context.label("posko-chart-yes" if group.chart else "posko-chart-no"),
            reply_markup=inline_keyboard(_settings_keyboard(services, lang, group)),
        )
        return
    scope = await _wanted_scope(update, context, args)
    if scope is None:
        return
    now = services.clock.now()
    async with services.db.transaction() as tx:
        fresh = await groups.register(
            tx,
            chat_id=chat.id,
            title=chat.title or "",
            scope=scope,
            language=actor.language,
            by_user=actor.user_id,
            by_person=actor.person.id if actor.person else None,
            now=now,
        )
        # A group that once refused (403) and has the bot back must not be dropped again.
        await outbox.clear_unreachable(tx, [chat.id])
        await audit_by(
            tx,
            actor,
            now,
            "posko.registered" if fresh else "posko.rescoped",
            subject=f"chat:{chat.id}",
            details={"scope": scope.label("*"), "title": chat.title or ""},
        )
        if fresh:
            # The first status goes out now; the timer then keeps the schedule.
            await deadlines.schedule(tx, BROADCAST_KIND, chat.id, now)
        registered = await groups.active_group(tx, chat.id)
        await inbox.settle_processing(tx)
    label = scope_label(services, actor.language, scope)
    if not fresh or registered is None:
        await reply(update, context, "posko-rescoped", scope=label)
        return
    await reply(
        update,
        context,
        "posko-registered",
        scope=label,
        interval=services.settings.broadcast_interval_minutes,
        dense=services.settings.jam_rawan_interval_minutes,
        reply_markup=inline_keyboard(_settings_keyboard(services, actor.language, registered)),
    )


async def _wanted_scope(
    update: Update, context: SiagaContext, args: list[str]
) -> StatusScope | None:
    """The typed scope, within the commander's; nothing typed: the commander's whole scope."""
    mine = actor_scope(context.actor)
    if not args:
        if mine.empty:
            await reply(update, context, "posko-no-scope")
            return None
        return mine
    parsed = await parse_typed_scope(update, context, args)
    if parsed is None:
        return None
    if parsed.empty:
        await reply(update, context, "posko-usage")
        return None
    if not parsed.within(mine):
        outside = sorted((parsed.units - mine.units) | (parsed.categories - mine.categories))
        await reply(
            update,
            context,
            "posko-scope-outside",
            value=", ".join(outside),
            scope=scope_label(context.services, context.actor.language, mine)
            if not mine.empty
            else "-",
        )
        return None
    return parsed


async def _setting_by_text(
    update: Update,
    context: SiagaContext,
    group: CommandGroup,
    word: Setting | str,
    rest: list[str],
) -> None:
    if isinstance(word, Setting):
        setting: Setting | None = word
    else:  # "chart", then on or off
        flag = rest[0].lower() if rest else ""
        setting = Setting.CHART_ON if flag in _ON else Setting.CHART_OFF if flag in _OFF else None
    if setting is None:
        await reply(update, context, "posko-usage")
        return
    key = await _apply_setting(context, group, setting)
    await reply(update, context, key)


async def _apply_setting(context: SiagaContext, group: CommandGroup, action: Setting) -> str:
    """Change one setting; returns the confirmation's key."""
    services = context.services
    actor = context.actor
    now = services.clock.now()
    async with services.db.transaction() as tx:
        if action is Setting.STOP:
            await groups.unregister(tx, group.chat_id, "stopped", now)
            await deadlines.cancel(tx, BROADCAST_KIND, group.chat_id)
            result = "posko-stopped"
        elif action in (Setting.PIN, Setting.NEW):
            mode = "pinned" if action is Setting.PIN else "new"
            await groups.set_mode(tx, group.chat_id, mode, now)
            result = "posko-set-pinned" if mode == "pinned" else "posko-set-new"
            changed = await groups.active_group(tx, group.chat_id)
            if changed is not None and changed.pinned:
                # The pinned message appears now rather than at the next slot.
                await publish(services, tx, changed, now, force=True)
        else:
            on = action is Setting.CHART_ON
            await groups.set_chart(tx, group.chat_id, on, now)
            result = "posko-set-chart-on" if on else "posko-set-chart-off"
        await audit_by(
            tx,
            actor,
            now,
            f"posko.{action}",
            subject=f"chat:{group.chat_id}",
        )
        await inbox.settle_processing(tx)
    pinner = _pinner(services)
    if pinner is not None:
        pinner.kick()
    return result


async def on_settings_button(update: Update, context: SiagaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    data = callback_data.decode(query.data)
    chat = update.effective_chat
    services = context.services
    if data is None or not data.args or chat is None or data.args[0] != str(chat.id):
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    if not context.actor.is_commander:
        await query.answer(context.label("posko-commander-only"), show_alert=True)
        return
    group = await groups.active_group(services.db, chat.id)
    if group is None:
        await query.answer(context.label("posko-not-registered"), show_alert=True)
        return
    outside = outside_of(context.actor, group.scope)
    if outside is not None:
        await query.answer(
            context.label("posko-scope-outside", **refusal_args(context, outside)),
            show_alert=True,
        )
        return
    setting = POSKO_BUTTONS.action_of(data)
    if setting is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    result = await _apply_setting(context, group, setting)
    await query.answer(context.label(result))
    updated = await groups.active_group(services.db, chat.id)
    lang = context.actor.language
    message = query.message
    if message is None:
        return
    try:
        if updated is None:
            await query.edit_message_text(context.t("posko-stopped"))
        else:
            await query.edit_message_text(
                _settings_text(services, lang, updated),
                parse_mode="HTML",
                reply_markup=inline_keyboard(_settings_keyboard(services, lang, updated)),
            )
    except BadRequest as exc:
        log.debug("settings card not edited: %s", exc)


# -- the bot joining and leaving ---------------------------------------------------------------


async def on_my_chat_member(update: Update, context: SiagaContext) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    chat = change.chat
    old = change.old_chat_member.status
    new = change.new_chat_member.status
    services = context.services
    now = services.clock.now()
    gone = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
    if new in gone:
        async with services.db.transaction() as tx:
            group = await groups.active_group(tx, chat.id)
            if group is None:
                return
            reason = "kicked" if new == ChatMemberStatus.BANNED else "left"
            await groups.unregister(tx, chat.id, reason, now)
            await deadlines.cancel(tx, BROADCAST_KIND, chat.id)
            await audit.record(
                tx,
                now,
                f"posko.{reason}",
                actor_user_id=change.from_user.id if change.from_user else None,
                subject=f"chat:{chat.id}",
                details={"title": chat.title or ""},
            )
            await _tell_people(
                services,
                tx,
                [group.registered_by_user],
                "posko-removed-notice",
                f"posko:{chat.id}:removed:{int(now.timestamp())}",
                now,
                title=chat.title or group.title or str(chat.id),
            )
        return
    if old in gone and new not in gone:
        async with services.db.transaction() as tx:
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat.id,
                    services.catalog.html(services.settings.locale, "posko-hello"),
                    Priority.BROADCAST,
                    f"posko:{chat.id}:hello:{update.update_id}",
                ),
                now,
            )


async def on_migrate(update: Update, context: SiagaContext) -> None:
    """A group became a supergroup: its registration and timer follow the new id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    services = context.services
    old, new = message.chat.id, message.migrate_to_chat_id
    now = services.clock.now()
    async with services.db.transaction() as tx:
        if not await groups.move_chat(tx, old, new, now):
            return
        await deadlines.cancel(tx, BROADCAST_KIND, old)
        await deadlines.schedule(tx, BROADCAST_KIND, new, now)


# -- /jamrawan -----------------------------------------------------------------------------------


async def jamrawan_command(update: Update, context: SiagaContext) -> None:
    actor = context.actor
    if not actor.is_commander:
        await reply(update, context, "posko-commander-only")
        return
    args = command_args(context)
    if not args:
        await _show_jam_rawan(update, context)
        return
    word = args[0].lower()
    if word in ("on", "nyala", "aktif", "off", "mati", "nonaktif") and len(args) == 1:
        await _switch(update, context, word in ("on", "nyala", "aktif"))
        return
    if not actor.is_admin:
        await reply(update, context, "jr-windows-admin-only")
        return
    services = context.services
    now = services.clock.now()
    if word in ("bawaan", "default", "reset") and len(args) == 1:
        windows_text: str | None = None
    else:
        windows_text = " ".join(args)
        try:
            parse_windows(windows_text)
        except WindowError as exc:
            await reply(update, context, "jr-bad-window", value=exc.fragment)
            return
    async with services.db.transaction() as tx:
        await groups.set_windows(tx, windows_text, actor.user_id, now)
        await audit.record(
            tx,
            now,
            "jamrawan.windows",
            actor_user_id=actor.user_id,
            details={"windows": windows_text},
        )
        await reschedule_all(tx, now)
        await arm_window_start(services, tx, now)
        values = await groups.effective_values(tx, services.settings)
        if jam_rawan_active(values, now, False):
            # A window that holds the present opens now.
            await jam_rawan_began(services, tx, now)
        await inbox.settle_processing(tx)
    shown = await _windows_text(context)
    await reply(
        update, context, "jr-windows-set" if windows_text else "jr-windows-reset", windows=shown
    )


async def _windows_text(context: SiagaContext) -> str:
    services = context.services
    values = await groups.effective_values(services.db, services.settings)
    windows = safe_windows(values.jam_rawan_windows)
    if not windows:
        return context.label("jr-no-windows")
    return format_windows(windows, ":" if context.actor.language == "en" else ".")


async def _show_jam_rawan(update: Update, context: SiagaContext) -> None:
    services = context.services
    settings = services.settings
    now = services.clock.now()
    switch = await groups.jam_rawan(services.db)
    values = await groups.effective_values(services.db, settings)
    if switch.manual_on:
        state = "jr-state-manual"
    elif jam_rawan_active(values, now, False):
        state = "jr-state-on"
    else:
        state = "jr-state-off"
    button = (
        (context.label("jr-button-off"), JAM_RAWAN_BUTTONS.data(JamRawan.OFF))
        if switch.manual_on
        else (context.label("jr-button-on"), JAM_RAWAN_BUTTONS.data(JamRawan.ON))
    )
    await reply(
        update,
        context,
        "jr-card",
        state=context.label(state),
        windows=await _windows_text(context),
        interval=settings.broadcast_interval_minutes,
        dense=settings.jam_rawan_interval_minutes,
        stale=_hours(settings.readiness_stale_hours),
        stale_rawan=_hours(min(settings.jam_rawan_stale_hours, settings.readiness_stale_hours)),
        reply_markup=inline_keyboard([[button]]),
    )


def _hours(value: float) -> str:
    return f"{value:g}".replace(".", ",")


async def _switch(update: Update, context: SiagaContext, on: bool) -> str:
    services = context.services
    actor = context.actor
    now = services.clock.now()
    async with services.db.transaction() as tx:
        changed = await groups.set_jam_rawan(tx, on, actor.user_id, now)
        if changed:
            await audit_by(
                tx,
                actor,
                now,
                "jamrawan.on" if on else "jamrawan.off",
            )
            await reschedule_all(tx, now)
            if on:
                await jam_rawan_began(services, tx, now)
        await inbox.settle_processing(tx)
    settings = services.settings
    if on:
        key = "jr-turned-on" if changed else "jr-already-on"
        await reply(
            update,
            context,
            key,
            dense=settings.jam_rawan_interval_minutes,
            stale_rawan=_hours(
                min(settings.jam_rawan_stale_hours, settings.readiness_stale_hours)
            ),
        )
    else:
        key = "jr-turned-off" if changed else "jr-already-off"
        await reply(update, context, key, windows=await _windows_text(context))
    return key


async def jam_rawan_began(services: Services, tx: Transaction, now: datetime) -> int:
    """Jam rawan has just begun (the switch, or a configured window opening): SIAP goes stale
    sooner, so each SIAP person's recheck moves to their new, earlier time, and whoever is
    stale by the shorter measure already is asked now. Returns how many rechecks moved."""
    return await readiness.pull_rechecks_forward(tx, await services.stale_after(tx), now)


async def arm_window_start(services: Services, tx: Transaction, now: datetime) -> None:
    """Arm the row for the next opening of a configured window (none configured: disarm)."""
    values = await groups.effective_values(tx, services.settings)
    opens = next_window_start(now, services.settings.zone, safe_windows(values.jam_rawan_windows))
    if opens is None:
        await deadlines.cancel(tx, WINDOW_KIND, WINDOW_REF)
    else:
        await deadlines.schedule(tx, WINDOW_KIND, WINDOW_REF, opens)


async def on_window_start(services: Services, tx: Transaction, _deadline: Deadline) -> None:
    """A configured window opened (or did while the bot was down): as the switch does, then
    arm the next opening. A row left over from windows since changed asks nobody."""
    now = services.clock.now()
    values = await groups.effective_values(tx, services.settings)
    if jam_rawan_active(values, now, False):
        await jam_rawan_began(services, tx, now)
    await arm_window_start(services, tx, now)


async def watch_windows(services: Services, tx: Transaction) -> None:
    """At start: arm the next opening for the windows configured now. A row that fell due
    while the bot was down is left to fire (it asks, then arms the next one itself)."""
    now = services.clock.now()
    row = await deadlines.get(tx, WINDOW_KIND, WINDOW_REF)
    if row is not None and row.state is DeadlineState.PENDING and row.due_at <= now:
        return
    await arm_window_start(services, tx, now)


async def on_jam_rawan_button(update: Update, context: SiagaContext) -> None:
    query = update.callback_query
    if query is None:
        return
    data = callback_data.decode(query.data)
    switch = JAM_RAWAN_BUTTONS.action_of(data) if data else None
    if switch is None:
        await query.answer(context.label("button-invalid"), show_alert=True)
        return
    if not context.actor.is_commander:
        await query.answer(context.label("posko-commander-only"), show_alert=True)
        return
    await query.answer()
    await _switch(update, context, switch is JamRawan.ON)


def register(app: SiagaApp) -> None:
    services: Services = app.bot_data["services"]

    async def broadcast(tx: Transaction, deadline: Deadline) -> None:
        await on_broadcast(services, tx, deadline)

    async def prepare(deadline: Deadline) -> None:
        await prepare_broadcast(services, deadline)

    async def unreachable(person_id: int | None, chat_id: int, dedup_key: str) -> None:
        await on_unreachable(services, person_id, chat_id, dedup_key)

    async def window_start(tx: Transaction, deadline: Deadline) -> None:
        await on_window_start(services, tx, deadline)

    async def at_start(tx: Transaction) -> None:
        await watch_windows(services, tx)

    pinner = Pinner(app)
    services.extras[PINNER] = pinner
    services.scheduler.on(BROADCAST_KIND, broadcast, prepare=prepare)
    services.scheduler.on(WINDOW_KIND, window_start)
    services.scheduler.at_start(at_start)
    services.scheduler.after_commit(pinner.kick)
    services.delivery.on_unreachable(unreachable)
    app.add_handler(CommandHandler("posko", posko_command))
    app.add_handler(CommandHandler("jamrawan", jamrawan_command))
    app.add_handler(CallbackQueryHandler(on_settings_button, pattern=r"^posko:v1:"))
    app.add_handler(CallbackQueryHandler(on_jam_rawan_button, pattern=r"^jr:v1:"))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
    app.add_handler(
        ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
        group=MEMBERSHIP_GROUP,
    )
