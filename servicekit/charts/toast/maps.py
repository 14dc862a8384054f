"""Everyone's maps side by side: one column per map, the same step joined from map to map."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ...analysis.toast import Alignment, ToastFindings, findings
from ...errors import InvalidInput
from .. import templates
from ..journey._common import (
    _from_template,
    _hint,
    _plural,
    _spec_template,
)
from ..layout import pixel_x, pixel_y, plain, set_extent, wrap
from ._common import (
    BADGES,
    CONTESTED_PURPLE,
    _framed,
    _of,
    _outlines,
    _status,
    _status_fill,
    _step_fields,
    _step_tooltip,
)

if TYPE_CHECKING:
    import altair as alt

__all__ = ["maps_chart", "maps_spec"]

CARD_W, CARD_H = 170.0, 58.0
COL_GAP = 64.0  # room for the lines that join one step across two maps
ROW_GAP = 12.0
HEADER_H = 50.0  # the map's label and its length
BAND_PAD = 8.0  # the column's shading reaches this far beyond its cards
_COL = CARD_W + COL_GAP
_ROW = CARD_H + ROW_GAP
_OUTSIDE = -1000.0  # legend-only marks sit here, clipped away
_LINK_GREY = "#8a8a8a"
_NEXT, _SKIPS, _CONTESTED = (
    "Same step, next map",
    "Same step, maps between lack it",
    "Contested step",
)
#: How a joining line looks (colour, dashes), as the legend shows it. A line is purple when
#: its step is contested, and dashed when the maps it passes lack the step.
LINE_KINDS = {
    _NEXT: (_LINK_GREY, [1, 0]),
    _SKIPS: (_LINK_GREY, [6, 4]),
    _CONTESTED: (CONTESTED_PURPLE, [1, 0]),
}


def map_labels(people: tuple[str, ...], names: Mapping[str, str] | None = None) -> list[str]:
    """Each map's column label: its person's name when ``names`` has one, else "Map 1", "Map 2"...

    >>> map_labels(("p1", "p2", "p3"), {"p2": "Ann", "p3": "  "})
    ['Map 1', 'Ann', 'Map 3']
    """
    out = []
    for i, person in enumerate(people, start=1):
        name = (names or {}).get(person, "")
        if not isinstance(name, str):
            raise InvalidInput(
                f"names[{person!r}]: expected the name to show (text), received {name!r:.60}."
            )
        out.append(" ".join(plain(name).split()) or f"Map {i}")
    return out


def _maps_data(
    alignment: Alignment, names: Mapping[str, str] | None, found: ToastFindings | None
) -> tuple[float, float, str, str, dict[str, list[dict[str, Any]]]]:
    if not isinstance(alignment, Alignment):
        raise InvalidInput(
            f"maps_spec: expected an Alignment, received {type(alignment).__name__}. "
            "Make one with servicekit.analysis.toast.align_maps or align_layers."
        )
    if found is None:
        found = findings(alignment)
    elif found.alignment is not alignment and found.alignment != alignment:
        raise InvalidInput(
            "maps_spec: the findings are of other maps than the alignment. "
            "Pass findings(alignment) of this alignment, or leave them out."
        )
    people = alignment.people
    n = len(people)
    labels = map_labels(people, names)
    column = {p: i for i, p in enumerate(people)}
    lengths = Counter(p.person for s in alignment.steps for p in s.placements)
    contested = {v.step.id: v for v in found.contested}
    variances = {v.step.id: v for v in found.steps}
    cards: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for step in alignment.steps:
        status = _status(step, n, contested)
        shared = _step_fields(variances[step.id], status)
        placed = sorted(step.placements, key=lambda p: column[p.person])
        for p in placed:
            c = column[p.person]
            x, y = c * _COL, HEADER_H + p.position * _ROW
            place = f"step {p.position + 1} of {lengths[p.person]}"
            cards.append(
                {
                    **shared,
                    "map": c + 1,
                    "map_label": labels[c],
                    "position": p.position + 1,
                    "wording": plain(p.name),
                    "place": place,
                    "x": x,
                    "x2": x + CARD_W,
                    "y": y,
                    "y2": y + CARD_H,
                    "tx": x + 8,
                    "ty": y + 6,
                    "rx": x + CARD_W - 8,
                    "by": y + CARD_H - 5,
                    # Three lines of wording, two when the card's last line says more.
                    "label": wrap(p.name, 21, 3 if status == "In every map" else 2),
                    "badge": BADGES[status],
                    "count": "" if status == "In every map" else _of(step.holders, n),
                    "desc": f"{labels[c]}, {place}: {plain(p.name)}. "
                    f"In {_of(step.holders, n)} maps. {status}.",
                }
            )
        for a, b in pairwise(placed):
            ca, cb = column[a.person], column[b.person]
            links.append(
                {
                    **{k: shared[k] for k in ("sid", "step", "status", "holders_text")},
                    "from": ca + 1,
                    "to": cb + 1,
                    "skips": cb - ca - 1,
                    "contested": status == "Contested",
                    "x": ca * _COL + CARD_W,
                    "y": HEADER_H + a.position * _ROW + CARD_H / 2,
                    "x2": cb * _COL,
                    "y2": HEADER_H + b.position * _ROW + CARD_H / 2,
                }
            )
    cards.sort(key=lambda c: (c["map"], c["position"]))  # a screen reader reads map by map
    rows = max(lengths.values(), default=0)
    width = max(n, 3) * _COL - COL_GAP
    height = HEADER_H + max(rows, 1) * _ROW - ROW_GAP
    columns = [
        {
            "map": c + 1,
            "full": label,
            "text": wrap(label, 22, 1),
            "steps": _plural(lengths[person], "step"),
            "desc": f"{label}: {_plural(lengths[person], 'step')}",
            "x": c * _COL,
            "ty": 6.0,
            "sy": 27.0,
            "bx": c * _COL - BAND_PAD,
            "bx2": c * _COL + CARD_W + BAND_PAD,
            "by": 0.0,
            "by2": height,
        }
        for c, (person, label) in enumerate(zip(people, labels, strict=True))
    ]
    legend = [{"x": _OUTSIDE, "y": _OUTSIDE, "kind": kind} for kind in LINE_KINDS]
    hint = [] if cards else _hint("No maps yet.", 0, HEADER_H)
    solo = sum(s.holders == 1 for s in alignment.steps) if n >= 2 else 0
    left_out = (
        f" ({_plural(len(alignment.blank), 'blank map')} left out)" if alignment.blank else ""
    )
    title = (
        f"Everyone's maps: {_plural(n, 'map')}, {_plural(len(alignment.steps), 'step')}{left_out}"
    )
    description = (
        f"{_plural(n, 'map')} of one process side by side, one column per map, each step a card "
        f"at its place in that map; lines join the same step across maps. "
        f"{_plural(len(alignment.steps), 'different step')}: {len(found.consensus)} in the "
        f"consensus, {solo} in one map only, {len(contested)} contested."
    )
    datasets = {
        "columns": columns,
        "links": links,
        "cards": cards,
        "legend": legend,
        "hint": hint,
    }
    return width, height, title, description, datasets


_SUBTITLE = (
    "Lines join the same step from map to map (dashed: the maps between lack it). "
    "Point at a step to follow it."
)


def maps_chart(
    alignment: Alignment,
    *,
    names: Mapping[str, str] | None = None,
    found: ToastFindings | None = None,
) -> alt.LayerChart:
    """Everyone's maps side by side, the same step joined across maps (see :func:`maps_spec`)."""
    width, height, title, description, datasets = _maps_data(alignment, names, found)
    return _maps(width, height, title, description).properties(datasets=datasets)


