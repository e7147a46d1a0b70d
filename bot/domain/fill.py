"""How many people a call-out line keeps invited: the three fill strategies.

Pure and Telegram-free. `storage.callouts` reads the history and the open invitations;
the call-out engine asks `plan_line` at every answer, every decline and on a short tick, and
invites (or stands down) what it says.

- **Tepat** invites exactly the shortfall (quota - accepted - invitations in their first
  timeout) and replaces a silent person when their invitation times out: the fewest people
  disturbed, the slowest fill.
- **Semua** invites everyone ready in the line at once and stands the rest down at the quota.
- **Cepat** (adaptive) keeps enough invitations open that the quota-th acceptance is expected
  within about the time a typical person takes to answer. Each open invitation counts with
  the chance that it still says yes *within that horizon*, given how long it has been silent
  (a survival model: silence lowers the chance as the answer-time distribution runs out).
  Counting only "will accept eventually" would fill at the pace of the slowest acceptors.

The response model (how many accept, decline, and how fast) is a log-normal answer delay
with accept/decline shares. It starts from a stated prior, is learned from the Polda's
earlier call-outs, is corrected by tonight's answers and silence, and is per person for everyone
with any earlier invitation (shrunk toward everyone's model).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bot.domain.callout import STRATEGY_WORDS, FillPlan, LineTally, Strategy, plan_fill

# -- the response model ---------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseModel:
    """Of the people invited, `accept` say yes and `decline` say no eventually (the rest stay
    silent); those who answer do so after a log-normal delay from the moment the invitation
    reaches them (median `median_s`, spread `sigma` of the log)."""

    accept: float
    decline: float
    median_s: float
    sigma: float
    # How many invitations the shares stand for: tonight's answers move a model learned from
    # few invitations a lot and a well-founded one less.
    weight: float

    def answered_by(self, seconds: float) -> float:
        """F(t): the share of eventual answerers who have answered within `seconds`."""
        if seconds <= 0:
            return 0.0
        z = (math.log(seconds) - math.log(self.median_s)) / (self.sigma * math.sqrt(2))
        return 0.5 * (1 + math.erf(z))

    def yes_within(self, silent_for: float, horizon: float) -> float:
        """The chance that a person silent for `silent_for` seconds says yes within the next
        `horizon` seconds: p·(F(t+h) - F(t)) ÷ (1 - (p+q)·F(t)). Silence lowers it."""
        done = self.answered_by(silent_for)
        still_open = 1.0 - (self.accept + self.decline) * done
        if still_open <= 1e-9:
            return 0.0
        gained = self.answered_by(silent_for + horizon) - done
        return max(min(self.accept * gained / still_open, 1.0), 0.0)

    def yes_eventually(self, silent_for: float) -> float:
        """The chance that a person silent for `silent_for` seconds says yes at all."""
        done = self.answered_by(silent_for)
        still_open = 1.0 - (self.accept + self.decline) * done
        if still_open <= 1e-9:
            return 0.0
        return self.accept * (1.0 - done) / still_open


def model_to_json(model: ResponseModel) -> dict[str, float]:
    return {
        "accept": model.accept,
        "decline": model.decline,
        "median_s": model.median_s,
        "sigma": model.sigma,
        "weight": model.weight,
    }


def model_from_json(data: Mapping[str, Any]) -> ResponseModel:
    return ResponseModel(
        accept=float(data["accept"]),
        decline=float(data["decline"]),
        median_s=float(data["median_s"]),
        sigma=float(data["sigma"]),
        weight=float(data["weight"]),
    )


# The stated prior, for a Polda with no call-out history: about 6 in 10 of the ready say yes,
# 2 in 10 cannot go, the rest do not answer in time; half of the answers come within a minute,
# most within five. Worth 20 invitations: the first real answers soon outweigh it.
PRIOR = ResponseModel(accept=0.6, decline=0.2, median_s=60.0, sigma=0.9, weight=20.0)
# A model learned from thousands of old invitations should still bend to tonight's answers
# (night-time, an unpopular site): history never counts as more than this many invitations.
MAX_WEIGHT = 40.0
# Delays are learned with their own pseudo-count: a handful of answers says little of the tail.
DELAY_PRIOR_WEIGHT = 10.0
# Per person: everyone with any earlier invitation has a model of their own, everyone's
# model shrunk toward them with this many pseudo-invitations (Beta-style): one answer moves a
# person a little, a habit of five or six moves them most of the way. A cut-off (three whole
# answers) left nearly everyone unknown where the preference could choose: after a few
# call-outs the quick are deployed and the rest are mostly stood down (bench/README.md).
PERSON_PRIOR_WEIGHT = 3.0
# Delays below a second are taps on a cached message or clock noise: floored, so log() is safe.
MIN_DELAY_S = 1.0


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SILENT = "silent"  # never answered in the whole time allowed


@dataclass(frozen=True)
class PastAnswer:
    """One invitation of an earlier call-out, as it ended with a whole answer (or silence
    through both timeouts). Invitations cut short are `CutShort`, and `learn` (everyone's
    model) is not given them."""

    person_id: int
    outcome: Outcome
    delay_s: float | None  # from the invitation to the answer; None when silent


@dataclass(frozen=True)
class CutShort:
    """An invitation of an earlier call-out withdrawn before its person answered (stood down
    because the line filled, or the call-out ended or was cancelled) after `silent_s` seconds
    of silence from when it reached them. Censored evidence: they had not answered *yet*."""

    person_id: int
    silent_s: float


# What one earlier invitation says of its person: a whole answer (or silence through both
# timeouts), or silence cut short.
PastInvite = PastAnswer | CutShort


def learn(history: Iterable[PastInvite], prior: ResponseModel = PRIOR) -> ResponseModel:
    """Everyone's model: the prior moved by the history (Beta-style pseudo-counts for the
    shares; the log-delays' mean and spread shrunk toward the prior's), the silences cut short
    read as censored (`_fitted`)."""
    return _fitted(prior, list(history), prior.weight, DELAY_PRIOR_WEIGHT, MAX_WEIGHT)


def person_models(history: Iterable[PastInvite], base: ResponseModel) -> dict[int, ResponseModel]:
    """A model per person with any earlier invitation: `base` moved by their own answers and
    silences, with PERSON_PRIOR_WEIGHT pseudo-invitations of `base`. Stood down after a minute
    of silence says "not among the quick": less likely to say yes, and slower if they do;
    stood down after two seconds says nothing. The people a quota always fills without (stood
    down every time) read as slow or absent, not as unknown."""
    by_person: dict[int, list[PastInvite]] = {}
    for past in history:
        by_person.setdefault(past.person_id, []).append(past)
    return {
        person_id: _fitted(base, invites, PERSON_PRIOR_WEIGHT, PERSON_PRIOR_WEIGHT, None)
        for person_id, invites in by_person.items()
    }


# An invitation cut short after s seconds of silence is censored: its person either never
# answers, or answers later than s. Counting the answers alone learned a Polda that Cepat
# serves as quicker and keener than it is (the quota fills, the slow are stood down, and the
# answers on record are the quick ones): in the learning bench a Polda whose people answer in
# a median 50 s was learned as 30 s. So the models are fitted to answers and silences together
# by expectation-maximisation. Where most invitations are cut short the record cannot tell
# "fewer answer" from "answer later" well (the likelihood has a long, nearly flat ridge the
# rounds creep along), so the fit starts from the model held before this evidence and takes
# this many rounds (each one pass): the test's Polda comes out within 12 % of its median.
FIT_ROUNDS = 8


@dataclass(frozen=True)
class _Counts:
    """What a model is fitted to: the whole answers, and the silences cut short."""

    yes: int
    no: int
    total: int  # every invitation, answered, silent through the timeouts or cut short
    logs: Sequence[float]  # the answers' log-delays
    silences: Sequence[float]  # the cut-short invitations' log-silences


def _fitted(
    prior: ResponseModel,
    invites: Sequence[PastInvite],
    share_weight: float,
    delay_weight: float,
    max_weight: float | None,
) -> ResponseModel:
    if not invites:
        return prior
    answers = [a for a in invites if isinstance(a, PastAnswer)]
    counts = _Counts(
        yes=sum(a.outcome is Outcome.ACCEPTED for a in answers),
        no=sum(a.outcome is Outcome.DECLINED for a in answers),
        total=len(invites),
        logs=[
            math.log(max(a.delay_s, MIN_DELAY_S))
            for a in answers
            if a.delay_s is not None and a.outcome is not Outcome.SILENT
        ],
        silences=[
            math.log(max(c.silent_s, MIN_DELAY_S)) for c in invites if isinstance(c, CutShort)
        ],
    )
    if not counts.silences:
        return _moved(prior, counts, _Censored(), share_weight, delay_weight, max_weight)
    model = prior
    for _ in range(FIT_ROUNDS):
        censored = _censored(model, counts.silences)
        model = _moved(prior, counts, censored, share_weight, delay_weight, max_weight)
    return model


@dataclass(frozen=True)
class _Censored:
    """The silences' expected part under a model: how many of them are answerers still to
    answer, and the sums of those answerers' expected log-delay and its square."""

    answerers: float = 0.0
    log_sum: float = 0.0
    square_sum: float = 0.0
    yes_share: float = 0.0  # of the answerers, those who say yes


