"""Templates a consultant edits per client, in YAML: questionnaire banks, and the reader they share.

A questionnaire becomes a :class:`Questionnaire` of :mod:`servicekit.models` lenses and
questions, checked by the models' own rules. Every refusal names the file, the line, the field
and the fix, for a reader editing text, not Python (see ``docs/questionnaires.md``). PyYAML loads
on first use.

Journey skeletons are read by :mod:`servicekit.journey_templates`, built on the reader here;
:class:`JourneyTemplate`, :func:`load_journey_template` and :func:`journey_template_files` can
be imported from either module.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import InvalidInput, ServiceKitError
from .models import Handover, JourneyMap, Lens, Question, Stage, Step
from .models._base import FORMAT_VERSION, MAX_NAME, check_format_version, check_text
from .models.survey import QUESTION_KINDS

if TYPE_CHECKING:
    from .journey_templates import JOURNEYS as JOURNEYS
    from .journey_templates import (
        JourneyTemplate,
        journey_template_files,
        load_journey_template,
    )

__all__ = [
    "JourneyTemplate",
    "Questionnaire",
    "journey_template_files",
    "load_journey_template",
    "load_questionnaire",
    "questionnaire_files",
]

_M = TypeVar("_M", Lens, Question, Stage, Step, Handover, JourneyMap)

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: Where the bundled questionnaires live: the repository's ``templates/questionnaires``.
QUESTIONNAIRES = _TEMPLATES / "questionnaires"

_TOP = ("format_version", "title", "anonymous", "lenses", "open_questions")
_LENS = ("id", "title", "description", "questions")
_QUESTION = ("id", "text", "kind", "points", "low", "high", "bands", "comment")
_OPEN_QUESTION = (*_QUESTION, "lens")
# The template says `low`, `high`, `comment` where the model says `low_label`, ...
_MODEL_FIELD = {"low": "low_label", "high": "high_label", "comment": "allow_comment"}
_YAML_KEY = {v: k for k, v in _MODEL_FIELD.items()}
_TYPED = {
    "points": (int, "Write the number of answer points, from 2 to 11, e.g. points: 5."),
    "comment": (bool, "Write comment: true or comment: false."),
    "anonymous": (bool, "Write anonymous: true or anonymous: false."),
}
# Keys that only one kind of question reads; elsewhere they would be silently ignored.
_ONLY_FOR = {"points": "scale", "low": "scale", "high": "scale", "bands": "bands"}


@dataclass(frozen=True)
class Questionnaire:
    """A bank read from a template: lens questions, then open ones; ``source`` is not compared."""

    title: str
    anonymous: bool
    lenses: tuple[Lens, ...]
    questions: tuple[Question, ...]
    source: Path | None = field(default=None, compare=False)

    def to_survey_args(self) -> dict[str, Any]:
        """Keyword arguments for :meth:`servicekit.Workshop.add_survey`, as plain data."""
        return {
            "title": self.title,
            "lenses": [lens.to_dict() for lens in self.lenses],
            "questions": [question.to_dict() for question in self.questions],
            "anonymous": self.anonymous,
        }


def questionnaire_files() -> list[Path]:
    """The questionnaires bundled with servicekit, sorted by file name."""
    return _yaml_files(QUESTIONNAIRES)


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and check a questionnaire template.

    Raises :class:`~servicekit.errors.InvalidInput` (``<file>, line <n>, ...: what, and the fix``),
    or :class:`~servicekit.errors.FormatVersionError` for a file from a newer servicekit.
    """
    path = Path(path)
    sample = QUESTIONNAIRES / "people_process_systems.yaml"
    reader, root = _read(path, "questionnaires", questionnaire_files(), sample)
    return _QuestionnaireReader(path, *reader).questionnaire(root)


# -- reading a YAML file ------------------------------------------------------------------------


