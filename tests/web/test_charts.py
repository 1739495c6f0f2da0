"""Server-drawn SVG charts (src/timetrack/web/charts.py), read back with an XML parser."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from typing import TypedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timetrack.web.charts import BANDS, PALETTE, Datum, axis, bar_chart, donut_chart

SVG = "{http://www.w3.org/2000/svg}"
# The donut's legend is an HTML list around the SVG (no namespace in the markup).
LEGEND_TAGS = {"div", "ul", "li", "span"}


class Words(TypedDict):
    title: str
    description: str
    empty: str


TEXTS: Words = {
    "title": "Hours per day",
    "description": "Monday to Sunday",
    "empty": "No time booked",
}
# Characters a project name may hold that would break markup or run script if not escaped.
HOSTILE = '<script>alert("x")</script> & \'quoted\' <g onload="x()"> ]]> \x01\x1f'


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _bars(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "bar"]


def _slices(root: ET.Element) -> list[ET.Element]:
    return [c for c in root.iter(f"{SVG}circle") if c.get("class") == "slice"]


def _arc_degrees(circle: ET.Element) -> float:
    dash, gap = (float(n) for n in (circle.get("stroke-dasharray") or "").split())
    return 360 * dash / (dash + gap)


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _assert_csp_safe(root: ET.Element) -> None:
    for element in root.iter():
        assert element.tag != f"{SVG}script" and element.tag != f"{SVG}style"
        assert element.tag.startswith(SVG) or element.tag in LEGEND_TAGS, element.tag
        for name in element.attrib:
            assert name != "style" and not name.lower().startswith("on"), name


def _shown_in(element: ET.Element, band: str) -> bool:
    """Whether the page shows a chart's text in a box of ``band`` (one of BANDS' classes)."""
    return band in (element.get("class") or "").split()


def _centre_px(text: ET.Element, plot_px: int) -> float:
    x = text.get("x") or ""
    assert x.endswith("%"), x
    return float(x[:-1]) * plot_px / 100


def test_a_bar_chart_is_a_named_described_image() -> None:
    root = _parse(bar_chart([Datum("Mon", 90)], chart_id="week", **TEXTS))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "week-title"
    assert root.get("aria-describedby") == "week-desc"
    assert root.find(f"{SVG}title").text == "Hours per day"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Monday to Sunday"  # type: ignore[union-attr]
    _assert_csp_safe(root)


@given(st.lists(st.integers(min_value=0, max_value=24 * 60 * 7), min_size=1, max_size=60))
def test_bar_heights_are_proportional_to_the_minutes(values: list[int]) -> None:
    bars = [Datum(f"day {n}", v) for n, v in enumerate(values)]
    root = _parse(bar_chart(bars, chart_id="c", **TEXTS))
    drawn = _bars(root)
    assert len(drawn) == len(values)
    top, _ = axis(max(values))
    heights = [float(g.find(f"{SVG}rect").get("height") or "") for g in drawn]  # type: ignore[union-attr]
    full = 240 - 20 - 28
    for value, height in zip(values, heights, strict=True):
        assert math.isclose(height, full * value / top, abs_tol=0.01)
    for bar, datum in zip(drawn, bars, strict=True):
        title = bar.find(f"{SVG}title")
        assert (
            title is not None
            and title.text == f"{datum.label}: {datum.minutes // 60}:{datum.minutes % 60:02d}"
        )


@pytest.mark.parametrize(
    ("largest", "top", "steps"),
    [(0, 60, 1), (30, 60, 1), (60, 60, 1), (61, 120, 2), (240, 240, 4), (241, 300, 1),
     (301, 360, 3), (480, 480, 4), (490, 600, 2), (2400, 2400, 4), (2401, 3000, 2),
     (60 * 4000 + 1, 240240, 4)],
)  # fmt: skip
def test_the_axis_ends_at_round_hours_in_at_most_four_steps(
    largest: int, top: int, steps: int
) -> None:
    assert axis(largest) == (top, steps)
    assert top >= largest and steps <= 4


def test_a_bar_chart_of_nothing_says_so() -> None:
    for bars in ([], [Datum("Mon", 0), Datum("Tue", 0)]):
        root = _parse(bar_chart(bars, chart_id="c", **TEXTS))
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert "No time booked" in texts
        heights = [float(r.get("height") or "") for r in root.iter(f"{SVG}rect")]
        assert all(h == 0 for h in heights)


def test_many_bars_keep_every_value_in_their_titles() -> None:
    bars = [Datum(f"W{n}", 60 * n) for n in range(1, 54)]
    root = _parse(bar_chart(bars, chart_id="year", **TEXTS))
    titles = [g.find(f"{SVG}title").text for g in _bars(root)]  # type: ignore[union-attr]
    assert titles == [f"W{n}: {n}:00" for n in range(1, 54)]
    labels = [t.text for g in _bars(root) for t in g.iter(f"{SVG}text")]
    assert 0 < len(labels) < 53  # some labels are left out where they would overlap


def test_text_is_written_at_the_pages_scale() -> None:
    """No viewBox: a unit is a CSS pixel at any width, so a phone does not shrink the text."""
    bars = bar_chart([Datum("Mon", 90)], chart_id="b", **TEXTS)
    donut = donut_chart([Datum("Website", 90)], chart_id="d", **TEXTS)
    for root in (_parse(bars), _parse(donut)):
        for svg in root.iter(f"{SVG}svg"):
            assert svg.get("viewBox") is None
        sizes = [float(e.get("font-size") or "") for e in root.iter() if e.get("font-size")]
        assert sizes and min(sizes) >= 12
    assert _parse(bars).get("width") == "100%"


@pytest.mark.parametrize("count", [1, 5, 7, 12, 31, 35, 53, 60])
def test_the_labels_and_values_a_box_shows_do_not_touch(count: int) -> None:
    """In each width of box (BANDS), at its narrowest: labels apart by their width at least,
    the first one always there, and values only on bars wide enough to hold them."""
    bars = [Datum(f"Apr {n + 1}", 30 + 45 * n) for n in range(count)]
    root = _parse(bar_chart(bars, chart_id="c", **TEXTS))
    texts = [t for g in _bars(root) for t in g.iter(f"{SVG}text")]
    labels = [t for t in texts if _shown_in(t, "label")]
    values = [t for t in texts if _shown_in(t, "value")]
    rect = _bars(root)[0].find(f"{SVG}rect")
    assert rect is not None
    widest = max(len(b.label) for b in bars) * 7 + 8  # charts' estimate of a label's width
    shown_per_band = []
    for band, plot_px in BANDS:
        shown = [t for t in labels if _shown_in(t, band)]
        assert shown[0].text == "Apr 1"
        centres = [_centre_px(t, plot_px) for t in shown]
        assert all(b - a >= widest for a, b in itertools.pairwise(centres))
        bar_px = float((rect.get("width") or "")[:-1]) * plot_px / 100
        assert len([t for t in values if _shown_in(t, band)]) == (count if bar_px >= 34 else 0)
        shown_per_band.append(len(shown))
    assert shown_per_band == sorted(shown_per_band)  # a wider box writes no fewer
    # A text no box shows is not written at all.
    assert all(any(_shown_in(t, band) for band, _ in BANDS) for t in labels + values)


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=20))
def test_donut_arcs_add_up_to_a_full_circle(values: list[int]) -> None:
    root = _parse(
        donut_chart([Datum(f"p{n}", v) for n, v in enumerate(values)], chart_id="d", **TEXTS)
    )
    arcs = _slices(root)
    assert len(arcs) == sum(1 for v in values if v)
    if not any(values):
        return
    degrees = [_arc_degrees(c) for c in arcs]
    assert math.isclose(sum(degrees), 360, abs_tol=0.1)
    total = sum(values)
    shares = [360 * v / total for v in values if v]
    for drawn, share in zip(degrees, shares, strict=True):
        assert math.isclose(drawn, share, abs_tol=0.05)
    # Each arc starts where the ones before it end.
    circumference = 2 * math.pi * 90
    before = 0.0
    for circle, share in zip(arcs, shares, strict=True):
        offset = -float(circle.get("stroke-dashoffset") or "")
        assert math.isclose(offset, circumference * before / 360, abs_tol=0.02)
        before += share


def test_a_single_slice_is_a_closed_ring_with_its_whole_share() -> None:
    root = _parse(donut_chart([Datum("Website", 135)], chart_id="d", **TEXTS))
    [arc] = _slices(root)
    assert math.isclose(_arc_degrees(arc), 360)
    assert arc.find(f"{SVG}title").text == "Website: 2:15 (100%)"  # type: ignore[union-attr]
    middle = [t.text for t in root.iter(f"{SVG}text")]
    assert "2:15" in middle


def test_an_empty_donut_is_a_grey_ring_that_says_so() -> None:
    for slices in ([], [Datum("Website", 0)]):
        root = _parse(donut_chart(slices, chart_id="d", **TEXTS))
        assert _slices(root) == []
        assert "No time booked" in [t.text for t in root.iter(f"{SVG}text")]
        _assert_csp_safe(root)


def test_the_legend_names_every_slice_with_its_colour_value_and_share() -> None:
    slices = [Datum("Website", 90), Datum("App", 30), Datum("Idle", 0)]
    root = _parse(donut_chart(slices, chart_id="d", **TEXTS))
    legend = list(root.iter("li"))
    assert [["".join(s.itertext()) for s in li.iter("span")] for li in legend] == [
        ["Website", "1:30 \u00b7 75%"],
        ["App", "0:30 \u00b7 25%"],
        ["Idle", "0:00 \u00b7 0%"],
    ]
    swatches = [li.find(f"{SVG}svg/{SVG}rect").get("fill") for li in legend]  # type: ignore[union-attr]
    assert swatches == list(PALETTE[:3])
    assert {li.find(f"{SVG}svg").get("aria-hidden") for li in legend} == {"true"}  # type: ignore[union-attr]
    assert [c.get("stroke") for c in _slices(root)] == list(PALETTE[:2])


def test_the_callers_words_write_values_and_shares() -> None:
    root = _parse(
        donut_chart(
            [Datum("Website", 90), Datum("App", 30)],
            chart_id="d",
            value_text=lambda m: f"{m / 60:.2f} h".replace(".", ","),
            percent_text=lambda s: f"{round(s * 100)} %",
            **TEXTS,
        )
    )
    assert _slices(root)[0].find(f"{SVG}title").text == "Website: 1,50 h (75 %)"  # type: ignore[union-attr]


@pytest.mark.parametrize("chart", [bar_chart, donut_chart])
def test_user_text_is_inert(chart: object) -> None:
    draw = bar_chart if chart is bar_chart else donut_chart
    svg = draw(
        [Datum(HOSTILE, 60)],
        chart_id="c",
        title=HOSTILE,
        description=HOSTILE,
        empty=HOSTILE,
    )
    root = _parse(svg)
    _assert_csp_safe(root)
    assert "<script" not in svg and "onload=" not in svg.replace("onload=&quot;", "")
    clean = HOSTILE.replace("\x01", "").replace("\x1f", "")
    assert next(root.iter(f"{SVG}title")).text == clean
    texts = {t.text for t in root.iter(f"{SVG}title")}
    assert any(t is not None and t.startswith(clean) and t != clean for t in texts)


def test_the_same_data_draws_the_same_bytes() -> None:
    bars = [Datum("Mon", 95), Datum("Tue", 0), Datum("Wed", 480)]
    assert bar_chart(bars, chart_id="c", **TEXTS) == bar_chart(bars, chart_id="c", **TEXTS)
    assert donut_chart(bars, chart_id="c", **TEXTS) == donut_chart(bars, chart_id="c", **TEXTS)


@pytest.mark.parametrize("chart_id", ["", "1a", 'a"b', "a b", "x" * 65])
def test_a_chart_id_must_be_a_plain_name(chart_id: str) -> None:
    with pytest.raises(ValueError, match="chart_id"):
        bar_chart([], chart_id=chart_id, **TEXTS)


def test_negative_minutes_are_refused() -> None:
    with pytest.raises(ValueError, match="negatives"):
        donut_chart([Datum("Website", -5)], chart_id="d", **TEXTS)


@pytest.mark.parametrize("colour", PALETTE)
def test_palette_colours_stand_out_on_light_and_dark_pages(colour: str) -> None:
    assert _contrast(colour, "#ffffff") >= 3
    assert _contrast(colour, "#121212") >= 3


def test_neighbouring_palette_colours_differ() -> None:
    assert len(set(PALETTE)) == len(PALETTE)
