"""Journey-map charts: the swimlane map, the friction curve, the handover network, paper against reality.

Each chart comes as ``xxx_chart(...)`` (an altair chart, to inspect or export) and
``xxx_spec(...)`` (the same Vega-Lite spec as a dict, fast: altair builds the
structure once per process, a redraw fills in the data). Layouts are computed in
Python, in pixels, so cards never overlap and nothing depends on the browser.

Meaning never rests on colour alone: a card names its actor and its friction in
text, a join nobody owns is a red *dashed* line with a "no owner" label, steps
seen only in reality or only on paper say so on the card. Participant text
travels as data and is drawn by text marks, so markup in a step name stays text.
Clicking a card sets the page's address to ``#sk-pick=<step id>``. Control characters that
XML cannot carry are left out of chart text (see :func:`~servicekit.charts.layout.plain`).
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..analysis.journey import (
    NO_TEAM,
    HandoverPoint,
    LayerGap,
    compare_layers,
    handover_network,
    handovers,
    team_of,
)
from ..models import JourneyMap
from ..models.journey import Step
from .layout import arrow_angle, pick_href, pixel_x, pixel_y, plain, set_extent, wrap
from .theme import FONT

if TYPE_CHECKING:
    import altair as alt

__all__ = [
    "ACTOR_COLOURS",
    "FRICTION_COLOURS",
    "Card",
    "Swimlanes",
    "comparison_chart",
    "comparison_spec",
    "friction_chart",
    "friction_spec",
    "network_chart",
    "network_spec",
    "swimlane_chart",
    "swimlane_layout",
    "swimlane_spec",
]

#: Light card fills by actor (dark text stays readable on each); the card also names its actor.
ACTOR_COLOURS = {
    "Customer": "#f6c89f",
    "Frontstage": "#a6d2f2",
    "Backstage": "#d5c4ea",
    "System": "#d9d9d9",
}
_ACTOR_LABELS = {actor.lower(): actor for actor in ACTOR_COLOURS}
#: Handover arrows by the receiving step's friction, 0 to 5: light to dark blue, never red
#: (red dashes belong to joins nobody owns). Unrated joins are grey.
FRICTION_COLOURS = ("#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#045a8d", "#023858")
UNRATED = "#8c8c8c"
NO_OWNER_RED = "#c0262d"
SELECTED_BLUE = "#1f4fd1"
MARKER_BROWN = "#8a3b00"
_FRICTION_LEVELS = [*map(str, range(6)), "not rated"]
#: Team colours and shapes for points (Okabe-Ito without its yellow; shapes cycle separately).
TEAM_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000"]
TEAM_SHAPES = ["circle", "square", "triangle-up", "diamond", "triangle-down", "cross", "wedge"]
_OUTSIDE = -1000.0  # legend-only marks sit here, clipped away

# -- shared bits --------------------------------------------------------------------------------


def _duration(minutes: float | None) -> str:
    """Minutes in the unit a person would say; "—" when not recorded.

    >>> _duration(None), _duration(45), _duration(90), _duration(4320)
    ('—', '45 min', '1.5 h', '3 days')
    """
    if minutes is None:
        return "—"
    if minutes >= 24 * 60:
        days = minutes / (24 * 60)
        return f"{days:g} day" if days == 1 else f"{days:.3g} days"
    if minutes >= 60:
        return f"{minutes / 60:.3g} h"
    return f"{minutes:g} min"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _listed(items: Sequence[str]) -> str:
    return plain("; ".join(items)) or "—"


def _configure(chart: Any) -> Any:
    """The shared projector look: system fonts, 13 px legends and axes, no frame."""
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_legend(
            labelFontSize=13, titleFontSize=13, symbolSize=160, labelLimit=260, titleLimit=480
        )
        .configure_axis(labelFontSize=13, titleFontSize=14)
        .configure_title(fontSize=18, subtitleFontSize=14, anchor="start", subtitleColor="#333")
    )


def _from_template(template: dict[str, Any], datasets: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(template)
    out["datasets"] = datasets
    return out


def _hint(text: str, x: float, y: float) -> list[dict[str, Any]]:
    return [{"x": x, "y": y, "text": text}]


def _hint_layer(width: float, height: float) -> alt.Chart:
    import altair as alt

    hint: alt.Chart = (
        alt.Chart(alt.NamedData(name="hint"))
        .mark_text(align="left", baseline="top", fontSize=16, color="#444")
        .encode(x=pixel_x("x", width), y=pixel_y("y", height), text="text:N")
    )
    return hint


# -- the swimlane map ---------------------------------------------------------------------------

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


def _lanes(journey: JourneyMap, layer: str) -> list[str]:
    """Declared teams, then other owners (as :func:`team_of` names them), then the no-team lane."""
    steps = journey.layer(layer).steps
    out = dict.fromkeys(t.strip() for t in journey.lanes(layer) if t.strip())
    if any(team_of(s) == NO_TEAM for s in steps):
        out[NO_TEAM] = None
    return list(out)


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


def _step_row(step: Step, stages: dict[str, str]) -> dict[str, Any]:
    """Tooltip fields shared by the charts that show one step."""
    return {
        "id": step.id,
        "step": plain(step.name),
        "team": plain(team_of(step)),
        "stage": plain(stages.get(step.stage, "—")),
        "actor": _ACTOR_LABELS[step.actor],
        "friction_text": "not rated" if step.friction is None else f"{step.friction}/5",
        "wait": _duration(step.wait_min),
        "info": _listed(step.info_requested),
        "workarounds": _listed(step.workarounds),
        "shadow": _listed(step.shadow_systems),
        "href": pick_href(step.id),
    }


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


def _join_tooltip(h: HandoverPoint | None) -> dict[str, Any]:
    if h is None:
        return {"owner": "—", "travels": "—", "friction_text": "—", "wait": "—"}
    return {
        "owner": plain(h.owner.strip()) or "nobody owns this join",
        "travels": _listed(h.what_travels),
        "friction_text": "not rated" if h.friction is None else f"{h.friction}/5",
        "wait": _duration(h.wait_min),
    }


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
    out = _from_template(_template("swimlane"), datasets)
    set_extent(out, width, height)
    return out


def _card_tooltip() -> list[alt.Tooltip]:
    import altair as alt

    return [
        alt.Tooltip("step:N", title="Step"),
        alt.Tooltip("team:N", title="Team"),
        alt.Tooltip("stage:N", title="Stage"),
        alt.Tooltip("actor:N", title="Who acts"),
        alt.Tooltip("friction_text:N", title="Friction"),
        alt.Tooltip("wait:N", title="Wait before it"),
        alt.Tooltip("info:N", title="Information asked"),
        alt.Tooltip("workarounds:N", title="Workarounds"),
        alt.Tooltip("shadow:N", title="Shadow systems"),
    ]


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


# -- the friction curve -------------------------------------------------------------------------

STEP_PX = 120  # width given to each step along the friction curve
TOP = 5.7  # headroom above friction 5 for the "no owner" labels


def _friction_data(journey: JourneyMap, layer: str) -> dict[str, list[dict[str, Any]]]:
    steps = journey.layer(layer).steps
    stages = {s.id: s.name for s in journey.stages}
    keys = [wrap(f"{i}. {s.name}", 14, 3) for i, s in enumerate(steps, start=1)]
    rows = []
    run = 0
    for i, (step, key) in enumerate(zip(steps, keys, strict=True), start=1):
        run += step.friction is None  # an unrated step breaks the line: a gap, not a zero
        row = _step_row(step, stages)
        row.update(
            {
                "position": i,
                "key": key,
                "friction": step.friction,
                "run": run,
                "unrated": "not rated" if step.friction is None else "",
                "mid": TOP / 2,
                "wait_h": None if step.wait_min is None else round(step.wait_min / 60, 2),
            }
        )
        rows.append(row)
    joins = [
        {
            "position": h.position + 1,
            "key": keys[h.position],
            "join": plain(h.label),
            "status": "Owned join" if h.owned else "No owner",
            "label": "" if h.owned else "no owner",
            "y": TOP,
            **_join_tooltip(h),
        }
        for h in handovers(journey, layer)
    ]
    hint = [] if steps else [{"text": "No steps yet: add steps to see where friction builds up."}]
    return {"steps": rows, "joins": joins, "hint": hint}


def friction_chart(journey: JourneyMap, layer: str = "actual") -> alt.VConcatChart:
    """Friction step by step (the line breaks at unrated steps), waiting time below, handovers as rules."""
    return _friction().properties(datasets=_friction_data(journey, layer))


def friction_spec(journey: JourneyMap, layer: str = "actual") -> dict[str, Any]:
    """The Vega-Lite spec of :func:`friction_chart`, from the cached template."""
    return _from_template(_template("friction"), _friction_data(journey, layer))


def _friction() -> alt.VConcatChart:
    import altair as alt

    order = alt.EncodingSortField(field="position", op="min")

    def x(labels: bool = False) -> alt.X:
        axis = (
            alt.Axis(
                labelAngle=0,
                labelAlign="center",
                labelBaseline="top",
                labelLineHeight=16,
                labelExpr="split(datum.label, '\\n')",
                labelLimit=0,
                ticks=False,
            )
            if labels
            else alt.Axis(labels=False, ticks=False, domain=False)
        )
        return alt.X("key:O", sort=order, title=None, axis=axis)

    steps = alt.Chart(alt.NamedData(name="steps"))
    rated = steps.transform_filter("isValid(datum.friction)")
    joins = alt.Chart(alt.NamedData(name="joins"))
    status = alt.Legend(title="Handover", orient="top", symbolStrokeWidth=3)
    rules = joins.mark_rule(strokeWidth=2.5).encode(
        x=alt.X("key:O", sort=order, bandPosition=0),
        stroke=alt.Stroke(
            "status:N",
            scale=alt.Scale(domain=["Owned join", "No owner"], range=["#555555", NO_OWNER_RED]),
            legend=status,
        ),
        strokeDash=alt.StrokeDash(
            "status:N",
            scale=alt.Scale(domain=["Owned join", "No owner"], range=[[1, 0], [8, 5]]),
            legend=status,
        ),
        tooltip=[
            alt.Tooltip("join:N", title="Handover"),
            alt.Tooltip("owner:N", title="Who owns the join"),
            alt.Tooltip("travels:N", title="What must travel"),
        ],
    )
    y = alt.Y(
        "friction:Q",
        scale=alt.Scale(domain=[0, TOP], nice=False),
        axis=alt.Axis(values=list(range(6)), title="Friction (0 none, 5 worst)"),
    )
    tooltip = [
        alt.Tooltip("step:N", title="Step"),
        alt.Tooltip("team:N", title="Team"),
        alt.Tooltip("friction_text:N", title="Friction"),
        alt.Tooltip("wait:N", title="Wait before it"),
        alt.Tooltip("info:N", title="Information asked"),
    ]
    team = alt.Legend(title="Team", orient="top")
    curve = alt.layer(
        rules,
        joins.mark_text(
            align="left", baseline="top", dx=4, fontSize=13, fontWeight="bold", color=NO_OWNER_RED
        ).encode(x=alt.X("key:O", sort=order, bandPosition=0), y=alt.Y("y:Q"), text="label:N"),
        # Every step, so each has its place on the axis; unrated ones say so in the gap.
        steps.mark_text(angle=270, fontSize=13, color="#555").encode(
            x=x(), y=alt.Y("mid:Q"), text="unrated:N", tooltip=tooltip
        ),
        rated.mark_line(color="#555", strokeWidth=2).encode(x=x(), y=y, detail="run:N"),
        rated.mark_point(filled=True, size=170, opacity=1, stroke="white", strokeWidth=1).encode(
            x=x(),
            y=y,
            color=alt.Color("team:N", scale=alt.Scale(range=TEAM_COLOURS), legend=team),
            shape=alt.Shape("team:N", scale=alt.Scale(range=TEAM_SHAPES), legend=team),
            href="href:N",
            tooltip=tooltip,
        ),
        alt.Chart(alt.NamedData(name="hint"))
        .mark_text(align="left", baseline="top", fontSize=16, color="#444")
        .encode(x=alt.value(8), y=alt.value(8), text="text:N"),
    ).properties(width=alt.Step(STEP_PX), height=220)
    waited = steps.transform_filter("isValid(datum.wait_h)")
    wait_y = alt.Y("wait_h:Q", title="Waiting before the step (hours)")
    waits = alt.layer(
        rules,
        waited.mark_bar(color="#7b8fb3", width={"band": 0.6}).encode(
            x=x(True), y=wait_y, href="href:N", tooltip=tooltip
        ),
        waited.mark_text(baseline="bottom", dy=-3, fontSize=13, color="#222").encode(
            x=x(True), y=wait_y, text="wait:N"
        ),
    ).properties(width=alt.Step(STEP_PX), height=140)
    chart: alt.VConcatChart = _configure(
        alt.vconcat(curve, waits, spacing=12)
        .resolve_scale(x="shared")
        .properties(
            padding=16,
            title=alt.TitleParams(
                "Friction along the journey",
                subtitle="Gaps: steps not rated yet. Vertical lines: handovers "
                "(red dashed: nobody owns the join).",
            ),
        )
    )
    return chart


# -- the handover network -----------------------------------------------------------------------

NODE_MARGIN = 190.0  # room around the circle for team names
#: Text drawn twice, a white outline under the letters, so labels stay readable over lines.
_HALO: tuple[dict[str, Any], ...] = (
    {"stroke": "white", "strokeWidth": 4, "strokeJoin": "round", "color": "white"},
    {"color": "#111"},
)


def _network_data(
    journey: JourneyMap, layer: str
) -> tuple[float, float, dict[str, list[dict[str, Any]]]]:
    graph = handover_network(journey, layer)
    order = [t for t in _lanes(journey, layer) if t in graph]
    joins = {t: int(d) for t, d in graph.degree(weight="weight")}
    top = max(joins.values(), default=0)
    n = len(order)
    radius = 0.0 if n < 2 else max(150.0, 28.0 * n)
    centre_x, centre_y = radius + NODE_MARGIN, radius + NODE_MARGIN - 40
    width, height = 2 * (radius + NODE_MARGIN), 2 * (radius + NODE_MARGIN) - 80
    where: dict[str, tuple[float, float, float]] = {}
    nodes = []
    for k, team in enumerate(order):
        theta = -math.pi / 2 + 2 * math.pi * k / max(n, 1)
        x, y = centre_x + radius * math.cos(theta), centre_y + radius * math.sin(theta)
        r = min(14.0 + 4.0 * joins[team], 44.0)
        where[team] = (x, y, r)
        busiest = bool(top) and joins[team] == top
        label = wrap(team, 18, 3) + f"\n{_plural(joins[team], 'join')}"
        label += "\n★ busiest" if busiest else ""
        lines = label.count("\n") + 1
        cos, sin = math.cos(theta), math.sin(theta)
        reach = r + 10
        align = "left" if cos > 0.35 else "right" if cos < -0.35 else "center"
        if align == "center":
            ly = y + reach if sin > 0 or n == 1 else y - reach - lines * 17
        else:
            ly = y + reach * sin - lines * 17 / 2
        nodes.append(
            {
                "team": plain(team),
                "x": round(x, 2),
                "y": round(y, 2),
                "size": round(math.pi * r * r),
                "joins": joins[team],
                "steps": graph.nodes[team]["steps"],
                "busiest": "busiest" if busiest else "",
                "label": label,
                "lx": round(x + reach * cos, 2),
                "ly": round(ly, 2),
                "align": align,
            }
        )
    edges, heads = [], []
    for u, v, d in sorted(graph.edges(data=True), key=lambda e: (order.index(e[0]), e[1])):
        (x0, y0, r0), (x1, y1, r1) = where[u], where[v]
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        shift = 8.0 if graph.has_edge(v, u) else 0.0  # both ways: each keeps to its own right
        sx, sy = -uy * shift, ux * shift
        width_px = min(2.0 + 2.0 * d["weight"], 16.0)
        start = (x0 + ux * r0 + sx, y0 + uy * r0 + sy)
        tip = (x1 - ux * (r1 + 2) + sx, y1 - uy * (r1 + 2) + sy)
        end = (tip[0] - ux * 9, tip[1] - uy * 9)
        label = str(d["weight"]) + (f" ({d['unowned']} no owner)" if d["unowned"] else "")
        row = {
            "from": plain(u),
            "to": plain(v),
            "pair": plain(f"{u} → {v}"),
            "weight": d["weight"],
            "unowned": d["unowned"],
            "wait": _duration(d["wait_min"] or None),
            "friction": d["friction"],
            "width": width_px,
            "x": round(start[0], 2),
            "y": round(start[1], 2),
            "x2": round(end[0], 2),
            "y2": round(end[1], 2),
            "lx": round(x0 + (x1 - x0) * 0.4 + sx * 2.6, 2),
            "ly": round(y0 + (y1 - y0) * 0.4 + sy * 2.6, 2),
            "label": label,
        }
        edges.append(row)
        heads.append(
            {
                "x": round(end[0] + ux * 4, 2),
                "y": round(end[1] + uy * 4, 2),
                "angle": arrow_angle(start[0], start[1], tip[0], tip[1]),
                "size": round(60 + 12 * width_px),
                "colour": NO_OWNER_RED if d["unowned"] else "#444444",
                "pair": row["pair"],
            }
        )
    hint = []
    if not edges:
        what = "No steps yet" if not nodes else "No handovers yet: every step is in one team"
        hint = _hint(what + ".", 10, 10)
    return width, height, {"edges": edges, "heads": heads, "nodes": nodes, "hint": hint}


def network_chart(journey: JourneyMap, layer: str = "actual") -> alt.LayerChart:
    """Teams on a circle, one arrow per direction work crosses; width counts the handovers."""
    width, height, datasets = _network_data(journey, layer)
    return _network(width, height).properties(datasets=datasets)


def network_spec(journey: JourneyMap, layer: str = "actual") -> dict[str, Any]:
    """The Vega-Lite spec of :func:`network_chart`, from the cached template."""
    width, height, datasets = _network_data(journey, layer)
    out = _from_template(_template("network"), datasets)
    set_extent(out, width, height)
    return out


def _network(width: float, height: float) -> alt.LayerChart:
    import altair as alt

    def at(x: str, y: str) -> dict[str, Any]:
        return {"x": pixel_x(x, width), "y": pixel_y(y, height)}

    edges = alt.Chart(alt.NamedData(name="edges"))
    edge_tooltip = [
        alt.Tooltip("pair:N", title="Handovers"),
        alt.Tooltip("weight:Q", title="How many"),
        alt.Tooltip("unowned:Q", title="Nobody owns"),
        alt.Tooltip("wait:N", title="Total wait after them"),
        alt.Tooltip("friction:Q", title="Highest friction after them"),
    ]
    segment = {
        **at("x", "y"),
        "x2": "x2:Q",
        "y2": "y2:Q",
        "strokeWidth": alt.StrokeWidth("width:Q", scale=None),
        "tooltip": edge_tooltip,
    }
    owned = edges.transform_filter("datum.unowned == 0").mark_rule(color="#444", opacity=0.85)
    unowned = edges.transform_filter("datum.unowned > 0").mark_rule(
        color=NO_OWNER_RED, strokeDash=[10, 6]
    )
    heads = (
        alt.Chart(alt.NamedData(name="heads"))
        .mark_point(shape="triangle", filled=True, opacity=1)
        .encode(
            **at("x", "y"),
            angle=alt.Angle("angle:Q", scale=None),
            size=alt.Size("size:Q", scale=None),
            fill=alt.Fill("colour:N", scale=None),
            tooltip=alt.Tooltip("pair:N", title="Handovers"),
        )
    )
    counts = [
        edges.mark_text(fontSize=14, fontWeight="bold", **halo).encode(
            **at("lx", "ly"), text="label:N", tooltip=edge_tooltip
        )
        for halo in _HALO
    ]
    nodes = alt.Chart(alt.NamedData(name="nodes"))
    node_tooltip = [
        alt.Tooltip("team:N", title="Team"),
        alt.Tooltip("joins:Q", title="Handovers in and out"),
        alt.Tooltip("steps:Q", title="Steps owned"),
    ]
    dots = nodes.mark_circle(opacity=1, stroke="#222", strokeWidth=1.5).encode(
        **at("x", "y"),
        size=alt.Size("size:Q", scale=None),
        fill=alt.condition("datum.busiest != ''", alt.value("#f6a04d"), alt.value("#a6d2f2")),
        tooltip=node_tooltip,
    )
    ring = (
        nodes.transform_filter("datum.busiest != ''")
        .mark_circle(fillOpacity=0, stroke="#111", strokeWidth=4, strokeDash=[4, 3])
        .encode(**at("x", "y"), size=alt.Size("size:Q", scale=None))
    )
    labels = [
        nodes.transform_filter(f"datum.align == '{align}'")
        .mark_text(align=align, baseline="top", lineBreak="\n", fontSize=14, lineHeight=17, **halo)
        .encode(**at("lx", "ly"), text="label:N", tooltip=node_tooltip)
        for halo in _HALO
        for align in ("left", "center", "right")
    ]
    chart: alt.LayerChart = _configure(
        alt.layer(
            owned.encode(**segment),
            unowned.encode(**segment),
            heads,
            *counts,
            dots,
            ring,
            *labels,
            _hint_layer(width, height),
        ).properties(
            width=width,
            height=height,
            padding=16,
            title=alt.TitleParams(
                "Who hands work to whom",
                subtitle="Number and width of an arrow: handovers that way. Red dashed: at least "
                "one join nobody owns. Circle size: joins per team.",
            ),
        )
    )
    return chart


# -- paper against reality ----------------------------------------------------------------------

CMP_W, CMP_H = 180.0, 104.0
CMP_GAP = 28.0
ROW_GAP = 150.0  # between the two rows, for the lines that join them
ROW_LABEL_W = 150.0
STATUS_FILLS = {
    "Same in both": "#ffffff",
    "Moved": "#d5c4ea",
    "Only on paper": "#e6e6e6",
    "Only in reality": "#e66101",
}
MOVED_PURPLE = "#5e3c99"


def _gap_title(gap: LayerGap) -> str:
    """The headline: the gap score as a percentage and what makes it up.

    >>> from servicekit.analysis.journey import LayerGap
    >>> _gap_title(LayerGap((), (), ("x", "y"), (), (), (), (("A", "B"),), (), 0.2632))
    'Gap 26%: 2 steps only in reality, 1 handover only in reality'
    """
    parts = [
        (len(gap.only_actual), "step", "only in reality"),
        (len(gap.only_intended), "step", "only on paper"),
        (len(gap.moved), "step", "in a different order"),
        (len(gap.handovers_only_actual), "handover", "only in reality"),
        (len(gap.handovers_only_intended), "handover", "only on paper"),
    ]
    said = [f"{_plural(n, noun)} {where}" for n, noun, where in parts if n]
    text = ", ".join(said) or "the map matches how the work really runs"
    return f"Gap {round(gap.score * 100)}%: {text}"


def _comparison_data(
    journey: JourneyMap, intended: str, actual: str
) -> tuple[float, float, str, dict[str, list[dict[str, Any]]]]:
    gap = compare_layers(journey, intended, actual)
    stages = {s.id: s.name for s in journey.stages}
    moved = set(gap.moved)
    changed = {b: "renamed" for _, b in gap.renamed}
    owners = {b for _, b in gap.owner_changed}
    rows = (
        (intended, "As documented", "Only on paper", set(gap.only_intended)),
        (actual, "As it really runs", "Only in reality", set(gap.only_actual)),
    )
    moved_on_paper = {a for a, b in gap.matched if b in moved}
    cards: list[dict[str, Any]] = []
    where: dict[tuple[int, str], tuple[float, float]] = {}
    for r, (key, title, alone_status, alone) in enumerate(rows):
        y = r * (CMP_H + ROW_GAP)
        shifted = moved if r else moved_on_paper
        for i, step in enumerate(journey.layer(key).steps):
            status = (
                alone_status
                if step.id in alone
                else "Moved"
                if step.id in shifted
                else "Same in both"
            )
            notes = [] if status == "Same in both" else [status.lower()]
            if r:
                notes += [changed[step.id]] if step.id in changed else []
                notes += ["new owner"] if step.id in owners else []
            x = ROW_LABEL_W + i * (CMP_W + CMP_GAP)
            where[(r, step.id)] = (x, y)
            cards.append(
                {
                    **_step_row(step, stages),
                    "layer": key,
                    "row": title,
                    "status": status,
                    "x": x,
                    "x2": x + CMP_W,
                    "y": y,
                    "y2": y + CMP_H,
                    "tx": x + 10,
                    "ty": y + 8,
                    "ny": y + 27,
                    "by": y + CMP_H - 7,
                    "top": wrap(team_of(step), 22, 1),
                    "label": wrap(step.name, 20, 3),
                    "badge": " · ".join(notes),
                }
            )
    links = []
    for a, b in gap.matched:
        (xa, ya), (xb, yb) = where[(0, a)], where[(1, b)]
        links.append(
            {
                "from": a,
                "to": b,
                "x": xa + CMP_W / 2,
                "y": ya + CMP_H,
                "x2": xb + CMP_W / 2,
                "y2": yb,
                "moved": b in moved,
            }
        )
    columns = max(len(journey.layer(intended).steps), len(journey.layer(actual).steps), 3)
    width = ROW_LABEL_W + columns * (CMP_W + CMP_GAP)
    height = 2 * CMP_H + ROW_GAP
    labels = [
        {"x": 0.0, "y": r * (CMP_H + ROW_GAP) + CMP_H / 2, "text": title}
        for r, (_, title, _, _) in enumerate(rows)
    ]
    hint = [] if cards else _hint("No steps yet in either map.", ROW_LABEL_W, CMP_H + 40)
    datasets = {"rows": labels, "links": links, "cards": cards, "hint": hint}
    return width, height, _gap_title(gap), datasets


_CMP_SUBTITLE = (
    "Lines join the same step on paper and in reality; crossing lines mean the order changed."
)


def comparison_chart(
    journey: JourneyMap, intended: str = "intended", actual: str = "actual"
) -> alt.LayerChart:
    """The documented journey above the real one, matched steps joined; the gap score in the title."""
    width, height, title, datasets = _comparison_data(journey, intended, actual)
    return _comparison(width, height, title).properties(datasets=datasets)


def comparison_spec(
    journey: JourneyMap, intended: str = "intended", actual: str = "actual"
) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`comparison_chart`, from the cached template."""
    width, height, title, datasets = _comparison_data(journey, intended, actual)
    out = _from_template(_template("comparison"), datasets)
    set_extent(out, width, height)
    out["title"]["text"] = title
    return out


