"""Show altair charts in Voila and Jupyter with no network.

altair's default renderer loads vega from a CDN, and altair 6's own mimetype
(Vega-Lite v6) is unknown to Voila. Voila bundles a Vega-Lite v5 renderer, so a
chart is sent as ``application/vnd.vegalite.v5+json`` (with a v5 ``$schema``),
plus an ``image/png`` entry that Voila's renderer requires beside it. Clicking a
mark that has an ``href`` navigates within the page (``target: _self``), which is
how a chart tells the kernel which item was clicked (see ``ui/views/bridge.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import altair as alt

__all__ = ["MIME", "bundle", "embed_metadata", "mimebundle", "output_item", "spec"]

MIME = "application/vnd.vegalite.v5+json"
_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier; never fetched
# A 1x1 transparent PNG: Voila's vega renderer needs an image entry beside the spec.
_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec, unvalidated (fast) and labelled v5 for Voila's renderer."""
    data: dict[str, Any] = chart.to_dict(validate=False)
    data["$schema"] = _SCHEMA
    return data


def embed_metadata() -> dict[str, Any]:
    """Display metadata: no action menu, SVG (crisp on a projector, text stays text), in-page links."""
    return {
        MIME: {
            "embed_options": {"actions": False, "renderer": "svg", "loader": {"target": "_self"}}
        }
    }


def bundle(vega_lite: dict[str, Any]) -> dict[str, Any]:
    """The display data for a Vega-Lite v5 spec (from :func:`spec` or a fast path)."""
    return {MIME: vega_lite, "image/png": _PNG, "text/plain": "<chart>"}


def mimebundle(chart: alt.TopLevelMixin) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(data, metadata)`` for ``IPython.display.display(data, metadata=..., raw=True)``."""
    return bundle(spec(chart)), embed_metadata()


def output_item(chart_or_spec: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    """One entry for ``ipywidgets.Output.outputs``: replacing that tuple redraws the chart."""
    vega_lite = chart_or_spec if isinstance(chart_or_spec, dict) else spec(chart_or_spec)
    return {"output_type": "display_data", "data": bundle(vega_lite), "metadata": embed_metadata()}
