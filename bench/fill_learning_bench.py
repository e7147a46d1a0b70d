"""Does Cepat call fewer people once it knows who answers? (issue 11, "beyond every anchor")

    .venv/bin/python bench/fill_learning_bench.py --seeds 3 --case brimob
    .venv/bin/python bench/fill_learning_bench.py --seeds 1 --case yanmas --gap-minutes 60
    .venv/bin/python bench/fill_learning_bench.py --seeds 5 --variants plain --horizon-medians 1.0

The real bot as `bench/fill_bench.py` runs it (every handler, the outbox drainer with Telegram's
pacing, the scheduler, SQLite, the fake Bot API with flood limits, the shared injected clock),
but one database lives through **six call-outs on the same people**: five earlier ones, then
the measured one. Between call-outs the admin completes the call-out (Selesai), the deployed
return to SIAP (`last_deployed_at` kept), and the clock moves on by `--gap-minutes`.

People persist: each person's habit (yes, no, silent, or yes once reminded, drawn once from
the model's shares) and their own typical delay (drawn once from the model's log-normal) hold
from one call-out to the next. In each call-out a person follows their habit with chance
`--habit` (else a move drawn afresh from the shares) and answers after their own typical
delay times a log-normal factor (sigma 0.4). Over everyone the shares and delays of one
call-out are the model's.

Cepat runs twice on the same seeds: **prefer**, the bot as it is (every person known from
their own earlier invitations, answers and stand-downs alike: `handlers.callout.fill._evidence`;
the preference orders by it within a fairness tier, Cepat sizes its order and weighs tonight's
silence by it), and **plain**, the same bot with `_evidence` replaced by nothing: no person
models anywhere, everyone counted as the line's model, the plain fairness order. Both keep the
fairness order of the bot, where a refusal is a turn; `--refusal-is-no-turn` measures both
without that (the candidates' `last_refused_at` dropped). Reported per call-out: T_fill,
T_best (everyone ready invited at once, in the fairness order), R and called ÷ quota; before
each order, per fairness tier, how many people, how many have a model of their own, and the
quick yeses (a yes within Cepat's horizon) the models expect against those that will come.

After the table, per seed: **the oracle within the fairness order**, the fewest people who,
invited all at the order, bring the quota-th yes by plain's R (`fewest_called`): the bound no
strategy that keeps the fairness order can beat. `--horizon-medians` sets Cepat's horizon
for both variants (`--variants` runs one), to compare them at the same R on Cepat's trade curve;
`--person-prior-weight` how far a person's own record moves them from everyone's model.

`--roll-call`: before each order but the first, everyone SIAP confirms again, as at a roll
call; without it, on a weekly schedule, the never-deployed (confirmed only at the start) turn
stale and fall behind everyone released since, and the bench would reward that instead.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

import argparse
import asyncio
import contextlib
import math
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from fill_bench import (  # noqa: E402
    CASES,
    LATE_MEDIAN_S,
    LIMIT_S,
    MODELS,
    RATE,
    STALE,
    TIMEOUT_S,
    Behaviour,
    Model,
    People,
    case_text,
    commit,
    cpu_model,
    order,
    t_best,
)

import bot.domain.callout as callout_domain  # noqa: E402
import bot.domain.fill as fill_domain  # noqa: E402
import handlers.callout.fill as fill_handlers  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.domain.callout import (  # noqa: E402
    CalloutStatus,
    Candidate,
    InviteState,
    Strategy,
    deployment_tier,
    rank_candidates,
)
from bot.domain.fill import PastInvite, learn, person_models  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from bot.rehearsal.fake_telegram import FakeTelegram  # noqa: E402
from bot.rehearsal.simulator import (  # noqa: E402
    ADMIN_ID,
    START,
    TOKEN,
    SimPerson,
    SimTime,
    Watcher,
    bot_busy,
    bot_settings,
    outbox_backlog,
    person_rng,
    prepare_roster,
)
from bot.runner import start_app, stop_app  # noqa: E402
from handlers.callout.keys import Action, button_data  # noqa: E402
from storage import callouts as callout_store  # noqa: E402
from storage.db import Database, Transaction  # noqa: E402
from storage.timestamps import to_db  # noqa: E402

ROUNDS = 6  # five earlier call-outs, then the measured one
DELAY_NOISE = 0.4  # sigma of one answer's delay around the person's own typical delay


# -- persistent people ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Habit:
    move: str  # yes / no / silent / late
    delay_s: float  # their typical delay


def habit(model: Model, seed: int, user_id: int) -> Habit:
    rng = person_rng(seed, f"habit:{model.name}", user_id)
    return Habit(
        _move(model, rng.random()), rng.lognormvariate(math.log(model.median_s), model.sigma)
    )


def _move(model: Model, roll: float) -> str:
    if roll < model.silent:
        return "silent"
    if roll < model.silent + model.late:
        return "late"
    if roll < model.silent + model.late + model.decline:
        return "no"
    return "yes"


def behaviour(
    model: Model, seed: int, round_no: int, user_id: int, own: Habit, keep: float
) -> Behaviour:
    rng = person_rng(seed, f"round:{model.name}:{round_no}", user_id)
    move = own.move if rng.random() < keep else _move(model, rng.random())
    if move == "silent":
        return Behaviour("silent", math.inf)
    if move == "late":
        return Behaviour("late", max(3.0, rng.lognormvariate(math.log(LATE_MEDIAN_S), 0.6)))
    return Behaviour(move, max(3.0, own.delay_s * rng.lognormvariate(0.0, DELAY_NOISE)))


# -- one sequence of call-outs -----------------------------------------------------------------


@dataclass
class Round:
    variant: str
    seed: int
    round_no: int
    quota: int
    t_best: float
    t_fill: float | None
    called: int
    stood_down: int
    # Per line: its quota and the people's behaviours this time, grouped by fairness tier in
    # the bot's order (what the oracle may choose from).
    tiers: list[tuple[int, list[list[Behaviour]]]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return math.inf if self.t_fill is None else self.t_fill / self.t_best

    @property
    def called_ratio(self) -> float:
        return self.called / self.quota


async def no_evidence(tx: Transaction, person_ids: Sequence[int]) -> list[PastInvite]:
    """plain: nobody is known from their earlier invitations."""
    return []


_CANDIDATES = callout_store.candidates


async def refusal_is_no_turn(
    db: Database | Transaction,
    category: str,
    callout_id: int,
    units: Collection[str] | None = None,
) -> list[Candidate]:
    """`--refusal-is-no-turn`: the fairness order before a refusal was a turn (only a
    deployment moves a person back)."""
    found = await _CANDIDATES(db, category, callout_id, units)
    return [replace(c, last_refused_at=None) for c in found]


async def sequence(
    base: Path,
    roster: list[SimPerson],
    catalog: Catalog,
    model: Model,
    case: str,
    seed: int,
    prefer: bool,
    args: argparse.Namespace,
) -> list[Round]:
    variant = "prefer" if prefer else "plain"
    habits = {p.user_id: habit(model, seed, p.user_id) for p in roster}
    by_user = {p.user_id: p for p in roster}
    lines = CASES[case]
    quota = sum(q for _, q in lines)
    rounds: list[Round] = []
    original = fill_handlers._evidence
    if not prefer:
        fill_handlers._evidence = no_evidence
    try:
        with tempfile.TemporaryDirectory(prefix="siaga-learn-") as folder:
            db_path = Path(folder) / "siaga.db"
            shutil.copyfile(base, db_path)
            observer = await Database.open(db_path)
            clock = SimTime(FakeClock(START), args.speed)
            async with FakeTelegram(
                token=TOKEN, check_spec=False, validate_results=False, require_start=False
            ) as fake:
                fake.faults.rate_limits = True
                admin = fake.user(ADMIN_ID, "Komandan")
                for person in roster:
                    fake.user(person.user_id, person.first_name)
                people = People(fake, clock, {})
                watcher = Watcher(fake, by_user)
                watcher.listeners.append(people.on_message)
                app = build_application(
                    bot_settings(db_path, fake), clock=clock.clock, catalog=catalog
                )

                async def busy() -> bool:
                    return await bot_busy(watcher, fake, observer)

                await start_app(app, poll_timeout=2)
                pacer = asyncio.create_task(clock.pace(busy))
                try:
                    for round_no in range(1, ROUNDS + 1):
                        started = time.monotonic()
                        people.behaviours = {
                            p.user_id: behaviour(
                                model, seed, round_no, p.user_id, habits[p.user_id], args.habit
                            )
                            for p in roster
                        }
                        if args.roll_call and round_no > 1:
                            await roll_call(observer, clock)
                        done = await one_callout(
                            observer, fake, admin, clock, people, lines, quota
                        )
                        done.variant, done.seed, done.round_no = variant, seed, round_no
                        rounds.append(done)
                        filled = "not filled" if done.t_fill is None else f"{done.t_fill:5.0f}s"
                        print(
                            f"{model.name} {case_text(case)} seed {seed} {variant:6}"
                            f" call-out {round_no}: T_fill {filled} T_best {done.t_best:4.0f}s"
                            f" R {done.ratio:5.2f} called {done.called:4d}"
                            f" ({done.called_ratio:4.2f}x) stood down {done.stood_down:4d}"
                            f"  [{time.monotonic() - started:5.1f} s real]",
                            flush=True,
                        )
                        if round_no < ROUNDS:
                            clock.advance(args.gap_minutes * 60.0)
                finally:
                    await people.stop()
                    pacer.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await pacer
                    await stop_app(app)
                    await observer.close()
    finally:
        fill_handlers._evidence = original
    return rounds


async def one_callout(
    db: Database,
    fake: FakeTelegram,
    admin: object,
    clock: SimTime,
    people: People,
    lines: Sequence[tuple[str, int]],
    quota: int,
) -> Round:
    """Order, wait for the fill, then complete it (Selesai): the deployed return to SIAP."""
    ranked_lines: list[tuple[int, list[int]]] = []
    tiered: list[tuple[int, list[list[Behaviour]]]] = []
    for category, line_quota in lines:
        found = await callout_store.candidates(db, category, 0)
        ranked = rank_candidates(found, clock.now(), STALE)
        ranked_lines.append((line_quota, [c.chat_id for c in ranked]))
        groups: dict[tuple[bool, tuple[bool, int]], list[Behaviour]] = {}
        now = clock.now()
        for c in ranked:
            key = (now - c.confirmed_at >= STALE, deployment_tier(c.last_turn, now))
            groups.setdefault(key, []).append(people.behaviours[c.chat_id])
        tiered.append((line_quota, list(groups.values())))
    best = t_best(ranked_lines, people.behaviours)
    print(await tiers(db, lines[0][0], clock, people), flush=True)
    before = [c.id for c in await callout_store.recent(db, limit=1)]
    await order(admin, fake, db, clock, lines, Strategy.CEPAT)
    # fill_bench's order() returns once any call-out exists: wait for this one.
    while (callout := (await callout_store.recent(db, limit=1))[0]).id in before:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    t_fill = None
    while True:
        await asyncio.sleep(0.1)
        found_lines = await callout_store.lines(db, callout.id)
        if all(line.filled_at is not None for line in found_lines):
            last = max(line.filled_at for line in found_lines if line.filled_at)
            t_fill = (last - callout.created_at).total_seconds()
            break
        if (clock.now() - callout.created_at).total_seconds() > LIMIT_S:
            break
    invites = await callout_store.invites(db, callout.id)
    done = Round(
        "",
        0,
        0,
        quota,
        best,
        t_fill,
        len(invites),
        sum(i.state is InviteState.STOOD_DOWN for i in invites),
        tiered,
    )
    await complete(fake, db, clock, callout.id)
    return done


async def roll_call(db: Database, clock: SimTime) -> None:
    """`--roll-call`: everyone SIAP confirms again now (a roll call's Hadir, in one write)."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE readiness SET confirmed_at = ? WHERE state = 'SIAP'", (to_db(clock.now()),)
        )


