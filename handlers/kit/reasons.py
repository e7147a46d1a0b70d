"""The one reason list (`bot.domain.reasons.REASONS`) as people read it."""

from __future__ import annotations

from bot.services import Services
from handlers.kit.text import renderer


def reason_label(services: Services, lang: str, reason: str | None) -> str:
    """`Sakit`, `Dinas luar`…; no reason given reads as `Lainnya`."""
    return renderer(services, lang).text("reason-" + (reason or "lainnya").replace("_", "-"))
