"""The outbox table: dedup, priorities, coalesced edits, progress, unreachable bookkeeping."""

from __future__ import annotations

import json
import os

os.environ["PTB_TIMEDELTA"] = "1"

from datetime import timedelta

from bot.clock import FakeClock
from storage import outbox
from storage.db import Database
from storage.outbox import OutgoingMessage, Priority


def msg(
    chat: int, key: str, priority: Priority = Priority.BROADCAST, **kw: object
) -> OutgoingMessage:
    return OutgoingMessage(chat_id=chat, text=f"hi {key}", priority=priority, dedup_key=key, **kw)  # type: ignore[arg-type]


async def test_schema_has_the_delivery_tables(db: Database) -> None:
    names = {
        r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert {
        "outbox",
        "delivery_batches",
        "unreachable",
        "batch_unreachable",
        "deadlines",
        "inbox",
        "runtime_state",
    } <= names
    columns = {r[1] for r in await db.fetchall("PRAGMA table_info(outbox)")}
    assert {"revision", "attempts", "next_attempt_at", "message_id", "batch_id"} <= columns


async def test_enqueue_twice_is_harmless_and_cancel_withdraws(
    db: Database, clock: FakeClock
) -> None:
    async with db.transaction() as tx:
        assert await outbox.enqueue(tx, msg(1, "a"), clock.now())
        assert not await outbox.enqueue(tx, msg(1, "a"), clock.now())
        assert await outbox.enqueue(tx, msg(2, "b"), clock.now())
        assert await outbox.cancel(tx, "b")
        assert not await outbox.cancel(tx, "b")
        rows = await outbox.due(tx, clock.now(), 10, [])
    assert [r.dedup_key for r in rows] == ["a"]


async def test_many_queued_at_once_share_one_keyboard_and_skip_known_keys(
    db: Database, clock: FakeClock
) -> None:
    keyboard = {"inline_keyboard": [[{"text": "Hadir", "callback_data": "a:y:1:p"}]]}
    async with db.transaction() as tx:
        assert await outbox.enqueue(tx, msg(1, "p1"), clock.now())
        many = [msg(i, f"p{i}", reply_markup=keyboard) for i in range(1, 5)]
        assert await outbox.enqueue_many(tx, many, clock.now()) == 3
        assert tx.effects.enqueued == 4
        assert await outbox.enqueue_many(tx, [], clock.now()) == 0
        rows = await outbox.due(tx, clock.now(), 10, [])
    assert sorted(r.dedup_key for r in rows) == ["p1", "p2", "p3", "p4"]
    by_key = {r.dedup_key: r for r in rows}
    assert by_key["p1"].reply_markup is None  # the row queued first stays as it was
    assert by_key["p4"].reply_markup == by_key["p2"].reply_markup
    assert json.loads(by_key["p4"].reply_markup or "") == keyboard


async def test_due_is_priority_order_then_age_and_skips_busy_chats(
    db: Database, clock: FakeClock
) -> None:
    async with db.transaction() as tx:
        for i in range(3):
            await outbox.enqueue(tx, msg(100 + i, f"broadcast{i}"), clock.now())
        clock.advance(seconds=1)
        await outbox.enqueue(tx, msg(200, "callout", Priority.CALLOUT), clock.now())
        await outbox.enqueue(tx, msg(201, "reminder", Priority.REMINDER), clock.now())
        await outbox.enqueue(tx, msg(202, "prompt", Priority.ROLLCALL), clock.now())
        rows = await outbox.due(tx, clock.now(), 10, [])
        assert [r.dedup_key for r in rows] == [
            "callout",
            "reminder",
            "prompt",
            "broadcast0",
            "broadcast1",
            "broadcast2",
        ]
        rows = await outbox.due(tx, clock.now(), 2, [200, 101])
        assert [r.dedup_key for r in rows] == ["reminder", "prompt"]
        # A row waiting for a retry is not due until its time.
        first = rows[0]
        await outbox.mark_retry(tx, first.id, clock.now() + timedelta(seconds=30), "502")
        assert "reminder" not in [r.dedup_key for r in await outbox.due(tx, clock.now(), 10, [])]
        assert await outbox.next_attempt_after(tx, clock.now()) == clock.now() + timedelta(
            seconds=30
        )
        later = clock.now() + timedelta(seconds=31)
        assert "reminder" in [r.dedup_key for r in await outbox.due(tx, later, 10, [])]


async def test_edits_coalesce_wait_for_their_target_and_keep_the_newest(
    db: Database, clock: FakeClock
) -> None:
    async with db.transaction() as tx:
        await outbox.enqueue(tx, msg(5, "card", Priority.CALLOUT), clock.now())
        for n in range(5):
            await outbox.enqueue_edit(
                tx,
                target_key="card",
                chat_id=5,
                text=f"tally {n}",
                reply_markup=None,
                now=clock.now(),
            )
        edits = await tx.fetchall("SELECT text, revision FROM outbox WHERE kind = 'edit'")
        assert [tuple(r) for r in edits] == [("tally 4", 4)]
        assert await outbox.awaited_targets(tx) == {"card"}
        # The target is not sent yet: only the target is due.
        assert [r.kind for r in await outbox.due(tx, clock.now(), 10, [])] == ["send"]
        target = (await outbox.due(tx, clock.now(), 10, []))[0]
        await outbox.mark_sent(tx, [(target.id, 77)], clock.now())
        assert await outbox.sent_message_id(tx, "card") == 77
        (edit,) = await outbox.due(tx, clock.now(), 10, [])
        assert (edit.kind, edit.target_message_id, edit.text) == ("edit", 77, "tally 4")
        # A newer revision while this one was in flight: it stays pending with the new text.
        await outbox.enqueue_edit(
            tx, target_key="card", chat_id=5, text="tally 5", reply_markup=None, now=clock.now()
        )
        assert not await outbox.mark_edit_sent(tx, edit.id, edit.revision, clock.now())
        (again,) = await outbox.due(tx, clock.now(), 10, [])
        assert again.text == "tally 5"
        assert await outbox.mark_edit_sent(tx, again.id, again.revision, clock.now())
        assert await outbox.due(tx, clock.now(), 10, []) == []
        # A later edit re-opens the same row.
        await outbox.enqueue_edit(
            tx,
            target_key="card",
            chat_id=5,
            text="tally 6",
            reply_markup={"inline_keyboard": []},
            now=clock.now(),
        )
        (reopened,) = await outbox.due(tx, clock.now(), 10, [])
        assert reopened.id == edit.id
        assert reopened.text == "tally 6"


async def test_batch_progress_and_unreachable_bookkeeping(db: Database, clock: FakeClock) -> None:
    now = clock.now()
    async with db.transaction() as tx:
        batch = await outbox.create_batch(
            tx, "callout:1", now, owner_chat_id=900, title="PENGERAHAN #1"
        )
        for i in range(4):
            await outbox.enqueue(
                tx, msg(300 + i, f"inv{i}", Priority.CALLOUT, batch_id=batch), now
            )
        rows = await outbox.due(tx, now, 10, [])
        await outbox.mark_sent(tx, [(rows[0].id, 1), (rows[1].id, 2)], now)
        await outbox.mark_failed(tx, rows[2].id, "403 Forbidden")
        await outbox.mark_unreachable(tx, 302, None, "blocked", now)
        owner = await outbox.batch_owner(tx, batch)
        assert owner is not None
        assert (owner.owner_chat_id, owner.label) == (900, "PENGERAHAN #1")
        assert await outbox.record_batch_unreachable(tx, batch, 302, None, "blocked", "n:1", now)
        assert not await outbox.record_batch_unreachable(
            tx, batch, 302, None, "blocked", "n:1", now
        )
        assert await outbox.latest_notice(tx, batch) == ("n:1", 1)
        (entry,) = await outbox.notice_entries(tx, "n:1")
        assert (entry.chat_id, entry.reason, entry.name) == (302, "blocked", None)
    progress = await outbox.batch_progress(db, batch)
    assert (progress.total, progress.sent, progress.failed, progress.pending) == (4, 2, 1, 1)
    assert await outbox.is_unreachable(db, 302)
    async with db.transaction() as tx:
        await outbox.clear_unreachable(tx, [302])
    assert not await outbox.is_unreachable(db, 302)
