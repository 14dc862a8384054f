"""Templates a consultant edits per client: questionnaire banks and journey skeletons, in YAML.

A questionnaire becomes a :class:`Questionnaire` of :mod:`servicekit.models` lenses and
questions; a journey skeleton becomes a :class:`JourneyTemplate` of stages, team lanes and
intended/actual steps with their handovers. Both are checked by the models' own rules. Every
refusal names the file, the line, the field and the fix, for a reader editing text, not Python
(see ``docs/questionnaires.md`` and ``docs/journeys.md``). PyYAML loads on first use.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import re
import typing
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .errors import InvalidInput, ServiceKitError
from .models import Handover, JourneyMap, Layer, Lens, Question, Stage, Step
from .models._base import FORMAT_VERSION, MAX_NAME, check_format_version, check_text
from .models.journey import SHARED_LAYERS
from .models.survey import QUESTION_KINDS

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
#: Where the bundled journey skeletons live: the repository's ``templates/journeys``.
JOURNEYS = _TEMPLATES / "journeys"

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

_JOURNEY_TOP = ("format_version", "name", "description", "stages", "teams", *SHARED_LAYERS)
_STAGE = tuple(f.name for f in dataclasses.fields(Stage))
# A step in a template is a Step without its author (who typed it in the room): the model's own
# fields, so a field added to Step is a template key at once. The name comes first: it is the
# one key a step needs.
_STEP = ("name", *(f.name for f in dataclasses.fields(Step) if f.name not in ("name", "author")))
_LAYER = ("steps", "handovers")
_HANDOVER = ("from", "to", "what_travels", "owner", "notes")
_HANDOVER_FIELD = {"from": "from_step", "to": "to_step"}
_STEP_NUMBERS = {
    "duration_min": "Write the minutes the step takes as a number, e.g. duration_min: 15.",
    "wait_min": "Write the minutes of waiting before the step as a number, e.g. wait_min: 60.",
    "friction": "Rate friction with a whole number from 0 (none) to 5 (worst), e.g. friction: 3.",
}


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


@dataclass(frozen=True)
class JourneyTemplate:
    """A journey skeleton read from a template; ``source`` is not compared."""

    name: str
    description: str
    stages: tuple[Stage, ...]
    teams: tuple[str, ...]
    intended: Layer
    actual: Layer
    source: Path | None = field(default=None, compare=False)

    def to_journey(self, journey_id: str, name: str | None = None) -> JourneyMap:
        """The journey this template describes, as a validated value."""
        return JourneyMap(
            id=journey_id,
            name=self.name if name is None else name,
            stages=self.stages,
            teams=self.teams,
            intended=self.intended,
            actual=self.actual,
        )

    def operations(self, journey_id: str, name: str | None = None) -> list[dict[str, Any]]:
        """The operations that add this journey to a workshop, to be stored as one ``batch``.

        First ``exercise.add`` with the stages and team lanes, then a ``journey.add_step``
        for every step and a ``journey.handover`` for every handover, layer by layer.
        :meth:`servicekit.Workshop.add_journey_from_template` stores them.
        """
        value = {
            "id": journey_id,
            "name": self.name if name is None else name,
            "stages": [stage.to_dict() for stage in self.stages],
            "teams": list(self.teams),
        }
        ops: list[dict[str, Any]] = [
            {"kind": "exercise.add", "payload": {"exercise": "journey", "value": value}}
        ]
        for key in SHARED_LAYERS:
            layer: Layer = getattr(self, key)
            where = {"journey": journey_id, "layer": key}
            ops += [
                {"kind": "journey.add_step", "payload": {**where, "step": step.to_dict()}}
                for step in layer.steps
            ]
            ops += [
                {"kind": "journey.handover", "payload": {**where, "handover": handover.to_dict()}}
                for handover in layer.handovers.values()
            ]
        return ops


def questionnaire_files() -> list[Path]:
    """The questionnaires bundled with servicekit, sorted by file name."""
    return _yaml_files(QUESTIONNAIRES)


def journey_template_files() -> list[Path]:
    """The journey templates bundled with servicekit, sorted by file name."""
    return _yaml_files(JOURNEYS)


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and check a questionnaire template.

    Raises :class:`~servicekit.errors.InvalidInput` (``<file>, line <n>, ...: what, and the fix``),
    or :class:`~servicekit.errors.FormatVersionError` for a file from a newer servicekit.
    """
    path = Path(path)
    sample = QUESTIONNAIRES / "people_process_systems.yaml"
    reader, root = _read(path, "questionnaires", questionnaire_files(), sample)
    return _QuestionnaireReader(path, *reader).questionnaire(root)


