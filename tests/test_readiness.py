"""Readiness transitions and staleness with an injected clock (no Telegram involved)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.domain.apel_report import KETERANGAN
from bot.domain.readiness import Effective, State, effective
from bot.domain.reasons import REASONS
from bot.i18n import Catalog
from bot.services import Services
from handlers.readiness import recheck, status_text
from storage import deadlines, personnel, readiness
from storage.db import Database
from storage.timestamps import to_db

START = datetime(2024, 2, 14, 1, 0, tzinfo=UTC)  # 08.00 WIB
STALE = timedelta(hours=12)


@pytest.fixture
async def services(db: Database, tmp_path: Path) -> Services:
    settings = Settings(_env_file=None, db_path=tmp_path / "siaga.db", readiness_stale_hours=12)  # type: ignore[call-arg]
    built = Services(settings=settings, clock=FakeClock(START), catalog=Catalog.load())
    built._db = db
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO categories (code, name) VALUES ('BRIMOB', 'Brimob')")
        for pid, user in ((1, 1001), (2, None)):
            await tx.execute(
                "INSERT INTO personnel (id, nrp, name, rank, category_code, unit, phone,"
                " telegram_user_id, created_at, updated_at)"
                " VALUES (?, ?, 'Andi Saputra', 'Bripda', 'BRIMOB', 'Polres Sanggau', ?, ?, ?, ?)",
                (pid, f"8705012{pid}", f"0812345678{pid:02d}", user, to_db(START), to_db(START)),
            )
    return built


def clock_of(services: Services) -> FakeClock:
    assert isinstance(services.clock, FakeClock)
    return services.clock


async def outbox_texts(db: Database) -> list[tuple[int, str, str]]:
    rows = await db.fetchall("SELECT chat_id, dedup_key, text FROM outbox ORDER BY id")
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


async def test_confirm_ready_arms_the_recheck_at_staleness(services: Services) -> None:
    db = services.db
    async with db.transaction() as tx:
        assert await readiness.confirm_ready(tx, 1, START, source="self", stale_after=STALE)
    state = await readiness.get(db, 1)
    assert state is not None
    assert state.state is State.SIAP
    row = await deadlines.get(db, readiness.RECHECK_DEADLINE, 1)
    assert row is not None
    assert row.due_at == START + STALE
    assert effective(state, START + STALE - timedelta(seconds=1), STALE) is Effective.SIAP
    assert effective(state, START + STALE, STALE) is Effective.STALE


async def test_confirming_again_moves_the_recheck(services: Services) -> None:
    db = services.db
    later = START + timedelta(hours=5)
    async with db.transaction() as tx:
        await readiness.confirm_ready(tx, 1, START, source="self", stale_after=STALE)
        await readiness.confirm_ready(tx, 1, later, source="apel:1", stale_after=STALE)
    pending = await deadlines.pending(db, readiness.RECHECK_DEADLINE)
    assert [(d.ref, d.due_at) for d in pending] == [("1", later + STALE)]
    history = await readiness.history(db, 1)
    assert [(h[1], h[3]) for h in history] == [(State.SIAP, "self"), (State.SIAP, "apel:1")]


async def test_not_ready_with_an_end_asks_again_then(services: Services) -> None:
    db = services.db
    until = START + timedelta(days=1)
    async with db.transaction() as tx:
        assert await readiness.declare_not_ready(
            tx, 1, START, reason="sakit", until=until, source="self"
        )
    row = await deadlines.get(db, readiness.RECHECK_DEADLINE, 1)
    assert row is not None
    assert row.due_at == until
    assert row.state == "pending"
    async with db.transaction() as tx:
        await readiness.declare_not_ready(tx, 1, START, reason="cuti", source="self")
    # Without an end time there is nothing to ask until the person says otherwise.
    assert await deadlines.pending(db, readiness.RECHECK_DEADLINE) == []
    state = await readiness.get(db, 1)
    assert state is not None
    assert state.reason == "cuti"
    assert effective(state, START + timedelta(days=30), STALE) is Effective.TIDAK_SIAP


async def test_deployed_people_are_left_to_the_call_out(services: Services) -> None:
    db = services.db
    async with db.transaction() as tx:
        await readiness.set_deployed(tx, 1, 7, START)
        assert not await readiness.confirm_ready(tx, 1, START, source="self", stale_after=STALE)
        assert not await readiness.declare_not_ready(tx, 1, START, reason="sakit", source="self")
    state = await readiness.get(db, 1)
    assert state is not None
    assert state.state is State.BERTUGAS
    released = START + timedelta(hours=2)
    async with db.transaction() as tx:
        assert await readiness.release_deployed(tx, 1, 7, released)
    row = await deadlines.get(db, readiness.RECHECK_DEADLINE, 1)
    assert row is not None
    # Storage cannot know the staleness setting: it asks the handler to look right away.
    assert row.due_at == released


async def test_recheck_rearms_when_early_and_asks_when_stale(services: Services) -> None:
    db = services.db
    clock = clock_of(services)
    async with db.transaction() as tx:
        await readiness.confirm_ready(tx, 1, START, source="self", stale_after=STALE)
    clock.set(START + timedelta(hours=3))
    async with db.transaction() as tx:
        await recheck(services, tx, 1)
    assert await outbox_texts(db) == []
    row = await deadlines.get(db, readiness.RECHECK_DEADLINE, 1)
    assert row is not None
    assert row.due_at == START + STALE
    clock.set(START + STALE)
    async with db.transaction() as tx:
        await recheck(services, tx, 1)
        await recheck(services, tx, 1)  # a second firing asks nothing new
    sent = await outbox_texts(db)
    assert len(sent) == 1
    chat_id, key, text = sent[0]
    assert chat_id == 1001
    assert key.startswith("rd:ask:1:")
    assert "Konfirmasi kesiapan" in text
    assert "14 Feb 2024 08.00 WIB" in text


async def test_recheck_after_a_not_ready_period_ends(services: Services) -> None:
    db = services.db
    clock = clock_of(services)
    until = START + timedelta(days=1)
    async with db.transaction() as tx:
        await readiness.declare_not_ready(tx, 1, START, reason="izin", until=until, source="self")
    clock.set(until)
    async with db.transaction() as tx:
        await recheck(services, tx, 1)
    ((_, _, text),) = await outbox_texts(db)
    assert "berakhir" in text
    assert "izin" in text


async def test_recheck_skips_unlinked_deployed_and_unknown(services: Services) -> None:
    db = services.db
    clock = clock_of(services)
    async with db.transaction() as tx:
        await readiness.confirm_ready(tx, 2, START, source="admin", stale_after=STALE)
        await readiness.set_deployed(tx, 1, 3, START)
    clock.set(START + STALE * 2)
    async with db.transaction() as tx:
        await recheck(services, tx, 1)
        await recheck(services, tx, 2)
        await recheck(services, tx, 99)
    assert await outbox_texts(db) == []


async def test_status_text_per_state(services: Services) -> None:
    db = services.db
    person = await personnel.by_id(db, 1)
    assert person is not None
    now = START + timedelta(hours=1)
    assert "Belum ada status" in status_text(services, "id", person, None, now, STALE)
    async with db.transaction() as tx:
        await readiness.confirm_ready(tx, 1, START, source="self", stale_after=STALE)
    state = await readiness.get(db, 1)
    fresh = status_text(services, "id", person, state, now, STALE)
    assert "✅ <b>SIAP</b>" in fresh
    assert "14 Feb 2024 20.00 WIB" in fresh
    stale = status_text(services, "id", person, state, START + STALE, STALE)
    assert "perlu konfirmasi ulang" in stale
    async with db.transaction() as tx:
        await readiness.declare_not_ready(
            tx,
            1,
            START,
            reason="dinas_luar",
            reason_text="Jakarta",
            until=START + timedelta(days=2),
            source="self",
        )
    state = await readiness.get(db, 1)
    text = status_text(services, "id", person, state, now, STALE)
    assert "TIDAK SIAP" in text
    assert "dinas luar: Jakarta" in text
    assert "sampai 16 Feb 2024 08.00 WIB" in text
    english = status_text(services, "en", person, state, now, STALE)
    assert "NOT READY" in english
    assert "on duty elsewhere" in english
    assert "ended" in status_text(services, "en", person, state, START + timedelta(days=3), STALE)
    async with db.transaction() as tx:
        await readiness.set_deployed(tx, 1, 12, now)
    deployed = status_text(services, "id", person, await readiness.get(db, 1), now, STALE)
    assert "BERTUGAS" in deployed
    assert "#12" in deployed


def test_every_apel_and_readiness_key_exists_in_both_languages() -> None:
    """tests/test_locales.py reads `context.t(...)` calls; these modules render through
    `_html(services, lang, …)` and `catalog.text(lang, …)`, so they are checked here."""
    import re

    root = Path(__file__).resolve().parent.parent
    catalog = Catalog.load()
    literal = re.compile(r'"((?:apel|rollcall|readiness|reason|cmd)-[a-z0-9-]+)"')
    keys: set[str] = set()
    for path in [*(root / "handlers" / "apel").rglob("*.py"), root / "handlers" / "readiness.py"]:
        keys.update(literal.findall(path.read_text("utf-8")))
    prefixes = {k for k in keys if k.endswith("-")}
    keys -= prefixes
    reasons = [r.replace("_", "-") for r in REASONS]
    keys |= {f"reason-{r}" for r in reasons} | {f"reason-button-{r}" for r in reasons}
    keys |= {f"readiness-until-{c}" for c in ("today", "tomorrow", "3d", "none")}
    keys |= {f"rollcall-card-excluded-{k}" for k in ("unlinked", "bertugas", "nonaktif")}
    keys |= {f"rollcall-ket-{k.replace('_', '-')}" for k in KETERANGAN}
    keys |= {
        f"cmd-{c}{x}"
        for c in ("apel", "cekkesiapan", "siap", "tidaksiap", "kesiapan")
        for x in ("", "-example")
    }
    missing = [
        f"{lang}:{k}" for lang in ("id", "en") for k in sorted(keys) if not catalog.has(lang, k)
    ]
    assert missing == []


async def test_many_confirmed_at_once_skip_the_deployed(services: Services) -> None:
    db = services.db
    async with db.transaction() as tx:
        await readiness.set_deployed(tx, 2, 7, START)
        ready = await readiness.confirm_ready_many(
            tx, [(1, "apel:1"), (2, "apel:1")], START, stale_after=STALE
        )
    assert ready == {1}
    first, second = [await readiness.get(db, p) for p in (1, 2)]
    assert first is not None
    assert first.state is State.SIAP
    assert second is not None
    assert second.state is State.BERTUGAS
    assert [h[3] for h in await readiness.history(db, 1)] == ["apel:1"]
    armed = await deadlines.get(db, readiness.RECHECK_DEADLINE, 1)
    assert armed is not None
    assert armed.due_at == START + STALE
    assert await deadlines.get(db, readiness.RECHECK_DEADLINE, 2) is None
