"""The live workshop handle: one intent method per user action, one signal per change.

A :class:`Workshop` holds the current :class:`~servicekit.models.WorkshopState`
rebuilt from the journal. Each intent method validates the action against the
latest state, appends it to the journal in its own transaction, swaps in the new
state and calls every ``on_change`` listener once. Other kernels' actions arrive
through :meth:`Workshop.refresh`; views redraw from :attr:`Workshop.state`, never
from widget values.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import AccessDenied, Conflict, InvalidInput, NotFound
from .journal import SNAPSHOT_EVERY, Journal, Operation
from .models import FiveWhys, JourneyMap, Survey, WorkshopState, apply, new_id
from .models.journey import Handover, handover_key
from .models.workshop import check_slug
from .room import RoomIntents

if TYPE_CHECKING:
    from .journey_templates import JourneyTemplate

__all__ = ["Workshop", "create_workshop", "open_workshop", "workshop_for_code"]

Listener = Callable[["Workshop", list[Operation]], None]
# (kind, payload, new state, inverse) of an operation about to be stored
_Made = tuple[str, dict[str, Any], WorkshopState, "tuple[str, dict[str, Any]] | None"]

_JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a projector


def new_join_code(length: int = 6) -> str:
    """A random join code that is easy to read aloud and type on a phone."""
    return "".join(secrets.choice(_JOIN_ALPHABET) for _ in range(length))


def _journal(db: Journal | str | os.PathLike[str] | None) -> Journal:
    return db if isinstance(db, Journal) else Journal(db)


def open_workshop(
    slug: str | None = None,
    *,
    db: Journal | str | os.PathLike[str] | None = None,
    actor: str = "facilitator",
) -> Workshop:
    """Open a stored workshop for live use.

    ``slug`` defaults to ``$SERVICEKIT_WORKSHOP``, then to the most recently
    changed workshop. ``db`` is a :class:`Journal` or a database path (default:
    see :func:`servicekit.journal.default_path`). ``actor`` names who acts
    through this handle; undo takes back that actor's own operations only.
    """
    journal = _journal(db)
    slug = slug or os.environ.get("SERVICEKIT_WORKSHOP") or None
    if slug is None:
        stored = journal.workshops()
        if not stored:
            raise NotFound(f"No workshop in {journal.path} yet. Create one with 'servicekit new'.")
        slug = stored[0]["slug"]
    return Workshop(journal, slug, actor=actor, owns_journal=not isinstance(db, Journal))


def workshop_for_code(code: str, *, db: Journal | str | os.PathLike[str] | None = None) -> str:
    """The slug of the stored workshop whose join code is ``code`` (typed on a phone).

    Participants join whichever workshop the facilitator is running by typing the code on
    the screen, so the participants' page needs no workshop of its own. Case and spaces
    are ignored. Should two workshops share a code, the one changed most recently wins.
    """
    typed = "".join(str(code).split()).upper()
    if not typed:
        raise InvalidInput("Type the join code shown on the screen.")
    journal = _journal(db)
    try:
        for row in journal.workshops():  # most recently changed first
            state, _seq = journal.rebuild(row["slug"])
            if secrets.compare_digest(state.join_code, typed):
                return str(row["slug"])
    finally:
        if journal is not db:
            journal.close()
    raise AccessDenied(
        f"{typed!r} is not the code of a workshop here. Check the code on the screen "
        "(capital letters and digits) and try again."
    )


def create_workshop(
    slug: str,
    title: str,
    *,
    client: str = "",
    date: str = "",
    join_code: str | None = None,
    db: Journal | str | os.PathLike[str] | None = None,
    actor: str = "facilitator",
) -> Workshop:
    """Create and store a new, empty workshop; return its live handle."""
    journal = _journal(db)
    payload = {"slug": check_slug(slug), "title": title, "join_code": join_code or new_join_code()}
    payload.update({k: v for k, v in (("client", client), ("date", date)) if v})
    journal.create(slug, actor, payload)
    return Workshop(journal, slug, actor=actor, owns_journal=not isinstance(db, Journal))


class Workshop(RoomIntents):
    """A live workshop: read :attr:`state`, change it through the intent methods.

    Access (the facilitator's key, joining with the code) and the room's controls come
    from :class:`servicekit.room.RoomIntents`.
    """

    def __init__(
        self, journal: Journal, slug: str, *, actor: str = "facilitator", owns_journal: bool = False
    ) -> None:
        if not isinstance(actor, str) or not actor.strip() or len(actor) > 200:
            raise InvalidInput(
                f"actor: {actor!r} is not a name for who acts. Give 1-200 characters."
            )
        self.journal = journal
        self._owns_journal = owns_journal
        self.slug = slug
        self.actor = actor
        self._listeners: list[Listener] = []
        self.state, self.seq = journal.rebuild(slug)
        self._since_snapshot = journal.count(slug, journal.last_snapshot_seq(slug), self.seq)

    def close(self) -> None:
        """Close the journal if this handle opened it (not one passed in); the handle is done."""
        if self._owns_journal:
            self.journal.close()

    def __repr__(self) -> str:
        return f"<Workshop {self.slug!r} at operation {self.seq}, acting as {self.actor!r}>"

    # -- signals ----------------------------------------------------------------------------------
    def on_change(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(workshop, operations)`` after each applied change; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, ops: list[Operation]) -> None:
        errors = []
        for listener in list(self._listeners):
            try:
                listener(self, ops)
            except Exception as exc:  # every listener runs; the first failure is raised after
                errors.append(exc)
        if errors:
            raise errors[0]

    # -- syncing ---------------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Pick up operations other kernels stored since we last looked; True if any."""
        ops = self.journal.operations(self.slug, after=self.seq)
        if not ops:
            return False
        state = self.state
        for op in ops:
            state, _ = apply(state, op.kind, op.payload)
        self._swap(state, ops)
        return True

    def _swap(self, state: WorkshopState, ops: list[Operation]) -> None:
        self.state, self.seq = state, ops[-1].seq
        self._since_snapshot += len(ops)
        if self._since_snapshot >= SNAPSHOT_EVERY:
            # Another kernel may have stored one meanwhile: count from the latest.
            self._since_snapshot = self.journal.count(
                self.slug, self.journal.last_snapshot_seq(self.slug), self.seq
            )
            if self._since_snapshot >= SNAPSHOT_EVERY:
                self.journal.snapshot(self.slug, self.seq, state)
                self._since_snapshot = 0
        self._emit(ops)

    def _commit(self, kind: str, payload: Mapping[str, Any]) -> Operation | None:
        """Validate an operation on the latest state, store it, apply it, signal once.

        Returns the stored operation, or None when the action changed nothing.
        """
        payload = dict(payload)
        return self._store(lambda state: (kind, payload, *apply(state, kind, payload)))

    def _store(self, make: Callable[[WorkshopState], _Made]) -> Operation | None:
        """Store the operation ``make`` builds from the latest state, inside the write lock.

        Operations other kernels stored meanwhile are applied first, so the new
        one is checked against exactly the state it will be replayed on.
        """
        seen: dict[str, Any] = {}

        def decide(
            others: list[Operation],
        ) -> list[tuple[str, str, dict[str, Any], dict[str, Any] | None]]:
            state = self.state
            for op in others:
                state, _ = apply(state, op.kind, op.payload)
            seen["caught_up"] = (state, others)
            kind, payload, seen["new"], inverse = make(state)
            if seen["new"] is state:
                return []  # a no-op (moving a node where it already is): nothing to store or undo
            return [(self.actor, kind, payload, _inverse(inverse))]

        try:
            stored = self.journal.commit(self.slug, self.seq, decide)
        except Exception:
            state, others = seen.get("caught_up", (None, []))
            if others:  # refused against newer state: still show that state
                self._swap(state, others)
            raise
        if stored:
            self._swap(seen["new"], stored)
        if seen["new"] is seen["caught_up"][0]:
            return None
        return stored[-1]

    # -- workshop ----------------------------------------------------------------------------------
    def edit_details(self, **changes: Any) -> None:
        """Change the title, client, date, join code or phase."""
        self._commit("workshop.edit", {"changes": changes})

    def set_phase(self, phase: str) -> None:
        """Move the room to another phase: collect, reveal, discuss or vote."""
        self.edit_details(phase=phase)

    def join(
        self,
        name: str = "",
        department: str = "",
        role: str = "",
        *,
        participant_id: str | None = None,
    ) -> str:
        """Add a participant (or update their details); return their id."""
        pid = participant_id or new_id("p-")
        person = {"id": pid, "name": name, "department": department, "role": role}
        self._commit("participant.join", {"participant": person})
        return pid

    def undo(self) -> Operation:
        """Undo this actor's latest operation that is not undone yet; return the undo operation.

        Raises :class:`~servicekit.errors.NotFound` when there is nothing to undo
        and :class:`~servicekit.errors.Conflict` when later changes by others
        make it impossible (nothing is changed then).
        """

        def make(state: WorkshopState) -> _Made:
            target = self.journal.last_undoable(self.slug, self.actor)
            if target is None or target.inverse is None:
                raise NotFound(f"Nothing to undo for {self.actor!r} in workshop {self.slug!r}.")
            payload = {"target": target.seq, "op": target.inverse}
            try:
                new, _ = apply(state, "undo", payload)
            except (Conflict, NotFound, InvalidInput) as exc:
                raise Conflict(f"Cannot undo {target.kind!r}: {exc}") from None
            return "undo", payload, new, None

        done = self._store(make)
        assert done is not None  # an undo always changes something
        return done

    def history(self) -> list[Operation]:
        """Every stored operation of this workshop, oldest first."""
        return self.journal.operations(self.slug)

    def remove_exercise(self, kind: str, exercise_id: str) -> None:
        """Remove a whole exercise (undo brings it back)."""
        self._commit("exercise.remove", {"exercise": kind, "id": exercise_id})

    # -- five whys ---------------------------------------------------------------------------------
    def tree(self, tree_id: str) -> FiveWhys:
        """The Five Whys tree with this id."""
        found: FiveWhys = self.state.exercise("five_whys", tree_id)
        return found

    def add_tree(self, problem: str, *, tree_id: str | None = None) -> str:
        """Start a Five Whys tree for a problem statement; return its id."""
        tid = tree_id or new_id("t-")
        self._commit(
            "exercise.add", {"exercise": "five_whys", "value": {"id": tid, "problem": problem}}
        )
        return tid

    def set_problem(self, tree_id: str, problem: str) -> None:
        """Reword a tree's problem statement."""
        self._commit("five_whys.problem", {"tree": tree_id, "problem": problem})

    def add_why(
        self,
        tree_id: str,
        parent_id: str | None,
        answer: str,
        *,
        evidence: str = "",
        confidence: str = "opinion",
        lens: str | None = None,
        node_id: str | None = None,
    ) -> str:
        """Answer "why?" under ``parent_id`` (None: under the problem); return the new node's id."""
        node = {
            "id": node_id or new_id("n-"),
            "parent": parent_id,
            "answer": answer,
            "evidence": evidence,
            "confidence": confidence,
            "lens": lens,
            "author": self.actor,
        }
        self._commit("five_whys.add", {"tree": tree_id, "node": node})
        return str(node["id"])

    def edit_why(self, tree_id: str, node_id: str, **changes: Any) -> None:
        """Change a node's answer, evidence, confidence, lens or root-cause mark."""
        self._commit("five_whys.edit", {"tree": tree_id, "node": node_id, "changes": changes})

    def mark_root_cause(self, tree_id: str, node_id: str, root_cause: bool = True) -> None:
        """Mark (or unmark) a node as a root cause."""
        self.edit_why(tree_id, node_id, root_cause=root_cause)

    def move_why(self, tree_id: str, node_id: str, parent_id: str | None) -> None:
        """Move a node and its branch under another parent (None: under the problem)."""
        self._commit("five_whys.move", {"tree": tree_id, "node": node_id, "parent": parent_id})

    def delete_why(self, tree_id: str, node_id: str) -> None:
        """Hide a node and its branch; :meth:`restore_why` brings them back."""
        self._commit("five_whys.delete", {"tree": tree_id, "node": node_id, "deleted": True})

    def restore_why(self, tree_id: str, node_id: str) -> None:
        """Bring back a deleted node and its branch."""
        self._commit("five_whys.delete", {"tree": tree_id, "node": node_id, "deleted": False})

    def add_countermeasure(
        self,
        tree_id: str,
        node_id: str,
        kind: str,
        action: str,
        *,
        owner: str = "",
        due: str = "",
        measure_id: str | None = None,
    ) -> str:
        """Add a countermeasure (eliminate, move_earlier, simplify, automate) to a node."""
        measure = {
            "id": measure_id or new_id("c-"),
            "node": node_id,
            "kind": kind,
            "action": action,
            "owner": owner,
            "due": due,
            "author": self.actor,
        }
        self._commit("five_whys.measure", {"tree": tree_id, "measure": measure})
        return str(measure["id"])

    def edit_countermeasure(self, tree_id: str, measure_id: str, **changes: Any) -> None:
        """Change a countermeasure's kind, action, owner or due date."""
        self._commit(
            "five_whys.measure_edit", {"tree": tree_id, "id": measure_id, "changes": changes}
        )

    def remove_countermeasure(self, tree_id: str, measure_id: str) -> None:
        """Remove a countermeasure."""
        self._commit("five_whys.measure_remove", {"tree": tree_id, "id": measure_id})

    # -- survey ------------------------------------------------------------------------------------
    def survey(self, survey_id: str) -> Survey:
        """The survey with this id."""
        found: Survey = self.state.exercise("survey", survey_id)
        return found

    def add_survey(
        self,
        title: str,
        lenses: Sequence[Mapping[str, Any]],
        questions: Sequence[Mapping[str, Any]],
        *,
        anonymous: bool = False,
        survey_id: str | None = None,
    ) -> str:
        """Add a questionnaire from its lenses and questions (plain data); return its id."""
        sid = survey_id or new_id("q-")
        value = {
            "id": sid,
            "title": title,
            "lenses": list(lenses),
            "questions": list(questions),
            "anonymous": anonymous,
        }
        self._commit("exercise.add", {"exercise": "survey", "value": value})
        return sid

    def set_survey_open(self, survey_id: str, is_open: bool) -> None:
        """Open the questionnaire for answers, or close it."""
        self._commit("survey.open", {"survey": survey_id, "open": is_open})

    def add_respondent(
        self,
        survey_id: str,
        *,
        department: str = "",
        role: str = "",
        participant: str | None = None,
        respondent_id: str | None = None,
    ) -> str:
        """Register someone answering the questionnaire; return the respondent id."""
        rid = respondent_id or new_id("r-")
        who = {"id": rid, "department": department, "role": role, "participant": participant}
        self._commit("survey.respondent", {"survey": survey_id, "respondent": who})
        return rid

    def answer(
        self,
        survey_id: str,
        respondent_id: str,
        question_id: str,
        value: int | str,
        comment: str = "",
    ) -> None:
        """Give or change an answer (while the questionnaire is open)."""
        from .journal import now

        answer = {"question": question_id, "value": value, "comment": comment, "at": now()}
        self._commit(
            "survey.answer", {"survey": survey_id, "respondent": respondent_id, "answer": answer}
        )

    def clear_answer(self, survey_id: str, respondent_id: str, question_id: str) -> None:
        """Withdraw an answer (while the questionnaire is open)."""
        payload = {"survey": survey_id, "respondent": respondent_id, "question": question_id}
        self._commit("survey.answer_clear", payload)

    # -- journey -----------------------------------------------------------------------------------
    def journey(self, journey_id: str) -> JourneyMap:
        """The journey map with this id."""
        found: JourneyMap = self.state.exercise("journey", journey_id)
        return found

    def add_journey(
        self,
        name: str,
        stages: Sequence[Mapping[str, Any]] = (),
        teams: Sequence[str] = (),
        *,
        journey_id: str | None = None,
    ) -> str:
        """Add a journey map with its stages (``{"id", "name"}``) and team lanes; return its id."""
        jid = journey_id or new_id("j-")
        value = {"id": jid, "name": name, "stages": list(stages), "teams": list(teams)}
        self._commit("exercise.add", {"exercise": "journey", "value": value})
        return jid

    def add_journey_from_template(
        self, template: JourneyTemplate, journey_id: str | None = None, name: str | None = None
    ) -> str:
        """Add a journey map from a template (stages, teams, steps, handovers); return its id.

        Everything is stored as one operation: the journey arrives complete or not at all.
        ``name`` replaces the template's name. See :func:`servicekit.journey_templates.load_journey_template`.
        """
        jid = journey_id or new_id("j-")
        self._commit("batch", {"ops": template.operations(jid, name)})
        return jid

    def set_stages(
        self,
        journey_id: str,
        stages: Sequence[Mapping[str, Any]],
        teams: Sequence[str] | None = None,
    ) -> None:
        """Replace a journey's stages (and optionally its team lanes)."""
        payload: dict[str, Any] = {"journey": journey_id, "stages": list(stages)}
        if teams is not None:
            payload["teams"] = list(teams)
        self._commit("journey.stages", payload)

    def add_step(
        self,
        journey_id: str,
        layer: str,
        name: str,
        *,
        index: int | None = None,
        after: str | None = None,
        step_id: str | None = None,
        **fields: Any,
    ) -> str:
        """Add a step to a layer; return its id (``step_id``, or a new one).

        Place it at ``index``, or just after the step ``after`` (resolved against
        the latest state, so a stale page cannot misplace it), or at the end.
        ``fields`` are any of :class:`~servicekit.models.Step`'s: stage, owner,
        actor, channel, systems, info_requested, duration_min, wait_min, friction,
        pain_points, workarounds, shadow_systems, notes.
        """
        for reserved in ("id", "author"):
            if reserved in fields:
                raise InvalidInput(
                    f"add_step: {reserved!r} is set by servicekit, not by the caller."
                )
        if index is not None and after is not None:
            raise InvalidInput("add_step: give index or after, not both.")
        step = {**fields, "id": step_id or new_id("st-"), "name": name, "author": self.actor}

        def make(state: WorkshopState) -> _Made:
            payload: dict[str, Any] = {"journey": journey_id, "layer": layer, "step": step}
            if after is not None:
                payload["index"] = (
                    state.exercise("journey", journey_id).layer(layer).index(after) + 1
                )
            elif index is not None:
                payload["index"] = index
            return ("journey.add_step", payload, *apply(state, "journey.add_step", payload))

        self._store(make)
        return str(step["id"])

    def edit_step(self, journey_id: str, layer: str, step_id: str, **changes: Any) -> None:
        """Change some fields of a step."""
        self._commit(
            "journey.edit_step",
            {"journey": journey_id, "layer": layer, "step": step_id, "changes": changes},
        )

    def move_step(self, journey_id: str, layer: str, step_id: str, index: int) -> None:
        """Move a step to another position in its layer."""
        self._commit(
            "journey.move_step",
            {"journey": journey_id, "layer": layer, "step": step_id, "index": index},
        )

    def shift_step(self, journey_id: str, layer: str, step_id: str, by: int) -> None:
        """Move a step ``by`` places (negative: earlier), from where it is in the latest state.

        This is what "earlier" and "later" buttons call: two people nudging steps
        at once each move the step they see by one place, never to a stale index.
        """

        def make(state: WorkshopState) -> _Made:
            position = state.exercise("journey", journey_id).layer(layer).index(step_id)
            payload = {
                "journey": journey_id,
                "layer": layer,
                "step": step_id,
                "index": max(0, position + by),
            }
            return ("journey.move_step", payload, *apply(state, "journey.move_step", payload))

        self._store(make)

    def remove_step(self, journey_id: str, layer: str, step_id: str) -> None:
        """Remove a step (undo brings it back with its handover details)."""
        self._commit(
            "journey.remove_step", {"journey": journey_id, "layer": layer, "step": step_id}
        )

    def set_handover(
        self,
        journey_id: str,
        layer: str,
        from_step: str,
        to_step: str,
        *,
        what_travels: Sequence[str] = (),
        owner: str = "",
        notes: str = "",
    ) -> None:
        """Record what must travel across a handover and who owns that join."""
        handover = {
            "from_step": from_step,
            "to_step": to_step,
            "what_travels": list(what_travels),
            "owner": owner,
            "notes": notes,
        }
        self._commit(
            "journey.handover", {"journey": journey_id, "layer": layer, "handover": handover}
        )

    def edit_handover(
        self, journey_id: str, layer: str, from_step: str, to_step: str, **changes: Any
    ) -> None:
        """Change some details of a handover (``what_travels``, ``owner``, ``notes``), keeping the rest.

        The other details are read under the write lock, so two people filling in
        different fields of one join at once both keep their words.
        """
        unknown = set(changes) - {"what_travels", "owner", "notes"}
        if unknown:
            raise InvalidInput(
                f"edit_handover: {sorted(unknown)} cannot be changed; use what_travels, owner or notes."
            )

        def make(state: WorkshopState) -> _Made:
            lay = state.exercise("journey", journey_id).layer(layer)
            old = lay.handovers.get(handover_key(from_step, to_step))
            base = old.to_dict() if old else {"from_step": from_step, "to_step": to_step}
            handover = {**base, **changes}
            payload = {"journey": journey_id, "layer": layer, "handover": handover}
            if Handover.from_dict(handover) == (old or Handover(from_step, to_step)):
                return ("journey.handover", payload, state, None)  # nothing changes: not stored
            return ("journey.handover", payload, *apply(state, "journey.handover", payload))

        self._store(make)

    def copy_layer(self, journey_id: str, source: str, target: str) -> None:
        """Replace layer ``target`` with a copy of layer ``source`` (e.g. intended -> actual).

        The source is read under the write lock, so steps other pages added a
        moment ago are copied too.
        """

        def make(state: WorkshopState) -> _Made:
            value = state.exercise("journey", journey_id).layer(source).to_dict()
            payload = {"journey": journey_id, "layer": target, "value": value}
            return ("journey.set_layer", payload, *apply(state, "journey.set_layer", payload))

        self._store(make)

    def promote_consensus(self, journey_id: str, *, quorum: float = 0.5) -> int:
        """Make the consensus of everyone's Making Toast maps the journey's real layer.

        The maps are read under the write lock, so a step added a moment ago counts. The real
        layer is replaced as a whole (undo brings the old one back); return its step count.
        See :func:`servicekit.analysis.toast.consensus_layer`.
        """
        from .analysis.toast import align_layers, consensus_layer

        def make(state: WorkshopState) -> _Made:
            journey = state.exercise("journey", journey_id)
            steps = [
                {**step, "id": new_id("s-")}
                for step in consensus_layer(align_layers(journey), quorum)
            ]
            if not steps:
                raise InvalidInput(
                    "No step is on most people's maps yet, so there is no consensus to promote. "
                    "Let people map first, or promote once the maps overlap."
                )
            payload = {"journey": journey_id, "layer": "actual", "value": {"steps": steps}}
            return ("journey.set_layer", payload, *apply(state, "journey.set_layer", payload))

        self._store(make)
        return len(self.journey(journey_id).actual.steps)

    def clear_handover(self, journey_id: str, layer: str, from_step: str, to_step: str) -> None:
        """Forget what was recorded about a handover (what travels, its owner)."""
        payload = {
            "journey": journey_id,
            "layer": layer,
            "from_step": from_step,
            "to_step": to_step,
        }
        self._commit("journey.handover_clear", payload)


def _inverse(inverse: tuple[str, dict[str, Any]] | None) -> dict[str, Any] | None:
    return {"kind": inverse[0], "payload": inverse[1]} if inverse else None
