"""Callback data: `{namespace}:v1:{action}[:{arg}…]`, at most 64 bytes, built and parsed here.

Buttons carry ids only; the tap handler re-reads the rows, so forged data can at most name
something that exists and is then refused by the ownership check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

VERSION = "v1"
MAX_BYTES = 64
MAX_ID = 2**63 - 1
_PART = re.compile(r"^[A-Za-z0-9_\-.]{1,32}$")


@dataclass(frozen=True)
class CallbackData:
    namespace: str
    action: str
    args: tuple[str, ...] = ()

    def int_arg(self, index: int) -> int | None:
        """The index-th argument as a non-negative int, or None when absent or malformed."""
        return parse_id(self.args[index]) if index < len(self.args) else None

    def text_arg(self, index: int) -> str:
        """The index-th argument as it was sent, or "" when absent."""
        return self.args[index] if index < len(self.args) else ""


def parse_id(text: str) -> int | None:
    """A row id typed or carried in data: ASCII digits, at most an SQLite INTEGER, else None.

    ("²" is a digit to `str.isdigit()` but not to `int()`; a larger number names nothing and
    would make the query itself fail.)
    """
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def encode(namespace: str, action: str, *args: str | int) -> str:
    parts = [namespace, VERSION, action, *(str(a) for a in args)]
    for part in parts:
        if not _PART.match(part):
            raise ValueError(f"callback part {part!r} is not allowed")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data {data!r} is longer than {MAX_BYTES} bytes")
    return data


def decode(data: str | None) -> CallbackData | None:
    """None for anything not built by `encode` (old versions, garbage, forged shapes)."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 3 or parts[1] != VERSION:
        return None
    if not all(_PART.match(p) for p in parts):
        return None
    return CallbackData(parts[0], parts[2], tuple(parts[3:]))


A = TypeVar("A", bound=StrEnum)


@dataclass(frozen=True)
class Buttons(Generic[A]):
    """One feature's buttons: its namespace and the enum of its actions, so that data is built
    (`data`) and read back (`action_of`) in one place."""

    namespace: str
    actions: type[A]

    def data(self, action: A, *args: str | int) -> str:
        return encode(self.namespace, action.value, *args)

    def action_of(self, data: CallbackData) -> A | None:
        """The action a tapped button names; None for one this version does not know."""
        try:
            return self.actions(data.action)
        except ValueError:
            return None
