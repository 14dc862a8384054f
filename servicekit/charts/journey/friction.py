"""The friction curve: friction step by step, the wait before each step, handovers as rules."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from ...analysis.journey import handovers
from ...models import JourneyMap
from .. import templates
from ..layout import plain, wrap
from ._common import (
    NO_OWNER_RED,
    _configure,
    _from_template,
    _join_tooltip,
    _spec_template,
    _step_row,
)

if TYPE_CHECKING:
    import altair as alt

__all__ = ["friction_chart", "friction_spec"]

#: Team colours and shapes for points (Okabe-Ito without its yellow; shapes cycle separately).
TEAM_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000"]
TEAM_SHAPES = ["circle", "square", "triangle-up", "diamond", "triangle-down", "cross", "wedge"]

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
    return _from_template(_template(), _friction_data(journey, layer))


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


@functools.lru_cache(maxsize=1)
def _template() -> dict[str, Any]:
    """The friction spec template as stored; :func:`friction_spec` copies it and fills in the data."""
    return templates.load("journey_friction")


def _build_template() -> dict[str, Any]:
    """The template as altair builds it: what ``templates/journey_friction.json`` must hold."""
    return _spec_template(_friction(), ("steps", "joins", "hint"))
