"""What a dot vote can be about: options drawn from an exercise, as the room sees it now.

A facilitator starts a vote on the root causes of a tree, or on a journey's hotspots,
handovers or steps; the options are fixed when the vote starts, so a later edit to the
map does not move anyone's dots.
"""

from __future__ import annotations

from ..errors import InvalidInput
from ..models import WorkshopState
from ..models.room import VoteOption, check_target

__all__ = ["VOTABLE", "vote_options"]

#: For each exercise kind, the vote kinds it offers.
VOTABLE = {"five_whys": ("root_causes",), "journey": ("hotspots", "handovers", "steps")}
_LABEL = 200


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LABEL else text[: _LABEL - 1] + "…"


def vote_options(state: WorkshopState, target: str, kind: str, *, top: int = 8) -> list[VoteOption]:
    """The options of a ``kind`` vote on the exercise ``target`` (``"journey:j-1"``).

    Root causes are the tree's marked causes (every answer when none is marked yet);
    hotspots are the ``top`` worst of the actual journey; handovers and steps are all
    of them, in journey order.
    """
    check_target("target", target)
    exercise_kind, _, exercise_id = target.partition(":")
    if kind not in VOTABLE.get(exercise_kind, ()):
        offered = ", ".join(f"{k}: {', '.join(v)}" for k, v in VOTABLE.items())
        raise InvalidInput(
            f"A {kind!r} vote cannot be drawn from a {exercise_kind}. Offered: {offered}."
        )
    exercise = state.exercise(exercise_kind, exercise_id)
    if exercise_kind == "five_whys":
        nodes = exercise.visible_nodes()
        causes = [n for n in nodes if n.root_cause] or nodes
        return [VoteOption(f"o{i}", _short(n.answer), n.id) for i, n in enumerate(causes, 1)]
    from .journey import handovers, hotspots

    if kind == "hotspots":
        found = hotspots(exercise, top=top)
        return [VoteOption(f"o{i}", _short(h.label), h.ref) for i, h in enumerate(found, 1)]
    if kind == "handovers":
        return [
            VoteOption(f"o{i}", _short(f"{h.label}: {h.to_name}"), h.key)
            for i, h in enumerate(handovers(exercise), 1)
        ]
    return [
        VoteOption(f"o{i}", _short(s.name), s.id) for i, s in enumerate(exercise.actual.steps, 1)
    ]
