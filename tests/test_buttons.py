"""Each feature's buttons are built and read back by one pair (`callback_data.Buttons`)."""

from __future__ import annotations

from enum import StrEnum

import pytest

from bot.domain import callback_data
from handlers import exports, groups, readiness, registration
from handlers.apel import keys as apel
from handlers.callout import keys as callout


@pytest.mark.parametrize(
    ("buttons", "action", "args", "data"),
    [
        (apel.BUTTONS, apel.Action.PRESENT, (12, "p"), "ap:v1:y:12:p"),
        (callout.BUTTONS, callout.Action.ACCEPT, (12,), "co:v1:ok:12"),
        (readiness.BUTTONS, readiness.Action.REASON, ("sakit",), "rd:v1:r:sakit"),
        (groups.POSKO_BUTTONS, groups.Setting.CHART_ON, (-100123,), "posko:v1:chart1:-100123"),
        (groups.JAM_RAWAN_BUTTONS, groups.JamRawan.ON, (), "jr:v1:on"),
        (exports.BUTTONS, exports.Step.PICK, ("a", 5), "ex:v1:i:a:5"),
        (registration.BUTTONS, registration.Decision.APPROVE, (9,), "reg:v1:ok:9"),
    ],
)
def test_button_actions_are_built_and_read_back_by_one_pair(
    buttons: callback_data.Buttons[StrEnum],
    action: StrEnum,
    args: tuple[str | int, ...],
    data: str,
) -> None:
    assert buttons.data(action, *args) == data
    for each in buttons.actions:
        decoded = callback_data.decode(buttons.data(each, 7))
        assert decoded is not None
        assert buttons.action_of(decoded) is each
        assert decoded.int_arg(0) == 7
    assert buttons.action_of(callback_data.CallbackData(buttons.namespace, "zz")) is None
