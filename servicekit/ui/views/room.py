"""Widgets of the room: a countdown every page shows, the sign-in a phone keeps, and the
facilitator's panel of controls (phase, exercises, now showing, timer, dot votes).

The countdown runs in the browser from the seconds left when the kernel last spoke, so
phones with a wrong clock still show the right time, and nothing ticks over the network.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from ...errors import InvalidInput
from ...models.room import CONTROL_STATES, Timer
from ...models.workshop import PHASES
from ...workshop import Workshop
from .common import MessageArea, Quiet, esc, replace_children, short

__all__ = ["Countdown", "RoomPanel", "SignIn", "exercise_targets"]

_COUNTDOWN = """
function render({ model, el }) {
  el.classList.add("sk-countdown");
  el.setAttribute("role", "timer");
  let since = performance.now();
  const draw = () => {
    const label = model.get("label");
    const running = model.get("running");
    if (!model.get("active")) { el.textContent = ""; return; }
    let left = model.get("left");
    if (running) left = Math.max(0, left - (performance.now() - since) / 1000);
    const m = Math.floor(left / 60), s = Math.floor(left % 60);
    el.textContent = (label ? label + " · " : "") + m + ":" + String(s).padStart(2, "0")
      + (running ? "" : " (paused)");
    el.classList.toggle("sk-countdown-over", left <= 0);
  };
  const reset = () => { since = performance.now(); draw(); };
  model.on("change:left", reset);
  model.on("change:running", reset);
  model.on("change:active", reset);
  model.on("change:label", draw);
  const tick = setInterval(draw, 250);
  draw();
  return () => clearInterval(tick);
}
export default { render };
"""


class Countdown(anywidget.AnyWidget):
    """The room's timer as ``label · m:ss``, counted down in the browser."""

    _esm = _COUNTDOWN
    active = traitlets.Bool(False).tag(sync=True)
    running = traitlets.Bool(False).tag(sync=True)
    left = traitlets.Float(0.0).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)

    def show(self, timer: Timer | None) -> None:
        """Follow the room's timer (None: no countdown)."""
        if timer is None:
            self.active = False
            return
        self.label = timer.label
        self.running = timer.paused_left is None
        self.left = timer.left(dt.datetime.now(dt.UTC))
        self.active = True


_SIGN_IN = """
function render({ model, el }) {
  el.style.display = "none";
  const key = "servicekit:sign-in";
  let stored = "";
  try { stored = window.localStorage.getItem(key) || ""; } catch (e) { stored = ""; }
  model.set("stored", stored || "{}");
  model.save_changes();
  model.on("change:save", () => {
    try {
      const value = model.get("save");
      if (value) window.localStorage.setItem(key, value); else window.localStorage.removeItem(key);
    } catch (e) { /* private browsing: the sign-in lasts as long as the page */ }
  });
}
export default { render };
"""


class SignIn(anywidget.AnyWidget):
    """A participant's sign-in, kept in the browser so a reload or a lost wifi rejoins them.

    The browser keeps one sign-in (workshop, participant id, signed token): the last room
    this phone joined. ``workshop`` set means only a sign-in for that workshop is reported.
    """

    _esm = _SIGN_IN
    workshop = traitlets.Unicode("").tag(sync=True)
    stored = traitlets.Unicode("").tag(sync=True)
    save = traitlets.Unicode("").tag(sync=True)

    def on_stored(self, callback: Callable[[str, str, str], None]) -> None:
        """Call ``callback(workshop, participant id, token)`` when the browser reports a saved sign-in."""

        def read(change: dict[str, Any]) -> None:
            try:
                data = json.loads(change["new"] or "{}")
            except ValueError:
                data = {}
            if not isinstance(data, dict) or not all(
                isinstance(data.get(k), str) and data[k]
                for k in ("workshop", "participant", "token")
            ):
                return
            if self.workshop and data["workshop"] != self.workshop:
                return
            callback(data["workshop"], data["participant"], data["token"])

        self.observe(read, names="stored")

    def keep(self, workshop: str, participant: str, token: str) -> None:
        """Ask the browser to remember this sign-in."""
        self.save = json.dumps({"workshop": workshop, "participant": participant, "token": token})

    def forget(self) -> None:
        """Ask the browser to drop the sign-in (one for another database, or a stale one)."""
        self.save = ""


