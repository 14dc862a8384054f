"""Charts: pure functions from models and analysis to altair charts, and the offline renderer.

Charts are values: build one, inspect ``to_dict()``, and render it at the edge
with :func:`servicekit.charts.render.mimebundle`, which works in Voila with no
network (see the module's docstring). Redraws and exports use each chart's
``xxx_spec(...)`` instead: the same spec from a template stored as JSON, with the
data filled in, so they never import altair (see :mod:`servicekit.charts.templates`).
"""
