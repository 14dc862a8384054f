"""A participant's page: join once with the room's code, then follow what the facilitator shows.

The code on the screen says which workshop to join, so one participants' page serves
whichever workshop the facilitator runs. The browser keeps the sign-in (workshop,
participant id and a signed token), so a reload, a new tab or a phone back from a dead
wifi rejoins as the same person with nothing lost.

The page follows "now showing": a dot vote to place dots on, a Five Whys tree to add
answers to, the questionnaire to answer, a journey, or a waiting screen. The timebox
counts down at the top and "I'm done" tells the facilitator. A participant sees their
own contributions, and other people's only once the facilitator reveals them. Each view
keeps its widgets while the room changes around it, so nobody loses a half-typed answer
when someone else adds one. This path loads no pandas, altair or networkx.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlencode

import ipywidgets as widgets

from ...errors import AccessDenied, NotFound
from ...journal import Journal
from ...models.journey import Layer, Stage, Step
from ...workshop import Workshop, workshop_for_code
from ..live import follow
from ..views.common import MessageArea, Quiet, esc, replace_children, short
from ..views.room import Countdown, SignIn

if TYPE_CHECKING:
    from .survey_participant import SurveyParticipantApp

__all__ = ["ParticipantApp", "participant_app"]

_WAITING = "<p class='sk-waiting'>Waiting for the facilitator to start the next exercise…</p>"


class _View(Protocol):
    widget: widgets.Widget

    def update(self) -> None: ...

    def close(self) -> None: ...


class ParticipantApp:
    """One participant's page; ``widget`` is what the page shows.

    ``workshop``, when given, is the only workshop this page joins; otherwise the code
    typed picks the workshop among those stored in ``journal``.
    """

    def __init__(
        self, journal: Journal, *, workshop: str | None = None, live: bool = False
    ) -> None:
        self.journal = journal
        self.only = workshop
        self.live = live
        self.ws: Workshop | None = None
        self.participant: str | None = None
        self.messages = MessageArea()
        self.quiet = Quiet()
        self._stop_following: Callable[[], None] = lambda: None
        self._view: _View | None = None
        self._view_key: tuple[str, ...] = ()
        guard = self.messages.guard

        self.sign_in = SignIn()
        self.sign_in.on_stored(guard(self._rejoin))
        self.code = widgets.Text(description="Join code", placeholder="from the screen")
        self.name = widgets.Text(description="Your name", placeholder="optional")
        self.department = widgets.Text(description="Team", placeholder="e.g. Sales")
        join = widgets.Button(description="Join", button_style="primary", icon="sign-in")
        join.on_click(guard(lambda _: self.join()))
        self.join_box = widgets.VBox(
            [
                widgets.HTML("<h1>Join the workshop</h1>"),
                self.code,
                self.name,
                self.department,
                join,
            ]
        )
        self.join_box.add_class("sk-join")

        self.who = widgets.HTML()
        self.countdown = Countdown()
        self.body = widgets.VBox()
        self.body.add_class("sk-participant-body")
        self.done = widgets.ToggleButton(description="I'm done", icon="check")
        self.done.observe(
            self.quiet.when_user(guard(lambda ch: self._mark_done(ch["new"]))), names="value"
        )
        self.main = widgets.VBox([self.who, self.countdown, self.body, self.done])
        self.main.add_class("sk-participant")
        self.main.layout.display = "none"
        self.widget = widgets.VBox([self.join_box, self.messages.widget, self.main, self.sign_in])

    # -- signing in ------------------------------------------------------------------------------
    def join(self) -> None:
        """Join the workshop whose code was typed; the browser remembers the sign-in."""
        slug = self.only or workshop_for_code(self.code.value, db=self.journal)
        ws = self._open(slug)
        pid, token = ws.join_with_code(self.code.value, self.name.value, self.department.value)
        self.sign_in.keep(slug, pid, token)
        self._enter(ws, pid)

    def _rejoin(self, workshop: str, participant: str, token: str) -> None:
        if (self.only and workshop != self.only) or not self.journal.exists(workshop):
            self.sign_in.forget()  # a sign-in from another workshop or database
            return
        ws = self._open(workshop)
        try:
            ws.rejoin(participant, token)
        except AccessDenied:
            self.sign_in.forget()
            return
        self._enter(ws, participant)

    def _open(self, slug: str) -> Workshop:
        if self.ws is not None and self.ws.slug == slug:
            return self.ws
        return Workshop(self.journal, slug, actor="participant-page")

    def _enter(self, ws: Workshop, participant: str) -> None:
        if ws is not self.ws:
            self._stop_following()
            self.ws = ws
            ws.on_change(lambda _ws, _ops: self.redraw())
            if self.live:
                self._stop_following = follow(ws, on_error=lambda exc: self.messages.show(str(exc)))
        self.participant = participant
        ws.actor = participant  # undo takes back this person's own changes only
        self.join_box.layout.display = "none"
        self.main.layout.display = None
        self.redraw()

    def _mark_done(self, done: bool) -> None:
        ws = self._ws()
        target = ws.state.room.showing
        if not target:
            raise NotFound("Nothing is running right now: wait for the facilitator.")
        ws.mark_done(target, self._me(), done)

    def _me(self) -> str:
        if self.participant is None:
            raise AccessDenied("Join with the code first.")
        return self.participant

    def _ws(self) -> Workshop:
        if self.ws is None:
            raise AccessDenied("Join with the code first.")
        return self.ws

    # -- drawing ------------------------------------------------------------------------------------
    def redraw(self) -> None:
        """Draw what the room is showing now, from this participant's point of view."""
        if self.participant is None or self.ws is None:
            return
        ws, me = self.ws, self.participant
        state, room = ws.state, ws.state.room
        person = state.participants.get(me)
        with self.quiet():
            name = person.name if person and person.name else "you"
            self.who.value = (
                f"<p class='sk-who'>{esc(state.title)} · <span class='sk-phase'>"
                f"{esc(state.phase.capitalize())}</span> · signed in as <b>{esc(name)}</b></p>"
            )
            self.countdown.show(room.timer)
            target = room.showing
            self.done.layout.display = None if target else "none"
            self.done.value = me in room.done.get(target, ())
            kind, _, item = target.partition(":")
            key: tuple[str, ...] = (target,)
            if kind == "survey" and item in state.surveys:
                key = (target, room.control(target).state, str(state.surveys[item].is_open))
            if key != self._view_key or self._view is None:
                if self._view is not None:
                    self._view.close()
                self._view_key = key
                self._view = self._make_view(kind, item)
                replace_children(self.body, [self._view.widget])
            self._view.update()

    def _make_view(self, kind: str, item: str) -> _View:
        ws, me, state = self._ws(), self._me(), self._ws().state
        if kind == "vote" and item in state.room.votes:
            return _VoteView(ws, me, item, self.messages)
        if kind == "five_whys" and item in state.trees:
            return _TreeView(ws, me, item, self.messages, self.quiet)
        if kind == "survey" and item in state.surveys:
            return _SurveyView(ws, me, item)
        if kind == "journey" and item in state.journeys:
            return _JourneyView(ws, item)
        if kind == "toast" and item in state.journeys:
            return _ToastView(ws, me, item, self.messages, self.quiet)
        return _Static(_WAITING)


