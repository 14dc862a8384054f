"""Survey analysis for the facilitator's dashboard: where views diverge, not just averages.

Import ``servicekit.analysis.survey`` itself: it needs pandas, which a participant's page
never loads, so :mod:`servicekit.analysis` leaves it out.

Scores. A scale answer ``v`` of ``points`` scores ``(v - 1) / (points - 1)``, a band index
``i`` of ``n`` bands ``i / (n - 1)``: 0 to 1, so spread and gaps compare across questions.
A band says how many, not how good, so lens means use scale answers only.

Anonymity. A department is shown only when ``min_group`` respondents (3 unless told) from
it answered, and its cell for a question or lens only when ``min_group`` answered there.
Smaller departments are listed as hidden, their text reads "another department", and they
count in every overall figure: with one hidden department, the overall mean beside the
shown departments' means and sizes hints at its mean. Only :func:`answers_frame` has ids.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from ..errors import InvalidInput
from ..models import Question, Survey

# fmt: off
__all__ = [
    "ANOTHER_DEPARTMENT", "NO_DEPARTMENT", "Comment", "DepartmentScores", "Divergence", "Gap",
    "QuestionStats", "answers_frame", "department_scores", "divergence", "lens_scores",
    "open_answers", "question_stats", "responses_by_department",
]
# fmt: on

#: Department label of respondents who gave none.
NO_DEPARTMENT = "(no department)"
#: Label of text from a department below the anonymity threshold.
ANOTHER_DEPARTMENT = "another department"
_KINDS = ["scale", "bands", "open"]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Gap:
    """Two departments' mean answers (question units) and their gap as a share of the scale."""

    high: str
    low: str
    high_mean: float
    low_mean: float
    size: float


@dataclass(frozen=True)
class QuestionStats:
    """Figures for a scale or bands question in its units (see :func:`question_stats`)."""

    question: str
    n: int
    distribution: dict[int, int]
    mean: float | None
    median: float | None
    sd: float | None
    iqr: float | None
    consensus: float | None
    gap: Gap | None


@dataclass(frozen=True)
class Comment:
    """A comment beside an answer (``value``) or an open answer (no value), and its department."""

    department: str
    text: str
    value: int | None = None


@dataclass(frozen=True)
class Divergence:
    """A question where views differ, with the comments to start the discussion from."""

    question: Question
    stats: QuestionStats
    comments: tuple[Comment, ...]

    @property
    def dissent(self) -> float:
        """1 - consensus: 0 when all agree, 1 for an even split between the two ends."""
        return 1 - (self.stats.consensus or 0)


@dataclass(frozen=True, eq=False)
class DepartmentScores:
    """Heatmap data: mean scores (0 to 1) of shown departments (see :func:`department_scores`)."""

    departments: tuple[str, ...]
    hidden_departments: tuple[str, ...]
    by_lens: pd.DataFrame
    by_question: pd.DataFrame


# A dashboard asks for every figure of one survey value in a row. Models are replaced, never
# changed in place, so the survey's identity names its content: keep the last one's figures.
_last: tuple[weakref.ref[Survey] | None, dict[Any, Any]] = (None, {})


def _memo(build: F) -> F:
    def cached(survey: Survey, *args: Any) -> Any:
        global _last
        ref, memo = _last
        if ref is None or ref() is not survey:
            _last = ref, memo = weakref.ref(survey), {}
        if (build, *args) not in memo:
            memo[build, *args] = build(survey, *args)
        return memo[build, *args]

    return cast(F, cached)


def _check(min_group: Any) -> int:
    if isinstance(min_group, bool) or not isinstance(min_group, int) or min_group < 1:
        msg = f"min_group: expected a whole number of at least 1, received {min_group!r}. 3 is the usual minimum."
        raise InvalidInput(msg)
    return min_group


def _span(q: Question) -> tuple[int, int]:  # lowest value and width (open: 0 and 1)
    return {"scale": (1, q.points - 1), "bands": (0, len(q.bands) - 1)}.get(q.kind, (0, 1))


