"""Making Toast analysis on hand-built maps whose answers were counted by hand.

Three people map making toast, each alone:

    ann: 1 Get bread            2 Toast bread           3 Butter toast
    bob: 1 Take bread from bag  2 Put in toaster        3 Butter
    cy:  1 Get the bread        2 Put bread in toaster  3 Wait for it to pop  4 Butter the toast  5 Eat

Relative positions (position / (steps - 1)): ann and bob 0, 0.5, 1; cy 0, 0.25, 0.5, 0.75, 1.

With the facilitator's synonyms (take bread from bag = get bread, butter = butter toast, put
in toaster = put bread in toaster = toast bread) there are five aligned steps:

    a1 Get bread           ann, bob, cy   positions 0, 0, 0        median 0
    a2 Toast bread         ann, bob, cy   positions .5, .5, .25    median .5
    a3 Wait for it to pop  cy                                      median .5 (one holder: after a2)
    a4 Butter toast        ann, bob, cy   positions 1, 1, .75      median 1
    a5 Eat                 cy                                      median 1 (one holder: after a4)

Without synonyms, only wording joins them: "Get the bread" is "get bread" once the article
goes, "Butter the toast" is "butter toast", and "put in toaster" is 0.82 similar to "put
bread in toaster" (2 x 14 matching characters / 34), above the 0.8 threshold.
"""

from __future__ import annotations

import difflib
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import ids, journeys, name

from servicekit.analysis.toast import (
    CONTESTED_AT,
    Alignment,
    align_layers,
    align_maps,
    consensus,
    consensus_layer,
    findings,
    kendall_distance,
    pair_distance,
)
from servicekit.errors import InvalidInput, NotFound
from servicekit.models import JourneyMap, Layer, Step
from servicekit.models.journey import Stage

TOAST = {
    "ann": ["Get bread", "Toast bread", "Butter toast"],
    "bob": ["Take bread from bag", "Put in toaster", "Butter"],
    "cy": [
        "Get the bread",
        "Put bread in toaster",
        "Wait for it to pop",
        "Butter the toast",
        "Eat",
    ],
}
SYNONYMS = {
    "take bread from bag": "get bread",
    "butter": "butter toast",
    "put in toaster": "toast bread",
    "put bread in toaster": "toast bread",
}


def _table(alignment: Alignment) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(s.id, s.name, s.people) for s in alignment.steps]


# -- the toast maps ---------------------------------------------------------------------------


def test_without_synonyms_only_wording_joins_steps() -> None:
    al = align_maps(TOAST)
    # Medians: a1 0 (2 holders) before a2 0 (1); a3 (.5 + .25) / 2; a6 (1 + .75) / 2.
    assert _table(al) == [
        ("a1", "Get bread", ("ann", "cy")),
        ("a2", "Take bread from bag", ("bob",)),
        ("a3", "Put in toaster", ("bob", "cy")),  # the shorter of two wordings used once each
        ("a4", "Toast bread", ("ann",)),
        ("a5", "Wait for it to pop", ("cy",)),
        ("a6", "Butter toast", ("ann", "cy")),
        ("a7", "Butter", ("bob",)),
        ("a8", "Eat", ("cy",)),
    ]
    assert al.step("a3").position == 0.375
    assert al.step("a3").wordings == ("Put in toaster", "Put bread in toaster")
    f = findings(al)
    assert [s.id for s in f.consensus] == ["a1", "a3", "a6"]  # 2 of 3 is a majority
    assert [s.id for s in f.partial] == ["a1", "a3", "a6"]
    assert [s.id for s in f.solo] == ["a2", "a4", "a5", "a7", "a8"]
    # ann-bob share nothing: 1. ann-cy share a1, a6 of 3 + 5 - 2 = 6: 1 - 1/3.
    # bob-cy share a3 of 3 + 5 - 1 = 7: 1 - 1/7, and one shared step has no order.
    assert [(p.a, p.b, p.shared, p.order, p.disagreement) for p in f.pairs] == [
        ("ann", "bob", 0, None, 1.0),
        ("ann", "cy", 2, 0.0, 0.6667),
        ("bob", "cy", 1, None, 0.8571),
    ]
    assert f.order_distance == 0.0
    assert f.variance == round((1 + 2 / 3 + 6 / 7) / 3, 4)


