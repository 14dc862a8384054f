"""The journey-map app: the room maps a journey end to end, as documented and as it really runs.

Layout, top to bottom: which journey, which layer ("As documented" / "As it really
runs"), undo; the swimlane map (click a card to select its step); the step list
with Earlier / Later / Delete and a quick "add step" box (Enter adds after the
selection, in the same team and stage); the selected step's fields and the
handover into it; findings and charts in tabs; stages and team lanes; copying a
layer; importing steps from CSV; downloads. Every change is one intent on the
live workshop; every panel redraws from it, and the findings follow the map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ...analysis.journey import findings, team_of
from ...charts.journey import comparison_spec, friction_spec, network_spec, swimlane_spec
from ...charts.render import output_item
from ...errors import InvalidInput, NotFound
from ...models import JourneyMap, new_id
from ...workshop import Workshop
from ..live import follow
from ..params import facilitator_workshop, page_param
from ..views.bridge import ChartClicks
from ..views.common import MessageArea, Quiet, short
from ..views.eventlog import EventLogPanel
from ..views.journey import (
    HandoverPanel,
    StagesPanel,
    StepPanel,
    findings_html,
    step_changes,
    steps_csv_link,
)
from ..views.toast import ToastPanel

__all__ = ["JourneyMapApp", "journey_map_app"]

LAYERS = [("As documented", "intended"), ("As it really runs", "actual")]
LAYER_NAMES = dict((key, label) for label, key in LAYERS)


class JourneyMapApp:
    """The editor for the journey maps of one workshop. ``widget`` is what the page shows."""

    def __init__(
        self, ws: Workshop, journey_id: str | None = None, layer: str | None = None
    ) -> None:
        self.ws = ws
        self.journey_id = (
            journey_id if journey_id is not None else next(iter(ws.state.journeys), None)
        )
        self.layer = layer if layer in LAYER_NAMES else "actual"
        self.selected: str | None = None
        self._confirm_copy = False
        self.messages = MessageArea()
        self.quiet = Quiet()
        guard, when = self.messages.guard, self.quiet.when_user

        self.picker = widgets.Dropdown(description="Journey", layout=widgets.Layout(width="55%"))
        self.picker.observe(when(guard(lambda ch: self.open_journey(ch["new"]))), names="value")
        self.layer_switch = widgets.ToggleButtons(options=LAYERS, value=self.layer)
        self.layer_switch.observe(when(guard(lambda ch: self.show_layer(ch["new"]))), names="value")
        self.undo = widgets.Button(description="Undo", icon="undo", tooltip="Undo my last change")
        self.undo.on_click(guard(lambda _: self.ws.undo()))

        self.new_name = widgets.Text(
            placeholder="New journey: its name, then Enter", continuous_update=False
        )
        self.new_name.observe(when(guard(lambda ch: self._new_journey(ch["new"]))), names="value")
        self.template = widgets.Dropdown(description="from", options=_templates())

        self.chart = widgets.Output(layout=widgets.Layout(overflow="auto", max_height="72vh"))
        self.chart.add_class("sk-swimlane")
        self.clicks = ChartClicks()
        self.clicks.on_pick(guard(self.select))

        self.steps = widgets.Select(
            rows=12, description="Steps", layout=widgets.Layout(width="100%")
        )
        self.steps.add_class("sk-step-list")
        self.steps.observe(when(guard(lambda ch: self.select(ch["new"]))), names="value")
        self.earlier = widgets.Button(description="Earlier", icon="arrow-up")
        self.earlier.on_click(guard(lambda _: self._shift(-1)))
        self.later = widgets.Button(description="Later", icon="arrow-down")
        self.later.on_click(guard(lambda _: self._shift(+1)))
        self.delete = widgets.Button(
            description="Delete step", icon="trash", button_style="warning"
        )
        self.delete.on_click(guard(lambda _: self._delete()))
        self.add = widgets.Text(
            placeholder="New step: what happens? Enter adds it after the selected step",
            continuous_update=False,
            layout=widgets.Layout(width="100%"),
        )
        self.add.add_class("sk-add-step")
        self.add.observe(when(guard(lambda ch: self._add_step(ch["new"]))), names="value")
        self.add_team = widgets.Combobox(
            placeholder="Team of the new step",
            ensure_option=False,
            continuous_update=False,
            layout=widgets.Layout(width="100%"),
        )
        self.add_team.add_class("sk-add-team")

        self.step_panel = StepPanel(
            self.quiet,
            guard(
                lambda **ch: self.ws.edit_step(
                    self._journey(), self.layer, self._step(), **step_changes(ch)
                )
            ),
        )
        self.handover_ends: tuple[str, str] | None = None
        self.handover_panel = HandoverPanel(self.quiet, guard(self._edit_handover))

        self.findings = widgets.HTML()
        self.findings.add_class("sk-journey-findings")
        self.friction = widgets.Output()
        self.network = widgets.Output()
        self.comparison = widgets.Output()
        self.toast = ToastPanel(
            self.quiet,
            guard(lambda on: self.ws.set_control(f"toast:{self._journey()}", revealed=on)),
            guard(self._promote),
        )
        self.event_log = EventLogPanel(self.ws, lambda: self.journey_id, self.messages)
        self.tabs = widgets.Tab(
            children=[
                self.findings,
                self.friction,
                self.network,
                self.comparison,
                self.toast.widget,
                self.event_log.widget,
            ],
            titles=(
                "Findings",
                "Friction curve",
                "Handover network",
                "Documented vs real",
                "Making Toast",
                "Event log",
            ),
        )

        self.stages = StagesPanel(
            guard(lambda st, teams: self.ws.set_stages(self._journey(), st, teams))
        )
        self.copy = widgets.Button(icon="copy", layout=widgets.Layout(width="auto"))
        self.copy.on_click(guard(lambda _: self._copy()))
        self.upload = widgets.FileUpload(
            accept=".csv", multiple=False, description="Import steps (CSV)"
        )
        self.upload.observe(when(guard(lambda ch: self._import(ch["new"]))), names="value")
        self.downloads = widgets.HTML()
        settings = widgets.Accordion(
            children=[
                self.stages.widget,
                widgets.VBox([self.copy, self.upload]),
            ],
            titles=("Stages and team lanes", "Copy or import steps"),
        )

        list_box = widgets.VBox(
            [
                self.steps,
                widgets.HBox([self.earlier, self.later, self.delete]),
                self.add,
                self.add_team,
            ],
            layout=widgets.Layout(width="34%", min_width="18em"),
        )
        editor = widgets.VBox(
            [self.step_panel.widget, self.handover_panel.widget],
            layout=widgets.Layout(width="64%"),
        )
        self.body = widgets.VBox(
            [
                self.chart,
                widgets.HBox([list_box, editor], layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HTML("<h2>What the map shows</h2>"),
                self.tabs,
                settings,
                self.downloads,
            ]
        )
        header = widgets.HBox([self.picker, self.layer_switch, self.undo])
        start = widgets.HBox([self.new_name, self.template])
        self.widget = widgets.VBox([header, start, self.messages.widget, self.body, self.clicks])
        self.widget.add_class("sk-journey-map")
        ws.on_change(lambda _ws, _ops: self.redraw())
        self.redraw()

    # -- intents needing the selection ----------------------------------------------------------
    def _journey(self) -> str:
        if self.journey_id is None:
            raise NotFound("Start a journey first: type its name under 'New journey'.")
        return self.journey_id

    def _step(self) -> str:
        if self.selected is None:
            raise NotFound("Select a step first: click its card or pick it in the list.")
        return self.selected

    def _new_journey(self, name: str) -> None:
        if not name.strip():
            return
        jid, previous = new_id("j-"), self.journey_id
        self.journey_id, self.selected = jid, None  # so the redraw the change triggers shows it
        try:
            if self.template.value is None:
                self.ws.add_journey(name.strip(), journey_id=jid)
            else:
                from ...templates import load_journey_template

                template = load_journey_template(self.template.value)
                self.ws.add_journey_from_template(template, journey_id=jid, name=name.strip())
        except Exception:
            self.journey_id = previous
            raise
        with self.quiet():
            self.new_name.value = ""

    def _add_step(self, name: str) -> None:
        if not name.strip():
            return
        jid = self._journey()
        lay = self.ws.journey(jid).layer(self.layer)
        near = (
            lay.step(self.selected)
            if self.selected is not None
            else (lay.steps[-1] if lay.steps else None)
        )
        team = self.add_team.value.strip() or (near.owner if near else "")
        fields: dict[str, Any] = {"owner": team}
        if near is not None and near.stage:
            fields["stage"] = near.stage
        after, step = self.selected, new_id("st-")
        self.selected = step  # so the one redraw the change triggers already selects it
        try:
            self.ws.add_step(jid, self.layer, name.strip(), after=after, step_id=step, **fields)
        except Exception:
            self.selected = after
            raise
        with self.quiet():
            self.add.value = ""

    def _shift(self, by: int) -> None:
        self.ws.shift_step(self._journey(), self.layer, self._step(), by)

    def _delete(self) -> None:
        jid, sid = self._journey(), self._step()
        lay = self.ws.journey(jid).layer(self.layer)
        i = lay.index(sid)
        self.ws.remove_step(jid, self.layer, sid)
        rest = [s.id for s in lay.steps if s.id != sid]
        self.select(rest[min(i, len(rest) - 1)] if rest else None)

    def _edit_handover(self, **changes: Any) -> None:
        if self.handover_ends is None:
            raise NotFound("The selected step does not start a new team's work: no handover here.")
        self.ws.edit_handover(self._journey(), self.layer, *self.handover_ends, **changes)

    def _copy(self) -> None:
        jid = self._journey()
        source = "intended" if self.layer == "actual" else "actual"
        target_steps = len(self.ws.journey(jid).layer(self.layer).steps)
        if not self.ws.journey(jid).layer(source).steps:
            raise InvalidInput(f"'{LAYER_NAMES[source]}' has no steps yet: nothing to copy.")
        if target_steps and not self._confirm_copy:
            self._confirm_copy = True
            self.copy.description = (
                f"Click again to replace the {target_steps} steps of '{LAYER_NAMES[self.layer]}'"
            )
            self.copy.button_style = "danger"
            return
        self.ws.copy_layer(jid, source, self.layer)
        self.messages.show(
            f"Copied '{LAYER_NAMES[source]}' into '{LAYER_NAMES[self.layer]}'. Undo puts it back.",
            "info",
        )

    def _import(self, uploads: Any) -> None:
        if not uploads:
            return
        from ...journey_import import import_steps, read_steps

        item = uploads[0]
        name = item["name"] if isinstance(item, dict) else item.name
        content = item["content"] if isinstance(item, dict) else item.content
        jid = self._journey()
        plan = read_steps(bytes(content), self.ws.journey(jid), self.layer, source=Path(name).name)
        count = import_steps(self.ws, jid, plan)
        with self.quiet():
            self.upload.value = ()
        self.messages.show(f"Imported {count} steps from {name}.", "info")

    # -- view state -----------------------------------------------------------------------------------
    def open_journey(self, journey_id: str) -> None:
        """Show another journey."""
        self.journey_id, self.selected = journey_id, None
        self.redraw()

    def show_layer(self, layer: str) -> None:
        """Show the documented or the real layer; the selection follows when the step is in both."""
        self.layer = layer
        self.redraw()

    def select(self, step_id: str | None) -> None:
        """Select a step (None, or an unknown id, selects nothing) and redraw what shows it.

        The findings and the other charts do not depend on the selection: they stay.
        """
        self.selected = step_id
        if self.journey_id is None:
            return
        with self.quiet():
            self._draw_selection(self.ws.journey(self.journey_id))

    def redraw(self) -> None:
        """Draw every panel from the workshop as it is now."""
        journeys = self.ws.state.journeys
        with self.quiet():
            self.picker.options = [(short(j.name, 80), jid) for jid, j in journeys.items()]
            if self.journey_id not in journeys:
                self.journey_id, self.selected = next(iter(journeys), None), None
            self.picker.value = self.journey_id
            self.layer_switch.value = self.layer
            self.body.layout.display = "none" if self.journey_id is None else None
            if self.journey_id is None:
                return
            journey = journeys[self.journey_id]
            lay = journey.layer(self.layer)
            self.steps.options = [
                (f"{i}. {short(s.name, 60)} · {team_of(s)}", s.id)
                for i, s in enumerate(lay.steps, start=1)
            ]
            self._draw_selection(journey)
            result = findings(journey, self.layer)
            self.findings.value = findings_html(journey, result)
            self.friction.outputs = (output_item(friction_spec(journey, self.layer)),)
            self.network.outputs = (output_item(network_spec(journey, self.layer)),)
            gap = result.gap if self.layer == "actual" else None
            self.comparison.outputs = (output_item(comparison_spec(journey, gap=gap)),)
            self.stages.show(journey)
            people = {pid: p.name or "someone" for pid, p in self.ws.state.participants.items()}
            self.toast.show(journey, self.ws.state.room.control(f"toast:{self.journey_id}"), people)
            source = "intended" if self.layer == "actual" else "actual"
            self._confirm_copy = False
            self.copy.button_style = ""
            self.copy.description = f"Copy '{LAYER_NAMES[source]}' into '{LAYER_NAMES[self.layer]}'"
            self.downloads.value = "Download: " + steps_csv_link(journey, self.layer)
            self.event_log.show(journey)

    def _promote(self) -> None:
        count = self.ws.promote_consensus(self._journey())
        self.layer = "actual"
        self.redraw()
        self.messages.show(
            f"The real map now holds the consensus: {count} steps. Undo brings the old one back.",
            "info",
        )

    def _draw_selection(self, journey: JourneyMap) -> None:
        """The parts that show the selection: the map, the list, the step and handover panels."""
        lay = journey.layer(self.layer)
        if self.selected is not None and self.selected not in {s.id for s in lay.steps}:
            self.selected = None
        lanes = journey.lanes(self.layer)
        self.chart.outputs = (output_item(swimlane_spec(journey, self.layer, self.selected)),)
        self.steps.value = self.selected
        step = lay.step(self.selected) if self.selected else None
        position = lay.index(self.selected) + 1 if self.selected else 0
        for button in (self.earlier, self.later, self.delete):
            button.disabled = step is None
        self.add_team.options = list(lanes)
        near = step or (lay.steps[-1] if lay.steps else None)
        self.add_team.value = near.owner if near else ""
        self.step_panel.show(journey, lanes, step, position)
        self.handover_ends = self.handover_panel.show(journey, self.layer, step)


def _templates() -> list[tuple[str, Any]]:
    """The template menu: a blank journey, then every bundled journey template."""
    from ...journey_templates import journey_template_choices

    return [("a blank map", None), *journey_template_choices()]


def journey_map_app(
    workshop: str | None = None,
    journey: str | None = None,
    layer: str | None = None,
    *,
    key: str | None = None,
    live: bool = True,
) -> widgets.Widget:
    """The journey-map page for ``workshop`` (default: ``$SERVICEKIT_WORKSHOP`` or the most recent).

    ``journey`` picks the journey shown first, ``layer`` the layer ("intended" or
    "actual"). ``key`` is the facilitator's key (default: ``?key=`` in the page address).
    With ``live``, changes made on other pages appear within about a second.
    """
    try:
        ws = facilitator_workshop(workshop, key)
    except Exception as exc:  # no workshop, or an unusable database: say so on the page
        messages = MessageArea()
        messages.show(str(exc))
        return widgets.VBox([messages.widget])
    app = JourneyMapApp(ws, journey or page_param("journey"), layer or page_param("layer"))
    if live:
        follow(ws, on_error=lambda exc: app.messages.show(str(exc)))
    return app.widget