def _department(survey: Survey, respondent: str) -> str:
    return survey.respondents[respondent].department.strip() or NO_DEPARTMENT


def _groups(survey: Survey, min_group: int) -> tuple[list[str], list[str], dict[str, int]]:
    """Shown and hidden departments (sorted), and respondents who answered, per department."""
    sizes = Counter(_department(survey, r) for r, got in survey.answers.items() if got)
    shown = sorted(d for d, n in sizes.items() if n >= min_group)
    return shown, sorted(d for d, n in sizes.items() if n < min_group), dict(sizes)


@_memo
def _frame(survey: Survey) -> Any:
    """The answers frame without comment and text; ``value`` is a float (NaN for text)."""
    qs, given, lenses = survey.questions, survey.answers, [lens.id for lens in survey.lenses]
    values = [a.value for got in given.values() for a in got.values()]
    value = np.array([np.nan if isinstance(v, str) else v for v in values], dtype=float)
    who = np.repeat(np.arange(len(given)), [len(got) for got in given.values()])
    q_code = pd.Categorical([q for got in given.values() for q in got], [q.id for q in qs]).codes
    low, width = np.array([_span(q) for q in qs] or np.empty((0, 2)), dtype=float).T
    # One code past the end keeps these arrays integer when there are no questions.
    lens_code = np.array([lenses.index(q.lens) if q.lens else -1 for q in qs] + [-1])
    kind_code = np.array([_KINDS.index(q.kind) for q in qs] + [-1])
    departments = pd.Categorical([_department(survey, r) for r in given])
    roles = pd.Categorical([survey.respondents[r].role for r in given])
    columns = {
        "respondent": (who, list(given)),
        "department": (departments.codes[who], list(departments.categories)),
        "role": (roles.codes[who], list(roles.categories)),
        "question": (q_code, [q.id for q in qs]),
        "lens": (lens_code[q_code], lenses),
        "kind": (kind_code[q_code], _KINDS),
    }
    frame = pd.DataFrame({k: pd.Categorical.from_codes(*c) for k, c in columns.items()})
    return frame.assign(value=value, score=(value - low[q_code]) / width[q_code] if qs else value)


def answers_frame(survey: Survey) -> pd.DataFrame:
    """One row per answer (a new frame on each call), for the dashboard's own analysis.

    Columns: respondent, department (:data:`NO_DEPARTMENT` if empty), role, question, lens,
    kind (categories), value (scale point or band index; NA if open), score (0 to 1, see
    the module notes; NaN if open), comment and text (the open answer, else "").

    Examples
    --------
    >>> from servicekit.models import Answer, Question, Respondent, Survey
    >>> q, said = Question("q", "Teams share", points=5), {"r": {"q": Answer("q", 4)}}
    >>> s = Survey("s", "Check", (), (q,), respondents={"r": Respondent("r")}, answers=said)
    >>> answers_frame(s)[["department", "value", "score"]].to_dict("records")
    [{'department': '(no department)', 'value': 4, 'score': 0.75}]
    """
    said = [a for got in survey.answers.values() for a in got.values()]
    return _frame(survey).assign(
        value=lambda f: f.value.astype("Int64"),
        comment=pd.Series([a.comment for a in said], dtype="str"),
        text=pd.Series([a.value if isinstance(a.value, str) else "" for a in said], dtype="str"),
    )


