"""PTB's bot with one change: button answers leave on the lean HTTP client.

When 3,294 people tap *Hadir* in the same second, every tap is answered with an
`answerCallbackQuery`, and through PTB's request stack (`ExtBot` → rate limiter →
`HTTPXRequest`) each one cost ~1 ms of the event loop, a third of all the work a tap caused
(bench/README.md, ingest). The drainer's `BotApiClient` posts the same JSON for a fraction of
that. Answers are not paced (Telegram does not count them as messages), so nothing is lost
by skipping the rate limiter. Anything unusual — an error answer, an argument the lean path
does not send — goes through PTB, which raises the exception handlers expect.

The tap lane answers a whole batch at once with `answer_ahead`, pipelined on a few
connections (`bot/transport/pipeline.py`), before it writes the taps: a tap is safe in the inbox by
then. Should the lane's write fail, the taps go through the usual handlers, whose answers
for queries answered ahead are dropped here, so nobody is answered twice; should those fail
too, the update stays in the inbox and runs again (`bot/transport/inbox.py`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.delivery.client import DEFAULT_API_BASE, ApiAnswer, BotApiClient
from bot.delivery.limits import SharedRateLimiter
from bot.transport.pipeline import PipelinedClient

# As many answers in flight as taps can usefully overlap; more only queues in the kernel.
ANSWER_CONNECTIONS = 64
# What only PTB's own answer carries: an answer with any of them goes through PTB.
_NOT_PLAIN = ("url", "cache_time", "api_kwargs")
# A burst's answers are pipelined over this many connections: a batch of 100 taps goes out as
# a few writes, and one slow answer holds up only its connection's share.
PIPELINED_CONNECTIONS = 4
# Telegram's words for a callback query that can no longer be answered.
_EXPIRED = "query is too old"

log = logging.getLogger(__name__)


class SiagaBot(ExtBot[None]):
    def __init__(
        self, *args: Any, answers: BotApiClient, pipeline: PipelinedClient, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._answers = answers
        self._pipeline = pipeline
        # Callback queries answered ahead of their handling (`answer_ahead`) and not settled:
        # if their handling falls back to the usual handlers, those must not answer again.
        self._answered_ahead: set[str] = set()

    def answer_ahead(self, answers: Sequence[tuple[str, str]]) -> asyncio.Future[None]:
        """Answer these `(callback_query_id, text)` now, before the work they confirm is
        written (the tap lane: each tap is committed in the inbox already, so a crash re-runs
        it rather than losing it). Until `settle`, a later `answer_callback_query` for one of
        them does nothing: the person has had their toast."""
        self._answered_ahead.update(query_id for query_id, _ in answers)
        return asyncio.ensure_future(self._answer_all(answers))

    def answered_ahead(self, query_id: str) -> bool:
        """Was this query answered ahead and its work not written yet?"""
        return query_id in self._answered_ahead

    def settle(self, query_ids: Iterable[str]) -> None:
        """The work behind these early answers is written: forget them."""
        self._answered_ahead.difference_update(query_ids)

    async def initialize(self) -> None:
        await super().initialize()
        await self._answers.start()

    async def shutdown(self) -> None:
        await self._pipeline.close()
        await self._answers.close()
        await super().shutdown()

    async def answer_callback_query(
        self,
        callback_query_id: str,
        text: str | None = None,
        show_alert: bool | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        # The rest of PTB's parameters (url, cache_time, timeouts, api_kwargs) are passed on as
        # they came: their types are private to PTB, and naming them would tie this override
        # to one PTB release.
        if callback_query_id in self._answered_ahead:
            # Answered ahead by the lane, whose batch then failed: the usual handler redoes
            # the work, and a second answer would be refused by Telegram at best. The query
            # stays "answered ahead" until its work is written (`settle`), so a failure of the
            # usual handler too is known for what it is: a promise not yet kept.
            return True
        if not args and all(kwargs.get(name) in (None, {}) for name in _NOT_PLAIN):
            done = await self._lean_answer(callback_query_id, text, bool(show_alert))
            if done is not None:
                return done
        return await super().answer_callback_query(
            callback_query_id, text, show_alert, *args, **kwargs
        )

    async def _answer_all(self, answers: Sequence[tuple[str, str]]) -> None:
        payloads = [{"callback_query_id": query_id, "text": text} for query_id, text in answers]
        results = await self._pipeline.call_many("answerCallbackQuery", payloads)

        async def again(query_id: str, text: str, answer: ApiAnswer | None) -> None:
            # Not answered on the pipeline (a lost connection), or refused: one at a time.
            if answer is None and await self._lean_answer(query_id, text, False) is not None:
                return
            await super(SiagaBot, self).answer_callback_query(query_id, text)

        retries = [
            again(query_id, text, answer)
            for (query_id, text), answer in zip(answers, results, strict=True)
            if answer is None or self._outcome(query_id, answer) is None
        ]
        for result in await asyncio.gather(*retries, return_exceptions=True):
            if isinstance(result, Exception):
                # The tap is recorded all the same, and its edited message shows it.
                log.warning("answering a tap failed: %s", result)

    async def _lean_answer(self, query_id: str, text: str | None, show_alert: bool) -> bool | None:
        """True: answered; False: too old to answer; None: not done here, PTB should try
        (and raise what the handlers expect)."""
        if not self._answers.started:
            return None
        payload: dict[str, Any] = {"callback_query_id": query_id}
        if text is not None:
            payload["text"] = text
        if show_alert:
            payload["show_alert"] = True
        return self._outcome(query_id, await self._answers.call("answerCallbackQuery", payload))

    @staticmethod
    def _outcome(query_id: str, answer: ApiAnswer) -> bool | None:
        if answer.ok:
            return True
        if answer.status == 400 and _EXPIRED in answer.description.lower():
            # Telegram waits ~15 s for an answer; a tap re-run after a restart, or one
            # queued that long, is past it. The work is done; only the toast is lost.
            log.info("callback query %s expired before it was answered", query_id)
            return False
        return None


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
        pipeline=PipelinedClient(
            base_url,
            token,
            connections=PIPELINED_CONNECTIONS,
            timeout_s=settings.delivery_timeout_s,
        ),
    )
