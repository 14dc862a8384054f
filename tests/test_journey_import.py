"""Importing journey steps from a spreadsheet's CSV: every bad cell reported, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit import Workshop
from servicekit.errors import Conflict, InvalidInput, ServiceKitError
from servicekit.journey_import import COLUMNS, import_steps, read_steps

HEADER = (
    "Name,Stage,Owner,Actor,Channel,Systems,Info requested,Duration_min,Wait min,"
    "Friction,Pain points,Workarounds,Shadow systems,Notes\n"
)
GOOD = HEADER + (
    "Customer sends an enquiry,lead,Customer,customer,Web form,Website,"
    "Company name; Email address ,,,,,,,\n"
    "Qualify the lead,Sales,Marketing,Back stage,CRM,CRM;Spreadsheet,,15,240,3,"
    "Leads arrive twice,Copies notes by hand;Checks the inbox,Shared inbox,"
    '"Notes, with a comma"\n'
    "\n"  # a blank line is skipped
    '=HYPERLINK("http://x"),ONBOARDING,Onboarding,,,,,2.5,,0,,,,\n'
)


@pytest.fixture
def journey_ws(ws: Workshop) -> Workshop:
    stages = [
        {"id": "lead", "name": "Lead"},
        {"id": "sales", "name": "Sales"},
        {"id": "onboarding", "name": "Onboarding"},
    ]
    ws.add_journey("Lead to cash", stages, ["Customer", "Marketing", "Sales"], journey_id="j")
    ws.add_step("j", "actual", "Already mapped", stage="lead")
    return ws


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def problems(ws: Workshop, tmp_path: Path, text: str, name: str = "steps.csv") -> list[str]:
    return read_steps(write(tmp_path / name, text), ws.journey("j")).problems


def test_good_file_appends_every_step_in_one_operation(
    journey_ws: Workshop, tmp_path: Path
) -> None:
    plan = read_steps(write(tmp_path / "steps.csv", GOOD), journey_ws.journey("j"))
    assert plan.problems == []
    before = journey_ws.journal.count("demo")
    assert import_steps(journey_ws, "j", plan) == 3
    assert journey_ws.journal.count("demo") == before + 1  # one operation for the whole file
    journey = journey_ws.journey("j")
    assert journey.intended.steps == ()
    first, enquiry, qualify, formula = journey.actual.steps
    assert first.name == "Already mapped"
    assert (enquiry.name, enquiry.stage, enquiry.owner, enquiry.actor) == (
        "Customer sends an enquiry",
        "lead",
        "Customer",
        "customer",
    )
    assert enquiry.info_requested == ("Company name", "Email address")
    assert (enquiry.duration_min, enquiry.friction) == (None, None)
    assert qualify.stage == "sales"  # the stage by its name
    assert qualify.actor == "backstage"
    assert qualify.systems == ("CRM", "Spreadsheet")
    assert (qualify.duration_min, qualify.wait_min, qualify.friction) == (15.0, 240.0, 3)
    assert qualify.pain_points == ("Leads arrive twice",)
    assert qualify.workarounds == ("Copies notes by hand", "Checks the inbox")
    assert qualify.shadow_systems == ("Shared inbox",)
    assert qualify.notes == "Notes, with a comma"
    # Text is kept as given, formula prefix and all; it is escaped wherever it is shown.
    assert formula.name == '=HYPERLINK("http://x")'
    assert (formula.stage, formula.actor, formula.duration_min, formula.friction) == (
        "onboarding",
        "frontstage",
        2.5,
        0,
    )
    assert all(step.id.startswith("csv-") for step in journey.actual.steps[1:])
    journey_ws.undo()  # one undo takes the whole file back
    assert [s.name for s in journey_ws.journey("j").actual.steps] == ["Already mapped"]


def test_the_same_file_twice_is_refused(journey_ws: Workshop, tmp_path: Path) -> None:
    path = write(tmp_path / "steps.csv", GOOD)
    import_steps(journey_ws, "j", read_steps(path, journey_ws.journey("j")))
    again = read_steps(path, journey_ws.journey("j"))
    assert len(again.problems) == 3
    assert "already imported into layer 'actual' of journey 'j'" in again.problems[0]
    with pytest.raises(InvalidInput):
        import_steps(journey_ws, "j", again)
    assert len(journey_ws.journey("j").actual.steps) == 4
    # Into the other layer it is new.
    intended = read_steps(path, journey_ws.journey("j"), "intended")
    assert import_steps(journey_ws, "j", intended) == 3
    assert [s.name for s in journey_ws.journey("j").intended.steps] == [
        "Customer sends an enquiry",
        "Qualify the lead",
        '=HYPERLINK("http://x")',
    ]


def test_bom_semicolons_and_header_spelling(journey_ws: Workshop, tmp_path: Path) -> None:
    text = '\ufeffNAME;info_requested; Shadow-Systems ;stage\nCall back;"Phone number; Email";Notebook;lead\n'
    plan = read_steps(write(tmp_path / "export.csv", text), journey_ws.journey("j"))
    assert plan.problems == []
    (step,) = plan.steps
    assert step.name == "Call back"
    assert step.info_requested == ("Phone number", "Email")
    assert step.shadow_systems == ("Notebook",)
    assert step.stage == "lead"


def test_tab_delimited_and_only_a_name(journey_ws: Workshop, tmp_path: Path) -> None:
    text = "Name\tOwner\nPut bread in\tKitchen\n"
    plan = read_steps(write(tmp_path / "toast.tsv", text), journey_ws.journey("j"))
    assert [(s.name, s.owner) for s in plan.steps] == [("Put bread in", "Kitchen")]
    plan = read_steps(write(tmp_path / "names.csv", "name\nOne\nTwo\n"), journey_ws.journey("j"))
    assert [s.name for s in plan.steps] == ["One", "Two"]


# -- bad cells: row, column, value and fix --------------------------------------------------------

LONG = "x" * 250


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        (
            "Stage",
            "Onbording",
            "'Onbording' is not a stage of journey 'j'. Did you mean 'Onboarding'? "
            "Use a stage's name or id: Lead (lead), Sales (sales), Onboarding (onboarding).",
        ),
        (
            "Friction",
            "7",
            "'7' is not accepted: 7 is out of range. Rate it 0 (none) to 5 (worst).",
        ),
        (
            "Friction",
            "high",
            "'high' is not a whole number. Rate friction 0 (none) to 5 (worst), e.g. 3.",
        ),
        ("Friction", "2.5", "'2.5' is not a whole number."),
        (
            "Duration_min",
            "15 min",
            "'15 min' is not a number of minutes. Write a number such as 15 or 2.5, without units.",
        ),
        ("Duration_min", "1,5", "'1,5' is not a number of minutes."),
        (
            "Wait min",
            "-5",
            "'-5' is not accepted: -5.0 minutes is not a duration. Use a number >= 0.",
        ),
        (
            "Actor",
            "staff",
            "'staff' is not allowed. Use one of: 'customer', 'frontstage', 'backstage', 'system'.",
        ),
        ("Name", "", "empty. Every step needs a name: fill it in, or delete the row."),
        ("Name", LONG, f"{LONG!r:.80} is not accepted: the text is 250 characters long"),
        (
            "Systems",
            f"CRM; {LONG}",
            f"{LONG!r:.80} is not accepted: the text is 250 characters long; the limit is 200.",
        ),
    ],
)
def test_each_bad_cell_names_row_column_value_and_fix(
    journey_ws: Workshop, tmp_path: Path, column: str, cell: str, message: str
) -> None:
    header = HEADER.strip().split(",")
    row = [{"Name": "Step", "Owner": "Sales"}.get(name, "") for name in header]
    row[header.index(column)] = cell
    text = HEADER + ",".join(f'"{c}"' for c in row) + "\n"
    found = problems(journey_ws, tmp_path, text)
    assert len(found) == 1, found
    assert found[0].startswith(f"steps.csv, row 2, column {column!r}: "), found[0]
    assert message in found[0], found[0]


def test_every_bad_row_is_reported_and_nothing_is_stored(
    journey_ws: Workshop, tmp_path: Path
) -> None:
    text = (
        "name,stage,friction,duration min\n"
        "Fine,lead,1,10\n"
        "Bad stage,Delivery,1,10\n"  # row 3
        "Fine too,sales,,\n"
        "Two bad cells,lead,9,soon\n"  # row 5
        ",lead,,\n"  # row 6
        "Too many,lead,1,10,extra\n"  # row 7
    )
    plan = read_steps(write(tmp_path / "steps.csv", text), journey_ws.journey("j"))
    assert plan.problems == [
        "steps.csv, row 3, column 'stage': 'Delivery' is not a stage of journey 'j'. "
        "Use a stage's name or id: Lead (lead), Sales (sales), Onboarding (onboarding).",
        "steps.csv, row 5, column 'friction': '9' is not accepted: 9 is out of range. "
        "Rate it 0 (none) to 5 (worst).",
        "steps.csv, row 5, column 'duration min': 'soon' is not a number of minutes. "
        "Write a number such as 15 or 2.5, without units.",
        "steps.csv, row 6, column 'name': empty. Every step needs a name: fill it in, "
        "or delete the row.",
        "steps.csv, row 7: 5 cells, but the header has 4 columns. "
        "Put cells that contain the delimiter in double quotes.",
    ]
    assert [s.name for s in plan.steps] == ["Fine", "Fine too"]
    before, layer = journey_ws.journal.count("demo"), journey_ws.journey("j").actual
    with pytest.raises(InvalidInput) as caught:
        import_steps(journey_ws, "j", plan)
    lines = str(caught.value).splitlines()
    assert (
        lines[0] == "steps.csv: 5 problems; nothing was imported. Fix the file and import it again."
    )
    assert lines[1:] == plan.problems
    assert journey_ws.journal.count("demo") == before
    assert journey_ws.journey("j").actual == layer


def test_long_problem_lists_are_cut_after_twenty(journey_ws: Workshop, tmp_path: Path) -> None:
    text = "name,friction\n" + "Step,lots\n" * 25
    plan = read_steps(write(tmp_path / "s.csv", text), journey_ws.journey("j"))
    assert len(plan.problems) == 25
    with pytest.raises(InvalidInput) as caught:
        import_steps(journey_ws, "j", plan)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("s.csv: 25 problems;")
    assert lines[1].startswith("s.csv, row 2,") and lines[20].startswith("s.csv, row 21,")
    assert lines[-1] == "and 5 more"


def test_a_stage_column_needs_stages(ws: Workshop, tmp_path: Path) -> None:
    ws.add_journey("No stages yet", journey_id="j")
    found = problems(ws, tmp_path, "name,stage\nStep,lead\nOther,\n")
    assert found == [
        "steps.csv, row 2, column 'stage': 'lead' is not a stage: journey 'j' has no stages yet. "
        "Leave the column empty, or add the stages to the journey first."
    ]


# -- files that cannot be read: refused at once -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Name,Sytems,Colour\nA,B,C\n",
            "steps.csv: unknown columns 'Sytems' (did you mean 'systems'?), 'Colour'. "
            f"The columns servicekit reads are: {', '.join(COLUMNS)}. "
            "Rename the columns, or delete them.",
        ),
        (
            "name,ownr\nA,B\n",
            "steps.csv: unknown column 'ownr' (did you mean 'owner'?).",
        ),
        (
            "Stage,Owner\nlead,Sales\n",
            "steps.csv: no 'name' column (the header row is: 'Stage', 'Owner'). "
            "Add a column headed 'name' with each step's name, as the first row of the file.",
        ),
        (
            "Name,Owner,owner\nA,B,C\n",
            "steps.csv: the columns 'Owner' and 'owner' both give the step's owner. Keep one of them.",
        ),
        (
            "Name,,Owner\nA,,B\nC,oops,D\n",
            "steps.csv: column 2 has no name in the header row, but row 3 has a value in it.",
        ),
        ("", "steps.csv: the file is empty. Export the steps with a header row"),
        ("\ufeff\n\n", "steps.csv: the file is empty."),
        ("name,stage\n", "steps.csv: the file has a header but no steps."),
        ("name\n\n  \n", "steps.csv: the file has a header but no steps."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_at_once(
    journey_ws: Workshop, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        problems(journey_ws, tmp_path, text)
    assert message in str(caught.value)


def test_empty_trailing_columns_are_ignored(journey_ws: Workshop, tmp_path: Path) -> None:
    plan = read_steps(write(tmp_path / "s.csv", "name,,\nA,,\nB,,\n"), journey_ws.journey("j"))
    assert plan.problems == [] and [s.name for s in plan.steps] == ["A", "B"]


def test_not_utf8_and_missing_file(journey_ws: Workshop, tmp_path: Path) -> None:
    latin = write(tmp_path / "latin.csv", "name,owner\nRéception,Zürich\n", encoding="latin-1")
    with pytest.raises(InvalidInput, match=r"latin\.csv, line 2: not UTF-8 text. .*CSV UTF-8"):
        read_steps(latin, journey_ws.journey("j"))
    with pytest.raises(InvalidInput, match=r"nope\.csv: no such file"):
        read_steps(tmp_path / "nope.csv", journey_ws.journey("j"))


def test_a_plan_is_for_one_journey_and_a_known_layer(journey_ws: Workshop, tmp_path: Path) -> None:
    journey_ws.add_journey("Other", journey_id="k")
    plan = read_steps(write(tmp_path / "s.csv", "name\nA\n"), journey_ws.journey("j"))
    with pytest.raises(InvalidInput, match="was read for journey 'j', not 'k'"):
        import_steps(journey_ws, "k", plan)
    with pytest.raises(InvalidInput, match="'draft' is not a layer"):
        read_steps(tmp_path / "s.csv", journey_ws.journey("j"), "draft")


# -- property: no file makes the reader fail with anything but a clear refusal ------------------

cells = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


@given(
    header=st.lists(st.sampled_from([*COLUMNS, "Info requested", "x", ""]), max_size=5),
    rows=st.lists(st.lists(cells, max_size=6), max_size=5),
    delimiter=st.sampled_from([",", ";", "\t"]),
    raw=st.binary(max_size=40),
)
def test_any_file_gives_a_plan_or_a_clear_refusal(
    tmp_path_factory: pytest.TempPathFactory,
    header: list[str],
    rows: list[list[str]],
    delimiter: str,
    raw: bytes,
) -> None:
    from servicekit.models import JourneyMap, Stage

    journey = JourneyMap("j", "J", stages=(Stage("lead", "Lead"),))
    folder = tmp_path_factory.mktemp("csv")
    text = "\n".join(delimiter.join(row) for row in [header, *rows])
    for path, data in ((folder / "a.csv", text.encode()), (folder / "b.csv", raw)):
        path.write_bytes(data)
        try:
            plan = read_steps(path, journey)
        except ServiceKitError as exc:
            assert str(exc).startswith(path.name), exc
            continue
        for step in plan.steps:
            assert journey.with_step("actual", step)  # every planned step fits the journey


def test_an_upload_is_read_from_its_bytes_into_any_layer(journey_ws: Workshop) -> None:
    data = "\ufeffname,stage\nFrom a phone,Sales\n".encode()
    plan = read_steps(data, journey_ws.journey("j"), source="sheet.csv")
    assert [(s.name, s.stage) for s in plan.steps] == [("From a phone", "sales")]
    assert import_steps(journey_ws, "j", plan, layer="intended") == 1
    assert [s.name for s in journey_ws.journey("j").intended.steps] == ["From a phone"]
    with pytest.raises(Conflict, match="already in layer 'intended' of journey 'j'"):
        import_steps(journey_ws, "j", plan, layer="intended")
    bad = read_steps(b"name,friction\nA,x\n", journey_ws.journey("j"))
    assert bad.problems[0].startswith("uploaded file, row 2, column 'friction': 'x' ")
