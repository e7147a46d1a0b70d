"""Call-out rows on a real SQLite file: drafts, lines, invites, candidates, arrivals."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.callout import (
    CalloutStatus,
    DraftStatus,
    InviteState,
    Order,
    OrderLine,
    order_to_json,
)
from bot.domain.fill import CutShort, Outcome, PastAnswer
from storage import callouts, outbox, readiness
from storage.db import Database, Transaction
from storage.timestamps import to_db
from tests.harness import open_callout

NOW = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)


async def seed(db: Database, people: int = 10, category: str = "BRIMOB") -> list[int]:
    """Categories, then `people` linked SIAP members (user id 1000 + n) of `category`."""
    async with db.transaction() as tx:
        for code, reserve in (("POH", None), ("BRIMOB", "POH"), ("SAMAPTA", None)):
            await tx.execute(
                "INSERT OR IGNORE INTO categories (code, name, target_strength, reserve_code)"
                " VALUES (?, ?, 0, ?)",
                (code, code.title(), reserve),
            )
        start = await tx.fetchone("SELECT COUNT(*) FROM personnel")
        assert start is not None
        offset = int(start[0])
        ids = []
        for n in range(offset, offset + people):
            person_id = await tx.execute(
                "INSERT INTO personnel (nrp, name, rank, category_code, unit, phone,"
                " telegram_user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    f"{87000000 + n}",
                    f"Orang {n}",
                    "Bripda",
                    category,
                    "Polres A" if n % 2 else "Polres B",
                    f"0812{n:08d}",
                    1000 + n,
                    to_db(NOW),
                    to_db(NOW),
                ),
            )
            await readiness.set_ready(tx, person_id, NOW - timedelta(minutes=n), source="test")
            ids.append(person_id)
    return ids


async def new_callout(db: Database, category: str = "BRIMOB", quota: int = 3) -> int:
    async with db.transaction() as tx:
        callout_id, _ = await open_callout(
            tx, category, quota, "Kantor KPU", NOW, by_user=1, by_name="AKBP Hendra"
        )
    return callout_id


async def accepted_invite(db: Database) -> tuple[list[int], int, callouts.Line, int]:
    """One person who accepted the invite of a fresh call-out: their ids, the call-out, its
    line and the invite."""
    ids = await seed(db, 1)
    callout_id = await new_callout(db)
    line = (await callouts.lines(db, callout_id))[0]
    async with db.transaction() as tx:
        invite_id = await callouts.add_invite(tx, callout_id, line.id, ids[0], 1000, NOW)
        await callouts.transition(tx, invite_id, [InviteState.PENDING], InviteState.ACCEPTED, NOW)
    return ids, callout_id, line, invite_id


async def test_a_double_tap_sends_a_draft_once(db: Database) -> None:
    await seed(db, 1)
    order = Order((OrderLine("BRIMOB", 3),), "Kantor KPU")
    async with db.transaction() as tx:
        draft_id = await callouts.create_draft(tx, 1, 1, order_to_json(order), NOW)
    async with db.transaction() as tx:
        assert await callouts.close_draft(tx, draft_id, DraftStatus.SENT, NOW, callout_id=None)
        assert not await callouts.close_draft(tx, draft_id, DraftStatus.SENT, NOW)
    draft = await callouts.get_draft(db, draft_id)
    assert draft is not None
    assert draft.status == "sent"


async def test_a_new_draft_replaces_the_open_one(db: Database) -> None:
    async with db.transaction() as tx:
        first = await callouts.create_draft(tx, 1, 1, {}, NOW)
        second = await callouts.create_draft(tx, 1, 1, {"location": "X"}, NOW)
    latest = await callouts.latest_open_draft(db, 1, 1)
    assert latest is not None
    assert latest.id == second
    old = await callouts.get_draft(db, first)
    assert old is not None
    assert old.status == "discarded"


async def test_candidates_exclude_who_may_not_go(db: Database) -> None:
    ids = await seed(db, 8)
    callout_id = await new_callout(db)
    async with db.transaction() as tx:
        await readiness.set_not_ready(tx, ids[0], NOW, reason="sakit", source="test")
        await readiness.set_deployed(tx, ids[1], 99, NOW)
        await tx.execute("UPDATE personnel SET active = 0 WHERE id = ?", (ids[2],))
        await tx.execute("UPDATE personnel SET telegram_user_id = NULL WHERE id = ?", (ids[3],))
        await outbox.mark_unreachable(tx, 1004, ids[4], "blocked", NOW)
        await tx.execute("DELETE FROM readiness WHERE person_id = ?", (ids[5],))
    found = {c.person_id for c in await callouts.candidates(db, "BRIMOB", callout_id)}
    assert found == {ids[6], ids[7]}
    assert await callouts.candidates(db, "POH", callout_id) == []


async def test_candidates_within_units(db: Database) -> None:
    ids = await seed(db, 6)
    callout_id = await new_callout(db)
    found = await callouts.candidates(db, "BRIMOB", callout_id, units=["Polres A"])
    assert {c.person_id for c in found} == {ids[1], ids[3], ids[5]}


async def test_an_invited_person_is_held_until_the_invite_ends(db: Database) -> None:
    ids = await seed(db, 3)
    first = await new_callout(db)
    second = await new_callout(db)
    lines = await callouts.lines(db, first)
    async with db.transaction() as tx:
        invite_id = await callouts.add_invite(tx, first, lines[0].id, ids[0], 1000, NOW)
    # Invited once to this call-out (in any state) and held from every other live one.
    assert ids[0] not in {c.person_id for c in await callouts.candidates(db, "BRIMOB", first)}
    assert ids[0] not in {c.person_id for c in await callouts.candidates(db, "BRIMOB", second)}
    async with db.transaction() as tx:
        assert await callouts.transition(
            tx, invite_id, [InviteState.PENDING], InviteState.DECLINED, NOW, answered=True
        )
    assert ids[0] in {c.person_id for c in await callouts.candidates(db, "BRIMOB", second)}
    assert ids[0] not in {c.person_id for c in await callouts.candidates(db, "BRIMOB", first)}


async def test_the_database_refuses_a_person_in_two_live_callouts(db: Database) -> None:
    ids = await seed(db, 1)
    first = await new_callout(db)
    second = await new_callout(db)
    line_1 = (await callouts.lines(db, first))[0].id
    line_2 = (await callouts.lines(db, second))[0].id
    async with db.transaction() as tx:
        await callouts.add_invite(tx, first, line_1, ids[0], 1000, NOW)
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await callouts.add_invite(tx, second, line_2, ids[0], 1000, NOW)


async def test_transitions_happen_once(db: Database) -> None:
    ids = await seed(db, 1)
    callout_id = await new_callout(db)
    line = (await callouts.lines(db, callout_id))[0]
    async with db.transaction() as tx:
        invite_id = await callouts.add_invite(tx, callout_id, line.id, ids[0], 1000, NOW)
    async with db.transaction() as tx:
        assert await callouts.transition(
            tx,
            invite_id,
            [InviteState.PENDING, InviteState.TIMED_OUT],
            InviteState.ACCEPTED,
            NOW,
            answered=True,
            answered_by_user_id=7,
            proxy=True,
        )
        assert not await callouts.transition(
            tx, invite_id, [InviteState.PENDING], InviteState.ACCEPTED, NOW, answered=True
        )
    invite = await callouts.get_invite(db, invite_id)
    assert invite is not None
    assert invite.state is InviteState.ACCEPTED
    assert invite.proxy
    assert invite.answered_by_user_id == 7
    tallies = await callouts.tallies(db, callout_id)
    assert tallies[line.id].accepted == 1
    assert tallies[line.id].quota == 3


async def test_arrival_counts_once_and_outside_is_only_logged(db: Database) -> None:
    ids, callout_id, line, invite_id = await accepted_invite(db)
    assert await callouts.awaiting_arrival(db, ids[0]) is not None
    async with db.transaction() as tx:
        assert not await callouts.record_arrival(
            tx,
            invite_id,
            NOW,
            latitude=1.0,
            longitude=1.0,
            accuracy_m=None,
            distance_m=5000.0,
            status="outside",
        )
        assert await callouts.record_arrival(
            tx,
            invite_id,
            NOW,
            latitude=1.0,
            longitude=1.0,
            accuracy_m=10.0,
            distance_m=50.0,
            status="verified",
        )
        assert not await callouts.record_arrival(
            tx,
            invite_id,
            NOW,
            latitude=1.0,
            longitude=1.0,
            accuracy_m=10.0,
            distance_m=40.0,
            status="verified",
        )
    assert len(await callouts.arrivals(db, invite_id)) == 3
    assert await callouts.awaiting_arrival(db, ids[0]) is None
    assert (await callouts.tallies(db, callout_id))[line.id].arrived == 1


async def test_close_and_release(db: Database) -> None:
    ids, callout_id, _, invite_id = await accepted_invite(db)
    async with db.transaction() as tx:
        assert await callouts.close(tx, callout_id, CalloutStatus.COMPLETED, NOW, 1)
        assert not await callouts.close(tx, callout_id, CalloutStatus.CANCELLED, NOW, 1)
        assert await callouts.release(tx, invite_id, NOW)
        assert not await callouts.release(tx, invite_id, NOW)
    callout = await callouts.get(db, callout_id)
    assert callout is not None
    assert callout.status is CalloutStatus.COMPLETED
    assert await callouts.live_invite_of(db, ids[0]) is None
    assert await callouts.active(db) == []


async def test_stats_leave_drills_out(db: Database) -> None:
    ids = await seed(db, 2)
    real = await new_callout(db)
    drill = await new_callout(db)
    async with db.transaction() as tx:
        await tx.execute("UPDATE callouts SET drill = 1 WHERE id = ?", (drill,))
        for callout_id, person_id in ((real, ids[0]), (drill, ids[1])):
            line = (await callouts.lines(tx, callout_id))[0]
            invite_id = await callouts.add_invite(tx, callout_id, line.id, person_id, 1, NOW)
            await callouts.transition(
                tx, invite_id, [InviteState.PENDING], InviteState.ACCEPTED, NOW
            )
    real_stats = await callouts.stats(db)
    assert real_stats.callouts == 1
    assert real_stats.accepted == 1
    assert (await callouts.stats(db, include_drills=True)).callouts == 2
    assert await callouts.deployed_on_drills(db) == {ids[1]}
    assert [c.id for c in await callouts.active(db, include_drills=False)] == [real]


async def test_concurrent_picks_never_share_a_person(db: Database) -> None:
    """Two orders racing: pick + reserve in one transaction each, so no overlap."""
    await seed(db, 10)
    first = await new_callout(db, quota=7)
    second = await new_callout(db, quota=7)

    async def pick(callout_id: int) -> set[int]:
        line = (await callouts.lines(db, callout_id))[0]
        async with db.transaction() as tx:
            found = await callouts.candidates(tx, "BRIMOB", callout_id)
            await asyncio.sleep(0)  # let the other order try to interleave
            for candidate in found[:7]:
                await callouts.add_invite(
                    tx, callout_id, line.id, candidate.person_id, candidate.chat_id, NOW
                )
            return {c.person_id for c in found[:7]}

    a, b = await asyncio.gather(pick(first), pick(second))
    assert not a & b
    assert len(a) + len(b) == 10


def test_invite_keys_round_trip() -> None:
    assert callouts.invite_id_of_key(callouts.invite_key(12)) == 12
    assert callouts.invite_id_of_key("co:inv:12:rem:2") == 12
    assert callouts.invite_id_of_key("apel:12") is None
    assert callouts.invite_id_of_key("co:5:card") is None


async def test_who_may_be_invited_looks_invites_up_by_person(db: Database) -> None:
    # Scanning every invite for every person of the category held the database ~0.5 s per
    # acceptance in a call-out of everyone; the plan must search the person's invites.
    plan = await db.fetchall("EXPLAIN QUERY PLAN " + callouts.CANDIDATES_SQL, ["BRIMOB", 1])
    steps = [str(row[3]) for row in plan]
    assert any("callout_invites_person" in step for step in steps), steps
    assert not any(step.startswith("SCAN") for step in steps), steps


async def test_the_order_fields_are_kept_with_the_call_out(db: Database) -> None:
    await seed(db, 1)
    order = Order(
        (OrderLine("BRIMOB", 1),),
        "Kantor KPU Kalbar",
        ref="Sprin/45/II/2024",
        task="BKO Polres Sanggau",
        assembly="Mako Brimob",
        report_to="Iptu Dedi 0812-3456-7890",
    )
    async with db.transaction() as tx:
        callout_id = await callouts.create(
            tx,
            draft_id=None,
            order=order,
            radius_m=None,
            ordered_by_user_id=2001,
            ordered_by_person_id=None,
            ordered_by_name="AKBP Hendra Wijaya",
            ordered_by_position="Dansat Brimob",
            chat_id=2001,
            chat_is_group=False,
            language="id",
            invite_timeout=timedelta(minutes=5),
            now=NOW,
        )
    callout = await callouts.get(db, callout_id)
    assert callout is not None
    assert (callout.task, callout.assembly, callout.report_to) == (
        "BKO Polres Sanggau",
        "Mako Brimob",
        "Iptu Dedi 0812-3456-7890",
    )
    assert callout.ordered_by_position == "Dansat Brimob"


async def queue_invitations(
    tx: Transaction, invite_ids: list[int], sent: int, sent_at: datetime
) -> None:
    """The invitations' messages in the outbox, queued; one of them sent at `sent_at`."""
    for invite_id in invite_ids:
        await outbox.enqueue(
            tx,
            outbox.OutgoingMessage(
                1000, "x", outbox.Priority.CALLOUT, callouts.invite_key(invite_id)
            ),
            NOW,
        )
    await tx.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ? WHERE dedup_key = ?",
        (to_db(sent_at), callouts.invite_key(sent)),
    )


