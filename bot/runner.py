"""Starting and stopping the bot (polling or webhook), the same way in production and tests.

`Application.run_polling` would own the event loop; the tests need the loop, so both paths
go through `start_app` / `stop_app` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal

from telegram import Update

from bot.app import build_application, services_of
from bot.config import Settings
from bot.services import PartKey, SiagaApp
from bot.transport.inbox import InboxUpdater
from bot.transport.webhook import WebhookReceiver

WEBHOOK = PartKey[WebhookReceiver]("webhook")


async def start_app(app: SiagaApp, *, poll_timeout: int = 30) -> None:
    await app.initialize()
    # post_init only runs by itself inside run_polling/run_webhook.
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    settings = services_of(app).settings
    if settings.webhook_url and isinstance(app.updater, InboxUpdater):
        receiver = WebhookReceiver(
            app.updater,
            app.bot,
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            secret=settings.webhook_secret.get_secret_value() if settings.webhook_secret else "",
        )
        services_of(app).extras[WEBHOOK] = receiver
        await receiver.start(settings.webhook_url)
    elif app.updater is not None:
        await app.updater.start_polling(
            poll_interval=0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
        )


async def stop_app(app: SiagaApp) -> None:
    receiver = services_of(app).extras.pop(WEBHOOK)
    if receiver is not None:
        await receiver.stop()
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
    await start_app(app)
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
