"""The results application export (结果应用表) for payroll and HR: one line per agent.

Pay coefficient, promotion candidacy and its qualifying months, the dimensions that
call for training, and whether an improvement plan is required — the same figures as
the applications page, of a *published* period only (like the pay export, see
:func:`kefu.reports.payroll.payroll_rows`, which also gives the rows).

    rows = payroll_rows(ws, "2026-10")
    Path("applications-2026-10.xlsx").write_bytes(applications_workbook(rows, "2026-10"))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kefu.reports.formatting import POINT_DECIMALS, round_half_up
from kefu.reports.labels import check_locale
from kefu.reports.tabular import Column, table_csv, table_workbook

COLUMNS = (
    Column("agent_id", "工号", "Agent ID"),
    Column("name", "姓名", "Name"),
    Column("team", "班组", "Team"),
    Column("site", "职场", "Site"),
    Column("total", "总分", "Total", "number"),
    Column("grade", "等级", "Grade"),
    Column("pay_coefficient", "绩效系数", "Pay coefficient", "number"),
    Column("promotion", "晋升候选", "Promotion candidate"),
    Column("qualifying_months", "连续达标月份", "Qualifying months"),
    Column("training", "建议培训维度", "Training in"),
    Column("plan", "需改进计划", "Improvement plan required"),
)
SHEET = {"zh-CN": "结果应用", "en": "Applications"}
_YES = {"zh-CN": "是", "en": "yes"}


def _dimension(detail: Mapping[str, Any], locale: str) -> str:
    names = detail.get("name")
    key = "zh" if locale.startswith("zh") else "en"
    wanted = names.get(key) if isinstance(names, dict) else None
    return str(wanted or detail.get("dimension") or "")


def lines(rows: Sequence[Mapping[str, Any]], locale: str) -> list[dict[str, Any]]:
    """The rows of :func:`kefu.scoring.applications.applications` as the file's cells."""
    check_locale(locale)
    yes = _YES[locale]
    sep = "、" if locale.startswith("zh") else ", "
    out = []
    for r in rows:
        total = r.get("total")
        out.append(
            {
                "agent_id": r.get("agent_id"),
                "name": r.get("name"),
                "team": r.get("team"),
                "site": r.get("site"),
                # Rounded as the appraisal table shows it, so the files agree to the cent.
                "total": None if total is None else round_half_up(float(total), POINT_DECIMALS),
                "grade": r.get("grade"),
                "pay_coefficient": r.get("pay_coefficient"),
                "promotion": yes if r.get("promotion_candidate") else "",
                "qualifying_months": sep.join(r.get("qualifying_months") or [])
                if r.get("promotion_candidate")
                else "",
                "training": sep.join(_dimension(d, locale) for d in r.get("training_detail") or []),
                "plan": yes if r.get("improvement_plan_required") else "",
            }
        )
    return out


def applications_csv(rows: Sequence[Mapping[str, Any]], *, locale: str = "zh-CN") -> bytes:
    return table_csv(COLUMNS, lines(rows, locale), locale=locale)


def applications_workbook(
    rows: Sequence[Mapping[str, Any]], period: str, *, locale: str = "zh-CN"
) -> bytes:
    return table_workbook(COLUMNS, lines(rows, locale), f"{SHEET[locale]} {period}", locale=locale)