async def tiers(db: Database, category: str, clock: SimTime, people: People) -> str:
    """Who stands where before the order: per fairness tier, how many, how many have a model
    of their own (from their answers and stand-downs), and the quick yeses (a yes within
    Cepat's horizon) the models expect against those that will come this time."""
    found = await callout_store.candidates(db, category, 0)
    model = learn(await callout_store.polda_evidence(db))
    horizon = fill_domain.HORIZON_MEDIANS * model.median_s
    evidence = await callout_store.person_evidence(db, [c.person_id for c in found])
    known = person_models(evidence, model)
    counts: dict[tuple[bool, int], list[float]] = {}
    for c in found:
        tier = deployment_tier(c.last_turn, clock.now())
        row = counts.setdefault(tier, [0, 0, 0, 0.0, 0])
        row[0] += 1
        row[1] += c.person_id in known
        move = people.behaviours[c.chat_id]
        row[2] += move.move == "yes"
        row[3] += known.get(c.person_id, model).yes_within(0.0, horizon)
        row[4] += move.move == "yes" and move.delay_s <= horizon
    parts = [
        f"{'never' if not turned else f'{-days}d rest'} {n:.0f} (own model {k:.0f},"
        f" yes {y:.0f}; quick yes expected {e:.1f}, coming {q:.0f})"
        for (turned, days), (n, k, y, e, q) in sorted(counts.items())
    ]
    return f"  tiers (horizon {horizon:.0f} s): " + " · ".join(parts)


