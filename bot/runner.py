"""Starting and stopping the bot (polling or webhook), the same way in production and tests.

`Application.run_polling` would own the event loop; the tests need the loop, so both paths
go through `start_app` / `stop_app` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update
from telegram.error import NetworkError

from bot.app import build_application, services_of
from bot.config import Settings
from bot.services import PartKey, SiagaApp
from bot.transport.inbox import InboxUpdater
from bot.transport.web import WebServer
from bot.transport.webhook import MAX_UPDATE_BYTES, WEBHOOK_SERVER, WebhookReceiver
from storage.db import Database

log = logging.getLogger(__name__)

WEBHOOK = PartKey[WebhookReceiver]("webhook")


@dataclass(frozen=True)
class StartRetry:
    """Waiting for Telegram at start: a network blip (or a server booting before its network)
    must not kill the bot, nor fill the log. Backoff doubles up to `max_delay`; one log line
    per `log_every` seconds at most."""

    first_delay: float = 1.0
    max_delay: float = 60.0
    log_every: float = 60.0


async def initialize_when_reachable(
    app: SiagaApp,
    retry: StartRetry,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> None:
    """`app.initialize()` (which asks Telegram getMe), retried while Telegram cannot be
    reached. A refused token is not retried: it raises InvalidToken at once."""
    delay = retry.first_delay
    next_log = float("-inf")
    failures = 0
    while True:
        try:
            await app.initialize()
        except NetworkError as exc:
            failures += 1
            now = monotonic()
            if now >= next_log:
                log.warning(
                    "Telegram cannot be reached (%s); retrying until it can, attempt %d",
                    exc,
                    failures,
                )
                next_log = now + retry.log_every
            await sleep(delay)
            delay = min(delay * 2, retry.max_delay)
            continue
        if failures:
            log.info("Telegram reached after %d failed attempts; starting", failures)
        return


async def start_app(
    app: SiagaApp,
    *,
    poll_timeout: int = 30,
    retry: StartRetry = StartRetry(),
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> None:
    await initialize_when_reachable(app, retry, sleep=sleep, monotonic=monotonic)
    services = services_of(app)
    settings = services.settings
    updater = app.updater
    webhook_url = settings.webhook_url if isinstance(updater, InboxUpdater) else None
    if webhook_url is not None:
        # Before post_init: the dashboard, started there, adds its routes to this server when
        # it is configured on the same address and port.
        services.extras[WEBHOOK_SERVER] = WebServer(
            settings.webhook_listen, settings.webhook_port, client_max_size=MAX_UPDATE_BYTES
        )
    # post_init only runs by itself inside run_polling/run_webhook.
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    if webhook_url is not None and isinstance(updater, InboxUpdater):
        receiver = WebhookReceiver(
            updater,
            app.bot,
            server=services.extras[WEBHOOK_SERVER],
            path=settings.webhook_path,
            secret=settings.webhook_secret.get_secret_value() if settings.webhook_secret else "",
        )
        services.extras[WEBHOOK] = receiver
        await receiver.start(webhook_url)
    elif app.updater is not None:
        await app.updater.start_polling(
            poll_interval=0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
        )


async def stop_app(app: SiagaApp) -> None:
    services = services_of(app)
    services.extras.pop(WEBHOOK)
    # The webhook's server ends the dashboard's streams too when it shares it (on_shutdown).
    server = services.extras.pop(WEBHOOK_SERVER)
    if server is not None:
        await server.stop()
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


async def serve(settings: Settings) -> None:
    app = build_application(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    # The database first: a file that cannot be used is said at once, not after Telegram
    # has been waited for (the services open it again in post_init).
    await (await Database.open(settings.db_path)).close()
    starting = asyncio.ensure_future(start_app(app))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not starting.done():
        # SIGTERM while Telegram was still being waited for: stop now, not at systemd's
        # SIGKILL. Nothing had started yet.
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starting
        return
    stopping.cancel()
    starting.result()
    # What is loaded by now (PTB, handlers, catalogs, matplotlib) lives as long as the process:
    # freezing it keeps every later full collection from walking ~200,000 objects, which
    # stalled the event loop ~100 ms each time (seen as /status's p95 in bench/status_bench.py).
    # Here and not in start_app: tests start many apps in one process, and frozen cycles are
    # never collected.
    gc.freeze()
    try:
        await stop.wait()
    finally:
        await stop_app(app)


def run_bot(settings: Settings) -> None:
    asyncio.run(serve(settings))
