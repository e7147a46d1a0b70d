"""Abuse: a person flooding the bot is slowed down politely and cannot slow anyone else.

The gate keeps a token bucket per Telegram user (`bot/throttle.py`): `flood_updates` at once,
then `flood_updates` per `flood_window_s`. Past that: one polite message per window, the rest
dropped silently, and every button tap still answered. The end-to-end test freezes the
bucket's clock (it measures real rates, so it reads `time.monotonic` unless told otherwise):
what is allowed is then exact, however slowly a loaded machine runs the test.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.throttle import FloodGate, Verdict
from handlers.gate import FLOOD_KEY
from storage import personnel, readiness
from storage.db import Database
from tests.harness import BotHarness, Member


class Ticker:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the bucket -------------------------------------------------------------------------------


def test_a_burst_then_one_warning_per_window_then_silence() -> None:
    ticker = Ticker()
    gate = FloodGate(20, 10.0, clock=ticker)
    assert [gate.admit(7) for _ in range(20)] == [Verdict.ALLOW] * 20
    assert gate.admit(7) is Verdict.WARN
    assert [gate.admit(7) for _ in range(50)] == [Verdict.DROP] * 50
    # Someone else is not affected at all.
    assert gate.admit(8) is Verdict.ALLOW
    # Tokens come back at 2 a second: half a second later, one more.
    ticker.now += 0.5
    assert gate.admit(7) is Verdict.ALLOW
    assert gate.admit(7) is Verdict.DROP
    # A new window: a flooder still at it hears about it once more.
    ticker.now += 10.0
    assert [gate.admit(7) for _ in range(20)] == [Verdict.ALLOW] * 20
    assert gate.admit(7) is Verdict.WARN
    assert gate.admit(7) is Verdict.DROP
    assert gate.refused == 1 + 50 + 1 + 1 + 1


def test_a_steady_pace_under_the_limit_is_never_refused() -> None:
    ticker = Ticker()
    gate = FloodGate(20, 10.0, clock=ticker)
    for _ in range(1000):
        assert gate.admit(7) is Verdict.ALLOW
        ticker.now += 0.5  # exactly the refill rate
    assert gate.refused == 0


def test_idle_people_are_forgotten() -> None:
    ticker = Ticker()
    gate = FloodGate(5, 1.0, clock=ticker)
    for user_id in range(FloodGate.PRUNE_ABOVE):
        gate.admit(user_id)
    ticker.now += 2.0
    gate.admit(-1)
    assert len(gate) == 1


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="capacity"):
        FloodGate(0, 10.0)
    with pytest.raises(ValueError, match="window"):
        FloodGate(5, 0.0)


# -- through the bot -------------------------------------------------------------------------

KOMANDAN = Member(
    "75020345", "Hendra Wijaya", "AKBP", "BRIMOB", "Sat Brimob", "081300000001", "komandan", 2001
)
FLOODER = Member(
    "89020345",
    "Citra Lestari",
    "Bripda",
    "POH",
    "Polresta Pontianak",
    "081400000001",
    user_id=3001,
)
BYSTANDER = Member(
    "90030456",
    "Dedi Kurniawan",
    "Bripda",
    "POH",
    "Polresta Pontianak",
    "081400000002",
    user_id=3002,
)
INVITED = 30
FLOOD_COMMANDS = 180
FLOOD_TAPS = 20  # every tenth update
LIMIT = 20


def brimob(n: int) -> Member:
    return Member(
        f"{80100000 + n}",
        f"Brimob {n:03d}",
        "Bripda",
        "BRIMOB",
        f"Kompi {n % 3 + 1}",
        f"0813{10000000 + n}",
        user_id=10000 + n,
    )


async def prepare(harness: BotHarness) -> BotHarness:
    members = [KOMANDAN, FLOODER, BYSTANDER, *(brimob(n) for n in range(1, INVITED + 1))]
    await harness.seed(members)
    db = await Database.open(harness.db_path)
    now = harness.clock.now()
    try:
        async with db.transaction() as tx:
            for index, member in enumerate(members):
                person = await personnel.by_nrp(tx, member.nrp)
                assert person is not None
                await personnel.link(tx, person.id, member.user_id, now)
                confirmed = now - timedelta(minutes=len(members) - index)
                await readiness.set_ready(tx, person.id, confirmed, source="test")
            commander = await personnel.by_nrp(tx, KOMANDAN.nrp)
            assert commander is not None
            await personnel.clear_scopes(tx, commander.id)
            await personnel.add_scope(tx, commander.id, "category", "BRIMOB")
    finally:
        await db.close()
    # Telegram's overall limit (30 a second) is kept: that is the budget a flood would eat.
    await harness.start(
        rate_overall_per_s=30.0,
        rate_private_per_s=100.0,
        private_burst=100,
        edit_interval_s=0.0,
        flood_updates=LIMIT,
        flood_window_s=10.0,
    )
    return harness


async def test_a_flooder_is_slowed_politely_and_the_call_out_goes_first(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await prepare(harness)
    fake = bot.fake
    ticker = Ticker()
    bot.services.extras[FLOOD_KEY] = FloodGate(LIMIT, 10.0, clock=ticker)
    polite = bot.services.catalog.text("id", "flood-slow-down")
    polite_short = bot.services.catalog.text("id", "flood-slow-down-short")

    commander = fake.user(KOMANDAN.user_id, first_name="Hendra")
    await commander.send("/mobilize BRIMOB 30 Kantor KPU Kalbar, Pontianak")
    confirm = await fake.wait_for_message(KOMANDAN.user_id, "Konfirmasi pengerahan")

    # The flood: 180 commands and 20 taps on the bot's readiness card (a stuck finger), all at
    # once; then the order is sent.
    flooder = fake.user(FLOODER.user_id, first_name="Citra")
    await flooder.send("/kesiapan")
    card = await fake.wait_for_message(FLOODER.user_id, "Kesiapan")
    flood = ["tap" if i % 10 == 5 else "/kesiapan" for i in range(FLOOD_COMMANDS + FLOOD_TAPS)]
    taps: list[str] = []
    for item in flood:
        if item == "tap":
            taps.append(await flooder.press_data("rd:v1:siap", message=card))
        else:
            await flooder.send(item)
    # One person's updates are handled in order: the first ones fill the bucket.
    allowed = flood[: LIMIT - 1]
    mark = len(fake.requests)
    send = await commander.press("Kirim", message=confirm)
    bystander = fake.user(BYSTANDER.user_id, first_name="Dedi")
    await bystander.send("/siap")

    # Everyone else is served: the order is sent, every invitation goes out, the bystander
    # is answered.
    await fake.wait_for(lambda: fake.callback_answer(send), what="the answer to Kirim")

    def invitations() -> list[int]:
        return [
            i
            for i, r in enumerate(fake.requests[mark:], mark)
            if r.ok
            and r.method == "sendMessage"
            and 10000 < int(r.params.get("chat_id", 0)) <= 10000 + INVITED
            and "PENGERAHAN #" in str(r.params.get("text"))
        ]

    await fake.wait_for(lambda: len(invitations()) == INVITED, timeout=15, what="30 invitations")
    await fake.wait_for_message(BYSTANDER.user_id, "SIAP")
    # Every tap of the flooder was answered, the dropped ones with a short "too fast".
    await fake.wait_for(
        lambda: all(fake.callback_answer(t) is not None for t in taps), what="every tap answered"
    )
    await fake.wait_idle()

    # The flooder: exactly the burst was served, then one polite message; the rest dropped.
    to_flooder = [m.text or "" for m in fake.sent_to(FLOODER.user_id)]
    assert to_flooder.count(polite) == 1
    assert len(to_flooder) == 1 + allowed.count("/kesiapan") + 1
    answers = [str((fake.callback_answer(t) or {}).get("text")) for t in taps]
    served = allowed.count("tap")
    assert served == 2
    assert all("SIAP" in a for a in answers[:served]), answers
    assert set(answers[served:]) == {polite_short}
    assert bot.services.extras[FLOOD_KEY].refused == len(flood) - len(allowed)
    # A double tap on the card is no error (the second edit changes nothing).
    assert [r.getMessage() for r in caplog.records if r.name == "siaga.errors"] == []
    assert sum("is flooding" in r.getMessage() for r in caplog.records) == 1

    # Order: the flood got at most its burst onto the wire while the invitations went out;
    # the call-out never queued behind 180 replies.
    last_invitation = invitations()[-1]
    flood_sends = [
        r
        for r in fake.requests[mark : last_invitation + 1]
        if r.method == "sendMessage"
        and r.params.get("chat_id") in (FLOODER.user_id, str(FLOODER.user_id))
    ]
    assert len(flood_sends) <= LIMIT + 1
    first_invite = fake.requests[invitations()[0]].time
    last_invite = fake.requests[last_invitation].time
    # 30 invitations at 30 a second take about a second; had the flood's 180 replies shared
    # the budget, they could not take less than 7 s (the pacing is by the clock, not the CPU).
    assert last_invite - first_invite < 6.0

    # Later, the flooder is welcome again.
    ticker.now += 10.0
    await flooder.send("/kesiapan")
    await fake.wait_for(
        lambda: len(fake.sent_to(FLOODER.user_id)) == len(to_flooder) + 1,
        what="an answer after the pause",
    )


def test_has_room_tells_without_counting() -> None:
    ticker = Ticker()
    gate = FloodGate(2, 10.0, clock=ticker)
    assert gate.has_room(7)
    assert [gate.admit(7), gate.admit(7)] == [Verdict.ALLOW] * 2
    assert [gate.has_room(7), gate.has_room(7)] == [False, False]
    assert gate.admit(7) is Verdict.WARN  # looking did not use up the warning
    ticker.now += 5.0
    assert gate.has_room(7)
    assert gate.admit(7) is Verdict.ALLOW