async def complete(fake: FakeTelegram, db: Database, clock: SimTime, callout_id: int) -> None:
    """The admin taps Selesai on the card and confirms."""
    user = fake.user(ADMIN_ID)
    with clock.real_time():
        for action in (Action.COMPLETE, Action.COMPLETE_YES):
            wanted = button_data(action, callout_id)
            deadline = time.monotonic() + 60
            while True:
                try:
                    await user.press(lambda b: b.get("callback_data") == wanted)  # noqa: B023
                    break
                except AssertionError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.1)
        deadline = time.monotonic() + 60
        while (
            found := await callout_store.get(db, callout_id)
        ) is not None and found.status is CalloutStatus.ACTIVE:
            if time.monotonic() > deadline:
                raise TimeoutError("the call-out did not close")
            await asyncio.sleep(0.1)
        # The releases and stand-downs leave before the next order (as a commander would see).
        while (await outbox_backlog(db))[0] > 0:  # noqa: ASYNC110 (a probe of another task's rows)
            await asyncio.sleep(0.1)


# -- the oracle ----------------------------------------------------------------------------------


def _arrivals(chosen: Sequence[Behaviour]) -> list[float]:
    """When the yeses of `chosen` arrive if all are invited at the order, the quickest sent
    first, 30 a second (the ones who never say yes are sent last and change nothing)."""
    delays = sorted(
        b.delay_s if b.move == "yes" else TIMEOUT_S + b.delay_s
        for b in chosen
        if b.move in ("yes", "late")
    )
    return sorted((slot + 1) / RATE + d for slot, d in enumerate(delays))


