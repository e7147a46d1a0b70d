"""The posko dashboard in a real browser: Playwright driving the system's Chromium
(`/usr/bin/chromium`, Debian's package; `.ci/run` installs it) against the real bot and its web
server on the fake Bot API.

Every request the page makes outside this machine is aborted and recorded: the page must work
without Telegram's script (a closed network), and may ask for nothing else.

Screenshots of each main view are taken at phone size (390x844) and big-screen size
(1920x1080); with SIAGA_DOCS_SCREENSHOTS=1 they are also written to docs/ for the README.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from playwright.async_api import Browser, Page, Route, async_playwright, expect

from bot.domain.callout import InviteState, Order, OrderLine
from bot.domain.dashboard import init_data_for
from handlers.dashboard import server_of
from storage import callouts, personnel, readiness
from tests.harness import (
    COMMANDER_ID,
    FAST_DELIVERY,
    KOMANDAN,
    TOKEN,
    BotHarness,
    Member,
    person_of,
    poh,
    register_brimob_posko,
)

CHROMIUM = Path("/usr/bin/chromium")
GROUP_ID = -100700
PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1920, "height": 1080}
DOCS = Path(__file__).resolve().parent.parent / "docs"
WEB = {**FAST_DELIVERY, "web_url": "https://siaga.test/dasbor", "web_port": 0}
SITE = (-0.0263, 109.3425)  # Kantor KPU Kalbar, Pontianak

if not CHROMIUM.exists():
    # CI installs it (.ci/run); a developer machine without it skips, saying how to get it.
    if os.environ.get("CI"):
        raise RuntimeError("/usr/bin/chromium is missing: .ci/run should have installed it")
    pytest.skip("apt-get install -y chromium to run the browser tests", allow_module_level=True)


def brimob(i: int) -> Member:
    return Member(
        f"8705{i:04d}",
        ["Andi Saputra", "Budi Santoso", "Eko Prasetyo", "Dedi Kurniawan", "Fajar Nugroho"][i % 5]
        + f" {i}",
        ["Bripda", "Briptu", "Brigpol", "Bripka"][i % 4],
        "BRIMOB",
        f"Kompi {1 + i % 3}",
        f"0812100{i:05d}",
        user_id=1000 + i,
    )


BRIMOB = [brimob(i) for i in range(1, 25)]
POH = [poh(i) for i in range(1, 9)]
MEMBER = BRIMOB[0]
STRANGER_ID = 4242


async def stage(bot: BotHarness) -> None:
    """A posko evening in miniature: readiness of all kinds, a call-out under way with people
    arriving around the site. The roll call is opened through the bot by the tests."""
    await bot.seed_linked([KOMANDAN, *BRIMOB, *POH])
    now = bot.clock.now()
    async with bot.offline() as tx:
        ids = {m.nrp: (await person_of(tx, m)).id for m in [KOMANDAN, *BRIMOB, *POH]}
        await personnel.add_scope(tx, ids[KOMANDAN.nrp], "category", "BRIMOB")
        for i, member in enumerate(BRIMOB[:18]):
            if i % 6 == 5:
                await readiness.set_not_ready(
                    tx, ids[member.nrp], now, reason="sakit", source="test"
                )
            else:
                await readiness.set_ready(tx, ids[member.nrp], now, source="test")
        await register_brimob_posko(
            tx, GROUP_ID, by_user=COMMANDER_ID, by_person=ids[KOMANDAN.nrp], now=now
        )
        callout_id = await callouts.create(
            tx,
            draft_id=None,
            order=Order(
                (OrderLine("BRIMOB", 8),),
                "Kantor KPU Kalbar, Pontianak",
                latitude=SITE[0],
                longitude=SITE[1],
            ),
            radius_m=300,
            ordered_by_user_id=COMMANDER_ID,
            ordered_by_person_id=ids[KOMANDAN.nrp],
            ordered_by_name="AKBP Hendra Wijaya",
            chat_id=COMMANDER_ID,
            chat_is_group=False,
            language="id",
            invite_timeout=timedelta(minutes=5),
            now=now - timedelta(minutes=14),
        )
        line_id = await callouts.add_line(tx, callout_id, "BRIMOB", 8)
        # Six of the ready ones took the call; four arrived (one reported from 1.1 km away).
        for n, member in enumerate(BRIMOB[12:18]):
            person_id = ids[member.nrp]
            invite = await callouts.add_invite(
                tx, callout_id, line_id, person_id, member.user_id, now - timedelta(minutes=13)
            )
            await callouts.transition(
                tx, invite, [InviteState.PENDING], InviteState.ACCEPTED, now, answered=True
            )
            await readiness.set_deployed(tx, person_id, callout_id, now)
            if n < 4:
                north, east = [(120, 40), (-200, 150), (60, -260), (900, 700)][n]
                await callouts.record_arrival(
                    tx,
                    invite,
                    now,
                    latitude=SITE[0] + north / 111_195,
                    longitude=SITE[1] + east / 111_195,
                    accuracy_m=15,
                    distance_m=None,
                    status="verified" if n < 3 else "reported",
                )
        for member in BRIMOB[18:20]:
            await callouts.add_invite(
                tx, callout_id, line_id, ids[member.nrp], member.user_id, now
            )


@pytest.fixture
async def bot(harness: BotHarness) -> BotHarness:
    await stage(harness)
    await harness.start(**WEB)
    return harness


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            # Root in CI's container: Chromium's sandbox needs user namespaces it may not have.
            args=["--no-sandbox"],
        )
        try:
            yield launched
        finally:
            await launched.close()


class Outside:
    """Requests the page made to anywhere but this machine (all aborted)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith("http://127.0.0.1"):
            await route.continue_()
        else:
            self.asked.append(url)
            await route.abort()


