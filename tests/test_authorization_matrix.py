"""Authorization matrix (work in progress): the database snapshot used by refusal checks."""

from __future__ import annotations

from typing import Any

from storage.db import Database

# Purely technical tables: the update inbox (a row per update until it is processed) and the
# runtime's own offsets. Every refused update passes through them; they say nothing about who
# may do what.
TECHNICAL_TABLES = frozenset({"inbox", "runtime_state"})


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the technical ones, in a stable order."""
    tables = [
        str(row[0])
        for row in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
        if str(row[0]) not in TECHNICAL_TABLES
    ]
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in tables:
        rows = await db.fetchall(f'SELECT * FROM "{table}"')
        found[table] = sorted((tuple(r) for r in rows), key=repr)
    return found
