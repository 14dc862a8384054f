"""Making Toast charts: every map side by side, and the consensus; what the specs carry and that
Vega-Lite 5 draws them with nothing fetched.

Five people map making toast (person ids are deliberately unlike names, to show they never
reach a spec):

    id-ann:  Get bread    Toast bread    Butter toast
    id-bob:  get bread    Butter toast   Toast bread
    id-cy:   Get bread    Toast bread    Wait for it to pop    Butter toast   <img src=x onerror=alert(1)>
    id-dee:  Get bread    Toast bread    Butter toast
    id-eve:  Plug in toaster   Get bread   Toast bread   Wait for it to pop   Butter toast

"Wait for it to pop" is in 2 of 5 maps (contested: 0.4 x presence 0.96 alone passes 0.3);
"Plug in toaster" and the markup step are solo steps; get, toast and butter are in every map.
"""

from __future__ import annotations

import html
import json
import random
import re
import statistics
import time
from collections import Counter
from itertools import pairwise
from typing import Any

import pytest
import vl_convert
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import ids, name

from servicekit.analysis.toast import Alignment, align_maps, findings
from servicekit.charts.render import spec
from servicekit.charts.toast import (
    STEP_FILLS,
    consensus_chart,
    consensus_spec,
    map_labels,
    maps_chart,
    maps_spec,
)
from servicekit.errors import InvalidInput

VOILA_VEGA_LITE = "5.8"  # the oldest 5.x a Voila 0.5 page may bundle; the charts must compile there
EVIL = "<img src=x onerror=alert(1)>"
TOAST = {
    "id-ann": ["Get bread", "Toast bread", "Butter toast"],
    "id-bob": ["get bread", "Butter toast", "Toast bread"],
    "id-cy": ["Get bread", "Toast bread", "Wait for it to pop", "Butter toast", EVIL],
    "id-dee": ["Get bread", "Toast bread", "Butter toast"],
    "id-eve": ["Plug in toaster", "Get bread", "Toast bread", "Wait for it to pop", "Butter toast"],
}


@pytest.fixture
def alignment() -> Alignment:
    return align_maps(TOAST)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _big(people: int = 12, steps: int = 25, seed: int = 7) -> Alignment:
    """Maps as a large room draws them: most of 25 common steps, a few swaps, a few of their own."""
    rng = random.Random(seed)
    words = "address order payment account delivery invoice refund contract form email phone"
    common = [
        f"{verb} the {noun}"
        for verb in ("Check", "Update", "Confirm")
        for noun in words.split()[:9]
    ][:steps]
    maps = {}
    for p in range(people):
        mine = [s for s in common if rng.random() < 0.9]
        for _ in range(3):
            i = rng.randrange(len(mine) - 1)
            mine[i], mine[i + 1] = mine[i + 1], mine[i]
        mine.insert(rng.randrange(len(mine)), f"Own habit number {p * 37 % 101}")
        maps[f"person-{p}"] = mine[:steps]
    return align_maps(maps, threshold=0.95)


# -- everyone's maps ----------------------------------------------------------------------------


def test_every_placement_is_one_card_exactly_once(alignment: Alignment) -> None:
    cards = maps_spec(alignment)["datasets"]["cards"]
    column = {person: i + 1 for i, person in enumerate(alignment.people)}
    placed = Counter(
        (column[p.person], step.id, p.position + 1, p.name)
        for step in alignment.steps
        for p in step.placements
    )
    drawn = Counter((c["map"], c["sid"], c["position"], c["wording"]) for c in cards)
    assert drawn == placed and max(drawn.values()) == 1
    assert len(cards) == sum(len(names) for names in TOAST.values())


