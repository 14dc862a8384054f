"""Journey analysis on hand-built journeys whose answers were counted by hand.

The "new account" journey below has six actual steps owned by three teams:

    1 Customer fills in the web form     Customer   asks: phone number
    2 Sales qualifies the lead           Sales      asks: Phone no.
    3 Sales sends the contract           Sales
    4 Onboarding sets up the account     Onboarding asks: mobile number
    5 Onboarding emails a welcome pack   Onboarding                          (actual only)
    6 Support calls to check in          Support

Owner changes: Customer→Sales (1→2), Sales→Onboarding (3→4), Onboarding→Support (5→6):
three handovers; only Sales→Onboarding has an owner. The phone number is asked three times
in three wordings. The intended layer lacks step 5 ("only in reality").
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import journeys

from servicekit.analysis.journey import (
    NO_TEAM,
    compare_layers,
    findings,
    handover_network,
    handovers,
    hotspots,
    match_steps,
    network_summary,
    normalise_info,
    repeated_requests,
    step_table,
)
from servicekit.models import JourneyMap, Step
from servicekit.models.journey import Handover, Layer, Stage

DAY = 24 * 60


def _step(sid: str, name: str, owner: str, **kw: object) -> Step:
    return Step(sid, name, owner=owner, **kw)  # type: ignore[arg-type]


ACTUAL = [
    _step("form", "Customer fills in the web form", "Customer", actor="customer",
          info_requested=("phone number", "company name")),
    _step("qualify", "Sales qualifies the lead", "Sales", info_requested=("Phone no.",),
          friction=2),
    _step("contract", "Sales sends the contract", "Sales", friction=1),
    _step("setup", "Onboarding sets up the account", "Onboarding",
          info_requested=("mobile number", "billing address"), friction=4, wait_min=3 * DAY,
          pain_points=("Contract details arrive as a PDF and are re-typed",)),
    _step("welcome", "Onboarding emails a welcome pack", "Onboarding",
          workarounds=("Welcome pack kept in a personal folder",),
          shadow_systems=("onboarding tracker spreadsheet",)),
    _step("checkin", "Support calls to check in", "Support", friction=3, wait_min=DAY),
]  # fmt: skip


@pytest.fixture
def journey() -> JourneyMap:
    j = JourneyMap("new-account", "New account", stages=(Stage("buy", "Buy"),))
    for step in ACTUAL:
        j = j.with_step("actual", step)
    j = j.with_handover(
        "actual",
        Handover("contract", "setup", what_travels=("signed contract",), owner="Sales lead"),
    )
    j = j.with_handover("actual", Handover("qualify", "contract", what_travels=("quote",)))
    for step in ACTUAL:
        if step.id != "welcome":
            j = j.with_step("intended", step)
    return j


def test_three_handovers_one_of_them_owned(journey: JourneyMap) -> None:
    found = handovers(journey)
    assert [(h.from_step, h.to_step) for h in found] == [
        ("form", "qualify"),
        ("contract", "setup"),
        ("welcome", "checkin"),
    ]
    assert [h.label for h in found] == [
        "Customer → Sales",
        "Sales → Onboarding",
        "Onboarding → Support",
    ]
    assert [h.owned for h in found] == [False, True, False]
    setup = found[1]
    assert setup.what_travels == ("signed contract",)
    assert setup.owner == "Sales lead"
    assert (setup.friction, setup.wait_min) == (4, 3 * DAY)  # the receiving step's
    assert setup.recorded and not found[0].recorded


def test_details_recorded_inside_one_team_are_not_a_handover(journey: JourneyMap) -> None:
    """qualify→contract has details, but both steps are Sales: no change of team, no handover."""
    assert "qualify>contract" not in {h.key for h in handovers(journey)}


def test_steps_with_no_team_share_one_lane() -> None:
    j = JourneyMap("j", "J")
    for sid, owner in [("a", ""), ("b", " "), ("c", "Sales"), ("d", "")]:
        j = j.with_step("actual", Step(sid, sid, owner=owner))
    assert [h.label for h in handovers(j)] == [f"{NO_TEAM} → Sales", f"Sales → {NO_TEAM}"]
    assert findings(j).unassigned == ("a", "b", "d")


def test_the_phone_number_asked_three_ways_is_one_repeated_request(journey: JourneyMap) -> None:
    [phone] = repeated_requests(journey)
    assert phone.steps == ("form", "qualify", "setup")
    assert phone.count == 3
    assert phone.wordings == ("phone number", "Phone no.", "mobile number")
    assert phone.teams == ("Customer", "Sales", "Onboarding")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("phone number", "Telephone"),
        ("Mobile No.", "mobile"),
        ("E-mail address", "email"),
        ("Date of birth", "DOB"),
        ("Notice period (weeks)", "notice period"),
        ("Two referee contacts", "referee contact"),
        ("Post code", "postcode"),
        ("Home adress", "home address"),  # a typo, caught by fuzzy matching
    ],
)
def test_same_information_in_other_words_is_one_request(a: str, b: str) -> None:
    j = JourneyMap("j", "J")
    j = j.with_step("actual", Step("x", "X", info_requested=(a,)))
    j = j.with_step("actual", Step("y", "Y", info_requested=(b,)))
    assert [r.steps for r in repeated_requests(j)] == [("x", "y")]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("home address", "email address"),
        ("current salary", "salary expectations"),
        ("start date", "date of birth"),
        ("CV", "cover letter"),
    ],
)
def test_different_information_is_not_merged(a: str, b: str) -> None:
    assert normalise_info(a) != normalise_info(b)
    j = JourneyMap("j", "J")
    j = j.with_step("actual", Step("x", "X", info_requested=(a,)))
    j = j.with_step("actual", Step("y", "Y", info_requested=(b,)))
    assert repeated_requests(j) == []


def test_a_client_synonym_joins_two_wordings() -> None:
    j = JourneyMap("j", "J")
    j = j.with_step("actual", Step("x", "X", info_requested=("NI number",)))
    j = j.with_step("actual", Step("y", "Y", info_requested=("National Insurance no",)))
    assert repeated_requests(j) == []
    joined = repeated_requests(j, synonyms={"national insurance": "ni"})
    assert [r.steps for r in joined] == [("x", "y")]


def test_asking_twice_at_one_step_is_not_a_repeat() -> None:
    j = JourneyMap("j", "J").with_step(
        "actual", Step("x", "X", info_requested=("phone", "mobile number"))
    )
    assert repeated_requests(j) == []


def test_hotspots_rank_the_unowned_slow_join_first(journey: JourneyMap) -> None:
    ranked = hotspots(journey)
    # setup: 4/5 + 3 days/3 days (longest) + 1 pain/4 = 0.8 + 1 + 0.25 = 2.05
    # handover Sales→Onboarding (owned): 0.8 + 1 = 1.8
    # handover Onboarding→Support (unowned): 1 + 3/5 + 1/3 = 1.9333
    # handover Customer→Sales (unowned): 1 + 2/5 = 1.4
    assert [(h.kind, h.ref, h.score) for h in ranked[:4]] == [
        ("step", "setup", 2.05),
        ("handover", "welcome>checkin", 1.9333),
        ("handover", "contract>setup", 1.8),
        ("handover", "form>qualify", 1.4),
    ]
    assert ranked[1].reasons == ("nobody owns this join", "friction 3/5", "waits 1 day")
    assert "form" not in {h.ref for h in ranked}  # nothing wrong there: left out
    assert len(hotspots(journey, top=2)) == 2


def test_intended_against_actual(journey: JourneyMap) -> None:
    gap = compare_layers(journey)
    assert gap.only_actual == ("welcome",)
    assert gap.only_intended == ()
    assert gap.moved == ()
    # Intended: Customer→Sales, Sales→Onboarding, Onboarding→Support: the same team pairs.
    assert gap.handovers_only_actual == ()
    # one difference over 6 steps (5 shared + 1) and 3 handovers
    assert gap.score == round(1 / 9, 4)


def test_reordered_renamed_and_hidden_work() -> None:
    """Intended a b c d; actual b a c' x d with c renamed and x new: a or b moved, x hidden work."""
    j = JourneyMap("j", "J")
    for sid, owner in [("a", "Sales"), ("b", "Sales"), ("c", "Ops"), ("d", "Ops")]:
        j = j.with_step("intended", Step(sid, f"Step {sid}", owner=owner))
    j = j.with_layer("actual", j.intended)
    j = j.with_step_moved("actual", "b", 0)
    j = j.with_step_edit("actual", "c", name="Step c, done twice")
    j = j.with_step("actual", Step("x", "Chase the customer by phone", owner="Support"), 3)
    gap = compare_layers(j)
    assert len(gap.moved) == 1 and gap.moved[0] in {"a", "b"}
    assert gap.only_actual == ("x",)
    assert gap.renamed == (("c", "c"),)
    # actual joins: Sales→Ops, Ops→Support, Support→Ops; intended: Sales→Ops
    assert gap.handovers_only_actual == (("Ops", "Support"), ("Support", "Ops"))
    # differences: x, one move, two joins = 4; total: 5 steps + 3 joins = 8
    assert gap.score == 0.5


