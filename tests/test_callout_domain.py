"""Call-out rules without Telegram or a database: parsing, ranking, filling, answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.callout import (
    MAX_LOCATION_CHARS,
    Answer,
    Availability,
    Candidate,
    InviteKey,
    InviteMessage,
    InviteState,
    LineTally,
    Order,
    OrderLine,
    PersonStatus,
    TimeoutAction,
    Verdict,
    classify,
    combine_tallies,
    draft_expired,
    judge_answer,
    judge_timeout,
    may_manage,
    may_see,
    no_answer_recipients,
    order_from_json,
    order_to_json,
    parse_order,
    plan_fill,
    plan_quota,
    plan_widening,
    quota_choices,
    rank_candidates,
    reach_for,
    should_report_short,
    snapshot,
    tally_of,
    validate_location,
)
from bot.domain.geo import ArrivalStatus, distance_m, judge_arrival
from bot.domain.refusal import Refusal

CATEGORIES = ["POH", "POLWAN", "SAMAPTA", "BRIMOB", "OMB", "LIONG", "YANMAS"]
NOW = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)
STALE = timedelta(hours=12)


def parsed(text: str) -> Order:
    result = parse_order(text, CATEGORIES)
    assert isinstance(result, Order), result
    return result


def error(text: str) -> Refusal:
    """The refusal, its key named as below: without the messages' own `callout-error-`."""
    result = parse_order(text, CATEGORIES)
    assert isinstance(result, Refusal), result
    assert result.key.startswith("callout-error-"), result
    return Refusal(result.key.removeprefix("callout-error-"), result.args)


# -- parsing ----------------------------------------------------------------------------------


def test_a_single_category_order() -> None:
    order = parsed("BRIMOB 30 Kantor KPU Kalbar, Pontianak")
    assert order.lines == (OrderLine("BRIMOB", 30),)
    assert order.location == "Kantor KPU Kalbar, Pontianak"
    assert not order.drill
    assert order.ref is None
    assert order.timeout_minutes is None


def test_several_categories_each_with_its_quota() -> None:
    order = parsed("brimob 30 SAMAPTA 20 Kantor KPU Kalbar")
    assert order.lines == (OrderLine("BRIMOB", 30), OrderLine("SAMAPTA", 20))
    assert order.location == "Kantor KPU Kalbar"


def test_options_at_the_head_and_the_tail() -> None:
    order = parsed("BRIMOB 30 latihan sprin:Sprin/45/II/2024 Kantor KPU batas:10")
    assert order.drill
    assert order.ref == "Sprin/45/II/2024"
    assert order.timeout_minutes == 10
    assert order.location == "Kantor KPU"


def test_an_option_word_inside_the_place_name_is_part_of_the_place() -> None:
    order = parsed("BRIMOB 5 Lapangan Latihan Brimob Pontianak")
    assert not order.drill
    assert order.location == "Lapangan Latihan Brimob Pontianak"


def test_a_place_that_starts_like_a_quota_is_still_a_place() -> None:
    order = parsed("BRIMOB 30 TPS 12 Pontianak")
    assert order.lines == (OrderLine("BRIMOB", 30),)
    assert order.location == "TPS 12 Pontianak"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "usage"),
        ("30 BRIMOB Kantor", "usage"),
        ("BRIMOP 30 Kantor KPU", "unknown-category"),
        ("BRIMOB", "quota-missing"),
        ("BRIMOB Kantor KPU", "quota-invalid"),
        ("BRIMOB 0 Kantor KPU", "quota-zero"),
        ("BRIMOB -3 Kantor KPU", "quota-invalid"),
        ("BRIMOB 2.5 Kantor KPU", "quota-invalid"),
        ("BRIMOB 2,5 Kantor KPU", "quota-invalid"),
        ("BRIMOB 081234567890 Kantor KPU", "quota-absurd"),
        ("BRIMOB 30", "location-missing"),
        ("BRIMOB 30 latihan", "location-missing"),
        ("BRIMOB 30 POH 10 BRIMOB 5 Kantor", "duplicate-category"),
        ("BRIMOB 30 sprin: Kantor", "ref-empty"),
        ("BRIMOB 30 batas:0 Kantor", "timeout-invalid"),
        ("BRIMOB 30 batas:abc Kantor", "timeout-invalid"),
        ("BRIMOB 30 Kantor batas:999", "timeout-invalid"),
        ("BRIMOB 30 SAMAPTA x Kantor", "quota-invalid"),
    ],
)
def test_bad_orders_are_named(text: str, key: str) -> None:
    assert error(text).key == key


