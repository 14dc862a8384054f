"""Import questionnaire responses that another survey tool exported as a CSV file.

:func:`read_responses` reads and checks the whole file against a survey and a
column mapping, and returns an :class:`ImportPlan`: the respondents and answers
to store, and every problem found, each naming the file, the row (as a
spreadsheet shows it: the header is row 1), the column, the value and the fix.
:func:`import_responses` stores a plan without problems as one operation, so an
import either lands completely or not at all.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Conflict, InvalidInput
from .models.survey import Answer, Question, Respondent, Survey

if TYPE_CHECKING:
    from .workshop import Workshop

__all__ = ["ImportPlan", "import_responses", "read_mapping", "read_responses"]

#: How many problems an error message lists before "and N more".
SHOWN_PROBLEMS = 20
_DELIMITERS = (",", ";", "\t")
_MAPPING_KEYS = ("department", "role", "questions")
#: The usual wording of a 5-point agreement scale, besides its two labelled ends.
_FIVE_POINT = {
    "disagree": 2,
    "neutral": 3,
    "neither agree nor disagree": 3,
    "agree": 4,
}


@dataclass(frozen=True)
class ImportPlan:
    """What an import would store, and every problem that stops it."""

    source: str
    survey_id: str
    respondents: list[Respondent] = field(default_factory=list)
    answers: list[tuple[str, Answer]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing stops the import."""
        return not self.problems

    def operations(self) -> list[dict[str, Any]]:
        """The ``survey.respondent`` and ``survey.answer`` operations that store the plan."""
        ops: list[dict[str, Any]] = [
            {
                "kind": "survey.respondent",
                "payload": {"survey": self.survey_id, "respondent": who.to_dict()},
            }
            for who in self.respondents
        ]
        ops += [
            {
                "kind": "survey.answer",
                "payload": {
                    "survey": self.survey_id,
                    "respondent": rid,
                    "answer": answer.to_dict(),
                },
            }
            for rid, answer in self.answers
        ]
        return ops