def test_cards_sit_at_their_place_in_their_own_column(alignment: Alignment) -> None:
    cards = maps_spec(alignment)["datasets"]["cards"]
    for map_no in {c["map"] for c in cards}:
        mine = sorted((c for c in cards if c["map"] == map_no), key=lambda c: c["y"])
        assert [c["position"] for c in mine] == list(range(1, len(mine) + 1))
        assert len({c["x"] for c in mine}) == 1, "one column per map"
        for a, b in pairwise(mine):
            assert a["y2"] < b["y"], "cards never overlap"
    lefts = sorted({c["x"] for c in cards})
    rights = sorted({c["x2"] for c in cards})
    assert all(r < next_left for r, next_left in zip(rights, lefts[1:], strict=False)), "gaps"


def test_columns_are_numbered_maps_without_names(alignment: Alignment) -> None:
    out = maps_spec(alignment)
    columns = out["datasets"]["columns"]
    assert [c["text"] for c in columns] == ["Map 1", "Map 2", "Map 3", "Map 4", "Map 5"]
    assert [c["steps"] for c in columns] == ["3 steps", "3 steps", "5 steps", "3 steps", "5 steps"]
    assert {c["map_label"] for c in out["datasets"]["cards"] if c["map"] == 3} == {"Map 3"}
    # The reveal is anonymous: who drew which map must not travel to the browser.
    dumped = json.dumps(out)
    assert not [person for person in TOAST if person in dumped]


def test_columns_carry_the_names_given_and_fall_back_to_map_n(alignment: Alignment) -> None:
    names = {"id-ann": "Ann", "id-cy": "Cy Jones", "id-dee": "   ", "id-nobody": "Zed"}
    columns = maps_spec(alignment, names=names)["datasets"]["columns"]
    assert [c["text"] for c in columns] == ["Ann", "Map 2", "Cy Jones", "Map 4", "Map 5"]
    assert map_labels(("a", "b")) == ["Map 1", "Map 2"]
    with pytest.raises(InvalidInput, match=r"names\['b'\]: expected the name to show"):
        map_labels(("a", "b"), {"b": 7})  # type: ignore[dict-item]


def test_lines_join_only_the_same_aligned_step_in_the_next_map_that_has_it(
    alignment: Alignment,
) -> None:
    data = maps_spec(alignment)["datasets"]
    cards = {(c["map"], c["sid"]): c for c in data["cards"]}
    links = data["links"]
    for link in links:
        a, b = cards[(link["from"], link["sid"])], cards[(link["to"], link["sid"])]
        assert (link["x"], link["x2"]) == (a["x2"], b["x"]), "from one card's edge to the other's"
        assert a["y"] < link["y"] < a["y2"] and b["y"] < link["y2"] < b["y2"]
        between = [m for m in range(link["from"] + 1, link["to"]) if (m, link["sid"]) in cards]
        assert not between and link["skips"] == link["to"] - link["from"] - 1
    per_step = Counter(link["sid"] for link in links)
    assert per_step == {s.id: s.holders - 1 for s in alignment.steps if s.holders > 1}
    pop = alignment.steps[[s.name for s in alignment.steps].index("Wait for it to pop")]
    [line] = [link for link in links if link["sid"] == pop.id]
    assert (line["from"], line["to"], line["skips"], line["contested"]) == (3, 5, 1, True)


def test_solo_and_contested_steps_stand_out_in_fill_outline_and_words(
    alignment: Alignment,
) -> None:
    out = maps_spec(alignment)
    f = findings(alignment)
    cards = out["datasets"]["cards"]
    status = {c["sid"]: c["status"] for c in cards}
    assert {s for s, v in status.items() if v == "Only one map"} == {s.id for s in f.solo}
    assert {s for s, v in status.items() if v == "Contested"} == {v.step.id for v in f.contested}
    assert len(f.solo) == 2 and len(f.contested) == 1
    badges = {(c["status"], c["badge"]) for c in cards}
    assert badges == {
        ("In every map", ""),
        ("Contested", "contested"),
        ("Only one map", "only here"),
    }
    contested = next(c for c in cards if c["status"] == "Contested")
    assert contested["count"] == "2 of 5" and "only 2 of 5 have it" in contested["reasons"]
    fills = [layer for layer in out["layer"] if layer.get("encoding", {}).get("fill")]
    scale = fills[0]["encoding"]["fill"]["scale"]
    assert scale["domain"] == list(STEP_FILLS) and fills[0]["encoding"]["fill"]["legend"]
    outlines = {
        layer["transform"][0]["filter"]: layer["mark"]
        for layer in out["layer"]
        if layer.get("transform") and layer["mark"].get("fillOpacity") == 0
    }
    assert outlines["datum.status == 'Only one map'"]["strokeWidth"] == 3
    assert outlines["datum.status == 'In some maps'"]["strokeDash"] == [6, 4]


