"""Small helpers for indicator tests: Shanghai wall-clock times and figure look-up."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kefu.metrics import Figure, compute
from kefu.workspace import Workspace
from tests.factories import add_records

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A fixed computation instant, so open-ticket lateness never depends on the clock.
AS_OF = datetime(2027, 1, 1)


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: float = 0) -> datetime:
    """A Shanghai wall-clock time as the stored naive-UTC instant."""
    whole = int(ss)
    local = datetime(y, m, d, hh, mm, whole, round((ss - whole) * 1e6), tzinfo=SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def roster(ws: Workspace, *rows: tuple[str, str] | tuple[str, str, str] | dict[str, Any]) -> None:
    """Agents as ``(agent_id, team[, site])`` or full dicts, hired 2026-01-01."""
    records = []
    for r in rows:
        if isinstance(r, dict):
            records.append({"name": r["agent_id"], "hire_date": date(2026, 1, 1), **r})
        else:
            site = r[2] if len(r) > 2 else "S1"
            records.append(
                {"agent_id": r[0], "name": r[0], "team": r[1], "site": site,
                 "hire_date": date(2026, 1, 1)}
            )  # fmt: skip
    add_records(ws, "agents", records)


def contact(cid: str, agent: str | None, offered: datetime, **kw: Any) -> dict[str, Any]:
    """An answered inbound phone contact, answered 10 s after being offered, unless told."""
    from datetime import timedelta

    row: dict[str, Any] = {
        "contact_id": cid,
        "channel": "phone",
        "direction": "in",
        "agent_id": agent,
        "offered_at": offered,
        "answered_at": offered + timedelta(seconds=10),
        "talk_seconds": 100.0,
    }
    row.update(kw)
    return row


def figure(
    ws: Workspace,
    period: str,
    indicator: str,
    key: str,
    *,
    level: str = "agent",
    **kw: Any,
) -> Figure:
    kw.setdefault("as_of", AS_OF)
    figures = compute(ws, period, level=level, indicators=[indicator], keys=[key], **kw)
    assert len(figures) == 1
    return figures[0]


def figures_by(ws: Workspace, period: str, level: str, indicators: list[str], **kw: Any) -> dict:
    kw.setdefault("as_of", AS_OF)
    return {
        (f.key, f.indicator): f
        for f in compute(ws, period, level=level, indicators=indicators, **kw)
    }