def test_unknown_category_carries_the_word() -> None:
    assert error("BRIMOP 30 Kantor").args == {"value": "BRIMOP"}


def test_a_location_over_the_limit_is_refused() -> None:
    result = error("BRIMOB 30 " + "x" * (MAX_LOCATION_CHARS + 1))
    assert result.key == "location-too-long"
    assert result.args["max"] == MAX_LOCATION_CHARS
    assert validate_location("y" * MAX_LOCATION_CHARS) == "y" * MAX_LOCATION_CHARS
    assert isinstance(validate_location("   "), Refusal)


def test_the_order_survives_json() -> None:
    order = parsed("BRIMOB 30 SAMAPTA 2 latihan sprin:X/1 Kantor batas:7")
    assert order_from_json(order_to_json(order)) == order


def test_drafts_expire() -> None:
    assert not draft_expired(NOW, NOW + timedelta(minutes=29))
    assert draft_expired(NOW, NOW + timedelta(minutes=31))


# -- scope ------------------------------------------------------------------------------------


def test_reach() -> None:
    assert reach_for("BRIMOB", is_admin=True, scope_categories=(), scope_units=()) is not None
    whole = reach_for("BRIMOB", is_admin=False, scope_categories={"BRIMOB"}, scope_units=())
    assert whole is not None
    assert whole.units is None
    units = reach_for("BRIMOB", is_admin=False, scope_categories=(), scope_units={"Polres A"})
    assert units is not None
    assert units.units == ("Polres A",)
    assert reach_for("BRIMOB", is_admin=False, scope_categories={"POH"}, scope_units=()) is None


# -- the confirm card -------------------------------------------------------------------------


def status(
    state: str | None,
    *,
    confirmed: timedelta = timedelta(hours=1),
    linked: bool = True,
    unreachable: bool = False,
    live: bool = False,
    until: datetime | None = None,
) -> PersonStatus:
    return PersonStatus(1, linked, unreachable, state, NOW - confirmed, until, live)


def test_classify() -> None:
    assert classify(status("SIAP"), NOW, STALE) is Availability.READY
    assert classify(status("SIAP", confirmed=timedelta(hours=13)), NOW, STALE) is (
        Availability.STALE
    )
    assert classify(status("TIDAK_SIAP"), NOW, STALE) is Availability.NOT_READY
    assert classify(status("TIDAK_SIAP", until=NOW), NOW, STALE) is Availability.UNKNOWN
    assert classify(status("BERTUGAS"), NOW, STALE) is Availability.DEPLOYED
    assert classify(status("SIAP", live=True), NOW, STALE) is Availability.DEPLOYED
    assert classify(status("SIAP", unreachable=True), NOW, STALE) is Availability.UNREACHABLE
    assert classify(status("SIAP", linked=False), NOW, STALE) is Availability.UNLINKED
    assert classify(status(None), NOW, STALE) is Availability.UNKNOWN


def test_quota_over_strength_is_capped_to_the_ready_count() -> None:
    people = [status("SIAP")] * 8 + [status("TIDAK_SIAP")] * 2
    snap = snapshot("BRIMOB", people, NOW, STALE)
    assert snap.strength == 10
    assert snap.available == 8
    capped = plan_quota(500, snap)
    assert capped.over_strength
    assert capped.quota == 8
    over = plan_quota(9, snap)
    assert over.over_available
    assert not over.over_strength
    assert over.quota == 9
    fine = plan_quota(5, snap)
    assert not fine.over_available
    assert fine.quota == 5
    assert snapshot("BRIMOB", people, NOW, STALE, target_strength=180).strength == 180


