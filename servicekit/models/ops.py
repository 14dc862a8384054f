"""Operations: every user action as a named, JSON-ready change to a workshop.

The journal stores operations; replaying them in order rebuilds the workshop.
:func:`apply` is pure: it validates the operation against the current state and
returns the new state together with the *inverse* operation, which the journal
keeps so a participant's last action can be undone later without replaying history.

Operation kinds are listed in :data:`KINDS`; each takes a payload of named fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import Conflict, InvalidInput
from .five_whys import Countermeasure, FiveWhys, WhyNode
from .journey import Handover, JourneyMap, Layer, Stage
from .survey import Answer, Respondent, Survey
from .workshop import WorkshopState, exercise_field

__all__ = ["KINDS", "Inverse", "apply", "replay"]

#: An inverse operation: ``(kind, payload)``, or None when the operation cannot be undone.
Inverse = tuple[str, dict[str, Any]] | None
Handler = Callable[[WorkshopState, dict[str, Any]], tuple[WorkshopState, Inverse]]


@dataclass(frozen=True)
class _Spec:
    handler: Callable[..., tuple[WorkshopState, Inverse]]
    required: tuple[str, ...]
    optional: tuple[str, ...]


_SPECS: dict[str, _Spec] = {}
_EXERCISE_MODELS: dict[str, Any] = {"five_whys": FiveWhys, "survey": Survey, "journey": JourneyMap}


def _op(kind: str, *required: str, optional: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _SPECS[kind] = _Spec(handler, required, optional)
        return handler

    return register


def _check_payload(kind: str, payload: Any) -> _Spec:
    spec = _SPECS.get(kind)
    if spec is None:
        msg = f"Unknown operation {kind!r}. Known operations: {', '.join(sorted(_SPECS))}."
        raise InvalidInput(msg)
    if not isinstance(payload, Mapping):
        raise InvalidInput(
            f"Operation {kind!r}: the payload must be a mapping of fields, not {payload!r:.60}."
        )
    unknown = set(payload) - set(spec.required) - set(spec.optional)
    if unknown:
        fields = ", ".join(spec.required + spec.optional)
        raise InvalidInput(
            f"Operation {kind!r}: unknown field {sorted(unknown)[0]!r}. Fields: {fields}."
        )
    missing = [name for name in spec.required if name not in payload]
    if missing:
        raise InvalidInput(f"Operation {kind!r}: missing field {missing[0]!r}.")
    return spec


def apply(
    state: WorkshopState | None, kind: str, payload: Mapping[str, Any]
) -> tuple[WorkshopState, Inverse]:
    """Apply one operation; return the new state and the operation that would undo it.

    ``state`` is None only for the first operation of a workshop
    (``workshop.create`` or ``workshop.restore``). Invalid operations raise
    :class:`~servicekit.errors.ServiceKitError` and change nothing.
    """
    spec = _check_payload(kind, payload)
    first = kind in ("workshop.create", "workshop.restore")
    if (state is None) != first:
        if state is None:
            raise InvalidInput(
                f"Operation {kind!r}: the workshop does not exist yet; create it first."
            )
        raise Conflict(
            f"Workshop {state.slug!r} already exists; {kind!r} can only start a new workshop."
        )
    return spec.handler(state, dict(payload))


def replay(
    operations: list[tuple[str, Mapping[str, Any]]], state: WorkshopState | None = None
) -> WorkshopState:
    """Apply a sequence of ``(kind, payload)`` operations; return the final state."""
    for kind, payload in operations:
        state, _ = apply(state, kind, payload)
    if state is None:
        raise InvalidInput("No operations to replay: a workshop starts with 'workshop.create'.")
    return state


# -- workshop ------------------------------------------------------------------------------------


@_op("workshop.create", "slug", "title", "join_code", optional=("client", "date"))
def _create(_: Any, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    return WorkshopState.from_dict(p, where="workshop"), None


@_op("workshop.restore", "state")
def _restore(_: Any, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    return WorkshopState.from_dict(p["state"], where="workshop"), None


@_op("workshop.edit", "changes")
def _edit(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    changes = _mapping("changes", p["changes"])
    new = s.with_details(**changes)
    return new, ("workshop.edit", {"changes": {k: getattr(s, k) for k in changes}})


@_op("participant.join", "participant")
def _join(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    from .workshop import Participant

    person = Participant.from_dict(p["participant"], where="participant")
    old = s.participants.get(person.id)
    inverse = _put_back(
        old, "participant.join", "participant", ("participant.leave", {"id": person.id})
    )
    return s.with_participant(person), inverse


@_op("participant.leave", "id")
def _leave(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    old = s.participant(p["id"])
    return s.without_participant(old.id), ("participant.join", {"participant": old.to_dict()})


@_op("exercise.add", "exercise", "value")
def _add_exercise(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    kind = p["exercise"]
    exercise_field(kind)
    value = _EXERCISE_MODELS[kind].from_dict(p["value"], where=kind)
    if value.id in getattr(s, exercise_field(kind)):
        raise Conflict(
            f"A {kind} exercise with id {value.id!r} already exists in workshop {s.slug!r}."
        )
    return s.with_exercise(kind, value), ("exercise.remove", {"exercise": kind, "id": value.id})


@_op("exercise.remove", "exercise", "id")
def _remove_exercise(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    kind = p["exercise"]
    old = s.exercise(kind, p["id"])
    return s.without_exercise(kind, p["id"]), (
        "exercise.add",
        {"exercise": kind, "value": old.to_dict()},
    )


# -- five whys --------------------------------------------------------------------------------------


def _tree_op(kind: str, *required: str, optional: tuple[str, ...] = ()) -> Callable[[Any], Any]:
    """Register an operation on one tree: the handler gets the tree and returns (tree, inverse)."""

    def register(fn: Callable[[FiveWhys, dict[str, Any]], tuple[FiveWhys, Inverse]]) -> Any:
        def handler(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
            tree, inverse = fn(s.exercise("five_whys", p["tree"]), p)
            if inverse is not None:
                inverse = (inverse[0], {"tree": p["tree"], **inverse[1]})
            if tree is s.exercise("five_whys", p["tree"]):
                return s, None  # nothing changed
            return s.with_exercise("five_whys", tree), inverse

        return _op(kind, "tree", *required, optional=optional)(handler)

    return register


@_tree_op("five_whys.problem", "problem")
def _problem(t: FiveWhys, p: dict[str, Any]) -> tuple[FiveWhys, Inverse]:
    return t.with_problem(p["problem"]), ("five_whys.problem", {"problem": t.problem})


@_tree_op("five_whys.add", "node")
def _add_why(t: FiveWhys, p: dict[str, Any]) -> tuple[FiveWhys, Inverse]:
    node = WhyNode.from_dict(p["node"], where="node")
    return t.with_why(node), ("five_whys.discard", {"node": node.id})


@_tree_op("five_whys.edit", "node", "changes")
def _edit_why(t: FiveWhys, p: dict[str, Any]) -> tuple[FiveWhys, Inverse]:
    changes = _mapping("changes", p["changes"])
    old = t.node(p["node"]).to_dict()
    new = t.with_node_edit(p["node"], **changes)
    return new, ("five_whys.edit", {"node": p["node"], "changes": {k: old[k] for k in changes}})


@_tree_op("five_whys.move", "node", "parent")
def _move(t: FiveWhys, p: dict[str, Any]) -> tuple[FiveWhys, Inverse]:
    old_parent = t.node(p["node"]).parent
    return t.with_move(p["node"], p["parent"]), (
        "five_whys.move",
        {"node": p["node"], "parent": old_parent},
    )


@_tree_op("five_whys.delete", "node", optional=("deleted",))
def _delete(t: FiveWhys, p: dict[str, Any]) -> tuple[FiveWhys, Inverse]:
    deleted = p.get("deleted", True)
    if not isinstance(deleted, bool):
        raise InvalidInput(f"deleted: expected true or false, received {deleted!r}.")
    was = t.node(p["node"]).deleted
    return t.with_deleted(p["node"], deleted), (
        "five_whys.delete",
        {"node": p["node"], "deleted": was},
    )


@_tree_op("five_whys.discard", "node")
def _discard(t: FiveWhys, p: dict[str, Any]) -> tuple[FiveWhys, Inverse]:
    old = t.node(p["node"])
    return t.without_node(p["node"]), ("five_whys.add", {"node": old.to_dict()})


@_tree_op("five_whys.measure", "measure")
def _measure(t: FiveWhys, p: dict[str, Any]) -> tuple[FiveWhys, Inverse]:
    measure = Countermeasure.from_dict(p["measure"], where="measure")
    old = t.countermeasures.get(measure.id)
    inverse = _put_back(
        old, "five_whys.measure", "measure", ("five_whys.measure_remove", {"id": measure.id})
    )
    return t.with_countermeasure(measure), inverse


@_tree_op("five_whys.measure_edit", "id", "changes")
def _measure_edit(t: FiveWhys, p: dict[str, Any]) -> tuple[FiveWhys, Inverse]:
    changes = _mapping("changes", p["changes"])
    old = t.countermeasure(p["id"]).to_dict()
    new = t.with_countermeasure_edit(p["id"], **changes)
    return new, ("five_whys.measure_edit", {"id": p["id"], "changes": {k: old[k] for k in changes}})


@_tree_op("five_whys.measure_remove", "id")
def _measure_remove(t: FiveWhys, p: dict[str, Any]) -> tuple[FiveWhys, Inverse]:
    old = t.countermeasure(p["id"])
    return t.without_countermeasure(p["id"]), ("five_whys.measure", {"measure": old.to_dict()})


# -- survey -----------------------------------------------------------------------------------------


def _survey_op(kind: str, *required: str) -> Callable[[Any], Any]:
    """Register an operation on one survey: the handler gets the survey and returns (survey, inverse)."""

    def register(fn: Callable[[Survey, dict[str, Any]], tuple[Survey, Inverse]]) -> Any:
        def handler(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
            who = p.get("respondent")
            if isinstance(who, dict) and who.get("participant") is not None:
                s.participant(who["participant"])  # a respondent may name only someone who joined
            survey, inverse = fn(s.exercise("survey", p["survey"]), p)
            if inverse is not None:
                inverse = (inverse[0], {"survey": p["survey"], **inverse[1]})
            if survey is s.exercise("survey", p["survey"]):
                return s, None  # nothing changed
            return s.with_exercise("survey", survey), inverse

        return _op(kind, "survey", *required)(handler)

    return register


@_survey_op("survey.open", "open")
def _open(v: Survey, p: dict[str, Any]) -> tuple[Survey, Inverse]:
    if not isinstance(p["open"], bool):
        raise InvalidInput(f"open: expected true or false, received {p['open']!r}.")
    return v.with_open(p["open"]), ("survey.open", {"open": v.is_open})


@_survey_op("survey.respondent", "respondent")
def _respondent(v: Survey, p: dict[str, Any]) -> tuple[Survey, Inverse]:
    who = Respondent.from_dict(p["respondent"], where="respondent")
    old = v.respondents.get(who.id)
    remove = ("survey.respondent_remove", {"respondent": who.id})
    inverse = _put_back(old, "survey.respondent", "respondent", remove)
    return v.with_respondent(who), inverse


@_survey_op("survey.respondent_remove", "respondent")
def _respondent_remove(v: Survey, p: dict[str, Any]) -> tuple[Survey, Inverse]:
    old = v.respondent(p["respondent"])
    return v.without_respondent(old.id), ("survey.respondent", {"respondent": old.to_dict()})


@_survey_op("survey.answer", "respondent", "answer")
def _answer(v: Survey, p: dict[str, Any]) -> tuple[Survey, Inverse]:
    answer = Answer.from_dict(p["answer"], where="answer")
    old = v.answer(p["respondent"], answer.question)
    remove = ("survey.answer_clear", {"respondent": p["respondent"], "question": answer.question})
    inverse = _put_back(old, "survey.answer", "answer", remove, respondent=p["respondent"])
    return v.with_answer(p["respondent"], answer), inverse


@_survey_op("survey.answer_clear", "respondent", "question")
def _answer_clear(v: Survey, p: dict[str, Any]) -> tuple[Survey, Inverse]:
    old = v.answer(p["respondent"], p["question"])
    if old is None:
        raise Conflict(
            f"Respondent {p['respondent']!r} has no answer to {p['question']!r} to clear."
        )
    inverse = ("survey.answer", {"respondent": p["respondent"], "answer": old.to_dict()})
    return v.without_answer(p["respondent"], p["question"]), inverse


# -- journey ----------------------------------------------------------------------------------------


def _journey_op(kind: str, *required: str, optional: tuple[str, ...] = ()) -> Callable[[Any], Any]:
    """Register an operation on one journey's layer: the handler gets the journey."""

    def register(fn: Callable[[JourneyMap, dict[str, Any]], tuple[JourneyMap, Inverse]]) -> Any:
        def handler(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
            layer = p.get("layer")
            if isinstance(layer, str) and layer.startswith("private:"):
                s.participant(
                    layer.removeprefix("private:")
                )  # a private map belongs to someone who joined
            journey, inverse = fn(s.exercise("journey", p["journey"]), p)
            if inverse is not None:
                inverse = (inverse[0], {"journey": p["journey"], **inverse[1]})
            if journey is s.exercise("journey", p["journey"]):
                return s, None  # nothing changed
            return s.with_exercise("journey", journey), inverse

        return _op(kind, "journey", *required, optional=optional)(handler)

    return register


@_journey_op("journey.stages", "stages", optional=("teams",))
def _stages(j: JourneyMap, p: dict[str, Any]) -> tuple[JourneyMap, Inverse]:
    stages = tuple(
        Stage.from_dict(s, where=f"stages[{i}]") for i, s in enumerate(_list("stages", p["stages"]))
    )
    teams = tuple(_list("teams", p["teams"])) if "teams" in p else None
    old = {"stages": [s.to_dict() for s in j.stages], "teams": list(j.teams)}
    return j.with_stages(stages, teams), ("journey.stages", old)


@_journey_op("journey.add_step", "layer", "step", optional=("index",))
def _add_step(j: JourneyMap, p: dict[str, Any]) -> tuple[JourneyMap, Inverse]:
    from .journey import Step

    step = Step.from_dict(p["step"], where="step")
    new = j.with_step(p["layer"], step, p.get("index"))
    return new, ("journey.remove_step", {"layer": p["layer"], "step": step.id})


@_journey_op("journey.edit_step", "layer", "step", "changes")
def _edit_step(j: JourneyMap, p: dict[str, Any]) -> tuple[JourneyMap, Inverse]:
    changes = _mapping("changes", p["changes"])
    old = j.layer(p["layer"]).step(p["step"]).to_dict()
    new = j.with_step_edit(p["layer"], p["step"], **changes)
    inverse = {"layer": p["layer"], "step": p["step"], "changes": {k: old[k] for k in changes}}
    return new, ("journey.edit_step", inverse)


@_journey_op("journey.move_step", "layer", "step", "index")
def _move_step(j: JourneyMap, p: dict[str, Any]) -> tuple[JourneyMap, Inverse]:
    was = j.layer(p["layer"]).index(p["step"])
    new = j.with_step_moved(p["layer"], p["step"], p["index"])
    return new, ("journey.move_step", {"layer": p["layer"], "step": p["step"], "index": was})


@_journey_op("journey.remove_step", "layer", "step")
def _remove_step(j: JourneyMap, p: dict[str, Any]) -> tuple[JourneyMap, Inverse]:
    old_layer = j.layer(p["layer"])
    old_layer.index(p["step"])
    return j.without_step(p["layer"], p["step"]), (
        "journey.set_layer",
        {"layer": p["layer"], "value": old_layer.to_dict()},
    )


@_journey_op("journey.handover", "layer", "handover")
def _handover(j: JourneyMap, p: dict[str, Any]) -> tuple[JourneyMap, Inverse]:
    handover = Handover.from_dict(p["handover"], where="handover")
    old = j.layer(p["layer"]).handovers.get(handover.key)
    ends = {"from_step": handover.from_step, "to_step": handover.to_step}
    remove = ("journey.handover_clear", {"layer": p["layer"], **ends})
    inverse = _put_back(old, "journey.handover", "handover", remove, layer=p["layer"])
    return j.with_handover(p["layer"], handover), inverse


@_journey_op("journey.handover_clear", "layer", "from_step", "to_step")
def _handover_clear(j: JourneyMap, p: dict[str, Any]) -> tuple[JourneyMap, Inverse]:
    new = j.without_handover(p["layer"], p["from_step"], p["to_step"])
    old = j.layer(p["layer"]).handovers[f"{p['from_step']}>{p['to_step']}"]
    return new, ("journey.handover", {"layer": p["layer"], "handover": old.to_dict()})


@_journey_op("journey.set_layer", "layer", "value")
def _set_layer(j: JourneyMap, p: dict[str, Any]) -> tuple[JourneyMap, Inverse]:
    old = j.layer(p["layer"])
    layer = Layer.from_dict(p["value"], where=f"layer {p['layer']!r}")
    return j.with_layer(p["layer"], layer), (
        "journey.set_layer",
        {"layer": p["layer"], "value": old.to_dict()},
    )


# -- composition ------------------------------------------------------------------------------------


@_op("batch", "ops")
def _batch(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    inverses: list[dict[str, Any]] = []
    for i, item in enumerate(_list("ops", p["ops"])):
        item = _mapping(f"ops[{i}]", item)
        if set(item) != {"kind", "payload"}:
            raise InvalidInput(f"ops[{i}]: each operation is a mapping with 'kind' and 'payload'.")
        if item["kind"] in ("batch", "undo", "workshop.create", "workshop.restore"):
            raise InvalidInput(f"ops[{i}]: {item['kind']!r} cannot be part of a batch.")
        s, inverse = apply(s, item["kind"], item["payload"])
        if inverse is not None:
            inverses.append({"kind": inverse[0], "payload": inverse[1]})
    return s, ("batch", {"ops": inverses[::-1]})


@_op("undo", "target", "op")
def _undo(s: WorkshopState, p: dict[str, Any]) -> tuple[WorkshopState, Inverse]:
    """Undo the operation with sequence number ``target`` by applying its stored inverse."""
    op = _mapping("op", p["op"])
    if set(op) != {"kind", "payload"} or op["kind"] in (
        "undo",
        "workshop.create",
        "workshop.restore",
    ):
        raise InvalidInput(
            "op: an undo carries the inverse operation as {'kind': ..., 'payload': ...}."
        )
    new, _ = apply(s, op["kind"], op["payload"])
    return new, None


def _put_back(old: Any, kind: str, field: str, remove: Inverse, **context: Any) -> Inverse:
    """The inverse of storing a value: store the old one again, or remove the new one."""
    return (kind, {**context, field: old.to_dict()}) if old is not None else remove


def _mapping(name: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{name}: expected a mapping, received {value!r:.60}.")
    return dict(value)


def _list(name: str, value: Any) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise InvalidInput(f"{name}: expected a list, received {value!r:.60}.")
    return list(value)


from . import room_ops  # noqa: E402, F401  (registers the room.* and vote.* operations)

#: Every operation kind, sorted.
KINDS: tuple[str, ...] = tuple(sorted(_SPECS))
