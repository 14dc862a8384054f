"""The room: controls, timer, dot votes and their rules, as pure values and operations."""

from __future__ import annotations

import datetime as dt

import pytest

from servicekit.errors import Conflict, InvalidInput, NotFound
from servicekit.models import WorkshopState
from servicekit.models.ops import apply
from servicekit.models.room import Control, Room, Timer, Vote, VoteOption, check_target

OPTIONS = (VoteOption("a", "Nobody owns the join"), VoteOption("b", "Form asks twice"))


def _vote(**kw: object) -> Vote:
    return Vote("v", "Which first?", options=OPTIONS, **kw)  # type: ignore[arg-type]


def test_dots_are_limited_per_person_and_per_option() -> None:
    vote = _vote(dots=3, max_per_option=2)
    vote = vote.with_dot("ana", "a", 1).with_dot("ana", "a", 1)
    with pytest.raises(Conflict, match="At most 2 of your dots"):
        vote.with_dot("ana", "a", 1)
    vote = vote.with_dot("ana", "b", 1)
    with pytest.raises(Conflict, match="All your 3 dots are placed"):
        vote.with_dot("ana", "b", 1)
    assert vote.left("ana") == 0 and vote.left("ben") == 3
    vote = vote.with_dot("ben", "b", 1).with_dot("ben", "b", 1)
    assert vote.totals() == {"b": 3, "a": 2}
    vote = vote.with_dot("ana", "b", -1)
    assert vote.ballots["ana"] == {"a": 2}, "an option with no dots left is dropped"
    with pytest.raises(Conflict, match="no dot of yours"):
        vote.with_dot("ana", "b", -1)
    with pytest.raises(NotFound, match="No option 'z'"):
        vote.with_dot("ana", "z", 1)
    closed = Vote.from_dict({**vote.to_dict(), "is_open": False})
    with pytest.raises(Conflict, match="is closed"):
        closed.with_dot("ben", "a", 1)


def test_a_stored_ballot_is_checked_again() -> None:
    with pytest.raises(Conflict, match="4 dots placed, but each person has 3"):
        _vote(max_per_option=3, ballots={"ana": {"a": 3, "b": 1}})
    with pytest.raises(NotFound, match="no option 'z'"):
        _vote(ballots={"ana": {"z": 1}})
    with pytest.raises(InvalidInput, match="dots: 0 is out of range"):
        _vote(dots=0)


def test_timer_counts_down_and_pauses() -> None:
    start = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
    timer = Timer("Map it", 300, start.isoformat())
    assert timer.left(start + dt.timedelta(seconds=120)) == 180
    assert timer.left(start + dt.timedelta(hours=1)) == 0
    assert Timer("Map it", 300, start.isoformat(), paused_left=42).left(start) == 42
    with pytest.raises(InvalidInput, match="has no time zone"):
        Timer("x", 60, "2026-03-04T10:00:00")
    with pytest.raises(InvalidInput, match="1 second to 4 hours"):
        Timer("x", 5 * 3600, start.isoformat())


def test_targets_and_controls() -> None:
    assert check_target("t", "five_whys:t-1") == "five_whys:t-1"
    for bad in ("survey", "poll:x", "survey:", 3):
        with pytest.raises(InvalidInput):
            check_target("t", bad)
    room = Room()
    assert room.control("survey:s") == Control("open", False)
    with pytest.raises(InvalidInput, match=r"'paused' is not allowed\. Use one of"):
        Control("paused")


def _state() -> WorkshopState:
    s, _ = apply(None, "workshop.create", {"slug": "w", "title": "W", "join_code": "ABCD12"})
    s, _ = apply(s, "exercise.add", {"exercise": "five_whys", "value": {"id": "t", "problem": "P"}})
    s, _ = apply(s, "participant.join", {"participant": {"id": "p1"}})
    return s


def test_room_operations_check_what_they_point_at() -> None:
    s = _state()
    with pytest.raises(NotFound, match="No journey exercise 'nope'"):
        apply(s, "room.control", {"target": "journey:nope", "state": "closed"})
    with pytest.raises(NotFound, match="No participant 'ghost'"):
        apply(s, "room.done", {"target": "five_whys:t", "participant": "ghost", "done": True})
    with pytest.raises(NotFound, match="No vote 'v'"):
        apply(s, "room.show", {"target": "vote:v"})
    vote = {"id": "v", "title": "V", "options": [{"id": "a", "label": "A"}], "dots": 1}
    s, _ = apply(s, "vote.add", {"vote": vote, "show": True})
    assert s.room.showing == "vote:v"
    s, _ = apply(s, "vote.dot", {"vote": "v", "participant": "p1", "option": "a", "change": 1})
    with pytest.raises(InvalidInput, match=r"placed \(\+1\) or taken back"):
        apply(s, "vote.dot", {"vote": "v", "participant": "p1", "option": "a", "change": 2})
    same, inverse = apply(s, "room.show", {"target": "vote:v"})
    assert same is s and inverse is None, "showing what is shown stores nothing"
    s, _ = apply(s, "vote.remove", {"id": "v"})
    assert s.room.showing == "" and s.room.votes == {}
