"""The swimlane map: stages across, team lanes down, one card per step, handovers as heavy arrows."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...analysis.journey import handovers, team_of
from ...models import JourneyMap
from ...models.journey import Step
from .. import templates
from ..layout import arrow_angle, pixel_x, pixel_y, plain, set_extent, wrap
from ._common import (
    ACTOR_COLOURS,
    FRICTION_COLOURS,
    NO_OWNER_RED,
    UNRATED,
    _card_tooltip,
    _configure,
    _from_template,
    _hint,
    _hint_layer,
    _join_tooltip,
    _lanes,
    _plural,
    _spec_template,
    _step_row,
)

if TYPE_CHECKING:
    import altair as alt

__all__ = ["Card", "Swimlanes", "swimlane_chart", "swimlane_layout", "swimlane_spec"]

SELECTED_BLUE = "#1f4fd1"
MARKER_BROWN = "#8a3b00"
_FRICTION_LEVELS = [*map(str, range(6)), "not rated"]
_OUTSIDE = -1000.0  # legend-only marks sit here, clipped away

CARD_W, CARD_H = 200.0, 104.0
COL_GAP = 60.0  # room for the arrow between two columns
LANE_PAD = 14.0
LANE_H = CARD_H + 2 * LANE_PAD
LABEL_W = 160.0  # lane names
HEADER_H = 52.0  # stage bands
_STEP = CARD_W + COL_GAP


@dataclass(frozen=True)
class Card:
    """Where one step is drawn: its lane and column, and its top-left corner in pixels."""

    id: str
    lane: int
    column: int
    x: float
    y: float
    w: float = CARD_W
    h: float = CARD_H

    @property
    def mid_y(self) -> float:
        return self.y + self.h / 2


@dataclass(frozen=True)
class Swimlanes:
    """The swimlane layout: lane names top to bottom, one card per step, the drawing's size."""

    lanes: tuple[str, ...]
    cards: tuple[Card, ...]
    width: float
    height: float


def swimlane_layout(journey: JourneyMap, layer: str = "actual") -> Swimlanes:
    """One column per step in journey order, each card in its owning team's lane.

    >>> from servicekit.models import Step
    >>> j = JourneyMap("j", "J", teams=("Sales", "Support"))
    >>> for sid, team in [("a", "Support"), ("b", "Sales"), ("c", "")]:
    ...     j = j.with_step("actual", Step(sid, sid.upper(), owner=team))
    >>> grid = swimlane_layout(j)
    >>> grid.lanes, [(c.id, c.lane, c.column) for c in grid.cards]
    (('Sales', 'Support', '(no team)'), [('a', 1, 0), ('b', 0, 1), ('c', 2, 2)])
    """
    lanes = _lanes(journey, layer)
    row = {team: i for i, team in enumerate(lanes)}
    steps = journey.layer(layer).steps
    cards = tuple(
        Card(
            s.id,
            row[team_of(s)],
            i,
            LABEL_W + COL_GAP / 2 + i * _STEP,
            HEADER_H + row[team_of(s)] * LANE_H + LANE_PAD,
        )
        for i, s in enumerate(steps)
    )
    width = LABEL_W + max(len(steps), 3) * _STEP
    height = HEADER_H + max(len(lanes), 1) * LANE_H
    return Swimlanes(tuple(lanes), cards, width, height)


def _card_marker(step: Step) -> str:
    w, s = len(step.workarounds), len(step.shadow_systems)
    if w and s:
        return f"⚠ {_plural(w, 'workaround')}, {s} shadow"
    if w or s:
        return "⚠ " + (_plural(w, "workaround") if w else _plural(s, "shadow system"))
    return ""


def _swimlane_cards(
    journey: JourneyMap, layer: str, grid: Swimlanes, selected: str | None
) -> list[dict[str, Any]]:
    stages = {s.id: s.name for s in journey.stages}
    out = []
    for card, step in zip(grid.cards, journey.layer(layer).steps, strict=True):
        row = _step_row(step, stages)
        rated = "not rated" if step.friction is None else f"friction {step.friction}/5"
        row.update(
            {
                "x": card.x,
                "x2": card.x + card.w,
                "y": card.y,
                "y2": card.y + card.h,
                "hx": card.x - 6,
                "hx2": card.x + card.w + 6,
                "hy": card.y - 6,
                "hy2": card.y + card.h + 6,
                "tx": card.x + 10,
                "ty": card.y + 8,
                "ny": card.y + 28,
                "my": card.y + card.h - 8,
                "lane": card.lane,
                "column": card.column,
                "top": f"{row['actor']} · {rated}",
                "label": wrap(step.name, 22, 3),
                "marker": _card_marker(step),
                "selected": step.id == selected,
            }
        )
        out.append(row)
    return out


