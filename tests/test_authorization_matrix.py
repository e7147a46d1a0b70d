"""Authorization matrix: every command and every button namespace, for every kind of asker,
in a private chat and in a command group, allowed or refused exactly as specified.

The askers:

| actor      | who                                                                  |
|------------|----------------------------------------------------------------------|
| `stranger` | a Telegram account the bot has never seen                            |
| `unlinked` | started: shared a contact that matched nobody, asked by NRP, waiting |
| `anggota`  | a linked BRIMOB member                                               |
| `komandan` | a commander of the BRIMOB category (in scope of every target here)  |
| `luar`     | a commander of the POH category (out of scope of every target here) |
| `admin`    | a configured admin                                                   |

The targets (a roll call, a call-out and its invitation, an order being drafted, a
registration request, the command group) all belong to BRIMOB; the group is a posko
registered for BRIMOB.

Refused means: the refusal's words (from `locales/id`) reach the asker, and the database is
exactly as before — every table but the purely technical ones (`inbox`: a row per update
until it is processed; `runtime_state`: the polling offset). Refusals change nothing, so they
run first on one shared bot, in any order. Allowed actions do change things; they run after
all refusals, in the order listed, and must not be answered with any refusal or the apology.

The matrix is the tables below: `COMMANDS` (one row per command, one column per asker, for a
private chat and for the group) and `BUTTONS` (one row per button, pressed where it lives).
"""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from fluent.syntax import FluentParser, ast

from bot.clock import FakeClock
from bot.rehearsal.fake_telegram import FakeTelegram, SentMessage, SimGroup, SimUser
from locales import ftl_files
from storage import personnel, readiness
from storage.db import Database
from tests.harness import BotHarness, Member, register_brimob_posko, snapshot

# -- the world ----------------------------------------------------------------------------------

ADMIN_ID = 900001
STRANGER_ID = 3001
UNLINKED_ID = 3002
GROUP_ID = -100777
KOMANDAN = Member(
    "75020345", "Hendra Wijaya", "AKBP", "BRIMOB", "Sat Brimob", "081300000001", "komandan", 2001
)
LUAR = Member(
    "78050678", "Agus Salim", "AKP", "POH", "Polresta Pontianak", "081300000002", "komandan", 2002
)
FAJAR = Member(
    "77040567", "Fajar Nugroho", "Kompol", "BRIMOB", "Sat Brimob", "081300000003", "komandan", 2003
)
ANDI = Member(
    "87050123", "Andi Saputra", "Bripda", "BRIMOB", "Kompi 1", "081234567801", user_id=1001
)
BUDI = Member(
    "88010234", "Budi Santoso", "Briptu", "BRIMOB", "Kompi 2", "081234567802", user_id=1002
)
EKO = Member(
    "89020345", "Eko Prasetyo", "Bripda", "BRIMOB", "Kompi 3", "081234567803", user_id=1003
)
DEDI = Member(
    "90030456",
    "Dedi Kurniawan",
    "Bripda",
    "POH",
    "Polresta Pontianak",
    "081234567804",
    user_id=1004,
)
GITA = Member("91040567", "Gita Permata", "Bripda", "BRIMOB", "Kompi 1", "081234567805")
MEMBERS = (KOMANDAN, LUAR, FAJAR, BUDI, ANDI, EKO, DEDI, GITA)  # BUDI: ready the longest
LINKED = (KOMANDAN, LUAR, FAJAR, BUDI, ANDI, EKO, DEDI)
SCOPES = ((KOMANDAN, "BRIMOB"), (LUAR, "POH"), (FAJAR, "BRIMOB"))

ACTORS = ("stranger", "unlinked", "anggota", "komandan", "luar", "admin")
ACTOR_IDS = {
    "stranger": STRANGER_ID,
    "unlinked": UNLINKED_ID,
    "anggota": ANDI.user_id,
    "komandan": KOMANDAN.user_id,
    "luar": LUAR.user_id,
    "admin": ADMIN_ID,
}
SETTINGS = {
    "admin_ids": [ADMIN_ID],
    "rate_overall_per_s": 1000.0,
    "rate_private_per_s": 1000.0,
    "private_burst": 1000,
    "rate_group_per_min": 60000.0,
    "group_burst": 1000,
    "edit_interval_s": 0.0,
    "unreachable_notice_delay_s": 0.0,
    "flood_updates": 100_000,
    # The dashboard is on: its command and its web requests are in the matrix too.
    "web_url": "https://siaga.test/dasbor",
    "web_port": 0,
    "web_requests": 100_000,
}


