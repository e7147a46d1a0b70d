"""The tap lane's batch handler: many plain Hadir/reason taps written in one transaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram.error import TelegramError

from bot.domain import callback_data
from bot.domain.apel import (
    Answer,
    RollCallKind,
)
from bot.domain.reasons import REASONS
from bot.services import Services, SiagaApp
from bot.transport.taps import Tap
from handlers import gate
from handlers.apel.service import AnswerTap, cards, enqueue_answer_edits, write_answers
from handlers.kit.reasons import reason_label
from storage import apel as store
from storage import personnel

log = logging.getLogger(__name__)


def answer_toast(services: Services, tap: AnswerTap) -> str:
    lang = tap.lang
    if tap.answer is Answer.YES:
        return services.catalog.text(lang, "rollcall-answered-yes", kind=tap.rc.kind)
    if tap.reason == "lainnya":
        return services.catalog.text(lang, "rollcall-write-reason")
    return services.catalog.text(
        lang,
        "rollcall-answered-no",
        kind=tap.rc.kind,
        reason=reason_label(services, lang, tap.reason),
    )


async def answer_taps(app: SiagaApp, taps: Sequence[Tap]) -> list[Tap]:
    """Hadir or a reason tapped on roll-call prompts, a burst at a time (`bot/transport/taps.py`).

    Takes the plain case only: an active person on the roster, not flooding, answering their
    own prompt of an open apel without an assembly point, with an answer that is new, and
    with no readiness check open for them. Those are written in one transaction and answered
    together. Every other tap is returned and goes through `on_answer` and its rules.
    """
    services: Services = app.bot_data["services"]
    db = services.db
    now = services.clock.now()
    plain: list[tuple[Tap, int, Answer, str | None]] = []
    left: list[Tap] = []
    for tap in taps:
        parsed = _plain_answer(tap.data)
        if parsed is None:
            left.append(tap)
        else:
            plain.append((tap, *parsed))
    if not plain:
        return left
    user_ids = [tap.user_id for tap, *_ in plain]
    people = await personnel.active_by_telegram_users(db, user_ids)
    languages = await store.languages_of(db, user_ids, services.settings.locale)
    rollcalls = {rc_id: await store.get(db, rc_id) for rc_id in {p[1] for p in plain}}
    targets = {
        rc_id: await store.targets_of(db, rc_id, [p.id for p in people.values()])
        for rc_id, rc in rollcalls.items()
        if rc is not None
    }
    taken: list[tuple[Tap, AnswerTap]] = []
    for tap, rc_id, answer, reason in plain:
        person = people.get(tap.user_id)
        rc = rollcalls[rc_id]
        target = targets[rc_id].get(person.id) if person and rc else None
        if (
            rc is None
            or target is None
            or not target.called
            or rc.kind is not RollCallKind.APEL
            or rc.point is not None
            or not rc.accepts_answers(now)
            or (target.answer == answer.value and target.reason == reason)
            or not gate.admit_tap(services, tap.user_id)
        ):
            left.append(tap)
            continue
        chat_id = target.chat_id or tap.user_id
        key = rc.prompt_key(target.person_id)
        lang = languages[tap.user_id]
        taken.append((tap, AnswerTap(rc, target, key, tap.user_id, chat_id, lang, answer, reason)))
    if not taken:
        return left
    stale_after = await services.stale_after()
    async with db.transaction() as tx:
        # A readiness check of theirs needs `sync_checks`: those go the usual way.
        checked = await store.called_by_open_checks(
            tx, [a.target.person_id for _, a in taken], now
        )
        left += [tap for tap, a in taken if a.target.person_id in checked]
        taken = [(tap, a) for tap, a in taken if a.target.person_id not in checked]
        results = await write_answers(services, tx, [a for _, a in taken], now, stale_after)
        written = [(a, u) for (_, a), (u, _) in zip(taken, results, strict=True) if u]
        await enqueue_answer_edits(services, tx, written, now)
    # Answered meanwhile (the same answer by another way): the usual path says so.
    left += [tap for (tap, _), (u, _) in zip(taken, results, strict=True) if u is None]
    done = [(tap, a) for (tap, a), (u, _) in zip(taken, results, strict=True) if u]
    if done:
        for rc_id in {a.rc.id for _, a in done}:
            cards(services).request(app, rc_id)
        await asyncio.gather(
            *(_answer_tap(app, tap, answer_toast(services, a)) for tap, a in done)
        )
    return left


def _plain_answer(data: callback_data.CallbackData) -> tuple[int, Answer, str | None] | None:
    """(roll call, answer, reason) of Hadir or a reason but `lainnya` tapped on a prompt."""
    rc_id = data.int_arg(0)
    if rc_id is None or len(data.args) < 2 or data.args[1] != "p":
        return None
    if data.action == "y" and len(data.args) == 2:
        return rc_id, Answer.YES, None
    reason = data.args[2] if len(data.args) == 3 else None
    if data.action == "r" and reason in REASONS and reason != "lainnya":
        return rc_id, Answer.NO, reason
    return None


async def _answer_tap(app: SiagaApp, tap: Tap, text: str) -> None:
    try:
        await app.bot.answer_callback_query(tap.query_id, text)
    except TelegramError as exc:
        # Recorded all the same; the edited prompt shows the answer.
        log.warning("answering tap %s failed: %s", tap.update_id, exc)
