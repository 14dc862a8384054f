"""Journey maps: layers, step order, handover details, stage checks."""

from __future__ import annotations

import pytest

from servicekit.errors import Conflict, InvalidInput, NotFound
from servicekit.models import Handover, JourneyMap, Stage, Step


@pytest.fixture
def journey() -> JourneyMap:
    j = JourneyMap(
        id="j", name="Onboarding", stages=(Stage("sales", "Sales"), Stage("onb", "Onboarding"))
    )
    j = j.with_step("intended", Step("a", "Qualify lead", stage="sales", owner="Sales"))
    j = j.with_step("intended", Step("b", "Kick-off call", stage="onb", owner="Onboarding"))
    return j.with_handover(
        "intended", Handover("a", "b", what_travels=("contract scope",), owner="Sales lead")
    )


def test_steps_insert_move_and_remove(journey: JourneyMap) -> None:
    j = journey.with_step("intended", Step("c", "Send welcome pack", stage="onb"), index=1)
    assert [s.id for s in j.intended.steps] == ["a", "c", "b"]
    j = j.with_step_moved("intended", "a", 99)
    assert [s.id for s in j.intended.steps] == ["c", "b", "a"]
    j = j.without_step("intended", "b")
    assert [s.id for s in j.intended.steps] == ["c", "a"]
    assert j.intended.handovers == {}, "handover details of a removed step go with it"


def test_layers_are_independent(journey: JourneyMap) -> None:
    j = journey.with_layer("actual", journey.intended)
    j = j.with_step_edit(
        "actual", "a", friction=4, workarounds=("re-keys notes into a spreadsheet",)
    )
    assert j.intended.step("a").friction is None
    assert j.actual.step("a").workarounds == ("re-keys notes into a spreadsheet",)


def test_private_layers_start_empty_and_stay_separate(journey: JourneyMap) -> None:
    assert journey.layer("private:p1").steps == ()
    j = journey.with_step("private:p1", Step("x", "Put bread in"))
    assert [s.id for s in j.layer("private:p1").steps] == ["x"]
    assert journey.layer("private:p2").steps == ()
    assert set(j.layers()) == {"intended", "actual", "private:p1"}


@pytest.mark.parametrize(
    ("key", "message"),
    [("draft", "'draft' is not a layer"), ("private:bad id", "not a valid id")],
)
def test_bad_layer_keys(journey: JourneyMap, key: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        journey.layer(key)


def test_step_values_are_validated(journey: JourneyMap) -> None:
    with pytest.raises(InvalidInput, match=r"friction: 7 is out of range. Rate it 0 \(none\) to 5"):
        journey.with_step_edit("intended", "a", friction=7)
    with pytest.raises(InvalidInput, match="actor: 'robot' is not allowed"):
        journey.with_step_edit("intended", "a", actor="robot")
    with pytest.raises(InvalidInput, match=r"wait_min: -5(\.0)? minutes is not a duration"):
        journey.with_step_edit("intended", "a", wait_min=-5)
    with pytest.raises(NotFound, match=r"no stage 'billing'.*Known stages: \['sales', 'onb'\]"):
        journey.with_step("actual", Step("z", "Invoice", stage="billing"))


def test_list_fields_come_back_as_tuples_after_an_edit(journey: JourneyMap) -> None:
    j = journey.with_step_edit("intended", "a", systems=["CRM", "Excel"])
    assert j.intended.step("a").systems == ("CRM", "Excel")


def test_duplicate_step_ids_and_stage_removal(journey: JourneyMap) -> None:
    with pytest.raises(Conflict, match="already exists"):
        journey.with_step("intended", Step("a", "Again"))
    with pytest.raises(NotFound, match="no stage 'onb'"):
        journey.with_stages((Stage("sales", "Sales"),))