def _censored(model: ResponseModel, silences: Sequence[float]) -> _Censored:
    """The E-step: a silence of log-length c is an answerer with the chance
    a·(1-F(c)) ÷ (1 - a·F(c)), whose log-delay is then the normal's tail beyond c."""
    mu, sigma = math.log(model.median_s), model.sigma
    answering = model.accept + model.decline
    answerers = log_sum = square_sum = 0.0
    for c in silences:
        alpha = (c - mu) / sigma
        tail = 0.5 * math.erfc(alpha / math.sqrt(2))
        if tail <= 1e-12:  # silent far beyond anyone's delay: no answerer (and no 0 ÷ 0)
            continue
        chance = answering * tail / (1.0 - answering * (1.0 - tail))
        mills = math.exp(-0.5 * alpha * alpha) / math.sqrt(2 * math.pi) / tail  # inverse Mills
        mean = mu + sigma * mills
        variance = sigma * sigma * max(1.0 + alpha * mills - mills * mills, 0.0)
        answerers += chance
        log_sum += chance * mean
        square_sum += chance * (variance + mean * mean)
    yes_share = model.accept / answering if answering > 0 else 0.0
    return _Censored(answerers, log_sum, square_sum, yes_share)


def _moved(
    prior: ResponseModel,
    counts: _Counts,
    censored: _Censored,
    share_weight: float,
    delay_weight: float,
    max_weight: float | None,
) -> ResponseModel:
    """The M-step (and, with nothing censored, the plain fit to the answers)."""
    later = censored.answerers
    accept = (share_weight * prior.accept + counts.yes + later * censored.yes_share) / (
        share_weight + counts.total
    )
    decline = (share_weight * prior.decline + counts.no + later * (1 - censored.yes_share)) / (
        share_weight + counts.total
    )
    mu0 = math.log(prior.median_s)
    answered = delay_weight + len(counts.logs) + later
    mu = (delay_weight * mu0 + sum(counts.logs) + censored.log_sum) / answered
    spread = (
        delay_weight * prior.sigma**2
        + sum((x - mu) ** 2 for x in counts.logs)
        + censored.square_sum
        - 2 * mu * censored.log_sum
        + later * mu * mu
    )
    sigma = math.sqrt(max(spread, 0.0) / answered)
    weight = share_weight + counts.total
    if max_weight is not None:
        weight = min(weight, max_weight)
    return ResponseModel(accept, decline, math.exp(mu), max(sigma, 0.2), weight)