@dataclass
class World:
    bot: BotHarness
    group: SimGroup
    ids: dict[str, int]

    @property
    def fake(self) -> FakeTelegram:
        return self.bot.fake

    def user(self, actor: str) -> SimUser:
        return self.fake.user(ACTOR_IDS[actor])


def _button_data(message: SentMessage, prefix: str) -> str:
    for button in message.buttons:
        data = str(button.get("callback_data", ""))
        if data.startswith(prefix):
            return data
    raise AssertionError(f"no {prefix}… button on {message.text!r}")


def _last_int(data: str) -> int:
    return int(data.rsplit(":", 1)[1])


async def build_world(bot: BotHarness) -> World:
    await bot.seed(list(MEMBERS))
    db = await Database.open(bot.db_path)
    now = bot.clock.now()
    try:
        async with db.transaction() as tx:
            for index, member in enumerate(LINKED):
                person = await personnel.by_nrp(tx, member.nrp)
                assert person is not None
                await personnel.link(tx, person.id, member.user_id, now)
                ready_since = now - timedelta(minutes=len(LINKED) - index)
                await readiness.set_ready(tx, person.id, ready_since, source="test")
            for member, category in SCOPES:
                person = await personnel.by_nrp(tx, member.nrp)
                assert person is not None
                await personnel.clear_scopes(tx, person.id)
                await personnel.add_scope(tx, person.id, "category", category)
            commander = await personnel.by_nrp(tx, KOMANDAN.nrp)
            assert commander is not None
            await register_brimob_posko(
                tx, GROUP_ID, by_user=KOMANDAN.user_id, by_person=commander.id, now=now
            )
    finally:
        await db.close()
    await bot.start(**SETTINGS)
    fake = bot.fake
    group = fake.group(GROUP_ID, "Posko Brimob")
    ids: dict[str, int] = {}

    # Everyone has a bot message in their own chat (forged taps point at it) and is in the group.
    for actor, user_id in ACTOR_IDS.items():
        user = fake.user(user_id, first_name=actor.capitalize())
        await user.send("/bantuan")
        await fake.wait_for_message(user_id, "/bantuan")
        group.set_member(user)

    # The unlinked person: a contact that matched nobody, then Gita's NRP: a request waits.
    unlinked = fake.user(UNLINKED_ID)
    await unlinked.share_contact(phone="089999999999")
    await fake.wait_for_message(UNLINKED_ID, "tidak ditemukan")
    await unlinked.send(GITA.nrp)
    await fake.wait_for_message(UNLINKED_ID, "sudah dikirim")
    request = await fake.wait_for_message(ADMIN_ID, "Permintaan pendaftaran")
    ids["request"] = _last_int(_button_data(request, "reg:v1:ok:"))

    # A roll call of BRIMOB, opened by the BRIMOB commander.
    komandan = fake.user(KOMANDAN.user_id)
    await komandan.send("/apel BRIMOB 30")
    card = await fake.wait_for_message(
        KOMANDAN.user_id, lambda m: any("ap:v1:rem:" in str(b) for b in m.buttons)
    )
    ids["rollcall"] = _last_int(_button_data(card, "ap:v1:rem:"))

    # A call-out of one BRIMOB member (Budi, ready the longest): his invitation.
    await komandan.send("/mobilize BRIMOB 1 Kantor KPU Kalbar")
    confirm = await fake.wait_for_message(KOMANDAN.user_id, "Konfirmasi pengerahan")
    await komandan.press("Kirim", message=confirm)
    sent = await fake.wait_for_message(KOMANDAN.user_id, "dikirim")
    ids["callout"] = int((sent.text or "").split("#")[1].split()[0])
    invitation = await fake.wait_for_message(BUDI.user_id, "PENGERAHAN #")
    ids["invite"] = _last_int(_button_data(invitation, "co:v1:ok:"))

    # An order being drafted by the BRIMOB commander, not sent.
    await komandan.send("/mobilize BRIMOB 1 Pos Lain")
    draft = await fake.wait_for_message(
        KOMANDAN.user_id, lambda m: "Pos Lain" in (m.text or "") and bool(m.buttons)
    )
    ids["draft"] = _last_int(_button_data(draft, "co:v1:send:"))

    # The group's settings card: posko buttons live there.
    await komandan.send("/posko", chat=group)
    settings = await fake.wait_for_message(GROUP_ID, lambda m: bool(m.buttons))
    ids["group_card"] = settings.message_id
    await fake.wait_idle()
    return World(bot, group, ids)


