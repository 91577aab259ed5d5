"""Plotly figures as plain JSON for the page: no random ids, no template bloat."""

from __future__ import annotations

import html
import json
import textwrap
from typing import Any

import plotly.graph_objects as go

from .datasets import DatasetTable

_COLOURS = ["#b2182b", "#ef8a62", "#c9c9c9", "#67a9cf", "#2166ac"]
"""A diverging palette (ColorBrewer RdBu), distinguishable in both light and dark themes."""


def survey_figure(table: DatasetTable) -> dict[str, Any]:
    """A stacked horizontal bar chart of each statement's responses, as percentages of those answering."""
    meta = table.meta
    statements = [_label(s.text) for s in meta.statements]
    figure = go.Figure()
    palette = _COLOURS if len(meta.scale) == len(_COLOURS) else None
    for index, level in enumerate(meta.scale):
        counts = {c.statement: c for c in table.cells if c.response == level.id}
        values = [counts[s.id].percent for s in meta.statements]
        hover = [f"{level.label}: {counts[s.id].count} of {table.answered(s.id)} ({counts[s.id].percent:g}%)"
                 for s in meta.statements]
        figure.add_trace(go.Bar(
            name=level.label, y=statements, x=values, orientation="h", hovertext=hover, hoverinfo="text",
            marker={"color": palette[index]} if palette else None,
        ))
    figure.update_layout(
        barmode="stack", template="none", height=120 + 70 * len(statements),
        margin={"l": 10, "r": 10, "t": 10, "b": 40}, legend={"orientation": "h", "y": -0.15, "traceorder": "normal"},
        xaxis={"title": {"text": "% of practitioners answering"}, "range": [0, 100]},
        yaxis={"autorange": "reversed", "automargin": True},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
    )
    data: dict[str, Any] = json.loads(figure.to_json())
    data["layout"].pop("template", None)
    return {"data": data["data"], "layout": data["layout"]}


def _label(text: str, width: int = 38) -> str:
    """Wrap a long label for Plotly, which reads a little HTML: escape the text, then join with <br>."""
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width))
