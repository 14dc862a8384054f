"""Questionnaire model: answers checked against their question, closed surveys refuse changes."""

from __future__ import annotations

import pytest

from servicekit.errors import Conflict, InvalidInput, NotFound
from servicekit.models import Answer, Lens, Question, Respondent, Survey


@pytest.fixture
def survey() -> Survey:
    return Survey(
        id="s1",
        title="People, Process, Systems",
        lenses=(Lens("people", "People"), Lens("systems", "Systems")),
        questions=(
            Question("q1", "Teams share what they know across departments", lens="people"),
            Question(
                "q2",
                "How many systems does one order touch?",
                lens="systems",
                kind="bands",
                bands=("1", "2-3", "4-6", "7+"),
            ),
            Question("q3", "Where do handoffs break?", kind="open", allow_comment=False),
        ),
        respondents={"r1": Respondent("r1", department="Sales")},
    )


def test_answers_are_checked_against_the_question(survey: Survey) -> None:
    survey = survey.with_answer("r1", Answer("q1", 4, comment="mostly"))
    survey = survey.with_answer("r1", Answer("q2", 3))
    survey = survey.with_answer("r1", Answer("q3", "Between sales and delivery"))
    assert survey.answer("r1", "q2").value == 3
    with pytest.raises(InvalidInput, match=r"expected a whole number from 1 to 5, received 6"):
        survey.with_answer("r1", Answer("q1", 6))
    with pytest.raises(InvalidInput, match=r"a band index from 0 to 3"):
        survey.with_answer("r1", Answer("q2", 4))
    with pytest.raises(InvalidInput, match="takes no comment"):
        survey.with_answer("r1", Answer("q3", "x", comment="y"))


def test_changing_an_answer_replaces_it(survey: Survey) -> None:
    survey = survey.with_answer("r1", Answer("q1", 2)).with_answer("r1", Answer("q1", 5))
    assert survey.answer("r1", "q1").value == 5
    assert len(survey.answers["r1"]) == 1


def test_a_closed_survey_refuses_answers_and_says_who_can_reopen(survey: Survey) -> None:
    closed = survey.with_open(False)
    with pytest.raises(Conflict, match=r"closed.*Ask the facilitator to reopen it"):
        closed.with_answer("r1", Answer("q1", 3))


def test_unknown_respondent_and_question(survey: Survey) -> None:
    with pytest.raises(NotFound, match="Join first"):
        survey.with_answer("nobody", Answer("q1", 3))
    with pytest.raises(NotFound, match=r"No question 'q9'.*Known: \['q1', 'q2', 'q3'\]"):
        survey.with_answer("r1", Answer("q9", 3))


def test_anonymous_survey_keeps_department_only(survey: Survey) -> None:
    anon = Survey(id="s2", title="Anon", anonymous=True)
    assert (
        anon.with_respondent(Respondent("r", department="Ops")).respondent("r").department == "Ops"
    )
    with pytest.raises(InvalidInput, match="anonymous: give only a department"):
        anon.with_respondent(Respondent("r", department="Ops", role="Lead"))


def test_question_bank_must_be_consistent() -> None:
    with pytest.raises(NotFound, match="no lens 'money'"):
        Survey(id="s", title="t", questions=(Question("q", "text", lens="money"),))
    with pytest.raises(Conflict, match="'q' is used twice"):
        Survey(id="s", title="t", questions=(Question("q", "a"), Question("q", "b")))
    with pytest.raises(InvalidInput, match="needs at least two bands"):
        Question("q", "How many?", kind="bands", bands=("1",))
