"""A realistic Five Whys tree of N answers, built through the public API, for the Five Whys benchmarks.

A room's tree is broad near the problem and thins out further down: most answers get two to four answers
below them, some continue as a single chain, and many stop. This module grows such a tree breadth-first
from a seeded random generator, so every run measures the same shape:

* the problem gets three answers; further down an answer gets 0 (25 %), 1 (15 %), 2 (20 %), 3 (25 %) or
  4 (15 %) answers, and nothing goes deeper than :data:`MAX_DEPTH`;
* answers are 40-110 characters, 60 % carry evidence, confidence is mixed (fact / likely / opinion), and
  lenses are mixed with some answers left without one;
* about 10 % of the answers, leaves at depth 2 or more first, are marked as root causes, each with one or
  two countermeasures.

Everything goes through :class:`~servicekit.workshop.Workshop` intents, so the journal, its snapshots and
the validation are those of a real workshop.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

from servicekit.models import COUNTERMEASURE_KINDS
from servicekit.workshop import Workshop

__all__ = ["MAX_DEPTH", "TreeShape", "build_tree"]

MAX_DEPTH = 6
_BRANCHING = ((0, 1, 2, 3, 4), (25, 15, 20, 25, 15))
_CONFIDENCE = (("fact", "likely", "opinion"), (30, 40, 30))
_LENS = (("people", "process", "systems", None), (30, 30, 30, 10))
_WHO = (
    "The front desk",
    "Planning officers",
    "The case system",
    "Team leads",
    "Applicants",
    "The weekly report",
    "Compliance",
    "The shared inbox",
    "New starters",
    "The IT service desk",
)
_WHAT = (
    "re-keys every application by hand",
    "waits for a signature that nobody owns",
    "is measured on closures, not on outcomes",
    "has no checklist for incomplete forms",
    "keeps its own spreadsheet because the record is not trusted",
    "cannot see which cases are waiting on someone else",
    "learns the process from colleagues",
    "sends documents back and forth by email",
    "is not told when a decision is made",
    "works to a target that rewards speed over accuracy",
)
_WHEN = ("", " on Mondays", " after a reorganisation", " in peak season", " for urgent cases")
_EVIDENCE = (
    "Case file review, 40 cases, March",
    "Observed at the counter, two mornings",
    "Ticket export, Jan-Mar",
    "Interview with three officers",
    "Audit report 2025, p. 12",
)


@dataclass
class TreeShape:
    """What was built: the tree's id, its answers' ids, depths and the root causes."""

    tree_id: str
    nodes: list[str] = field(default_factory=list)
    depth: dict[str, int] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)
    measures: int = 0
    children: dict[str | None, list[str]] = field(default_factory=dict)

    def describe(self) -> str:
        """One line for the report: size, depth, branching, root causes."""
        parents = [p for p in self.children.values() if p]
        fan = sorted(len(p) for p in parents)
        return (
            f"{len(self.nodes)} answers, depth {max(self.depth.values())}, "
            f"{sum(1 for p in parents if len(p) > 1)} branching answers (up to {fan[-1]} below one), "
            f"{len(self.roots)} root causes with {self.measures} countermeasures"
        )


def _answer(rng: random.Random) -> str:
    return f"{rng.choice(_WHO)} {rng.choice(_WHAT)}{rng.choice(_WHEN)}."


def build_tree(ws: Workshop, n: int, seed: int = 7) -> TreeShape:
    """Add a tree of ``n`` answers to ``ws`` (breadth-first, seeded); return its shape."""
    rng = random.Random(seed)
    shape = TreeShape(
        ws.add_tree(
            f"Permit decisions take 21 working days against a target of 10 "
            f"(all 1,240 applications, Jan-Mar 2026; tree of {n})"
        )
    )
    queue: deque[tuple[str | None, int]] = deque([(None, 0)])
    while len(shape.nodes) < n:
        if not queue:  # every branch stopped early: grow under a random answer that has room
            room = [
                x
                for x in shape.nodes
                if shape.depth[x] < MAX_DEPTH and len(shape.children.get(x, [])) < 4
            ]
            pick = rng.choice(room)
            queue.append((pick, shape.depth[pick]))
        parent, depth = queue.popleft()
        if depth >= MAX_DEPTH:
            continue
        k = 3 if parent is None else rng.choices(*_BRANCHING)[0]
        for _ in range(min(k, n - len(shape.nodes))):
            node = ws.add_why(
                shape.tree_id,
                parent,
                _answer(rng),
                evidence=rng.choice(_EVIDENCE) if rng.random() < 0.6 else "",
                confidence=rng.choices(*_CONFIDENCE)[0],
                lens=rng.choices(*_LENS)[0],
            )
            shape.nodes.append(node)
            shape.depth[node] = depth + 1
            shape.children.setdefault(parent, []).append(node)
            queue.append((node, depth + 1))
    leaves = [x for x in shape.nodes if x not in shape.children and shape.depth[x] >= 2]
    others = [x for x in shape.nodes if x not in leaves]
    rng.shuffle(leaves)
    rng.shuffle(others)
    for node in (leaves + others)[: max(1, round(n / 10))]:
        ws.mark_root_cause(shape.tree_id, node)
        shape.roots.append(node)
        for _ in range(rng.choice((1, 2))):
            ws.add_countermeasure(
                shape.tree_id,
                node,
                rng.choice(COUNTERMEASURE_KINDS),
                f"Agree a fix for: {_answer(rng)}",
                owner=rng.choice(("Dana", "Sam", "Priya", "")),
                due=rng.choice(("2026-06-30", "2026-09-30", "")),
            )
            shape.measures += 1
    return shape
