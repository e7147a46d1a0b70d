"""Webhook mode: Telegram posts updates to us; each is committed before we answer 200.

PTB's own webhook server answers Telegram before the update is processed or stored, so a
crash loses it. Here the update goes through the same inbox as polling (`InboxUpdater.accept`)
and only a committed update is acknowledged; a failed commit answers 500 and Telegram retries.
A request without the secret token Telegram was given is refused with 403.

Its server (`bot.transport.web.WebServer`) is the runner's: the dashboard, configured on the
same address and port, adds its routes to it (`WEBHOOK_SERVER`).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiohttp import web
from telegram import Bot, Update

from bot.services import PartKey
from bot.transport.inbox import InboxUpdater
from bot.transport.web import WebServer

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram posts updates of up to this size.
MAX_UPDATE_BYTES = 1024 * 1024
# The webhook's server while the bot runs in webhook mode, for a dashboard that shares it.
WEBHOOK_SERVER = PartKey[WebServer]("webhook.server")


class WebhookReceiver:
    def __init__(
        self, updater: InboxUpdater, bot: Bot, *, server: WebServer, path: str, secret: str
    ) -> None:
        self._updater = updater
        self._bot = bot
        self._server = server
        self._path = path
        self._secret = secret.encode()
        server.app.router.add_post(path, self._receive)
        self.refused = 0
        self.accepted = 0

    @property
    def port(self) -> int:
        """The bound port (useful when configured as 0)."""
        return self._server.port

    async def start(self, webhook_url: str) -> None:
        # Stopped by the runner, which owns the server; the webhook stays registered then:
        # Telegram keeps updates queued until we are back.
        await self._server.start()
        await self._updater.replay()
        await self._bot.set_webhook(
            url=webhook_url,
            secret_token=self._secret.decode(),
            allowed_updates=Update.ALL_TYPES,
        )
        log.info("webhook listening on %s:%s%s", self._server.listen, self.port, self._path)

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
            # A sender gone away (the server cancels its handler) must not cut a commit short:
            # what is committed is kept, and Telegram sends the update again.
            await asyncio.shield(self._updater.accept([payload]))
        except Exception:
            log.exception(
                "update %s not committed; Telegram will send it again", payload["update_id"]
            )
            return web.Response(status=500)
        self.accepted += 1
        return web.Response(status=200)
