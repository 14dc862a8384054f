"""The live handle: intents are stored as they happen, signals fire once, kernels stay in sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicekit import Workshop, create_workshop, open_workshop
from servicekit.errors import Conflict, InvalidInput, NotFound
from servicekit.journal import Journal


def test_every_intent_is_persisted_immediately(ws: Workshop, db_path: Path) -> None:
    tid = ws.add_tree("Orders ship late (18% in Q2, Leeds warehouse)")
    node = ws.add_why(
        tid, None, "Picking target rewards speed", evidence="WMS report", confidence="fact"
    )
    # A different process would see it straight away: open a second, independent handle.
    other = open_workshop("demo", db=Journal(db_path))
    assert other.tree(tid).node(node).answer == "Picking target rewards speed"
    assert other.state == ws.state


def test_one_signal_per_change(ws: Workshop) -> None:
    calls = []
    ws.on_change(lambda w, ops: calls.append([op.kind for op in ops]))
    tid = ws.add_tree("Problem")
    ws.add_why(tid, None, "Because")
    assert calls == [["exercise.add"], ["five_whys.add"]]


def test_refresh_picks_up_other_kernels_once(ws: Workshop, db_path: Path) -> None:
    tid = ws.add_tree("Problem")
    other = open_workshop("demo", db=Journal(db_path), actor="participant-1")
    other.add_why(tid, None, "One")
    other.add_why(tid, None, "Two")
    seen = []
    ws.on_change(lambda w, ops: seen.append(len(ops)))
    assert ws.refresh() is True
    assert seen == [2]
    assert ws.refresh() is False
    assert ws.state == other.state


def test_stale_handle_validates_against_the_latest_state(ws: Workshop, db_path: Path) -> None:
    tid = ws.add_tree("Problem")
    a = ws.add_why(tid, None, "A")
    other = open_workshop("demo", db=Journal(db_path), actor="p2")
    b = other.add_why(tid, a, "B")
    # ws has not refreshed, yet moving A under B must see B and refuse the cycle.
    with pytest.raises(Conflict, match="cycle"):
        ws.move_why(tid, a, b)
    assert b in ws.tree(tid).nodes, "the refused intent still brought the handle up to date"


def test_undo_takes_back_only_my_own_last_operation(ws: Workshop, db_path: Path) -> None:
    tid = ws.add_tree("Problem")
    mine = ws.add_why(tid, None, "Mine")
    other = open_workshop("demo", db=Journal(db_path), actor="p2")
    theirs = other.add_why(tid, None, "Theirs")
    ws.refresh()
    ws.edit_why(tid, mine, answer="Mine, reworded")
    ws.undo()
    assert ws.tree(tid).node(mine).answer == "Mine"
    ws.undo()
    assert mine not in ws.tree(tid).nodes
    assert theirs in ws.tree(tid).nodes
    other.refresh()
    other.undo()
    assert theirs not in other.tree(tid).nodes


def test_undo_with_nothing_left_says_so(ws: Workshop) -> None:
    with pytest.raises(NotFound, match="Nothing to undo for 'facilitator'"):
        ws.undo()


def test_undo_refused_when_others_built_on_it(ws: Workshop, db_path: Path) -> None:
    tid = ws.add_tree("Problem")
    mine = ws.add_why(tid, None, "Mine")
    other = open_workshop("demo", db=Journal(db_path), actor="p2")
    other.add_why(tid, mine, "Under yours")
    before = ws.journal.count("demo")
    with pytest.raises(Conflict, match=r"Cannot undo 'five_whys.add'.*Delete it instead"):
        ws.undo()
    assert ws.journal.count("demo") == before


def test_delete_and_restore_a_branch(ws: Workshop) -> None:
    tid = ws.add_tree("Problem")
    a = ws.add_why(tid, None, "A")
    b = ws.add_why(tid, a, "B")
    ws.delete_why(tid, a)
    assert ws.tree(tid).visible_nodes() == []
    ws.restore_why(tid, a)
    assert [n.id for n in ws.tree(tid).visible_nodes()] == [a, b]


def test_survey_and_journey_intents(ws: Workshop) -> None:
    sid = ws.add_survey(
        "Check",
        [{"id": "people", "title": "People"}],
        [{"id": "q1", "text": "We share context", "lens": "people"}],
    )
    rid = ws.add_respondent(sid, department="Sales", role="Lead")
    ws.answer(sid, rid, "q1", 2, comment="rarely")
    ws.answer(sid, rid, "q1", 3)
    assert ws.survey(sid).answer(rid, "q1").value == 3
    ws.set_survey_open(sid, False)
    with pytest.raises(Conflict, match="closed"):
        ws.answer(sid, rid, "q1", 5)

    jid = ws.add_journey("Onboarding", [{"id": "sales", "name": "Sales"}], ["Sales", "Delivery"])
    s1 = ws.add_step(jid, "intended", "Qualify", stage="sales", owner="Sales")
    s2 = ws.add_step(jid, "intended", "Kick-off", owner="Delivery", info_requested=["phone number"])
    ws.set_handover(jid, "intended", s1, s2, what_travels=["scope"], owner="Sales lead")
    ws.copy_layer(jid, "intended", "actual")
    ws.edit_step(jid, "actual", s2, friction=4, workarounds=["email chase"])
    ws.move_step(jid, "actual", s2, 0)
    assert [s.id for s in ws.journey(jid).actual.steps] == [s2, s1]
    assert [s.id for s in ws.journey(jid).intended.steps] == [s1, s2]
    ws.remove_step(jid, "actual", s1)
    ws.undo()
    assert ws.journey(jid).actual.handovers.keys() == {f"{s1}>{s2}"}


def test_open_workshop_defaults(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NotFound, match=r"No workshop in .* yet. Create one with 'servicekit new'"):
        open_workshop(db=db_path)
    create_workshop("first", "First", db=db_path)
    create_workshop("second", "Second", db=db_path)
    monkeypatch.setenv("SERVICEKIT_WORKSHOP", "first")
    assert open_workshop(db=db_path).slug == "first"
    monkeypatch.delenv("SERVICEKIT_WORKSHOP")
    assert open_workshop(db=db_path).slug == "second", "the most recently changed one"
    with pytest.raises(NotFound, match="Known workshops: second, first"):
        open_workshop("third", db=db_path)


def test_database_location_follows_servicekit_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVICEKIT_DB", str(tmp_path / "env.db"))
    create_workshop("x", "X")
    assert (tmp_path / "env.db").exists()
    monkeypatch.delenv("SERVICEKIT_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    create_workshop("y", "Y")
    assert (tmp_path / "xdg" / "servicekit" / "servicekit.db").exists()


def test_bad_actor_name(journal: Journal) -> None:
    create_workshop("a", "A", db=journal)
    with pytest.raises(InvalidInput, match="actor"):
        open_workshop("a", db=journal, actor=" ")


def test_listener_errors_are_raised_after_the_change_is_kept(ws: Workshop) -> None:
    later = []
    ws.on_change(lambda w, ops: 1 / 0)
    ws.on_change(lambda w, ops: later.append(True))
    with pytest.raises(ZeroDivisionError):
        ws.add_tree("Problem")
    assert later == [True]
    assert len(ws.state.trees) == 1


def test_copy_layer_copies_what_other_pages_just_added(ws: Workshop, db_path: Path) -> None:
    jid = ws.add_journey("J")
    other = open_workshop("demo", db=Journal(db_path), actor="p1")
    other.add_step(jid, "intended", "One")
    other.add_step(jid, "intended", "Two")
    ws.copy_layer(jid, "intended", "actual")  # ws has not refreshed
    assert [s.name for s in ws.journey(jid).actual.steps] == ["One", "Two"]


def test_add_step_after_uses_the_latest_order(ws: Workshop, db_path: Path) -> None:
    jid = ws.add_journey("J")
    a = ws.add_step(jid, "actual", "A")
    ws.add_step(jid, "actual", "C")
    other = open_workshop("demo", db=Journal(db_path), actor="p1")
    other.add_step(jid, "actual", "Before A", index=0)
    ws.add_step(jid, "actual", "B", after=a)
    assert [s.name for s in ws.journey(jid).actual.steps] == ["Before A", "A", "B", "C"]
    with pytest.raises(InvalidInput, match="'author' is set by servicekit"):
        ws.add_step(jid, "actual", "X", author="someone else")


def test_shift_step_moves_from_where_the_step_is_now(ws: Workshop, db_path: Path) -> None:
    jid = ws.add_journey("J")
    _, b, c = (ws.add_step(jid, "actual", name) for name in "ABC")
    other = open_workshop("demo", db=Journal(db_path), actor="p1")
    other.move_step(jid, "actual", c, 0)  # C A B, which ws has not seen
    ws.shift_step(jid, "actual", b, -1)
    assert [s.name for s in ws.journey(jid).actual.steps] == ["C", "B", "A"]
    before = ws.journal.count("demo")
    ws.shift_step(jid, "actual", c, -1)  # already first: nothing stored
    assert ws.journal.count("demo") == before
    ws.shift_step(jid, "actual", c, +5)
    assert [s.name for s in ws.journey(jid).actual.steps] == ["B", "A", "C"]
    ws.undo()
    assert [s.name for s in ws.journey(jid).actual.steps] == ["C", "B", "A"]


def test_edit_handover_keeps_what_others_wrote(ws: Workshop, db_path: Path) -> None:
    jid = ws.add_journey("J")
    a = ws.add_step(jid, "actual", "A", owner="Sales")
    b = ws.add_step(jid, "actual", "B", owner="Delivery")
    other = open_workshop("demo", db=Journal(db_path), actor="p1")
    other.edit_handover(jid, "actual", a, b, what_travels=["signed order"])
    ws.edit_handover(jid, "actual", a, b, owner="Sales lead")  # ws has not seen the first edit
    handover = ws.journey(jid).actual.handovers[f"{a}>{b}"]
    assert handover.what_travels == ("signed order",)
    assert handover.owner == "Sales lead"
    before = ws.journal.count("demo")
    ws.edit_handover(jid, "actual", a, b, owner="Sales lead")
    ws.edit_handover(jid, "actual", b, a, owner="", notes="")  # empty details on a bare join
    assert ws.journal.count("demo") == before
    with pytest.raises(InvalidInput, match=r"\['colour'\] cannot be changed"):
        ws.edit_handover(jid, "actual", a, b, colour="red")


def test_clear_handover_and_participant_references(ws: Workshop) -> None:
    jid = ws.add_journey("J")
    a = ws.add_step(jid, "actual", "A", owner="Sales")
    b = ws.add_step(jid, "actual", "B", owner="Delivery")
    ws.set_handover(jid, "actual", a, b, owner="Sales lead")
    ws.clear_handover(jid, "actual", a, b)
    assert ws.journey(jid).actual.handovers == {}
    with pytest.raises(NotFound, match="No participant 'ghost'"):
        ws.add_step(jid, "private:ghost", "Toast")
    pid = ws.join("Ana", "Sales")
    ws.add_step(jid, f"private:{pid}", "Toast")
    sid = ws.add_survey("S", [], [{"id": "q", "text": "Open?", "kind": "open"}])
    with pytest.raises(NotFound, match="No participant 'ghost'"):
        ws.add_respondent(sid, participant="ghost")
    ws.add_respondent(sid, participant=pid)


def test_a_tree_needs_a_problem_statement(ws: Workshop) -> None:
    with pytest.raises(InvalidInput, match="problem: must not be empty"):
        ws.add_tree("   ")


def test_work_under_a_deleted_branch_is_refused(ws: Workshop) -> None:
    tid = ws.add_tree("P")
    a = ws.add_why(tid, None, "A")
    b = ws.add_why(tid, a, "B")
    other = ws.add_why(tid, None, "Other")
    ws.delete_why(tid, a)
    for intent in (
        lambda: ws.add_why(tid, b, "Under a hidden node"),
        lambda: ws.mark_root_cause(tid, b),
        lambda: ws.add_countermeasure(tid, b, "simplify", "Shorter form"),
        lambda: ws.move_why(tid, other, b),
    ):
        with pytest.raises(Conflict, match=r"deleted branch. Restore the branch first"):
            intent()
    ws.restore_why(tid, a)
    ws.mark_root_cause(tid, b)


def test_actions_that_change_nothing_are_not_stored_or_undone(ws: Workshop) -> None:
    tid = ws.add_tree("P")
    a = ws.add_why(tid, None, "A")
    ws.edit_why(tid, a, answer="A, reworded")
    count = ws.journal.count("demo")
    assert ws.move_why(tid, a, None) is None
    assert ws.edit_why(tid, a, answer="A, reworded") is None
    ws.set_problem(tid, "P")
    assert ws.journal.count("demo") == count
    ws.undo()
    assert ws.tree(tid).node(a).answer == "A", "undo took back the last real change"


def test_fixed_ids_and_authors(ws: Workshop) -> None:
    tid = ws.add_tree("P", tree_id="t1")
    ws.add_why(tid, None, "A", node_id="a")
    ws.add_countermeasure(tid, "a", "eliminate", "Stop it", measure_id="m1")
    assert ws.tree("t1").countermeasure("m1").author == "facilitator"
    with pytest.raises(Conflict, match="already exists"):
        ws.add_why(tid, None, "Again", node_id="a")


def test_close_leaves_a_shared_journal_open(journal: Journal) -> None:
    ws = create_workshop("shared", "Shared", db=journal)
    ws.close()
    assert journal.exists("shared"), "the journal passed in is still usable"


def test_add_step_takes_an_id_chosen_beforehand(ws: Workshop) -> None:
    """A page picks the id first, so the one redraw the change triggers can select the step."""
    jid = ws.add_journey("J")
    assert ws.add_step(jid, "actual", "A", step_id="st-mine") == "st-mine"
    with pytest.raises(Conflict, match="'st-mine' already exists"):
        ws.add_step(jid, "actual", "B", step_id="st-mine")
