"""Operations of the room: exercise controls, now showing, the timer, done signals, dot votes.

Registered with :mod:`servicekit.models.ops` like every other operation (``room.*`` and
``vote.*`` kinds); each returns its inverse, so undo works for them too.
"""

from __future__ import annotations

from typing import Any

from ..errors import Conflict, InvalidInput
from ._base import evolve
from .ops import Inverse, _op
from .room import Control, Timer, Vote, check_target
from .workshop import WorkshopState

__all__: list[str] = []


def _room(s: WorkshopState, **changes: Any) -> WorkshopState:
    return s.with_room(evolve(s.room, **changes))


@_op("room.control", "target", optional=("state", "revealed"))
def _control(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    target = check_target("target", p["target"])
    s.target(target)
    current = s.room.control(target)
    changes = {k: p[k] for k in ("state", "revealed") if k in p}
    new = Control.from_dict({**current.to_dict(), **changes}, where="control")
    if new == current:
        return s, None
    inverse = ("room.control", {"target": target, **current.to_dict()})
    controls = {k: v for k, v in s.room.controls.items() if k != target}
    if new != Control():  # the default is not stored, so undo gives back the same state
        controls[target] = new
    return _room(s, controls=controls), inverse


@_op("room.show", "target")
def _show(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    target = p["target"]
    if target:
        check_target("target", target)
        s.target(target)
    if target == s.room.showing:
        return s, None
    return _room(s, showing=target), ("room.show", {"target": s.room.showing})


@_op("room.timer", "timer")
def _timer(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    timer = None if p["timer"] is None else Timer.from_dict(p["timer"], where="timer")
    old = s.room.timer
    inverse = ("room.timer", {"timer": old.to_dict() if old else None})
    return _room(s, timer=timer), inverse


@_op("room.done", "target", "participant", "done")
def _done(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    target = check_target("target", p["target"])
    s.target(target)
    pid = s.participant(p["participant"]).id
    if not isinstance(p["done"], bool):
        raise InvalidInput(f"done: expected true or false, received {p['done']!r}.")
    people = s.room.done.get(target, ())
    if (pid in people) == p["done"]:
        return s, None
    kept = (*people, pid) if p["done"] else tuple(x for x in people if x != pid)
    done = {k: v for k, v in s.room.done.items() if k != target}
    if kept:
        done[target] = kept
    inverse = ("room.done", {"target": target, "participant": pid, "done": not p["done"]})
    return _room(s, done=done), inverse


@_op("vote.add", "vote", optional=("show",))
def _vote_add(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    """Add a vote; with ``show``, the room is shown it at once."""
    vote = Vote.from_dict(p["vote"], where="vote")
    if vote.id in s.room.votes:
        raise Conflict(f"A vote with id {vote.id!r} already exists.")
    if vote.exercise:
        s.target(vote.exercise)
    votes = {**s.room.votes, vote.id: vote}
    if p.get("show"):
        inverse = ("vote.remove", {"id": vote.id, "then_show": s.room.showing})
        return _room(s, votes=votes, showing=f"vote:{vote.id}"), inverse
    return _room(s, votes=votes), ("vote.remove", {"id": vote.id})


@_op("vote.remove", "id", optional=("then_show",))
def _vote_remove(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    """Remove a vote; the room stops showing it (or shows ``then_show``)."""
    old = s.room.vote(p["id"])
    target = f"vote:{old.id}"
    votes = {k: v for k, v in s.room.votes.items() if k != old.id}
    if "then_show" in p:
        showing = p["then_show"]
        if showing:
            check_target("then_show", showing)
    else:
        showing = "" if s.room.showing == target else s.room.showing
    inverse = ("vote.add", {"vote": old.to_dict(), "show": s.room.showing == target})
    return _room(s, votes=votes, showing=showing), inverse


@_op("vote.dot", "vote", "participant", "option", "change")
def _vote_dot(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    vote = s.room.vote(p["vote"])
    pid = s.participant(p["participant"]).id
    change = p["change"]
    if change not in (1, -1) or isinstance(change, bool):
        raise InvalidInput(
            f"change: {change!r}; a dot is placed (+1) or taken back (-1) at a time."
        )
    new = vote.with_dot(pid, p["option"], change)
    inverse = ("vote.dot", {**p, "participant": pid, "change": -change})
    return _room(s, votes={**s.room.votes, vote.id: new}), inverse


@_op("vote.set", "vote", optional=("is_open", "shown"))
def _vote_set(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    vote = s.room.vote(p["vote"])
    changes = {k: p[k] for k in ("is_open", "shown") if k in p}
    for key, value in changes.items():
        if not isinstance(value, bool):
            raise InvalidInput(f"{key}: expected true or false, received {value!r}.")
    new = evolve(vote, **changes)
    if new == vote:
        return s, None
    before: dict[str, Any] = {"vote": vote.id}
    before.update((k, getattr(vote, k)) for k in changes)
    return _room(s, votes={**s.room.votes, vote.id: new}), ("vote.set", before)