# -- tonight's evidence ---------------------------------------------------------------------


@dataclass(frozen=True)
class LiveInvite:
    """One invitation of the line being filled, as the rule needs it."""

    person_id: int
    # When it reached the person; None while it is still queued for Telegram (not silence).
    delivered_at: datetime | None
    answered: Outcome | None  # None while open


def tonight(
    model: ResponseModel,
    invites: Sequence[LiveInvite],
    now: datetime,
    people: Mapping[int, ResponseModel] | None = None,
) -> ResponseModel:
    """The model corrected by this call-out's answers so far. Every delivered invitation,
    answered or not, counts as the share of an answer it has been exposed to (F of the time
    since it arrived): the answers so far are the fast ones, and counting each as a whole
    invitation would read a quick start as a line that mostly says no. So a line where
    nobody answers lowers the acceptance estimate before any timeout, and an eager one
    raises it. An invitee with a model of their own (`people`) is exposed by their own
    delays: a known slow person's minute of silence is no news, and must not read as a line
    that says no (the line's estimate is for everyone else it still counts as the line)."""
    people = people or {}
    yes = no = 0
    exposure = 0.0
    for invite in invites:
        if invite.answered is Outcome.ACCEPTED:
            yes += 1
        elif invite.answered is Outcome.DECLINED:
            no += 1
        if invite.delivered_at is not None:
            own = people.get(invite.person_id, model)
            exposure += own.answered_by((now - invite.delivered_at).total_seconds())
    if exposure <= 0:
        return model
    w = model.weight
    accept = (w * model.accept + yes) / (w + exposure)
    decline = (w * model.decline + no) / (w + exposure)
    # People answering faster than the model's delays expect look like more than everyone
    # answering: the shares keep their proportion but never promise more answers than people.
    answering = accept + decline
    if answering > 1.0:
        accept, decline = accept / answering, decline / answering
    return replace(model, accept=accept, decline=decline)


