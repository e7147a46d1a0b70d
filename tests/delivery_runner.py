"""Run the delivery engine alone against `SIAGA_*` settings: the crash test's victim.

    SIAGA_DB_PATH=… SIAGA_BOT_TOKEN=… SIAGA_API_BASE_URL=http://127.0.0.1:PORT/bot \\
        python -m tests.delivery_runner

Prints `ready` once draining; SIGTERM stops it cleanly, SIGKILL is the point of the test.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

import asyncio
import signal

from bot.clock import SystemClock
from bot.config import Settings
from bot.delivery.drainer import Delivery
from bot.i18n import Catalog
from storage.db import Database


async def main() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    db = await Database.open(settings.db_path)
    delivery = Delivery(settings, db, Catalog.load(), SystemClock())
    await delivery.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await stop.wait()
    await delivery.stop()
    await db.close()


if __name__ == "__main__":
    asyncio.run(main())
