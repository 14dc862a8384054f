"""The start page: which workshop is open, its join code, who joined, what exercises it holds."""

from __future__ import annotations

import os
from urllib.parse import urlencode

import ipywidgets as widgets

from ...models import WorkshopState
from ...workshop import Workshop
from ..live import follow
from ..params import facilitator_workshop, page_param
from ..views.common import MessageArea, esc, html_widget
from ..views.export import ExportPanel
from ..views.room import RoomPanel
from ..views.workshops import WorkshopsPanel

__all__ = ["start_app"]


def _page(notebook: str, **params: str) -> str:
    """The address of an exercise page, relative to the start page (Voila serves them side by side).

    >>> _page("journey_map", journey="j 1")
    'journey_map.ipynb?journey=j+1'
    """
    return f"{notebook}.ipynb?{urlencode(params)}"


def _join_link() -> str:
    """Where participants join, with its QR code, when 'servicekit serve' said (else nothing)."""
    url = os.environ.get("SERVICEKIT_PARTICIPANT_URL", "")
    if not url:
        return ""
    from ...room_server import qr_svg

    return (
        f'<div class="sk-join-link"><p>Participants open <a href="{esc(url)}">{esc(url)}</a> '
        f"on their phones, or scan:</p>{qr_svg(url, 'Scan to join: ' + url)}</div>"
    )


def _summary(ws: Workshop) -> str:
    key = ws.facilitator_key()  # checked already: the links carry it to the exercise pages
    s = ws.state
    rows = []
    for tree in s.trees.values():
        roots = sum(n.root_cause for n in tree.visible_nodes())
        rows.append(
            (
                "Five Whys",
                tree.problem,
                f"{len(tree.visible_nodes())} answers, {roots} root causes",
                _page("five_whys", workshop=ws.slug, tree=tree.id, key=key),
            )
        )
    for survey in s.surveys.values():
        state = "open" if survey.is_open else "closed"
        rows.append(
            (
                "Questionnaire",
                survey.title,
                f"{len(survey.respondents)} respondents, {state}",
                _page("survey_dashboard", workshop=ws.slug, survey=survey.id, key=key),
            )
        )
    for journey in s.journeys.values():
        parts = [
            f"{len(journey.intended.steps)} intended steps",
            f"{len(journey.actual.steps)} actual steps",
        ]
        if journey.private:
            parts.append(f"{len(journey.private)} private maps")
        rows.append(
            (
                "Journey map",
                journey.name,
                ", ".join(parts),
                _page("journey_map", workshop=ws.slug, journey=journey.id, key=key),
            )
        )
    items = "".join(
        f'<tr><td>{esc(kind)}</td><td><a href="{esc(href)}">{esc(name)}</a></td>'
        f"<td>{esc(detail)}</td></tr>"
        for kind, name, detail, href in rows
    )
    new_tree = _page("five_whys", workshop=ws.slug, key=key)
    start_more = (
        f'<p class="sk-new-exercise"><a href="{esc(new_tree)}">Start a Five Whys tree</a></p>'
    )
    table = (
        f'<table class="sk-exercises"><thead><tr><th>Exercise</th><th>Topic</th><th>So far</th></tr></thead>'
        f"<tbody>{items}</tbody></table>"
        if rows
        else "<p>No exercises yet.</p>"
    )
    subtitle = " · ".join(esc(x) for x in (s.client, s.date) if x)
    departments = sorted({p.department for p in s.participants.values() if p.department})
    return (
        f'<h1 class="sk-title">{esc(s.title)}</h1>'
        f'<p class="sk-subtitle">{subtitle}</p>'
        f'<p class="sk-join">Join code <strong class="sk-join-code">{esc(s.join_code)}</strong></p>'
        f"{_join_link()}"
        f'<p class="sk-participants">{len(s.participants)} participants'
        f"{' from ' + esc(', '.join(departments)) if departments else ''}</p>"
        f"{_names(s)}"
        f"{table}{start_more}"
    )


def _names(s: WorkshopState) -> str:
    """Who joined, as the room would say it: name (team), in the order they arrived."""
    names = [
        f"{p.name or 'someone'}{f' ({p.department})' if p.department else ''}"
        for p in s.participants.values()
    ]
    return f'<p class="sk-names">{esc(", ".join(names))}</p>' if names else ""


def start_app(
    workshop: str | None = None, branding: str | None = None, *, key: str | None = None
) -> widgets.Widget:
    """The start page for ``workshop`` (default: ``?workshop=`` in the page address, then
    ``$SERVICEKIT_WORKSHOP``, then the most recent).

    ``branding`` is the client's branding file for the findings report (default: the
    bundled ``templates/report/branding.yaml``).

    Returns the widget (Voila and Jupyter display it as the cell's result).
    """
    messages = MessageArea()
    try:
        ws = facilitator_workshop(workshop or page_param("workshop"), key)
    except Exception as exc:  # no workshop yet, a bad database, no key: say so on the page
        messages.show(str(exc))
        box = widgets.VBox([messages.widget])
        box.add_class("sk-start")
        return box
    body = html_widget(_summary(ws), "sk-summary")
    refresh = widgets.Button(
        description="Refresh", icon="refresh", tooltip="Show changes made on other pages"
    )
    refresh.on_click(messages.guard(lambda _: ws.refresh()))
    ws.on_change(lambda w, ops: setattr(body, "value", _summary(w)))
    export = ExportPanel(ws, messages, branding)
    room = RoomPanel(ws, messages)
    workshops = WorkshopsPanel(ws, messages)
    box = widgets.VBox(
        [body, refresh, messages.widget, room.widget, export.widget, workshops.widget]
    )
    follow(ws, on_error=lambda exc: messages.show(str(exc)))  # done counts and votes, live
    box.add_class("sk-start")
    return box
