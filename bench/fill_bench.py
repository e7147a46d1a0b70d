"""How fast a call-out fills under each strategy, against the best possible (issue 11).

    .venv/bin/python bench/fill_bench.py                 # the full matrix (see README)
    .venv/bin/python bench/fill_bench.py --seeds 1 --cases brimob --models default

The real bot (`build_application` + `start_app`: every handler, the outbox drainer with
Telegram's pacing, the scheduler, SQLite) against the fake Bot API with Telegram's flood
limits on, on the demo roster of 3,294 (everyone linked and SIAP). Each simulated person's
behaviour is decided **before the order** from a seed: accept, decline, stay silent, or
answer only once reminded, and after what delay from the moment their invitation reaches
them. The admin types the order with the strategy's option word and presses Kirim.

Time. The people's minutes and the bot's deadlines run on the bot's injected clock
(`FakeClock`), moved by the simulator's pacer: up to `--speed` times real time while the bot is
idle, at real time while it has a backlog (invitations queued for Telegram, updates not yet
handled), so Telegram's 30 messages a second are never compressed. This is why the bot runs
in the bench's process here (as `python -m bot simulate` runs it), not as `python -m bot run`
like the scale benches: the clock must be shared.

Because the bench knows everyone's behaviour, it computes **T_best**: when the quota-th
acceptance would arrive had every ready person of the line been invited at the order, in the
fairness order, at 30 messages a second (a two-line order: the later line). For each run:
**T_fill** (order → the quota-th counted acceptance, from the rows' own times), **R** =
T_fill ÷ T_best, **called ÷ quota** and how many were stood down.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

import argparse
import asyncio
import contextlib
import dataclasses
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.domain.callout import InviteState, Strategy, rank_candidates  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from bot.rehearsal.fake_telegram import FakeTelegram, SentMessage  # noqa: E402
from bot.rehearsal.simulator import (  # noqa: E402
    ADMIN_ID,
    START,
    TOKEN,
    SimPerson,
    SimTime,
    Watcher,
    bot_busy,
    bot_settings,
    person_rng,
    prepare_roster,
)
from bot.runner import start_app, stop_app  # noqa: E402
from storage import callouts as callout_store  # noqa: E402
from storage.db import Database  # noqa: E402

RATE = 30.0  # Telegram's messages a second, overall
TIMEOUT_S = 300.0  # the bot's default invitation timeout (a reminder goes out then)
LIMIT_S = 45 * 60.0  # a run that has not filled after this much simulated time is reported
STALE = timedelta(hours=12)


# -- how people behave (decided before the order) ---------------------------------------------


@dataclass(frozen=True)
class Model:
    """Shares of each move; the rest accept. Delays are log-normal (median, sigma)."""

    name: str
    silent: float
    late: float  # answers (yes) only once reminded
    decline: float
    median_s: float
    sigma: float

    @property
    def accept(self) -> float:
        return 1.0 - self.silent - self.late - self.decline


MODELS = {
    # The simulator's call-out behaviour (bot/simulator.py CALLOUT): 70 % accept, median 50 s.
    "default": Model("default", silent=0.10, late=0.05, decline=0.15, median_s=50.0, sigma=0.8),
    "reluctant": Model("reluctant", silent=0.20, late=0.0, decline=0.40, median_s=90.0, sigma=0.8),
    "eager": Model("eager", silent=0.05, late=0.0, decline=0.10, median_s=30.0, sigma=0.8),
    # Late at night: 3 in 10 sleep through it, the awake answer a little slower.
    "night": Model("night", silent=0.30, late=0.0, decline=0.15, median_s=60.0, sigma=0.9),
}
LATE_MEDIAN_S = 40.0  # after the reminder reaches them


@dataclass(frozen=True)
class Behaviour:
    move: str  # yes / no / silent / late
    delay_s: float


def behaviour(model: Model, seed: int, user_id: int) -> Behaviour:
    rng = person_rng(seed, f"fill:{model.name}", user_id)
    roll = rng.random()
    delay = max(3.0, rng.lognormvariate(math.log(model.median_s), model.sigma))
    if roll < model.silent:
        return Behaviour("silent", math.inf)
    if roll < model.silent + model.late:
        return Behaviour("late", max(3.0, rng.lognormvariate(math.log(LATE_MEDIAN_S), 0.6)))
    if roll < model.silent + model.late + model.decline:
        return Behaviour("no", delay)
    return Behaviour("yes", delay)


CASES: dict[str, tuple[tuple[str, int], ...]] = {
    "brimob": (("BRIMOB", 30),),
    "samapta": (("SAMAPTA", 20),),
    "yanmas": (("YANMAS", 200),),
    "two-line": (("BRIMOB", 30), ("SAMAPTA", 20)),
}


def case_text(case: str) -> str:
    return " + ".join(f"{c} {q}" for c, q in CASES[case])


# -- the best possible --------------------------------------------------------------------------


def t_best(lines: Sequence[tuple[int, Sequence[int]]], behaviours: dict[int, Behaviour]) -> float:
    """Every ready person of every line invited at the order, in the fairness order (line by
    line, as the bot fills them), 30 a second: when does each line's quota-th yes arrive?"""
    worst = 0.0
    sent = 0
    for quota, people in lines:
        yes: list[float] = []
        for user_id in people:
            sent += 1
            arrives = sent / RATE
            b = behaviours[user_id]
            if b.move == "yes":
                yes.append(arrives + b.delay_s)
            elif b.move == "late":
                yes.append(arrives + TIMEOUT_S + b.delay_s)
        yes.sort()
        worst = max(worst, yes[quota - 1] if len(yes) >= quota else math.inf)
    return worst


