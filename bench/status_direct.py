"""`build_status` and `build_report` timed directly in a process of their own, on a database
file: what a bench that wrote history through storage in its own process would otherwise
time with that process's heap (bench/year_bench.py).

    .venv/bin/python bench/status_direct.py DB [ROUNDS]    # prints the spreads and a JSON line
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from status_bench import direct

from storage.db import Database


async def main(path: str, rounds: int) -> None:
    db = await Database.open(path)
    try:
        figures = await direct(SimpleNamespace(db=db, db_path=Path(path)), rounds)  # type: ignore[arg-type]
    finally:
        await db.close()
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100))
