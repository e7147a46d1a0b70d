"""Planning an order: who the orderer may reach per line and the quota each line can fill."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.callout import (
    Order,
    OrderLine,
    QuotaPlan,
    Reach,
    Snapshot,
    Strategy,
    plan_quota,
    reach_for,
    snapshot,
)
from bot.domain.fill import ResponseModel, learn
from bot.domain.refusal import Refusal
from bot.services import Actor, Services
from storage import callouts as store
from storage import categories
from storage.db import Database, Transaction


def reach_of(actor: Actor, category: str) -> Reach | None:
    if not actor.is_commander:
        return None
    return reach_for(
        category,
        is_admin=actor.is_admin,
        scope_categories=actor.scope.categories,
        scope_units=actor.scope.units,
    )


@dataclass(frozen=True)
class LinePlan:
    line: OrderLine
    reach: Reach
    snap: Snapshot
    quota: QuotaPlan
    reserve: str | None


async def plan_order(
    services: Services, db: Database | Transaction, actor: Actor, order: Order, now: datetime
) -> list[LinePlan] | Refusal:
    """Check scope and count who can go, per line: what the confirm card shows."""
    known = {c.code: c for c in await categories.all_categories(db)}
    plans: list[LinePlan] = []
    for line in order.lines:
        category = known.get(line.category)
        if category is None:
            return Refusal(
                "callout-error-unknown-category",
                {"value": line.category, "known": ", ".join(known)},
            )
        reach = reach_of(actor, line.category)
        if reach is None:
            return Refusal("callout-error-out-of-scope", {"category": line.category})
        people = await store.category_people(db, line.category, reach.units)
        snap = snapshot(
            line.category,
            people,
            now,
            await services.stale_after(db),
            target_strength=category.target_strength if reach.units is None else 0,
        )
        plans.append(
            LinePlan(line, reach, snap, plan_quota(line.quota, snap), category.reserve_code)
        )
    return plans


def strategy_of(services: Services, order: Order) -> Strategy:
    """The order's own strategy word, else the Polda's default."""
    return order.strategy or Strategy(services.settings.callout_strategy)


async def order_model(db: Database | Transaction) -> ResponseModel:
    """Everyone's response model from the finished call-outs (the prior when there are none)."""
    return learn(await store.polda_evidence(db))


async def reserve_of(db: Database | Transaction, category: str) -> str | None:
    for item in await categories.all_categories(db):
        if item.code == category:
            reserve: str | None = item.reserve_code
            return reserve
    return None
