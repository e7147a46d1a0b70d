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
from storage.db import Database
from storage.timestamps import to_db
from tests.harness import BotHarness, open_callout, person_of
from tests.test_callout_e2e import (
    ADMIN_ID,
    HENDRA,
    brimob,
    card,
    invitation,
    invites,
    prepare,
    shown,
    tap,
)
from tests.test_callout_storage import new_callout, seed
from tests.test_fill_e2e import delivered, send

NOW = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)
STALE = timedelta(hours=12)
CONFIRMED = NOW - timedelta(hours=2)


def person(
    person_id: int,
    *,
    deployed_ago: timedelta | None = None,
    refused_ago: timedelta | None = None,
    stale: bool = False,
) -> Candidate:
    confirmed = NOW - timedelta(hours=20) if stale else CONFIRMED
    deployed = NOW - deployed_ago if deployed_ago is not None else None
    refused = NOW - refused_ago if refused_ago is not None else None
    return Candidate(person_id, 100 + person_id, confirmed, deployed, refused)


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
    # A refusal is a turn: the tier is the day of it. The longest ready said no, quickly, to
    # three call-outs nearly three days ago; the next was deployed two hours later that day
    # (the same tier: whole days since the last turn); the other two were deployed today.
    refused = now - timedelta(days=3) + timedelta(hours=1)
    async with bot.db.transaction() as tx:
        decliner = (await person_of(tx, members[0])).id
        for _ in range(3):
            old, line = await open_callout(
                tx, "BRIMOB", 1, "Kantor KPU", refused, by_user=ADMIN_ID, by_name="Admin"
            )
            invite = await store.add_invite(tx, old, line, decliner, members[0].user_id, refused)
            await store.transition(
                tx,
                invite,
                [InviteState.PENDING],
                InviteState.DECLINED,
                refused + timedelta(seconds=20),
                answered=True,
            )
            await store.close(tx, old, CalloutStatus.COMPLETED, refused, ADMIN_ID)
        next_in_line = (await person_of(tx, members[1])).id
        deployed = {next_in_line: refused + timedelta(hours=2)}
        for member in members[2:]:
            deployed[(await person_of(tx, member)).id] = now - timedelta(hours=1)
        for person_id, when in deployed.items():
            await tx.execute(
                "UPDATE readiness SET last_deployed_at = ? WHERE person_id = ?",
                (to_db(when), person_id),
            )
    callout = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 1 Kantor KPU Kalbar")
    called = await delivered(bot, callout.id)
    # Without the preference the decliner (the earlier turn of the tier) would go first.
    assert [i.person_id for i in called] == [next_in_line]


def test_a_refusal_is_a_turn_like_a_deployment() -> None:
    # Asked ten minutes ago and said no (or stayed silent through both timeouts): their turn
    # is as recent as a deployment ten minutes ago. Nobody is pestered first again.
    decliner = person(1, refused_ago=timedelta(minutes=10))
    assert decliner.last_turn == NOW - timedelta(minutes=10)
    assert deployment_tier(decliner.last_turn, NOW) == deployment_tier(
        NOW - timedelta(minutes=10), NOW
    )
    never = person(2)  # stood down every time, or never asked: no turn
    rested = person(3, deployed_ago=timedelta(days=2, hours=1))
    # The later of the two counts: deployed last week, refused yesterday.
    both = person(4, deployed_ago=timedelta(days=7), refused_ago=timedelta(days=1, hours=1))
    assert both.last_turn == NOW - timedelta(days=1, hours=1)
    ranked = order([decliner, never, rested, both], Preference({1: 0.99}, usual=0.1))
    assert ranked == [2, 3, 4, 1]


