"""The lean Bot API client of the hot path, and what an answer means for the row."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

import aiohttp

from storage.outbox import OutboxRow

DEFAULT_API_BASE = "https://api.telegram.org/bot"


_UNREACHABLE_400 = ("chat not found", "peer_id_invalid", "user not found", "chat_id is empty")


@dataclass(frozen=True, slots=True)
class ApiAnswer:
    """What one Bot API call came back with; status 0 means no HTTP answer at all."""

    ok: bool
    status: int
    message_id: int | None = None
    description: str = ""
    retry_after: float | None = None
    migrate_to: int | None = None
    result: Any = None


class BotApiClient:
    """One keep-alive connection pool posting JSON to `{base}{token}/{method}`."""

    def __init__(
        self, base_url: str, token: str, *, timeout_s: float, max_connections: int
    ) -> None:
        self._prefix = f"{base_url}{token}/"
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    @property
    def started(self) -> bool:
        return self._session is not None

    async def start(self) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections, ttl_dns_cache=300, enable_cleanup_closed=True
            )
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout, json_serialize=_dumps
            )

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def call(self, method: str, payload: dict[str, Any]) -> ApiAnswer:
        return await self._post(method, data=_dumps(payload).encode(), json_body=True)

    async def call_multipart(
        self, method: str, fields: dict[str, str], file_field: str, file_name: str, data: bytes
    ) -> ApiAnswer:
        form = aiohttp.FormData()
        for key, value in fields.items():
            form.add_field(key, value)
        form.add_field(file_field, data, filename=file_name)
        return await self._post(method, data=form, json_body=False)

    async def _post(self, method: str, *, data: Any, json_body: bool) -> ApiAnswer:
        if self._session is None:
            raise RuntimeError("BotApiClient.start() was not called")
        headers = {"Content-Type": "application/json"} if json_body else None
        try:
            async with self._session.post(
                self._prefix + method, data=data, headers=headers
            ) as response:
                status = response.status
                body = await response.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return ApiAnswer(False, 0, description=f"network: {type(exc).__name__}: {exc}")
        return parse_answer(status, body)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_answer(status: int, body: bytes) -> ApiAnswer:
    try:
        parsed = json.loads(body)
    except ValueError:
        return ApiAnswer(False, status, description=f"HTTP {status}: not JSON")
    if not isinstance(parsed, dict):
        return ApiAnswer(False, status, description=f"HTTP {status}: unexpected answer")
    if parsed.get("ok") is True:
        result = parsed.get("result")
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return ApiAnswer(True, status, message_id=message_id, result=result)
    code = parsed.get("error_code")
    params = parsed.get("parameters") or {}
    retry_after = params.get("retry_after") if isinstance(params, dict) else None
    migrate = params.get("migrate_to_chat_id") if isinstance(params, dict) else None
    return ApiAnswer(
        False,
        int(code) if isinstance(code, int) else status,
        description=str(parsed.get("description") or ""),
        retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
        migrate_to=int(migrate) if isinstance(migrate, int) else None,
    )


class Verdict(Enum):
    SENT = "sent"
    FLOOD = "flood"
    MIGRATE = "migrate"
    TRANSIENT = "transient"
    UNREACHABLE = "unreachable"
    FAILED = "failed"


@dataclass(slots=True)
class Outcome:
    row: OutboxRow
    verdict: Verdict
    answer: ApiAnswer
    finished: float  # monotonic


def classify(row: OutboxRow, answer: ApiAnswer) -> Verdict:
    if answer.ok:
        return Verdict.SENT
    if answer.retry_after is not None:
        return Verdict.FLOOD
    if answer.migrate_to is not None:
        return Verdict.MIGRATE
    code, desc = answer.status, answer.description.lower()
    if code == 0 or code >= 500 or code in (401, 404, 409, 420, 429):
        # No answer, a server fault, or a token/config problem someone will fix: wait.
        return Verdict.TRANSIENT
    if "message is not modified" in desc:
        return Verdict.SENT
    if code == 403 or (code == 400 and any(s in desc for s in _UNREACHABLE_400)):
        return Verdict.UNREACHABLE
    return Verdict.FAILED


def unreachable_reason(description: str) -> str:
    """A short reason code for the owner's notice from Telegram's description."""
    desc = description.lower()
    if "blocked" in desc:
        return "blocked"
    if "deactivated" in desc:
        return "deactivated"
    if "kicked" in desc or "not a member" in desc:
        return "kicked"
    if "not found" in desc or "peer_id_invalid" in desc:
        return "not-found"
    return "other"
