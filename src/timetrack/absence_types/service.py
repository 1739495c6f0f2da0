"""Absence types (ours, beyond the vendor): per account, seeded with the usual six."""

from __future__ import annotations

from timetrack.crud import now
from timetrack.db import Tx, next_id
from timetrack.wire import name_key

# name, short name, colour, counts against leave entitlement, plannable, credits the day's
# target in timesheets, half day. Sick leave credits the target; home office is work (recorded
# as attendance) and time off in lieu spends overtime, so neither credits it.
DEFAULT_TYPES = [
    ("Vacation", "VAC", "#4caf50", True, True, True, False),
    ("Half-day leave", "HDL", "#8bc34a", True, True, True, True),
    ("Special leave", "SPL", "#03a9f4", False, True, True, False),
    ("Home office", "HO", "#9c27b0", False, True, False, False),
    ("Sick leave", "SICK", "#f44336", False, False, True, False),
    ("Time off", "TO", "#ff9800", False, True, False, False),
]


async def seed_default_types(tx: Tx, account_id: int) -> None:
    stamp = now()
    for name, short, color, counts, plannable, credits, half in DEFAULT_TYPES:
        type_id = await next_id(tx, account_id, "absence_types")
        await tx.execute(
            "INSERT INTO absence_types (account_id, id, name, name_key, short_name, color, "
            "counts_against_entitlement, plannable, credits_target, half_day, created_at, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
            account_id,
            type_id,
            name,
            name_key(name),
            short,
            color,
            counts,
            plannable,
            credits,
            half,
            stamp,
        )