class _Static:
    def __init__(self, html: str) -> None:
        self.widget = widgets.HTML(html)

    def close(self) -> None:
        pass

    def update(self) -> None:
        pass


class _VoteView:
    """Dots to place and take back; the room's totals once the facilitator shows them."""

    def __init__(self, ws: Workshop, me: str, vote_id: str, messages: MessageArea) -> None:
        self.ws, self.me, self.vote_id = ws, me, vote_id
        guard = messages.guard
        self.heading = widgets.HTML()
        self.rows: dict[str, tuple[widgets.Button, widgets.Button, widgets.HTML]] = {}
        boxes: list[widgets.Widget] = [self.heading]
        for option in ws.state.room.vote(vote_id).options:
            take = widgets.Button(
                description="\u2212",  # a minus sign, as wide as the plus
                tooltip=f"Take a dot back from {option.label}",
                layout=widgets.Layout(width="3em"),
            )
            place = widgets.Button(
                description="+",
                tooltip=f"Place a dot on {option.label}",
                layout=widgets.Layout(width="3em"),
            )
            take.on_click(guard(lambda _, o=option.id: ws.dot(vote_id, me, o, -1)))
            place.on_click(guard(lambda _, o=option.id: ws.dot(vote_id, me, o, +1)))
            label = widgets.HTML()
            self.rows[option.id] = (take, place, label)
            boxes.append(widgets.HBox([take, place, label]))
        self.widget = widgets.VBox(boxes)

    def close(self) -> None:
        pass

    def update(self) -> None:
        vote = self.ws.state.room.votes.get(self.vote_id)
        if vote is None:
            self.heading.value = "<p>This vote was removed.</p>"
            return
        mine = vote.ballots.get(self.me, {})
        totals = vote.totals() if vote.shown else {}
        left = vote.left(self.me)
        self.heading.value = (
            f"<h2>{esc(vote.title)}</h2><p class='sk-dots-left'>You have "
            f"<b>{left}</b> of {vote.dots} dots left."
            f"{'' if vote.is_open else ' The vote is closed.'}</p>"
        )
        for option in vote.options:
            take, place, label = self.rows[option.id]
            n = mine.get(option.id, 0)
            take.disabled = not vote.is_open or not n
            place.disabled = not vote.is_open or left == 0
            dots = f"{'●' * n} ({n} yours)" if n else ""
            total = f" · {totals[option.id]} in all" if vote.shown else ""
            label.value = (
                f"<span class='sk-option'>{esc(option.label)}</span> "
                f"<span class='sk-my-dots'>{dots}</span>{esc(total)}"
            )


