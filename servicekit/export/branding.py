"""Per-client branding of the findings report, read from a YAML file a consultant edits.

A branding file names the report's title and subtitle, a logo (embedded in the report,
so the file stays self-contained), two colours, a confidentiality line and the Jinja2
template that lays the report out. Every refusal names the file, the line, the field
and the fix (see ``docs/report.md``). The default is ``templates/report/branding.yaml``.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidInput
from ..templates import _TEMPLATES, _read, _Reader, _yaml_files

__all__ = ["REPORT_TEMPLATES", "Branding", "branding_files", "load_branding"]

#: Where the bundled report templates and branding files live.
REPORT_TEMPLATES = _TEMPLATES / "report"
_TOP = (
    "format_version",
    "title",
    "subtitle",
    "logo",
    "logo_alt",
    "colours",
    "confidentiality",
    "template",
)
_COLOURS = ("primary", "accent")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
#: A logo larger than this would make the report slow to email; 512 KiB is generous for a logo.
MAX_LOGO_BYTES = 512 * 1024


@dataclass(frozen=True)
class Branding:
    """How a report looks for one client. Empty ``title`` and ``subtitle`` use the workshop's."""

    title: str = ""
    subtitle: str = "Findings from the workshop"
    logo_data_uri: str = ""
    logo_alt: str = ""
    primary: str = "#1f3a5f"
    accent: str = "#b3261e"
    confidentiality: str = ""
    template: Path = REPORT_TEMPLATES / "report.html.j2"
    source: Path | None = field(default=None, compare=False)

    def confidentiality_for(self, client: str) -> str:
        """The confidentiality line with ``{client}`` filled in (the client's name, or "the client")."""
        return self.confidentiality.replace("{client}", client.strip() or "the client")


def branding_files() -> list[Path]:
    """The bundled branding files."""
    return _yaml_files(REPORT_TEMPLATES)


def load_branding(path: str | Path | None = None) -> Branding:
    """Read and check a branding file (default: the bundled ``branding.yaml``).

    Raises :class:`~servicekit.errors.InvalidInput` naming the file, line and field.
    """
    path = Path(path) if path is not None else REPORT_TEMPLATES / "branding.yaml"
    if not path.exists() and not path.is_absolute():
        for candidate in (_TEMPLATES.parent / path, REPORT_TEMPLATES / f"{path}.yaml"):
            if candidate.exists():  # a page's kernel runs in notebooks/: paths from the checkout
                path = candidate
                break
    reader, root = _read(
        path, "branding files", branding_files(), REPORT_TEMPLATES / "branding.yaml"
    )
    return _BrandingReader(path, *reader).branding(root)


class _BrandingReader(_Reader):
    def branding(self, root: Any) -> Branding:
        self.format_version(root)
        keys = self.mapping(root, "", _TOP, ())
        values: dict[str, Any] = {"source": self.path}
        for key in ("title", "subtitle", "logo_alt", "confidentiality"):
            if key in keys:
                values[key] = self.text(keys[key][1], "", key)
        if "colours" in keys:
            colours = self.mapping(keys["colours"][1], "colours", _COLOURS, ())
            for name, (_, node) in colours.items():
                value = self.text(node, "colours", name)
                if not _HEX.match(value):
                    msg = (
                        f"{value!r} is not a colour. Write it as a hex code in quotes, "
                        f'e.g. {name}: "#1f3a5f".'
                    )
                    raise self.fail(node, "colours", name, msg)
                values[name] = value
        if "logo" in keys:
            node = keys["logo"][1]
            name = self.text(node, "", "logo")
            if name:
                values["logo_data_uri"] = self._logo(node, name)
                if not values.get("logo_alt"):
                    msg = "a logo needs a text alternative. Add logo_alt: with the client's name."
                    raise self.fail(node, "", "logo", msg)
        if "template" in keys:
            node = keys["template"][1]
            values["template"] = self._file(node, "template", self.text(node, "", "template"))
        return Branding(**values)

    def _file(self, node: Any, key: str, name: str) -> Path:
        """A file named relative to the branding file (then to the bundled report folder)."""
        for base in (self.path.parent, REPORT_TEMPLATES):
            candidate = (base / name).resolve()
            if candidate.is_file():
                return candidate
        msg = f"no file {name!r} next to this file or in {REPORT_TEMPLATES}. Check the name."
        raise self.fail(node, "", key, msg)

    def _logo(self, node: Any, name: str) -> str:
        path = self._file(node, "logo", name)
        kind = _LOGO_TYPES.get(path.suffix.lower())
        if kind is None:
            allowed = ", ".join(_LOGO_TYPES)
            raise self.fail(
                node, "", "logo", f"{path.name} is not an image this report can embed ({allowed})."
            )
        data = path.read_bytes()
        if len(data) > MAX_LOGO_BYTES:
            msg = (
                f"{path.name} is {len(data) // 1024} KiB; keep a logo under "
                f"{MAX_LOGO_BYTES // 1024} KiB so the report stays easy to email."
            )
            raise self.fail(node, "", "logo", msg)
        if kind == "image/svg+xml" and re.search(
            rb"<script|\son\w+\s*=|href\s*=\s*[\"']?(?:https?:|javascript:)", data, re.I
        ):
            msg = f"{path.name} contains scripts or outside links; export the logo as a plain SVG or a PNG."
            raise self.fail(node, "", "logo", msg)
        return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def check_template(path: Path) -> Any:
    """The Jinja2 template at ``path``, compiled; a syntax error names the file and the line."""
    import jinja2
    import markupsafe

    from ..charts.layout import plain

    def finalize(value: Any) -> Any:
        """Text leaves without the control characters HTML forbids; markup we made is kept."""
        if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
            return plain(value)
        return value

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(path.parent), str(REPORT_TEMPLATES)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
    )
    try:
        return env.get_template(path.name)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or str(path)
        raise InvalidInput(
            f"{where}, line {exc.lineno}: the report template has a mistake ({exc.message}). "
            "Check the {% %} and {{ }} tags on that line are closed and spelled as in report.html.j2."
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise InvalidInput(
            f"{path}: the template includes {exc.name!r}, which is not there."
        ) from None
