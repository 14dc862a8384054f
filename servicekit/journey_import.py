"""Import journey steps from a CSV file: a spreadsheet a team filled in, or another tool's export.

:func:`read_steps` reads and checks the whole file against a journey and returns a
:class:`StepImportPlan`: the steps to add, and every problem found, each naming the
file, the row (as a spreadsheet shows it: the header is row 1), the column, the value
and the fix. :func:`import_steps` appends a plan without problems to a layer of the
journey as one operation, so an import either lands completely or not at all.

The columns are the fields of :class:`~servicekit.models.Step`; the model checks
every value, so the rules are the same as for a step added in the room.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Conflict, InvalidInput
from .models.journey import ACTORS, JourneyMap, Step
from .survey_import import problems_error, read_csv_rows

if TYPE_CHECKING:
    from .workshop import Workshop

__all__ = ["COLUMNS", "StepImportPlan", "import_steps", "read_steps"]

#: The columns a file may have, in the order of a step's fields; only ``name`` is required.
COLUMNS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Step) if f.name not in ("id", "author")
)
#: Columns that hold a list, its entries separated by ``;``.
LIST_COLUMNS = tuple(c for c in COLUMNS if typing.get_origin(Step._type_hints()[c]) is tuple)
_WHOLE = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_NUMBER_FIX = {
    "duration_min": "is not a number of minutes. Write a number such as 15 or 2.5, without units.",
    "wait_min": "is not a number of minutes. Write a number such as 60 or 2.5, without units.",
    "friction": "is not a whole number. Rate friction 0 (none) to 5 (worst), e.g. 3.",
}


def _key(header: str) -> str:
    """A header as compared: case, spaces, dashes and underscores do not matter.

    >>> _key(" Info requested ") == _key("info_requested") == _key("INFO-REQUESTED")
    True
    """
    return re.sub(r"[\W_]+", "", header.casefold())


_BY_KEY = {_key(c): c for c in COLUMNS}


@dataclass(frozen=True)
class StepImportPlan:
    """What an import would add to a layer of a journey, and every problem that stops it."""

    source: str
    journey_id: str
    layer: str
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing stops the import."""
        return not self.problems

    def operations(self) -> list[dict[str, Any]]:
        """The ``journey.add_step`` operations that append the steps, in file order."""
        return [
            {
                "kind": "journey.add_step",
                "payload": {"journey": self.journey_id, "layer": self.layer, "step": s.to_dict()},
            }
            for s in self.steps
        ]


def read_steps(
    path: str | os.PathLike[str] | bytes,
    journey: JourneyMap,
    layer: str = "actual",
    *,
    source: str | None = None,
) -> StepImportPlan:
    """Read a CSV file of steps for a layer of ``journey``; return what to add and every problem.

    ``path`` is the file, or its content as bytes (an upload), then named in messages
    by ``source`` (default: the file's name).

    The header names the columns (any of :data:`COLUMNS`, in any order, matched without
    regard to case, spaces or underscores; ``name`` is required). List columns
    (:data:`LIST_COLUMNS`) separate their entries with ``;``. ``stage`` takes a stage's
    id or its name. A mistake in the header (an unknown column, no ``name`` column)
    raises :class:`~servicekit.errors.InvalidInput` at once; bad cells are collected in
    :attr:`StepImportPlan.problems`.
    """
    if source is None:
        source = "uploaded file" if isinstance(path, bytes) else Path(path).name
    existing = {step.id for step in journey.layer(layer).steps}  # also checks the layer key
    rows = read_csv_rows(path, source, list(COLUMNS), normalise=_key)
    if not rows or not any(cell.strip() for row in rows for cell in row):
        raise InvalidInput(
            f"{source}: the file is empty. Export the steps with a header row, e.g. name,stage,owner."
        )
    header = [cell.strip() for cell in rows[0]]
    columns = _columns(source, header, rows)
    plan = StepImportPlan(source=source, journey_id=journey.id, layer=layer)
    stages = _stage_lookup(journey)
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        where = f"{source}, row {number}"
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            plan.problems.append(
                f"{where}: {len(cells)} cells, but the header has {len(header)} columns. "
                "Put cells that contain the delimiter in double quotes."
            )
            continue
        digest = hashlib.sha1("\x1f".join([source, str(number), *cells]).encode("utf-8"))
        sid = "csv-" + digest.hexdigest()[:12]
        if sid in existing:
            plan.problems.append(
                f"{where}: already imported into layer {layer!r} of journey {journey.id!r} "
                f"(step {sid!r}). Import only steps that are not in the layer yet."
            )
            continue
        values: dict[str, Any] = {}
        problems: list[str] = []
        for column, i in columns.items():
            text = cells[i].strip() if i < len(cells) else ""
            at = f"{where}, column {header[i]!r}"
            if not text:
                if column == "name":
                    problems.append(
                        f"{at}: empty. Every step needs a name: fill it in, or delete the row."
                    )
                continue
            value, reason = _value(column, text, journey, stages)
            if reason:
                problems.append(f"{at}: {text!r:.80} {reason}")
            elif refused := _refused(sid, column, text, value):
                problems.append(f"{at}: {refused}")
            else:
                values[column] = value
        if problems:
            plan.problems.extend(problems)
            continue
        try:
            plan.steps.append(Step(id=sid, **values))
        except InvalidInput as exc:  # each field passed alone; together they still may not
            plan.problems.append(f"{where}: {exc}")
    if not plan.steps and not plan.problems:
        raise InvalidInput(f"{source}: the file has a header but no steps.")
    return plan


