"""What the owner of a batch is told: who could not be reached, and how far sending is."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.i18n import Catalog, format_number
from storage.outbox import UnreachableEntry

# People listed in one unreachable notice; more start a new message (Telegram's 4,096 chars).
NOTICE_MAX_PEOPLE = 25


@dataclass(frozen=True)
class DeliveryProgress:
    total: int
    sent: int
    failed: int
    pending: int
    eta_seconds: float | None

    @property
    def done(self) -> bool:
        return self.pending == 0


def render_unreachable_notice(
    catalog: Catalog, lang: str, batch: str, entries: list[UnreachableEntry], total: int
) -> str:
    lines = [catalog.html(lang, "delivery-unreachable-title", batch=batch, count=total)]
    for entry in entries:
        reason = catalog.text(lang, f"delivery-reason-{entry.reason}")
        if entry.name:
            lines.append(
                catalog.html(
                    lang,
                    "delivery-unreachable-person",
                    name=entry.name,
                    unit=entry.unit or "-",
                    phone=entry.phone or "-",
                    reason=reason,
                )
            )
        else:
            lines.append(
                catalog.html(
                    lang, "delivery-unreachable-chat", chat=str(entry.chat_id), reason=reason
                )
            )
    lines.append(catalog.html(lang, "delivery-unreachable-footer"))
    return "\n".join(lines)


def render_progress(catalog: Catalog, lang: str, progress: DeliveryProgress) -> str:
    args: dict[str, str | int | float] = {
        "sent": format_number(progress.sent, lang),
        "total": format_number(progress.total, lang),
        "failed": format_number(progress.failed, lang),
    }
    if progress.pending == 0 or progress.eta_seconds is None:
        key = "delivery-progress-done" if progress.failed == 0 else "delivery-progress-done-failed"
        return catalog.html(lang, key, **args)
    seconds = max(1, math.ceil(progress.eta_seconds))
    if seconds < 120:
        eta = catalog.text(lang, "delivery-eta-seconds", n=seconds)
    else:
        eta = catalog.text(lang, "delivery-eta-minutes", n=math.ceil(seconds / 60))
    return catalog.html(lang, "delivery-progress", eta=eta, **args)