def test_quota_choices() -> None:
    assert quota_choices(0) == []
    assert quota_choices(7) == [5, 7]
    assert quota_choices(142) == [5, 10, 20, 30, 50, 100, 142]


# -- who is invited ---------------------------------------------------------------------------


def test_ranking_is_fair() -> None:
    never = Candidate(1, 11, NOW - timedelta(hours=3), None)
    long_ago = Candidate(2, 12, NOW - timedelta(hours=5), NOW - timedelta(days=9))
    recently = Candidate(3, 13, NOW - timedelta(hours=6), NOW - timedelta(days=1))
    never_but_recent_confirm = Candidate(4, 14, NOW - timedelta(hours=1), None)
    stale = Candidate(5, 15, NOW - timedelta(hours=20), None)
    ranked = rank_candidates(
        [stale, recently, never_but_recent_confirm, long_ago, never], NOW, STALE
    )
    assert [c.person_id for c in ranked] == [1, 4, 2, 3, 5]


# -- filling ----------------------------------------------------------------------------------


def test_plan_fill_invites_exactly_the_shortfall() -> None:
    assert plan_fill(LineTally(quota=30), 180).invite == 30
    assert plan_fill(LineTally(quota=30, accepted=10, pending=15), 100).invite == 5
    # Timed-out invites were replaced already: they do not hold a place.
    assert plan_fill(LineTally(quota=30, accepted=10, pending=15, timed_out=5), 100).invite == 5
    short = plan_fill(LineTally(quota=30, accepted=10, pending=15), 2)
    assert short.invite == 2
    assert short.short_by == 3
    full = plan_fill(LineTally(quota=30, accepted=30, pending=4), 100)
    assert full.stand_down
    assert full.invite == 0
    assert plan_fill(LineTally(quota=30, accepted=31), 100).stand_down


def test_short_reports_only_when_new_or_worse() -> None:
    assert should_report_short(3, 0, False)
    assert not should_report_short(3, 3, False)
    assert should_report_short(4, 3, False)
    assert not should_report_short(4, 0, True)
    assert not should_report_short(0, 0, False)


def test_widening_goes_to_the_reserve() -> None:
    assert plan_widening(12, "POH", "BRIMOB") is not None
    assert plan_widening(12, None, "BRIMOB") is None
    assert plan_widening(0, "POH", "BRIMOB") is None
    assert plan_widening(3, "BRIMOB", "BRIMOB") is None


def test_tally_from_state_counts() -> None:
    tally = tally_of({"accepted": 3, "pending": 2, "timed_out": 1, "declined": 4}, 10, 2)
    assert tally.waiting == 3
    assert tally.replaced == 5
    assert tally.room == 7
    assert tally.arrived == 2


# -- answers ----------------------------------------------------------------------------------


def judge(
    state: InviteState,
    answer: Answer,
    *,
    room: bool = True,
    active: bool = True,
    busy: bool = False,
) -> Verdict:
    tally = LineTally(quota=5, accepted=4 if room else 5)
    return judge_answer(
        callout_active=active, state=state, answer=answer, tally=tally, deployed_elsewhere=busy
    )


def test_answers() -> None:
    assert judge(InviteState.PENDING, Answer.ACCEPT) is Verdict.COUNT
    assert judge(InviteState.PENDING, Answer.ACCEPT, room=False) is Verdict.LATE
    assert judge(InviteState.ACCEPTED, Answer.ACCEPT) is Verdict.ALREADY_ACCEPTED
    assert judge(InviteState.ACCEPTED, Answer.DECLINE) is Verdict.ALREADY_ACCEPTED
    assert judge(InviteState.PENDING, Answer.DECLINE) is Verdict.DECLINED
    assert judge(InviteState.DECLINED, Answer.DECLINE) is Verdict.ALREADY_DECLINED
    assert judge(InviteState.DECLINED, Answer.ACCEPT) is Verdict.COUNT
    assert judge(InviteState.STOOD_DOWN, Answer.ACCEPT, room=False) is Verdict.LATE
    assert judge(InviteState.STOOD_DOWN, Answer.DECLINE) is Verdict.LATE
    assert judge(InviteState.NO_ANSWER, Answer.ACCEPT) is Verdict.COUNT
    assert judge(InviteState.TIMED_OUT, Answer.ACCEPT) is Verdict.COUNT
    assert judge(InviteState.CANCELLED, Answer.ACCEPT) is Verdict.CLOSED
    assert judge(InviteState.PENDING, Answer.ACCEPT, active=False) is Verdict.CLOSED
    assert judge(InviteState.PENDING, Answer.ACCEPT, busy=True) is Verdict.BUSY