def test_synonyms_join_what_wording_cannot() -> None:
    al = align_maps(TOAST, SYNONYMS)
    assert _table(al) == [
        ("a1", "Get bread", ("ann", "bob", "cy")),
        ("a2", "Toast bread", ("ann", "bob", "cy")),
        ("a3", "Wait for it to pop", ("cy",)),
        ("a4", "Butter toast", ("ann", "bob", "cy")),
        ("a5", "Eat", ("cy",)),
    ]
    # Wordings are the names as written: synonyms join steps, they do not rename them.
    assert al.step("a1").wordings == ("Get bread", "Take bread from bag")
    assert al.step("a2").wordings == ("Toast bread", "Put in toaster", "Put bread in toaster")
    assert al.sequence("bob") == ("a1", "a2", "a4")
    assert al.sequence("cy") == ("a1", "a2", "a3", "a4", "a5")
    placed = al.step("a4").placement("cy")
    assert placed is not None
    assert (placed.position, placed.name, placed.relative) == (3, "Butter the toast", 0.75)
    assert al.step("a3").placement("ann") is None


def test_the_toast_findings_counted_by_hand() -> None:
    f = findings(align_maps(TOAST, SYNONYMS))
    assert [s.name for s in f.consensus] == ["Get bread", "Toast bread", "Butter toast"]
    assert f.partial == ()
    assert [s.name for s in f.solo] == ["Wait for it to pop", "Eat"]
    # ann and bob: the same three steps in the same order. cy: those three of five, in order.
    assert [(p.a, p.b, p.shared, p.overlap, p.order, p.disagreement) for p in f.pairs] == [
        ("ann", "bob", 3, 1.0, 0.0, 0.0),
        ("ann", "cy", 3, 0.6, 0.0, 0.4),
        ("bob", "cy", 3, 0.6, 0.0, 0.4),
    ]
    assert f.order_distance == 0.0
    assert f.variance == round(0.8 / 3, 4)
    parts = {v.step.id: (v.presence, v.spread, v.naming, v.score) for v in f.steps}
    # a1: everyone, all at 0, two wordings of three holders: naming 1/2; 0.2 x 0.5 = 0.1.
    assert parts["a1"] == (0.0, 0.0, 0.5, 0.1)
    # a2: .5, .5, .25 around .5: mean distance 1/12, spread 1/6; three wordings: naming 1.
    #     0.4 / 6 + 0.2 = 0.2667
    assert parts["a2"] == (0.0, 0.1667, 1.0, 0.2667)
    # a4: 1, 1, .75 around 1: spread 1/6; two wordings: 0.4 / 6 + 0.1 = 0.1667
    assert parts["a4"] == (0.0, 0.1667, 0.5, 0.1667)
    # a3, a5: cy only: presence 4 x 1/3 x 2/3 = 8/9; 0.4 x 8/9 = 0.3556.
    assert parts["a3"] == parts["a5"] == (0.8889, 0.0, 0.0, 0.3556)
    # Everyone has a2 in second place, under three names: below 0.3, not a contest. Solo
    # steps are never contested, however high they score.
    assert f.contested == ()
    [contest] = findings(f.alignment, contested_at=0.25).contested
    assert contest.step.id == "a2"
    assert contest.reasons == (
        "placed 2nd in maps of different lengths",
        "called 3 different names",
    )
    assert f.steps[2].reasons == ("only 1 of 3 has it",)


