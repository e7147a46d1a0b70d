"""Telegram unreachable when the bot starts: it waits with backoff, logs about once a minute,
and starts by itself when the network returns (no traceback, no exit, no restart loop)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import build_application
from bot.config import Settings
from bot.rehearsal.fake_telegram import FakeTelegram
from bot.runner import StartRetry, start_app, stop_app
from tests.harness import TOKEN

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_the_bot_waits_for_telegram_and_starts_when_it_is_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        db_path=tmp_path / "siaga.db",
        api_base_url=f"{base}/bot",
        api_file_url=f"{base}/file/bot",
    )
    app = build_application(settings)
    fake = FakeTelegram(port=port, token=TOKEN)
    # Injected time: each wait advances a fake clock instead of sleeping; after eight failed
    # attempts (183 s of backoff) the network "returns".
    clock = [0.0]
    waits: list[float] = []

    async def wait(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds
        if len(waits) == 8:
            await fake.start()

    caplog.set_level(logging.INFO, logger="bot.runner")
    try:
        await asyncio.wait_for(
            start_app(
                app,
                poll_timeout=1,
                retry=StartRetry(first_delay=1, max_delay=60, log_every=60),
                sleep=wait,
                monotonic=lambda: clock[0],
            ),
            timeout=60,
        )
        assert app.running
        assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
        lines = [r for r in caplog.records if r.name == "bot.runner"]
        warnings = [r.getMessage() for r in lines if r.levelno == logging.WARNING]
        # Failures at 0, 1, 3, 7, 15, 31, 63 and 123 s: a line at 0, 63 and 123 s only.
        assert len(warnings) == 3, warnings
        assert all("Telegram cannot be reached" in w for w in warnings)
        assert any("Telegram reached after 8 failed attempts" in r.getMessage() for r in lines)
        # And it works: the bot answers through the fake that came up late.
        await fake.user(1001, "Andi").send("/start")
        await fake.wait_for_message(1001, "")
    finally:
        if app.running:
            await stop_app(app)
        await fake.stop()


def test_a_refused_token_is_one_line_and_no_restart_loop(tmp_path: Path) -> None:
    async def serve_refusing() -> str:
        async with FakeTelegram(token="999999999:AAEadifferentTokenThanTheBotHasxx") as fake:
            env = {k: v for k, v in os.environ.items() if not k.startswith("SIAGA_")}
            env.update(
                PYTHONPATH=str(ROOT),
                SIAGA_DB_PATH=str(tmp_path / "siaga.db"),
                SIAGA_BOT_TOKEN=TOKEN,
                SIAGA_API_BASE_URL=f"{fake.base_url}/bot",
                SIAGA_API_FILE_URL=f"{fake.base_url}/file/bot",
            )
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            _out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
            assert proc.returncode == 2
            return err.decode()

    err = asyncio.run(serve_refusing())
    assert "Traceback" not in err
    assert "Token tidak berlaku di Telegram" in err
