"""The composition root: settings in, a ready `Application` out."""

from __future__ import annotations

import logging
from functools import partial

from telegram.ext import ApplicationBuilder, ContextTypes, ExtBot

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.delivery.drainer import Delivery
from bot.delivery.limits import SharedRateLimiter
from bot.i18n import Catalog
from bot.retention import RetentionJob
from bot.scheduler import Scheduler
from bot.services import Services, SiagaApp, SiagaContext
from bot.transport.bot import build_bot
from bot.transport.inbox import InboxUpdateProcessor, InboxUpdater
from storage.db import Database, storage_problem

log = logging.getLogger(__name__)


def build_application(
    settings: Settings, *, clock: Clock | None = None, catalog: Catalog | None = None
) -> SiagaApp:
    services = Services(
        settings=settings,
        clock=clock or SystemClock(),
        catalog=catalog or Catalog.load(default=settings.locale),
    )
    # Built now so features can register deadline handlers in register(app); both read the
    # database through services, which opens it in post_init.
    services._scheduler = Scheduler(lambda: services.db, services.clock)
    services._delivery = Delivery(settings, lambda: services.db, services.catalog, services.clock)
    processor = InboxUpdateProcessor(1024, lambda: services.db)
    # Direct replies and the outbox drainer share one budget of Telegram's limits.
    bot: ExtBot[None] = build_bot(settings, SharedRateLimiter(services._delivery.limits))
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=SiagaContext))
        # A slow send must never hold up someone else's button answer; an update's inbox row
        # is deleted once it has been processed (bot/transport/inbox.py).
        .concurrent_updates(processor)
        .post_init(_start_services)
        .post_shutdown(_stop_services)
    )
    app = builder.build()
    # Updates are committed to the inbox before getUpdates acknowledges them; taps that a
    # feature answers a batch at a time skip PTB's update objects (bot/transport/taps.py).
    app.updater = updater = InboxUpdater(
        app.bot,
        app.update_queue,
        lambda: services.db,
        services.clock,
        lane=services.taps,
        processor=processor,
        process=app.process_update,
        on_commit_trouble=partial(_tell_ops_of_inbox, app, services),
    )
    # Pruning gives way while updates arrive (bot/domain/retention.py batch_waits_until).
    RetentionJob(
        settings, lambda: services.db, services.clock, lambda: updater.last_update_at
    ).register(services._scheduler)
    app.bot_data["services"] = services

    from handlers import register_all

    register_all(app)
    return app


def services_of(app: SiagaApp) -> Services:
    services: Services = app.bot_data["services"]
    return services


async def _tell_ops_of_inbox(
    app: SiagaApp, services: Services, error: BaseException | None
) -> None:
    """Updates cannot be committed (a full disk, a locked database): Telegram keeps them and
    nobody is answered until it is fixed, so an operator must hear of it at once."""
    from handlers.errors import tell_ops

    if error is None:
        await tell_ops(app.bot, services, "ops-updates-saved-again")
        return
    problem = storage_problem(error)
    await tell_ops(
        app.bot,
        services,
        "ops-updates-not-saved",
        problem=problem.name.lower() if problem else "other",
        error=str(error)[:300],
    )


async def _start_services(app: SiagaApp) -> None:
    services = services_of(app)
    services._db = await Database.open(services.settings.db_path)
    services._db.on_commit(services.after_commit)
    services.charts.warm()
    await services.delivery.start()
    await services.scheduler.start()
    from handlers.dashboard import start_web
    from handlers.menus import set_default_menus

    await set_default_menus(app.bot, services)
    await start_web(app, services)
    log.info("siaga started: database %s", services.settings.db_path)


async def _stop_services(app: SiagaApp) -> None:
    services = services_of(app)
    from handlers.dashboard import stop_web

    await stop_web(services)
    if services._scheduler is not None:
        await services._scheduler.stop()
    if services._delivery is not None:
        await services._delivery.stop()
    if services._db is not None:
        await services._db.close()
        services._db = None