# -- expectations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    allowed: bool
    key: str | None = None  # the locale key whose words the answer shows

    def __str__(self) -> str:
        return ("ok" if self.allowed else "no") + (f":{self.key}" if self.key else "")


def ok(key: str | None = None) -> Outcome:
    return Outcome(True, key)


def no(key: str) -> Outcome:
    return Outcome(False, key)


GATE_PRIVATE = no("gate-not-registered-private")
GATE_GROUP = no("gate-not-registered-group")
GATE_TAP = no("gate-not-registered")
COMMANDERS_ONLY = no("error-commander-only")
POSKO_COMMANDERS_ONLY = no("posko-commander-only")
ADMINS_ONLY = no("error-admin-only")
PRIVATE_ONLY = no("readiness-private-only")
EXPORT_PRIVATE_ONLY = no("eks-private-only")
# Commands bot/commands.py lists for private chats only (handlers.common.command).
PRIVATE_CHAT_ONLY = no("error-private-only")


def row(
    private: dict[str, Outcome] | Outcome,
    group: dict[str, Outcome] | Outcome,
    *,
    open_to_strangers: bool = False,
) -> dict[str, dict[str, Outcome]]:
    """Per chat, per actor. Strangers and the unlinked are turned away from anything not
    open to them, by the gate, before any feature sees the update."""
    table: dict[str, dict[str, Outcome]] = {}
    for chat, given, gate in (("private", private, GATE_PRIVATE), ("group", group, GATE_GROUP)):
        outcomes = dict.fromkeys(ACTORS, given) if isinstance(given, Outcome) else dict(given)
        if not open_to_strangers:
            outcomes.setdefault("stranger", gate)
            outcomes.setdefault("unlinked", gate)
        table[chat] = outcomes
    return table


def commanders(
    komandan: Outcome, luar: Outcome, *, anggota: Outcome = COMMANDERS_ONLY
) -> dict[str, Outcome]:
    return {"anggota": anggota, "komandan": komandan, "luar": luar, "admin": komandan}


def admins(allowed: Outcome) -> dict[str, Outcome]:
    return {"anggota": ADMINS_ONLY, "komandan": ADMINS_ONLY, "luar": ADMINS_ONLY, "admin": allowed}


def people(allowed: Outcome, admin: Outcome) -> dict[str, Outcome]:
    return {"anggota": allowed, "komandan": allowed, "luar": allowed, "admin": admin}


