"""Journey templates: the bundled skeletons, precise errors for broken files, all-or-nothing adds."""

from __future__ import annotations

import dataclasses
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from servicekit import Workshop
from servicekit.errors import Conflict, FormatVersionError, InvalidInput, NotFound
from servicekit.models import ACTORS, Handover, JourneyMap, Stage, Step
from servicekit.templates import (
    JourneyTemplate,
    journey_template_files,
    load_journey_template,
)

REPO = Path(__file__).resolve().parent.parent
JOURNEYS = REPO / "templates" / "journeys"
BUSINESS = JOURNEYS / "business_lead_to_support.yaml"
PUBLIC = JOURNEYS / "public_service_application.yaml"

# A small valid template; each broken case below changes one thing in it.
VALID = """\
format_version: 1
name: Onboarding
stages:
  - id: sales
    name: Sales
  - id: onboarding
    name: Onboarding
teams: [Sales, Onboarding]
intended:
  steps:
    - id: qualify
      name: Qualify the lead
      stage: sales
      owner: Sales
      friction: 2
      systems: [CRM]
    - name: Kick-off call
      stage: onboarding
      owner: Onboarding
      duration_min: 30
  handovers:
    - from: qualify
      to: kick-off-call
      what_travels: [Contract scope]
      owner: Sales lead
"""


