"""Where a person's running balance can start: the first day the account holds anything of
their working time (the attendance page counts its balance from here, or from 1 January)."""

from __future__ import annotations

from datetime import date

from timetrack import grants
from timetrack.db import Tx
from timetrack.times import utc_to_local


def _as_date(value: date | str) -> date:
    """A date a subquery read: a ``date`` from PostgreSQL, ISO text from SQLite (a subquery's
    column has no declared type there to convert by); a local timestamp's text is cut."""
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


async def first_known_day(tx: Tx, account_id: int, user_id: int) -> date | None:
    """The first day the account holds anything of the user's working time: the day they were
    added (in their zone), their first working-time model's ``validFrom`` or their first
    attendance's local date, whichever is earliest; None for a user out of reach.

    Work reports count a target on every day, the default week before a first model (as
    docs/api.md states); a running balance that starts before this day would count a target
    for days the person did not work here. The earliest of the three, not the model alone: a
    model from 1 March may be someone's first day, or a change of hours for somebody added
    long before (the default week applied until then); a user added today whose attendances
    were imported from earlier worked on those days."""
    row = await tx.fetchrow(
        "SELECT u.created_at, u.time_zone, "
        "(SELECT m.valid_from FROM working_time_models m WHERE m.account_id = u.account_id "
        "AND m.user_id = u.id AND m.deleted_at IS NULL ORDER BY m.valid_from LIMIT 1) AS model, "
        "(SELECT a.start_local FROM attendances a WHERE a.account_id = u.account_id "
        "AND a.user_id = u.id AND a.deleted_at IS NULL ORDER BY a.start_local LIMIT 1) AS shift "
        f"FROM users u WHERE u.account_id = $1 AND u.id = $2{grants.owner_sql('u.id')}",
        account_id,
        user_id,
    )
    if row is None:
        return None
    days = [utc_to_local(row["created_at"], row["time_zone"]).date()]
    days += [_as_date(row[key]) for key in ("model", "shift") if row[key] is not None]
    return min(days)