def fewest_called(line: tuple[int, list[list[Behaviour]]], t_target: float) -> int | None:
    """The oracle within the fairness order: the fewest people of one line, invited all at the
    order, whose quota-th yes arrives by `t_target`. It knows everyone's move and delay this
    time, but may take someone of a tier only once everyone of the tiers before is taken
    (as the bot may; inside a tier it takes the quickest yeses). None when no choice does."""
    quota, tiers = line
    before: list[Behaviour] = []
    for tier in tiers:
        yeses = sorted(
            (b for b in tier if b.move in ("yes", "late")),
            key=lambda b: b.delay_s if b.move == "yes" else TIMEOUT_S + b.delay_s,
        )
        for k in range(len(yeses) + 1):
            arrivals = _arrivals(before + yeses[:k])
            if len(arrivals) >= quota and arrivals[quota - 1] <= t_target:
                return len(before) + k
        before += tier
    return None


def oracle_called(round_: Round, ratio: float) -> int | None:
    """The oracle's fewest people over the lines of `round_` for an R of `ratio`."""
    found = [fewest_called(line, ratio * round_.t_best) for line in round_.tiers]
    return None if any(n is None for n in found) else sum(n for n in found if n is not None)


# -- the report ----------------------------------------------------------------------------------


def report(rounds: Sequence[Round]) -> str:
    lines = [
        f"{'call-out':>8} | {'plain R':>13} {'called/q':>11}"
        f" | {'prefer R':>13} {'called/q':>11} | fewer called"
    ]
    for round_no in range(1, ROUNDS + 1):
        row = f"{round_no:8d}"
        medians: dict[str, float] = {}
        for variant in ("plain", "prefer"):
            mine = [r for r in rounds if r.round_no == round_no and r.variant == variant]
            if not mine:
                row += f" | {'-':>13} {'-':>11}"
                continue
            ratios = [r.ratio for r in mine]
            called = [r.called_ratio for r in mine]
            medians[variant] = statistics.median(called)
            row += (
                f" | {statistics.median(ratios):5.2f} ({max(ratios):5.2f})"
                f" {statistics.median(called):4.2f} ({max(called):4.2f})"
            )
        if len(medians) == 2:
            row += f" | {1 - medians['prefer'] / medians['plain']:6.1%}"
        lines.append(row)
    pairs = [
        (p, q)
        for p in rounds
        if p.variant == "plain" and p.round_no == ROUNDS
        for q in rounds
        if q.variant == "prefer" and q.round_no == ROUNDS and q.seed == p.seed
    ]
    for p, q in pairs:
        lines.append(
            f"seed {p.seed}, call-out {ROUNDS}: plain R {p.ratio:.2f} called {p.called}"
            f" · prefer R {q.ratio:.2f} called {q.called} ({1 - q.called / p.called:.1%} fewer)"
            f" · oracle at plain's R: {_oracle_text(q, p)} in prefer's order,"
            f" {_oracle_text(p, p)} in plain's; target ≤ {0.75 * p.called:.0f}"
        )
    return "\n".join(lines)


