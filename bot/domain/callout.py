"""Call-out (pengerahan) rules: the order, who is invited, how a quota fills, arrival.

Pure and Telegram-free: every function takes the state it needs (and `now`) and returns a
decision; `storage.callouts` keeps the rows and `handlers.mobilize` acts on the decisions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from bot.domain.drafts import CALLOUT_DRAFT_LIFETIME, expired
from bot.domain.order_fields import CALLOUT_FIELDS, split_fields
from bot.domain.refusal import Refusal

MAX_LOCATION_CHARS = 200
MAX_REF_CHARS = 60
# Far beyond any reserve: a bigger number is a pasted NRP or phone number, not a quota.
MAX_QUOTA = 100_000
MIN_TIMEOUT_MINUTES = 1
MAX_TIMEOUT_MINUTES = 60

DRILL_WORDS = frozenset({"latihan", "drill"})
REF_PREFIXES = ("sprin:", "ref:")
TIMEOUT_PREFIXES = ("batas:", "timeout:")


class InviteMessage(StrEnum):
    """What a message about one invitation is; the second word of its outbox key."""

    INVITATION = "inv"  # the invitation itself (stand-downs edit it); reminders follow it
    ARRIVAL = "arr"  # the arrival prompt after Siap berangkat
    STAND_DOWN = "end"
    PROXY = "proxy"  # told that a commander answered for them
    DEACTIVATED = "deact"
    NO_ANSWER = "noans"  # to one of the silent person's commanders


@dataclass(frozen=True)
class InviteKey:
    """The outbox key of a message about one invitation, built and read back in one place:
    `co:<kind>:<invite>` then `tail` (`rem:<n>` for a reminder, the commander's chat for a
    no-answer report)."""

    kind: InviteMessage
    invite_id: int
    tail: tuple[str, ...] = ()

    def __str__(self) -> str:
        return ":".join(["co", self.kind.value, str(self.invite_id), *self.tail])

    @classmethod
    def parse(cls, key: str) -> InviteKey | None:
        parts = key.split(":")
        if len(parts) < 3 or parts[0] != "co" or not parts[2].isdigit():
            return None
        try:
            kind = InviteMessage(parts[1])
        except ValueError:
            return None
        return cls(kind, int(parts[2]), tuple(parts[3:]))


class InviteState(StrEnum):
    PENDING = "pending"  # invited, within the first timeout
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TIMED_OUT = "timed_out"  # reminded and already replaced; may still answer
    NO_ANSWER = "no_answer"  # silent after the second timeout; reported to their commander
    STOOD_DOWN = "stood_down"  # the quota filled (or the call-out ended) before they answered
    CANCELLED = "cancelled"  # the call-out was cancelled
    UNREACHABLE = "unreachable"  # Telegram refused delivery, or the person was deactivated


# An invite in one of these states holds the person: nobody is in two live call-outs at once.
LIVE_STATES = frozenset({InviteState.PENDING, InviteState.TIMED_OUT, InviteState.ACCEPTED})
# Still waiting for an answer (counted as "menunggu" on the card).
OPEN_STATES = frozenset({InviteState.PENDING, InviteState.TIMED_OUT})


class Strategy(StrEnum):
    """How a line is kept invited (bot.domain.fill has the rule)."""

    CEPAT = "cepat"  # adaptive: fast, calls a measured surplus
    TEPAT = "tepat"  # exact shortfall: the fewest people disturbed
    SEMUA = "semua"  # everyone ready in the line


# The option words of a typed order (Indonesian, and English for English-speaking admins).
STRATEGY_WORDS = {
    "cepat": Strategy.CEPAT,
    "fast": Strategy.CEPAT,
    "tepat": Strategy.TEPAT,
    "exact": Strategy.TEPAT,
    "semua": Strategy.SEMUA,
    "all": Strategy.SEMUA,
}


class CalloutStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class DraftStatus(StrEnum):
    """An order being put together: open until it is sent or discarded (once)."""

    OPEN = "open"
    SENT = "sent"
    DISCARDED = "discarded"


# -- the order ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderLine:
    category: str
    quota: int


@dataclass(frozen=True)
class Order:
    lines: tuple[OrderLine, ...]
    location: str
    ref: str | None = None
    drill: bool = False
    timeout_minutes: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    # Optional order fields (bot/domain/order_fields.py): the task or BKO, where to assemble,
    # whom to report to. What a member needs to act, shown on the invitation.
    task: str | None = None
    assembly: str | None = None
    report_to: str | None = None
    strategy: Strategy | None = None  # None: the Polda's default

    @property
    def categories(self) -> list[str]:
        return [line.category for line in self.lines]

    @property
    def has_site(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def parse_order(text: str, categories: Collection[str]) -> Order | Refusal:
    """`KATEGORI JUMLAH [KATEGORI JUMLAH …] [options] LOKASI… [options][; field: value …]`.

    Options (`latihan`, `sprin:REF`, `batas:MENIT`, `cepat` / `tepat` / `semua`) are read
    right after the quotas and at the end, never from the middle: a place may well be called
    "Lapangan Latihan Brimob".
    """
    split = split_fields(text, CALLOUT_FIELDS)
    if isinstance(split, Refusal):
        return split.under("callout-error-")
    text, fields = split
    known = {c.upper(): c for c in categories}
    tokens = text.split()
    if not tokens:
        return Refusal("callout-error-usage")
    lines: list[OrderLine] = []
    i = 0
    while i < len(tokens):
        word = tokens[i]
        code = known.get(word.upper())
        if code is None:
            if not lines:
                if _looks_like_number(word):
                    return Refusal("callout-error-usage")
                return Refusal("callout-error-unknown-category", {"value": word[:40]})
            break
        if any(line.category == code for line in lines):
            return Refusal("callout-error-duplicate-category", {"category": code})
        if i + 1 >= len(tokens):
            return Refusal("callout-error-quota-missing", {"category": code})
        quota = parse_quota(tokens[i + 1])
        if isinstance(quota, Refusal):
            return Refusal(quota.key, {"category": code, **quota.args})
        lines.append(OrderLine(code, quota))
        i += 2
    rest = tokens[i:]
    options: dict[str, Any] = {
        "ref": None,
        "drill": False,
        "timeout": None,
        "strategy": None,
    }
    head = 0
    while head < len(rest):
        error = _take_option(rest[head], options)
        if error is False:
            break
        if isinstance(error, Refusal):
            return error
        head += 1
    tail = len(rest)
    while tail > head:
        error = _take_option(rest[tail - 1], options)
        if error is False:
            break
        if isinstance(error, Refusal):
            return error
        tail -= 1
    location = _checked_location(" ".join(rest[head:tail]).strip())
    if isinstance(location, Refusal):
        return location
    return Order(
        lines=tuple(lines),
        location=location,
        ref=options["ref"],
        drill=bool(options["drill"]),
        timeout_minutes=options["timeout"],
        task=fields.get("task"),
        assembly=fields.get("assembly"),
        report_to=fields.get("report_to"),
        strategy=options["strategy"],
    )


def parse_quota(word: str) -> int | Refusal:
    if not word.isascii() or not word.isdigit():
        return Refusal("callout-error-quota-invalid", {"value": word[:20]})
    if len(word) > 9 or int(word) > MAX_QUOTA:
        return Refusal("callout-error-quota-absurd", {"value": word[:20]})
    value = int(word)
    if value == 0:
        return Refusal("callout-error-quota-zero")
    return value


def validate_location(text: str) -> str | Refusal:
    """A location typed on its own (the guided path)."""
    return _checked_location(" ".join(text.split()))


def _checked_location(location: str) -> str | Refusal:
    """The location of an order, typed after it or on its own: present and not too long."""
    if not location:
        return Refusal("callout-error-location-missing")
    if len(location) > MAX_LOCATION_CHARS:
        return Refusal(
            "callout-error-location-too-long",
            {"length": len(location), "max": MAX_LOCATION_CHARS},
        )
    return location


def _looks_like_number(word: str) -> bool:
    stripped = word.lstrip("+-").replace(".", "").replace(",", "")
    return bool(stripped) and stripped.isdigit()


def _take_option(word: str, options: dict[str, Any]) -> Refusal | bool:
    """True when `word` was an option (and stored), False when it is not one."""
    lowered = word.lower()
    if lowered in DRILL_WORDS:
        options["drill"] = True
        return True
    if lowered in STRATEGY_WORDS:
        options["strategy"] = STRATEGY_WORDS[lowered]
        return True
    for prefix in REF_PREFIXES:
        if lowered.startswith(prefix):
            ref = word[len(prefix) :].strip()
            if not ref:
                return Refusal("callout-error-ref-empty")
            if len(ref) > MAX_REF_CHARS:
                return Refusal("callout-error-ref-too-long", {"max": MAX_REF_CHARS})
            options["ref"] = ref
            return True
    for prefix in TIMEOUT_PREFIXES:
        if lowered.startswith(prefix):
            value = word[len(prefix) :].strip().lower().removesuffix("m")
            if (
                not value.isascii()
                or not value.isdigit()
                or not MIN_TIMEOUT_MINUTES <= int(value) <= MAX_TIMEOUT_MINUTES
            ):
                return Refusal(
                    "callout-error-timeout-invalid",
                    {
                        "value": word[len(prefix) :][:20],
                        "min": MIN_TIMEOUT_MINUTES,
                        "max": MAX_TIMEOUT_MINUTES,
                    },
                )
            options["timeout"] = int(value)
            return True
    return False


def order_to_json(order: Order) -> dict[str, Any]:
    return {
        "lines": [[line.category, line.quota] for line in order.lines],
        "location": order.location,
        "ref": order.ref,
        "drill": order.drill,
        "timeout": order.timeout_minutes,
        "lat": order.latitude,
        "lon": order.longitude,
        "task": order.task,
        "assembly": order.assembly,
        "report_to": order.report_to,
        "strategy": order.strategy.value if order.strategy is not None else None,
    }


def order_from_json(data: Mapping[str, Any]) -> Order:
    return Order(
        lines=tuple(OrderLine(str(c), int(q)) for c, q in data.get("lines", [])),
        location=str(data.get("location") or ""),
        ref=data.get("ref"),
        drill=bool(data.get("drill")),
        timeout_minutes=data.get("timeout"),
        latitude=data.get("lat"),
        longitude=data.get("lon"),
        task=data.get("task"),
        assembly=data.get("assembly"),
        report_to=data.get("report_to"),
        strategy=STRATEGY_WORDS.get(str(data.get("strategy") or "")),
    )


def draft_expired(created_at: datetime, now: datetime) -> bool:
    return expired(created_at, now, CALLOUT_DRAFT_LIFETIME)


# -- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """Whom an order may touch in one category: everyone, or only people of these units."""

    category: str
    units: tuple[str, ...] | None  # None: the whole category


def reach_for(
    category: str,
    *,
    is_admin: bool,
    scope_categories: Collection[str],
    scope_units: Collection[str],
) -> Reach | None:
    """Admins and commanders of the category order all of it; a unit commander only their
    own units' people of that category; anyone else nothing (None)."""
    if is_admin or category in scope_categories:
        return Reach(category, None)
    if scope_units:
        return Reach(category, tuple(sorted(scope_units)))
    return None


