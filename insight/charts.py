"""The geometry of the cluster-in-numbers charts, drawn as SVG by plain templates.

Why plain SVG templates and no charting library: the charts are three simple
shapes (bars, one line, dots on an outline), and what matters is that they
are rendered on the server, readable without JavaScript, accessible
(``<title>``, ``<desc>``, ``role="img"``, the same figures as a table) and
allowed by the site's Content-Security-Policy (no inline script or style).
The well-kept Python libraries either draw with JavaScript in the browser
(Plotly, Bokeh, Altair/Vega), or produce SVG without titles, descriptions or
roles and with inline styles (matplotlib, pygal with its script), and each
would be a large new dependency for a few rectangles. Here Python computes
positions (this module) and the templates in ``templates/insight/charts/``
write the elements; colours come from the site's stylesheet
(``static/css/insight.css``).

Every chart has a ``viewBox`` and no fixed size, so it scales to the width of
a phone or a desktop column; sizes here are in viewBox units.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .numbers import Figure, Row

OUTLINE_FILE = Path(__file__).resolve().parent / "data" / "staffordshire.geojson"

BAR_WIDTH = 400  # the viewBox's width
BAR_ROW = 44  # a label's line and its bar
BAR_VALUE_ROOM = 48  # right of the longest bar, for its number


@dataclass
class Bar:
    label: str
    count: int
    y: float  # the top of the label's line
    width: float

    @property
    def label_y(self) -> float:
        return self.y + 15

    @property
    def bar_y(self) -> float:
        return self.y + 20

    @property
    def value_x(self) -> float:
        return round(self.width + 6, 1)

    @property
    def value_y(self) -> float:
        return self.y + 33


def bars(figure: Figure) -> dict:
    rows = figure.shown_rows
    most = max((row.count for row in rows), default=0) or 1
    room = BAR_WIDTH - BAR_VALUE_ROOM
    drawn = [
        Bar(row.label, row.count, n * BAR_ROW, round(max(1.0, room * row.count / most), 1))
        for n, row in enumerate(rows)
    ]
    return {"width": BAR_WIDTH, "height": max(len(drawn), 1) * BAR_ROW + 4, "bars": drawn}


def nice_step(most: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5, 10, 20, 50...) giving about ``ticks`` gridlines up to ``most``."""
    raw = max(most, 1) / ticks
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(1, int(factor * power))
    return int(10 * power)


LINE = {"width": 400, "height": 240, "left": 40, "right": 12, "top": 12, "bottom": 36}


def line(figure: Figure, labels: int = 4) -> dict:
    """A line through every period with a count to show; suppressed periods have no point."""
    box = LINE
    plot_w = box["width"] - box["left"] - box["right"]
    plot_h = box["height"] - box["top"] - box["bottom"]
    rows = figure.rows
    most = max((row.count or 0 for row in rows), default=0)
    step = nice_step(most)
    top = max(step, math.ceil(most / step) * step)

    def x(n: int) -> float:
        return box["left"] + (plot_w * n / (len(rows) - 1) if len(rows) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return box["top"] + plot_h * (1 - value / top)

    points = [
        {"x": round(x(n), 1), "y": round(y(row.count), 1), "label": row.label, "count": row.count}
        for n, row in enumerate(rows)
        if row.count is not None
    ]
    every = max(1, math.ceil(len(rows) / labels))
    x_labels = [
        {"x": round(x(n), 1), "label": row.label}
        for n, row in enumerate(rows)
        if n % every == 0 or n == len(rows) - 1 and (n % every) > every / 2
    ]
    grid = [{"y": round(y(v), 1), "value": v} for v in range(0, top + 1, step)]
    return {
        **box,
        "plot_right": box["width"] - box["right"],
        "tick_x": box["left"] - 6,
        "axis_y": box["top"] + plot_h,
        "label_y": box["top"] + plot_h + 22,
        "points": points,
        "path": " ".join(f"{p['x']},{p['y']}" for p in points),
        "x_labels": x_labels,
        "grid": grid,
    }


@cache
def outline() -> list[dict]:
    """The county's and the city's outlines from the shipped GeoJSON: [{name, role, ring}]."""
    data = json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))
    return [
        {
            "name": feature["properties"]["name"],
            "role": feature["properties"]["role"],
            "ring": [tuple(point) for point in feature["geometry"]["coordinates"][0]],
        }
        for feature in data["features"]
    ]


MAP_WIDTH = 400
MAP_PAD = 12
DOT_MIN, DOT_MAX = 4.0, 18.0
# A town label's box, roughly: its characters at 15px, one line high.
LABEL_CHAR = 8.0
LABEL_HEIGHT = 18.0


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class Projection:
    """Longitude and latitude to viewBox units: equirectangular, true to scale at the
    county's middle latitude (over 80 km the distortion is invisible)."""

    def __init__(self, rings):
        lons = [lon for ring in rings for lon, _lat in ring]
        lats = [lat for ring in rings for _lon, lat in ring]
        self.west, self.north = min(lons), max(lats)
        self.squash = math.cos(math.radians((min(lats) + max(lats)) / 2))
        span = (max(lons) - self.west) * self.squash
        self.scale = (MAP_WIDTH - 2 * MAP_PAD) / span
        self.height = (self.north - min(lats)) * self.scale + 2 * MAP_PAD

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = MAP_PAD + (lon - self.west) * self.squash * self.scale
        y = MAP_PAD + (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)


def dot_radius(count: int, most: int) -> float:
    """Dots sized by area: twice the members, twice the ink."""
    return round(DOT_MIN + (DOT_MAX - DOT_MIN) * math.sqrt(count / max(most, 1)), 1)


def town_map(figure: Figure) -> dict:
    shapes = outline()
    project = Projection([shape["ring"] for shape in shapes])
    areas = [
        {
            "name": shape["name"],
            "role": shape["role"],
            "points": " ".join(f"{x},{y}" for x, y in (project(*p) for p in shape["ring"])),
        }
        for shape in shapes
    ]
    towns: list[Row] = [row for row in figure.shown_rows if row.lon is not None]
    most = max((row.count for row in towns), default=1)
    dots = []
    for row in towns:
        x, y = project(row.lon, row.lat)
        r = dot_radius(row.count, most)
        dots.append({"label": row.label, "count": row.count, "x": x, "y": y, "r": r})
    # A label may cover neither another label nor any dot.
    taken = [(d["x"] - d["r"], d["y"] - d["r"], d["x"] + d["r"], d["y"] + d["r"]) for d in dots]
    for row, dot in zip(towns, dots, strict=True):  # largest first: big towns get labels
        x, y, r = dot["x"], dot["y"], dot["r"]
        width = LABEL_CHAR * len(f"{row.label} {row.count}")
        # To the right of the dot, else to its left, else no label (the table has it).
        for anchor, left in (("start", x + r + 4), ("end", x - r - 4 - width)):
            box = (left, y - LABEL_HEIGHT / 2, left + width, y + LABEL_HEIGHT / 2)
            inside = box[0] >= 0 and box[2] <= MAP_WIDTH
            if inside and not any(_overlap(box, other) for other in taken):
                taken.append(box)
                dot["anchor"] = anchor
                dot["text_x"] = round(x + r + 4 if anchor == "start" else x - r - 4, 1)
                break
    return {"width": MAP_WIDTH, "height": round(project.height), "areas": areas, "dots": dots}


DRAWERS = {"bars": bars, "line": line, "map": town_map}


def drawn(figure: Figure) -> dict:
    """What the figure's template needs to draw it."""
    return DRAWERS[figure.kind](figure)
