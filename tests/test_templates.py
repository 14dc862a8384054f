"""Questionnaire templates: the bundled bank, precise errors for broken files, round trips."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from servicekit import Workshop
from servicekit.errors import FormatVersionError, InvalidInput
from servicekit.models import Lens, Question, Survey
from servicekit.templates import Questionnaire, load_questionnaire, questionnaire_files

REPO = Path(__file__).resolve().parent.parent
BANK = REPO / "templates" / "questionnaires" / "people_process_systems.yaml"

# A small valid template; each broken case below changes one thing in it.
VALID = """\
format_version: 1
title: Check-up
lenses:
  - id: people
    title: People
    questions:
      - id: turf
        text: Teams help each other.
        points: 5
      - id: roles
        text: My role serves the customer.
  - id: systems
    title: Systems
    questions:
      - id: count
        text: How many systems?
        kind: bands
        bands: [1, 2-3, 4+]
open_questions:
  - id: handoffs
    text: Where do handoffs break?
"""


def write(tmp_path: Path, text: str, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refusal(path: Path, error: type[Exception] = InvalidInput) -> str:
    with pytest.raises(error) as caught:
        load_questionnaire(path)
    return str(caught.value)


# -- the bundled bank ------------------------------------------------------------------------


def test_the_bundled_bank_is_listed_and_loads_into_a_valid_survey() -> None:
    assert BANK in questionnaire_files()
    bank = load_questionnaire(BANK)
    survey = Survey.from_dict({"id": "pps", **bank.to_survey_args()})
    assert [lens.id for lens in survey.lenses] == ["people", "process", "systems"]
    by_lens = {
        lens.id: [q.kind for q in survey.questions if q.lens == lens.id] for lens in bank.lenses
    }
    assert by_lens == {
        "people": ["scale", "scale", "scale"],
        "process": ["scale", "bands", "scale"],
        "systems": ["bands", "scale", "scale"],
    }
    closing = survey.questions[-3:]
    assert [(q.lens, q.kind, q.allow_comment) for q in closing] == [(None, "open", False)] * 3
    assert all(len(q.bands) >= 2 for q in survey.questions if q.kind == "bands")
    assert bank.source == BANK


def test_every_bundled_questionnaire_loads() -> None:
    files = questionnaire_files()
    assert files
    for path in files:
        assert load_questionnaire(path).questions, path


def test_the_bundled_bank_becomes_a_workshop_survey(ws: Workshop) -> None:
    bank = load_questionnaire(BANK)
    sid = ws.add_survey(**bank.to_survey_args(), survey_id="pps")
    assert ws.survey(sid).questions == bank.questions
    assert ws.survey(sid).lenses == bank.lenses


def test_loading_a_template_never_imports_yaml_on_the_participant_path() -> None:
    code = (
        "import sys, servicekit, servicekit.templates; "
        "assert 'yaml' not in sys.modules, 'yaml imported'"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=REPO, env={"PYTHONPATH": str(REPO)}
    )


# -- defaults and text as typed -------------------------------------------------------------


def test_defaults_fill_what_a_template_leaves_out(tmp_path: Path) -> None:
    bank = load_questionnaire(write(tmp_path, VALID))
    roles, handoffs = bank.questions[1], bank.questions[3]
    assert (roles.kind, roles.points, roles.low_label, roles.high_label) == (
        "scale",
        5,
        "Strongly disagree",
        "Strongly agree",
    )
    assert roles.allow_comment and roles.lens == "people"
    assert (handoffs.kind, handoffs.lens, handoffs.allow_comment) == ("open", None, False)
    assert bank.anonymous is False


def test_labels_and_bands_stay_the_words_typed(tmp_path: Path) -> None:
    text = VALID.replace("points: 5", "low: No\n        high: Yes").replace(
        "[1, 2-3, 4+]", "[0, 1.50, 2020-01-01, yes, 0x10]"
    )
    bank = load_questionnaire(write(tmp_path, text))
    assert (bank.questions[0].low_label, bank.questions[0].high_label) == ("No", "Yes")
    assert bank.questions[2].bands == ("0", "1.50", "2020-01-01", "yes", "0x10")


def test_a_translated_bank_keeps_its_words_and_line_breaks(tmp_path: Path) -> None:
    text = VALID.replace("title: People", "title: Personnes").replace(
        "        text: Teams help each other.",
        "        text: |\n          Les équipes s'entraident.\n          Über Abteilungen hinweg.\n"
        "        low: Pas du tout d'accord",
    )
    bank = load_questionnaire(write(tmp_path, text))
    assert bank.lenses[0].title == "Personnes"
    assert bank.questions[0].text == "Les équipes s'entraident.\nÜber Abteilungen hinweg."
    assert bank.questions[0].low_label == "Pas du tout d'accord"


def test_an_open_question_may_be_counted_under_a_lens(tmp_path: Path) -> None:
    text = VALID.replace(
        "    text: Where do handoffs break?", "    text: Where?\n    lens: systems"
    )
    assert load_questionnaire(write(tmp_path, text)).questions[-1].lens == "systems"


# -- broken templates: file, line, field and fix ---------------------------------------------

BROKEN = {
    "wrong type": (
        VALID.replace("points: 5", "points: five"),
        9,
        ["question 'turf' in lens 'people'", "field 'points'", "received 'five'", "points: 5"],
    ),
    "wrong type, forced by a tag": (
        VALID.replace("points: 5", "points: !!int five"),
        9,
        ["field 'points'", "expected a whole number, received 'five'"],
    ),
    "wrong type, true or false": (
        VALID.replace("points: 5", "comment: maybe"),
        9,
        ["field 'comment'", "expected true or false", "comment: true"],
    ),
    "unknown key": (
        VALID.replace("    questions:\n      - id: turf", "    qestions:\n      - id: turf"),
        6,
        ["lens 'people'", "unknown key 'qestions'", "Did you mean 'questions'?"],
    ),
    "unknown key in a question": (
        VALID.replace("text: My role", "txt: My role"),
        11,
        ["question 'roles' in lens 'people'", "unknown key 'txt'", "Did you mean 'text'?"],
    ),
    "unknown lens": (
        VALID + "    lens: peple\n",
        22,
        ["open question 'handoffs'", "field 'lens'", "no lens 'peple'", "Did you mean 'people'?"],
    ),
    "duplicate question id": (
        VALID.replace("id: count", "id: turf"),
        15,
        ["field 'id'", "'turf' is already used on line 7", "its own id"],
    ),
    "duplicate lens id": (
        VALID.replace("id: systems", "id: people"),
        12,
        ["lens 'people'", "field 'id'", "another lens already has the id 'people'"],
    ),
    "bands question without bands": (
        VALID.replace("bands: [1, 2-3, 4+]", "bands: []"),
        18,
        ["question 'count' in lens 'systems'", "field 'bands'", "at least two bands"],
    ),
    "bands question with the bands left out": (
        VALID.replace("        bands: [1, 2-3, 4+]\n", ""),
        15,
        ["question 'count'", "field 'bands'", "at least two bands"],
    ),
    "scale with one point": (
        VALID.replace("points: 5", "points: 1"),
        9,
        ["question 'turf'", "field 'points'", "2 to 11 points, not 1"],
    ),
    "missing text": (
        VALID.replace("        text: My role serves the customer.\n", ""),
        10,
        ["question 'roles' in lens 'people'", "missing key 'text'", "Add 'text: ...'"],
    ),
    "empty text": (
        VALID.replace("text: My role serves the customer.", 'text: ""'),
        11,
        ["question 'roles'", "field 'text'", "must not be empty"],
    ),
    "empty band": (
        VALID.replace("[1, 2-3, 4+]", "[1, '', 4+]"),
        18,
        ["question 'count'", "field 'bands'", "must not be empty"],
    ),
    "points on a bands question": (
        VALID.replace("kind: bands", "kind: bands\n        points: 4"),
        18,
        ["field 'points'", "only scale questions use 'points'", "write kind: scale"],
    ),
    "unknown kind": (
        VALID.replace("kind: bands", "kind: band"),
        17,
        ["field 'kind'", "'band' is not allowed", "'bands'"],
    ),
    "invalid id": (
        VALID.replace("id: roles", "id: my roles"),
        10,
        ["field 'id'", "'my roles' is not a valid id", "letters, digits"],
    ),
    "key given twice": (
        VALID.replace("title: Check-up", "title: Check-up\ntitle: Again"),
        3,
        ["'title' is given twice (also on line 2)", "Keep one"],
    ),
    "lens without questions": (
        VALID.replace("open_questions:", "  - id: extra\n    title: Extra\nopen_questions:"),
        19,
        ["lens 'extra'", "has no questions"],
    ),
    "text where a list belongs": (
        "format_version: 1\ntitle: T\nopen_questions: Where do handoffs break?\n",
        3,
        ["field 'open_questions'", "expected a list", "starting with '- '"],
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
    path = write(tmp_path, VALID.replace("        text: Teams help", "       text: Teams help"))
    message = refusal(path)
    assert message.startswith(f"{path}, line 8, column 8: not valid YAML ("), message
    assert "indented like the lines around it" in message


def test_an_unclosed_quote_is_a_syntax_error_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("text: Teams help each other.", 'text: "Teams help'))
    message = refusal(path)
    # YAML notices only at the end of the file; the message also says where the quote opened.
    assert message.startswith(f"{path}, line 22, column 1: not valid YAML ("), message
    assert "scanning a quoted scalar from line 8, column 15" in message


def test_a_newer_format_version_asks_for_an_upgrade(tmp_path: Path) -> None:
    # Newer files may use keys this version does not know: the version is checked first.
    text = VALID.replace("format_version: 1", "format_version: 2\nbranding: acme")
    path = write(tmp_path, text)
    message = refusal(path, FormatVersionError)
    assert message.startswith(f"{path}, line 1, field 'format_version': "), message
    assert "upgrade servicekit" in message.lower()


def test_a_format_version_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("format_version: 1", "format_version: one"))
    assert "line 1, field 'format_version': expected a whole number" in refusal(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "the file is empty"), ("- a\n- b\n", "line 1: expected keys such as 'format_version")],
)
def test_an_empty_or_shapeless_file_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in refusal(write(tmp_path, text))


def test_a_missing_file_names_the_path_and_the_bundled_banks(tmp_path: Path) -> None:
    message = refusal(tmp_path / "nope.yaml")
    assert message.startswith(f"{tmp_path / 'nope.yaml'}: no such file.")
    assert "people_process_systems.yaml" in message


def test_a_template_without_questions_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "format_version: 1\ntitle: Empty\nlenses: []\n")
    assert (
        refusal(path)
        == f"{path}, line 1: there are no questions. Add a lens with questions, or open_questions."
    )


# -- property: any valid questionnaire survives the trip through YAML -------------------------

# PyYAML's emitter, asked to keep non-ASCII text readable, writes YAML's own line breaks
# (NEL, LS, PS) raw inside quotes, where any YAML reader folds them into spaces; no one types them.
alphabet = st.characters(exclude_categories=("Cs",), exclude_characters="\x85\u2028\u2029")
ids = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,11}\Z")
words = st.text(alphabet, max_size=30).map(str.strip).filter(bool)
optional_words = st.text(alphabet, max_size=30).map(str.strip)


@st.composite
def question_dicts(draw: st.DrawFn, qid: str, in_lens: bool) -> dict[str, Any]:
    kind = draw(st.sampled_from(["scale", "bands", "open"]))
    q: dict[str, Any] = {"id": qid, "text": draw(words), "kind": kind}
    if kind == "scale":
        q |= {
            "points": draw(st.integers(2, 11)),
            "low": draw(optional_words),
            "high": draw(optional_words),
        }
    if kind == "bands":
        q["bands"] = draw(st.lists(words, min_size=2, max_size=5))
    q["comment"] = draw(st.booleans())
    defaults = {"kind": "scale" if in_lens else "open", "points": 5, "comment": kind != "open"}
    defaults |= {"low": "Strongly disagree", "high": "Strongly agree"}
    # Leave out some keys that hold their default: the loader must fill them back in.
    return {k: v for k, v in q.items() if not (defaults.get(k) == v and draw(st.booleans()))}


@st.composite
def questionnaire_dicts(draw: st.DrawFn) -> dict[str, Any]:
    lens_ids = draw(st.lists(ids, unique=True, max_size=3))
    question_ids = draw(st.lists(ids, unique=True, min_size=3 * len(lens_ids) + 1, max_size=12))
    lenses = []
    for i, lid in enumerate(lens_ids):
        mine = question_ids[3 * i : 3 * i + draw(st.integers(1, 3))]
        questions = [draw(question_dicts(qid, True)) for qid in mine]
        lenses.append(
            {
                "id": lid,
                "title": draw(words),
                "description": draw(optional_words),
                "questions": questions,
            }
        )
    opens = [draw(question_dicts(qid, False)) for qid in question_ids[3 * len(lens_ids) :]]
    for q in opens:
        if lens_ids and draw(st.booleans()):
            q["lens"] = draw(st.sampled_from(lens_ids))
    return {
        "format_version": 1,
        "title": draw(words),
        "anonymous": draw(st.booleans()),
        "lenses": lenses,
        "open_questions": opens,
    }


def expected(data: dict[str, Any]) -> Questionnaire:
    """What the template means, built straight from the models."""

    def question(q: dict[str, Any], lens: str | None, kind: str) -> Question:
        kind = q.get("kind", kind)
        names = {"low": "low_label", "high": "high_label", "comment": "allow_comment"}
        values = {names.get(k, k): v for k, v in q.items()}
        values |= {"kind": kind, "lens": q.get("lens", lens), "bands": tuple(q.get("bands", ()))}
        values.setdefault("allow_comment", kind != "open")
        return Question(**values)

    lenses = tuple(Lens(d["id"], d["title"], d["description"]) for d in data["lenses"])
    questions = [question(q, d["id"], "scale") for d in data["lenses"] for q in d["questions"]]
    questions += [question(q, None, "open") for q in data["open_questions"]]
    return Questionnaire(data["title"], data["anonymous"], lenses, tuple(questions))


@given(data=questionnaire_dicts())
def test_any_valid_questionnaire_loads_back_equal(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]
) -> None:
    path = tmp_path_factory.mktemp("bank") / "bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    loaded = load_questionnaire(path)
    assert loaded == expected(data)
    assert Survey.from_dict({"id": "s", **loaded.to_survey_args()}).questions == loaded.questions