class Commander(Protocol):
    """Who acts on a call-out, as far as its rules care (the gate's `Actor` is one)."""

    @property
    def user_id(self) -> int: ...
    @property
    def is_admin(self) -> bool: ...
    @property
    def is_commander(self) -> bool: ...
    def commands_category(self, code: str) -> bool: ...
    def commands_unit(self, unit: str) -> bool: ...


class LineReach(Protocol):
    """A call-out line as far as permissions care: its category and its units (None: all)."""

    @property
    def category(self) -> str: ...
    @property
    def units(self) -> tuple[str, ...] | None: ...


def may_manage(actor: Commander, ordered_by_user_id: int, lines: Sequence[LineReach]) -> bool:
    """The commander who ordered it, a commander of all its categories, or an admin."""
    if actor.is_admin or actor.user_id == ordered_by_user_id:
        return True
    return actor.is_commander and all(actor.commands_category(line.category) for line in lines)


def may_see(actor: Commander, ordered_by_user_id: int, lines: Sequence[LineReach]) -> bool:
    """Who may see a call-out's card and names: its managers, and a commander of any of its
    categories or of a unit it reaches."""
    if may_manage(actor, ordered_by_user_id, lines):
        return True
    if not actor.is_commander:
        return False
    return any(
        actor.commands_category(line.category)
        or any(actor.commands_unit(unit) for unit in line.units or ())
        for line in lines
    )


