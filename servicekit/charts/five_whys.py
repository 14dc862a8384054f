"""The Five Whys tree as a chart: a tidy left-to-right layout drawn with altair.

The problem sits at the left; each "why" answer is a box one column further
right. Leaves take consecutive rows and a parent is centred on its children, so
boxes never overlap whatever the shape of the tree. Fill shows the lens,
the outline shows the evidence strength, and root causes get a red frame.
Clicking a box sets the page's address to ``#sk-pick=<node id>``.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..models import FiveWhys
from . import templates
from .layout import pick_href, set_extent, wrap
from .theme import (
    CONFIDENCE_DASH,
    CONFIDENCE_LABELS,
    CONFIDENCE_WIDTH,
    FONT,
    LENS_COLOURS,
    LENS_LABELS,
)

if TYPE_CHECKING:
    import altair as alt

__all__ = ["PROBLEM_ID", "Box", "tree_chart", "tree_layout", "tree_spec", "wrap"]

#: Id of the problem box in the layout (never a node id: node ids cannot start with '#').
PROBLEM_ID = "#problem"
BOX_W, BOX_H = 230.0, 84.0
COL_GAP, ROW_GAP = 56.0, 22.0
CHARS_PER_LINE, MAX_LINES = 27, 4
ROOT_RED = "#c0262d"


@dataclass(frozen=True)
class Box:
    """Where one node is drawn: its column, its top-left corner and its size, in pixels."""

    id: str
    parent: str | None
    depth: int
    x: float
    y: float
    w: float = BOX_W
    h: float = BOX_H

    @property
    def centre_y(self) -> float:
        return self.y + self.h / 2


def tree_layout(tree: FiveWhys) -> list[Box]:
    """Place the problem and every visible node; boxes never overlap.

    >>> from servicekit.models import WhyNode
    >>> t = FiveWhys("t", "P").with_why(WhyNode("a", None, "A")).with_why(WhyNode("b", None, "B"))
    >>> [(b.id, b.depth, b.y) for b in tree_layout(t)]
    [('#problem', 0, 53.0), ('a', 1, 0.0), ('b', 1, 106.0)]
    """
    visible = tree.visible_nodes()
    children: dict[str | None, list[str]] = {}
    for node in visible:
        children.setdefault(node.parent, []).append(node.id)
    rows: dict[str, float] = {}
    next_row = 0.0

    def place(node_id: str | None) -> float:
        nonlocal next_row
        kids = children.get(node_id, [])
        if not kids:
            row, next_row = next_row, next_row + 1
        else:
            placed = [place(kid) for kid in kids]
            row = (placed[0] + placed[-1]) / 2
        rows[PROBLEM_ID if node_id is None else node_id] = row
        return row

    place(None)
    depth: dict[str | None, int] = {None: 0}

    def depth_of(node_id: str | None) -> int:
        if node_id not in depth:
            depth[node_id] = depth_of(tree.node(node_id).parent) + 1  # type: ignore[arg-type]
        return depth[node_id]

    boxes = [Box(PROBLEM_ID, None, 0, 0.0, rows[PROBLEM_ID] * (BOX_H + ROW_GAP))]
    for node in visible:
        d = depth_of(node.id)
        boxes.append(
            Box(
                node.id,
                node.parent or PROBLEM_ID,
                d,
                d * (BOX_W + COL_GAP),
                rows[node.id] * (BOX_H + ROW_GAP),
            )
        )
    return boxes


def _rows(tree: FiveWhys, boxes: list[Box], selected: str | None) -> list[dict[str, Any]]:
    out = []
    for box in boxes:
        if box.id == PROBLEM_ID:
            text, lens, conf, root, evidence = tree.problem, "Problem", "Verified fact", False, ""
            answer = tree.problem
        else:
            node = tree.node(box.id)
            text, lens = node.answer, LENS_LABELS[node.lens]
            conf, root, evidence, answer = (
                CONFIDENCE_LABELS[node.confidence],
                node.root_cause,
                node.evidence,
                node.answer,
            )
        out.append(
            {
                "id": box.id,
                "x": box.x,
                "x2": box.x + box.w,
                "y": box.y,
                "y2": box.y + box.h,
                "hx": box.x - 6,
                "hx2": box.x + box.w + 6,
                "hy": box.y - 6,
                "hy2": box.y + box.h + 6,
                "tx": box.x + 10,
                "ty": box.y + 10,
                "label": wrap(text, CHARS_PER_LINE, MAX_LINES),
                "answer": answer,
                "evidence": evidence or "—",
                "lens": lens,
                "confidence": conf,
                "root": "Root cause" if root else "",
                "selected": box.id == selected,
                "href": pick_href(box.id),
            }
        )
    return out


def _edges(boxes: list[Box]) -> list[dict[str, Any]]:
    """Elbow connectors from a parent's right edge to each child's left edge."""
    where = {b.id: b for b in boxes}
    out = []
    for box in boxes:
        if box.parent is None:
            continue
        parent = where[box.parent]
        x0, x1 = parent.x + parent.w, box.x
        mid = x0 + (x1 - x0) / 2
        points = [
            (x0, parent.centre_y),
            (mid, parent.centre_y),
            (mid, box.centre_y),
            (x1, box.centre_y),
        ]
        out += [{"edge": box.id, "k": k, "x": x, "y": y} for k, (x, y) in enumerate(points)]
    return out


def _data(
    tree: FiveWhys, selected: str | None
) -> tuple[float, float, dict[str, list[dict[str, Any]]]]:
    boxes = tree_layout(tree)
    width = max(b.x + b.w for b in boxes)
    height = max(b.y + b.h for b in boxes)
    legend = [{"confidence": level, "x": -1.0, "y": -1.0} for level in CONFIDENCE_DASH]
    return (
        width,
        height,
        {"nodes": _rows(tree, boxes, selected), "edges": _edges(boxes), "legend": legend},
    )


def tree_chart(tree: FiveWhys, selected: str | None = None) -> alt.LayerChart:
    """The tree drawn as a chart; ``selected`` (a node id) gets a highlighted frame."""
    width, height, datasets = _data(tree, selected)
    return _chart(width, height).properties(datasets=datasets)


def tree_spec(tree: FiveWhys, selected: str | None = None) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`tree_chart`, fast: the stored template filled in, no altair.

    Redrawing after a click then costs the layout alone, not a walk through altair's schema.
    """
    width, height, datasets = _data(tree, selected)
    out = copy.deepcopy(_template())
    out["datasets"] = datasets
    set_extent(out, width, height)
    return out