async def test_live_invites_count_silence_only_once_the_invitation_is_sent(db: Database) -> None:
    ids = await seed(db, 3)
    callout_id = await new_callout(db)
    line = (await callouts.lines(db, callout_id))[0]
    async with db.transaction() as tx:
        sent, queued, said_yes = [
            await callouts.add_invite(tx, callout_id, line.id, person, 1000 + n, NOW)
            for n, person in enumerate(ids)
        ]
        await queue_invitations(tx, [sent, queued], sent, NOW + timedelta(seconds=5))
        await callouts.transition(
            tx, said_yes, [InviteState.PENDING], InviteState.ACCEPTED, NOW, answered=True
        )
    found = {i.person_id: i for i in await callouts.live_invites(db, line.id)}
    # Silence runs from the send (a big call-out takes seconds to leave), not the invitation.
    assert found[ids[0]].delivered_at == NOW + timedelta(seconds=5)
    assert found[ids[0]].answered is None
    assert found[ids[1]].delivered_at is None
    assert found[ids[2]].answered is not None


async def everyone_invited(
    db: Database, people: int
) -> tuple[list[int], int, callouts.Line, list[int]]:
    """`people` seeded members, each invited at NOW to one call-out of that quota: their ids,
    the call-out, its line and the invitations, in the members' order."""
    ids = await seed(db, people)
    callout_id = await new_callout(db, quota=people)
    line = (await callouts.lines(db, callout_id))[0]
    async with db.transaction() as tx:
        invites = [
            await callouts.add_invite(tx, callout_id, line.id, person, 1000 + n, NOW)
            for n, person in enumerate(ids)
        ]
    return ids, callout_id, line, invites