class _TreeView:
    """Add answers to a Five Whys tree; see your own, and everyone's once revealed."""

    def __init__(
        self, ws: Workshop, me: str, tree_id: str, messages: MessageArea, quiet: Quiet
    ) -> None:
        self.ws, self.me, self.tree_id, self.quiet = ws, me, tree_id, quiet
        self.target = f"five_whys:{tree_id}"
        self.heading = widgets.HTML()
        self.answers = widgets.HTML()
        self.under = widgets.Dropdown(description="Under", options=[("the problem", None)])
        self.answer = widgets.Text(
            description="Why?", placeholder="Your answer, then Enter", continuous_update=False
        )
        self.answer.add_class("sk-why")
        self.evidence = widgets.Text(description="Evidence", placeholder="What shows it (optional)")
        self.status = widgets.HTML()
        self.form = widgets.VBox([self.under, self.answer, self.evidence])
        self.widget = widgets.VBox([self.heading, self.answers, self.form, self.status])
        self.messages = messages
        self.answer.observe(quiet.when_user(messages.guard(self._add)), names="value")

    def _add(self, change: dict[str, object]) -> None:
        text = str(change["new"]).strip()
        if not text:
            return
        self.ws.contribute_why(
            self.tree_id, self.under.value, text, evidence=self.evidence.value.strip()
        )
        with self.quiet():
            self.answer.value = ""
            self.evidence.value = ""
        self.messages.show(f"Added: {short(text, 60)}", "info")

    def close(self) -> None:
        pass

    def update(self) -> None:
        tree = self.ws.state.trees.get(self.tree_id)
        if tree is None:
            self.heading.value = "<p>This tree was removed.</p>"
            self.form.layout.display = "none"
            return
        control = self.ws.state.room.control(self.target)
        self.heading.value = f"<h2>Why? {esc(tree.problem)}</h2>"
        if control.state == "hidden":
            self.answers.value = "<p>Not open yet.</p>"
            self.form.layout.display = "none"
            self.status.value = ""
            return
        seen = self.ws.visible_whys(self.me, self.tree_id)
        mine = [n for n in seen if n.author == self.me]
        if control.revealed:
            items = "".join(
                f"<li>{esc(n.answer)}{' <em>(yours)</em>' if n.author == self.me else ''}</li>"
                for n in seen
            )
            self.answers.value = (
                f"<h3>Everyone's answers</h3><ul class='sk-answers'>{items}</ul>" if items else ""
            )
        else:
            items = "".join(f"<li>{esc(n.answer)}</li>" for n in mine)
            self.answers.value = (
                f"<h3>Your answers</h3><ul class='sk-answers sk-mine'>{items}</ul>"
                "<p class='sk-note'>Other people's answers appear when the facilitator reveals them.</p>"
                if items
                else "<p class='sk-note'>Your answers stay private until the facilitator reveals them.</p>"
            )
        options = [("the problem", None)] + [(short(n.answer, 60), n.id) for n in seen]
        with self.quiet():
            if list(self.under.options) != options:
                keep = self.under.value
                self.under.options = options
                self.under.value = keep if keep in [v for _, v in options] else None
        is_open = control.state == "open"
        self.form.layout.display = None if is_open else "none"
        self.status.value = "" if is_open else "<p>This tree is closed for new answers.</p>"


