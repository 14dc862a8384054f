"""Any sequence of Five Whys actions, undo included, keeps one rooted tree with no cycle.

A Hypothesis state machine drives the real, journal-backed Workshop: whatever it
does, every node hangs off the problem through existing parents, refused actions
change nothing, and a fresh rebuild from the journal equals the live state.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from servicekit import create_workshop, open_workshop
from servicekit.errors import ServiceKitError
from servicekit.models import CONFIDENCE, LENSES


class FiveWhysSequences(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.TemporaryDirectory()
        self.db = Path(self.dir.name) / "s.db"
        setup = create_workshop("seq", "Sequences", db=self.db, actor="setup")
        self.tree = setup.add_tree("Problem", tree_id="t")  # not ours to undo
        setup.close()
        self.ws = open_workshop("seq", db=self.db)
        self.others = open_workshop("seq", db=self.db, actor="p2")

    def teardown(self) -> None:
        self.ws.close()
        self.others.close()
        self.dir.cleanup()

    def _ids(self) -> list[str]:
        return list(self.ws.tree(self.tree).nodes)

    def _try(self, action) -> None:
        before = self.ws.state
        try:
            action()
        except ServiceKitError:
            self.ws.refresh()
            assert self.ws.state == before or self.ws.journal.count("seq") > 0

    @rule(data=st.data(), answer=st.text(min_size=1, max_size=30).filter(str.strip))
    def add(self, data: st.DataObject, answer: str) -> None:
        ids = self._ids()
        parent = data.draw(st.none() | st.sampled_from(ids)) if ids else None
        self._try(lambda: self.ws.add_why(self.tree, parent, answer))

    @precondition(lambda self: self._ids())
    @rule(data=st.data())
    def move(self, data: st.DataObject) -> None:
        ids = self._ids()
        node, parent = data.draw(st.sampled_from(ids)), data.draw(st.none() | st.sampled_from(ids))
        self._try(lambda: self.ws.move_why(self.tree, node, parent))

    @precondition(lambda self: self._ids())
    @rule(
        data=st.data(),
        confidence=st.sampled_from(CONFIDENCE),
        lens=st.none() | st.sampled_from(LENSES),
    )
    def edit(self, data: st.DataObject, confidence: str, lens: str | None) -> None:
        node = data.draw(st.sampled_from(self._ids()))
        root = data.draw(st.booleans())
        self._try(
            lambda: self.ws.edit_why(
                self.tree, node, confidence=confidence, lens=lens, root_cause=root
            )
        )

    @precondition(lambda self: self._ids())
    @rule(data=st.data(), deleted=st.booleans())
    def delete_or_restore(self, data: st.DataObject, deleted: bool) -> None:
        node = data.draw(st.sampled_from(self._ids()))
        act = self.ws.delete_why if deleted else self.ws.restore_why
        self._try(lambda: act(self.tree, node))

    @precondition(lambda self: self._ids())
    @rule(data=st.data())
    def someone_else_answers(self, data: st.DataObject) -> None:
        self.others.refresh()
        parent = data.draw(st.none() | st.sampled_from(list(self.others.tree(self.tree).nodes)))
        with contextlib.suppress(ServiceKitError):  # under a deleted branch: refused, fine
            self.others.add_why(self.tree, parent, "from another page")
        self.ws.refresh()

    @rule()
    def undo(self) -> None:
        self._try(self.ws.undo)

    @invariant()
    def one_rooted_tree_without_cycles(self) -> None:
        tree = self.ws.tree(self.tree)
        for node in tree.nodes.values():
            seen = {node.id}
            parent = node.parent
            while parent is not None:
                assert parent in tree.nodes, "every parent exists"
                assert parent not in seen, "no cycle"
                seen.add(parent)
                parent = tree.nodes[parent].parent

    @invariant()
    def the_journal_rebuilds_the_live_state(self) -> None:
        self.ws.refresh()
        assert self.ws.journal.rebuild("seq")[0] == self.ws.state


FiveWhysSequences.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_five_whys_sequences = FiveWhysSequences.TestCase
