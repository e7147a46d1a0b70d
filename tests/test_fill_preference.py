"""Preferring people who answer, only within the fairness order (bot.domain.callout), and
the call-out engine asking it (handlers/callout/fill.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.callout import (
    CalloutStatus,
    Candidate,
    InviteState,
    Preference,
    deployment_tier,
    rank_candidates,
)
from storage import callouts as store
from tests.harness import BotHarness, open_callout, person_of
from tests.test_callout_e2e import ADMIN_ID, HENDRA, brimob, prepare
from tests.test_fill_e2e import delivered, send

NOW = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)
STALE = timedelta(hours=12)
CONFIRMED = NOW - timedelta(hours=2)


def person(
    person_id: int, *, deployed_ago: timedelta | None = None, stale: bool = False
) -> Candidate:
    confirmed = NOW - timedelta(hours=20) if stale else CONFIRMED
    deployed = NOW - deployed_ago if deployed_ago is not None else None
    return Candidate(person_id, 100 + person_id, confirmed, deployed)


def order(candidates: list[Candidate], preference: Preference | None) -> list[int]:
    return [c.person_id for c in rank_candidates(candidates, NOW, STALE, preference)]


def test_within_a_tier_the_likelier_quick_yes_goes_first() -> None:
    people = [person(1), person(2), person(3)]
    assert order(people, None) == [1, 2, 3]
    assert order(people, Preference({3: 0.9, 1: 0.1}, usual=0.5)) == [3, 2, 1]


def test_people_without_a_history_rank_as_the_usual_chance() -> None:
    # A known decliner goes after the unknown, a known quick yes before them.
    people = [person(1), person(2), person(3)]
    assert order(people, Preference({1: 0.05, 3: 0.95}, usual=0.4)) == [3, 2, 1]


def test_the_preference_never_crosses_the_fairness_order() -> None:
    eager = {10: 0.99, 11: 0.99, 12: 0.99}
    slow = {20: 0.01, 21: 0.01, 22: 0.01}
    people = [
        person(10, stale=True),  # the eagerest, but stale
        person(11, deployed_ago=timedelta(hours=1)),  # deployed just now
        person(12, deployed_ago=timedelta(days=2, hours=1)),
        person(20),  # never deployed, fresh
        person(21, deployed_ago=timedelta(days=3)),
        person(22, deployed_ago=timedelta(days=1, hours=1)),
    ]
    ranked = order(people, Preference({**eager, **slow}, usual=0.5))
    # Fresh before stale; never deployed first; then the longest rest in whole days.
    assert ranked == [20, 21, 12, 22, 11, 10]
    assert ranked == order(people, None)


def test_deploying_someone_still_sends_them_behind_everyone_rested_longer() -> None:
    quick = person(1, deployed_ago=timedelta(minutes=10))
    yesterday = person(2, deployed_ago=timedelta(days=1, minutes=5))
    never = person(3)
    ranked = order([quick, yesterday, never], Preference({1: 1.0}, usual=0.0))
    assert ranked == [3, 2, 1]


def test_one_tier_is_one_whole_day_of_rest() -> None:
    assert deployment_tier(None, NOW) == (False, 0)
    morning = deployment_tier(NOW - timedelta(hours=23), NOW)
    assert morning == deployment_tier(NOW - timedelta(minutes=1), NOW)
    assert deployment_tier(NOW - timedelta(hours=25), NOW) < morning
    # Inside one day the eager go first; the rested keep their place without a preference.
    earlier = person(1, deployed_ago=timedelta(hours=20))
    later = person(2, deployed_ago=timedelta(hours=2))
    assert order([later, earlier], None) == [1, 2]
    assert order([later, earlier], Preference({2: 0.9, 1: 0.2}, usual=0.5)) == [2, 1]


async def test_the_engine_invites_the_unknown_before_a_known_decliner_of_the_same_tier(
    harness: BotHarness,
) -> None:
    members = [brimob(n) for n in range(4)]
    bot = await prepare(harness, members, callout_strategy="tepat")
    now = bot.clock.now()
    async with bot.db.transaction() as tx:
        # The longest ready said no, quickly, to every earlier call-out (never deployed).
        decliner = (await person_of(tx, members[0])).id
        for _ in range(3):
            old, line = await open_callout(
                tx, "BRIMOB", 1, "Kantor KPU", now, by_user=ADMIN_ID, by_name="Admin"
            )
            invite = await store.add_invite(tx, old, line, decliner, members[0].user_id, now)
            await store.transition(
                tx,
                invite,
                [InviteState.PENDING],
                InviteState.DECLINED,
                now + timedelta(seconds=20),
                answered=True,
            )
            await store.close(tx, old, CalloutStatus.COMPLETED, now, ADMIN_ID)
        next_in_line = (await person_of(tx, members[1])).id
    callout = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 1 Kantor KPU Kalbar")
    called = await delivered(bot, callout.id)
    assert [i.person_id for i in called] == [next_in_line]