def test_timeouts() -> None:
    assert judge_timeout(InviteState.PENDING, 1, person_active=True) is TimeoutAction.REMIND
    assert judge_timeout(InviteState.TIMED_OUT, 2, person_active=True) is (TimeoutAction.NO_ANSWER)
    assert judge_timeout(InviteState.ACCEPTED, 1, person_active=True) is TimeoutAction.NOTHING
    assert judge_timeout(InviteState.DECLINED, 2, person_active=True) is TimeoutAction.NOTHING
    assert judge_timeout(InviteState.PENDING, 1, person_active=False) is (TimeoutAction.NO_ANSWER)


# -- arrival ----------------------------------------------------------------------------------


def test_distance_is_sane() -> None:
    # Pontianak to Singkawang is about 125 km as the crow flies.
    assert 110_000 < distance_m(-0.0263, 109.3425, 0.9060, 108.9872) < 140_000
    assert distance_m(1.0, 1.0, 1.0, 1.0) == 0.0


def test_arrival_verdicts() -> None:
    site = (-0.0263, 109.3425)
    inside = judge_arrival(site, 500, (-0.0270, 109.3430))
    assert inside.status is ArrivalStatus.VERIFIED
    assert inside.counts
    outside = judge_arrival(site, 500, (-0.0500, 109.3425))
    assert outside.status is ArrivalStatus.OUTSIDE
    assert not outside.counts
    assert outside.distance_m is not None
    assert outside.distance_m > 2000
    reported = judge_arrival(None, 500, (1.0, 1.0))
    assert reported.status is ArrivalStatus.REPORTED
    assert reported.counts


def test_tallies_add_up() -> None:
    total = combine_tallies(
        [LineTally(quota=30, accepted=24, arrived=9), LineTally(quota=20, accepted=20, pending=2)]
    )
    assert (total.quota, total.accepted, total.pending, total.arrived) == (50, 44, 2, 9)
    assert combine_tallies([]) == LineTally(quota=0)


def test_every_message_the_call_out_code_names_exists_in_both_languages() -> None:
    import re
    from pathlib import Path

    from bot.domain.reasons import REASONS
    from bot.i18n import Catalog

    root = Path(__file__).resolve().parent.parent
    package = root / "handlers" / "callout"
    source = "".join(path.read_text("utf-8") for path in sorted(package.rglob("*.py")))
    used = set(re.findall(r'"((?:mobilize|cmd)-[a-z0-9_-]+[a-z0-9_])"', source))
    dynamic = {f"reason-button-{r.replace('_', '-')}" for r in REASONS}
    keys = {
        "usage",
        "unknown-category",
        "quota-missing",
        "quota-invalid",
        "quota-zero",
        "quota-absurd",
        "duplicate-category",
        "location-missing",
        "location-too-long",
        "ref-empty",
        "ref-too-long",
        "timeout-invalid",
        "out-of-scope",
        "field-unknown",
        "field-empty",
        "field-too-long",
    }
    dynamic |= {f"callout-error-{k}" for k in keys}
    catalog = Catalog.load()
    missing = [
        f"{lang}:{key}"
        for lang in ("id", "en")
        for key in sorted(used | dynamic)
        if not catalog.has(lang, key)
    ]
    assert missing == []


@dataclass(frozen=True)
class _Who:
    user_id: int
    is_admin: bool = False
    is_commander: bool = False
    categories: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()

    def commands_category(self, code: str) -> bool:
        return self.is_admin or (self.is_commander and code in self.categories)

    def commands_unit(self, unit: str) -> bool:
        return self.is_admin or (self.is_commander and unit in self.units)


