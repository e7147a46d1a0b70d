"""Loading the roster file into `personnel`: upsert by NRP, deactivate the absent, in one go.

Nobody is deleted: a person's Telegram link, roll-call answers and call-out history refer to
their row, and a person dropped from one file (transfer, leave) often returns in the next.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.domain.roster import RosterRow, RowError, canonical_row, parse_roster
from storage import audit
from storage.categories import all_categories
from storage.db import Database
from storage.timestamps import to_db


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    deactivated: int
    reactivated: int  # back on the roster; counted here even when their details changed too

    @property
    def total(self) -> int:
        """People in the file."""
        return self.added + self.updated + self.unchanged + self.reactivated


_FIELDS = ("name", "rank", "category_code", "unit", "phone", "role", "position")


async def import_roster(
    db: Database,
    rows: Sequence[RosterRow],
    now: datetime,
    *,
    actor_user_id: int | None = None,
    source: str = "file.csv",
    keep_nrps: Collection[str] = (),
    update_roles: bool = True,
) -> ImportResult:
    """Make the active roster exactly these rows, in one transaction.

    `keep_nrps`: people in the file whose rows were skipped as invalid; they are left as
    they are rather than deactivated. `update_roles=False` (a file without a role column)
    keeps the roles of people already on the roster, appointed in the bot or earlier.
    A new komandan gets their own unit as command scope unless they have a scope already.
    Raises ValueError for a row that could not have passed `parse_roster`.
    """
    wanted = [canonical_row(r) for r in rows]
    nrps = [r.nrp for r in wanted]
    if len(set(nrps)) != len(nrps):
        raise ValueError("the rows name an NRP twice")
    stamp = to_db(now)

    async with db.transaction() as tx:
        existing = {
            r["nrp"]: r
            for r in await tx.fetchall(
                "SELECT id, nrp, name, rank, category_code, unit, phone, role, position, active"
                " FROM personnel"
            )
        }
        inserts: list[tuple[object, ...]] = []
        updates: list[tuple[object, ...]] = []
        added = updated = unchanged = reactivated = 0
        for row in wanted:
            old = existing.get(row.nrp)
            if old is None:
                fields = (row.name, row.rank, row.category, row.unit, row.phone, row.role)
                inserts.append((row.nrp, *fields, row.position or None, stamp, stamp))
                added += 1
                continue
            role = row.role if update_roles else old["role"]
            # An empty jabatan cell (or no such column) says nothing: the post on record stays.
            position = row.position or old["position"]
            new = (row.name, row.rank, row.category, row.unit, row.phone, role, position)
            same = new == tuple(old[f] for f in _FIELDS)
            if same and old["active"]:
                unchanged += 1
                continue
            updates.append((*new, stamp, old["id"]))
            if old["active"]:
                updated += 1
            else:
                reactivated += 1
        present = set(nrps) | set(keep_nrps)
        gone = [
            (stamp, r["id"]) for nrp, r in existing.items() if r["active"] and nrp not in present
        ]

        await tx.executemany(
            "INSERT INTO personnel (nrp, name, rank, category_code, unit, phone, role,"
            " position, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            inserts,
        )
        await tx.executemany(
            "UPDATE personnel SET name = ?, rank = ?, category_code = ?, unit = ?, phone = ?,"
            " role = ?, position = ?, active = 1, updated_at = ? WHERE id = ?",
            updates,
        )
        await tx.executemany("UPDATE personnel SET active = 0, updated_at = ? WHERE id = ?", gone)
        # Only commanders without any scope get one: a scope set in the bot is a decision.
        await tx.executemany(
            "INSERT INTO commander_scopes (person_id, kind, value)"
            " SELECT id, 'unit', unit FROM personnel p WHERE nrp = ? AND role = 'komandan'"
            " AND NOT EXISTS (SELECT 1 FROM commander_scopes s WHERE s.person_id = p.id)",
            [(r.nrp,) for r in wanted if r.role == "komandan"],
        )
        result = ImportResult(added, updated, unchanged, len(gone), reactivated)
        await audit.record(
            tx,
            now,
            "roster.import",
            actor_user_id=actor_user_id,
            subject=source,
            details={
                "rows": len(wanted),
                "added": result.added,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "deactivated": result.deactivated,
                "reactivated": result.reactivated,
                "kept": len(set(keep_nrps) - set(nrps)),
            },
        )
    return result


async def import_roster_file(
    db: Database,
    path: str | os.PathLike[str],
    now: datetime,
    *,
    skip_invalid: bool = False,
    actor_user_id: int | None = None,
) -> tuple[ImportResult | None, list[RowError]]:
    """Read, check and import a roster file; the CLI's `import-roster`.

    With any problem nothing is imported (None) unless `skip_invalid`: then the valid rows
    are, and people whose rows were invalid keep their current state. A file that leaves no
    valid row is always refused: importing it would deactivate everyone.
    """
    target = Path(path)
    try:
        data = await asyncio.to_thread(target.read_bytes)
    except OSError as exc:
        return None, [RowError(0, "file", "file-unreadable", value=f"{target}: {exc.strerror}")]
    known = [c.code for c in await all_categories(db)]
    # Parsing a large workbook takes a while; keep the event loop (and the bot) responsive.
    parsed = await asyncio.to_thread(parse_roster, data, known)
    if not parsed.rows or (parsed.errors and not skip_invalid):
        return None, parsed.errors
    result = await import_roster(
        db,
        parsed.rows,
        now,
        actor_user_id=actor_user_id,
        source=target.name,
        keep_nrps=parsed.invalid_nrps,
        update_roles=parsed.has_role_column,
    )
    return result, parsed.errors
