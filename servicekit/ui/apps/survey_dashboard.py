"""The facilitator's questionnaire dashboard: live responses, and where views diverge.

It opens with the questions the room disagrees on most (by spread and by the
gap between departments), with the comments behind them, before any average.
Departments with fewer respondents than the threshold are never broken out.
"""

from __future__ import annotations

import ipywidgets as widgets

from ...analysis import survey as analysis
from ...charts.render import output_item
from ...charts.survey import distribution_spec, heatmap_spec
from ...errors import NotFound
from ...models import Survey
from ...workshop import Workshop
from ..live import follow
from ..params import facilitator_workshop, page_param
from ..views.common import MessageArea, esc

__all__ = ["SurveyDashboard", "survey_dashboard_app"]


class SurveyDashboard:
    """Aggregates for one questionnaire, redrawn whenever an answer arrives."""

    def __init__(self, ws: Workshop, survey_id: str | None = None, min_group: int = 3) -> None:
        self.ws = ws
        self.survey_id = survey_id if survey_id is not None else next(iter(ws.state.surveys), None)
        self.messages = MessageArea()
        self.threshold = widgets.BoundedIntText(
            value=min_group,
            min=1,
            max=50,
            description="Hide departments with fewer respondents than",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.threshold.observe(self.messages.guard(lambda _: self.redraw()), names="value")
        self.toggle = widgets.Button(icon="lock", layout=widgets.Layout(width="auto"))
        self.toggle.on_click(
            self.messages.guard(
                lambda _: self.ws.set_survey_open(self._id(), not self._survey().is_open)
            )
        )
        self.counts = widgets.HTML()
        self.counts.add_class("sk-responses")
        self.diverge = widgets.HTML()
        self.diverge.add_class("sk-divergence")
        self.lenses = widgets.HTML()
        self.lenses.add_class("sk-lens-scores")
        self.heatmap = widgets.Output()
        self.heatmap.add_class("sk-heatmap")
        self.distributions = widgets.Output()
        self.open_answers = widgets.HTML()
        header = widgets.HBox([self.toggle, self.threshold])
        self.widget = widgets.VBox(
            [
                header,
                self.messages.widget,
                self.counts,
                widgets.HTML("<h2>Where views diverge</h2>"),
                self.diverge,
                widgets.HTML("<h2>Score per lens</h2>"),
                self.lenses,
                widgets.HTML("<h2>Departments by question</h2>"),
                self.heatmap,
                widgets.HTML("<h2>How answers spread</h2>"),
                self.distributions,
                widgets.HTML("<h2>In their own words</h2>"),
                self.open_answers,
            ]
        )
        self.widget.add_class("sk-survey-dashboard")
        ws.on_change(lambda _ws, _ops: self.redraw())
        self.redraw()

    def _id(self) -> str:
        if self.survey_id is None:
            raise NotFound("There is no questionnaire in this workshop yet.")
        return self.survey_id

    def _survey(self) -> Survey:
        return self.ws.survey(self._id())

    def redraw(self) -> None:
        """Recompute every figure from the questionnaire as it is now."""
        survey, k = self._survey(), self.threshold.value
        self.toggle.description = (
            "Close questionnaire" if survey.is_open else "Reopen questionnaire"
        )
        self.toggle.button_style = "warning" if survey.is_open else "success"
        counts = analysis.responses_by_department(survey, k)
        cells = "".join(
            f"<li>{esc(dept)}: {n if n is not None else f'fewer than {k}'}</li>"
            for dept, n in counts.items()
        )
        total = sum(1 for answers in survey.answers.values() if answers)
        state = "open" if survey.is_open else "closed"
        self.counts.value = f"<p class='sk-total'><b>{total}</b> responses · questionnaire {state}</p><ul>{cells}</ul>"
        self.diverge.value = _divergence_html(survey, k)
        scores = analysis.department_scores(survey, k)
        self.lenses.value = _lens_table(survey, analysis.lens_scores(survey), scores)
        self.heatmap.outputs = (
            (output_item(heatmap_spec(survey, scores)),) if scores.departments else ()
        )
        stats = analysis.question_stats(survey, k)
        self.distributions.outputs = (
            (output_item(distribution_spec(survey, stats)),) if stats else ()
        )
        grouped = analysis.open_answers(survey, k)
        texts = {q.id: q.text for q in survey.questions}
        self.open_answers.value = "".join(
            f"<h3>{esc(texts[qid])}</h3><ul>"
            + "".join(
                f"<li>{esc(c.text)} <small>({esc(c.department)})</small></li>" for c in comments
            )
            + "</ul>"
            for qid, comments in grouped.items()
            if comments
        )


def _lens_table(
    survey: Survey, overall: dict[str, float | None], scores: analysis.DepartmentScores
) -> str:
    """Mean score per lens (0 = lowest answer, 1 = highest), for everyone and per shown department."""

    def cell(value: float | None) -> str:
        return "<td>&ndash;</td>" if value is None or value != value else f"<td>{value:.2f}</td>"

    by_lens = scores.by_lens
    head = "".join(f"<th>{esc(d)}</th>" for d in scores.departments)
    rows = []
    for lens in survey.lenses:
        per = "".join(
            cell(
                float(by_lens.loc[d, lens.id])
                if d in by_lens.index and lens.id in by_lens.columns
                else None
            )
            for d in scores.departments
        )
        rows.append(f"<tr><th>{esc(lens.title)}</th>{cell(overall.get(lens.id))}{per}</tr>")
    return (
        f"<table class='sk-lens-table'><thead><tr><th>Lens</th><th>Everyone</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table><p><small>0 = lowest answer, 1 = highest.</small></p>"
    )


def _divergence_html(survey: Survey, k: int, top: int = 5) -> str:
    parts = []
    for title, ranked in (
        ("Most split views", analysis.divergence(survey, k, by="spread")[:top]),
        ("Largest gaps between departments", analysis.divergence(survey, k, by="gap")[:top]),
    ):
        items = []
        for d in ranked:
            gap = d.stats.gap
            detail = (
                f"{esc(gap.high)} {gap.high_mean:.1f} vs {esc(gap.low)} {gap.low_mean:.1f}"
                if gap is not None
                else f"agreement {d.stats.consensus:.2f}"
            )
            said = "".join(
                f"<li>“{esc(c.text)}” <small>({esc(c.department)})</small></li>"
                for c in d.comments[:3]
            )
            items.append(
                f"<li><b>{esc(d.question.text)}</b> <small>{detail}</small><ul>{said}</ul></li>"
            )
        parts.append(
            f"<h3>{title}</h3><ol>{''.join(items) or '<li>not enough answers yet</li>'}</ol>"
        )
    return "".join(parts)


def survey_dashboard_app(
    workshop: str | None = None,
    survey: str | None = None,
    *,
    key: str | None = None,
    live: bool = True,
) -> widgets.Widget:
    """The facilitator's dashboard for a questionnaire; new answers appear within about a second.

    ``survey`` defaults to ``?survey=<id>`` in the page address, then to the first questionnaire;
    ``key`` is the facilitator's key (default: ``?key=`` in the page address).
    """
    try:
        ws = facilitator_workshop(workshop, key)
        app = SurveyDashboard(ws, survey or page_param("survey"))
    except Exception as exc:
        messages = MessageArea()
        messages.show(str(exc))
        return widgets.VBox([messages.widget])
    if live:
        follow(ws, on_error=lambda exc: app.messages.show(str(exc)))
    return app.widget
