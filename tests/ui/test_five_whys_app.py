"""The Five Whys app, headless: build it, click its buttons, type into it, assert on the workshop."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import pytest
from helpers import find, type_into

from servicekit import Workshop, create_workshop, open_workshop
from servicekit.journal import Journal
from servicekit.ui.apps.five_whys import FiveWhysApp, five_whys_app


@pytest.fixture
def app(ws: Workshop) -> FiveWhysApp:
    return FiveWhysApp(ws)


def _tree(app: FiveWhysApp):
    return app.ws.tree(app.tree_id)


def test_the_room_builds_a_branching_tree(app: FiveWhysApp) -> None:
    type_into(app.new_problem, "Tickets reopen within 14 days: 38% of 1,240 (Jan-Mar 2026)")
    assert app.tree_id is not None
    type_into(app.why, "Fixes are not verified with the user")  # Enter adds under the problem
    first = app.selected
    type_into(app.why, "The desk is measured on closures")  # ...then under the new answer
    app.select(first)
    type_into(app.why, "Users are not reachable by phone")
    tree = _tree(app)
    assert [n.answer for n in tree.children(None)] == ["Fixes are not verified with the user"]
    assert len(tree.children(first)) == 2, "a node can have several answers"
    assert app.why.value == "", "the box is ready for the next answer"


def test_editing_the_selected_answer(app: FiveWhysApp) -> None:
    type_into(app.new_problem, "Orders ship late")
    type_into(app.why, "Picking target rewards speed")
    node = app.selected
    type_into(app.node.evidence, "WMS report, week 12")
    app.node.confidence.value = "fact"
    app.node.lens.value = "process"
    app.node.root.value = True
    got = _tree(app).node(node)
    assert (got.evidence, got.confidence, got.lens, got.root_cause) == (
        "WMS report, week 12",
        "fact",
        "process",
        True,
    )
    app.node.lens.value = ""
    assert _tree(app).node(node).lens is None


def test_countermeasures_in_order_and_warnings(app: FiveWhysApp) -> None:
    type_into(app.new_problem, "Passwords on sticky notes at 4 of 6 sites (audit, May 2026)")
    type_into(app.why, "Resets are charged to the department")
    app.node.root.value = True
    form = app.measures
    form.kind.value, form.action.value, form.owner.value = "automate", "Self-service reset", "IT"
    form.add.click()
    form.kind.value, form.action.value = "eliminate", "Stop charging per reset"
    form.add.click()
    kinds = [m.kind for m in _tree(app).measures_for(app.selected)]
    assert kinds == ["eliminate", "automate"]
    texts = " ".join(w.value for w in find(app.warnings, widgets.HTML))
    assert "opinion" in texts.lower(), "the root cause rests on opinion alone"
    find(app.measures.list, widgets.Button)[0].click()  # remove the first listed (eliminate)
    assert [m.kind for m in _tree(app).measures_for(app.selected)] == ["automate"]


def test_move_delete_restore_and_undo(app: FiveWhysApp) -> None:
    type_into(app.new_problem, "Problem")
    type_into(app.why, "A")
    a = app.selected
    app.select(None)
    type_into(app.why, "B")
    b = app.selected
    app.node.parent.value = a  # move B under A
    assert _tree(app).node(b).parent == a
    app.select(a)
    app.node.delete.click()
    assert _tree(app).visible_nodes() == []
    app.undo.click()
    assert {n.id for n in _tree(app).visible_nodes()} == {a, b}


def test_clicking_a_box_in_the_chart_selects_it(app: FiveWhysApp) -> None:
    type_into(app.new_problem, "Problem")
    type_into(app.why, "A")
    a = app.selected
    app.select(None)
    app.clicks.pick(a)  # what the page's hash listener reports
    assert app.selected == a
    assert "A" in app.node.title.value
    app.clicks.pick("#problem")
    assert app.selected is None


def test_errors_show_in_the_message_area(app: FiveWhysApp) -> None:
    type_into(app.new_problem, "Problem")
    type_into(app.why, "x" * 6000)
    assert "5,000" in app.messages.widget.value
    assert _tree(app).nodes == {}


def test_redraw_does_not_write_to_the_journal(app: FiveWhysApp) -> None:
    type_into(app.new_problem, "Problem")
    type_into(app.why, "A")
    count = app.ws.journal.count(app.ws.slug)
    for _ in range(3):
        app.redraw()
        app.select(app.selected)
    assert app.ws.journal.count(app.ws.slug) == count


def test_answers_from_other_pages_appear_on_refresh(app: FiveWhysApp, db_path: Path) -> None:
    type_into(app.new_problem, "Problem")
    other = open_workshop("demo", db=Journal(db_path), actor="p1")
    other.add_why(app.tree_id, None, "From a participant's phone")
    app.ws.refresh()
    assert "From a participant&#x27;s phone" in str(
        app.chart.outputs
    ) or "From a participant's phone" in str(app.chart.outputs)


def test_page_entry_point(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICEKIT_DB", str(db_path))
    ws = create_workshop("w", "W")
    ws.add_tree("P", tree_id="t")
    page = five_whys_app("w", "t", key=ws.facilitator_key(), live=False)
    assert "sk-five-whys" in page._dom_classes
    assert "No workshop" in five_whys_app("missing", live=False).children[0].value
    refused = five_whys_app("w", "t", key="guess", live=False)
    assert "This page is for the facilitator" in refused.children[0].value
    monkeypatch.setenv("QUERY_STRING", f"tree=t&key={ws.facilitator_key()}")
    assert "sk-five-whys" in five_whys_app("w", live=False)._dom_classes, "the key from the address"


def test_redraws_leave_no_widgets_behind(app: FiveWhysApp) -> None:
    from ipywidgets.widgets.widget import _instances  # the kernel's registry of live widgets

    type_into(app.new_problem, "Problem")
    type_into(app.why, "A")
    app.node.root.value = True
    for i in range(3):
        app.measures.action.value = f"Action {i}"
        app.measures.add.click()
    type_into(app.why, "B")  # a symptom: one warning more
    a = _tree(app).children(None)[0].id
    app.select(a)
    live = len(_instances)
    for _ in range(10):
        app.select(None)
        app.select(a)
    assert len(_instances) == live
