"""Public holidays by country and region, from the maintained ``holidays`` package.

A user's holidays are those of the user's own country and region, or else the account's
(``place``); reports compute each distinct place's calendar once for all their users.
"""

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


Place = tuple[str | None, str | None]  # (country, region) whose holidays apply


def has_holidays(country: str) -> bool:
    """Whether ``country`` is an ISO-3166 alpha-2 code the ``holidays`` package knows."""
    return len(country) == 2 and country in supported()


def place(
    country: str | None,
    region: str | None,
    account_country: str | None,
    account_region: str | None,
) -> Place:
    """Where a user's holidays come from. A user without a country takes the account's: with
    the user's own region if set (an account in DE, a user in BY), else the account's region.

    A region the country does not have is dropped (its nationwide holidays apply): writes
    refuse one, but the account's country may change after a user's region was set.
    """
    if country is None:
        if region is None:
            region = account_region
        country = account_country
    if country is None or not has_holidays(country):
        return None, None
    return country, None if region is None else canonical_region(country, region)


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