def _yaml_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def _read(path: Path, what: str, bundled: list[Path], sample: Path) -> tuple[tuple[Any, Any], Any]:
    """The root node of a YAML file, with the yaml module and the loader that parsed it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        names = ", ".join(p.name for p in bundled) or "none"
        msg = f"{path}: no such file. Check the path; the bundled {what} are: {names}."
        raise InvalidInput(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"{path}: byte {exc.start} is not UTF-8 text. Save the file as UTF-8 and try again."
        raise InvalidInput(msg) from None
    except OSError as exc:  # a folder, no permission
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror}). Check the path.") from None
    yaml: Any = importlib.import_module("yaml")
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise InvalidInput(_syntax_message(path, exc)) from None
    finally:
        loader.dispose()
    if root is None:
        raise InvalidInput(f"{path}: the file is empty. Start from a copy of {sample}.")
    return (yaml, loader), root


def _syntax_message(path: Path, exc: Any) -> str:
    mark, start = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    if getattr(exc, "context", None) and start is not None:  # e.g. where an unclosed quote opened
        problem += f", {exc.context} from line {start.line + 1}, column {start.column + 1}"
    return (
        f"{path}{where}: not valid YAML ({problem}). "
        "Check that this line is indented like the lines around it, and put text that contains ': ' "
        "or starts with a quote, a bracket or one of & * ! | > % @ ` in double quotes."
    )


def _described(node: Any) -> str:
    names = {"SequenceNode": "a list", "MappingNode": "a set of keys"}
    return names.get(type(node).__name__) or repr(node.value)


def _did_you_mean(word: str, options: list[str]) -> str:
    near = difflib.get_close_matches(word, options, n=1)
    return f"Did you mean {near[0]!r}? " if near else ""


class _Reader:
    """Walks the YAML node tree, which keeps the line of every key and value.

    The generic part: keys, lists, text, numbers and the models' refusals, each
    reported at its line. Subclasses read one kind of template.
    """

    def __init__(self, path: Path, yaml: Any, loader: Any) -> None:
        self.path, self.yaml, self.loader = path, yaml, loader

    def fail(self, node: Any, where: str, key: str | None, message: str) -> InvalidInput:
        """An error that starts with the file and the line of ``node``."""
        line = node.start_mark.line + 1
        parts = [str(self.path), f"line {line}", where, key and f"field {key!r}"]
        return InvalidInput(", ".join(p for p in parts if p) + ": " + message)

    def mapping(
        self, node: Any, where: str, known: tuple[str, ...], required: tuple[str, ...]
    ) -> dict[str, tuple[Any, Any]]:
        """The keys of a YAML mapping, each with its key node and its value node."""
        if not isinstance(node, self.yaml.MappingNode):
            msg = f"expected keys such as '{known[0]}: ...', found {_described(node)}."
            raise self.fail(node, where, None, msg)
        found: dict[str, tuple[Any, Any]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, self.yaml.ScalarNode) else None
            if key not in known:
                hint = _did_you_mean(str(key), list(known))
                msg = f"unknown key {key!r}. {hint}The keys allowed here are: {', '.join(known)}."
                raise self.fail(key_node, where, None, msg)
            if key in found:
                first = found[key][0].start_mark.line + 1
                msg = f"{key!r} is given twice (also on line {first}). Keep one of them."
                raise self.fail(key_node, where, None, msg)
            found[key] = (key_node, value_node)
        for key in required:
            if key not in found:
                raise self.fail(node, where, None, f"missing key {key!r}. Add '{key}: ...'.")
        return found

    def named(self, label: str, node: Any, i: int, keys: tuple[str, ...] = ("id",)) -> str:
        """``label`` filled with the entry's id when it has one, else with its position.

        With several ``keys`` (a step: its id, else its name), the first one given wins.
        """
        found: dict[str, str] = {}
        for key, value in node.value if isinstance(node, self.yaml.MappingNode) else ():
            if key.value in keys and isinstance(value, self.yaml.ScalarNode):
                found[key.value] = str(value.value).strip()
        for key in keys:
            if key in found and (found[key] or len(keys) == 1):
                return label.format(repr(found[key]))
        return label.format(i)

    def listed(self, keys: dict[str, tuple[Any, Any]], key: str, where: str) -> list[Any]:
        """The entries of a list; a key left out, or left empty, is an empty list."""
        node = keys[key][1] if key in keys else None
        if node is None or node.tag.endswith(":null"):
            return []
        if not isinstance(node, self.yaml.SequenceNode):
            msg = f"expected a list, each entry on its own line starting with '- ', found {_described(node)}."
            raise self.fail(node, where, key, msg)
        return list(node.value)

    def text(self, node: Any, where: str, key: str) -> str:
        """Text as typed: ``Yes``, ``10`` or a date stay words, never a boolean or a number."""
        if not isinstance(node, self.yaml.ScalarNode):
            msg = f"expected text, found {_described(node)}. Write the text after '{key}:'."
            raise self.fail(node, where, key, msg)
        return "" if node.tag.endswith(":null") else str(node.value).strip()

    def typed(self, node: Any, where: str, key: str, kind: type, fix: str) -> Any:
        """A whole number, a number or true/false; otherwise an error that echoes the value and the fix."""
        try:  # `!!int five`, `!!bool maybe`, an unknown `!tag`: reported below as a wrong value
            value = self.loader.construct_object(node)
        except Exception:
            value = None
        if kind is float and type(value) is int:
            value = float(value)
        if type(value) is not kind:
            what = {int: "a whole number", float: "a number"}.get(kind, "true or false")
            msg = f"expected {what}, received {_described(node)}. {fix}"
            raise self.fail(node, where, key, msg)
        return value

    def format_version(self, root: Any) -> None:
        """Refuse a file from a newer servicekit first: it may use keys this version does not know."""
        found = [
            value
            for key, value in (root.value if isinstance(root, self.yaml.MappingNode) else ())
            if key.value == "format_version"
        ]
        if not found:
            return
        node, fix = found[0], f"Write format_version: {FORMAT_VERSION}."
        version = self.typed(node, "", "format_version", int, fix)
        data = {"format_version": version}
        if version < 1:
            raise self.fail(node, "", "format_version", f"must be 1 or more, not {version}. {fix}")
        self.check(node, "format_version", lambda: check_format_version(data, ""))

    def build(
        self,
        cls: type[_M],
        values: dict[str, Any],
        node: Any,
        keys: Any,
        where: str,
        yaml_key: Mapping[str, str] = _YAML_KEY,
    ) -> _M:
        """Construct a model, reporting its own refusal at the line of the field it names."""
        try:
            return cls(**values)
        except InvalidInput as exc:
            name, _, rest = str(exc).partition(": ")
            base, _, index = name.partition("[")
            key = yaml_key.get(base, base)
            if key not in keys:
                raise self.fail(node, where, key if rest else None, rest or str(exc)) from None
            at = keys[key][1]
            if index and isinstance(at, self.yaml.SequenceNode):
                at = at.value[int(index.rstrip("]"))]
            raise self.fail(at, where, key, rest) from None

    def check(self, node: Any, key: str, check: Callable[[], object], where: str = "") -> None:
        """Run one of the models' validators; re-raise its refusal with the file and line."""
        try:
            check()
        except ServiceKitError as exc:
            message = str(exc).removeprefix(f"{key}: ").removeprefix(": ")
            raise type(exc)(self.fail(node, where, key, message).args[0]) from None


