"""The questionnaire on a participant's phone: join with the code, then answer one lens at a time.

Every answer is stored the moment it is given and can be changed until the
facilitator closes the questionnaire. The page shows only this participant's
own answers. In an anonymous questionnaire no name is asked for or stored, and
the answers are not linked to a participant. This path loads no pandas, altair
or networkx, so the page opens fast on a busy server.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ...errors import AccessDenied, InvalidInput, NotFound
from ...models import Question, Survey
from ...workshop import Workshop, open_workshop
from ..live import follow
from ..params import page_param
from ..views.common import MessageArea, close_all, esc
from ..views.room import SignIn

__all__ = ["SurveyParticipantApp", "survey_participant_app"]


def _scale_options(question: Question) -> list[tuple[str, int]]:
    if question.kind == "bands":
        return [(band, i) for i, band in enumerate(question.bands)]
    labels = {
        1: f"1 · {question.low_label}",
        question.points: f"{question.points} · {question.high_label}",
    }
    return [(labels.get(v, str(v)), v) for v in range(1, question.points + 1)]


class SurveyParticipantApp:
    """One participant's questionnaire page; ``widget`` is what the page shows."""

    def __init__(
        self, ws: Workshop, survey_id: str | None = None, *, participant: str | None = None
    ) -> None:
        self.ws = ws
        self.survey_id = survey_id if survey_id is not None else next(iter(ws.state.surveys), None)
        self.respondent: str | None = None
        self._person: str | None = None  # a participant resumed from a saved sign-in
        self.lens_index = 0
        self.messages = MessageArea()
        guard = self.messages.guard
        survey = self._survey()

        self.code = widgets.Text(description="Join code", placeholder="from the screen")
        self.name = widgets.Text(description="Your name", placeholder="optional")
        self.department = widgets.Text(description="Department", placeholder="e.g. Sales")
        self.role = widgets.Text(description="Role", placeholder="optional")
        self.join_button = widgets.Button(
            description="Join", button_style="primary", icon="sign-in"
        )
        self.join_button.on_click(guard(lambda _: self.join()))
        personal = [] if survey.anonymous else [self.name, self.role]
        note = (
            "This questionnaire is anonymous: only your department is kept with your answers."
            if survey.anonymous
            else "Your answers are seen by the facilitator; other participants never see them."
        )
        self.join_box = widgets.VBox(
            [
                widgets.HTML(f"<p class='sk-privacy'>{esc(note)}</p>"),
                self.code,
                self.department,
                *personal,
                self.join_button,
            ]
        )
        self.join_box.add_class("sk-join")

        self.heading = widgets.HTML()
        self.questions = widgets.VBox()
        self.previous = widgets.Button(description="Previous", icon="arrow-left")
        self.next = widgets.Button(description="Next", icon="arrow-right")
        self.previous.on_click(guard(lambda _: self.show_lens(self.lens_index - 1)))
        self.next.on_click(guard(lambda _: self.show_lens(self.lens_index + 1)))
        self.status = widgets.HTML()
        self.answer_box = widgets.VBox(
            [self.status, self.heading, self.questions, widgets.HBox([self.previous, self.next])]
        )
        self.answer_box.add_class("sk-answering")
        self.answer_box.layout.display = "none"
        title = widgets.HTML(f"<h1 class='sk-title'>{esc(survey.title)}</h1>")
        self._fields: dict[str, tuple[widgets.Widget, widgets.Widget | None]] = {}
        # The sign-in the participant page (or an earlier visit) left in this browser: a person
        # who joined once goes straight to their answers, after a reload too.
        self.sign_in = SignIn(workshop=ws.slug)
        if not survey.anonymous:
            self.sign_in.on_stored(guard(self._resume))
        parts = [title, self.messages.widget, self.join_box, self.answer_box]
        self.widget = widgets.VBox(parts if participant else [*parts, self.sign_in])
        self.widget.add_class("sk-survey-participant")
        self._unsubscribe = ws.on_change(lambda _ws, _ops: self._refresh_status())
        if participant is not None:  # signed in already, on the participant's page
            if survey.anonymous:
                raise AccessDenied(
                    "This questionnaire is anonymous: open it on its own page, so your answers "
                    "are not linked to you."
                )
            self._carry_on(participant)

    def close(self) -> None:
        """Stop following the workshop (the page shows something else now)."""
        self._unsubscribe()

    # -- joining -----------------------------------------------------------------------------
    def _survey(self) -> Survey:
        if self.survey_id is None:
            raise NotFound("There is no questionnaire in this workshop yet. Ask the facilitator.")
        return self.ws.survey(self.survey_id)

    def join(self) -> None:
        """Check the join code, register this person as a respondent, show the first lens."""
        if self.code.value.strip().upper() != self.ws.state.join_code:
            msg = "That join code does not match this workshop. Check the code on the screen and type it again."
            raise InvalidInput(msg)
        if not self.department.value.strip():
            raise InvalidInput("Please say which department you work in, so views can be compared.")
        survey = self._survey()
        department = self.department.value.strip()
        if survey.anonymous:
            self.respondent = self.ws.add_respondent(survey.id, department=department)
            self.ws.actor = self.respondent
        else:
            pid = self.ws.join(
                self.name.value.strip() or self._name(),
                department,
                self.role.value.strip(),
                participant_id=self._person,
            )
            self.ws.actor = pid
            self.respondent = self.ws.add_respondent(
                survey.id, department=department, role=self.role.value.strip(), participant=pid
            )
            self.sign_in.keep(self.ws.slug, pid, self.ws.participant_token(pid))
        self._answering()

    def _name(self) -> str:
        """The name a resumed participant joined with (kept when they only add their team)."""
        person = self.ws.state.participants.get(self._person or "")
        return person.name if person else ""

    def _resume(self, _workshop: str, participant: str, token: str) -> None:
        """Carry on as the participant a saved sign-in names, if it is theirs."""
        try:
            self.ws.rejoin(participant, token)
        except AccessDenied:
            return  # not for this workshop: the join form stays
        self._carry_on(participant)

    def _carry_on(self, participant: str) -> None:
        """Answer as ``participant`` (signed in): their respondent, or a new one."""
        person = self.ws.state.participants[participant]
        survey = self._survey()
        self.ws.actor = person.id
        mine = [r.id for r in survey.respondents.values() if r.participant == person.id]
        if mine:
            self.respondent = mine[0]
        elif person.department:
            self.respondent = self.ws.add_respondent(
                survey.id, department=person.department, role=person.role, participant=person.id
            )
        else:  # joined without a team: ask for it, nothing else
            self._person = person.id
            self.code.value = self.ws.state.join_code
            self.code.layout.display = "none"
            self.name.layout.display = "none"
            return
        self._answering()

    def _answering(self) -> None:
        self.join_box.layout.display = "none"
        self.answer_box.layout.display = None
        self.show_lens(0)

    # -- answering -----------------------------------------------------------------------------
    def _groups(self) -> list[tuple[str, str, list[Question]]]:
        """(title, description, questions) per lens, then the open questions."""
        survey = self._survey()
        groups = [
            (lens.title, lens.description, [q for q in survey.questions if q.lens == lens.id])
            for lens in survey.lenses
        ]
        loose = [q for q in survey.questions if q.lens is None]
        if loose:
            groups.append(("In your own words", "", loose))
        return [g for g in groups if g[2]]

    def show_lens(self, index: int) -> None:
        """Show one group of questions, with this participant's answers so far."""
        groups = self._groups()
        self.lens_index = max(0, min(index, len(groups) - 1))
        title, description, questions = groups[self.lens_index]
        self.heading.value = (
            f"<h2>{esc(title)} <small>({self.lens_index + 1} of {len(groups)})</small></h2>"
            f"<p>{esc(description)}</p>"
        )
        old = list(self.questions.children)
        self._fields = {}
        self.questions.children = [self._question_view(q) for q in questions]
        for box in old:
            close_all(box)
        self.previous.disabled = self.lens_index == 0
        self.next.disabled = self.lens_index == len(groups) - 1
        self._refresh_status()

    def _question_view(self, question: Question) -> widgets.Widget:
        survey = self._survey()
        given = survey.answer(self.respondent or "", question.id)
        text = widgets.HTML(f"<p class='sk-question'>{esc(question.text)}</p>")
        if question.kind == "open":
            field: widgets.Widget = widgets.Textarea(
                value=str(given.value) if given else "",
                continuous_update=False,
                layout=widgets.Layout(width="100%"),
            )
        else:
            field = widgets.ToggleButtons(
                options=_scale_options(question),
                value=given.value if given else None,
                style={
                    "button_width": "min(100%, 28em)"
                },  # one option per row: readable on a phone
            )
            field.add_class("sk-scale")
        comment = None
        if question.allow_comment and question.kind != "open":
            comment = widgets.Textarea(
                value=given.comment if given else "",
                placeholder="Comment (optional)",
                continuous_update=False,
                layout=widgets.Layout(width="100%"),
            )
        self._fields[question.id] = (field, comment)
        save = self.messages.guard(lambda _change, q=question.id: self.save(q))
        field.observe(save, names="value")
        if comment is not None:
            comment.observe(save, names="value")
        box = widgets.VBox([text, field] + ([comment] if comment is not None else []))
        box.add_class("sk-question-box")
        return box

    def save(self, question_id: str) -> None:
        """Store the answer now showing for one question (and its comment)."""
        field, comment = self._fields[question_id]
        value: Any = field.value
        if value is None or value == "":
            return
        self.ws.answer(
            self._survey().id,
            self._respondent(),
            question_id,
            value,
            comment.value if comment else "",
        )

    def _respondent(self) -> str:
        if self.respondent is None:
            raise NotFound("Join first: type the join code and your department.")
        return self.respondent

    def _refresh_status(self) -> None:
        survey = self._survey()
        closed = not survey.is_open
        mine = survey.answers.get(self.respondent or "", {})
        self.status.value = (
            "<p class='sk-closed'>The facilitator has closed the questionnaire. Thank you!</p>"
            if closed
            else f"<p class='sk-progress'>{len(mine)} of {len(survey.questions)} answered · saved as you go</p>"
        )
        for field, comment in self._fields.values():
            for box in (field, comment):
                if box is not None:
                    box.disabled = closed


def survey_participant_app(
    workshop: str | None = None, survey: str | None = None, *, live: bool = True
) -> widgets.Widget:
    """The participant's questionnaire page for ``workshop`` (default: ``?workshop=`` in the page
    address, then ``$SERVICEKIT_WORKSHOP``).

    ``survey`` defaults to ``?survey=<id>`` in the page address, then to the first questionnaire.
    """
    messages = MessageArea()
    try:
        ws = open_workshop(workshop or page_param("workshop"), actor="participant")
        app = SurveyParticipantApp(ws, survey or page_param("survey"))
    except Exception as exc:  # no workshop or questionnaire: say so on the page
        messages.show(str(exc))
        return widgets.VBox([messages.widget])
    if live:
        follow(ws, on_error=lambda exc: app.messages.show(str(exc)))
    return app.widget