def test_a_contest_is_named_in_words() -> None:
    maps = {
        "ann": ["get bread", "toast bread", "butter toast", "eat"],
        "bob": ["get bread", "butter toast", "toast bread", "eat"],
        "cy": ["get bread", "toast bread", "eat"],
        "dee": ["get bread", "toast bread", "eat", "wash up"],
        "eve": ["get bread", "toast bread", "eat", "Buttered toast"],
    }
    f = findings(align_maps(maps))
    butter = next(v for v in f.steps if v.step.name == "butter toast")
    # Held by ann (3rd of 4: 2/3), bob (2nd of 4: 1/3) and eve (4th of 4: 1).
    # presence 4 x 3/5 x 2/5 = 0.96; median 2/3, mean distance (0 + 1/3 + 1/3) / 3 = 2/9, spread 4/9;
    # two wordings: "Buttered toast" joins by similarity (2 x 12 / 26 = 0.92), written otherwise.
    assert (butter.presence, butter.spread, butter.naming) == (0.96, 0.4444, 0.5)
    assert butter.score == round(0.4 * 0.96 + 0.4 * 4 / 9 + 0.2 * 0.5, 4) == 0.6618
    assert butter.reasons == (
        "only 3 of 5 have it",
        "placed anywhere from 2nd to 4th",
        "called 2 different names",
    )
    assert butter in f.contested
    assert [s.name for s in f.solo] == ["wash up"]


# -- the edges ----------------------------------------------------------------------------------


def test_identical_maps_agree_completely() -> None:
    steps = ["get bread", "toast bread", "butter toast", "eat"]
    f = findings(align_maps({p: list(steps) for p in ("ann", "bob", "cy")}))
    assert [s.name for s in f.consensus] == steps
    assert f.partial == f.solo == f.contested == ()
    assert {p.disagreement for p in f.pairs} == {0.0}
    assert {p.order for p in f.pairs} == {0.0}
    assert f.order_distance == 0.0
    assert f.variance == 0.0
    assert {v.score for v in f.steps} == {0.0}
    assert {v.reasons for v in f.steps} == {()}


def test_a_reversed_map_is_as_far_as_order_goes() -> None:
    al = align_maps({"ann": ["a", "b", "c", "d"], "bob": ["d", "c", "b", "a"]})
    # Every step's median is 0.5, and everyone has every step: the name decides.
    assert [s.name for s in al.steps] == ["a", "b", "c", "d"]
    f = findings(al)
    [pair] = f.pairs
    assert (pair.shared, pair.overlap, pair.order, pair.disagreement) == (4, 1.0, 1.0, 1.0)
    assert f.order_distance == 1.0
    assert f.variance == 1.0
    # "a": 0 and 1 around 0.5: spread 1, score 0.4. "b": 1/3 and 2/3: spread 1/3, 0.1333.
    assert [v.spread for v in f.steps] == [1.0, 0.3333, 0.3333, 1.0]
    assert [v.step.name for v in f.contested] == ["a", "d"]
    assert f.contested[0].reasons == ("placed anywhere from 1st to 4th",)


def test_disjoint_maps_share_nothing() -> None:
    f = findings(align_maps({"ann": ["a", "b"], "bob": ["c", "d"], "cy": ["e"]}))
    assert f.consensus == f.partial == f.contested == ()
    assert len(f.solo) == 5
    assert {(p.shared, p.overlap, p.order, p.disagreement) for p in f.pairs} == {
        (0, 0.0, None, 1.0)
    }
    assert f.order_distance is None  # no pair shares two steps
    assert f.variance == 1.0


def test_one_person_is_the_consensus() -> None:
    f = findings(align_maps({"ann": ["get bread", "toast bread"]}))
    assert [s.name for s in f.consensus] == ["get bread", "toast bread"]
    assert f.solo == f.partial == f.pairs == f.contested == ()
    assert (f.order_distance, f.variance) == (None, 0.0)
    assert f.alignment.step("a1").placements[0].relative == 0.0
    assert align_maps({"ann": ["only step"]}).steps[0].placements[0].relative == 0.5


