"""Retention, pure: how long each kind of row is kept, and what one pruning turn does next.

Three periods (README, "Retention"):

- **records** — roll-call answers, call-out outcomes, readiness history, the audit log. Reports
  and exports read them; kept for `records` (two years by default), then deleted.
- **working data** — outbox texts and keyboards once sent, done deadlines, drafts, delivery
  batches. Kept only while an edit may still target a message or a crash may replay it. An
  update still in the inbox after the working period is one that could never be processed
  (every start replays the inbox, and Telegram itself gives up on an update after a day): it
  goes too, and the job logs it.
- **personal fields** of people deactivated from the roster (phone, Telegram link): erased
  `personal` after the deactivation; their answers stay in the records, so old reports count
  them.

What is live is never pruned whatever the periods say (an open roll call, an active call-out,
a pending deadline or outbox row, an edit target of a live rekap or pinned status): storage's
queries leave those out, the periods only bound the age. An update waiting in the inbox is
replayable within the working period only (above).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

# The longest an edit may still target a message we sent: a roll call stays open up to a day
# (SIAGA_APEL_DEFAULT_MINUTES ≤ 1,440 and typed deadlines within that), a commander answers a
# link request or a member taps a prompt the morning after, and a crash replays what was in
# flight. Two days covers all of them with room; working data kept less could lose an edit.
EDIT_WINDOW = timedelta(hours=48)
# Records shorter than this would break the monthly and quarterly reports the command runs.
MIN_RECORDS = timedelta(days=90)
# A deactivation by mistake (a roster file missing a page) is undone by the next import
# without anyone registering again, as long as the link is still there.
MIN_PERSONAL = timedelta(days=7)


@dataclass(frozen=True)
class RetentionPolicy:
    records: timedelta = timedelta(days=730)
    working: timedelta = timedelta(days=7)
    personal: timedelta = timedelta(days=90)
    # Rows deleted per transaction: small enough that a tap waiting for the write lock does
    # not feel it (bench/year_bench.py measures a burst of taps during pruning).
    batch_rows: int = 500


@dataclass(frozen=True)
class PolicyProblem:
    """Why a policy is unsafe: `period` names the RetentionPolicy field at fault."""

    period: str
    text: str


def policy_problems(policy: RetentionPolicy) -> list[PolicyProblem]:
    """Why these periods are unsafe, one sentence each (empty when they are fine)."""
    problems: list[PolicyProblem] = []
    if policy.working < EDIT_WINDOW:
        problems.append(
            PolicyProblem(
                "working",
                f"working data must be kept at least {_hours(EDIT_WINDOW)} hours: an edit or"
                f" a crash replay may still need it (got {_hours(policy.working)} hours)",
            )
        )
    if policy.records < MIN_RECORDS:
        problems.append(
            PolicyProblem(
                "records",
                f"records must be kept at least {MIN_RECORDS.days} days for the monthly and"
                f" quarterly reports (got {policy.records.days} days)",
            )
        )
    if policy.records < policy.working:
        problems.append(
            PolicyProblem("records", "records must be kept at least as long as working data")
        )
    if policy.personal < MIN_PERSONAL:
        problems.append(
            PolicyProblem(
                "personal",
                f"personal fields must be kept at least {MIN_PERSONAL.days} days after a"
                f" deactivation, so that a mistaken roster import can be undone"
                f" (got {policy.personal.days} days)",
            )
        )
    if policy.batch_rows < 1:
        problems.append(
            PolicyProblem("batch_rows", "a pruning batch must delete at least one row")
        )
    return problems


def _hours(span: timedelta) -> int:
    return int(span.total_seconds() // 3600)


@dataclass(frozen=True)
class Cutoffs:
    """Rows older than these moments may go (if nothing live needs them)."""

    records_before: datetime
    working_before: datetime
    personal_before: datetime


def cutoffs(policy: RetentionPolicy, now: datetime) -> Cutoffs:
    return Cutoffs(now - policy.records, now - policy.working, now - policy.personal)


class Step(Enum):
    """The pruning steps, in the order a run takes them. Working data first (most rows, least
    value), records after, personal fields, then the space reclaimed."""

    OUTBOX = "outbox"
    DEADLINES = "deadlines"
    INBOX = "inbox"
    DRAFTS = "drafts"
    ROLLCALLS = "rollcalls"
    CALLOUTS = "callouts"
    READINESS_HISTORY = "readiness_history"
    AUDIT = "audit"
    BATCHES = "batches"
    PERSONAL = "personal"
    RECLAIM = "reclaim"


STEPS: tuple[Step, ...] = tuple(Step)


@dataclass(frozen=True)
class Turn:
    """What the retention deadline does after a batch: fire again at `at` on `step`."""

    step: Step
    at: datetime
    finished: bool = False


def after_batch(step: Step, done: int, *, now: datetime, next_run: datetime) -> Turn:
    """One batch of `step` did `done` units of work (rows deleted, pages freed).

    A full-or-partial batch that did something continues the same step at once; one that
    found nothing moves to the next step; after the last step the run is finished and the
    next one waits for `next_run`. Each batch is its own transaction, so between two turns
    every other writer gets the database (the write lock is fair).
    """
    if done > 0:
        return Turn(step, now)
    index = STEPS.index(step)
    if index + 1 < len(STEPS):
        return Turn(STEPS[index + 1], now)
    return Turn(STEPS[0], next_run, finished=True)


# Updates within this long of now mean people are pressing buttons: a batch waits until they
# have been quiet this long, so a tap never queues for the write lock behind pruning that can
# as well run a second later.
QUIET_BEFORE_BATCH = timedelta(seconds=1)
# …but never waits longer than this in a row: a bot that is never quiet still prunes, a batch
# at least this often.
MAX_WAIT_FOR_QUIET = timedelta(seconds=30)


def batch_waits_until(
    now: datetime, last_update: datetime | None, waiting_since: datetime | None
) -> datetime | None:
    """When the next batch should run instead of now, while updates are arriving (None: now).
    `waiting_since` is when this batch first gave way."""
    if last_update is None or now - last_update >= QUIET_BEFORE_BATCH:
        return None
    if waiting_since is not None and now - waiting_since >= MAX_WAIT_FOR_QUIET:
        return None
    quiet = last_update + QUIET_BEFORE_BATCH
    if waiting_since is not None:
        quiet = min(quiet, waiting_since + MAX_WAIT_FOR_QUIET)
    return quiet


def next_run_at(now: datetime, zone: ZoneInfo, hour: int) -> datetime:
    """The next daily run: `hour` o'clock local time, the quietest hour of the night."""
    local = now.astimezone(zone)
    today = datetime.combine(local.date(), time(hour), tzinfo=zone)
    run = today if today > local else today + timedelta(days=1)
    return run.astimezone(now.tzinfo)


