"""The facilitator's Making Toast panel: the reveal of everyone's private maps, and what they show.

Until the facilitator reveals the maps, the panel says only how many people are mapping and
how many steps they have so far: the page is on the projector. Once revealed it shows every
map side by side (with or without names), the consensus with contested steps marked, the
steps only some people have, how far the orders differ, and a button that makes the
consensus the journey's real map.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from ...analysis.toast import ToastFindings, align_layers, findings
from ...charts.render import output_item
from ...charts.toast import consensus_spec, maps_spec
from ...models.journey import JourneyMap
from ...models.room import Control
from .common import Quiet, esc

__all__ = ["ToastPanel", "toast_findings_html"]

#: Contested steps listed at most (a big room's maps disagree in many small ways).
TOP_CONTESTED = 8


def _percent(value: float) -> str:
    return f"{round(value * 100)} %"


def toast_findings_html(found: ToastFindings, names: dict[str, str] | None = None) -> str:
    """What the maps show, in words a facilitator can read out (all participant text escaped)."""
    total = len(found.alignment.people)
    if total == 0:
        return "<p>No one has mapped anything yet.</p>"
    contested = {v.step.id: v for v in found.contested}

    def item(step_id: str, name: str, holders: int) -> str:
        mark = contested.get(step_id)
        why = (
            f" <em class='sk-contested'>contested: {esc('; '.join(mark.reasons))}</em>"
            if mark
            else ""
        )
        return f"<li>{esc(name)} <span class='sk-muted'>({holders} of {total})</span>{why}</li>"

    parts = [
        f"<p class='sk-toast-summary'><b>{total}</b> maps · variance "
        f"<b>{_percent(found.variance)}</b>"
        + (
            f" · order disagreement <b>{_percent(found.order_distance)}</b>"
            if found.order_distance is not None
            else ""
        )
        + "</p>",
        "<h3>The consensus</h3>",
        "<ol class='sk-consensus'>"
        + "".join(item(s.id, s.name, s.holders) for s in found.consensus)
        + "</ol>"
        if found.consensus
        else "<p>No step is on most maps.</p>",
    ]
    if found.contested:
        rows = "".join(
            f"<li><b>{esc(v.step.name)}</b>: {esc('; '.join(v.reasons))}</li>"
            for v in found.contested
        )
        parts.append(f"<h3>Contested steps</h3><ul class='sk-contested-steps'>{rows}</ul>")
    if found.partial:
        rows = "".join(item(s.id, s.name, s.holders) for s in found.partial)
        parts.append(f"<h3>On some maps only</h3><ul class='sk-partial'>{rows}</ul>")
    if found.solo:
        who = names or {}
        rows = "".join(
            f"<li>{esc(s.name)}"
            + (
                f" <span class='sk-muted'>({esc(who[s.people[0]])})</span>"
                if s.people[0] in who
                else ""
            )
            + "</li>"
            for s in found.solo
        )
        parts.append(f"<h3>In one person's head</h3><ul class='sk-solo'>{rows}</ul>")
    return "".join(parts)


class ToastPanel:
    """Reveal, compare and promote the Making Toast maps of one journey."""

    def __init__(
        self,
        quiet: Quiet,
        reveal: Callable[[bool], None],
        promote: Callable[[], None],
    ) -> None:
        self.quiet = quiet
        self.status = widgets.HTML()
        self.reveal = widgets.ToggleButton(description="Reveal every map", icon="eye")
        self.reveal.observe(quiet.when_user(lambda ch: reveal(bool(ch["new"]))), names="value")
        self.names = widgets.Checkbox(value=False, description="Show who drew each map")
        self.promote = widgets.Button(
            description="Make the consensus the real map", icon="level-up",
            layout=widgets.Layout(width="auto"),
        )  # fmt: skip
        self._confirm = False
        self._promote = promote
        self.promote.on_click(lambda _: self._promote_clicked())
        self.findings = widgets.HTML()
        self.findings.add_class("sk-toast-findings")
        self.maps = widgets.Output()
        self.consensus = widgets.Output()
        self.compared = widgets.VBox([self.findings, self.maps, self.consensus, self.promote])
        self.widget = widgets.VBox(
            [self.status, widgets.HBox([self.reveal, self.names]), self.compared]
        )
        self.widget.add_class("sk-toast-panel")
        self._last: tuple[JourneyMap, Control, dict[str, str]] | None = None
        self.names.observe(quiet.when_user(lambda _ch: self._redraw()), names="value")

    def _promote_clicked(self) -> None:
        if not self._confirm:
            self._confirm = True
            self.promote.description = "Replace the real map? Click again"
            self.promote.button_style = "warning"
            return
        self._confirm = False
        self.promote.description = "Make the consensus the real map"
        self.promote.button_style = ""
        self._promote()

    def show(self, journey: JourneyMap, control: Control, people: dict[str, str]) -> None:
        """Draw the panel for ``journey``; ``people`` names participants (id -> display name)."""
        self._last = (journey, control, people)
        self._redraw()

    def _redraw(self) -> None:
        if self._last is None:
            return
        journey, control, people = self._last
        maps = {pid: layer for pid, layer in journey.private.items() if layer.steps}
        steps = sum(len(layer.steps) for layer in maps.values())
        with self.quiet():
            self.reveal.value = control.revealed
            self.reveal.description = "Revealed" if control.revealed else "Reveal every map"
            self.status.value = (
                f"<p class='sk-toast-status'>Making Toast is <b>{control.state}</b> on phones: "
                f"<b>{len(maps)}</b> people have mapped <b>{steps}</b> steps so far."
                + ("" if control.revealed else " Nothing is shown here until you reveal.")
                + "</p>"
            )
        self.compared.layout.display = None if control.revealed else "none"
        if not control.revealed:
            return
        names = people if self.names.value else None
        found = findings(align_layers(journey), top=TOP_CONTESTED)
        self.findings.value = toast_findings_html(found, names)
        self._draw_charts(found, names)

    def _draw_charts(self, found: ToastFindings, names: dict[str, str] | None) -> None:
        self.maps.outputs = (output_item(maps_spec(found.alignment, names=names, found=found)),)
        self.consensus.outputs = (output_item(consensus_spec(found)),)