async def test_candidates_carry_the_last_refusal_and_a_stand_down_is_none(
    db: Database,
) -> None:
    ids = await seed(db, 5)
    first, second = await new_callout(db, quota=5), await new_callout(db, quota=5)
    said_no, silent, stood_down, cancelled, deployed = ids
    late = NOW + timedelta(hours=3)
    async with db.transaction() as tx:
        for callout_id, when in ((first, NOW), (second, late)):
            line = (await store.lines(tx, callout_id))[0]
            made = {
                person_id: await store.add_invite(
                    tx, callout_id, line.id, person_id, 1000 + n, when
                )
                for n, person_id in enumerate(ids)
            }
            answered = when + timedelta(seconds=30)
            for person_id, state in (
                (said_no, InviteState.DECLINED),
                (deployed, InviteState.ACCEPTED),
            ):
                await store.transition(
                    tx, made[person_id], [InviteState.PENDING], state, answered, answered=True
                )
            for person_id, state in (
                (silent, InviteState.NO_ANSWER),
                (stood_down, InviteState.STOOD_DOWN),
                (cancelled, InviteState.CANCELLED),
            ):
                await store.transition(tx, made[person_id], [InviteState.PENDING], state, answered)
            await store.release(tx, made[deployed], answered)
            await store.close(tx, callout_id, CalloutStatus.COMPLETED, answered, 1)
    third = await new_callout(db, quota=5)
    found = {c.person_id: c for c in await store.candidates(db, "BRIMOB", third)}
    # The latest refusal: a no at the time of the answer, silence at the invitation's.
    assert found[said_no].last_refused_at == late + timedelta(seconds=30)
    assert found[silent].last_refused_at == late
    # Stood down, cancelled, or deployed: no refusal (a deployment is last_deployed_at's).
    assert found[stood_down].last_refused_at is None
    assert found[cancelled].last_refused_at is None
    assert found[deployed].last_refused_at is None


async def test_a_decliner_tonight_is_asked_after_the_rested(harness: BotHarness) -> None:
    members = [brimob(n) for n in range(3)]
    bot = await prepare(harness, members, callout_strategy="tepat")
    hendra = bot.fake.user(HENDRA.user_id)
    # The third was stood down, silent, at three earlier call-outs: the preference rates them
    # below anyone, but a stand-down is no turn: they still never had one.
    now = bot.clock.now()
    async with bot.db.transaction() as tx:
        rested = await person_of(tx, members[2])
        for _ in range(3):
            old, line = await open_callout(
                tx, "BRIMOB", 1, "Kantor KPU", now, by_user=ADMIN_ID, by_name="Admin"
            )
            invite = await store.add_invite(tx, old, line, rested.id, members[2].user_id, now)
            filled = now + timedelta(minutes=10)
            await store.transition(
                tx, invite, [InviteState.PENDING], InviteState.STOOD_DOWN, filled
            )
            await store.mark_filled(tx, line, filled)
            await store.close(tx, old, CalloutStatus.COMPLETED, filled, ADMIN_ID)
    first = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 1 Kantor KPU Kalbar")
    # The longest ready is asked first and says no; the next says yes.
    (asked,) = await delivered(bot, first.id)
    decliner = await person_of(bot.db, members[0])
    assert asked.person_id == decliner.id
    await tap(bot, bot.fake.user(asked.chat_id), "Berhalangan", await invitation(bot, asked))
    replaced = [i for i in await delivered(bot, first.id) if i.id != asked.id]
    assert [i.person_id for i in replaced] == [(await person_of(bot.db, members[1])).id]
    await tap(
        bot,
        bot.fake.user(replaced[0].chat_id),
        "Siap berangkat",
        await invitation(bot, replaced[0]),
    )
    await tap(bot, hendra, "Selesai", await card(bot, HENDRA.user_id, first.id, "kuota terpenuhi"))
    await tap(bot, hendra, "Ya, selesaikan", await shown(bot, HENDRA.user_id, "Ya, selesaikan"))
    await card(bot, HENDRA.user_id, first.id, "SELESAI")
    # The decliner is still SIAP, still the longest ready, and likelier to say yes than the
    # third; but they have had their turn tonight: the one who never had one goes first.
    second = await send(bot, HENDRA.user_id, "/mobilize BRIMOB 1 Kantor KPU Kalbar")
    called = await delivered(bot, second.id)
    assert [i.person_id for i in called] == [rested.id]
    assert [i.person_id for i in await invites(bot, first.id, InviteState.DECLINED)] == [
        decliner.id
    ]