# -- what is live ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Live:
    """What is still going on: its messages may be edited again, whatever their age."""

    rollcalls: frozenset[int] = frozenset()  # open roll calls and readiness checks
    callouts: frozenset[int] = frozenset()  # active call-outs
    invites: frozenset[int] = frozenset()  # every invitation of an active call-out
    link_requests: frozenset[int] = frozenset()  # pending (their approval messages)
    batches: frozenset[int] = frozenset()  # delivery batches of the above
    # Outbox keys a pending edit waits for, and the pinned status messages of active groups.
    keys: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OutboxCandidate:
    """A sent (or failed, or cancelled) outbox row past the working period."""

    id: int
    dedup_key: str
    batch_id: int | None


# The outbox keys of call-out messages about one invitation (storage/callouts.invite_key and
# handlers/mobilize): `co:inv:12`, `co:arr:12`, `co:end:12`…; other `co:` keys name the
# call-out itself (`co:7:card`, `co:7:short:…`).
_INVITE_KEYS = frozenset({"inv", "arr", "deact", "noans", "end", "proxy"})


def live_outbox_row(row: OutboxCandidate, live: Live) -> bool:
    """Whether a row must stay although it is old enough: what it belongs to is live."""
    if row.dedup_key in live.keys or (row.batch_id is not None and row.batch_id in live.batches):
        return True
    parts = row.dedup_key.split(":")
    if parts[0] == "edit":
        # An edit already sent is history: the next one for a live message is a new row.
        return False
    if len(parts) < 3:
        return False
    head, second = parts[0], parts[1]
    if head == "ap" and second.isdigit():
        return int(second) in live.rollcalls
    if head == "reg" and second.isdigit():
        return int(second) in live.link_requests
    if head == "co":
        if second.isdigit():
            return int(second) in live.callouts
        if second in _INVITE_KEYS and parts[2].isdigit():
            return int(parts[2]) in live.invites
    return False
