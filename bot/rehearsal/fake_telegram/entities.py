"""Telegram's HTML parse mode, strictly enough to catch what Telegram rejects.

The bot renders user-supplied names and places into HTML; one unescaped ``<`` makes
Telegram answer ``400 can't parse entities`` and the message is lost.  Parsing here the way
Telegram does turns that into a failing test instead of a silent production bug, and gives
tests the plain text a person actually sees.
"""

from __future__ import annotations

import re
from typing import Any

# Tag -> entity type; None marks tags whose entity depends on attributes.
_TAGS: dict[str, str | None] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": None,
    "a": None,
    "code": "code",
    "pre": "pre",
    "blockquote": None,
    "tg-emoji": None,
    "tg-time": None,
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_NAME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z_][a-zA-Z0-9_-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(err)`` is Telegram's description."""


def utf16_len(text: str) -> int:
    # Telegram counts entity offsets in UTF-16 code units, so astral characters count twice.
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _fail(source: str, index: int, what: str) -> EntityParseError:
    return EntityParseError(
        f"Bad Request: can't parse entities: {what} at byte offset {_byte_offset(source, index)}"
    )


def _unescape(value: str) -> str:
    return _ENTITY_RE.sub(lambda m: _entity_char(m.group(1)), value)


def _entity_char(name: str) -> str:
    if name in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"


def _parse_attrs(source: str, start: int, raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = 0
    raw = raw.rstrip().removesuffix("/")
    while pos < len(raw):
        m = _ATTR_RE.match(raw, pos)
        if m is None or m.end() == pos:
            raise _fail(source, start, "Expected equal sign in declaration of an attribute")
        value = m.group(2) or ""
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        attrs[m.group(1).lower()] = _unescape(value)
        pos = m.end()
    return attrs


def _entity_for(name: str, attrs: dict[str, str]) -> dict[str, Any] | None:
    kind = _TAGS[name]
    if kind is not None:
        if kind == "pre" and "language" in attrs:
            return {"type": "pre", "language": attrs["language"]}
        return {"type": kind}
    if name == "a":
        href = attrs.get("href", "")
        return {"type": "text_link", "url": href} if href else None
    if name == "span":
        return {"type": "spoiler"} if attrs.get("class") == "tg-spoiler" else None
    if name == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    if name == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    if name == "tg-time":
        return {"type": "date_time", "unix_time": int(attrs.get("unix", "0") or 0)}
    return None


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and MessageEntity dicts for ``source``, or EntityParseError."""
    out: list[str] = []
    offset = 0  # UTF-16 length of ``out`` so far
    stack: list[tuple[str, int, dict[str, Any] | None]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(source)
    while i < n:
        lt = source.find("<", i)
        amp = source.find("&", i)
        nxt = min(x for x in (lt, amp, n) if x != -1)
        if nxt > i:
            chunk = source[i:nxt]
            out.append(chunk)
            offset += utf16_len(chunk)
            i = nxt
            continue
        if source[i] == "&":
            m = _ENTITY_RE.match(source, i)
            if m is None:
                # Telegram leaves a stray '&' that starts no entity as a literal character.
                ch = "&"
                i += 1
            else:
                ch = _entity_char(m.group(1))
                i = m.end()
            out.append(ch)
            offset += utf16_len(ch)
            continue
        close = source.find(">", i)
        if close == -1:
            raise _fail(source, i, "Unclosed start tag")
        body = source[i + 1 : close]
        if body.startswith("/"):
            name = body[1:].strip().lower()
            if not stack:
                raise _fail(source, i, f'Unexpected end tag "{name}"')
            open_name, start, entity = stack.pop()
            if name != open_name:
                raise _fail(
                    source, i, f'Unmatched end tag, expected "</{open_name}>", found "</{name}>"'
                )
            if entity is not None and offset > start:
                entity["offset"] = start
                entity["length"] = offset - start
                entities.append(entity)
        else:
            m = _NAME_RE.match(body)
            name = m.group(0).lower() if m else ""
            if name not in _TAGS:
                raise _fail(source, i, f'Unsupported start tag "{name}"')
            attrs = _parse_attrs(source, i, body[len(name) :])
            if name == "code" and stack and stack[-1][0] == "pre" and stack[-1][2] is not None:
                # <pre><code class="language-x"> is one pre entity carrying the language.
                lang = attrs.get("class", "")
                if lang.startswith("language-"):
                    stack[-1][2]["language"] = lang[len("language-") :]
                stack.append((name, offset, None))
            else:
                stack.append((name, offset, _entity_for(name, attrs)))
        i = close + 1
    if stack:
        raise EntityParseError(
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1][0]}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity Telegram attaches to a leading ``/cmd`` or ``/cmd@bot``."""
    if not text.startswith("/"):
        return []
    end = 1
    while end < len(text) and not text[end].isspace():
        end += 1
    if end == 1:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(text[:end])}]
