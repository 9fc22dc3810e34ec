"""Small inline SVG charts: no script, no external resources, readable without colour (values are printed)."""

from __future__ import annotations

from html import escape

PALETTE = ("#3b6ea5", "#e08a2c", "#5a9e6f", "#b5534a", "#8a6bb1", "#7f7f7f")
_ROW = 22
_VALUE_W = 80


def _label_width(labels) -> int:
    # About 7 px a character at 12 px; long enough for the longest label, within reason.
    return min(260, max(60, 7 * max((len(str(x)) for x in labels), default=0) + 12))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(items: list[tuple[str, float]], *, title: str, width: int = 640, color: str = PALETTE[0]) -> str:
    """A horizontal bar chart of ``(label, value)`` pairs, in the order given.

    >>> bar_chart([("kept", 120), ("deleted", 30)], title="Where posts went")
    """
    if not items:
        return f'<p class="empty">{escape(title)}: nothing to show.</p>'
    top = max(v for _, v in items) or 1
    label_w = _label_width(label for label, _ in items)
    plot_w = width - label_w - _VALUE_W
    height = _ROW * len(items) + 8
    rows = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * _ROW
        w = max(1.0, plot_w * value / top) if value else 0
        rows.append(
            f'<g class="bar" data-label="{escape(str(label))}" data-value="{value}">'
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(str(label))}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{_ROW - 6}" fill="{color}"><title>{escape(str(label))}: {_fmt(value)}</title></rect>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="value">{_fmt(value)}</text></g>'
        )
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(rows)}</svg>'
    )


def stacked_bar_chart(rows: list[tuple[str, dict[str, float]]], series: list[str], *, title: str, width: int = 640) -> str:
    """Horizontal stacked bars: one bar per row label, one segment per series (with a legend)."""
    if not rows:
        return f'<p class="empty">{escape(title)}: nothing to show.</p>'
    top = max(sum(parts.get(s, 0) for s in series) for _, parts in rows) or 1
    label_w = _label_width(label for label, _ in rows)
    plot_w = width - label_w - _VALUE_W
    legend_h = 24
    height = legend_h + _ROW * len(rows) + 8
    legend = "".join(
        f'<rect x="{label_w + i * 120}" y="4" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
        f'<text x="{label_w + i * 120 + 16}" y="14">{escape(s)}</text>'
        for i, s in enumerate(series)
    )
    out = []
    for r, (label, parts) in enumerate(rows):
        y = legend_h + 4 + r * _ROW
        x = float(label_w)
        segments = []
        for i, s in enumerate(series):
            value = parts.get(s, 0)
            w = plot_w * value / top
            if value:
                segments.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w, 1.0):.1f}" height="{_ROW - 6}" fill="{PALETTE[i % len(PALETTE)]}">'
                    f"<title>{escape(str(label))} {escape(s)}: {_fmt(value)}</title></rect>"
                )
            x += w
        total = sum(parts.get(s, 0) for s in series)
        out.append(
            f'<g class="bar" data-label="{escape(str(label))}" data-value="{total}">'
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(str(label))}</text>{"".join(segments)}'
            f'<text x="{x + 6:.1f}" y="{y + 15}" class="value">{_fmt(total)}</text></g>'
        )
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{legend}{"".join(out)}</svg>'
    )