class _SurveyView:
    """The questionnaire itself, answered on this page; how the room answered once revealed."""

    def __init__(self, ws: Workshop, me: str, survey_id: str) -> None:
        self.ws, self.survey_id = ws, survey_id
        self.target = f"survey:{survey_id}"
        survey = ws.state.surveys[survey_id]
        self.results = widgets.HTML()
        self.results.add_class("sk-room-results")
        self._app: SurveyParticipantApp | None = None
        state = ws.state.room.control(self.target).state
        if state == "hidden" or not survey.is_open or state == "closed":
            why = "is not open" if state == "hidden" or not survey.is_open else "is closed"
            self.form: widgets.Widget = widgets.HTML(
                f"<h2>{esc(survey.title)}</h2><p>The questionnaire {why}.</p>"
            )
        elif survey.anonymous:
            link = f"survey.ipynb?{urlencode({'workshop': ws.slug, 'survey': survey_id})}"
            self.form = widgets.HTML(
                f"<h2>{esc(survey.title)}</h2><p>This questionnaire is anonymous, so it opens on "
                f"its own page and your answers are not linked to you.</p><p><a class='sk-open-survey' "
                f"href='{esc(link)}' target='_blank'>Open the questionnaire</a></p>"
            )
        else:
            from .survey_participant import SurveyParticipantApp

            self._app = SurveyParticipantApp(ws, survey_id, participant=me)
            self.form = self._app.widget
        self.widget = widgets.VBox([self.form, self.results])

    def close(self) -> None:
        if self._app is not None:
            self._app.close()

    def update(self) -> None:
        survey = self.ws.state.surveys.get(self.survey_id)
        revealed = self.ws.state.room.control(self.target).revealed
        self.results.value = (
            room_answers_html(self.ws, self.survey_id) if survey and revealed else ""
        )


def room_answers_html(ws: Workshop, survey_id: str) -> str:
    """How the room answered each rated question, as counts per answer (no names, no comments)."""
    survey = ws.state.surveys[survey_id]
    rows = []
    for q in survey.questions:
        if q.kind == "open":
            continue
        counts = Counter(
            a[q.id].value for a in survey.answers.values() if q.id in a and a[q.id].value != ""
        )
        if not counts:
            continue
        scale = (
            list(enumerate(q.bands))
            if q.kind == "bands"
            else [(v, str(v)) for v in range(1, q.points + 1)]
        )
        cells = " ".join(
            f"<span class='sk-count'>{esc(label)}: <b>{counts.get(value, 0)}</b></span>"
            for value, label in scale
        )
        rows.append(f"<li>{esc(q.text)}<br>{cells}</li>")
    if not rows:
        return "<h3>How the room answered</h3><p>No answers yet.</p>"
    return f"<h3>How the room answered</h3><ul class='sk-room-answers'>{''.join(rows)}</ul>"


