"""Panels of the journey-map editor. Each reads the journey and calls intents; none keeps data.

Lists (systems, information asked, pain points, workarounds, shadow systems, what
travels) are edited one item per line. Times are typed as people say them
("45", "2 h", "3 days"). Every field saves when it loses focus or Enter is pressed.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ...analysis.journey import NO_TEAM, JourneyFindings, team_of
from ...models import ACTORS, JourneyMap
from ...models.journey import Step, format_minutes, parse_minutes
from .bridge import pick_href
from .common import Quiet, esc, short

__all__ = [
    "ACTOR_LABELS",
    "HandoverPanel",
    "StagesPanel",
    "StepPanel",
    "findings_html",
    "lines",
    "step_changes",
    "steps_csv_link",
]

ACTOR_LABELS = {
    "customer": "Customer",
    "frontstage": "Front stage",
    "backstage": "Back stage",
    "system": "System",
}
LIST_FIELDS = {
    "systems": ("Systems", "One system per line, e.g. CRM"),
    "info_requested": ("Asks for", "What the customer is asked for, one item per line"),
    "pain_points": ("Pain points", "What hurts here, one per line"),
    "workarounds": ("Workarounds", "How people get round the process, one per line"),
    "shadow_systems": (
        "Shadow systems",
        "Spreadsheets, inboxes, notebooks standing in for a system",
    ),
}
UNRATED = -1
FRICTION_OPTIONS = [("?", UNRATED), *((str(n), n) for n in range(6))]


def lines(text: str) -> list[str]:
    """The non-blank lines of a text box, trimmed.

    >>> lines(" CRM \\n\\n  Excel")
    ['CRM', 'Excel']
    """
    return [line.strip() for line in text.splitlines() if line.strip()]


def _wide(height: str | None = None) -> widgets.Layout:
    return widgets.Layout(width="100%", height=height) if height else widgets.Layout(width="100%")


class StepPanel:
    """Every field of the selected step; a change saves that field alone.

    ``edit`` receives one field per call; times arrive as typed text (see :func:`step_changes`).
    """

    def __init__(self, quiet: Quiet, edit: Callable[..., Any]) -> None:
        self.title = widgets.HTML()
        self.name = widgets.Text(description="Step", continuous_update=False, layout=_wide())
        self.stage = widgets.Dropdown(description="Stage")
        self.owner = widgets.Combobox(
            description="Team",
            placeholder="Which team owns this step?",
            continuous_update=False,
            ensure_option=False,
        )
        self.actor = widgets.Dropdown(
            description="Who acts", options=[(ACTOR_LABELS[a], a) for a in ACTORS]
        )
        self.channel = widgets.Text(
            description="Channel", placeholder="phone, email, portal…", continuous_update=False
        )
        self.duration = widgets.Text(
            description="Takes", placeholder="e.g. 20 min, 2 h", continuous_update=False
        )
        self.wait = widgets.Text(
            description="Waits", placeholder="e.g. 3 days", continuous_update=False
        )
        self.friction = widgets.ToggleButtons(
            options=FRICTION_OPTIONS,
            description="Friction",
            tooltips=["Not rated", "None", "", "", "", "", "Worst"],
            style={"button_width": "2.6em"},
        )
        self.lists = {
            name: widgets.Textarea(
                description=label,
                placeholder=hint,
                continuous_update=False,
                layout=_wide("4.2em"),
            )
            for name, (label, hint) in LIST_FIELDS.items()
        }
        self.notes = widgets.Textarea(
            description="Notes", continuous_update=False, layout=_wide("4.2em")
        )
        when = quiet.when_user
        self.name.observe(when(lambda ch: edit(name=ch["new"])), names="value")
        self.stage.observe(when(lambda ch: edit(stage=ch["new"])), names="value")
        self.owner.observe(when(lambda ch: edit(owner=ch["new"].strip())), names="value")
        self.actor.observe(when(lambda ch: edit(actor=ch["new"])), names="value")
        self.channel.observe(when(lambda ch: edit(channel=ch["new"].strip())), names="value")
        # Times travel as typed; the edit parses them, so a typo is reported like any error.
        self.duration.observe(when(lambda ch: edit(duration_min=ch["new"])), names="value")
        self.wait.observe(when(lambda ch: edit(wait_min=ch["new"])), names="value")
        self.friction.observe(
            when(lambda ch: edit(friction=None if ch["new"] == UNRATED else ch["new"])),
            names="value",
        )
        for name, box in self.lists.items():
            box.observe(when(_list_edit(edit, name)), names="value")
        self.notes.observe(when(lambda ch: edit(notes=ch["new"])), names="value")
        two = widgets.GridBox(
            [self.stage, self.owner, self.actor, self.channel, self.duration, self.wait],
            layout=widgets.Layout(grid_template_columns="repeat(2, minmax(16em, 1fr))"),
        )
        self.fields = widgets.VBox(
            [self.name, two, self.friction, *self.lists.values(), self.notes]
        )
        self.widget = widgets.VBox([self.title, self.fields])
        self.widget.add_class("sk-step-panel")

    def show(self, journey: JourneyMap, lanes: list[str], step: Step | None, position: int) -> None:
        """Fill the fields from ``step`` (None: ask the user to pick one)."""
        if step is None:
            self.title.value = (
                "<h3>Step</h3><p>Select a step: click its card or pick it in the list.</p>"
            )
            self.fields.layout.display = "none"
            return
        self.fields.layout.display = None
        self.title.value = f"<h3>Step {position}: {esc(short(step.name, 80))}</h3>"
        stages = [("(no stage)", "")] + [(s.name, s.id) for s in journey.stages]
        if step.stage and step.stage not in {sid for _, sid in stages}:
            stages.append((step.stage, step.stage))
        self.stage.options = stages
        self.stage.value = step.stage
        self.owner.options = [lane for lane in lanes if lane != NO_TEAM]
        self.owner.value = step.owner
        self.name.value = step.name
        self.actor.value = step.actor
        self.channel.value = step.channel
        self.duration.value = format_minutes(step.duration_min)
        self.wait.value = format_minutes(step.wait_min)
        self.friction.value = UNRATED if step.friction is None else step.friction
        for name, box in self.lists.items():
            box.value = "\n".join(getattr(step, name))
        self.notes.value = step.notes


def step_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Step edits as the model takes them: times typed as text become minutes.

    >>> step_changes({"wait_min": "3 days", "name": "Call"})
    {'wait_min': 4320.0, 'name': 'Call'}
    """
    out = dict(changes)
    for field, label in (("duration_min", "takes"), ("wait_min", "waits")):
        if isinstance(out.get(field), str):
            out[field] = parse_minutes(out[field], label)
    return out


