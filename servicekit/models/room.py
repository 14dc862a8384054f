"""The room: what the facilitator has open, hidden or revealed, what everyone is looking at,
the timebox, who is done, and dot votes.

Exercises are referred to as targets ``"<kind>:<id>"`` (``"survey:pps"``, ``"journey:j-1"``);
a vote is ``"vote:<id>"``. ``"toast:<journey id>"`` is the Making Toast exercise on a journey:
each participant maps it on their own, in their private layer, until the maps are revealed. Every exercise starts **open** and **not revealed**: participants can
add to it, but their individual contributions are not shown to the room until the
facilitator reveals them. Dot votes keep their totals hidden until the facilitator shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..errors import Conflict, InvalidInput, NotFound
from ._base import MAX_NAME, Model, check_choice, check_id, check_text, evolve

__all__ = [
    "CONTROL_STATES",
    "VOTE_KINDS",
    "Control",
    "Room",
    "Timer",
    "Vote",
    "VoteOption",
    "check_target",
]

#: What participants may do with an exercise: add to it, only look at it, or not even see it.
CONTROL_STATES = ("open", "closed", "hidden")
#: What a dot vote is about.
VOTE_KINDS = ("root_causes", "hotspots", "handovers", "steps", "other")
_TARGET_KINDS = ("five_whys", "survey", "journey", "toast", "vote")
#: Longest timebox: a half-day session.
MAX_TIMER_SECONDS = 4 * 60 * 60
#: Most dots one participant may hold in one vote.
MAX_DOTS = 20


def check_target(field_name: str, value: Any) -> str:
    """A target ``"<kind>:<id>"``: an exercise or a vote.

    >>> check_target("show", "journey:j-1")
    'journey:j-1'
    """
    if not isinstance(value, str) or ":" not in value:
        msg = f"{field_name}: {value!r} is not a target. Write it as 'kind:id', e.g. 'survey:pps-check'."
        raise InvalidInput(msg)
    kind, _, item = value.partition(":")
    check_choice(f"{field_name} kind", kind, _TARGET_KINDS)
    check_id(field_name, item)
    return value


def _check_when(field_name: str, value: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            f"{field_name}: {value!r} is not a time. Use ISO 8601 with a zone, e.g. 2026-03-04T10:15:00+00:00."
        ) from None
    if parsed.tzinfo is None:
        raise InvalidInput(f"{field_name}: {value!r} has no time zone. Add one, e.g. +00:00.")
    return value


@dataclass(frozen=True)
class Control(Model):
    """One exercise as the room sees it."""

    state: str = "open"
    revealed: bool = False

    def __post_init__(self) -> None:
        check_choice("state", self.state, CONTROL_STATES)


@dataclass(frozen=True)
class Timer(Model):
    """A visible countdown: ``seconds`` from ``started`` (ISO time); paused holds what was left."""

    label: str
    seconds: int
    started: str
    paused_left: int | None = None

    def __post_init__(self) -> None:
        check_text("label", self.label, limit=MAX_NAME)
        if isinstance(self.seconds, bool) or not isinstance(self.seconds, int):
            raise InvalidInput(f"seconds: {self.seconds!r} is not a whole number of seconds.")
        if not 1 <= self.seconds <= MAX_TIMER_SECONDS:
            raise InvalidInput(
                f"seconds: {self.seconds} is out of range. A timebox runs 1 second to 4 hours."
            )
        _check_when("started", self.started)
        if self.paused_left is not None and not 0 <= self.paused_left <= self.seconds:
            raise InvalidInput(f"paused_left: {self.paused_left!r} is outside 0..{self.seconds}.")

    def left(self, now: dt.datetime) -> float:
        """Seconds left at ``now`` (0 once over)."""
        if self.paused_left is not None:
            return float(self.paused_left)
        gone = (now - dt.datetime.fromisoformat(self.started)).total_seconds()
        return max(0.0, self.seconds - gone)


@dataclass(frozen=True)
class VoteOption(Model):
    """Something a dot can go on: a root cause, a hotspot, a handover, a step."""

    id: str
    label: str
    ref: str = ""  # what it points at in its exercise (a node, a step, a handover key)

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_text("label", self.label, limit=MAX_NAME, required=True)
        check_text("ref", self.ref, limit=MAX_NAME)


@dataclass(frozen=True)
class Vote(Model):
    """A dot vote: each participant places up to ``dots`` dots on the options."""

    id: str
    title: str
    kind: str = "other"
    exercise: str = ""  # the target the options come from, e.g. "journey:j-1"
    options: tuple[VoteOption, ...] = ()
    dots: int = 3
    max_per_option: int = 3
    is_open: bool = True
    shown: bool = False
    ballots: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_text("title", self.title, limit=MAX_NAME, required=True)
        check_choice("kind", self.kind, VOTE_KINDS)
        if self.exercise:
            check_target("exercise", self.exercise)
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids):
            raise Conflict("options: an option id is used twice. Give each option its own id.")
        for name in ("dots", "max_per_option"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DOTS:
                raise InvalidInput(f"{name}: {value!r} is out of range. Use 1 to {MAX_DOTS}.")
        known = set(ids)
        for pid, ballot in self.ballots.items():
            check_id("ballots", pid)
            for option, n in ballot.items():
                if option not in known:
                    raise NotFound(f"ballots[{pid!r}]: no option {option!r} in vote {self.id!r}.")
                if (
                    isinstance(n, bool)
                    or not isinstance(n, int)
                    or not 1 <= n <= self.max_per_option
                ):
                    raise InvalidInput(
                        f"ballots[{pid!r}][{option!r}]: {n!r} dots; use 1 to {self.max_per_option}."
                    )
            if sum(ballot.values()) > self.dots:
                raise Conflict(
                    f"ballots[{pid!r}]: {sum(ballot.values())} dots placed, but each person has {self.dots}."
                )

    def left(self, participant: str) -> int:
        """Dots the participant has not placed yet."""
        return self.dots - sum(self.ballots.get(participant, {}).values())

    def totals(self) -> dict[str, int]:
        """Dots per option, every option listed, most first (ties in option order)."""
        counts = {o.id: 0 for o in self.options}
        for ballot in self.ballots.values():
            for option, n in ballot.items():
                counts[option] += n
        order = {o.id: i for i, o in enumerate(self.options)}
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]])))

    def with_dot(self, participant: str, option: str, change: int) -> Vote:
        """The vote with one participant's dots on one option moved by ``change`` (+1 or -1)."""
        if not self.is_open:
            raise Conflict(f"The vote {self.title!r} is closed: dots can no longer move.")
        if option not in {o.id for o in self.options}:
            raise NotFound(f"No option {option!r} in the vote {self.title!r}.")
        ballot = dict(self.ballots.get(participant, {}))
        now = ballot.get(option, 0) + change
        if now < 0:
            raise Conflict("There is no dot of yours on that option to take back.")
        if change > 0 and self.left(participant) < change:
            raise Conflict(f"All your {self.dots} dots are placed. Take one back to move it.")
        if now > self.max_per_option:
            raise Conflict(f"At most {self.max_per_option} of your dots can go on one option.")
        if now:
            ballot[option] = now
        else:
            ballot.pop(option, None)
        ballots = {k: v for k, v in self.ballots.items() if k != participant}
        if ballot:
            ballots[participant] = ballot
        return evolve(self, ballots=ballots)


