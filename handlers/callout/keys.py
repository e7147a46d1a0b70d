"""The call-out's names: button namespace and data, deadline kinds, typed-input kinds, limits."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from bot.domain import callback_data

NS = "co"
INVITE_DEADLINE = "callout.invite"
TICK_DEADLINE = "callout.tick"
LOCATION_INPUT = "coloc"
FIELD_INPUT = "cofld"  # an optional order field, answered on the guided path
REASON_INPUT = "cowhy"
# Once the invitations are sent the card only needs the elapsed time (kit.card.next_tick).
TICK_IDLE = timedelta(minutes=1)
# While a Cepat line waits for answers, silence itself is news: the rule looks again this often.
TICK_FILL = timedelta(seconds=10)
# Telegram allows 100 inline buttons; a guided order never needs more than a screenful.
MAX_CATEGORY_BUTTONS = 30


class Action(StrEnum):
    """What a call-out button does: built into its data by `button_data`, read back by
    `action_of`."""

    SEND = "send"
    PLAN = "plan"  # a fill strategy on the confirm card
    DROP = "drop"
    CATEGORY = "cat"
    COUNT = "n"
    MORE = "more"
    FIELD = "fld"
    ACCEPT = "ok"
    DECLINE = "no"
    REASON = "why"
    PROXY_ACCEPT = "pok"
    PROXY_DECLINE = "pno"
    REMIND = "rem"
    COMPLETE = "end"
    CANCEL = "stop"
    COMPLETE_YES = "endy"
    CANCEL_YES = "stopy"
    KEEP = "keep"
    WIDEN = "wide"
    SHORT_OK = "short"  # a line's shortfall accepted


BUTTONS = callback_data.Buttons(NS, Action)
button_data = BUTTONS.data
action_of = BUTTONS.action_of
