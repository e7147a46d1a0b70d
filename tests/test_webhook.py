"""Webhook mode: only requests carrying the secret token are processed; nothing is lost."""

from __future__ import annotations

import aiohttp
import pytest

from bot.runner import WEBHOOK
from bot.transport.webhook import SECRET_HEADER, WebhookReceiver
from storage import inbox
from tests.harness import BotHarness

SECRET = "s3cret-token_for-tests"


def _update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Andi"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1707900000,
            "chat": {"id": user_id, "type": "private", "first_name": "Andi"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


@pytest.fixture
async def webhook_bot(harness: BotHarness) -> tuple[BotHarness, str]:
    await harness.start(
        webhook_url="http://127.0.0.1:0/telegram", webhook_port=0, webhook_secret=SECRET
    )
    receiver = harness.services.extras[WEBHOOK]
    assert isinstance(receiver, WebhookReceiver)
    return harness, f"http://127.0.0.1:{receiver.port}/telegram"


async def test_webhook_is_registered_with_the_secret(webhook_bot: tuple[BotHarness, str]) -> None:
    harness, _url = webhook_bot
    call = harness.fake.last_call("setWebhook")
    assert call.params["secret_token"] == SECRET
    assert not harness.fake.calls("getUpdates")


async def test_requests_without_the_secret_are_refused(
    webhook_bot: tuple[BotHarness, str],
) -> None:
    harness, url = webhook_bot
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=_update(1, 5001, "/bantuan")) as response:
            assert response.status == 403
        wrong = {SECRET_HEADER: "guess"}
        async with session.post(url, json=_update(2, 5001, "/bantuan"), headers=wrong) as response:
            assert response.status == 403
    assert await inbox.count(harness.db) == 0
    assert not harness.fake.sent_to(5001)


async def test_an_update_with_the_secret_is_committed_and_answered(
    webhook_bot: tuple[BotHarness, str],
) -> None:
    harness, url = webhook_bot
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=_update(7, 5002, "/bantuan"), headers={SECRET_HEADER: SECRET}) as r,
    ):
        assert r.status == 200
    await harness.fake.wait_for_message(5002, "belum terdaftar")


def test_webhook_mode_needs_a_well_formed_secret(harness: BotHarness) -> None:
    with pytest.raises(ValueError, match="SIAGA_WEBHOOK_SECRET"):
        harness.settings(webhook_url="https://siaga.example/tg", webhook_secret=None)
    with pytest.raises(ValueError, match="SIAGA_WEBHOOK_SECRET"):
        harness.settings(webhook_url="https://siaga.example/tg", webhook_secret="has space")
