"""The pay export (绩效工资表): one line per agent of a published period, for payroll.

Columns: 工号, 姓名, 班组, 总分, 等级, 绩效系数 (English headers with
``locale="en"``). Only a *published* period is exported — pay must never be
computed from figures the agents have not been shown — so :func:`payroll_rows`
refuses an unpublished period with :class:`NotPublished`. The renderers are
pure functions of those rows; text from imported data (names, teams) goes
through :mod:`kefu.reports.safe`, numbers stay numbers.

    rows = payroll_rows(ws, "2026-10")
    Path("pay-2026-10.xlsx").write_bytes(payroll_workbook(rows, "2026-10"))
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from kefu.errors import KefuError
from kefu.periods import Period
from kefu.reports.formatting import POINT_DECIMALS, round_half_up
from kefu.reports.labels import check_locale
from kefu.reports.safe import csv_writer, workbook, write_text
from kefu.reports.xlsx import display_width
from kefu.workspace import Workspace

Row = Mapping[str, Any]
BOM = "\ufeff"
# (key in the row, zh-CN header, en header); the order is the file's column order.
COLUMNS = (
    ("agent_id", "工号", "Agent ID"),
    ("name", "姓名", "Name"),
    ("team", "班组", "Team"),
    ("total", "总分", "Total"),
    ("grade", "等级", "Grade"),
    ("pay_coefficient", "绩效系数", "Pay coefficient"),
)
TEXT_KEYS = frozenset({"agent_id", "name", "team", "grade"})
SHEET = {"zh-CN": "绩效工资", "en": "Pay"}


class NotPublished(KefuError):
    """The period has no published results, so there is nothing payroll may use."""

    def __init__(self, period: str) -> None:
        super().__init__(f"{period} has not been published; only published results go to payroll")
        self.period = period


def payroll_rows(ws: Workspace, period: Period | str) -> list[dict[str, Any]]:
    """The published results of ``period`` with each agent's pay coefficient, by agent id."""
    from kefu.scoring.applications import applications
    from kefu.scoring.runs import as_period, latest_run

    period = as_period(period)
    if latest_run(ws, period, published=True) is None:
        raise NotPublished(period.label)
    agents, _ = applications(ws, period, published=True)
    return sorted(agents, key=lambda a: str(a["agent_id"]))


def _headers(locale: str) -> list[str]:
    check_locale(locale)
    zh = locale.startswith("zh")
    return [head_zh if zh else head_en for _, head_zh, head_en in COLUMNS]


def _total(row: Row) -> float | None:
    # Rounded as the appraisal table shows it, so the two files agree to the cent.
    value = row.get("total")
    return None if value is None else float(round_half_up(float(value), POINT_DECIMALS))


def _coefficient(row: Row) -> float | None:
    value = row.get("pay_coefficient")
    return None if value is None else float(value)


def payroll_csv(rows: Sequence[Row], *, locale: str = "zh-CN") -> bytes:
    """The pay export as CSV bytes (UTF-8 with BOM for Excel, CRLF lines)."""
    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\r\n")  # neutralises formula-like text
    writer.writerow(_headers(locale))
    for r in rows:
        writer.writerow(
            [r.get(key) if key in TEXT_KEYS else _number(r, key) for key, _, _ in COLUMNS]
        )
    return (BOM + buf.getvalue()).encode("utf-8")


def _number(row: Row, key: str) -> float | None:
    return _total(row) if key == "total" else _coefficient(row)


def payroll_workbook(rows: Sequence[Row], period: str, *, locale: str = "zh-CN") -> bytes:
    """The pay export as an xlsx workbook: one sheet, a header row, one row per agent."""
    headers = _headers(locale)
    out = io.BytesIO()
    wb = workbook(out, in_memory=True)
    base = {"font_name": "Microsoft YaHei", "font_size": 10}
    head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = wb.add_format(base)
    quoted = wb.add_format({**base, "quote_prefix": True})
    points = wb.add_format({**base, "num_format": "0.00"})
    sheet = wb.add_worksheet(f"{SHEET[locale]} {period}")
    widths = [display_width(h) for h in headers]
    for c, h in enumerate(headers):
        sheet.write_string(0, c, h, head)
    for i, r in enumerate(rows, start=1):
        for c, (key, _, _) in enumerate(COLUMNS):
            if key in TEXT_KEYS:
                write_text(sheet, i, c, r.get(key), text, quoted)
                widths[c] = max(widths[c], display_width(str(r.get(key) or "")))
                continue
            value = _number(r, key)
            if value is None:
                sheet.write_blank(i, c, None, points)
            else:
                sheet.write_number(i, c, value, points)
    for c, w in enumerate(widths):
        sheet.set_column(c, c, w + 2)
    sheet.freeze_panes(1, 0)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(COLUMNS) - 1)
    wb.close()
    return out.getvalue()