def test_pointing_at_a_step_highlights_it_in_every_map(alignment: Alignment) -> None:
    out = maps_spec(alignment)
    [param] = out["params"]
    assert param["select"]["fields"] == ["sid"] and param["views"] == ["toast_cards"]
    faded = [layer for layer in out["layer"] if "opacity" in layer.get("encoding", {})]
    assert {layer["mark"]["type"] for layer in faded} == {"rule", "rect", "text"}
    assert all(
        layer["encoding"]["opacity"]["condition"][0]["param"] == "step_hover" for layer in faded
    )


def test_markup_in_names_and_steps_stays_data(alignment: Alignment) -> None:
    out = maps_spec(alignment, names={"id-ann": EVIL, "id-bob": "<b>Bob</b>"})
    columns = out["datasets"]["columns"]
    assert columns[0]["full"] == EVIL and columns[1]["text"] == "<b>Bob</b>"
    assert any(c["wording"] == EVIL for c in out["datasets"]["cards"])
    for layer in out["layer"]:
        text = layer.get("encoding", {}).get("text", {})
        assert "format" not in text and "formatType" not in text
    dumped = json.dumps(out)
    assert "&lt;" not in dumped and '"html"' not in dumped
    assert "<" not in out["title"]["text"] + out["description"]
    svg = vl_convert.vegalite_to_svg(out, vl_version=VOILA_VEGA_LITE)
    assert "<img" not in svg and "<b>" not in svg
    assert "&lt;img src=x" in svg and "&lt;b&gt;Bob" in svg, "drawn as text"


def test_the_findings_passed_must_be_of_the_same_maps(alignment: Alignment) -> None:
    f = findings(alignment)
    assert maps_spec(alignment, found=f) == maps_spec(alignment)
    other = findings(align_maps({"x": ["a", "b"]}))
    with pytest.raises(InvalidInput, match="findings are of other maps"):
        maps_spec(alignment, found=other)
    with pytest.raises(InvalidInput, match="expected an Alignment"):
        maps_spec(TOAST)  # type: ignore[arg-type]


def test_title_and_description_count_what_the_chart_shows(alignment: Alignment) -> None:
    out = maps_spec(alignment)
    assert out["title"]["text"] == "Everyone's maps: 5 maps, 6 steps"
    assert out["description"].startswith("5 maps of one process side by side")
    assert "2 in one map only, 1 contested" in out["description"]
    blank = align_maps({**TOAST, "id-zed": []})
    assert maps_spec(blank)["title"]["text"].endswith("(1 blank map left out)")
    assert all(c["desc"].startswith(f"{c['map_label']}, step ") for c in out["datasets"]["cards"])


# -- the consensus ------------------------------------------------------------------------------


