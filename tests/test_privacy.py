"""Secrets and privacy: no token and no phone number in any log; the database is private.

A full scenario (registration by contact and by approval, a roll call, a call-out, a status)
runs with every logger at DEBUG: PTB prints whole requests and updates (contacts with their
phone numbers, the admin's approval card with the shared number), httpx prints URLs (with
the token), aiosqlite prints statements with their parameters. `bot.logging_setup` must
clean all of it, for pytest's capture as much as for the console handler.
"""

from __future__ import annotations

import io
import logging
import os
import stat
from collections.abc import Iterator

import pytest

from bot.domain.phone import normalize_phone
from bot.logging_setup import configure_logging, redact, uninstall_redaction
from storage import personnel
from storage.db import Database
from tests.harness import TOKEN, BotHarness, Member

ADMIN_ID = 900001
KOMANDAN = Member(
    "75020345", "Hendra Wijaya", "AKBP", "BRIMOB", "Sat Brimob", "081300000001", "komandan", 2001
)
ANDI = Member("87050123", "Andi Saputra", "Bripda", "BRIMOB", "Kompi 1", "0812-3456-7801")
BUDI = Member("88010234", "Budi Santoso", "Briptu", "BRIMOB", "Kompi 2", "+62 812 3456 7802")
CITRA = Member("89020345", "Citra Lestari", "Bripda", "BRIMOB", "Kompi 3", "6281234567803")
MEMBERS = (KOMANDAN, ANDI, BUDI, CITRA)
# Shared by someone not on the roster: it ends up on the admin's approval card.
STRANGER_PHONE = "089999999999"
FAST = {
    "rate_overall_per_s": 1000.0,
    "rate_private_per_s": 1000.0,
    "private_burst": 1000,
    "edit_interval_s": 0.0,
}


def phone_forms(raw: str) -> set[str]:
    """Every way the number may be written: as typed, E.164, without `+`, 08…, 8…."""
    e164 = normalize_phone(raw)
    assert e164 is not None
    national = e164.removeprefix("+62")
    return {raw, e164, e164[1:], "0" + national, national}


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """The production setup at DEBUG, the console handler writing to a buffer, and even the
    HTTP libraries (which the setup quiets) turned up to DEBUG: redaction must not depend on
    a level."""
    root = logging.getLogger()
    saved_level = root.level
    noisy = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "aiosqlite")}
    handler = configure_logging(TOKEN, logging.DEBUG)
    stream = io.StringIO()
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    for name in noisy:
        logging.getLogger(name).setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_level)
        for name, level in noisy.items():
            logging.getLogger(name).setLevel(level)
        uninstall_redaction()


async def full_scenario(harness: BotHarness) -> None:
    await harness.seed(list(MEMBERS))
    db = await Database.open(harness.db_path)
    try:
        async with db.transaction() as tx:
            commander = await personnel.by_nrp(tx, KOMANDAN.nrp)
            assert commander is not None
            await personnel.link(tx, commander.id, KOMANDAN.user_id, harness.clock.now())
            await personnel.clear_scopes(tx, commander.id)
            await personnel.add_scope(tx, commander.id, "category", "BRIMOB")
    finally:
        await db.close()
    await harness.start(admin_ids=[ADMIN_ID], **FAST)
    fake = harness.fake

    # Registration: Andi by his own contact, Budi's account by an admin's approval.
    andi = fake.user(1001, first_name="Andi")
    await andi.send("/start")
    await fake.wait_for_message(1001, "Bagikan nomor")
    await andi.share_contact(phone="+62 812-3456-7801")
    await fake.wait_for_message(1001, "Terdaftar")
    admin = fake.user(ADMIN_ID, first_name="Admin")
    await admin.send("/start")
    budi = fake.user(1002, first_name="Budi")
    await budi.share_contact(phone=STRANGER_PHONE)
    await fake.wait_for_message(1002, "tidak ditemukan")
    await budi.send(BUDI.nrp)
    request = await fake.wait_for_message(ADMIN_ID, "Permintaan pendaftaran")
    await admin.press("Setujui", message=request)
    await fake.wait_for_message(1002, "Pendaftaran disetujui")
    citra = fake.user(1003, first_name="Citra")
    await citra.share_contact(phone=CITRA.phone)
    await fake.wait_for_message(1003, "Terdaftar")

    # A roll call, answered.
    hendra = fake.user(KOMANDAN.user_id, first_name="Hendra")
    await hendra.send("/apel BRIMOB 30")
    await fake.wait_for_message(KOMANDAN.user_id, "dibuka")
    prompt = await fake.wait_for_message(1001, "APEL #")
    await andi.press("Hadir", message=prompt)
    await fake.wait_for_message(1001, "hadir")
    await budi.send("/siap")
    await fake.wait_for_message(1002, "SIAP")

    # A call-out, accepted.
    await andi.send("/siap")
    await fake.wait_for_message(1001, "SIAP")
    await hendra.send("/mobilize BRIMOB 1 Kantor KPU Kalbar, Pontianak")
    card = await fake.wait_for_message(KOMANDAN.user_id, "Konfirmasi pengerahan")
    await hendra.press("Kirim", message=card)
    await fake.wait_for_message(KOMANDAN.user_id, "dikirim")

    def invitation() -> int | None:
        for user_id in (1001, 1002):
            if any("PENGERAHAN #" in (m.text or "") for m in fake.sent_to(user_id)):
                return user_id
        return None

    invited = await fake.wait_for(invitation, what="an invitation")
    await fake.user(invited).press("Siap berangkat")
    await fake.wait_for_message(invited, "Siap berangkat — PENGERAHAN")

    # The status, and the names behind it.
    def names_button(button: dict[str, object]) -> bool:
        return str(button.get("callback_data", "")).startswith("sts:")

    await hendra.send("/status")
    status = await fake.wait_for_message(
        KOMANDAN.user_id, lambda m: any(names_button(b) for b in m.buttons)
    )
    await hendra.press(names_button, message=status)
    await fake.wait_idle()


