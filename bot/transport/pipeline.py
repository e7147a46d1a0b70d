"""Many small Bot API calls at once, pipelined over a few keep-alive connections.

A burst of 3,294 taps is answered with 3,294 `answerCallbackQuery` calls. Through aiohttp each
is a request object, a connection taken from the pool and given back, a header writer and a
response object: ~170 µs of the event loop a call, the biggest share of what a tap cost once
the tap lane wrote its answers together (bench/README.md, ingest). Here a batch is written to
a connection as one buffer of HTTP/1.1 requests, and the answers, which come back in the same
order, are read off as they arrive: a few µs of Python a call.

Only what the Bot API sends is understood: a status line, headers, a `Content-Length` body.
Anything else (a chunked body, a lost connection, no answer in time) leaves the calls still
owed unanswered (None) and closes that connection; the caller sends those another way.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from collections import deque
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from bot.delivery.client import ApiAnswer, parse_answer

log = logging.getLogger(__name__)


class _Connection(asyncio.Protocol):
    """One keep-alive connection: requests written in order, answers matched in order."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._waiting: deque[asyncio.Future[ApiAnswer | None]] = deque()
        self._buffer = bytearray()
        self._status = 0
        self._length: int | None = None  # body length of the answer being read
        self._close_after = False

    @property
    def open(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._give_up()

    def send(self, requests: bytes, count: int) -> list[asyncio.Future[ApiAnswer | None]]:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in range(count)]
        self._waiting.extend(futures)
        self.transport.write(requests)
        return futures

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while self._waiting:
            if self._length is None and not self._read_head():
                return
            assert self._length is not None
            if len(self._buffer) < self._length:
                return
            body = bytes(self._buffer[: self._length])
            del self._buffer[: self._length]
            self._length = None
            future = self._waiting.popleft()
            if not future.done():
                future.set_result(parse_answer(self._status, body))
            if self._close_after:
                self.close()
                return

    def _read_head(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        lines = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
        del self._buffer[: end + 4]
        length: int | None = None
        self._close_after = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length" and value.isdigit():
                length = int(value)
            elif name == "connection" and value == "close":
                self._close_after = True
            elif name == "transfer-encoding":
                length = None
                break
        parts = lines[0].split(" ", 2)
        if length is None or len(parts) < 2 or not parts[1].isdigit():
            log.warning("pipelined answer not understood (%s): closing", lines[0])
            self.close()
            return False
        self._status, self._length = int(parts[1]), length
        return True

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None
        self._give_up()

    def _give_up(self) -> None:
        while self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_result(None)
        self._buffer.clear()
        self._length = None


class PipelinedClient:
    """`call_many(method, payloads)`: one answer (or None) per payload, in order."""

    def __init__(self, base_url: str, token: str, *, connections: int, timeout_s: float) -> None:
        url = urlsplit(f"{base_url}{token}/")
        self._host = url.hostname or "localhost"
        self._port = url.port or (443 if url.scheme == "https" else 80)
        self._path = url.path
        self._host_header = url.netloc.encode()
        self._ssl = ssl.create_default_context() if url.scheme == "https" else None
        self._timeout_s = timeout_s
        self._connections: list[_Connection | None] = [None] * connections
        self._next = 0
        self._connecting = asyncio.Lock()

    async def call_many(
        self, method: str, payloads: Sequence[dict[str, Any]]
    ) -> list[ApiAnswer | None]:
        if not payloads:
            return []
        size = -(-len(payloads) // len(self._connections))
        futures: list[asyncio.Future[ApiAnswer | None]] = []
        for start in range(0, len(payloads), size):
            chunk = payloads[start : start + size]
            connection = await self._connection()
            if connection is None:
                futures += [_none() for _ in chunk]
                continue
            futures += connection.send(
                b"".join(self._request(method, p) for p in chunk), len(chunk)
            )
        done, pending = await asyncio.wait(futures, timeout=self._timeout_s)
        for connection in self._connections:
            if pending and connection is not None:
                # No answer in time: whatever that connection still owes is given up.
                connection.close()
        return [f.result() if f in done else None for f in futures]

    def _request(self, method: str, payload: dict[str, Any]) -> bytes:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return (
            b"POST %s%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s"
            % (self._path.encode(), method.encode(), self._host_header, len(body), body)
        )

    async def _connection(self) -> _Connection | None:
        """The next connection in turn, (re)opened if need be; None if it cannot be."""
        index = self._next
        self._next = (index + 1) % len(self._connections)
        found = self._connections[index]
        if found is not None and found.open:
            return found
        async with self._connecting:
            loop = asyncio.get_running_loop()
            try:
                _, connection = await asyncio.wait_for(
                    loop.create_connection(
                        _Connection,
                        self._host,
                        self._port,
                        ssl=self._ssl,
                    ),
                    self._timeout_s,
                )
            except (OSError, TimeoutError) as exc:
                log.warning("pipelined connection to %s failed: %s", self._host, exc)
                return None
        self._connections[index] = connection
        return connection

    async def close(self) -> None:
        for connection in self._connections:
            if connection is not None:
                connection.close()
        self._connections = [None] * len(self._connections)


def _none() -> asyncio.Future[ApiAnswer | None]:
    future: asyncio.Future[ApiAnswer | None] = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future
