"""One aiohttp server on one address, for the parts of the bot that speak HTTP.

The webhook and the dashboard each get their own, or, in webhook mode with the dashboard on
the webhook's own address and port, share one: each adds its routes to `app` before it
starts (a shared route table rather than aiohttp sub-apps, whose prefix cannot be the URL
root where a dashboard may live). What a part needs around its handlers (the dashboard's
security headers) wraps its own routes, never the other's.
"""

from __future__ import annotations

from aiohttp import web


class WebServer:
    def __init__(self, listen: str, port: int, *, client_max_size: int) -> None:
        self.listen = listen
        self.port = port
        self.app = web.Application(client_max_size=client_max_size)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen (once: the second part sharing it finds it started); the bound port is read
        back, for a port configured as 0."""
        if self._runner is not None:
            return
        # No access log: a screen's link is in its path. A handler is cancelled as soon as its
        # client goes away, so a closed dashboard page frees its stream slot at once (the
        # webhook shields its commit from that).
        runner = web.AppRunner(
            self.app, access_log=None, handle_signals=False, handler_cancellation=True
        )
        await runner.setup()
        await web.TCPSite(runner, self.listen, self.port).start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        # Runs the app's on_shutdown hooks first: the dashboard ends its open streams there.
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
