"""Every state-changing typed command is safe to replay after a crash.

The process dies after the command's transaction commits and before its update leaves the
inbox; the restart processes what is left there. The transaction that acted also finished the
update (`storage.inbox.settle_processing`), so nothing happens a second time: no second row,
no second reply, and the inbox is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.rehearsal.fake_telegram import SimGroup
from bot.transport.inbox import InboxUpdateProcessor
from storage import inbox, personnel, readiness
from tests.harness import (
    FAST_DELIVERY,
    KOMANDAN,
    BotHarness,
    brimob,
    person_of,
    register_brimob_posko,
    snapshot,
)

ADMIN_ID = 900001
POSKO_ID = -100501  # registered for BRIMOB before the test
NEW_GROUP_ID = -100502  # the bot is in it, not yet a posko
ANDI, BUDI, CITRA, DEDI = (brimob(n) for n in range(1, 5))
SETTINGS = {
    **FAST_DELIVERY,
    "admin_ids": [ADMIN_ID],
    "web_url": "https://siaga.test/dasbor",
    "web_port": 0,
}


@dataclass(frozen=True)
class Command:
    sender: int
    text: str
    answer: str  # words of the answer that says it was done
    chat: int | None = None  # a group; None: the sender's private chat

    def __str__(self) -> str:
        return self.text


COMMANDS = [
    Command(ANDI.user_id, "/siap", "SIAP"),
    Command(BUDI.user_id, "/tidaksiap sakit", "TIDAK SIAP"),
    Command(ADMIN_ID, f"/angkat {CITRA.nrp} komandan BRIMOB", "sekarang komandan"),
    Command(ADMIN_ID, f"/copot {KOMANDAN.nrp}", "dicabut"),
    Command(ADMIN_ID, f"/lepas {DEDI.nrp}", "tidak lagi terhubung"),
    Command(KOMANDAN.user_id, "/posko", "terdaftar sebagai", NEW_GROUP_ID),
    Command(KOMANDAN.user_id, "/posko sematkan", "tersemat", POSKO_ID),
    Command(ADMIN_ID, "/jamrawan 18:00-23:59", "Jadwal jam rawan"),
    Command(KOMANDAN.user_id, "/jamrawan on", "diaktifkan"),
    Command(ADMIN_ID, "/ekspor personel xlsx", "baris"),
    Command(KOMANDAN.user_id, "/dasbor layar", "Tautan layar besar", POSKO_ID),
    Command(KOMANDAN.user_id, "/dasbor cabut", "tautan layar", POSKO_ID),
    Command(KOMANDAN.user_id, "/apel", "pilih peserta"),
    Command(KOMANDAN.user_id, "/apel BRIMOB 30", "dibuka"),
    Command(KOMANDAN.user_id, "/cekkesiapan BRIMOB 10", "dibuka"),
    Command(KOMANDAN.user_id, "/mobilize", "pilih kategori"),
    Command(KOMANDAN.user_id, "/mobilize BRIMOB 1 Kantor KPU Kalbar", "Konfirmasi pengerahan"),
]


async def world(harness: BotHarness) -> dict[int, SimGroup]:
    """The BRIMOB commander and four members, all ready; a posko of BRIMOB; a group the bot
    was just added to."""
    members = [KOMANDAN, ANDI, BUDI, CITRA, DEDI]
    await harness.seed_linked(members)
    now = harness.clock.now()
    async with harness.offline() as tx:
        for index, member in enumerate(members):
            person = await person_of(tx, member)
            await readiness.set_ready(
                tx, person.id, now - timedelta(minutes=index + 1), source="t"
            )
        commander = await person_of(tx, KOMANDAN)
        await personnel.clear_scopes(tx, commander.id)
        await personnel.add_scope(tx, commander.id, "category", "BRIMOB")
        await register_brimob_posko(
            tx, POSKO_ID, by_user=KOMANDAN.user_id, by_person=commander.id, now=now
        )
    await harness.start(**SETTINGS)
    fake = harness.fake
    posko = fake.group(POSKO_ID, "Posko Brimob")
    new_group = fake.group(NEW_GROUP_ID, "Posko Baru")
    commander_user = fake.user(KOMANDAN.user_id, first_name="Hendra")
    posko.set_member(commander_user)
    await fake.add_bot_to_group(new_group, commander_user)
    await fake.wait_for_message(NEW_GROUP_ID, "Siaga sudah masuk grup ini")
    await fake.wait_idle(quiet=0.3)
    return {POSKO_ID: posko, NEW_GROUP_ID: new_group}


@pytest.mark.parametrize("command", COMMANDS, ids=str)
async def test_a_typed_command_replayed_after_a_crash_acts_once(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch, command: Command
) -> None:
    chats = await world(harness)
    fake = harness.fake
    # The crash: no update is ever marked done by the processor after it ran.
    monkeypatch.setattr(InboxUpdateProcessor, "finished", lambda self, update_ids: None)
    chat = chats[command.chat] if command.chat is not None else None
    await fake.user(command.sender).send(command.text, chat=chat)
    where = command.chat if command.chat is not None else command.sender
    await fake.wait_for_message(where, command.answer)
    await fake.wait_idle(quiet=0.3)
    rows = await snapshot(harness.db)
    said = len(fake.sent_to(where))
    await harness.restart()
    await fake.wait_idle(quiet=0.3)
    assert await inbox.count(harness.db) == 0
    assert len(fake.sent_to(where)) == said
    assert await snapshot(harness.db) == rows
