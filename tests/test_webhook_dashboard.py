"""Webhook mode with the dashboard on the webhook's own address and port: one server serves
Telegram's posts and the dashboard, each with its own checks; on another port, two servers as
before; a webhook path the dashboard serves is refused at start."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.cli.main import main
from bot.domain.dashboard import serves_path
from bot.runner import WEBHOOK
from bot.transport.webhook import SECRET_HEADER, WEBHOOK_SERVER, WebhookReceiver
from storage import inbox
from tests.harness import COMMANDER_ID, FAST_DELIVERY, TOKEN, BotHarness
from tests.test_dashboard_web import seed, server, tma
from tests.test_webhook import _update

SECRET = "s3cret-token_for-tests"
WEBHOOK_SETTINGS = {
    **FAST_DELIVERY,
    "webhook_url": "http://127.0.0.1:0/telegram",
    "webhook_port": 0,
    "webhook_secret": SECRET,
}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def receiver_of(bot: BotHarness) -> WebhookReceiver:
    found = bot.services.extras.get(WEBHOOK)
    assert found is not None, "webhook mode: the receiver must be serving"
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=["https://siaga.test/dasbor", "https://siaga.test/"], ids=["path", "root"])
async def shared(request: pytest.FixtureRequest, harness: BotHarness) -> BotHarness:
    """Both configured on 127.0.0.1, port 0: the same address, so one server on one port."""
    await seed(harness)
    await harness.start(**WEBHOOK_SETTINGS, web_url=request.param, web_port=0)
    return harness


async def test_one_port_takes_an_update_and_serves_the_dashboard(
    shared: BotHarness, http: aiohttp.ClientSession
) -> None:
    port = receiver_of(shared).port
    assert server(shared).port == port
    secret = {SECRET_HEADER: SECRET}
    async with http.post(
        f"http://127.0.0.1:{port}/telegram", json=_update(7, 5002, "/bantuan"), headers=secret
    ) as posted:
        assert posted.status == 200
        # The webhook answers Telegram as before: none of the dashboard's headers.
        assert "Content-Security-Policy" not in posted.headers
    assert receiver_of(shared).accepted == 1
    await shared.fake.wait_for_message(5002, "belum terdaftar")

    async with http.get(
        server(shared).local_url + "/api/snapshot", headers=tma(shared, COMMANDER_ID)
    ) as answer:
        assert answer.status == 200
        assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
        sections = json.loads(await answer.text())["sections"]
    assert "BRIMOB" in sections["readiness"]
    async with http.get(server(shared).local_url + "/") as page:
        assert page.status == 200
        assert "dasbor.js" in await page.text()


async def test_a_forged_dashboard_request_is_still_refused(
    shared: BotHarness, http: aiohttp.ClientSession
) -> None:
    forged = tma(shared, COMMANDER_ID)["Authorization"][:-8] + "0" * 8
    for headers in ({"Authorization": forged}, {}):
        async with http.get(server(shared).local_url + "/api/snapshot", headers=headers) as answer:
            assert answer.status == 401
            assert "BRIMOB" not in await answer.text()
    assert server(shared).refused == 2


async def test_the_webhook_without_its_secret_is_still_refused(
    shared: BotHarness, http: aiohttp.ClientSession
) -> None:
    url = f"http://127.0.0.1:{receiver_of(shared).port}/telegram"
    for headers in ({}, {SECRET_HEADER: "guess"}):
        async with http.post(url, json=_update(2, 5001, "/bantuan"), headers=headers) as r:
            assert r.status == 403
    assert receiver_of(shared).refused == 2
    assert await inbox.count(shared.db) == 0
    assert not shared.fake.sent_to(5001)


async def test_stopping_the_shared_server_ends_an_open_stream_cleanly(
    shared: BotHarness, http: aiohttp.ClientSession
) -> None:
    url = server(shared).local_url + "/api/stream"
    async with http.get(url, headers=tma(shared, COMMANDER_ID)) as response:
        assert response.status == 200
        assert (await response.content.readline()).startswith(b"event: snapshot")
        stopping = asyncio.create_task(shared.stop())
        # The dashboard ends its streams when the webhook's server shuts down (on_shutdown):
        # the page reads a complete answer, not a connection cut when the server gave up.
        rest = await response.content.read()
        await stopping
    assert b"event: refused" not in rest


async def test_every_dashboard_route_is_in_the_space_the_start_check_guards(
    shared: BotHarness,
) -> None:
    base = shared.services.settings.web_base
    routes = list(shared.services.extras[WEBHOOK_SERVER].app.router.routes())
    posts = [r.resource.canonical for r in routes if r.method == "POST" and r.resource]
    gets = [r.resource.canonical for r in routes if r.method == "GET" and r.resource]
    assert posts == ["/telegram"]
    assert not serves_path(base, "/telegram")
    assert len(gets) >= 7
    assert all(serves_path(base, path) for path in gets), gets


async def test_on_another_port_there_are_two_servers_as_before(
    harness: BotHarness, http: aiohttp.ClientSession
) -> None:
    await seed(harness)
    await harness.start(
        **WEBHOOK_SETTINGS, web_url="https://siaga.test/dasbor", web_port=free_port()
    )
    webhook_port, web_port = receiver_of(harness).port, server(harness).port
    assert webhook_port != web_port
    secret = {SECRET_HEADER: SECRET}
    async with http.post(
        f"http://127.0.0.1:{webhook_port}/telegram",
        json=_update(8, 5003, "/bantuan"),
        headers=secret,
    ) as posted:
        assert posted.status == 200
    await harness.fake.wait_for_message(5003, "belum terdaftar")
    headers = tma(harness, COMMANDER_ID)
    async with http.get(server(harness).local_url + "/api/snapshot", headers=headers) as answer:
        assert answer.status == 200
    # Each serves only its own.
    async with http.get(
        f"http://127.0.0.1:{webhook_port}/dasbor/api/snapshot", headers=headers
    ) as answer:
        assert answer.status == 404
    async with http.post(
        f"http://127.0.0.1:{web_port}/telegram", json=_update(9, 5003, "/bantuan"), headers=secret
    ) as posted:
        assert posted.status in (404, 405)


@pytest.mark.parametrize(
    ("base", "path", "served"),
    [
        ("/dasbor", "/dasbor", True),
        ("/dasbor", "/dasbor/", True),
        ("/dasbor", "/dasbor/api/stream", True),
        ("/dasbor", "/dasbor/layar/x", True),
        ("/dasbor", "/dasbor/static", True),
        ("/dasbor", "/dasbor/telegram", False),
        ("/dasbor", "/telegram", False),
        ("/dasbor", "/", False),
        ("/dasbor", "/dasborx", False),
        ("", "/", True),
        ("", "/api/snapshot", True),
        ("", "/layar", True),
        ("", "/telegram", False),
        ("", "/apix", False),
    ],
)
def test_which_paths_the_dashboard_serves(base: str, path: str, served: bool) -> None:
    assert serves_path(base, path) is served


@pytest.fixture
def run_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [k for k in os.environ if k.startswith("SIAGA_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "BOT_TOKEN": TOKEN,
        "DB_PATH": str(tmp_path / "siaga.db"),
        # Nothing answers here: a bot that got past the check would never start.
        "API_BASE_URL": "http://127.0.0.1:9/bot",
        "WEBHOOK_URL": "https://siaga.example/dasbor/api/tg",
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_PORT": "8443",
        "WEB_URL": "https://siaga.example/dasbor",
    }.items():
        monkeypatch.setenv(f"SIAGA_{name}", value)


@pytest.mark.usefixtures("run_env")
def test_a_webhook_path_the_dashboard_serves_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("SIAGA_WEB_PORT", "8443")
    assert main(["run"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "Path webhook /dasbor/api/tg (SIAGA_WEBHOOK_URL) juga milik dasbor"
        " (https://siaga.example/dasbor), di alamat dan port yang sama. Beri webhook path lain"
        " (mis. /telegram) atau dasbor port lain (SIAGA_WEB_PORT)."
    ]
    assert not (tmp_path / "siaga.db").exists()


@pytest.mark.usefixtures("run_env")
def test_check_names_a_webhook_path_the_dashboard_serves(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SIAGA_WEB_PORT", "8443")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    webhook = [line for line in out.splitlines() if " webhook " in f" {line} "]
    assert webhook == [
        "GAGAL webhook       Path webhook /dasbor/api/tg (SIAGA_WEBHOOK_URL) juga milik dasbor"
        " (https://siaga.example/dasbor), di alamat dan port yang sama. Beri webhook path lain"
        " (mis. /telegram) atau dasbor port lain (SIAGA_WEB_PORT)."
    ]


@pytest.mark.usefixtures("run_env")
@pytest.mark.parametrize(
    "env",
    [
        {"SIAGA_WEB_PORT": "8080"},
        # One port on two distinct addresses: two servers that do not meet.
        {"SIAGA_WEB_PORT": "8443", "SIAGA_WEB_LISTEN": "127.0.0.2"},
    ],
    ids=["own-port", "own-address"],
)
def test_check_passes_the_webhook_on_a_port_of_its_own(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    main(["check"])
    out = capsys.readouterr().out
    names = [line.split()[1] for line in out.splitlines()]
    assert names[:2] == ["configuration", "timezone"]
    assert "webhook" not in names


@pytest.mark.usefixtures("run_env")
def test_one_port_on_overlapping_addresses_is_refused_at_start_and_named_by_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The webhook on every address, the dashboard on 127.0.0.1, both on 8443: two servers,
    # and the second could never open its port.
    monkeypatch.setenv("SIAGA_WEB_PORT", "8443")
    monkeypatch.setenv("SIAGA_WEBHOOK_LISTEN", "0.0.0.0")
    said = (
        "Webhook (0.0.0.0) dan dasbor (127.0.0.1) sama-sama memakai port 8443, dan salah"
        " satunya terbuka di semua alamat (0.0.0.0): server kedua tidak akan bisa dibuka."
        " Samakan alamatnya (SIAGA_WEB_LISTEN sama dengan SIAGA_WEBHOOK_LISTEN: satu server"
        " melayani keduanya) atau beri dasbor port lain (SIAGA_WEB_PORT)."
    )
    assert main(["run"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [said]
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if " webhook " in f" {line} "] == [
        f"GAGAL webhook       {said}"
    ]
