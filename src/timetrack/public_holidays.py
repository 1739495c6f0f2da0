"""Public holidays by the account's country and region, from the maintained ``holidays`` package."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=1)
def supported() -> dict[str, list[str]]:
    """Country code -> its subdivision codes, as the installed ``holidays`` knows them."""
    return {
        code: list(subdivisions)
        for code, subdivisions in holidays.list_supported_countries().items()
    }


def canonical_region(country: str, region: str) -> str | None:
    """The package's spelling of a subdivision of ``country`` (matched in any case), or None."""
    wanted = region.casefold()
    return next((r for r in supported().get(country, []) if r.casefold() == wanted), None)


@lru_cache(maxsize=512)
def _year(country: str, region: str | None, year: int) -> dict[date, str]:
    calendar = holidays.country_holidays(country, subdiv=region, years=year)
    return {day: str(name) for day, name in calendar.items()}


def holidays_between(
    country: str | None, region: str | None, first: date, last: date
) -> dict[date, str]:
    """Every public holiday from ``first`` to ``last`` (inclusive); none without a country.

    Years outside the range the package covers for a country simply have no holidays.
    """
    if not country:
        return {}
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        found.update(
            (day, name)
            for day, name in _year(country, region, year).items()
            if first <= day <= last
        )
    return found