def test_nobody_and_blank_maps() -> None:
    empty = align_maps({})
    assert empty == Alignment((), ())
    f = findings(empty)
    assert (f.consensus, f.pairs, f.variance, f.order_distance) == ((), (), 0.0, None)
    assert consensus_layer(empty) == []
    # An empty map says nothing about the process: it is set aside, not counted as missing.
    al = align_maps({"ann": ["toast"], "bob": [], "cy": ["toast"]})
    assert (al.people, al.blank) == (("ann", "cy"), ("bob",))
    assert findings(al).steps[0].presence == 0.0


def test_a_step_written_twice_is_done_twice() -> None:
    al = align_maps({"ann": ["toast", "check toast", "toast"], "bob": ["toast", "check toast"]})
    # The first "toast" of each joins; ann's second is her own. One placement per person.
    assert _table(al) == [
        ("a1", "toast", ("ann", "bob")),
        ("a2", "check toast", ("ann", "bob")),
        ("a3", "toast", ("ann",)),
    ]
    assert al.sequence("ann") == ("a1", "a2", "a3")


def test_two_similar_steps_of_one_person_stay_apart() -> None:
    # 0.95 similar, but one person's map never loses a step to a merge.
    al = align_maps({"ann": ["put bread in toaster", "put bread into toaster"]})
    assert len(al.steps) == 2
    al = align_maps({"ann": ["put bread in toaster"], "bob": ["put bread into toaster"]})
    assert len(al.steps) == 1


def test_the_threshold_is_the_least_similarity() -> None:
    maps = {"ann": ["Take bread out of bag"], "bob": ["Take bread from bag"]}
    # difflib: 2 x 16 matching characters / (21 + 19) = 0.8 exactly.
    ratio = difflib.SequenceMatcher(None, "take bread from bag", "take bread out of bag").ratio()
    assert ratio == 0.8
    assert len(align_maps(maps).steps) == 1
    assert len(align_maps(maps, threshold=0.81).steps) == 2
    assert len(align_maps({"ann": ["toast"], "bob": ["TOAST!"]}, threshold=1).steps) == 1


def test_no_chain_of_small_changes_joins_different_steps() -> None:
    # plug in ~ put in 0.90, put in ~ put bread in 0.82, but plug in ~ put bread in 0.74.
    al = align_maps(
        {"ann": ["plug in toaster"], "bob": ["put in toaster"], "cy": ["put bread in toaster"]}
    )
    assert sorted(s.people for s in al.steps) == [("ann", "bob"), ("cy",)]


def test_names_are_data() -> None:
    full_width = "BUTTER TOAST".translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    al = align_maps(
        {
            "ann": ["<b>Toast</b>", "🍞", full_width, "<script>alert(1)</script>"],
            "bob": ["<b>toast</b>", "🍞", "Butter toast", "Crème brûlée"],
        }
    )
    assert [(s.name, s.holders) for s in al.steps] == [
        ("<b>Toast</b>", 2),
        ("🍞", 2),  # symbols only: compared as written
        ("Butter toast", 2),  # full-width letters are letters (NFKC)
        ("<script>alert(1)</script>", 1),
        ("Crème brûlée", 1),
    ]


def test_quorum() -> None:
    maps = {
        "ann": ["a", "b", "c"],
        "bob": ["a", "b", "c"],
        "cy": ["a", "b"],
        "dee": ["a"],
    }
    al = align_maps(maps)
    holders = {s.name: s.holders for s in al.steps}
    assert holders == {"a": 4, "b": 3, "c": 2}
    assert [s.name for s in consensus(al)] == ["a", "b"]  # 2 of 4 is not more than half
    assert [s.name for s in consensus(al, 0.25)] == ["a", "b", "c"]
    assert [s.name for s in consensus(al, 0)] == ["a", "b", "c"]
    assert [s.name for s in consensus(al, 1)] == ["a"]
    assert findings(al, quorum=0.25).consensus == consensus(al, 0.25)


