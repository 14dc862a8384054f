"""Journey maps: stages, steps owned by teams, handovers, and layers.

A journey has two shared layers, ``intended`` (as documented) and ``actual`` (as it
really runs), plus one private layer per participant for independent mapping
("Making Toast"). A layer key is ``"intended"``, ``"actual"`` or
``"private:<participant id>"``. A handover is keyed ``"<from step>><to step>"`` and
records what must travel across the boundary and who owns that join.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import Conflict, InvalidInput, NotFound
from ._base import MAX_NAME, MAX_TEXT, Model, check_choice, check_id, check_text, evolve

__all__ = [
    "ACTORS",
    "SHARED_LAYERS",
    "Handover",
    "JourneyMap",
    "Layer",
    "Stage",
    "Step",
    "format_minutes",
    "parse_minutes",
]

ACTORS = ("customer", "frontstage", "backstage", "system")
SHARED_LAYERS = ("intended", "actual")
_PRIVATE = "private:"
_LISTS = ("systems", "info_requested", "pain_points", "workarounds", "shadow_systems")


@dataclass(frozen=True)
class Stage(Model):
    """A column of the map: lead, sales, onboarding..."""

    id: str
    name: str

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_text("name", self.name, limit=MAX_NAME, required=True)


@dataclass(frozen=True)
class Step(Model):
    """One step of the journey, owned by a team. Times are in minutes; friction is 0-5."""

    id: str
    name: str
    stage: str = ""
    owner: str = ""
    actor: str = "frontstage"
    channel: str = ""
    systems: tuple[str, ...] = ()
    info_requested: tuple[str, ...] = ()
    duration_min: float | None = None
    wait_min: float | None = None
    friction: int | None = None
    pain_points: tuple[str, ...] = ()
    workarounds: tuple[str, ...] = ()
    shadow_systems: tuple[str, ...] = ()
    notes: str = ""
    author: str = ""

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_text("name", self.name, limit=MAX_NAME, required=True)
        if self.stage:
            check_id("stage", self.stage)
        check_text("owner", self.owner, limit=MAX_NAME)
        check_choice("actor", self.actor, ACTORS)
        check_text("channel", self.channel, limit=MAX_NAME)
        for name in _LISTS:
            for i, item in enumerate(getattr(self, name)):
                check_text(
                    f"{name}[{i}]", item, limit=MAX_NAME if name != "pain_points" else MAX_TEXT
                )
        for name in ("duration_min", "wait_min"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not 0 <= value <= 10_000_000):
                raise InvalidInput(
                    f"{name}: {value!r} minutes is not a duration. Use a number >= 0."
                )
        if self.friction is not None and (
            isinstance(self.friction, bool)
            or not isinstance(self.friction, int)
            or not 0 <= self.friction <= 5
        ):
            raise InvalidInput(
                f"friction: {self.friction!r} is out of range. Rate it 0 (none) to 5 (worst)."
            )
        check_text("notes", self.notes, limit=MAX_TEXT)
        check_text("author", self.author, limit=MAX_NAME)


def handover_key(from_step: str, to_step: str) -> str:
    """The key of the handover between two steps."""
    return f"{from_step}>{to_step}"


@dataclass(frozen=True)
class Handover(Model):
    """What must travel across a boundary between two steps, and who owns the join."""

    from_step: str
    to_step: str
    what_travels: tuple[str, ...] = ()
    owner: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        check_id("from_step", self.from_step)
        check_id("to_step", self.to_step)
        for i, item in enumerate(self.what_travels):
            check_text(f"what_travels[{i}]", item, limit=MAX_NAME)
        check_text("owner", self.owner, limit=MAX_NAME)
        check_text("notes", self.notes, limit=MAX_TEXT)

    @property
    def key(self) -> str:
        return handover_key(self.from_step, self.to_step)


@dataclass(frozen=True)
class Layer(Model):
    """An ordered list of steps and the handover details recorded between them."""

    steps: tuple[Step, ...] = ()
    handovers: dict[str, Handover] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ids = [s.id for s in self.steps]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise Conflict(f"steps: the id {dup!r} is used twice. Give each step a unique id.")
        for key, handover in self.handovers.items():
            if key != handover.key:
                raise InvalidInput(f"handovers[{key!r}]: the key should be {handover.key!r}.")
            for end in (handover.from_step, handover.to_step):
                if end not in ids:
                    raise NotFound(f"handovers[{key!r}]: no step {end!r} in this layer.")

    def index(self, step_id: str) -> int:
        """Position of a step in the layer."""
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        known = [s.id for s in self.steps][:8]
        raise NotFound(f"No step {step_id!r} in this layer. Known steps: {known}.")

    def step(self, step_id: str) -> Step:
        """The step with this id."""
        return self.steps[self.index(step_id)]


@dataclass(frozen=True)
class JourneyMap(Model):
    """A journey: its stages, team lanes, and intended, actual and private layers."""

    id: str
    name: str
    stages: tuple[Stage, ...] = ()
    teams: tuple[str, ...] = ()
    intended: Layer = field(default_factory=Layer)
    actual: Layer = field(default_factory=Layer)
    private: dict[str, Layer] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_id("id", self.id)
        check_text("name", self.name, limit=MAX_NAME, required=True)
        stage_ids = [s.id for s in self.stages]
        if len(set(stage_ids)) != len(stage_ids):
            raise Conflict("stages: a stage id is used twice. Give each stage a unique id.")
        for i, team in enumerate(self.teams):
            check_text(f"teams[{i}]", team, limit=MAX_NAME, required=True)
        for key in self.private:
            check_id(f"private[{key!r}]", key)
        for key, layer in self.layers().items():
            for step in layer.steps:
                self._check_stage(step, key)

    # -- reading --------------------------------------------------------------------------
    def layers(self) -> dict[str, Layer]:
        """Every layer by key: intended, actual, then private ones."""
        out = {"intended": self.intended, "actual": self.actual}
        out.update({_PRIVATE + pid: layer for pid, layer in self.private.items()})
        return out

    def layer(self, key: str) -> Layer:
        """The layer with this key; a participant's private layer starts empty."""
        if key in SHARED_LAYERS:
            return self.intended if key == "intended" else self.actual
        if key.startswith(_PRIVATE):
            return self.private.get(check_id("layer", key[len(_PRIVATE) :]), Layer())
        msg = f"layer: {key!r} is not a layer. Use 'intended', 'actual' or 'private:<participant id>'."
        raise InvalidInput(msg)

    def lanes(self, key: str = "actual") -> list[str]:
        """Team lanes in display order: declared teams, then any other step owners."""
        lanes = list(self.teams)
        for step in self.layer(key).steps:
            if step.owner and step.owner not in lanes:
                lanes.append(step.owner)
        return lanes

    # -- pure updates -----------------------------------------------------------------------
    def with_layer(self, key: str, layer: Layer) -> JourneyMap:
        """The journey with one layer replaced (validated against the stages)."""
        self.layer(key)
        for step in layer.steps:
            self._check_stage(step, key)
        return self._put_layer(key, layer)

    def _put_layer(self, key: str, layer: Layer) -> JourneyMap:
        """Swap in a layer whose changed steps the caller has already checked."""
        if key == "intended":
            return evolve(self, intended=layer)
        if key == "actual":
            return evolve(self, actual=layer)
        return evolve(self, private={**self.private, key[len(_PRIVATE) :]: layer})

    def with_step(self, key: str, step: Step, index: int | None = None) -> JourneyMap:
        """The journey with a step inserted at ``index`` (default: at the end)."""
        layer = self.layer(key)
        if any(s.id == step.id for s in layer.steps):
            raise Conflict(f"A step with id {step.id!r} already exists in layer {key!r}.")
        self._check_stage(step, key)
        steps = list(layer.steps)
        steps.insert(len(steps) if index is None else _clamp(index, len(steps)), step)
        return self._put_layer(key, evolve(layer, steps=tuple(steps)))

    def with_step_edit(self, key: str, step_id: str, **changes: object) -> JourneyMap:
        """The journey with some fields of a step changed."""
        layer = self.layer(key)
        i = layer.index(step_id)
        if "id" in changes:
            raise InvalidInput("A step's id cannot change; add a new step instead.")
        step = Step.from_dict({**layer.steps[i].to_dict(), **changes}, where=f"step {step_id!r}")
        self._check_stage(step, key)
        steps = (*layer.steps[:i], step, *layer.steps[i + 1 :])
        return self._put_layer(key, evolve(layer, steps=steps))

    def with_step_moved(self, key: str, step_id: str, index: int) -> JourneyMap:
        """The journey with a step moved to position ``index``."""
        layer = self.layer(key)
        steps = list(layer.steps)
        was = layer.index(step_id)
        step = steps.pop(was)
        index = _clamp(index, len(steps))
        if index == was:
            return self  # already there: a no-op, so nothing is stored
        steps.insert(index, step)
        return self._put_layer(key, evolve(layer, steps=tuple(steps)))

    def without_step(self, key: str, step_id: str) -> JourneyMap:
        """The journey with a step, and the handover details that touch it, removed."""
        layer = self.layer(key)
        layer.index(step_id)
        steps = tuple(s for s in layer.steps if s.id != step_id)
        handovers = {
            k: h for k, h in layer.handovers.items() if step_id not in (h.from_step, h.to_step)
        }
        return self._put_layer(key, evolve(layer, steps=steps, handovers=handovers))

    def with_handover(self, key: str, handover: Handover) -> JourneyMap:
        """The journey with the details of one handover recorded or replaced."""
        layer = self.layer(key)
        layer.index(handover.from_step)
        layer.index(handover.to_step)
        handovers = {**layer.handovers, handover.key: handover}
        return self._put_layer(key, evolve(layer, handovers=handovers))

    def without_handover(self, key: str, from_step: str, to_step: str) -> JourneyMap:
        """The journey with the details of one handover removed."""
        layer = self.layer(key)
        hkey = handover_key(from_step, to_step)
        if hkey not in layer.handovers:
            raise NotFound(
                f"No handover details recorded from {from_step!r} to {to_step!r} in {key!r}."
            )
        handovers = {k: h for k, h in layer.handovers.items() if k != hkey}
        return self._put_layer(key, evolve(layer, handovers=handovers))

    def with_stages(
        self, stages: tuple[Stage, ...], teams: tuple[str, ...] | None = None
    ) -> JourneyMap:
        """The journey with new stages (and optionally team lanes); every step must still fit."""
        values = {**self.__dict__, "stages": tuple(stages)}
        if teams is not None:
            values["teams"] = tuple(teams)
        return JourneyMap(**values)

    def _check_stage(self, step: Step, key: str) -> None:
        if step.stage and all(s.id != step.stage for s in self.stages):
            known = [s.id for s in self.stages]
            msg = f"{key} step {step.id!r}: no stage {step.stage!r} in journey {self.id!r}. Known stages: {known}."
            raise NotFound(msg)