C = TypeVar("C")


def no_answer_recipients(unit: str, covering: Sequence[tuple[C, Collection[str]]]) -> list[C]:
    """Whom a silent person's no-answer goes to, from the commanders covering them and the
    units each commands: the commanders of their own unit first, else all of them (those of
    their category)."""
    own_unit = [commander for commander, units in covering if unit in units]
    return own_unit or [commander for commander, _ in covering]


# -- the confirm card -----------------------------------------------------------------------


class Availability(StrEnum):
    READY = "ready"  # SIAP and confirmed recently: invited first
    STALE = "stale"  # SIAP, confirmation old: invited after the fresh ones
    NOT_READY = "not_ready"
    DEPLOYED = "deployed"  # BERTUGAS, or already held by another live call-out
    UNREACHABLE = "unreachable"
    UNLINKED = "unlinked"  # no Telegram account: cannot be invited
    UNKNOWN = "unknown"  # never answered readiness, or a TIDAK SIAP that has run out


@dataclass(frozen=True)
class PersonStatus:
    """One person of a category as the confirm card needs them."""

    person_id: int
    linked: bool
    unreachable: bool
    state: str | None  # readiness state (SIAP / TIDAK_SIAP / BERTUGAS), None when none
    confirmed_at: datetime | None
    until: datetime | None
    in_live_callout: bool


