"""Questionnaire charts: where departments diverge (heatmap) and how answers spread (distributions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import Survey
from .theme import FONT

if TYPE_CHECKING:
    import altair as alt

    from ..analysis.survey import DepartmentScores, QuestionStats

__all__ = ["distribution_chart", "heatmap_chart"]


def _short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def heatmap_chart(survey: Survey, scores: DepartmentScores) -> alt.Chart:
    """Department by question mean scores (0 = lowest answer, 1 = highest); small groups are left out."""
    import altair as alt

    texts = {q.id: q.text for q in survey.questions}
    rows: list[dict[str, Any]] = []
    table = scores.by_question
    for department in table.index:
        for question in table.columns:
            value = table.loc[department, question]
            if value == value:  # not NaN
                rows.append(
                    {
                        "department": str(department),
                        "question": _short(texts.get(str(question), str(question))),
                        "full": texts.get(str(question), str(question)),
                        "score": round(float(value), 2),
                    }
                )
    order = [_short(q.text) for q in survey.questions if q.kind != "open"]
    chart: alt.Chart = (
        alt.Chart(alt.InlineData(values=rows))
        .mark_rect(stroke="white")
        .encode(
            x=alt.X("department:N", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=13)),
            y=alt.Y(
                "question:N",
                title=None,
                sort=order,
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
        .properties(
            width=max(160, 110 * max(1, len(scores.departments))), height=max(60, 26 * len(order))
        )
        .configure(font=FONT)
    )
    return chart


def distribution_chart(survey: Survey, stats: list[QuestionStats]) -> alt.Chart:
    """For each question, how many gave each answer: a split room shows two humps."""
    import altair as alt

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
    chart: alt.Chart = (
        alt.Chart(alt.InlineData(values=rows))
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
