"""What a roll call looks like: prompts, answer buttons, the live card and the report sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.apel import (
    EXTEND_CHOICES,
    Answer,
    LocationState,
    RollCallKind,
    Scope,
    build_tally,
)
from bot.domain.geo import format_distance
from bot.domain.reasons import BUTTON_ROWS, REASONS
from bot.i18n import format_number, format_time
from bot.services import Services
from handlers.apel.keys import Action, button_data
from handlers.common import Button, markup_json
from handlers.dashboard.buttons import with_dashboard_json
from handlers.kit.reasons import reason_label
from handlers.kit.text import renderer
from storage import apel as store
from storage import outbox
from storage.apel import RollCall, Target
from storage.db import Transaction


def scope_label(services: Services, lang: str, scope: Scope) -> str:
    return scope.value if scope.value else renderer(services, lang).text("apel-scope-all")


def rollcall_name(services: Services, lang: str, rc: RollCall) -> str:
    return renderer(services, lang).text(
        "rollcall-name", kind=rc.kind, id=str(rc.id), scope=scope_label(services, lang, rc.scope)
    )


def title_suffix(rc: RollCall) -> str:
    return f" — {rc.title}" if rc.title else ""


def assembly_lines(services: Services, lang: str, rc: RollCall, now: datetime) -> list[str]:
    """The apel's own time and its place by name, apart from the answer deadline."""
    r = renderer(services, lang)
    if rc.assembles_at is not None and rc.place:
        time = r.when(rc.assembles_at, now)
        return [r.html("rollcall-when-where", kind=rc.kind, time=time, place=rc.place)]
    if rc.assembles_at is not None:
        return [r.html("rollcall-when", kind=rc.kind, time=r.when(rc.assembles_at, now))]
    if rc.place:
        return [r.html("rollcall-where", place=rc.place)]
    return []


def prompt_text(
    services: Services, rc: RollCall, lang: str, now: datetime, status: list[str] | None = None
) -> str:
    lines = [
        renderer(services, lang).html(
            "rollcall-prompt",
            kind=rc.kind,
            name=rollcall_name(services, lang, rc),
            title=title_suffix(rc),
            opener=rc.opened_by_name,
            time=renderer(services, lang).when(rc.closes_at, now),
        ),
        *assembly_lines(services, lang, rc, now),
    ]
    if rc.point is not None:
        lines.append(
            renderer(services, lang).html(
                "rollcall-prompt-point", radius=format_distance(rc.point.radius_m, lang)
            )
        )
    lines.extend(
        status
        if status is not None
        else [renderer(services, lang).html("rollcall-question", kind=rc.kind)]
    )
    return "\n".join(lines)


def answer_rows(services: Services, rc: RollCall, lang: str, src: str) -> list[list[Button]]:
    return [
        [
            (
                renderer(services, lang).text("rollcall-yes", kind=rc.kind),
                button_data(Action.PRESENT, rc.id, src),
            ),
            (
                renderer(services, lang).text("rollcall-no", kind=rc.kind),
                button_data(Action.ABSENT, rc.id, src),
            ),
        ]
    ]


def reason_rows(services: Services, rc: RollCall, lang: str, src: str) -> list[list[Button]]:
    def button(reason: str) -> Button:
        return (
            renderer(services, lang).text("reason-button-" + reason.replace("_", "-")),
            button_data(Action.REASON, rc.id, src, reason),
        )

    return [
        *([button(reason) for reason in row] for row in BUTTON_ROWS),
        [
            (
                renderer(services, lang).text("rollcall-back"),
                button_data(Action.BACK, rc.id, src),
            )
        ],
    ]


