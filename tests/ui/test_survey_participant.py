"""The participant's questionnaire page, headless: join, answer lens by lens, privacy, closing."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import pytest
from helpers import find, heavy_modules_after

from servicekit import Workshop, open_workshop
from servicekit.journal import Journal
from servicekit.templates import load_questionnaire, questionnaire_files
from servicekit.ui.apps.survey_participant import SurveyParticipantApp, survey_participant_app


def _survey(ws: Workshop, anonymous: bool = False) -> str:
    args = load_questionnaire(questionnaire_files()[0]).to_survey_args()
    args["anonymous"] = anonymous
    return ws.add_survey(**args, survey_id="pps")


def _joined(
    ws: Workshop, db_path: Path, anonymous: bool = False, department: str = "Sales"
) -> SurveyParticipantApp:
    _survey(ws, anonymous) if "pps" not in ws.state.surveys else None
    page = SurveyParticipantApp(
        open_workshop("demo", db=Journal(db_path), actor="participant"), "pps"
    )
    page.code.value = ws.state.join_code.lower()  # typed on a phone: case does not matter
    page.department.value = department
    page.name.value = "Ana Lima"
    page.join_button.click()
    return page


def test_join_with_a_wrong_code_says_so_and_stores_nothing(ws: Workshop, db_path: Path) -> None:
    _survey(ws)
    page = SurveyParticipantApp(open_workshop("demo", db=Journal(db_path)), "pps")
    before = ws.journal.count("demo")
    page.code.value, page.department.value = "WRONG1", "Sales"
    page.join_button.click()
    assert "does not match this workshop" in page.messages.widget.value
    assert ws.journal.count("demo") == before
    assert page.answer_box.layout.display == "none"


def test_answers_are_stored_as_given_and_can_change(ws: Workshop, db_path: Path) -> None:
    page = _joined(ws, db_path)
    first_scale = next(w for w in find(page.questions, widgets.ToggleButtons))
    first_scale.value = 2
    first_scale.value = 4
    ws.refresh()
    survey = ws.survey("pps")
    (respondent,) = survey.respondents.values()
    assert respondent.department == "Sales" and respondent.participant is not None
    assert ws.state.participants[respondent.participant].name == "Ana Lima"
    given = survey.answers[respondent.id]
    assert [a.value for a in given.values()] == [4]
    page.next.click()
    assert "Process" in page.heading.value
    comment = find(page.questions, widgets.Textarea)[0]
    comment.value = '<b onmouseover="x()">bold</b> claim'
    ws.refresh()
    assert "sk-progress" in page.status.value


def test_anonymous_questionnaires_store_no_name(ws: Workshop, db_path: Path) -> None:
    page = _joined(ws, db_path, anonymous=True, department="Ops")
    assert page.name not in find(page.join_box, widgets.Text), "no name field is offered"
    find(page.questions, widgets.ToggleButtons)[0].value = 3
    ws.refresh()
    (respondent,) = ws.survey("pps").respondents.values()
    assert respondent.participant is None and respondent.role == ""
    assert ws.state.participants == {}


def test_a_page_shows_only_its_own_answers(ws: Workshop, db_path: Path) -> None:
    mine = _joined(ws, db_path, department="Sales")
    find(mine.questions, widgets.ToggleButtons)[0].value = 5
    theirs = _joined(ws, db_path, department="Finance")
    assert all(w.value is None for w in find(theirs.questions, widgets.ToggleButtons))
    assert "0 of" in theirs.status.value


def test_closing_the_questionnaire_disables_answers(ws: Workshop, db_path: Path) -> None:
    page = _joined(ws, db_path)
    ws.set_survey_open("pps", False)
    page.ws.refresh()
    assert "closed" in page.status.value
    assert all(w.disabled for w in find(page.questions, widgets.ToggleButtons))


def test_page_entry_point_without_a_questionnaire(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, ws: Workshop
) -> None:
    monkeypatch.setenv("SERVICEKIT_DB", str(db_path))
    page = survey_participant_app("demo", live=False)
    assert "no questionnaire" in page.children[0].value


def test_the_participant_path_loads_no_heavy_library(tmp_path: Path) -> None:
    code = (
        "from servicekit import create_workshop\n"
        "from servicekit.ui import survey_participant_app\n"
        "ws = create_workshop('x', 'X')\n"
        "ws.add_survey('S', [], [{'id': 'q', 'text': 'Q?', 'kind': 'open'}])\n"
        "survey_participant_app('x', live=False)\n"
    )
    assert heavy_modules_after(code, tmp_path / "p.db") == []
