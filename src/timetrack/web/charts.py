"""Charts drawn by the server as SVG markup, to put inline into a page: a bar chart (minutes per
day or per week) and a donut (each project's or client's share).

- **Accessible.** The ``<svg>`` is ``role="img"`` named by its ``<title>`` and described by
  its ``<desc>`` (``aria-labelledby``/``aria-describedby``); every bar, slice and legend row
  carries a ``<title>`` with its label and value, which screen readers read and browsers show
  on hover. Values are written on the bars and in the legend too, so colour never carries
  anything alone. The page shows the same numbers as a table beside the chart.
- **Strict CSP.** No script, no event handler, no ``style`` attribute or element: only SVG
  presentation attributes (``fill=``, ``stroke=``, ``font-size=``), which a policy without
  ``'unsafe-inline'`` allows. Text and axes are ``currentColor``, so they follow the page's
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
LABEL_MAX = 28  # characters of a legend label shown; its <title> has all of it

BAR_WIDTH, BAR_HEIGHT = 640, 240
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 8, 20, 28
_HOUR_STEPS = (1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 200, 250, 500, 1000)

DONUT_SIZE, LEGEND_WIDTH, LEGEND_ROW = 240, 320, 24
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


def _svg(chart_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    if not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id {chart_id!r}: a letter, then letters, digits, - or _")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        'font-family="inherit" font-size="12" fill="currentColor">',
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


def bar_chart(
    bars: Sequence[Datum],
    *,
    chart_id: str,
    title: str,
    description: str,
    empty: str,
    value_text: Text = format_minutes,
) -> str:
    """Minutes per bar (a day, a week) on an axis of hours; each bar's value above it when
    the bars are wide enough to hold it, its label under it when the labels fit (else every
    second, third ... label: all are in the bars' titles). ``empty`` is said when there are
    no bars or every one is 0."""
    _refuse_negative(bars)
    parts = _svg(chart_id, BAR_WIDTH, BAR_HEIGHT, title, description)
    plot_width, plot_height = BAR_WIDTH - _LEFT - _RIGHT, BAR_HEIGHT - _TOP - _BOTTOM
    baseline = _TOP + plot_height
    top, ticks = axis(max((b.minutes for b in bars), default=0))
    parts.append('<g font-size="11" text-anchor="end">')
    for tick in range(ticks + 1):
        minutes = top * tick // ticks
        y = baseline - plot_height * tick / ticks
        parts.append(
            f'<line x1="{_LEFT}" x2="{BAR_WIDTH - _RIGHT}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="currentColor" stroke-opacity="{"0.6" if tick == 0 else "0.15"}"/>'
            f'<text x="{_LEFT - 6}" y="{_num(y + 4)}">{_text(value_text(minutes))}</text>'
        )
    parts.append("</g>")
    if not any(b.minutes for b in bars):
        parts.append(
            f'<text x="{_num(_LEFT + plot_width / 2)}" y="{_num(_TOP + plot_height / 2)}" '
            f'text-anchor="middle">{_text(empty)}</text>'
        )
    slot = plot_width / max(len(bars), 1)
    width = min(slot * 0.7, 56.0)
    every = math.ceil(48 / slot) if bars else 1  # a label needs about 48 px
    for index, bar in enumerate(bars):
        height = plot_height * bar.minutes / top
        x = _LEFT + slot * index + (slot - width) / 2
        centre = _num(x + width / 2)
        said = _text(f"{bar.label}: {value_text(bar.minutes)}")
        parts.append(
            f'<g class="bar"><title>{said}</title>'
            f'<rect x="{_num(x)}" y="{_num(baseline - height)}" width="{_num(width)}" '
            f'height="{_num(height)}" fill="{colour(0)}"/>'
        )
        if width >= 28 and bar.minutes:
            parts.append(
                f'<text x="{centre}" y="{_num(baseline - height - 4)}" text-anchor="middle" '
                f'font-size="11">{_text(value_text(bar.minutes))}</text>'
            )
        if index % every == 0:
            parts.append(
                f'<text x="{centre}" y="{baseline + 16}" text-anchor="middle">'
                f"{_text(_short(bar.label))}</text>"
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
    in the middle, and a legend (colour, label, value, share) beside it. Slices of 0 minutes
    are left out of the ring but kept in the legend; with no minutes at all the ring is grey
    and says ``empty``.

    Each arc is a whole circle drawn with a dash as long as its share of the circumference,
    offset by the shares before it: a single slice is a closed ring (an SVG arc path cannot
    draw 360°), and the arcs' lengths add up to the circumference exactly."""
    _refuse_negative(slices)
    height = max(DONUT_SIZE, 16 + LEGEND_ROW * len(slices))
    parts = _svg(chart_id, DONUT_SIZE + LEGEND_WIDTH, height, title, description)
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
        f'font-size="{16 if total else 12}">{middle}</text>'
    )
    for index, datum in enumerate(slices):
        y = 16 + LEGEND_ROW * index
        share = datum.minutes / total if total else 0.0
        shown = f"{value_text(datum.minutes)} \u00b7 {percent_text(share)}"
        parts.append(
            f'<g class="legend"><title>{_text(f"{datum.label}: {shown}")}</title>'
            f'<rect x="{DONUT_SIZE + 8}" y="{y - 10}" width="12" height="12" rx="2" '
            f'fill="{colour(index)}"/>'
            f'<text x="{DONUT_SIZE + 28}" y="{y}">{_text(_short(datum.label))}</text>'
            f'<text x="{DONUT_SIZE + LEGEND_WIDTH - 4}" y="{y}" text-anchor="end">'
            f"{_text(shown)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
