"""Charts drawn by the server as SVG markup, to put inline into a page: a bar chart (minutes per
day or per week) and a donut (each project's or client's share) with its legend.

- **Readable at any width, without script.** Text is drawn at the page's own scale (CSS
  pixels: no ``viewBox`` scales it down on a phone), as solidtime's charts keep 12 px labels at
  any width. The bar chart has a fixed height and stretches to its box's width: bars and slots
  are percentages of it. Its hour labels sit left of the box (``x < 0``), in the margin the
  page gives it. The labels under the bars and the values on them carry the classes of the
  widths of box they fit (:data:`BANDS`), by which the page's container queries hide them in
  other boxes, so a phone shows every bar and every n-th label. The donut is a ring of
  fixed size with its legend as an HTML list beside it, which wraps under it where the two do
  not fit side by side.

- **Accessible.** The ``<svg>`` is ``role="img"`` named by its ``<title>`` and described by
  its ``<desc>`` (``aria-labelledby``/``aria-describedby``); every bar, slice and legend row
  carries a ``<title>`` with its label and value, which screen readers read and browsers show
  on hover. Values are written on the bars and in the legend too, so colour never carries
  anything alone. The page shows the same numbers as a table beside the chart.
- **Strict CSP.** No script, no event handler, no ``style`` attribute or element: only SVG
  presentation attributes (``fill=``, ``stroke=``, ``font-size=``) and classes, which a policy
  without ``'unsafe-inline'`` allows. Text and axes are ``currentColor``, so they follow the page's
  light or dark colours.
- **Colours.** :data:`PALETTE`, in the order the data comes: the caller orders it (largest
  first, then by name) so a chart of the same numbers always looks the same. Each colour has
  at least 3:1 contrast against white and against a near-black page (WCAG 1.4.11, tested),
  so bars and slices stand out in both schemes. Past eight items the colours repeat; the
  labels tell them apart.
- **Escaped.** Every text comes from users (project names): it is escaped for XML, and
  characters XML cannot hold at all (control characters) are dropped, so a project named
  ``<script>`` is the text ``<script>``.
- **Deterministic.** The same data gives the same bytes: numbers are written with at most two
  decimals and ids come from the caller's ``chart_id``.

The texts a chart shows beside the data (title, description, the empty state, how a value and
a share are written) come from the caller, in the person's language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from timetrack.web.durations import format_minutes

# Blue, orange, green, purple, teal, pink, olive, red (Tailwind's 600/700 steps).
PALETTE = (
    "#2563eb",
    "#c2410c",
    "#16a34a",
    "#9333ea",
    "#0e7490",
    "#be185d",
    "#4d7c0f",
    "#dc2626",
)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
LABEL_MAX = 28  # characters of a bar's label shown; its <title> has all of it

FONT_PX = 12  # every text of a chart: the smallest the page writes
BAR_HEIGHT = 240
_TOP, _BOTTOM = 20, 28
_HOUR_STEPS = (1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 200, 250, 500, 1000)
_CHAR_PX = 7.0  # a character of a label at 12 px, about (DejaVu Sans, the widest: 7.2)
_LABEL_GAP_PX = 8
_VALUE_PX = 34  # a value on a bar ("10:30") needs a bar this wide

# The bar chart's boxes by width: (class, the narrowest plot in px a box of that band gives the
# bars). A label or value carries the class of each band in whose narrowest plot it fits; the
# page hides it in boxes of the other bands (app.css, ``@container``: narrower than 30rem, up
# to 48rem, wider). The plot is the box less its margins, 48 px for the hour labels left of it
# and 16 px for the last label's overhang right of it: a box of 16rem (a phone 320 px wide)
# gives 192 px, one of 30rem 416 px, one of 48rem 704 px.
BANDS = (("narrow", 192), ("medium", 416), ("wide", 704))

DONUT_SIZE = 240
_RADIUS, _RING = 90.0, 36

Text = Callable[[int], str]


@dataclass(frozen=True, slots=True)
class Datum:
    label: str
    minutes: int


def colour(index: int) -> str:
    """The colour of the ``index``-th bar or slice."""
    return PALETTE[index % len(PALETTE)]


def _text(value: str) -> str:
    """``value`` as XML text or attribute content."""
    return escape(_NOT_XML.sub("", value), quote=True)


def _num(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros (the same bytes every time)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else f"{label[: LABEL_MAX - 1]}\u2026"


def _svg(chart_id: str, kind: str, size: str, title: str, description: str) -> list[str]:
    """The opening of a chart's ``<svg>`` of class ``kind``: ``size`` its width and height
    attributes (CSS px or %), with no ``viewBox``, so one unit is one CSS pixel at any width."""
    if not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id {chart_id!r}: a letter, then letters, digits, - or _")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{kind}" {size} '
        f'role="img" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'font-family="inherit" font-size="{FONT_PX}" fill="currentColor">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>',
    ]


def _refuse_negative(data: Sequence[Datum]) -> None:
    for datum in data:
        if datum.minutes < 0:
            raise ValueError(
                f"{datum.label!r}: {datum.minutes} minutes; a chart shows no negatives"
            )


def axis(largest: int) -> tuple[int, int]:
    """Where the value axis ends (minutes) and in how many steps: the lowest end at or above
    ``largest`` that is at most four equal steps of a round number of hours (the more steps
    of two equal ends); one hour for a chart of nothing."""
    fits = []
    for hours in _HOUR_STEPS:
        size = hours * 60
        steps = max(1, math.ceil(largest / size))
        if steps <= 4:
            fits.append((steps * size, -steps))
    if not fits:  # thousands of hours: no round step is needed
        size = math.ceil(largest / 4 / 60) * 60
        return 4 * size, 4
    top, steps = min(fits)
    return top, -steps


def band_steps(count: int, label_px: float) -> list[int]:
    """For each of :data:`BANDS`: every how many of ``count`` bars a label is written, so that
    labels ``label_px`` wide do not touch in the band's narrowest plot."""
    return [max(1, math.ceil(label_px * max(count, 1) / plot_px)) for _, plot_px in BANDS]