def load_journey_template(path: str | Path) -> JourneyTemplate:
    """Read and check a journey template.

    ``path`` is a file, or the bare name of a bundled template such as
    ``"public_service_application"``. Raises :class:`~servicekit.errors.InvalidInput`
    (``<file>, line <n>, ...: what, and the fix``), or
    :class:`~servicekit.errors.FormatVersionError` for a file from a newer servicekit.
    """
    path = Path(path)
    if not path.exists() and path.parent == Path():
        bundled = {p.stem: p for p in journey_template_files()}
        path = bundled.get(path.stem if path.suffix in (".yaml", ".yml") else path.name, path)
    sample = JOURNEYS / "business_lead_to_support.yaml"
    reader, root = _read(path, "journey templates", journey_template_files(), sample)
    return _JourneyReader(path, *reader).journey(root)


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


def _step_id(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """An id made from a step's name: lower-case ASCII letters and digits joined by ``-``.

    A name already in ``taken`` gets ``-2``, ``-3``... A name with no such letters becomes ``step``.

    >>> _step_id("Qualify the lead")
    'qualify-the-lead'
    >>> _step_id("Qualify the lead", {"qualify-the-lead"})
    'qualify-the-lead-2'
    >>> _step_id("Prüfung: Ergebnis")
    'prufung-ergebnis'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:56].strip("-") or "step"
    sid, n = base, 1
    while sid in taken:
        n += 1
        sid = f"{base}-{n}"
    return sid


class _JourneyReader(_Reader):
    """Reads a journey skeleton; each value is checked by the model that will hold it."""

    def journey(self, root: Any) -> JourneyTemplate:
        self.format_version(root)
        keys = self.mapping(root, "", _JOURNEY_TOP, ("name", "stages"))
        name = self.text(keys["name"][1], "", "name")
        description = ""
        if "description" in keys:
            at = keys["description"][1]
            description = self.text(at, "", "description")
            self.check(at, "description", lambda: check_text("description", description))
        stages = self.stages(keys)
        teams = tuple(self.text(t, "", "teams") for t in self.listed(keys, "teams", ""))
        values = {"id": "template", "name": name, "stages": stages, "teams": teams}
        journey = self.build(JourneyMap, values, root, keys, "", {})
        for key in SHARED_LAYERS:
            if key in keys:
                journey = self.layer(journey, key, keys[key][1])
        return JourneyTemplate(
            name=journey.name,
            description=description,
            stages=journey.stages,
            teams=journey.teams,
            intended=journey.intended,
            actual=journey.actual,
            source=self.path,
        )

    def listed(self, keys: dict[str, tuple[Any, Any]], key: str, where: str) -> list[Any]:
        """As for any template; a single word where a list belongs is shown its list form."""
        try:
            return super().listed(keys, key, where)
        except InvalidInput as exc:
            node = keys[key][1]
            if not isinstance(node, self.yaml.ScalarNode):
                raise
            raise InvalidInput(f"{exc} For a list of one, write {key}: [{node.value}].") from None

    def stages(self, keys: dict[str, tuple[Any, Any]]) -> tuple[Stage, ...]:
        """The stages, in order; each id once."""
        stages: dict[str, Stage] = {}
        lines: dict[str, int] = {}  # stage id -> line where it is first used
        for i, node in enumerate(self.listed(keys, "stages", ""), 1):
            where = self.named("stage {}", node, i)
            stage_keys = self.mapping(node, where, _STAGE, _STAGE)
            values = {k: self.text(stage_keys[k][1], where, k) for k in _STAGE}
            id_node = stage_keys["id"][1]
            if values["id"] in stages:
                line = lines[values["id"]]
                msg = f"the id {values['id']!r} is already used on line {line}. Give each stage its own id."
                raise self.fail(id_node, where, "id", msg)
            stages[values["id"]] = self.build(Stage, values, node, stage_keys, where)
            lines[values["id"]] = id_node.start_mark.line + 1
        if not stages:
            msg = "the journey has no stages. List them under 'stages:', e.g. '- {id: lead, name: Lead}'."
            raise self.fail(keys["stages"][1], "", "stages", msg)
        return tuple(stages.values())

    def layer(self, journey: JourneyMap, key: str, node: Any) -> JourneyMap:
        """The journey with one layer read: a list of steps, or the keys steps and handovers."""
        if isinstance(node, self.yaml.SequenceNode) or node.tag.endswith(":null"):
            keys = {"steps": (node, node)}
        elif isinstance(node, self.yaml.MappingNode):
            keys = self.mapping(node, f"layer {key!r}", _LAYER, ())
        else:
            msg = f"expected a list of steps, or the keys 'steps:' and 'handovers:', found {_described(node)}."
            raise self.fail(node, "", key, msg)
        nodes = self.listed(keys, "steps", f"layer {key!r}")
        # Steps without an id take one made from their name, never one written elsewhere.
        explicit = {sid for n in nodes if (sid := self.id_of(n))}
        taken: dict[str, int] = {}  # step id -> line where it is first used
        for i, step_node in enumerate(nodes, 1):
            step = self.step(journey, key, step_node, i, explicit, taken)
            journey = self.apply(
                step_node, f"step {step.id!r} in layer {key!r}", journey.with_step, key, step
            )
        ends: dict[str, int] = {}  # handover key -> line where it is described
        for i, handover_node in enumerate(self.listed(keys, "handovers", f"layer {key!r}"), 1):
            where = f"handover {i} in layer {key!r}"
            handover = self.handover(handover_node, where, key, taken)
            if handover.key in ends:
                msg = (
                    f"the handover from {handover.from_step!r} to {handover.to_step!r} is already "
                    f"described on line {ends[handover.key]}. Keep one of them."
                )
                raise self.fail(handover_node, where, None, msg)
            ends[handover.key] = handover_node.start_mark.line + 1
            journey = self.apply(handover_node, where, journey.with_handover, key, handover)
        return journey

    def handover(self, node: Any, where: str, layer: str, steps: dict[str, int]) -> Handover:
        """One handover; ``from`` and ``to`` must be ids of the layer's ``steps``."""
        keys = self.mapping(node, where, _HANDOVER, ("from", "to"))
        values: dict[str, Any] = {}
        for key in ("from", "to", "owner", "notes"):
            if key in keys:
                values[_HANDOVER_FIELD.get(key, key)] = self.text(keys[key][1], where, key)
        for key in ("from", "to"):
            sid = values[_HANDOVER_FIELD[key]]
            if sid not in steps:
                hint = _did_you_mean(sid, list(steps))
                msg = (
                    f"no step {sid!r} in layer {layer!r}. {hint}Use one of its step ids "
                    f"({', '.join(steps) or 'none yet'}); a step without an id has one made from its name."
                )
                raise self.fail(keys[key][1], where, key, msg)
        entries = self.listed(keys, "what_travels", where)
        values["what_travels"] = tuple(self.text(n, where, "what_travels") for n in entries)
        yaml_keys = {v: k for k, v in _HANDOVER_FIELD.items()}
        return self.build(Handover, values, node, keys, where, yaml_keys)

    def id_of(self, node: Any) -> str:
        """The id written on a step, or '' when it has none."""
        for key, value in node.value if isinstance(node, self.yaml.MappingNode) else ():
            if key.value == "id" and isinstance(value, self.yaml.ScalarNode) and value.value:
                return str(value.value).strip()
        return ""

    def step(
        self,
        journey: JourneyMap,
        layer: str,
        node: Any,
        i: int,
        explicit: set[str],
        taken: dict[str, int],
    ) -> Step:
        where = self.named("step {} in layer " + repr(layer), node, i, ("id", "name"))
        keys = self.mapping(node, where, _STEP, ("name",))
        hints = Step._type_hints()
        values: dict[str, Any] = {}
        for key, (_, value_node) in keys.items():
            if key in _STEP_NUMBERS:
                if not value_node.tag.endswith(":null"):
                    kind = int if key == "friction" else float
                    values[key] = self.typed(value_node, where, key, kind, _STEP_NUMBERS[key])
            elif typing.get_origin(hints[key]) is tuple:
                entries = self.listed(keys, key, where)
                values[key] = tuple(self.text(n, where, key) for n in entries)
            else:
                values[key] = self.text(value_node, where, key)
        if values.get("id"):
            id_node = keys["id"][1]
            if values["id"] in taken:
                line = taken[values["id"]]
                msg = f"the id {values['id']!r} is already used on line {line}. Give each step its own id."
                raise self.fail(id_node, where, "id", msg)
            line = id_node.start_mark.line + 1
        else:
            values["id"] = _step_id(values["name"], {*taken, *explicit})
            line = node.start_mark.line + 1
        stage = values.get("stage", "")
        if stage and all(s.id != stage for s in journey.stages):
            ids = [s.id for s in journey.stages]
            by_name = {s.name.casefold(): s.id for s in journey.stages}
            near = by_name.get(stage.casefold())
            hint = f"Did you mean {near!r}? " if near else _did_you_mean(stage, ids)
            msg = f"no stage {stage!r}. {hint}Use one of the stage ids ({', '.join(ids)}), or remove 'stage'."
            raise self.fail(keys["stage"][1], where, "stage", msg)
        step = self.build(Step, values, node, keys, where)
        taken[step.id] = line
        return step

    def apply(
        self, node: Any, where: str, update: Callable[..., JourneyMap], *args: Any
    ) -> JourneyMap:
        """Run one of the journey's own updates; a refusal is reported at the entry's line."""
        try:
            return update(*args)
        except ServiceKitError as exc:
            raise type(exc)(self.fail(node, where, None, str(exc)).args[0]) from None
