"""Shared machinery of the pure models: a small codec, validators and ids.

Models are frozen dataclasses. Construction validates the whole value; pure
updates (``with_*`` methods) validate only what they change and build the new
value with :func:`evolve`, so a long workshop does not re-check every node on
every click. ``to_dict``/``from_dict`` are driven by the type hints, so a field
added to a model is serialised without further code.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import secrets
import types
import typing
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar, cast

from ..errors import FormatVersionError, InvalidInput

__all__ = [
    "FORMAT_VERSION",
    "MAX_NAME",
    "MAX_TEXT",
    "Model",
    "check_choice",
    "check_id",
    "check_text",
    "evolve",
    "new_id",
]

#: Version of the dictionaries written by ``to_dict`` (exports, snapshots).
FORMAT_VERSION = 1

#: Longest name, title or label, in characters.
MAX_NAME = 200
#: Longest free text (an answer, evidence, a note), in characters.
MAX_TEXT = 5000

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")

M = TypeVar("M", bound="Model")


def new_id(prefix: str = "") -> str:
    """Return a fresh random id, unique across processes without coordination."""
    return prefix + secrets.token_hex(6)


def evolve(obj: M, **changes: Any) -> M:
    """Copy a frozen model with some fields changed, without re-validating it.

    Only for updates that have validated their own change.
    """
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(changes)
    return new


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_id(field: str, value: Any) -> str:
    """Ids are short: letters, digits and ``_ . : -``, starting with a letter or digit."""
    if not isinstance(value, str) or not _ID.match(value):
        msg = (
            f"{field}: {_show(value)} is not a valid id. Use 1-64 letters, digits, '_', '.', ':' "
            "or '-', starting with a letter or digit."
        )
        raise InvalidInput(msg)
    return value


def check_text(field: str, value: Any, *, limit: int = MAX_TEXT, required: bool = False) -> str:
    """Check free text: a string, within ``limit`` characters, non-blank if required."""
    if not isinstance(value, str):
        raise InvalidInput(f"{field}: expected text, received {_show(value)}.")
    if len(value) > limit:
        msg = (
            f"{field}: the text is {len(value):,} characters long; the limit is {limit:,}. "
            "Shorten it, or put the detail in a linked document."
        )
        raise InvalidInput(msg)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            f"{field}: the text contains a broken character (an unpaired surrogate). Retype it."
        ) from None
    if required and not value.strip():
        raise InvalidInput(f"{field}: must not be empty. Type a few words.")
    return value


def check_choice(field: str, value: Any, choices: Iterable[Any]) -> Any:
    """Check that ``value`` is one of ``choices``."""
    options = tuple(choices)
    if value not in options:
        listed = ", ".join(repr(c) for c in options)
        raise InvalidInput(f"{field}: {_show(value)} is not allowed. Use one of: {listed}.")
    return value


def check_format_version(data: Mapping[str, Any], where: str) -> None:
    """Refuse data from a newer servicekit, with the fix."""
    version = data.get("format_version", FORMAT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidInput(f"{where}: format_version must be a whole number, not {_show(version)}.")
    if version > FORMAT_VERSION:
        msg = (
            f"{where}: written in format version {version}, but this servicekit reads up to "
            f"version {FORMAT_VERSION}. Upgrade servicekit (pip install -U servicekit) to open it."
        )
        raise FormatVersionError(msg)


class Model:
    """Mixin for frozen dataclasses: lossless ``to_dict``/``from_dict``."""

    _hints: ClassVar[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: dicts, lists, strings, numbers, booleans, None."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls: type[M], data: Any, *, where: str | None = None) -> M:
        """Build and validate from plain data; errors name the path to the bad field.

        A compiled decoder handles well-formed data quickly (snapshots of large
        workshops); only when something is wrong does the slower, path-tracking
        decoder run again to say exactly where.
        """
        try:
            result: M = _compiled(cast(Hashable, cls))(data)
            return result
        except (InvalidInput, _Mismatch):
            return _decode_model(cls, data, where or cls.__name__)

    @classmethod
    def _type_hints(cls) -> dict[str, Any]:
        if "_hints" not in cls.__dict__:
            cls._hints = typing.get_type_hints(cls)
        return cls._hints


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


_KIND = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}


class _Mismatch(Exception):
    """Raised by the fast decoder; the located decoder then explains what is wrong."""


@functools.cache
def _compiled(tp: Any) -> Callable[[Any], Any]:
    """A decoder for ``tp`` without error locations: the fast path of :meth:`Model.from_dict`."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [o for o in typing.get_args(tp) if o is not type(None)]
        nullable = len(options) < len(typing.get_args(tp))
        decoders = [_compiled(o) for o in options]

        def union(data: Any) -> Any:
            if data is None and nullable:
                return None
            for decode in decoders:
                try:
                    return decode(data)
                except (_Mismatch, InvalidInput):
                    continue
            raise _Mismatch

        return union
    if origin is tuple:
        (arg,) = {a for a in typing.get_args(tp) if a is not Ellipsis}
        item = _compiled(arg)

        def sequence(data: Any) -> tuple[Any, ...]:
            if not isinstance(data, list | tuple):
                raise _Mismatch
            return tuple(item(v) for v in data)

        return sequence
    if origin is dict:
        value = _compiled(typing.get_args(tp)[1])

        def mapping(data: Any) -> dict[str, Any]:
            if not isinstance(data, Mapping):
                raise _Mismatch
            return {k if type(k) is str else _fail(): value(v) for k, v in data.items()}

        return mapping
    if isinstance(tp, type) and issubclass(tp, Model):
        return _compiled_model(tp)
    if tp is float:
        return lambda data: float(data) if type(data) in (int, float) else _fail()
    if tp is int:
        return lambda data: data if type(data) is int else _fail()
    if tp is Any:
        return lambda data: data
    return lambda data: data if isinstance(data, tp) else _fail()