def test_top_and_threshold_of_contested() -> None:
    al = align_maps({"ann": ["a", "b", "c", "d"], "bob": ["d", "c", "b", "a"]})
    assert [v.step.name for v in findings(al, top=1).contested] == ["a"]
    assert findings(al, top=0).contested == ()
    assert len(findings(al, contested_at=0.1).contested) == 4
    assert CONTESTED_AT == 0.3


# -- promoting to a journey --------------------------------------------------------------------


def test_private_layers_promote_to_the_actual_layer() -> None:
    j = JourneyMap("toast", "Toast", stages=(Stage("prep", "Prep"), Stage("cook", "Cook")))
    for person, steps in {
        "ann": [("s1", "Get bread", "prep", "Me"), ("s2", "Toast bread", "cook", "Me")],
        "bob": [("x", "get bread", "prep", "Kids"), ("y", "toast bread", "prep", "Me")],
        "cy": [("p", "Toast bread", "cook", ""), ("q", "Eat", "", "")],
    }.items():
        for sid, step_name, stage, owner in steps:
            j = j.with_step(f"private:{person}", Step(sid, step_name, stage=stage, owner=owner))
    al = align_layers(j)
    toast = al.step("a2")
    assert [(p.person, p.step_id) for p in toast.placements] == [
        ("ann", "s2"),
        ("bob", "y"),
        ("cy", "p"),
    ]
    # Stage: cook 2, prep 1. Owner: "Me" 2 (a blank owner is no vote).
    # Get bread: owners "Me" and "Kids" once each: the alphabetically first.
    assert consensus_layer(al) == [
        {"id": "a1", "name": "Get bread", "stage": "prep", "owner": "Kids"},
        {"id": "a2", "name": "Toast bread", "stage": "cook", "owner": "Me"},
    ]
    layer = Layer(tuple(Step.from_dict(d) for d in consensus_layer(al)))
    promoted = j.with_layer("actual", layer)
    assert [s.name for s in promoted.actual.steps] == ["Get bread", "Toast bread"]


@given(journeys())
def test_the_consensus_of_any_journey_is_a_valid_layer(journey: JourneyMap) -> None:
    layer = Layer(tuple(Step.from_dict(d) for d in consensus_layer(align_layers(journey))))
    assert journey.with_layer("actual", layer).actual == layer