def command_table() -> dict[str, dict[str, dict[str, Outcome]]]:
    """The matrix for commands. `{x}` in a command is filled from the world's ids."""
    welcome = people(ok("start-welcome-back"), ok("register-ask-contact"))
    start = row(
        {"stranger": ok("register-ask-contact"), "unlinked": ok("register-waiting-approval")}
        | welcome,
        ok("start-in-group"),
        open_to_strangers=True,
    )
    help_ = row(ok(), ok(), open_to_strangers=True)
    language = row(ok("language-choose"), ok("language-choose"), open_to_strangers=True)
    status_out = no("sts-scope-outside")
    return {
        "/start": start,
        "/daftar": start,
        "/bantuan": help_,
        "/help": help_,
        "/bahasa": language,
        "/language": language,
        # Admin work, in the private chat: the targets are people who are not askers here.
        # In the group it changes nothing, whoever asks; the answer points to the private chat.
        f"/angkat {EKO.nrp} komandan BRIMOB": row(
            admins(ok("roles-appointed")), people(PRIVATE_CHAT_ONLY, PRIVATE_CHAT_ONLY)
        ),
        f"/copot {FAJAR.nrp}": row(admins(ok()), people(PRIVATE_CHAT_ONLY, PRIVATE_CHAT_ONLY)),
        f"/lepas {EKO.nrp}": row(admins(ok()), people(PRIVATE_CHAT_ONLY, PRIVATE_CHAT_ONLY)),
        # Command groups: in the group only, by commanders; re-scoping within one's own.
        "/posko": row(
            people(no("posko-in-private"), no("posko-in-private")),
            commanders(ok("posko-settings"), ok("posko-settings"), anggota=POSKO_COMMANDERS_ONLY),
        ),
        "/posko BRIMOB": row(
            people(no("posko-in-private"), no("posko-in-private")),
            commanders(ok(), no("posko-scope-outside"), anggota=POSKO_COMMANDERS_ONLY),
        ),
        "/status": row(
            commanders(ok(), ok(), anggota=POSKO_COMMANDERS_ONLY),
            # The group's own status, for any registered commander in it.
            commanders(ok(), ok(), anggota=POSKO_COMMANDERS_ONLY),
        ),
        "/status BRIMOB": row(
            commanders(ok(), status_out, anggota=POSKO_COMMANDERS_ONLY),
            commanders(ok(), status_out, anggota=POSKO_COMMANDERS_ONLY),
        ),
        "/laporan BRIMOB": row(
            commanders(ok(), status_out, anggota=POSKO_COMMANDERS_ONLY),
            commanders(ok(), status_out, anggota=POSKO_COMMANDERS_ONLY),
        ),
        # The dashboard: the Mini App button in private; big-screen links in the posko group,
        # by commanders whose command holds the group's scope.
        "/dasbor": row(
            commanders(ok("dsb-open"), ok("dsb-open"), anggota=POSKO_COMMANDERS_ONLY),
            commanders(
                ok("dsb-group-usage"), ok("dsb-group-usage"), anggota=POSKO_COMMANDERS_ONLY
            ),
        ),
        "/dasbor layar": row(
            commanders(
                ok("dsb-screen-in-group"),
                ok("dsb-screen-in-group"),
                anggota=POSKO_COMMANDERS_ONLY,
            ),
            commanders(
                ok("dsb-screen-link"), no("posko-scope-outside"), anggota=POSKO_COMMANDERS_ONLY
            ),
        ),
        "/dasbor cabut": row(
            commanders(
                ok("dsb-screen-in-group"),
                ok("dsb-screen-in-group"),
                anggota=POSKO_COMMANDERS_ONLY,
            ),
            commanders(ok(), no("posko-scope-outside"), anggota=POSKO_COMMANDERS_ONLY),
        ),
        "/ekspor": row(
            commanders(ok("eks-choose"), ok("eks-choose"), anggota=POSKO_COMMANDERS_ONLY),
            people(EXPORT_PRIVATE_ONLY, EXPORT_PRIVATE_ONLY),
        ),
        "/ekspor apel {rollcall} xlsx": row(
            commanders(ok(), no("eks-not-yours"), anggota=POSKO_COMMANDERS_ONLY),
            people(EXPORT_PRIVATE_ONLY, EXPORT_PRIVATE_ONLY),
        ),
        "/ekspor pengerahan {callout} csv": row(
            commanders(ok(), no("eks-not-yours"), anggota=POSKO_COMMANDERS_ONLY),
            people(EXPORT_PRIVATE_ONLY, EXPORT_PRIVATE_ONLY),
        ),
        "/jamrawan": row(
            commanders(ok(), ok(), anggota=POSKO_COMMANDERS_ONLY),
            commanders(ok(), ok(), anggota=POSKO_COMMANDERS_ONLY),
        ),
        "/jamrawan 18:00-23:59": row(
            commanders(
                no("jr-windows-admin-only"),
                no("jr-windows-admin-only"),
                anggota=POSKO_COMMANDERS_ONLY,
            )
            | {"admin": ok()},
            commanders(
                no("jr-windows-admin-only"),
                no("jr-windows-admin-only"),
                anggota=POSKO_COMMANDERS_ONLY,
            )
            | {"admin": ok()},
        ),
        # One's own readiness: in the private chat, by a person on the roster.
        "/siap": row(
            people(ok("readiness-now-siap"), no("readiness-no-person")),
            people(PRIVATE_ONLY, PRIVATE_ONLY),
        ),
        "/tidaksiap sakit": row(
            people(ok(), no("readiness-no-person")), people(PRIVATE_ONLY, PRIVATE_ONLY)
        ),
        "/kesiapan": row(
            people(ok(), no("readiness-no-person")), people(PRIVATE_ONLY, PRIVATE_ONLY)
        ),
        # Orders: commanders, within their own categories and units.
        "/apel BRIMOB 30": row(
            commanders(ok("apel-opened"), no("apel-scope-forbidden")),
            commanders(ok("apel-opened"), no("apel-scope-forbidden")),
        ),
        "/cekkesiapan BRIMOB": row(
            commanders(ok("apel-opened"), no("apel-scope-forbidden")),
            commanders(ok("apel-opened"), no("apel-scope-forbidden")),
        ),
        "/mobilize BRIMOB 1 Pos Baru": row(
            commanders(ok(), no("callout-error-out-of-scope")),
            commanders(ok(), no("callout-error-out-of-scope")),
        ),
        "/gerakkan BRIMOB 1 Pos Baru": row(
            commanders(ok(), no("callout-error-out-of-scope")),
            commanders(ok(), no("callout-error-out-of-scope")),
        ),
        "/pengerahan {callout}": row(
            commanders(ok(), no("callout-show-not-yours")),
            commanders(ok(), no("callout-show-not-yours")),
        ),
    }