# -- the plan -------------------------------------------------------------------------------

# Cepat aims for the quota-th acceptance within this many typical answer times.
HORIZON_MEDIANS = 1.5
# …with this many standard deviations of margin at the order, so "expected" is not a coin toss.
MARGIN_SD = 1.0
# Cepat never keeps more than this many times the quota called in all (answered or not).
CAP_TIMES_QUOTA = 4.0
# Nor ever fewer than this many open invitations beyond what is missing, while people are left:
# at the very end a single slow yes must not hold the quota.
MIN_SPARE = 1


@dataclass(frozen=True)
class LineState:
    quota: int
    accepted: int
    # Invitations in their first timeout: what Tepat counts as still coming.
    pending: int
    # Everyone invited to this line so far, whatever became of it.
    called: int
    # The open invitations (pending or reminded) with when they reached the person.
    open: Sequence[LiveInvite]


@dataclass(frozen=True)
class FillDecision:
    invite: int  # invite this many more now (the next in the fairness order)
    stand_down: bool  # the quota is met: withdraw every invitation still open
    short_by: int  # still missing after inviting everyone available (told to the commander)
    expected: float  # Cepat: acceptances expected within the horizon after this decision


def plan_line(
    strategy: Strategy,
    line: LineState,
    available: int,
    model: ResponseModel,
    now: datetime,
    people: Mapping[int, ResponseModel] | None = None,
    upcoming: Sequence[ResponseModel | None] = (),
) -> FillDecision:
    """How many more to invite in one line now (pure; `available` is how many candidates the
    fairness order still has). `people`: the models of those with a history of their own;
    `upcoming`: the next candidates' own models in the fairness order (None: unknown, counted
    as the line's model), so Cepat counts the people it is about to invite as who they are."""
    available = max(available, 0)
    # What Tepat invites; every strategy invites at least this (never slower than Tepat),
    # and a line that cannot get it reports the shortfall as before.
    exact = plan_fill(
        LineTally(quota=line.quota, accepted=line.accepted, pending=line.pending), available
    )
    if exact.stand_down:
        return FillDecision(0, True, 0, float(line.accepted))
    if strategy is Strategy.TEPAT:
        return FillDecision(exact.invite, False, exact.short_by, 0.0)
    if strategy is Strategy.SEMUA:
        return FillDecision(available, False, exact.short_by, 0.0)
    need = line.quota - line.accepted
    return _adaptive(line, need, exact, available, model, now, people or {}, upcoming)


