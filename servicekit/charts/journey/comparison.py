"""Paper against reality: the documented journey above the real one, matched steps joined."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from ...analysis.journey import LayerGap, compare_layers, team_of
from ...models import JourneyMap
from .. import templates
from ..layout import pixel_x, pixel_y, set_extent, wrap
from ._common import (
    _card_tooltip,
    _configure,
    _from_template,
    _hint,
    _hint_layer,
    _plural,
    _spec_template,
    _step_row,
)

if TYPE_CHECKING:
    import altair as alt

__all__ = ["comparison_chart", "comparison_spec"]

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
    journey: JourneyMap, intended: str, actual: str, gap: LayerGap | None = None
) -> tuple[float, float, str, dict[str, list[dict[str, Any]]]]:
    if gap is None:
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
    journey: JourneyMap,
    intended: str = "intended",
    actual: str = "actual",
    gap: LayerGap | None = None,
) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`comparison_chart`, from the cached template.

    ``gap`` is :func:`~servicekit.analysis.journey.compare_layers` of the same layers, when
    the caller has it already (a redraw that also shows the findings).
    """
    width, height, title, datasets = _comparison_data(journey, intended, actual, gap)
    out = _from_template(_template(), datasets)
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


@functools.lru_cache(maxsize=1)
def _template() -> dict[str, Any]:
    """The comparison spec template as stored; :func:`comparison_spec` copies it and fills in the data."""
    return templates.load("journey_comparison")


def _build_template() -> dict[str, Any]:
    """The template as altair builds it: what ``templates/journey_comparison.json`` must hold."""
    return _spec_template(_comparison(1.0, 1.0, ""), ("rows", "links", "cards", "hint"))
