"""What the journey charts share: colours, tooltip rows, the projector look and the template fast path.

Each chart's spec template is stored as JSON (:mod:`servicekit.charts.templates`), built from
the chart's altair code by ``python -m servicekit.charts.templates.build``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ...analysis.journey import NO_TEAM, HandoverPoint, team_of
from ...models import JourneyMap
from ...models.journey import Step, format_minutes
from ..layout import pick_href, pixel_x, pixel_y, plain
from ..theme import FONT

if TYPE_CHECKING:
    import altair as alt

__all__ = ["ACTOR_COLOURS", "FRICTION_COLOURS", "NO_OWNER_RED", "UNRATED"]

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


def _wait(minutes: float | None) -> str:
    """A wait as :func:`~servicekit.models.journey.format_minutes` says it; "—" when not recorded.

    >>> _wait(None), _wait(45), _wait(90), _wait(4320)
    ('—', '45 min', '1.5 h', '3 days')
    """
    return format_minutes(minutes) or "—"


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


def _spec_template(chart: Any, datasets: Iterable[str]) -> dict[str, Any]:
    """A chart's spec built by altair with its named datasets empty: what its stored template holds."""
    from ..render import spec

    built: dict[str, Any] = spec(chart.properties(datasets={name: [] for name in datasets}))
    return built


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


def _lanes(journey: JourneyMap, layer: str) -> list[str]:
    """Declared teams, then other owners (as :func:`team_of` names them), then the no-team lane."""
    steps = journey.layer(layer).steps
    out = dict.fromkeys(t.strip() for t in journey.lanes(layer) if t.strip())
    if any(team_of(s) == NO_TEAM for s in steps):
        out[NO_TEAM] = None
    return list(out)


def _step_row(step: Step, stages: dict[str, str]) -> dict[str, Any]:
    """Tooltip fields shared by the charts that show one step."""
    return {
        "id": step.id,
        "step": plain(step.name),
        "team": plain(team_of(step)),
        "stage": plain(stages.get(step.stage, "—")),
        "actor": _ACTOR_LABELS[step.actor],
        "friction_text": "not rated" if step.friction is None else f"{step.friction}/5",
        "wait": _wait(step.wait_min),
        "info": _listed(step.info_requested),
        "workarounds": _listed(step.workarounds),
        "shadow": _listed(step.shadow_systems),
        "href": pick_href(step.id),
    }


def _join_tooltip(h: HandoverPoint | None) -> dict[str, Any]:
    if h is None:
        return {"owner": "—", "travels": "—", "friction_text": "—", "wait": "—"}
    return {
        "owner": plain(h.owner.strip()) or "nobody owns this join",
        "travels": _listed(h.what_travels),
        "friction_text": "not rated" if h.friction is None else f"{h.friction}/5",
        "wait": _wait(h.wait_min),
    }


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
