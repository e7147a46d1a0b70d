"""A renderer bound to one language: what every feature's rendering code needs in hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.i18n import format_moment, format_number, format_time
from bot.services import Services


@dataclass(frozen=True)
class Renderer:
    services: Services
    lang: str

    def html(self, key: str, **args: str | int | float) -> str:
        """Message text (HTML, arguments escaped)."""
        return self.services.catalog.html(self.lang, key, **args)

    def text(self, key: str, **args: str | int | float) -> str:
        """Plain text: buttons, callback answers, keyboard labels."""
        return self.services.catalog.text(self.lang, key, **args)

    def number(self, value: int) -> str:
        return format_number(value, self.lang)

    def when(self, moment: datetime, now: datetime) -> str:
        """`13.30 WIB` today; with the date on another day (a roll call may run past midnight)."""
        zone = self.services.settings.zone
        if moment.astimezone(zone).date() == now.astimezone(zone).date():
            return format_time(moment, zone, self.lang)
        return format_moment(moment, zone, self.lang)


def renderer(services: Services, lang: str) -> Renderer:
    return Renderer(services, lang)
