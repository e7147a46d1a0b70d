"""Bot API method semantics: what each method checks, changes and answers.

One ``api_<lowercase name>`` coroutine per implemented method; the server routes to them
after its spec checks and fault injection.  Error texts are Telegram's own wherever known,
because bots (and PTB's exception mapping) branch on them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .entities import EntityParseError, parse_html, utf16_len
from .models import (
    JSON,
    ApiError,
    ChatState,
    MessageVersion,
    RecordedRequest,
    SentMessage,
    UploadedFile,
    without_reply,
)

if TYPE_CHECKING:
    from .server import FakeTelegram

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CHAT_NOT_FOUND = "Bad Request: chat not found"

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_INLINE_BUTTON_PASSIVE = frozenset({"text", "icon_custom_emoji_id", "style"})
_MAX_TEXT = 4096
_MAX_CAPTION = 1024


@dataclass(slots=True)
class Call:
    """One request on its way to a method: lower-case name, decoded params, uploads."""

    method: str
    params: JSON
    files: dict[str, UploadedFile] | None
    record: RecordedRequest


Handler = Callable[[Call], Awaitable[Any]]


class BotApi:
    """The implemented Bot API methods, operating on a FakeTelegram's world."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake

    def handlers(self) -> dict[str, Handler]:
        prefix = "api_"
        return {
            name[len(prefix) :]: getattr(self, name)
            for name in dir(self)
            if name.startswith(prefix)
        }

    # -- shared checks ------------------------------------------------------------------

    def _resolve_chat(self, chat_id: Any) -> ChatState:
        if isinstance(chat_id, str):
            if chat_id.startswith("@"):
                name = chat_id[1:].lower()
                for state in self.fake.chats.values():
                    if str(state.chat.get("username", "")).lower() == name:
                        return state
                raise ApiError(400, CHAT_NOT_FOUND)
            try:
                chat_id = int(chat_id)
            except ValueError:
                raise ApiError(400, CHAT_NOT_FOUND) from None
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise ApiError(400, CHAT_NOT_FOUND)
        found = self.fake.chats.get(chat_id)
        if found is not None:
            state = found
        else:
            if self.fake.strict_chats or chat_id <= 0:
                raise ApiError(400, CHAT_NOT_FOUND)
            # Lenient by default so a benchmark can message thousands of ids unannounced.
            self.fake.user(chat_id, first_name=f"User{chat_id}")
            state = self.fake.chats[chat_id]
            state.started = True
        if state.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=state.migrated_to,
            )
        return state

    def _postable_chat(self, params: JSON) -> ChatState:
        state = self._resolve_chat(params.get("chat_id"))
        if state.is_private:
            if state.bot_status == "kicked":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if self.fake.require_start and not state.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif state.bot_status in ("left", "kicked"):
            kind = "supergroup chat" if state.type == "supergroup" else "group chat"
            if state.bot_status == "kicked":
                raise ApiError(403, f"Forbidden: bot was kicked from the {kind}")
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind}")
        return state

    def _render(
        self, text: Any, parse_mode: Any, entities: Any, what: str
    ) -> tuple[str, list[JSON]]:
        if not isinstance(text, str):
            return "", []
        if parse_mode is None or parse_mode == "":
            return text, list(entities) if isinstance(entities, list) else []
        mode = str(parse_mode).lower()
        if mode == "html":
            try:
                return parse_html(text)
            except EntityParseError as err:
                raise ApiError(400, str(err)) from None
        if mode in ("markdown", "markdownv2"):
            # Markdown is not parsed: the text is kept as sent (see module notes).
            return text, []
        raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r} in {what}")

    def _check_markup(self, markup: Any, chat_id: int) -> JSON | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is not None:
            if not isinstance(rows, list):
                raise ApiError(400, "Bad Request: can't parse inline keyboard markup")
            for row in rows:
                for button in row if isinstance(row, list) else []:
                    _check_inline_button(button, private=chat_id > 0)
        return markup

    def _reply_target(self, state: ChatState, params: JSON) -> SentMessage | None:
        rp = params.get("reply_parameters")
        if not isinstance(rp, dict):
            return None
        target = state.messages.get(rp.get("message_id", 0))
        if target is None or target.deleted:
            if rp.get("allow_sending_without_reply"):
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return target

    def _bot_message(
        self,
        call: Call,
        state: ChatState,
        kind: str,
        content: JSON,
        *,
        text: str | None = None,
        entities: list[JSON] | None = None,
    ) -> SentMessage:
        params = call.params
        markup = self._check_markup(params.get("reply_markup"), state.id)
        reply_msg = self._reply_target(state, params)
        if markup is not None and "inline_keyboard" in markup:
            # Telegram echoes only inline keyboards inside the Message object.
            content["reply_markup"] = markup
        msg = self.fake.store_message(
            state, self.fake.bot_user, kind, content, reply_msg, from_bot=True
        )
        msg.text = text
        msg.source_text = params.get("text", params.get("caption"))
        msg.parse_mode = params.get("parse_mode")
        msg.entities = entities or []
        msg.reply_markup = markup
        if markup is not None:
            if "keyboard" in markup:
                state.reply_keyboard = markup
            elif markup.get("remove_keyboard"):
                state.reply_keyboard = None
        return msg

    def _edit_target(self, params: JSON) -> SentMessage:
        if params.get("inline_message_id") is not None:
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        if params.get("chat_id") is None or params.get("message_id") is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        state = self._postable_chat(params)
        msg = state.messages.get(params["message_id"])
        if msg is None or msg.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not msg.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return msg

    def _apply_edit(
        self,
        msg: SentMessage,
        text: str | None,
        entities: list[JSON],
        markup: JSON | None,
        source_text: str | None,
        text_key: str,
    ) -> JSON:
        if text == msg.text and entities == msg.entities and markup == msg.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        msg.history.append(
            MessageVersion(msg.text, msg.entities, msg.reply_markup, msg.source_text)
        )
        msg.text, msg.entities, msg.reply_markup, msg.source_text = (
            text,
            entities,
            markup,
            source_text,
        )
        # A new dict, not a mutation: earlier responses in ``requests`` keep their content.
        raw = {k: v for k, v in msg.raw.items() if k not in ("reply_markup", "edit_date")}
        ent_key = "entities" if text_key == "text" else "caption_entities"
        raw.pop(ent_key, None)
        raw.pop(text_key, None)
        if text is not None:
            raw[text_key] = text
        if entities:
            raw[ent_key] = entities
        if markup is not None:
            raw["reply_markup"] = markup
        raw["edit_date"] = self.fake.now()
        msg.raw = raw
        return raw

    def _input_file(self, call: Call, field: str) -> UploadedFile:
        files = call.files or {}
        if field in files:
            return files[field]
        value = call.params.get(field)
        if isinstance(value, str):
            if value.startswith("attach://") and value[9:] in files:
                return files[value[9:]]
            if value in self.fake.files:
                return self.fake.files[value]
            if value.startswith(("http://", "https://")):
                return self.fake.store_file(b"", file_name=value.rsplit("/", 1)[-1] or None)
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _commands_key(self, params: JSON) -> tuple[tuple[str, int | None, int | None], str]:
        return self.scope_key(params.get("scope")), str(params.get("language_code", ""))

    def scope_key(self, scope: Any) -> tuple[str, int | None, int | None]:
        if not isinstance(scope, dict):
            return ("default", None, None)
        chat_id = scope.get("chat_id")
        if chat_id is not None and not isinstance(chat_id, int):
            chat_id = self._resolve_chat(chat_id).id
        user_id = scope.get("user_id")
        return (str(scope.get("type", "default")), chat_id, user_id)

    # -- objects the fake answers with (also used by FakeTelegram.self_check) -----------

    def me_json(self) -> JSON:
        return {
            **self.fake.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.fake.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def webhook_info(self) -> JSON:
        info: JSON = {
            "url": str(self.fake.webhook.get("url", "")),
            "has_custom_certificate": False,
            "pending_update_count": len(self.fake.pending_updates),
        }
        if info["url"]:
            info["max_connections"] = int(self.fake.webhook.get("max_connections", 40))
            if "allowed_updates" in self.fake.webhook:
                info["allowed_updates"] = self.fake.webhook["allowed_updates"]
        return info

    def chat_full_info(self, state: ChatState) -> JSON:
        info: JSON = {
            **state.chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
        if state.pinned:
            info["pinned_message"] = without_reply(state.messages[state.pinned[-1]].raw)
        return info

    def file_json(self, stored: UploadedFile) -> JSON:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    # -- identity and updates -----------------------------------------------------------

    async def api_getme(self, call: Call) -> JSON:
        return self.me_json()

    async def api_logout(self, call: Call) -> bool:
        return True

    async def api_close(self, call: Call) -> bool:
        return True

    async def api_setwebhook(self, call: Call) -> bool:
        p = call.params
        self.fake.webhook = {k: v for k, v in p.items() if k != "certificate"}
        if p.get("drop_pending_updates"):
            self.fake.drop_pending_updates()
        self.fake.wake_pollers()
        return True

    async def api_deletewebhook(self, call: Call) -> bool:
        self.fake.webhook = {}
        if call.params.get("drop_pending_updates"):
            self.fake.drop_pending_updates()
        return True

    async def api_getwebhookinfo(self, call: Call) -> JSON:
        return self.webhook_info()

    # -- sending ------------------------------------------------------------------------

    async def api_sendmessage(self, call: Call) -> JSON:
        p = call.params
        state = self._postable_chat(p)
        text, entities = self._render(
            p.get("text"), p.get("parse_mode"), p.get("entities"), "text"
        )
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > _MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        return self._bot_message(call, state, "text", content, text=text, entities=entities).raw

    def _media(self, call: Call, field: str) -> JSON:
        p = call.params
        state = self._postable_chat(p)
        stored = self._input_file(call, field)
        caption, entities = self._render(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), "caption"
        )
        if utf16_len(caption) > _MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        content: JSON = {}
        if field == "document":
            doc: JSON = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.size,
            }
            if stored.file_name:
                doc["file_name"] = stored.file_name
            if stored.mime_type:
                doc["mime_type"] = stored.mime_type
            content["document"] = doc
        else:
            width, height = _image_size(stored.data)
            content["photo"] = [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": stored.size,
                    "width": width,
                    "height": height,
                }
            ]
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        msg = self._bot_message(
            call, state, field, content, text=caption or None, entities=entities
        )
        if field == "document":
            msg.document = stored
        else:
            msg.photo = stored
        return msg.raw

    async def api_senddocument(self, call: Call) -> JSON:
        return self._media(call, "document")

    async def api_sendphoto(self, call: Call) -> JSON:
        return self._media(call, "photo")

    async def api_sendlocation(self, call: Call) -> JSON:
        p = call.params
        state = self._postable_chat(p)
        lat, lon = p.get("latitude"), p.get("longitude")
        if not isinstance(lat, int | float) or not -90 <= lat <= 90:
            raise ApiError(400, "Bad Request: wrong latitude specified")
        if not isinstance(lon, int | float) or not -180 <= lon <= 180:
            raise ApiError(400, "Bad Request: wrong longitude specified")
        location: JSON = {"latitude": float(lat), "longitude": float(lon)}
        for key in ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"):
            if key in p:
                location[key] = p[key]
        msg = self._bot_message(call, state, "location", {"location": location})
        msg.location = location
        return msg.raw

    async def api_sendchataction(self, call: Call) -> bool:
        state = self._postable_chat(call.params)
        action = call.params.get("action")
        if action not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        self.fake.chat_actions.append((state.id, str(action)))
        return True

    # -- editing ------------------------------------------------------------------------

    async def api_editmessagetext(self, call: Call) -> JSON:
        p = call.params
        msg = self._edit_target(p)
        if msg.kind != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities = self._render(
            p.get("text"), p.get("parse_mode"), p.get("entities"), "text"
        )
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > _MAX_TEXT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        markup = self._check_markup(p.get("reply_markup"), msg.chat_id)
        msg.parse_mode = p.get("parse_mode")
        return self._apply_edit(msg, text, entities, markup, p.get("text"), "text")

    async def api_editmessagecaption(self, call: Call) -> JSON:
        p = call.params
        msg = self._edit_target(p)
        if msg.kind not in ("document", "photo"):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption, entities = self._render(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), "caption"
        )
        markup = self._check_markup(p.get("reply_markup"), msg.chat_id)
        return self._apply_edit(
            msg, caption or None, entities, markup, p.get("caption"), "caption"
        )

    async def api_editmessagereplymarkup(self, call: Call) -> JSON:
        msg = self._edit_target(call.params)
        markup = self._check_markup(call.params.get("reply_markup"), msg.chat_id)
        key = "text" if msg.kind == "text" else "caption"
        return self._apply_edit(msg, msg.text, msg.entities, markup, msg.source_text, key)

    async def api_deletemessage(self, call: Call) -> bool:
        state = self._resolve_chat(call.params.get("chat_id"))
        msg = state.messages.get(call.params.get("message_id", 0))
        if msg is None or msg.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        if not (msg.from_bot or state.is_private or state.bot_status == "administrator"):
            raise ApiError(400, "Bad Request: message can't be deleted")
        msg.deleted = True
        return True

    async def api_answercallbackquery(self, call: Call) -> bool:
        record = self.fake.callback_queries.get(str(call.params.get("callback_query_id")))
        if record is None or record.answer is not None:
            raise ApiError(400, QUERY_INVALID)
        record.answer = dict(call.params)
        return True

    # -- chats --------------------------------------------------------------------------

    async def api_pinchatmessage(self, call: Call) -> bool:
        state = self._postable_chat(call.params)
        if not state.is_private and state.bot_status not in ("administrator", "creator"):
            raise ApiError(
                400, "Bad Request: not enough rights to manage pinned messages in the chat"
            )
        msg = state.messages.get(call.params.get("message_id", 0))
        if msg is None or msg.deleted:
            raise ApiError(400, "Bad Request: message to pin not found")
        msg.pinned = True
        if msg.message_id in state.pinned:
            state.pinned.remove(msg.message_id)
        state.pinned.append(msg.message_id)
        return True

    async def api_unpinchatmessage(self, call: Call) -> bool:
        state = self._postable_chat(call.params)
        if not state.is_private and state.bot_status not in ("administrator", "creator"):
            raise ApiError(
                400, "Bad Request: not enough rights to manage pinned messages in the chat"
            )
        mid = call.params.get("message_id")
        if mid is None and state.pinned:
            mid = state.pinned[-1]
        if mid in state.pinned:
            state.pinned.remove(mid)
            state.messages[mid].pinned = False
        return True

    async def api_getchat(self, call: Call) -> JSON:
        return self.chat_full_info(self._resolve_chat(call.params.get("chat_id")))

    async def api_getchatmember(self, call: Call) -> JSON:
        state = self._resolve_chat(call.params.get("chat_id"))
        uid = call.params.get("user_id")
        if uid == self.fake.bot_user["id"]:
            return self.fake.member_json(self.fake.bot_user, state.bot_status)
        sim = self.fake.users.get(uid) if isinstance(uid, int) else None
        if sim is None or not isinstance(uid, int):
            raise ApiError(400, "Bad Request: user not found")
        if state.is_private:
            status = "member" if uid == state.id else "left"
        else:
            status = state.members.get(uid, "left")
        return self.fake.member_json(sim.user, status)

    async def api_leavechat(self, call: Call) -> bool:
        state = self._resolve_chat(call.params.get("chat_id"))
        if state.is_private:
            raise ApiError(
                400, "Bad Request: chat member status can't be changed in private chats"
            )
        if state.bot_status in ("left", "kicked"):
            kind = "supergroup chat" if state.type == "supergroup" else "group chat"
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind}")
        old, state.bot_status = state.bot_status, "left"
        self.fake.push_my_chat_member(state, self.fake.bot_user, old, "left")
        return True

    # -- commands and files -------------------------------------------------------------

    async def api_setmycommands(self, call: Call) -> bool:
        commands = call.params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        for c in commands:
            name = c.get("command", "") if isinstance(c, dict) else ""
            desc = c.get("description", "") if isinstance(c, dict) else ""
            if not (
                isinstance(name, str)
                and 1 <= len(name) <= 32
                and all(ch.islower() or ch.isdigit() or ch == "_" for ch in name)
                and name.isascii()
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(desc, str) or not 1 <= len(desc) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(call.params)
        self.fake.commands[key] = [dict(c) for c in commands]
        return True

    async def api_getmycommands(self, call: Call) -> list[JSON]:
        key = self._commands_key(call.params)
        return list(self.fake.commands.get(key, []))

    async def api_deletemycommands(self, call: Call) -> bool:
        key = self._commands_key(call.params)
        self.fake.commands.pop(key, None)
        return True

    async def api_setchatmenubutton(self, call: Call) -> bool:
        chat_id = call.params.get("chat_id")
        if chat_id is not None:
            state = self._resolve_chat(chat_id)
            if not state.is_private:
                raise ApiError(400, "Bad Request: chat not found")
            chat_id = state.id
        button = call.params.get("menu_button") or {"type": "default"}
        kind = button.get("type") if isinstance(button, dict) else None
        if kind not in ("default", "commands", "web_app"):
            raise ApiError(400, "Bad Request: can't parse menu button")
        if kind == "web_app":
            if not button.get("text"):
                raise ApiError(400, "Bad Request: menu button text is empty")
            _check_web_app(button.get("web_app"))
        self.fake.menu_buttons[chat_id] = dict(button)
        return True

    async def api_getchatmenubutton(self, call: Call) -> JSON:
        chat_id = call.params.get("chat_id")
        found = self.fake.menu_buttons.get(chat_id if chat_id is None else int(chat_id))
        return dict(found or self.fake.menu_buttons.get(None) or {"type": "default"})

    async def api_getfile(self, call: Call) -> JSON:
        stored = self.fake.files.get(str(call.params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return self.file_json(stored)


def _check_web_app(info: Any) -> None:
    url = info.get("url") if isinstance(info, dict) else None
    if not isinstance(url, str) or not url.startswith("https://"):
        raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")


def _check_inline_button(button: Any, *, private: bool) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise ApiError(400, "Bad Request: can't parse inline keyboard button: text is empty")
    actions = button.keys() - _INLINE_BUTTON_PASSIVE
    if len(actions) != 1:
        raise ApiError(
            400,
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        )
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64
    ):
        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if "web_app" in button:
        # Telegram: "Available only in private chats between a user and the bot."
        if not private:
            raise ApiError(400, "Bad Request: BUTTON_TYPE_INVALID")
        _check_web_app(button["web_app"])
    url = button.get("url")
    if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
        raise ApiError(
            400, f"Bad Request: inline keyboard button URL '{url}' is invalid: wrong HTTP URL"
        )


def _image_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 800, 600