@_memo
def _stats(survey: Survey, min_group: int) -> list[QuestionStats]:
    frame = _frame(survey)
    rated = frame[frame.kind != "open"]
    by_q = rated.groupby("question", observed=True)
    # Tastle & Wierman on scores, whose width is 1: 1 + mean(log2(1 - |score - mean|)).
    spread = (rated.score - by_q.score.transform("mean")).abs()
    consensus = 1 + np.log2(1 - spread).groupby(rated.question, observed=True).mean()
    table = by_q.value.agg(["size", "mean", "median"]).assign(sd=by_q.value.std(ddof=0))
    iqr = by_q.value.quantile(0.75) - by_q.value.quantile(0.25)
    rows = table.assign(iqr=iqr, consensus=consensus.clip(0, 1)).to_dict("index")
    counts = rated.groupby(["question", "value"], observed=True).size().to_dict()
    kept = rated[rated.department.isin(_groups(survey, min_group)[0])]
    by_dept = kept.groupby(["question", "department"], observed=True).value.agg(["mean", "size"])
    means: dict[str, list[tuple[float, str]]] = {}
    for (q, d), mean in by_dept["mean"][by_dept["size"] >= min_group].items():
        means.setdefault(q, []).append((float(mean), d))
    found = []
    for q in (q for q in survey.questions if q.kind != "open"):
        (low, width), row, ends = _span(q), rows.get(q.id, {}), sorted(means.get(q.id, []))
        gap = None
        if len(ends) > 1:  # sorted by mean, then name: ties go to the name first (low) or last
            (bottom, lo), (top, hi) = ends[0], ends[-1]
            gap = Gap(hi, lo, top, bottom, (top - bottom) / width)
        figures = ("mean", "median", "sd", "iqr", "consensus")
        mean, median, sd, iqr, agree = (float(row[k]) if row else None for k in figures)
        count = {v: counts.get((q.id, v), 0) for v in range(low, low + width + 1)}
        n = int(row.get("size", 0))
        found.append(QuestionStats(q.id, n, count, mean, median, sd, iqr, agree, gap))
    return found


def question_stats(survey: Survey, min_group: int = 3) -> list[QuestionStats]:
    """Figures for each scale and bands question, in survey order.

    ``consensus`` is Tastle and Wierman's measure of ordinal dispersion (W. J. Tastle and
    M. J. Wierman, "Consensus and dissention: a measure of ordinal dispersion", Int. J. of
    Approximate Reasoning 45(3), 2007): the mean of ``1 + log2(1 - |X - mean| / width)``
    over the answers. It is 1 when all agree and 0 for an even split between the two ends;
    every answer counts, so a dissenting few show (an interquartile range ignores a quarter
    of the room at each end). On 1 to 5, answers 1, 3, 5 give ``1 + (-1 + 0 - 1) / 3 = 1/3``.

    ``n`` counts answers, ``distribution`` every possible value (zeros included); ``mean``,
    ``median``, ``sd`` (population) and ``iqr`` (interpolated, pandas' default: Hyndman and
    Fan type 7) are in the question's units, None while unanswered. ``gap`` compares mean
    answers of departments with ``min_group`` respondents in the survey and ``min_group``
    answers here (ties: ``low`` is first by name, ``high`` last). Below, departments A and
    B of three answer 5 and 1; C, of one, answers 3.

    Examples
    --------
    >>> from servicekit.models import Answer, Question, Respondent, Survey
    >>> given = [("A", 5), ("A", 5), ("A", 5), ("B", 1), ("B", 1), ("B", 1), ("C", 3)]
    >>> people = {f"r{i}": Respondent(f"r{i}", d) for i, (d, _) in enumerate(given)}
    >>> said = {f"r{i}": {"q": Answer("q", v)} for i, (_, v) in enumerate(given)}
    >>> s = Survey("s", "S", (), (Question("q", "We share"),), respondents=people, answers=said)
    >>> stats = question_stats(s)[0]
    >>> stats.n, stats.distribution, stats.mean, stats.median, stats.iqr
    (7, {1: 3, 2: 0, 3: 1, 4: 0, 5: 3}, 3.0, 3.0, 4.0)
    >>> round(stats.consensus, 4)  # 1 + (6 * log2(0.5) + log2(1)) / 7 = 1/7
    0.1429
    >>> stats.gap
    Gap(high='A', low='B', high_mean=5.0, low_mean=1.0, size=1.0)
    """
    return list(_stats(survey, _check(min_group)))