class _QuestionnaireReader(_Reader):
    """Reads a question bank."""

    def __init__(self, path: Path, yaml: Any, loader: Any) -> None:
        super().__init__(path, yaml, loader)
        self.question_lines: dict[str, int] = {}  # question id -> line where it is first used

    def questionnaire(self, root: Any) -> Questionnaire:
        self.format_version(root)
        keys = self.mapping(root, "", _TOP, ("title",))
        at = keys["title"][1]
        title = self.text(at, "", "title")
        self.check(at, "title", lambda: check_text("title", title, limit=MAX_NAME, required=True))
        anonymous = "anonymous" in keys and self.typed(
            keys["anonymous"][1], "", "anonymous", *_TYPED["anonymous"]
        )
        lenses: dict[str, Lens] = {}
        questions: list[Question] = []
        for i, node in enumerate(self.listed(keys, "lenses", ""), 1):
            lens, lens_questions = self.lens(node, i, lenses)
            lenses[lens.id] = lens
            questions += lens_questions
        for i, node in enumerate(self.listed(keys, "open_questions", ""), 1):
            questions.append(self.question(node, "open question {}", i, None, lenses))
        if not questions:
            msg = "there are no questions. Add a lens with questions, or open_questions."
            raise self.fail(root, "", None, msg)
        return Questionnaire(title, anonymous, tuple(lenses.values()), tuple(questions), self.path)

    def lens(self, node: Any, i: int, lenses: dict[str, Lens]) -> tuple[Lens, list[Question]]:
        where = self.named("lens {}", node, i)
        keys = self.mapping(node, where, _LENS, ("id", "title"))
        lens_id = self.text(keys["id"][1], where, "id")
        if lens_id in lenses:
            msg = f"another lens already has the id {lens_id!r}. Give each lens its own id."
            raise self.fail(keys["id"][1], where, "id", msg)
        fields = ("id", "title", "description")
        values: dict[str, Any] = {k: self.text(keys[k][1], where, k) for k in fields if k in keys}
        lens = self.build(Lens, values, node, keys, where)
        nodes = self.listed(keys, "questions", where)
        if not nodes:
            msg = "this lens has no questions. Add at least one under 'questions:', or remove the lens."
            raise self.fail(node, where, None, msg)
        label = "question {} in lens " + repr(lens.id)
        return lens, [self.question(q, label, j, lens.id, lenses) for j, q in enumerate(nodes, 1)]

    def question(
        self, node: Any, label: str, i: int, lens: str | None, lenses: dict[str, Lens]
    ) -> Question:
        where = self.named(label, node, i)
        keys = self.mapping(node, where, _QUESTION if lens else _OPEN_QUESTION, ("id", "text"))
        id_node = keys["id"][1]
        qid = self.text(id_node, where, "id")
        if qid in self.question_lines:
            line = self.question_lines[qid]
            msg = f"the id {qid!r} is already used on line {line}. Give each question its own id."
            raise self.fail(id_node, where, "id", msg)
        self.question_lines[qid] = id_node.start_mark.line + 1
        texts = ("id", "text", "kind", "low", "high", "lens")
        values: dict[str, Any] = {k: self.text(keys[k][1], where, k) for k in texts if k in keys}
        kind = values.setdefault("kind", "scale" if lens else "open")
        for key, only in _ONLY_FOR.items():
            if key in keys and kind in QUESTION_KINDS and kind != only:
                msg = f"only {only} questions use '{key}', and this one is kind {kind!r}. Remove '{key}', or write kind: {only}."
                raise self.fail(keys[key][0], where, key, msg)
        for key in ("points", "comment"):
            if key in keys:
                values[key] = self.typed(keys[key][1], where, key, *_TYPED[key])
        if "bands" in keys:
            bands = self.listed(keys, "bands", where)
            values["bands"] = tuple(self.text(b, where, "bands") for b in bands)
        if values.get("lens", lens) not in (*lenses, lens):
            hint = _did_you_mean(values["lens"], list(lenses))
            msg = f"no lens {values['lens']!r}. {hint}Use one of the lens ids ({', '.join(lenses) or 'none yet'}), or remove 'lens'."
            raise self.fail(keys["lens"][1], where, "lens", msg)
        values.setdefault("lens", lens)
        values.setdefault("comment", kind != "open")
        values = {_MODEL_FIELD.get(k, k): v for k, v in values.items()}
        return self.build(Question, values, node, keys, where)


# -- journey skeletons --------------------------------------------------------------------------

# They live in servicekit.journey_templates, which builds on the reader above. Loading them on
# first use lets either module be imported first.
_JOURNEY_NAMES = frozenset(
    {"JOURNEYS", "JourneyTemplate", "journey_template_files", "load_journey_template"}
)


def __getattr__(name: str) -> Any:
    if name in _JOURNEY_NAMES:
        from . import journey_templates

        return getattr(journey_templates, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
