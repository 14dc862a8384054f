"""Journey skeletons a consultant edits per client, in YAML.

A skeleton becomes a :class:`JourneyTemplate` of stages, team lanes and intended/actual steps
with their handovers, each value checked by the model that will hold it. Every refusal names the
file, the line, the field and the fix, for a reader editing text, not Python (see
``docs/journeys.md``). The YAML reading is shared with the questionnaires in
:mod:`servicekit.templates`, which also re-exports the names here. PyYAML loads on first use.
"""

from __future__ import annotations

import dataclasses
import re
import typing
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InvalidInput, ServiceKitError
from .models import Handover, JourneyMap, Layer, Stage, Step
from .models._base import check_text
from .models.journey import SHARED_LAYERS
from .templates import _TEMPLATES, _described, _did_you_mean, _read, _Reader, _yaml_files

__all__ = [
    "JourneyTemplate",
    "journey_template_choices",
    "journey_template_files",
    "load_journey_template",
]

#: Where the bundled journey skeletons live: the repository's ``templates/journeys``.
JOURNEYS = _TEMPLATES / "journeys"

_JOURNEY_TOP = ("format_version", "name", "description", "stages", "teams", *SHARED_LAYERS)
_STAGE = tuple(f.name for f in dataclasses.fields(Stage))
# A step in a template is a Step without its author (who typed it in the room): the model's own
# fields, so a field added to Step is a template key at once. The name comes first: it is the
# one key a step needs.
_STEP = ("name", *(f.name for f in dataclasses.fields(Step) if f.name not in ("name", "author")))
_LAYER = ("steps", "handovers")
_HANDOVER = ("from", "to", "what_travels", "owner", "notes")
_HANDOVER_FIELD = {"from": "from_step", "to": "to_step"}
_STEP_NUMBERS = {
    "duration_min": "Write the minutes the step takes as a number, e.g. duration_min: 15.",
    "wait_min": "Write the minutes of waiting before the step as a number, e.g. wait_min: 60.",
    "friction": "Rate friction with a whole number from 0 (none) to 5 (worst), e.g. friction: 3.",
}


@dataclass(frozen=True)
class JourneyTemplate:
    """A journey skeleton read from a template; ``source`` is not compared."""

    name: str
    description: str
    stages: tuple[Stage, ...]
    teams: tuple[str, ...]
    intended: Layer
    actual: Layer
    source: Path | None = field(default=None, compare=False)

    def to_journey(self, journey_id: str, name: str | None = None) -> JourneyMap:
        """The journey this template describes, as a validated value."""
        return JourneyMap(
            id=journey_id,
            name=self.name if name is None else name,
            stages=self.stages,
            teams=self.teams,
            intended=self.intended,
            actual=self.actual,
        )

    def operations(self, journey_id: str, name: str | None = None) -> list[dict[str, Any]]:
        """The operations that add this journey to a workshop, to be stored as one ``batch``.

        First ``exercise.add`` with the stages and team lanes, then a ``journey.add_step``
        for every step and a ``journey.handover`` for every handover, layer by layer.
        :meth:`servicekit.Workshop.add_journey_from_template` stores them.
        """
        value = {
            "id": journey_id,
            "name": self.name if name is None else name,
            "stages": [stage.to_dict() for stage in self.stages],
            "teams": list(self.teams),
        }
        ops: list[dict[str, Any]] = [
            {"kind": "exercise.add", "payload": {"exercise": "journey", "value": value}}
        ]
        for key in SHARED_LAYERS:
            layer: Layer = getattr(self, key)
            where = {"journey": journey_id, "layer": key}
            ops += [
                {"kind": "journey.add_step", "payload": {**where, "step": step.to_dict()}}
                for step in layer.steps
            ]
            ops += [
                {"kind": "journey.handover", "payload": {**where, "handover": handover.to_dict()}}
                for handover in layer.handovers.values()
            ]
        return ops


def journey_template_files() -> list[Path]:
    """The journey templates bundled with servicekit, sorted by file name."""
    return _yaml_files(JOURNEYS)


def load_journey_template(path: str | Path) -> JourneyTemplate:
    """Read and check a journey template.

    ``path`` is a file, or the bare name of a bundled template such as
    ``"public_service_application"``. Raises :class:`~servicekit.errors.InvalidInput`
    (``<file>, line <n>, ...: what, and the fix``), or
    :class:`~servicekit.errors.FormatVersionError` for a file from a newer servicekit.
    """
    path = Path(path)
    if not path.exists() and path.parent == Path():
        bundled = {p.stem: p for p in journey_template_files()}
        path = bundled.get(path.stem if path.suffix in (".yaml", ".yml") else path.name, path)
    sample = JOURNEYS / "business_lead_to_support.yaml"
    reader, root = _read(path, "journey templates", journey_template_files(), sample)
    return _JourneyReader(path, *reader).journey(root)


