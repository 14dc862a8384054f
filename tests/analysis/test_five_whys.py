"""Five Whys analysis: problem-statement hints, root-cause summary and warnings.

The refund tree below is small enough to count by hand; the expected values in the
tests were counted from it, not computed.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import five_whys

from servicekit.analysis import problem_hints, summarise, walk, warnings
from servicekit.models import Countermeasure, FiveWhys, WhyNode

HINT_CODES = {"empty", "too_short", "solution", "vague", "no_quantity", "no_time", "no_place"}
GOOD = [
    "Candidates give the same details at three separate points in 9 of the last 12 placements "
    "(survey, July\u2013September 2025)",
    "Tickets reopen within 7 days (31% in May)",
    "Signed offers wait a median of 9 working days for clearance (placements closed October "
    "2025 to January 2026)",
    "Customers repeat their address at 3 of 5 handovers in Leeds (March 2026)",
]


def _why(
    nid: str, parent: str | None, answer: str, conf: str, lens: str | None, **kw: Any
) -> WhyNode:
    return WhyNode(nid, parent, answer, confidence=conf, lens=lens, **kw)


@pytest.fixture
def tree() -> FiveWhys:
    """Tree order: a 1, a1 1.1, a1x 1.1.1, a1y 1.1.2, a2 1.2, b 2, b1 2.1, d 3, e 4; c deleted."""
    t = FiveWhys(
        "refunds", "Refund requests wait 6 working days for approval in Leeds (March 2026)"
    )
    # fmt: off
    for node in [
        _why("a", None, "Refunds above £50 need a team leader's sign-off", "fact", "process", evidence="Policy v4"),
        _why("a1", "a", "Team leaders check the approval queue once a day", "likely", "people", evidence="Queue log"),
        _why("a1x", "a1", "Team leader targets leave out refund turnaround", "fact", "people", evidence="KPI pack", root_cause=True),
        _why("a1y", "a1", "Team leaders see approvals as low priority", "opinion", None, root_cause=True),
        _why("a2", "a", "The approval screen logs users out after 5 minutes", "fact", "systems", evidence="Ticket 4411", root_cause=True),
        _why("b", None, "Customers chase by phone", "fact", None, evidence="Call reasons report"),
        _why("c", None, "An idea the room dropped", "opinion", "process"),
        _why("c1", "c", "Hidden cause under the dropped idea", "opinion", "process", root_cause=True),
        _why("b1", "b", "Customers are not told how long a refund takes", "likely", "process", evidence="Email templates"),
        _why("d", None, "The refund form asks for the order number twice", "fact", "systems", evidence="Form v3", root_cause=True),
        _why("e", None, "Each agent routes refunds their own way", "likely", "process", evidence="Process map", root_cause=True),
    ]:
        t = t.with_why(node)
    for mid, node_id, kind, action in [  # deliberately not in eliminate -> automate order
        ("m1", "e", "automate", "Route refunds by rule in the CRM"),
        ("m2", "a1x", "simplify", "Add refund turnaround to the team leader scorecard"),
        ("m3", "d", "automate", "Prefill the order number from the order system"),
        ("m4", "a2", "automate", "Auto-approve refunds under £50 with a script"),
        ("m5", "d", "simplify", "Remove the second order-number field"),
        ("m6", "a1x", "eliminate", "Drop sign-off for refunds under £200"),
        ("m7", "e", "simplify", "Write one routing rule for all agents"),
        ("m8", "c1", "automate", "A measure under a deleted branch"),
    ]:
        t = t.with_countermeasure(Countermeasure(mid, node_id, kind, action, owner="Ana"))
    # fmt: on
    return t.with_deleted("c")


# -- problem_hints -------------------------------------------------------------------------
@pytest.mark.parametrize("statement", GOOD)
def test_a_specific_observable_statement_gets_no_hints(statement: str) -> None:
    assert problem_hints(statement) == []


@pytest.mark.parametrize("statement", ["", "   ", "\n\t "])
def test_an_empty_statement_gets_exactly_one_hint(statement: str) -> None:
    [hint] = problem_hints(statement)
    assert hint.code == "empty"
    assert "Write one sentence" in hint.message


@pytest.mark.parametrize(
    ("statement", "codes"),
    [
        ("Refunds are slow", ["too_short", "no_quantity", "no_time", "no_place"]),
        ("Communication between teams is always bad", ["vague", "no_quantity", "no_time"]),
        ("We need a new CRM for the sales team by 2026 to stop 40 lost leads", ["solution"]),
        (
            "Lack of training for new starters at the Leeds office: 4 of 9 left in 2025",
            ["solution"],
        ),
        ("Customers may get no reply to 3 of 10 letters at the Leeds branch", ["no_time"]),
        ("Customers get no reply to 3 of 10 letters at the Leeds branch in May", []),
        ("Customers wait 3 hours for a reply to their letters in Q3 2025", ["no_place"]),
        ("Customers wait 3 hours for a reply to their letters at Northgate in Q3 2025", []),
        ("Customers wait 3 hours for a reply to their letters in general in 2025", ["no_place"]),
        ("Customers wait for a reply at the Leeds branch since March", ["no_quantity"]),
        ("Nobody cares that 5 of 8 parcels in Hull arrive late since June", ["vague"]),
    ],
)
def test_hints_name_what_is_missing(statement: str, codes: list[str]) -> None:
    assert [h.code for h in problem_hints(statement)] == codes


def test_hint_messages_quote_the_words_and_say_what_to_do() -> None:
    hints = {h.code: h.message for h in problem_hints("We need a new CRM, obviously. Always bad.")}
    assert hints["solution"].startswith('"We need a new CRM" names a fix')
    assert hints["solution"].endswith("not the missing fix.")
    assert '"always" and "bad" sound sweeping' in hints["vague"]
    assert "how many, how often, how much?" in hints["no_quantity"]
    too_short = problem_hints("Refunds are slow")[0].message
    assert too_short.startswith("At 3 words")


@given(st.text())
def test_problem_hints_never_raise_and_stay_advice(statement: str) -> None:
    hints = problem_hints(statement)
    assert {h.code for h in hints} <= HINT_CODES
    assert all(h.message.endswith(".") for h in hints)
    assert (not statement.strip()) == ([h.code for h in hints] == ["empty"])


# -- summarise -----------------------------------------------------------------------------
def test_walk_numbers_visible_nodes_in_tree_order_skipping_deleted(tree: FiveWhys) -> None:
    got = [(p.node.id, p.depth, p.number) for p in walk(tree)]
    assert got == [
        ("a", 1, "1"), ("a1", 2, "1.1"), ("a1x", 3, "1.1.1"), ("a1y", 3, "1.1.2"),
        ("a2", 2, "1.2"), ("b", 1, "2"), ("b1", 2, "2.1"), ("d", 1, "3"), ("e", 1, "4"),
    ]  # fmt: skip


def test_summary_lists_root_causes_with_chain_strength(tree: FiveWhys) -> None:
    causes = summarise(tree).causes
    got = [(c.node, c.lens, c.confidence, c.strength, c.depth) for c in causes]
    assert got == [
        ("a1x", "people", "fact", "likely", 3),  # a1 above it is only "likely"
        ("a1y", None, "opinion", "opinion", 3),
        ("a2", "systems", "fact", "fact", 2),
        ("d", "systems", "fact", "fact", 1),
        ("e", "process", "likely", "likely", 1),
    ]
    assert causes[0].answer == "Team leader targets leave out refund turnaround"
    assert [m.kind for m in causes[0].measures] == ["eliminate", "simplify"]
    assert [m.id for m in causes[3].measures] == ["m5", "m3"]


def test_summary_counts_by_lens_and_evidence(tree: FiveWhys) -> None:
    summary = summarise(tree)
    assert summary.causes_by_lens == {"people": 1, "process": 1, "systems": 2, "untagged": 1}
    assert summary.answers_by_lens == {"people": 2, "process": 3, "systems": 2, "untagged": 2}
    assert summary.answers_by_confidence == {"fact": 5, "likely": 3, "opinion": 1}


def test_summary_orders_every_countermeasure_eliminate_to_automate(tree: FiveWhys) -> None:
    got = [(c.measure.kind, c.cause) for c in summarise(tree).measures]
    assert got == [
        ("eliminate", "a1x"),
        ("simplify", "a1x"),
        ("simplify", "d"),
        ("simplify", "e"),
        ("automate", "a2"),
        ("automate", "d"),
        ("automate", "e"),
    ]
    assert summarise(tree).measures[0].answer == tree.node("a1x").answer


def test_open_branches_are_leaves_that_are_not_root_causes(tree: FiveWhys) -> None:
    assert [p.node.id for p in summarise(tree).open_branches] == ["b1"]
    restored = tree.with_deleted("c", False)  # c1 is a root cause, so c's branch is closed
    assert [p.node.id for p in summarise(restored).open_branches] == ["b1"]
    assert "c1" in [c.node for c in summarise(restored).causes]
    assert "c1" not in [c.node for c in summarise(tree).causes]


# -- warnings ------------------------------------------------------------------------------
def test_warnings_in_tree_order(tree: FiveWhys) -> None:
    assert [(w.kind, w.node) for w in warnings(tree)] == [
        ("opinion_only", "a1y"),
        ("no_countermeasure", "a1y"),
        ("automate_first", "a2"),
        ("symptom", "b1"),
        ("automate_first", "e"),
    ]


def test_warning_messages_quote_the_answer_and_say_what_to_do(tree: FiveWhys) -> None:
    by_node = {(w.kind, w.node): w.message for w in warnings(tree)}
    assert by_node["symptom", "b1"] == (
        'The branch ending in "Customers are not told how long a refund takes" stops at a '
        "symptom. Ask why again, or mark it as a root cause if the evidence shows it is one."
    )
    opinion = by_node["opinion_only", "a1y"]
    assert "rests on opinion and has no evidence written down" in opinion
    assert opinion.endswith("data, a document or an observation of the work.")
    assert by_node["no_countermeasure", "a1y"].startswith('Root cause "Team leaders see approvals')
    no_earlier = by_node["automate_first", "a2"]
    assert '"Auto-approve refunds under £50 with a script"' in no_earlier
    assert "no eliminate, move-earlier or simplify step is planned" in no_earlier
    assert "no eliminate, move-earlier or simplify step is planned" in no_earlier
    assert no_earlier.endswith(
        "eliminated, moved earlier or simplified; automate only once the process is stable and clear."
    )
    planned = by_node["automate_first", "e"]
    assert "the cause itself is tagged as a process cause" in planned
    assert "Carry out the planned simplify step first" in planned


def test_long_answers_are_shortened_in_messages() -> None:
    long = "Because " + "the handover form is unclear " * 10
    t = FiveWhys("t", "p").with_why(WhyNode("x", None, long, "Audit", "fact", root_cause=True))
    [message] = [w.message for w in warnings(t)]
    quoted = message.split('"')[1]
    assert quoted.endswith("…") and len(quoted) <= 60
    assert long.startswith(quoted[:-1])


def test_no_root_cause_is_reported_once_for_the_whole_tree() -> None:
    t = FiveWhys("t", "p")
    assert warnings(t) == []
    t = t.with_why(WhyNode("x", None, "Forms arrive incomplete", "Audit", "fact"))
    t = t.with_why(
        WhyNode("y", "x", "The form has no required fields", "Form", "fact", root_cause=True)
    )
    assert "no_root_cause" not in [w.kind for w in warnings(t)]
    hidden = t.with_deleted("y")  # the only root cause is in a deleted branch
    first = warnings(hidden)[0]
    assert (first.kind, first.node) == ("no_root_cause", None)
    assert first.message.startswith("The tree has 1 answer but no root cause yet.")


@pytest.mark.parametrize(
    ("confidence", "evidence", "expected"),
    [
        ("fact", "Audit of 40 files", None),
        ("likely", "Two interviews", None),
        ("fact", "  ", "is marked 'fact' but has no evidence written down"),
        ("opinion", "Said in the room", "rests on opinion only"),
    ],
)
def test_opinion_only(confidence: str, evidence: str, expected: str | None) -> None:
    node = WhyNode("x", None, "Cause", evidence, confidence, root_cause=True)
    t = (
        FiveWhys("t", "p")
        .with_why(node)
        .with_countermeasure(Countermeasure("m", "x", "simplify", "Do"))
    )
    found = [w.message for w in warnings(t) if w.kind == "opinion_only"]
    assert found == (
        []
        if expected is None
        else [
            f'Root cause "Cause" {expected}. Find evidence and record it: data, a document or an observation of the work.'
        ]
    )


@pytest.mark.parametrize(
    ("lenses", "kinds", "warned"),
    [
        ((None, "systems"), ("simplify", "automate"), False),
        ((None, "systems"), ("automate",), True),  # nothing earlier planned
        (("process", "systems"), ("eliminate", "automate"), False),  # process above is context only
        ((None, "process"), ("move_earlier", "automate"), True),  # the cause is a process cause
        (("process", "process"), ("simplify",), False),  # nothing automated
    ],
)
def test_automate_first(
    lenses: tuple[str | None, str | None], kinds: tuple[str, ...], warned: bool
) -> None:
    t = FiveWhys("t", "p").with_why(WhyNode("x", None, "Top", "E", "fact", lenses[0]))
    t = t.with_why(WhyNode("y", "x", "Cause", "E", "fact", lenses[1], root_cause=True))
    for i, kind in enumerate(kinds):
        t = t.with_countermeasure(Countermeasure(f"m{i}", "y", kind, f"Action {i}"))
    assert [w.kind for w in warnings(t)] == (["automate_first"] if warned else [])


# -- properties ----------------------------------------------------------------------------
@given(five_whys())
def test_summary_and_warnings_hold_on_any_tree(tree: FiveWhys) -> None:
    visible = {n.id for n in tree.visible_nodes()}
    summary, found = summarise(tree), warnings(tree)
    assert [c.node for c in summary.causes] == [p.node.id for p in walk(tree) if p.node.root_cause]
    order = ("fact", "likely", "opinion")
    assert all(order.index(c.strength) >= order.index(c.confidence) for c in summary.causes)
    assert sum(summary.answers_by_lens.values()) == len(visible)
    assert sum(summary.answers_by_confidence.values()) == len(visible)
    assert {c.cause for c in summary.measures} <= visible
    assert {p.node.id for p in summary.open_branches} <= visible
    assert {w.node for w in found} <= visible | {None}
    assert all(w.message.endswith(".") for w in found)
