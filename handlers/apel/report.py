"""The closing report: who came, who did not and why, sent to the opener in sections."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.domain.apel import (
    MAX_REPORT_MESSAGES,
    LocationState,
    MessageKey,
    MessageKind,
    ReportPerson,
    build_tally,
    report_csv,
    split_messages,
)
from bot.domain.geo import format_distance
from bot.i18n import format_number
from bot.services import Services
from handlers.apel.render import rollcall_name, title_suffix
from handlers.kit.text import renderer
from storage import apel as store
from storage import outbox
from storage.apel import ReportRow, RollCall
from storage.db import Transaction
from storage.outbox import OutgoingMessage, Priority


def _person_name(row: ReportRow) -> str:
    return f"{row.rank} {row.name}"


def _with_phone(row: ReportRow, lang: str) -> tuple[str, dict[str, str]]:
    return "rollcall-report-person", {"phone": row.phone}


def _with_category(row: ReportRow, lang: str) -> tuple[str, dict[str, str]]:
    return "rollcall-report-person-category", {"category": row.category, "phone": row.phone}


def _with_distance(row: ReportRow, lang: str) -> tuple[str, dict[str, str]]:
    return "rollcall-report-person-distance", {
        "distance": format_distance(row.distance_m or 0.0, lang)
    }


def _report_section(
    services: Services,
    lang: str,
    heading: str,
    rows: Sequence[ReportRow],
    line: Callable[[ReportRow, str], tuple[str, dict[str, str]]],
    **heading_args: str,
) -> list[str]:
    """One list of the report: nothing when empty, else a blank line, the heading with the
    count, and a numbered line a person (`line` picks its message and what it adds)."""
    if not rows:
        return []
    texts = [
        "",
        renderer(services, lang).html(
            heading, count=format_number(len(rows), lang), **heading_args
        ),
    ]
    for i, row in enumerate(rows, start=1):
        key, args = line(row, lang)
        texts.append(
            renderer(services, lang).html(
                key, n=str(i), name=_person_name(row), unit=row.unit, **args
            )
        )
    return texts


async def enqueue_report(services: Services, tx: Transaction, rc: RollCall, now: datetime) -> None:
    lang = rc.language
    rows = await store.report_rows(tx, rc.id)
    tally = build_tally(await store.tally_rows(tx, rc.id))
    total = tally.total
    header = [
        renderer(services, lang).html(
            "rollcall-report-title", name=rollcall_name(services, lang, rc), title=title_suffix(rc)
        ),
        renderer(services, lang).html(
            "rollcall-report-times",
            opened=renderer(services, lang).when(rc.opened_at, now),
            opener=rc.opened_by_name,
            closed=renderer(services, lang).when(rc.closed_at or now, now),
        ),
        renderer(services, lang).html(
            "rollcall-report-totals",
            kind=rc.kind,
            called=format_number(total.called, lang),
            yes=format_number(total.yes, lang),
            no=format_number(total.no, lang),
            pending=format_number(total.no_answer - total.unreachable, lang),
            unreachable=format_number(total.unreachable, lang),
        ),
    ]
    silent = [r for r in rows if r.status == "belum_menjawab"]
    unreachable = [r for r in rows if r.status == "tak_terjangkau"]
    unlinked = [r for r in rows if r.status == "belum_terdaftar"]
    outside = [r for r in rows if r.status == "yes" and r.location_state == LocationState.OUTSIDE]
    # Said Hadir at an assembly point but never shared where they were.
    unverified = [
        r for r in rows if r.status == "yes" and r.location_state == LocationState.AWAITING
    ]
    body: list[str] = []
    if not silent:
        body += ["", renderer(services, lang).html("rollcall-report-all-answered")]
    for category in sorted({r.category for r in silent}):
        people = [r for r in silent if r.category == category]
        body += _report_section(
            services, lang, "rollcall-report-category", people, _with_phone, category=category
        )
    body += _report_section(
        services, lang, "rollcall-report-unreachable", unreachable, _with_category
    )
    body += _report_section(services, lang, "rollcall-report-outside", outside, _with_distance)
    body += _report_section(services, lang, "rollcall-report-no-location", unverified, _with_phone)
    body += _report_section(services, lang, "rollcall-report-unlinked", unlinked, _with_category)
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
    listed = [
        *((r, "belum-menjawab") for r in silent),
        *((r, "tak-terjangkau") for r in unreachable),
        *((r, "outside") for r in outside),
        *((r, "no-location") for r in unverified),
        *((r, "belum-terdaftar") for r in unlinked),
    ]
    content = report_csv(
        ReportPerson(
            category=r.category,
            status=renderer(services, lang).text("rollcall-report-status-" + status),
            rank=r.rank,
            name=r.name,
            nrp=r.nrp,
            unit=r.unit,
            phone=r.phone,
            detail=format_distance(r.distance_m, lang) if r.distance_m is not None else "",
        )
        for r, status in listed
    )
    caption = "\n".join(
        [
            *header,
            renderer(services, lang).html(
                "rollcall-report-file", count=format_number(len(listed), lang)
            ),
        ]
    )
    await outbox.enqueue_document(
        tx,
        chat_id=chat_id,
        file_name=f"{rc.kind}-{rc.id}-laporan.csv",
        content=content,
        caption=caption,
        dedup_key=str(MessageKey(rc.id, MessageKind.REPORT, tag="csv")),
        now=now,
    )