async def open_page(browser: Browser, url: str, size: dict[str, int]) -> tuple[Page, Outside]:
    page = await browser.new_page(viewport=size)  # type: ignore[arg-type]
    outside = Outside()
    await page.route("**/*", outside.route)
    await page.goto(url)
    return page, outside


def mini_app_url(
    bot: BotHarness,
    user_id: int,
    *,
    age: timedelta = timedelta(0),
    claim: int | None = None,
    language: str = "id",
) -> str:
    """How Telegram opens a Mini App: initData in the URL fragment (never sent to a server).
    `claim`: the user id edited in afterwards, as a forger would (the hash no longer fits)."""
    server = server_of(bot.services)
    assert server is not None
    signed = init_data_for(user_id, TOKEN, bot.clock.now() - age, language)
    if claim is not None:
        fields = dict(parse_qsl(signed))
        fields["user"] = fields["user"].replace(f'"id":{user_id}', f'"id":{claim}')
        signed = urlencode(fields)
    return f"{server.local_url}/#tgWebAppData={quote(signed)}&tgWebAppVersion=7.0"


async def shoot(page: Page, name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    await page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000  # a drawn page, not a blank one
    if os.environ.get("SIAGA_DOCS_SCREENSHOTS") == "1":
        shutil.copy(path, DOCS / name)


# Whatever scrolls sideways: the page itself, or a box of it that scrolls (a wide table).
SIDEWAYS = """() => {
  const wide = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > root.clientWidth) { wide.push("page " + root.scrollWidth); }
  for (const el of document.querySelectorAll("body *")) {
    const x = getComputedStyle(el).overflowX;
    if ((x === "auto" || x === "scroll") && el.scrollWidth > el.clientWidth) {
      wide.push((el.id || el.className || el.tagName) + " " + el.scrollWidth);
    }
  }
  return wide;
}"""


async def fits_sideways(page: Page) -> None:
    """Nothing on the page scrolls horizontally (UX.md: a phone is read without panning)."""
    assert await page.evaluate(SIDEWAYS) == []


def only_telegram(outside: Outside) -> None:
    assert all(url.startswith("https://telegram.org/js/") for url in outside.asked), outside.asked


# -- the Mini App ---------------------------------------------------------------------------------


async def test_a_commander_sees_their_scope_and_a_silent_persons_phone(
    bot: BotHarness, browser: Browser, tmp_path: Path
) -> None:
    await bot.fake.user(COMMANDER_ID).send("/apel BRIMOB 30")
    await bot.fake.wait_for_message(MEMBER.user_id, lambda m: bool(m.button("Hadir")))
    page, outside = await open_page(browser, mini_app_url(bot, COMMANDER_ID), PHONE)
    readiness_section = page.locator("#readiness")
    await expect(readiness_section).to_contain_text("BRIMOB")
    await expect(readiness_section).not_to_contain_text("POH")
    await expect(page.locator("#rollcalls")).to_contain_text("APEL #1")
    await expect(page.locator("#callouts")).to_contain_text("6/8 siap berangkat")
    await expect(page.locator("#callouts")).to_contain_text("3 dari 4 tiba dalam radius 300 m")
    await fits_sideways(page)
    await shoot(page, "dashboard-phone.png", tmp_path)

    await page.locator("button.open-list[data-view=readiness]").click()
    await expect(page.locator("#panel")).to_contain_text("Daftar kesiapan")
    await page.locator("#panel select[name=state]").select_option("unknown")
    await expect(page.locator("#panel")).to_contain_text("7 personel")
    await page.locator("#panel button.person").first.click()
    card = page.locator("#person")
    await expect(card).to_contain_text("Kompi")
    await expect(card.locator("a.phone")).to_contain_text("0812-100")
    await fits_sideways(page)
    await shoot(page, "dashboard-phone-list.png", tmp_path)

    wide, _ = await open_page(browser, mini_app_url(bot, COMMANDER_ID), SCREEN)
    await expect(wide.locator("#readiness")).to_contain_text("BRIMOB")
    await shoot(wide, "dashboard-app-wide.png", tmp_path)
    only_telegram(outside)


async def test_the_loading_page_speaks_the_viewers_telegram_language(
    bot: BotHarness, browser: Browser
) -> None:
    # A browser set to French: the server sends the page in Siaga's default language.
    page = await browser.new_page(viewport=PHONE, locale="fr-FR")  # type: ignore[arg-type]
    outside = Outside()
    await page.route("**/*", outside.route)
    # The data never comes: what shows is the page before it.
    await page.route("**/api/**", lambda route: route.abort())
    await page.goto(mini_app_url(bot, COMMANDER_ID, language="en-GB"))
    await expect(page.locator("#loading")).to_have_text("Loading the dashboard…")
    assert await page.evaluate("document.documentElement.lang") == "en"
    await fits_sideways(page)


@pytest.mark.parametrize(
    ("who", "age", "words"),
    [
        pytest.param(MEMBER.user_id, timedelta(0), "hanya untuk komandan", id="anggota"),
        pytest.param(STRANGER_ID, timedelta(0), "hanya untuk komandan", id="stranger"),
        pytest.param(COMMANDER_ID, timedelta(days=2), "Sesi dasbor berakhir", id="stale"),
        pytest.param(COMMANDER_ID, None, "Sesi dasbor berakhir", id="tampered"),
    ],
)
async def test_refused_pages_show_no_data(
    bot: BotHarness, browser: Browser, who: int, age: timedelta | None, words: str
) -> None:
    # Tampered: the commander's initData claiming another account's id.
    tampered = age is None
    url = mini_app_url(
        bot, who, age=age or timedelta(0), claim=COMMANDER_ID + 1 if tampered else None
    )
    page, outside = await open_page(browser, url, PHONE)
    await expect(page.locator("#notice")).to_contain_text(words)
    await fits_sideways(page)
    body = await page.locator("body").inner_text()
    assert "BRIMOB" not in body
    assert "Anggota" not in body
    only_telegram(outside)


async def test_a_tap_in_telegram_updates_the_open_page(bot: BotHarness, browser: Browser) -> None:
    await bot.fake.user(COMMANDER_ID).send("/apel BRIMOB 30")
    prompt = await bot.fake.wait_for_message(MEMBER.user_id, lambda m: bool(m.button("Hadir")))
    page, _ = await open_page(browser, mini_app_url(bot, COMMANDER_ID), PHONE)
    rollcalls = page.locator("#rollcalls")
    await expect(rollcalls).to_contain_text("0 hadir")
    loaded = await page.evaluate("performance.getEntriesByType('navigation').length")
    await bot.fake.user(MEMBER.user_id).press("Hadir", message=prompt)
    # Pushed, not reloaded: the same document shows the answer (bench/ measures how fast).
    await expect(rollcalls).to_contain_text("1 hadir", timeout=15_000)
    assert await page.evaluate("performance.getEntriesByType('navigation').length") == loaded


# -- the big screen -------------------------------------------------------------------------------


async def test_the_big_screen_shows_counts_only_and_stops_when_revoked(
    bot: BotHarness, browser: Browser, tmp_path: Path
) -> None:
    group = bot.fake.group(GROUP_ID, "Posko Brimob")
    commander = bot.fake.user(COMMANDER_ID)
    group.set_member(commander)
    await commander.send("/apel BRIMOB 30")
    await commander.send("/dasbor layar", chat=group)
    message = await bot.fake.wait_for_message(GROUP_ID, "/layar/")
    server = server_of(bot.services)
    assert server is not None
    path = (message.text or "").split("https://siaga.test/dasbor", 1)[1].split()[0]
    url = server.local_url + path

    page, outside = await open_page(browser, url, SCREEN)
    await expect(page.locator("#readiness")).to_contain_text("BRIMOB")
    await expect(page.locator("#callouts")).to_contain_text("PENGERAHAN")
    text = await page.locator("body").inner_text()
    html = await page.content()
    for member in [KOMANDAN, *BRIMOB, *POH]:
        assert member.name not in text
        assert member.phone[1:] not in html
        assert member.nrp not in html
    assert await page.locator("button.open-list").count() == 0
    await shoot(page, "dashboard-screen.png", tmp_path)
    small, _ = await open_page(browser, url, PHONE)
    await expect(small.locator("#readiness")).to_contain_text("BRIMOB")
    await fits_sideways(small)
    await shoot(small, "dashboard-screen-phone.png", tmp_path)
    assert outside.asked == []  # the TV page asks nothing of anyone else

    await commander.send("/dasbor cabut", chat=group)
    await bot.fake.wait_for_message(GROUP_ID, "dicabut")
    await page.reload()
    await expect(page.locator("h1")).to_contain_text("sudah tidak berlaku")
    assert "BRIMOB" not in await page.locator("body").inner_text()
