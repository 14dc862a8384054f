"""Widgets for the Voila apps: the only package that imports ipywidgets.

Views are small functions and classes that read the model and call intents;
apps compose views. Each app is imported only when a page asks for it, so a
participant's page loads nothing that the facilitator's pages need.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "five_whys_app",
    "journey_map_app",
    "participant_app",
    "start_app",
    "survey_dashboard_app",
    "survey_participant_app",
]

_APPS = {
    "five_whys_app": ".apps.five_whys",
    "journey_map_app": ".apps.journey_map",
    "participant_app": ".apps.participant",
    "start_app": ".apps.start",
    "survey_dashboard_app": ".apps.survey_dashboard",
    "survey_participant_app": ".apps.survey_participant",
}


def __getattr__(name: str) -> Any:
    if name in _APPS:
        return getattr(importlib.import_module(_APPS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
