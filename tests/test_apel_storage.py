"""Roll-call storage on a real SQLite file: targets, answers, counts, report rows, drafts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.apel import (
    Answer,
    DraftState,
    LocationState,
    RollCallKind,
    Scope,
    ScopeKind,
    build_tally,
)
from bot.domain.retention import Cutoffs, Step
from storage import apel as store
from storage import outbox, readiness, retention
from storage.apel import AssemblyPoint, NewTarget
from storage.db import Database
from storage.outbox import OutgoingMessage, Priority
from storage.timestamps import to_db

NOW = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)
STALE = timedelta(hours=12)


async def seed_people(db: Database, count: int = 6) -> list[int]:
    """People 1..count: odd ones BRIMOB, even ones POH; person 6 not linked."""
    async with db.transaction() as tx:
        for code in ("BRIMOB", "POH"):
            await tx.execute(
                "INSERT OR IGNORE INTO categories (code, name) VALUES (?, ?)", (code, code)
            )
        for i in range(1, count + 1):
            await tx.execute(
                "INSERT INTO personnel (id, nrp, name, rank, category_code, unit, phone,"
                " telegram_user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    i,
                    f"8700{i:04d}",
                    f"Nama {i}",
                    "Bripda",
                    "BRIMOB" if i % 2 else "POH",
                    "Polres Sanggau",
                    f"08120000{i:04d}",
                    None if i == 6 else 1000 + i,
                    to_db(NOW),
                    to_db(NOW),
                ),
            )
    return list(range(1, count + 1))


async def open_rollcall(db: Database, *, point: AssemblyPoint | None = None) -> int:
    async with db.transaction() as tx:
        rc_id = await store.create(
            tx,
            kind=RollCallKind.APEL,
            scope=Scope(ScopeKind.ALL),
            title="Apel pagi",
            opened_by_user=2001,
            opened_by_person=None,
            opened_by_name="AKBP Hendra",
            card_chat_id=2001,
            language="id",
            opened_at=NOW,
            closes_at=NOW + timedelta(minutes=30),
            point=point,
        )
        await store.add_targets(
            tx,
            rc_id,
            [
                NewTarget(
                    i,
                    None if i == 6 else 1000 + i,
                    "BRIMOB" if i % 2 else "POH",
                    "unlinked" if i == 6 else None,
                )
                for i in range(1, 7)
            ],
        )
    return rc_id


async def test_a_roll_call_round_trips(db: Database) -> None:
    await seed_people(db)
    rc_id = await open_rollcall(db, point=AssemblyPoint(-0.02, 109.34, 250))
    rc = await store.get(db, rc_id)
    assert rc is not None
    assert rc.is_open
    assert rc.accepts_answers(NOW)
    assert not rc.accepts_answers(NOW + timedelta(minutes=30))
    assert rc.point == AssemblyPoint(-0.02, 109.34, 250)
    assert rc.scope == Scope(ScopeKind.ALL)
    assert rc.title == "Apel pagi"
    assert rc.card_key == f"ap:{rc_id}:card"
    assert [t.person_id for t in await store.called_targets(db, rc_id)] == [1, 2, 3, 4, 5]
    assert [r.id for r in await store.open_rollcalls(db)] == [rc_id]


async def test_answers_latest_counts_and_a_double_tap_counts_once(db: Database) -> None:
    await seed_people(db)
    rc_id = await open_rollcall(db)
    async with db.transaction() as tx:
        first = await store.record_answer(tx, rc_id, 1, Answer.YES, NOW)
        again = await store.record_answer(tx, rc_id, 1, Answer.YES, NOW + timedelta(seconds=1))
        absent = await store.record_answer(tx, rc_id, 2, Answer.NO, NOW, reason="sakit")
        changed = await store.record_answer(tx, rc_id, 2, Answer.NO, NOW, reason="izin")
        back = await store.record_answer(tx, rc_id, 3, Answer.NO, NOW, reason="cuti")
        mind = await store.record_answer(tx, rc_id, 3, Answer.YES, NOW)
        stranger = await store.record_answer(tx, rc_id, 99, Answer.YES, NOW)
    assert first is not None
    assert first.answer == "yes"
    assert again is None
    assert absent is not None
    assert changed is not None
    assert changed.reason == "izin"
    assert back is not None
    assert mind is not None
    assert mind.answer == "yes"
    assert mind.reason is None
    assert stranger is None
    tally = build_tally(await store.tally_rows(db, rc_id))
    assert tally.total.called == 5
    assert tally.total.yes == 2
    assert tally.total.no == 1
    assert tally.total.no_answer == 2
    poh = next(c for c in tally.categories if c.category == "POH")
    assert poh.no_by_reason == {"izin": 1}
    log = await store.answer_log(db, rc_id)
    assert [(p, a) for p, a, _ in log] == [
        (1, "yes"),
        (2, "no"),
        (2, "no"),
        (3, "no"),
        (3, "yes"),
    ]


async def test_lainnya_text_only_refines_a_lainnya_answer(db: Database) -> None:
    await seed_people(db)
    rc_id = await open_rollcall(db)
    async with db.transaction() as tx:
        await store.record_answer(tx, rc_id, 1, Answer.NO, NOW, reason="lainnya")
        assert await store.set_reason_text(tx, rc_id, 1, "urusan keluarga", NOW)
        await store.record_answer(tx, rc_id, 2, Answer.NO, NOW, reason="sakit")
        assert not await store.set_reason_text(tx, rc_id, 2, "teks", NOW)
        # Tapping "lainnya" again keeps the text already written.
        assert await store.record_answer(tx, rc_id, 1, Answer.NO, NOW, reason="lainnya") is None
    target = await store.target(db, rc_id, 1)
    assert target is not None
    assert target.reason_text == "urusan keluarga"


async def test_location_states(db: Database) -> None:
    await seed_people(db)
    rc_id = await open_rollcall(db, point=AssemblyPoint(-0.02, 109.34, 250))
    async with db.transaction() as tx:
        waiting = await store.record_answer(tx, rc_id, 1, Answer.YES, NOW, awaiting_location=True)
        assert waiting is not None
        assert waiting.location_state == "awaiting"
        await store.record_answer(tx, rc_id, 3, Answer.YES, NOW, awaiting_location=True)
        await store.set_location(
            tx,
            rc_id,
            3,
            latitude=-0.02,
            longitude=109.35,
            distance_m=1100.0,
            state=LocationState.OUTSIDE,
            now=NOW,
        )
    present = await store.present_in_open(db, 1, NOW)
    assert [r.id for r in present] == [rc_id]
    assert await store.present_in_open(db, 2, NOW) == []
    assert await store.present_in_open(db, 1, NOW + timedelta(hours=1)) == []
    tally = build_tally(await store.tally_rows(db, rc_id))
    brimob = next(c for c in tally.categories if c.category == "BRIMOB")
    assert brimob.yes_awaiting_location == 1
    assert brimob.yes_outside == 1
    # Changing to absent forgets the location: it was evidence for "present".
    async with db.transaction() as tx:
        await store.record_answer(tx, rc_id, 3, Answer.NO, NOW, reason="sakit")
    target = await store.target(db, rc_id, 3)
    assert target is not None
    assert target.location_state is None
    assert target.distance_m is None


async def test_who_gets_reminded_and_who_is_unreachable(db: Database) -> None:
    await seed_people(db)
    rc_id = await open_rollcall(db)
    async with db.transaction() as tx:
        await store.record_answer(tx, rc_id, 1, Answer.YES, NOW)
        # Person 2 blocked the bot; person 3's prompt is still queued.
        await tx.execute(
            "INSERT INTO unreachable (chat_id, person_id, reason, since) VALUES (?, ?, ?, ?)",
            (1002, 2, "blocked", to_db(NOW)),
        )
        await outbox.enqueue(
            tx,
            OutgoingMessage(1003, "prompt", Priority.ROLLCALL, store.prompt_key(rc_id, 3)),
            NOW,
        )
    assert await store.unanswered_chats(db, rc_id) == [(4, 1004), (5, 1005)]
    tally = build_tally(await store.tally_rows(db, rc_id))
    assert tally.total.unreachable == 1
    rows = {r.person_id: r.status for r in await store.report_rows(db, rc_id)}
    assert rows == {
        1: "yes",
        2: "tak_terjangkau",
        3: "belum_menjawab",
        4: "belum_menjawab",
        5: "belum_menjawab",
        6: "belum_terdaftar",
    }
    assert await store.pending_person_messages(db, rc_id) == [store.prompt_key(rc_id, 3)]


async def test_a_deactivated_person_leaves_the_counts(db: Database) -> None:
    await seed_people(db)
    rc_id = await open_rollcall(db)
    async with db.transaction() as tx:
        await tx.execute("UPDATE personnel SET active = 0 WHERE id = 5")
    tally = build_tally(await store.tally_rows(db, rc_id))
    assert tally.total.called == 4
    assert await store.excluded_counts(db, rc_id) == {"unlinked": 1, "nonaktif": 1}
    assert (5, 1005) not in await store.unanswered_chats(db, rc_id)
    statuses = {r.person_id: r.status for r in await store.report_rows(db, rc_id)}
    assert statuses[5] == "nonaktif"


async def test_close_once_extend_only_while_open(db: Database) -> None:
    await seed_people(db)
    rc_id = await open_rollcall(db)
    later = NOW + timedelta(minutes=45)
    async with db.transaction() as tx:
        assert await store.extend(tx, rc_id, later)
        assert await store.close(tx, rc_id, NOW + timedelta(minutes=5), "user:2001")
        assert not await store.close(tx, rc_id, NOW + timedelta(minutes=6), "deadline")
        assert not await store.extend(tx, rc_id, later + timedelta(minutes=10))
        assert await store.note_manual_reminder(tx, rc_id, NOW) == 1
        assert await store.note_manual_reminder(tx, rc_id, NOW) == 2
    rc = await store.get(db, rc_id)
    assert rc is not None
    assert rc.state == "closed"
    assert rc.closes_at == later
    assert rc.closed_at == NOW + timedelta(minutes=5)
    assert rc.manual_reminders == 2
    assert await store.open_rollcalls(db) == []


async def test_languages_in_bulk(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO telegram_users (telegram_user_id, language, first_seen_at)"
            " VALUES (1, 'en', ?), (2, NULL, ?)",
            (to_db(NOW), to_db(NOW)),
        )
    assert await store.languages_of(db, [1, 2, 3], "id") == {1: "en", 2: "id", 3: "id"}


async def test_drafts(db: Database) -> None:
    options = [
        Scope(ScopeKind.ALL),
        Scope(ScopeKind.CATEGORY, "BRIMOB"),
        Scope(ScopeKind.UNIT, "Polres Sanggau"),
    ]
    async with db.transaction() as tx:
        draft_id = await store.create_draft(
            tx,
            kind=RollCallKind.APEL,
            user_id=2001,
            chat_id=2001,
            options=options,
            scope=None,
            minutes=None,
            title=None,
            now=NOW,
        )
        await store.update_draft(
            tx, draft_id, scope=options[2], minutes=45, awaiting_location=True
        )
    draft = await store.get_draft(db, draft_id)
    assert draft is not None
    assert draft.options == options
    assert draft.scope == Scope(ScopeKind.UNIT, "Polres Sanggau")
    assert draft.minutes == 45
    assert draft.state == "draft"
    waiting = await store.draft_awaiting_location(db, 2001)
    assert waiting is not None
    assert waiting.id == draft_id
    async with db.transaction() as tx:
        await store.set_draft_location(tx, draft_id, -0.02, 109.34)
    assert await store.draft_awaiting_location(db, 2001) is None
    assert await store.draft_coordinates(db, draft_id) == (-0.02, 109.34)
    async with db.transaction() as tx:
        await store.update_draft(tx, draft_id, point=AssemblyPoint(-0.02, 109.34, 500), title="T")
        await store.update_draft(tx, draft_id, state=DraftState.CANCELLED)
    final = await store.get_draft(db, draft_id)
    assert final is not None
    assert final.point == AssemblyPoint(-0.02, 109.34, 500)
    assert final.title == "T"
    assert final.state == "cancelled"


@pytest.mark.parametrize(
    "table", ["rollcalls", "rollcall_targets", "rollcall_answer_log", "rollcall_drafts"]
)
async def test_the_migration_creates_the_tables(db: Database, table: str) -> None:
    row = await db.fetchone(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    )
    assert row is not None
    assert await db.schema_version() >= 4


async def test_answers_recorded_together_skip_the_ones_already_so(db: Database) -> None:
    await seed_people(db)
    rc_id = await open_rollcall(db)
    async with db.transaction() as tx:
        await store.record_answer(tx, rc_id, 1, Answer.YES, NOW)
        results = await store.record_answers(
            tx,
            [
                store.AnswerWrite(rc_id, 1, Answer.YES),  # a double tap
                store.AnswerWrite(rc_id, 2, Answer.NO, "sakit"),
                store.AnswerWrite(rc_id, 3, Answer.YES, awaiting_location=True),
                store.AnswerWrite(rc_id, 99, Answer.YES),  # not a target
            ],
            NOW + timedelta(seconds=5),
        )
    first, second, third, stranger = results
    assert first is None
    assert stranger is None
    assert second is not None
    assert (second.person_id, second.answer, second.reason) == (2, "no", "sakit")
    assert third is not None
    assert third.location_state == LocationState.AWAITING.value
    assert third.answered_at == NOW + timedelta(seconds=5)
    log = await store.answer_log(db, rc_id)
    assert [(p, a) for p, a, _ in log] == [(1, "yes"), (2, "no"), (3, "yes")]


async def test_a_burst_of_answers_writes_no_index_led_by_the_person(db: Database) -> None:
    # Such an index keeps each person's years together and people apart: on a year's file a
    # burst of 1,500 answers dirtied a page of it per person (issue 17; migration 0015).
    await seed_people(db)
    rc_id = await open_rollcall(db, point=AssemblyPoint(-0.02, 109.34, 300))
    statements: list[str] = []
    await db.conn.set_trace_callback(statements.append)
    async with db.transaction() as tx:
        await store.record_answers(
            tx,
            [
                store.AnswerWrite(rc_id, 1, Answer.YES, awaiting_location=True),
                store.AnswerWrite(rc_id, 2, Answer.NO, "sakit"),
            ],
            NOW,
        )
        await store.set_location(
            tx, rc_id, 1, latitude=-0.02, longitude=109.34, distance_m=10.0,
            state=LocationState.INSIDE, now=NOW,
        )  # fmt: skip
        await readiness.confirm_ready_many(tx, [(1, f"apel:{rc_id}")], NOW, stale_after=STALE)
        await outbox.enqueue_many(
            tx,
            [OutgoingMessage(1001, "✅ HADIR", Priority.ROLLCALL, f"edit:ap:{rc_id}:p:1")],
            NOW,
        )
    # aiosqlite annotates the handler without None, yet passes it to sqlite3, where None clears it.
    await db.conn.set_trace_callback(None)  # type: ignore[arg-type]

    written: list[tuple[str, set[str] | None]] = []  # (table, columns set; None: a new row)
    for sql in statements:
        if update := re.match(r"\s*UPDATE (\w+) SET (.*?) WHERE", sql, re.S):
            written.append((update[1], set(re.findall(r"(\w+) = ", update[2]))))
        elif insert := re.match(r"\s*INSERT (?:OR \w+ )?INTO (\w+)", sql):
            written.append((insert[1], None))
    assert {table for table, _ in written} >= {
        "rollcall_targets", "rollcall_answer_log", "readiness", "readiness_history", "outbox"
    }  # fmt: skip
    led_by_person = []
    for table, columns in written:
        for index in await db.fetchall(f"PRAGMA index_list({table})"):
            keys = [r["name"] for r in await db.fetchall(f"PRAGMA index_info({index['name']})")]
            if keys[:1] == ["person_id"] and (columns is None or columns & set(keys)):
                led_by_person.append((table, index["name"]))
    assert led_by_person == []


async def test_a_persons_open_roll_calls_are_searched_not_scanned(db: Database) -> None:
    # Without an index led by the person (migration 0015) these lookups must still come from
    # the open roll calls and the primary key: on a year's file a scan reads 1.2 M targets.
    await seed_people(db)
    await open_rollcall(db)
    statements: list[str] = []
    await db.conn.set_trace_callback(statements.append)
    await store.present_in_open(db, 1, NOW)
    await store.open_checks_for(db, 1, NOW)
    await store.called_by_open_checks(db, [1, 2], NOW)
    async with db.transaction() as tx:
        cut = Cutoffs(NOW, NOW, NOW + timedelta(days=1))
        await retention.prune(tx, Step.PERSONAL, cut, 100, NOW, None)
    # aiosqlite annotates the handler without None, yet passes it to sqlite3, where None clears it.
    await db.conn.set_trace_callback(None)  # type: ignore[arg-type]
    lookups = [
        s for s in statements if s.lstrip().startswith("SELECT") and "rollcall_targets" in s
    ]
    assert len(lookups) == 4
    for sql in lookups:
        steps = [str(row[3]) for row in await db.fetchall("EXPLAIN QUERY PLAN " + sql)]
        assert not any(re.match(r"SCAN (t|rollcall_targets)\b", step) for step in steps), steps


async def test_a_night_with_nothing_old_reads_a_batch_not_the_whole_history(
    db: Database,
) -> None:
    # Every confirmation appends a readiness row and nothing indexes their time (migration
    # 0015): retention must look at the oldest batch by id, not read a year's history under
    # the write lock on every night that has nothing old enough yet.
    await seed_people(db)
    old, recent = NOW - timedelta(days=800), NOW - timedelta(days=1)
    async with db.transaction() as tx:
        for at, count in ((old, 30), (recent, 20_000)):
            await tx.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                " INSERT INTO readiness_history (person_id, at, state, source)"
                " SELECT 1 + i % 6, ?, 'ready', 'test' FROM n",
                (count, to_db(at)),
            )
    cut = Cutoffs(NOW - timedelta(days=730), NOW, NOW)
    ticks = 0

    def tick() -> int:
        nonlocal ticks
        ticks += 1
        return 0

    async with db.transaction() as tx:
        assert (await retention.prune(tx, Step.READINESS_HISTORY, cut, 100, NOW, None)).done == 30
    await db.conn.set_progress_handler(tick, 1000)
    async with db.transaction() as tx:
        assert (await retention.prune(tx, Step.READINESS_HISTORY, cut, 100, NOW, None)).done == 0
    # aiosqlite annotates the handler without None, yet passes it to sqlite3, where None clears it.
    await db.conn.set_progress_handler(None, 0)  # type: ignore[arg-type]
    left = await db.fetchone("SELECT COUNT(*) AS n, MIN(at) AS first FROM readiness_history")
    assert left is not None
    assert (left["n"], left["first"]) == (20_000, to_db(recent))
    # A scan of the 20,000 rows takes well over a hundred thousand steps; a batch, a few.
    assert ticks < 10, ticks
