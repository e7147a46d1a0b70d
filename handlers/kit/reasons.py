"""The one reason list (`bot.domain.reasons.REASONS`) as people read it, and the free text a
person types after *Lainnya* (the roll call, readiness and a declined call-out ask for it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.domain import callback_data
from bot.domain.apel import REASON_TEXT_MAX, UNTIL_CHOICES
from bot.services import Services, SiagaApp, SiagaContext
from handlers.common import Button, reply
from handlers.kit.text import renderer
from handlers.text_input import expects

# Readiness's buttons. The until buttons are readiness's wherever they are shown (a readiness
# check shows them under its prompt), so they carry its namespace.
READINESS_NS = "rd"
UNTIL_ACTION = "u"
# `(update, context, argument, reason)`: the feature records the reason typed for `argument`.
ReasonText = Callable[[Update, SiagaContext, str, str], Awaitable[None]]


def reason_label(services: Services, lang: str, reason: str | None) -> str:
    """`Sakit`, `Dinas luar`…; no reason given reads as `Lainnya`."""
    return renderer(services, lang).text("reason-" + (reason or "lainnya").replace("_", "-"))


def until_rows(services: Services, lang: str) -> list[list[Button]]:
    """How long a TIDAK SIAP lasts (answered by `handlers.readiness`)."""
    return [
        [
            (
                renderer(services, lang).text("readiness-until-" + code),
                callback_data.encode(READINESS_NS, UNTIL_ACTION, code),
            )
            for code in UNTIL_CHOICES
        ]
    ]


def expects_reason_text(
    app: SiagaApp,
    kind: str,
    record: ReasonText,
    *,
    write_key: str,
    too_long_key: str | None = None,
) -> None:
    """Answer the pending input `kind[:argument]` with the reason typed: spaces collapsed,
    at most `REASON_TEXT_MAX` characters (cut, or refused with `too_long_key`); nothing
    written is asked for again (`write_key`)."""

    async def on_text(update: Update, context: SiagaContext, argument: str, text: str) -> None:
        reason = " ".join(text.split())
        if too_long_key is not None and len(reason) > REASON_TEXT_MAX:
            await reply(update, context, too_long_key, length=len(reason))
            return
        reason = reason[:REASON_TEXT_MAX]
        if not reason:
            await reply(update, context, write_key)
            return
        await record(update, context, argument, reason)

    expects(app, kind, on_text)
