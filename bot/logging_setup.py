"""One line per event; neither the bot token nor a phone number ever reaches a log.

Redaction happens where a record is made (a log record factory), not in one handler: every
handler — the console, a file, pytest's capture — gets the same clean record, and libraries
that log at DEBUG are covered too (PTB prints whole requests and updates, contacts and their
phone numbers included; httpx prints request URLs, which carry the token).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from bot.domain.phone import mask_phone, normalize_phone

REDACTED = "***"

# A run of digits that may be a phone number as people and Telegram write it: an optional
# `+`, digit groups joined by single separators (space, dash, dot, brackets, slash).
_CANDIDATE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s\-./()\u00a0]{6,30}\d(?!\w)")
_SEPARATOR_RUN = re.compile(r"[\s\-./()\u00a0]+")
_SEPARATORS = " \t\r\n\u00a0-./()"


def _mask_phones(text: str) -> str:
    if not any(ch.isdigit() for ch in text):
        return text
    return _CANDIDATE.sub(lambda m: _mask_run(m.group(0)), text)


def _mask_run(run: str) -> str:
    """Mask every phone number inside `run` (which may hold a number next to another)."""
    # Pieces: each digit group with the separators that follow it.
    pieces: list[str] = []
    position = 0
    for separator in _SEPARATOR_RUN.finditer(run):
        pieces.append(run[position : separator.end()])
        position = separator.end()
    if position < len(run):
        pieces.append(run[position:])
    out: list[str] = []
    i = 0
    while i < len(pieces):
        # The longest stretch of pieces starting here that is one phone number.
        for j in range(len(pieces), i, -1):
            candidate = "".join(pieces[i:j])
            body = candidate.rstrip(_SEPARATORS)
            if sum(ch.isdigit() for ch in body) < 8:
                continue
            phone = normalize_phone(body)
            if phone is not None:
                out.append(mask_phone(phone) + candidate[len(body) :])
                i = j
                break
        else:
            out.append(pieces[i])
            i += 1
    return "".join(out)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without the given secrets (and their URL-encoded forms) and phone numbers."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
            text = text.replace(secret.replace(":", "%3A"), REDACTED)
    return _mask_phones(text)


def _secret_forms(token: str | None) -> list[str]:
    if not token:
        return []
    # The whole token, and its secret half on its own (a URL path or an error may split it).
    forms = [token]
    if ":" in token:
        forms.append(token.split(":", 1)[1])
    return forms


class RedactingFilter(logging.Filter):
    """Redact one handler's records (the record factory below covers every handler)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record, self._secrets)
        return True


def _redact_record(record: logging.LogRecord, secrets: list[str]) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: logging reports it itself later
        return
    clean = redact(message, secrets)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        # Tracebacks are formatted later by each handler; format (and clean) them once here.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info), secrets)
    elif record.exc_text:
        record.exc_text = redact(record.exc_text, secrets)
    if record.stack_info:
        record.stack_info = redact(record.stack_info, secrets)


class _RedactingFactory:
    def __init__(self, inner: Callable[..., logging.LogRecord], secrets: list[str]) -> None:
        self.inner = inner
        self.secrets = secrets

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.inner(*args, **kwargs)
        _redact_record(record, self.secrets)
        return record


def install_redaction(token: str | None, extra_secrets: Iterable[str] = ()) -> None:
    """Clean every log record made from now on; calling it again replaces the secrets."""
    current = logging.getLogRecordFactory()
    inner = current.inner if isinstance(current, _RedactingFactory) else current
    secrets = _secret_forms(token) + [s for s in extra_secrets if s]
    logging.setLogRecordFactory(_RedactingFactory(inner, secrets))


def uninstall_redaction() -> None:
    current = logging.getLogRecordFactory()
    if isinstance(current, _RedactingFactory):
        logging.setLogRecordFactory(current.inner)


_HANDLER_MARK = "_siaga_handler"


def configure_logging(
    token: str | None, level: int = logging.INFO, *, extra_secrets: Iterable[str] = ()
) -> logging.Handler:
    """Log to stderr, one line per event, with the token and phone numbers redacted.

    Replaces the handler an earlier call installed and leaves others alone.
    """
    install_redaction(token, extra_secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactingFilter(_secret_forms(token) + list(extra_secrets)))
    setattr(handler, _HANDLER_MARK, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Request lines would flood the log at 30 sends a second (and are redacted anyway).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    return handler
