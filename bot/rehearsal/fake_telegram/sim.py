"""Simulated people and groups: the test's hands on the other side of the chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .entities import command_entities
from .models import JSON, SentMessage

if TYPE_CHECKING:
    from .server import FakeTelegram

ButtonMatch = str | Callable[[JSON], bool]


class SimGroup:
    """A group or supergroup the bot may be a member of."""

    def __init__(self, fake: FakeTelegram, chat_id: int) -> None:
        self.fake = fake
        self.id = chat_id

    @property
    def chat(self) -> JSON:
        return self.fake.chat_state(self.id).chat

    @property
    def title(self) -> str:
        return str(self.chat.get("title", ""))

    @property
    def type(self) -> str:
        return self.fake.chat_state(self.id).type

    @property
    def bot_status(self) -> str:
        return self.fake.chat_state(self.id).bot_status

    def messages(self) -> list[SentMessage]:
        """What the bot has in this group now, oldest first (deleted ones left out)."""
        return self.fake.sent_to(self.id)

    def last_message(self) -> SentMessage:
        return self.fake.last_sent_to(self.id)

    def set_member(self, user: SimUser, status: str = "member") -> None:
        """Set a person's membership as getChatMember reports it (e.g. "administrator")."""
        self.fake.chat_state(self.id).members[user.id] = status

    async def migrate_to_supergroup(
        self, new_chat_id: int | None = None, by: SimUser | None = None
    ) -> SimGroup:
        """Upgrade a basic group; the old id then answers 400 with migrate_to_chat_id."""
        return await self.fake.migrate_group(self, new_chat_id, by)

    def __repr__(self) -> str:
        return f"<SimGroup {self.id} {self.title!r}>"


