"""Reserve categories (POH, BRIMOB, …): data an admin loads, not code."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.domain.roster import (
    CategoryFileError,
    CategoryRow,
    check_categories,
    parse_categories,
)
from storage import audit
from storage.db import Database, Transaction


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    target_strength: int  # the planned number of personnel
    reserve_code: str | None  # where a short call-out may widen to


_COLUMNS = "code, name, target_strength, reserve_code"


def _category(row: sqlite3.Row) -> Category:
    return Category(
        code=row["code"],
        name=row["name"],
        target_strength=row["target_strength"],
        reserve_code=row["reserve_code"],
    )


async def all_categories(db: Database | Transaction) -> list[Category]:
    """In the order they were first loaded: the order of the admin's file."""
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM categories ORDER BY rowid")
    return [_category(r) for r in rows]


async def by_code(db: Database | Transaction, code: str) -> Category | None:
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM categories WHERE code = ?", (code.strip().upper(),)
    )
    return _category(row) if row else None


async def import_categories(
    db: Database,
    source: str | os.PathLike[str] | bytes | Sequence[CategoryRow],
    now: datetime,
    *,
    actor_user_id: int | None = None,
) -> list[Category]:
    """Upsert categories from a file (`code,name,personnel[,reserve]`), its bytes, or rows.

    All or nothing: raises CategoryFileError when any row is wrong. Categories missing from
    the file stay: personnel still belong to them. A row's reserve is set as the file says
    (an empty cell clears it). Returns the file's categories as stored.
    """
    if isinstance(source, str | os.PathLike):
        source = await asyncio.to_thread(Path(source).read_bytes)
    known = {c.code for c in await all_categories(db)}
    if isinstance(source, bytes):
        parsed = parse_categories(source, known)
        if parsed.errors:
            raise CategoryFileError(parsed.errors)
        rows = parsed.rows
    else:
        rows = list(source)
        if errors := check_categories(rows, known):
            raise CategoryFileError(errors)

    async with db.transaction() as tx:
        before = {c.code for c in await all_categories(tx)}
        # Names first and reserves after: a reserve may name a category further down the file.
        await tx.executemany(
            "INSERT INTO categories (code, name, target_strength) VALUES (?, ?, ?)"
            " ON CONFLICT (code) DO UPDATE SET"
            " name = excluded.name, target_strength = excluded.target_strength",
            [(r.code, r.name, r.target_strength) for r in rows],
        )
        await tx.executemany(
            "UPDATE categories SET reserve_code = ? WHERE code = ?",
            [(r.reserve_code, r.code) for r in rows],
        )
        added = [r.code for r in rows if r.code not in before]
        await audit.record(
            tx,
            now,
            "categories.import",
            actor_user_id=actor_user_id,
            details={
                "codes": [r.code for r in rows],
                "added": len(added),
                "updated": len(rows) - len(added),
            },
        )
        stored = {c.code: c for c in await all_categories(tx)}
    return [stored[r.code] for r in rows]
