"""The whole bot in its own process, on a clock the parent test moves: the victim of
tests/test_crash_random.py.

    CRASH_CLOCK_FILE=… SIAGA_DB_PATH=… SIAGA_BOT_TOKEN=… SIAGA_API_BASE_URL=… \\
        python -m tests.crash_child

The application is the production one (`build_application`, `start_app`, `stop_app`, the
same pieces `python -m bot run` goes through); only the clock differs. Prints `ready` once
it polls for updates (the test starts it through `run` instead, see there); SIGTERM stops it
cleanly, SIGKILL is the point of the test.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

import asyncio
import contextlib
import signal
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.app import build_application
from bot.config import Settings
from bot.logging_setup import configure_logging
from bot.runner import start_app, stop_app

CLOCK_ENV = "CRASH_CLOCK_FILE"
# How often the child looks at the clock file. A FakeClock object cannot cross a process
# boundary, so "the parent moved time" reaches the scheduler at most this late; the test
# never depends on the lag (it waits for effects, not for time).
POLL_S = 0.005


def write_clock(path: Path, moment: datetime) -> None:
    """The parent's side: publish `moment` atomically (a reader never sees half a line)."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(moment.isoformat(), encoding="utf-8")
    os.replace(temporary, path)


class FileClock:
    """`bot.clock.Clock` read from a file the parent test rewrites (ISO-8601 with offset).

    `now()` is the last value seen; `watch()` polls the file and, like `FakeClock.set`, calls
    the listeners (the scheduler's wake-up) when it changed.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._text = path.read_text(encoding="utf-8")
        self._now = datetime.fromisoformat(self._text)
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> datetime:
        return self._now

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    async def watch(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            text = self._path.read_text(encoding="utf-8")
            if text == self._text:
                continue
            self._text = text
            self._now = datetime.fromisoformat(text)
            for listener in list(self._listeners):
                listener()


async def main(announce: Callable[[], None]) -> None:
    """Run the bot until SIGTERM; `announce()` once it polls for updates."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.bot_token is not None, "SIAGA_BOT_TOKEN is not set"
    configure_logging(settings.bot_token.get_secret_value())
    clock = FileClock(Path(os.environ[CLOCK_ENV]))
    app = build_application(settings, clock=clock)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    # A short long-poll like the in-process harness: a clean stop does not wait 30 s on it.
    await start_app(app, poll_timeout=1)
    watcher = asyncio.create_task(clock.watch(), name="crash-child-clock")
    announce()
    await stop.wait()
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher
    await stop_app(app)


def run(env: dict[str, str], log_path: str, ready_path: str) -> None:
    """The target of a forkserver process: the parent imports the bot once in its fork
    server (a second per start otherwise, tens of restarts per test file), each child only
    builds and runs it. Output goes to `log_path`, `ready_path` appears once it polls."""
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    os.environ.update(env)
    asyncio.run(main(Path(ready_path).touch))


if __name__ == "__main__":
    asyncio.run(main(lambda: print("ready", flush=True)))