def divergence(
    survey: Survey, min_group: int = 3, by: Literal["spread", "gap"] = "spread"
) -> list[Divergence]:
    """Answered questions, where views differ most first, each with its comments.

    ``by="spread"`` ranks by dissent (1 - consensus), then standard deviation; ``by="gap"``
    by the largest gap between departments, leaving out questions with no two to compare.
    Ties keep survey order. Comments come lowest answer first, with a department, never a name.

    Examples
    --------
    >>> from servicekit.models import Answer, Question, Respondent, Survey
    >>> qs = Question("calm", "Calm"), Question("hot", "Hot")
    >>> hot = {"x": (1, "Never"), "y": (5, "Daily"), "z": (3, "")}
    >>> said = {r: {"calm": Answer("calm", 4), "hot": Answer("hot", *h)} for r, h in hot.items()}
    >>> people = {r: Respondent(r, "Ops") for r in hot}
    >>> s = Survey("s", "S", (), qs, respondents=people, answers=said)
    >>> [(d.question.id, round(d.dissent, 3)) for d in divergence(s)]  # 1 - 1/3, 1 - 1
    [('hot', 0.667), ('calm', 0.0)]
    >>> [(c.department, c.value, c.text) for c in divergence(s)[0].comments]
    [('Ops', 1, 'Never'), ('Ops', 5, 'Daily')]
    """
    if by not in ("spread", "gap"):
        raise InvalidInput(f"by: expected 'spread' or 'gap', received {by!r}.")
    stats = [s for s in question_stats(survey, min_group) if s.n]
    if by == "gap":
        stats = sorted((s for s in stats if s.gap), key=lambda s: -s.gap.size if s.gap else 0)
    else:  # rounded so that float noise cannot break a tie
        stats = sorted(stats, key=lambda s: (round(s.consensus or 0.0, 9), -(s.sd or 0.0)))
    said = _remarks(survey, min_group)
    return [Divergence(survey.question(s.question), s, said.get(s.question, ())) for s in stats]


@_memo
def _remarks(survey: Survey, min_group: int) -> dict[str, tuple[Comment, ...]]:
    """Comments (by question, lowest answer first) and open answers, hidden departments last."""
    shown, found = set(_groups(survey, min_group)[0]), dict[str, list[Any]]()
    for r, got in survey.answers.items():
        label = d if (d := _department(survey, r)) in shown else ANOTHER_DEPARTMENT
        for q, a in got.items():
            value, text = (None, a.value) if isinstance(a.value, str) else (a.value, a.comment)
            if text.strip():
                found.setdefault(q, []).append((value or 0, d not in shown, label, text, value))
    return {q: tuple(Comment(*x[2:]) for x in sorted(said)) for q, said in found.items()}


def lens_scores(survey: Survey) -> dict[str, float | None]:
    """Mean score (0 to 1) of each lens's scale answers, each answer weighing the same.

    Keys are lens ids in survey order; None for a lens nobody has answered. Band answers are
    left out (see the module notes). Below, the scores are 1 and 0.25: the mean is 0.625.

    Examples
    --------
    >>> from servicekit.models import Answer, Lens, Question, Respondent, Survey
    >>> lenses = Lens("people", "People"), Lens("systems", "Systems")
    >>> q, people = Question("q", "We share", lens="people"), {r: Respondent(r) for r in "xy"}
    >>> said = {"x": {"q": Answer("q", 5)}, "y": {"q": Answer("q", 2)}}
    >>> lens_scores(Survey("s", "S", lenses, (q,), respondents=people, answers=said))
    {'people': 0.625, 'systems': None}
    """
    frame = _frame(survey)
    means = frame[frame.kind == "scale"].groupby("lens", observed=True).score.mean().to_dict()
    return {lens.id: float(means[lens.id]) if lens.id in means else None for lens in survey.lenses}


