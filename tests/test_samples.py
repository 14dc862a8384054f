"""The bundled samples import cleanly and still tell the stories the demos rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicekit import open_workshop
from servicekit.journal import Journal, read_workshop_file
from servicekit.models import WorkshopState

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


@pytest.mark.parametrize("name", ["northbridge-search.json", "five-whys-examples.json"])
def test_sample_imports_with_its_history(name: str, tmp_path: Path) -> None:
    data = read_workshop_file(SAMPLES / name)
    with Journal(tmp_path / "s.db") as journal:
        slug = journal.import_(data)
        ws = open_workshop(slug, db=journal)
        assert ws.state == WorkshopState.from_dict(data["workshop"])
        assert ws.state.to_dict() == data["workshop"], (
            "the file is current: regenerate it with its build script"
        )
        assert len(ws.history()) == len(data["operations"])


def test_northbridge_covers_all_three_exercises(tmp_path: Path) -> None:
    with Journal(tmp_path / "s.db") as journal:
        ws = open_workshop(
            journal.import_(read_workshop_file(SAMPLES / "northbridge-search.json")), db=journal
        )
        state = ws.state
        assert len(state.trees) == 2 and any(
            n.root_cause for t in state.trees.values() for n in t.nodes.values()
        )
        survey = next(iter(state.surveys.values()))
        assert len({r.department for r in survey.respondents.values()}) >= 4
        journey = state.journeys["candidate-journey"]
        assert len(journey.actual.steps) > len(journey.intended.steps)
        assert any(not h.owner for h in journey.actual.handovers.values()), (
            "an unowned join to find"
        )
        assert any(journey.private for journey in state.journeys.values()), "Making Toast maps"


def test_five_whys_examples_hold_the_three_stories(tmp_path: Path) -> None:
    with Journal(tmp_path / "s.db") as journal:
        ws = open_workshop(
            journal.import_(read_workshop_file(SAMPLES / "five-whys-examples.json")), db=journal
        )
        assert set(ws.state.trees) == {
            "law-firm-tickets",
            "dealership-passwords",
            "warehouse-picking",
        }
        for tree in ws.state.trees.values():
            assert len(tree.children(None)) >= 2, "each tree branches at the first why"
            assert sum(n.root_cause for n in tree.visible_nodes()) >= 2


def test_northbridge_questionnaire_tells_a_divergence_story(tmp_path: Path) -> None:
    from servicekit.analysis.survey import divergence, responses_by_department

    with Journal(tmp_path / "s.db") as journal:
        ws = open_workshop(
            journal.import_(read_workshop_file(SAMPLES / "northbridge-search.json")), db=journal
        )
        survey = ws.survey("pps-check")
        counts = responses_by_department(survey)
        assert len(survey.respondents) >= 24 and len(counts) == 5
        assert None in counts.values(), "one department stays under the anonymity threshold"
        top = divergence(survey, by="gap")[0]
        assert top.stats.gap is not None and top.stats.gap.size >= 0.5, "a gap the room cannot miss"


def test_northbridge_journey_tells_the_repeated_details_story(tmp_path: Path) -> None:
    """The candidate gives the same details to three teams, and reality differs from the manual."""
    from servicekit.analysis.journey import findings

    with Journal(tmp_path / "s.db") as journal:
        slug = journal.import_(read_workshop_file(SAMPLES / "northbridge-search.json"))
        journey = open_workshop(slug, db=journal).journey("candidate-journey")
    found = findings(journey)
    by_label = {r.key: r for r in found.repeated}
    staff_teams = {"Research", "Consulting", "Client Delivery"}
    for key in ("phone", "notice period"):
        assert staff_teams <= set(by_label[key].teams), f"{key} asked by three teams"
        assert len(by_label[key].wordings) >= 2, "written differently each time"
    assert len(found.unowned) >= 2
    assert found.gap is not None and found.gap.only_actual and found.gap.score > 0.1
    assert (
        found.hotspots[0].kind == "handover"
        and "nobody owns this join" in found.hotspots[0].reasons
    )
