"""Taps in a burst: the lane (bot/transport/taps.py) records the plain ones together, the rest go
the usual way with the usual answers, and one person's updates keep their order."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.domain.readiness import State
from bot.rehearsal.fake_telegram import SimUser
from bot.transport.inbox import InboxUpdateProcessor, InboxUpdater
from storage import apel as store
from storage import deadlines, inbox, personnel, readiness
from storage.readiness import RECHECK_DEADLINE
from tests.delivery_support import eventually
from tests.harness import BotHarness, Member, brimob, poh
from tests.test_apel_e2e import ADMIN_ID, answered, card_shows, prompt_of, start

PEOPLE = 40


async def called(harness: BotHarness, count: int, *others: Member) -> None:
    """`count` BRIMOB members and `others` linked, the admin calls them all to an apel, every
    prompt has arrived."""
    members = [*(brimob(i) for i in range(1, count + 1)), *others]
    await start(harness, members, max_in_flight=64)
    fake = harness.fake
    await fake.user(ADMIN_ID, first_name="Admin").send("/apel semua 30")
    await fake.wait_for_message(ADMIN_ID, f"{len(members)} personel dipanggil")
    for member in members:
        await prompt_of(harness, member.user_id)


async def absent(harness: BotHarness, user: SimUser) -> None:
    """Tidak hadir, then wait until the prompt offers the reasons (an edit via the outbox)."""
    await answered(harness, await user.press("Tidak hadir"))
    await harness.fake.wait_for(
        lambda: any(m.button("Lainnya") for m in harness.fake.sent_to(user.id)),
        what=f"the reasons offered to {user.id}",
    )


def answer_requests(harness: BotHarness, cq: str) -> list[int]:
    """The status of every answerCallbackQuery the bot sent for this query, in order."""
    return [
        c.status
        for c in harness.fake.calls("answerCallbackQuery")
        if c.params["callback_query_id"] == cq
    ]


async def present(harness: BotHarness, rollcall_id: int, user_id: int) -> bool:
    """Is this person's Hadir in the database?"""
    person = await personnel.by_telegram_user(harness.db, user_id)
    assert person is not None
    target = await store.target(harness.db, rollcall_id, person.id)
    return target is not None and target.answer == "yes"


def lane_took(harness: BotHarness) -> int:
    return harness.services.taps.handled


async def lane_has_taken(harness: BotHarness, count: int) -> None:
    # The lane counts a batch when its handler returns, just after the answers went out.
    await eventually(lambda: lane_took(harness) >= count, what=f"the lane to take {count}")


async def test_a_burst_of_answers_is_recorded_together(harness: BotHarness) -> None:
    await called(harness, PEOPLE)
    fake = harness.fake
    users = [fake.user(1000 + i) for i in range(1, PEOPLE + 1)]
    present, sick = users[:30], users[30:]
    # Tidak hadir opens the reasons (the usual path); the reason itself is a plain tap.
    for user in sick:
        await absent(harness, user)
    # A sender whose last update is still finishing keeps the usual path (their order).
    processor = harness.app.update_processor if harness.app else None
    assert isinstance(processor, InboxUpdateProcessor)
    await eventually(lambda: not any(processor.busy(u.id) for u in sick), what="idle senders")
    before = lane_took(harness)
    taps = await asyncio.gather(
        *(u.press("Hadir") for u in present), *(u.press("Sakit") for u in sick)
    )
    answers = [await answered(harness, cq) for cq in taps]

    await lane_has_taken(harness, before + PEOPLE)
    assert lane_took(harness) - before == PEOPLE
    assert all("HADIR tercatat" in a["text"] for a in answers[:30])
    assert all("sakit" in a["text"].lower() for a in answers[30:])
    rc = (await store.open_rollcalls(harness.db))[0]
    by_person = {t.person_id: t for t in await store.called_targets(harness.db, rc.id)}
    assert sorted((t.answer, t.reason) for t in by_person.values()) == sorted(
        [("yes", None)] * 30 + [("no", "sakit")] * 10
    )
    log = await store.answer_log(harness.db, rc.id)
    assert len([row for row in log if row[1] == "yes"]) == 30
    # Hadir confirms SIAP and arms the recheck; an absence changes no readiness.
    yes = [p for p, t in by_person.items() if t.answer == "yes"]
    states = [await readiness.get(harness.db, p) for p in yes]
    assert [s.state if s else None for s in states] == [State.SIAP] * 30
    rechecks = {d.ref for d in await deadlines.pending(harness.db, RECHECK_DEADLINE)}
    assert {str(p) for p in yes} <= rechecks
    await card_shows(harness, ADMIN_ID, "✅ hadir 30", "⏳ belum lapor 0")
    # Each prompt is redrawn with the answer and the buttons to change it.
    await fake.wait_for(
        lambda: all("HADIR" in (fake.sent_to(u.id)[0].text or "") for u in present[:3]),
        what="the prompts redrawn",
    )


