"""A participant's page: join once with the room's code, then follow what the facilitator shows.

The browser keeps the sign-in (a participant id and its signed token), so a reload, a
new tab or a phone back from a dead wifi rejoins as the same person with nothing lost.
The page follows "now showing": a dot vote to place dots on, a Five Whys tree to add
answers to, a questionnaire to open, or a waiting screen. The timebox counts down at
the top and "I'm done" tells the facilitator. Only what the facilitator has revealed
of other people's work is shown. This path loads no pandas, altair or networkx.
"""

from __future__ import annotations

import ipywidgets as widgets

from ...errors import AccessDenied, NotFound
from ...models.room import Vote
from ...workshop import Workshop, open_workshop
from ..live import follow
from ..views.common import MessageArea, Quiet, esc, replace_children, short
from ..views.room import Countdown, SignIn

__all__ = ["ParticipantApp", "participant_app"]


class ParticipantApp:
    """One participant's page; ``widget`` is what the page shows."""

    def __init__(self, ws: Workshop) -> None:
        self.ws = ws
        self.participant: str | None = None
        self.messages = MessageArea()
        self.quiet = Quiet()
        guard = self.messages.guard

        self.sign_in = SignIn(workshop=ws.slug)
        self.sign_in.on_stored(guard(self._rejoin))
        self.code = widgets.Text(description="Join code", placeholder="from the screen")
        self.name = widgets.Text(description="Your name", placeholder="optional")
        self.department = widgets.Text(description="Team", placeholder="e.g. Sales")
        join = widgets.Button(description="Join", button_style="primary", icon="sign-in")
        join.on_click(guard(lambda _: self.join()))
        self.join_box = widgets.VBox(
            [
                widgets.HTML(f"<h1>{esc(ws.state.title)}</h1>"),
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
        ws.on_change(lambda _ws, _ops: self.redraw())

    # -- signing in ------------------------------------------------------------------------------
    def join(self) -> None:
        """Join with the code typed; the browser remembers the sign-in."""
        pid, token = self.ws.join_with_code(self.code.value, self.name.value, self.department.value)
        self.sign_in.keep(pid, token)
        self._enter(pid)

    def _rejoin(self, participant: str, token: str) -> None:
        try:
            self.ws.rejoin(participant, token)
        except AccessDenied:
            self.sign_in.save = ""  # a sign-in from another workshop or database: forget it
            return
        self._enter(participant)

    def _enter(self, participant: str) -> None:
        self.participant = participant
        self.ws.actor = participant  # undo takes back this person's own changes only
        self.join_box.layout.display = "none"
        self.main.layout.display = None
        self.redraw()

    def _mark_done(self, done: bool) -> None:
        target = self.ws.state.room.showing
        if not target:
            raise NotFound("Nothing is running right now: wait for the facilitator.")
        self.ws.mark_done(target, self._me(), done)

    def _me(self) -> str:
        if self.participant is None:
            raise AccessDenied("Join with the code first.")
        return self.participant

    # -- drawing ------------------------------------------------------------------------------------
    def redraw(self) -> None:
        """Draw what the room is showing now, from this participant's point of view."""
        if self.participant is None:
            return
        state, room = self.ws.state, self.ws.state.room
        me = state.participants.get(self.participant)
        with self.quiet():
            name = me.name if me and me.name else "you"
            self.who.value = (
                f"<p class='sk-who'>{esc(state.title)} · signed in as <b>{esc(name)}</b></p>"
            )
            self.countdown.show(room.timer)
            target = room.showing
            self.done.layout.display = None if target else "none"
            self.done.value = self.participant in room.done.get(target, ())
            kind, _, item = target.partition(":")
            if kind == "vote" and item in room.votes:
                children = self._vote(room.votes[item])
            elif kind == "five_whys" and item in state.trees:
                children = self._tree(target, item)
            elif kind == "survey" and item in state.surveys:
                children = self._survey(target, item)
            elif kind == "journey" and item in state.journeys:
                name = state.journeys[item].name
                children = [
                    widgets.HTML(
                        f"<h2>{esc(name)}</h2><p>The room is mapping this journey on the main screen.</p>"
                    )
                ]
            else:
                children = [
                    widgets.HTML(
                        "<p class='sk-waiting'>Waiting for the facilitator to start the next exercise…</p>"
                    )
                ]
            replace_children(self.body, children)

    def _vote(self, vote: Vote) -> list[widgets.Widget]:
        guard = self.messages.guard
        me = self._me()
        mine = vote.ballots.get(me, {})
        totals = vote.totals() if vote.shown else {}
        rows: list[widgets.Widget] = [
            widgets.HTML(
                f"<h2>{esc(vote.title)}</h2><p class='sk-dots-left'>You have "
                f"<b>{vote.left(me)}</b> of {vote.dots} dots left."
                f"{'' if vote.is_open else ' The vote is closed.'}</p>"
            )
        ]
        for option in vote.options:
            take = widgets.Button(
                description="\u2212",  # a minus sign, as wide as the plus
                tooltip=f"Take a dot back from {option.label}",
                disabled=not vote.is_open or not mine.get(option.id),
                layout=widgets.Layout(width="3em"),
            )
            place = widgets.Button(
                description="+",
                tooltip=f"Place a dot on {option.label}",
                disabled=not vote.is_open or vote.left(me) == 0,
                layout=widgets.Layout(width="3em"),
            )
            take.on_click(guard(lambda _, o=option.id: self.ws.dot(vote.id, me, o, -1)))
            place.on_click(guard(lambda _, o=option.id: self.ws.dot(vote.id, me, o, +1)))
            n = mine.get(option.id, 0)
            dots = f"{'●' * n} ({n} yours)" if n else ""
            total = f" · {totals[option.id]} in all" if vote.shown else ""
            label = widgets.HTML(
                f"<span class='sk-option'>{esc(option.label)}</span> "
                f"<span class='sk-my-dots'>{dots}</span>{esc(total)}"
            )
            rows.append(widgets.HBox([take, place, label]))
        return rows

    def _tree(self, target: str, tree_id: str) -> list[widgets.Widget]:
        tree = self.ws.state.trees[tree_id]
        control = self.ws.state.room.control(target)
        out: list[widgets.Widget] = [widgets.HTML(f"<h2>Why? {esc(tree.problem)}</h2>")]
        if control.state == "hidden":
            return [*out, widgets.HTML("<p>Not open yet.</p>")]
        nodes = tree.visible_nodes()
        if control.revealed:
            items = "".join(f"<li>{esc(n.answer)}</li>" for n in nodes)
            out.append(widgets.HTML(f"<ul class='sk-answers'>{items}</ul>"))
        if control.state == "open":
            under = widgets.Dropdown(
                description="Answers",
                options=[("the problem", None)]
                + ([(short(n.answer, 60), n.id) for n in nodes] if control.revealed else []),
            )
            answer = widgets.Text(
                description="Why?", placeholder="Your answer, then Enter", continuous_update=False
            )
            answer.add_class("sk-why")
            evidence = widgets.Text(description="Evidence", placeholder="What shows it (optional)")

            def add(change: dict[str, object]) -> None:
                text = str(change["new"]).strip()
                if not text:
                    return
                self.ws.add_why(tree_id, under.value, text, evidence=evidence.value.strip())
                self.messages.show(f"Added: {short(text, 60)}", "info")

            answer.observe(self.quiet.when_user(self.messages.guard(add)), names="value")
            out += [under, answer, evidence]
        else:
            out.append(widgets.HTML("<p>This tree is closed for new answers.</p>"))
        return out

    def _survey(self, target: str, survey_id: str) -> list[widgets.Widget]:
        survey = self.ws.state.surveys[survey_id]
        link = f"survey.ipynb?survey={survey_id}"
        state = self.ws.state.room.control(target).state
        if state == "hidden" or not survey.is_open:
            return [
                widgets.HTML(f"<h2>{esc(survey.title)}</h2><p>The questionnaire is not open.</p>")
            ]
        return [
            widgets.HTML(
                f"<h2>{esc(survey.title)}</h2>"
                f"<p><a class='sk-open-survey' href='{esc(link)}' target='_blank'>Open the questionnaire</a></p>"
            )
        ]


def participant_app(workshop: str | None = None, *, live: bool = True) -> widgets.Widget:
    """The participant page for ``workshop`` (default: ``$SERVICEKIT_WORKSHOP`` or the most recent)."""
    try:
        ws = open_workshop(workshop, actor="participant-page")
    except Exception as exc:
        messages = MessageArea()
        messages.show(str(exc))
        return widgets.VBox([messages.widget])
    app = ParticipantApp(ws)
    if live:
        follow(ws, on_error=lambda exc: app.messages.show(str(exc)))
    return app.widget
