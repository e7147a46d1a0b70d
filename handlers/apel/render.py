"""What a roll call looks like: prompts, answer buttons, the live card and the report sections."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram.ext import Application

from bot.domain import callback_data
from bot.domain.apel import (
    EXTEND_CHOICES,
    REASONS,
    Answer,
    LocationState,
    Scope,
    build_tally,
)
from bot.domain.geo import format_distance
from bot.i18n import format_moment, format_number, format_time
from bot.services import Actor, Services
from handlers.apel.keys import CARD_DEBOUNCE_S, NS
from handlers.common import Button, markup_json
from storage import apel as store
from storage import outbox
from storage.apel import RollCall, Target
from storage.db import Transaction


def html_text(services: Services, lang: str, key: str, **args: str | int | float) -> str:
    return services.catalog.html(lang, key, **args)


def plain_text(services: Services, lang: str, key: str, **args: str | int | float) -> str:
    return services.catalog.text(lang, key, **args)


def num(value: int, lang: str) -> str:
    return format_number(value, lang)


def when_text(services: Services, moment: datetime, lang: str, now: datetime) -> str:
    """`13.30 WIB` today; with the date when it is another day (an apel may run past midnight)."""
    zone = services.settings.zone
    if moment.astimezone(zone).date() == now.astimezone(zone).date():
        return format_time(moment, zone, lang)
    return format_moment(moment, zone, lang)


def scope_label(services: Services, lang: str, scope: Scope) -> str:
    return scope.value if scope.value else plain_text(services, lang, "apel-scope-all")


def rollcall_name(services: Services, lang: str, rc: RollCall) -> str:
    return plain_text(
        services,
        lang,
        "rollcall-name",
        kind=rc.kind,
        id=str(rc.id),
        scope=scope_label(services, lang, rc.scope),
    )


def title_suffix(rc: RollCall) -> str:
    return f" — {rc.title}" if rc.title else ""


def reason_label(services: Services, lang: str, reason: str | None) -> str:
    return plain_text(services, lang, "reason-" + (reason or "lainnya").replace("_", "-"))


def prompt_text(
    services: Services, rc: RollCall, lang: str, now: datetime, status: list[str] | None = None
) -> str:
    lines = [
        html_text(
            services,
            lang,
            "rollcall-prompt",
            kind=rc.kind,
            name=rollcall_name(services, lang, rc),
            title=title_suffix(rc),
            opener=rc.opened_by_name,
            time=when_text(services, rc.closes_at, lang, now),
        )
    ]
    if rc.point is not None:
        lines.append(
            html_text(
                services,
                lang,
                "rollcall-prompt-point",
                radius=format_distance(rc.point.radius_m, lang),
            )
        )
    lines.extend(
        status
        if status is not None
        else [html_text(services, lang, "rollcall-question", kind=rc.kind)]
    )
    return "\n".join(lines)


def answer_rows(services: Services, rc: RollCall, lang: str, src: str) -> list[list[Button]]:
    return [
        [
            (
                plain_text(services, lang, "rollcall-yes", kind=rc.kind),
                callback_data.encode(NS, "y", rc.id, src),
            ),
            (
                plain_text(services, lang, "rollcall-no", kind=rc.kind),
                callback_data.encode(NS, "n", rc.id, src),
            ),
        ]
    ]


def reason_rows(services: Services, rc: RollCall, lang: str, src: str) -> list[list[Button]]:
    def button(reason: str) -> Button:
        return (
            plain_text(services, lang, "reason-button-" + reason.replace("_", "-")),
            callback_data.encode(NS, "r", rc.id, src, reason),
        )

    return [
        [button("sakit"), button("izin")],
        [button("cuti"), button("dinas_luar")],
        [button("lainnya")],
        [(plain_text(services, lang, "rollcall-back"), callback_data.encode(NS, "b", rc.id, src))],
    ]


def until_rows(services: Services, lang: str) -> list[list[Button]]:
    """For a readiness check: how long the TIDAK SIAP lasts (handled by handlers.readiness)."""
    return [
        [
            (
                plain_text(services, lang, "readiness-until-" + code),
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
        return [html_text(services, lang, "rollcall-question", kind=rc.kind)]
    at = format_time(target.answered_at, services.settings.zone, lang)
    lines: list[str] = []
    if target.answer == Answer.YES:
        key = (
            "rollcall-status-yes-awaiting"
            if target.location_state == LocationState.AWAITING
            else "rollcall-status-yes"
        )
        lines.append(html_text(services, lang, key, kind=rc.kind, time=at))
    else:
        reason = reason_label(services, lang, target.reason)
        if target.reason_text:
            reason = f"{reason}: {target.reason_text}"
        lines.append(
            html_text(services, lang, "rollcall-status-no", kind=rc.kind, reason=reason, time=at)
        )
        if target.reason == "lainnya" and not target.reason_text:
            lines.append(html_text(services, lang, "rollcall-status-write-reason"))
    lines.append(
        html_text(
            services,
            lang,
            "rollcall-status-change",
            time=when_text(services, rc.closes_at, lang, now),
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
        html_text(
            services,
            lang,
            "rollcall-card-title",
            name=rollcall_name(services, lang, rc),
            title=title_suffix(rc),
        )
    ]
    if rc.is_open:
        lines.append(
            html_text(
                services,
                lang,
                "rollcall-card-open",
                kind=rc.kind,
                opener=rc.opened_by_name,
                time=when_text(services, rc.closes_at, lang, now),
            )
        )
    else:
        lines.append(
            html_text(
                services,
                lang,
                "rollcall-card-closed",
                time=when_text(services, rc.closed_at or now, lang, now),
            )
        )
    if rc.point is not None:
        lines.append(
            html_text(
                services,
                lang,
                "rollcall-card-point",
                radius=format_distance(rc.point.radius_m, lang),
            )
        )
    total = tally.total
    if len(tally.categories) != 1:
        lines.append(
            html_text(
                services,
                lang,
                "rollcall-card-totals",
                called=num(total.called, lang),
                yes=num(total.yes, lang),
                no=num(total.no, lang),
                pending=num(total.no_answer, lang),
            )
        )
    for cat in tally.categories:
        lines.append("")
        lines.append(
            html_text(
                services,
                lang,
                "rollcall-card-category",
                category=cat.category,
                called=num(cat.called, lang),
            )
        )
        if rc.point is not None and rc.kind == "apel":
            lines.append(
                html_text(
                    services,
                    lang,
                    "rollcall-card-yes-location",
                    count=num(cat.yes, lang),
                    inside=num(cat.yes_inside, lang),
                    outside=num(cat.yes_outside, lang),
                    awaiting=num(cat.yes_awaiting_location, lang),
                )
            )
        else:
            lines.append(
                html_text(
                    services, lang, "rollcall-card-yes", kind=rc.kind, count=num(cat.yes, lang)
                )
            )
        reasons = ", ".join(
            f"{reason_label(services, lang, r)} {num(cat.no_by_reason[r], lang)}"
            for r in REASONS
            if cat.no_by_reason.get(r)
        )
        lines.append(
            html_text(
                services,
                lang,
                "rollcall-card-no",
                kind=rc.kind,
                count=num(cat.no, lang),
                reasons=f" ({reasons})" if reasons else "",
            )
        )
        if cat.unreachable:
            lines.append(
                html_text(
                    services,
                    lang,
                    "rollcall-card-pending-unreachable",
                    count=num(cat.no_answer, lang),
                    unreachable=num(cat.unreachable, lang),
                )
            )
        else:
            lines.append(
                html_text(services, lang, "rollcall-card-pending", count=num(cat.no_answer, lang))
            )
    lines.append("")
    if rc.batch_id is not None and rc.is_open:
        progress = await outbox.batch_progress(db, rc.batch_id)
        if progress.total:
            lines.append(
                html_text(
                    services,
                    lang,
                    "rollcall-card-sent",
                    sent=num(progress.sent, lang),
                    total=num(progress.total, lang),
                )
            )
    parts = [
        plain_text(
            services, lang, "rollcall-card-excluded-" + kind, count=num(excluded[kind], lang)
        )
        for kind in ("unlinked", "bertugas", "nonaktif")
        if excluded.get(kind)
    ]
    if parts:
        lines.append(html_text(services, lang, "rollcall-card-excluded", parts=" · ".join(parts)))
    if rc.is_open:
        lines.append(html_text(services, lang, "rollcall-card-hint"))
    markup = None
    if rc.is_open:
        markup = markup_json(
            [
                [
                    (
                        plain_text(services, lang, "rollcall-button-remind"),
                        callback_data.encode(NS, "rem", rc.id),
                    )
                ],
                [
                    (
                        plain_text(services, lang, "rollcall-button-extend", minutes=m),
                        callback_data.encode(NS, "ext", rc.id, m),
                    )
                    for m in EXTEND_CHOICES
                ],
                [
                    (
                        plain_text(services, lang, "rollcall-button-close"),
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


def refresher(services: Services) -> CardRefresher:
    found = services.extras.get("apel.cards")
    if not isinstance(found, CardRefresher):
        found = services.extras["apel.cards"] = CardRefresher()
    return found


def actor_scope_text(services: Services, actor: Actor) -> str:
    values = sorted(actor.scope.categories) + sorted(actor.scope.units)
    return ", ".join(values) if values else "-"
