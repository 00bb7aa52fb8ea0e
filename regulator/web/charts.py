"""Server-rendered SVG charts: no JavaScript library, no CDN, readable without scripts."""

from dataclasses import dataclass

PALETTE = ["#1f6f8b", "#e07a5f", "#81b29a", "#f2cc8f", "#6d597a", "#3d405b", "#b56576"]


@dataclass
class Segment:
    label: str
    value: int
    x: float
    width: float
    color: str


@dataclass
class Bar:
    label: str
    total: int
    y: float
    segments: list[Segment]


def stacked_bars(rows: list[tuple[str, dict[str, int]]], series: list[tuple[str, str]], *,
                 width: int = 640, bar_height: int = 22, gap: int = 8, label_width: int = 190) -> dict:
    """Horizontal stacked bars: ``rows`` is [(row label, {series key: value})], ``series`` [(key, label)]."""
    peak = max((sum(values.values()) for _, values in rows), default=0) or 1
    plot = width - label_width - 60
    bars = []
    for index, (label, values) in enumerate(rows):
        x = float(label_width)
        segments = []
        for series_index, (key, series_label) in enumerate(series):
            value = values.get(key, 0)
            w = plot * value / peak
            segments.append(Segment(series_label, value, x, w, PALETTE[series_index % len(PALETTE)]))
            x += w
        bars.append(Bar(label, sum(values.values()), index * (bar_height + gap), segments))
    legend = [(label, PALETTE[i % len(PALETTE)]) for i, (_, label) in enumerate(series)]
    return {"bars": bars, "legend": legend, "width": width, "height": len(rows) * (bar_height + gap),
            "bar_height": bar_height, "label_width": label_width}
