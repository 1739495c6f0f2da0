"""Public holidays come from the holidays package, by the account's country and region."""

from datetime import date

from timetrack.public_holidays import canonical_region, holidays_between


def test_region_decides_regional_holidays() -> None:
    january = (date(2025, 1, 1), date(2025, 1, 31))
    bavaria = holidays_between("DE", "BY", *january)
    berlin = holidays_between("DE", "BE", *january)
    assert date(2025, 1, 6) in bavaria  # Epiphany
    assert date(2025, 1, 6) not in berlin
    assert date(2025, 1, 1) in bavaria and date(2025, 1, 1) in berlin


def test_range_spans_years_and_no_country_means_none() -> None:
    found = holidays_between("DE", None, date(2024, 12, 24), date(2025, 1, 2))
    assert sorted(found) == [date(2024, 12, 25), date(2024, 12, 26), date(2025, 1, 1)]
    assert holidays_between(None, None, date(2025, 1, 1), date(2025, 12, 31)) == {}


def test_regions_match_in_any_case() -> None:
    assert canonical_region("DE", "by") == "BY"
    assert canonical_region("DE", "XX") is None