def read_mapping(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a column mapping from a JSON file."""
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"{name}: no such file. Check the path of the mapping.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{name}: cannot read the mapping ({exc}).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{name}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})."
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            f'{name}: the mapping must be a JSON object like {{"questions": {{"q-id": "Column"}}}}.'
        )
    return data


def read_responses(
    path: str | os.PathLike[str], survey: Survey, mapping: Mapping[str, Any]
) -> ImportPlan:
    """Read a CSV file of responses to ``survey``; return what to import and every problem.

    ``mapping`` names the columns: ``{"department": "Dept", "role": "Role",
    "questions": {"question-id": "Column header", ...}}``; department and role
    are optional. A mistake in the mapping itself (an unknown column or
    question) raises :class:`~servicekit.errors.InvalidInput` at once; bad
    cells are collected in :attr:`ImportPlan.problems`.
    """
    source = Path(path).name
    department_col, role_col, question_cols = _check_mapping(source, survey, mapping)
    rows = read_csv_rows(
        path, source, [c for c in (department_col, role_col) if c] + list(question_cols.values())
    )
    if not rows:
        raise InvalidInput(f"{source}: the file is empty. Export the responses with a header row.")
    header = [cell.strip() for cell in rows[0]]
    wanted = {"department": department_col, "role": role_col, **question_cols}
    missing = [col for col in wanted.values() if col and col not in header]
    if missing:
        raise InvalidInput(
            f"{source}: no column {', '.join(repr(c) for c in dict.fromkeys(missing))}. "
            f"The columns are: {', '.join(repr(c) for c in header if c)}. "
            "Fix the column names in the mapping."
        )
    twice = [col for col in dict.fromkeys(wanted.values()) if col and header.count(col) > 1]
    if twice:
        raise InvalidInput(
            f"{source}: the column {twice[0]!r} appears twice in the header. "
            "Rename one of them so each mapped column is unique."
        )
    index = {col: header.index(col) for col in wanted.values() if col}
    plan = ImportPlan(source=source, survey_id=survey.id)
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        where = f"{source}, row {number}"
        if len(cells) > len(header):
            plan.problems.append(
                f"{where}: {len(cells)} cells, but the header has {len(header)} columns. "
                "Put cells that contain the delimiter in double quotes."
            )
            continue
        rid = (
            "csv-"
            + hashlib.sha1("\x1f".join([source, str(number), *cells]).encode("utf-8")).hexdigest()[
                :12
            ]
        )
        if rid in survey.respondents:
            plan.problems.append(
                f"{where}: already imported into survey {survey.id!r} (respondent {rid!r}). "
                "Import only responses that are not in the survey yet."
            )
            continue

        def cell(column: str, cells: list[str] = cells) -> str:
            i = index[column]
            return cells[i].strip() if i < len(cells) else ""

        try:
            who = Respondent(
                id=rid,
                department=cell(department_col) if department_col else "",
                role=cell(role_col) if role_col else "",
            )
        except InvalidInput as exc:
            plan.problems.append(f"{where}: {exc}")
            continue
        answers: list[tuple[str, Answer]] = []
        bad = False
        for qid, column in question_cols.items():
            text = cell(column)
            if not text:
                continue  # no answer
            question = survey.question(qid)
            value, reason = _value(question, text)
            if reason:
                plan.problems.append(f"{where}, column {column!r}: {text!r:.80} {reason}")
                bad = True
                continue
            answers.append((rid, Answer(question=qid, value=value)))
        if not bad:
            plan.respondents.append(who)
            plan.answers.extend(answers)
    if not plan.respondents and not plan.problems:
        raise InvalidInput(f"{source}: the file has a header but no responses.")
    return plan


def import_responses(ws: Workshop, survey_id: str, plan: ImportPlan) -> int:
    """Store every respondent and answer of ``plan`` in one operation; return how many respondents.

    If the plan has any problem, raise :class:`~servicekit.errors.InvalidInput`
    listing them and store nothing.
    """
    if plan.survey_id != survey_id:
        raise InvalidInput(
            f"{plan.source} was read for survey {plan.survey_id!r}, not {survey_id!r}. "
            "Read it again for this survey."
        )
    if plan.problems:
        raise problems_error(plan.source, plan.problems)
    survey = ws.survey(survey_id)
    again = [who.id for who in plan.respondents if who.id in survey.respondents]
    if again:
        raise Conflict(
            f"{plan.source}: {len(again)} of these responses are already in survey {survey_id!r}; "
            "nothing was imported."
        )
    if plan.respondents:
        ws._commit("batch", {"ops": plan.operations()})
    return len(plan.respondents)


def problems_error(source: str, problems: list[str]) -> InvalidInput:
    """The refusal of a file with problems: a count, then the first :data:`SHOWN_PROBLEMS`.

    Shared with :mod:`servicekit.journey_import`.
    """
    count = len(problems)
    rows = "1 problem" if count == 1 else f"{count} problems"
    lines = [f"{source}: {rows}; nothing was imported. Fix the file and import it again."]
    lines += problems[:SHOWN_PROBLEMS]
    if count > SHOWN_PROBLEMS:
        lines.append(f"and {count - SHOWN_PROBLEMS} more")
    return InvalidInput("\n".join(lines))


# -- reading --------------------------------------------------------------------------------------


def _check_mapping(
    source: str, survey: Survey, mapping: Mapping[str, Any]
) -> tuple[str, str, dict[str, str]]:
    """The department column, role column ('' when not mapped) and question columns."""
    if not isinstance(mapping, Mapping):
        raise InvalidInput(f"mapping: expected a mapping of columns, received {mapping!r:.60}.")
    unknown = sorted(set(mapping) - set(_MAPPING_KEYS))
    if unknown:
        raise InvalidInput(
            f"mapping: unknown key {', '.join(repr(k) for k in unknown)}. "
            f"Keys: {', '.join(_MAPPING_KEYS)}."
        )
    columns: list[str] = []
    for key in ("department", "role"):
        value = mapping.get(key) or ""
        if not isinstance(value, str):
            raise InvalidInput(f"mapping: {key!r} must be a column header, not {value!r:.60}.")
        columns.append(value.strip())
    if columns[1] and survey.anonymous:
        raise InvalidInput(
            f"Survey {survey.id!r} is anonymous and keeps no role: remove 'role' from the mapping."
        )
    questions = mapping.get("questions")
    if not isinstance(questions, Mapping) or not questions:
        raise InvalidInput(
            'mapping: \'questions\' must name at least one column, e.g. {"q-id": "Column header"}.'
        )
    known = [q.id for q in survey.questions]
    strange = [qid for qid in questions if qid not in known]
    if strange:
        raise InvalidInput(
            f"mapping: no question {', '.join(repr(q) for q in strange)} in survey {survey.id!r}. "
            f"Its questions are: {', '.join(known)}."
        )
    result: dict[str, str] = {}
    for qid, column in questions.items():
        if not isinstance(column, str) or not column.strip():
            raise InvalidInput(
                f"mapping: question {qid!r} must map to a column header, not {column!r:.60}."
            )
        result[qid] = column.strip()
    return columns[0], columns[1], result


def read_csv_rows(
    path: str | os.PathLike[str] | bytes,
    source: str,
    columns: list[str],
    normalise: Callable[[str], str] = str.strip,
) -> list[list[str]]:
    """Every record of the file (or of its content, as bytes), the header first.

    Records are split with the delimiter whose header holds most of ``columns``,
    both compared through ``normalise``. A UTF-8 byte-order mark is dropped; other
    encodings are refused with the fix. Shared with :mod:`servicekit.journey_import`.
    """
    if isinstance(path, bytes):
        data = path
    else:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise InvalidInput(f"{source}: no such file. Check the path.") from None
        except OSError as exc:
            raise InvalidInput(f"{source}: cannot read the file ({exc.strerror}).") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            f"{source}, line {line}: not UTF-8 text. Save or export the file as 'CSV UTF-8'."
        ) from None
    best: tuple[int, int, str] | None = None
    wanted = [normalise(c) for c in columns]
    try:
        for delimiter in _DELIMITERS:  # the one that finds most wanted columns in the header wins
            header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
            cells = {normalise(c) for c in header}
            score = (sum(c in cells for c in wanted), len(header), delimiter)
            if best is None or score[:2] > best[:2]:
                best = score
        assert best is not None
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=best[2]))
    except csv.Error as exc:
        raise InvalidInput(f"{source}: not a readable CSV file ({exc}).") from None


def _whole(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _value(question: Question, text: str) -> tuple[int | str, str]:
    """The answer a cell gives to a question, or ('', the reason it gives none)."""
    if question.kind == "open":
        try:
            return question.check_value(text), ""
        except InvalidInput as exc:
            return "", f"is not accepted: {exc}"
    wanted = _norm(text)
    if question.kind == "scale":
        points = question.points
        labels = {_norm(question.low_label): 1, _norm(question.high_label): points}
        words = [question.low_label, question.high_label]
        if points == 5:
            labels = {**_FIVE_POINT, **labels}
            words = [question.low_label, "Disagree", "Neutral", "Agree", question.high_label]
        if _whole(wanted) and 1 <= int(wanted) <= points:
            return int(wanted), ""
        if wanted in labels:
            return labels[wanted], ""
        return "", (
            f"is not an answer to a 1-{points} scale. "
            f"Use a number from 1 to {points} or one of: {', '.join(words)}."
        )
    bands = [_norm(b) for b in question.bands]
    if wanted in bands:
        return bands.index(wanted), ""
    top = len(bands) - 1
    # A band called "1" makes numbers ambiguous: then only band names are accepted.
    numbered = any(_whole(b) and int(b) <= top for b in bands)
    if _whole(wanted) and not numbered and int(wanted) <= top:
        return int(wanted), ""
    hint = "" if numbered else f" or a band number from 0 to {top}"
    return "", (
        f"is not a band of question {question.id!r}. Use one of: {', '.join(question.bands)}{hint}."
    )
