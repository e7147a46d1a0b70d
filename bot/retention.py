"""The retention job on the scheduler: one deadline row that prunes a batch each time it fires.

The row (kind `retention`) is the truth of where a run is: its payload names the step and
the scan position. Each firing prunes one batch inside the scheduler's transaction and re-arms
the row in the same transaction — at once while there is more to do, at the next night's run
when everything is done. So a run is many short transactions with every other writer getting
the database between two of them, and a crash anywhere rolls back one batch whole; the row
is still due after a restart and the run continues where it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import Settings
from bot.domain.retention import (
    STEPS,
    RetentionPolicy,
    Step,
    after_batch,
    batch_waits_until,
    cutoffs,
    next_run_at,
)
from bot.scheduler import Scheduler
from storage import deadlines, retention
from storage.db import Database, Transaction
from storage.deadlines import Deadline
from storage.retention import RECLAIM_MAX_FREE

log = logging.getLogger(__name__)

KIND = "retention"
REF = "run"


async def prune_batch(
    tx: Transaction, policy: RetentionPolicy, payload: dict[str, Any], now: datetime
) -> tuple[dict[str, Any], retention.Progress]:
    """One batch of the step `payload` names; returns the payload of the next batch."""
    step = Step(payload.get("step", STEPS[0].value))
    after = payload.get("after")
    progress = await retention.prune(tx, step, cutoffs(policy, now), policy.batch_rows, now, after)
    if step is Step.INBOX and progress.done:
        log.warning(
            "retention: %d updates still in the inbox after the working period could never"
            " be processed; dropped",
            progress.done,
        )
    counts: dict[str, int] = dict(payload.get("counts", {}))
    if step is not Step.OUTBOX or progress.done:
        counts[step.value] = counts.get(step.value, 0) + progress.done
    turn = after_batch(step, progress.done, now=now, next_run=now)
    following: dict[str, Any] = {"step": turn.step.value, "counts": counts}
    if turn.step is step and progress.after is not None:
        following["after"] = progress.after
    if turn.finished:
        following["finished"] = True
    return following, progress


class RetentionJob:
    def __init__(
        self,
        settings: Settings,
        db: Callable[[], Database],
        clock: Clock,
        last_update: Callable[[], datetime | None] = lambda: None,
    ) -> None:
        """`last_update()`: when the bot last took an update in; a batch gives way to them."""
        self._settings = settings
        self._db = db
        self._clock = clock
        self._last_update = last_update

    def register(self, scheduler: Scheduler) -> None:
        scheduler.on(KIND, self.fire)
        scheduler.at_start(self.arm)

    def _next_run(self, now: datetime) -> datetime:
        return next_run_at(now, self._settings.zone, self._settings.retention_hour)

    async def arm(self, tx: Transaction) -> None:
        """At start: a run under way (or due) is left to continue; otherwise the next one."""
        row = await deadlines.get(tx, KIND, REF)
        if row is not None and row.state == "pending":
            return
        await deadlines.schedule(
            tx, KIND, REF, self._next_run(self._clock.now()), {"step": STEPS[0].value}
        )

    async def fire(self, tx: Transaction, deadline: Deadline) -> None:
        now = self._clock.now()
        payload = deadline.payload
        since = payload.get("waiting_since")
        waiting_since = datetime.fromisoformat(since) if since else None
        later = batch_waits_until(now, self._last_update(), waiting_since)
        if later is not None:
            waiting = {**payload, "waiting_since": (waiting_since or now).isoformat()}
            await deadlines.schedule(tx, KIND, REF, later, waiting)
            return
        policy = self._settings.retention_policy
        following, _ = await prune_batch(tx, policy, payload, now)
        if following.pop("finished", False):
            await retention.record_finished(tx, now)
            log.info("retention run finished: %s", following["counts"])
            await deadlines.schedule(tx, KIND, REF, self._next_run(now), {"step": STEPS[0].value})
            return
        await deadlines.schedule(tx, KIND, REF, now, following)


async def run_to_end(
    db: Database,
    policy: RetentionPolicy,
    now: datetime,
    *,
    on_batch: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """A whole run outside the scheduler (tests; bench/year_bench.py times each batch with
    `on_batch(step)`): the same batches, each its own transaction. Returns what each step
    did."""
    payload: dict[str, Any] = {"step": STEPS[0].value}
    while True:
        step = str(payload["step"])
        async with db.transaction() as tx:
            payload, _ = await prune_batch(tx, policy, payload, now)
        if on_batch is not None:
            on_batch(step)
        if payload.get("finished"):
            async with db.transaction() as tx:
                await retention.record_finished(tx, now)
            counts: dict[str, int] = payload["counts"]
            return counts


async def describe(db: Database, settings: Settings, now: datetime) -> list[tuple[str, bool, str]]:
    """`python -m bot check`'s lines: (name, ok, detail) for size, oldest record, the job."""
    zone = settings.zone
    space = await retention.file_space(db)
    wal_bytes = _wal_bytes(db.path)
    size = (
        f"{_mb(space.bytes)} MB (+{_mb(wal_bytes)} MB WAL), {_mb(space.free_bytes)} MB free inside"
    )
    if space.incremental and space.free_bytes <= RECLAIM_MAX_FREE * 4096:
        size += "; freed space goes back to the disk as retention runs"
    elif space.incremental:
        size += (
            "; more free than retention hands back online: `python -m bot compact`, bot stopped"
        )
    else:
        size += "; made before incremental vacuum: run `python -m bot compact` once, bot stopped"
    oldest = await retention.oldest_record(db)
    kept = f"kept {settings.retention_records_days} days"
    oldest_text = (
        f"{oldest.astimezone(zone):%Y-%m-%d %H:%M} ({kept})" if oldest else f"none yet ({kept})"
    )
    return [
        ("size", True, size),
        ("oldest record", True, oldest_text),
        await _job_line(db, zone, now),
    ]


async def _job_line(db: Database, zone: ZoneInfo, now: datetime) -> tuple[str, bool, str]:
    row = await deadlines.get(db, KIND, REF)
    finished = await retention.last_finished(db)
    last = f"last finished {finished.astimezone(zone):%Y-%m-%d %H:%M}" if finished else "never run"
    if row is None:
        return ("retention", True, f"not armed yet: the bot arms it when it starts; {last}")
    if row.state == "failed":
        return ("retention", False, f"stopped after errors: {row.last_error}; {last}")
    if row.state != "pending":
        return ("retention", False, f"not armed ({row.state}): restart the bot; {last}")
    step = row.payload.get("step", STEPS[0].value)
    if row.due_at <= now or step != STEPS[0].value:
        return ("retention", True, f"running (step {step}); {last}")
    return ("retention", True, f"next run {row.due_at.astimezone(zone):%Y-%m-%d %H:%M}; {last}")


def _wal_bytes(path: str) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}"
