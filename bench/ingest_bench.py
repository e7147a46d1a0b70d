"""Ingest: 3,294 people press Hadir on an open roll call within the same second.

    .venv/bin/python bench/ingest_bench.py            # ~3 minutes (the prompts first)
    .venv/bin/python bench/ingest_bench.py --size 600 # a smoke run

The admin opens `/apel semua 60`; once every prompt has been delivered (at Telegram's limits,
about N / 30 s) and the outbox is quiet, every person's tap on *Hadir* is injected into the
fake in one burst. Per press: the time from its injection to the bot's answerCallbackQuery
reaching the fake (target: all within 2 s). Then every answer must be in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from common import (
    ADMIN_ID,
    TOKEN,
    Bench,
    N,
    bench,
    machine,
    open_rollcall,
    percentile,
    poll,
    run_main,
    spread,
    top_frames,
)

from bot.domain.apel import Answer
from bot.i18n import format_number
from bot.rehearsal.simulator import SimPerson
from storage import apel as apel_store

TARGET_S = 2.0


async def inject(run: Bench, rollcall_id: int, people: Sequence[SimPerson]) -> dict[str, float]:
    """Everyone's Hadir tap, as fast as the fake takes them: callback query id → injected at."""
    injected: dict[str, float] = {}
    started = time.monotonic()
    for person in people:
        message, data = run.prompt_of(person, rollcall_id)
        at = time.monotonic()
        injected[await run.fake.inject_callback_query(run.user(person), message, data)] = at
    print(f"{len(injected)} presses injected in {(time.monotonic() - started) * 1000:.0f} ms")
    return injected


async def all_answered(run: Bench, injected: dict[str, float]) -> None:
    def done() -> bool:
        return all(run.fake.callback_answer(cq) is not None for cq in injected)

    await poll(done, 120, "every callback query to be answered", 0.05)


def answer_times(run: Bench) -> dict[str, float]:
    return {
        str(r.params.get("callback_query_id")): r.time
        for r in run.fake.calls("answerCallbackQuery")
    }


async def oracle_burst(run: Bench, rollcall_id: int, people: Sequence[SimPerson]) -> None:
    """The same burst answered by bench/oracle_poller.py, the bot stopped: the floor."""
    polls = len(run.fake.calls("getUpdates"))
    oracle = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).with_name("oracle_poller.py")),
        run.fake.api_base_url,
        TOKEN,
    )
    try:
        await poll(lambda: len(run.fake.calls("getUpdates")) > polls, 60, "the oracle to poll")
        started = time.monotonic()
        injected = await inject(run, rollcall_id, people)
        await all_answered(run, injected)
        answered_at = answer_times(run)
        latencies = [answered_at[cq] - at for cq, at in injected.items()]
        last = max(answered_at[cq] for cq in injected)
        print(f"oracle (a poller that only answers): latency {spread(latencies)}")
        print(
            f"oracle throughput: {len(injected) / (last - started):.0f} answers/s"
            f" (first injection to last answer {last - started:.2f} s)"
        )
    finally:
        oracle.terminate()
        await oracle.wait()


@dataclass(frozen=True)
class Burst:
    last: float  # when the last answer reached the fake (monotonic)
    rate: float  # answers a second, first injection to last answer
    p95: float  # injection → answer (seconds)
    bot_p95: float  # handed out by getUpdates → answer (seconds): the bot's own share


