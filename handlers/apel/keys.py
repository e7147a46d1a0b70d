"""The roll call's names: button namespace, deadline kinds, typed-input kinds, limits."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.domain.apel import MessageKey, MessageKind, RollCallKind

NS = "ap"
CLOSE_KIND = "apel.close"
REMIND_KIND = "apel.remind"
# While prompts are still going out, the card's "Terkirim x/y" is redrawn this often.
PROGRESS_KIND = "apel.progress"
PROGRESS_EVERY = timedelta(seconds=5)
REASON_INPUT = "apreason"
TITLE_INPUT = "aptitle"
FIELD_INPUT = "apfield"  # the apel's place or time, answered on the guided path
# The command that opens each kind, for hints that name it.
COMMANDS = {RollCallKind.APEL: "apel", RollCallKind.CEK: "cekkesiapan"}
# Which message a person tapped: the prompt, an automatic (t…) or a manual (m…) reminder.
SOURCE = re.compile(r"^(p|t\d{1,5}|m\d{1,5})$")
# Answers arrive in bursts; the card is redrawn once per this many seconds, not per tap.
CARD_DEBOUNCE_S = 0.5


def key_source(key: str) -> str:
    """Back from an outbox key to the button source tag it was built from."""
    parsed = MessageKey.parse(key)
    if parsed is not None and parsed.kind is MessageKind.REMINDER and parsed.tag:
        return parsed.tag
    return "p"