def _list_edit(edit: Callable[..., Any], field: str) -> Callable[[Any], None]:
    return lambda change: edit(**{field: lines(change["new"])})


class HandoverPanel:
    """The join into the selected step, when the step before belongs to another team."""

    def __init__(self, quiet: Quiet, edit: Callable[..., Any]) -> None:
        self.title = widgets.HTML()
        self.travels = widgets.Textarea(
            description="What travels",
            placeholder="What the next team needs to carry on, one item per line",
            continuous_update=False,
            layout=_wide("4.2em"),
        )
        self.owner = widgets.Text(
            description="Join owner",
            placeholder="Who makes sure it arrives? Nobody yet",
            continuous_update=False,
            layout=_wide(),
        )
        self.notes = widgets.Textarea(
            description="Notes", continuous_update=False, layout=_wide("3.2em")
        )
        when = quiet.when_user
        self.travels.observe(when(lambda ch: edit(what_travels=lines(ch["new"]))), names="value")
        self.owner.observe(when(lambda ch: edit(owner=ch["new"].strip())), names="value")
        self.notes.observe(when(lambda ch: edit(notes=ch["new"])), names="value")
        self.widget = widgets.VBox([self.title, self.travels, self.owner, self.notes])
        self.widget.add_class("sk-handover-panel")

    def show(self, journey: JourneyMap, layer: str, step: Step | None) -> tuple[str, str] | None:
        """Show the join that ends at ``step``; return its ends, or None (and hide) if there is none."""
        lay = journey.layer(layer)
        position = lay.index(step.id) if step is not None else 0
        if step is None or position == 0:
            self.widget.layout.display = "none"
            return None
        before = lay.steps[position - 1]
        if before.owner.strip() == step.owner.strip():
            self.widget.layout.display = "none"
            return None
        self.widget.layout.display = None
        details = lay.handovers.get(f"{before.id}>{step.id}")
        owner = details.owner if details else ""
        flag = (
            ""
            if owner.strip()
            else ' <span class="sk-unowned" role="status">nobody owns this join</span>'
        )
        self.title.value = (
            f"<h3>Handover: {esc(team_of(before))} → {esc(team_of(step))}{flag}</h3>"
            f"<p>From “{esc(short(before.name, 60))}” to “{esc(short(step.name, 60))}”</p>"
        )
        self.travels.value = "\n".join(details.what_travels) if details else ""
        self.owner.value = owner
        self.notes.value = details.notes if details else ""
        return before.id, step.id


