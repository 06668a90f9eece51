"""The words of the exports in Chinese (default) and English."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kefu.errors import UsageError

LOCALES = ("zh-CN", "en")

_TEXT: dict[str, tuple[str, str]] = {
    # key: (zh-CN, en)
    "summary": ("汇总", "Summary"),
    "centre": ("全中心", "Whole centre"),
    "total_shown": ("合计", "Total"),
    "grade_reason": ("等级说明", "Why this grade"),
    "appraisal_table": ("绩效考核表", "Appraisal table"),
    "agent_sheet": ("个人绩效考核表", "Individual appraisal sheet"),
    "period": ("考核周期", "Period"),
    "scorecard": ("考核方案", "Scorecard"),
    "agent_id": ("工号", "Agent ID"),
    "name": ("姓名", "Name"),
    "team": ("班组", "Team"),
    "site": ("职场", "Site"),
    "agents": ("人数", "Agents"),
    "mean_total": ("平均分", "Mean total"),
    "max_total": ("最高分", "Highest"),
    "min_total": ("最低分", "Lowest"),
    "grade_distribution": ("等级分布", "Grade distribution"),
    "teams_overview": ("班组概况", "Teams"),
    "centre_ranking": ("中心排名", "Centre ranking"),
    "value": ("实际值", "Value"),
    "points": ("得分", "Points"),
    "weight": ("权重", "Weight"),
    "target": ("目标值", "Target"),
    "threshold": ("底线值", "Threshold"),
    "sample": ("样本", "Sample"),
    "share": ("得分率", "Share"),
    "reason": ("说明", "Notes"),
    "indicator": ("指标", "Indicator"),
    "dimension": ("维度", "Dimension"),
    "subtotal": ("小计", "Subtotal"),
    "bonus": ("加分", "Bonus"),
    "penalty": ("扣分", "Penalty"),
    "vetoes": ("一票否决", "Vetoes"),
    "total": ("总分", "Total"),
    "grade": ("等级", "Grade"),
    "rank_team": ("班组排名", "Team rank"),
    "rank_site": ("职场排名", "Site rank"),
    "rank_centre": ("中心排名", "Centre rank"),
    "rank": ("排名", "Rank"),
    "team_value": ("班组值", "Team value"),
    "team_average": ("班组平均分", "Team mean total"),
    "history": ("近期考核记录", "Recent results"),
    "signatures": ("确认签字", "Signatures"),
    "agent_signature": ("被考核人签字", "Agent"),
    "supervisor_signature": ("直接主管签字", "Supervisor"),
    "date": ("日期", "Date"),
    "none": ("无", "None"),
    "of": ("共", "of"),
    "status_no_data": ("无数据", "no data"),
    "status_insufficient_sample": ("样本不足", "insufficient sample"),
    "band_label": ("区间", "band"),
    "legend": (
        "颜色:绿色 达到目标;黄色 介于底线与目标之间;红色 未达底线。",
        "Colours: green meets target; amber between threshold and target; red beyond threshold.",
    ),
    "generated": ("生成时间", "Generated"),
    "pay_coefficient": ("绩效系数", "Pay coefficient"),
    "status": ("状态", "Status"),
    "status_open": ("未评分", "not scored"),
    "status_scored": ("草稿(未发布)", "draft (not published)"),
    "status_published": ("已发布", "published"),
    "status_stale": ("草稿(数据已更新,需重新评分)", "draft (data changed since scoring)"),
    "status_published_stale": (
        "已发布(数据已更新,需重新评分)",
        "published (data changed since scoring: score again)",
    ),
    "status_published_revision": ("已发布,修订待发布", "published, a revision pending"),
    "status_revision_pending": (
        "修订草稿(已发布结果仍有效)",
        "draft revision (the published results still stand)",
    ),
    "draft_banner_revision": (
        "修订草稿:本修订尚未发布,已发布的结果在其发布前仍然有效。",
        "Draft revision: not published yet; the published results stand until it is.",
    ),
    "stale_banner": (
        "数据已更新,需重新评分:以下为已发布的结果,此后导入的数据未计入。",
        "Data changed since scoring: score again. These are the published results; data "
        "imported since is not in them.",
    ),
    "draft_banner": (
        "草稿:本期结果尚未发布,仅供核对,不作为发放依据。",
        "Draft: these results are not published yet; for checking only, not for pay.",
    ),
    "run": ("评分批次", "Scoring run"),
    "details": ("加扣分明细", "Bonus and penalty details"),
    "remarks": ("备注", "Remarks"),
    "event_complaint": ("投诉", "complaint"),
    "event_qa_fatal": ("质检致命错误", "QA fatal error"),
    "event_operation_error": ("错误操作", "operation error"),
    "page": ("页", "Page"),
    "revision": ("第 {n} 次修订", "revision {n}"),
    # The conditions of penalties and vetoes (``where: {severity: critical}``), as said.
    "where_severity_minor": ("轻微", "minor"),
    "where_severity_major": ("严重", "major"),
    "where_severity_critical": ("重大", "critical"),
    "where_attributed_true": ("客服责任", "the agent's fault"),
    "where_attributed_false": ("非客服责任", "not the agent's fault"),
    "where_cause_attitude": ("服务态度", "attitude"),
    "where_cause_competence": ("业务能力", "competence"),
    "where_cause_operation": ("操作失误", "operation mistake"),
    "where_cause_non_cs": ("非客服原因", "not customer service"),
    "where_cause_other": ("其他原因", "other cause"),
    "where_channel_phone": ("电话", "phone"),
    "where_channel_chat": ("在线会话", "chat"),
    "where_channel_email": ("邮件", "e-mail"),
    "where_channel_other": ("其他渠道", "other channel"),
    "where_fatal_true": ("致命", "fatal"),
    "where_fatal_false": ("非致命", "not fatal"),
}


def check_locale(locale: str) -> str:
    """Return ``locale`` if the exports speak it, else say which ones they do."""
    if locale not in LOCALES:
        raise UsageError(f"unknown locale '{locale}'; use one of {', '.join(LOCALES)}")
    return locale


def text(key: str, locale: str) -> str:
    """The label ``key`` in ``locale`` (zh-CN or en)."""
    zh, en = _TEXT[key]
    return zh if locale.startswith("zh") else en


def where_text(where: Mapping[str, Any] | str, locale: str) -> str:
    """A penalty's or veto's condition as people say it: ``{"severity": "major"}`` or
    ``severity=major`` → ``严重``; a condition without a label stays ``key=value``."""
    if isinstance(where, str):
        pairs = [p.strip().partition("=") for p in where.split(",") if p.strip()]
        items = [(k, v) for k, _, v in pairs]
    else:
        items = [(str(k), v) for k, v in where.items()]
    said = []
    for key, value in items:
        shown = str(value).lower()  # True (YAML), true (text) alike
        label = _TEXT.get(f"where_{key}_{shown}")
        said.append(
            (label[0] if locale.startswith("zh") else label[1]) if label else f"{key}={value}"
        )
    return ("、" if locale.startswith("zh") else ", ").join(said)


def run_text(run: str | None, locale: str) -> str:
    """A scoring run's label (``#12 rev 1``, kefu.reports.source) in ``locale``."""
    if not run:
        return ""
    found = re.fullmatch(r"(#\d+) rev (\d+)", run)
    if found is None:
        return run
    return f"{found[1]} {text('revision', locale).format(n=found[2])}"
