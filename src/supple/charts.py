"""Charts of 0–10 ratings, drawn by pygal as SVG, for the web pages and the clinician report.

A fixed 0–10 scale keeps a small wobble from looking like a big change. The two media differ
only in looks: on screen the chart takes the page's colours (so it follows light and dark
themes) and scales with its box; on paper it has a white ground, a fixed size and a font that
WeasyPrint always has. Neither carries scripts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

Medium = Literal["screen", "phone", "paper"]
# (width, height, text size, x labels at most) of each medium's drawing. A chart's SVG scales
# to its box, so its text shrinks by box width / drawing width: the phone's drawing is about
# the width of a 360 px screen's card, which keeps its 15 px text at 12 px or more there.
LAYOUT = {"screen": (640, 300, 14, 7), "phone": (330, 280, 15, 4), "paper": (720, 260, 11, 8)}
COLOURS = ("#0b8f6b", "#c2410c", "#2563eb")
PAPER_COLOURS = ("#0b6b50", "#c2410c", "#2563eb")


def rating_chart(
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    medium: Medium = "screen",
) -> str:
    """A line chart of 0–10 ratings, one line per series, gaps where a day has no rating.

    ``labels`` are the x axis's words (real dates, e.g. "2 Nov"); only a few are written, evenly
    spaced, so they never overlap or get cut.
    """
    import pygal
    from pygal.style import Style

    paper = medium == "paper"
    ground = "white" if paper else "transparent"
    ink = "#1a1a1a" if paper else "currentColor"
    width, height, text_size, most_labels = LAYOUT[medium]
    style = Style(
        background=ground,
        plot_background=ground,
        foreground=ink,
        foreground_strong=ink,
        foreground_subtle="#cccccc" if paper else "#8a958f",
        colors=PAPER_COLOURS if paper else COLOURS,
        font_family="DejaVu Sans, sans-serif" if paper else "system-ui, sans-serif",
        label_font_size=text_size,
        major_label_font_size=text_size,
        legend_font_size=12 if paper else text_size,
        title_font_size=14 if paper else text_size + 2,
        value_font_size=text_size,
        tooltip_font_size=text_size,
    )
    chart = pygal.Line(
        style=style,
        js=[],
        width=width,
        height=height,
        range=(0, 10),
        show_dots=True,
        dots_size=2.5 if paper else 3,
        allow_interruptions=True,
        x_label_rotation=0,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, -(-len(labels) // most_labels)),
        truncate_label=-1,
        margin=8,
        legend_at_bottom=True,
        disable_xml_declaration=True,
        explicit_size=False,
        title=title,
    )
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, list(values))
    svg: str = chart.render(is_unicode=True)
    # pygal always embeds a small inline <script> (its tooltip config); the charts need no
    # script, and the pages' Content-Security-Policy refuses inline ones.
    svg = re.sub(r"<script\b[^>]*>.*?</script>", "", svg, flags=re.S)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{title}" ', 1)