def _adaptive(
    line: LineState,
    need: int,
    exact: FillPlan,
    available: int,
    model: ResponseModel,
    now: datetime,
    people: Mapping[int, ResponseModel],
    upcoming: Sequence[ResponseModel | None],
) -> FillDecision:
    horizon = HORIZON_MEDIANS * model.median_s
    mean = 0.0
    variance = 0.0
    for live in line.open:
        own = people.get(live.person_id, model)
        silent = 0.0
        if live.delivered_at is not None:
            silent = (now - live.delivered_at).total_seconds()
        chance = own.yes_within(max(silent, 0.0), horizon)
        mean += chance
        variance += chance * (1 - chance)
    fresh = model.yes_within(0.0, horizon)
    cap = max(math.ceil(CAP_TIMES_QUOTA * line.quota) - line.called, 0)
    limit = min(available, cap)
    # The next in the fairness order, each with their own chance of a yes within the horizon
    # (the line's for the unknown, and beyond the known): known answerers next in line make
    # the order smaller, known non-answerers larger. The order itself is never changed.
    # The unknown are counted apart, as `n * fresh`, so that without any history every sum
    # is the one it always was, to the last bit.
    chances = [None if m is None else m.yes_within(0.0, horizon) for m in upcoming[:available]]
    chances += [None] * (available - len(chances))
    # The margin is for the order's invitations only; once they are out, a top-up waits until
    # fewer are expected than are missing. The first seconds bring a handful of fast answers,
    # and reading their chance absence as a line that says no called one in ten more.
    # Except when the next in line are counted by their own models: their chances are spread
    # (a known quick yes at 0.9, a known absentee at 0.1), and a top-up sized to the mean alone
    # came out a person or two short, the quota-th yes waiting for the next tick (the learning
    # bench: R worse than calling everyone by the line's model; with the margin, better).
    counted_by_own = any(theirs is not None for theirs in chances[:limit])
    margin = MARGIN_SD if line.called == 0 or counted_by_own else 0.0
    extra = 0
    known_m = known_v = 0.0  # the known among the first `extra` in line
    unknown = 0
    if fresh > 0:
        while extra < limit:
            m = mean + known_m + unknown * fresh
            sd = math.sqrt(variance + known_v + unknown * fresh * (1 - fresh))
            if m - margin * sd >= need:
                break
            theirs = chances[extra]
            if theirs is None:
                unknown += 1
            else:
                known_m += theirs
                known_v += theirs * (1 - theirs)
            extra += 1
    # A spare beyond the missing places, so one slow yes does not hold the last place.
    open_after = len(line.open) + extra
    extra = max(extra, min(need + MIN_SPARE - open_after, limit))
    invite = min(max(extra, exact.invite), available)
    known = [theirs for theirs in chances[:invite] if theirs is not None]
    expected = line.accepted + mean + sum(known) + (invite - len(known)) * fresh
    return FillDecision(invite, False, exact.short_by, expected)


def called_estimate(strategy: Strategy, quota: int, available: int, model: ResponseModel) -> int:
    """How many a fresh line would call at the order: the confirm card's `±N` for Cepat."""
    line = LineState(quota=quota, accepted=0, pending=0, called=0, open=())
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return plan_line(strategy, line, available, model, epoch).invite


def parse_strategy(word: str) -> Strategy | None:
    return STRATEGY_WORDS.get(word.lower())