def button_table() -> dict[str, tuple[str, dict[str, Outcome]]]:
    """Buttons, pressed where they live ("private": on a message in the asker's own chat, which
    is how a modified client forges data; "group": on the posko card)."""
    not_called = no("rollcall-not-yours")
    not_owner = no("rollcall-not-owner")
    not_yours = no("callout-not-yours")
    strangers = {"stranger": GATE_TAP, "unlinked": GATE_TAP}
    return {
        # A roll-call answer acts on the presser's own row: only those called may press it.
        "ap:v1:y:{rollcall}:p": (
            "private",
            strangers
            | {"anggota": ok(), "komandan": not_called, "luar": not_called, "admin": not_called},
        ),
        # Managing a roll call: its opener or an admin.
        "ap:v1:rem:{rollcall}": (
            "private",
            strangers | {"anggota": not_owner, "komandan": ok(), "luar": not_owner, "admin": ok()},
        ),
        # An invitation is its invitee's alone (Budi's; nobody here).
        "co:v1:ok:{invite}": (
            "private",
            strangers | dict.fromkeys(("anggota", "komandan", "luar", "admin"), not_yours),
        ),
        # Answering for someone: a commander of theirs, or an admin.
        "co:v1:pok:{invite}": (
            "private",
            strangers
            | {
                "anggota": no("callout-proxy-not-yours"),
                "komandan": ok(),
                "luar": no("callout-proxy-not-yours"),
                "admin": ok(),
            },
        ),
        # Managing a call-out: who ordered it, a commander of all its categories, an admin.
        "co:v1:stop:{callout}": (
            "private",
            strangers
            | {
                "anggota": no("callout-manage-not-yours"),
                "komandan": ok(),
                "luar": no("callout-manage-not-yours"),
                "admin": ok(),
            },
        ),
        # A draft order is its author's.
        "co:v1:send:{draft}": (
            "private",
            strangers
            | {
                "anggota": no("callout-draft-not-yours"),
                "komandan": ok(),
                "luar": no("callout-draft-not-yours"),
                "admin": no("callout-draft-not-yours"),
            },
        ),
        # One's own readiness.
        "rd:v1:siap": (
            "private",
            strangers
            | {
                "anggota": ok(),
                "komandan": ok(),
                "luar": ok(),
                "admin": no("readiness-no-person"),
            },
        ),
        "sts:v1:names:p": (
            "private",
            strangers | commanders(ok(), ok(), anggota=POSKO_COMMANDERS_ONLY),
        ),
        "ex:v1:go:c:csv:{callout}": (
            "private",
            strangers | commanders(ok(), no("eks-not-yours"), anggota=POSKO_COMMANDERS_ONLY),
        ),
        # The jam rawan switch is one for the whole command: any commander.
        "jr:v1:on": ("private", strangers | commanders(ok(), ok(), anggota=POSKO_COMMANDERS_ONLY)),
        # The posko's settings: commanders whose scope holds the group's.
        "posko:v1:chart0:{group}": (
            "group",
            strangers | commanders(ok(), no("posko-scope-outside"), anggota=POSKO_COMMANDERS_ONLY),
        ),
        "sts:v1:names:{group}": (
            "group",
            strangers | commanders(ok(), no("posko-scope-outside"), anggota=POSKO_COMMANDERS_ONLY),
        ),
        # Deciding a registration: the person's commanders and admins.
        "reg:v1:no:{request}": (
            "private",
            strangers
            | {
                "anggota": no("register-decision-not-yours"),
                "komandan": ok(),
                "luar": no("register-decision-not-yours"),
                "admin": ok(),
            },
        ),
        # Choosing a language is open to everyone.
        "lang:v1:set:id": ("private", dict.fromkeys(ACTORS, ok())),
    }