async def test_the_record_reads_a_no_with_its_time_and_silence_through_the_timeouts(
    db: Database,
) -> None:
    # What answer_history covered before polda_evidence replaced it: a no keeps its time,
    # silence through both timeouts has none.
    ids, old, _, (declined, silent) = await everyone_invited(db, 2)
    later = NOW + timedelta(seconds=42)
    async with db.transaction() as tx:
        await callouts.transition(
            tx, declined, [InviteState.PENDING], InviteState.DECLINED, later, answered=True
        )
        await callouts.transition(tx, silent, [InviteState.PENDING], InviteState.NO_ANSWER, later)
        await callouts.close(tx, old, CalloutStatus.COMPLETED, later, 0)
    assert sorted(await callouts.polda_evidence(db), key=lambda e: e.person_id) == [
        PastAnswer(ids[0], Outcome.DECLINED, 42.0),
        PastAnswer(ids[1], Outcome.SILENT, None),
    ]


async def test_person_evidence_reads_a_stand_down_as_its_silence_until_the_fill(
    db: Database,
) -> None:
    ids, old, line, invites = await everyone_invited(db, 5)
    yes, proxied, stood, never_sent, unreachable = invites
    later = NOW + timedelta(seconds=42)
    async with db.transaction() as tx:
        await queue_invitations(tx, [stood, never_sent], stood, NOW + timedelta(seconds=2))
        await tx.execute(
            "UPDATE outbox SET state = 'cancelled' WHERE dedup_key = ?",
            (callouts.invite_key(never_sent),),
        )
        await callouts.transition(
            tx, yes, [InviteState.PENDING], InviteState.ACCEPTED, later, answered=True
        )
        await callouts.transition(
            tx,
            proxied,
            [InviteState.PENDING],
            InviteState.DECLINED,
            later,
            answered=True,
            proxy=True,
        )
        for invite_id in (stood, never_sent):
            await callouts.transition(
                tx, invite_id, [InviteState.PENDING], InviteState.STOOD_DOWN, later
            )
        await callouts.transition(
            tx, unreachable, [InviteState.PENDING], InviteState.UNREACHABLE, later
        )
        await callouts.mark_filled(tx, line.id, later)
    assert await callouts.person_evidence(db, ids) == []  # still running
    assert await callouts.polda_evidence(db) == []
    async with db.transaction() as tx:
        await callouts.close(tx, old, CalloutStatus.COMPLETED, later + timedelta(hours=1), 1)
    found = await callouts.person_evidence(db, ids)
    assert sorted(found, key=lambda e: e.person_id) == [
        PastAnswer(ids[0], Outcome.ACCEPTED, 42.0),
        # A commander's answer for someone: they were silent through both timeouts.
        PastAnswer(ids[1], Outcome.SILENT, None),
        # Silent from the send (2 s) to the line's fill (42 s); the one never sent and the
        # one that bounced say nothing.
        CutShort(ids[2], 40.0),
    ]
    assert await callouts.person_evidence(db, [ids[2]]) == [CutShort(ids[2], 40.0)]
    # The Polda's model is learned from the same record of everyone: the stand-down's
    # silence too, not the answers alone (they are the quick ones). Newest first, limited.
    assert await callouts.polda_evidence(db) == found
    assert await callouts.polda_evidence(db, limit=2) == [CutShort(ids[2], 40.0)]


async def test_person_evidence_looks_invites_up_by_person(db: Database) -> None:
    # fill_line reads it for every candidate at every re-evaluation: never a scan of the
    # invites (index callout_invites_person).
    plan = await db.fetchall("EXPLAIN QUERY PLAN " + callouts.PERSON_EVIDENCE_SQL, ["[1, 2]", 10])
    steps = [str(row[3]) for row in plan]
    assert any("callout_invites_person" in step for step in steps), steps
    scans = [step for step in steps if step.startswith("SCAN") and "json_each" not in step]
    assert not scans, steps
