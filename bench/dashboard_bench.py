"""The posko dashboard at the founding case's scale (3,294 personnel, a `semua` roll call and a
call-out running): first paint, tap → page, and whether 50 live viewers slow the bot.

    .venv/bin/python bench/dashboard_bench.py             # ~5 minutes
    .venv/bin/python bench/dashboard_bench.py --size 600  # a smoke run

The bot runs as in production (`python -m bot run`, its own process) with the dashboard on;
the fake Bot API, the simulated people, the viewers and headless Chromium run in this
process (Playwright, the system's /usr/bin/chromium).

1. First paint: a new page opens the Mini App as Telegram would (initData in the fragment);
   timed from `goto` to the readiness table on screen (and the browser's own
   first-contentful-paint of the shell). Target < 1 s.
2. Tap → page: with the page open, one person at a time taps Hadir in the fake Telegram;
   timed from the injection to the page showing the new count. Target p95 < 2 s.
3. /status end to end (command → reply) without viewers, then with 50 viewers holding live
   streams (Server-Sent Events, the page's own protocol, read by aiohttp clients: fifty
   Chromium tabs would measure the two cores' browser load, not the bot). Target: p95
   within 10 %.
4. The ingest burst (everyone else taps Hadir at once) with the 50 viewers still streaming.
   Target ≥ 2,000 answers/s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
from common import ADMIN_ID, TOKEN, Bench, N, bench, machine, open_rollcall, poll, run_main, spread
from ingest_bench import press_everyone
from playwright.async_api import Page, async_playwright
from status_bench import ADMINS, end_to_end

from bot.clock import SystemClock
from bot.domain.dashboard import init_data_for

CHROMIUM = Path("/usr/bin/chromium")
WEB_URL = "https://siaga.bench/dasbor"
VIEWERS = [800_001 + i for i in range(50)]
FIRST_PAINT_ROUNDS = 10
TAPS = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def auth(user_id: int) -> str:
    return "tma " + init_data_for(user_id, TOKEN, SystemClock().now())


async def first_paint(page: Page, url: str) -> tuple[float, float]:
    started = time.monotonic()
    await page.goto(url)
    try:
        await page.wait_for_selector("#readiness table", timeout=10_000)
    except Exception:
        print("the page shows:", await page.locator("body").inner_text())
        raise
    shown = time.monotonic() - started
    fcp = await page.evaluate(
        "(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: NaN}).startTime"
    )
    return shown, float(fcp) / 1000


async def tap_to_page(run: Bench, page: Page, rollcall_id: int, taps: int) -> list[float]:
    """One tap at a time: injection → the open page shows the new count."""
    times = []
    for k, person in enumerate(run.people[:taps], start=1):
        message, data = run.prompt_of(person, rollcall_id)
        started = time.monotonic()
        await run.fake.inject_callback_query(run.user(person), message, data)
        await page.wait_for_function(
            "k => document.querySelector('#rollcalls').textContent.includes('✅ ' + k + ' hadir')",
            arg=k,
            timeout=15_000,
            polling=20,
        )
        times.append(time.monotonic() - started)
    return times


@contextlib.asynccontextmanager
async def live_viewers(base: str, count: int) -> AsyncIterator[list[int]]:
    """`count` viewers, each holding the live stream open and reading every event."""
    events = [0] * count
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))

    async def watch(i: int) -> None:
        headers = {"Authorization": auth(VIEWERS[i])}
        async with session.get(base + "/api/stream", headers=headers) as response:
            assert response.status == 200, response.status
            async for line in response.content:
                if line.startswith(b"event: snapshot"):
                    events[i] += 1

    tasks = [asyncio.create_task(watch(i)) for i in range(count)]
    try:
        await poll(lambda: all(events), 60, "every viewer's first snapshot")
        yield events
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await session.close()


async def main(size: int, viewers: int, rounds: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}/dasbor"
    async with bench(size) as run:
        await run.start_bot(
            web_url=WEB_URL,
            web_port=port,
            admin_ids=",".join(str(a) for a in [ADMIN_ID, *ADMINS, *VIEWERS]),
            # The viewers are this bench's own; the limit is not what is measured.
            web_requests=100_000,
        )
        for admin in ADMINS:
            run.fake.user(admin, "Admin")
        await run.admin.send("/mobilize BRIMOB 30 Kantor KPU Kalbar, Pontianak")
        await run.tap(run.admin, await run.newest_button(run.admin.id, "co:v1:send:"))
        rollcall_id, _ = await open_rollcall(run, "/apel semua 60", timeout=max(600, size / 10))
        await run.drained()
        await run.fake.wait_idle(10, 1.0)
        print(f"roll call #{rollcall_id} open to {len(run.people)}; a BRIMOB 30 call-out running")
        print(f"machine before the browser cases: {machine()}")
        async with (
            aiohttp.ClientSession() as http,
            http.get(base + "/api/snapshot", headers={"Authorization": auth(ADMIN_ID)}) as probe,
        ):
            if probe.status != 200:
                raise RuntimeError(f"the dashboard answered {probe.status}: {await probe.text()}")

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            signed = init_data_for(ADMIN_ID, TOKEN, SystemClock().now())
            url = f"{base}/#tgWebAppData={quote(signed)}"
            shown, painted = [], []
            for _ in range(FIRST_PAINT_ROUNDS):
                page = await browser.new_page(viewport={"width": 390, "height": 844})
                await page.route(
                    "https://telegram.org/**", lambda route: asyncio.ensure_future(route.abort())
                )
                s, p = await first_paint(page, url)
                shown.append(s)
                painted.append(p)
                await page.close()
            print(f"first paint, data on screen (goto → readiness table): {spread(shown)}")
            print(f"first paint, browser's first-contentful-paint: {spread(painted)}")
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            await page.goto(url)
            await page.wait_for_selector("#rollcalls .card")
            latencies = await tap_to_page(run, page, rollcall_id, TAPS)
            print(f"tap → page (injection → the new count on the open page): {spread(latencies)}")
            await browser.close()

        await run.fake.wait_idle(10, 0.5)
        print(f"machine before /status without viewers: {machine()}")
        await end_to_end(run, "/status", rounds)
        async with live_viewers(base, viewers) as events:
            print(f"{viewers} viewers streaming; machine: {machine()}")
            await end_to_end(run, "/status", rounds)
            before = sum(events)
            await press_everyone(run, rollcall_id, run.people[TAPS:])
            await asyncio.sleep(3)
            if viewers:
                print(
                    f"snapshot events the {viewers} viewers received during the burst and 3 s"
                    f" after: {sum(events) - before} ({(sum(events) - before) / viewers:.1f} each)"
                )
        print(f"machine at the end: {machine()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=N, help=f"personnel (default {N})")
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=60, help="/status commands per case")
    args = parser.parse_args()
    run_main(main(args.size, args.viewers, args.rounds))