# -- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: align_maps({"ann": "get bread"}), "maps['ann']: expected a list of step names"),
        (lambda: align_maps({"ann": ["ok", "  "]}), "maps['ann'][1]: the step has no name"),
        (lambda: align_maps({"ann": ["ok", 3]}), "maps['ann'][1]: expected a step name"),
        (lambda: align_maps({1: ["ok"]}), "the person id 1 is not text"),
        (lambda: align_maps([["ok"]]), "maps: expected a mapping"),  # type: ignore[arg-type]
        (lambda: align_maps({}, threshold=1.5), "threshold: 1.5 is not a similarity"),
        (lambda: align_maps({}, {"butter": ""}), "has a blank side"),
        (lambda: align_maps({}, {"butter": 1}), "is not a pair of step names"),  # type: ignore[dict-item]
        (lambda: consensus(align_maps({}), quorum=-1), "quorum: -1 is not a share of people"),
        (lambda: findings(align_maps({}), top=-1), "top: -1 is not a count"),
        (lambda: kendall_distance("aba", "ab"), "an item occurs twice"),
    ],
)
def test_bad_input_is_refused_with_the_fix(call: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        call()  # type: ignore[operator]


def test_unknown_steps_and_people_are_not_found() -> None:
    al = align_maps(TOAST)
    with pytest.raises(NotFound, match=re.escape("No aligned step 'a99'. Known steps: ")):
        al.step("a99")
    with pytest.raises(NotFound, match="No map by 'dee'"):
        al.sequence("dee")


# -- Kendall distance -------------------------------------------------------------------------


def test_kendall_distance_counted_by_hand() -> None:
    # b c a against a b c: pairs (a,b) and (a,c) flipped, (b,c) kept: 2 of 3.
    assert kendall_distance("abc", "bca") == 2 / 3
    # Only the shared items count: x and y are not in the other order.
    assert kendall_distance("axbc", "cyba") == 1.0
    assert kendall_distance("", "") is None
    assert kendall_distance("a", "a") is None


# -- properties ---------------------------------------------------------------------------------

step_names = (
    st.sampled_from(
        [
            "get bread",
            "Get the bread",
            "take bread from bag",
            "toast bread",
            "Toast breads",
            "put in toaster",
            "put bread in toaster",
            "butter toast",
            "Butter",
            "eat",
            "🍞",
            "<b>jam</b>",
        ]
    )
    | name
)
maps_of = st.dictionaries(ids, st.lists(step_names, max_size=8), max_size=5)


@given(maps_of, st.randoms(use_true_random=False))
def test_the_order_of_the_people_changes_nothing(
    maps: dict[str, list[str]], rnd: random.Random
) -> None:
    people = list(maps)
    rnd.shuffle(people)
    shuffled = {p: maps[p] for p in people}
    assert align_maps(shuffled) == align_maps(maps)
    assert findings(align_maps(shuffled)) == findings(align_maps(maps))


@given(maps_of, st.floats(0, 1))
def test_every_step_is_placed_exactly_once(maps: dict[str, list[str]], threshold: float) -> None:
    al = align_maps(maps, threshold=threshold)
    for step in al.steps:
        assert len(set(step.people)) == len(step.people)  # one placement per person
    for person in al.people:
        placed = sorted(
            (p.position, p.name) for s in al.steps for p in s.placements if p.person == person
        )
        assert placed == list(enumerate(maps[person]))
    assert [s.id for s in al.steps] == [f"a{i}" for i in range(1, len(al.steps) + 1)]
    assert set(al.people) | set(al.blank) == set(maps)


@given(maps_of)
def test_scores_are_shares_and_distances_symmetric(maps: dict[str, list[str]]) -> None:
    al = align_maps(maps)
    f = findings(al)
    assert 0 <= f.variance <= 1
    assert f.order_distance is None or 0 <= f.order_distance <= 1
    for v in f.steps:
        assert all(0 <= x <= 1 for x in (v.presence, v.spread, v.naming, v.score))
    for pair in f.pairs:
        assert 0 <= pair.overlap <= 1 and 0 <= pair.disagreement <= 1
        assert pair.order is None or 0 <= pair.order <= 1
        back = pair_distance(al, pair.b, pair.a)
        assert (back.shared, back.overlap, back.order, back.disagreement) == (
            pair.shared,
            pair.overlap,
            pair.order,
            pair.disagreement,
        )
    n = len(al.people)
    everyone = tuple(s for s in al.steps if s.holders == n)
    if n >= 2:
        assert len(everyone) + len(f.partial) + len(f.solo) == len(al.steps)
    assert set(everyone) <= set(f.consensus)


@given(st.lists(step_names, max_size=8), st.lists(ids, min_size=1, max_size=4, unique=True))
def test_copies_of_one_map_do_not_vary(steps: list[str], people: list[str]) -> None:
    f = findings(align_maps({p: steps for p in people}))
    assert f.variance == 0.0
    assert {v.score for v in f.steps} <= {0.0}
    assert f.order_distance in (None, 0.0)


@given(st.permutations(range(8)), st.integers(0, 8))
def test_kendall_distance_is_a_symmetric_share(order: list[int], cut: int) -> None:
    a, b = list(range(cut)), [x for x in order if x < cut]
    d = kendall_distance(a, b)
    assert d == kendall_distance(b, a)
    assert d is None if cut < 2 else 0 <= d <= 1
    if cut >= 2:
        assert kendall_distance(a, a[::-1]) == 1.0
