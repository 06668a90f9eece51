"""Customer phone numbers in the records drill-down, shown in full only to roles that act on them.

``customer_id`` holds the caller's number (主叫号码) or a member number. The
roles that follow up contacts and decide appeals about them (admin, manager,
supervisor, qa) see it in full; hr reads published results for pay and
promotion and an agent their own records to check a figure: both see it
masked, enough to tell two customers apart, not to call them::

    >>> mask_number("13812345678")
    '138****5678'
    >>> mask_number("M0042")
    '***42'
"""

from __future__ import annotations

from kefu.users.roles import Principal, Role
from kefu.web.views.models import RecordsPublic

#: Record columns that carry a customer's number.
CUSTOMER_COLUMNS = frozenset({"customer_id"})
#: Roles that see customer numbers in full.
FULL_NUMBER_ROLES = frozenset({Role.admin, Role.manager, Role.supervisor, Role.qa})


def mask_number(value: str) -> str:
    """Keep the first three and last four characters of a long number, the last two of a short."""
    text = str(value)
    if len(text) >= 8:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    return "*" * max(len(text) - 2, 1) + text[-2:] if len(text) > 2 else "*" * len(text)


def sees_customer_numbers(user: Principal) -> bool:
    return user.role in FULL_NUMBER_ROLES


def mask_records(found: RecordsPublic, user: Principal) -> RecordsPublic:
    """The drill-down of ``sheets.records`` with customer numbers masked for ``user``'s role."""
    if sees_customer_numbers(user):
        return found
    records = [
        {c: (mask_number(v) if c in CUSTOMER_COLUMNS and v not in (None, "") else v)
         for c, v in row.items()}
        for row in found.records
    ]  # fmt: skip
    return found.model_copy(update={"records": records})