async def test_no_token_and_no_phone_number_in_any_log(
    harness: BotHarness, caplog: pytest.LogCaptureFixture, debug_logs: io.StringIO
) -> None:
    await full_scenario(harness)
    await harness.stop()

    secret = TOKEN.split(":", 1)[1]
    forbidden = {TOKEN, secret, TOKEN.replace(":", "%3A")}
    for member in MEMBERS:
        forbidden |= phone_forms(member.phone)
    forbidden |= phone_forms(STRANGER_PHONE) | {"+62 812-3456-7801"}

    records = caplog.records
    assert len(records) > 500, "the scenario should log plenty at DEBUG"
    # Enough variety that the check means something: PTB, HTTP and the database all spoke.
    names = {r.name.split(".")[0] for r in records}
    assert {"telegram", "httpx", "aiosqlite"} <= names, names
    texts = {
        "caplog": caplog.text,
        "console": debug_logs.getvalue(),
        "messages": "\n".join(r.getMessage() for r in records),
        "tracebacks": "\n".join(r.exc_text or "" for r in records),
    }
    leaks = [(where, f) for where, text in texts.items() for f in forbidden if f in text]
    assert leaks == []
    # The redaction did work on something: masked numbers and the token are in there.
    assert "+62812****801" in texts["caplog"]
    assert "/bot***/" in texts["caplog"]


def test_redaction_masks_each_number_and_keeps_the_rest() -> None:
    line = (
        "contact 0812-3456-7801 and +62 812 3456 7802 next to NRP 87050123 at -0.0263,109.3425"
        " in chat -100500 on 2024-02-14 13:00:05, 2.100 / 3.294 sent"
    )
    clean = redact(line)
    assert "0812-3456-7801" not in clean
    assert "3456 7802" not in clean
    assert "+62812****801" in clean
    assert "+62812****802" in clean
    for kept in ("87050123", "-0.0263,109.3425", "-100500", "2024-02-14 13:00:05", "3.294"):
        assert kept in clean
    url = f"POST https://api.telegram.org/bot{TOKEN}/sendMessage"
    assert redact(url, [TOKEN]) == "POST https://api.telegram.org/bot***/sendMessage"


async def test_database_files_are_owner_only(harness: BotHarness) -> None:
    old_umask = os.umask(0o022)  # the usual default: files would be world-readable
    try:
        await full_scenario(harness)
        files = [harness.db_path]
        files += [harness.db_path.with_name(harness.db_path.name + s) for s in ("-wal", "-shm")]
        present = [f for f in files if f.exists()]
        assert harness.db_path in present
        # WAL mode is on, so the journal files exist while the bot runs.
        assert len(present) == 3, present
        modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in present}
        assert modes == dict.fromkeys(modes, 0o600)
    finally:
        os.umask(old_umask)