def maps_spec(
    alignment: Alignment,
    *,
    names: Mapping[str, str] | None = None,
    found: ToastFindings | None = None,
) -> dict[str, Any]:
    """Everyone's maps side by side: one column per map, one card per step at its place.

    Columns follow ``alignment.people`` and are labelled ``names[person]`` when ``names``
    has a name for them, else "Map 1", "Map 2"... (the reveal shows maps without names).
    A line joins each step to the same aligned step in the next map that has it, dashed
    when the maps between lack it, purple when the step is contested. Solo steps are
    orange with a heavy outline, contested ones purple, steps only some maps have grey
    with a dashed outline; the cards say so in words too. Pointing at a step highlights
    it in every map. ``found`` is :func:`~servicekit.analysis.toast.findings` of the
    same alignment when the caller has it already (contested steps come from it).

    The spec comes from the stored template (no altair). Person ids never reach it:
    maps are numbered, and only the labels are drawn, as text.

    >>> from servicekit.analysis.toast import align_maps
    >>> al = align_maps({"p1": ["get bread", "toast it"], "p2": ["get bread", "eat"]})
    >>> out = maps_spec(al, names={"p1": "Ann"})
    >>> [c["text"] for c in out["datasets"]["columns"]]
    ['Ann', 'Map 2']
    >>> [(c["map"], c["position"], c["wording"], c["status"]) for c in out["datasets"]["cards"]]
    [(1, 1, 'get bread', 'In every map'), (1, 2, 'toast it', 'Only one map'), (2, 1, 'get bread', 'In every map'), (2, 2, 'eat', 'Only one map')]
    >>> [(link["step"], link["from"], link["to"]) for link in out["datasets"]["links"]]
    [('get bread', 1, 2)]
    """
    width, height, title, description, datasets = _maps_data(alignment, names, found)
    out = _from_template(_template(), datasets)
    set_extent(out, width, height)
    out["title"]["text"] = title
    out["description"] = description
    return out