async def test_taps_the_lane_leaves_get_the_usual_answers(harness: BotHarness) -> None:
    await called(harness, 5, poh(1))
    fake = harness.fake
    again, gone, other, forged, plain = (fake.user(1000 + i) for i in range(1, 6))
    checked = fake.user(poh(1).user_id)
    await answered(harness, await again.press("Hadir"))
    async with harness.offline() as tx:
        await tx.execute("UPDATE personnel SET active = 0 WHERE nrp = ?", (brimob(2).nrp,))
    await absent(harness, other)
    # A readiness check open for the POH member: Hadir at the apel answers it too.
    commander = fake.user(ADMIN_ID)
    await commander.send("/cekkesiapan POH 30")
    await fake.wait_for_message(checked.id, "CEK KESIAPAN")
    rc = next(r for r in await store.open_rollcalls(harness.db) if r.kind == "apel")
    apel_prompt = fake.sent_to(plain.id)[0]
    before = lane_took(harness)

    taps = await asyncio.gather(
        again.press("Hadir", fake.sent_to(again.id)[0]),
        gone.press("Hadir"),
        other.press("Lainnya"),
        forged.press_data(f"ap:v1:y:{rc.id + 99}:p", fake.sent_to(forged.id)[0]),
        plain.press("Hadir", apel_prompt),
        checked.press("Hadir", fake.sent_to(checked.id)[0]),
    )
    same, deactivated, write, invalid, ok, synced = [await answered(harness, cq) for cq in taps]
    await lane_has_taken(harness, before + 1)
    # The lane answers only what it takes; the usual path answers the rest, once each.
    assert [answer_requests(harness, cq) for cq in taps] == [[200]] * len(taps)

    await lane_has_taken(harness, before + 1)
    assert lane_took(harness) - before == 1  # only the plain tap
    assert "HADIR tercatat" in ok["text"]
    assert same["text"] == "Jawaban ini sudah tercatat."
    assert deactivated["text"].startswith("Anda belum terdaftar")
    assert write["text"] == "Tercatat. Ketik alasannya di chat ini."
    assert invalid["text"] == "Tombol ini tidak berlaku lagi."
    assert "HADIR tercatat" in synced["text"]
    check = next(r for r in await store.open_rollcalls(harness.db) if r.kind == "cek")
    person = await personnel.by_telegram_user(harness.db, checked.id)
    assert person is not None
    target = await store.target(harness.db, check.id, person.id)
    assert target is not None
    assert target.answer == "yes"


