"""The findings report: one self-contained HTML file a client opens offline, and its data bundle.

:func:`build_report` gathers the workshop's findings (:mod:`servicekit.analysis.workshop`),
renders every chart to static SVG (:mod:`servicekit.export.svg`) and fills a Jinja2
template chosen by the client's branding (:mod:`servicekit.export.branding`). The file
holds everything it shows: CSS inline, system fonts, the logo as a data URI, no script.
Participant text is escaped by the template engine (autoescape), never marked safe.

:func:`data_bundle` zips a CSV file per table plus the workshop's JSON export (with its
full history, so ``servicekit import-json`` restores the identical workshop).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..models import WorkshopState
from .branding import Branding, check_template, load_branding
from .svg import render_svgs, warm_up
from .tables import TABLES, frame_csv, workshop_tables

__all__ = ["Progress", "build_report", "data_bundle", "export_files"]

#: ``progress(done, total, what)``: called as the export advances, for a progress bar.
Progress = Callable[[int, int, str], None]

LENS_NAMES = {"people": "People", "process": "Process", "systems": "Systems", None: "No lens"}
STRENGTH_NAMES = {"fact": "Verified fact", "likely": "Likely", "opinion": "Opinion"}
KIND_NAMES = {
    "eliminate": "Eliminate",
    "move_earlier": "Move earlier",
    "simplify": "Simplify",
    "automate": "Automate",
}
LAYER_NAMES = {"intended": "As documented", "actual": "As it really runs"}


@dataclass(frozen=True)
class Figure:
    """A chart in the report: its anchor, its caption and the SVG markup."""

    id: str
    caption: str
    svg: str


def _charts(state: WorkshopState, min_group: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Every chart of the report as ``(figure id, caption, Vega-Lite spec)``, in report order."""
    from ..charts.five_whys import tree_spec
    from ..charts.journey import comparison_spec, friction_spec, network_spec, swimlane_spec

    out: list[tuple[str, str, dict[str, Any]]] = []
    for tid, tree in state.trees.items():
        if tree.visible_nodes():
            out.append((f"tree-{tid}", f"Five Whys tree: {tree.problem}", tree_spec(tree)))
    if state.surveys:
        from ..analysis.survey import department_scores, question_stats
        from ..charts.survey import distribution_spec, heatmap_spec

        for sid, survey in state.surveys.items():
            if not survey.answers:
                continue
            scores = department_scores(survey, min_group)
            if scores.departments:
                out.append(
                    (
                        f"heatmap-{sid}",
                        f"{survey.title}: mean answer by department and question",
                        heatmap_spec(survey, scores),
                    )
                )
            out.append(
                (
                    f"spread-{sid}",
                    f"{survey.title}: how answers spread",
                    distribution_spec(survey, question_stats(survey, min_group)),
                )
            )
    for jid, journey in state.journeys.items():
        name = journey.name
        if journey.actual.steps:
            out += [
                (f"swimlane-actual-{jid}", f"{name}: as it really runs", swimlane_spec(journey)),
                (f"friction-{jid}", f"{name}: friction and waiting", friction_spec(journey)),
                (f"network-{jid}", f"{name}: who hands work to whom", network_spec(journey)),
            ]
        if journey.actual.steps and journey.intended.steps:
            out.append(
                (
                    f"comparison-{jid}",
                    f"{name}: as documented against as it really runs",
                    comparison_spec(journey),
                )
            )
        if journey.intended.steps:
            out.append(
                (
                    f"swimlane-intended-{jid}",
                    f"{name}: as documented",
                    swimlane_spec(journey, "intended"),
                )
            )
    return out


