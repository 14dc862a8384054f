"""A large workshop for the benchmarks: ten Five Whys trees, a questionnaire of a whole room, a long journey.

The biggest workshop a long day produces, built from the pieces the other benchmarks already use, so each
part has the shape its own benchmark describes:

* ten Five Whys trees of 60 answers (:func:`_five_whys_tree.build_tree`, seeds 1-10), each given a
  problem of its own;
* a questionnaire of 30 questions answered by 200 respondents (:func:`survey_bench.build_survey`),
  stored one respondent and one answer at a time, as a room answers it (:func:`store_survey`);
* a journey of 300 steps across 20 teams, both layers (:func:`_journey.build_journey`).

Everything goes through :class:`~servicekit.workshop.Workshop` intents, so the journal, its history (which
the report's data bundle carries) and its snapshots are those of a real workshop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from _five_whys_tree import TreeShape, build_tree
from _journey import JourneyShape, build_journey
from survey_bench import build_survey

from servicekit import create_workshop
from servicekit.models import Survey
from servicekit.workshop import Workshop

__all__ = ["LargeShape", "build_large_workshop", "store_survey"]

TREES = 10
TREE_ANSWERS = 60
RESPONDENTS = 200
STEPS, TEAMS = 300, 20
SLUG = "bench-large"
SURVEY_ID = "s-large"
#: One problem per tree, so the report's ten trees read as ten investigations.
PROBLEMS = (
    "Permit decisions take 21 working days against a target of 10",
    "One application in three comes back incomplete after the first check",
    "Applicants phone the front desk four times on average before a decision",
    "Site visits are booked a median of 12 days after they are requested",
    "A third of decisions are appealed, and half of the appeals succeed",
    "New starters take six months before they decide a case alone",
    "The weekly backlog report disagrees with the case system by 15 %",
    "Fees are refunded by hand, 40 days after a withdrawal on average",
    "Consultation replies from other departments arrive after the deadline in 60 % of cases",
    "Decision letters are reissued for errors in one case in eight",
)


@dataclass
class LargeShape:
    """What :func:`build_large_workshop` built: the slug, each part's shape, and the operations stored."""

    slug: str
    trees: list[TreeShape] = field(default_factory=list)
    survey_id: str = SURVEY_ID
    respondents: int = 0
    answers: int = 0
    journey: JourneyShape | None = None
    operations: int = 0

    def describe(self) -> str:
        """One line for the report."""
        answers = sum(len(t.nodes) for t in self.trees)
        j = self.journey
        return (
            f"{len(self.trees)} Five Whys trees ({answers} answers, "
            f"{sum(len(t.roots) for t in self.trees)} root causes), a questionnaire of 30 questions "
            f"with {self.respondents} respondents ({self.answers} answers), a journey of "
            f"{len(j.actual) if j else 0} steps across {j.lanes_used if j else 0} teams; "
            f"{self.operations} operations"
        )


def store_survey(ws: Workshop, survey: Survey, survey_id: str | None = None) -> tuple[int, int]:
    """Store a survey value through the public API, one respondent and one answer at a time.

    Returns the numbers of respondents and answers stored. The answers' times are those of storing.
    """
    sid = ws.add_survey(
        survey.title,
        [lens.to_dict() for lens in survey.lenses],
        [q.to_dict() for q in survey.questions],
        anonymous=survey.anonymous,
        survey_id=survey_id or survey.id,
    )
    answers = 0
    for who in survey.respondents.values():
        ws.add_respondent(sid, department=who.department, role=who.role, respondent_id=who.id)
        for answer in survey.answers.get(who.id, {}).values():
            ws.answer(sid, who.id, answer.question, answer.value, answer.comment)
            answers += 1
    return len(survey.respondents), answers


def build_large_workshop(db: Path, slug: str = SLUG) -> LargeShape:
    """Create the large workshop in ``db`` (a new database file); return what was built."""
    ws = create_workshop(
        slug, "Permits service review: the whole programme", client="Bench Ltd", db=db
    )
    try:
        shape = LargeShape(slug)
        for k in range(TREES):
            tree = build_tree(ws, TREE_ANSWERS, seed=k + 1)
            ws.set_problem(tree.tree_id, f"{PROBLEMS[k]} (tree {k + 1} of {TREES}).")
            shape.trees.append(tree)
        shape.respondents, shape.answers = store_survey(ws, build_survey(RESPONDENTS), SURVEY_ID)
        shape.journey = build_journey(ws, STEPS, TEAMS)
        shape.operations = ws.seq
    finally:
        ws.close()
    return shape