def write(tmp_path: Path, text: str, name: str = "journey.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refusal(path: Path, error: type[Exception] = InvalidInput) -> str:
    with pytest.raises(error) as caught:
        load_journey_template(path)
    return str(caught.value)


# -- the bundled templates ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [BUSINESS, PUBLIC], ids=["business", "public service"])
def test_a_bundled_template_loads_into_a_valid_journey(path: Path) -> None:
    assert path in journey_template_files()
    template = load_journey_template(path)
    assert template.source == path
    journey = template.to_journey("j")
    # Every step and handover survives the models' own checks on the way into a workshop.
    stage_ids = {stage.id for stage in journey.stages}
    for step in journey.intended.steps:
        assert Step.from_dict(step.to_dict()) == step
        assert step.stage in stage_ids, step
        assert step.owner in journey.teams, step
        assert step.actor in ACTORS
    for handover in journey.intended.handovers.values():
        assert Handover.from_dict(handover.to_dict()) == handover
        assert handover.what_travels and handover.owner
    assert JourneyMap.from_dict(journey.to_dict()) == journey
    assert journey.actual.steps == ()  # the room maps the actual journey
    assert template.description


def test_the_business_template_runs_from_lead_to_support() -> None:
    template = load_journey_template(BUSINESS)
    assert [s.id for s in template.stages] == ["lead", "sales", "onboarding", "delivery", "support"]
    assert {"Marketing", "Sales", "Onboarding", "Delivery", "Support", "Customer"} <= set(
        template.teams
    )
    steps = template.intended.steps
    assert 8 <= len(steps) <= 10
    assert {s.actor for s in steps} >= {"customer", "frontstage", "backstage"}
    assert all(s.channel and s.systems for s in steps)
    assert len(template.intended.handovers) >= 3


def test_the_public_service_template_asks_the_citizen_twice() -> None:
    template = load_journey_template(PUBLIC)
    assert [s.id for s in template.stages][:3] == ["find-out", "apply", "evidence"]
    assert len(template.teams) >= 4
    asked = Counter(item for step in template.intended.steps for item in step.info_requested)
    repeated = {item for item, n in asked.items() if n > 1}
    assert {"Full name", "Date of birth", "National identity number"} <= repeated
    # Steps without an id in the file take one made from their name.
    assert "read-about-the-scheme-online" in [s.id for s in template.intended.steps]


def test_every_bundled_template_becomes_a_workshop_journey(ws: Workshop) -> None:
    files = journey_template_files()
    assert len(files) >= 2
    for i, path in enumerate(files):
        template = load_journey_template(path)
        jid = ws.add_journey_from_template(template, f"j{i}")
        assert ws.journey(jid) == template.to_journey(jid)


def test_a_bare_name_finds_a_bundled_template(tmp_path: Path) -> None:
    assert load_journey_template("public_service_application").source == PUBLIC
    assert load_journey_template("public_service_application.yaml").source == PUBLIC
    message = refusal(tmp_path / "nope.yaml")
    assert message.startswith(f"{tmp_path / 'nope.yaml'}: no such file.")
    assert "business_lead_to_support.yaml, public_service_application.yaml" in message


# -- reading a template --------------------------------------------------------------------------


def test_a_small_template_reads_as_written(tmp_path: Path) -> None:
    template = load_journey_template(write(tmp_path, VALID))
    assert template == JourneyTemplate(
        name="Onboarding",
        description="",
        stages=(Stage("sales", "Sales"), Stage("onboarding", "Onboarding")),
        teams=("Sales", "Onboarding"),
        intended=template.intended,
        actual=template.actual,
    )
    qualify, kickoff = template.intended.steps
    assert qualify == Step(
        "qualify", "Qualify the lead", stage="sales", owner="Sales", friction=2, systems=("CRM",)
    )
    assert kickoff == Step(
        "kick-off-call", "Kick-off call", stage="onboarding", owner="Onboarding", duration_min=30.0
    )
    assert list(template.intended.handovers.values()) == [
        Handover("qualify", "kick-off-call", ("Contract scope",), owner="Sales lead")
    ]


def test_generated_ids_are_unique_and_leave_written_ids_alone(tmp_path: Path) -> None:
    text = """\
    format_version: 1
    name: Toast
    stages: [{id: make, name: Make}]
    actual:
      - name: Put bread in
      - name: Put bread in
      - name: "¿Tostada?"
      - name: "!!!"
      - id: put-bread-in-3
        name: Written id
    """
    steps = load_journey_template(write(tmp_path, text)).actual.steps
    assert [s.id for s in steps] == [
        "put-bread-in",
        "put-bread-in-2",
        "tostada",
        "step",
        "put-bread-in-3",
    ]


def test_a_layer_may_be_a_plain_list_or_empty(tmp_path: Path) -> None:
    text = VALID.replace(
        "intended:\n", "actual:\n  - name: Re-key the order\n    stage: sales\nintended:\n"
    )
    template = load_journey_template(write(tmp_path, text))
    assert [s.id for s in template.actual.steps] == ["re-key-the-order"]
    empty = load_journey_template(write(tmp_path, VALID + "actual:\n"))
    assert empty.actual.steps == ()


def test_operations_add_the_journey_then_steps_then_handovers(tmp_path: Path) -> None:
    ops = load_journey_template(write(tmp_path, VALID)).operations("j1", name="Renamed")
    assert [op["kind"] for op in ops] == [
        "exercise.add",
        "journey.add_step",
        "journey.add_step",
        "journey.handover",
    ]
    assert ops[0]["payload"]["value"]["name"] == "Renamed"
    assert {op["payload"].get("journey") for op in ops[1:]} == {"j1"}
    assert ops[1]["payload"]["layer"] == "intended"


# -- broken templates: file, line, field and fix -------------------------------------------------

BROKEN = {
    "unknown key at the top": (
        VALID.replace("teams:", "team:"),
        8,
        [
            "unknown key 'team'",
            "Did you mean 'teams'?",
            "The keys allowed here are: format_version",
        ],
    ),
    "unknown key in a step": (
        VALID.replace("      owner: Sales\n", "      ownr: Sales\n"),
        14,
        ["step 'qualify' in layer 'intended'", "unknown key 'ownr'", "Did you mean 'owner'?"],
    ),
    "unknown key in a layer": (
        VALID.replace("  handovers:", "  handover:"),
        21,
        ["layer 'intended'", "unknown key 'handover'", "Did you mean 'handovers'?"],
    ),
    "a stage that is not declared": (
        VALID.replace("stage: onboarding", "stage: onbording"),
        18,
        [
            "step 'Kick-off call' in layer 'intended'",
            "field 'stage'",
            "no stage 'onbording'",
            "Did you mean 'onboarding'?",
            "Use one of the stage ids (sales, onboarding)",
        ],
    ),
    "a stage given by its name": (
        VALID.replace("stage: sales", "stage: Sales"),
        13,
        ["field 'stage'", "no stage 'Sales'", "Did you mean 'sales'?"],
    ),
    "duplicate step id": (
        VALID.replace("    - name: Kick-off call", "    - id: qualify\n      name: Kick-off call"),
        17,
        ["field 'id'", "the id 'qualify' is already used on line 11", "its own id"],
    ),
    "duplicate stage id": (
        VALID.replace("id: onboarding", "id: sales"),
        6,
        ["stage 'sales'", "field 'id'", "already used on line 4", "its own id"],
    ),
    "a handover between unknown steps": (
        VALID.replace("to: kick-off-call", "to: kickoff-call"),
        23,
        [
            "handover 1 in layer 'intended'",
            "field 'to'",
            "no step 'kickoff-call' in layer 'intended'",
            "Did you mean 'kick-off-call'?",
            "made from its name",
        ],
    ),
    "the same handover twice": (
        VALID + "    - from: qualify\n      to: kick-off-call\n",
        26,
        ["handover 2 in layer 'intended'", "already described on line 22", "Keep one"],
    ),
    "a handover without its end": (
        VALID.replace("      to: kick-off-call\n", ""),
        22,
        ["handover 1", "missing key 'to'", "Add 'to: ...'"],
    ),
    "friction out of range": (
        VALID.replace("friction: 2", "friction: 7"),
        15,
        ["field 'friction'", "7 is out of range", "Rate it 0 (none) to 5 (worst)"],
    ),
    "friction in words": (
        VALID.replace("friction: 2", "friction: high"),
        15,
        ["field 'friction'", "expected a whole number, received 'high'", "friction: 3"],
    ),
    "friction with a fraction": (
        VALID.replace("friction: 2", "friction: 2.5"),
        15,
        ["field 'friction'", "expected a whole number, received '2.5'"],
    ),
    "a duration with its unit": (
        VALID.replace("duration_min: 30", "duration_min: 30 min"),
        20,
        ["field 'duration_min'", "expected a number, received '30 min'", "duration_min: 15"],
    ),
    "a negative wait": (
        VALID.replace("duration_min: 30", "wait_min: -5"),
        20,
        ["field 'wait_min'", "-5.0 minutes is not a duration", "Use a number >= 0"],
    ),
    "text where a list belongs": (
        VALID.replace("systems: [CRM]", "systems: CRM"),
        16,
        ["field 'systems'", "expected a list", "starting with '- '"],
    ),
    "a list where text belongs": (
        VALID.replace("owner: Sales\n", "owner: [Sales, Marketing]\n"),
        14,
        ["field 'owner'", "expected text, found a list"],
    ),
    "an unknown actor": (
        VALID.replace("friction: 2", "actor: staff"),
        15,
        ["field 'actor'", "'staff' is not allowed", "'backstage'"],
    ),
    "a step without a name": (
        VALID.replace("      name: Qualify the lead\n", ""),
        11,
        ["step 'qualify' in layer 'intended'", "missing key 'name'", "Add 'name: ...'"],
    ),
    "a step id with spaces": (
        VALID.replace("id: qualify", "id: qualify lead"),
        11,
        ["field 'id'", "'qualify lead' is not a valid id", "letters, digits"],
    ),
    "an empty team": (
        VALID.replace("[Sales, Onboarding]", "[Sales, '']"),
        8,
        ["field 'teams'", "must not be empty"],
    ),
    "an empty name": (
        VALID.replace("name: Onboarding\nstages", "name: ''\nstages"),
        2,
        ["field 'name'", "must not be empty"],
    ),
    "no stages": (
        VALID[: VALID.index("stages:")] + "stages: []\n",
        3,
        ["field 'stages'", "the journey has no stages", "- {id: lead, name: Lead}"],
    ),
    "a layer written as text": (
        VALID + "actual: none yet\n",
        26,
        ["field 'actual'", "expected a list of steps, or the keys 'steps:' and 'handovers:'"],
    ),
    "a key given twice": (
        VALID.replace("name: Onboarding\nstages", "name: Onboarding\nname: Again\nstages"),
        3,
        ["'name' is given twice (also on line 2)", "Keep one"],
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_template_names_file_line_field_and_fix(tmp_path: Path, case: str) -> None:
    text, line, parts = BROKEN[case]
    path = write(tmp_path, text)
    message = refusal(path)
    assert message.startswith((f"{path}, line {line}, ", f"{path}, line {line}: ")), message
    for part in parts:
        assert part in message, (part, message)


def test_a_yaml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("      owner: Sales lead", "      owner: Sales: lead"))
    message = refusal(path)
    assert message.startswith(f"{path}, line 25, column 19: not valid YAML ("), message


def test_a_newer_format_version_asks_for_an_upgrade(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("format_version: 1", "format_version: 2\nlanes: x"))
    message = refusal(path, FormatVersionError)
    assert message.startswith(f"{path}, line 1, field 'format_version': "), message
    assert "upgrade servicekit" in message.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty. Start from a copy of"),
        ("- a\n", "line 1: expected keys such as 'format_version"),
        ("name: X\n", "line 1: missing key 'stages'"),
    ],
)
def test_an_empty_or_shapeless_file_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in refusal(write(tmp_path, text))


