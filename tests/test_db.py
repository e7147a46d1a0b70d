"""The shared connection survives cancelled and failed transactions."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from storage.db import Database


async def _count(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM categories")
    return int(row[0]) if row else -1


async def test_a_cancelled_transaction_rolls_back_and_the_next_one_works(db: Database) -> None:
    started = asyncio.Event()

    async def slow_writer() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO categories (code, name) VALUES ('POH', 'Power On Hand')")
            started.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(slow_writer())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _count(db) == 0
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO categories (code, name) VALUES ('POH', 'Power On Hand')")
    assert await _count(db) == 1


async def test_cancelling_while_begin_waits_leaves_no_transaction_open(db: Database) -> None:
    # Many writers queue on the lock; cancelling them at every point must not wedge anything.
    async def writer(i: int) -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO categories (code, name) VALUES (?, 'x')", (f"C{i}",))

    tasks = [asyncio.create_task(writer(i)) for i in range(50)]
    await asyncio.sleep(0)
    for task in tasks[::2]:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    finished = sum(1 for r in results if r is None)
    assert not db.conn.in_transaction
    assert await _count(db) == finished
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO categories (code, name) VALUES ('LAST', 'x')")
    assert await _count(db) == finished + 1


async def test_a_failing_statement_rolls_back_everything_in_the_transaction(db: Database) -> None:
    async def duplicate() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO categories (code, name) VALUES ('POH', 'a')")
            await tx.execute("INSERT INTO categories (code, name) VALUES ('POH', 'b')")

    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        await duplicate()
    assert await _count(db) == 0
    assert await db.integrity_check() == "ok"


async def test_statements_run_on_the_connections_thread_in_one_trip_each(db: Database) -> None:
    # storage/db.py relies on aiosqlite's private `_execute` (one thread trip per statement);
    # an aiosqlite upgrade that changes it must fail here, not in production.
    main = threading.get_ident()
    seen: list[int] = []
    original = db.conn._execute
    run_original: Callable[..., Awaitable[Any]] = original  # aiosqlite leaves it untyped

    async def counting(fn: Any, *args: Any) -> Any:
        seen.append(main)
        return await run_original(fn, *args)

    db.conn._execute = counting  # type: ignore[method-assign]
    try:
        async with db.transaction() as tx:
            await tx.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
            first = await tx.execute("INSERT INTO t (name) VALUES (?)", ("a",))
            await tx.executemany("INSERT INTO t (name) VALUES (?)", [("b",), ("c",)])
            changed = await tx.execute_rowcount("UPDATE t SET name = upper(name)")
            thread = await tx._on_thread(lambda conn: threading.get_ident())
        one = await db.fetchone("SELECT name FROM t WHERE id = ?", (first,))
        rows = await db.fetchall("SELECT name FROM t ORDER BY id")
    finally:
        db.conn._execute = original  # type: ignore[method-assign]
    assert (first, changed) == (1, 3)
    assert one is not None
    assert one["name"] == "A"
    assert [r["name"] for r in rows] == ["A", "B", "C"]
    assert thread != main
    # BEGIN, CREATE, INSERT, executemany, UPDATE, the thread probe, COMMIT, two reads.
    assert len(seen) == 9


async def test_an_urgent_transaction_goes_before_those_waiting(db: Database) -> None:
    """The inbox's commit (urgent) waits only for the transaction under way, not for the
    queue behind it; the ordinary ones keep their order, and a waiter cancelled in the queue
    leaves it without holding anyone up."""
    order: list[str] = []
    holding = asyncio.Event()
    let_go = asyncio.Event()

    async def writer(name: str, *, urgent: bool = False) -> None:
        async with db.transaction(urgent=urgent):
            order.append(name)
            if name == "first":
                holding.set()
                await let_go.wait()

    first = asyncio.create_task(writer("first"))
    await holding.wait()
    queued = [asyncio.create_task(writer(f"ordinary {i}")) for i in range(3)]
    cancelled = asyncio.create_task(writer("cancelled"))
    await asyncio.sleep(0)
    urgent = asyncio.create_task(writer("urgent", urgent=True))
    await asyncio.sleep(0)
    cancelled.cancel()
    let_go.set()
    await asyncio.gather(first, urgent, *queued)
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert order == ["first", "urgent", "ordinary 0", "ordinary 1", "ordinary 2"]
    async with db.transaction() as tx:  # the lock is free again
        await tx.execute("INSERT INTO categories (code, name) VALUES ('POH', 'Power On Hand')")
    assert await _count(db) == 1
