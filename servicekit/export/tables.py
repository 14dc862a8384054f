"""Tables as CSV that a spreadsheet opens safely.

Participant text is untrusted and CSV files end up in Excel or similar, where a
cell such as ``=HYPERLINK(...)`` or ``+cmd|...`` would run as a formula. A
leading apostrophe makes the spreadsheet treat the cell as text and is not shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

__all__ = ["FORMULA_START", "frame_csv", "safe_cell"]

#: Excel, LibreOffice and Google Sheets run a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text.

    >>> safe_cell("=1+1"), safe_cell("fine")
    ("'=1+1", 'fine')
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def frame_csv(table: pd.DataFrame) -> str:
    """A data frame as CSV text with every text cell made safe; numbers stay numbers."""
    safe = table.map(lambda v: safe_cell(v) if isinstance(v, str) else v)
    safe.columns = [safe_cell(str(c)) for c in table.columns]
    text: str = safe.to_csv(index=False)
    return text
