"""A full `semua` roll call of 3,294 at default limits, end to end.

    .venv/bin/python bench/rollcall_bench.py               # nobody answers during it
    .venv/bin/python bench/rollcall_bench.py --answering   # people answer as prompts land

Measures, from `/apel semua 30` typed by the admin to the last prompt reaching the fake
Bot API (Telegram's flood limits on, the bot at its default 30 messages/s):
time to last prompt ÷ (N ÷ 30); 1.0 is Telegram's limit itself.

With --answering every person taps Hadir after a log-normal delay (the simulator's roll-call
model, median 75 s, in real seconds): the confirmation edits then share the 30/s with the
prompts still owed to others, which is what a real roll call looks like.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time

from common import N, bench, machine, open_rollcall, run_main, spread

from bot.rehearsal.simulator import ROLLCALL, SimPerson, person_rng
from storage import apel as apel_store


async def main(answering: bool, size: int) -> None:
    async with bench(size) as run:
        bot = await run.start_bot()
        print(f"bot started: RSS {bot.memory_kb().get('VmRSS', 0) / 1024:.0f} MB")
        pressed: list[float] = []

        if answering:

            def on_prompt(person: SimPerson, message: object, data: str) -> None:
                delay = ROLLCALL.delay(person_rng(2024, "bench", person.user_id))
                asyncio.get_running_loop().call_later(
                    delay, lambda: asyncio.ensure_future(answer(person, data))
                )

            async def answer(person: SimPerson, data: str) -> None:
                pressed.append(time.monotonic())
                await run.tap(run.user(person), data)

            run.watcher.listeners.append(on_prompt)

        limit = max(600.0, size / 30 * 5)
        rollcall_id, sent_at = await open_rollcall(run, "/apel semua 30", timeout=limit)
        prompts = run.watcher.prompts[rollcall_id]
        called = len(await apel_store.called_targets(run.db, rollcall_id))
        first, last = prompts[0] - sent_at, prompts[-1] - sent_at
        ideal = called / 30
        print(f"roll call #{rollcall_id}: {called} called, {len(prompts)} prompts delivered")
        print(f"first prompt {first:.2f} s after the command; last prompt {last:.1f} s")
        print(f"time to last prompt / (N / 30) = {last:.1f} / {ideal:.1f} = {last / ideal:.3f}")
        gaps = [b - a for a, b in itertools.pairwise(prompts)]
        print(
            f"prompt rate {len(prompts) / (prompts[-1] - prompts[0]):.2f}/s; gaps {spread(gaps)}"
        )
        if answering:
            during = sum(1 for t in pressed if t <= prompts[-1])
            print(f"answers tapped while prompts were still going out: {during}")
        edits = [r for r in run.fake.calls("editMessageText") if r.time <= prompts[-1]]
        print(f"edits sent before the last prompt: {len(edits)}")
        print(f"429 answers from the fake: {run.fake.faults.count_429}")
        memory = bot.memory_kb()
        print(f"bot peak RSS (VmHWM) {memory.get('VmHWM', 0) / 1024:.1f} MB")
        print(f"machine at the end: {machine()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answering", action="store_true", help="people tap Hadir meanwhile")
    parser.add_argument("--size", type=int, default=N, help=f"personnel (default {N})")
    args = parser.parse_args()
    run_main(main(args.answering, args.size))
