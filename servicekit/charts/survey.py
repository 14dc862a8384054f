"""Questionnaire charts: where departments diverge (heatmap) and how answers spread (distributions).

Each chart comes as ``xxx_chart(...)`` (an altair chart) and ``xxx_spec(...)`` (the same
Vega-Lite spec as a dict, from a stored template with the data filled in: no altair).
"""

from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING, Any

from ..models import Survey
from . import templates
from .theme import FONT

if TYPE_CHECKING:
    import altair as alt

    from ..analysis.survey import DepartmentScores, QuestionStats

__all__ = ["distribution_chart", "distribution_spec", "heatmap_chart", "heatmap_spec"]


def _short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _heatmap_data(
    survey: Survey, scores: DepartmentScores
) -> tuple[int, int, dict[str, list[dict[str, Any]]]]:
    texts = {q.id: q.text for q in survey.questions}
    # Questions run down in the questionnaire's order (the y axis sorts by rank).
    rank = {q.id: i for i, q in enumerate(q for q in survey.questions if q.kind != "open")}
    rows: list[dict[str, Any]] = []
    table = scores.by_question
    for department in table.index:
        for question in table.columns:
            value = table.loc[department, question]
            if value == value:  # not NaN
                text = texts.get(str(question), str(question))
                rows.append(
                    {
                        "department": str(department),
                        "question": _short(text),
                        "full": text,
                        "score": round(float(value), 2),
                        "rank": rank.get(str(question), len(rank)),
                    }
                )
    width = max(160, 110 * max(1, len(scores.departments)))
    return width, max(60, 26 * len(rank)), {"cells": rows}


def heatmap_chart(survey: Survey, scores: DepartmentScores) -> alt.Chart:
    """Department by question mean scores (0 = lowest answer, 1 = highest); small groups are left out."""
    width, height, datasets = _heatmap_data(survey, scores)
    return _heatmap(width, height).properties(datasets=datasets)


def heatmap_spec(survey: Survey, scores: DepartmentScores) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`heatmap_chart`, from the stored template (no altair)."""
    width, height, datasets = _heatmap_data(survey, scores)
    out = copy.deepcopy(_heatmap_template())
    out["datasets"] = datasets
    out["width"], out["height"] = width, height
    return out


def _heatmap(width: int, height: int) -> alt.Chart:
    import altair as alt

    chart: alt.Chart = (
        alt.Chart(alt.NamedData(name="cells"))
        .mark_rect(stroke="white")
        .encode(
            x=alt.X("department:N", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=13)),
            y=alt.Y(
                "question:N",
                title=None,
                sort=alt.EncodingSortField(field="rank", op="min"),
                axis=alt.Axis(labelFontSize=12, labelLimit=360),
            ),
            color=alt.Color(
                "score:Q",
                scale=alt.Scale(domain=[0, 1], scheme="redyellowblue"),
                legend=alt.Legend(title="Mean (0 low, 1 high)"),
            ),
            tooltip=[
                alt.Tooltip("department:N"),
                alt.Tooltip("full:N", title="Question"),
                alt.Tooltip("score:Q", title="Mean"),
            ],
        )
        .properties(width=width, height=height)
        .configure(font=FONT)
    )
    return chart


@functools.lru_cache(maxsize=1)
def _heatmap_template() -> dict[str, Any]:
    """The heatmap's spec template as stored; :func:`heatmap_spec` copies it and fills it in."""
    return templates.load("survey_heatmap")


def _build_heatmap_template() -> dict[str, Any]:
    """The template as altair builds it: what ``templates/survey_heatmap.json`` must hold."""
    from .render import spec

    return spec(_heatmap(1, 1).properties(datasets={"cells": []}))


def _distribution_data(
    survey: Survey, stats: list[QuestionStats]
) -> dict[str, list[dict[str, Any]]]:
    rows = []
    for item in stats:
        question = (
            survey.question(item.question) if isinstance(item.question, str) else item.question
        )
        labels = question.bands if question.kind == "bands" else None
        for value, count in item.distribution.items():
            label = labels[value] if labels else str(value)
            rows.append(
                {"question": _short(question.text), "answer": label, "order": value, "count": count}
            )
    return {"answers": rows}


def distribution_chart(survey: Survey, stats: list[QuestionStats]) -> alt.Chart:
    """For each question, how many gave each answer: a split room shows two humps."""
    return _distribution().properties(datasets=_distribution_data(survey, stats))


def distribution_spec(survey: Survey, stats: list[QuestionStats]) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`distribution_chart`, from the stored template (no altair)."""
    out = copy.deepcopy(_distribution_template())
    out["datasets"] = _distribution_data(survey, stats)
    return out


def _distribution() -> alt.Chart:
    import altair as alt

    chart: alt.Chart = (
        alt.Chart(alt.NamedData(name="answers"))
        .mark_bar()
        .encode(
            x=alt.X(
                "answer:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("count:Q", title="answers", axis=alt.Axis(tickMinStep=1)),
            facet=alt.Facet(
                "question:N",
                columns=3,
                title=None,
                header=alt.Header(labelFontSize=12, labelLimit=300),
            ),
            tooltip=["answer:N", "count:Q"],
        )
        .properties(width=200, height=90)
        .configure(font=FONT)
    )
    return chart


@functools.lru_cache(maxsize=1)
def _distribution_template() -> dict[str, Any]:
    """The distributions' spec template as stored; :func:`distribution_spec` copies it."""
    return templates.load("survey_distribution")


def _build_distribution_template() -> dict[str, Any]:
    """The template as altair builds it: what ``templates/survey_distribution.json`` must hold."""
    from .render import spec

    return spec(_distribution().properties(datasets={"answers": []}))
