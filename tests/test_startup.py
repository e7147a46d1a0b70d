"""Start-up reads only what is live: no statement it runs scans a table that grows with use.

A year-old database holds a week of sent messages and done timers and two years of records; a
start that scanned any of them would take longer as the records pile up (bench/year_bench.py times
start-up on a year). Time is not asserted here: each statement's query plan is.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from storage.db import Database
from tests.harness import BotHarness
from tests.test_callout_e2e import ADMIN_ID, HENDRA, brimob

# Tables whose size follows the roster or the configuration, not the calendar (and the inbox,
# which holds only updates not yet processed, and retention bounds that too).
BOUNDED = {
    "categories",
    "category_aliases",
    "command_groups",
    "inbox",
    "jam_rawan",
    "personnel",
    "personnel_scopes",
    "runtime_state",
    "telegram_users",
}
_SCAN = re.compile(r"^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?")


def _full_scans(path: str, statements: list[str]) -> set[tuple[str, str]]:
    """(statement, plan line) for each scan of a table that grows, or of a whole index of one."""
    conn = sqlite3.connect(path)
    try:
        partial = {
            str(name)
            for name, sql in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            )
            if sql and " WHERE " in str(sql)
        }
        found: set[tuple[str, str]] = set()
        for statement in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
                continue
            for *_, detail in conn.execute("EXPLAIN QUERY PLAN " + statement):
                scan = _SCAN.match(str(detail))
                if (
                    scan
                    and "VIRTUAL TABLE" not in str(detail)  # json_each over a list of ids
                    and scan.group(1) not in BOUNDED
                    and scan.group(2) not in partial
                ):
                    found.add((statement, str(detail)))
        return found
    finally:
        conn.close()


async def test_start_up_scans_no_table_that_grows_with_use(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []
    opened = Database.open.__func__  # type: ignore[attr-defined]

    async def traced(cls: type[Database], *args: Any, **kwargs: Any) -> Database:
        db: Database = await opened(cls, *args, **kwargs)
        record: Callable[[str], None] = statements.append
        await db.conn.set_trace_callback(record)
        return db

    await harness.seed_linked([HENDRA, *(brimob(n) for n in range(3))])
    monkeypatch.setattr(Database, "open", classmethod(traced))
    await harness.start(admin_ids=[ADMIN_ID])
    fake = harness.fake
    await fake.wait_for(lambda: fake.calls("getUpdates"), what="the first getUpdates")
    await fake.wait_idle()
    await harness.stop()

    # What start-up reads: the inbox to replay, pending deadlines and outbox rows, the admins.
    assert any("FROM inbox" in s for s in statements)
    assert any("FROM deadlines WHERE state = 'pending'" in s for s in statements)
    assert _full_scans(str(harness.db_path), statements) == set()
    # The check sees a scan when there is one.
    counting = "SELECT COUNT(*) FROM outbox WHERE state = 'sent'"
    assert [s for s, _ in _full_scans(str(harness.db_path), [counting])] == [counting]
