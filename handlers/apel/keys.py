"""The roll call's names: button namespace, deadline kinds, typed-input kinds, limits."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.domain import callback_data
from bot.domain.apel import MessageKey, MessageKind, RollCallKind

NS = "ap"
CLOSE_KIND = "apel.close"
REMIND_KIND = "apel.remind"
# While prompts are still going out, the card's "Terkirim x/y" is redrawn this often.
PROGRESS_KIND = "apel.progress"
REASON_INPUT = "apreason"
TITLE_INPUT = "aptitle"
FIELD_INPUT = "apfield"  # the apel's place or time, answered on the guided path
# The command that opens each kind, for hints that name it.
COMMANDS = {RollCallKind.APEL: "apel", RollCallKind.CEK: "cekkesiapan"}
# Which message a person tapped: the prompt, an automatic (t…) or a manual (m…) reminder.
SOURCE = re.compile(r"^(p|t\d{1,5}|m\d{1,5})$")


class Action(StrEnum):
    """What a roll-call button does: built into its data by `button_data`, read back by
    `action_of`."""

    PRESENT = "y"  # hadir
    ABSENT = "n"  # tidak hadir: the reasons follow
    REASON = "r"  # one reason of the list
    BACK = "b"  # back from the reasons
    REMIND = "rem"
    EXTEND = "ext"
    CLOSE = "cls"
    DRAFT_SCOPE = "ds"  # the guided opening's steps (a draft)
    DRAFT_MINUTES = "dm"
    DRAFT_POINT = "dpt"
    DRAFT_RADIUS = "drad"
    DRAFT_TITLE = "dti"
    DRAFT_FIELD = "dfl"
    DRAFT_OPEN = "dgo"
    DRAFT_CANCEL = "dx"


BUTTONS = callback_data.Buttons(NS, Action)
button_data = BUTTONS.data
action_of = BUTTONS.action_of


def key_source(key: str) -> str:
    """Back from an outbox key to the button source tag it was built from."""
    parsed = MessageKey.parse(key)
    if parsed is not None and parsed.kind is MessageKind.REMINDER and parsed.tag:
        return parsed.tag
    return "p"
