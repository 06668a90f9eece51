"""Reading one scored input record from the fact store, and its period.

Appeals name a record by table and key; the current version is read here,
and a correction is written back through :func:`kefu.ingest.import_records`
under the record's own ``source`` so it becomes the record's next version
(the original stays in the store for the audit trail).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kefu.errors import NotFound, UsageError, keyed
from kefu.periods import Period
from kefu.store.tables import TABLES
from kefu.workspace import Workspace

#: What an appeal may correct, per appealable table (issue: attribution or status of a
#: complaint; score, info accuracy, fatal flag of a QA evaluation; the agent a survey or
#: rating belongs to; an operation error's attribution).
CORRECTABLE: dict[str, tuple[str, ...]] = {
    "complaints": ("agent_id", "attributed", "status", "cause", "severity"),
    "qa_evaluations": ("compliance_score", "info_checked", "info_correct", "fatal"),
    "surveys": ("agent_id", "csat", "nps"),
    "ratings": ("agent_id", "score"),
    "operation_errors": ("agent_id", "kind", "severity"),
}


def plain(value: Any) -> Any:
    """JSON-safe form of a record value (datetimes and dates as ISO text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def read_record(
    ws: Workspace, table: str, record_id: str, source: str | None = None
) -> dict[str, Any]:
    """The current version of ``table``'s record ``record_id`` (with ``source``)."""
    if table not in CORRECTABLE:
        names = ", ".join(sorted(CORRECTABLE))
        raise UsageError(f"records of '{table}' cannot be appealed (appealable: {names})")
    spec = TABLES[table]
    key = spec.key[0]
    con = ws.duckdb()
    t = ws.facts.table(con, table)
    found = t.filter(t[key] == str(record_id))
    if source is not None:
        found = found.filter(found.source == source)
    rows = found.select(*spec.names, "source", "batch_id").to_pyarrow().to_pylist()
    if not rows:
        raise keyed(NotFound(f"no {table} record '{record_id}'"), "trust.appeal.no_record",
                    record=record_id)  # fmt: skip
    if len(rows) > 1:
        sources = ", ".join(sorted(str(r["source"]) for r in rows))
        raise UsageError(
            f"{table} record '{record_id}' exists from several sources ({sources}); name one"
        )
    return rows[0]


def record_day(ws: Workspace, table: str, record: dict[str, Any]) -> date:
    """The local day that places the record in a period (metrics.md period columns)."""
    value = record[TABLES[table].period_column]
    if isinstance(value, datetime):
        # Stored as naive UTC: the period is decided in the workspace's zone.
        return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(ws.timezone)).date()
    return value


def record_month(ws: Workspace, table: str, record: dict[str, Any]) -> Period:
    day = record_day(ws, table, record)
    return Period.parse(f"{day.year}-{day.month:02d}")


def corrected(table: str, record: dict[str, Any], correction: dict[str, Any]) -> dict[str, Any]:
    """The whole record with ``correction`` applied, in canonical columns only."""
    spec = TABLES[table]
    out = {c: record.get(c) for c in spec.names}
    out.update(correction)
    if table == "ratings":
        # Scores are stored on the 0–100 scale already; a kept scale = 5 would make the
        # import convert the stored score a second time.
        out["scale"] = None
    return out


def check_correction(table: str, correction: dict[str, Any]) -> dict[str, Any]:
    allowed = CORRECTABLE[table]
    unknown = sorted(set(correction) - set(allowed))
    if unknown:
        raise UsageError(
            f"an appeal on {table} can correct {', '.join(allowed)}; not {', '.join(unknown)}"
        )
    for name, value in correction.items():
        if not (value is None or isinstance(value, str | int | float | bool)):
            raise UsageError(f"{name}: give a single value")
    if (
        correction.get("agent_id") in ("", None)
        and "agent_id" in correction
        and table != ("complaints")
    ):
        raise UsageError("agent_id: name the agent the record belongs to")
    return dict(correction)