@dataclass(frozen=True)
class Case:
    kind: str  # "command" or "button"
    action: str
    chat: str
    actor: str
    outcome: Outcome

    @property
    def id(self) -> str:
        return f"{self.action} | {self.chat} | {self.actor} -> {self.outcome}"


def all_cases() -> list[Case]:
    cases = [
        Case("command", command, chat, actor, outcome)
        for command, chats in command_table().items()
        for chat, by_actor in chats.items()
        for actor, outcome in by_actor.items()
    ]
    cases += [
        Case("button", data, chat, actor, outcome)
        for data, (chat, by_actor) in button_table().items()
        for actor, outcome in by_actor.items()
    ]
    return cases


def _params(cases: list[Case]) -> list[Any]:
    return [pytest.param(case, id=case.id) for case in cases]


REFUSALS = [c for c in all_cases() if not c.outcome.allowed]
ALLOWED = [c for c in all_cases() if c.outcome.allowed]


def test_the_matrix_is_complete() -> None:
    """Every command the bot has, and every button namespace, has a row for every asker."""
    from bot.commands import COMMANDS

    names = {spec.name for spec in COMMANDS} | {a for spec in COMMANDS for a in spec.aliases}
    covered_commands = {
        c.action.split()[0].lstrip("/") for c in all_cases() if c.kind == "command"
    }
    assert names <= covered_commands, sorted(names - covered_commands)
    namespaces = {"ap", "co", "rd", "reg", "lang", "posko", "jr", "sts", "ex"}
    assert namespaces <= {c.action.split(":")[0] for c in all_cases() if c.kind == "button"}
    for command, chats in command_table().items():
        for chat, by_actor in chats.items():
            assert set(by_actor) == set(ACTORS), (command, chat)
    for data, (_chat, by_actor) in button_table().items():
        assert set(by_actor) == set(ACTORS), data


# -- running a case -----------------------------------------------------------------------------


@functools.cache
def _patterns(lang: str) -> dict[str, ast.Pattern]:
    found: dict[str, ast.Pattern] = {}
    for path in ftl_files(lang):
        for entry in FluentParser().parse(path.read_text("utf-8")).body:
            if isinstance(entry, ast.Message) and entry.value is not None:
                found[entry.id.name] = entry.value
    return found


@functools.cache
def phrase(key: str, lang: str = "id") -> str:
    """The longest stretch of fixed words in a message (HTML removed): what every rendering
    of it shows, whatever its variables."""
    pieces = [
        re.sub(r"<[^>]+>", "", element.value)
        for element in _patterns(lang)[key].elements
        if isinstance(element, ast.TextElement)
    ]
    return max((line.strip() for p in pieces for line in p.splitlines()), key=len)


