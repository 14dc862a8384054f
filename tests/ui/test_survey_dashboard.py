"""The facilitator's questionnaire dashboard, headless: live counts, divergence first, small groups hidden."""

from __future__ import annotations

from pathlib import Path

import vl_convert

from servicekit import Workshop, open_workshop
from servicekit.charts.render import MIME
from servicekit.journal import Journal
from servicekit.ui.apps.survey_dashboard import SurveyDashboard

LENSES = [{"id": "people", "title": "People"}]
QUESTIONS = [
    {"id": "q1", "text": "Teams sort problems out together", "lens": "people"},
    {"id": "q2", "text": "Where do handoffs break?", "kind": "open"},
]


def _room(ws: Workshop, db_path: Path, answers: list[tuple[str, int, str]]) -> None:
    """Each (department, answer to q1, comment) answered from its own page."""
    for i, (department, value, comment) in enumerate(answers):
        page = open_workshop("demo", db=Journal(db_path), actor=f"p{i}")
        rid = page.add_respondent("s", department=department)
        page.answer("s", rid, "q1", value, comment)
        page.answer("s", rid, "q2", f"Handoff number {i} <script>x()</script>")


def test_dashboard_shows_divergence_and_hides_small_groups(ws: Workshop, db_path: Path) -> None:
    ws.add_survey("Check", LENSES, QUESTIONS, survey_id="s")
    board = SurveyDashboard(ws, "s")
    assert "<b>0</b> responses" in board.counts.value
    _room(
        ws,
        db_path,
        [("Sales", 5, "we talk daily")] * 3
        + [("Delivery", 1, "they throw it over")] * 3
        + [("Finance", 3, "")],
    )
    ws.refresh()
    assert "<b>7</b> responses" in board.counts.value
    assert "Finance: fewer than 3" in board.counts.value
    assert "Sales 5.0 vs Delivery 1.0" in board.diverge.value
    assert "they throw it over" in board.diverge.value
    assert "Finance" not in board.diverge.value + board.open_answers.value, (
        "a group of one is never named"
    )
    assert (
        "&lt;script&gt;" in board.open_answers.value and "<script>" not in board.open_answers.value
    )
    # People: Sales answered 5 (score 1.0), Delivery 1 (0.0), Finance 3 (0.5): everyone (3*1 + 3*0 + 0.5) / 7.
    assert "<th>People</th><td>0.50</td><td>" in board.lenses.value
    assert "<td>1.00</td>" in board.lenses.value and "<td>0.00</td>" in board.lenses.value
    assert "Finance" not in board.lenses.value
    heat = board.heatmap.outputs[0]["data"][MIME]
    rows = heat["datasets"][heat["data"]["name"]]  # altair moves inline data to named datasets
    assert {row["department"] for row in rows} == {"Sales", "Delivery"}
    vl_convert.vegalite_to_vega(heat, vl_version="5.8")  # renders in Voila's Vega-Lite 5


def test_open_and_close_from_the_dashboard(ws: Workshop) -> None:
    ws.add_survey("Check", LENSES, QUESTIONS, survey_id="s")
    board = SurveyDashboard(ws, "s")
    board.toggle.click()
    assert not ws.survey("s").is_open and board.toggle.description == "Reopen questionnaire"
    board.toggle.click()
    assert ws.survey("s").is_open
