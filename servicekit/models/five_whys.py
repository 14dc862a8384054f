"""Five Whys: a problem statement and a branching tree of evidence-backed "why" answers.

A node answers "why?" for its parent (or for the problem itself when ``parent`` is
None). A node may be marked as a root cause and carry countermeasures, which are
typed so they can be ordered eliminate -> move earlier -> simplify -> automate.
Deleting a node hides its whole branch and can be undone with :meth:`FiveWhys.with_deleted`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import Conflict, InvalidInput, NotFound
from ._base import MAX_NAME, MAX_TEXT, Model, check_choice, check_id, check_text, evolve

__all__ = [
    "CONFIDENCE",
    "COUNTERMEASURE_KINDS",
    "LENSES",
    "Countermeasure",
    "FiveWhys",
    "WhyNode",
]

#: How strongly the evidence supports an answer, strongest first.
CONFIDENCE = ("fact", "likely", "opinion")
#: The three lenses a cause can be seen through.
LENSES = ("people", "process", "systems")
#: Countermeasure types in the order they should be considered.
COUNTERMEASURE_KINDS = ("eliminate", "move_earlier", "simplify", "automate")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NODE_FIELDS = ("answer", "evidence", "confidence", "lens", "root_cause")
_MEASURE_FIELDS = ("kind", "action", "owner", "due")


def check_date(field_name: str, value: str) -> str:
    """An ISO date (``2026-03-31``) or empty."""
    if value and not _DATE.match(value):
        raise InvalidInput(f"{field_name}: {value!r} is not a date. Write it as YYYY-MM-DD.")
    return value


@dataclass(frozen=True)
class WhyNode(Model):
    """One answer to "why?", with the evidence behind it."""

    id: str
    parent: str | None
    answer: str
    evidence: str = ""
    confidence: str = "opinion"
    lens: str | None = None
    root_cause: bool = False
    deleted: bool = False
    author: str = ""

    def __post_init__(self) -> None:
        check_id("id", self.id)
        if self.parent is not None:
            check_id("parent", self.parent)
        check_text("answer", self.answer, required=True)
        check_text("evidence", self.evidence)
        check_choice("confidence", self.confidence, CONFIDENCE)
        if self.lens is not None:
            check_choice("lens", self.lens, LENSES)
        check_text("author", self.author, limit=MAX_NAME)


@dataclass(frozen=True)
class Countermeasure(Model):
    """An action against a root cause, with an owner and a due date."""

    id: str
    node: str
    kind: str
    action: str
    owner: str = ""
    due: str = ""
    author: str = ""

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_id("node", self.node)
        check_choice("kind", self.kind, COUNTERMEASURE_KINDS)
        check_text("action", self.action, required=True)
        check_text("owner", self.owner, limit=MAX_NAME)
        check_date("due", self.due)
        check_text("author", self.author, limit=MAX_NAME)


@dataclass(frozen=True)
class FiveWhys(Model):
    """A Five Whys tree. Nodes keep insertion order; children are listed in that order."""

    id: str
    problem: str
    nodes: dict[str, WhyNode] = field(default_factory=dict)
    countermeasures: dict[str, Countermeasure] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_text("problem", self.problem, limit=MAX_TEXT, required=True)
        for key, node in self.nodes.items():
            if key != node.id:
                raise InvalidInput(
                    f"nodes[{key!r}]: the key differs from the node's id {node.id!r}."
                )
            if node.parent is not None and node.parent not in self.nodes:
                raise NotFound(self._missing(node.parent, f"nodes[{key!r}].parent"))
        for key in self.nodes:
            self._check_no_cycle(key, self.nodes[key].parent)
        for key, measure in self.countermeasures.items():
            if key != measure.id:
                msg = f"countermeasures[{key!r}]: the key differs from its id {measure.id!r}."
                raise InvalidInput(msg)
            if measure.node not in self.nodes:
                raise NotFound(self._missing(measure.node, f"countermeasures[{key!r}].node"))

    # -- reading -----------------------------------------------------------------------
    def node(self, node_id: str) -> WhyNode:
        """The node with this id (deleted or not)."""
        try:
            return self.nodes[node_id]
        except KeyError:
            raise NotFound(self._missing(node_id, "node")) from None

    def children(self, parent_id: str | None, *, include_deleted: bool = False) -> list[WhyNode]:
        """Answers directly under ``parent_id`` (None: under the problem), in the order added."""
        return [
            n
            for n in self.nodes.values()
            if n.parent == parent_id and (include_deleted or not n.deleted)
        ]

    def is_hidden(self, node_id: str) -> bool:
        """True when the node or one of its ancestors is deleted."""
        current: str | None = node_id
        while current is not None:
            node = self.node(current)
            if node.deleted:
                return True
            current = node.parent
        return False

    def visible_nodes(self) -> list[WhyNode]:
        """Nodes that are not deleted and not under a deleted node, in insertion order."""
        return [n for n in self.nodes.values() if not self.is_hidden(n.id)]

    def path(self, node_id: str) -> list[WhyNode]:
        """The chain from the first "why" down to this node."""
        chain = []
        current: str | None = node_id
        while current is not None:
            node = self.node(current)
            chain.append(node)
            current = node.parent
        return chain[::-1]

    def measures_for(self, node_id: str) -> list[Countermeasure]:
        """Countermeasures of a node, ordered eliminate -> move earlier -> simplify -> automate."""
        found = [m for m in self.countermeasures.values() if m.node == node_id]
        return sorted(found, key=lambda m: COUNTERMEASURE_KINDS.index(m.kind))

    # -- pure updates ----------------------------------------------------------------------
    def with_problem(self, problem: str) -> FiveWhys:
        """The tree with a reworded problem statement."""
        if problem == self.problem:
            return self
        return evolve(self, problem=check_text("problem", problem, required=True))

    def with_why(self, node: WhyNode) -> FiveWhys:
        """The tree with a new answer added under ``node.parent``."""
        if node.id in self.nodes:
            raise Conflict(f"A why-node with id {node.id!r} already exists in tree {self.id!r}.")
        if node.parent is not None:
            self._check_visible(node.parent, "answer under")
        return evolve(self, nodes={**self.nodes, node.id: node})

    def with_node_edit(self, node_id: str, **changes: object) -> FiveWhys:
        """The tree with some of a node's fields (answer, evidence, confidence, lens,
        root_cause) changed."""
        node = self.node(node_id)
        unknown = set(changes) - set(_NODE_FIELDS)
        if unknown:
            msg = f"Cannot edit {sorted(unknown)[0]!r} of a why-node. Editable: {', '.join(_NODE_FIELDS)}."
            raise InvalidInput(msg)
        edited = WhyNode.from_dict({**node.to_dict(), **changes}, where=f"why-node {node_id!r}")
        if edited == node:
            return self
        self._check_visible(node_id, "change")
        return evolve(self, nodes={**self.nodes, node_id: edited})

    def with_move(self, node_id: str, new_parent: str | None) -> FiveWhys:
        """The tree with a node (and its branch) moved under another parent."""
        node = self.node(node_id)
        if node.parent == new_parent:
            return self
        self._check_visible(node_id, "move")
        if new_parent is not None:
            self._check_visible(new_parent, "move an answer under")
        self._check_no_cycle(node_id, new_parent)
        moved = evolve(node, parent=new_parent)
        return evolve(self, nodes={**self.nodes, node_id: moved})

    def with_deleted(self, node_id: str, deleted: bool = True) -> FiveWhys:
        """The tree with a node's branch hidden (``deleted=True``) or restored."""
        node = self.node(node_id)
        if node.deleted == bool(deleted):
            return self
        return evolve(self, nodes={**self.nodes, node_id: evolve(node, deleted=bool(deleted))})

    def without_node(self, node_id: str) -> FiveWhys:
        """The tree with a leaf node removed for good (used to undo an addition)."""
        self._check_visible(node_id, "remove")
        if any(n.parent == node_id for n in self.nodes.values()):
            msg = f"Cannot remove why-node {node_id!r}: answers have since been added under it."
            raise Conflict(msg + " Delete it instead; deleted branches can be restored.")
        if any(m.node == node_id for m in self.countermeasures.values()):
            msg = f"Cannot remove why-node {node_id!r}: it has countermeasures. Remove them first."
            raise Conflict(msg)
        nodes = {k: v for k, v in self.nodes.items() if k != node_id}
        return evolve(self, nodes=nodes)

    def with_countermeasure(self, measure: Countermeasure) -> FiveWhys:
        """The tree with a countermeasure added or replaced (same id)."""
        if self.countermeasures.get(measure.id) == measure:
            return self
        self._check_visible(measure.node, "add a countermeasure to")
        return evolve(self, countermeasures={**self.countermeasures, measure.id: measure})

    def with_countermeasure_edit(self, measure_id: str, **changes: object) -> FiveWhys:
        """The tree with some fields (kind, action, owner, due) of a countermeasure changed."""
        measure = self.countermeasure(measure_id)
        unknown = set(changes) - set(_MEASURE_FIELDS)
        if unknown:
            msg = f"Cannot edit {sorted(unknown)[0]!r} of a countermeasure. Editable: {', '.join(_MEASURE_FIELDS)}."
            raise InvalidInput(msg)
        edited = Countermeasure.from_dict(
            {**measure.to_dict(), **changes}, where=f"countermeasure {measure_id!r}"
        )
        return self.with_countermeasure(edited)

    def without_countermeasure(self, measure_id: str) -> FiveWhys:
        """The tree with a countermeasure removed."""
        self._check_visible(self.countermeasure(measure_id).node, "remove a countermeasure from")
        kept = {k: v for k, v in self.countermeasures.items() if k != measure_id}
        return evolve(self, countermeasures=kept)

    def countermeasure(self, measure_id: str) -> Countermeasure:
        """The countermeasure with this id."""
        try:
            return self.countermeasures[measure_id]
        except KeyError:
            known = sorted(self.countermeasures)[:5]
            msg = f"No countermeasure {measure_id!r} in tree {self.id!r}. Known: {known}."
            raise NotFound(msg) from None

    # -- helpers -----------------------------------------------------------------------
    def _check_visible(self, node_id: str, action: str) -> None:
        """Refuse work on a deleted branch: it would vanish from view without a word.

        Only deleting and restoring touch hidden nodes, so every other change
        keeps an inverse that can be applied (undo never hits a hidden node).
        """
        if self.is_hidden(node_id):
            answer = self.nodes[node_id].answer
            short = answer if len(answer) <= 60 else answer[:57] + "..."
            msg = f"Cannot {action} {short!r}: it is in a deleted branch. Restore the branch first."
            raise Conflict(msg)

    def _missing(self, node_id: str, what: str) -> str:
        known = sorted(self.nodes)[:5]
        more = "..." if len(self.nodes) > 5 else ""
        return f"{what}: no why-node {node_id!r} in tree {self.id!r}. Pick one of: {known}{more}"

    def _check_no_cycle(self, node_id: str, parent: str | None) -> None:
        seen = {node_id}
        current = parent
        while current is not None:
            if current in seen:
                msg = (
                    f"Moving why-node {node_id!r} under {parent!r} would make a cycle: "
                    f"{parent!r} is inside the branch of {node_id!r}. Pick a node outside that branch."
                )
                raise Conflict(msg)
            seen.add(current)
            current = self.nodes[current].parent if current in self.nodes else None