class _JourneyView:
    """The journey the room is mapping: its steps once the facilitator reveals them."""

    def __init__(self, ws: Workshop, journey_id: str) -> None:
        self.ws, self.journey_id = ws, journey_id
        self.widget = widgets.HTML()

    def close(self) -> None:
        pass

    def update(self) -> None:
        journey = self.ws.state.journeys.get(self.journey_id)
        if journey is None:
            self.widget.value = "<p>This journey was removed.</p>"
            return
        control = self.ws.state.room.control(f"journey:{self.journey_id}")
        head = f"<h2>{esc(journey.name)}</h2>"
        if control.state == "hidden" or not control.revealed:
            self.widget.value = f"{head}<p>The room is mapping this journey on the main screen.</p>"
            return
        self.widget.value = head + journey_steps_html(journey.actual.steps, journey.stages)


def journey_steps_html(steps: Sequence[Step], stages: Sequence[Stage]) -> str:
    """Steps stage by stage, with who does each and where it hurts (friction 4-5, workarounds)."""
    if not steps:
        return "<p>No steps mapped yet.</p>"
    names = {s.id: s.name for s in stages}
    order = [s.id for s in stages] + sorted({st.stage for st in steps} - set(names))
    parts = []
    for stage in order:
        here = [st for st in steps if st.stage == stage]
        if not here:
            continue
        items = []
        for st in here:
            marks = []
            if st.friction is not None and st.friction >= 4:
                marks.append(f"friction {st.friction}/5")
            if st.workarounds:
                marks.append("workaround")
            tail = f" <em>({esc(', '.join(marks))})</em>" if marks else ""
            owner = f" · {esc(st.owner)}" if st.owner else ""
            items.append(f"<li>{esc(st.name)}{owner}{tail}</li>")
        parts.append(
            f"<h3>{esc(names.get(stage, stage) or 'No stage')}</h3><ol>{''.join(items)}</ol>"
        )
    return "".join(parts)


