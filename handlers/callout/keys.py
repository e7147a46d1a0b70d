"""The call-out's names: button namespace and data, deadline kinds, typed-input kinds, limits."""

from __future__ import annotations

from datetime import timedelta

from bot.domain import callback_data

NS = "co"
INVITE_DEADLINE = "callout.invite"
TICK_DEADLINE = "callout.tick"
LOCATION_INPUT = "coloc"
FIELD_INPUT = "cofld"  # an optional order field, answered on the guided path
REASON_INPUT = "cowhy"
# While invitations drain the card shows progress; afterwards it only needs the elapsed time.
TICK_DRAINING = timedelta(seconds=5)
TICK_IDLE = timedelta(minutes=1)
# While a Cepat line waits for answers, silence itself is news: the rule looks again this often.
TICK_FILL = timedelta(seconds=10)
# Telegram allows 100 inline buttons; a guided order never needs more than a screenful.
MAX_CATEGORY_BUTTONS = 30


def button_data(action: str, *args: str | int) -> str:
    return callback_data.encode(NS, action, *args)
