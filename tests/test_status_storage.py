"""The rows behind /status, the names list and the roster export (`storage.status`): each
person's readiness exactly as `storage.readiness` reads it, drills apart."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from bot.clock import FakeClock
from bot.domain.callout import InviteState, Order, OrderLine
from bot.domain.readiness import Readiness, State
from bot.domain.roster import RosterRow
from bot.domain.status import StatusScope
from storage import callouts, personnel, readiness, status
from storage.categories import import_categories
from storage.db import Database
from storage.roster import import_roster
from storage.timestamps import from_db, to_db
from tests.harness import EXAMPLE_CATEGORIES

PEOPLE = 7


def test_from_db_reads_what_to_db_writes_as_utc() -> None:
    moment = datetime(2024, 2, 14, 13, 5, 7, 123456, tzinfo=UTC)
    read = from_db(to_db(moment))
    assert read == moment
    assert read.tzinfo is UTC
    # Text without a zone (older rows, hand-written fixtures) is UTC as well.
    assert from_db("2024-02-14T13:05:07") == datetime(2024, 2, 14, 13, 5, 7, tzinfo=UTC)
    assert from_db("2024-02-14T13:05:07").tzinfo is UTC
    # An explicit offset is overridden, as it always was: the column holds UTC.
    other = from_db("2024-02-14T13:05:07+07:00")
    assert other.tzinfo is UTC
    assert other.hour == 13
    assert from_db("2024-02-14T13:05:07+00:00").tzinfo is UTC


async def _world(db: Database, now: datetime) -> tuple[list[int], int]:
    """Seven people: none, fresh SIAP, stale SIAP, TIDAK SIAP until tomorrow, TIDAK SIAP with
    no end, back from a real call-out (SIAP, deployed before), deployed on a drill."""
    await import_categories(db, EXAMPLE_CATEGORIES, now)
    rows = [
        RosterRow(
            line=i + 2,
            nrp=f"8801{i:04d}",
            name=f"Orang {i}",
            rank="Bripda",
            category="BRIMOB",
            unit=f"Kompi {i % 2 + 1}",
            phone=f"08123450{i:04d}",
            role="anggota",
        )
        for i in range(PEOPLE)
    ]
    await import_roster(db, rows, now)
    ids = []
    async with db.transaction() as tx:
        for i in range(PEOPLE):
            person = await personnel.by_nrp(tx, f"8801{i:04d}")
            assert person is not None
            ids.append(person.id)
            if i % 2:
                await personnel.link(tx, person.id, 5000 + i, now)
        _none, fresh, stale, sick, open_ended, real, drill = ids
        earlier = now - timedelta(hours=20, microseconds=321)
        await readiness.set_ready(tx, fresh, now - timedelta(minutes=3), source="test")
        await readiness.set_ready(tx, stale, earlier, source="test")
        await readiness.set_not_ready(
            tx,
            sick,
            now,
            reason="sakit",
            reason_text="demam",
            until=now + timedelta(days=1),
            source="test",
        )
        await readiness.set_not_ready(tx, open_ended, now, reason="izin", source="test")
        deployed_on: dict[int, int] = {}
        for person_id, is_drill in ((real, False), (drill, True)):
            callout_id = await callouts.create(
                tx,
                draft_id=None,
                order=Order((OrderLine("BRIMOB", 1),), "Pos", drill=is_drill),
                radius_m=None,
                ordered_by_user_id=1,
                ordered_by_person_id=None,
                ordered_by_name="Admin",
                chat_id=1,
                chat_is_group=False,
                language="id",
                invite_timeout=timedelta(minutes=5),
                now=earlier,
            )
            line_id = await callouts.add_line(tx, callout_id, "BRIMOB", 1)
            invite = await callouts.add_invite(tx, callout_id, line_id, person_id, 1, earlier)
            await callouts.transition(
                tx, invite, [InviteState.PENDING], InviteState.ACCEPTED, earlier, answered=True
            )
            await readiness.set_deployed(tx, person_id, callout_id, earlier)
            deployed_on[person_id] = callout_id
        # Someone deployed before and released since: SIAP with a last deployment.
        assert await readiness.release_deployed(tx, real, deployed_on[real], now)
    return ids, drill


def _expected(stored: Readiness | None, drill: bool) -> Readiness | None:
    if stored is not None and drill and stored.state is State.BERTUGAS:
        return dataclasses.replace(stored, state=State.SIAP, callout_id=None)
    return stored


async def test_every_view_reads_readiness_as_storage_does(db: Database) -> None:
    now = FakeClock().now()
    ids, drill = await _world(db, now)
    stored = await readiness.all_states(db)
    assert {s.state for s in stored.values()} == {State.SIAP, State.TIDAK_SIAP, State.BERTUGAS}
    assert any(s.until for s in stored.values())
    assert any(s.last_deployed_at for s in stored.values())
    expected = {pid: _expected(stored.get(pid), pid == drill) for pid in ids}
    drilled = expected[drill]
    assert drilled is not None
    assert drilled.state is State.SIAP

    everyone = StatusScope.whole()
    people = await status.people_states(db, everyone)
    assert [p.readiness for p in people] == [expected[pid] for pid in ids]
    assert [p.linked for p in people] == [bool(i % 2) for i in range(PEOPLE)]
    for person in people:
        if person.readiness is not None:
            assert type(person.readiness.state) is State
            for moment in (person.readiness.confirmed_at, person.readiness.until):
                assert moment is None or moment.tzinfo is UTC

    named = await status.named_states(db, everyone, everyone)
    assert {n.person_id: n.readiness for n in named} == expected
    entries = await status.roster_entries(db, everyone)
    by_nrp = {e.nrp: e.readiness for e in entries}
    assert [by_nrp[f"8801{i:04d}"] for i in range(PEOPLE)] == [expected[pid] for pid in ids]


async def test_the_counts_version_moves_with_what_the_counts_are_made_of(db: Database) -> None:
    now = FakeClock().now()
    ids, _drill = await _world(db, now)
    before = await status.counts_version(db)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO audit_log (at, action, subject, details) VALUES (?, 'x', 'y', '{}')",
            (to_db(now),),
        )
    assert await status.counts_version(db) == before  # nothing counted changed
    async with db.transaction() as tx:
        await readiness.set_ready(tx, ids[0], now, source="test")
    after = await status.counts_version(db)
    assert after != before
    # A change rolled back leaves no version a later, different change could meet again.
    try:
        async with db.transaction() as tx:
            await readiness.set_ready(tx, ids[3], now, source="test")
            rolled_back = await status.counts_version(tx)
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert await status.counts_version(db) == after
    async with db.transaction() as tx:
        await readiness.set_ready(tx, ids[4], now, source="test")
    assert await status.counts_version(db) not in (after, rolled_back)


async def test_status_counts_are_kept_until_a_row_or_time_changes_them(db: Database) -> None:
    from handlers.status import CountsCache

    now = FakeClock().now()
    ids, _drill = await _world(db, now)
    cache = CountsCache()
    everyone = StatusScope.whole()
    fresh_for = timedelta(hours=12)
    first = await cache.counts(db, everyone, now, fresh_for)
    brimob = next(c for c in first if c.code == "BRIMOB")
    # Siap: the fresh one and the one back from a call-out; stale: the old one, the drill's.
    assert (brimob.siap, brimob.stale, brimob.unknown) == (2, 2, 1)
    assert await cache.counts(db, everyone, now + timedelta(minutes=1), fresh_for) is first
    # A row changes: counted again.
    async with db.transaction() as tx:
        await readiness.set_ready(tx, ids[0], now, source="test")
    second = await cache.counts(db, everyone, now + timedelta(minutes=1), fresh_for)
    assert next(c for c in second if c.code == "BRIMOB").siap == 3
    # Time alone: the SIAP confirmed 3 minutes before `now` goes stale 12 hours later.
    later = now - timedelta(minutes=3) + fresh_for
    third = await cache.counts(db, everyone, later, fresh_for)
    assert third is not second
    assert next(c for c in third if c.code == "BRIMOB").stale == 3