@functools.lru_cache(maxsize=1)
def _template() -> dict[str, Any]:
    """The tree's spec template as stored (``templates/five_whys_tree.json``)."""
    return templates.load("five_whys_tree")


def _build_template() -> dict[str, Any]:
    """The template as altair builds it: what ``templates/five_whys_tree.json`` must hold."""
    from .render import spec

    return spec(_chart(1.0, 1.0).properties(datasets={"nodes": [], "edges": [], "legend": []}))


def _chart(width: float, height: float) -> alt.LayerChart:
    import altair as alt

    def qx(field: str) -> alt.X:
        return alt.X(
            f"{field}:Q", scale=alt.Scale(domain=[0, width], nice=False, zero=False), axis=None
        )

    def qy(field: str) -> alt.Y:
        scale = alt.Scale(domain=[0, height], nice=False, zero=False, reverse=True)
        return alt.Y(f"{field}:Q", scale=scale, axis=None)

    box = {"x": qx("x"), "x2": "x2:Q", "y": qy("y"), "y2": "y2:Q"}
    tooltip = [
        alt.Tooltip("answer:N", title="Answer"),
        alt.Tooltip("evidence:N", title="Evidence"),
        alt.Tooltip("confidence:N", title="Confidence"),
        alt.Tooltip("lens:N", title="Lens"),
        alt.Tooltip("root:N", title="Marked as"),
    ]
    fill = alt.Color(
        "lens:N",
        scale=alt.Scale(domain=list(LENS_COLOURS), range=list(LENS_COLOURS.values())),
        legend=alt.Legend(title="Lens", orient="top"),
    )
    nodes = alt.Chart(alt.NamedData(name="nodes"))
    edges = (
        alt.Chart(alt.NamedData(name="edges"))
        .mark_line(color="#777", strokeWidth=1.5)
        .encode(x=qx("x"), y=qy("y"), detail="edge:N", order="k:Q")
    )
    frames = nodes.mark_rect(cornerRadius=6, strokeWidth=0, cursor="pointer").encode(
        **box, fill=fill, href="href:N", tooltip=tooltip
    )
    # Outline by evidence strength: one layer per level, since rect marks take dashes as a property only.
    outlines = [
        nodes.transform_filter(alt.datum.confidence == level)
        .mark_rect(
            cornerRadius=6,
            fillOpacity=0,
            stroke="#333",
            strokeDash=CONFIDENCE_DASH[level],
            strokeWidth=CONFIDENCE_WIDTH[level],
        )
        .encode(**box)
        for level in CONFIDENCE_DASH
    ]
    dash_legend = (
        alt.Chart(alt.NamedData(name="legend"))
        .mark_line(color="#333", clip=True)
        .encode(
            x=qx("x"),
            y=qy("y"),
            strokeDash=alt.StrokeDash(
                "confidence:N",
                scale=alt.Scale(domain=list(CONFIDENCE_DASH), range=list(CONFIDENCE_DASH.values())),
                legend=alt.Legend(title="Evidence", orient="top", symbolStrokeWidth=2.5),
            ),
        )
    )
    roots = (
        nodes.transform_filter("datum.root != ''")
        .mark_rect(cornerRadius=8, fillOpacity=0, stroke=ROOT_RED, strokeWidth=5)
        .encode(**box)
    )
    chosen = (
        nodes.transform_filter("datum.selected")
        .mark_rect(cornerRadius=10, fillOpacity=0, stroke="#1f4fd1", strokeWidth=4)
        .encode(x=qx("hx"), x2="hx2:Q", y=qy("hy"), y2="hy2:Q")
    )
    labels = nodes.mark_text(
        align="left",
        baseline="top",
        lineBreak="\n",
        fontSize=14,
        lineHeight=17,
        color="#111",
        cursor="pointer",
    ).encode(x=qx("tx"), y=qy("ty"), text="label:N", href="href:N", tooltip=tooltip)
    badges = (
        nodes.transform_filter("datum.root != ''")
        .mark_text(
            align="right",
            baseline="bottom",
            dx=-4,
            dy=-3,
            fontSize=12,
            fontWeight="bold",
            color=ROOT_RED,
        )
        .encode(x=qx("x2"), y=qy("y"), text="root:N")
    )
    chart: alt.LayerChart = (
        alt.layer(edges, frames, *outlines, dash_legend, roots, chosen, labels, badges)
        .properties(width=width, height=height, padding=16)
        .configure(font=FONT)
        .configure_view(stroke=None)
        .configure_legend(labelFontSize=13, titleFontSize=13)
    )
    return chart
