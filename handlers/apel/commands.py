"""/apel typed with arguments, or guided by a draft (scope, minutes, title, assembly point)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot.domain import callback_data
from bot.domain.apel import (
    DURATION_CHOICES,
    RADIUS_CHOICES,
    TITLE_MAX,
    ApelRequest,
    DraftState,
    RollCallKind,
    Scope,
    ScopeKind,
    parse_apel_text,
)
from bot.domain.drafts import APEL_DRAFT_LIFETIME, DraftVerdict, judge_draft
from bot.domain.geo import format_distance
from bot.domain.order_fields import (
    FIELD_MAX_CHARS,
    ROLLCALL_FIELDS,
    field_value,
    parse_clock,
)
from bot.domain.refusal import Refusal
from bot.i18n import format_number
from bot.services import Actor, Services, SiagaContext
from handlers.apel.keys import COMMANDS, FIELD_INPUT, TITLE_INPUT, Action, action_of, button_data
from handlers.apel.render import rollcall_name, scope_label
from handlers.apel.service import Opening, open_rollcall, resolve_people
from handlers.common import Button, inline_keyboard, is_private, reply
from handlers.kit.actor import actor_name
from handlers.kit.refusal import refuse
from handlers.kit.text import renderer
from storage import apel as store
from storage import inbox, personnel, users
from storage.apel import AssemblyPoint, Draft, RollCall
from storage.personnel import Person


async def apel_command(update: Update, context: SiagaContext) -> None:
    await rollcall_command(update, context, RollCallKind.APEL)


async def cekkesiapan_command(update: Update, context: SiagaContext) -> None:
    """A readiness check for a scope: the same engine, kind "cek"."""
    await rollcall_command(update, context, RollCallKind.CEK)


async def rollcall_command(update: Update, context: SiagaContext, kind: RollCallKind) -> None:
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
    message = update.effective_message
    text = (message.text or "") if message else ""
    # The order as typed, line breaks and all (they separate its fields), minus the command.
    body = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    parsed = parse_apel_text(
        body,
        categories,
        units,
        services.settings.apel_default_minutes,
        services.clock.now(),
        services.settings.zone,
    )
    if isinstance(parsed, Refusal):
        await refuse(update, context, parsed, command=COMMANDS[kind])
        return
    if parsed.scope is None:
        await start_draft(update, context, kind, parsed, minutes=parsed.minutes if args else None)
        return
    found = await resolve_people(services, context.actor, parsed.scope)
    if isinstance(found, Refusal):
        await refuse(update, context, found, command=COMMANDS[kind])
        return
    people, narrowed = found
    opening = Opening(
        kind=kind,
        scope=parsed.scope,
        minutes=parsed.minutes,
        title=parsed.title,
        point=None,
        card_chat_id=chat.id,
        opener_name=actor_name(update, context.actor),
        place=parsed.place,
        assembles_at=parsed.assembles_at,
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
    if isinstance(result, Refusal):
        if query is not None and result.key == "apel-draft-gone":
            await query.answer(context.label("apel-draft-gone"), show_alert=True)
            return None
        if query is not None:
            await query.answer()
        await refuse(update, context, result, command=COMMANDS[opening.kind])
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
        count=format_number(called, lang),
        time=renderer(services, lang).when(rc.closes_at, services.clock.now()),
        narrowed=renderer(services, lang).text("apel-opened-narrowed") if narrowed else "",
    )
    return rc


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


def _cancel_row(context: SiagaContext, draft_id: int) -> list[Button]:
    """Every step of the guided opening can be left."""
    return [(context.label("apel-button-cancel"), button_data(Action.DRAFT_CANCEL, draft_id))]


async def start_draft(
    update: Update,
    context: SiagaContext,
    kind: RollCallKind,
    typed: ApelRequest,
    *,
    minutes: int | None,
) -> None:
    """The guided opening, keeping what was typed already (minutes, title, place, time)."""
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
            title=typed.title,
            now=now,
            place=typed.place,
            assembles_at=typed.assembles_at,
        )
        await inbox.settle_processing(tx)
    lang = actor.language
    buttons = [
        (
            scope_label(services, lang, option)
            if option.value
            else renderer(services, lang).text("apel-scope-all-button"),
            button_data(Action.DRAFT_SCOPE, draft_id, i),
        )
        for i, option in enumerate(options)
    ]
    rows: list[list[Button]] = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(_cancel_row(context, draft_id))
    await reply(
        update, context, "apel-draft-pick-scope", kind=kind, reply_markup=inline_keyboard(rows)
    )


async def _draft_summary(
    context: SiagaContext, draft: Draft
) -> tuple[str, InlineKeyboardMarkup] | Refusal:
    services = context.services
    lang = context.actor.language
    assert draft.scope is not None
    assert draft.minutes is not None
    found = await resolve_people(services, context.actor, draft.scope)
    if isinstance(found, Refusal):
        return found
    people, _ = found
    now = services.clock.now()
    point = (
        renderer(services, lang).text(
            "apel-draft-point", radius=format_distance(draft.point.radius_m, lang)
        )
        if draft.point
        else renderer(services, lang).text("apel-draft-none")
    )
    text = context.t(
        "apel-draft-summary",
        kind=draft.kind,
        scope=scope_label(services, lang, draft.scope),
        count=format_number(
            sum(1 for p in people if p.telegram_user_id not in (None, context.actor.user_id)), lang
        ),
        minutes=draft.minutes,
        time=renderer(services, lang).when(now + timedelta(minutes=draft.minutes), now),
        title=draft.title or renderer(services, lang).text("apel-draft-none"),
        point=point,
    )
    if draft.kind is RollCallKind.APEL:
        none = renderer(services, lang).text("apel-draft-none")
        text += "\n" + context.t(
            "apel-draft-when-where",
            place=draft.place or none,
            time=renderer(services, lang).when(draft.assembles_at, now)
            if draft.assembles_at
            else none,
        )
    rows: list[list[Button]] = [
        [
            (
                context.label("apel-button-open", kind=draft.kind),
                button_data(Action.DRAFT_OPEN, draft.id),
            )
        ]
    ]
    extras: list[Button] = []
    if draft.kind is RollCallKind.APEL:
        extras.append(
            (context.label("apel-button-point"), button_data(Action.DRAFT_POINT, draft.id))
        )
    extras.append((context.label("apel-button-title"), button_data(Action.DRAFT_TITLE, draft.id)))
    rows.append(extras)
    if draft.kind is RollCallKind.APEL:
        rows.append(
            [
                (
                    context.label(f"apel-button-{key}"),
                    button_data(Action.DRAFT_FIELD, draft.id, key),
                )
                for key in ROLLCALL_FIELDS
            ]
        )
    rows.append(_cancel_row(context, draft.id))
    return text, inline_keyboard(rows)


def _minutes_rows(context: SiagaContext, draft_id: int) -> list[list[Button]]:
    default = context.services.settings.apel_default_minutes
    choices = sorted({*DURATION_CHOICES, default})
    buttons = [
        (
            context.label(
                "apel-button-minutes", minutes=m, default="yes" if m == default else "no"
            ),
            button_data(Action.DRAFT_MINUTES, draft_id, m),
        )
        for m in choices
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append(_cancel_row(context, draft_id))
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
    verdict = judge_draft(
        owner_user_id=draft.user_id,
        actor_user_id=actor.user_id,
        is_open=draft.state is DraftState.DRAFT,
        created_at=draft.created_at,
        now=now,
        lifetime=APEL_DRAFT_LIFETIME,
    )
    if verdict is DraftVerdict.NOT_YOURS:
        await query.answer(context.label("apel-draft-not-yours"), show_alert=True)
        return
    if verdict is not DraftVerdict.USABLE:
        await query.answer(context.label("apel-draft-gone"), show_alert=True)
        return
    if not actor.is_commander:
        await query.answer(context.label("error-commander-only"), show_alert=True)
        return
    action = action_of(data)
    if action is Action.DRAFT_CANCEL:
        async with services.db.transaction() as tx:
            await store.update_draft(
                tx, draft.id, state=DraftState.CANCELLED, awaiting_location=False
            )
        await query.answer()
        await query.edit_message_text(context.t("apel-draft-cancelled"))
        return
    if action is Action.DRAFT_SCOPE:
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
    if action is Action.DRAFT_MINUTES:
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
    if action is Action.DRAFT_POINT:
        if not is_private(update) or draft.kind is not RollCallKind.APEL:
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
    if action is Action.DRAFT_RADIUS:
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
    if action is Action.DRAFT_TITLE:
        async with services.db.transaction() as tx:
            await users.set_pending_input(tx, actor.user_id, f"{TITLE_INPUT}:{draft.id}", now)
        await query.answer()
        await reply(update, context, "apel-draft-ask-title", max=TITLE_MAX)
        return
    if action is Action.DRAFT_FIELD:
        key = data.text_arg(1)
        if key not in ROLLCALL_FIELDS or not is_private(update):
            await query.answer(context.label("button-invalid"), show_alert=True)
            return
        async with services.db.transaction() as tx:
            await users.set_pending_input(
                tx, actor.user_id, f"{FIELD_INPUT}:{draft.id}:{key}", now
            )
        await query.answer()
        await reply(update, context, f"apel-draft-ask-{key}", max=FIELD_MAX_CHARS)
        return
    if action is Action.DRAFT_OPEN:
        await _open_draft(update, context, draft)
        return
    await query.answer(context.label("button-invalid"), show_alert=True)


async def _show_summary(update: Update, context: SiagaContext, draft: Draft) -> None:
    query = update.callback_query
    summary = await _draft_summary(context, draft)
    if isinstance(summary, Refusal):
        if query is not None:
            await query.answer()
        await refuse(update, context, summary, command=COMMANDS[draft.kind])
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
    if isinstance(found, Refusal):
        await query.answer()
        await refuse(update, context, found, command=COMMANDS[draft.kind])
        return
    people, narrowed = found
    opening = Opening(
        kind=draft.kind,
        scope=draft.scope,
        minutes=draft.minutes,
        title=draft.title,
        point=draft.point,
        card_chat_id=draft.chat_id,
        opener_name=actor_name(update, context.actor),
        place=draft.place,
        assembles_at=draft.assembles_at,
    )
    rc = await _open_and_confirm(update, context, opening, people, narrowed, draft_id=draft.id)
    if rc is not None:
        await query.edit_message_reply_markup(reply_markup=None)


async def on_title_text(update: Update, context: SiagaContext, argument: str, text: str) -> None:
    services = context.services
    actor = context.actor
    now = services.clock.now()
    draft = await store.get_draft(services.db, int(argument)) if argument.isdigit() else None
    if draft is None or draft.user_id != actor.user_id or draft.state is not DraftState.DRAFT:
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


async def on_field_text(update: Update, context: SiagaContext, argument: str, text: str) -> None:
    """The apel's place or time typed on its own: the draft takes it, the summary shows it."""
    services = context.services
    actor = context.actor
    now = services.clock.now()
    draft_arg, _, key = argument.partition(":")
    draft = await store.get_draft(services.db, int(draft_arg)) if draft_arg.isdigit() else None
    if (
        draft is None
        or draft.user_id != actor.user_id
        or draft.state is not DraftState.DRAFT
        or key not in ROLLCALL_FIELDS
    ):
        async with services.db.transaction() as tx:
            await users.set_pending_input(tx, actor.user_id, None, now)
        await reply(update, context, "apel-draft-gone")
        return
    checked: str | datetime | Refusal = (
        parse_clock(text, now, services.settings.zone)
        if key == "time"
        else field_value(text, ROLLCALL_FIELDS[key][0])
    )
    if isinstance(checked, Refusal):
        await refuse(update, context, checked.under("apel-"))
        return
    async with services.db.transaction() as tx:
        await store.update_draft(
            tx,
            draft.id,
            place=checked if isinstance(checked, str) else None,
            assembles_at=checked.astimezone(UTC) if isinstance(checked, datetime) else None,
        )
        await users.set_pending_input(tx, actor.user_id, None, now)
    draft = await store.get_draft(services.db, draft.id)
    assert draft is not None
    await _show_summary(update, context, draft)


async def set_draft_point(
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
                button_data(Action.DRAFT_RADIUS, draft.id, m),
            )
            for m in RADIUS_CHOICES
        ]
    ]
    await reply(update, context, "apel-draft-pick-radius", reply_markup=inline_keyboard(rows))
