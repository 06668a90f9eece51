"""The words of the exports in Chinese (default) and English."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kefu.errors import UsageError
from kefu.store.tables import CHANNEL_LABELS

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
    "where_severity_minor": ("一般", "minor"),
    "where_severity_major": ("重大", "major"),
    "where_severity_critical": ("严重", "critical"),
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


# -- the records behind a figure (drill-down page and its downloads) ------------------------
#: Record columns as people call them: (zh-CN, en). Columns of the stored tables and the
#: engine's derived ones (frt_seconds, handle_seconds, repeat, due_eff …).
_COLUMNS: dict[str, tuple[str, str]] = {
    "table": ("数据表", "Table"),
    "id": ("记录编号", "Record ID"),
    "in_numerator": ("计入分子", "In numerator"),
    "in_denominator": ("计入分母", "In denominator"),
    "source_file": ("来源文件", "Source file"),
    "source_row": ("行号", "Row"),
    "batch_id": ("导入批次", "Import batch"),
    "channel": ("渠道", "Channel"),
    "direction": ("呼叫方向", "Direction"),
    "category": ("类型", "Category"),
    "offered_at": ("进线时间", "Offered at"),
    "answered_at": ("应答时间", "Answered at"),
    "ended_at": ("结束时间", "Ended at"),
    "frt_seconds": ("首次响应时长(秒)", "First response (s)"),
    "talk_seconds": ("通话时长(秒)", "Talk time (s)"),
    "hold_seconds": ("保持时长(秒)", "Hold time (s)"),
    "acw_seconds": ("话后处理时长(秒)", "After-call work (s)"),
    "handle_seconds": ("处理时长(秒)", "Handle time (s)"),
    "cell_handle_mean": ("同类平均处理时长(秒)", "Like-for-like mean handle (s)"),
    "aht_index": ("处理时长指数", "Handle-time index"),
    "customer_id": ("客户ID", "Customer ID"),
    "waybill_no": ("运单号", "Waybill no."),
    "transferred": ("是否转接", "Transferred"),
    "resolved": ("是否解决", "Resolved"),
    "first_contact_resolved": ("一次解决", "Resolved first time"),
    "repeat": ("重复来电", "Repeat contact"),
    "cell_fcr_mean": ("同类平均解决率", "Like-for-like mean FCR"),
    "created_at": ("创建时间", "Created at"),
    "due_at": ("截止时间", "Due at"),
    "due_eff": ("有效截止时间", "Effective due time"),
    "closed_at": ("完结时间", "Closed at"),
    "evaluated_at": ("质检时间", "Evaluated at"),
    "evaluator": ("质检员", "Evaluator"),
    "compliance_score": ("规范得分", "Compliance score"),
    "info_checked": ("信息核查项数", "Items checked"),
    "info_correct": ("信息正确项数", "Items correct"),
    "fatal": ("致命错误", "Fatal error"),
    "responded_at": ("评价时间", "Responded at"),
    "csat": ("满意度", "CSAT"),
    "nps": ("推荐意愿", "Likelihood to recommend"),
    "comment": ("评价内容", "Comment"),
    "sentiment": ("情感倾向", "Sentiment"),
    "negative": ("负面评价", "Negative"),
    "received_at": ("受理时间", "Received at"),
    "cause": ("投诉原因", "Cause"),
    "severity": ("严重程度", "Severity"),
    "attributed": ("是否客服责任", "Agent-caused"),
    "status": ("状态", "Status"),
    "occurred_at": ("发生时间", "Occurred at"),
    "kind": ("差错类型", "Error kind"),
    "found_by": ("差错来源", "Found by"),
    "note": ("备注", "Note"),
    "session_id": ("培训场次", "Session"),
    "held_on": ("培训日期", "Held on"),
    "required": ("是否必修", "Required"),
    "attended": ("是否出勤", "Attended"),
    "exam_score": ("考核成绩", "Exam score"),
    "rated_on": ("评价日期", "Rated on"),
    "rater_id": ("评价人", "Rater"),
    "rater_role": ("评价人角色", "Rater role"),
    "score": ("评分", "Score"),
    "scale": ("分制", "Scale"),
    "description": ("改进内容", "Item"),
    "due_on": ("截止日期", "Due on"),
    "completed_on": ("完成日期", "Completed on"),
}

#: The kinds of record, as the drill-down heads each table: (zh-CN, en).
_TABLES: dict[str, tuple[str, str]] = {
    "contacts": ("通话与会话", "Contacts"),
    "tickets": ("工单", "Tickets"),
    "qa_evaluations": ("质检记录", "QA evaluations"),
    "surveys": ("满意度评价", "Surveys"),
    "complaints": ("投诉", "Complaints"),
    "operation_errors": ("错误操作", "Operation errors"),
    "praise": ("表扬", "Praise"),
    "training": ("培训记录", "Training"),
    "ratings": ("协作评价", "Teamwork ratings"),
    "improvement_items": ("改进计划事项", "Improvement-plan items"),
}

#: Stored codes as people say them, per column: (zh-CN, en).
_VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "channel": CHANNEL_LABELS,
    "direction": {"in": ("呼入", "inbound"), "out": ("呼出", "outbound")},
    "rater_role": {
        "supervisor": ("主管", "supervisor"),
        "peer": ("同事", "peer"),
        "self": ("自评", "self"),
    },
    "severity": {
        "minor": ("一般", "minor"),
        "major": ("重大", "major"),
        "critical": ("严重", "critical"),
    },
    "status": {
        "open": ("处理中", "open"),
        "upheld": ("成立", "upheld"),
        "rejected": ("不成立", "rejected"),
        "overturned": ("申诉撤销", "overturned on appeal"),
    },
    "cause": {
        "attitude": ("服务态度", "attitude"),
        "competence": ("业务能力", "competence"),
        "operation": ("操作失误", "operation"),
        "non_cs": ("非客服原因", "not customer service"),
        "other": ("其他", "other"),
    },
}

_YES_NO = (("是", "yes"), ("否", "no"))


def _pick(pair: tuple[str, str], locale: str) -> str:
    return pair[0] if locale.startswith("zh") else pair[1]


def column_label(column: str, locale: str) -> str:
    """A record column's heading (a column without a label is shown by its name)."""
    pair = _COLUMNS.get(column)
    return _pick(pair, locale) if pair else column


def table_label(table: str, locale: str) -> str:
    """A kind of record's name (``complaints`` → 投诉)."""
    pair = _TABLES.get(table)
    return _pick(pair, locale) if pair else table


def value_label(column: str, value: object, locale: str) -> object:
    """A stored value as people say it: ``phone`` → 电话, ``in`` → 呼入, True → 是.

    Values without a label (numbers, names, free text) come back unchanged.
    """
    if isinstance(value, bool):
        return _pick(_YES_NO[0] if value else _YES_NO[1], locale)
    pair = _VALUES.get(column, {}).get(str(value)) if isinstance(value, str) else None
    return _pick(pair, locale) if pair else value


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