def _comparison(width: float, height: float, title: str) -> alt.LayerChart:
    import altair as alt

    def at(x: str, y: str) -> dict[str, Any]:
        return {"x": pixel_x(x, width), "y": pixel_y(y, height)}

    box = {**at("x", "y"), "x2": "x2:Q", "y2": "y2:Q"}
    links = alt.Chart(alt.NamedData(name="links"))
    segment = {**at("x", "y"), "x2": "x2:Q", "y2": "y2:Q"}
    cards = alt.Chart(alt.NamedData(name="cards"))
    status = alt.Fill(
        "status:N",
        scale=alt.Scale(domain=list(STATUS_FILLS), range=list(STATUS_FILLS.values())),
        legend=alt.Legend(title="Step", orient="top", symbolStrokeColor="#555"),
    )
    tooltip = [alt.Tooltip("status:N", title="Compared"), *_card_tooltip()]
    clickable: dict[str, Any] = {"href": "href:N", "tooltip": tooltip}

    def outline(test: str, **mark: Any) -> alt.Chart:
        drawn: alt.Chart = cards.transform_filter(test).mark_rect(
            cornerRadius=6, fillOpacity=0, **mark
        )
        return drawn

    def text(y: str, field: str, **mark: Any) -> alt.Chart:
        drawn: alt.Chart = cards.mark_text(
            align="left", lineBreak="\n", cursor="pointer", **mark
        ).encode(**at("tx", y), text=f"{field}:N", **clickable)
        return drawn

    chart: alt.LayerChart = _configure(
        alt.layer(
            links.transform_filter("!datum.moved")
            .mark_rule(color="#9a9a9a", strokeWidth=2)
            .encode(**segment),
            links.transform_filter("datum.moved")
            .mark_rule(color=MOVED_PURPLE, strokeWidth=4)
            .encode(**segment),
            cards.mark_rect(cornerRadius=6, strokeWidth=0, cursor="pointer").encode(
                **box, fill=status, **clickable
            ),
            outline("datum.status == 'Only on paper'", stroke="#666", strokeDash=[6, 4]).encode(
                **box
            ),
            outline("datum.status == 'Only in reality'", stroke="#5a2600", strokeWidth=3).encode(
                **box
            ),
            outline("datum.status == 'Moved'", stroke=MOVED_PURPLE, strokeWidth=3).encode(**box),
            outline("datum.status == 'Same in both'", stroke="#555", strokeWidth=1.2).encode(**box),
            text("ty", "top", baseline="top", fontSize=13, color="#222"),
            text("ny", "label", baseline="top", fontSize=14, lineHeight=17, color="#111"),
            text("by", "badge", baseline="bottom", fontSize=13, fontWeight="bold", color="#111"),
            alt.Chart(alt.NamedData(name="rows"))
            .mark_text(align="left", baseline="middle", fontSize=15, fontWeight="bold")
            .encode(**at("x", "y"), text="text:N"),
            _hint_layer(width, height),
        ).properties(
            width=width,
            height=height,
            padding=16,
            title=alt.TitleParams(title, subtitle=_CMP_SUBTITLE),
        )
    )
    return chart


# -- templates ----------------------------------------------------------------------------------

_EMPTY = {
    "swimlane": ["lanes", "stages", "links", "heads", "unowned", "cards", "legend", "hint"],
    "friction": ["steps", "joins", "hint"],
    "network": ["edges", "heads", "nodes", "hint"],
    "comparison": ["rows", "links", "cards", "hint"],
}


@functools.lru_cache(maxsize=4)
def _template(kind: str) -> dict[str, Any]:
    """A chart's spec built once by altair; the fast paths copy it and fill in the data."""
    from .render import spec

    builders: dict[str, Any] = {
        "swimlane": lambda: _swimlane(1.0, 1.0),
        "friction": _friction,
        "network": lambda: _network(1.0, 1.0),
        "comparison": lambda: _comparison(1.0, 1.0, ""),
    }
    return spec(builders[kind]().properties(datasets={name: [] for name in _EMPTY[kind]}))
