"""The posko dashboard end to end over HTTP: the real bot and its web server on the fake Bot
API, requests signed the way Telegram signs a Mini App's initData.

(The same pages in a real browser: tests/test_dashboard_browser.py.)
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
import pytest

from bot.domain.dashboard import init_data_for
from bot.rehearsal.fake_telegram import SimGroup
from handlers.dashboard import server_of
from handlers.dashboard.web import DashboardServer
from storage import personnel, readiness
from tests.harness import (
    COMMANDER_ID,
    FAST_DELIVERY,
    KOMANDAN,
    TOKEN,
    BotHarness,
    brimob,
    person_of,
    poh,
    register_brimob_posko,
)

GROUP_ID = -100600
WEB = {**FAST_DELIVERY, "web_url": "https://siaga.test/dasbor", "web_port": 0}
BRIMOB = [brimob(i) for i in range(1, 7)]
POH = [poh(i) for i in range(1, 4)]
MEMBER = BRIMOB[0]
STRANGER_ID = 4242


async def seed(bot: BotHarness) -> None:
    await bot.seed_linked([KOMANDAN, *BRIMOB, *POH])
    now = bot.clock.now()
    async with bot.offline() as tx:
        for member in BRIMOB[:3]:
            await readiness.set_ready(tx, (await person_of(tx, member)).id, now, source="test")
        commander = await person_of(tx, KOMANDAN)
        # His command: the BRIMOB category as well as his unit (roll calls of BRIMOB are his).
        await personnel.add_scope(tx, commander.id, "category", "BRIMOB")
        await register_brimob_posko(
            tx, GROUP_ID, by_user=COMMANDER_ID, by_person=commander.id, now=now
        )


@pytest.fixture
async def bot(harness: BotHarness) -> BotHarness:
    await seed(harness)
    await harness.start(**WEB)
    return harness


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def server(bot: BotHarness) -> DashboardServer:
    found = server_of(bot.services)
    assert found is not None, "the dashboard is configured, so it must be serving"
    return found


def tma(bot: BotHarness, user_id: int, *, age: timedelta = timedelta(0)) -> dict[str, str]:
    signed = init_data_for(user_id, TOKEN, bot.clock.now() - age)
    return {"Authorization": f"tma {signed}"}


async def get(
    http: aiohttp.ClientSession, bot: BotHarness, path: str, headers: dict[str, str]
) -> tuple[int, str]:
    async with http.get(server(bot).local_url + path, headers=headers) as response:
        return response.status, await response.text()


def personal_data() -> set[str]:
    members = [KOMANDAN, *BRIMOB, *POH]
    return {m.phone for m in members} | {m.nrp for m in members} | {m.name for m in members}


# -- who gets in ----------------------------------------------------------------------------


async def test_a_commander_sees_their_scope_and_nothing_else(
    bot: BotHarness, http: aiohttp.ClientSession
) -> None:
    status, body = await get(http, bot, "/api/snapshot", tma(bot, COMMANDER_ID))
    assert status == 200
    sections = json.loads(body)["sections"]
    readiness_html = sections["readiness"]
    assert "BRIMOB" in readiness_html
    assert "POH" not in readiness_html  # another category: outside his command
    assert "BRIMOB, Satbrimob" in sections["header"]
    # Counts only in the snapshot: names come one list at a time, phones one person at a time.
    assert not any(secret in body for secret in personal_data())


@pytest.mark.parametrize(
    ("who", "age", "tamper", "expected"),
    [
        pytest.param(MEMBER.user_id, timedelta(0), None, 403, id="anggota"),
        pytest.param(STRANGER_ID, timedelta(0), None, 403, id="stranger"),
        pytest.param(COMMANDER_ID, timedelta(days=2), None, 401, id="stale"),
        pytest.param(COMMANDER_ID, timedelta(0), "user", 401, id="tampered-user"),
        pytest.param(COMMANDER_ID, timedelta(0), "hash", 401, id="forged-hash"),
    ],
)
async def test_refused_with_no_data(
    bot: BotHarness,
    http: aiohttp.ClientSession,
    who: int,
    age: timedelta,
    tamper: str | None,
    expected: int,
) -> None:
    headers = tma(bot, who, age=age)
    if tamper is not None:
        fields = dict(parse_qsl(headers["Authorization"].removeprefix("tma ")))
        if tamper == "user":
            # Someone else's initData with the commander's id put in: the signature breaks.
            fields["user"] = fields["user"].replace(str(COMMANDER_ID), str(COMMANDER_ID + 1))
        else:
            fields["hash"] = "0" * 64
        headers = {"Authorization": "tma " + urlencode(fields)}
    for path in ("/api/snapshot", "/api/stream", "/api/list?view=readiness", "/api/person/1"):
        status, body = await get(http, bot, path, headers)
        assert status == expected, path
        assert "BRIMOB" not in body
        assert "Satbrimob" not in body
        assert not any(secret in body for secret in personal_data())
    assert server(bot).refused >= 4


async def test_no_credentials_at_all(bot: BotHarness, http: aiohttp.ClientSession) -> None:
    status, _ = await get(http, bot, "/api/snapshot", {})
    assert status == 401


async def test_pages_carry_a_strict_policy_and_no_inline_script(
    bot: BotHarness, http: aiohttp.ClientSession
) -> None:
    async with http.get(server(bot).local_url + "/") as response:
        page = await response.text()
        policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' https://telegram.org/js/telegram-web-app.js" in policy
    assert "unsafe-inline" not in policy
    assert "default-src 'none'" in policy
    # Every script is a file; nothing of the bot's token in the page.
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
    assert TOKEN.split(":")[1] not in page
    assert response.headers["Referrer-Policy"] == "no-referrer"


# -- lists and the phone of a silent person -------------------------------------------------------


async def test_lists_filter_sort_and_a_tap_shows_the_phone(
    bot: BotHarness, http: aiohttp.ClientSession
) -> None:
    headers = tma(bot, COMMANDER_ID)
    status, body = await get(
        http, bot, "/api/list?view=readiness&state=unknown&sort=name", headers
    )
    assert status == 200
    listed = json.loads(body)["html"]
    # Brimob 4-6 never answered; 1-3 are SIAP and filtered out; POH is not his.
    for member in BRIMOB[3:]:
        assert member.name in listed
    for member in [*BRIMOB[:3], *POH]:
        assert member.name not in listed
    assert not any(m.phone in listed for m in BRIMOB)  # phones only on a tap
    ids = re.findall(r'data-person="(\d+)"', listed)
    assert ids
    status, body = await get(http, bot, f"/api/person/{ids[0]}", headers)
    assert status == 200
    card = json.loads(body)["html"]
    assert any(m.phone[:4] + "-" + m.phone[4:8] in card for m in BRIMOB[3:]), card

    # Someone outside his command: refused, even by id.
    async with bot.offline() as tx:
        outsider = await person_of(tx, POH[0])
    status, body = await get(http, bot, f"/api/person/{outsider.id}", headers)
    assert status == 403
    assert POH[0].phone not in body


# -- live updates -------------------------------------------------------------------------------


async def read_events(response: aiohttp.ClientResponse) -> AsyncIterator[dict[str, Any]]:
    buffer = ""
    async for chunk in response.content.iter_any():
        buffer += chunk.decode()
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            data = [line[6:] for line in block.split("\n") if line.startswith("data: ")]
            if data and "event: snapshot" in block:
                yield json.loads("\n".join(data))


async def test_a_tap_in_telegram_updates_the_open_page(
    bot: BotHarness, http: aiohttp.ClientSession
) -> None:
    commander = bot.fake.user(COMMANDER_ID)
    await commander.send("/apel BRIMOB 30")
    member = bot.fake.user(MEMBER.user_id)
    prompt = await bot.fake.wait_for_message(MEMBER.user_id, lambda m: bool(m.button("Hadir")))
    url = server(bot).local_url + "/api/stream"
    async with http.get(url, headers=tma(bot, COMMANDER_ID)) as response:
        assert response.status == 200
        # A stream's headers leave before its first event: the security ones with them.
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        events = read_events(response)
        first = await anext(events)
        assert "0 hadir" in first["sections"]["rollcalls"]
        await member.press("Hadir", message=prompt)

        # The watcher pushes the change without the page asking (the wait is generous: this
        # proves the push, bench/dashboard_bench.py measures how fast it is).
        async def answered() -> None:
            async for update in events:
                if "1 hadir" in update["sections"]["rollcalls"]:
                    return

        await asyncio.wait_for(answered(), timeout=15)


# -- the big screen -------------------------------------------------------------------------------


async def screen_link(bot: BotHarness, group: SimGroup, text: str = "/dasbor layar") -> str:
    commander = bot.fake.user(COMMANDER_ID)
    await commander.send(text, chat=group)
    message = await bot.fake.wait_for_message(GROUP_ID, "/layar/")
    found = re.search(r"https://siaga\.test/dasbor(/layar/\S+)", message.text or "")
    assert found is not None, message.text
    return found.group(1)


def posko(bot: BotHarness) -> SimGroup:
    group = bot.fake.group(GROUP_ID, "Posko Brimob")
    group.set_member(bot.fake.user(COMMANDER_ID))
    group.set_member(bot.fake.user(MEMBER.user_id))
    return group


async def test_the_big_screen_shows_counts_only_until_revoked(
    bot: BotHarness, http: aiohttp.ClientSession
) -> None:
    group = posko(bot)
    path = await screen_link(bot, group)
    status, page = await get(http, bot, path, {})
    assert status == 200
    assert "BRIMOB" in page
    assert "Kesiapan" in page
    assert not any(secret in page for secret in personal_data())
    token = path.rsplit("/", 1)[1]
    screen = {"Authorization": f"screen {token}"}
    status, _ = await get(http, bot, "/api/snapshot", screen)
    assert status == 200
    # Counts only: no list, no phone, whatever the page asks.
    assert (await get(http, bot, "/api/list?view=readiness", screen))[0] == 403
    assert (await get(http, bot, "/api/person/1", screen))[0] == 403

    await bot.fake.user(COMMANDER_ID).send("/dasbor cabut", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "tautan layar dicabut")
    status, page = await get(http, bot, path, {})
    assert status == 403
    assert "sudah tidak berlaku" in page
    assert "BRIMOB" not in page
    assert (await get(http, bot, "/api/snapshot", screen))[0] == 403


async def test_a_screen_link_expires_and_a_forged_one_is_unknown(
    bot: BotHarness, http: aiohttp.ClientSession
) -> None:
    group = posko(bot)
    path = await screen_link(bot, group, "/dasbor layar 2")
    assert (await get(http, bot, path, {}))[0] == 200
    link_id, expires, signature = path.rsplit("/", 1)[1].split(".")
    longer = f"/layar/{link_id}.{int(expires) + 86400}.{signature}"
    status, page = await get(http, bot, longer, {})
    assert status == 401
    assert "BRIMOB" not in page
    bot.clock.advance(hours=2, minutes=1)
    status, page = await get(http, bot, path, {})
    assert status == 403
    assert "sudah tidak berlaku" in page


async def test_only_a_commander_of_the_group_makes_screen_links(bot: BotHarness) -> None:
    group = posko(bot)
    await bot.fake.user(MEMBER.user_id).send("/dasbor layar", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "hanya untuk komandan")
    await bot.fake.user(COMMANDER_ID).send("/dasbor layar 9 minggu", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "bukan masa berlaku")
    assert not any("/layar/" in (m.text or "") for m in bot.fake.sent_to(GROUP_ID))


# -- buttons ------------------------------------------------------------------------------------


async def test_status_and_menu_open_the_mini_app(bot: BotHarness) -> None:
    commander = bot.fake.user(COMMANDER_ID)
    await commander.send("/status")
    answer = await bot.fake.wait_for_message(COMMANDER_ID, "STATUS SIAGA")
    button = answer.button("Dasbor")
    assert button is not None
    assert button["web_app"]["url"] == "https://siaga.test/dasbor"
    # In a group Telegram allows no web_app button: a link to the bot's Mini App instead.
    group = posko(bot)
    await commander.send("/status", chat=group)
    in_group = await bot.fake.wait_for_message(GROUP_ID, "STATUS SIAGA")
    link = in_group.button("Dasbor")
    assert link is not None
    assert link["url"].endswith("?startapp=dasbor")
    # The commander's menu button opens it too.
    menu = bot.fake.menu_buttons.get(COMMANDER_ID)
    assert menu is not None
    assert menu["type"] == "web_app"


async def test_without_a_web_url_the_bot_works_as_before(harness: BotHarness) -> None:
    await seed(harness)
    await harness.start(**FAST_DELIVERY)
    assert server_of(harness.services) is None
    commander = harness.fake.user(COMMANDER_ID)
    await commander.send("/status")
    answer = await harness.fake.wait_for_message(COMMANDER_ID, "STATUS SIAGA")
    assert answer.button("Dasbor") is None
    assert harness.fake.menu_buttons == {}
    await commander.send("/dasbor")
    await harness.fake.wait_for_message(COMMANDER_ID, "belum diaktifkan")


async def test_each_viewer_is_rate_limited(
    harness: BotHarness, http: aiohttp.ClientSession
) -> None:
    await seed(harness)
    await harness.start(**WEB, web_requests=3, web_window_s=60, admin_ids=[900001])
    commander = tma(harness, COMMANDER_ID)
    statuses = [(await get(http, harness, "/api/snapshot", commander))[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another viewer has a budget of their own.
    assert (await get(http, harness, "/api/snapshot", tma(harness, 900001)))[0] == 200


async def test_an_english_speaking_commander_reads_english(
    bot: BotHarness, http: aiohttp.ClientSession
) -> None:
    signed = init_data_for(COMMANDER_ID, TOKEN, bot.clock.now(), language="en")
    status, body = await get(http, bot, "/api/snapshot", {"Authorization": f"tma {signed}"})
    assert status == 200
    sections = json.loads(body)["sections"]
    assert "Readiness" in sections["readiness"]
    assert "No call-out is running." in sections["callouts"]


async def test_the_page_before_its_data_speaks_the_browsers_language(
    bot: BotHarness, http: aiohttp.ClientSession
) -> None:
    status, body = await get(http, bot, "/", {"Accept-Language": "en-US,en;q=0.9"})
    assert status == 200
    assert '<html lang="en">' in body
    assert "Loading the dashboard" in body
    # The other language rides along for the script, which reads Telegram's language_code.
    assert 'data-lang="id" data-loading="Memuat dasbor…"' in body
    _, body = await get(http, bot, "/", {})
    assert '<html lang="id">' in body
    assert '<p id="loading" class="muted">Memuat dasbor…</p>' in body


async def test_live_rekaps_open_the_mini_app(bot: BotHarness) -> None:
    """The commander's roll-call and call-out rekaps carry the Dasbor button while live."""
    commander = bot.fake.user(COMMANDER_ID)
    await commander.send("/apel BRIMOB 30")
    card = await bot.fake.wait_for_message(
        COMMANDER_ID, lambda m: any("ap:v1:rem:" in str(b) for b in m.buttons)
    )
    button = card.button("Dasbor")
    assert button is not None
    assert button["web_app"]["url"] == "https://siaga.test/dasbor"

    await commander.send("/mobilize BRIMOB 1 Kantor KPU Kalbar")
    confirm = await bot.fake.wait_for_message(COMMANDER_ID, "Konfirmasi pengerahan")
    await commander.press("Kirim", message=confirm)
    rekap = await bot.fake.wait_for_message(
        COMMANDER_ID, lambda m: any("co:v1:stop:" in str(b) for b in m.buttons)
    )
    button = rekap.button("Dasbor")
    assert button is not None
    assert button["web_app"]["url"] == "https://siaga.test/dasbor"

    # Ordered in the posko group: a link there (Telegram allows web_app buttons only in
    # private chats).
    group = posko(bot)
    await commander.send("/apel BRIMOB 30", chat=group)
    in_group = await bot.fake.wait_for_message(
        GROUP_ID, lambda m: any("ap:v1:rem:" in str(b) for b in m.buttons)
    )
    link = in_group.button("Dasbor")
    assert link is not None
    assert link["url"].endswith("?startapp=dasbor")