def department_scores(survey: Survey, min_group: int = 3) -> DepartmentScores:
    """Mean scores (0 to 1) per department and lens, and per department and question.

    Rows are the shown departments (see the module notes); a cell is NaN when fewer than
    ``min_group`` of them answered there. Lenses count scale answers only (see
    :func:`lens_scores`); questions are the scale and bands ones, in survey order.

    Examples
    --------
    >>> from servicekit.models import Answer, Question, Respondent, Survey
    >>> given = {"a1": ("A", 5), "a2": ("A", 4), "a3": ("A", 5), "c1": ("C", 1)}
    >>> people = {r: Respondent(r, d) for r, (d, _) in given.items()}
    >>> said = {r: {"q": Answer("q", v)} for r, (_, v) in given.items()}
    >>> s = Survey("s", "S", (), (Question("q", "We share"),), respondents=people, answers=said)
    >>> scores = department_scores(s)
    >>> scores.departments, scores.hidden_departments
    (('A',), ('C',))
    >>> print(round(scores.by_question.at["A", "q"], 4))  # (1 + 0.75 + 1) / 3
    0.9167
    """
    shown, hidden, _ = _groups(survey, least := _check(min_group))
    frame = _frame(survey)
    rated = frame[(frame.kind != "open") & frame.department.isin(shown)]
    scale, lenses = rated[rated.kind == "scale"], [lens.id for lens in survey.lenses]
    questions = [q.id for q in survey.questions if q.kind != "open"]
    cells = []
    for part, key, order in ((scale, "lens", lenses), (rated, "question", questions)):
        table = part.groupby(["department", key], observed=True)
        score = table.score.mean().where(table.respondent.nunique() >= least).unstack(key)
        cells.append(score.reindex(index=shown, columns=order))
    return DepartmentScores(tuple(shown), tuple(hidden), *cells)


def responses_by_department(survey: Survey, min_group: int = 3) -> dict[str, int | None]:
    """Respondents who answered anything, per department, larger departments first.

    A department below ``min_group`` comes last with None instead of a number, for the
    dashboard to show as "fewer than 3" (for the default threshold), never as 1 or 2.

    Examples
    --------
    >>> from servicekit.models import Answer, Question, Respondent, Survey
    >>> people = {r: Respondent(r, "Legal" if r == "d" else "Ops") for r in "abcde"}
    >>> said = {r: {"q": Answer("q", 3)} for r in "abcd"}  # e has not answered
    >>> s = Survey("s", "S", (), (Question("q", "We share"),), respondents=people, answers=said)
    >>> responses_by_department(s)
    {'Ops': 3, 'Legal': None}
    """
    shown, hidden, sizes = _groups(survey, _check(min_group))
    ranked = sorted(shown, key=lambda d: (-sizes[d], d))
    return {d: sizes[d] for d in ranked} | dict.fromkeys(hidden)


def open_answers(survey: Survey, min_group: int = 3) -> dict[str, tuple[Comment, ...]]:
    """Open answers by question id (survey order), each with a department, never a name.

    Blank answers are left out. Answers are sorted by department and text, not by time;
    a department below ``min_group`` reads :data:`ANOTHER_DEPARTMENT` and comes last.

    Examples
    --------
    >>> from servicekit.models import Answer, Question, Respondent, Survey
    >>> people = {r: Respondent(r, "Legal" if r == "d" else "Ops") for r in "abcd"}
    >>> texts = zip("abcd", ["Checklists", " ", "A map", "Ask me"])
    >>> said = {r: {"q": Answer("q", text)} for r, text in texts}
    >>> q = Question("q", "What helps?", kind="open")
    >>> s = Survey("s", "S", (), (q,), respondents=people, answers=said)
    >>> [(a.department, a.text) for a in open_answers(s)["q"]]
    [('Ops', 'A map'), ('Ops', 'Checklists'), ('another department', 'Ask me')]
    """
    said = _remarks(survey, _check(min_group))
    return {q.id: said.get(q.id, ()) for q in survey.questions if q.kind == "open"}
