"""/bantuan fits a phone for every role; `/bantuan NAME` gives one command's example and syntax."""

from __future__ import annotations

import pytest

from bot.domain.apel import utf16_len
from tests.harness import COMMANDER_ID, KOMANDAN, BotHarness, brimob
from tests.test_apel_e2e import ADMIN_ID, start

# Read on a phone without scrolling through a manual: details come per command, on request.
HELP_MAX_CHARS = 900


@pytest.mark.parametrize(
    ("user_id", "title", "example"),
    [(COMMANDER_ID, "komandan", "mobilize"), (ADMIN_ID, "admin", "angkat")],
)
async def test_help_for_commanders_and_admins_is_short(
    harness: BotHarness, user_id: int, title: str, example: str
) -> None:
    await start(harness, [KOMANDAN, brimob(1)])
    person = harness.fake.user(user_id)
    await person.send("/bantuan")
    text = (await harness.fake.wait_for_message(user_id, f"perintah untuk {title}")).text or ""
    assert utf16_len(text) < HELP_MAX_CHARS, text
    assert "/mobilize — " in text
    assert f"/bantuan {example}" in text
    assert "Contoh" not in text


async def test_help_for_one_command_shows_its_example_and_syntax(harness: BotHarness) -> None:
    await start(harness, [KOMANDAN, brimob(1)])
    commander = harness.fake.user(COMMANDER_ID)
    await commander.send("/bantuan /gerakkan")
    detail = await harness.fake.wait_for_message(COMMANDER_ID, "/mobilize — Gerakkan")
    assert "Contoh: /mobilize BRIMOB 30" in (detail.text or "")
    assert "tugas:" in (detail.text or "")

    member = harness.fake.user(1001)
    await member.send("/bantuan angkat")
    await harness.fake.wait_for_message(1001, 'Perintah "angkat" tidak ada dalam daftar Anda')
    await member.send("/bantuan siap")
    await harness.fake.wait_for_message(1001, "Contoh: /siap")
