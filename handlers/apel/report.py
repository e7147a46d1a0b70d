"""The closing report in the service's apel format (bot/domain/apel_report.py): per category
Jumlah / Kurang / Hadir and Keterangan by reason with the names, then whom to call (silent or
unreachable, with phone numbers); sent to the opener's private chat, as a file when long."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.apel import (
    MAX_REPORT_MESSAGES,
    LocationState,
    MessageKey,
    MessageKind,
    ReportPerson,
    report_csv,
    split_messages,
    utf16_len,
)
from bot.domain.apel_report import NOT_ANSWERED, ApelReport, Line, build_report
from bot.domain.geo import format_distance
from bot.domain.reasons import OTHER
from bot.services import Services
from handlers.apel.render import assembly_lines, rollcall_name, title_suffix
from handlers.kit.text import Renderer, renderer
from storage import apel as store
from storage import outbox
from storage.apel import ReportRow, RollCall
from storage.db import Transaction
from storage.outbox import OutgoingMessage, Priority

CAPTION_LIMIT = 1024


def _name(row: ReportRow) -> str:
    return f"{row.rank} {row.name}"


def ket_label(r: Renderer, keterangan: str) -> str:
    """`Sakit`, `DL`, `Belum lapor`…: the report's word for why someone is missing."""
    return r.text("rollcall-ket-" + keterangan.replace("_", "-"))


def _named(r: Renderer, row: ReportRow) -> str:
    """A name in a Keterangan line; `lainnya` carries what the person wrote."""
    if row.status == "no" and row.reason == OTHER and row.reason_text:
        return r.text("rollcall-report-name-text", name=_name(row), text=row.reason_text)
    return _name(row)


def _to_call(r: Renderer, rows: Sequence[ReportRow]) -> list[str]:
    """Numbered, two short lines a person: the name, then unit and phone."""
    return [
        r.html("rollcall-report-person", n=str(i), name=_name(row), unit=row.unit, phone=row.phone)
        for i, row in enumerate(rows, start=1)
    ]


def _line_text(r: Renderer, rc: RollCall, line: Line[ReportRow]) -> str:
    return r.html(
        "rollcall-report-line",
        kind=rc.kind,
        jumlah=r.number(line.jumlah),
        kurang=r.number(line.kurang),
        hadir=r.number(line.hadir),
    )


def _category(r: Renderer, rc: RollCall, line: Line[ReportRow]) -> list[str]:
    texts = [
        "",
        r.html("rollcall-report-category", category=line.category),
        _line_text(r, rc, line),
    ]
    explained = [(k, people) for k, people in line.keterangan if k not in NOT_ANSWERED]
    if explained:
        texts.append(r.html("rollcall-report-keterangan"))
    for keterangan, people in explained:
        texts.append(
            r.html(
                "rollcall-report-ket",
                label=ket_label(r, keterangan),
                count=r.number(len(people)),
                names=", ".join(_named(r, p) for p in people),
            )
        )
    for keterangan, people in line.keterangan:
        if keterangan in NOT_ANSWERED:
            texts.append(
                r.html(
                    "rollcall-report-call",
                    ket=keterangan,
                    label=ket_label(r, keterangan),
                    count=r.number(len(people)),
                )
            )
            texts += _to_call(r, people)
    return texts


def _header(
    services: Services, r: Renderer, rc: RollCall, report: ApelReport[ReportRow], now: datetime
) -> list[str]:
    header = [
        r.html(
            "rollcall-report-title",
            name=rollcall_name(services, r.lang, rc),
            title=title_suffix(rc),
        ),
        *assembly_lines(services, r.lang, rc, now),
        r.html(
            "rollcall-report-times",
            opened=r.when(rc.opened_at, now),
            opener=rc.opened_by_name,
            closed=r.when(rc.closed_at or now, now),
        ),
    ]
    if len(report.categories) != 1:
        header += ["", r.html("rollcall-report-whole"), _line_text(r, rc, report.total)]
    return header


def _location_notes(r: Renderer, rows: Sequence[ReportRow]) -> list[str]:
    """Present, but not where the assembly point is, or never said where they were."""
    outside = [p for p in rows if p.status == "yes" and p.location_state == LocationState.OUTSIDE]
    unverified = [
        p for p in rows if p.status == "yes" and p.location_state == LocationState.AWAITING
    ]
    texts: list[str] = []
    if outside:
        texts += ["", r.html("rollcall-report-outside", count=r.number(len(outside)))]
        texts += [
            r.html(
                "rollcall-report-person-distance",
                n=str(i),
                name=_name(p),
                unit=p.unit,
                distance=format_distance(p.distance_m or 0.0, r.lang),
            )
            for i, p in enumerate(outside, start=1)
        ]
    if unverified:
        texts += ["", r.html("rollcall-report-no-location", count=r.number(len(unverified)))]
        texts += _to_call(r, unverified)
    return texts


async def enqueue_report(services: Services, tx: Transaction, rc: RollCall, now: datetime) -> None:
    r = renderer(services, rc.language)
    rows = await store.report_rows(tx, rc.id)
    report = build_report(rows)
    header = _header(services, r, rc, report, now)
    body: list[str] = []
    for line in report.categories:
        body += _category(r, rc, line)
    if report.all_answered:
        body += ["", r.html("rollcall-report-all-answered")]
    body += _location_notes(r, rows)
    parts = split_messages([*header, *body])
    chat_id = rc.opened_by_user
    if len(parts) <= MAX_REPORT_MESSAGES:
        for i, text in enumerate(parts, start=1):
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=chat_id,
                    text=text,
                    priority=Priority.BROADCAST,
                    dedup_key=str(MessageKey(rc.id, MessageKind.REPORT, tag=str(i))),
                ),
                now,
            )
        return
    # Too long to read in a chat: everyone missing in a file, in the report's order, and the
    # numbers per category as its caption (as many as fit).
    missing = [
        (p, keterangan)
        for line in report.categories
        for keterangan, people in line.keterangan
        for p in people
    ]
    content = report_csv(
        ReportPerson(
            category=p.category,
            status=ket_label(r, keterangan),
            rank=p.rank,
            name=p.name,
            nrp=p.nrp,
            unit=p.unit,
            phone=p.phone,
            detail=p.reason_text or "",
        )
        for p, keterangan in missing
    )
    file_line = r.html("rollcall-report-file", count=r.number(len(missing)))
    per_category = [
        text
        for line in report.categories
        for text in (
            r.html("rollcall-report-category", category=line.category),
            _line_text(r, rc, line),
        )
    ]
    caption = "\n".join([*header, *per_category, file_line])
    if utf16_len(caption) > CAPTION_LIMIT:
        caption = "\n".join([*header, file_line])
    await outbox.enqueue_document(
        tx,
        chat_id=chat_id,
        file_name=f"{rc.kind}-{rc.id}-laporan.csv",
        content=content,
        caption=caption,
        dedup_key=str(MessageKey(rc.id, MessageKind.REPORT, tag="csv")),
        now=now,
    )
