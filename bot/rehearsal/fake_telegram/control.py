"""A small HTTP control API under ``/_fake/`` so a standalone fake can be driven remotely.

The local simulator runs the fake in its own process; these endpoints are its hands:
create people and groups, make them type and tap, read chats, turn fault knobs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .models import JSON, SentMessage

if TYPE_CHECKING:
    from .server import FakeTelegram

_FAULT_FIELDS = (
    "latency_ms",
    "rate_limits",
    "error_5xx_ratio",
    "timeout_ratio",
    "timeout_hold_s",
    "timeout_delivers",
)

_Route = Callable[[web.Request], Awaitable[web.StreamResponse]]


def message_json(msg: SentMessage) -> JSON:
    return {
        "chat_id": msg.chat_id,
        "message_id": msg.message_id,
        "from_bot": msg.from_bot,
        "kind": msg.kind,
        "text": msg.text,
        "source_text": msg.source_text,
        "reply_markup": msg.reply_markup,
        "deleted": msg.deleted,
        "versions": msg.versions,
        "document": msg.document.file_name if msg.document else None,
    }


def add_control_routes(app: web.Application, fake: FakeTelegram) -> None:
    def route(fn: Callable[[web.Request, JSON], Awaitable[Any]]) -> _Route:
        async def handler(request: web.Request) -> web.StreamResponse:
            body: JSON = {}
            if request.can_read_body:
                try:
                    loaded = await request.json()
                except ValueError:
                    return web.json_response({"ok": False, "error": "bad JSON"}, status=400)
                body = loaded if isinstance(loaded, dict) else {}
            try:
                result = await fn(request, body)
            except (KeyError, AssertionError, ValueError, TypeError) as err:
                return web.json_response({"ok": False, "error": str(err)}, status=400)
            return web.json_response({"ok": True, "result": result})

        return handler

    def group_of(body: JSON) -> Any:
        cid = body.get("chat_id")
        return None if cid is None else fake.groups[int(cid)]

    async def state(request: web.Request, body: JSON) -> Any:
        return {
            "base_url": fake.base_url,
            "users": [u.user for u in fake.users.values()],
            "groups": [g.chat for g in fake.groups.values()],
            "pending_updates": len(fake.pending_updates),
            "requests": len(fake.requests),
            "spec_violations": fake.spec_violations,
            "faults": {
                "count_429": fake.faults.count_429,
                "count_5xx": fake.faults.count_5xx,
                "count_timeouts": fake.faults.count_timeouts,
            },
        }

    async def requests(request: web.Request, body: JSON) -> Any:
        limit = int(request.query.get("limit", "50"))
        return [
            {"method": r.method, "params": r.params, "status": r.status, "time": r.time}
            for r in fake.requests[-limit:]
        ]

    async def messages(request: web.Request, body: JSON) -> Any:
        return [message_json(m) for m in fake.history(int(request.match_info["chat_id"]))]

    async def add_user(request: web.Request, body: JSON) -> Any:
        user = fake.user(
            int(body["id"]),
            first_name=str(body.get("first_name", "Andi")),
            last_name=body.get("last_name"),
            username=body.get("username"),
            language_code=body.get("language_code", "id"),
            phone=body.get("phone"),
        )
        return user.user

    async def add_group(request: web.Request, body: JSON) -> Any:
        group = fake.group(
            int(body.get("chat_id", -100123)),
            str(body.get("title", "Posko")),
            str(body.get("type", "supergroup")),
        )
        if body.get("add_bot_by") is not None:
            await fake.add_bot_to_group(group, fake.users[int(body["add_bot_by"])])
        return group.chat

    def user_of(request: web.Request) -> Any:
        return fake.users[int(request.match_info["user_id"])]

    async def send(request: web.Request, body: JSON) -> Any:
        msg = await user_of(request).send(str(body["text"]), chat=group_of(body))
        return message_json(msg)

    async def contact(request: web.Request, body: JSON) -> Any:
        user = user_of(request)
        uid = body.get("user_id")
        msg = await user.share_contact(
            str(body.get("phone") or fake.phone_of(user)),
            int(uid) if uid is not None else None,
        )
        return message_json(msg)

    async def location(request: web.Request, body: JSON) -> Any:
        msg = await user_of(request).share_location(
            float(body["latitude"]), float(body["longitude"]), bool(body.get("forwarded"))
        )
        return message_json(msg)

    async def press(request: web.Request, body: JSON) -> Any:
        user = user_of(request)
        chat = group_of(body)
        target = None
        if body.get("message_id") is not None:
            chat_id = chat.id if chat is not None else user.id
            target = fake.message(chat_id, int(body["message_id"]))
        if body.get("data") is not None:
            return await user.press_data(str(body["data"]), target, chat=chat)
        return await user.press(str(body["label"]), target, chat=chat)

    async def faults(request: web.Request, body: JSON) -> Any:
        f = fake.faults
        for name in _FAULT_FIELDS:
            if name in body:
                current = getattr(f, name)
                setattr(f, name, type(current)(body[name]))
        if "seed" in body:
            f.reseed(body["seed"])
        for cid in body.get("fail_chats", []):
            f.fail_chat(int(cid))
        return {name: getattr(f, name) for name in _FAULT_FIELDS} | {
            "limits": dataclasses.asdict(f.limits)
        }

    app.router.add_get("/_fake/state", route(state))
    app.router.add_get("/_fake/requests", route(requests))
    app.router.add_get("/_fake/chats/{chat_id}/messages", route(messages))
    app.router.add_post("/_fake/users", route(add_user))
    app.router.add_post("/_fake/groups", route(add_group))
    app.router.add_post("/_fake/users/{user_id}/send", route(send))
    app.router.add_post("/_fake/users/{user_id}/contact", route(contact))
    app.router.add_post("/_fake/users/{user_id}/location", route(location))
    app.router.add_post("/_fake/users/{user_id}/press", route(press))
    app.router.add_post("/_fake/faults", route(faults))