REFUSAL_PHRASES = {
    phrase(k)
    for k in (
        "gate-not-registered-private",
        "gate-not-registered-group",
        "gate-not-registered",
        "error-commander-only",
        "posko-commander-only",
        "error-admin-only",
        "error-private-only",
        "apel-scope-forbidden",
        "callout-error-out-of-scope",
        "sts-scope-outside",
        "posko-scope-outside",
        "callout-show-not-yours",
        "eks-not-yours",
        "rollcall-not-yours",
        "rollcall-not-owner",
        "callout-not-yours",
        "callout-proxy-not-yours",
        "callout-manage-not-yours",
        "callout-draft-not-yours",
        "register-decision-not-yours",
        "error-apology",
        "error-apology-short",
    )
}


async def run_case(world: World, case: Case, expect: str | None = None) -> str:
    """Do it as the actor; the answer the actor saw (message texts, or the tap's answer).

    With ``expect``, wait until the answer holds that phrase: a command may post its rekap
    before its reply, and on a loaded machine the reply can come well after the rekap.
    """
    fake = world.fake
    user = world.user(case.actor)
    chat_id = user.id if case.chat == "private" else GROUP_ID
    action = case.action.format(**world.ids, group=GROUP_ID)
    before = fake.chat_state(chat_id).next_message_id if chat_id in fake.chats else 0
    if case.kind == "command":
        await user.send(action, chat=world.group if case.chat == "group" else None)

        def answer() -> str | None:
            texts = [
                m.text or m.kind
                for m in fake.sent_to(chat_id)
                if m.message_id >= before and m.sender_id != user.id
            ]
            return "\n".join(texts) or None

    else:
        if case.chat == "group":
            message = fake.message(GROUP_ID, world.ids["group_card"])
        else:
            message = fake.last_sent_to(user.id)
        query = await fake.inject_callback_query(user, message, action)

        def answer() -> str | None:
            answered = fake.callback_answer(query)
            if answered is None:
                return None
            # A tap may also be answered by a message (an export refused after "preparing").
            follow_ups = [
                m.text or m.kind
                for m in fake.sent_to(chat_id)
                if m.message_id >= before and m.sender_id != user.id
            ]
            return "\n".join([str(answered.get("text") or "(answered)"), *follow_ups])

    def expected_answer() -> str | None:
        text = answer()
        return text if text is not None and (expect is None or expect in text) else None

    text = await fake.wait_for(expected_answer, timeout=10, what=case.id)
    await fake.wait_idle(quiet=0.01)
    return answer() or text


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    fake = FakeTelegram()
    await fake.start()
    folder: Path = tmp_path_factory.mktemp("matrix")
    bot = BotHarness(fake=fake, clock=FakeClock(), db_path=folder / "siaga.db")
    try:
        yield await build_world(bot)
    finally:
        await bot.stop()
        await fake.stop()


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("case", _params(REFUSALS))
async def test_refused_and_nothing_changes(world: World, case: Case) -> None:
    before = await snapshot(world.bot.db)
    assert case.outcome.key is not None
    answer = await run_case(world, case, expect=phrase(case.outcome.key))
    assert phrase(case.outcome.key) in answer, answer
    after = await snapshot(world.bot.db)
    changed = {t: (before[t], after.get(t)) for t in before if before[t] != after.get(t)}
    assert changed == {}


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("case", _params(ALLOWED))
async def test_allowed(world: World, case: Case) -> None:
    expected = phrase(case.outcome.key) if case.outcome.key is not None else None
    answer = await run_case(world, case, expect=expected)
    refused = [p for p in REFUSAL_PHRASES if p in answer]
    assert refused == [], answer
    if case.outcome.key is not None:
        assert phrase(case.outcome.key) in answer, answer


@pytest.mark.asyncio(loop_scope="module")
async def test_an_outsider_cannot_take_over_a_posko_group(world: World) -> None:
    """A POH commander re-registering the BRIMOB group for POH is refused."""
    case = Case("command", "/posko POH", "group", "luar", no("posko-scope-outside"))
    answer = await run_case(world, case, expect=phrase("posko-scope-outside"))
    assert phrase("posko-scope-outside") in answer, answer