def test_layers_built_separately_match_by_name() -> None:
    j = JourneyMap("j", "J")
    for sid, name in [("i1", "Receive the application"), ("i2", "Check identity documents")]:
        j = j.with_step("intended", Step(sid, name, owner="A"))
    for sid, name in [("a1", "Check identity document"), ("a2", "receive the application!")]:
        j = j.with_step("actual", Step(sid, name, owner="A"))
    assert match_steps(j.intended, j.actual) == [("i1", "a2"), ("i2", "a1")]
    gap = compare_layers(j)
    assert gap.moved in (("a1",), ("a2",))
    assert gap.only_actual == gap.only_intended == ()


def test_gap_is_zero_for_a_copy_and_one_for_nothing_shared(journey: JourneyMap) -> None:
    same = journey.with_layer("actual", journey.intended)
    assert compare_layers(same).identical
    other = JourneyMap("j", "J")
    other = other.with_step("intended", Step("p", "Print the form", owner="A"))
    other = other.with_step("actual", Step("q", "Phone the helpline", owner="B"))
    assert compare_layers(other).score == 1.0


def test_network_puts_the_team_on_most_joins_first(journey: JourneyMap) -> None:
    graph = handover_network(journey)
    assert set(graph.nodes) == {"Customer", "Sales", "Onboarding", "Support"}
    assert graph.nodes["Onboarding"]["steps"] == 2
    assert graph.edges["Onboarding", "Support"]["unowned"] == 1
    summary = network_summary(journey)
    assert summary.joins == (("Onboarding", 2), ("Sales", 2), ("Customer", 1), ("Support", 1))
    assert summary.busiest == ("Onboarding", "Sales")


