"""Durations typed into a week-grid cell (src/timetrack/web/durations.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timetrack.web.durations import DAY_MINUTES, DurationError, format_minutes, parse_minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1:30", 90),
        ("0:05", 5),
        ("8:00", 480),
        (":45", 45),
        ("24:00", 1440),
        ("1.5", 90),
        ("1,5", 90),  # the German decimal comma
        (".25", 15),
        (",75", 45),
        ("8", 480),
        ("0", 0),
        ("1.", 60),
        ("0.01", 1),  # 36 s, rounded to the nearest minute
        ("0.125", 8),  # 7.5 min: halves round up
        ("1.333", 80),
        ("90m", 90),
        ("90 min", 90),
        ("90MIN", 90),
        ("2h", 120),
        ("2 H", 120),
        ("2hrs", 120),
        ("1.5h", 90),
        ("1,5h", 90),
        ("1h30", 90),
        ("1h 30m", 90),
        ("1h30min", 90),
        ("1 h 5 m", 65),
        ("  1:30  ", 90),
        ("+1:30", 90),
    ],
)
def test_typed_durations_are_read_as_minutes(text: str, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_an_empty_cell_is_zero(text: str) -> None:
    assert parse_minutes(text) == 0


@pytest.mark.parametrize(
    "text",
    ["abc", "1:5", "1:60", "1::30", "1.5.5", "1,5,5", "h", "m", "1x", "1h75m", "30m1h", "1 30",
     "1:30h", "\u00bd", "\u0661:\u0663\u0660", "\u0661\u0665", "\uff11\uff15",
     "1e3", "nan", "inf", "9" * 40],
)  # fmt: skip
def test_garbage_is_refused_as_invalid(text: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_minutes(text)
    assert caught.value.reason == "invalid"


@pytest.mark.parametrize("text", ["-1:30", "-1.5", "-90m", " -2h", "\u22121"])
def test_negative_durations_are_refused(text: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_minutes(text)
    assert caught.value.reason == "negative"


@pytest.mark.parametrize("text", ["24:01", "25", "24.1", "1441m", "25h", "100:00"])
def test_more_than_a_day_is_refused(text: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_minutes(text)
    assert caught.value.reason == "too_long"
    assert "24:00" in str(caught.value)


def test_the_limit_can_be_another_than_a_day() -> None:
    assert parse_minutes("48:00", limit=48 * 60) == 2880
    with pytest.raises(DurationError):
        parse_minutes("0:31", limit=30)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0:00"), (5, "0:05"), (59, "0:59"), (60, "1:00"), (90, "1:30"), (1590, "26:30"),
     (-5, "-0:05"), (-90, "-1:30")],
)  # fmt: skip
def test_minutes_are_written_as_hours_and_two_digit_minutes(minutes: int, text: str) -> None:
    assert format_minutes(minutes) == text


@given(st.integers(min_value=0, max_value=DAY_MINUTES))
def test_what_is_written_reads_back_the_same(minutes: int) -> None:
    assert parse_minutes(format_minutes(minutes)) == minutes


@given(st.integers(min_value=0, max_value=DAY_MINUTES), st.sampled_from([".", ","]))
def test_decimal_hours_read_back_within_half_a_minute(minutes: int, separator: str) -> None:
    text = f"{minutes / 60:.4f}".replace(".", separator)
    assert parse_minutes(text) == minutes


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=59))
def test_hours_and_minutes_in_units_equal_the_clock_form(hours: int, minutes: int) -> None:
    clock = parse_minutes(f"{hours}:{minutes:02d}")
    assert parse_minutes(f"{hours}h {minutes}m") == clock
    assert parse_minutes(f"{hours}h{minutes}") == clock
    assert parse_minutes(f"{hours * 60 + minutes}m") == clock


@given(st.text(max_size=30))
def test_any_text_gives_minutes_within_the_day_or_a_duration_error(text: str) -> None:
    try:
        minutes = parse_minutes(text)
    except DurationError as exc:
        assert exc.reason in ("invalid", "negative", "too_long")
    else:
        assert 0 <= minutes <= DAY_MINUTES