def slug(text: str) -> str:
    """A stage id from its name.

    >>> slug("Shortlist & client review")
    'shortlist-client-review'
    """
    out = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return out[:60] or "stage"


class StagesPanel:
    """Stages (columns) and team lanes, one per line; Save replaces both at once."""

    def __init__(self, save: Callable[[list[dict[str, str]], list[str]], None]) -> None:
        self._save = save
        self._journey: JourneyMap | None = None
        self.stages = widgets.Textarea(
            description="Stages",
            placeholder="One stage per line, in journey order",
            layout=_wide("8em"),
        )
        self.teams = widgets.Textarea(
            description="Teams",
            placeholder="One team lane per line, top to bottom",
            layout=_wide("8em"),
        )
        self.button = widgets.Button(description="Save stages and teams", icon="save")
        self.button.on_click(lambda _: self.save())
        self.widget = widgets.VBox([self.stages, self.teams, self.button])
        self.widget.add_class("sk-stages-panel")

    def show(self, journey: JourneyMap) -> None:
        self._journey = journey
        self.stages.value = "\n".join(s.name for s in journey.stages)
        self.teams.value = "\n".join(journey.teams)

    def save(self) -> None:
        """Keep each stage's id when its name is unchanged, so steps stay in their stage."""
        old = {s.name: s.id for s in self._journey.stages} if self._journey else {}
        stages, used = [], set()
        for name in lines(self.stages.value):
            sid = old.get(name) or slug(name)
            base, n = sid, 2
            while sid in used:
                sid, n = f"{base}-{n}", n + 1
            used.add(sid)
            stages.append({"id": sid, "name": name})
        self._save(stages, list(dict.fromkeys(lines(self.teams.value))))


def _step_link(journey: JourneyMap, layer: str, step_id: str) -> str:
    step = journey.layer(layer).step(step_id)
    return f'<a href="{pick_href(step_id)}">{esc(short(step.name, 60))}</a>'


