"""A fake Telegram Bot API server for end-to-end tests and the local simulator.

Typical use in a test::

    async with FakeTelegram() as fake:
        app = (
            ApplicationBuilder()
            .token(DEFAULT_TOKEN)
            .base_url(fake.api_base_url)
            .base_file_url(fake.file_base_url)
            .build()
        )
        andi = fake.user(1001, "Andi")
        await andi.send("/start")
        await fake.wait_for_message(andi, "Selamat datang")
        assert fake.spec_violations == []

Known gaps: Markdown/MarkdownV2 text is stored unparsed; inline mode, webhooks delivery
and media groups are not simulated (unimplemented methods answer 501 and are listed in
``unimplemented_calls``).
"""

from .api import NOT_MODIFIED, BotApi
from .faults import Faults, RateLimits
from .models import (
    SENDING_METHODS,
    ApiError,
    ChatState,
    MessageVersion,
    RecordedRequest,
    SentMessage,
    UploadedFile,
)
from .server import DEFAULT_TOKEN, CallbackQueryRecord, FakeTelegram
from .sim import SimGroup, SimUser
from .spec import BotApiSpec, load_spec

__all__ = [
    "DEFAULT_TOKEN",
    "NOT_MODIFIED",
    "SENDING_METHODS",
    "ApiError",
    "BotApi",
    "BotApiSpec",
    "CallbackQueryRecord",
    "ChatState",
    "FakeTelegram",
    "Faults",
    "MessageVersion",
    "RateLimits",
    "RecordedRequest",
    "SentMessage",
    "SimGroup",
    "SimUser",
    "UploadedFile",
    "load_spec",
]
