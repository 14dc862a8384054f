"""The journey-map app, headless: build a journey by typing and clicking, assert on the workshop."""

from __future__ import annotations

import datetime
from pathlib import Path

import ipywidgets as widgets
import pytest
from helpers import find, type_into

from servicekit import Workshop, open_workshop
from servicekit.charts.render import MIME
from servicekit.journal import Journal
from servicekit.models import JourneyMap
from servicekit.ui.apps.journey_map import JourneyMapApp, journey_map_app


@pytest.fixture
def app(ws: Workshop) -> JourneyMapApp:
    return JourneyMapApp(ws)


def _journey(app: JourneyMapApp) -> JourneyMap:
    return app.ws.journey(app.journey_id)


def _names(app: JourneyMapApp, layer: str = "actual") -> list[str]:
    return [s.name for s in _journey(app).layer(layer).steps]


def _build(app: JourneyMapApp) -> None:
    """Six steps across two teams: Sales, Sales, Delivery, Delivery, Sales, Delivery."""
    type_into(app.new_name, "Order to delivery")
    for name, team in [
        ("Customer asks for a quote", "Sales"),
        ("Quote sent", ""),
        ("Order picked", "Delivery"),
        ("Order packed", ""),
        ("Invoice raised", "Sales"),
        ("Order shipped", "Delivery"),
    ]:
        type_into(app.add_team, team)
        type_into(app.add, name)


def test_typing_builds_a_journey_across_teams(app: JourneyMapApp) -> None:
    _build(app)
    steps = _journey(app).actual.steps
    assert [s.name for s in steps] == [
        "Customer asks for a quote",
        "Quote sent",
        "Order picked",
        "Order packed",
        "Invoice raised",
        "Order shipped",
    ]
    assert [s.owner for s in steps] == [
        "Sales",
        "Sales",
        "Delivery",
        "Delivery",
        "Sales",
        "Delivery",
    ]
    assert app.add.value == "", "the box is ready for the next step"
    assert app.selected == steps[-1].id, "the new step is selected"
    assert "3</b> handovers" in app.findings.value
    assert app.findings.value.count("class='sk-unowned'") == 3
    # the chart is drawn, with one card per step
    spec = app.chart.outputs[0]["data"][MIME]
    assert {c["id"] for c in spec["datasets"]["cards"]} == {s.id for s in steps}


def test_adding_after_the_selection_and_reordering(app: JourneyMapApp) -> None:
    _build(app)
    first = _journey(app).actual.steps[0].id
    app.steps.value = first  # pick it in the list
    type_into(app.add, "Quote checked by a manager")
    assert _names(app)[:3] == [
        "Customer asks for a quote",
        "Quote checked by a manager",
        "Quote sent",
    ]
    new = app.selected
    assert _journey(app).actual.step(new).owner == "Sales", "inherits the selected step's team"
    app.later.click()
    app.later.click()
    assert _names(app).index("Quote checked by a manager") == 3
    app.earlier.click()
    assert _names(app).index("Quote checked by a manager") == 2
    assert app.selected == new, "the moved step stays selected"
    app.delete.click()
    assert "Quote checked by a manager" not in _names(app)
    assert app.selected is not None
    app.undo.click()
    assert "Quote checked by a manager" in _names(app)


def test_editing_a_step_and_its_handover(app: JourneyMapApp) -> None:
    _build(app)
    picked = _journey(app).actual.steps[2]  # Order picked: Sales → Delivery
    app.clicks.pick(picked.id)  # as a click on its card does
    assert app.selected == picked.id
    panel = app.step_panel
    type_into(panel.wait, "2 days")
    type_into(panel.duration, "45")
    panel.friction.value = 4
    type_into(panel.lists["info_requested"], "delivery address\n\nphone number ")
    type_into(panel.lists["shadow_systems"], "warehouse whiteboard")
    panel.actor.value = "backstage"
    step = _journey(app).actual.step(picked.id)
    assert (step.wait_min, step.duration_min, step.friction, step.actor) == (
        2880.0,
        45.0,
        4,
        "backstage",
    )
    assert step.info_requested == ("delivery address", "phone number")
    assert step.shadow_systems == ("warehouse whiteboard",)
    panel.friction.value = -1
    assert _journey(app).actual.step(picked.id).friction is None

    assert app.handover_panel.widget.layout.display is None
    assert "Sales → Delivery" in app.handover_panel.title.value
    type_into(app.handover_panel.travels, "signed order\ndelivery window")
    type_into(app.handover_panel.owner, "Sales lead")
    [h] = [h for h in _journey(app).actual.handovers.values() if h.to_step == picked.id]
    assert h.what_travels == ("signed order", "delivery window")
    assert h.owner == "Sales lead"
    assert app.findings.value.count("class='sk-unowned'") == 2

    app.select(_journey(app).actual.steps[1].id)  # Quote sent: same team as before
    assert app.handover_panel.widget.layout.display == "none"


def test_a_bad_time_is_a_message_not_a_crash(app: JourneyMapApp) -> None:
    _build(app)
    before = app.ws.journal.count(app.ws.slug)
    type_into(app.step_panel.wait, "forever")
    assert "not a duration" in app.messages.widget.value
    assert app.ws.journal.count(app.ws.slug) == before


