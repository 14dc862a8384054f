"""Exports: pure functions that turn models and analysis into text to save or share.

Participant text is untrusted, so every exporter escapes it for its format: a
Markdown outline shows it as typed, and a CSV cannot smuggle a formula into a
spreadsheet.
"""

from __future__ import annotations

from .five_whys import tree_csv, tree_markdown

__all__ = ["tree_csv", "tree_markdown"]
