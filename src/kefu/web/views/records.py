"""A figure's records as people read them: one table per kind of record, columns and
values in the reader's language, integers as integers, times local.

``sheets.records`` gives the records as stored (codes, ISO times); this module words
them for the drill-down page and its CSV and xlsx downloads. A complaint indicator
shows its complaints and, in a table of their own, the contacts it is divided by.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from kefu.metrics.explain import Counted
from kefu.reports.explain import number
from kefu.reports.grid import Cell
from kefu.reports.labels import column_label, table_label, value_label
from kefu.timefmt import moment_text
from kefu.users.roles import Principal, Role
from kefu.web.views.models import RecordsPublic
from kefu.workflow.records import CORRECTABLE

#: The filter chips, in the page's order ("" = every record).
FILTERS = ("", *(str(c) for c in Counted))


@dataclass(frozen=True)
class RecordRow:
    cells: list[str]
    appeal: str | None


@dataclass(frozen=True)
class RecordTable:
    table: str
    title: str
    headers: list[str]
    rows: list[RecordRow]
    listed: int


def shown(column: str, value: Any, locale: str, tz: str) -> str:
    """One cell on the page: codes as words, 是/否, 2736 not 2,736.00, local times."""
    if value is None or value == "":
        return ""
    worded = value_label(column, value, locale)
    if worded is not value:
        return str(worded)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, str):
        return str(moment_text(value, tz, locale))
    return str(value)


def _exported(column: str, value: Any, locale: str, tz: str) -> Cell:
    """One cell of a download: as on the page, but numbers stay numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return shown(column, value, locale, tz) or None
    return int(value) if float(value).is_integer() else float(value)


def may_appeal(user: Principal) -> bool:
    """Appeals are filed by the agent, their supervisor or a manager (not QA or HR)."""
    return user.role not in (Role.qa, Role.hr)


def appeal_href(table: str, record_id: Any) -> str:
    return "/appeals?" + urlencode({"table": table, "record_id": str(record_id)}) + "#appeal-form"


def _shown_columns(columns: list[str]) -> list[str]:
    # Each table is headed by its kind: the "table" column would repeat it on every row.
    return [c for c in columns if c != "table"]


def record_tables(data: RecordsPublic, user: Principal, locale: str, tz: str) -> list[RecordTable]:
    """The page's records, one table per kind (in the engine's order)."""
    appeals = may_appeal(user)
    out = []
    for t in data.tables:
        columns = _shown_columns(t.columns)
        rows = [
            RecordRow(
                cells=[shown(c, r.get(c), locale, tz) for c in columns],
                appeal=appeal_href(t.table, r.get("id"))
                if appeals and t.table in CORRECTABLE
                else None,
            )
            for r in data.records
            if r.get("table") == t.table
        ]
        out.append(
            RecordTable(
                table=t.table,
                title=table_label(t.table, locale),
                headers=[column_label(c, locale) for c in columns],
                rows=rows,
                listed=t.listed,
            )
        )
    return out


def export_grid(data: RecordsPublic, locale: str, tz: str) -> tuple[list[str], list[list[Cell]]]:
    """Every record of the download in one sheet: the kind of record first, then the
    columns of every kind (a column another kind does not have is left empty)."""
    columns = data.columns if "table" in data.columns else ["table", *data.columns]
    headers = [column_label(c, locale) for c in columns]
    rows: list[list[Cell]] = []
    for r in data.records:
        rows.append(
            [
                table_label(str(r.get("table")), locale)
                if c == "table"
                else _exported(c, r.get(c), locale, tz)
                for c in columns
            ]
        )
    return headers, rows


def filter_href(data: RecordsPublic, counted: str, *, path: str = "") -> str:
    """The page (or a download, ``path``) of the same figure with the filter ``counted``."""
    query = {"indicator": data.indicator, "period": data.period}
    if counted:
        query["counted"] = counted
    return f"{path}?{urlencode(query)}"
