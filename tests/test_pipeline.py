"""Pipelined Bot API calls (bot/transport/pipeline.py): answers matched in order, and what is
owed when a connection goes wrong is handed back unanswered (None), never guessed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.rehearsal.fake_telegram import FakeTelegram
from bot.transport.pipeline import PipelinedClient
from tests.delivery_support import TOKEN

OK = b'{"ok":true,"result":true}'
DATA = "ap:v1:y:1:p"
CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"


async def test_a_burst_of_answers_is_matched_to_its_queries(fake: FakeTelegram) -> None:
    user = fake.user(7001, "Andi")
    client = PipelinedClient(fake.api_base_url, TOKEN, connections=4, timeout_s=5)
    try:
        hadir = {"text": "Hadir", "callback_data": DATA}
        [sent] = await client.call_many(
            "sendMessage",
            [
                {
                    "chat_id": user.id,
                    "text": "Apel",
                    "reply_markup": {"inline_keyboard": [[hadir]]},
                }
            ],
        )
        assert sent is not None
        assert sent.ok
        message = fake.sent_to(user.id)[0]
        queries = [
            await fake.inject_callback_query(user, message, "ap:v1:y:1:p") for _ in range(30)
        ]
        answers = await client.call_many(
            "answerCallbackQuery",
            [{"callback_query_id": q, "text": f"#{i}"} for i, q in enumerate(queries)],
        )
        # The same query a second time: Telegram refuses it, and that answer is the right one.
        again = await client.call_many("answerCallbackQuery", [{"callback_query_id": queries[3]}])
    finally:
        await client.close()

    assert [a.ok if a else None for a in answers] == [True] * 30
    assert [(fake.callback_answer(q) or {}).get("text") for q in queries] == [
        f"#{i}" for i in range(30)
    ]
    assert again[0] is not None
    assert (again[0].ok, again[0].status) == (False, 400)


@asynccontextmanager
async def serve(answer: Callable[[int], bytes | None]) -> AsyncIterator[str]:
    """A server that reads requests and writes `answer(n)` for the n-th (None: hang up)."""
    handlers: list[asyncio.Task[Any]] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.append(task)
        n = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                await reader.readexactly(length)
                reply = answer(n)
                n += 1
                if reply is None:
                    break
                writer.write(reply)
                await writer.drain()
        except asyncio.IncompleteReadError:
            pass  # the client hung up
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        server.close()
        await server.wait_closed()
        # Each connection's handler ends once the client has hung up.
        await asyncio.wait_for(asyncio.gather(*handlers), 5)


def plain(body: bytes = OK) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        # The connection drops after two answers: the rest are owed, not failed.
        (lambda n: plain() if n < 2 else None, [True, True, None, None, None]),
        # A body the pipeline does not read (chunked): nothing from there on is trusted.
        (
            lambda n: plain() if n == 0 else CHUNKED,
            [True, None, None, None, None],
        ),
        # A refusal in the middle is that call's answer; the ones after it are still matched.
        (
            lambda n: (
                plain(b'{"ok":false,"error_code":400,"description":"Bad Request: no"}')
                if n == 1
                else plain()
            ),
            [True, False, True, True, True],
        ),
    ],
)
async def test_what_a_connection_owes_when_it_goes_wrong_is_handed_back(
    answer: Callable[[int], bytes | None], expected: list[bool | None]
) -> None:
    async with serve(answer) as base:
        client = PipelinedClient(base, "TOKEN", connections=1, timeout_s=2)
        try:
            answers = await client.call_many("answerCallbackQuery", [{"n": i} for i in range(5)])
        finally:
            await client.close()

    assert [a.ok if a else None for a in answers] == expected


async def test_a_connection_that_never_answers_is_given_up_in_time() -> None:
    async with serve(lambda n: b"") as base:  # reads, never answers
        client = PipelinedClient(base, "TOKEN", connections=2, timeout_s=0.3)
        try:
            answers = await client.call_many("answerCallbackQuery", [{"n": i} for i in range(4)])
        finally:
            await client.close()

    assert answers == [None] * 4
