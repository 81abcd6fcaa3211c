"""Charts for the clinician report, drawn by pygal as SVG on the fixed 0–10 scale.

A fixed scale keeps a small wobble from looking like a big change. These are made for paper
and for a report opened in any browser: plain fonts and colours, no scripts.
"""

from __future__ import annotations

from collections.abc import Sequence

COLOURS = ("#0b6b50", "#c2410c", "#2563eb")


def rating_chart(
    title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]]
) -> str:
    """A line chart of 0–10 ratings, one line per series, gaps where a day has no rating."""
    import pygal
    from pygal.style import Style

    style = Style(
        background="white",
        plot_background="white",
        foreground="#1a1a1a",
        foreground_strong="#1a1a1a",
        foreground_subtle="#cccccc",
        colors=COLOURS,
        font_family="DejaVu Sans, sans-serif",
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=12,
        title_font_size=14,
    )
    chart = pygal.Line(
        style=style,
        js=[],
        width=720,
        height=260,
        range=(0, 10),
        show_dots=True,
        dots_size=2.5,
        allow_interruptions=True,
        x_label_rotation=0,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(labels) // 7),
        legend_at_bottom=True,
        disable_xml_declaration=True,
        title=title,
    )
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, list(values))
    svg: str = chart.render(is_unicode=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{title}" ', 1)
