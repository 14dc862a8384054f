"""Survey analysis for the facilitator's dashboard: spread, department gaps and anonymity.

The surveys below are small enough to count by hand; every expected figure was worked out
in the comments beside it, not computed by the code under test.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import surveys

from servicekit.analysis.survey import (
    ANOTHER_DEPARTMENT,
    NO_DEPARTMENT,
    Comment,
    QuestionStats,
    answers_frame,
    department_scores,
    divergence,
    lens_scores,
    open_answers,
    question_stats,
    responses_by_department,
)
from servicekit.errors import InvalidInput
from servicekit.models import Answer, Lens, Question, Respondent, Survey

REPO = Path(__file__).resolve().parents[2]
BANDS = ("1", "2-3", "4-5", "6 or more")  # indexes 0..3, scores 0, 1/3, 2/3, 1


def _survey(
    questions: tuple[Question, ...],
    people: dict[str, str],
    said: dict[str, dict[str, Any]],
    **kw: Any,
) -> Survey:
    """A survey from {respondent: department} and {respondent: {question: value or (value, comment)}}."""
    answers = {
        r: {q: Answer(q, *(v if isinstance(v, tuple) else (v,))) for q, v in got.items()}
        for r, got in said.items()
    }
    respondents = {r: Respondent(r, d) for r, d in people.items()}
    lenses = kw.pop("lenses", ())
    return Survey("s", "Check", lenses, questions, respondents=respondents, answers=answers, **kw)


@pytest.fixture
def room() -> Survey:
    """Sales s1-s4, Ops o1-o3 (o4 joined but answered nothing), Legal l1, and n1 with no department."""
    questions = (
        Question("collab", "Teams sort problems out together", lens="people"),
        Question("docs", "The process is written down", lens="process"),
        Question(
            "count", "How many systems do you use?", lens="systems", kind="bands", bands=BANDS
        ),
        Question("tools", "Our tools fit the work", lens="systems"),
        Question("idea", "What would help most?", kind="open"),
    )
    people = {"s1": "Sales", "s2": "Sales", "s3": "Sales", "s4": "Sales", "o1": "Ops", "o2": "Ops"}
    people |= {"o3": "Ops", "o4": "Ops", "l1": "Legal", "n1": ""}
    said: dict[str, dict[str, Any]] = {
        "s1": {
            "collab": (5, "We fix it together"),
            "docs": 2,
            "count": 0,
            "tools": 4,
            "idea": "Shared inbox",
        },
        "s2": {"collab": 5, "docs": 2, "count": 0, "tools": 4, "idea": "  "},
        "s3": {"collab": 4, "docs": 2, "count": 1},
        "s4": {"collab": 4, "docs": 2, "count": 1},
        "o1": {
            "collab": (1, "Nobody calls back"),
            "docs": 2,
            "count": 3,
            "tools": 2,
            "idea": "Call me",
        },
        "o2": {"collab": (2, "   "), "docs": 2, "count": 3, "tools": 2},
        "o3": {"collab": 1, "docs": 2, "count": 3, "tools": 2},
        "o4": {},
        "l1": {"collab": (3, "Legal sees it late"), "docs": 1, "idea": "Legal text here"},
        "n1": {"collab": 3, "docs": 5, "idea": "From nowhere"},
    }
    lenses = (Lens("people", "People"), Lens("process", "Process"), Lens("systems", "Systems"))
    return _survey(questions, people, said, lenses=lenses)


def _stats(survey: Survey, question: str, min_group: int = 3) -> QuestionStats:
    return next(s for s in question_stats(survey, min_group) if s.question == question)


# -- answers_frame ---------------------------------------------------------------------------
def test_answers_frame_has_one_row_per_answer_with_scores(room: Survey) -> None:
    frame = answers_frame(room)
    # Sales 5 + 5 + 3 + 3, Ops 5 + 4 + 4 + 0, Legal 3, no department 3
    assert len(frame) == 35
    assert list(frame.columns) == [
        "respondent", "department", "role", "question", "lens", "kind", "value", "score", "comment", "text"
    ]  # fmt: skip
    row = frame[(frame.respondent == "o1") & (frame.question == "count")].iloc[0]
    assert (row.department, row.kind, row.value, row.score) == (
        "Ops",
        "bands",
        3,
        1.0,
    )  # 3 / (4 - 1)
    row = frame[(frame.respondent == "s1") & (frame.question == "collab")].iloc[0]
    assert (row.score, row.comment) == (1.0, "We fix it together")  # (5 - 1) / (5 - 1)
    row = frame[(frame.respondent == "n1") & (frame.question == "idea")].iloc[0]
    assert row.department == NO_DEPARTMENT
    assert pd.isna(row.value) and math.isnan(row.score) and row.text == "From nowhere"


def test_answers_frame_is_a_fresh_copy(room: Survey) -> None:
    frame = answers_frame(room)
    frame["score"] = -1.0
    assert answers_frame(room).score.max() == 1.0


# -- question_stats --------------------------------------------------------------------------
def test_distribution_mean_median_sd_and_iqr(room: Survey) -> None:
    stats = _stats(room, "collab")
    # answers 5 5 4 4 | 1 2 1 | 3 | 3; sorted 1 1 2 3 3 4 4 5 5
    assert stats.n == 9
    assert stats.distribution == {1: 2, 2: 1, 3: 2, 4: 2, 5: 2}
    assert stats.mean == pytest.approx(28 / 9)
    assert stats.median == 3
    # sum of squares 106: variance 106/9 - (28/9)**2 = 2.0988
    assert stats.sd == pytest.approx(math.sqrt(106 / 9 - (28 / 9) ** 2))
    # Q1 at position 8 * 0.25 = 2 -> 2; Q3 at 8 * 0.75 = 6 -> 4
    assert stats.iqr == 2


def test_bands_keep_their_own_units_and_empty_bands_show(room: Survey) -> None:
    stats = _stats(room, "count")
    # indexes 0 0 1 1 | 3 3 3; sorted 0 0 1 1 3 3 3
    assert stats.distribution == {0: 2, 1: 2, 2: 0, 3: 3}
    assert stats.mean == pytest.approx(11 / 7)
    assert stats.median == 1
    # Q1 at 6 * 0.25 = 1.5 -> between 0 and 1 = 0.5; Q3 at 4.5 -> between 3 and 3 = 3
    assert stats.iqr == 2.5
    # Ops mean 3, Sales mean 0.5: (3 - 0.5) / 3 bands wide
    assert (stats.gap.high, stats.gap.low) == ("Ops", "Sales")
    assert stats.gap.size == pytest.approx(2.5 / 3)


def _one_question(values: list[int], points: int = 5, kind: str = "scale") -> Survey:
    q = Question(
        "q", "Q", points=points, kind=kind, bands=BANDS[:points] if kind == "bands" else ()
    )
    people = {f"r{i}": "Ops" for i in range(len(values))}
    return _survey((q,), people, {f"r{i}": {"q": v} for i, v in enumerate(values)})


@pytest.mark.parametrize(
    ("values", "points", "consensus", "iqr"),
    [
        ([4, 4, 4], 5, 1.0, 0.0),  # everyone agrees: every log2(1 - 0) is 0
        ([1, 1, 5, 5], 5, 0.0, 4.0),  # split between the ends: log2(1 - 1/2) = -1 for all
        ([1, 2], 2, 0.0, 0.5),  # the same on a two-point scale; Q1 1.25, Q3 1.75
        ([1, 3, 5], 5, 1 / 3, 2.0),  # 1 + (-1 + 0 - 1) / 3
        # uniform: deviations 1/2 1/4 0 1/4 1/2 -> 1 + (2 * -1 + 2 * log2(3/4)) / 5 = 0.4340
        ([1, 2, 3, 4, 5], 5, 1 + (2 * -1 + 2 * math.log2(0.75)) / 5, 2.0),
    ],
)
def test_consensus_hand_computed(
    values: list[int], points: int, consensus: float, iqr: float
) -> None:
    stats = question_stats(_one_question(values, points))[0]
    assert stats.consensus == pytest.approx(consensus, abs=1e-12)
    assert stats.iqr == pytest.approx(iqr)


def test_consensus_on_bands_uses_the_band_width() -> None:
    # bands 0 1 2 of 3: scores 0, 1/2, 1 -> like 1, 3, 5 on five points: 1/3
    stats = question_stats(_one_question([0, 1, 2], points=3, kind="bands"))[0]
    assert stats.consensus == pytest.approx(1 / 3)
    assert stats.distribution == {0: 1, 1: 1, 2: 1}


def test_gap_counts_only_departments_above_the_threshold(room: Survey) -> None:
    # docs: Sales 2 2 2 2, Ops 2 2 2, Legal 1, no department 5
    gap = _stats(room, "docs").gap
    # only Sales and Ops count: equal means, so low is Ops (first by name), high Sales
    assert (gap.high, gap.low, gap.high_mean, gap.low_mean, gap.size) == (
        "Sales",
        "Ops",
        2.0,
        2.0,
        0.0,
    )
    gap = _stats(room, "docs", min_group=1).gap
    # everyone counts: (no department) 5 against Legal 1, (5 - 1) / 4
    assert (gap.high, gap.low, gap.size) == (NO_DEPARTMENT, "Legal", 1.0)


def test_gap_needs_two_departments_with_enough_answers(room: Survey) -> None:
    # tools: Sales has 4 respondents but only s1 and s2 answered; Ops alone is not a gap
    assert _stats(room, "tools").gap is None
    # with a threshold of 2 Sales counts: mean 4 against Ops 2, (4 - 2) / 4
    gap = _stats(room, "tools", min_group=2).gap
    assert (gap.high, gap.low, gap.size) == ("Sales", "Ops", 0.5)


def test_collab_gap(room: Survey) -> None:
    gap = _stats(room, "collab").gap
    # Sales (5 + 5 + 4 + 4) / 4 = 4.5, Ops (1 + 2 + 1) / 3; (4.5 - 4/3) / 4
    assert (gap.high, gap.low) == ("Sales", "Ops")
    assert (gap.high_mean, gap.low_mean) == (4.5, pytest.approx(4 / 3))
    assert gap.size == pytest.approx((4.5 - 4 / 3) / 4)


def test_unanswered_questions_have_counts_but_no_figures() -> None:
    s = _survey((Question("q", "Q", points=4), Question("o", "O", kind="open")), {}, {})
    [stats] = question_stats(s)  # open questions have no figures at all
    assert (stats.n, stats.distribution) == (0, {1: 0, 2: 0, 3: 0, 4: 0})
    assert (stats.mean, stats.median, stats.sd, stats.iqr, stats.consensus, stats.gap) == (
        None,
    ) * 6


# -- divergence ------------------------------------------------------------------------------
@pytest.fixture
def split_room() -> Survey:
    questions = (
        Question("agree", "A"),  # everyone 4: consensus 1, gap 0
        Question("split", "S"),  # A 1 1 1, B 5 5 5: consensus 0, gap 1
        Question("mixed", "M"),  # 1 3 5 in both: consensus 1/3, gap 0
        Question("lean", "L"),  # A 2 2 2, B 3 3 3: deviations 1/8, 1 + log2(7/8) = 0.807, gap 1/4
        Question("alone", "Al"),  # only A answers, 1 and 5: consensus 0 too, no gap
        Question("nobody", "N"),
    )
    people = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "b3": "B"}
    said: dict[str, dict[str, Any]] = {r: {"agree": 4} for r in people}
    for r, split, mixed, lean in [("a1", 1, 1, 2), ("a2", 1, 3, 2), ("a3", 1, 5, 2)]:
        said[r] |= {"split": split, "mixed": mixed, "lean": lean}
    for r, split, mixed, lean in [("b1", 5, 1, 3), ("b2", 5, 3, 3), ("b3", (5, "Always"), 5, 3)]:
        said[r] |= {"split": split, "mixed": mixed, "lean": lean}
    said["a1"] |= {"split": (1, "Never"), "alone": 1}
    said["a2"] |= {"alone": 5}
    return _survey(questions, people, said)


def test_divergence_ranks_by_spread_first(split_room: Survey) -> None:
    ranked = divergence(split_room)
    # alone: scores 0 and 1, like an even split: consensus 0, so it ties with split (survey order)
    assert [d.question.id for d in ranked] == ["split", "alone", "mixed", "lean", "agree"]
    assert [round(d.dissent, 4) for d in ranked] == [1.0, 1.0, round(2 / 3, 4), 0.1926, 0.0]


def test_divergence_ranks_by_department_gap(split_room: Survey) -> None:
    ranked = divergence(split_room, by="gap")
    # split 1, lean 1/4, then agree and mixed at 0 in survey order; alone has no second department
    assert [d.question.id for d in ranked] == ["split", "lean", "agree", "mixed"]
    assert [d.stats.gap.size for d in ranked] == [1.0, 0.25, 0.0, 0.0]  # type: ignore[union-attr]


def test_equal_consensus_is_broken_by_standard_deviation() -> None:
    two, five = Question("two", "Two", points=2), Question("five", "Five")
    s = _survey(
        (two, five), {"x": "A", "y": "A"}, {"x": {"two": 1, "five": 1}, "y": {"two": 2, "five": 5}}
    )
    # both are even splits between the ends (consensus 0); sd 0.5 on two points, 2 on five
    assert [d.question.id for d in divergence(s)] == ["five", "two"]


def test_divergence_brings_comments_lowest_answer_first(split_room: Survey, room: Survey) -> None:
    split = divergence(split_room)[0]
    assert split.comments == (Comment("A", "Never", 1), Comment("B", "Always", 5))
    collab = next(d for d in divergence(room) if d.question.id == "collab")
    # o2's comment is blank and left out; Legal (one respondent) is not named
    assert collab.comments == (
        Comment("Ops", "Nobody calls back", 1),
        Comment(ANOTHER_DEPARTMENT, "Legal sees it late", 3),
        Comment("Sales", "We fix it together", 5),
    )


def test_divergence_refuses_an_unknown_ranking(room: Survey) -> None:
    with pytest.raises(InvalidInput, match="'spread' or 'gap'"):
        divergence(room, by="mean")  # type: ignore[arg-type]


# -- lens and department scores --------------------------------------------------------------
def test_lens_scores_use_scale_answers_only(room: Survey) -> None:
    scores = lens_scores(room)
    assert list(scores) == ["people", "process", "systems"]
    # people (collab): 1 1 .75 .75 | 0 .25 0 | .5 | .5 = 4.75 over 9
    assert scores["people"] == pytest.approx(4.75 / 9)
    # process (docs): .25 * 4 | .25 * 3 | 0 | 1 = 2.75 over 9
    assert scores["process"] == pytest.approx(2.75 / 9)
    # systems: the bands question is left out; tools .75 .75 | .25 .25 .25 = 2.25 over 5
    assert scores["systems"] == pytest.approx(2.25 / 5)


def test_department_scores_hide_small_departments_and_thin_cells(room: Survey) -> None:
    scores = department_scores(room)
    assert scores.departments == ("Ops", "Sales")
    assert scores.hidden_departments == (NO_DEPARTMENT, "Legal")
    q = scores.by_question
    assert list(q.index) == ["Ops", "Sales"]
    assert list(q.columns) == ["collab", "docs", "count", "tools"]
    # Sales collab 1 1 .75 .75 -> .875; Ops 0 .25 0 -> 1/12
    assert q.at["Sales", "collab"] == pytest.approx(0.875)
    assert q.at["Ops", "collab"] == pytest.approx(1 / 12)
    # bands: Sales 0 0 1/3 1/3 -> 1/6; Ops 1 1 1
    assert q.at["Sales", "count"] == pytest.approx(1 / 6)
    assert q.at["Ops", "count"] == 1.0
    # only two of Sales answered tools: not shown; Ops 2 2 2 -> .25
    assert math.isnan(q.at["Sales", "tools"])
    assert q.at["Ops", "tools"] == 0.25
    lens = scores.by_lens
    assert list(lens.columns) == ["people", "process", "systems"]
    # systems holds one scale question (tools): Sales has two respondents there, Ops three
    assert math.isnan(lens.at["Sales", "systems"])
    assert lens.at["Ops", "systems"] == 0.25
    assert lens.at["Sales", "process"] == 0.25


def test_a_larger_threshold_hides_more(room: Survey) -> None:
    scores = department_scores(room, min_group=4)
    assert scores.departments == ("Sales",)
    assert scores.hidden_departments == (NO_DEPARTMENT, "Legal", "Ops")
    assert list(responses_by_department(room, min_group=4).items()) == [
        ("Sales", 4), (NO_DEPARTMENT, None), ("Legal", None), ("Ops", None)
    ]  # fmt: skip


def test_responses_count_those_who_answered(room: Survey) -> None:
    # o4 joined Ops but answered nothing: Ops counts 3
    counts = responses_by_department(room)
    assert list(counts.items()) == [
        ("Sales", 4),
        ("Ops", 3),
        (NO_DEPARTMENT, None),
        ("Legal", None),
    ]


def test_hidden_departments_are_never_named_beside_figures_or_text(room: Survey) -> None:
    hidden = {"Legal", NO_DEPARTMENT}
    scores = department_scores(room)
    assert not hidden & (set(scores.by_question.index) | set(scores.by_lens.index))
    for stats in question_stats(room):
        assert stats.gap is None or not hidden & {stats.gap.high, stats.gap.low}
    texts = [c for d in divergence(room) for c in d.comments]
    texts += [a for answers in open_answers(room).values() for a in answers]
    assert texts and not hidden & {c.department for c in texts}


def test_open_answers_by_question_without_names(room: Survey) -> None:
    answers = open_answers(room)
    assert list(answers) == ["idea"]
    # s2's blank answer is left out; Legal and no-department come last, unnamed, by text
    assert answers["idea"] == (
        Comment("Ops", "Call me"),
        Comment("Sales", "Shared inbox"),
        Comment(ANOTHER_DEPARTMENT, "From nowhere"),
        Comment(ANOTHER_DEPARTMENT, "Legal text here"),
    )


def test_anonymous_survey() -> None:
    q = Question("q", "Q")
    people = {"a": "Ops", "b": "Ops", "c": "Ops"}
    s = _survey(
        (q,), people, {"a": {"q": (2, "Slow")}, "b": {"q": 4}, "c": {"q": 3}}, anonymous=True
    )
    assert set(answers_frame(s).role) == {""}
    assert _stats(s, "q").mean == 3.0
    assert divergence(s)[0].comments == (Comment("Ops", "Slow", 2),)
    assert responses_by_department(s) == {"Ops": 3}
    assert department_scores(s).by_question.at["Ops", "q"] == 0.5  # (1/4 + 3/4 + 1/2) / 3


def test_a_new_survey_value_gets_new_figures(room: Survey) -> None:
    before = _stats(room, "collab")
    after = room.with_answer("o4", Answer("collab", 5))
    assert _stats(after, "collab").n == 10
    assert _stats(room, "collab") == before  # the old value still gives its own figures
    assert responses_by_department(after)["Ops"] == 4


@pytest.mark.parametrize("bad", [0, -1, 2.5, "3", True, None])
def test_min_group_must_be_a_positive_whole_number(room: Survey, bad: object) -> None:
    for call in (
        question_stats,
        divergence,
        department_scores,
        responses_by_department,
        open_answers,
    ):
        with pytest.raises(InvalidInput, match="min_group"):
            call(room, bad)  # type: ignore[operator]


def test_empty_and_single_respondent_surveys() -> None:
    empty = _survey((), {}, {})
    assert question_stats(empty) == [] and divergence(empty) == [] and lens_scores(empty) == {}
    assert responses_by_department(empty) == {} and open_answers(empty) == {}
    assert len(answers_frame(empty)) == 0
    one = _survey(
        (Question("q", "Q", lens=None), Question("o", "O", kind="open")),
        {"r": "Ops"},
        {"r": {"q": 2, "o": "Hi"}},
    )
    stats = _stats(one, "q")
    assert (stats.n, stats.sd, stats.iqr, stats.consensus, stats.gap) == (1, 0.0, 0.0, 1.0, None)
    assert department_scores(one).departments == ()
    assert open_answers(one) == {"o": (Comment(ANOTHER_DEPARTMENT, "Hi"),)}


# -- properties ------------------------------------------------------------------------------
@given(surveys(), st.integers(1, 4))
def test_figures_stay_in_range_on_any_survey(survey: Survey, min_group: int) -> None:
    answered = {
        survey.respondents[r].department.strip() or NO_DEPARTMENT
        for r, got in survey.answers.items()
        if got
    }
    sizes = {
        d: sum(
            1
            for r, got in survey.answers.items()
            if got and (survey.respondents[r].department.strip() or NO_DEPARTMENT) == d
        )
        for d in answered
    }
    for stats in question_stats(survey, min_group):
        assert sum(stats.distribution.values()) == stats.n
        if stats.n == 0:
            assert stats.consensus is None and stats.gap is None
            continue
        assert stats.consensus is not None and 0.0 <= stats.consensus <= 1.0
        assert stats.sd is not None and stats.sd >= 0 and stats.iqr is not None and stats.iqr >= 0
        if stats.gap:
            assert 0.0 <= stats.gap.size <= 1.0 and stats.gap.high != stats.gap.low
            assert stats.gap.high_mean >= stats.gap.low_mean
            assert sizes[stats.gap.high] >= min_group and sizes[stats.gap.low] >= min_group
    scores = department_scores(survey, min_group)
    assert set(scores.departments) == {d for d, n in sizes.items() if n >= min_group}
    assert set(scores.hidden_departments) == {d for d, n in sizes.items() if n < min_group}
    cells = [*scores.by_question.to_numpy().ravel(), *scores.by_lens.to_numpy().ravel()]
    assert all(math.isnan(v) or 0.0 <= v <= 1.0 for v in cells)
    assert all(v is None or 0.0 <= v <= 1.0 for v in lens_scores(survey).values())
    counts = responses_by_department(survey, min_group)
    assert {d: n for d, n in counts.items() if n is not None} == {
        d: n for d, n in sizes.items() if n >= min_group
    }
    said = [c for d in divergence(survey, min_group, by="gap") for c in d.comments]
    said += [c for d in divergence(survey, min_group) for c in d.comments]
    said += [a for answers in open_answers(survey, min_group).values() for a in answers]
    assert {c.department for c in said} <= set(scores.departments) | {ANOTHER_DEPARTMENT}
    frame = answers_frame(survey)
    assert len(frame) == sum(len(got) for got in survey.answers.values())
    assert frame.score.dropna().between(0.0, 1.0).all()


@given(st.lists(st.integers(1, 7), min_size=1, max_size=30))
def test_consensus_is_one_exactly_when_all_agree(values: list[int]) -> None:
    stats = question_stats(_one_question(values, points=7))[0]
    assert 0.0 <= stats.consensus <= 1.0  # type: ignore[operator]
    assert (stats.consensus == pytest.approx(1.0)) == (len(set(values)) == 1)


# -- boundary --------------------------------------------------------------------------------
def test_importing_the_analysis_package_loads_no_pandas(tmp_path: Path) -> None:
    code = (
        "import sys, servicekit, servicekit.analysis\n"
        "print(sorted({'pandas', 'servicekit.analysis.survey'} & set(sys.modules)))\n"
        "import servicekit.analysis.survey\n"
        "print('pandas' in sys.modules)\n"
    )
    env = {
        "PYTHONPATH": str(REPO),
        "SERVICEKIT_DB": str(tmp_path / "b.db"),
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, check=True
    ).stdout.split("\n")
    assert out[:2] == ["[]", "True"]  # the second line proves the probe can see pandas at all