# -- into a workshop: all or nothing -----------------------------------------------------------


def test_a_template_is_added_as_one_operation_and_undone_as_one(
    ws: Workshop, tmp_path: Path
) -> None:
    template = load_journey_template(write(tmp_path, VALID))
    before = ws.journal.count("demo")
    jid = ws.add_journey_from_template(template, name="Acme onboarding")
    assert ws.journal.count("demo") == before + 1
    journey = ws.journey(jid)
    assert journey.name == "Acme onboarding"
    assert journey.intended == template.intended
    assert ws.history()[-1].kind == "batch"
    ws.undo()
    assert jid not in ws.state.journeys


def test_an_id_clash_stores_nothing(ws: Workshop, tmp_path: Path) -> None:
    ws.add_journey("Existing", [{"id": "s", "name": "S"}], journey_id="j")
    before, existing = ws.journal.count("demo"), ws.journey("j")
    template = load_journey_template(write(tmp_path, VALID))
    with pytest.raises(Conflict, match="already exists"):
        ws.add_journey_from_template(template, "j")
    assert ws.journal.count("demo") == before
    assert ws.journey("j") == existing


def test_a_template_that_fails_midway_stores_nothing(ws: Workshop, tmp_path: Path) -> None:
    # A template whose last step names a stage the journey lacks: the journey and the first
    # step are accepted inside the batch, the second is refused, and nothing is kept.
    template = load_journey_template(write(tmp_path, VALID))
    broken = dataclasses.replace(template, stages=template.stages[:1])
    assert [op["kind"] for op in broken.operations("j")][:3] == [
        "exercise.add",
        "journey.add_step",
        "journey.add_step",
    ]
    before = ws.journal.count("demo")
    with pytest.raises(NotFound, match="no stage 'onboarding'"):
        ws.add_journey_from_template(broken, "j")
    assert ws.journal.count("demo") == before
    assert "j" not in ws.state.journeys
    ws.refresh()
    assert "j" not in ws.state.journeys