async def press_everyone(run: Bench, rollcall_id: int, people: Sequence[SimPerson]) -> Burst:
    """Inject every person's Hadir tap in one burst; print latency, throughput and the bot's
    CPU per tap."""
    fake = run.fake
    assert run.bot is not None
    bot = run.bot
    cpu_before = bot.cpu_s()
    started = time.monotonic()
    injected = await inject(run, rollcall_id, people)
    await all_answered(run, injected)
    cpu_answered = bot.cpu_s()
    # The toast goes out before the write (the tap is safe in the inbox): wait for both.
    pressed = {p.person_id for p in people}

    async def all_persisted() -> bool:
        targets = await apel_store.called_targets(run.db, rollcall_id)
        return all(t.answer == Answer.YES for t in targets if t.person_id in pressed)

    await poll(all_persisted, 120, "every answer to be in the database", 0.05)
    persisted_after = time.monotonic() - started
    cpu_persisted = bot.cpu_s()
    answered_at = answer_times(run)
    latencies = [answered_at[cq] - at for cq, at in injected.items()]
    last = max(answered_at[cq] for cq in injected)
    over = sum(1 for x in latencies if x > TARGET_S)
    print(f"answer latency (injection → answerCallbackQuery at the fake): {spread(latencies)}")
    handed = [fake.handed_out[cq] - at for cq, at in injected.items()]
    print(f"  of which in the fake (injection → handed out by getUpdates): {spread(handed)}")
    inside = [answered_at[cq] - fake.handed_out[cq] for cq in injected]
    print(f"  of which in the bot (handed out → its answer at the fake): {spread(inside)}")
    polls = [p for p in fake.polls if p[1] >= started]
    print(
        f"getUpdates during the burst: {len(polls)}, {sum(n for *_, n in polls)} updates;"
        # The first poll was waiting before the burst: only later ones show the fake's own time.
        f" in the fake (arrived → answered)"
        f" {spread([b - a for a, b, _ in polls if a >= started])};"
        f" in the bot (answered → next poll arrived)"
        f" {spread([c[0] - p[1] for p, c in itertools.pairwise(polls)])}"
    )
    print(f"answers within {TARGET_S:.0f} s: {len(latencies) - over}/{len(latencies)}")
    print(
        f"throughput: {len(injected) / (last - started):.0f} answers/s"
        f" (first injection to last answer {last - started:.2f} s)"
    )
    n = len(injected)

    def per_tap(at: tuple[float, float]) -> str:
        process, main_thread = at[0] - cpu_before[0], at[1] - cpu_before[1]
        return (
            f"{process / n * 1e6:.0f} µs ({process:.2f} s; main thread"
            f" {main_thread / n * 1e6:.0f} µs, other threads"
            f" {(process - main_thread) / n * 1e6:.0f} µs)"
        )

    print(f"bot CPU per tap until the last answer: {per_tap(cpu_answered)}")
    print(
        f"bot CPU per tap until the last was in the database ({persisted_after:.2f} s after"
        f" the first injection): {per_tap(cpu_persisted)}"
    )
    texts = {str((fake.callback_answer(cq) or {}).get("text", "")) for cq in injected}
    print(f"answer texts: {sorted(texts)}")
    return Burst(
        last,
        len(injected) / (last - started),
        percentile(latencies, 95),
        percentile(inside, 95),
    )


async def main(size: int, spy: Path | None) -> None:
    async with bench(size) as run:
        bot = await run.start_bot()
        rollcall_id, _ = await open_rollcall(run, "/apel semua 60", timeout=max(600, size / 10))
        # Let the card edits and the like finish: the burst should meet an idle bot.
        await run.drained()
        rss = bot.memory_kb()["VmRSS"] / 1024
        print(f"{len(run.people)} prompts delivered; bot RSS {rss:.0f} MB")

        profiler = await bot.profile(spy, 3) if spy is not None else None
        last = (await press_everyone(run, rollcall_id, run.people)).last
        targets = await apel_store.called_targets(run.db, rollcall_id)
        present = sum(1 for t in targets if t.answer == Answer.YES)
        print(f"persisted: {present}/{len(targets)} targets answered HADIR in the database")
        await run.drained()
        memory = bot.memory_kb()
        print(f"outbox drained (confirmation edits sent) {time.monotonic() - last:.0f} s later")
        # The commander's rekap must show the whole count, not only the database.
        full = f"✅ {format_number(present, 'id')} ·"  # rollcall-card-totals
        rekap = next(
            (m.text or "" for m in reversed(run.fake.sent_to(ADMIN_ID)) if full in (m.text or "")),
            None,
        )
        print(f"the commander's rekap shows {full!r}: {'yes' if rekap else 'NO'}")
        print(f"bot peak RSS (VmHWM) {memory['VmHWM'] / 1024:.1f} MB")
        await bot.stop()
        print(f"machine before the oracle: {machine()}")
        await oracle_burst(run, rollcall_id, run.people)
        print(f"machine at the end: {machine()}")
        if profiler is not None and spy is not None:
            await profiler.wait()
            print(f"py-spy, inclusive share of samples during the burst:\n{top_frames(spy)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=N, help=f"personnel (default {N})")
    parser.add_argument("--py-spy", type=Path, help="profile the bot during the burst into FILE")
    args = parser.parse_args()
    run_main(main(args.size, args.py_spy))
