"""Widgets for the Voila apps: the only package that imports ipywidgets.

Views are small functions ``f(workshop, ...) -> Widget`` that read the model and
call intents; apps compose views. Nothing here holds state of its own.
"""

from .apps.five_whys import five_whys_app
from .apps.start import start_app

__all__ = ["five_whys_app", "start_app"]
