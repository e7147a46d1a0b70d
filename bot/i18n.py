"""Fluent catalogs: `locales/<lang>/*.ftl`, Indonesian the reference, English the same keys."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fluent.runtime import FluentBundle, FluentResource

from locales import ftl_files

LANGUAGES = ("id", "en")
_BABEL_LOCALE = {"id": "id_ID", "en": "en_GB"}

Arg = str | int | float


class MissingMessageError(KeyError):
    pass


class Catalog:
    def __init__(self, bundles: Mapping[str, FluentBundle], default: str = "id") -> None:
        self._bundles = dict(bundles)
        self.default = default

    @classmethod
    def load(cls, default: str = "id") -> Catalog:
        bundles: dict[str, FluentBundle] = {}
        for lang in LANGUAGES:
            bundle = FluentBundle([_BABEL_LOCALE[lang]], use_isolating=False)
            for entry in ftl_files(lang):
                bundle.add_resource(FluentResource(entry.read_text("utf-8")))
            bundles[lang] = bundle
        return cls(bundles, default)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._bundles)

    def has(self, lang: str, key: str) -> bool:
        return self._bundle(lang).has_message(key)

    def text(self, lang: str, key: str, **args: Arg) -> str:
        """Plain text: for button labels, answers to callback queries, files."""
        bundle = self._bundle(lang)
        if not bundle.has_message(key):
            raise MissingMessageError(f"{lang}:{key}")
        message = bundle.get_message(key)
        if message.value is None:
            raise MissingMessageError(f"{lang}:{key} has no value")
        result, errors = bundle.format_pattern(message.value, dict(args))
        if errors:
            raise MissingMessageError(f"{lang}:{key}: {errors[0]}")
        return str(result)

    def html(self, lang: str, key: str, **args: Arg) -> str:
        """For messages sent with parse_mode=HTML: text arguments are escaped, markup kept."""
        safe = {k: html.escape(v) if isinstance(v, str) else v for k, v in args.items()}
        return self.text(lang, key, **safe)

    def _bundle(self, lang: str) -> FluentBundle:
        return self._bundles.get(lang) or self._bundles[self.default]


def format_moment(moment: datetime, zone: ZoneInfo, lang: str, *, with_day: bool = False) -> str:
    """`14 Feb 2024 23.04 WIB`, or `Rabu, 14 Februari 2024 23.04 WIB` with the day."""
    local = moment.astimezone(zone)
    pattern = "EEEE, d MMMM y HH.mm" if with_day else "d MMM y HH.mm"
    if lang == "en":
        pattern = pattern.replace("HH.mm", "HH:mm")
    text = format_datetime(local, pattern, locale=_BABEL_LOCALE.get(lang, "id_ID"))
    return f"{text} {local.tzname()}"


def format_time(moment: datetime, zone: ZoneInfo, lang: str) -> str:
    """`23.04 WIB` (Indonesian) / `23:04 WIB` (English)."""
    local = moment.astimezone(zone)
    sep = ":" if lang == "en" else "."
    return f"{local.hour:02d}{sep}{local.minute:02d} {local.tzname()}"


def format_number(value: int, lang: str) -> str:
    """Thousands with a dot in Indonesian (`3.294`), a comma in English."""
    grouped = f"{value:,}"
    return grouped.replace(",", ".") if lang == "id" else grouped


# Telegram's limits count the text a person sees (tags parsed away) in UTF-16 code units.
CAPTION_LIMIT = 1024
_TAG = re.compile(r"<[^>]*>")


def shown_length(html_text: str) -> int:
    """How long Telegram reckons an HTML message or caption: tags parsed away, entities
    unescaped, emoji outside the BMP counted twice."""
    shown = html.unescape(_TAG.sub("", html_text))
    return len(shown.encode("utf-16-le")) // 2


def fits_caption(html_text: str) -> bool:
    return shown_length(html_text) <= CAPTION_LIMIT
