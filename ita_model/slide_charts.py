"""Meeting mode's charts: a dashboard figure sized to the slide's room and type.

``handouts.figures.scaled`` grows every font and the margins that hold text; a legend that sat
above the plot (``charts.style``'s place) moves to the top of the figure, in a top margin made
for its larger type, so it never overlaps the bars at 2-3× the type size.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ita_model.handouts.figures import scaled

LEGEND_LINE = 2.4  # the top margin, in legend font sizes


def slide_figure(fig: go.Figure, *, height: int, font_scale: float) -> go.Figure:
    """A copy of ``fig`` ``height`` px tall with every font ``font_scale`` times as big."""
    big = scaled(fig, font_scale=font_scale, height=height)
    legend = big.layout.legend
    if big.layout.showlegend is not False and legend.yanchor == "bottom" and legend.y == 1.0:
        size = legend.font.size or 13 * font_scale
        big.update_layout(
            legend={"yref": "container", "y": 1.0, "yanchor": "top"},
            margin={"t": round(size * LEGEND_LINE)},
        )
    return big
