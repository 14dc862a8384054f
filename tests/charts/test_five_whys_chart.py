"""The Five Whys chart: layout properties, the spec it produces, and that Vega-Lite 5 compiles it."""

from __future__ import annotations

import json

import pytest
import vl_convert
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.charts.five_whys import BOX_W, PROBLEM_ID, tree_chart, tree_layout, tree_spec, wrap
from servicekit.charts.render import MIME, mimebundle, spec
from servicekit.errors import Conflict
from servicekit.models import FiveWhys, WhyNode

VOILA_VEGA_LITE = "5.8"  # the oldest 5.x a Voila 0.5 page may bundle; the chart must compile there


@st.composite
def grown_trees(draw: st.DrawFn) -> FiveWhys:
    """Trees grown the way a room grows them: adds, moves and deletes, up to 60 nodes."""
    tree = FiveWhys("t", "Problem")
    for i in range(draw(st.integers(0, 60))):
        ids = list(tree.nodes)
        action = draw(st.sampled_from(["add", "add", "add", "move", "delete"])) if ids else "add"
        try:
            if action == "add":
                parent = draw(st.none() | st.sampled_from(ids)) if ids else None
                answer = draw(st.text(min_size=1, max_size=120)).strip() or "x"
                tree = tree.with_why(WhyNode(f"n{i}", parent, answer))
            elif action == "move":
                tree = tree.with_move(
                    draw(st.sampled_from(ids)), draw(st.none() | st.sampled_from(ids))
                )
            else:
                tree = tree.with_deleted(draw(st.sampled_from(ids)), draw(st.booleans()))
        except Conflict:
            pass  # a cycle, or work under a deleted branch: the model refuses, as it should
    return tree


@settings(max_examples=80)
@given(grown_trees())
def test_boxes_never_overlap_and_children_sit_right_of_parents(tree: FiveWhys) -> None:
    boxes = tree_layout(tree)
    assert {b.id for b in boxes} == {PROBLEM_ID} | {n.id for n in tree.visible_nodes()}
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
            assert apart, (a, b)
    where = {b.id: b for b in boxes}
    for b in boxes:
        if b.parent is not None:
            assert b.x >= where[b.parent].x + BOX_W
            kids = [k for k in boxes if k.parent == b.parent]
            assert min(k.y for k in kids) <= where[b.parent].y <= max(k.y for k in kids)


def test_wrap_keeps_boxes_to_four_lines() -> None:
    text = wrap("word " * 200)
    assert text.count("\n") == 3
    assert text.endswith("…")


@pytest.fixture
def tree() -> FiveWhys:
    t = FiveWhys("t", "Tickets reopen within 14 days (38% of 1,240, Jan-Mar 2026)")
    t = t.with_why(WhyNode("a", None, "Fixes are not verified", confidence="fact", lens="process"))
    t = t.with_why(
        WhyNode(
            "b", "a", "KPI counts closures", confidence="likely", lens="people", root_cause=True
        )
    )
    t = t.with_why(WhyNode("c", None, "Knowledge base stale", confidence="opinion"))
    return t.with_why(WhyNode("gone", "c", "Abandoned idea")).with_deleted("gone")


def _layer(data: dict, predicate) -> list[dict]:
    return [layer for layer in data["layer"] if predicate(layer)]


def test_spec_colours_by_lens_marks_roots_and_links_every_box(tree: FiveWhys) -> None:
    data = tree_chart(tree, selected="c").to_dict()
    nodes = {row["id"]: row for row in data["datasets"]["nodes"]}
    assert set(nodes) == {PROBLEM_ID, "a", "b", "c"}, "deleted branches are not drawn"
    assert [nodes[k]["lens"] for k in ("a", "b", "c")] == ["Process", "People", "No lens"]
    assert nodes["b"]["root"] == "Root cause" and nodes["a"]["root"] == ""
    assert nodes["c"]["selected"] and not nodes["a"]["selected"]
    assert nodes["a"]["href"] == "#sk-pick=a"
    fills = _layer(data, lambda layer: "fill" in layer.get("encoding", {}))
    assert fills[0]["encoding"]["fill"]["field"] == "lens"
    roots = _layer(data, lambda layer: layer["mark"].get("stroke") == "#c0262d")
    assert roots and roots[0]["transform"] == [{"filter": "datum.root != ''"}]
    dashes = {
        json.dumps(layer["mark"].get("strokeDash"))
        for layer in _layer(data, lambda layer: "transform" in layer)
    }
    assert len(dashes) >= 3, "each evidence strength has its own outline"


def test_fast_spec_matches_the_altair_chart(tree: FiveWhys) -> None:
    assert tree_spec(tree, "b") == spec(tree_chart(tree, "b"))


def test_participant_text_stays_data(tree: FiveWhys) -> None:
    evil = '<img src=x onerror=alert(1)> "quoted" \u202etxet'
    t = tree.with_why(WhyNode("x", None, evil, evidence=evil))
    rows = {r["id"]: r for r in tree_spec(t)["datasets"]["nodes"]}
    assert rows["x"]["answer"] == evil and rows["x"]["evidence"] == evil


def test_compiles_and_renders_in_vega_lite_5(tree: FiveWhys) -> None:
    data, metadata = mimebundle(tree_chart(tree))
    assert data[MIME]["$schema"].endswith("/v5.json")
    assert metadata[MIME]["embed_options"]["loader"]["target"] == "_self"
    svg = vl_convert.vegalite_to_svg(data[MIME], vl_version=VOILA_VEGA_LITE)
    for text in ("Fixes are not verified", "KPI counts closures", "Root cause"):
        assert text in svg
    assert "Abandoned idea" not in svg