def _maps(width: float, height: float, title: str, description: str) -> alt.LayerChart:
    import altair as alt

    def at(x: str, y: str) -> dict[str, Any]:
        return {"x": pixel_x(x, width), "y": pixel_y(y, height)}

    box = {**at("x", "y"), "x2": "x2:Q", "y2": "y2:Q"}
    # Pointing at a card or line picks its aligned step and everything else fades. Only
    # marks of a step pick (a plain `mouseover` also fires on the column shading, and
    # Vega's SVG renderer can report the pointer on a card's wording as on the chart's
    # group: either would clear the pick while the pointer is still on the card); the
    # pick clears on empty space and off the chart. The filters test `event.item`, as
    # `datum` picked nothing there (tried in Chromium with Vega-Lite 5.8).
    hover = alt.selection_point(
        name="step_hover",
        fields=["sid"],
        on="mouseover[event.item && event.item.datum && event.item.datum.sid]",
        clear="mouseover[!event.item], mouseout[!event.item]",
        empty=True,
    )
    faded = {"opacity": alt.when(hover).then(alt.value(1.0)).otherwise(alt.value(0.25))}
    tooltip = [
        alt.Tooltip("wording:N", title="Written as"),
        alt.Tooltip("map_label:N", title="Map"),
        alt.Tooltip("place:N", title="Place"),
        *_step_tooltip(),
    ]
    columns = alt.Chart(alt.NamedData(name="columns"))
    # Screen readers get one description per card and per map; the rest is aria=False.
    bands = columns.mark_rect(color="#f3f4f6", cornerRadius=8, aria=False).encode(
        x=pixel_x("bx", width), x2="bx2:Q", y=pixel_y("by", height), y2="by2:Q"
    )
    heads = columns.mark_text(
        align="left", baseline="top", fontSize=15, fontWeight="bold", color="#111"
    ).encode(
        **at("x", "ty"),
        text="text:N",
        tooltip=alt.Tooltip("full:N", title="Map"),
        description="desc:N",
    )
    lengths = columns.mark_text(
        align="left", baseline="top", fontSize=13, color="#444", aria=False
    ).encode(**at("x", "sy"), text="steps:N")
    links = alt.Chart(alt.NamedData(name="links"))
    line_tooltip = [
        alt.Tooltip("step:N", title="Step"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("holders_text:N", title="Maps with it"),
    ]
    segment = {**at("x", "y"), "x2": "x2:Q", "y2": "y2:Q", "tooltip": line_tooltip, **faded}
    kind_scale: dict[str, Any] = {"domain": list(LINE_KINDS)}
    line_legend = alt.Legend(title="Line", orient="top", symbolStrokeWidth=3)

    def joins(contested: bool, skipping: bool, **mark: Any) -> alt.Chart:
        colour = LINE_KINDS[_CONTESTED if contested else _NEXT][0]
        dash = LINE_KINDS[_SKIPS if skipping else _NEXT][1]
        test = f"{'' if contested else '!'}datum.contested && {'' if skipping else '!'}datum.skips"
        drawn: alt.Chart = (
            links.transform_filter(test)
            .mark_rule(color=colour, strokeDash=dash, aria=False, **mark)
            .encode(**segment)
        )
        return drawn

    cards = alt.Chart(alt.NamedData(name="cards"))
    described = {"tooltip": tooltip, "description": "desc:N", **faded}
    frames = (
        cards.mark_rect(cornerRadius=6, strokeWidth=0)
        .encode(**box, fill=_status_fill("Step"), **described)
        .add_params(hover)
        .properties(name="toast_cards")
    )

    def text(x: str, y: str, field: str, **mark: Any) -> alt.Chart:
        drawn: alt.Chart = cards.mark_text(lineBreak="\n", aria=False, **mark).encode(
            **at(x, y), text=f"{field}:N", tooltip=tooltip, **faded
        )
        return drawn

    legend = (
        alt.Chart(alt.NamedData(name="legend"))
        .mark_line(clip=True, aria=False)
        .encode(
            **at("x", "y"),
            stroke=alt.Stroke(
                "kind:N",
                scale=alt.Scale(**kind_scale, range=[c for c, _ in LINE_KINDS.values()]),
                legend=line_legend,
            ),
            strokeDash=alt.StrokeDash(
                "kind:N",
                scale=alt.Scale(**kind_scale, range=[d for _, d in LINE_KINDS.values()]),
                legend=line_legend,
            ),
        )
    )
    return _framed(
        [
            bands,
            heads,
            lengths,
            joins(False, True, strokeWidth=1.5),
            joins(False, False, strokeWidth=2),
            # A contested step's line is purple, and dashed too where it skips maps.
            joins(True, True, strokeWidth=2.5),
            joins(True, False, strokeWidth=3),
            frames,
            *_outlines(cards, box, **faded),
            text("tx", "ty", "label", align="left", baseline="top", fontSize=13, lineHeight=15),
            text(
                "tx", "by", "badge", align="left", baseline="bottom", fontSize=12, fontWeight="bold"
            ),
            text("rx", "by", "count", align="right", baseline="bottom", fontSize=12, color="#333"),
            legend,
        ],
        width,
        height,
        title,
        _SUBTITLE,
        description,
    )


@functools.lru_cache(maxsize=1)
def _template() -> dict[str, Any]:
    """The maps spec template as stored; :func:`maps_spec` copies it and fills in the data."""
    return templates.load("toast_maps")


def _build_template() -> dict[str, Any]:
    """The template as altair builds it: what ``templates/toast_maps.json`` must hold."""
    datasets = ("columns", "links", "cards", "legend", "hint")
    return _spec_template(_maps(1.0, 1.0, "", ""), datasets)
