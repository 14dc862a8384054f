"""The facilitator's list of workshops: open another one, or start a new one from templates.

A new workshop takes a title, the client's name and a date, and optionally the default
People / Process / Systems questionnaire and a journey skeleton from ``templates/``. Each
workshop has its own facilitator's key; the links here carry the right one.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import ipywidgets as widgets

from ...errors import Conflict
from ...journey_templates import journey_template_choices
from ...workshop import Workshop, create_workshop
from .common import MessageArea, esc

__all__ = ["WorkshopsPanel", "slug_for"]


def slug_for(title: str, taken: set[str]) -> str:
    """A workshop slug from its title, unique among ``taken``.

    >>> slug_for("Acme: onboarding, March 2026", {"acme-onboarding-march-2026"})
    'acme-onboarding-march-2026-2'
    """
    base = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:55] or "workshop"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _link(ws: Workshop, slug: str) -> str:
    key = ws.journal.secret(slug, "facilitator")
    return "start.ipynb?" + urlencode({"workshop": slug, "key": key})


class WorkshopsPanel:
    """Every workshop in the database with a link to its start page, and a form for a new one."""

    def __init__(self, ws: Workshop, messages: MessageArea) -> None:
        self.ws = ws
        self.listing = widgets.HTML()
        self.listing.add_class("sk-workshops")
        self.title = widgets.Text(
            description="Title", placeholder="e.g. Acme: where onboarding breaks"
        )
        self.client = widgets.Text(description="Client", placeholder="the client organisation")
        self.date = widgets.Text(description="Date", placeholder="YYYY-MM-DD")
        self.questionnaire = widgets.Checkbox(
            value=True, description="People / Process / Systems questionnaire"
        )
        self.journey = widgets.Dropdown(
            description="Journey", options=[("none", ""), *journey_template_choices()]
        )
        create = widgets.Button(description="Create workshop", icon="plus", button_style="primary")
        create.on_click(messages.guard(lambda _: self.create()))
        self.created = widgets.HTML()
        self.created.add_class("sk-created")
        form = widgets.VBox(
            [
                self.title,
                self.client,
                self.date,
                self.questionnaire,
                self.journey,
                create,
                self.created,
            ]
        )
        self.widget = widgets.Accordion(
            children=[widgets.VBox([self.listing]), form],
            titles=("Other workshops", "New workshop"),
        )
        self.widget.add_class("sk-workshops-panel")
        self.redraw()

    def redraw(self) -> None:
        rows = self.ws.journal.workshops()
        items = "".join(
            f'<li><a href="{esc(_link(self.ws, r["slug"]))}">{esc(r["slug"])}</a>'
            f"{' (this one)' if r['slug'] == self.ws.slug else ''}</li>"
            for r in rows
        )
        self.listing.value = f"<ul>{items}</ul>"

    def create(self) -> str:
        """Create the workshop from the form; return its slug and show a link to it."""
        title = self.title.value.strip()
        taken = {r["slug"] for r in self.ws.journal.workshops()}
        slug = slug_for(title or "workshop", taken)
        if slug in taken:
            raise Conflict(f"A workshop {slug!r} exists already.")
        new = create_workshop(
            slug, title, client=self.client.value.strip(), date=self.date.value.strip(),
            db=self.ws.journal,
        )  # fmt: skip
        if self.questionnaire.value:
            from ...templates import load_questionnaire, questionnaire_files

            bank = load_questionnaire(questionnaire_files()[0])
            new.add_survey(**bank.to_survey_args())
        if self.journey.value:
            from ...templates import load_journey_template

            new.add_journey_from_template(load_journey_template(self.journey.value))
        self.created.value = (
            f'<p role="status">Created <b>{esc(title)}</b> (join code '
            f"<b>{esc(new.state.join_code)}</b>). "
            f'<a href="{esc(_link(self.ws, slug))}">Open its start page</a></p>'
        )
        self.redraw()
        return slug
