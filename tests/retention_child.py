"""The retention job alone, stopped in the middle of a batch: the kill test's victim.

    SIAGA_DB_PATH=… RETENTION_NOW=<ISO time> python -m tests.retention_child

Fires the due retention deadline through the real scheduler and `RetentionJob`. Once the
first roll-call batch has deleted targets (its answer log already gone, the roll calls
not yet), it prints `mid-batch` and waits: the parent (tests/test_retention.py) kills it there
with SIGKILL, with the batches before committed and this one half done in an open
transaction.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from typing import Any

from bot.clock import FakeClock
from bot.config import Settings
from bot.retention import RetentionJob
from bot.scheduler import Scheduler
from storage.db import Database, Transaction

NOW_ENV = "RETENTION_NOW"


async def main() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    db = await Database.open(settings.db_path)
    clock = FakeClock(datetime.fromisoformat(os.environ[NOW_ENV]))
    scheduler = Scheduler(db, clock)
    RetentionJob(settings, lambda: db, clock).register(scheduler)
    deletes = 0
    original = Transaction.execute_rowcount

    async def pausing(self: Transaction, sql: str, params: Any = ()) -> int:
        nonlocal deletes
        changed = await original(self, sql, params)
        if sql.startswith("DELETE FROM rollcall_targets"):
            deletes += 1
            if deletes == 1:
                print("mid-batch", flush=True)
                await asyncio.Event().wait()  # until killed
        return changed

    Transaction.execute_rowcount = pausing  # type: ignore[method-assign]
    await scheduler.run_due()
    print("finished without a kill", flush=True)
    sys.exit(1)


if __name__ == "__main__":
    asyncio.run(main())
