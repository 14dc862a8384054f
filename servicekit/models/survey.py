"""People / Process / Systems questionnaire: a question bank, respondents and their answers.

A question is either a 1..N agreement ``scale`` with labelled ends, a set of
``bands`` (for "how many" questions; the answer is the band's index), or ``open``
text. Respondents carry a department and role so views can be compared between
departments; an anonymous survey keeps only the department.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Conflict, InvalidInput, NotFound
from ._base import MAX_NAME, MAX_TEXT, Model, check_choice, check_id, check_text, evolve

__all__ = ["QUESTION_KINDS", "Answer", "Lens", "Question", "Respondent", "Survey"]

QUESTION_KINDS = ("scale", "bands", "open")


@dataclass(frozen=True)
class Lens(Model):
    """A group of questions (People, Process, Systems, or a consultant's own)."""

    id: str
    title: str
    description: str = ""

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_text("title", self.title, limit=MAX_NAME, required=True)
        check_text("description", self.description)


@dataclass(frozen=True)
class Question(Model):
    """One question. ``lens`` is None for open questions that belong to no lens."""

    id: str
    text: str
    lens: str | None = None
    kind: str = "scale"
    points: int = 5
    low_label: str = "Strongly disagree"
    high_label: str = "Strongly agree"
    bands: tuple[str, ...] = ()
    allow_comment: bool = True

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_text("text", self.text, limit=MAX_TEXT, required=True)
        if self.lens is not None:
            check_id("lens", self.lens)
        check_choice("kind", self.kind, QUESTION_KINDS)
        if self.kind == "scale" and not 2 <= self.points <= 11:
            raise InvalidInput(f"points: a scale needs 2 to 11 points, not {self.points}.")
        if self.kind == "bands" and len(self.bands) < 2:
            raise InvalidInput(
                "bands: a 'bands' question needs at least two bands, e.g. ['1', '2-3', '4+']."
            )
        for i, band in enumerate(self.bands):
            check_text(f"bands[{i}]", band, limit=MAX_NAME, required=True)
        check_text("low_label", self.low_label, limit=MAX_NAME)
        check_text("high_label", self.high_label, limit=MAX_NAME)

    def check_value(self, value: object) -> int | str:
        """Check an answer's value against this question; return it."""
        if self.kind == "open":
            return check_text(f"answer to {self.id!r}", value)
        if self.kind == "scale":
            top, what = self.points, f"a whole number from 1 to {self.points}"
            low = 1
        else:
            top, what = len(self.bands) - 1, f"a band index from 0 to {len(self.bands) - 1}"
            low = 0
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= top:
            raise InvalidInput(f"answer to {self.id!r}: expected {what}, received {value!r}.")
        return value


@dataclass(frozen=True)
class Respondent(Model):
    """Someone answering: their department and role, and the participant they are."""

    id: str
    department: str = ""
    role: str = ""
    participant: str | None = None

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_text("department", self.department, limit=MAX_NAME)
        check_text("role", self.role, limit=MAX_NAME)
        if self.participant is not None:
            check_id("participant", self.participant)


@dataclass(frozen=True)
class Answer(Model):
    """One respondent's answer to one question, with an optional comment."""

    question: str
    value: int | str
    comment: str = ""
    at: str = ""

    def __post_init__(self) -> None:
        check_id("question", self.question)
        check_text("comment", self.comment)
        check_text("at", self.at, limit=40)


@dataclass(frozen=True)
class Survey(Model):
    """A questionnaire and everything answered so far."""

    id: str
    title: str
    lenses: tuple[Lens, ...] = ()
    questions: tuple[Question, ...] = ()
    anonymous: bool = False
    is_open: bool = True
    respondents: dict[str, Respondent] = field(default_factory=dict)
    answers: dict[str, dict[str, Answer]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_text("title", self.title, limit=MAX_NAME, required=True)
        lens_ids = [lens.id for lens in self.lenses]
        _no_duplicates("lenses", lens_ids)
        _no_duplicates("questions", [q.id for q in self.questions])
        for q in self.questions:
            if q.lens is not None and q.lens not in lens_ids:
                msg = f"questions[{q.id!r}].lens: no lens {q.lens!r}. Known lenses: {lens_ids}."
                raise NotFound(msg)
        for key, respondent in self.respondents.items():
            if key != respondent.id:
                raise InvalidInput(
                    f"respondents[{key!r}]: the key differs from the id {respondent.id!r}."
                )
            self._check_anonymous(respondent)
        for key, given in self.answers.items():
            if key not in self.respondents:
                raise NotFound(f"answers[{key!r}]: no respondent {key!r} in survey {self.id!r}.")
            for qid, answer in given.items():
                if qid != answer.question:
                    raise InvalidInput(
                        f"answers[{key!r}][{qid!r}]: the key differs from the question."
                    )
                self.question(qid).check_value(answer.value)

    # -- reading ---------------------------------------------------------------------------
    def question(self, question_id: str) -> Question:
        """The question with this id."""
        for q in self.questions:
            if q.id == question_id:
                return q
        known = [q.id for q in self.questions][:8]
        raise NotFound(f"No question {question_id!r} in survey {self.id!r}. Known: {known}.")

    def respondent(self, respondent_id: str) -> Respondent:
        """The respondent with this id."""
        try:
            return self.respondents[respondent_id]
        except KeyError:
            raise NotFound(
                f"No respondent {respondent_id!r} in survey {self.id!r}. Join first."
            ) from None

    def answer(self, respondent_id: str, question_id: str) -> Answer | None:
        """A respondent's current answer to a question, or None."""
        return self.answers.get(respondent_id, {}).get(question_id)

    # -- pure updates ------------------------------------------------------------------------
    def with_respondent(self, respondent: Respondent) -> Survey:
        """The survey with a respondent added, or their department and role updated."""
        self._check_anonymous(respondent)
        return evolve(self, respondents={**self.respondents, respondent.id: respondent})

    def without_respondent(self, respondent_id: str) -> Survey:
        """The survey without a respondent who has not answered anything."""
        self.respondent(respondent_id)
        if self.answers.get(respondent_id):
            raise Conflict(f"Respondent {respondent_id!r} has answers; clear them first.")
        kept = {k: v for k, v in self.respondents.items() if k != respondent_id}
        return evolve(
            self,
            respondents=kept,
            answers={k: v for k, v in self.answers.items() if k != respondent_id},
        )

    def with_answer(self, respondent_id: str, answer: Answer) -> Survey:
        """The survey with a respondent's answer given or changed (only while open)."""
        self._check_open()
        self.respondent(respondent_id)
        question = self.question(answer.question)
        question.check_value(answer.value)
        if answer.comment and not question.allow_comment:
            raise InvalidInput(
                f"Question {question.id!r} takes no comment; leave the comment empty."
            )
        mine = {**self.answers.get(respondent_id, {}), answer.question: answer}
        return evolve(self, answers={**self.answers, respondent_id: mine})

    def without_answer(self, respondent_id: str, question_id: str) -> Survey:
        """The survey with a respondent's answer to one question withdrawn (only while open)."""
        self._check_open()
        mine = {k: v for k, v in self.answers.get(respondent_id, {}).items() if k != question_id}
        answers = {k: v for k, v in self.answers.items() if k != respondent_id}
        if mine:
            answers[respondent_id] = mine
        return evolve(self, answers=answers)

    def with_open(self, is_open: bool) -> Survey:
        """The survey opened (answers accepted) or closed."""
        return evolve(self, is_open=bool(is_open))

    def _check_open(self) -> None:
        if not self.is_open:
            msg = f"Survey {self.id!r} is closed; answers can no longer change. Ask the facilitator to reopen it."
            raise Conflict(msg)

    def _check_anonymous(self, respondent: Respondent) -> None:
        if self.anonymous and (respondent.role or respondent.participant):
            msg = f"Survey {self.id!r} is anonymous: give only a department for respondent {respondent.id!r}."
            raise InvalidInput(msg)


def _no_duplicates(field_name: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise Conflict(f"{field_name}: the id {item!r} is used twice. Give each a unique id.")
        seen.add(item)