@dataclass(frozen=True)
class _Line:
    category: str
    units: tuple[str, ...] | None = None


def test_who_may_manage_and_see_a_call_out() -> None:
    lines = [_Line("BRIMOB"), _Line("SABHARA", ("Polres A",))]
    orderer = _Who(1, is_commander=True)
    both = _Who(2, is_commander=True, categories=frozenset({"BRIMOB", "SABHARA"}))
    one = _Who(3, is_commander=True, categories=frozenset({"BRIMOB"}))
    unit = _Who(4, is_commander=True, units=frozenset({"Polres A"}))
    member = _Who(5, categories=frozenset({"BRIMOB"}))
    assert may_manage(orderer, 1, lines)
    assert may_manage(_Who(9, is_admin=True), 1, lines)
    assert may_manage(both, 1, lines)
    assert not may_manage(one, 1, lines)
    assert may_see(one, 1, lines)
    assert not may_manage(unit, 1, lines)
    assert may_see(unit, 1, lines)
    assert not may_see(member, 1, lines)
    assert not may_see(_Who(6, is_commander=True, units=frozenset({"Polres B"})), 1, lines)


def test_no_answer_goes_to_own_unit_commanders_first() -> None:
    covering = [("category", frozenset({"Polres B"})), ("unit", frozenset({"Polres A"}))]
    assert no_answer_recipients("Polres A", covering) == ["unit"]
    assert no_answer_recipients("Polres C", covering) == ["category", "unit"]
    assert no_answer_recipients("Polres A", []) == []


def test_order_fields_after_the_location_are_read_by_name() -> None:
    order = parse_order(
        "BRIMOB 30 Kantor KPU Kalbar, Pontianak sprin:Sprin/45/II/2024; tugas: BKO Polres"
        " Sanggau;kumpul:Mako Brimob\nLapor ke: Iptu Dedi 0812-3456-7890",
        ["BRIMOB"],
    )
    assert isinstance(order, Order)
    assert order.location == "Kantor KPU Kalbar, Pontianak"
    assert order.ref == "Sprin/45/II/2024"
    assert (order.task, order.assembly, order.report_to) == (
        "BKO Polres Sanggau",
        "Mako Brimob",
        "Iptu Dedi 0812-3456-7890",
    )
    assert order_from_json(order_to_json(order)) == order


def test_a_bad_order_field_is_refused_with_what_was_wrong() -> None:
    unknown = parse_order("BRIMOB 30 Kantor KPU; radio: 7", ["BRIMOB"])
    assert unknown == Refusal("callout-error-field-unknown", {"value": "radio: 7"})
    empty = parse_order("BRIMOB 30 Kantor KPU; kumpul:  ", ["BRIMOB"])
    assert empty == Refusal("callout-error-field-empty", {"field": "kumpul"})
    long = parse_order("BRIMOB 30 Kantor KPU; lapor: " + "x" * 101, ["BRIMOB"])
    assert isinstance(long, Refusal)
    assert long.key == "callout-error-field-too-long"
    plain = parse_order("BRIMOB 30 Kantor KPU", ["BRIMOB"])
    assert isinstance(plain, Order)
    assert plain.task is None
    assert plain.report_to is None


def test_invite_keys_are_built_and_read_back_by_one_pair() -> None:
    keys = {
        "co:inv:12": InviteKey(InviteMessage.INVITATION, 12),
        "co:inv:12:rem:1": InviteKey(InviteMessage.INVITATION, 12, ("rem", "1")),
        "co:arr:12": InviteKey(InviteMessage.ARRIVAL, 12),
        "co:noans:12:5001": InviteKey(InviteMessage.NO_ANSWER, 12, ("5001",)),
    }
    for text, key in keys.items():
        assert str(key) == text
        assert InviteKey.parse(text) == key
    for foreign in ("ap:12:card", "co:12:card", "co:zz:12", "co:inv:x", "co"):
        assert InviteKey.parse(foreign) is None