def test_consensus_lists_the_agreed_steps_in_order_with_counts_and_scores(
    alignment: Alignment,
) -> None:
    f = findings(alignment)
    out = consensus_spec(f)
    rows = out["datasets"]["steps"]
    assert [r["sid"] for r in rows] == [s.id for s in f.consensus]
    assert [r["label"] for r in rows] == ["1. Get bread", "2. Toast bread", "3. Butter toast"]
    assert [r["count"] for r in rows] == ["5 of 5"] * 3
    scores = {v.step.id: v.score for v in f.steps}
    for r in rows:
        assert r["score"] == scores[r["sid"]]
        assert r["sx2"] - r["bx"] == pytest.approx(r["score"] * (r["bx2"] - r["bx"]))
        assert r["y"] < r["my"] < r["y2"]
    assert [r["y"] for r in rows] == sorted(r["y"] for r in rows), "top to bottom"
    assert out["title"]["text"] == "Consensus of 5 maps: 3 steps, 0 contested"
    assert "in some maps (1 of them contested) and 2 in one map only" in out["description"]
    assert "more than half the maps have" in out["description"]


def test_contested_steps_say_why_and_side_list_holds_the_rest(alignment: Alignment) -> None:
    f = findings(alignment)
    out = consensus_spec(f)
    others = out["datasets"]["others"]
    assert [(o["group"], o["step"]) for o in others] == [
        ("In some maps", "Wait for it to pop"),
        ("In one map only", "Plug in toaster"),
        ("In one map only", EVIL),
    ]
    pop = others[0]
    assert pop["status"] == "Contested" and pop["count"] == "2 of 5 · contested"
    assert pop["reasons"] == "; ".join(f.contested[0].reasons)
    tooltips = {
        t["field"] for layer in out["layer"] for t in layer.get("encoding", {}).get("tooltip", [])
    }
    assert {"reasons", "holders_text", "score"} <= tooltips
    # Every partial and solo step is somewhere: in the consensus with its count, or beside it.
    shown = {r["sid"] for r in out["datasets"]["steps"]} | {o["sid"] for o in others}
    assert {s.id for s in (*f.partial, *f.solo)} <= shown
    assert len(shown) == len(alignment.steps)


def test_a_contested_step_in_the_consensus_is_purple_and_says_so() -> None:
    f = findings(
        align_maps(
            {
                "a": ["get bread", "toast bread", "butter toast"],
                "b": ["get bread", "butter toast", "toast bread"],
                "c": ["get bread", "toast bread", "jam"],
            }
        )
    )
    rows = consensus_spec(f)["datasets"]["steps"]
    [contested] = [r for r in rows if r["status"] == "Contested"]
    assert (contested["step"], contested["count"]) == ("butter toast", "2 of 3")
    assert contested["score_text"] == "0.56 · contested"
    assert contested["reasons"] == "only 2 of 3 have it; placed anywhere from 2nd to 3rd"
    layers = consensus_spec(f)["layer"]
    bars = [
        layer for layer in layers if layer.get("encoding", {}).get("x2", {}).get("field") == "sx2"
    ]
    assert bars[0]["encoding"]["fill"]["condition"]["test"] == "datum.status == 'Contested'"


def test_consensus_spec_wants_findings() -> None:
    with pytest.raises(InvalidInput, match="expected ToastFindings"):
        consensus_spec(align_maps(TOAST))  # type: ignore[arg-type]


def test_markup_in_step_names_stays_data_in_the_consensus(alignment: Alignment) -> None:
    out = consensus_spec(findings(alignment))
    assert any(o["label"] == EVIL for o in out["datasets"]["others"])
    svg = vl_convert.vegalite_to_svg(out, vl_version=VOILA_VEGA_LITE)
    assert "<img" not in svg and "&lt;img src=x" in svg


# -- both: the fast path, empty rooms, offline rendering ----------------------------------------


def test_the_fast_paths_give_the_same_spec_as_altair(alignment: Alignment) -> None:
    names = {"id-ann": "Ann <b>", "id-eve": "Eve"}
    for al in (alignment, align_maps({}), align_maps({"solo": ["one", "two"]}), _big(4, 8)):
        assert maps_spec(al) == spec(maps_chart(al))
        assert maps_spec(al, names=names) == spec(maps_chart(al, names=names))
        f = findings(al, quorum=0.7)
        assert consensus_spec(f) == spec(consensus_chart(f))