# -- one run ----------------------------------------------------------------------------------


@dataclass
class Run:
    model: str
    case: str
    strategy: Strategy
    seed: int
    quota: int
    t_best: float
    t_fill: float | None = None
    called: int = 0
    stood_down: int = 0
    real_s: float = 0.0

    @property
    def ratio(self) -> float:
        return math.inf if self.t_fill is None else self.t_fill / self.t_best

    @property
    def called_ratio(self) -> float:
        return self.called / self.quota


@dataclass
class People:
    """The answering side of one run: reacts to invitations and reminders as they land."""

    fake: FakeTelegram
    time: SimTime
    behaviours: dict[int, Behaviour]
    seen: dict[int, int] = field(default_factory=dict)  # invite id → messages with its buttons
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def on_message(self, person: SimPerson, message: SentMessage, data: str) -> None:
        if not data.startswith("co:v1:ok:"):
            return
        invite_id = int(data.split(":")[3])
        count = self.seen.get(invite_id, 0) + 1
        self.seen[invite_id] = count
        b = self.behaviours[person.user_id]
        if count == 1 and b.move in ("yes", "no"):
            self.spawn(self.answer(person.user_id, invite_id, b.move == "yes", b.delay_s))
        elif count == 2 and b.move == "late":  # the reminder
            self.spawn(self.answer(person.user_id, invite_id, True, b.delay_s))

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def answer(self, user_id: int, invite_id: int, yes: bool, delay: float) -> None:
        await self.time.sleep(delay)
        action = "ok" if yes else "no"
        data = f"co:v1:{action}:{invite_id}"
        # Gone when the bot edited it away (stood down) before the person got to it.
        with contextlib.suppress(AssertionError):
            await self.fake.user(user_id).press(lambda b: b.get("callback_data") == data)

    async def stop(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        for task in list(self.tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def one_run(
    base: Path,
    roster: list[SimPerson],
    catalog: Catalog,
    model: Model,
    case: str,
    strategy: Strategy,
    seed: int,
    speed: float,
) -> Run:
    started = time.monotonic()
    behaviours = {p.user_id: behaviour(model, seed, p.user_id) for p in roster}
    by_user = {p.user_id: p for p in roster}
    lines = CASES[case]
    with tempfile.TemporaryDirectory(prefix="siaga-fill-") as folder:
        db_path = Path(folder) / "siaga.db"
        shutil.copyfile(base, db_path)
        observer = await Database.open(db_path)
        ranked_lines: list[tuple[int, list[int]]] = []
        for category, quota in lines:
            found = await callout_store.candidates(observer, category, 0)
            ranked = rank_candidates(found, START, STALE)
            ranked_lines.append((quota, [c.chat_id for c in ranked]))
        run = Run(
            model.name,
            case,
            strategy,
            seed,
            sum(q for _, q in lines),
            t_best(ranked_lines, behaviours),
        )
        clock = SimTime(FakeClock(START), speed)
        async with FakeTelegram(
            token=TOKEN, check_spec=False, validate_results=False, require_start=False
        ) as fake:
            fake.faults.rate_limits = True
            admin = fake.user(ADMIN_ID, "Komandan")
            for person in roster:
                fake.user(person.user_id, person.first_name)
            people = People(fake, clock, behaviours)
            watcher = Watcher(fake, by_user)
            watcher.listeners.append(people.on_message)
            settings = bot_settings(db_path, fake)
            app = build_application(settings, clock=clock.clock, catalog=catalog)

            async def busy() -> bool:
                return await bot_busy(watcher, fake, observer)

            await start_app(app, poll_timeout=2)
            pacer = asyncio.create_task(clock.pace(busy))
            try:
                await order(admin, fake, observer, clock, lines, strategy)
                callout = (await callout_store.recent(observer, limit=1))[0]
                while True:
                    await asyncio.sleep(0.1)
                    filled = await callout_store.lines(observer, callout.id)
                    if all(line.filled_at is not None for line in filled):
                        last = max(line.filled_at for line in filled if line.filled_at)
                        run.t_fill = (last - callout.created_at).total_seconds()
                        break
                    if (clock.now() - callout.created_at).total_seconds() > LIMIT_S:
                        break
                invites = await callout_store.invites(observer, callout.id)
                run.called = len(invites)
                run.stood_down = sum(i.state is InviteState.STOOD_DOWN for i in invites)
            finally:
                await people.stop()
                pacer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pacer
                await stop_app(app)
                await observer.close()
    run.real_s = time.monotonic() - started
    return run


async def order(
    admin: object,
    fake: FakeTelegram,
    db: Database,
    clock: SimTime,
    lines: Sequence[tuple[str, int]],
    strategy: Strategy,
) -> None:
    """The admin types the order with the strategy's word and presses Kirim."""
    quotas = " ".join(f"{c} {q}" for c, q in lines)
    user = fake.user(ADMIN_ID)
    with clock.real_time():
        await user.send(f"/mobilize {quotas} {strategy.value} Kantor KPU Kalbar, Pontianak")
        deadline = time.monotonic() + 60
        while True:
            draft = await callout_store.latest_open_draft(db, ADMIN_ID, ADMIN_ID)
            if draft is not None and any(
                str(b.get("callback_data", "")).startswith("co:v1:send:")
                for m in fake.sent_to(ADMIN_ID)
                for b in m.buttons
            ):
                break
            if time.monotonic() > deadline:
                raise TimeoutError("no confirm card")
            await asyncio.sleep(0.05)
        await user.press(lambda b: str(b.get("callback_data", "")).startswith("co:v1:send:"))
        while not await callout_store.recent(db, limit=1):
            if time.monotonic() > deadline:
                raise TimeoutError("no call-out")
            await asyncio.sleep(0.05)


# -- the report -------------------------------------------------------------------------------


def fmt_ratio(values: Sequence[float]) -> str:
    med = statistics.median(values)
    worst = max(values)
    return f"{med:5.2f} ({worst:5.2f})" if math.isfinite(worst) else f"{med:5.2f} (  inf)"


def report(runs: Sequence[Run]) -> str:
    """One table: per model and case, the three strategies side by side; medians with the
    worst case in brackets. Seeds where fewer than the quota would ever say yes (T_best
    infinite: no strategy can fill, the commander is told the shortfall) are counted apart."""
    strategies = [Strategy.CEPAT, Strategy.TEPAT, Strategy.SEMUA]
    head = f"{'model':9} {'case':22} {'T_best':>7} {'seeds':>5}"
    for s in strategies:
        head += f" | {s.value + ' R':>13} {'called/q':>11} {'stood':>5}"
    lines = [head, "-" * len(head)]
    keys = sorted(
        {(r.model, r.case) for r in runs},
        key=lambda k: (list(MODELS).index(k[0]), list(CASES).index(k[1])),
    )
    unfillable: list[tuple[str, str, int]] = []
    for model, case in keys:
        group = [r for r in runs if (r.model, r.case) == (model, case)]
        unfillable += sorted({(model, case, r.seed) for r in group if not math.isfinite(r.t_best)})
        group = [r for r in group if math.isfinite(r.t_best)]
        if not group:
            continue
        best = statistics.median(r.t_best for r in group)
        seeds = len({r.seed for r in group})
        row = f"{model:9} {case_text(case):22} {best:6.0f}s {seeds:5d}"
        for s in strategies:
            mine = [r for r in group if r.strategy is s]
            if not mine:
                row += f" | {'-':>13} {'-':>11} {'-':>5}"
                continue
            stood = statistics.median(r.stood_down for r in mine)
            called = [r.called_ratio for r in mine]
            row += (
                f" | {fmt_ratio([r.ratio for r in mine]):>13}"
                f" {statistics.median(called):4.2f} ({max(called):4.2f}) {stood:5.0f}"
            )
        lines.append(row)
    slower = [
        (c.model, c.case, c.seed)
        for c in runs
        if c.strategy is Strategy.CEPAT and math.isfinite(c.t_best)
        for t in runs
        if t.strategy is Strategy.TEPAT
        and (t.model, t.case, t.seed) == (c.model, c.case, c.seed)
        and c.ratio > t.ratio
    ]
    lines.append(f"Cepat slower than Tepat on the same seed: {len(slower)} {slower or ''}")
    if unfillable:
        lines.append(f"seeds no strategy can fill (fewer yes than the quota): {unfillable}")
    return "\n".join(lines)


def plot(runs: Sequence[Run], out: Path) -> None:
    """T_fill ÷ T_best against called ÷ quota, one panel per model, one colour per strategy."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    models = [m for m in MODELS if any(r.model == m for r in runs)]
    fig, axes = plt.subplots(1, len(models), figsize=(4 * len(models), 3.6), squeeze=False)
    colours = {
        Strategy.CEPAT: "tab:orange",
        Strategy.TEPAT: "tab:blue",
        Strategy.SEMUA: "tab:green",
    }
    markers = {"brimob": "o", "samapta": "s", "yanmas": "^", "two-line": "D"}
    for ax, model in zip(axes[0], models, strict=True):
        for r in runs:
            if r.model != model or r.t_fill is None:
                continue
            ax.scatter(
                r.called_ratio,
                r.t_fill / 60,
                c=colours[r.strategy],
                marker=markers.get(r.case, "o"),
                s=22,
                alpha=0.75,
            )
        ax.set_title(f"model: {model}")
        ax.set_xlabel("called ÷ quota")
        ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
    axes[0][0].set_ylabel("T_fill (minutes, log)")
    handles = [
        Line2D([], [], color=c, marker="o", linestyle="", label=s.value.title())
        for s, c in colours.items()
    ] + [
        Line2D([], [], color="grey", marker=m, linestyle="", label=case_text(k))
        for k, m in markers.items()
    ]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.savefig(out, dpi=110)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def load_runs(paths: Sequence[str]) -> list[Run]:
    """Runs written by --json (several sessions of the bench: one table, one plot)."""
    runs: list[Run] = []
    for path in paths:
        for row in json.loads(Path(path).read_text()):
            row["strategy"] = Strategy(row["strategy"])
            runs.append(Run(**row))
    return runs


async def main(args: argparse.Namespace) -> None:
    if args.report:
        runs = load_runs(args.report)
        print(report(runs))
        if args.plot:
            plot(runs, Path(args.plot))
            print(f"plot: {args.plot}")
        return
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; commit {commit()}")
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at the start; speed {args.speed}")
    catalog = Catalog.load()
    runs = []
    with tempfile.TemporaryDirectory(prefix="siaga-fill-base-") as folder:
        base = Path(folder) / "siaga.db"
        roster = await prepare_roster(base, 3294, 2024, START)
        for model_name in args.models:
            model = MODELS[model_name]
            for case in args.cases:
                for seed in range(1, args.seeds + 1):
                    for strategy in args.strategies:
                        run = await one_run(
                            base, roster, catalog, model, case, strategy, seed, args.speed
                        )
                        runs.append(run)
                        filled = "not filled" if run.t_fill is None else f"{run.t_fill:6.0f}s"
                        print(
                            f"{model.name:9} {case_text(case):18} seed {seed}"
                            f" {strategy.value:5}: T_fill {filled} T_best {run.t_best:5.0f}s"
                            f" R {run.ratio:5.2f} called {run.called:4d}"
                            f" ({run.called_ratio:4.2f}x) stood down {run.stood_down:4d}"
                            f"  [{run.real_s:5.1f} s real]",
                            flush=True,
                        )
    if args.json:
        rows = json.dumps([dataclasses.asdict(r) for r in runs], indent=1)
        await asyncio.to_thread(Path(args.json).write_text, rows)
    print()
    print(report(runs))
    if args.plot:
        plot(runs, Path(args.plot))
        print(f"plot: {args.plot}")
    print(f"load {os.getloadavg()[0]:.2f} (1 min) at the end")


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument(
        "--strategies",
        nargs="+",
        type=Strategy,
        default=[Strategy.CEPAT, Strategy.TEPAT, Strategy.SEMUA],
    )
    # At 30, one pacer step (50 ms) moves the clock 1.5 s: finer than people's answers spread.
    parser.add_argument("--speed", type=float, default=30.0, help="clock speed while idle")
    parser.add_argument("--json", default="", help="also write every run here")
    parser.add_argument(
        "--report", nargs="+", default=[], help="no runs: the table and plot of these --json files"
    )
    parser.add_argument("--plot", default=str(ROOT / "bench" / "fill_bench.png"))
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
