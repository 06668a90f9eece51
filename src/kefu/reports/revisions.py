"""Revisions of a published period (修订记录): who re-scored it, when, and what moved, why.

One line per changed agent of each revision (:func:`kefu.scoring.runs.revisions`);
the reasons the scoring stored (English, for the CLI) are said again in the reader's
language here. CSV and xlsx through :mod:`kefu.reports.tabular`.

    revs = revisions(ws, "2026-09")
    Path("revisions-2026-09.csv").write_bytes(revisions_csv(revision_lines(revs, "zh-CN")))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from kefu.reports.catalogue import indicator_name
from kefu.reports.formatting import POINT_DECIMALS, round_half_up
from kefu.reports.labels import check_locale
from kefu.reports.tabular import Column, table_csv, table_workbook

COLUMNS = (
    Column("revision", "修订号", "Revision", "integer"),
    Column("run_id", "运行编号", "Run", "integer"),
    Column("state", "状态", "State"),
    Column("created_at", "修订时间", "Revised at"),
    Column("created_by", "修订人", "Revised by"),
    Column("agent_id", "工号", "Agent ID"),
    Column("name", "姓名", "Name"),
    Column("old_total", "原总分", "Old total", "number"),
    Column("new_total", "新总分", "New total", "number"),
    Column("old_grade", "原等级", "Old grade"),
    Column("new_grade", "新等级", "New grade"),
    Column("old_pay", "原绩效系数", "Old pay coefficient", "number"),
    Column("new_pay", "新绩效系数", "New pay coefficient", "number"),
    Column("why", "变更原因", "Why"),
)
SHEET = {"zh-CN": "修订记录", "en": "Revisions"}
STATES = {
    "scored": ("已计算，待发布", "scored, not published"),
    "published": ("已发布", "published"),
}

# The reasons of kefu.scoring.diff, each with its wording in (zh-CN, en).
_Say = Callable[[re.Match[str], str], str]


def _indicators(m: re.Match[str], locale: str) -> str:
    names = [indicator_name(i.strip(), locale) for i in m.group(1).split(",")]
    return (
        ("指标变动：" + "、".join(names))
        if locale.startswith("zh")
        else ("indicators moved: " + ", ".join(names))
    )


def _pair(zh: str, en: str) -> _Say:
    return lambda m, locale: (zh if locale.startswith("zh") else en).format(*m.groups())


_REASONS: tuple[tuple[re.Pattern[str], _Say], ...] = (
    (re.compile(r"^indicators moved: (.+)$"), _indicators),
    (re.compile(r"^scorecard changed from (.+) to (.+)$"),
     _pair("考核方案由 {} 改为 {}", "scorecard changed from {} to {}")),
    (re.compile(r"^bonus (\S+) → (\S+)$"), _pair("加分 {} → {}", "bonus {} → {}")),
    (re.compile(r"^penalty (\S+) → (\S+)$"), _pair("扣分 {} → {}", "penalty {} → {}")),
    (re.compile(r"^team (.+) → (.+)$"), _pair("班组 {} → {}", "team {} → {}")),
    (re.compile(r"^veto events changed$"), _pair("否决事项有变化", "veto events changed")),
    (re.compile(r"^newly scored$"), _pair("新纳入考核", "newly scored")),
    (re.compile(r"^no longer scored$"), _pair("不再参加考核", "no longer scored")),
    (re.compile(r"^grade or rank population changed$"),
     _pair("参与等级或排名的人员有变化", "grade or rank population changed")),
)  # fmt: skip


def reason_text(reason: str, locale: str) -> str:
    """One stored reason in ``locale`` (an unknown one is kept as it was stored)."""
    for pattern, say in _REASONS:
        m = pattern.match(reason)
        if m:
            return say(m, locale)
    return reason


def state_text(state: str, locale: str) -> str:
    zh, en = STATES.get(state, (state, state))
    return zh if locale.startswith("zh") else en


def _points(value: Any) -> Any:
    return None if value is None else round_half_up(float(value), POINT_DECIMALS)


def _when(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


def revision_lines(
    revisions: Sequence[Mapping[str, Any]],
    locale: str,
    when: Callable[[datetime | None], str] = _when,
) -> list[dict[str, Any]]:
    """One line per changed agent of each revision, oldest revision first.

    ``when`` writes a time (the page passes the workspace's time zone formatter).
    """
    check_locale(locale)
    sep = "；" if locale.startswith("zh") else "; "
    out = []
    for rev in revisions:
        head = {
            "revision": rev["revision"],
            "run_id": rev["run_id"],
            "state": state_text(str(rev["state"]), locale),
            "created_at": when(rev.get("created_at")),
            "created_by": rev.get("created_by"),
        }
        for change in rev.get("changes") or []:
            old, new = change.get("old") or {}, change.get("new") or {}
            out.append(
                {
                    **head,
                    "agent_id": change.get("agent_id"),
                    "name": change.get("name"),
                    "old_total": _points(old.get("total")),
                    "new_total": _points(new.get("total")),
                    "old_grade": old.get("grade"),
                    "new_grade": new.get("grade"),
                    "old_pay": old.get("pay_coefficient"),
                    "new_pay": new.get("pay_coefficient"),
                    "why": sep.join(reason_text(w, locale) for w in change.get("why") or []),
                }
            )
    return out


def revisions_csv(lines: Sequence[Mapping[str, Any]], *, locale: str = "zh-CN") -> bytes:
    return table_csv(COLUMNS, lines, locale=locale)


def revisions_workbook(
    lines: Sequence[Mapping[str, Any]], period: str, *, locale: str = "zh-CN"
) -> bytes:
    return table_workbook(COLUMNS, lines, f"{SHEET[locale]} {period}", locale=locale)