def _clamp(index: int, size: int) -> int:
    if isinstance(index, bool) or not isinstance(index, int):
        raise InvalidInput(f"index: expected a whole number, received {index!r}.")
    return max(0, min(index, size))


_UNITS = {
    "": 1.0,
    "m": 1.0,
    "min": 1.0,
    "mins": 1.0,
    "minute": 1.0,
    "minutes": 1.0,
    "h": 60.0,
    "hr": 60.0,
    "hrs": 60.0,
    "hour": 60.0,
    "hours": 60.0,
    "d": 1440.0,
    "day": 1440.0,
    "days": 1440.0,
    "w": 10080.0,
    "wk": 10080.0,
    "week": 10080.0,
    "weeks": 10080.0,
}
_AMOUNT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([a-z]*)\.?\s*$")


def parse_minutes(text: str, field: str = "time") -> float | None:
    """Minutes from what a person types: ``45``, ``45 min``, ``1.5 h``, ``3 days``, ``2 w``; blank is None.

    >>> parse_minutes("45"), parse_minutes("1,5 h"), parse_minutes("3 days"), parse_minutes(" ")
    (45.0, 90.0, 4320.0, None)
    """
    if not text.strip():
        return None
    found = _AMOUNT.match(text.casefold())
    if not found or found.group(2) not in _UNITS:
        raise InvalidInput(
            f"{field}: {text.strip()!r} is not a duration. Write minutes (45), hours (2 h), "
            "days (3 days) or weeks (1 w)."
        )
    return float(found.group(1).replace(",", ".")) * _UNITS[found.group(2)]


def format_minutes(minutes: float | None) -> str:
    """Minutes in the unit a person would say; :func:`parse_minutes` reads it back.

    >>> format_minutes(45), format_minutes(90), format_minutes(3 * 1440), format_minutes(None)
    ('45 min', '1.5 h', '3 days', '')
    """
    if minutes is None:
        return ""
    if minutes >= 1440:
        days = minutes / 1440
        return "1 day" if days == 1 else f"{days:.3g} days"
    if minutes >= 60:
        return f"{minutes / 60:.3g} h"
    return f"{minutes:g} min"
