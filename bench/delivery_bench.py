"""Delivery benchmark: a 3,294-recipient batch through the real engine and the fake Bot API.

    .venv/bin/python bench/delivery_bench.py            # everything, ~6 minutes
    .venv/bin/python bench/delivery_bench.py --quick    # N=600, for a smoke run

The fake runs in its own process (`python -m bot.rehearsal.fake_telegram`), so the engine's
numbers are not flattered or hurt by sharing one event loop with the server. Cases:

  (a) default limits (30/s overall, 1/s per chat), no added latency:  time / (N / 30)
  (b) the same with 80 ms injected on every request:                  time / (N / 30)
      next to a naive `for chat: await bot.send_message(...)` loop with PTB's
      AIORateLimiter against the same fake (run on --naive-n recipients; a ratio is a ratio)
  (c) unthrottled: limits off on both sides, sends per second (target >= 1,000/s)
      and paid broadcast (allow_paid_broadcast, 1,000/s): time / (N / 1000)
  (d) peak RSS of the engine process
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr  # noqa: E402

from bot.clock import SystemClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.delivery.drainer import Delivery  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from storage import outbox  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.outbox import OutgoingMessage, Priority  # noqa: E402

TOKEN = "123456789:AAEbenchTokenForSiagaDeliveryBench_xy"
TEXT = (
    "🚨 <b>PENGERAHAN #12 — BRIMOB</b>\n"
    "Lokasi: Kantor KPU Kalbar, Pontianak\n"
    "Perintah: AKBP Hendra W. · Sprin/45/II/2024\n"
    "Mohon jawab dalam 5 menit."
)
MARKUP = {
    "inline_keyboard": [
        [
            {"text": "✅ Siap berangkat", "callback_data": "co:v1:accept:{n}"},
            {"text": "❌ Tidak bisa", "callback_data": "co:v1:decline:{n}"},
        ]
    ]
}


@dataclass
class Result:
    name: str
    n: int
    seconds: float
    limit: float | None
    requests: int
    count_429: int
    cpu_s: float = 0.0  # CPU time of this process during the case

    @property
    def ratio(self) -> float | None:
        return self.seconds / (self.n / self.limit) if self.limit else None

    @property
    def rate(self) -> float:
        return self.n / self.seconds


class FakeProcess:
    """`python -m bot.rehearsal.fake_telegram` in a child process, for one case."""

    def __init__(self, *, latency_ms: float, rate_limits: bool) -> None:
        self.latency_ms = latency_ms
        self.rate_limits = rate_limits
        self.proc: asyncio.subprocess.Process | None = None
        self.base_url = ""

    async def __aenter__(self) -> FakeProcess:
        args = [
            sys.executable,
            "-m",
            "bot.rehearsal.fake_telegram",
            "--port",
            "0",
            "--no-spec-check",
        ]
        args += ["--latency-ms", str(self.latency_ms)]
        if self.rate_limits:
            args.append("--rate-limits")
        self.proc = await asyncio.create_subprocess_exec(
            *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
        )
        assert self.proc.stdout is not None
        self.base_url = (await self.proc.stdout.readline()).decode().strip()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            await self.proc.wait()

    def state(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base_url}/_fake/state", timeout=10) as answer:
            body: dict[str, Any] = json.loads(answer.read())["result"]
        return body

    def peak_rss_mb(self) -> float:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0


async def engine_case(
    name: str,
    n: int,
    *,
    latency_ms: float,
    rate_limits: bool,
    limit: float | None,
    **overrides: Any,
) -> Result:
    async with FakeProcess(latency_ms=latency_ms, rate_limits=rate_limits) as fake:
        with tempfile.TemporaryDirectory() as tmp:
            db_path = Path(tmp) / "bench.db"
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                bot_token=SecretStr(TOKEN),
                db_path=db_path,
                api_base_url=f"{fake.base_url}/bot",
                **overrides,
            )
            db = await Database.open(db_path)
            clock = SystemClock()
            async with db.transaction() as tx:
                batch = await outbox.create_batch(tx, name, clock.now(), owner_chat_id=None)
                for i in range(n):
                    markup = json.loads(json.dumps(MARKUP).replace("{n}", str(i)))
                    await outbox.enqueue(
                        tx,
                        OutgoingMessage(
                            chat_id=1_000_000 + i,
                            text=TEXT,
                            priority=Priority.CALLOUT,
                            dedup_key=f"bench:{i}",
                            reply_markup=markup,
                            batch_id=batch,
                        ),
                        clock.now(),
                    )
            delivery = Delivery(settings, db, Catalog.load(), clock)
            cpu = time.process_time()
            started = time.monotonic()
            await delivery.start()
            while True:
                progress = await outbox.batch_progress(db, batch)
                if progress.pending == 0:
                    break
                await asyncio.sleep(0.02)
            seconds = time.monotonic() - started
            cpu = time.process_time() - cpu
            await delivery.stop()
            await db.close()
            assert progress.sent == n, progress
            state = fake.state()
            return Result(
                name, n, seconds, limit, state["requests"], state["faults"]["count_429"], cpu
            )


async def naive_case(n: int, *, latency_ms: float) -> Result:
    """What the issue calls the plain loop: one await per message, PTB's AIORateLimiter."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.ext import AIORateLimiter, ExtBot

    async with FakeProcess(latency_ms=latency_ms, rate_limits=True) as fake:
        bot: ExtBot[Any] = ExtBot(
            TOKEN, base_url=f"{fake.base_url}/bot", rate_limiter=AIORateLimiter(max_retries=3)
        )
        async with bot:
            cpu = time.process_time()
            started = time.monotonic()
            for i in range(n):
                markup = InlineKeyboardMarkup(
                    [
                        [
                            InlineKeyboardButton("✅ Siap berangkat", callback_data=f"a:{i}"),
                            InlineKeyboardButton("❌ Tidak bisa", callback_data=f"d:{i}"),
                        ]
                    ]
                )
                await bot.send_message(1_000_000 + i, TEXT, parse_mode="HTML", reply_markup=markup)
            seconds = time.monotonic() - started
            cpu = time.process_time() - cpu
        state = fake.state()
        return Result(
            "naive loop + AIORateLimiter, 80 ms",
            n,
            seconds,
            30.0,
            state["requests"],
            state["faults"]["count_429"],
            cpu,
        )


