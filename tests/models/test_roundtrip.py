"""Every model survives to_dict -> JSON -> from_dict unchanged."""

from __future__ import annotations

import json

from hypothesis import given, settings
from strategies import five_whys, journeys, surveys, workshops

from servicekit.models import FORMAT_VERSION, FiveWhys, JourneyMap, Survey, WorkshopState


def _through_json(data: dict) -> dict:
    return json.loads(json.dumps(data, ensure_ascii=False))


@given(five_whys())
def test_five_whys_round_trip(tree: FiveWhys) -> None:
    assert FiveWhys.from_dict(_through_json(tree.to_dict())) == tree


@given(surveys())
def test_survey_round_trip(survey: Survey) -> None:
    assert Survey.from_dict(_through_json(survey.to_dict())) == survey


@given(journeys())
def test_journey_round_trip(journey: JourneyMap) -> None:
    assert JourneyMap.from_dict(_through_json(journey.to_dict())) == journey


@settings(max_examples=60)
@given(workshops)
def test_workshop_round_trip_carries_format_version(state: WorkshopState) -> None:
    data = _through_json(state.to_dict())
    assert data["format_version"] == FORMAT_VERSION
    assert WorkshopState.from_dict(data) == state