# -- the dashboard's web requests ---------------------------------------------------------------

# Per request, per asker (a Mini App opened by that Telegram account, initData signed as
# Telegram signs it): the HTTP status. Lists and phones are a commander's, within their command;
# `{andi}` is a BRIMOB member, the call-out is BRIMOB's.
WEB_REFUSED = {"stranger": 403, "unlinked": 403, "anggota": 403}
WEB_TABLE: dict[str, dict[str, int]] = {
    "/api/snapshot": WEB_REFUSED | {"komandan": 200, "luar": 200, "admin": 200},
    "/api/stream": WEB_REFUSED | {"komandan": 200, "luar": 200, "admin": 200},
    "/api/list?view=readiness": WEB_REFUSED | {"komandan": 200, "luar": 200, "admin": 200},
    "/api/list?view=callout:{callout}": WEB_REFUSED | {"komandan": 200, "luar": 403, "admin": 200},
    "/api/person/{andi}": WEB_REFUSED | {"komandan": 200, "luar": 403, "admin": 200},
}
WEB_CASES = [
    pytest.param(path, actor, status, id=f"{path} | {actor} -> {status}")
    for path, by_actor in WEB_TABLE.items()
    for actor, status in by_actor.items()
]


def test_the_web_matrix_is_complete() -> None:
    for path, by_actor in WEB_TABLE.items():
        assert set(by_actor) == set(ACTORS), path


async def _web_get(world: World, path: str, headers: dict[str, str]) -> tuple[int, str]:
    import aiohttp

    from handlers.dashboard import server_of

    server = server_of(world.bot.services)
    assert server is not None
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.local_url + path, headers=headers) as response,
    ):
        if response.content_type == "text/event-stream":
            # The first event is enough to know what the stream would show.
            return response.status, (await response.content.readuntil(b"\n\n")).decode()
        return response.status, await response.text()


async def _andi_id(world: World) -> int:
    person = await personnel.by_nrp(world.bot.db, ANDI.nrp)
    assert person is not None
    return person.id


def _init_data(world: World, actor: str, *, age: timedelta = timedelta(0)) -> dict[str, str]:
    from bot.domain.dashboard import init_data_for
    from tests.harness import TOKEN

    signed = init_data_for(ACTOR_IDS[actor], TOKEN, world.bot.clock.now() - age)
    return {"Authorization": f"tma {signed}"}


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("path", "actor", "status"), WEB_CASES)
async def test_dashboard_requests(world: World, path: str, actor: str, status: int) -> None:
    target = path.format(**world.ids, andi=await _andi_id(world))
    got, body = await _web_get(world, target, _init_data(world, actor))
    assert got == status, body
    if status != 200:
        assert "BRIMOB" not in body
        assert ANDI.name not in body
        assert ANDI.phone[1:] not in body
    elif actor == "luar":
        # A POH commander's picture has no BRIMOB in it.
        assert "BRIMOB" not in body
        assert ANDI.name not in body


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    "forgery", ["stale", "tampered", "forged-hash", "no-credentials", "forged-screen"]
)
async def test_dashboard_forgeries_get_401_and_no_data(world: World, forgery: str) -> None:
    headers = _init_data(world, "admin")
    if forgery == "stale":
        headers = _init_data(world, "admin", age=timedelta(days=2))
    elif forgery == "tampered":
        # The commander's own initData with the admin's id put in: the signature breaks.
        signed = _init_data(world, "komandan")["Authorization"]
        headers = {"Authorization": signed.replace(str(KOMANDAN.user_id), str(ADMIN_ID))}
    elif forgery == "forged-hash":
        headers = {
            "Authorization": re.sub(r"hash=\w+", "hash=" + "0" * 64, headers["Authorization"])
        }
    elif forgery == "no-credentials":
        headers = {}
    else:
        headers = {"Authorization": "screen 1.9999999999." + "A" * 32}
    for path in (
        "/api/snapshot",
        "/api/list?view=readiness",
        f"/api/person/{await _andi_id(world)}",
    ):
        got, body = await _web_get(world, path, headers)
        assert got == 401, (path, body)
        assert "BRIMOB" not in body
        assert ANDI.name not in body
