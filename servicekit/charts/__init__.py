"""Charts: pure functions from models and analysis to altair charts, and the offline renderer.

Charts are values: build one, inspect ``to_dict()``, and render it at the edge
with :func:`servicekit.charts.render.mimebundle`, which works in Voila with no
network (see the module's docstring).
"""
