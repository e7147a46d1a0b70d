"""Loading the roster file into `personnel`: upsert by NRP, deactivate the absent, in one go.

Nobody is deleted: a person's Telegram link, roll-call answers and call-out history refer to
their row, and a person dropped from one file (transfer, leave) often returns in the next.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from bot.domain.roster import (
    RosterEntry,
    RosterParseResult,
    RosterRow,
    RowError,
    canonical_row,
    parse_roster,
    plan_import,
)
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
    # False for a dry run and for an import refused because it deactivates too many.
    written: bool = field(default=True, compare=False)
    refused_deactivation: bool = field(default=False, compare=False)
    active_before: int = field(default=0, compare=False)
    # "Rank Name (NRP)" of the first few who are (or would be) deactivated.
    deactivated_sample: tuple[str, ...] = field(default=(), compare=False)

    @property
    def total(self) -> int:
        """People in the file."""
        return self.added + self.updated + self.unchanged + self.reactivated


async def import_roster(
    db: Database,
    rows: Sequence[RosterRow],
    now: datetime,
    *,
    actor_user_id: int | None = None,
    source: str = "file.csv",
    keep_nrps: Collection[str] = (),
    update_roles: bool = True,
    dry_run: bool = False,
    allow_deactivate: bool = True,
) -> ImportResult:
    """Make the active roster exactly these rows, in one transaction.

    `keep_nrps`: people in the file whose rows were skipped as invalid; they are left as
    they are rather than deactivated. `update_roles=False` (a file without a role column)
    keeps the roles of people already on the roster, appointed in the bot or earlier.
    A new komandan gets their own unit as command scope unless they have a scope already.
    `dry_run`: only say what would change. `allow_deactivate=False`: write nothing when more
    than 10 % of the active roster would be deactivated (`refused_deactivation`).
    Raises ValueError for a row that could not have passed `parse_roster`.
    """
    wanted = [canonical_row(r) for r in rows]
    nrps = [r.nrp for r in wanted]
    if len(set(nrps)) != len(nrps):
        raise ValueError("the rows name an NRP twice")
    stamp = to_db(now)

    async with db.transaction() as tx:
        existing = [
            RosterEntry(
                r["id"],
                bool(r["active"]),
                RosterRow(
                    line=0,
                    nrp=r["nrp"],
                    name=r["name"],
                    rank=r["rank"],
                    category=r["category_code"],
                    unit=r["unit"],
                    phone=r["phone"],
                    role=r["role"],
                    position=r["position"] or "",
                ),
            )
            for r in await tx.fetchall(
                "SELECT id, nrp, name, rank, category_code, unit, phone, role, position, active"
                " FROM personnel"
            )
        ]
        plan = plan_import(existing, wanted, keep_nrps=keep_nrps, update_roles=update_roles)
        refused = not allow_deactivate and plan.deactivates_too_many()
        result = ImportResult(
            plan.added,
            plan.updated,
            plan.unchanged,
            len(plan.deactivate),
            plan.reactivated,
            written=not (dry_run or refused),
            refused_deactivation=refused,
            active_before=plan.active_before,
            deactivated_sample=tuple(plan.deactivation_sample()),
        )
        if not result.written:
            # Nothing was written: the transaction commits empty.
            return result
        await tx.executemany(
            "INSERT INTO personnel (nrp, name, rank, category_code, unit, phone, role,"
            " position, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            [(r.nrp, *_personnel_fields(r), stamp, stamp) for r in plan.inserts],
        )
        await tx.executemany(
            "UPDATE personnel SET name = ?, rank = ?, category_code = ?, unit = ?, phone = ?,"
            " role = ?, position = ?, active = 1, deactivated_at = NULL, erased_at = NULL,"
            " updated_at = ? WHERE id = ?",
            [(*_personnel_fields(r), stamp, person_id) for person_id, r in plan.updates],
        )
        # The erasure of personal fields (storage/retention.py) counts from deactivated_at.
        await tx.executemany(
            "UPDATE personnel SET active = 0, deactivated_at = ?, updated_at = ? WHERE id = ?",
            [(stamp, stamp, p.id) for p in plan.deactivate],
        )
        # Only commanders without any scope get one: a scope set in the bot is a decision.
        await tx.executemany(
            "INSERT INTO commander_scopes (person_id, kind, value)"
            " SELECT id, 'unit', unit FROM personnel p WHERE nrp = ? AND role = 'komandan'"
            " AND NOT EXISTS (SELECT 1 FROM commander_scopes s WHERE s.person_id = p.id)",
            [(r.nrp,) for r in wanted if r.role == "komandan"],
        )
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


def _personnel_fields(
    row: RosterRow,
) -> tuple[str, str, str, str, str, str, str | None]:
    """The columns name, rank, category_code, unit, phone, role, position of a person's row,
    as an insert and an update write them (no position is NULL)."""
    return (row.name, row.rank, row.category, row.unit, row.phone, row.role, row.position or None)


async def import_roster_file(
    db: Database,
    path: str | os.PathLike[str],
    now: datetime,
    *,
    skip_invalid: bool = False,
    actor_user_id: int | None = None,
    dry_run: bool = False,
    allow_deactivate: bool = False,
    sheet: str | None = None,
    nrp_pad: bool = False,
) -> tuple[ImportResult | None, RosterParseResult]:
    """Read, check and import a roster file; the CLI's `import-roster`.

    With any problem nothing is imported (None) unless `skip_invalid`: then the valid rows
    are, and people whose rows were invalid keep their current state. A file that leaves no
    valid row is always refused: importing it would deactivate everyone. Unlike
    `import_roster`, deactivating more than 10 % of the active roster needs
    `allow_deactivate`. The parse result says what was read (errors, sheet, trailer).
    """
    target = Path(path)
    try:
        data = await asyncio.to_thread(target.read_bytes)
    except OSError as exc:
        error = RowError(0, "file", "file-unreadable", value=f"{target}: {exc.strerror}")
        return None, RosterParseResult([], [error])
    known = [c.code for c in await all_categories(db)]
    # Parsing a large workbook takes a while; keep the event loop (and the bot) responsive.
    parsed = await asyncio.to_thread(
        partial(parse_roster, data, known, sheet=sheet, nrp_pad=nrp_pad)
    )
    if not parsed.rows or (parsed.errors and not skip_invalid):
        return None, parsed
    result = await import_roster(
        db,
        parsed.rows,
        now,
        actor_user_id=actor_user_id,
        source=target.name,
        keep_nrps=parsed.invalid_nrps,
        update_roles=parsed.has_role_column,
        dry_run=dry_run,
        allow_deactivate=allow_deactivate,
    )
    return result, parsed
