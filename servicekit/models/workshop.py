"""The workshop: who, when, the join code, participants and every exercise in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidInput, NotFound
from ._base import (
    FORMAT_VERSION,
    MAX_NAME,
    Model,
    check_choice,
    check_format_version,
    check_id,
    check_text,
    evolve,
)
from .five_whys import FiveWhys, check_date
from .journey import JourneyMap
from .room import Room
from .survey import Survey

__all__ = ["EXERCISES", "PHASES", "Participant", "WorkshopState", "check_slug"]

#: Exercise kinds and the field of :class:`WorkshopState` that holds them.
EXERCISES = {"five_whys": "trees", "survey": "surveys", "journey": "journeys"}
#: The phases a facilitator moves the room through.
PHASES = ("collect", "reveal", "discuss", "vote")

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_JOIN = re.compile(r"^[A-Z0-9]{4,12}$")


def check_slug(value: Any) -> str:
    """A workshop slug: lower-case letters, digits and dashes, as in a web address."""
    if not isinstance(value, str) or not _SLUG.match(value):
        msg = (
            f"slug: {value!r} is not a valid workshop name. Use 1-63 lower-case letters, digits "
            "and dashes, starting with a letter or digit, e.g. 'acme-onboarding-2026'."
        )
        raise InvalidInput(msg)
    return value


@dataclass(frozen=True)
class Participant(Model):
    """Someone in the room. Name may be empty when they chose to stay anonymous."""

    id: str
    name: str = ""
    department: str = ""
    role: str = ""

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_text("name", self.name, limit=MAX_NAME)
        check_text("department", self.department, limit=MAX_NAME)
        check_text("role", self.role, limit=MAX_NAME)


@dataclass(frozen=True)
class WorkshopState(Model):
    """The whole state of one workshop, as rebuilt from its journal.

    This is the Workshop domain model; :class:`servicekit.Workshop` is the live
    handle that keeps one of these up to date.
    """

    slug: str
    title: str
    join_code: str
    client: str = ""
    date: str = ""
    phase: str = "collect"
    participants: dict[str, Participant] = field(default_factory=dict)
    trees: dict[str, FiveWhys] = field(default_factory=dict)
    surveys: dict[str, Survey] = field(default_factory=dict)
    journeys: dict[str, JourneyMap] = field(default_factory=dict)
    room: Room = field(default_factory=Room)

    def __post_init__(self) -> None:
        check_slug(self.slug)
        check_text("title", self.title, limit=MAX_NAME, required=True)
        if not isinstance(self.join_code, str) or not _JOIN.match(self.join_code):
            msg = f"join_code: {self.join_code!r} is not a join code. Use 4-12 capital letters or digits."
            raise InvalidInput(msg)
        check_text("client", self.client, limit=MAX_NAME)
        check_date("date", self.date)
        check_choice("phase", self.phase, PHASES)
        for name in ("participants", *EXERCISES.values()):
            for key, value in getattr(self, name).items():
                check_id(f"{name}[{key!r}]", key)
                if value.id != key:
                    raise InvalidInput(
                        f"{name}[{key!r}]: the key differs from the id {value.id!r}."
                    )

    def to_dict(self) -> dict[str, Any]:
        """Plain data with the format version, ready for JSON."""
        return {"format_version": FORMAT_VERSION, **super().to_dict()}

    @classmethod
    def from_dict(cls, data: Any, *, where: str | None = None) -> WorkshopState:
        """Build from :meth:`to_dict` output, refusing data from a newer servicekit."""
        where = where or "workshop"
        if isinstance(data, dict):
            check_format_version(data, where)
        return super().from_dict(data, where=where)

    # -- reading -----------------------------------------------------------------------------
    def exercise(self, kind: str, exercise_id: str) -> Any:
        """One exercise (a tree, a survey or a journey) by kind and id."""
        items = getattr(self, exercise_field(kind))
        try:
            return items[exercise_id]
        except KeyError:
            known = sorted(items)[:8]
            msg = f"No {kind} exercise {exercise_id!r} in workshop {self.slug!r}. Known: {known}."
            raise NotFound(msg) from None

    def participant(self, participant_id: str) -> Participant:
        """The participant with this id."""
        try:
            return self.participants[participant_id]
        except KeyError:
            raise NotFound(
                f"No participant {participant_id!r} in workshop {self.slug!r}."
            ) from None

    # -- pure updates --------------------------------------------------------------------------
    def with_exercise(self, kind: str, value: Any) -> WorkshopState:
        """The workshop with one exercise added or replaced."""
        name = exercise_field(kind)
        return evolve(self, **{name: {**getattr(self, name), value.id: value}})

    def without_exercise(self, kind: str, exercise_id: str) -> WorkshopState:
        """The workshop with one exercise removed."""
        self.exercise(kind, exercise_id)
        name = exercise_field(kind)
        return evolve(
            self, **{name: {k: v for k, v in getattr(self, name).items() if k != exercise_id}}
        )

    def with_participant(self, participant: Participant) -> WorkshopState:
        """The workshop with a participant joined, or their details updated."""
        return evolve(self, participants={**self.participants, participant.id: participant})

    def without_participant(self, participant_id: str) -> WorkshopState:
        """The workshop without a participant (their answers and steps stay)."""
        self.participant(participant_id)
        kept = {k: v for k, v in self.participants.items() if k != participant_id}
        return evolve(self, participants=kept)

    def with_room(self, room: Room) -> WorkshopState:
        """The workshop with the room's controls, timer, done signals or votes replaced."""
        return evolve(self, room=room)

    def target(self, target: str) -> Any:
        """What a room target (``"survey:pps"``, ``"vote:v-1"``) names; NotFound if it is gone."""
        kind, _, item = target.partition(":")
        if kind == "vote":
            return self.room.vote(item)
        return self.exercise("journey" if kind == "toast" else kind, item)

    def with_details(self, **changes: Any) -> WorkshopState:
        """The workshop with title, client, date, join code or phase changed."""
        allowed = {"title", "client", "date", "join_code", "phase"}
        unknown = set(changes) - allowed
        if unknown:
            msg = f"Cannot change {sorted(unknown)[0]!r} of a workshop. Changeable: {', '.join(sorted(allowed))}."
            raise InvalidInput(msg)
        return WorkshopState(**{**self.__dict__, **changes})


def exercise_field(kind: str) -> str:
    """The :class:`WorkshopState` field that holds exercises of this kind."""
    try:
        return EXERCISES[kind]
    except KeyError:
        msg = f"exercise: {kind!r} is not an exercise. Use one of: {', '.join(EXERCISES)}."
        raise InvalidInput(msg) from None