async def test_a_reason_tapped_and_typed_at_once_stays_in_order(harness: BotHarness) -> None:
    await called(harness, 2)
    fake = harness.fake
    user = fake.user(1001)
    await absent(harness, user)
    cq = await user.press("Lainnya")
    await user.send("Mengantar keluarga ke rumah sakit")
    await answered(harness, cq)
    rc = (await store.open_rollcalls(harness.db))[0]
    person = await personnel.by_telegram_user(harness.db, user.id)
    assert person is not None

    async def reason_written() -> bool:
        target = await store.target(harness.db, rc.id, person.id)
        return target is not None and target.reason_text is not None

    await eventually(reason_written, what="the reason text stored")
    target = await store.target(harness.db, rc.id, person.id)
    assert target is not None
    assert (target.answer, target.reason) == ("no", "lainnya")
    assert target.reason_text == "Mengantar keluarga ke rumah sakit"


async def test_a_batch_that_fails_is_done_one_by_one(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await called(harness, 10)

    async def broken(*_args: Any) -> set[int]:
        raise RuntimeError("disk I/O error")

    # Only the lane asks this; the usual path has its own check inside `sync_checks`.
    monkeypatch.setattr(store, "called_by_open_checks", broken)
    fake = harness.fake
    taps = await asyncio.gather(*(fake.user(1000 + i).press("Hadir") for i in range(1, 11)))
    answers = [await answered(harness, cq) for cq in taps]

    assert lane_took(harness) == 0
    assert all("HADIR tercatat" in a["text"] for a in answers)
    rc = (await store.open_rollcalls(harness.db))[0]
    assert all(t.answer == "yes" for t in await store.called_targets(harness.db, rc.id))


async def test_an_answer_that_fails_on_the_lean_path_goes_again_through_ptb(
    harness: BotHarness,
) -> None:
    await called(harness, 1)
    fake = harness.fake
    fake.faults.fail_next("answerCallbackQuery", 502, "Bad Gateway")
    cq = await fake.user(1001).press("Hadir")
    answer = await answered(harness, cq)

    assert "HADIR tercatat" in answer["text"]
    tries = [c for c in fake.calls("answerCallbackQuery") if c.params["callback_query_id"] == cq]
    assert [c.status for c in tries] == [502, 200]


async def test_polling_rides_out_errors_and_refusals(harness: BotHarness) -> None:
    await called(harness, 2)
    fake = harness.fake
    updater = harness.app.updater if harness.app else None
    assert isinstance(updater, InboxUpdater)
    updater.refused_wait_s = 0.05
    for status, text, retry in (
        (502, "Bad Gateway", None),
        (429, "Too Many Requests: retry after 1", 1),
        (409, "Conflict: terminated by other getUpdates request", None),
    ):
        fake.faults.fail_next("getUpdates", status, text, retry_after=retry)
    # The poll waiting now returns this tap; the next three fail, then polling goes on.
    await answered(harness, await fake.user(1001).press("Hadir"))

    def failed() -> list[int]:
        return sorted(c.status for c in fake.calls("getUpdates") if c.status not in (0, 200))

    await fake.wait_for(lambda: len(failed()) == 3, what="three failed polls")
    answer = await answered(harness, await fake.user(1002).press("Hadir"))

    assert "HADIR tercatat" in answer["text"]
    assert failed() == [409, 429, 502]


async def test_a_tap_too_old_to_answer_is_recorded_without_an_alarm(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await called(harness, 1)
    fake = harness.fake
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    fake.faults.fail_next("answerCallbackQuery", 400, too_old)
    cq = await fake.user(1001).press("Hadir")
    rc = (await store.open_rollcalls(harness.db))[0]

    async def recorded() -> bool:
        return all(t.answer == "yes" for t in await store.called_targets(harness.db, rc.id))

    # The lane's batch is counted once its answers (and any retry of them) are done.
    await lane_has_taken(harness, 1)
    assert await recorded()
    assert [c.status for c in fake.calls("answerCallbackQuery")] == [400]
    assert fake.callback_answer(cq) is None
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_a_tap_answered_before_a_crash_is_recorded_after_the_restart(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await called(harness, 3)
    fake = harness.fake
    writing: list[asyncio.Task[Any]] = []

    async def dies_here(*_args: Any) -> None:
        task = asyncio.current_task()
        assert task is not None
        writing.append(task)
        await asyncio.Event().wait()  # the process dies before the write commits

    rc = (await store.open_rollcalls(harness.db))[0]
    monkeypatch.setattr(store, "record_answers", dies_here)
    cq = await fake.user(1001).press("Hadir")
    # The toast goes out as soon as the tap is in the inbox, before the write.
    assert "HADIR tercatat" in (await answered(harness, cq))["text"]
    await eventually(lambda: len(writing) == 1, what="the write under way")
    writing[0].cancel()  # the crash: nothing of the batch commits
    await harness.stop()
    monkeypatch.undo()
    async with harness.offline() as tx:
        assert await inbox.count(tx) == 1

    await harness.start()
    updater = harness.app.updater if harness.app else None
    assert isinstance(updater, InboxUpdater)
    assert updater.replayed == 1  # the inbox still had the tap

    await eventually(lambda: present(harness, rc.id, 1001), what="the replayed tap recorded")
    await eventually(lambda: _inbox_empty(harness), what="the inbox cleared")
    # The replay answers again; Telegram refuses that (too old), and it is only logged.
    assert answer_requests(harness, cq)[0] == 200
    await card_shows(harness, ADMIN_ID, "✅ hadir 1")


async def test_a_tap_answered_early_whose_write_fails_is_not_answered_again(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await called(harness, 10)
    real = store.record_answers
    failed: list[int] = []

    async def fails_once(tx: Any, writes: Any, now: Any) -> Any:
        if not failed:
            failed.append(len(writes))
            raise RuntimeError("disk I/O error")
        return await real(tx, writes, now)

    monkeypatch.setattr(store, "record_answers", fails_once)
    fake = harness.fake
    taps = await asyncio.gather(*(fake.user(1000 + i).press("Hadir") for i in range(1, 11)))
    answers = [await answered(harness, cq) for cq in taps]
    rc = (await store.open_rollcalls(harness.db))[0]

    async def all_recorded() -> bool:
        return all(t.answer == "yes" for t in await store.called_targets(harness.db, rc.id))

    # The failed batch went the usual way, which wrote each tap but did not answer it again.
    await eventually(all_recorded, what="every tap recorded")
    await eventually(lambda: _inbox_empty(harness), what="every tap done")
    assert failed
    assert all("HADIR tercatat" in a["text"] for a in answers)
    assert [answer_requests(harness, cq) for cq in taps] == [[200]] * len(taps)


async def _inbox_empty(harness: BotHarness) -> bool:
    return await inbox.count(harness.db) == 0


async def test_a_tap_answered_early_whose_retry_fails_too_stays_until_written(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lane's write fails and the usual handler's write fails as well: the person was told
    "tercatat", so the tap stays in the inbox and runs again until it is written — with no
    apology contradicting the toast and no second answer."""
    await called(harness, 3)
    updater = harness.app.updater if harness.app else None
    assert isinstance(updater, InboxUpdater)
    monkeypatch.setattr(updater, "retry_wait_s", 0.01)
    real = store.record_answers
    failures: list[int] = []

    async def fails_three_times(tx: Any, writes: Any, now: Any) -> Any:
        if len(failures) < 3:  # the lane's batch, then the usual handler twice
            failures.append(len(writes))
            raise RuntimeError("disk I/O error")
        return await real(tx, writes, now)

    monkeypatch.setattr(store, "record_answers", fails_three_times)
    cq = await harness.fake.user(1001).press("Hadir")
    assert "HADIR tercatat" in (await answered(harness, cq))["text"]
    rc = (await store.open_rollcalls(harness.db))[0]

    await eventually(lambda: present(harness, rc.id, 1001), what="the tap recorded at last")
    await eventually(lambda: _inbox_empty(harness), what="the tap done")
    assert len(failures) == 3
    assert answer_requests(harness, cq) == [200]
    await card_shows(harness, ADMIN_ID, "✅ hadir 1")