def build_report(
    state: WorkshopState,
    branding: Branding | None = None,
    *,
    progress: Progress | None = None,
    min_group: int = 3,
    generated: dt.datetime | None = None,
) -> str:
    """The report as one HTML document: summary of findings, each exercise, data appendix.

    ``branding`` defaults to the bundled ``templates/report/branding.yaml``.
    ``progress`` hears about each chart rendered (the slow part) and the final page.
    """
    from ..analysis.five_whys import walk, warnings
    from ..analysis.workshop import workshop_findings

    warming = warm_up()  # overlaps the engine's start with the analysis and the chart specs
    branding = branding or load_branding()
    template = check_template(branding.template)
    specs = _charts(state, min_group)
    total = len(specs) + 2

    def step(done: int, what: str) -> None:
        if progress is not None:
            progress(done, total, what)

    step(0, "Analysing the workshop")
    found = workshop_findings(state, min_group=min_group)
    warming.join()
    svgs = render_svgs(
        [(caption, spec) for _, caption, spec in specs],
        progress=lambda done, _total, label: step(done, f"Drawing {label}"),
    )
    figures = {
        fid: Figure(fid, caption, svg) for (fid, caption, _), svg in zip(specs, svgs, strict=True)
    }
    tables = workshop_tables(state, min_group=min_group)
    step(total - 1, "Writing the page")
    surveys = _surveys(state, min_group)
    context = {
        "state": state,
        "branding": branding,
        "title": branding.title or state.title,
        "subtitle": branding.subtitle,
        "client": state.client,
        "confidentiality": branding.confidentiality_for(state.client),
        "generated": (generated or dt.datetime.now().astimezone()).strftime("%d %B %Y, %H:%M"),
        "found": found,
        "figures": figures,
        "trees": [
            {
                "id": tid,
                "tree": tree,
                "summary": found.trees[tid],
                "outline": walk(tree),
                "warnings": warnings(tree),
            }
            for tid, tree in state.trees.items()
        ],
        "surveys": surveys,
        "journeys": [
            {"id": jid, "journey": state.journeys[jid], "found": f}
            for jid, f in found.journeys.items()
        ],
        "tables": [
            {"id": key, "title": TABLES[key], "frame": frame}
            for key, frame in tables.items()
            if not frame.empty
        ],
        "lens_names": LENS_NAMES,
        "strength_names": STRENGTH_NAMES,
        "kind_names": KIND_NAMES,
        "layer_names": LAYER_NAMES,
        "minutes": _minutes,
        "percent": lambda x: "" if x is None else f"{x:.0%}",
        "cell": _cell,
    }
    page: str = template.render(context)
    step(total, "Done")
    return page


def _surveys(state: WorkshopState, min_group: int) -> list[dict[str, Any]]:
    if not state.surveys:
        return []
    from ..analysis.survey import divergence, open_answers, responses_by_department

    out = []
    for sid, survey in state.surveys.items():
        out.append(
            {
                "id": sid,
                "survey": survey,
                "respondents": len(survey.respondents),
                "departments": responses_by_department(survey, min_group),
                "divergences": [d for d in divergence(survey, min_group) if d.stats.n][:8],
                "open": open_answers(survey, min_group),
            }
        )
    return out


def _minutes(value: float | None) -> str:
    from ..models.journey import format_minutes

    return format_minutes(value)


def _cell(value: Any) -> str:
    """A table cell as text: blanks for missing numbers, numbers without float noise."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def data_bundle(export: dict[str, Any], state: WorkshopState, *, min_group: int = 3) -> bytes:
    """A zip of ``workshop.json`` (``export`` as from :meth:`Journal.export`) and one CSV per table.

    CSV files are UTF-8 with a byte-order mark (Excel then reads accents and emoji) and
    formula-safe cells.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("workshop.json", json.dumps(export, ensure_ascii=False, indent=1))
        for key, frame in workshop_tables(state, min_group=min_group).items():
            bundle.writestr(f"{key}.csv", "\ufeff" + frame_csv(frame))
        bundle.writestr("README.txt", _BUNDLE_README.format(title=state.title))
    return buffer.getvalue()


_BUNDLE_README = """Data behind the findings report for: {title}

workshop.json      the whole workshop with its history; restore it with
                   servicekit import-json workshop.json
*.csv              one table each (UTF-8); open in any spreadsheet
"""


def export_files(
    export: dict[str, Any],
    out: str | Path,
    branding: Branding | None = None,
    *,
    data: bool = True,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the report to ``out`` and, with ``data``, the bundle beside it (``<name>-data.zip``).

    Returns the paths written. The state is read from ``export`` (a journal export).
    """
    state = WorkshopState.from_dict(export["workshop"])
    out = Path(out)
    _replace(out, build_report(state, branding, progress=progress).encode("utf-8"))
    written = [out]
    if data:
        bundle = out.with_name(out.stem + "-data.zip")
        _replace(bundle, data_bundle(export, state))
        written.append(bundle)
    return written


def _replace(path: Path, content: bytes) -> None:
    """Write a file whole or not at all: a half-written report is never left behind."""
    part = path.with_name(path.name + ".part")
    part.write_bytes(content)
    part.replace(path)
