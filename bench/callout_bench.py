"""Peak RSS of the bot during a call-out of all 3,294 (target < 150 MB).

    .venv/bin/python bench/callout_bench.py             # ~7 minutes at default limits
    .venv/bin/python bench/callout_bench.py --size 600  # a smoke run

The biggest call-out the syntax allows: every category at its full strength in one order,
`/mobilize POH 291 POLWAN 200 SAMAPTA 61 BRIMOB 180 OMB 546 LIONG 183 YANMAS 1833 …`,
confirmed with Kirim. Every invitee taps *Siap berangkat* a few seconds after the invitation
lands (so answers overlap the drain), then the admin completes the call-out (Selesai), which
releases everyone. The bot's VmRSS is sampled every half second and its VmHWM (the kernel's
own peak) read at each phase.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

from common import EVERYONE_ORDER, Bench, BotProcess, N, bench, machine, poll, run_main

from bot.domain.callout import InviteState
from bot.rehearsal.simulator import SimPerson
from storage import callouts as callout_store

LIMIT_MB = 150


def mb(kb: int) -> str:
    return f"{kb / 1024:.1f} MB"


def order_for(run: Bench) -> str:
    """All of each category; the fixed 3,294 order when the roster is the full one."""
    if len(run.people) == N:
        return EVERYONE_ORDER
    sizes: dict[str, int] = {}
    for p in run.people:
        sizes[p.category] = sizes.get(p.category, 0) + 1
    return " ".join(f"{code} {count}" for code, count in sizes.items())


async def main(size: int) -> None:
    async with bench(size) as run:
        bot = await run.start_bot()
        samples: list[int] = []
        phases: list[tuple[str, dict[str, int]]] = [("idle after start", bot.memory_kb())]

        async def sample(process: BotProcess) -> None:
            while True:
                samples.append(process.memory_kb().get("VmRSS", 0))
                await asyncio.sleep(0.5)

        sampler = asyncio.create_task(sample(bot))
        rng = random.Random(7)

        def on_invite(person: SimPerson, message: object, data: str) -> None:
            if data.startswith("co:v1:ok:"):
                delay = rng.uniform(2, 20)
                asyncio.get_running_loop().call_later(
                    delay, lambda: asyncio.ensure_future(run.tap(run.user(person), data))
                )

        run.watcher.listeners.append(on_invite)
        started = time.monotonic()
        command = f"/mobilize {order_for(run)} Mako Polda Kalbar, Pontianak"
        await run.admin.send(command)
        send = await run.newest_button(run.admin.id, "co:v1:send:")
        await run.tap(run.admin, send)
        found = await poll(lambda: callout_store.recent(run.db, limit=1), 60, "the call-out")
        callout_id = found[0].id
        lines = await callout_store.lines(run.db, callout_id)
        quota = sum(line.quota for line in lines)
        print(f"call-out #{callout_id}: quota {quota} in {len(lines)} categories")

        # Commanders are never invited (call-outs take anggota only): the lines stay short by
        # the number of komandan in each category, and the bot reports the shortfall.
        async def everyone_answered() -> int | None:
            run.watcher.scan()
            invites = await callout_store.invites(run.db, callout_id)
            accepted = sum(1 for i in invites if i.state is InviteState.ACCEPTED)
            settled = invites and accepted == len(invites) == len(run.watcher.invitations)
            return len(invites) if settled and await run.backlog() == 0 else None

        invited: int = await poll(everyone_answered, 1800, "every invitee to accept", 0.5)
        delivered = run.watcher.invitations
        print(
            f"{invited} invited (the anggota; {quota - invited} short: the komandan are not"
            f" invited); last invitation {delivered[-1] - started:.0f} s after the order"
        )
        took = time.monotonic() - started
        print(f"all {invited} accepted and confirmed, outbox drained, at {took:.0f} s")
        phases.append(("all invited and accepted", bot.memory_kb()))

        end = await run.newest_button(run.admin.id, f"co:v1:end:{callout_id}")
        await run.tap(run.admin, end)
        sure = await run.newest_button(run.admin.id, f"co:v1:endy:{callout_id}")
        await run.tap(run.admin, sure)

        async def completed() -> bool:
            callout = await callout_store.get(run.db, callout_id)
            return callout is not None and not callout.is_active

        await poll(completed, 600, "the call-out to complete", 0.5)
        await run.drained()
        print(f"completed and everyone released in {time.monotonic() - started:.0f} s")
        phases.append(("completed, releases delivered", bot.memory_kb()))
        sampler.cancel()

        for name, memory in phases:
            print(f"  {name:32} VmRSS {mb(memory['VmRSS'])} · VmHWM {mb(memory['VmHWM'])}")
        peak = phases[-1][1]["VmHWM"]
        print(f"sampled VmRSS max {mb(max(samples))} over {len(samples)} samples")
        verdict = "under" if peak / 1024 < LIMIT_MB else "OVER"
        print(f"peak RSS (VmHWM) {mb(peak)}: {verdict} the {LIMIT_MB} MB target")
        print(f"429 answers from the fake: {run.fake.faults.count_429}")
        print(f"machine at the end: {machine()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=N, help=f"personnel (default {N})")
    run_main(main(parser.parse_args().size))