def classify(person: PersonStatus, now: datetime, stale_after: timedelta) -> Availability:
    if person.state == "BERTUGAS" or person.in_live_callout:
        return Availability.DEPLOYED
    if not person.linked:
        return Availability.UNLINKED
    if person.unreachable:
        return Availability.UNREACHABLE
    if person.state == "TIDAK_SIAP":
        if person.until is not None and person.until <= now:
            return Availability.UNKNOWN
        return Availability.NOT_READY
    if person.state == "SIAP" and person.confirmed_at is not None:
        if now - person.confirmed_at >= stale_after:
            return Availability.STALE
        return Availability.READY
    return Availability.UNKNOWN


@dataclass(frozen=True)
class Snapshot:
    category: str
    strength: int
    counts: Mapping[Availability, int]

    def count(self, availability: Availability) -> int:
        return self.counts.get(availability, 0)

    @property
    def available(self) -> int:
        """Who could be invited now: fresh and stale SIAP."""
        return self.count(Availability.READY) + self.count(Availability.STALE)


def snapshot(
    category: str,
    people: Iterable[PersonStatus],
    now: datetime,
    stale_after: timedelta,
    *,
    target_strength: int = 0,
) -> Snapshot:
    counts: dict[Availability, int] = {}
    total = 0
    for person in people:
        total += 1
        kind = classify(person, now, stale_after)
        counts[kind] = counts.get(kind, 0) + 1
    return Snapshot(category, max(total, target_strength), counts)


@dataclass(frozen=True)
class QuotaPlan:
    requested: int
    quota: int
    # The order asks more than the category has at all: capped to who is ready now.
    over_strength: bool
    # The order asks more than are ready now: it will be short unless widened.
    over_available: bool


def plan_quota(requested: int, snap: Snapshot) -> QuotaPlan:
    if requested > snap.strength:
        return QuotaPlan(requested, snap.available, True, False)
    return QuotaPlan(requested, requested, False, requested > snap.available)


def quota_choices(available: int) -> list[int]:
    """The count buttons of the guided order: round numbers up to the ready count, and it."""
    choices = [n for n in (5, 10, 20, 30, 50, 100) if n < available]
    if available > 0:
        choices.append(available)
    return choices


# -- who is invited -------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    person_id: int
    chat_id: int
    confirmed_at: datetime
    last_deployed_at: datetime | None
    # The last time they said no to a call-out, or stayed silent through both timeouts. Not a
    # stand-down (the quota filled before they answered) nor a cancelled call-out: those
    # were no turn of theirs.
    last_refused_at: datetime | None = None

    @property
    def last_turn(self) -> datetime | None:
        """When they last had their turn: deployed, or asked and said no (or nothing). Who
        declined or ignored a call-out has been asked; putting them first again at the next
        one would pester the same people and leave the willing to carry every call-out."""
        turns = [t for t in (self.last_deployed_at, self.last_refused_at) if t is not None]
        return max(turns) if turns else None