@settings(max_examples=40)
@given(st.dictionaries(ids, st.lists(name, max_size=6), max_size=5))
def test_any_maps_give_one_card_per_placement_and_lines_within_a_step(
    maps: dict[str, list[str]],
) -> None:
    al = align_maps(maps)
    data = maps_spec(al)["datasets"]
    assert len(data["cards"]) == sum(len(v) for v in maps.values())
    assert len({(c["map"], c["sid"]) for c in data["cards"]}) == len(data["cards"])
    keys = {(c["map"], c["sid"]) for c in data["cards"]}
    assert all(
        (ln["from"], ln["sid"]) in keys and (ln["to"], ln["sid"]) in keys for ln in data["links"]
    )
    f = findings(al)
    out = consensus_spec(f)
    shown = [r["sid"] for r in out["datasets"]["steps"]] + [
        o["sid"] for o in out["datasets"]["others"]
    ]
    assert sorted(shown) == sorted(s.id for s in al.steps)


@pytest.mark.parametrize("draw", ["maps", "consensus"])
def test_no_maps_gives_a_valid_chart_with_a_hint(draw: str) -> None:
    al = align_maps({"blank": []})
    out = maps_spec(al) if draw == "maps" else consensus_spec(findings(al))
    assert "No maps yet" in out["datasets"]["hint"][0]["text"]
    assert "No maps yet" in vl_convert.vegalite_to_svg(out, vl_version=VOILA_VEGA_LITE)


@pytest.mark.parametrize("draw", ["maps", "consensus"])
def test_renders_in_vega_lite_5_with_nothing_fetched(draw: str, alignment: Alignment) -> None:
    f = findings(alignment)
    out = maps_spec(alignment, found=f) if draw == "maps" else consensus_spec(f)
    assert out["$schema"].endswith("/v5.json")
    assert not [s for s in _strings(out) if s.startswith("http") and s != out["$schema"]]
    assert not any("url" in d for d in _dicts(out)), "data travels inline, never by address"
    svg = html.unescape(vl_convert.vegalite_to_svg(out, vl_version=VOILA_VEGA_LITE))
    assert out["title"]["text"] in svg
    # The chart is described as a whole (Vega puts it on the view's element in the browser),
    # each step by its card, and nothing by its pixel coordinates.
    assert (
        vl_convert.vegalite_to_vega(out, vl_version=VOILA_VEGA_LITE)["description"]
        == (out["description"])
    )
    labels = re.findall(r'aria-label="([^"]*)"', svg)
    cards = out["datasets"]["cards" if draw == "maps" else "steps"]
    assert {c["desc"] for c in cards} <= set(labels)
    assert not [label for label in labels if re.search(r"\b(x|y|x2|bx|ty): ", label)]


def _dicts(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value] + [d for v in value.values() for d in _dicts(v)]
    if isinstance(value, list):
        return [d for v in value for d in _dicts(v)]
    return []


def test_twelve_maps_of_twenty_five_steps() -> None:
    al = _big()
    assert len(al.people) == 12 and max(len(al.sequence(p)) for p in al.people) == 25
    f = findings(al)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        out = maps_spec(al, found=f)
        times.append(time.perf_counter() - start)
    size = len(json.dumps(out))
    assert len(out["datasets"]["cards"]) == sum(s.holders for s in al.steps)
    assert out["width"] <= 12 * 240 and out["height"] <= 25 * 75, "wide, not endless"
    assert size < 400_000, f"{size} bytes for one chart is too much to send on every reveal"
    start = time.perf_counter()
    vl_convert.vegalite_to_svg(out, vl_version=VOILA_VEGA_LITE)
    drawn = time.perf_counter() - start
    vl_convert.vegalite_to_svg(consensus_spec(f), vl_version=VOILA_VEGA_LITE)
    print(
        f"maps_spec, 12 maps x 25 steps: {size / 1000:.0f} kB, "
        f"median {statistics.median(times) * 1000:.1f} ms; SVG in {drawn * 1000:.0f} ms"
    )
