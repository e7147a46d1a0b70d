"""Webhook mode: Telegram posts updates to us; each is committed before we answer 200.

PTB's own webhook server answers Telegram before the update is processed or stored, so a
crash loses it. Here the update goes through the same inbox as polling (`InboxUpdater.accept`)
and only a committed update is acknowledged; a failed commit answers 500 and Telegram retries.
A request without the secret token Telegram was given is refused with 403.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update

from bot.transport.inbox import InboxUpdater

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookReceiver:
    def __init__(
        self, updater: InboxUpdater, bot: Bot, *, listen: str, port: int, secret: str
    ) -> None:
        self._updater = updater
        self._bot = bot
        self._listen = listen
        self._port = port
        self._secret = secret.encode()
        self._runner: web.AppRunner | None = None
        self.refused = 0
        self.accepted = 0

    @property
    def port(self) -> int:
        """The bound port (useful when configured as 0)."""
        return self._port

    async def start(self, webhook_url: str) -> None:
        path = urlsplit(webhook_url).path or "/"
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(path, self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._listen, self._port)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        await self._updater.replay()
        await self._bot.set_webhook(
            url=webhook_url,
            secret_token=self._secret.decode(),
            allowed_updates=Update.ALL_TYPES,
        )
        log.info("webhook listening on %s:%s%s", self._listen, self._port, path)

    async def stop(self) -> None:
        # The webhook stays registered: Telegram keeps updates queued until we are back.
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        offered = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(offered, self._secret):
            self.refused += 1
            log.warning("webhook request without the right secret token refused")
            return web.Response(status=403)
        try:
            payload: Any = await request.json()
        except ValueError:
            return web.Response(status=400)
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return web.Response(status=400)
        try:
            await self._updater.accept([payload])
        except Exception:
            log.exception(
                "update %s not committed; Telegram will send it again", payload["update_id"]
            )
            return web.Response(status=500)
        self.accepted += 1
        return web.Response(status=200)
