"""Bounded request parameters shared by pages and the API.

Every number and period a URL or body carries is checked before a route runs:
an id beyond the database's 64-bit integers, a page number whose offset
overflows, or a period the appraisal cannot parse answers 422 on the API (with
the rule in the message and in the OpenAPI document) and 404 on a page, never
a server error::

    @router.get("/appeals/{appeal_id}")
    def appeal_page(appeal_id: IdPath, period: PeriodQuery = None): ...
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator, Field, StrictInt

#: The largest id the application store can hold (a signed 64-bit integer).
ID_MAX = 2**63 - 1
#: Page numbers beyond this are refused; no listing has that many pages.
PAGE_MAX = 1_000_000

#: A month (2026-10), quarter (2026-Q4) or year (2026): the appraisal periods.
PERIOD_PATTERN = r"^[1-9][0-9]{3}(-(0[1-9]|1[0-2])|-[Qq][1-4])?$"
#: Reviews and plans are held per month.
MONTH_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"
PERIOD_RULE = "a month (2026-10), quarter (2026-Q4) or year (2026)"

IdPath = Annotated[int, Path(ge=1, le=ID_MAX, description="An id, 1 … 2^63−1")]
IdQuery = Annotated[int, Query(ge=1, le=ID_MAX, description="An id, 1 … 2^63−1")]
PageQuery = Annotated[int, Query(ge=1, le=PAGE_MAX, description=f"1 … {PAGE_MAX}")]
PeriodQuery = Annotated[
    str | None, Query(pattern=PERIOD_PATTERN, description=f"{PERIOD_RULE}; default the newest")
]
PeriodPath = Annotated[str, Path(pattern=PERIOD_PATTERN, description=PERIOD_RULE)]


def _iso_date(value: Any) -> Any:
    """Refuse numbers and other non-text for a date: lax parsing turns 0 into 1970-01-01."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


#: A calendar date in a request body, written ``YYYY-MM-DD`` and nothing else.
StrictDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    Field(json_schema_extra={"format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
]
#: An id in a request body: a JSON integer 1 … 2^63−1, not "5" or 5.0.
StrictId = Annotated[StrictInt, Field(ge=1, le=ID_MAX)]
MonthQuery = Annotated[str | None, Query(pattern=MONTH_PATTERN, description="a month (2026-10)")]
#: Pages also take an empty value: a filter form sends ``period=`` for "any".
PagePeriodQuery = Annotated[str | None, Query(pattern=f"^$|{PERIOD_PATTERN}")]
PageMonthQuery = Annotated[str | None, Query(pattern=f"^$|{MONTH_PATTERN}")]
