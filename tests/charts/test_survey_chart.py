"""Questionnaire charts: the fast specs are altair's, the heatmap keeps the questionnaire's order.

The room below: Sales (s1-s3) and Ops (o1-o3) answer every question, Legal (l1) alone is
a group too small to show. Questions in the questionnaire's order are *Teams sort problems
out together* (scale 1-5), *Our tools fit the work* (scale), *How many systems do you use?*
(bands) and one open question; alphabetically the first three run the other way round.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import vl_convert
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import surveys

from servicekit.analysis.survey import department_scores, question_stats
from servicekit.charts.render import spec
from servicekit.charts.survey import (
    distribution_chart,
    distribution_spec,
    heatmap_chart,
    heatmap_spec,
)
from servicekit.journal import Journal, read_workshop_file
from servicekit.models import Answer, Question, Respondent, Survey

VOILA_VEGA_LITE = "5.8"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "northbridge-search.json"
BANDS = ("1", "2-3", "4 or more")
QUESTIONS = (
    Question("collab", "Teams sort problems out together"),
    Question("tools", "Our tools fit the work"),
    Question("count", "How many systems do you use?", kind="bands", bands=BANDS),
    Question("idea", "What would help most?", kind="open"),
)


@pytest.fixture
def room() -> Survey:
    said: dict[str, tuple[str, int, int, int]] = {
        "s1": ("Sales", 5, 4, 0),
        "s2": ("Sales", 5, 4, 0),
        "s3": ("Sales", 4, 3, 1),
        "o1": ("Ops", 1, 2, 2),
        "o2": ("Ops", 2, 2, 2),
        "o3": ("Ops", 1, 1, 2),
        "l1": ("Legal", 3, 3, 1),
    }
    respondents = {r: Respondent(r, dept) for r, (dept, *_) in said.items()}
    answers = {
        r: {
            "collab": Answer("collab", collab),
            "tools": Answer("tools", tools),
            "count": Answer("count", count),
            "idea": Answer("idea", "More time"),
        }
        for r, (_, collab, tools, count) in said.items()
    }
    return Survey("s", "Check", (), QUESTIONS, respondents=respondents, answers=answers)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Survey:
    with Journal(tmp_path_factory.mktemp("sample") / "x.db") as journal:
        state, _ = journal.rebuild(journal.import_(read_workshop_file(SAMPLE)))
    return next(iter(state.surveys.values()))


def _fast_and_altair(survey: Survey, min_group: int) -> list[tuple[Any, Any]]:
    scores, stats = department_scores(survey, min_group), question_stats(survey, min_group)
    return [
        (heatmap_spec(survey, scores), spec(heatmap_chart(survey, scores))),
        (distribution_spec(survey, stats), spec(distribution_chart(survey, stats))),
    ]


def test_the_fast_specs_are_what_altair_builds(room: Survey, sample: Survey) -> None:
    for survey in (room, sample):
        for fast, built in _fast_and_altair(survey, 3):
            assert fast == built


@settings(max_examples=25)
@given(surveys(), st.integers(1, 3))
def test_the_fast_specs_are_what_altair_builds_for_any_survey(survey: Survey, k: int) -> None:
    for fast, built in _fast_and_altair(survey, k):
        assert fast == built


def test_heatmap_shows_shown_departments_in_the_questionnaires_order(room: Survey) -> None:
    out = heatmap_spec(room, department_scores(room, 3))
    cells = out["datasets"][out["data"]["name"]]
    assert {c["department"] for c in cells} == {"Sales", "Ops"}
    assert (out["width"], out["height"]) == (220, 78)  # 110 px per department, 26 per question
    sales = {c["question"]: c for c in cells if c["department"] == "Sales"}
    # Sales answered 5, 5, 4 on a 1-5 scale: scores 1, 1, 0.75, mean 0.92.
    assert sales["Teams sort problems out together"]["score"] == 0.92
    assert sales["How many systems do you use?"]["full"] == "How many systems do you use?"
    svg = vl_convert.vegalite_to_svg(out, vl_version=VOILA_VEGA_LITE)
    where = [svg.index(f">{q.text}<") for q in QUESTIONS[:3]]
    assert where == sorted(where), "questions run down in the questionnaire's order"
    assert "Legal" not in svg and "What would help most?" not in svg


def test_distributions_name_band_answers_and_count_each(room: Survey) -> None:
    out = distribution_spec(room, question_stats(room, 3))
    rows = out["datasets"][out["data"]["name"]]
    bands = [r for r in rows if r["question"] == "How many systems do you use?"]
    assert [(r["answer"], r["count"]) for r in bands] == [("1", 2), ("2-3", 2), ("4 or more", 3)]
    svg = vl_convert.vegalite_to_svg(out, vl_version=VOILA_VEGA_LITE)
    assert "4 or more" in svg and "Our tools fit the work" in svg
