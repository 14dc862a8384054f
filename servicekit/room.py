"""Running the room: who may do what, and the facilitator's controls, as intents on a workshop.

:class:`RoomIntents` is part of :class:`servicekit.Workshop`. It adds

- **access**: the facilitator's key (every facilitator page asks for it), joining with the
  room's code, and a signed sign-in token per participant so a reloaded page, or a phone
  that lost the wifi, rejoins as the same person and nobody else can;
- **controls**: open, close, hide and reveal an exercise; what the room is looking at now;
  a countdown timer; "I'm done" signals; dot votes.

Keys and tokens come from secrets kept in the database apart from the operations
(:meth:`servicekit.journal.Journal.secret`), so an exported workshop never carries them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from .errors import AccessDenied, InvalidInput
from .models import new_id
from .models.room import Timer, Vote, VoteOption, check_target

if TYPE_CHECKING:
    from .journal import Journal, Operation
    from .models import WorkshopState
    from .models.five_whys import WhyNode
    from .models.journey import Layer
    from .models.workshop import Participant
    from .workshop import Workshop

__all__ = ["RoomIntents"]


class RoomIntents:
    """Access and room controls; mixed into :class:`servicekit.Workshop`."""

    if TYPE_CHECKING:
        journal: Journal
        slug: str
        state: WorkshopState

        def _commit(self, kind: str, payload: dict[str, Any]) -> Operation | None: ...

        def refresh(self) -> bool: ...

        actor: str

    @property
    def _ws(self) -> Workshop:
        """This handle as the :class:`~servicekit.Workshop` it is mixed into (the intents it calls)."""
        return cast("Workshop", self)

    # -- access -------------------------------------------------------------------------------------
    def facilitator_key(self) -> str:
        """The key facilitator pages ask for (``?key=...``); made on first use, kept in the database."""
        return self.journal.secret(self.slug, "facilitator")

    def check_facilitator(self, key: str | None) -> None:
        """Refuse unless ``key`` is the facilitator's key."""
        if not key or not hmac.compare_digest(str(key), self.facilitator_key()):
            raise AccessDenied(
                "This page is for the facilitator. Open it from the address 'servicekit serve' "
                "printed (it ends in ?key=...), on the facilitator's laptop."
            )

    def participant_token(self, participant_id: str) -> str:
        """The sign-in token of a participant: proof, kept by their browser, that they are them."""
        secret = self.journal.secret(self.slug, "participants").encode()
        return hmac.new(secret, participant_id.encode(), hashlib.sha256).hexdigest()[:32]

    def join_with_code(
        self, code: str, name: str = "", department: str = "", role: str = ""
    ) -> tuple[str, str]:
        """Join the room with its code; return ``(participant id, sign-in token)``.

        The code is compared without regard to case or spaces, as people type it on a phone.
        """
        typed = "".join(str(code).split()).upper()
        if not typed:
            raise InvalidInput("Type the join code shown on the screen.")
        if not hmac.compare_digest(typed, self.state.join_code):
            raise AccessDenied(
                f"{typed!r} is not the code of this workshop. Check the code on the screen "
                "(capital letters and digits) and try again."
            )
        pid = self._ws.join(name.strip(), department.strip(), role.strip())
        return pid, self.participant_token(pid)

    def rejoin(self, participant_id: str, token: str) -> Participant:
        """The participant a saved sign-in names, if the token is theirs (a reload, a new tab)."""
        if participant_id and participant_id not in self.state.participants:
            self.refresh()  # joined a moment ago on another page
        if not participant_id or participant_id not in self.state.participants:
            raise AccessDenied("Your saved sign-in is not for this workshop. Join with the code.")
        if not hmac.compare_digest(str(token), self.participant_token(participant_id)):
            raise AccessDenied("Your saved sign-in is not valid. Join again with the code.")
        return self.state.participants[participant_id]

    # -- controls ------------------------------------------------------------------------------------
    def set_control(
        self, target: str, *, state: str | None = None, revealed: bool | None = None
    ) -> None:
        """Open, close or hide an exercise (``state``), or reveal its contributions to the room."""
        payload: dict[str, Any] = {"target": target}
        if state is not None:
            payload["state"] = state
        if revealed is not None:
            payload["revealed"] = revealed
        self._commit("room.control", payload)

    def show(self, target: str) -> None:
        """Point every participant page at an exercise or a vote (``""``: nothing in particular)."""
        self._commit("room.show", {"target": target})

    def start_timer(self, minutes: float, label: str = "") -> None:
        """Start a visible countdown (replacing any running one)."""
        seconds = round(float(minutes) * 60)
        timer = Timer(label, seconds, _now())
        self._commit("room.timer", {"timer": timer.to_dict()})

    def pause_timer(self) -> None:
        """Hold the countdown where it is."""
        timer = self._timer()
        if timer.paused_left is None:
            left = round(timer.left(dt.datetime.now(dt.UTC)))
            paused = Timer(timer.label, timer.seconds, timer.started, left)
            self._commit("room.timer", {"timer": paused.to_dict()})

    def resume_timer(self) -> None:
        """Carry on counting down from where the timer was paused."""
        timer = self._timer()
        if timer.paused_left is not None:
            started = dt.datetime.now(dt.UTC) - dt.timedelta(
                seconds=timer.seconds - timer.paused_left
            )
            running = Timer(timer.label, timer.seconds, started.isoformat())
            self._commit("room.timer", {"timer": running.to_dict()})

    def stop_timer(self) -> None:
        """Take the countdown off every screen."""
        if self.state.room.timer is not None:
            self._commit("room.timer", {"timer": None})

    def _timer(self) -> Timer:
        if self.state.room.timer is None:
            raise InvalidInput("No timer is running. Start one first.")
        return self.state.room.timer

    def mark_done(self, target: str, participant_id: str, done: bool = True) -> None:
        """Say that a participant is done (or not any more) with what the room is on."""
        payload = {"target": check_target("target", target), "participant": participant_id}
        self._commit("room.done", {**payload, "done": done})

    # -- what participants see and add ---------------------------------------------------------------
    def visible_whys(self, participant_id: str, tree_id: str) -> list[WhyNode]:
        """The answers of a tree a participant may see: their own, and everyone's once revealed."""
        nodes = self._ws.tree(tree_id).visible_nodes()
        control = self.state.room.control(f"five_whys:{tree_id}")
        if control.state == "hidden":
            return []
        return nodes if control.revealed else [n for n in nodes if n.author == participant_id]

    def contribute_why(
        self, tree_id: str, parent_id: str | None, answer: str, *, evidence: str = ""
    ) -> str:
        """A participant's answer (the handle's ``actor``): while the tree is open, under one they see.

        Participant pages go through here rather than :meth:`add_why`, so a page cannot add to
        a closed or hidden tree, or answer under another participant's unrevealed answer.
        """
        if self.state.room.control(f"five_whys:{tree_id}").state != "open":
            raise AccessDenied(
                "This tree is not open for answers now. The facilitator opens it when it is time."
            )
        seen = {n.id for n in self.visible_whys(self.actor, tree_id)}
        if parent_id is not None and parent_id not in seen:
            raise AccessDenied(
                "You can answer under the problem or an answer you can see. Pick one from 'Under'."
            )
        return self._ws.add_why(tree_id, parent_id, answer, evidence=evidence)

    # -- Making Toast: each participant's own map of a journey -------------------------------------
    def my_map(self, journey_id: str) -> Layer:
        """The private map of the handle's ``actor`` (a participant) for a Making Toast exercise."""
        return self._ws.journey(journey_id).layer(f"private:{self.actor}")

    def revealed_maps(self, journey_id: str) -> dict[str, Layer]:
        """Everyone's private maps of a journey, once the facilitator has revealed them (else {})."""
        if not self.state.room.control(f"toast:{journey_id}").revealed:
            return {}
        return {
            pid: layer for pid, layer in self._ws.journey(journey_id).private.items() if layer.steps
        }

    def _my_layer(self, journey_id: str) -> str:
        self._ws.journey(journey_id)  # NotFound for a journey that is gone
        if self.state.room.control(f"toast:{journey_id}").state != "open":
            raise AccessDenied("Mapping is not open now. The facilitator opens it when it is time.")
        if self.actor not in self.state.participants:
            raise AccessDenied("Join with the code first: your map is kept under your name.")
        return f"private:{self.actor}"

    def add_to_my_map(self, journey_id: str, name: str, *, after: str | None = None) -> str:
        """Add a step to your own map (after ``after``, else at the end); return its id."""
        return self._ws.add_step(journey_id, self._my_layer(journey_id), name, after=after)

    def rename_in_my_map(self, journey_id: str, step_id: str, name: str) -> None:
        """Rename one of your own steps."""
        self._ws.edit_step(journey_id, self._my_layer(journey_id), step_id, name=name)

    def shift_in_my_map(self, journey_id: str, step_id: str, by: int) -> None:
        """Move one of your own steps ``by`` places (negative: earlier)."""
        self._ws.shift_step(journey_id, self._my_layer(journey_id), step_id, by)

    def remove_from_my_map(self, journey_id: str, step_id: str) -> None:
        """Delete one of your own steps (undo brings it back)."""
        self._ws.remove_step(journey_id, self._my_layer(journey_id), step_id)

    # -- dot votes -------------------------------------------------------------------------------------
    def add_vote(
        self,
        title: str,
        options: Sequence[VoteOption | dict[str, Any]],
        *,
        kind: str = "other",
        exercise: str = "",
        dots: int = 3,
        max_per_option: int | None = None,
        show: bool = False,
        vote_id: str | None = None,
    ) -> str:
        """Start a dot vote on ``options``; totals stay hidden until :meth:`set_vote` shows them."""
        vote = Vote(
            id=vote_id or new_id("v-"),
            title=title,
            kind=kind,
            exercise=exercise,
            options=tuple(o if isinstance(o, VoteOption) else VoteOption(**o) for o in options),
            dots=dots,
            max_per_option=dots if max_per_option is None else max_per_option,
        )
        if not vote.options:
            raise InvalidInput("A vote needs at least one option to put dots on.")
        self._commit("vote.add", {"vote": vote.to_dict(), "show": show})
        return vote.id

    def dot(self, vote_id: str, participant_id: str, option: str, change: int = 1) -> None:
        """Place one of a participant's dots on an option (``change=-1`` takes one back)."""
        payload = {"vote": vote_id, "participant": participant_id, "option": option}
        self._commit("vote.dot", {**payload, "change": change})

    def set_vote(
        self, vote_id: str, *, is_open: bool | None = None, shown: bool | None = None
    ) -> None:
        """Close or reopen a vote, and show or hide its totals."""
        payload: dict[str, Any] = {"vote": vote_id}
        if is_open is not None:
            payload["is_open"] = is_open
        if shown is not None:
            payload["shown"] = shown
        self._commit("vote.set", payload)

    def remove_vote(self, vote_id: str) -> None:
        """Remove a vote and its dots (undo brings them back)."""
        self._commit("vote.remove", {"id": vote_id})


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