class SimUser:
    """A person talking to the bot; every action injects the update Telegram would send."""

    def __init__(self, fake: FakeTelegram, user: JSON) -> None:
        self.fake = fake
        self.user = user

    @property
    def id(self) -> int:
        return int(self.user["id"])

    @property
    def first_name(self) -> str:
        return str(self.user["first_name"])

    @property
    def chat(self) -> JSON:
        """This person's private chat with the bot."""
        return self.fake.chat_state(self.id).chat

    # -- writing --------------------------------------------------------------------------

    async def send(
        self,
        text: str,
        chat: SimGroup | None = None,
        *,
        reply_to: SentMessage | int | None = None,
    ) -> SentMessage:
        """Type ``text`` into the private chat, or into ``chat`` (a group)."""
        content: JSON = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        return await self._post(chat, "text", content, reply_to)

    async def send_document(
        self,
        file_name: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: SimGroup | None = None,
    ) -> SentMessage:
        """Send a file (e.g. a roster spreadsheet); the bot can getFile and download it."""
        stored = self.fake.store_file(data, file_name=file_name, mime_type=mime_type)
        doc: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "file_size": len(data),
        }
        if mime_type:
            doc["mime_type"] = mime_type
        content: JSON = {"document": doc}
        if caption:
            content["caption"] = caption
        return await self._post(chat, "document", content, None)

    async def share_contact(
        self,
        phone: str,
        user_id: int | None = None,
        *,
        with_user_id: bool = True,
        first_name: str | None = None,
        chat: SimGroup | None = None,
    ) -> SentMessage:
        """Share a contact; by default one's own, which is what request_contact produces.

        Pass another ``user_id`` to forge someone else's card, or ``with_user_id=False`` for a
        phone-book contact without a Telegram account.
        """
        contact: JSON = {"phone_number": phone, "first_name": first_name or self.first_name}
        if first_name is None and "last_name" in self.user:
            contact["last_name"] = self.user["last_name"]
        if with_user_id:
            contact["user_id"] = self.id if user_id is None else user_id
        return await self._post(chat, "contact", {"contact": contact}, None)

    async def share_location(
        self,
        latitude: float,
        longitude: float,
        forwarded: bool = False,
        *,
        live_period: int | None = None,
        horizontal_accuracy: float | None = None,
        chat: SimGroup | None = None,
    ) -> SentMessage:
        """Share a location; ``forwarded=True`` makes it a forward (not a live position)."""
        location: JSON = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        content: JSON = {"location": location}
        if forwarded:
            content["forward_origin"] = {
                "type": "user",
                "date": self.fake.now() - 60,
                "sender_user": dict(self.user),
            }
        return await self._post(chat, "location", content, None)

    async def tap_keyboard(self, label: str) -> SentMessage:
        """Tap a reply-keyboard button: its text, or the contact/location it requests."""
        keyboard = self.fake.chat_state(self.id).reply_keyboard
        rows = keyboard.get("keyboard", []) if keyboard else []
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else str(button.get("text", ""))
                if text != label:
                    continue
                if isinstance(button, dict) and button.get("request_contact"):
                    sent = await self.share_contact(self.fake.phone_of(self))
                elif isinstance(button, dict) and button.get("request_location"):
                    sent = await self.share_location(-0.0263, 109.3425)
                else:
                    sent = await self.send(text)
                if keyboard and keyboard.get("one_time_keyboard"):
                    self.fake.chat_state(self.id).reply_keyboard = None
                return sent
        labels = [b if isinstance(b, str) else b.get("text") for r in rows for b in r]
        raise AssertionError(f"no reply-keyboard button {label!r} for user {self.id}: {labels}")

    # -- buttons --------------------------------------------------------------------------

    async def press(
        self,
        label: ButtonMatch,
        message: SentMessage | None = None,
        *,
        chat: SimGroup | None = None,
    ) -> str:
        """Tap an inline button; returns the callback query id.

        ``label`` is the exact button text, else a substring of it, or a predicate over the
        button dict.  Without ``message`` the newest bot message that has such a button wins.
        """
        chat_id = self.id if chat is None else chat.id
        msg, button = self.fake.find_button(chat_id, label, message)
        data = button.get("callback_data")
        if not isinstance(data, str):
            raise AssertionError(f"button {button.get('text')!r} has no callback_data: {button}")
        return await self.fake.inject_callback_query(self, msg, data)

    async def press_data(
        self,
        data: str,
        message: SentMessage | None = None,
        *,
        chat: SimGroup | None = None,
    ) -> str:
        """Send raw (possibly forged) callback data, as a modified client could."""
        if message is None:
            chat_id = self.id if chat is None else chat.id
            message = self.fake.last_sent_to(chat_id)
        return await self.fake.inject_callback_query(self, message, data)

    # -- membership -----------------------------------------------------------------------

    async def block(self) -> None:
        """Block the bot: a my_chat_member update, then 403 on every send."""
        await self.fake.set_private_status(self, "kicked")

    async def unblock(self) -> None:
        await self.fake.set_private_status(self, "member")

    # -- reading --------------------------------------------------------------------------

    def messages(self, chat: SimGroup | None = None) -> list[SentMessage]:
        """What the bot has in this person's private chat now, oldest first."""
        return self.fake.sent_to(self.id if chat is None else chat.id)

    def last_message(self, chat: SimGroup | None = None) -> SentMessage:
        return self.fake.last_sent_to(self.id if chat is None else chat.id)

    def keyboard(self) -> list[list[Any]]:
        """The reply keyboard currently shown to this person, if any."""
        kb = self.fake.chat_state(self.id).reply_keyboard
        rows = kb.get("keyboard", []) if kb else []
        return rows if isinstance(rows, list) else []

    async def _post(
        self,
        chat: SimGroup | None,
        kind: str,
        content: JSON,
        reply_to: SentMessage | int | None,
    ) -> SentMessage:
        chat_id = self.id if chat is None else chat.id
        sent = self.fake.inject_user_message(self, chat_id, kind, content, reply_to)
        # Give a waiting getUpdates the chance to answer before the test moves on.
        await asyncio.sleep(0)
        return sent

    def __repr__(self) -> str:
        return f"<SimUser {self.id} {self.first_name!r}>"
