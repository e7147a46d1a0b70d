"""The fill rule without Telegram or a database: the response model, silence, margin, caps."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.callout import Order, Strategy, order_from_json, order_to_json, parse_order
from bot.domain.fill import (
    CAP_TIMES_QUOTA,
    HORIZON_MEDIANS,
    MARGIN_SD,
    MIN_SPARE,
    PERSON_PRIOR_WEIGHT,
    PRIOR,
    CutShort,
    LineState,
    LiveInvite,
    Outcome,
    PastAnswer,
    PastInvite,
    ResponseModel,
    called_estimate,
    learn,
    parse_strategy,
    person_models,
    plan_line,
    tonight,
)

NOW = datetime(2024, 2, 14, 16, 0, tzinfo=UTC)
MODEL = ResponseModel(accept=0.7, decline=0.15, median_s=50.0, sigma=0.8, weight=20.0)


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


def line(
    quota: int = 30,
    accepted: int = 0,
    open_for: list[float | None] | None = None,
    called: int | None = None,
    pending: int | None = None,
) -> LineState:
    opened = [
        LiveInvite(1000 + i, None if t is None else ago(t), None)
        for i, t in enumerate(open_for or [])
    ]
    return LineState(
        quota=quota,
        accepted=accepted,
        pending=len(opened) if pending is None else pending,
        called=(accepted + len(opened)) if called is None else called,
        open=opened,
    )


# -- the response model ---------------------------------------------------------------------


def test_answered_by_is_a_distribution_with_its_median_at_median_s() -> None:
    assert MODEL.answered_by(0) == 0.0
    assert MODEL.answered_by(50.0) == pytest.approx(0.5)
    assert MODEL.answered_by(10.0) < MODEL.answered_by(50.0) < MODEL.answered_by(300.0) < 1.0


def test_silence_lowers_the_chance_of_a_yes() -> None:
    chances = [MODEL.yes_eventually(t) for t in (0, 30, 60, 120, 300, 900)]
    assert chances[0] == pytest.approx(MODEL.accept)
    assert chances == sorted(chances, reverse=True)
    assert chances[-1] < 0.1  # fifteen minutes of silence: hardly anyone still says yes


def test_yes_within_the_horizon_is_below_yes_eventually_and_falls_with_silence() -> None:
    assert MODEL.yes_within(0, 75) < MODEL.yes_eventually(0)
    assert MODEL.yes_within(0, 1e9) == pytest.approx(MODEL.accept)
    soon = [MODEL.yes_within(t, 75) for t in (60, 120, 300, 900)]
    assert soon == sorted(soon, reverse=True)


# -- learning -------------------------------------------------------------------------------


def test_no_history_is_the_stated_prior() -> None:
    assert learn([]) == PRIOR


def test_history_moves_the_prior_toward_what_people_did() -> None:
    eager = [PastAnswer(i, Outcome.ACCEPTED, 20.0) for i in range(200)]
    model = learn(eager)
    assert model.accept > 0.9
    assert model.median_s < 25.0
    assert model.weight <= 40.0  # tonight can still move it

    reluctant = [PastAnswer(i, Outcome.SILENT, None) for i in range(200)]
    assert learn(reluctant).accept < 0.1


def test_one_answer_moves_a_person_a_little() -> None:
    models = person_models([PastAnswer(8, Outcome.ACCEPTED, 10.0)], MODEL)
    assert set(models) == {8}
    one = models[8]
    # Shrunk toward everyone's model with PERSON_PRIOR_WEIGHT pseudo-invitations: a step
    # toward "says yes, quickly", not a leap to certainty.
    assert one.accept == pytest.approx((PERSON_PRIOR_WEIGHT * MODEL.accept + 1) / 4)
    assert MODEL.accept < one.accept < 0.8
    assert 10.0 < one.median_s < MODEL.median_s
    never = person_models([PastAnswer(7, Outcome.SILENT, None)] * 4, MODEL)[7]
    assert never.accept < MODEL.accept / 2


def test_a_stand_downs_silence_lowers_a_persons_chance_as_censored_evidence() -> None:
    horizon = 75.0
    usual = MODEL.yes_within(0, horizon)
    # Stood down four times after two minutes of silence each: not among the quick. Partly
    # less likely to say yes at all, partly slower when they do; never a whole "no" each.
    slow = person_models([CutShort(7, 120.0)] * 4, MODEL)[7]
    assert slow.yes_within(0, horizon) < usual * 0.6
    assert slow.median_s > MODEL.median_s * 1.2
    assert PERSON_PRIOR_WEIGHT * MODEL.accept / (PERSON_PRIOR_WEIGHT + 4) < slow.accept
    assert slow.accept < MODEL.accept
    # Stood down two seconds after it arrived says next to nothing.
    quick_fill = person_models([CutShort(8, 2.0)] * 4, MODEL)[8]
    assert quick_fill.yes_within(0, horizon) == pytest.approx(usual, rel=0.01)


def test_a_silence_far_beyond_every_delay_is_no_answerer() -> None:
    # Everyone answers in the model and the silence is past any delay: no 0 ÷ 0, just "no".
    certain = ResponseModel(accept=1.0, decline=0.0, median_s=10.0, sigma=0.2, weight=3.0)
    model = person_models([CutShort(1, 1e9)], certain)[1]
    assert model.accept == pytest.approx(PERSON_PRIOR_WEIGHT / (PERSON_PRIOR_WEIGHT + 1))
    assert model.median_s == pytest.approx(10.0)


def _served_by_cepat(seed: int, people: int) -> list[PastInvite]:
    """A Polda's record as Cepat leaves it: people answer as MODEL says (70 % yes, 15 % no,
    the rest never; log-normal delays, median 50 s), but the quota fills after 30 to 90 s and
    everyone still silent is stood down then, the slow yes-sayers among them."""
    rng = random.Random(seed)
    record: list[PastInvite] = []
    for person_id in range(people):
        filled_after = rng.uniform(30.0, 90.0)
        roll = rng.random()
        delay = rng.lognormvariate(math.log(MODEL.median_s), MODEL.sigma)
        if roll >= MODEL.accept + MODEL.decline or delay > filled_after:
            record.append(CutShort(person_id, filled_after))
        elif roll < MODEL.accept:
            record.append(PastAnswer(person_id, Outcome.ACCEPTED, delay))
        else:
            record.append(PastAnswer(person_id, Outcome.DECLINED, delay))
    return record


def test_the_polda_is_learned_from_its_answers_and_the_silences_cut_short() -> None:
    record = _served_by_cepat(seed=11, people=4000)
    fitted = learn(record, replace(PRIOR, weight=1.0))
    assert fitted.median_s == pytest.approx(MODEL.median_s, rel=0.12)
    assert fitted.accept == pytest.approx(MODEL.accept, abs=0.06)
    # The answers alone are the quick ones: a Polda read from them looks faster and keener.
    answers = [past for past in record if isinstance(past, PastAnswer)]
    survivors = learn(answers, replace(PRIOR, weight=1.0))
    assert survivors.median_s < MODEL.median_s * 0.8
    assert survivors.accept > MODEL.accept + 0.1


def test_without_silences_cut_short_the_fit_is_the_answers_alone() -> None:
    answers = [PastAnswer(1, Outcome.ACCEPTED, 20.0), PastAnswer(2, Outcome.DECLINED, 80.0)]
    fitted = learn(answers)
    w = PRIOR.weight
    assert fitted.accept == (w * PRIOR.accept + 1) / (w + 2)
    assert fitted.decline == (w * PRIOR.decline + 1) / (w + 2)
    logs = [math.log(20.0), math.log(80.0)]
    mu = (10 * math.log(PRIOR.median_s) + sum(logs)) / 12
    assert fitted.median_s == pytest.approx(math.exp(mu))


def test_tonights_silence_lowers_the_acceptance_estimate_before_any_timeout() -> None:
    silent = [LiveInvite(i, ago(240), None) for i in range(40)]
    assert tonight(MODEL, silent, NOW).accept < MODEL.accept / 2
    queued = [LiveInvite(i, None, None) for i in range(40)]
    assert tonight(MODEL, queued, NOW) == MODEL  # still queued for Telegram: not silence
    yes = [LiveInvite(i, ago(30), Outcome.ACCEPTED) for i in range(20)]
    assert tonight(MODEL, yes, NOW).accept > MODEL.accept


def test_a_quick_start_as_the_model_expects_it_leaves_the_estimate_where_it_was() -> None:
    # 100 invitations delivered 20 s ago: the model expects 100·0.7·F(20) ≈ 9 yes and 2 no
    # by now. Counting those 11 fast answers as whole invitations would read them as 9 yes
    # of 11 + 89·F(20) ≈ 22 exposed, i.e. a line that mostly says no, and call more.
    arrived = ago(20)
    invites = [LiveInvite(i, arrived, Outcome.ACCEPTED) for i in range(9)]
    invites += [LiveInvite(100 + i, arrived, Outcome.DECLINED) for i in range(2)]
    invites += [LiveInvite(200 + i, arrived, None) for i in range(89)]
    learned = tonight(MODEL, invites, NOW)
    assert learned.accept == pytest.approx(MODEL.accept, abs=0.03)
    assert learned.decline == pytest.approx(MODEL.decline, abs=0.03)


def test_people_faster_than_the_model_never_make_the_shares_exceed_everyone() -> None:
    # 30 of 100 said yes within 20 s, where the model expects about 9: eager people.
    arrived = ago(20)
    invites = [LiveInvite(i, arrived, Outcome.ACCEPTED) for i in range(30)]
    invites += [LiveInvite(200 + i, arrived, None) for i in range(70)]
    learned = tonight(MODEL, invites, NOW)
    assert learned.accept > MODEL.accept
    assert learned.accept + learned.decline <= 1.0
    # An open invitation still counts for something: the line is answering, not gone.
    assert learned.yes_within(20, 75) > 0.3


# -- the plan -------------------------------------------------------------------------------


def test_tepat_invites_exactly_the_shortfall() -> None:
    decision = plan_line(Strategy.TEPAT, line(30), 180, MODEL, NOW)
    assert decision.invite == 30
    decision = plan_line(
        Strategy.TEPAT, line(30, accepted=10, open_for=[5.0] * 15), 150, MODEL, NOW
    )
    assert decision.invite == 5


def test_semua_invites_everyone_available() -> None:
    assert plan_line(Strategy.SEMUA, line(30), 180, MODEL, NOW).invite == 180


def test_cepat_invites_more_than_the_shortfall_but_within_the_cap() -> None:
    decision = plan_line(Strategy.CEPAT, line(30), 180, MODEL, NOW)
    assert 30 < decision.invite <= CAP_TIMES_QUOTA * 30
    # Calling just the expected need (30 ÷ 0.7 ≈ 43) would fill at the slowest acceptors' pace.
    assert decision.invite > 43
    assert decision.expected >= 30


def test_cepat_never_invites_fewer_than_tepat() -> None:
    for available in (0, 5, 31, 200):
        for accepted in (0, 10, 29):
            state = line(30, accepted=accepted, open_for=[400.0] * 3)
            tepat = plan_line(Strategy.TEPAT, state, available, MODEL, NOW).invite
            assert plan_line(Strategy.CEPAT, state, available, MODEL, NOW).invite >= tepat


def test_cepat_replaces_silent_people_long_before_a_five_minute_timeout() -> None:
    fresh = line(10, open_for=[1.0] * 30)
    assert plan_line(Strategy.CEPAT, fresh, 100, MODEL, NOW).invite == 0
    # Two minutes of silence from all of them: the same 30 are no longer enough.
    silent = line(10, open_for=[120.0] * 30)
    assert plan_line(Strategy.CEPAT, silent, 100, MODEL, NOW).invite > 0


def test_once_the_order_is_out_a_slow_first_few_seconds_call_nobody_more() -> None:
    # The order's invitations carry a margin; twenty seconds in, tonight's answers have moved
    # the acceptance a little below the model's (a few fast answers that happened not to come).
    first = plan_line(Strategy.CEPAT, line(30), 180, MODEL, NOW).invite
    out = line(30, open_for=[20.0] * first)
    a_little_lower = replace(MODEL, accept=0.63)
    assert plan_line(Strategy.CEPAT, out, 180 - first, a_little_lower, NOW).invite == 0
    # A line that clearly says less than the model expected is topped up at once.
    reluctant = replace(MODEL, accept=0.5)
    assert plan_line(Strategy.CEPAT, out, 180 - first, reluctant, NOW).invite > 0


def test_cepat_counts_the_accepted_and_stops_at_the_quota() -> None:
    assert plan_line(Strategy.CEPAT, line(10, accepted=10), 100, MODEL, NOW).stand_down
    alone = plan_line(Strategy.CEPAT, line(10, accepted=9, called=9), 100, MODEL, NOW).invite
    near = line(10, accepted=9, open_for=[1.0] * 2)
    assert plan_line(Strategy.CEPAT, near, 100, MODEL, NOW).invite < alone


def test_cepat_stops_at_the_cap_and_keeps_a_spare() -> None:
    capped = line(10, open_for=[600.0] * 5, called=int(CAP_TIMES_QUOTA * 10))
    assert plan_line(Strategy.CEPAT, capped, 100, MODEL, NOW).invite == 5  # Tepat's floor
    last = line(10, accepted=9, open_for=[], called=9)
    assert plan_line(Strategy.CEPAT, last, 100, MODEL, NOW).invite >= 2


def test_a_line_with_fewer_ready_than_the_quota_invites_all_and_reports_short() -> None:
    for strategy in Strategy:
        decision = plan_line(strategy, line(30), 12, MODEL, NOW)
        assert decision.invite == 12
        assert decision.short_by == 18


def test_a_person_known_to_stay_silent_counts_for_less() -> None:
    state = line(5, open_for=[10.0] * 10)
    silent_people = {1000 + i: ResponseModel(0.05, 0.05, 50.0, 0.8, 3.0) for i in range(10)}
    plain = plan_line(Strategy.CEPAT, state, 100, MODEL, NOW).invite
    known = plan_line(Strategy.CEPAT, state, 100, MODEL, NOW, silent_people).invite
    assert known > plain


def test_the_confirm_cards_estimate() -> None:
    assert called_estimate(Strategy.TEPAT, 30, 180, PRIOR) == 30
    assert called_estimate(Strategy.SEMUA, 30, 180, PRIOR) == 180
    assert 30 < called_estimate(Strategy.CEPAT, 30, 180, PRIOR) <= 120
    assert called_estimate(Strategy.CEPAT, 30, 12, PRIOR) == 12


def test_option_words() -> None:
    assert parse_strategy("CEPAT") is Strategy.CEPAT
    assert parse_strategy("tepat") is Strategy.TEPAT
    assert parse_strategy("semua") is Strategy.SEMUA
    assert parse_strategy("lambat") is None


def test_a_typed_order_takes_the_strategy_word_at_either_end() -> None:
    categories = ["BRIMOB", "SAMAPTA"]
    head = parse_order("BRIMOB 30 semua Kantor KPU Kalbar", categories)
    tail = parse_order("BRIMOB 30 SAMAPTA 5 Kantor KPU Kalbar tepat", categories)
    plain = parse_order("BRIMOB 30 Kantor KPU Kalbar", categories)
    assert isinstance(head, Order)
    assert isinstance(tail, Order)
    assert isinstance(plain, Order)
    assert head.strategy is Strategy.SEMUA
    assert head.location == "Kantor KPU Kalbar"
    assert tail.strategy is Strategy.TEPAT
    assert plain.strategy is None  # the Polda's default applies
    # In the middle it is part of the place's name.
    middle = parse_order("BRIMOB 30 Lapangan Cepat Tanggap Pontianak", categories)
    assert isinstance(middle, Order)
    assert middle.strategy is None
    assert order_from_json(order_to_json(head)) == head


# -- sizing by the next in line -------------------------------------------------------------


def _todays_cepat(line: LineState, available: int, model: ResponseModel) -> tuple[int, float]:
    """Cepat's order as it was before the next in line were counted by their own models
    (commit 5cf77fb): everyone new counted with the line's chance. The reference the rule
    must still give when nobody has a history."""
    need = line.quota - line.accepted
    exact = min(max(need - line.pending, 0), available)
    horizon = HORIZON_MEDIANS * model.median_s
    chances = []
    for live in line.open:
        silent = 0.0 if live.delivered_at is None else (NOW - live.delivered_at).total_seconds()
        chances.append(model.yes_within(max(silent, 0.0), horizon))
    mean = 0.0
    variance = 0.0
    for chance in chances:
        mean += chance
        variance += chance * (1 - chance)
    fresh = model.yes_within(0.0, horizon)
    limit = min(available, max(math.ceil(CAP_TIMES_QUOTA * line.quota) - line.called, 0))
    margin = MARGIN_SD if line.called == 0 else 0.0
    extra = 0
    while fresh > 0 and extra < limit:
        m = mean + extra * fresh
        sd = math.sqrt(variance + extra * fresh * (1 - fresh))
        if m - margin * sd >= need:
            break
        extra += 1
    extra = max(extra, min(need + MIN_SPARE - len(line.open) - extra, limit))
    invite = min(max(extra, exact), available)
    return invite, line.accepted + mean + invite * fresh


# The open invitations' silences (None: still queued for Telegram) a line is sized with.
OPEN_SILENCES: tuple[list[float | None], ...] = (
    [],
    [None, None],
    [5.0, 40.0, 90.0],
    [30.0] * 12,
    [600.0] * 40,
)


@pytest.mark.parametrize("model", [MODEL, PRIOR, replace(MODEL, accept=0.2, median_s=200.0)])
def test_sizing_by_upcoming_unknown_people_is_todays_decision(model: ResponseModel) -> None:
    for quota, accepted, open_for, extra_called, available in itertools.product(
        (1, 2, 5, 30, 200),
        (0, 1, 4),
        OPEN_SILENCES,
        (0, 3, 50),
        (0, 1, 7, 60, 1833),
    ):
        if accepted >= quota:
            continue
        state = line(
            quota, accepted, list(open_for), called=accepted + len(open_for) + extra_called
        )
        today = _todays_cepat(state, available, model)
        for upcoming in ((), [None] * available, [None] * (available // 2)):
            decision = plan_line(Strategy.CEPAT, state, available, model, NOW, {}, upcoming)
            assert (decision.invite, decision.expected) == today, (state, available, upcoming)


def test_known_answerers_next_in_line_make_the_order_smaller() -> None:
    quick = replace(MODEL, accept=0.95, median_s=15.0)
    slow = replace(MODEL, accept=0.1, median_s=400.0)
    state = line(30)
    usual = plan_line(Strategy.CEPAT, state, 180, MODEL, NOW).invite
    assert plan_line(Strategy.CEPAT, state, 180, MODEL, NOW, {}, [quick] * 180).invite < usual
    assert plan_line(Strategy.CEPAT, state, 180, MODEL, NOW, {}, [slow] * 60).invite > usual


def test_a_known_slow_persons_silence_tonight_keeps_the_lines_estimate() -> None:
    # Twenty people known to answer after ten minutes, silent for a minute: what they
    # always do. Measured against the line's delays it read as twenty people saying no.
    slow = replace(MODEL, median_s=600.0)
    silent = [LiveInvite(i, ago(60), None) for i in range(20)]
    as_the_line = tonight(MODEL, silent, NOW)
    assert as_the_line.accept < MODEL.accept * 0.8
    known = tonight(MODEL, silent, NOW, {i: slow for i in range(20)})
    assert known.accept > MODEL.accept * 0.97
    # The unknown among them still count as the line.
    half = tonight(MODEL, silent, NOW, {i: slow for i in range(10)})
    assert as_the_line.accept < half.accept < known.accept


def test_counted_by_their_own_models_the_margin_stays_after_the_order() -> None:
    # After the order (called > 0) a top-up with the unknown next waits until fewer are
    # expected than are missing: no margin. Counted by their own models, it keeps its 1 SD.
    state = line(30, accepted=10, open_for=[30.0] * 10, called=60)
    unknown = plan_line(Strategy.CEPAT, state, 120, MODEL, NOW, {}, [None] * 120)
    same_as_the_line = [MODEL] * 120  # known, each exactly as the line: only the margin differs
    known = plan_line(Strategy.CEPAT, state, 120, MODEL, NOW, {}, same_as_the_line)
    assert known.invite > unknown.invite
    horizon = HORIZON_MEDIANS * MODEL.median_s
    fresh = MODEL.yes_within(0.0, horizon)
    open_mean = 10 * MODEL.yes_within(30.0, horizon)
    open_var = 10 * MODEL.yes_within(30.0, horizon) * (1 - MODEL.yes_within(30.0, horizon))
    n = known.invite
    # The smallest order whose expected yeses less one SD reach the 20 missing.
    sd = math.sqrt(open_var + n * fresh * (1 - fresh))
    assert open_mean + n * fresh - MARGIN_SD * sd >= 20
    sd = math.sqrt(open_var + (n - 1) * fresh * (1 - fresh))
    assert open_mean + (n - 1) * fresh - MARGIN_SD * sd < 20
