"""Importing questionnaire responses exported by another survey tool as CSV."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from servicekit import Workshop
from servicekit.errors import InvalidInput
from servicekit.survey_import import import_responses, read_responses

REPO = Path(__file__).resolve().parent.parent

LENSES = [{"id": "people", "title": "People"}]
QUESTIONS: list[dict[str, Any]] = [
    {"id": "teams-share", "text": "Teams share what they know.", "lens": "people"},
    {"id": "trust", "text": "I trust the other teams.", "lens": "people", "points": 7},
    {
        "id": "systems",
        "text": "How many systems does a case pass through?",
        "kind": "bands",
        "bands": ["1", "2 to 3", "4 to 6", "More than 6"],
    },
    {
        "id": "meetings",
        "text": "How many hand-over meetings a week?",
        "kind": "bands",
        "bands": ["None", "A few", "Many"],
    },
    {"id": "handoffs", "text": "Where does work stall?", "kind": "open"},
]
MAPPING = {
    "department": "Dept",
    "role": "Role",
    "questions": {
        "teams-share": "Q3 Teams share",
        "trust": "Trust",
        "systems": "Systems",
        "meetings": "Meetings",
        "handoffs": "Where does work stall?",
    },
}
HEADER = "Dept,Role,Q3 Teams share,Trust,Systems,Meetings,Where does work stall?\n"
GOOD = HEADER + (
    "Claims,Handler,Strongly agree,7,1,none,At the hand-over to billing\n"
    "Billing, Lead ,  neither  AGREE nor disagree ,strongly disagree,More than 6,2,\n"
    'Claims,,2,,4 to 6,,"Waiting for sign-off, twice"\n'
)


@pytest.fixture
def survey_ws(ws: Workshop) -> Workshop:
    ws.add_survey("How work flows", LENSES, QUESTIONS, survey_id="pps")
    return ws


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_good_file_imports_every_respondent_and_answer(survey_ws: Workshop, tmp_path: Path) -> None:
    plan = read_responses(write(tmp_path / "responses.csv", GOOD), survey_ws.survey("pps"), MAPPING)
    assert plan.problems == []
    before = survey_ws.journal.count("demo")
    assert import_responses(survey_ws, "pps", plan) == 3
    assert survey_ws.journal.count("demo") == before + 1  # one operation for the whole file
    survey = survey_ws.survey("pps")
    assert len(survey.respondents) == 3
    by_department = sorted(
        (who.department, who.role, {q: a.value for q, a in survey.answers.get(rid, {}).items()})
        for rid, who in survey.respondents.items()
    )
    assert by_department == [
        (
            "Billing",
            "Lead",
            {"teams-share": 3, "trust": 1, "systems": 3, "meetings": 2},
        ),
        (
            "Claims",
            "",
            {"teams-share": 2, "systems": 2, "handoffs": "Waiting for sign-off, twice"},
        ),
        (
            "Claims",
            "Handler",
            {
                "teams-share": 5,
                "trust": 7,
                "systems": 0,
                "meetings": 0,
                "handoffs": "At the hand-over to billing",
            },
        ),
    ]
    assert all(rid.startswith("csv-") for rid in survey.respondents)
    # The same file again is refused instead of counting everyone twice.
    again = read_responses(tmp_path / "responses.csv", survey, MAPPING)
    assert len(again.problems) == 3
    assert "already imported" in again.problems[0]
    with pytest.raises(InvalidInput):
        import_responses(survey_ws, "pps", again)
    assert len(survey_ws.survey("pps").respondents) == 3


def test_three_bad_rows_are_all_reported_and_nothing_is_stored(
    survey_ws: Workshop, tmp_path: Path
) -> None:
    text = HEADER + (
        "Claims,Handler,5,7,1,None,\n"
        "Claims,Handler,Somewhat agree,7,1,None,\n"  # row 3
        "Billing,Lead,4,6,1,None,\n"
        "Billing,Lead,4,8,1,None,\n"  # row 5
        "Billing,Lead,4,2,12,None,\n"  # row 6
    )
    plan = read_responses(write(tmp_path / "responses.csv", text), survey_ws.survey("pps"), MAPPING)
    assert plan.problems == [
        "responses.csv, row 3, column 'Q3 Teams share': 'Somewhat agree' is not an answer to a "
        "1-5 scale. Use a number from 1 to 5 or one of: Strongly disagree, Disagree, Neutral, "
        "Agree, Strongly agree.",
        "responses.csv, row 5, column 'Trust': '8' is not an answer to a 1-7 scale. "
        "Use a number from 1 to 7 or one of: Strongly disagree, Strongly agree.",
        "responses.csv, row 6, column 'Systems': '12' is not a band of question 'systems'. "
        "Use one of: 1, 2 to 3, 4 to 6, More than 6.",
    ]
    before = survey_ws.journal.count("demo")
    with pytest.raises(InvalidInput) as caught:
        import_responses(survey_ws, "pps", plan)
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        "responses.csv: 3 problems; nothing was imported. Fix the file and import it again."
    )
    assert lines[1:] == plan.problems
    assert survey_ws.journal.count("demo") == before
    assert survey_ws.survey("pps").respondents == {}


def test_long_problem_lists_are_cut_after_twenty(survey_ws: Workshop, tmp_path: Path) -> None:
    text = HEADER + "Claims,Handler,maybe,,,,\n" * 25
    plan = read_responses(write(tmp_path / "r.csv", text), survey_ws.survey("pps"), MAPPING)
    with pytest.raises(InvalidInput) as caught:
        import_responses(survey_ws, "pps", plan)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("r.csv: 25 problems;")
    assert lines[1].startswith("r.csv, row 2,") and lines[20].startswith("r.csv, row 21,")
    assert lines[-1] == "and 5 more"


def test_bom_and_semicolons(survey_ws: Workshop, tmp_path: Path) -> None:
    text = "\ufeff" + GOOD.replace(",", ";").replace("sign-off; twice", "sign-off, twice")
    plan = read_responses(write(tmp_path / "export.csv", text), survey_ws.survey("pps"), MAPPING)
    assert plan.problems == []
    assert [who.department for who in plan.respondents] == ["Claims", "Billing", "Claims"]
    assert ("teams-share", 5) in [(a.question, a.value) for _, a in plan.answers]
    assert import_responses(survey_ws, "pps", plan) == 3


def test_tab_delimited(survey_ws: Workshop, tmp_path: Path) -> None:
    text = HEADER.replace(",", "\t") + "Claims\tHandler\tAgree\t\t\t\t\n"
    plan = read_responses(write(tmp_path / "export.tsv", text), survey_ws.survey("pps"), MAPPING)
    assert plan.problems == []
    assert [(a.question, a.value) for _, a in plan.answers] == [("teams-share", 4)]


@pytest.mark.parametrize(
    ("column", "cell", "question", "value"),
    [
        ("Q3 Teams share", "Strongly disagree", "teams-share", 1),
        ("Q3 Teams share", "disagree", "teams-share", 2),
        ("Q3 Teams share", "Neutral", "teams-share", 3),
        ("Q3 Teams share", "Neither agree nor disagree", "teams-share", 3),
        ("Q3 Teams share", "AGREE", "teams-share", 4),
        ("Q3 Teams share", " strongly   agree ", "teams-share", 5),
        ("Trust", "Strongly disagree", "trust", 1),
        ("Trust", "Strongly agree", "trust", 7),
        ("Trust", "5", "trust", 5),
        ("Systems", "1", "systems", 0),  # the band called "1", not band number 1
        ("Systems", "2 TO 3", "systems", 1),
        ("Meetings", "a few", "meetings", 1),
        ("Meetings", "2", "meetings", 2),
    ],
)
def test_labels_map_to_values(
    survey_ws: Workshop, tmp_path: Path, column: str, cell: str, question: str, value: int
) -> None:
    header = HEADER.strip().split(",")
    row = ["" if name != column else cell for name in header]
    text = HEADER + ",".join(row) + "\n"
    plan = read_responses(write(tmp_path / "r.csv", text), survey_ws.survey("pps"), MAPPING)
    assert plan.problems == []
    assert [(a.question, a.value) for _, a in plan.answers] == [(question, value)]


@pytest.mark.parametrize(
    ("column", "cell", "reason"),
    [
        ("Trust", "Agree", "is not an answer to a 1-7 scale"),  # ambiguous on 7 points
        ("Trust", "0", "is not an answer to a 1-7 scale"),
        ("Q3 Teams share", "4.5", "is not an answer to a 1-5 scale"),
        ("Systems", "0", "Use one of: 1, 2 to 3, 4 to 6, More than 6."),
        ("Meetings", "3", "Use one of: None, A few, Many or a band number from 0 to 2."),
    ],
)
def test_unaccepted_cells(
    survey_ws: Workshop, tmp_path: Path, column: str, cell: str, reason: str
) -> None:
    header = HEADER.strip().split(",")
    row = ["" if name != column else cell for name in header]
    text = HEADER + ",".join(row) + "\n"
    plan = read_responses(write(tmp_path / "r.csv", text), survey_ws.survey("pps"), MAPPING)
    assert len(plan.problems) == 1
    assert plan.problems[0].startswith(f"r.csv, row 2, column {column!r}: {cell!r} ")
    assert reason in plan.problems[0]


def test_unknown_column_or_question_in_mapping(survey_ws: Workshop, tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", GOOD)
    survey = survey_ws.survey("pps")
    wrong_column = {**MAPPING, "questions": {**MAPPING["questions"], "trust": "Trust Q"}}  # type: ignore[dict-item]
    with pytest.raises(InvalidInput) as caught:
        read_responses(path, survey, wrong_column)
    assert str(caught.value).startswith("r.csv: no column 'Trust Q'. The columns are: 'Dept',")
    with pytest.raises(InvalidInput, match="no question 'q9' in survey 'pps'"):
        read_responses(path, survey, {"questions": {"q9": "Trust"}})
    with pytest.raises(InvalidInput, match="unknown key 'dept'"):
        read_responses(path, survey, {"dept": "Dept", "questions": {"trust": "Trust"}})


def test_not_utf8_and_ragged_rows(survey_ws: Workshop, tmp_path: Path) -> None:
    survey = survey_ws.survey("pps")
    latin = write(tmp_path / "latin.csv", HEADER + "Zürich,,,,,,\n", encoding="latin-1")
    with pytest.raises(InvalidInput, match=r"latin\.csv, line 2: not UTF-8 text"):
        read_responses(latin, survey, MAPPING)
    ragged = write(tmp_path / "r.csv", HEADER + "Claims,Handler,4,5,1,None,a,b\n")
    plan = read_responses(ragged, survey, MAPPING)
    assert plan.problems == [
        "r.csv, row 2: 8 cells, but the header has 7 columns. "
        "Put cells that contain the delimiter in double quotes."
    ]


def _cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "servicekit", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_round_trip(survey_ws: Workshop, db_path: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    good = write(tmp_path / "responses.csv", GOOD)
    done = _cli("import-responses", "demo", "pps", str(good), "--map", str(mapping), db=db_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Imported 3 respondents into survey 'pps' of workshop 'demo'"
    survey_ws.refresh()
    assert len(survey_ws.survey("pps").respondents) == 3

    count = survey_ws.journal.count("demo")
    bad = write(tmp_path / "bad.csv", HEADER + "Claims,,Somewhat agree,,,,\nClaims,,5,9,,,\n")
    failed = _cli("import-responses", "demo", "pps", str(bad), "--map", str(mapping), db=db_path)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    lines = failed.stderr.strip().splitlines()
    assert lines[0] == (
        "servicekit: bad.csv: 2 problems; nothing was imported. Fix the file and import it again."
    )
    assert lines[1].startswith("bad.csv, row 2, column 'Q3 Teams share': 'Somewhat agree'")
    assert lines[2].startswith("bad.csv, row 3, column 'Trust': '9'")
    assert survey_ws.journal.count("demo") == count

    missing = _cli("import-responses", "demo", "nope", str(good), "--map", str(mapping), db=db_path)
    assert missing.returncode == 1
    assert len(missing.stderr.strip().splitlines()) == 1
    assert "nope" in missing.stderr