def _friction_colour(friction: int | None) -> str:
    return UNRATED if friction is None else FRICTION_COLOURS[friction]


def _swimlane_links(
    journey: JourneyMap, layer: str, grid: Swimlanes
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Connector points, arrowheads and "no owner" markers between consecutive cards."""
    joins = {h.position: h for h in handovers(journey, layer)}
    lines: list[dict[str, Any]] = []
    heads: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    for i in range(1, len(grid.cards)):
        a, b = grid.cards[i - 1], grid.cards[i]
        x0, y0, x1, y1 = a.x + a.w, a.mid_y, b.x, b.mid_y
        h = joins.get(i)
        if h is None:
            kind, colour, width, size, back = "flow", "#8a8a8a", 1.5, 60, 4.0
            points = [(x0, y0), (x1 - back, y1)]
        else:
            kind = "handover" if h.owned else "unowned"
            colour = _friction_colour(h.friction) if h.owned else NO_OWNER_RED
            width, size, back = 4.0, 170, 7.0
            xm = x0 + COL_GAP * 0.35
            points = [(x0, y0), (xm, y0), (xm, y1), (x1 - back, y1)]
        lines += [
            {"link": i, "k": k, "x": x, "y": y, "kind": kind, "colour": colour, "width": width}
            for k, (x, y) in enumerate(points)
        ]
        (px, py), (qx, qy) = points[-2], points[-1]
        head: dict[str, Any] = {
            "x": qx,
            "y": qy,
            "angle": arrow_angle(px, py, qx, qy),
            "colour": colour,
            "size": size,
            "kind": kind,
            "join": "same team" if h is None else plain(h.label),
        }
        head.update(_join_tooltip(h))
        heads.append(head)
        if h is not None and not h.owned:
            marks.append({**head, "x": points[1][0], "y": (y0 + y1) / 2, "text": "no owner"})
    return lines, heads, marks


def _stage_bands(journey: JourneyMap, layer: str, grid: Swimlanes) -> list[dict[str, Any]]:
    """One header band per run of consecutive steps in the same stage; no band for no stage."""
    names = {s.id: s.name for s in journey.stages}
    steps = journey.layer(layer).steps
    out: list[dict[str, Any]] = []
    start = 0
    for i in range(1, len(steps) + 1):
        if i < len(steps) and steps[i].stage == steps[start].stage:
            continue
        stage = steps[start].stage
        if stage:
            x, x2 = grid.cards[start].x, grid.cards[i - 1].x + CARD_W
            out.append(
                {
                    "x": x,
                    "x2": x2,
                    "y": 4.0,
                    "y2": HEADER_H - 8,
                    "tx": x + 10,
                    "ty": 10.0,
                    "fill": ("#dfe4ec", "#eceff4")[len(out) % 2],
                    "stage": plain(names[stage]),
                    "label": wrap(names[stage], max(4, int((x2 - x - 20) / 8)), 2),
                }
            )
        start = i
    return out


def _swimlane_data(
    journey: JourneyMap, layer: str, selected: str | None
) -> tuple[float, float, dict[str, list[dict[str, Any]]]]:
    grid = swimlane_layout(journey, layer)
    lanes = [
        {
            "x": 0.0,
            "x2": grid.width,
            "y": HEADER_H + i * LANE_H,
            "y2": HEADER_H + (i + 1) * LANE_H,
            "tx": 10.0,
            "ty": HEADER_H + i * LANE_H + LANE_PAD,
            "fill": ("#f2f4f7", "#ffffff")[i % 2],
            "team": plain(team),
            "label": wrap(team, 16, 5),
        }
        for i, team in enumerate(grid.lanes)
    ]
    lines, heads, marks = _swimlane_links(journey, layer, grid)
    hint = [] if grid.cards else _hint("No steps yet: add the first step of the journey.", 10, 14)
    return (
        grid.width,
        grid.height,
        {
            "lanes": lanes,
            "stages": _stage_bands(journey, layer, grid),
            "links": lines,
            "heads": heads,
            "unowned": marks,
            "cards": _swimlane_cards(journey, layer, grid, selected),
            "legend": _swimlane_legend(),
            "hint": hint,
        },
    )


_JOIN_KINDS = {
    "Same team": ("#8a8a8a", [1, 0]),
    "Handover": ("#3690c0", [1, 0]),
    "No owner": (NO_OWNER_RED, [8, 5]),
}


def _swimlane_legend() -> list[dict[str, Any]]:
    rows = [
        {"x": _OUTSIDE, "y": _OUTSIDE, "level": level, "join": ""} for level in _FRICTION_LEVELS
    ]
    return rows + [{"x": _OUTSIDE, "y": _OUTSIDE, "level": "", "join": j} for j in _JOIN_KINDS]


def swimlane_chart(
    journey: JourneyMap, layer: str = "actual", selected: str | None = None
) -> alt.LayerChart:
    """Stages across, team lanes down, one card per step; handovers drawn as heavy arrows.

    ``selected`` (a step id) gets a highlighted frame.
    """
    width, height, datasets = _swimlane_data(journey, layer, selected)
    return _swimlane(width, height).properties(datasets=datasets)


def swimlane_spec(
    journey: JourneyMap, layer: str = "actual", selected: str | None = None
) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`swimlane_chart`, fast enough to redraw on every edit."""
    width, height, datasets = _swimlane_data(journey, layer, selected)
    out = _from_template(_template(), datasets)
    set_extent(out, width, height)
    return out


def _swimlane(width: float, height: float) -> alt.LayerChart:
    import altair as alt

    def at(x: str, y: str) -> dict[str, Any]:
        return {"x": pixel_x(x, width), "y": pixel_y(y, height)}

    def box(x: str = "x", y: str = "y") -> dict[str, Any]:
        return {**at(x, y), "x2": f"{x}2:Q", "y2": f"{y}2:Q"}

    def text(name: str, **mark: Any) -> alt.Chart:
        drawn: alt.Chart = alt.Chart(alt.NamedData(name=name)).mark_text(
            align="left", baseline="top", lineBreak="\n", **mark
        )
        return drawn

    identity = {"fill": alt.Fill("fill:N", scale=None)}
    lanes = alt.Chart(alt.NamedData(name="lanes")).mark_rect(stroke="#d0d4da", strokeWidth=1)
    lane_names = text("lanes", fontSize=14, fontWeight="bold", lineHeight=17, color="#111")
    stages = alt.Chart(alt.NamedData(name="stages")).mark_rect(cornerRadius=4)
    stage_names = text("stages", fontSize=14, fontWeight="bold", lineHeight=16, color="#111")
    links = alt.Chart(alt.NamedData(name="links"))
    line = {
        **at("x", "y"),
        "detail": "link:N",
        "order": "k:Q",
        "stroke": alt.Stroke("colour:N", scale=None),
        "strokeWidth": alt.StrokeWidth("width:Q", scale=None),
    }
    solid = links.transform_filter("datum.kind != 'unowned'").mark_line().encode(**line)
    dashed = (
        links.transform_filter("datum.kind == 'unowned'")
        .mark_line(strokeDash=[8, 5])
        .encode(**line)
    )
    join_tooltip = [
        alt.Tooltip("join:N", title="Handover"),
        alt.Tooltip("owner:N", title="Who owns the join"),
        alt.Tooltip("travels:N", title="What must travel"),
        alt.Tooltip("friction_text:N", title="Friction after it"),
        alt.Tooltip("wait:N", title="Wait after it"),
    ]
    heads = (
        alt.Chart(alt.NamedData(name="heads"))
        .mark_point(shape="triangle", filled=True, opacity=1)
        .encode(
            **at("x", "y"),
            angle=alt.Angle("angle:Q", scale=None),
            fill=alt.Fill("colour:N", scale=None),
            size=alt.Size("size:Q", scale=None),
            tooltip=join_tooltip,
        )
    )
    unowned = alt.Chart(alt.NamedData(name="unowned"))
    diamonds = unowned.mark_point(
        shape="diamond", filled=True, size=200, color=NO_OWNER_RED, opacity=1
    ).encode(**at("x", "y"), tooltip=join_tooltip)
    no_owner = unowned.mark_text(
        angle=270, dy=16, fontSize=13, fontWeight="bold", color=NO_OWNER_RED
    ).encode(**at("x", "y"), text="text:N", tooltip=join_tooltip)
    cards = alt.Chart(alt.NamedData(name="cards"))
    actor = alt.Fill(
        "actor:N",
        scale=alt.Scale(domain=list(ACTOR_COLOURS), range=list(ACTOR_COLOURS.values())),
        legend=alt.Legend(title="Who acts", orient="top"),
    )
    tooltip = _card_tooltip()
    frames = cards.mark_rect(cornerRadius=6, stroke="#444", strokeWidth=1.2, cursor="pointer")
    chosen = cards.transform_filter("datum.selected").mark_rect(
        cornerRadius=10, fillOpacity=0, stroke=SELECTED_BLUE, strokeWidth=4
    )
    clickable: dict[str, Any] = {"href": "href:N", "tooltip": tooltip}
    tops = text("cards", fontSize=13, color="#222", cursor="pointer")
    names = text("cards", fontSize=14, lineHeight=17, color="#111", cursor="pointer")
    markers = cards.mark_text(align="left", baseline="bottom", fontSize=13, color=MARKER_BROWN)
    legend = alt.Chart(alt.NamedData(name="legend"))
    friction_legend = (
        legend.transform_filter("datum.level != ''")
        .mark_square(clip=True, opacity=1)
        .encode(
            **at("x", "y"),
            color=alt.Color(
                "level:N",
                scale=alt.Scale(domain=_FRICTION_LEVELS, range=[*FRICTION_COLOURS, UNRATED]),
                legend=alt.Legend(title="Handover friction (receiving step)", orient="top"),
            ),
        )
    )
    join_scale: dict[str, Any] = {"domain": list(_JOIN_KINDS)}
    join_legend = alt.Legend(title="Connector", orient="top", symbolStrokeWidth=3)
    joins_legend = (
        legend.transform_filter("datum.join != ''")
        .mark_line(clip=True)
        .encode(
            **at("x", "y"),
            stroke=alt.Stroke(
                "join:N",
                scale=alt.Scale(**join_scale, range=[c for c, _ in _JOIN_KINDS.values()]),
                legend=join_legend,
            ),
            strokeDash=alt.StrokeDash(
                "join:N",
                scale=alt.Scale(**join_scale, range=[d for _, d in _JOIN_KINDS.values()]),
                legend=join_legend,
            ),
        )
    )
    chart: alt.LayerChart = _configure(
        alt.layer(
            lanes.encode(**box(), **identity),
            lane_names.encode(**at("tx", "ty"), text="label:N", tooltip="team:N"),
            stages.encode(**box(), **identity),
            stage_names.encode(**at("tx", "ty"), text="label:N", tooltip="stage:N"),
            solid,
            dashed,
            heads,
            frames.encode(**box(), fill=actor, **clickable),
            chosen.encode(**box("hx", "hy")),
            tops.encode(**at("tx", "ty"), text="top:N", **clickable),
            names.encode(**at("tx", "ny"), text="label:N", **clickable),
            markers.encode(**at("tx", "my"), text="marker:N", **clickable),
            diamonds,
            no_owner,
            friction_legend,
            joins_legend,
            _hint_layer(width, height),
        ).properties(width=width, height=height, padding=16)
    )
    return chart


@functools.lru_cache(maxsize=1)
def _template() -> dict[str, Any]:
    """The swimlane spec template as stored; :func:`swimlane_spec` copies it and fills in the data."""
    return templates.load("journey_swimlane")


def _build_template() -> dict[str, Any]:
    """The template as altair builds it: what ``templates/journey_swimlane.json`` must hold."""
    datasets = ("lanes", "stages", "links", "heads", "unowned", "cards", "legend", "hint")
    return _spec_template(_swimlane(1.0, 1.0), datasets)
