"""What the Making Toast charts share: step statuses and their colours, counts in words, tooltips.

The colours are those of paper against reality (:mod:`servicekit.charts.journey.comparison`),
with the same meanings: white for what everyone has, grey with a dashed outline for what only
some have, orange with a heavy outline for what one map alone has, purple for disagreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...analysis.toast import AlignedStep, StepVariance
from ..journey._common import _configure, _hint_layer, _listed
from ..journey.comparison import MOVED_PURPLE, STATUS_FILLS
from ..layout import plain

if TYPE_CHECKING:
    import altair as alt

__all__ = ["BADGES", "CONTESTED_PURPLE", "SOLO_BROWN", "STEP_FILLS"]

#: Card fills by status. A contested step is held by two or more; "Only one map" is a solo step.
STEP_FILLS = {
    "In every map": STATUS_FILLS["Same in both"],
    "In some maps": STATUS_FILLS["Only on paper"],
    "Contested": STATUS_FILLS["Moved"],
    "Only one map": STATUS_FILLS["Only in reality"],
}
CONTESTED_PURPLE = MOVED_PURPLE
SOLO_BROWN = "#5a2600"
#: Words on a card beside its fill, so that meaning never rests on colour alone.
BADGES = {
    "In every map": "",
    "In some maps": "",
    "Contested": "contested",
    "Only one map": "only here",
}


def _status(step: AlignedStep, people: int, contested: Mapping[str, StepVariance]) -> str:
    """The step's status for the charts; a step in a one-map room is in every map."""
    if step.holders == 1 and people >= 2:
        return "Only one map"
    if step.id in contested:
        return "Contested"
    return "In every map" if step.holders >= people else "In some maps"


def _of(holders: int, people: int) -> str:
    """How many maps have a step, in words.

    >>> _of(4, 5), _of(1, 1)
    ('4 of 5', '1 of 1')
    """
    return f"{holders} of {people}"


def _step_fields(v: StepVariance, status: str) -> dict[str, Any]:
    """Tooltip fields shared by every mark that stands for an aligned step."""
    step = v.step
    return {
        "sid": step.id,
        "status": status,
        "step": plain(step.name),
        "names": _listed(step.wordings[1:]),
        "holders_text": _of(step.holders, v.out_of),
        "score": v.score,
        "parts": f"presence {v.presence:.2f} · spread {v.spread:.2f} · naming {v.naming:.2f}",
        "reasons": _listed(v.reasons),
    }


def _step_tooltip() -> list[alt.Tooltip]:
    import altair as alt

    return [
        alt.Tooltip("step:N", title="Step"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("names:N", title="Also called"),
        alt.Tooltip("holders_text:N", title="Maps with it"),
        alt.Tooltip("reasons:N", title="How the maps differ"),
        alt.Tooltip("score:Q", title="Disagreement (0 to 1)", format=".2f"),
        alt.Tooltip("parts:N", title="Made of"),
    ]


def _status_fill(title: str) -> alt.Fill:
    import altair as alt

    return alt.Fill(
        "status:N",
        scale=alt.Scale(domain=list(STEP_FILLS), range=list(STEP_FILLS.values())),
        legend=alt.Legend(title=title, orient="top", symbolStrokeColor="#555"),
    )


def _outlines(cards: alt.Chart, box: dict[str, Any], **encoding: Any) -> list[alt.Chart]:
    """One outline layer per status: rect marks take dashes and widths as properties only."""
    styles: dict[str, dict[str, Any]] = {
        "In every map": {"stroke": "#555", "strokeWidth": 1.2},
        "In some maps": {"stroke": "#666", "strokeWidth": 1.5, "strokeDash": [6, 4]},
        "Contested": {"stroke": CONTESTED_PURPLE, "strokeWidth": 3},
        "Only one map": {"stroke": SOLO_BROWN, "strokeWidth": 3},
    }
    out = []
    for status, style in styles.items():
        drawn: alt.Chart = (
            cards.transform_filter(f"datum.status == '{status}'")
            .mark_rect(cornerRadius=6, fillOpacity=0, aria=False, **style)
            .encode(**box, **encoding)
        )
        out.append(drawn)
    return out


def _framed(
    layers: list[Any], width: float, height: float, title: str, subtitle: str, description: str
) -> alt.LayerChart:
    """The layers as one chart with the hint below, the projector look, a title and a description."""
    import altair as alt

    chart: alt.LayerChart = _configure(
        alt.layer(*layers, _hint_layer(width, height)).properties(
            width=width,
            height=height,
            padding=16,
            title=alt.TitleParams(title, subtitle=subtitle),
            description=description,
        )
    )
    return chart
