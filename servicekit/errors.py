"""The exceptions servicekit raises.

Every message a person may see says what was wrong, where, and how to fix it.
Catch :class:`ServiceKitError` to handle them all.
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "Conflict",
    "FormatVersionError",
    "InvalidInput",
    "NotFound",
    "ServiceKitError",
    "StorageError",
]


class ServiceKitError(Exception):
    """Base class of every error servicekit raises on purpose."""


class InvalidInput(ServiceKitError, ValueError):
    """A value was refused: wrong type, out of range, too long, unknown name."""


class NotFound(ServiceKitError, LookupError):
    """A workshop, exercise, node, step or question with that id does not exist."""

    def __str__(self) -> str:  # LookupError would quote the message like a key
        return str(self.args[0]) if self.args else ""


class Conflict(ServiceKitError):
    """The change clashes with the current state (a duplicate id, a cycle, a closed survey)."""


class FormatVersionError(ServiceKitError):
    """Data written by a newer servicekit, or in a format this version cannot read."""


class StorageError(ServiceKitError):
    """The database file cannot be used (not SQLite, unreadable, newer schema)."""


class AccessDenied(ServiceKitError, PermissionError):
    """The page or the person may not do this: a wrong join code, key or sign-in."""
