"""Readiness rules: what a stored state means at a given moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.reasons import WORDS
from bot.domain.refusal import Refusal


class State(StrEnum):
    SIAP = "SIAP"
    TIDAK_SIAP = "TIDAK_SIAP"
    BERTUGAS = "BERTUGAS"


class Effective(StrEnum):
    """What a summary counts: stale readiness is not the same as fresh readiness."""

    SIAP = "siap"
    STALE = "stale"  # SIAP, but not confirmed recently: ask again
    TIDAK_SIAP = "tidak_siap"
    BERTUGAS = "bertugas"
    UNKNOWN = "unknown"  # never answered, or a TIDAK SIAP whose end time has passed


@dataclass(frozen=True)
class Readiness:
    person_id: int
    state: State
    reason: str | None
    reason_text: str | None
    until: datetime | None
    confirmed_at: datetime
    callout_id: int | None
    last_deployed_at: datetime | None


def effective(readiness: Readiness | None, now: datetime, stale_after: timedelta) -> Effective:
    if readiness is None:
        return Effective.UNKNOWN
    if readiness.state is State.BERTUGAS:
        return Effective.BERTUGAS
    if readiness.state is State.TIDAK_SIAP:
        if readiness.until is not None and readiness.until <= now:
            return Effective.UNKNOWN
        return Effective.TIDAK_SIAP
    if now - readiness.confirmed_at >= stale_after:
        return Effective.STALE
    return Effective.SIAP


def stale_at(readiness: Readiness, stale_after: timedelta) -> datetime | None:
    """When to ask this person again (None: nothing to ask, e.g. deployed)."""
    if readiness.state is State.SIAP:
        return readiness.confirmed_at + stale_after
    if readiness.state is State.TIDAK_SIAP:
        return readiness.until
    return None


@dataclass(frozen=True)
class NotReadyRequest:
    reason: str | None  # None: ask with buttons
    reason_text: str | None = None


def parse_not_ready(args: list[str], text_max: int = 200) -> NotReadyRequest | Refusal:
    """`/tidaksiap [sakit|izin|cuti|dik|dinas luar|bko|lainnya [teks]]`; no argument asks."""
    words = [w for w in args if w.strip()]
    if not words:
        return NotReadyRequest(None)
    head = words[0].lower()
    reason = WORDS.get(head)
    rest = words[1:]
    if reason == "dinas_luar" and head == "dinas" and rest and rest[0].lower() == "luar":
        rest = rest[1:]
    if reason is None:
        return Refusal("readiness-unknown-reason", {"value": " ".join(words)[:40]})
    # Words after the reason are its detail ("sakit demam", "lainnya urusan keluarga").
    text = " ".join(rest).strip()[:text_max]
    return NotReadyRequest(reason, text or None)