def _step_id(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """An id made from a step's name: lower-case ASCII letters and digits joined by ``-``.

    A name already in ``taken`` gets ``-2``, ``-3``... A name with no such letters becomes ``step``.

    >>> _step_id("Qualify the lead")
    'qualify-the-lead'
    >>> _step_id("Qualify the lead", {"qualify-the-lead"})
    'qualify-the-lead-2'
    >>> _step_id("Prüfung: Ergebnis")
    'prufung-ergebnis'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:56].strip("-") or "step"
    sid, n = base, 1
    while sid in taken:
        n += 1
        sid = f"{base}-{n}"
    return sid


class _JourneyReader(_Reader):
    """Reads a journey skeleton; each value is checked by the model that will hold it."""

    def journey(self, root: Any) -> JourneyTemplate:
        self.format_version(root)
        keys = self.mapping(root, "", _JOURNEY_TOP, ("name", "stages"))
        name = self.text(keys["name"][1], "", "name")
        description = ""
        if "description" in keys:
            at = keys["description"][1]
            description = self.text(at, "", "description")
            self.check(at, "description", lambda: check_text("description", description))
        stages = self.stages(keys)
        teams = tuple(self.text(t, "", "teams") for t in self.listed(keys, "teams", ""))
        values = {"id": "template", "name": name, "stages": stages, "teams": teams}
        journey = self.build(JourneyMap, values, root, keys, "", {})
        for key in SHARED_LAYERS:
            if key in keys:
                journey = self.layer(journey, key, keys[key][1])
        return JourneyTemplate(
            name=journey.name,
            description=description,
            stages=journey.stages,
            teams=journey.teams,
            intended=journey.intended,
            actual=journey.actual,
            source=self.path,
        )

    def listed(self, keys: dict[str, tuple[Any, Any]], key: str, where: str) -> list[Any]:
        """As for any template; a single word where a list belongs is shown its list form."""
        try:
            return super().listed(keys, key, where)
        except InvalidInput as exc:
            node = keys[key][1]
            if not isinstance(node, self.yaml.ScalarNode):
                raise
            raise InvalidInput(f"{exc} For a list of one, write {key}: [{node.value}].") from None

    def stages(self, keys: dict[str, tuple[Any, Any]]) -> tuple[Stage, ...]:
        """The stages, in order; each id once."""
        stages: dict[str, Stage] = {}
        lines: dict[str, int] = {}  # stage id -> line where it is first used
        for i, node in enumerate(self.listed(keys, "stages", ""), 1):
            where = self.named("stage {}", node, i)
            stage_keys = self.mapping(node, where, _STAGE, _STAGE)
            values = {k: self.text(stage_keys[k][1], where, k) for k in _STAGE}
            id_node = stage_keys["id"][1]
            if values["id"] in stages:
                line = lines[values["id"]]
                msg = f"the id {values['id']!r} is already used on line {line}. Give each stage its own id."
                raise self.fail(id_node, where, "id", msg)
            stages[values["id"]] = self.build(Stage, values, node, stage_keys, where)
            lines[values["id"]] = id_node.start_mark.line + 1
        if not stages:
            msg = "the journey has no stages. List them under 'stages:', e.g. '- {id: lead, name: Lead}'."
            raise self.fail(keys["stages"][1], "", "stages", msg)
        return tuple(stages.values())

    def layer(self, journey: JourneyMap, key: str, node: Any) -> JourneyMap:
        """The journey with one layer read: a list of steps, or the keys steps and handovers."""
        if isinstance(node, self.yaml.SequenceNode) or node.tag.endswith(":null"):
            keys = {"steps": (node, node)}
        elif isinstance(node, self.yaml.MappingNode):
            keys = self.mapping(node, f"layer {key!r}", _LAYER, ())
        else:
            msg = f"expected a list of steps, or the keys 'steps:' and 'handovers:', found {_described(node)}."
            raise self.fail(node, "", key, msg)
        nodes = self.listed(keys, "steps", f"layer {key!r}")
        # Steps without an id take one made from their name, never one written elsewhere.
        explicit = {sid for n in nodes if (sid := self.id_of(n))}
        taken: dict[str, int] = {}  # step id -> line where it is first used
        for i, step_node in enumerate(nodes, 1):
            step = self.step(journey, key, step_node, i, explicit, taken)
            journey = self.apply(
                step_node, f"step {step.id!r} in layer {key!r}", journey.with_step, key, step
            )
        ends: dict[str, int] = {}  # handover key -> line where it is described
        for i, handover_node in enumerate(self.listed(keys, "handovers", f"layer {key!r}"), 1):
            where = f"handover {i} in layer {key!r}"
            handover = self.handover(handover_node, where, key, taken)
            if handover.key in ends:
                msg = (
                    f"the handover from {handover.from_step!r} to {handover.to_step!r} is already "
                    f"described on line {ends[handover.key]}. Keep one of them."
                )
                raise self.fail(handover_node, where, None, msg)
            ends[handover.key] = handover_node.start_mark.line + 1
            journey = self.apply(handover_node, where, journey.with_handover, key, handover)
        return journey

    def handover(self, node: Any, where: str, layer: str, steps: dict[str, int]) -> Handover:
        """One handover; ``from`` and ``to`` must be ids of the layer's ``steps``."""
        keys = self.mapping(node, where, _HANDOVER, ("from", "to"))
        values: dict[str, Any] = {}
        for key in ("from", "to", "owner", "notes"):
            if key in keys:
                values[_HANDOVER_FIELD.get(key, key)] = self.text(keys[key][1], where, key)
        for key in ("from", "to"):
            sid = values[_HANDOVER_FIELD[key]]
            if sid not in steps:
                hint = _did_you_mean(sid, list(steps))
                msg = (
                    f"no step {sid!r} in layer {layer!r}. {hint}Use one of its step ids "
                    f"({', '.join(steps) or 'none yet'}); a step without an id has one made from its name."
                )
                raise self.fail(keys[key][1], where, key, msg)
        entries = self.listed(keys, "what_travels", where)
        values["what_travels"] = tuple(self.text(n, where, "what_travels") for n in entries)
        yaml_keys = {v: k for k, v in _HANDOVER_FIELD.items()}
        return self.build(Handover, values, node, keys, where, yaml_keys)

    def id_of(self, node: Any) -> str:
        """The id written on a step, or '' when it has none."""
        for key, value in node.value if isinstance(node, self.yaml.MappingNode) else ():
            if key.value == "id" and isinstance(value, self.yaml.ScalarNode) and value.value:
                return str(value.value).strip()
        return ""

    def step(
        self,
        journey: JourneyMap,
        layer: str,
        node: Any,
        i: int,
        explicit: set[str],
        taken: dict[str, int],
    ) -> Step:
        where = self.named("step {} in layer " + repr(layer), node, i, ("id", "name"))
        keys = self.mapping(node, where, _STEP, ("name",))
        hints = Step._type_hints()
        values: dict[str, Any] = {}
        for key, (_, value_node) in keys.items():
            if key in _STEP_NUMBERS:
                if not value_node.tag.endswith(":null"):
                    kind = int if key == "friction" else float
                    values[key] = self.typed(value_node, where, key, kind, _STEP_NUMBERS[key])
            elif typing.get_origin(hints[key]) is tuple:
                entries = self.listed(keys, key, where)
                values[key] = tuple(self.text(n, where, key) for n in entries)
            else:
                values[key] = self.text(value_node, where, key)
        if values.get("id"):
            id_node = keys["id"][1]
            if values["id"] in taken:
                line = taken[values["id"]]
                msg = f"the id {values['id']!r} is already used on line {line}. Give each step its own id."
                raise self.fail(id_node, where, "id", msg)
            line = id_node.start_mark.line + 1
        else:
            values["id"] = _step_id(values["name"], {*taken, *explicit})
            line = node.start_mark.line + 1
        stage = values.get("stage", "")
        if stage and all(s.id != stage for s in journey.stages):
            ids = [s.id for s in journey.stages]
            by_name = {s.name.casefold(): s.id for s in journey.stages}
            near = by_name.get(stage.casefold())
            hint = f"Did you mean {near!r}? " if near else _did_you_mean(stage, ids)
            msg = f"no stage {stage!r}. {hint}Use one of the stage ids ({', '.join(ids)}), or remove 'stage'."
            raise self.fail(keys["stage"][1], where, "stage", msg)
        step = self.build(Step, values, node, keys, where)
        taken[step.id] = line
        return step

    def apply(
        self, node: Any, where: str, update: Callable[..., JourneyMap], *args: Any
    ) -> JourneyMap:
        """Run one of the journey's own updates; a refusal is reported at the entry's line."""
        try:
            return update(*args)
        except ServiceKitError as exc:
            raise type(exc)(self.fail(node, where, None, str(exc)).args[0]) from None


def journey_template_choices() -> list[tuple[str, str]]:
    """``(name, path)`` of every bundled template that loads, for a menu on a page.

    A broken template is left out rather than stopping the page; ``servicekit add-journey``
    reports it in full.
    """
    out = []
    for path in journey_template_files():
        try:
            out.append((load_journey_template(path).name, str(path)))
        except ServiceKitError:
            continue
    return out
