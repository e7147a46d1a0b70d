"""The audit log: who did what, when. Written in the same transaction as the act."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, Transaction
from storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_user_id: int | None
    actor_person_id: int | None
    action: str
    subject: str | None
    details: dict[str, object]


async def record(
    tx: Transaction,
    now: datetime,
    action: str,
    *,
    actor_user_id: int | None = None,
    actor_person_id: int | None = None,
    subject: str | None = None,
    details: dict[str, object] | None = None,
) -> None:
    await tx.execute(
        "INSERT INTO audit_log (at, actor_user_id, actor_person_id, action, subject, details)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            to_db(now),
            actor_user_id,
            actor_person_id,
            action,
            subject,
            json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
        ),
    )


async def entries(
    db: Database | Transaction,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    action: str | None = None,
) -> list[AuditEntry]:
    clauses = ["1 = 1"]
    params: list[object] = []
    if since is not None:
        clauses.append("at >= ?")
        params.append(to_db(since))
    if until is not None:
        clauses.append("at < ?")
        params.append(to_db(until))
    if action is not None:
        clauses.append("action = ?")
        params.append(action)
    rows = await db.fetchall(
        "SELECT id, at, actor_user_id, actor_person_id, action, subject, details FROM audit_log"
        f" WHERE {' AND '.join(clauses)} ORDER BY id",
        params,
    )
    return [
        AuditEntry(
            id=r["id"],
            at=from_db(r["at"]),
            actor_user_id=r["actor_user_id"],
            actor_person_id=r["actor_person_id"],
            action=r["action"],
            subject=r["subject"],
            details=json.loads(r["details"]),
        )
        for r in rows
    ]
