"""What the fake remembers: requests, files, messages and chats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

# Methods that deliver or change a message a person sees; Telegram's flood limits count them.
SENDING_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendlocation",
        "editmessagetext",
        "editmessagereplymarkup",
        "editmessagecaption",
    }
)


def without_reply(raw: JSON) -> JSON:
    # Telegram does not nest reply_to_message inside a reply_to_message.
    return {k: v for k, v in raw.items() if k != "reply_to_message"}


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        parameters: JSON = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


@dataclass(slots=True, eq=False)
class UploadedFile:
    """A file that went through the fake: uploaded by the bot or sent by a simulated user."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(slots=True, eq=False)
class RecordedRequest:
    """One Bot API call as the server saw it.  Kept small: the benchmark makes thousands."""

    method: str
    params: JSON
    time: float
    files: dict[str, UploadedFile] | None = None
    status: int = 0
    response: JSON | None = None
    token: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return None if self.response is None else self.response.get("result")

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.params.items() if k != "reply_markup"}
        return f"<{self.method} {self.status or '…'} {shown!r:.160}>"


@dataclass(slots=True, eq=False)
class MessageVersion:
    """An earlier state of an edited message."""

    text: str | None
    entities: list[JSON]
    reply_markup: JSON | None
    source_text: str | None


@dataclass(eq=False)
class SentMessage:
    """A message living in a chat, with its latest content and edit history.

    ``text`` is what a person sees (HTML already parsed, caption for media); ``source_text``
    is what the bot sent.  ``reply_markup`` is whatever markup the bot attached, including
    reply keyboards that Telegram does not echo back in the Message object.
    """

    chat_id: int
    message_id: int
    date: int
    from_bot: bool
    kind: str
    raw: JSON
    text: str | None = None
    source_text: str | None = None
    parse_mode: str | None = None
    entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None
    document: UploadedFile | None = None
    photo: UploadedFile | None = None
    location: JSON | None = None
    contact: JSON | None = None
    reply_to_message_id: int | None = None
    history: list[MessageVersion] = field(default_factory=list)
    deleted: bool = False
    pinned: bool = False
    sender_id: int | None = None

    @property
    def caption(self) -> str | None:
        return self.text if self.kind in {"document", "photo"} else None

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def versions(self) -> list[str | None]:
        """Every text the message has shown, oldest first, ending with the current one."""
        return [v.text for v in self.history] + [self.text]

    @property
    def inline_keyboard(self) -> list[list[JSON]]:
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else []

    @property
    def reply_keyboard(self) -> list[list[JSON]]:
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("keyboard")
        return rows if isinstance(rows, list) else []

    @property
    def buttons(self) -> list[JSON]:
        return [b for row in self.inline_keyboard for b in row]

    @property
    def button_texts(self) -> list[str]:
        return [str(b.get("text", "")) for b in self.buttons]

    def button(self, label: str | Callable[[JSON], bool]) -> JSON | None:
        """The inline button with exactly this label (else containing it, or matching)."""
        buttons = self.buttons
        if callable(label):
            return next((b for b in buttons if label(b)), None)
        exact = next((b for b in buttons if b.get("text") == label), None)
        if exact is not None:
            return exact
        return next((b for b in buttons if label in str(b.get("text", ""))), None)

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else f"user {self.sender_id}"
        extra = f" buttons={self.button_texts}" if self.buttons else ""
        gone = " deleted" if self.deleted else ""
        return (
            f"<SentMessage chat={self.chat_id} id={self.message_id} {self.kind} from {who}"
            f"{gone} text={self.text!r:.120}{extra}>"
        )


@dataclass(eq=False)
class ChatState:
    """One chat as Telegram's side sees it."""

    id: int
    type: str
    chat: JSON
    messages: dict[int, SentMessage] = field(default_factory=dict)
    next_message_id: int = 1
    # The bot's own membership: "member"/"administrator" can post, "left"/"kicked" cannot.
    bot_status: str = "member"
    members: dict[int, str] = field(default_factory=dict)
    pinned: list[int] = field(default_factory=list)
    reply_keyboard: JSON | None = None
    migrated_to: int | None = None
    # Private chats only: whether the user ever wrote to the bot (see require_start).
    started: bool = False

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    def take_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid

    def bot_messages(self) -> list[SentMessage]:
        return [m for m in self.messages.values() if m.from_bot and not m.deleted]