_NEVER = datetime(1970, 1, 1, tzinfo=UTC)
# The width of one deployment standing: people whose last turn (deployed, or asked and
# refused) lies in the same whole day before now have had the same rest as a duty roster
# counts it (shifts are per day), so the hours between them are not a fairness the order
# must keep, and the one more likely to answer may go first. A coarser tier would let an
# eager person jump people who rested a day longer; a finer one leaves nobody to choose
# between (each deployment time is unique).
DEPLOYMENT_TIER = timedelta(days=1)


@dataclass(frozen=True)
class Preference:
    """Each person's chance of a quick yes (learned from their own earlier invitations) and
    the chance of anyone without a history of their own: unknown people are neither pushed
    back nor pulled forward."""

    quick_yes: Mapping[int, float]
    usual: float

    def of(self, person_id: int) -> float:
        return self.quick_yes.get(person_id, self.usual)


def deployment_tier(last_turn: datetime | None, now: datetime) -> tuple[bool, int]:
    """Never had a turn (`Candidate.last_turn`) first; then by whole days since the last
    turn, the longest first."""
    if last_turn is None:
        return (False, 0)
    return (True, -((now - last_turn) // DEPLOYMENT_TIER))


def rank_candidates(
    candidates: Iterable[Candidate],
    now: datetime,
    stale_after: timedelta,
    preference: Preference | None = None,
) -> list[Candidate]:
    """The fairness order: fresh before stale; within each, who never had a turn first, then
    by whole days since the last turn (`DEPLOYMENT_TIER`), the longest first. A turn is a
    deployment or a refusal (a no, or silence through both timeouts): `Candidate.last_turn`.
    Only inside one such tier does `preference` put the likelier quick yes first; then the
    longest since the last turn, the longest ready (earliest confirmation), and the person
    id keep the order stable. Being stood down is no turn and leaves no trace here (the
    preference reads it as the silence it lasted)."""

    def key(c: Candidate) -> tuple[bool, tuple[bool, int], float, datetime, datetime, int]:
        stale = now - c.confirmed_at >= stale_after
        chance = preference.of(c.person_id) if preference is not None else 0.0
        return (
            stale,
            deployment_tier(c.last_turn, now),
            -chance,
            c.last_turn or _NEVER,
            c.confirmed_at,
            c.person_id,
        )

    return sorted(candidates, key=key)


# -- filling the quota ----------------------------------------------------------------------


@dataclass(frozen=True)
class LineTally:
    quota: int
    accepted: int = 0
    pending: int = 0
    timed_out: int = 0
    declined: int = 0
    no_answer: int = 0
    unreachable: int = 0
    stood_down: int = 0
    cancelled: int = 0
    arrived: int = 0

    @property
    def filled(self) -> bool:
        return self.accepted >= self.quota

    @property
    def waiting(self) -> int:
        return self.pending + self.timed_out

    @property
    def replaced(self) -> int:
        """Invites that made way for a replacement."""
        return self.declined + self.timed_out + self.no_answer + self.unreachable

    @property
    def called(self) -> int:
        """Everyone ever invited to the line, whatever became of the invitation."""
        return (
            self.accepted
            + self.waiting
            + self.declined
            + self.no_answer
            + self.unreachable
            + self.stood_down
            + self.cancelled
        )

    @property
    def room(self) -> int:
        return max(self.quota - self.accepted, 0)


def tally_of(states: Mapping[str, int], quota: int, arrived: int = 0) -> LineTally:
    return LineTally(
        quota=quota,
        accepted=states.get(InviteState.ACCEPTED, 0),
        pending=states.get(InviteState.PENDING, 0),
        timed_out=states.get(InviteState.TIMED_OUT, 0),
        declined=states.get(InviteState.DECLINED, 0),
        no_answer=states.get(InviteState.NO_ANSWER, 0),
        unreachable=states.get(InviteState.UNREACHABLE, 0),
        stood_down=states.get(InviteState.STOOD_DOWN, 0),
        cancelled=states.get(InviteState.CANCELLED, 0),
        arrived=arrived,
    )


def combine_tallies(tallies: Iterable[LineTally]) -> LineTally:
    """One tally for a whole call-out (every line added up), e.g. for a status line."""
    parts = list(tallies)
    return LineTally(
        quota=sum(t.quota for t in parts),
        accepted=sum(t.accepted for t in parts),
        pending=sum(t.pending for t in parts),
        timed_out=sum(t.timed_out for t in parts),
        declined=sum(t.declined for t in parts),
        no_answer=sum(t.no_answer for t in parts),
        unreachable=sum(t.unreachable for t in parts),
        stood_down=sum(t.stood_down for t in parts),
        cancelled=sum(t.cancelled for t in parts),
        arrived=sum(t.arrived for t in parts),
    )


@dataclass(frozen=True)
class FillPlan:
    invite: int  # invite this many more candidates now
    stand_down: bool  # the quota is met: withdraw every invite still open
    short_by: int  # still missing after inviting everyone available


def plan_fill(tally: LineTally, available: int) -> FillPlan:
    """Invite exactly the shortfall: quota minus accepted minus invites still in their first
    timeout. A timed-out invite was already replaced; if it answers yes while there is room
    it still counts, and whatever is open when the quota fills is stood down."""
    if tally.filled:
        return FillPlan(0, True, 0)
    needed = tally.quota - tally.accepted - tally.pending
    if needed <= 0:
        return FillPlan(0, False, 0)
    invite = min(needed, max(available, 0))
    return FillPlan(invite, False, needed - invite)


def should_report_short(short_by: int, already_reported: int, shortfall_accepted: bool) -> bool:
    """Tell the commander when a line first runs short, and again when it gets worse."""
    return short_by > 0 and not shortfall_accepted and short_by > already_reported


@dataclass(frozen=True)
class Widening:
    reserve: str
    amount: int


def plan_widening(short_by: int, reserve_code: str | None, category: str) -> Widening | None:
    """Where one tap may widen a short line: its category's reserve (never itself). A line of
    the reserve already in the order is topped up; otherwise one is added."""
    if short_by <= 0 or reserve_code is None or reserve_code == category:
        return None
    return Widening(reserve_code, short_by)


# -- answers --------------------------------------------------------------------------------


class Answer(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"


class Verdict(StrEnum):
    COUNT = "count"  # accepted, counts toward the quota, person now BERTUGAS
    LATE = "late"  # yes after the quota was met: thanked, not counted
    DECLINED = "declined"
    ALREADY_ACCEPTED = "already_accepted"  # a second tap, or "no" after "yes"
    ALREADY_DECLINED = "already_declined"
    CLOSED = "closed"  # the call-out ended or the invite was withdrawn
    BUSY = "busy"  # deployed on another call-out


def judge_answer(
    *,
    callout_active: bool,
    state: InviteState,
    answer: Answer,
    tally: LineTally,
    deployed_elsewhere: bool,
) -> Verdict:
    if not callout_active or state is InviteState.CANCELLED:
        return Verdict.CLOSED
    if state is InviteState.ACCEPTED:
        return Verdict.ALREADY_ACCEPTED
    if answer is Answer.DECLINE:
        if state is InviteState.DECLINED:
            return Verdict.ALREADY_DECLINED
        if state is InviteState.STOOD_DOWN:
            return Verdict.LATE
        return Verdict.DECLINED
    if deployed_elsewhere:
        return Verdict.BUSY
    # Pending, reminded, silent, declined (changed their mind), stood down, or a message
    # that got through after all: a yes counts while there is room.
    return Verdict.COUNT if tally.room > 0 else Verdict.LATE


class TimeoutAction(StrEnum):
    REMIND = "remind"  # first timeout: remind, mark timed out, invite a replacement
    NO_ANSWER = "no_answer"  # second timeout: tidak menjawab, tell their own commander
    NOTHING = "nothing"


def judge_timeout(state: InviteState, stage: int, *, person_active: bool) -> TimeoutAction:
    if state not in OPEN_STATES:
        return TimeoutAction.NOTHING
    if not person_active:
        return TimeoutAction.NO_ANSWER
    if stage <= 1 and state is InviteState.PENDING:
        return TimeoutAction.REMIND
    if stage >= 2 or state is InviteState.TIMED_OUT:
        return TimeoutAction.NO_ANSWER
    return TimeoutAction.NOTHING


# -- the commander's card -------------------------------------------------------------------


def elapsed_minutes(started: datetime, now: datetime) -> int:
    return max(int((now - started).total_seconds() // 60), 0)
