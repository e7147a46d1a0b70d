"""PTB's bot with one change: button answers leave on the lean HTTP client.

When 3,294 people tap *Hadir* in the same second, every tap is answered with an
`answerCallbackQuery`, and through PTB's request stack (`ExtBot` → rate limiter →
`HTTPXRequest`) each one cost ~1 ms of the event loop, a third of all the work a tap caused
(bench/README.md, ingest). The drainer's `BotApiClient` posts the same JSON for a fraction of
that. Answers are not paced (Telegram does not count them as messages), so nothing is lost
by skipping the rate limiter. Anything unusual — an error answer, an argument the lean path
does not send — goes through PTB, which raises the exception handlers expect.
"""

from __future__ import annotations

import logging
from typing import Any

# Private to PTB: the exact types of the method overridden below. pyproject.toml pins PTB's
# minor version for this reason.
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.delivery.client import DEFAULT_API_BASE, BotApiClient
from bot.delivery.limits import SharedRateLimiter

# As many answers in flight as taps can usefully overlap; more only queues in the kernel.
ANSWER_CONNECTIONS = 64
# Telegram's words for a callback query that can no longer be answered.
_EXPIRED = "query is too old"

log = logging.getLogger(__name__)


class SiagaBot(ExtBot[None]):
    def __init__(self, *args: Any, answers: BotApiClient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answers = answers

    async def initialize(self) -> None:
        await super().initialize()
        await self._answers.start()

    async def shutdown(self) -> None:
        await self._answers.close()
        await super().shutdown()

    async def answer_callback_query(
        self,
        callback_query_id: str,
        text: str | None = None,
        show_alert: bool | None = None,
        url: str | None = None,
        cache_time: TimePeriod | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
        rate_limit_args: None = None,
    ) -> bool:
        if self._answers.started and url is None and cache_time is None and not api_kwargs:
            payload: dict[str, Any] = {"callback_query_id": callback_query_id}
            if text is not None:
                payload["text"] = text
            if show_alert:
                payload["show_alert"] = True
            answer = await self._answers.call("answerCallbackQuery", payload)
            if answer.ok:
                return True
            if answer.status == 400 and _EXPIRED in answer.description.lower():
                # Telegram waits ~15 s for an answer; a tap re-run after a restart, or one
                # queued that long, is past it. The work is done; only the toast is lost.
                log.info("callback query %s expired before it was answered", callback_query_id)
                return False
        return await super().answer_callback_query(
            callback_query_id,
            text,
            show_alert,
            url,
            cache_time,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
            rate_limit_args=rate_limit_args,
        )


def build_bot(settings: Settings, rate_limiter: SharedRateLimiter) -> SiagaBot:
    """The bot `ApplicationBuilder` would build, with PTB's default connection pools."""
    if settings.bot_token is None:
        raise ValueError("SIAGA_BOT_TOKEN is not set")
    token = settings.bot_token.get_secret_value()
    base_url = settings.api_base_url or DEFAULT_API_BASE
    files = {"base_file_url": settings.api_file_url} if settings.api_file_url else {}
    return SiagaBot(
        token=token,
        base_url=base_url,
        **files,
        request=HTTPXRequest(connection_pool_size=256),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        rate_limiter=rate_limiter,
        answers=BotApiClient(
            base_url,
            token,
            timeout_s=settings.delivery_timeout_s,
            max_connections=ANSWER_CONNECTIONS,
        ),
    )