class _ToastView:
    """Making Toast: map the process on your own, step by step; everyone's maps once revealed."""

    def __init__(
        self, ws: Workshop, me: str, journey_id: str, messages: MessageArea, quiet: Quiet
    ) -> None:
        self.ws, self.me, self.journey_id = ws, me, journey_id
        self.messages, self.quiet = messages, quiet
        self.target = f"toast:{journey_id}"
        self.heading = widgets.HTML()
        self.rows = widgets.VBox()
        self.rows.add_class("sk-my-map")
        self._rows_for: tuple[tuple[str, ...], bool] = ((), False)
        self._names: dict[str, widgets.Text] = {}
        self.new_step = widgets.Text(
            description="Next step",
            placeholder="One step, then Enter",
            continuous_update=False,
        )
        self.new_step.add_class("sk-new-step")
        self.new_step.observe(quiet.when_user(messages.guard(self._add)), names="value")
        self.form = widgets.VBox([self.rows, self.new_step])
        self.others = widgets.HTML()
        self.widget = widgets.VBox([self.heading, self.form, self.others])

    def _add(self, change: dict[str, object]) -> None:
        name = str(change["new"]).strip()
        if name:
            self.ws.add_to_my_map(self.journey_id, name)
        with self.quiet():
            self.new_step.value = ""

    def _row(
        self, step_id: str, label: str, position: int, count: int, is_open: bool
    ) -> widgets.Widget:
        guard, when = self.messages.guard, self.quiet.when_user
        name = widgets.Text(
            value=label,
            description=f"Step {position + 1}",
            continuous_update=False,
            disabled=not is_open,
            layout={"width": "auto"},
        )
        name.observe(when(guard(lambda ch: self._rename(step_id, str(ch["new"])))), names="value")
        self._names[step_id] = name
        buttons = []
        for label, tip, action, off in (
            ("\u2191", "Move earlier", lambda _: self._shift(step_id, -1), position == 0),
            ("\u2193", "Move later", lambda _: self._shift(step_id, +1), position == count - 1),
            ("\u2715", "Delete this step", lambda _: self._remove(step_id), False),
        ):
            button = widgets.Button(
                description=label,
                tooltip=tip,
                disabled=off or not is_open,
                layout={"width": "2.6em"},
            )
            button.on_click(guard(action))
            buttons.append(button)
        return widgets.HBox([name, *buttons])

    def _rename(self, step_id: str, name: str) -> None:
        if name.strip():
            self.ws.rename_in_my_map(self.journey_id, step_id, name.strip())

    def _shift(self, step_id: str, by: int) -> None:
        self.ws.shift_in_my_map(self.journey_id, step_id, by)

    def _remove(self, step_id: str) -> None:
        self.ws.remove_from_my_map(self.journey_id, step_id)

    def close(self) -> None:
        pass

    def update(self) -> None:
        journey = self.ws.state.journeys.get(self.journey_id)
        if journey is None:
            self.heading.value = "<p>This exercise was removed.</p>"
            self.form.layout.display = "none"
            return
        control = self.ws.state.room.control(self.target)
        self.heading.value = (
            f"<h2>Map it yourself: {esc(journey.name)}</h2><p class='sk-note'>One step per box, "
            "in the order it happens. Nobody sees your map until the facilitator reveals "
            "everyone's at once.</p>"
        )
        if control.state == "hidden":
            self.form.layout.display = "none"
            self.others.value = "<p>Not open yet.</p>"
            return
        steps = journey.layer(f"private:{self.me}").steps
        is_open = control.state == "open"
        ids = tuple(st.id for st in steps)
        with self.quiet():
            if (ids, is_open) != self._rows_for:
                self._rows_for, self._names = (ids, is_open), {}
                replace_children(
                    self.rows,
                    [self._row(st.id, st.name, i, len(ids), is_open) for i, st in enumerate(steps)],
                )
            for st in steps:
                if self._names[st.id].value != st.name:
                    self._names[st.id].value = st.name
        self.form.layout.display = None
        self.new_step.layout.display = None if is_open else "none"
        self.others.value = (
            toast_maps_html(self.ws.revealed_maps(self.journey_id), me=self.me)
            if control.revealed
            else ("" if is_open else "<p>Mapping is closed.</p>")
        )


def toast_maps_html(
    maps: Mapping[str, Layer], *, me: str | None = None, names: Mapping[str, str] | None = None
) -> str:
    """Everyone's maps side by side, one column each: "Map 1", "Map 2"... unless ``names`` are given."""
    if not maps:
        return "<p>No maps yet.</p>"
    heads, columns = [], []
    for i, (pid, layer) in enumerate(sorted(maps.items()), 1):  # numbered as the charts number them
        label = names.get(pid, f"Map {i}") if names is not None else f"Map {i}"
        heads.append(f"<th scope='col'>{esc(label)}{' (yours)' if pid == me else ''}</th>")
        columns.append([st.name for st in layer.steps])
    depth = max(len(c) for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(c[r]) if r < len(c) else ''}</td>" for c in columns) + "</tr>"
        for r in range(depth)
    )
    return (
        "<h3>Everyone's maps</h3><div class='sk-maps'><table class='sk-toast-maps'>"
        f"<thead><tr>{''.join(heads)}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def participant_app(
    workshop: str | None = None, *, db: str | os.PathLike[str] | None = None, live: bool = True
) -> widgets.Widget:
    """The participants' page: join whichever workshop's code is typed (or only ``workshop``)."""
    app = ParticipantApp(Journal(db), workshop=workshop, live=live)
    return app.widget