def exercise_targets(ws: Workshop) -> list[tuple[str, str]]:
    """Every exercise as ``(label, target)``, in the order a facilitator runs them."""
    s = ws.state
    out = [(f"Five Whys: {short(t.problem, 60)}", f"five_whys:{tid}") for tid, t in s.trees.items()]
    out += [
        (f"Questionnaire: {short(q.title, 60)}", f"survey:{sid}") for sid, q in s.surveys.items()
    ]
    out += [(f"Journey: {short(j.name, 60)}", f"journey:{jid}") for jid, j in s.journeys.items()]
    out += [(f"Making Toast: {short(j.name, 60)}", f"toast:{jid}") for jid, j in s.journeys.items()]
    return out


class RoomPanel:
    """The facilitator's controls. Every button is one intent; the panel redraws from the room."""

    def __init__(self, ws: Workshop, messages: MessageArea) -> None:
        self.ws = ws
        self.quiet = Quiet()
        guard, when = messages.guard, self.quiet.when_user
        self.phase = widgets.ToggleButtons(
            options=[(p.capitalize(), p) for p in PHASES], description="Phase"
        )
        self.phase.observe(when(guard(lambda ch: ws.set_phase(ch["new"]))), names="value")
        self.showing = widgets.HTML()
        self.exercises = widgets.VBox()
        self.exercises.add_class("sk-room-exercises")

        self.countdown = Countdown()
        self.minutes = widgets.BoundedFloatText(
            value=5, min=0.5, max=240, step=0.5, description="Minutes"
        )
        self.timer_label = widgets.Text(placeholder="What the timebox is for", description="For")
        buttons = {
            "Start": lambda _: ws.start_timer(self.minutes.value, self.timer_label.value.strip()),
            "Pause": lambda _: ws.pause_timer(),
            "Resume": lambda _: ws.resume_timer(),
            "Stop": lambda _: ws.stop_timer(),
        }
        timer_buttons = []
        for name, action in buttons.items():
            button = widgets.Button(
                description=f"{name} timer", layout=widgets.Layout(width="auto")
            )
            button.on_click(guard(action))
            timer_buttons.append(button)

        self.vote_from = widgets.Dropdown(description="Vote on")
        self.vote_dots = widgets.BoundedIntText(value=3, min=1, max=20, description="Dots each")
        start_vote = widgets.Button(
            description="Start dot vote", icon="circle", layout=widgets.Layout(width="auto")
        )
        start_vote.on_click(guard(lambda _: self._start_vote()))
        self.votes = widgets.VBox()
        self.votes.add_class("sk-room-votes")

        self.widget = widgets.VBox(
            [
                widgets.HTML("<h2>Run the room</h2>"),
                self.phase,
                self.showing,
                self.exercises,
                widgets.HTML("<h3>Timebox</h3>"),
                self.countdown,
                widgets.HBox([self.minutes, self.timer_label]),
                widgets.HBox(timer_buttons),
                widgets.HTML("<h3>Dot votes</h3>"),
                widgets.HBox([self.vote_from, self.vote_dots, start_vote]),
                self.votes,
            ]
        )
        self.widget.add_class("sk-room")
        self._guard = guard
        ws.on_change(lambda _ws, _ops: self.redraw())
        self.redraw()

    def _start_vote(self) -> None:
        from ...analysis.votes import vote_options

        if not self.vote_from.value:
            raise InvalidInput(
                "Add a Five Whys tree or a journey first: votes are drawn from them."
            )
        target, kind = self.vote_from.value.split("|")
        options = vote_options(self.ws.state, target, kind)
        label = dict((v, k) for k, v in self.vote_from.options)[self.vote_from.value]
        self.ws.add_vote(
            label, options, kind=kind, exercise=target, dots=self.vote_dots.value, show=True
        )

    def redraw(self) -> None:
        """Draw every control from the room as it is now."""
        from ...analysis.votes import VOTABLE

        room, guard = self.ws.state.room, self._guard
        with self.quiet():
            self.phase.value = self.ws.state.phase
            self.countdown.show(room.timer)
            targets = exercise_targets(self.ws)
            label = dict((t, lab) for lab, t in targets)
            if room.showing.startswith("vote:"):
                vote = room.votes.get(room.showing[5:])
                label[room.showing] = f"Dot vote: {vote.title}" if vote else room.showing
            self.showing.value = (
                f"<p class='sk-now-showing'>Now showing on every phone: "
                f"<b>{esc(label.get(room.showing, 'nothing (a waiting screen)'))}</b></p>"
            )
            rows = []
            for name, target in targets:
                control = room.control(target)
                state = widgets.Dropdown(
                    options=[(s.capitalize(), s) for s in CONTROL_STATES],
                    value=control.state,
                    description="Phones",
                    tooltip=f"Open, closed or hidden on participants' phones: {name}",
                    layout=widgets.Layout(width="14em"),
                )
                state.observe(
                    self.quiet.when_user(
                        guard(lambda ch, t=target: self.ws.set_control(t, state=ch["new"]))
                    ),
                    names="value",
                )
                reveal = widgets.ToggleButton(
                    value=control.revealed, description="Revealed" if control.revealed else "Reveal"
                )
                reveal.observe(
                    self.quiet.when_user(
                        guard(lambda ch, t=target: self.ws.set_control(t, revealed=ch["new"]))
                    ),
                    names="value",
                )
                show = widgets.Button(
                    description="Showing" if room.showing == target else "Show now",
                    disabled=room.showing == target,
                )
                show.on_click(guard(lambda _, t=target: self.ws.show(t)))
                done = widgets.HTML(f"{room.done_count(target)} done")
                rows.append(
                    widgets.HBox([widgets.HTML(f"<b>{esc(name)}</b>"), state, reveal, show, done])
                )
            replace_children(self.exercises, rows)
            options = [
                (f"{lab} ({kind.replace('_', ' ')})", f"{t}|{kind}")
                for lab, t in targets
                for kind in VOTABLE.get(t.partition(":")[0], ())
            ]
            self.vote_from.options = options
            vote_rows = []
            for vid, vote in room.votes.items():
                voters = len(vote.ballots)
                placed = sum(sum(b.values()) for b in vote.ballots.values())
                if vote.shown:
                    totals = vote.totals()
                    names = {o.id: o.label for o in vote.options}
                    listing = "".join(f"<li>{n} · {esc(names[o])}</li>" for o, n in totals.items())
                    result = f"<ol class='sk-vote-totals'>{listing}</ol>"
                else:
                    result = "<p class='sk-muted'>Totals hidden until you show them.</p>"
                toggle_open = widgets.Button(
                    description="Close vote" if vote.is_open else "Reopen vote"
                )
                toggle_open.on_click(
                    guard(lambda _, v=vid, o=vote.is_open: self.ws.set_vote(v, is_open=not o))
                )
                toggle_shown = widgets.Button(
                    description="Hide totals" if vote.shown else "Show totals"
                )
                toggle_shown.on_click(
                    guard(lambda _, v=vid, s=vote.shown: self.ws.set_vote(v, shown=not s))
                )
                show = widgets.Button(
                    description="Show now", disabled=room.showing == f"vote:{vid}"
                )
                show.on_click(guard(lambda _, v=vid: self.ws.show(f"vote:{v}")))
                vote_rows.append(
                    widgets.VBox(
                        [
                            widgets.HTML(
                                f"<b>{esc(vote.title)}</b> · {voters} voted, {placed} dots"
                                f" · {room.done_count(f'vote:{vid}')} done"
                                f"{'' if vote.is_open else ' · closed'}"
                            ),
                            widgets.HBox([toggle_open, toggle_shown, show]),
                            widgets.HTML(result),
                        ]
                    )
                )
            replace_children(self.votes, vote_rows)