def findings_html(journey: JourneyMap, f: JourneyFindings) -> str:
    """The findings panel: joins, repeated requests, hotspots, the gap, shadow systems.

    Step names link to the step (``#sk-pick=``), so a finding opens its card.
    """
    layer = f.layer
    if not f.steps:
        return "<p class='sk-empty'>No steps yet: add the first step of the journey above.</p>"
    parts = [
        f"<p class='sk-headline'><b>{f.steps}</b> steps, <b>{len(f.teams)}</b> teams, "
        f"<b>{len(f.handovers)}</b> handovers, <b>{len(f.unowned)}</b> with nobody owning the join, "
        f"<b>{len(f.repeated)}</b> repeated requests. Work takes "
        f"{esc(format_minutes(f.total_duration_min) or '0 min')} and waits "
        f"{esc(format_minutes(f.total_wait_min) or '0 min')}.</p>"
    ]
    if f.handovers:
        rows = "".join(
            "<tr>"
            f"<td>{h.position + 1}</td><td>{esc(h.from_team)} → {esc(h.to_team)}</td>"
            f"<td>{_step_link(journey, layer, h.to_step)}</td>"
            f"<td>{esc('; '.join(h.what_travels)) or '<i>not recorded</i>'}</td>"
            + (
                f"<td>{esc(h.owner)}</td>"
                if h.owned
                else "<td class='sk-unowned'>nobody owns this join</td>"
            )
            + "</tr>"
            for h in f.handovers
        )
        parts.append(
            "<h3>Handovers</h3><table class='sk-table sk-handovers'>"
            "<thead><tr><th>At step</th><th>Teams</th><th>Into</th><th>What must travel</th>"
            f"<th>Owner of the join</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    if f.repeated:
        items = "".join(
            f"<li><b>{esc(r.label)}</b>: asked {r.count} times, by {esc(', '.join(r.teams))} "
            f"<span class='sk-muted'>(as {esc(' / '.join(r.wordings))})</span></li>"
            for r in f.repeated
        )
        parts.append(f"<h3>Asked more than once</h3><ul class='sk-repeated'>{items}</ul>")
    if f.hotspots:
        items = "".join(
            f"<li><b>{esc(short(h.label, 80))}</b> ({esc(', '.join(h.reasons))})</li>"
            for h in f.hotspots[:5]
        )
        parts.append(f"<h3>Hotspots</h3><ol class='sk-hotspots'>{items}</ol>")
    if f.gap is not None:
        g = f.gap
        other = journey.layer("intended" if layer == "actual" else "actual")
        mine = journey.layer(layer)
        parts.append(
            f"<h3>Documented against real: gap {g.score:.0%}</h3><ul class='sk-gap'>"
            + "".join(
                f"<li>{label}: {', '.join(esc(short(lay.step(s).name, 50)) for s in ids)}</li>"
                for label, lay, ids in (
                    ("Only on paper", other, g.only_intended),
                    ("Only in reality", mine, g.only_actual),
                    ("Done in another order", mine, g.moved),
                )
                if ids
            )
            + "".join(
                f"<li>Handover only in reality: {esc(a)} → {esc(b)}</li>"
                for a, b in g.handovers_only_actual
            )
            + "</ul>"
        )
    if f.network.busiest:
        top = f.network.joins[0][1]
        parts.append(
            f"<p>On most joins: <b>{esc(', '.join(f.network.busiest))}</b> ({top} handovers).</p>"
        )
    if f.shadow_systems or f.workarounds:
        systems = ", ".join(f"{esc(s)} ({n})" for s, n in f.shadow_systems) or "none"
        parts.append(
            f"<h3>Workarounds and shadow systems</h3><p>{len(f.workarounds)} workarounds. "
            f"Shadow systems: {systems}.</p>"
        )
    return "".join(parts)


def steps_csv_link(journey: JourneyMap, layer: str) -> str:
    """A link that saves the layer's steps as CSV, built in the page (no server round trip)."""
    from ...analysis.journey import step_table
    from ...export.tables import frame_csv

    text = frame_csv(step_table(journey, layer))
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    name = "".join(c if c.isalnum() else "-" for c in journey.id)
    return (
        f'<a download="journey-{name}-{esc(layer)}.csv" '
        f'href="data:text/csv;charset=utf-8;base64,{data}">Steps as CSV</a>'
    )