def test_layers_switch_and_copy_with_confirmation(app: JourneyMapApp) -> None:
    _build(app)
    app.layer_switch.value = "intended"
    assert app.layer == "intended"
    assert app.steps.options == ()
    app.copy.click()  # the documented layer is empty: copy without asking
    assert _names(app, "intended") == _names(app, "actual")
    type_into(app.add, "Credit check")
    app.layer_switch.value = "actual"
    app.copy.click()
    assert "Click again" in app.copy.description, "replacing six steps asks first"
    assert "Credit check" not in _names(app)
    app.copy.click()
    assert "Credit check" in _names(app)
    assert "Undo puts it back" in app.messages.widget.value


def test_findings_show_the_gap_and_repeated_requests(app: JourneyMapApp) -> None:
    _build(app)
    app.layer_switch.value = "intended"
    app.copy.click()
    app.layer_switch.value = "actual"
    steps = _journey(app).actual.steps
    app.select(steps[0].id)
    type_into(app.step_panel.lists["info_requested"], "Phone no.")
    app.select(steps[3].id)
    type_into(app.step_panel.lists["info_requested"], "mobile number")
    type_into(app.add, "Chase the customer for a delivery slot")
    html = app.findings.value
    assert "Asked more than once" in html and "asked 2 times" in html
    assert "Only in reality" in html and "Chase the customer" in html
    assert "gap" in html
    for output in (app.friction, app.network, app.comparison):
        assert MIME in output.outputs[0]["data"]


def test_stages_and_teams_keep_steps_in_place(app: JourneyMapApp) -> None:
    type_into(app.new_name, "J")
    type_into(app.stages.stages, "Buy\nUse & support")
    type_into(app.stages.teams, "Sales\nSupport")
    app.stages.button.click()
    journey = _journey(app)
    assert [(s.id, s.name) for s in journey.stages] == [
        ("buy", "Buy"),
        ("use-support", "Use & support"),
    ]
    assert journey.teams == ("Sales", "Support")
    type_into(app.add, "First call")
    sid = app.selected
    app.step_panel.stage.value = "use-support"
    type_into(app.stages.stages, "Buy\nUse & support\nRenew")
    app.stages.button.click()
    assert _journey(app).actual.step(sid).stage == "use-support"
    type_into(app.stages.stages, "Buy")
    app.stages.button.click()  # the stage in use cannot go: a clear message, nothing stored
    assert "use-support" in app.messages.widget.value
    assert len(_journey(app).stages) == 3


def test_markup_in_names_is_shown_as_text(app: JourneyMapApp) -> None:
    type_into(app.new_name, "<b>J</b>")
    type_into(app.add_team, "<i>Ops</i>")
    type_into(app.add, "<img src=x onerror=alert(1)>")
    type_into(app.add_team, "Sales")
    type_into(app.add, "Next")
    html = app.findings.value + app.handover_panel.title.value + app.step_panel.title.value
    assert "<img" not in html and "<i>Ops" not in html
    assert "&lt;i&gt;Ops&lt;/i&gt;" in app.findings.value


def _upload(name: str, content: bytes) -> dict[str, object]:
    """A file as the browser's upload widget sends it."""
    return {
        "name": name,
        "type": "text/csv",
        "size": len(content),
        "content": memoryview(content),
        "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    }


def test_csv_upload_adds_steps_or_nothing(app: JourneyMapApp, tmp_path: Path) -> None:
    type_into(app.new_name, "J")
    good = b"name,owner,friction\nFirst,Sales,2\nSecond,Support,\n"
    app.upload.value = (_upload("steps.csv", good),)
    assert _names(app) == ["First", "Second"]
    assert "Imported 2 steps" in app.messages.widget.value
    bad = b"name,owner,friction\nThird,Sales,9\n"
    app.upload.value = (_upload("bad.csv", bad),)
    assert "bad.csv" in app.messages.widget.value and "row 2" in app.messages.widget.value
    assert _names(app) == ["First", "Second"]


def test_a_journey_from_a_template(app: JourneyMapApp) -> None:
    options = [value for _, value in app.template.options if value]
    assert len(options) >= 2
    app.template.value = options[0]
    type_into(app.new_name, "Acme: lead to support")
    journey = _journey(app)
    assert journey.name == "Acme: lead to support"
    assert journey.stages and journey.intended.steps


def test_other_pages_changes_appear(ws: Workshop, db_path: Path) -> None:
    app = JourneyMapApp(ws)
    type_into(app.new_name, "J")
    other = open_workshop(ws.slug, db=Journal(db_path), actor="p1")
    other.add_step(app.journey_id, "actual", "Added elsewhere", owner="Ops")
    ws.refresh()
    assert [label for label, _ in app.steps.options] == ["1. Added elsewhere · Ops"]


def test_the_page_opens_the_sample_and_reports_a_missing_workshop(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVICEKIT_DB", str(db_path))
    page = journey_map_app("nowhere", live=False)
    assert "nowhere" in find(page, widgets.HTML, "sk-messages")[0].value
