"""Five Whys tree: structure, pure updates and the errors a facilitator would see."""

from __future__ import annotations

import pytest

from servicekit.errors import Conflict, InvalidInput, NotFound
from servicekit.models import Countermeasure, FiveWhys, WhyNode


@pytest.fixture
def tree() -> FiveWhys:
    t = FiveWhys(id="t1", problem="Tickets reopen within 7 days (31% in May)")
    t = t.with_why(WhyNode("a", None, "Fix not verified with the user", confidence="fact"))
    t = t.with_why(WhyNode("b", "a", "Closure target rewards speed", lens="process"))
    t = t.with_why(WhyNode("c", "b", "Team KPI counts closed tickets", lens="people"))
    return t.with_why(WhyNode("d", None, "Knowledge base out of date"))


def test_children_keep_the_order_they_were_added(tree: FiveWhys) -> None:
    assert [n.id for n in tree.children(None)] == ["a", "d"]
    assert [n.id for n in tree.children("a")] == ["b"]


def test_updates_return_new_values_and_leave_the_old_one_alone(tree: FiveWhys) -> None:
    edited = tree.with_node_edit(
        "b", answer="Closure target rewards speed over quality", root_cause=True
    )
    assert edited.node("b").root_cause is True
    assert tree.node("b").root_cause is False
    assert edited.node("b").answer.endswith("quality")


def test_move_refuses_a_cycle_and_names_the_fix(tree: FiveWhys) -> None:
    with pytest.raises(Conflict, match=r"cycle.*Pick a node outside that branch"):
        tree.with_move("a", "c")
    with pytest.raises(Conflict, match="cycle"):
        tree.with_move("a", "a")
    moved = tree.with_move("c", "d")
    assert moved.node("c").parent == "d"
    assert [n.id for n in moved.path("c")] == ["d", "c"]


def test_constructing_a_cyclic_tree_is_refused() -> None:
    with pytest.raises(Conflict, match="cycle"):
        FiveWhys(
            id="t", problem="p", nodes={"x": WhyNode("x", "y", "X"), "y": WhyNode("y", "x", "Y")}
        )


def test_delete_hides_the_branch_and_restore_brings_it_back(tree: FiveWhys) -> None:
    gone = tree.with_deleted("b")
    assert {n.id for n in gone.visible_nodes()} == {"a", "d"}
    assert gone.is_hidden("c")
    back = gone.with_deleted("b", False)
    assert back == tree


def test_discarding_a_node_with_answers_under_it_is_refused(tree: FiveWhys) -> None:
    with pytest.raises(Conflict, match="Delete it instead"):
        tree.without_node("b")
    assert "c" not in tree.without_node("c").nodes


def test_unknown_parent_names_the_tree_and_known_nodes(tree: FiveWhys) -> None:
    with pytest.raises(NotFound, match=r"no why-node 'zz' in tree 't1'. Pick one of: \['a', 'b'"):
        tree.with_why(WhyNode("e", "zz", "Orphan"))


def test_duplicate_node_id_is_a_conflict(tree: FiveWhys) -> None:
    with pytest.raises(Conflict, match="already exists"):
        tree.with_why(WhyNode("a", None, "Again"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"confidence": "certain"},
            r"confidence: 'certain' is not allowed. Use one of: 'fact', 'likely', 'opinion'",
        ),
        ({"lens": "money"}, "lens: 'money' is not allowed"),
        ({"answer": "   "}, "answer: must not be empty"),
        ({"answer": "x" * 1_000_000}, "1,000,000 characters long; the limit is 5,000"),
        ({"root_cause": "yes"}, "root_cause: expected true or false"),
        ({"parent": "d"}, "Cannot edit 'parent'"),
    ],
)
def test_bad_edits_say_what_and_how(tree: FiveWhys, changes: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        tree.with_node_edit("b", **changes)


def test_countermeasures_are_listed_eliminate_first(tree: FiveWhys) -> None:
    for i, kind in enumerate(["automate", "simplify", "eliminate", "move_earlier"]):
        tree = tree.with_countermeasure(Countermeasure(f"m{i}", "c", kind, f"Do {kind}"))
    assert [m.kind for m in tree.measures_for("c")] == [
        "eliminate",
        "move_earlier",
        "simplify",
        "automate",
    ]


def test_countermeasure_due_date_must_be_iso(tree: FiveWhys) -> None:
    with pytest.raises(InvalidInput, match="Write it as YYYY-MM-DD"):
        Countermeasure("m", "c", "simplify", "Shorter form", due="31/03/2026")
