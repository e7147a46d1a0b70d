"""An in-process fake of the Telegram Bot API over real HTTP.

The bot under test keeps every real code path (PTB's HTTPXRequest, JSON encoding, error
mapping); only the far end is fake.  The fake holds chats and messages the way Telegram
does, checks each call against the published spec, and can be made slow, strict or flaky.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from .api import BotApi, Call, Handler
from .control import add_control_routes
from .faults import Faults
from .models import (
    JSON,
    SENDING_METHODS,
    ApiError,
    ChatState,
    RecordedRequest,
    SentMessage,
    UploadedFile,
    without_reply,
)
from .sim import ButtonMatch, SimGroup, SimUser
from .spec import BotApiSpec, MethodSpec, load_spec

_T = TypeVar("_T")
ChatRef = int | SimUser | SimGroup

DEFAULT_TOKEN = "123456:ABC-DEF_ghijklmnopqrstuvwxyz12345"


# Telegram's default when allowed_updates is empty or was never set.
_DEFAULT_EXCLUDED_UPDATES = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
# Without a spec these stay raw strings; everything else is tried as JSON like Telegram does.
_FALLBACK_RAW = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "action",
        "language_code",
        "file_id",
        "inline_message_id",
        "secret_token",
        "ip_address",
        "description",
        "short_description",
        "name",
    }
)
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)
_RESTRICTED_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_react_to_messages",
    "can_edit_tag",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
)


@dataclass(slots=True)
class CallbackQueryRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answer: JSON | None = None


class FakeTelegram:
    """A Bot API server on 127.0.0.1 with simulated users, groups and faults.

    Use it as an async context manager, point PTB at ``base_url`` (``/bot`` + token for the
    API, ``/file/bot`` + token for downloads), and drive the chat with ``user()`` and
    ``group()``.  Everything that reaches it is in ``requests``; whatever Telegram would have
    rejected as malformed is also in ``spec_violations``.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        bot_id: int | None = None,
        bot_username: str = "siaga_test_bot",
        bot_first_name: str = "Siaga",
        spec: BotApiSpec | str | os.PathLike[str] | None = None,
        check_spec: bool = True,
        validate_results: bool = True,
        strict_chats: bool = False,
        require_start: bool = False,
        privacy_mode: bool = True,
        record: bool = True,
        faults: Faults | None = None,
        clock: Callable[[], float] = time.time,
        control_api: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.token = token
        if bot_id is None:
            prefix = (token or DEFAULT_TOKEN).split(":", 1)[0]
            bot_id = int(prefix) if prefix.isdigit() else 123456
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        if isinstance(spec, BotApiSpec):
            self.spec: BotApiSpec | None = spec
        else:
            self.spec = load_spec(spec) if check_spec or validate_results else None
        self.check_spec = check_spec and self.spec is not None
        # Checking what the fake itself returns keeps it honest; the benchmark may turn it off.
        self.validate_results = validate_results and self.spec is not None
        # strict_chats: unknown chat ids are "chat not found" instead of becoming new users.
        self.strict_chats = strict_chats
        # require_start: a person who never wrote to the bot cannot be messaged, as on Telegram.
        self.require_start = require_start
        self.privacy_mode = privacy_mode
        self.record = record
        self.faults = faults or Faults()
        self.clock = clock
        self.control_api = control_api

        self.requests: list[RecordedRequest] = []
        self.spec_violations: list[str] = []
        self.unimplemented_calls: list[str] = []
        self.users: dict[int, SimUser] = {}
        self.groups: dict[int, SimGroup] = {}
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, UploadedFile] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        # When getUpdates first handed each callback query to the bot (monotonic): splits a
        # tap's latency into Telegram's side and the bot's (bench/ingest_bench.py).
        self.handed_out: dict[str, float] = {}
        # Every getUpdates that brought updates: (arrived, answered, how many), monotonic.
        self.polls: list[tuple[float, float, int]] = []
        self.commands: dict[tuple[tuple[str, int | None, int | None], str], list[JSON]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        # setChatMenuButton: per private chat, None for the bot's default.
        self.menu_buttons: dict[int | None, JSON] = {}
        self.webhook: JSON = {}
        self.phones: dict[int, str] = {}
        self._files_by_path: dict[str, UploadedFile] = {}

        self._updates: list[JSON] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._update_event = asyncio.Event()
        self._poll_owner: object | None = None
        self._closing = asyncio.Event()
        self._in_flight = 0
        self._waiting_polls = 0
        self._last_activity = 0.0
        self._next_file = 1
        self._next_cq = 1
        self._runner: web.AppRunner | None = None
        self.api = BotApi(self)
        self._handlers: dict[str, Handler] = self.api.handlers()
        # getUpdates needs the poller's internals, so the server answers it itself.
        self._handlers["getupdates"] = self._get_updates

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base_url(self) -> str:
        """What PTB's ``base_url`` wants: PTB appends the token."""
        return f"{self.base_url}/bot"

    @property
    def file_base_url(self) -> str:
        return f"{self.base_url}/file/bot"

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        if self.control_api:
            add_control_routes(app, self)
        # A short shutdown timeout: held "timeout" requests must not stall a test's teardown.
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self._closing.clear()
        for addr in runner.addresses:
            if isinstance(addr, tuple) and len(addr) >= 2:
                self.port = int(addr[1])
                break
        return self

    async def stop(self) -> None:
        self._closing.set()
        self.wake_pollers()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- HTTP -----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        raw_method = request.match_info["method"]
        lmethod = raw_method.lower()
        mspec = self.spec.method(lmethod) if self.spec is not None else None
        rec = RecordedRequest(
            method=mspec.name if mspec else raw_method, params={}, time=time.monotonic()
        )
        rec.token = token
        if self.record:
            self.requests.append(rec)
        self._in_flight += 1
        try:
            try:
                params, files = await self._read_params(request, mspec)
            except ApiError as err:
                status, payload = err.status, err.payload()
            else:
                rec.params = params
                rec.files = files
                status, payload = await self._dispatch(Call(lmethod, params, files, rec), mspec)
        finally:
            self._in_flight -= 1
        # A long poll that brought nothing is the bot waiting, not working: counted as activity,
        # a poll timeout of about `quiet` keeps wait_idle from ever seeing the bot idle.
        if not (lmethod == "getupdates" and status == 200 and not payload.get("result")):
            self._last_activity = time.monotonic()
        rec.status = status
        rec.response = payload
        if status == 429:
            self.faults.count_429 += 1
        return web.Response(
            text=json.dumps(payload, ensure_ascii=False),
            status=status,
            content_type="application/json",
        )

    async def _read_params(
        self, request: web.Request, mspec: MethodSpec | None
    ) -> tuple[JSON, dict[str, UploadedFile] | None]:
        raw: dict[str, Any] = dict(request.query) if request.query_string else {}
        files: dict[str, UploadedFile] | None = None
        if request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON body") from None
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: JSON body must be an object")
                raw.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        if files is None:
                            files = {}
                        files[key] = self.store_file(
                            value.file.read(),
                            file_name=value.filename,
                            mime_type=value.content_type,
                        )
                    else:
                        raw[key] = value
        raw_strings = mspec.raw_strings if mspec is not None else _FALLBACK_RAW
        params: JSON = {}
        for key, value in raw.items():
            if isinstance(value, str) and key not in raw_strings:
                params[key] = _maybe_json(value)
            else:
                params[key] = value
        return params, files

    async def _dispatch(self, call: Call, mspec: MethodSpec | None) -> tuple[int, JSON]:
        faults = self.faults
        lmethod = call.method
        try:
            if self.token is not None and call.record.token != self.token:
                raise ApiError(401, "Unauthorized")
            if self.check_spec:
                self._check_request(call, mspec)
            handler = self._handlers.get(lmethod)
            if handler is None:
                if mspec is None:
                    raise ApiError(404, "Not Found")
                self.unimplemented_calls.append(mspec.name)
                raise ApiError(
                    501, f"Not Implemented: the fake Bot API does not implement {mspec.name}"
                )
            delay = faults.latency_for(lmethod)
            if delay > 0:
                await asyncio.sleep(delay)
            err = faults.scripted_failure(lmethod)
            if err is not None:
                if err.status >= 500:
                    faults.count_5xx += 1
                raise err
            chat_id = call.params.get("chat_id")
            err = faults.chat_failure(chat_id if isinstance(chat_id, int) else None)
            if err is not None:
                raise err
            if faults.rate_limits and lmethod in SENDING_METHODS:
                err = faults.take_send_slot(chat_id if isinstance(chat_id, int) else None)
                if err is not None:
                    raise err
            if (faults.error_5xx_ratio or faults.timeout_ratio) and faults.random_applies(lmethod):
                if faults.roll_5xx():
                    faults.count_5xx += 1
                    raise ApiError(502, "Bad Gateway")
                if faults.roll_timeout():
                    return await self._time_out(call, handler)
            result = await handler(call)
            if self.validate_results and mspec is not None:
                self._validate(f"result of {mspec.name}", mspec.returns, result)
            back = faults.answer_latency_for(lmethod)
            if back > 0:
                await asyncio.sleep(back)
            return 200, {"ok": True, "result": result}
        except ApiError as err:
            return err.status, err.payload()

    async def _time_out(self, call: Call, handler: Handler) -> tuple[int, JSON]:
        faults = self.faults
        faults.count_timeouts += 1
        if faults.timeout_delivers:
            try:
                result = await handler(call)
            except ApiError as err:
                await self._hold(faults.timeout_hold_s)
                return err.status, err.payload()
            await self._hold(faults.timeout_hold_s)
            return 200, {"ok": True, "result": result}
        await self._hold(faults.timeout_hold_s)
        return 504, ApiError(504, "Gateway Timeout").payload()

    async def _hold(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    def _check_request(self, call: Call, mspec: MethodSpec | None) -> None:
        assert self.spec is not None
        params: JSON = call.params
        if call.files:
            params = {**params, **dict.fromkeys(call.files, "<file>")}
        problems = self.spec.check_request(call.record.method, params)
        if not problems:
            return
        self.spec_violations.extend(problems)
        if mspec is None:
            # Telegram itself answers an unknown method with a bare 404.
            raise ApiError(404, "Not Found")
        raise ApiError(400, "Bad Request: spec violation: " + "; ".join(problems))

    def _validate(self, where: str, types: Iterable[str], value: Any) -> None:
        assert self.spec is not None
        problems = self.spec.check_value(tuple(types), value, where)
        if problems:
            self.spec_violations.extend(f"fake bug: {p}" for p in problems)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # -- recording ------------------------------------------------------------------------

    def calls(self, method: str) -> list[RecordedRequest]:
        """Every recorded call of ``method`` (case-insensitive), oldest first."""
        lm = method.lower()
        return [r for r in self.requests if r.method.lower() == lm]

    def last_call(self, method: str) -> RecordedRequest:
        found = self.calls(method)
        if not found:
            raise AssertionError(f"{method} was never called; recent: {self._recent()}")
        return found[-1]

    def clear_requests(self) -> None:
        self.requests.clear()

    def sent_to(self, chat: ChatRef) -> list[SentMessage]:
        """The bot's messages currently in ``chat`` with their latest content."""
        state = self.chats.get(_chat_id(chat))
        return state.bot_messages() if state is not None else []

    def last_sent_to(self, chat: ChatRef) -> SentMessage:
        messages = self.sent_to(chat)
        if not messages:
            raise AssertionError(
                f"the bot has no message in chat {_chat_id(chat)}; recent: {self._recent()}"
            )
        return messages[-1]

    def history(self, chat: ChatRef) -> list[SentMessage]:
        """Every message in ``chat``, from people and the bot, deleted ones included."""
        state = self.chats.get(_chat_id(chat))
        return list(state.messages.values()) if state is not None else []

    def message(self, chat: ChatRef, message_id: int) -> SentMessage:
        return self.chat_state(_chat_id(chat)).messages[message_id]

    def callback_answer(self, callback_query_id: str) -> JSON | None:
        """The answerCallbackQuery parameters for this query, or None if unanswered."""
        record = self.callback_queries.get(callback_query_id)
        return None if record is None else record.answer

    def unanswered_callback_queries(self) -> list[CallbackQueryRecord]:
        return [r for r in self.callback_queries.values() if r.answer is None]

    def assert_clean(self) -> None:
        """No spec violation and no call the fake cannot answer."""
        problems = self.spec_violations + [f"unimplemented: {m}" for m in self.unimplemented_calls]
        if problems:
            raise AssertionError("Bot API misuse:\n  " + "\n  ".join(problems))

    def self_check(self) -> list[str]:
        """Hold every object the fake has produced or would answer with against the spec.

        Covers getMe's User, each chat as Chat and ChatFullInfo, every stored Message, each
        ChatMember status, pending Updates, WebhookInfo and File.  Empty when all field names
        exist in the spec and every required field is present.
        """
        spec = self.spec
        if spec is None:
            return []
        problems: list[str] = []

        def check(type_name: str, obj: Any, where: str) -> None:
            problems.extend(spec.check_value((type_name,), obj, where))

        check("User", self.api.me_json(), "getMe")
        check("WebhookInfo", self.api.webhook_info(), "getWebhookInfo")
        for status in ("creator", "administrator", "member", "restricted", "left", "kicked"):
            check("ChatMember", self.member_json(self.bot_user, status), f"ChatMember {status}")
        for state in self.chats.values():
            check("Chat", state.chat, f"Chat {state.id}")
            check("ChatFullInfo", self.api.chat_full_info(state), f"ChatFullInfo {state.id}")
            for msg in state.messages.values():
                check("Message", msg.raw, f"Message {state.id}/{msg.message_id}")
        for update in self._updates:
            check("Update", update, f"Update {update['update_id']}")
        for stored in self.files.values():
            check("File", self.api.file_json(stored), f"File {stored.file_id}")
        return problems

    def my_commands(self, scope: JSON | str | None = None, language_code: str = "") -> list[JSON]:
        """The command list stored for exactly this scope and language (as getMyCommands)."""
        if isinstance(scope, str):
            scope = {"type": scope}
        return list(self.commands.get((self.api.scope_key(scope), language_code), []))

    def menu_for(self, user: SimUser | int, chat: ChatRef | None = None) -> list[JSON]:
        """The command menu a person sees, resolving scopes the way Telegram documents."""
        uid = user.id if isinstance(user, SimUser) else int(user)
        sim = self.users.get(uid)
        lang = str(sim.user.get("language_code", "")) if sim is not None else ""
        if chat is None:
            keys: list[tuple[str, int | None, int | None]] = [
                ("chat", uid, None),
                ("all_private_chats", None, None),
                ("default", None, None),
            ]
        else:
            cid = _chat_id(chat)
            status = self.chat_state(cid).members.get(uid, "member")
            is_admin = status in ("administrator", "creator")
            keys = [("chat_member", cid, uid)]
            if is_admin:
                keys.append(("chat_administrators", cid, None))
            keys.append(("chat", cid, None))
            if is_admin:
                keys.append(("all_chat_administrators", None, None))
            keys += [("all_group_chats", None, None), ("default", None, None)]
        for key in keys:
            for language in (lang, "") if lang else ("",):
                found = self.commands.get((key, language))
                if found is not None:
                    return list(found)
        return []

    # -- waiting --------------------------------------------------------------------------

    # The waits take ``timeout`` (ASYNC109) on purpose: a failed wait must say what it waited
    # for and show the recent traffic, which an outer asyncio.timeout cannot do.
    async def wait_for(
        self,
        predicate: Callable[[], _T | None],
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str | None = None,
    ) -> _T:
        """Poll ``predicate`` until it is truthy and return its value, or fail readably."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if loop.time() >= deadline:
                desc = what or getattr(predicate, "__name__", "condition")
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {desc}\n{self.describe_recent()}"
                )
            await asyncio.sleep(0.01)

    async def wait_for_message(
        self,
        chat: ChatRef,
        match: str | Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        new_only: bool = False,
    ) -> SentMessage:
        """The newest bot message in ``chat`` whose text contains ``match`` (or satisfies it).

        ``new_only`` ignores messages that already existed when the wait began.
        """
        cid = _chat_id(chat)
        floor = 0
        if new_only:
            state = self.chats.get(cid)
            floor = state.next_message_id - 1 if state is not None else 0

        def found() -> SentMessage | None:
            for msg in reversed(self.sent_to(cid)):
                if msg.message_id <= floor:
                    break
                if match is None:
                    return msg
                if isinstance(match, str):
                    if match in (msg.text or ""):
                        return msg
                elif match(msg):
                    return msg
            return None

        return await self.wait_for(found, timeout, f"a message matching {match!r} in chat {cid}")

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[JSON], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        after: int = 0,
    ) -> RecordedRequest:
        """The first answered call of ``method`` (from index ``after`` in ``requests``)."""
        lm = method.lower()

        def found() -> RecordedRequest | None:
            for rec in self.requests[after:]:
                if (
                    rec.status
                    and rec.method.lower() == lm
                    and (predicate is None or predicate(rec.params))
                ):
                    return rec
            return None

        return await self.wait_for(found, timeout, f"a {method} call")

    async def wait_idle(self, timeout: float = 5.0, quiet: float = 0.05) -> None:  # noqa: ASYNC109
        """Until every update was fetched and no call but long polling ran for ``quiet`` s.

        This is how a test asserts that something did *not* happen without sleeping long.
        It is a heuristic: a handler that computes for longer than ``quiet`` before its first
        API call looks idle, so pick ``quiet`` above the slowest such handler.
        """

        def idle() -> bool:
            if self._updates or self._in_flight > self._waiting_polls:
                return False
            return time.monotonic() - self._last_activity >= quiet

        await self.wait_for(idle, timeout, "the bot to go idle")

    def describe_recent(self, n: int = 15) -> str:
        lines = [f"pending updates: {len(self._updates)}"]
        if self.spec_violations:
            lines.append(f"spec violations: {self.spec_violations[-5:]}")
        lines.append(f"last {n} requests:")
        lines += [f"  {r!r}" for r in self.requests[-n:]]
        return "\n".join(lines)

    def _recent(self) -> str:
        return ", ".join(repr(r) for r in self.requests[-5:]) or "no requests"

    # -- simulated world ------------------------------------------------------------------

    def now(self) -> int:
        return int(self.clock())

    def user(
        self,
        user_id: int,
        first_name: str = "Andi",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        *,
        phone: str | None = None,
    ) -> SimUser:
        """A simulated person (created once; later calls return the same one)."""
        existing = self.users.get(user_id)
        if existing is not None:
            return existing
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat: JSON = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name:
            user["last_name"] = chat["last_name"] = last_name
        if username:
            user["username"] = chat["username"] = username
        if language_code:
            user["language_code"] = language_code
        sim = SimUser(self, user)
        self.users[user_id] = sim
        self.chats[user_id] = ChatState(user_id, "private", chat)
        if phone:
            self.phones[user_id] = phone
        return sim

    def phone_of(self, user: SimUser) -> str:
        return self.phones.get(user.id) or f"+62812{user.id % 10_000_000:07d}"

    def group(
        self,
        chat_id: int = -100123,
        title: str = "Posko",
        type: str = "supergroup",
        *,
        username: str | None = None,
        bot_status: str = "member",
    ) -> SimGroup:
        """A group chat; the bot is a member unless ``bot_status`` says otherwise."""
        existing = self.groups.get(chat_id)
        if existing is not None:
            return existing
        chat: JSON = {"id": chat_id, "type": type, "title": title}
        if username:
            chat["username"] = username
        self.chats[chat_id] = ChatState(chat_id, type, chat, bot_status=bot_status)
        sim = SimGroup(self, chat_id)
        self.groups[chat_id] = sim
        return sim

    def chat_state(self, chat_id: int) -> ChatState:
        state = self.chats.get(chat_id)
        if state is None:
            raise KeyError(f"no chat {chat_id} in the fake")
        return state

    def store_file(
        self, data: bytes, *, file_name: str | None = None, mime_type: str | None = None
    ) -> UploadedFile:
        n = self._next_file
        self._next_file += 1
        ext = os.path.splitext(file_name or "")[1] or ".bin"
        stored = UploadedFile(
            file_id=f"BQACAgUAAxk{n:08d}",
            file_unique_id=f"AgAD{n:06d}",
            file_path=f"documents/file_{n}{ext}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    async def add_bot_to_group(self, group: SimGroup, by: SimUser, status: str = "member") -> JSON:
        """Someone adds the bot: a ``my_chat_member`` update (left -> ``status``)."""
        state = self.chat_state(group.id)
        old = state.bot_status if state.bot_status in ("left", "kicked") else "left"
        state.bot_status = status
        state.members.setdefault(by.id, "member")
        return await self._my_chat_member(state, by.user, old, status)

    async def remove_bot_from_group(
        self, group: SimGroup, by: SimUser, *, kicked: bool = True
    ) -> JSON:
        state = self.chat_state(group.id)
        old = state.bot_status
        state.bot_status = "kicked" if kicked else "left"
        return await self._my_chat_member(state, by.user, old, state.bot_status)

    async def set_private_status(self, user: SimUser, status: str) -> JSON | None:
        state = self.chat_state(user.id)
        if state.bot_status == status:
            return None
        old, state.bot_status = state.bot_status, status
        return await self._my_chat_member(state, user.user, old, status)

    async def migrate_group(
        self, group: SimGroup, new_chat_id: int | None, by: SimUser | None = None
    ) -> SimGroup:
        """Upgrade a basic group to a supergroup, with Telegram's two service messages."""
        old = self.chat_state(group.id)
        new_id = new_chat_id if new_chat_id is not None else int(f"-100{abs(group.id)}")
        self.group(new_id, str(old.chat.get("title", "")), "supergroup")
        new_state = self.chat_state(new_id)
        new_state.bot_status = old.bot_status
        new_state.members.update(old.members)
        old.migrated_to = new_id
        actor = by.user if by is not None else self.bot_user
        for state, content in (
            (old, {"migrate_to_chat_id": new_id}),
            (new_state, {"migrate_from_chat_id": group.id}),
        ):
            msg = self.store_message(state, actor, "service", content, None)
            self.push_update("message", msg.raw)
        await asyncio.sleep(0)
        return self.groups[new_id]

    async def _my_chat_member(self, state: ChatState, actor: JSON, old: str, new: str) -> JSON:
        update = self.push_my_chat_member(state, actor, old, new)
        await asyncio.sleep(0)
        return update

    def push_my_chat_member(self, state: ChatState, actor: JSON, old: str, new: str) -> JSON:
        """Queue the update Telegram sends when the bot's own membership changes."""
        return self.push_update(
            "my_chat_member",
            {
                "chat": state.chat,
                "from": actor,
                "date": self.now(),
                "old_chat_member": self.member_json(self.bot_user, old),
                "new_chat_member": self.member_json(self.bot_user, new),
            },
        )

    def member_json(self, user: JSON, status: str) -> JSON:
        member: JSON = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                {"can_be_edited": False, "is_anonymous": False, "can_promote_members": False}
            )
            member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
        elif status == "restricted":
            member.update({"is_member": True, "until_date": 0})
            member.update(dict.fromkeys(_RESTRICTED_RIGHTS, False))
        elif status == "kicked":
            member["until_date"] = 0
        return member

    # -- updates --------------------------------------------------------------------------

    def push_update(self, kind: str, payload: JSON) -> JSON:
        """Queue a raw update (``{"update_id": n, kind: payload}``) and wake getUpdates.

        Like Telegram, an update of a kind the bot did not ask for (``allowed_updates``) is
        never created; it is still returned, so a test can see what was skipped.
        """
        update: JSON = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        if self.validate_results:
            self._validate("injected Update", ("Update",), update)
        allowed = self._allowed_updates
        if kind in allowed if allowed is not None else kind not in _DEFAULT_EXCLUDED_UPDATES:
            self._updates.append(update)
            self.wake_pollers()
        return update

    @property
    def pending_updates(self) -> list[JSON]:
        return list(self._updates)

    def drop_pending_updates(self) -> None:
        self._updates.clear()

    def wake_pollers(self) -> None:
        self._update_event.set()
        self._update_event = asyncio.Event()

    def inject_user_message(
        self,
        user: SimUser,
        chat_id: int,
        kind: str,
        content: JSON,
        reply_to: SentMessage | int | None,
    ) -> SentMessage:
        state = self.chat_state(chat_id)
        reply_msg: SentMessage | None = None
        if reply_to is not None:
            rid = reply_to if isinstance(reply_to, int) else reply_to.message_id
            reply_msg = state.messages.get(rid)
        if state.is_private:
            state.started = True
            if state.bot_status == "kicked":
                # Writing to a bot one blocked is Telegram's "Restart": it unblocks first.
                state.bot_status = "member"
                self.push_my_chat_member(state, user.user, "kicked", "member")
        else:
            state.members.setdefault(user.id, "member")
        msg = self.store_message(state, user.user, kind, content, reply_msg)
        if self._bot_sees(state, msg, reply_msg):
            self.push_update("message", msg.raw)
        return msg

    def _bot_sees(self, state: ChatState, msg: SentMessage, reply_msg: SentMessage | None) -> bool:
        if state.is_private:
            return True
        if state.bot_status in ("left", "kicked"):
            return False
        if not self.privacy_mode or state.bot_status in ("administrator", "creator"):
            return True
        # Privacy mode: commands (for this bot), replies to the bot and @mentions only.
        text = msg.text or ""
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            target = command.partition("@")[2]
            return not target or target.lower() == str(self.bot_user["username"]).lower()
        if reply_msg is not None and reply_msg.from_bot:
            return True
        return f"@{self.bot_user['username']}".lower() in text.lower()

    def find_button(
        self, chat_id: int, label: ButtonMatch, message: SentMessage | None
    ) -> tuple[SentMessage, JSON]:
        candidates = [message] if message is not None else list(reversed(self.sent_to(chat_id)))
        if isinstance(label, str):
            for msg in candidates:
                for b in msg.buttons:
                    if b.get("text") == label:
                        return msg, b
            for msg in candidates:
                for b in msg.buttons:
                    if label in str(b.get("text", "")):
                        return msg, b
        else:
            for msg in candidates:
                for b in msg.buttons:
                    if label(b):
                        return msg, b
        shown = [(m.message_id, m.button_texts) for m in candidates if m.buttons]
        raise AssertionError(
            f"no inline button {label!r} in chat {chat_id}; buttons by message: {shown}"
        )

    async def inject_callback_query(self, user: SimUser, msg: SentMessage, data: str) -> str:
        cq_id = str(4_000_000_000_000_000_000 + self._next_cq * 7919)
        self._next_cq += 1
        self.callback_queries[cq_id] = CallbackQueryRecord(
            cq_id, user.id, msg.chat_id, msg.message_id, data
        )
        self.push_update(
            "callback_query",
            {
                "id": cq_id,
                "from": user.user,
                "message": msg.raw,
                "chat_instance": str((msg.chat_id * 2654435761) % (1 << 62)),
                "data": data,
            },
        )
        await asyncio.sleep(0)
        return cq_id

    # -- messages -------------------------------------------------------------------------

    def store_message(
        self,
        state: ChatState,
        sender: JSON,
        kind: str,
        content: JSON,
        reply_msg: SentMessage | None,
        *,
        from_bot: bool = False,
    ) -> SentMessage:
        mid = state.take_message_id()
        raw: JSON = {"message_id": mid, "from": sender, "chat": state.chat, "date": self.now()}
        if reply_msg is not None:
            raw["reply_to_message"] = without_reply(reply_msg.raw)
        raw.update(content)
        msg = SentMessage(
            chat_id=state.id,
            message_id=mid,
            date=raw["date"],
            from_bot=from_bot,
            kind=kind,
            raw=raw,
            sender_id=int(sender["id"]),
            reply_to_message_id=reply_msg.message_id if reply_msg is not None else None,
        )
        if "text" in content:
            msg.text = msg.source_text = content["text"]
            msg.entities = list(content.get("entities", []))
        elif "caption" in content:
            msg.text = msg.source_text = content["caption"]
        msg.contact = content.get("contact")
        msg.location = content.get("location")
        if "document" in content:
            msg.document = self.files.get(content["document"]["file_id"])
        state.messages[mid] = msg
        return msg

    # -- Bot API methods ------------------------------------------------------------------

    async def _get_updates(self, call: Call) -> list[JSON]:
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        p = call.params
        offset = _int(p.get("offset"), 0)
        limit = min(max(_int(p.get("limit"), 100), 1), 100)
        timeout = max(_float(p.get("timeout"), 0.0), 0.0)
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else None
        self._confirm(offset)
        me = object()
        # Telegram keeps one poller per bot: a newer getUpdates ends the older one with 409.
        previous, self._poll_owner = self._poll_owner, me
        if previous is not None:
            self.wake_pollers()
        deadline = time.monotonic() + timeout
        while True:
            batch = self._updates[:limit]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing.is_set():
                break
            event = self._update_event
            self._waiting_polls += 1
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
            finally:
                self._waiting_polls -= 1
            if self._poll_owner is not me:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
        if self._poll_owner is me:
            self._poll_owner = None
        now = time.monotonic()
        if batch:
            self.polls.append((call.record.time, now, len(batch)))
        for update in batch:
            query = update.get("callback_query")
            if query is not None:
                self.handed_out.setdefault(query["id"], now)
        return batch

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            # A negative offset keeps only the last -offset updates, per the docs.
            del self._updates[: max(len(self._updates) + offset, 0)]
        elif offset:
            confirmed = 0
            while (
                confirmed < len(self._updates) and self._updates[confirmed]["update_id"] < offset
            ):
                confirmed += 1
            del self._updates[:confirmed]


def _chat_id(chat: ChatRef) -> int:
    return chat if isinstance(chat, int) else chat.id


def _update_kind(update: JSON) -> str:
    for key in update:
        if key != "update_id":
            return key
    return ""


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _float(value: Any, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return default
