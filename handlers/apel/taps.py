"""The tap lane's batch handler: many plain Hadir/reason taps written in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.domain import callback_data
from bot.domain.apel import (
    Answer,
    RollCallKind,
)
from bot.domain.reasons import REASONS
from bot.services import Services, SiagaApp
from bot.transport.bot import SiagaBot
from bot.transport.taps import Tap
from handlers import gate
from handlers.apel.keys import Action
from handlers.apel.service import (
    AnswerTap,
    cards,
    enqueue_answer_edits,
    sync_checks,
    write_answers,
)
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

    Takes the plain case only: an active person on the roster whose private chat delivery
    has not marked unreachable (the gate clears that mark and wakes short call-out lines for
    them), not flooding, answering their own prompt of an open apel without an assembly
    point, with an answer that is new, and with no readiness check open for them. Every
    other tap is returned and goes through `on_answer` and its rules.

    The taps taken are answered first and written right after, in one transaction: each is
    committed in the inbox already and only leaves it once written, so "tercatat" is true
    when the toast says it (a crash in between re-runs the tap from the inbox), and the
    toast does not wait for the write lock behind the batches before it.
    """
    services: Services = app.bot_data["services"]
    bot = app.bot
    assert isinstance(bot, SiagaBot)
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
    senders = await personnel.active_senders(db, user_ids)
    people = {user_id: s.person for user_id, s in senders.items() if not s.unreachable}
    languages = await store.languages_of(db, user_ids, services.settings.locale)
    rollcalls = {rc_id: await store.get(db, rc_id) for rc_id in {p[1] for p in plain}}
    targets = {
        rc_id: await store.targets_of(db, rc_id, [p.id for p in people.values()])
        for rc_id, rc in rollcalls.items()
        if rc is not None
    }
    # A readiness check of theirs needs `sync_checks`: those go the usual way.
    checked = await store.called_by_open_checks(db, [p.id for p in people.values()], now)
    taken: list[tuple[Tap, AnswerTap]] = []
    for tap, rc_id, answer, reason in plain:
        person = people.get(tap.user_id)
        rc = rollcalls[rc_id]
        target = targets[rc_id].get(person.id) if person and rc else None
        if (
            rc is None
            or target is None
            or not target.called
            or target.person_id in checked
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
    answering = bot.answer_ahead([(tap.query_id, answer_toast(services, a)) for tap, a in taken])
    try:
        stale_after = await services.stale_after()
        async with db.transaction() as tx:
            results = await write_answers(services, tx, [a for _, a in taken], now, stale_after)
            # Answered meanwhile with the same answer (nothing written): the toast holds.
            written = [(a, u) for (_, a), (u, _) in zip(taken, results, strict=True) if u]
            # A readiness check opened since the read above: answered as one tap would.
            ready = [a for (_, a), (_, now_siap) in zip(taken, results, strict=True) if now_siap]
            late = await store.called_by_open_checks(tx, [a.target.person_id for a in ready], now)
            synced: set[int] = set()
            for a in ready:
                if a.target.person_id in late:
                    synced.update(
                        await sync_checks(
                            services, tx, a.target.person_id, a.chat_id, a.lang, Answer.YES, now
                        )
                    )
            await enqueue_answer_edits(services, tx, written, now)
    finally:
        await answering
    bot.settle(tap.query_id for tap, _ in taken)
    for rc_id in {a.rc.id for a, _ in written} | synced:
        cards(services).request(app, rc_id)
    return left


def _plain_answer(data: callback_data.CallbackData) -> tuple[int, Answer, str | None] | None:
    """(roll call, answer, reason) of Hadir or a reason but `lainnya` tapped on a prompt."""
    rc_id = data.int_arg(0)
    if rc_id is None or len(data.args) < 2 or data.args[1] != "p":
        return None
    if data.action == Action.PRESENT and len(data.args) == 2:
        return rc_id, Answer.YES, None
    reason = data.args[2] if len(data.args) == 3 else None
    if data.action == Action.REASON and reason in REASONS and reason != "lainnya":
        return rc_id, Answer.NO, reason
    return None