def _classes(name: str, shown: Sequence[bool]) -> str | None:
    """``class=`` of a text shown in the bands where ``shown`` (None: in none)."""
    bands = [band for (band, _), fits in zip(BANDS, shown, strict=True) if fits]
    return f'class="{" ".join([name, *bands])}"' if bands else None


def bar_chart(
    bars: Sequence[Datum],
    *,
    chart_id: str,
    title: str,
    description: str,
    empty: str,
    value_text: Text = format_minutes,
) -> str:
    """Minutes per bar (a day, a week) on an axis of hours, stretched to the box's width; each
    bar's value above it where the bars are wide enough to hold it, its label under it where
    the labels fit (else every second, third ... label: all are in the bars' titles), by the
    box's width (:data:`BANDS`). ``empty`` is said when there are no bars or every one is 0."""
    _refuse_negative(bars)
    parts = _svg(chart_id, "chart-bars", f'width="100%" height="{BAR_HEIGHT}"', title, description)
    plot_height = BAR_HEIGHT - _TOP - _BOTTOM
    baseline = _TOP + plot_height
    top, ticks = axis(max((b.minutes for b in bars), default=0))
    parts.append('<g text-anchor="end">')
    for tick in range(ticks + 1):
        minutes = top * tick // ticks
        y = baseline - plot_height * tick / ticks
        parts.append(
            f'<line x1="0" x2="100%" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="currentColor" stroke-opacity="{"0.6" if tick == 0 else "0.15"}"/>'
            f'<text x="-6" y="{_num(y + 4)}">{_text(value_text(minutes))}</text>'
        )
    parts.append("</g>")
    if not any(b.minutes for b in bars):
        parts.append(
            f'<text x="50%" y="{_num(_TOP + plot_height / 2)}" text-anchor="middle">'
            f"{_text(empty)}</text>"
        )
    slot = 100 / max(len(bars), 1)  # percent of the width
    width = slot * 0.7
    label_px = max((len(_short(b.label)) for b in bars), default=0) * _CHAR_PX + _LABEL_GAP_PX
    steps = band_steps(len(bars), label_px)
    valued = _classes("value", [plot_px * width / 100 >= _VALUE_PX for _, plot_px in BANDS])
    for index, bar in enumerate(bars):
        height = plot_height * bar.minutes / top
        x = slot * index + (slot - width) / 2
        centre = f"{_num(x + width / 2)}%"
        said = _text(f"{bar.label}: {value_text(bar.minutes)}")
        parts.append(
            f'<g class="bar"><title>{said}</title>'
            f'<rect x="{_num(x)}%" y="{_num(baseline - height)}" width="{_num(width)}%" '
            f'height="{_num(height)}" fill="{colour(0)}"/>'
        )
        if valued is not None and bar.minutes:
            parts.append(
                f'<text {valued} x="{centre}" '
                f'y="{_num(baseline - height - 4)}" text-anchor="middle">'
                f"{_text(value_text(bar.minutes))}</text>"
            )
        labelled = _classes("label", [index % step == 0 for step in steps])
        if labelled is not None:
            parts.append(
                f'<text {labelled} x="{centre}" y="{baseline + 16}" '
                f'text-anchor="middle">{_text(_short(bar.label))}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _percent(share: float) -> str:
    return f"{share:.0%}"


def donut_chart(
    slices: Sequence[Datum],
    *,
    chart_id: str,
    title: str,
    description: str,
    empty: str,
    value_text: Text = format_minutes,
    percent_text: Callable[[float], str] = _percent,
) -> str:
    """Each slice's share of the total as an arc of a ring, clockwise from the top, the total
    in the middle, and a legend (colour, label, value, share) as a list beside it. Slices of 0
    minutes are left out of the ring but kept in the legend; with no minutes at all the ring is
    grey and says ``empty``.

    Each arc is a whole circle drawn with a dash as long as its share of the circumference,
    offset by the shares before it: a single slice is a closed ring (an SVG arc path cannot
    draw 360°), and the arcs' lengths add up to the circumference exactly."""
    _refuse_negative(slices)
    size = f'width="{DONUT_SIZE}" height="{DONUT_SIZE}"'
    parts = ['<div class="chart-donut">', *_svg(chart_id, "chart-ring", size, title, description)]
    centre = DONUT_SIZE / 2
    ring = (
        f'cx="{_num(centre)}" cy="{_num(centre)}" r="{_num(_RADIUS)}" fill="none" '
        f'stroke-width="{_RING}"'
    )
    total = sum(s.minutes for s in slices)
    circumference = 2 * math.pi * _RADIUS
    parts.append(f'<circle {ring} stroke="currentColor" stroke-opacity="0.15"/>')
    parts.append(f'<g transform="rotate(-90 {_num(centre)} {_num(centre)})">')
    before = 0
    for index, datum in enumerate(slices):
        if not datum.minutes:
            continue
        length = circumference * datum.minutes / total
        offset = circumference * before / total
        before += datum.minutes
        said = _text(
            f"{datum.label}: {value_text(datum.minutes)} ({percent_text(datum.minutes / total)})"
        )
        parts.append(
            f'<circle class="slice" {ring} stroke="{colour(index)}" '
            f'stroke-dasharray="{_num(length)} {_num(circumference - length)}" '
            f'stroke-dashoffset="{_num(-offset)}"><title>{said}</title></circle>'
        )
    parts.append("</g>")
    middle = _text(value_text(total)) if total else _text(empty)
    parts.append(
        f'<text x="{_num(centre)}" y="{_num(centre + 5)}" text-anchor="middle" '
        f'font-size="{16 if total else FONT_PX}">{middle}</text>'
    )
    parts.append("</svg>")
    parts.append('<ul class="chart-legend">')
    for index, datum in enumerate(slices):
        share = datum.minutes / total if total else 0.0
        parts.append(
            # The swatch is an SVG of its own: a fill= is allowed where a style= is not.
            '<li><svg xmlns="http://www.w3.org/2000/svg" width="12" height="12" '
            'aria-hidden="true" focusable="false">'
            f'<rect width="12" height="12" rx="2" fill="{colour(index)}"/></svg>'
            f'<span class="legend-name">{_text(datum.label)}</span>'
            f'<span class="legend-value">{_text(value_text(datum.minutes))} \u00b7 '
            f"{_text(percent_text(share))}</span></li>"
        )
    parts.append("</ul></div>")
    return "".join(parts)