async def ptb_path_case(n: int, *, in_flight: int) -> Result:
    """PTB's own request path (ExtBot + HTTPXRequest), unthrottled, same concurrency: what
    the hot loop would cost without the lean aiohttp path."""
    from telegram.ext import ExtBot
    from telegram.request import HTTPXRequest

    async with FakeProcess(latency_ms=0, rate_limits=False) as fake:
        request = HTTPXRequest(connection_pool_size=in_flight)
        bot: ExtBot[Any] = ExtBot(TOKEN, base_url=f"{fake.base_url}/bot", request=request)
        gate = asyncio.Semaphore(in_flight)

        async def one(i: int) -> None:
            async with gate:
                await bot.send_message(1_000_000 + i, TEXT, parse_mode="HTML")

        async with bot:
            cpu = time.process_time()
            started = time.monotonic()
            await asyncio.gather(*(one(i) for i in range(n)))
            seconds = time.monotonic() - started
            cpu = time.process_time() - cpu
        state = fake.state()
        return Result(
            "(c) PTB request path, unthrottled, 0 ms",
            n,
            seconds,
            None,
            state["requests"],
            state["faults"]["count_429"],
            cpu,
        )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def show(result: Result) -> None:
    ratio = f"{result.ratio:6.3f}" if result.ratio is not None else "     -"
    print(
        f"{result.name:<44} N={result.n:>6}  {result.seconds:8.2f} s  ratio {ratio}"
        f"  {result.rate:8.1f} msg/s  requests {result.requests:>6}  429s {result.count_429}"
        f"  CPU {1e6 * result.cpu_s / result.n:5.0f} µs/msg",
        flush=True,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=3294)
    parser.add_argument("--naive-n", type=int, default=900)
    parser.add_argument("--throughput-n", type=int, default=10_000)
    parser.add_argument("--in-flight", type=int, default=64, help="for the unthrottled case")
    parser.add_argument("--quick", action="store_true", help="small N everywhere")
    parser.add_argument("--only", choices=["a", "b", "naive", "c"], action="append")
    args = parser.parse_args()
    if args.quick:
        args.n, args.naive_n, args.throughput_n = 600, 150, 3000
    wanted = set(args.only or ["a", "b", "naive", "c"])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    results: list[Result] = []
    if "a" in wanted:
        results.append(
            await engine_case(
                "(a) engine, default limits, 0 ms",
                args.n,
                latency_ms=0,
                rate_limits=True,
                limit=30.0,
            )
        )
        show(results[-1])
    if "b" in wanted:
        results.append(
            await engine_case(
                "(b) engine, default limits, 80 ms",
                args.n,
                latency_ms=80,
                rate_limits=True,
                limit=30.0,
            )
        )
        show(results[-1])
    if "c" in wanted:
        results.append(
            await engine_case(
                "(c) engine, unthrottled, 0 ms",
                args.throughput_n,
                latency_ms=0,
                rate_limits=False,
                limit=None,
                rate_overall_per_s=1e9,
                max_in_flight=args.in_flight,
            )
        )
        show(results[-1])
        results.append(
            await engine_case(
                "(c) engine, paid broadcast 1000/s, 0 ms",
                args.throughput_n,
                latency_ms=0,
                rate_limits=False,
                limit=1000.0,
                paid_broadcast=True,
                max_in_flight=args.in_flight,
            )
        )
        show(results[-1])
    engine_rss = peak_rss_mb()
    print(f"(d) peak RSS of the engine process: {engine_rss:.1f} MB", flush=True)
    # PTB's own stack, measured after the RSS figure (its objects would raise the peak).
    if "c" in wanted:
        results.append(await ptb_path_case(args.throughput_n // 2, in_flight=args.in_flight))
        show(results[-1])
    if "naive" in wanted:
        results.append(await naive_case(args.naive_n, latency_ms=80))
        show(results[-1])


if __name__ == "__main__":
    asyncio.run(main())
