"""The Five Whys app: a projected, branching root-cause tree that the room builds together.

Layout, top to bottom: which tree (one per problem) and undo; the problem
statement with coaching hints; the tree chart (click a box to select it); a
quick "why?" box that adds an answer under the selection (Enter adds); the
selected answer's details and countermeasures; warnings; the summary; downloads.
Every change is one intent on the live workshop; every panel redraws from it.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ...analysis.five_whys import summarise, warnings
from ...charts.five_whys import PROBLEM_ID, tree_spec
from ...charts.render import output_item
from ...errors import NotFound
from ...models import new_id
from ...workshop import Workshop
from ..live import follow
from ..params import facilitator_workshop, page_param
from ..views.bridge import ChartClicks
from ..views.common import MessageArea, Quiet, esc, short
from ..views.five_whys import (
    MeasuresPanel,
    NodePanel,
    ProblemPanel,
    download_links,
    summary_html,
    warnings_html,
)

__all__ = ["FiveWhysApp", "five_whys_app"]


class FiveWhysApp:
    """The editor for the Five Whys trees of one workshop. ``widget`` is what the page shows."""

    def __init__(self, ws: Workshop, tree_id: str | None = None) -> None:
        self.ws = ws
        self.selected: str | None = None
        self.tree_id = tree_id if tree_id is not None else next(iter(ws.state.trees), None)
        self.messages = MessageArea()
        self.quiet = Quiet()
        guard = self.messages.guard

        self.picker = widgets.Dropdown(description="Tree", layout=widgets.Layout(width="60%"))
        self.picker.observe(
            self.quiet.when_user(guard(lambda ch: self.open_tree(ch["new"]))), names="value"
        )
        self.new_problem = widgets.Text(
            placeholder="New problem statement, then Enter", continuous_update=False
        )
        self.new_problem.observe(
            self.quiet.when_user(guard(lambda ch: self._new_tree(ch["new"]))), names="value"
        )
        self.undo = widgets.Button(description="Undo", icon="undo", tooltip="Undo my last change")
        self.undo.on_click(guard(lambda _: self.ws.undo()))

        self.problem = ProblemPanel(
            self.quiet, guard(lambda text: self.ws.set_problem(self._tree(), text))
        )
        self.chart = widgets.Output(layout=widgets.Layout(overflow="auto", max_height="70vh"))
        self.chart.add_class("sk-tree-chart")
        self.clicks = ChartClicks()
        self.clicks.on_pick(guard(self.select))

        self.why = widgets.Text(
            placeholder="Why? Type an answer and press Enter",
            continuous_update=False,
            layout=widgets.Layout(width="70%"),
        )
        self.why.add_class("sk-why")
        self.why_target = widgets.HTML()
        self.why.observe(
            self.quiet.when_user(guard(lambda ch: self._add_why(ch["new"]))), names="value"
        )

        tree_intents: dict[str, Any] = {
            "edit": guard(
                lambda **changes: self.ws.edit_why(self._tree(), self._node(), **changes)
            ),
            "move": guard(lambda parent: self.ws.move_why(self._tree(), self._node(), parent)),
            "delete": guard(self._delete),
            "restore": guard(self._restore),
        }
        self.node = NodePanel(self.quiet, tree_intents)
        self.measures = MeasuresPanel(
            self.quiet,
            guard(
                lambda kind, action, **kw: self.ws.add_countermeasure(
                    self._tree(), self._node(), kind, action, **kw
                )
            ),
            guard(lambda mid: self.ws.remove_countermeasure(self._tree(), mid)),
        )
        self.warnings = widgets.HTML()
        self.warnings.add_class("sk-warnings")
        self.summary = widgets.HTML()
        self.summary.add_class("sk-summary")
        self.downloads = widgets.HTML()
        prepare = widgets.Button(description="Prepare downloads", icon="download")
        prepare.on_click(
            guard(
                lambda _: setattr(
                    self.downloads, "value", download_links(self.ws.tree(self._tree()))
                )
            )
        )

        self.body = widgets.VBox(
            [
                self.problem.widget,
                widgets.HTML("<h2>Why?</h2>"),
                self.chart,
                widgets.HBox([self.why, self.why_target]),
                widgets.HBox([self.node.widget, self.measures.widget]),
                widgets.HTML("<h2>Check before you finish</h2>"),
                self.warnings,
                self.summary,
                widgets.HBox([prepare, self.downloads]),
            ]
        )
        header = widgets.HBox([self.picker, self.undo])
        start = widgets.HBox([widgets.HTML("<b>New tree:</b>"), self.new_problem])
        self.widget = widgets.VBox([header, start, self.messages.widget, self.body, self.clicks])
        self.widget.add_class("sk-five-whys")
        ws.on_change(lambda _ws, _ops: self.redraw())
        self.redraw()

    # -- intents needing the selection ----------------------------------------------------------
    def _tree(self) -> str:
        if self.tree_id is None:
            raise NotFound("Start a tree first: type a problem statement under 'New tree'.")
        return self.tree_id

    def _node(self) -> str:
        if self.selected is None:
            raise NotFound("Select an answer in the tree first: click its box.")
        return self.selected

    def _new_tree(self, problem: str) -> None:
        if not problem.strip():
            return
        tree_id, previous = new_id("t-"), (self.tree_id, self.selected)
        self.tree_id, self.selected = (
            tree_id,
            None,
        )  # so the one redraw the change triggers shows it
        try:
            self.ws.add_tree(problem, tree_id=tree_id)
        except Exception:
            self.tree_id, self.selected = previous
            raise
        with self.quiet():
            self.new_problem.value = ""

    def _add_why(self, answer: str) -> None:
        if not answer.strip():
            return
        parent, node = self.selected, new_id("n-")
        self.selected = node  # so the one redraw the change triggers already selects the new answer
        try:
            self.ws.add_why(self._tree(), parent, answer, node_id=node)
        except Exception:
            self.selected = parent
            raise
        with self.quiet():
            self.why.value = ""

    def _delete(self) -> None:
        node = self._node()
        self.ws.delete_why(self._tree(), node)
        self.select(self.ws.tree(self._tree()).node(node).parent or PROBLEM_ID)

    def _restore(self) -> None:
        self.ws.restore_why(self._tree(), self._node())

    # -- view state -----------------------------------------------------------------------------------
    def open_tree(self, tree_id: str) -> None:
        """Show another tree."""
        self.tree_id, self.selected = tree_id, None
        self.redraw()

    def select(self, node_id: str | None) -> None:
        """Select an answer (the problem box, or None, selects nothing) and redraw."""
        tree = self.ws.tree(self._tree())
        self.selected = node_id if node_id in tree.nodes and not tree.is_hidden(node_id) else None
        self.redraw()

    def redraw(self) -> None:
        """Draw every panel from the workshop as it is now."""
        trees = self.ws.state.trees
        with self.quiet():
            self.picker.options = [(short(t.problem, 80), tid) for tid, t in trees.items()]
            if self.tree_id not in trees:
                self.tree_id, self.selected = next(iter(trees), None), None
            self.picker.value = self.tree_id
            self.body.layout.display = "none" if self.tree_id is None else None
            if self.tree_id is None:
                return
            tree = trees[self.tree_id]
            if self.selected is not None and (
                self.selected not in tree.nodes or tree.is_hidden(self.selected)
            ):
                self.selected = None
            self.problem.show(tree)
            self.chart.outputs = (output_item(tree_spec(tree, self.selected)),)
            target = (
                "the problem"
                if self.selected is None
                else short(tree.node(self.selected).answer, 50)
            )
            self.why_target.value = (
                f"<span class='sk-why-target'>adds under: <b>{esc(target)}</b></span>"
            )
            self.node.show(tree, self.selected)
            self.measures.show(tree, self.selected)
            self.warnings.value = warnings_html(warnings(tree))
            self.summary.value = summary_html(summarise(tree))
            self.downloads.value = ""


def five_whys_app(
    workshop: str | None = None,
    tree: str | None = None,
    *,
    key: str | None = None,
    live: bool = True,
) -> widgets.Widget:
    """The Five Whys page for ``workshop`` (default: ``$SERVICEKIT_WORKSHOP`` or the most recent).

    ``tree`` picks the tree shown first. ``key`` is the facilitator's key (default:
    ``?key=`` in the page address). With ``live``, changes made on other pages appear
    within about a second.
    """
    try:
        ws = facilitator_workshop(workshop, key)
    except Exception as exc:  # no workshop, or an unusable database: say so on the page
        messages = MessageArea()
        messages.show(str(exc))
        return widgets.VBox([messages.widget])
    app = FiveWhysApp(ws, tree or page_param("tree"))
    if live:
        follow(ws, on_error=lambda exc: app.messages.show(str(exc)))
    return app.widget
