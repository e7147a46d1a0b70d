"""Telegram in and out: one module per capability, each with `register(app)`."""

from __future__ import annotations

from bot.services import SiagaApp
from handlers import (
    apel,
    callout,
    dashboard,
    errors,
    exports,
    gate,
    groups,
    help,
    language,
    locations,
    reachability,
    readiness,
    registration,
    roles,
    status,
    text_input,
)


def register_all(app: SiagaApp) -> None:
    # Order matters within group 0: the first matching handler wins, so specific commands come
    # before the free-text router, and the unknown-command hint comes last.
    gate.register(app)
    registration.register(app)
    reachability.register(app)
    roles.register(app)
    help.register(app)
    language.register(app)
    # Location claims are tried in this order: an arrival or a site pin before an apel answer.
    callout.register(app)
    apel.register(app)
    readiness.register(app)
    groups.register(app)
    status.register(app)
    dashboard.register(app)
    exports.register(app)
    locations.register(app)
    text_input.register(app)
    help.register_fallback(app)
    errors.register(app)