def import_steps(
    ws: Workshop, journey_id: str, plan: StepImportPlan, layer: str | None = None
) -> int:
    """Append every step of ``plan`` to a layer in one operation; return how many steps.

    ``layer`` defaults to the one the plan was read for. If the plan has any problem,
    raise :class:`~servicekit.errors.InvalidInput` listing them and store nothing.
    """
    if plan.journey_id != journey_id:
        raise InvalidInput(
            f"{plan.source} was read for journey {plan.journey_id!r}, not {journey_id!r}. "
            "Read it again for this journey."
        )
    if plan.problems:
        raise problems_error(plan.source, plan.problems)
    if layer is not None and layer != plan.layer:
        plan = dataclasses.replace(plan, layer=layer)
    existing = ws.journey(journey_id).layer(plan.layer).steps
    again = {step.id for step in existing} & {step.id for step in plan.steps}
    if again:
        raise Conflict(
            f"{plan.source}: {len(again)} of these steps are already in layer {plan.layer!r} of "
            f"journey {journey_id!r}; nothing was imported. Import only steps that are not "
            "in the layer yet."
        )
    if plan.steps:
        ws._commit("batch", {"ops": plan.operations()})
    return len(plan.steps)


# -- reading --------------------------------------------------------------------------------------


def _columns(source: str, header: list[str], rows: list[list[str]]) -> dict[str, int]:
    """Each column the header names, with its position; refuses a header that cannot be read."""
    found: dict[str, int] = {}
    unknown: list[str] = []
    for i, cell in enumerate(header):
        if not cell:  # spreadsheets export empty trailing columns; a filled one needs a name
            filled = next(
                (n for n, row in enumerate(rows[1:], 2) if i < len(row) and row[i].strip()), 0
            )
            if filled:
                raise InvalidInput(
                    f"{source}: column {i + 1} has no name in the header row, but row {filled} "
                    f"has a value in it. Head it with one of: {', '.join(COLUMNS)}; or delete it."
                )
            continue
        column = _BY_KEY.get(_key(cell))
        if column is None:
            near = difflib.get_close_matches(_key(cell), list(_BY_KEY), n=1)
            unknown.append(f"{cell!r}" + (f" (did you mean {_BY_KEY[near[0]]!r}?)" if near else ""))
        elif column in found:
            raise InvalidInput(
                f"{source}: the columns {header[found[column]]!r} and {cell!r} both give the "
                f"step's {column}. Keep one of them."
            )
        else:
            found[column] = i
    if unknown:
        word = "column" if len(unknown) == 1 else "columns"
        raise InvalidInput(
            f"{source}: unknown {word} {', '.join(unknown)}. The columns servicekit reads are: "
            f"{', '.join(COLUMNS)}. Rename the {word}, or delete {'it' if len(unknown) == 1 else 'them'}."
        )
    if "name" not in found:
        shown = ", ".join(repr(c) for c in header if c) or "empty"
        raise InvalidInput(
            f"{source}: no 'name' column (the header row is: {shown}). "
            "Add a column headed 'name' with each step's name, as the first row of the file."
        )
    return found


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _stage_lookup(journey: JourneyMap) -> dict[str, str]:
    """Stage ids by what a cell may say: the id, or the name; ids win over names."""
    lookup = {_words(s.name): s.id for s in journey.stages}
    lookup.update({_words(s.id): s.id for s in journey.stages})
    return lookup


def _value(column: str, text: str, journey: JourneyMap, stages: dict[str, str]) -> tuple[Any, str]:
    """The value a cell gives to a step's field, or (None, the reason it gives none)."""
    if column in LIST_COLUMNS:
        return tuple(item.strip() for item in text.split(";") if item.strip()), ""
    if column == "friction":
        return (int(text), "") if _WHOLE.fullmatch(text) else (None, _NUMBER_FIX[column])
    if column in _NUMBER_FIX:
        return (float(text), "") if _NUMBER.fullmatch(text) else (None, _NUMBER_FIX[column])
    if column == "actor":
        return next((a for a in ACTORS if _key(a) == _key(text)), text), ""
    if column == "stage":
        if _words(text) in stages:
            return stages[_words(text)], ""
        if not journey.stages:
            return None, (
                f"is not a stage: journey {journey.id!r} has no stages yet. "
                "Leave the column empty, or add the stages to the journey first."
            )
        names = {_words(s.id): s.id for s in journey.stages}
        names.update({_words(s.name): s.name for s in journey.stages})
        near = difflib.get_close_matches(_words(text), list(names), n=1)
        hint = f"Did you mean {names[near[0]]!r}? " if near else ""
        known = ", ".join(f"{s.name} ({s.id})" for s in journey.stages)
        return None, (
            f"is not a stage of journey {journey.id!r}. {hint}Use a stage's name or id: {known}."
        )
    return text, ""


def _refused(sid: str, column: str, text: str, value: Any) -> str:
    """The model's refusal of one field's value, alone on a step; '' when it is accepted."""
    values = {"name": "-", column: value}
    try:
        Step(id=sid, **values)
    except InvalidInput as exc:
        name, _, reason = str(exc).partition(": ")
        index = re.fullmatch(rf"{column}\[(\d+)\]", name)
        shown = value[int(index[1])] if index else text  # a list: the entry refused
        if reason.startswith(repr(shown)):  # the model echoes it already
            return reason
        return f"{shown!r:.80} is not accepted: {reason or exc}"
    return ""
