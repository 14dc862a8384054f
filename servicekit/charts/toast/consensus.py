"""The consensus: the steps most maps share, in order, how many have each and how much they disagree."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from ...analysis.toast import AlignedStep, StepVariance, ToastFindings
from ...errors import InvalidInput
from .. import templates
from ..journey._common import (
    FRICTION_COLOURS,
    _from_template,
    _hint,
    _plural,
    _spec_template,
)
from ..layout import pixel_x, pixel_y, set_extent, wrap
from ._common import (
    CONTESTED_PURPLE,
    _framed,
    _outlines,
    _status,
    _status_fill,
    _step_fields,
    _step_tooltip,
)

if TYPE_CHECKING:
    import altair as alt

__all__ = ["consensus_chart", "consensus_spec"]

HEAD_H = 34.0  # column headings
CARD_W, ROW_H, ROW_GAP = 280.0, 48.0, 8.0
COUNT_X = CARD_W + 16  # "4 of 5"
BAR_X, BAR_W = COUNT_X + 76, 180.0  # disagreement, 0 to 1
SCORE_X = BAR_X + BAR_W + 8
SIDE_X = SCORE_X + 150  # the steps left out of the consensus
SIDE_W, SIDE_H = 240.0, 40.0
SECTION_GAP = 14.0
SECTION_H = 26.0  # a side-list section's heading
_BAR_BLUE = FRICTION_COLOURS[1]
#: A word beside the score for what the fill says, so that colour is never the only sign.
_NOTES = {"Contested": "contested", "Only one map": "one map only"}


def _quorum_words(quorum: float) -> str:
    """Which steps the consensus keeps, in words.

    >>> _quorum_words(0.5), _quorum_words(1), _quorum_words(0), _quorum_words(0.75)
    ('more than half the maps have', 'every map has', 'any map has', 'more than 75% of the maps have')
    """
    if quorum >= 1:
        return "every map has"
    if quorum <= 0:
        return "any map has"
    if quorum == 0.5:
        return "more than half the maps have"
    return f"more than {quorum:.0%} of the maps have"


def _top(label: str, y: float, height: float, line: float) -> float:
    """Where a label of one or more lines starts, so that it sits in the middle of its box."""
    return y + (height - line * (label.count("\n") + 1)) / 2 + 1


def _consensus_data(
    found: ToastFindings,
) -> tuple[float, float, str, str, dict[str, list[dict[str, Any]]]]:
    if not isinstance(found, ToastFindings):
        raise InvalidInput(
            f"consensus_spec: expected ToastFindings, received {type(found).__name__}. "
            "Make them with servicekit.analysis.toast.findings(alignment)."
        )
    n = len(found.alignment.people)
    contested = {v.step.id: v for v in found.contested}
    variances = {v.step.id: v for v in found.steps}
    agreed = {s.id for s in found.consensus}

    def fields(step: AlignedStep) -> tuple[str, StepVariance, dict[str, Any]]:
        status = _status(step, n, contested)
        v = variances[step.id]
        return status, v, _step_fields(v, status)

    steps = []
    for i, step in enumerate(found.consensus):
        status, v, shared = fields(step)
        y = HEAD_H + i * (ROW_H + ROW_GAP)
        note = _NOTES.get(status, "")
        label = wrap(f"{i + 1}. {step.name}", 32, 2)
        steps.append(
            {
                **shared,
                "rank": i + 1,
                "label": label,
                "x": 0.0,
                "x2": CARD_W,
                "y": y,
                "y2": y + ROW_H,
                "tx": 10.0,
                "ty": _top(label, y, ROW_H, 17),
                "my": y + ROW_H / 2,
                "cx": COUNT_X,
                "bx": BAR_X,
                "bx2": BAR_X + BAR_W,
                "sx2": BAR_X + v.score * BAR_W,
                "by": y + 13,
                "by2": y + ROW_H - 13,
                "scx": SCORE_X,
                "count": shared["holders_text"],
                "score_text": f"{v.score:.2f}" + (f" · {note}" if note else ""),
                "desc": f"{i + 1}. {shared['step']}: in {shared['holders_text']} maps, "
                f"disagreement {v.score:.2f}" + (f", {note}" if note else "") + ".",
            }
        )
    heads = [
        {"x": 0.0, "y": 4.0, "text": "Consensus order", "section": False},
        {"x": COUNT_X, "y": 4.0, "text": "Maps", "section": False},
        {"x": BAR_X, "y": 4.0, "text": "Disagreement (0 to 1)", "section": False},
        {"x": SIDE_X, "y": 4.0, "text": "Not in the consensus", "section": False},
    ]
    # Every partial step is shown: in the consensus (with its count) or in the side list.
    left_out = [s for s in (*found.partial, *found.solo) if s.id not in agreed]
    others = []
    y = HEAD_H
    for title, group in (
        ("In some maps", [s for s in left_out if s.holders > 1]),
        ("In one map only", [s for s in left_out if s.holders == 1]),
    ):
        said = f"{title} ({len(group)})" if group else f"{title}: none"
        heads.append({"x": SIDE_X, "y": y, "text": said, "section": True})
        y += SECTION_H
        for step in group:
            status, v, shared = fields(step)
            note = _NOTES.get(status, "")
            label = wrap(step.name, 30, 2)
            others.append(
                {
                    **shared,
                    "group": title,
                    "label": label,
                    "x": SIDE_X,
                    "x2": SIDE_X + SIDE_W,
                    "y": y,
                    "y2": y + SIDE_H,
                    "tx": SIDE_X + 8,
                    "ty": _top(label, y, SIDE_H, 15),
                    "cx": SIDE_X + SIDE_W + 10,
                    "my": y + SIDE_H / 2,
                    "count": shared["holders_text"]
                    + (f" · {note}" if status == "Contested" else ""),
                    "desc": f"{shared['step']}: in {shared['holders_text']} maps"
                    + (f", {note}" if note else "")
                    + ", not in the consensus.",
                }
            )
            y += SIDE_H + ROW_GAP
        y += SECTION_GAP
    hint = []
    if not n:
        hint = _hint("No maps yet.", 0, HEAD_H)
    elif not steps:
        hint = _hint("No step is in enough maps\nto make a consensus.", 0, HEAD_H)
    width = SIDE_X + SIDE_W + 140
    height = max(HEAD_H + len(steps) * (ROW_H + ROW_GAP), y - SECTION_GAP, HEAD_H + 80)
    # The title speaks of the consensus; contested steps left out of it say so in the list.
    disputed = sum(r["status"] == "Contested" for r in steps)
    title = f"Consensus of {_plural(n, 'map')}: {_plural(len(steps), 'step')}, {disputed} contested"
    solo = sum(s.holders == 1 for s in left_out)
    description = (
        f"The {_plural(len(steps), 'step')} {_quorum_words(found.quorum)}, in the order the maps "
        "put them, each with how many maps have it and how much they disagree about it, "
        f"from 0 to 1; {disputed} of them contested. Beside them, the steps not in the "
        f"consensus: {len(left_out) - solo} in some maps ({len(contested) - disputed} of them "
        f"contested) and {solo} in one map only."
    )
    datasets = {"heads": heads, "steps": steps, "others": others, "hint": hint}
    return width, height, title, description, datasets


_SUBTITLE = (
    "Bars: how much the maps disagree about each step. Purple: contested; point at a step for why."
)


def consensus_chart(found: ToastFindings) -> alt.LayerChart:
    """The consensus in order with counts and disagreement (see :func:`consensus_spec`)."""
    width, height, title, description, datasets = _consensus_data(found)
    return _consensus(width, height, title, description).properties(datasets=datasets)


def consensus_spec(found: ToastFindings) -> dict[str, Any]:
    """The consensus top to bottom: each step's count ("4 of 5") and disagreement as a bar.

    The steps are those of ``found.consensus``, in its order. Contested steps are purple,
    with "contested" beside the score; pointing at a step shows how the maps differ ("only
    2 of 5 have it", "placed anywhere from 2nd to 7th"). Beside the consensus are the steps
    left out of it: those some maps have, and those only one has. So every partial and solo
    step is drawn once: in the consensus, where its count says not every map has it, or
    beside it. Only counts go into the title and description. The spec comes from the
    stored template (no altair).

    >>> from servicekit.analysis.toast import align_maps, findings
    >>> f = findings(
    ...     align_maps(
    ...         {
    ...             "ann": ["get bread", "toast bread", "butter toast"],
    ...             "bob": ["get bread", "butter toast", "toast bread"],
    ...             "cy": ["get bread", "toast bread", "jam"],
    ...         }
    ...     )
    ... )
    >>> out = consensus_spec(f)
    >>> [(s["label"], s["count"], s["score_text"]) for s in out["datasets"]["steps"]]
    [('1. get bread', '3 of 3', '0.00'), ('2. toast bread', '3 of 3', '0.13'), ('3. butter toast', '2 of 3', '0.56 · contested')]
    >>> [(s["group"], s["step"], s["count"]) for s in out["datasets"]["others"]]
    [('In one map only', 'jam', '1 of 3')]
    """
    width, height, title, description, datasets = _consensus_data(found)
    out = _from_template(_template(), datasets)
    set_extent(out, width, height)
    out["title"]["text"] = title
    out["description"] = description
    return out


def _consensus(width: float, height: float, title: str, description: str) -> alt.LayerChart:
    import altair as alt

    def at(x: str, y: str) -> dict[str, Any]:
        return {"x": pixel_x(x, width), "y": pixel_y(y, height)}

    def box(x: str = "x", y: str = "y") -> dict[str, Any]:
        return {**at(x, y), "x2": f"{x}2:Q", "y2": f"{y}2:Q"}

    heads = alt.Chart(alt.NamedData(name="heads"))
    heading: dict[str, Any] = {"align": "left", "baseline": "top", "fontSize": 14, "color": "#111"}
    tooltip = _step_tooltip()
    described = {"tooltip": tooltip, "description": "desc:N"}
    steps = alt.Chart(alt.NamedData(name="steps"))
    others = alt.Chart(alt.NamedData(name="others"))
    fill = _status_fill("Step")

    def text(chart: alt.Chart, x: str, y: str, field: str, **mark: Any) -> alt.Chart:
        # The card's rect describes the step to screen readers; its words need not again.
        drawn: alt.Chart = chart.mark_text(
            align="left", lineBreak="\n", color="#111", aria=False, **mark
        ).encode(**at(x, y), text=f"{field}:N", tooltip=tooltip)
        return drawn

    bar_fill = alt.condition(
        "datum.status == 'Contested'", alt.value(CONTESTED_PURPLE), alt.value(_BAR_BLUE)
    )
    return _framed(
        [
            heads.transform_filter("!datum.section")
            .mark_text(fontWeight="bold", **heading)
            .encode(**at("x", "y"), text="text:N", description="text:N"),
            heads.transform_filter("datum.section")
            .mark_text(fontStyle="italic", **heading)
            .encode(**at("x", "y"), text="text:N", description="text:N"),
            steps.mark_rect(cornerRadius=6, strokeWidth=0).encode(**box(), fill=fill, **described),
            *_outlines(steps, box()),
            text(steps, "tx", "ty", "label", baseline="top", fontSize=14, lineHeight=17),
            text(steps, "cx", "my", "count", baseline="middle", fontSize=14, fontWeight="bold"),
            steps.mark_rect(color="#ececec", aria=False).encode(**box("bx", "by"), tooltip=tooltip),
            steps.mark_rect(aria=False).encode(
                **at("bx", "by"), x2="sx2:Q", y2="by2:Q", fill=bar_fill, tooltip=tooltip
            ),
            text(steps, "scx", "my", "score_text", baseline="middle", fontSize=13),
            others.mark_rect(cornerRadius=6, strokeWidth=0).encode(**box(), fill=fill, **described),
            *_outlines(others, box()),
            text(others, "tx", "ty", "label", baseline="top", fontSize=13, lineHeight=15),
            text(others, "cx", "my", "count", baseline="middle", fontSize=13),
        ],
        width,
        height,
        title,
        _SUBTITLE,
        description,
    )


@functools.lru_cache(maxsize=1)
def _template() -> dict[str, Any]:
    """The consensus spec template as stored; :func:`consensus_spec` copies it and fills it in."""
    return templates.load("toast_consensus")


def _build_template() -> dict[str, Any]:
    """The template as altair builds it: what ``templates/toast_consensus.json`` must hold."""
    return _spec_template(_consensus(1.0, 1.0, "", ""), ("heads", "steps", "others", "hint"))