@dataclass(frozen=True)
class Room(Model):
    """Everything the facilitator steers: controls, now showing, the timer, done signals, votes."""

    controls: dict[str, Control] = field(default_factory=dict)
    showing: str = ""
    timer: Timer | None = None
    done: dict[str, tuple[str, ...]] = field(default_factory=dict)
    votes: dict[str, Vote] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for target in self.controls:
            check_target("controls", target)
        if self.showing:
            check_target("showing", self.showing)
        for target, people in self.done.items():
            check_target("done", target)
            for pid in people:
                check_id(f"done[{target!r}]", pid)
        for key, vote in self.votes.items():
            if key != vote.id:
                raise InvalidInput(f"votes[{key!r}]: the key differs from the id {vote.id!r}.")

    def control(self, target: str) -> Control:
        """How the room sees a target (an exercise is open and not revealed until told otherwise)."""
        return self.controls.get(check_target("target", target), Control())

    def vote(self, vote_id: str) -> Vote:
        try:
            return self.votes[vote_id]
        except KeyError:
            raise NotFound(f"No vote {vote_id!r}. Known votes: {sorted(self.votes)[:8]}.") from None

    def done_count(self, target: str) -> int:
        """How many participants said they are done with ``target``."""
        return len(self.done.get(target, ()))