def test_repeated_joins_add_up_as_edge_weight() -> None:
    j = JourneyMap("j", "J")
    for i, team in enumerate(["A", "B", "A", "B", "A"]):
        j = j.with_step("actual", Step(f"s{i}", f"S{i}", owner=team))
    graph = handover_network(j)
    assert graph.edges["A", "B"]["weight"] == 2
    assert graph.edges["B", "A"]["weight"] == 2
    assert network_summary(j).busiest == ("A", "B")


def test_findings_bring_it_together(journey: JourneyMap) -> None:
    f = findings(journey)
    assert f.steps == 6
    assert f.teams == ("Customer", "Sales", "Onboarding", "Support")
    assert len(f.handovers) == 3 and len(f.unowned) == 2
    assert f.workarounds == (("welcome", "Welcome pack kept in a personal folder"),)
    assert f.shadow_systems == (("onboarding tracker spreadsheet", 1),)
    assert f.total_wait_min == 4 * DAY
    assert f.gap is not None and f.gap.only_actual == ("welcome",)
    assert findings(journey, "intended").gap is None  # compared with itself: nothing to say
    assert findings(JourneyMap("e", "Empty")).handovers == ()


def test_step_table_has_a_row_per_step(journey: JourneyMap) -> None:
    table = step_table(journey)
    assert list(table["id"]) == [s.id for s in ACTUAL]
    assert list(table["handover_in"]) == [False, True, False, True, False, True]
    assert table.loc[3, "info_requested"] == "mobile number; billing address"
    assert table.loc[3, "stage"] == ""
    assert str(table["friction"].dtype) == "Int64"
    assert step_table(JourneyMap("e", "E")).empty


# -- properties --------------------------------------------------------------------------------


def _owner_changes(layer: Layer) -> int:
    owners = [s.owner.strip() for s in layer.steps]
    return sum(1 for a, b in itertools.pairwise(owners) if a != b)


@given(journeys())
def test_handover_count_equals_owner_changes(j: JourneyMap) -> None:
    for key in ("intended", "actual"):
        found = handovers(j, key)
        assert len(found) == _owner_changes(j.layer(key))
        graph = handover_network(j, key)
        assert sum(d["weight"] for _, _, d in graph.edges(data=True)) == len(found)


@given(journeys(), st.data())
def test_reordering_or_renaming_never_loses_a_step(j: JourneyMap, data: st.DataObject) -> None:
    layer = j.actual
    ids = [s.id for s in layer.steps]
    for _ in range(data.draw(st.integers(0, 6))):
        if not ids:
            break
        sid = data.draw(st.sampled_from(ids))
        if data.draw(st.booleans()):
            j = j.with_step_moved("actual", sid, data.draw(st.integers(-2, len(ids) + 2)))
        else:
            j = j.with_step_edit("actual", sid, name=data.draw(st.text("abc", min_size=1)))
    assert sorted(s.id for s in j.actual.steps) == sorted(ids)
    assert len(step_table(j)) == len(ids)
    gap = compare_layers(j, "actual", "actual")
    assert gap.identical


@given(journeys())
def test_matching_is_one_to_one(j: JourneyMap) -> None:
    pairs = match_steps(j.intended, j.actual)
    assert len({a for a, _ in pairs}) == len(pairs) == len({b for _, b in pairs})
    gap = compare_layers(j)
    assert len(gap.only_intended) + len(pairs) == len(j.intended.steps)
    assert len(gap.only_actual) + len(pairs) == len(j.actual.steps)
    assert 0.0 <= gap.score <= 1.0