def status_lines(
    services: Services, rc: RollCall, target: Target, lang: str, now: datetime
) -> list[str]:
    """What the person's prompt says once they have answered."""
    if target.answer is None or target.answered_at is None:
        return [renderer(services, lang).html("rollcall-question", kind=rc.kind)]
    at = format_time(target.answered_at, services.settings.zone, lang)
    lines: list[str] = []
    if target.answer == Answer.YES:
        key = (
            "rollcall-status-yes-awaiting"
            if target.location_state == LocationState.AWAITING
            else "rollcall-status-yes"
        )
        lines.append(renderer(services, lang).html(key, kind=rc.kind, time=at))
    else:
        reason = reason_label(services, lang, target.reason)
        if target.reason_text:
            reason = f"{reason}: {target.reason_text}"
        lines.append(
            renderer(services, lang).html(
                "rollcall-status-no", kind=rc.kind, reason=reason, time=at
            )
        )
        if target.reason == "lainnya" and not target.reason_text:
            lines.append(renderer(services, lang).html("rollcall-status-write-reason"))
    lines.append(
        renderer(services, lang).html(
            "rollcall-status-change", time=renderer(services, lang).when(rc.closes_at, now)
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
        renderer(services, lang).html(
            "rollcall-card-title", name=rollcall_name(services, lang, rc), title=title_suffix(rc)
        ),
        *assembly_lines(services, lang, rc, now),
    ]
    if rc.is_open:
        lines.append(
            renderer(services, lang).html(
                "rollcall-card-open",
                kind=rc.kind,
                opener=rc.opened_by_name,
                time=renderer(services, lang).when(rc.closes_at, now),
            )
        )
    else:
        lines.append(
            renderer(services, lang).html(
                "rollcall-card-closed",
                time=renderer(services, lang).when(rc.closed_at or now, now),
            )
        )
    if rc.point is not None:
        lines.append(
            renderer(services, lang).html(
                "rollcall-card-point", radius=format_distance(rc.point.radius_m, lang)
            )
        )
    total = tally.total
    if len(tally.categories) != 1:
        lines.append(
            renderer(services, lang).html(
                "rollcall-card-totals",
                called=format_number(total.called, lang),
                yes=format_number(total.yes, lang),
                no=format_number(total.no, lang),
                pending=format_number(total.no_answer, lang),
            )
        )
    for cat in tally.categories:
        lines.append("")
        lines.append(
            renderer(services, lang).html(
                "rollcall-card-category",
                category=cat.category,
                called=format_number(cat.called, lang),
            )
        )
        if rc.point is not None and rc.kind is RollCallKind.APEL:
            lines.append(
                renderer(services, lang).html(
                    "rollcall-card-yes-location",
                    count=format_number(cat.yes, lang),
                    inside=format_number(cat.yes_inside, lang),
                    outside=format_number(cat.yes_outside, lang),
                    awaiting=format_number(cat.yes_awaiting_location, lang),
                )
            )
        else:
            lines.append(
                renderer(services, lang).html(
                    "rollcall-card-yes", kind=rc.kind, count=format_number(cat.yes, lang)
                )
            )
        reasons = ", ".join(
            f"{reason_label(services, lang, r)} {format_number(cat.no_by_reason[r], lang)}"
            for r in REASONS
            if cat.no_by_reason.get(r)
        )
        lines.append(
            renderer(services, lang).html(
                "rollcall-card-no",
                kind=rc.kind,
                count=format_number(cat.no, lang),
                reasons=f" ({reasons})" if reasons else "",
            )
        )
        if cat.unreachable:
            lines.append(
                renderer(services, lang).html(
                    "rollcall-card-pending-unreachable",
                    count=format_number(cat.no_answer, lang),
                    unreachable=format_number(cat.unreachable, lang),
                )
            )
        else:
            lines.append(
                renderer(services, lang).html(
                    "rollcall-card-pending", count=format_number(cat.no_answer, lang)
                )
            )
    lines.append("")
    if rc.batch_id is not None and rc.is_open:
        progress = await outbox.batch_progress(db, rc.batch_id)
        if progress.total:
            lines.append(
                renderer(services, lang).html(
                    "rollcall-card-sent",
                    sent=format_number(progress.sent, lang),
                    total=format_number(progress.total, lang),
                )
            )
    parts = [
        renderer(services, lang).text(
            "rollcall-card-excluded-" + kind, count=format_number(excluded[kind], lang)
        )
        for kind in ("unlinked", "bertugas", "nonaktif")
        if excluded.get(kind)
    ]
    if parts:
        lines.append(
            renderer(services, lang).html("rollcall-card-excluded", parts=" · ".join(parts))
        )
    if rc.is_open:
        lines.append(renderer(services, lang).html("rollcall-card-hint"))
    markup = None
    if rc.is_open:
        markup = markup_json(
            [
                [
                    (
                        renderer(services, lang).text("rollcall-button-remind"),
                        button_data(Action.REMIND, rc.id),
                    )
                ],
                [
                    (
                        renderer(services, lang).text("rollcall-button-extend", minutes=m),
                        button_data(Action.EXTEND, rc.id, m),
                    )
                    for m in EXTEND_CHOICES
                ],
                [
                    (
                        renderer(services, lang).text("rollcall-button-close"),
                        button_data(Action.CLOSE, rc.id),
                    )
                ],
            ]
        )
        markup = with_dashboard_json(markup, services, lang, private=rc.card_chat_id > 0)
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
