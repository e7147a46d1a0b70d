"""The posko dashboard: a Mini App for commanders and a read-only big screen for the posko.

- `web.py`: the aiohttp server (pages, authentication, live updates)
- `views.py`: what the pages show, rendered as HTML on the server
- `dasbor.py`: /dasbor (the Mini App button; big-screen links in a posko group)
- `buttons.py`: the `Dasbor` button other features add to /status and their rekaps, and
  the commanders' menu button

Off unless `SIAGA_WEB_URL` is set: then the server starts with the bot and stops with it (in
webhook mode on the webhook's address and port, the webhook's server serves it too).
"""

from __future__ import annotations

from bot.services import PartKey, Services, SiagaApp
from bot.transport.webhook import WEBHOOK_SERVER
from handlers.common import command
from handlers.dashboard.buttons import (
    USERNAME_KEY,
    set_menu_button,
    with_dashboard,
    with_dashboard_json,
)
from handlers.dashboard.web import DashboardServer

SERVER_KEY = PartKey[DashboardServer]("dashboard.server")

__all__ = [
    "register",
    "server_of",
    "set_menu_button",
    "start_web",
    "stop_web",
    "with_dashboard",
    "with_dashboard_json",
]


def server_of(services: Services) -> DashboardServer | None:
    return services.extras.get(SERVER_KEY)


async def start_web(app: SiagaApp, services: Services) -> None:
    """Called once the database is open: serve the dashboard when it is configured."""
    if services.settings.web_url is None:
        return
    services.extras[USERNAME_KEY] = app.bot.username
    server = DashboardServer(services)
    shared = services.extras.get(WEBHOOK_SERVER) if services.settings.web_shares_webhook else None
    await server.start(shared)
    services.extras[SERVER_KEY] = server


async def stop_web(services: Services) -> None:
    server = services.extras.pop(SERVER_KEY)
    if server is not None:
        await server.stop()


def register(app: SiagaApp) -> None:
    # Imported here: the command uses /status's helpers, and /status imports this package's
    # button helper.
    from handlers.dashboard.dasbor import dasbor_command

    app.add_handler(command("dasbor", dasbor_command))
