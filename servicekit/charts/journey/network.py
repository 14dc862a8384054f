"""The handover network: teams on a circle, one arrow per direction work crosses between them."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

from ...analysis.journey import handover_network
from ...models import JourneyMap
from .. import templates
from ..layout import arrow_angle, pixel_x, pixel_y, plain, set_extent, wrap
from ._common import (
    NO_OWNER_RED,
    _configure,
    _from_template,
    _hint,
    _hint_layer,
    _lanes,
    _plural,
    _spec_template,
    _wait,
)

if TYPE_CHECKING:
    import altair as alt

__all__ = ["network_chart", "network_spec"]

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
            "wait": _wait(d["wait_min"] or None),
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
    out = _from_template(_template(), datasets)
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


@functools.lru_cache(maxsize=1)
def _template() -> dict[str, Any]:
    """The network spec template as stored; :func:`network_spec` copies it and fills in the data."""
    return templates.load("journey_network")


def _build_template() -> dict[str, Any]:
    """The template as altair builds it: what ``templates/journey_network.json`` must hold."""
    return _spec_template(_network(1.0, 1.0), ("edges", "heads", "nodes", "hint"))
