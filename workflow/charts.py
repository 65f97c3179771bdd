"""Server-rendered SVG bar charts for the admin dashboards: no JavaScript, no CDN.

A chart is decoration for the table printed under it (the accessible version), so the SVG is
``aria-hidden`` apart from its title; every number it shows is in that table.
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

COLOURS = ["#007d7e", "#cd4444", "#e9b04d", "#5c6bc0"]
ROW, LABEL, WIDTH, BAR = 22, 150, 560, 16


def bar_chart(title, rows, *, series, maximum=None, percent=False):
    """Horizontal bars: ``rows`` is [(label, [value per series])], ``series`` the series'
    names (a legend when more than one). Values are numbers or None (drawn as nothing).
    ``percent``: values are shares 0..1 and the axis runs to 100 %."""
    values = [v for _label, vs in rows for v in vs if v is not None]
    top = 1 if percent else (maximum or max(values, default=0) or 1)
    n = len(series)
    band = ROW * n + 6
    legend = 20 if n > 1 else 0
    height = legend + band * len(rows) + 24
    plot = WIDTH - LABEL - 60
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="compliance-chart" role="img" '
            'width="{}" height="{}" viewBox="0 0 {} {}" font-family="sans-serif" '
            'font-size="12"><title>{}</title>',
            WIDTH,
            height,
            WIDTH,
            height,
            title,
        )
    ]
    if n > 1:
        for i, name in enumerate(series):
            x = LABEL + i * 120
            parts.append(
                format_html(
                    '<rect x="{}" y="4" width="12" height="12" fill="{}"/>'
                    '<text x="{}" y="14">{}</text>',
                    x,
                    COLOURS[i % len(COLOURS)],
                    x + 16,
                    name,
                )
            )
    for r, (label, vs) in enumerate(rows):
        y0 = legend + r * band
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                LABEL - 6,
                y0 + band / 2 + 4,
                label,
            )
        )
        for i, value in enumerate(vs):
            if value is None:
                continue
            y = y0 + i * ROW + 3
            length = round(plot * min(value / top, 1), 1) if top else 0
            shown = f"{value:.0%}" if percent else f"{value:,}"
            parts.append(
                format_html(
                    '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    '<text x="{}" y="{}">{}</text>',
                    LABEL,
                    y,
                    length,
                    BAR,
                    COLOURS[i % len(COLOURS)],
                    LABEL + length + 4,
                    y + 12,
                    shown,
                )
            )
    axis_y = legend + band * len(rows) + 4
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#777"/>'
            '<text x="{}" y="{}">0</text><text x="{}" y="{}" text-anchor="end">{}</text>',
            LABEL,
            axis_y,
            LABEL + plot,
            axis_y,
            LABEL,
            axis_y + 14,
            LABEL + plot,
            axis_y + 14,
            "100%" if percent else f"{top:,}",
        )
    )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))
