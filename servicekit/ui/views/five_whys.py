"""Panels of the Five Whys editor. Each reads the model and calls intents; none keeps data.

Panels are small classes with a ``widget`` and a ``show(...)`` that redraws them
from the current tree. Widget values set while redrawing never travel back as
intents (:class:`Quiet`), so a redraw cannot write to the journal.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ...analysis.five_whys import RootCauseSummary, TreeWarning, problem_hints
from ...export.five_whys import tree_csv, tree_markdown
from ...models import COUNTERMEASURE_KINDS, FiveWhys
from .bridge import pick_href
from .common import Quiet, esc, replace_children, short

__all__ = [
    "MeasuresPanel",
    "NodePanel",
    "ProblemPanel",
    "download_links",
    "summary_html",
    "warnings_html",
]

CONFIDENCE_OPTIONS = [("Verified fact", "fact"), ("Likely", "likely"), ("Opinion", "opinion")]
LENS_OPTIONS = [
    ("People", "people"),
    ("Process", "process"),
    ("Systems", "systems"),
    ("No lens", ""),
]
KIND_LABELS = {
    "eliminate": "Eliminate",
    "move_earlier": "Move earlier",
    "simplify": "Simplify",
    "automate": "Automate",
}


class ProblemPanel:
    """The problem statement, with coaching hints that never block."""

    def __init__(self, quiet: Quiet, on_change: Callable[[str], None]) -> None:
        self.text = widgets.Textarea(
            placeholder="What happens, where, when, how much? e.g. 38% of IT tickets reopen within 14 days (Jan-Mar)",
            continuous_update=False,
            layout=widgets.Layout(width="100%", height="4.5em"),
        )
        self.text.add_class("sk-problem")
        self.hints = widgets.HTML()
        self.hints.add_class("sk-hints")
        self.text.observe(quiet.when_user(lambda ch: on_change(ch["new"])), names="value")
        self.widget = widgets.VBox([widgets.HTML("<h2>Problem</h2>"), self.text, self.hints])

    def show(self, tree: FiveWhys) -> None:
        self.text.value = tree.problem
        hints = problem_hints(tree.problem)
        items = "".join(f"<li>{esc(h.message)}</li>" for h in hints)
        self.hints.value = f'<ul class="sk-hint-list">{items}</ul>' if hints else ""


class NodePanel:
    """The selected answer: its text, evidence, confidence, lens, root-cause mark and place."""

    def __init__(self, quiet: Quiet, intents: dict[str, Callable[..., Any]]) -> None:
        self.title = widgets.HTML()
        self.answer = widgets.Text(continuous_update=False, description="Answer", layout=_wide())
        self.evidence = widgets.Textarea(
            continuous_update=False,
            description="Evidence",
            placeholder="Data, a document, an observation, a link",
            layout=widgets.Layout(width="100%", height="4em"),
        )
        self.confidence = widgets.ToggleButtons(
            options=CONFIDENCE_OPTIONS, description="Confidence"
        )
        self.lens = widgets.ToggleButtons(options=LENS_OPTIONS, description="Lens")
        self.root = widgets.ToggleButton(
            description="Root cause", icon="bullseye", tooltip="Mark as a root cause"
        )
        self.parent = widgets.Dropdown(description="Under", layout=_wide())
        self.delete = widgets.Button(
            description="Delete branch", icon="trash", button_style="warning"
        )
        self.restore = widgets.Button(description="Restore branch", icon="undo")
        for box, field in (
            (self.answer, "answer"),
            (self.evidence, "evidence"),
            (self.confidence, "confidence"),
            (self.root, "root_cause"),
        ):
            box.observe(quiet.when_user(_edit_field(intents["edit"], field)), names="value")
        self.lens.observe(
            quiet.when_user(lambda ch: intents["edit"](lens=ch["new"] or None)), names="value"
        )
        self.parent.observe(
            quiet.when_user(lambda ch: intents["move"](ch["new"] or None)), names="value"
        )
        self.delete.on_click(lambda _: intents["delete"]())
        self.restore.on_click(lambda _: intents["restore"]())
        self.fields = widgets.VBox(
            [
                self.answer,
                self.evidence,
                self.confidence,
                self.lens,
                widgets.HBox([self.root, self.delete]),
                self.parent,
            ]
        )
        self.widget = widgets.VBox([self.title, self.fields])
        self.widget.add_class("sk-node-panel")

    def show(self, tree: FiveWhys, node_id: str | None) -> None:
        if node_id is None:
            self.title.value = "<h3>Click an answer in the tree to edit it</h3>"
            self.fields.layout.display = "none"
            return
        node = tree.node(node_id)
        self.fields.layout.display = None
        number = len(tree.path(node_id))
        self.title.value = f"<h3>Why #{number}: {esc(short(node.answer, 90))}</h3>"
        self.answer.value = node.answer
        self.evidence.value = node.evidence
        self.confidence.value = node.confidence
        self.lens.value = node.lens or ""
        self.root.value = node.root_cause
        self.root.button_style = "danger" if node.root_cause else ""
        self.root.description = "Root cause ✓" if node.root_cause else "Mark as root cause"
        branch = {n.id for n in tree.visible_nodes() if node_id in {p.id for p in tree.path(n.id)}}
        options = [("the problem", "")] + [
            (short(n.answer, 60), n.id) for n in tree.visible_nodes() if n.id not in branch
        ]
        self.parent.options = options
        self.parent.value = node.parent or ""


class MeasuresPanel:
    """Countermeasures of the selected answer, listed eliminate -> move earlier -> simplify -> automate."""

    def __init__(self, quiet: Quiet, add: Callable[..., Any], remove: Callable[[str], Any]) -> None:
        self.list = widgets.VBox()
        self.kind = widgets.Dropdown(
            options=[(KIND_LABELS[k], k) for k in COUNTERMEASURE_KINDS], description="Type"
        )
        self.action = widgets.Text(
            description="Action", placeholder="What will be done", layout=_wide()
        )
        self.owner = widgets.Text(description="Owner", placeholder="Who")
        self.due = widgets.Text(description="Due", placeholder="YYYY-MM-DD")
        self.add = widgets.Button(
            description="Add countermeasure",
            icon="plus",
            button_style="primary",
            layout=widgets.Layout(width="auto"),
        )
        self._remove = remove

        def submit(_: object) -> None:
            add(self.kind.value, self.action.value, owner=self.owner.value, due=self.due.value)
            self.action.value = self.owner.value = self.due.value = ""

        self.add.on_click(submit)
        form = widgets.VBox(
            [self.kind, self.action, widgets.HBox([self.owner, self.due]), self.add]
        )
        self.widget = widgets.VBox([widgets.HTML("<h3>Countermeasures</h3>"), self.list, form])
        self.widget.add_class("sk-measures")

    def show(self, tree: FiveWhys, node_id: str | None) -> None:
        self.widget.layout.display = "none" if node_id is None else None
        if node_id is None:
            return
        rows = []
        for measure in tree.measures_for(node_id):
            who = ", ".join(esc(x) for x in (measure.owner, measure.due) if x)
            text = widgets.HTML(
                f"<b>{esc(KIND_LABELS[measure.kind])}</b>: {esc(measure.action)}"
                + (f" <i>({who})</i>" if who else "")
            )
            drop = widgets.Button(
                icon="times",
                tooltip="Remove this countermeasure",
                layout=widgets.Layout(width="3em"),
            )
            drop.on_click(lambda _, mid=measure.id: self._remove(mid))
            rows.append(widgets.HBox([drop, text]))
        replace_children(self.list, rows)


def warnings_html(found: list[TreeWarning]) -> str:
    """The warnings as one list; "Show" links select the answer through the chart's click bridge.

    One HTML value instead of a widget per warning: a large tree redraws in a few
    milliseconds and no widget is left behind on the page.
    """
    items = []
    for warning in found:
        show = (
            f' <a class="sk-show" href="{esc(pick_href(warning.node))}" title="Select this answer">Show</a>'
            if warning.node is not None
            else ""
        )
        items.append(
            f'<li class="sk-warning sk-{esc(warning.kind)}">⚠ {esc(warning.message)}{show}</li>'
        )
    return (
        f'<ul class="sk-warning-list">{"".join(items)}</ul>'
        if items
        else "<p>Nothing to check.</p>"
    )


def summary_html(summary: RootCauseSummary) -> str:
    """Root causes by lens with their evidence strength, and the countermeasures in order."""
    lens = (
        ", ".join(f"{esc(k.capitalize())} {v}" for k, v in summary.causes_by_lens.items() if v)
        or "none yet"
    )
    causes = "".join(
        f"<li>{esc(short(c.answer, 110))} <small>({esc(c.lens or 'no lens')}; evidence: {esc(c.strength)})</small></li>"
        for c in summary.causes
    )
    measures = "".join(
        f"<li><b>{esc(KIND_LABELS[m.measure.kind])}</b>: {esc(m.measure.action)}"
        f"{' — ' + esc(m.measure.owner) if m.measure.owner else ''}{', due ' + esc(m.measure.due) if m.measure.due else ''}</li>"
        for m in summary.measures
    )
    return (
        f"<h3>Root causes</h3><p>By lens: {lens}</p><ol>{causes}</ol>"
        f"<h3>Countermeasures, in the order to consider them</h3><ol>{measures or '<li>none yet</li>'}</ol>"
    )


def download_links(tree: FiveWhys) -> str:
    """Links that save the tree as a Markdown outline and as CSV, built in the page (no server round trip)."""
    name = "".join(c if c.isalnum() else "-" for c in tree.id)
    links = []
    for label, text, mime, ext in (
        ("Markdown outline", tree_markdown(tree), "text/markdown", "md"),
        ("CSV table", tree_csv(tree), "text/csv", "csv"),
    ):
        data = base64.b64encode(text.encode("utf-8")).decode("ascii")
        links.append(
            f'<a download="five-whys-{name}.{ext}" href="data:{mime};charset=utf-8;base64,{data}">{label}</a>'
        )
    return "Download: " + " · ".join(links)


def _edit_field(edit: Callable[..., Any], field: str) -> Callable[[Any], None]:
    """An observer that sends one changed field of the selected answer as an edit."""
    return lambda change: edit(**{field: change["new"]})


def _wide() -> widgets.Layout:
    return widgets.Layout(width="100%")