def _compiled_model(cls: type[Model]) -> Callable[[Any], Any]:
    hints = cls._type_hints()
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    decoders = {f.name: _compiled(hints[f.name]) for f in fields}
    known = set(decoders) | {"format_version"}
    required = {
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }

    def model(data: Any) -> Any:
        if (
            not isinstance(data, Mapping)
            or not known.issuperset(data)
            or not required.issubset(data)
        ):
            raise _Mismatch
        return cls(**{k: decoders[k](v) for k, v in data.items() if k != "format_version"})

    return model


def _fail() -> Any:
    raise _Mismatch


def _decode(tp: Any, data: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if data is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _decode(option, data, where)
            except InvalidInput as exc:
                errors.append(str(exc))
        raise InvalidInput(
            errors[0] if len(errors) == 1 else f"{where}: {_show(data)} is not valid here."
        )
    if origin is tuple:
        if not isinstance(data, list | tuple):
            raise InvalidInput(f"{where}: expected a list, received {_show(data)}.")
        (item,) = {a for a in typing.get_args(tp) if a is not Ellipsis}
        return tuple(_decode(item, v, f"{where}[{i}]") for i, v in enumerate(data))
    if origin is dict:
        if not isinstance(data, Mapping):
            raise InvalidInput(f"{where}: expected a mapping, received {_show(data)}.")
        _, item = typing.get_args(tp)
        out = {}
        for key, v in data.items():
            if not isinstance(key, str):
                raise InvalidInput(f"{where}: keys must be text, received {_show(key)}.")
            out[key] = _decode(item, v, f"{where}[{key!r}]")
        return out
    if isinstance(tp, type) and issubclass(tp, Model):
        return _decode_model(tp, data, where)
    if tp is float:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return float(data)
    elif tp is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
    elif tp is Any or isinstance(data, tp):
        return data
    raise InvalidInput(f"{where}: expected {_KIND.get(tp, tp)}, received {_show(data)}.")


def _decode_model(cls: type[M], data: Any, where: str) -> M:
    if not isinstance(data, Mapping):
        raise InvalidInput(f"{where}: expected a mapping of fields, received {_show(data)}.")
    hints = cls._type_hints()
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - names - {"format_version"}
    if unknown:
        msg = (
            f"{where}: unknown field {sorted(unknown)[0]!r}. "
            f"Known fields: {', '.join(sorted(names))}."
        )
        raise InvalidInput(msg)
    required = {
        f.name
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    missing = required - set(data)
    if missing:
        raise InvalidInput(f"{where}: missing field {sorted(missing)[0]!r}.")
    kwargs = {k: _decode(hints[k], v, f"{where}.{k}") for k, v in data.items() if k in names}
    try:
        return cls(**kwargs)
    except InvalidInput as exc:
        if getattr(exc, "located", False):
            raise
        located = InvalidInput(f"{where}: {exc}")
        located.located = True  # type: ignore[attr-defined]
        raise located from None
