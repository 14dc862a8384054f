"""Widgets for the Voila apps: the only package that imports ipywidgets.

Views are small functions ``f(workshop, ...) -> Widget`` that read the model and
call intents; apps compose views. Nothing here holds state of its own.
"""

from .apps.start import start_app

__all__ = ["start_app"]
