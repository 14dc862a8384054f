"""Operations: payload checks, and every inverse really undoes its operation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import Conflict, InvalidInput
from servicekit.models import KINDS, WorkshopState, apply, replay


def _base() -> WorkshopState:
    return replay(
        [
            ("workshop.create", {"slug": "w", "title": "W", "join_code": "ABCD"}),
            ("exercise.add", {"exercise": "five_whys", "value": {"id": "t", "problem": "P"}}),
            ("five_whys.add", {"tree": "t", "node": {"id": "a", "parent": None, "answer": "A"}}),
            ("five_whys.add", {"tree": "t", "node": {"id": "b", "parent": "a", "answer": "B"}}),
            (
                "exercise.add",
                {
                    "exercise": "survey",
                    "value": {
                        "id": "s",
                        "title": "S",
                        "lenses": [{"id": "people", "title": "People"}],
                        "questions": [{"id": "q", "text": "Q", "lens": "people"}],
                    },
                },
            ),
            ("survey.respondent", {"survey": "s", "respondent": {"id": "r", "department": "Ops"}}),
            (
                "exercise.add",
                {
                    "exercise": "journey",
                    "value": {"id": "j", "name": "J", "stages": [{"id": "x", "name": "X"}]},
                },
            ),
            (
                "journey.add_step",
                {"journey": "j", "layer": "actual", "step": {"id": "s1", "name": "One"}},
            ),
            (
                "journey.add_step",
                {"journey": "j", "layer": "actual", "step": {"id": "s2", "name": "Two"}},
            ),
            (
                "journey.handover",
                {
                    "journey": "j",
                    "layer": "actual",
                    "handover": {"from_step": "s1", "to_step": "s2", "owner": "Ops"},
                },
            ),
            ("participant.join", {"participant": {"id": "p1", "name": "Ben"}}),
            (
                "vote.add",
                {
                    "vote": {
                        "id": "v",
                        "title": "Which cause first?",
                        "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
                    }
                },
            ),
            ("vote.dot", {"vote": "v", "participant": "p1", "option": "a", "change": 1}),
            ("room.done", {"target": "survey:s", "participant": "p1", "done": True}),
            ("room.show", {"target": "survey:s"}),
        ]
    )


# Operations that succeed on _base(); each must be undone exactly by its inverse.
UNDOABLE = [
    ("workshop.edit", {"changes": {"title": "New", "phase": "vote"}}),
    ("participant.join", {"participant": {"id": "p", "name": "Ana"}}),
    ("exercise.add", {"exercise": "five_whys", "value": {"id": "t2", "problem": "Q"}}),
    ("exercise.remove", {"exercise": "journey", "id": "j"}),
    ("five_whys.problem", {"tree": "t", "problem": "Sharper problem"}),
    ("five_whys.add", {"tree": "t", "node": {"id": "c", "parent": "b", "answer": "C"}}),
    (
        "five_whys.edit",
        {"tree": "t", "node": "b", "changes": {"root_cause": True, "lens": "people"}},
    ),
    ("five_whys.move", {"tree": "t", "node": "b", "parent": None}),
    ("five_whys.delete", {"tree": "t", "node": "a"}),
    ("five_whys.discard", {"tree": "t", "node": "b"}),
    (
        "five_whys.measure",
        {"tree": "t", "measure": {"id": "m", "node": "b", "kind": "eliminate", "action": "Stop"}},
    ),
    ("survey.open", {"survey": "s", "open": False}),
    ("survey.respondent", {"survey": "s", "respondent": {"id": "r", "department": "Sales"}}),
    ("survey.answer", {"survey": "s", "respondent": "r", "answer": {"question": "q", "value": 4}}),
    (
        "journey.stages",
        {"journey": "j", "stages": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}]},
    ),
    (
        "journey.add_step",
        {"journey": "j", "layer": "actual", "step": {"id": "s3", "name": "Three"}, "index": 0},
    ),
    (
        "journey.edit_step",
        {"journey": "j", "layer": "actual", "step": "s1", "changes": {"friction": 5}},
    ),
    ("journey.move_step", {"journey": "j", "layer": "actual", "step": "s1", "index": 1}),
    ("journey.remove_step", {"journey": "j", "layer": "actual", "step": "s1"}),
    (
        "journey.handover",
        {
            "journey": "j",
            "layer": "actual",
            "handover": {"from_step": "s1", "to_step": "s2", "what_travels": ["contract"]},
        },
    ),
    (
        "journey.handover_clear",
        {"journey": "j", "layer": "actual", "from_step": "s1", "to_step": "s2"},
    ),
    (
        "journey.set_layer",
        {"journey": "j", "layer": "intended", "value": {"steps": [{"id": "i", "name": "I"}]}},
    ),
    ("room.control", {"target": "survey:s", "state": "closed", "revealed": True}),
    ("room.show", {"target": "vote:v"}),
    ("room.show", {"target": ""}),
    (
        "room.timer",
        {"timer": {"label": "Map it", "seconds": 300, "started": "2026-03-04T10:00:00+00:00"}},
    ),
    ("room.done", {"target": "survey:s", "participant": "p1", "done": False}),
    ("room.done", {"target": "journey:j", "participant": "p1", "done": True}),
    ("vote.add", {"vote": {"id": "v2", "title": "T", "options": [{"id": "x", "label": "X"}]}}),
    ("vote.remove", {"id": "v"}),
    ("vote.dot", {"vote": "v", "participant": "p1", "option": "b", "change": 1}),
    ("vote.dot", {"vote": "v", "participant": "p1", "option": "a", "change": -1}),
    ("vote.set", {"vote": "v", "is_open": False, "shown": True}),
]


def test_every_operation_kind_is_covered() -> None:
    covered = {kind for kind, _ in UNDOABLE} | {
        "workshop.create",
        "workshop.restore",
        "batch",
        "undo",
    }
    covered |= {
        "five_whys.measure_edit",
        "five_whys.measure_remove",
        "survey.answer_clear",
        "survey.respondent_remove",
        "participant.leave",
    }
    assert covered == set(KINDS)


@pytest.mark.parametrize(("kind", "payload"), UNDOABLE, ids=[k for k, _ in UNDOABLE])
def test_inverse_restores_the_state(kind: str, payload: dict) -> None:
    before = _base()
    after, inverse = apply(before, kind, payload)
    assert after != before
    assert inverse is not None
    restored, _ = apply(after, *inverse)
    assert restored == before


@settings(max_examples=40)
@given(st.lists(st.sampled_from(UNDOABLE), min_size=1, max_size=6))
def test_a_batch_and_its_inverse_cancel_out(sequence: list) -> None:
    """Any sequence that applies cleanly is undone, in reverse, by the batch inverse."""
    before = _base()
    ops = []
    state = before
    for kind, payload in sequence:
        try:
            state, _ = apply(state, kind, payload)
        except (Conflict, InvalidInput, LookupError):
            continue
        ops.append({"kind": kind, "payload": payload})
    after, inverse = apply(before, "batch", {"ops": ops})
    assert after == state
    restored, _ = apply(after, *inverse)
    assert restored == before


@pytest.mark.parametrize(
    ("kind", "payload", "error", "message"),
    [
        (
            "five_whys.explode",
            {},
            InvalidInput,
            r"Unknown operation 'five_whys.explode'. Known operations: batch",
        ),
        (
            "exercise.add",
            {"exercise": "quiz", "value": {}},
            InvalidInput,
            r"'quiz' is not an exercise. Use one of: five_whys, survey, journey",
        ),
        ("five_whys.add", {"tree": "t"}, InvalidInput, "missing field 'node'"),
        (
            "five_whys.add",
            {"tree": "t", "node": {}, "colour": "red"},
            InvalidInput,
            "unknown field 'colour'",
        ),
        (
            "five_whys.add",
            {"tree": "t", "node": {"id": "a", "parent": None, "answer": "dup"}},
            Conflict,
            "already exists",
        ),
        (
            "five_whys.move",
            {"tree": "t", "node": "a", "parent": "b"},
            Conflict,
            "would make a cycle",
        ),
        (
            "workshop.create",
            {"slug": "w", "title": "W", "join_code": "ABCD"},
            Conflict,
            "already exists",
        ),
        (
            "batch",
            {"ops": [{"kind": "undo", "payload": {}}]},
            InvalidInput,
            "cannot be part of a batch",
        ),
    ],
)
def test_bad_operations_are_refused_clearly(
    kind: str, payload: dict, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        apply(_base(), kind, payload)


def test_a_failing_batch_changes_nothing() -> None:
    before = _base()
    bad = {
        "ops": [
            {"kind": "five_whys.problem", "payload": {"tree": "t", "problem": "changed"}},
            {"kind": "five_whys.move", "payload": {"tree": "t", "node": "a", "parent": "b"}},
        ]
    }
    with pytest.raises(Conflict):
        apply(before, "batch", bad)
    assert before.trees["t"].problem == "P"
