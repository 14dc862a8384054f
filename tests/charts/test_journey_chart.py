"""Journey charts: where cards and arrows land, what the specs carry, and that Vega-Lite 5 draws them.

The "new account" journey below has six actual steps owned by three teams:

    1 lead      Lead arrives from the website   Sales       stage lead      friction 1
    2 st:1.q    Sales qualifies the lead         Sales       stage lead      friction 2
    3 setup     Onboarding sets up the account   Onboarding  stage start     friction 4, waits 3 days
    4 welcome   Onboarding emails a welcome pack Onboarding  (no stage)      not rated
    5 call      Support calls to check in        Support     stage start     friction 3
    6 upsell    <img src=x onerror=alert(1)>     Sales       stage start     not rated

Handovers: Sales→Onboarding (2→3, owned by "Ops lead"), Onboarding→Support (4→5, nobody owns
it), Support→Sales (5→6, owned, into an unrated step). The documented layer has "Manager
approves" (only on paper), lacks steps 4 and 6 (only in reality) and swaps steps 2 and 3.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import vl_convert
from hypothesis import given, settings
from strategies import journeys

from servicekit.analysis.journey import compare_layers, handover_network, handovers
from servicekit.charts.journey import (
    FRICTION_COLOURS,
    HEADER_H,
    LANE_H,
    NO_OWNER_RED,
    UNRATED,
    comparison_chart,
    comparison_spec,
    friction_chart,
    friction_spec,
    network_chart,
    network_spec,
    swimlane_chart,
    swimlane_layout,
    swimlane_spec,
)
from servicekit.charts.render import spec
from servicekit.journal import Journal, read_workshop_file
from servicekit.models import Handover, JourneyMap, Stage, Step
from servicekit.models.journey import Layer

VOILA_VEGA_LITE = "5.8"  # the oldest 5.x a Voila 0.5 page may bundle; the charts must compile there
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "northbridge-search.json"
EVIL = "<img src=x onerror=alert(1)>"
DAY = 24 * 60

CHARTS = {
    "swimlane": (swimlane_chart, swimlane_spec),
    "friction": (friction_chart, friction_spec),
    "network": (network_chart, network_spec),
    "comparison": (comparison_chart, comparison_spec),
}


@pytest.fixture
def journey() -> JourneyMap:
    steps = (
        Step("lead", "Lead arrives from the website", "lead", "Sales", "customer", friction=1),
        Step("st:1.q", "Sales qualifies the lead", "lead", "Sales", friction=2),
        Step(
            "setup",
            "Onboarding sets up the account",
            "start",
            "Onboarding",
            "backstage",
            friction=4,
            wait_min=3 * DAY,
            workarounds=("Re-types the contract", "Checks a spreadsheet"),
        ),
        Step("welcome", "Onboarding emails a welcome pack", "", "Onboarding", "system"),
        Step("call", "Support calls to check in", "start", "Support", friction=3),
        Step("upsell", EVIL, "start", "Sales", shadow_systems=("own CRM notes",)),
    )
    owned = Handover("st:1.q", "setup", what_travels=("contract",), owner="Ops lead")
    back = Handover("call", "upsell", owner="Account manager")
    by_id = {s.id: s for s in steps}
    paper = (
        by_id["lead"],
        by_id["setup"],
        Step("approve", "Manager approves", "lead", "Sales"),
        by_id["st:1.q"],
        by_id["call"],
    )
    return JourneyMap(
        "new-account",
        "New account",
        stages=(Stage("lead", "Lead"), Stage("start", "Getting started")),
        teams=("Sales", "Onboarding", "Support"),
        intended=Layer(paper),
        actual=Layer(steps, {owned.key: owned, back.key: back}),
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> JourneyMap:
    with Journal(tmp_path_factory.mktemp("sample") / "x.db") as journal:
        state, _ = journal.rebuild(journal.import_(read_workshop_file(SAMPLE)))
    return state.journeys["candidate-journey"]


def _by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# -- the swimlane map ---------------------------------------------------------------------------


def test_cards_sit_in_their_owners_lane_and_their_own_column(journey: JourneyMap) -> None:
    grid = swimlane_layout(journey)
    assert grid.lanes == ("Sales", "Onboarding", "Support")
    placed = {c.id: (grid.lanes[c.lane], c.column) for c in grid.cards}
    assert placed == {
        "lead": ("Sales", 0),
        "st:1.q": ("Sales", 1),
        "setup": ("Onboarding", 2),
        "welcome": ("Onboarding", 3),
        "call": ("Support", 4),
        "upsell": ("Sales", 5),
    }
    cards = _by_id(swimlane_spec(journey)["datasets"]["cards"])
    lanes = swimlane_spec(journey)["datasets"]["lanes"]
    for card in grid.cards:
        row, lane = cards[card.id], lanes[card.lane]
        assert (row["lane"], row["column"], row["x"], row["y"]) == (
            card.lane,
            card.column,
            card.x,
            card.y,
        )
        assert lane["y"] <= row["y"] and row["y2"] <= lane["y2"], "a card stays inside its lane"
    assert sorted(cards, key=lambda i: cards[i]["x"]) == [s.id for s in journey.actual.steps]


def test_unowned_steps_get_a_lane_of_their_own_after_the_teams(journey: JourneyMap) -> None:
    j = journey.with_step("actual", Step("orphan", "Nobody does this", owner="  "))
    j = j.with_step("actual", Step("extra", "Partner signs", owner="Partner"))
    grid = swimlane_layout(j)
    assert grid.lanes == ("Sales", "Onboarding", "Support", "Partner", "(no team)")
    assert grid.lanes[grid.cards[-2].lane] == "(no team)"


def test_one_heavy_arrow_per_handover_and_a_thin_connector_between_the_rest(
    journey: JourneyMap,
) -> None:
    data = swimlane_spec(journey)["datasets"]
    joins = handovers(journey)
    assert len(joins) == 3
    kinds = Counter(head["kind"] for head in data["heads"])
    assert kinds == {"handover": 2, "unowned": 1, "flow": 2}
    assert len(data["heads"]) == len(journey.actual.steps) - 1
    points = Counter((row["link"], row["kind"]) for row in data["links"])
    for (_, kind), n in points.items():
        assert n == (2 if kind == "flow" else 4), "straight within a lane, an elbow across"
    widths = {row["kind"]: row["width"] for row in data["links"]}
    assert widths["handover"] == widths["unowned"] > widths["flow"]
    for head in data["heads"]:
        assert head["angle"] == 90.0, "every arrow arrives from the left"
    # Coloured by the friction of the step that receives the work; grey when it is not rated.
    colours = {head["join"]: head["colour"] for head in data["heads"]}
    assert colours["Sales → Onboarding"] == FRICTION_COLOURS[4]
    assert colours["Support → Sales"] == UNRATED


def test_the_join_nobody_owns_is_red_dashed_and_labelled(journey: JourneyMap) -> None:
    out = swimlane_spec(journey)
    data = out["datasets"]
    [mark] = data["unowned"]
    assert mark["text"] == "no owner" and mark["join"] == "Onboarding → Support"
    assert mark["owner"] == "nobody owns this join"
    cards = _by_id(data["cards"])
    assert cards["welcome"]["x2"] < mark["x"] < cards["call"]["x"], "drawn at the join"
    assert cards["welcome"]["y"] < mark["y"] < cards["call"]["y2"]
    unowned = [row for row in data["links"] if row["kind"] == "unowned"]
    assert {row["colour"] for row in unowned} == {NO_OWNER_RED}
    dashed = [layer for layer in out["layer"] if layer["mark"].get("strokeDash") == [8, 5]]
    assert dashed and dashed[0]["transform"] == [{"filter": "datum.kind == 'unowned'"}]


def test_cards_say_friction_and_workarounds_in_words(journey: JourneyMap) -> None:
    cards = _by_id(swimlane_spec(journey)["datasets"]["cards"])
    assert cards["setup"]["top"] == "Backstage · friction 4/5"
    assert cards["setup"]["marker"] == "⚠ 2 workarounds"
    assert cards["upsell"]["top"] == "Frontstage · not rated"
    assert cards["upsell"]["marker"] == "⚠ 1 shadow system"
    assert cards["lead"]["marker"] == "" and cards["lead"]["actor"] == "Customer"
    assert cards["setup"]["wait"] == "3 days"


def test_stage_bands_follow_runs_of_steps_and_skip_steps_without_a_stage(
    journey: JourneyMap,
) -> None:
    bands = swimlane_spec(journey)["datasets"]["stages"]
    cards = _by_id(swimlane_spec(journey)["datasets"]["cards"])
    assert [b["stage"] for b in bands] == ["Lead", "Getting started", "Getting started"]
    assert (bands[0]["x"], bands[0]["x2"]) == (cards["lead"]["x"], cards["st:1.q"]["x2"])
    assert (bands[1]["x"], bands[1]["x2"]) == (cards["setup"]["x"], cards["setup"]["x2"])
    assert (bands[2]["x"], bands[2]["x2"]) == (cards["call"]["x"], cards["upsell"]["x2"])


def test_markup_in_a_step_name_stays_plain_data(journey: JourneyMap) -> None:
    out = swimlane_spec(journey)
    card = _by_id(out["datasets"]["cards"])["upsell"]
    assert card["step"] == EVIL, "the full name travels unmodified, for the tooltip"
    assert card["label"].replace("\n", " ") == EVIL, "and is drawn by a text mark, as text"
    for layer in out["layer"]:
        text = layer.get("encoding", {}).get("text", {})
        assert "format" not in text and "formatType" not in text
    assert "&lt;" not in json.dumps(out) and '"html"' not in json.dumps(out)
    for name in ("friction", "comparison"):
        rows = _by_id(
            CHARTS[name][1](journey)["datasets"]["steps" if name == "friction" else "cards"]
        )
        assert any(EVIL in row["step"] for row in rows.values())


def test_each_card_links_to_its_step(journey: JourneyMap) -> None:
    for name in ("swimlane", "comparison"):
        for row in CHARTS[name][1](journey)["datasets"]["cards"]:
            assert row["href"] == "#sk-pick=" + quote(row["id"], safe="")
    cards = _by_id(swimlane_spec(journey)["datasets"]["cards"])
    assert cards["st:1.q"]["href"] == "#sk-pick=st%3A1.q"


def test_selected_step_gets_the_one_frame(journey: JourneyMap) -> None:
    out = swimlane_spec(journey, selected="setup")
    assert [row["id"] for row in out["datasets"]["cards"] if row["selected"]] == ["setup"]
    frames = [
        layer for layer in out["layer"] if layer.get("transform") == [{"filter": "datum.selected"}]
    ]
    assert len(frames) == 1 and frames[0]["mark"]["strokeWidth"] >= 3
    assert not any(
        row["selected"] for row in swimlane_spec(journey, selected="gone")["datasets"]["cards"]
    )


@settings(max_examples=60)
@given(journeys())
def test_cards_never_overlap_and_keep_to_their_lane(journey: JourneyMap) -> None:
    for key in journey.layers():
        grid = swimlane_layout(journey, key)
        assert len(grid.cards) == len(journey.layer(key).steps)
        for i, a in enumerate(grid.cards):
            lane_top = HEADER_H + a.lane * LANE_H
            assert lane_top < a.y and a.y + a.h < lane_top + LANE_H <= grid.height
            assert a.x >= 0 and a.x + a.w <= grid.width
            for b in grid.cards[i + 1 :]:
                apart = a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
                assert apart, (a, b)
                assert a.column < b.column


@settings(max_examples=6)
@given(journeys())
def test_the_fast_path_gives_the_same_spec_as_altair(journey: JourneyMap) -> None:
    for chart, fast in CHARTS.values():
        assert fast(journey) == spec(chart(journey))


def test_fast_path_matches_altair_on_the_hand_built_and_sample_journeys(
    journey: JourneyMap, sample: JourneyMap
) -> None:
    for j in (journey, sample, JourneyMap("e", "Empty")):
        assert swimlane_spec(j, selected="setup") == spec(swimlane_chart(j, selected="setup"))
        for chart, fast in CHARTS.values():
            assert fast(j) == spec(chart(j))


@pytest.mark.parametrize("name", list(CHARTS))
def test_an_empty_journey_gives_a_valid_chart_with_a_hint(name: str) -> None:
    empty = JourneyMap("e", "Empty", teams=("Sales",))
    out = CHARTS[name][1](empty)
    assert out["datasets"]["hint"] and "No steps yet" in out["datasets"]["hint"][0]["text"]
    svg = vl_convert.vegalite_to_svg(out, vl_version=VOILA_VEGA_LITE)
    assert "No steps yet" in svg


# -- the friction curve -------------------------------------------------------------------------


def test_friction_curve_leaves_gaps_for_unrated_steps(journey: JourneyMap) -> None:
    out = friction_spec(journey)
    steps = out["datasets"]["steps"]
    assert [row["friction"] for row in steps] == [1, 2, 4, None, 3, None]
    assert [row["unrated"] for row in steps] == ["", "", "", "not rated", "", "not rated"]
    runs = [row["run"] for row in steps if row["friction"] is not None]
    assert runs[:3] == [runs[0]] * 3 and runs[3] != runs[2], "the line breaks at the gap"
    assert [row["position"] for row in steps] == list(range(1, 7))
    assert steps[0]["key"] == "1. Lead\narrives from\nthe website", "numbered, wrapped for the axis"
    assert [row["wait_h"] for row in steps] == [None, None, 72.0, None, None, None]
    layers = [layer for panel in out["vconcat"] for layer in panel["layer"]]
    lines = [layer for layer in layers if layer["mark"]["type"] == "line"]
    assert lines[0]["transform"] == [{"filter": "isValid(datum.friction)"}]
    assert lines[0]["encoding"]["detail"]["field"] == "run"


def test_friction_curve_marks_handovers_and_the_unowned_one(journey: JourneyMap) -> None:
    joins = friction_spec(journey)["datasets"]["joins"]
    assert [(j["position"], j["status"], j["label"]) for j in joins] == [
        (3, "Owned join", ""),
        (5, "No owner", "no owner"),
        (6, "Owned join", ""),
    ]


# -- the handover network -----------------------------------------------------------------------


def _busy_journey() -> JourneyMap:
    teams = ["Sales", "Support"] * 3 + ["Sales", "Ops", "Support", "Sales"]
    steps = tuple(Step(f"s{i}", f"Step {i}", owner=t) for i, t in enumerate(teams))
    owned = Handover("s0", "s1", owner="Lead")
    return JourneyMap("j", "J", actual=Layer(steps, {owned.key: owned}))


def test_network_has_one_edge_per_team_pair_with_width_by_handovers() -> None:
    j = _busy_journey()
    graph = handover_network(j)
    out = network_spec(j)
    edges = out["datasets"]["edges"]
    assert sorted((e["from"], e["to"]) for e in edges) == sorted(graph.edges)
    assert {(e["from"], e["to"]): e["weight"] for e in edges} == {
        ("Sales", "Support"): 3,
        ("Support", "Sales"): 4,
        ("Sales", "Ops"): 1,
        ("Ops", "Support"): 1,
    }
    by_weight = sorted(edges, key=lambda e: e["weight"])
    assert [e["width"] for e in by_weight] == sorted(e["width"] for e in edges)
    assert by_weight[0]["width"] < by_weight[-1]["width"]
    labels = {(e["from"], e["to"]): e["label"] for e in edges}
    assert labels[("Sales", "Support")] == "3 (2 no owner)", "one of the three has an owner"
    assert labels[("Sales", "Ops")] == "1 (1 no owner)"
    dashed = [layer for layer in out["layer"] if layer["mark"].get("strokeDash")]
    assert dashed[0]["transform"] == [{"filter": "datum.unowned > 0"}]
    assert len(out["datasets"]["heads"]) == len(edges)


def test_network_places_teams_on_a_circle_and_marks_the_busiest() -> None:
    nodes = {n["team"]: n for n in network_spec(_busy_journey())["datasets"]["nodes"]}
    assert list(nodes) == ["Sales", "Support", "Ops"], "lane order, so the picture is stable"
    centre = (
        sum(n["x"] for n in nodes.values()) / 3,
        sum(n["y"] for n in nodes.values()) / 3,
    )
    radii = [((n["x"] - centre[0]) ** 2 + (n["y"] - centre[1]) ** 2) ** 0.5 for n in nodes.values()]
    assert max(radii) - min(radii) < 1
    assert (nodes["Sales"]["joins"], nodes["Support"]["joins"], nodes["Ops"]["joins"]) == (8, 8, 2)
    assert [t for t, n in nodes.items() if n["busiest"]] == ["Sales", "Support"]
    assert "★ busiest" in nodes["Sales"]["label"] and "★" not in nodes["Ops"]["label"]
    assert nodes["Sales"]["size"] > nodes["Ops"]["size"]


# -- paper against reality ----------------------------------------------------------------------


def test_comparison_flags_exactly_what_compare_layers_finds(journey: JourneyMap) -> None:
    gap = compare_layers(journey)
    out = comparison_spec(journey)
    cards = out["datasets"]["cards"]
    status = {(c["layer"], c["id"]): c["status"] for c in cards}
    assert {i for (layer, i), s in status.items() if s == "Only in reality"} == set(gap.only_actual)
    assert {i for (layer, i), s in status.items() if s == "Only on paper"} == set(gap.only_intended)
    assert {i for (layer, i), s in status.items() if layer == "actual" and s == "Moved"} == set(
        gap.moved
    )
    assert set(gap.only_actual) == {"welcome", "upsell"} and gap.only_intended == ("approve",)
    assert len(gap.moved) == 1
    links = out["datasets"]["links"]
    assert sorted((link["from"], link["to"]) for link in links) == sorted(gap.matched)
    assert [link["to"] for link in links if link["moved"]] == list(gap.moved)
    badges = {(c["layer"], c["id"]): c["badge"] for c in cards}
    assert badges[("actual", "welcome")] == "only in reality"
    assert badges[("intended", "approve")] == "only on paper"
    rows = [c for c in cards if c["layer"] == "intended"]
    assert [c["id"] for c in sorted(rows, key=lambda c: c["x"])] == [
        s.id for s in journey.intended.steps
    ]


def test_comparison_title_carries_the_gap_score(journey: JourneyMap, sample: JourneyMap) -> None:
    gap = compare_layers(journey)
    title = comparison_spec(journey)["title"]["text"]
    assert title.startswith(f"Gap {round(gap.score * 100)}%: 2 steps only in reality")
    assert "1 step only on paper" in title and "1 step in a different order" in title
    assert comparison_spec(sample)["title"]["text"] == (
        "Gap 26%: 4 steps only in reality, 1 handover only in reality"
    )


# -- offline rendering --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CHARTS))
def test_sample_renders_in_vega_lite_5_with_nothing_fetched(name: str, sample: JourneyMap) -> None:
    out = CHARTS[name][1](sample)
    assert out["$schema"].endswith("/v5.json")
    fetched = [s for s in _strings(out) if s.startswith("http") and s != out["$schema"]]
    assert not fetched
    svg = vl_convert.vegalite_to_svg(out, vl_version=VOILA_VEGA_LITE)
    expected = {
        "swimlane": "no owner",
        "friction": "Friction along the journey",
        "network": "busiest",
        "comparison": "Gap 26%",
    }
    assert expected[name] in svg


def test_control_characters_in_participant_text_do_not_break_a_static_export(
    journey: JourneyMap,
) -> None:
    # vl-convert aborts the whole process on text XML cannot carry; the charts leave it out.
    pasted = "Checks\x02 the form\x0b twice"
    j = journey.with_step("actual", Step("paste", pasted, "lead", "Team\x1b A", friction=2))
    j = j.with_stages((*j.stages, Stage("odd", "Odd\x00 stage")))
    j = j.with_step("actual", Step("odd", "In the odd stage", "odd", "Support"))
    for _, fast in CHARTS.values():
        svg = vl_convert.vegalite_to_svg(fast(j), vl_version=VOILA_VEGA_LITE)
        assert "\x02" not in svg
    cards = _by_id(swimlane_spec(j)["datasets"]["cards"])
    assert cards["paste"]["step"] == "Checks the form twice"
    assert cards["paste"]["team"] == "Team A"


# -- speed (measured, not asserted: see benchmarks/) --------------------------------------------


def _big_journey(steps: int = 300, teams: int = 20) -> JourneyMap:
    names = tuple(f"Team {t}" for t in range(teams))
    stages = tuple(Stage(f"s{i}", f"Stage {i}") for i in range(10))
    layer = tuple(
        Step(
            f"st{i}",
            f"Step {i}: someone re-keys the customer's details into another form",
            stage=f"s{i * 10 // steps}",
            owner=names[(i * 7) // 3 % teams],
            friction=None if i % 7 == 0 else i % 6,
            wait_min=None if i % 3 else 60.0 * (i % 50),
            workarounds=("spreadsheet",) if i % 5 == 0 else (),
        )
        for i in range(steps)
    )
    return JourneyMap("big", "Big", stages=stages, teams=names, actual=Layer(layer))


def test_swimlane_spec_time_at_300_steps_and_20_teams() -> None:
    big = _big_journey()
    assert len(swimlane_spec(big)["datasets"]["cards"]) == 300
    times = []
    for _ in range(20):
        start = time.perf_counter()
        swimlane_spec(big, selected="st150")
        times.append(time.perf_counter() - start)
    print(f"swimlane_spec, 300 steps x 20 teams: median {statistics.median(times) * 1000:.1f} ms")