def _oracle_text(state: Round, at: Round) -> str:
    n = oracle_called(state, at.ratio) if math.isfinite(at.ratio) else None
    return "-" if n is None else f"{n}"


async def main(args: argparse.Namespace) -> None:
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; commit {commit()}")
    print(
        f"load average {os.getloadavg()[0]:.2f} (1 min) at the start; speed {args.speed};"
        f" model {args.model}, case {args.case}, habit {args.habit}, gap {args.gap_minutes} min,"
        f" tier {args.tier_hours} h, refusal is no turn: {args.refusal_is_no_turn},"
        f" roll call: {args.roll_call}, Cepat's horizon {args.horizon_medians} medians,"
        f" variants {args.variants}, person prior weight {args.person_prior_weight}"
    )
    # The one knob of Cepat's trade: how soon the quota-th yes is aimed for. Swept by the
    # bench to compare the two variants at the same R, not only at the bot's setting.
    fill_domain.HORIZON_MEDIANS = args.horizon_medians
    fill_handlers.HORIZON_MEDIANS = args.horizon_medians  # type: ignore[attr-defined]
    # How far a person's own record moves them from everyone's model: measured, not tuned here.
    fill_domain.PERSON_PRIOR_WEIGHT = args.person_prior_weight
    callout_domain.DEPLOYMENT_TIER = timedelta(hours=args.tier_hours)
    if args.refusal_is_no_turn:
        callout_store.candidates = refusal_is_no_turn
    catalog = Catalog.load()
    rounds: list[Round] = []
    with tempfile.TemporaryDirectory(prefix="siaga-learn-base-") as folder:
        base = Path(folder) / "siaga.db"
        roster = await prepare_roster(base, 3294, 2024, START)
        for seed in range(1, args.seeds + 1):
            for prefer in (v == "prefer" for v in args.variants.split(",")):
                rounds += await sequence(
                    base, roster, catalog, MODELS[args.model], args.case, seed, prefer, args
                )
    print()
    print(report(rounds))
    print(f"load {os.getloadavg()[0]:.2f} (1 min) at the end")


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--model", default="default", choices=list(MODELS))
    parser.add_argument("--case", default="brimob", choices=list(CASES))
    parser.add_argument("--habit", type=float, default=0.8, help="chance a person acts as usual")
    parser.add_argument("--gap-minutes", type=float, default=60.0)
    parser.add_argument(
        "--tier-hours", type=float, default=24.0, help="DEPLOYMENT_TIER for this run"
    )
    parser.add_argument(
        "--refusal-is-no-turn",
        action="store_true",
        help="measure the fairness order before a refusal counted as a turn",
    )
    parser.add_argument(
        "--roll-call",
        action="store_true",
        help="everyone SIAP confirms again before each order but the first",
    )
    parser.add_argument(
        "--horizon-medians",
        type=float,
        default=fill_domain.HORIZON_MEDIANS,
        help="Cepat's horizon in typical answer times (the bot's setting by default)",
    )
    parser.add_argument(
        "--person-prior-weight",
        type=float,
        default=fill_domain.PERSON_PRIOR_WEIGHT,
        help="pseudo-invitations of everyone's model in a person's own (the bot's by default)",
    )
    parser.add_argument(
        "--variants", default="plain,prefer", choices=["plain,prefer", "plain", "prefer"]
    )
    parser.add_argument("--speed", type=float, default=30.0, help="clock speed while idle")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
