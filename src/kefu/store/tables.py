"""The eleven canonical tables of the data model, with their Chinese aliases.

This module is the single source of truth for column names, types, required
columns, record keys and period columns (see the spec's data-model.md and
metrics.md). The fact store writes, and the metrics read, exactly these
columns plus the lineage columns in :data:`LINEAGE`.

Storage types: ``timestamp`` columns hold naive UTC instants (naive input is
read in the workspace zone and converted); ``date`` columns hold local
calendar dates; ``duration`` columns hold float seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


class Kind(StrEnum):
    TEXT = "text"
    ENUM = "enum"
    TIMESTAMP = "timestamp"
    DATE = "date"
    DURATION = "duration"
    BOOL = "bool"
    INT = "int"
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    # ENUM: accepted spellings (lower-cased, after normalisation) → canonical value.
    values: Mapping[str, str] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    # Value used when the column is absent or the cell is empty.
    default: object = None
    # NUMBER/INT 0–100 scores also accept "95%".
    percent: bool = False

    @property
    def canonical_values(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.values.values()))


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    columns: tuple[Column, ...]
    # Record identity within a source: the same key imported again is a new version.
    key: tuple[str, ...]
    # The column whose value places a record in a period (metrics.md, general rules).
    period_column: str
    # Words in a file name that name this table (besides its own name).
    file_aliases: tuple[str, ...] = ()
    # Rows must name an agent of the roster (when a roster has been imported).
    known_agent: bool = True

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, kind: Kind, *aliases: str, **kw: object) -> Column:
    return Column(name, kind, aliases=aliases, **kw)  # type: ignore[arg-type]


def _r(name: str, kind: Kind, *aliases: str, **kw: object) -> Column:
    return Column(name, kind, required=True, aliases=aliases, **kw)  # type: ignore[arg-type]


CHANNELS = {
    "phone": "phone", "电话": "phone", "热线": "phone", "语音": "phone", "call": "phone",
    "voice": "phone", "hotline": "phone",
    "chat": "chat", "在线": "chat", "会话": "chat", "im": "chat", "微信": "chat", "app": "chat",
    "在线客服": "chat", "online": "chat", "webchat": "chat",
    "email": "email", "邮件": "email", "e-mail": "email", "mail": "email", "电子邮件": "email",
    "other": "other", "其他": "other",
}  # fmt: skip
# The channels themselves (the values above, in this order), and their names on pages
# and in exports: (zh, en).
CHANNEL_IDS: tuple[str, ...] = tuple(dict.fromkeys(CHANNELS.values()))
CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    "phone": ("电话", "phone"),
    "chat": ("在线", "chat"),
    "email": ("邮件", "e-mail"),
    "other": ("其他", "other"),
}
DIRECTIONS = {
    "in": "in", "inbound": "in", "呼入": "in", "来电": "in",
    "out": "out", "outbound": "out", "呼出": "out", "外呼": "out",
}  # fmt: skip
COMPLAINT_CAUSES = {
    "attitude": "attitude", "服务态度": "attitude", "态度": "attitude",
    "competence": "competence", "业务能力": "competence", "专业": "competence",
    "业务能力/专业": "competence", "专业能力": "competence",
    "operation": "operation", "操作失误": "operation", "操作": "operation",
    "non_cs": "non_cs", "非客服原因": "non_cs", "非客服": "non_cs",
    "other": "other", "其他": "other",
}  # fmt: skip
SEVERITIES = {
    "minor": "minor", "一般": "minor", "轻微": "minor",
    "major": "major", "重大": "major", "较重": "major",
    "critical": "critical", "严重": "critical", "特别严重": "critical",
}  # fmt: skip
COMPLAINT_STATUSES = {
    "open": "open", "处理中": "open", "待处理": "open",
    "upheld": "upheld", "成立": "upheld", "属实": "upheld",
    "rejected": "rejected", "不成立": "rejected", "不属实": "rejected",
    "overturned": "overturned", "申诉撤销": "overturned", "撤销": "overturned",
}  # fmt: skip
RATER_ROLES = {
    "supervisor": "supervisor", "主管": "supervisor", "组长": "supervisor",
    "peer": "peer", "同事": "peer", "互评": "peer",
    "self": "self", "自评": "self", "本人": "self",
}  # fmt: skip
# Word labels of the 1–5 satisfaction scale.
CSAT_LABELS = {"非常满意": 5, "满意": 4, "一般": 3, "不满意": 2, "非常不满意": 1}

AGENT = ("坐席工号", "工号", "客服工号")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "agents", "坐席",
            (
                _r("agent_id", Kind.TEXT, "工号", "坐席工号", "员工编号", "客服工号"),
                _r("name", Kind.TEXT, "姓名", "客服姓名"),
                _r("team", Kind.TEXT, "班组", "组别", "小组"),
                _c("site", Kind.TEXT, "职场", "中心", "站点"),
                _c("supervisor_id", Kind.TEXT, "主管工号", "组长工号"),
                _c("hire_date", Kind.DATE, "入职日期"),
                _c("leave_date", Kind.DATE, "离职日期"),
                _c("valid_from", Kind.DATE, "生效日期"),
            ),
            key=("agent_id", "valid_from"), period_column="valid_from",
            file_aliases=("坐席", "员工", "人员", "花名册", "roster", "staff"), known_agent=False,
        ),
        Table(
            "contacts", "通话/会话记录",
            (
                _r("contact_id", Kind.TEXT, "通话ID", "会话ID", "流水号", "呼叫编号"),
                _r("channel", Kind.ENUM, "渠道", "来源渠道", values=CHANNELS),
                _c("direction", Kind.ENUM, "呼叫方向", values=DIRECTIONS, default="in"),
                _c("agent_id", Kind.TEXT, *AGENT),
                _c("customer_id", Kind.TEXT, "客户ID", "主叫号码", "客户电话", "会员号"),
                _c("waybill_no", Kind.TEXT, "运单号", "快递单号"),
                _c("category", Kind.TEXT, "咨询类型", "业务类型", "问题分类"),
                _r("offered_at", Kind.TIMESTAMP,
                   "进线时间", "发起时间", "来电时间", "排队开始时间"),
                _c("answered_at", Kind.TIMESTAMP, "应答时间", "接通时间", "首次响应时间"),
                _c("ended_at", Kind.TIMESTAMP, "结束时间", "挂机时间"),
                _c("talk_seconds", Kind.DURATION, "通话时长", minimum=0),
                _c("hold_seconds", Kind.DURATION, "保持时长", minimum=0),
                _c("acw_seconds", Kind.DURATION, "话后处理时长", "整理时长", minimum=0),
                _c("transferred", Kind.BOOL, "是否转接"),
                _c("resolved", Kind.BOOL, "是否解决"),
            ),
            key=("contact_id",), period_column="offered_at",
            file_aliases=("通话", "会话", "话务", "呼叫", "calls", "call"), known_agent=False,
        ),
        Table(
            "tickets", "工单",
            (
                _r("ticket_id", Kind.TEXT, "工单号", "工单编号"),
                _r("agent_id", Kind.TEXT, "处理人工号", "受理人工号"),
                _r("created_at", Kind.TIMESTAMP, "创建时间", "受理时间"),
                _c("due_at", Kind.TIMESTAMP, "截止时间", "应完成时间", "时限"),
                _c("closed_at", Kind.TIMESTAMP, "完结时间", "关闭时间", "办结时间"),
                _c("category", Kind.TEXT, "工单类型"),
                _c("waybill_no", Kind.TEXT, "运单号"),
                _c("contact_id", Kind.TEXT, "通话ID"),
            ),
            key=("ticket_id",), period_column="due_at", file_aliases=("工单",),
        ),
        Table(
            "qa_evaluations", "质检记录",
            (
                _r("evaluation_id", Kind.TEXT, "质检单号", "质检ID"),
                _r("agent_id", Kind.TEXT, "被检坐席", "工号"),
                _c("contact_id", Kind.TEXT, "通话ID"),
                _r("evaluated_at", Kind.TIMESTAMP, "质检时间"),
                _c("evaluator", Kind.TEXT, "质检员"),
                _c("compliance_score", Kind.NUMBER, "规范得分", "服务规范得分", "质检得分",
                   minimum=0, maximum=100, percent=True),
                _c("info_checked", Kind.INT, "信息核查项数", minimum=0, default=1),
                # A yes/no 信息是否准确 column imports as info_correct 1/0 (checked 1).
                _c("info_correct", Kind.INT, "信息正确项数", "信息是否准确", minimum=0),
                _c("fatal", Kind.BOOL, "致命错误"),
                _c("remarks", Kind.TEXT, "备注", "质检评语"),
            ),
            key=("evaluation_id",), period_column="evaluated_at",
            file_aliases=("质检", "qa"),
        ),
        Table(
            "surveys", "满意度评价",
            (
                _r("survey_id", Kind.TEXT, "评价ID", "回访编号"),
                _r("agent_id", Kind.TEXT, *AGENT),
                _c("contact_id", Kind.TEXT, "通话ID"),
                _r("responded_at", Kind.TIMESTAMP, "评价时间"),
                _c("csat", Kind.INT, "满意度", "满意度评分", minimum=1, maximum=5),
                _c("nps", Kind.INT, "推荐意愿", "推荐值", minimum=0, maximum=10),
                _c("comment", Kind.TEXT, "评价内容", "客户留言"),
            ),
            key=("survey_id",), period_column="responded_at",
            file_aliases=("满意度", "评价", "回访", "survey"),
        ),
        Table(
            "complaints", "投诉",
            (
                _r("complaint_id", Kind.TEXT, "投诉单号", "投诉编号"),
                _c("agent_id", Kind.TEXT, "被投诉坐席", "责任工号"),
                _c("contact_id", Kind.TEXT, "通话ID"),
                _r("received_at", Kind.TIMESTAMP, "投诉时间"),
                _c("cause", Kind.ENUM, "投诉原因", values=COMPLAINT_CAUSES),
                _c("severity", Kind.ENUM, "严重程度", values=SEVERITIES),
                _c("attributed", Kind.BOOL, "是否客服责任"),
                _r("status", Kind.ENUM, "处理状态", values=COMPLAINT_STATUSES),
            ),
            key=("complaint_id",), period_column="received_at", file_aliases=("投诉",),
        ),
        Table(
            "operation_errors", "错误操作",
            (
                _r("error_id", Kind.TEXT, "差错编号", "差错ID"),
                _r("agent_id", Kind.TEXT, *AGENT, "责任工号"),
                _r("occurred_at", Kind.TIMESTAMP, "发生时间"),
                _c("kind", Kind.TEXT, "差错类型"),
                _c("severity", Kind.ENUM, "严重程度", values=SEVERITIES),
                # Not the lineage column: the system that found the error (QA, audit log…).
                _c("found_by", Kind.TEXT, "差错来源", "发现来源"),
            ),
            key=("error_id",), period_column="occurred_at",
            file_aliases=("差错", "错误操作", "errors"),
        ),
        Table(
            "praise", "表扬",
            (
                _r("praise_id", Kind.TEXT, "表扬编号", "表扬ID"),
                _r("agent_id", Kind.TEXT, *AGENT, "被表扬坐席"),
                _r("received_at", Kind.TIMESTAMP, "表扬时间"),
                _c("channel", Kind.TEXT, "表扬渠道", "表扬方式"),
                _c("note", Kind.TEXT, "备注", "表扬内容"),
            ),
            key=("praise_id",), period_column="received_at", file_aliases=("表扬",),
        ),
        Table(
            "training", "培训记录",
            (
                _r("record_id", Kind.TEXT, "记录编号", "培训记录ID"),
                _r("agent_id", Kind.TEXT, *AGENT),
                _c("session_id", Kind.TEXT, "培训场次"),
                _r("held_on", Kind.DATE, "培训日期"),
                _c("required", Kind.BOOL, "是否必修", default=True),
                _c("attended", Kind.BOOL, "是否出勤"),
                _c("exam_score", Kind.NUMBER, "考核成绩", minimum=0, maximum=100, percent=True),
            ),
            key=("record_id",), period_column="held_on", file_aliases=("培训",),
        ),
        Table(
            "ratings", "协作评价",
            (
                _r("rating_id", Kind.TEXT, "评价编号", "评分ID"),
                _r("agent_id", Kind.TEXT, "被评人", "被评人工号", *AGENT),
                _c("rater_id", Kind.TEXT, "评价人", "评价人工号"),
                _c("rater_role", Kind.ENUM, "评价人角色", "评价类型", values=RATER_ROLES),
                _r("rated_on", Kind.DATE, "评价日期"),
                # Stored on the 0–100 scale; a 1–5 rating (scale = 5) becomes (r − 1) × 25.
                _c("score", Kind.NUMBER, "评分", "协作评分", minimum=0, maximum=100, percent=True),
                _c("scale", Kind.INT, "分制", "量表"),
            ),
            key=("rating_id",), period_column="rated_on",
            file_aliases=("协作", "互评", "ratings"),
        ),
        Table(
            "improvement_items", "改进计划项",
            (
                _r("item_id", Kind.TEXT, "改进项编号"),
                _r("agent_id", Kind.TEXT, *AGENT),
                _c("description", Kind.TEXT, "改进内容", "改进措施"),
                _r("due_on", Kind.DATE, "完成期限", "截止日期"),
                _c("completed_on", Kind.DATE, "完成日期"),
            ),
            key=("item_id",), period_column="due_on",
            file_aliases=("改进", "改进计划", "improvement"),
        ),
    )
}  # fmt: skip

# Columns every stored record carries besides its table's own (data-model.md):
# where it came from, so any figure can be traced to a line of a file.
LINEAGE: tuple[tuple[str, str], ...] = (
    ("source", "text"),  # the system it came from (default: the mapping profile or "default")
    ("batch_id", "int64"),  # the import batch; the highest batch wins for a key
    ("source_file", "text"),  # file name as imported
    ("source_row", "int64"),  # row as a spreadsheet shows it: header row 1, first data row 2
)
LINEAGE_NAMES = tuple(name for name, _ in LINEAGE)

# Columns derived at import and stored after the lineage (never mapped from a file):
# the sentiment model's score of each survey comment, and which model gave it, so that
# computing indicators never loads the model (kefu.ingest.sentiment).
DERIVED: dict[str, tuple[tuple[str, str], ...]] = {
    "surveys": (("sentiment", "float64"), ("sentiment_model", "text")),
}


def derived_names(name: str) -> tuple[str, ...]:
    return tuple(column for column, _ in DERIVED.get(name, ()))


def table(name: str) -> Table:
    """Look up a canonical table by name, with a usable error for typos."""
    from kefu.errors import UsageError

    try:
        return TABLES[name]
    except KeyError:
        raise UsageError(f"unknown table '{name}'; the tables are: {', '.join(TABLES)}") from None


def arrow_schema(t: Table, *, lineage: bool = True) -> pa.Schema:
    """The Parquet schema of a stored table (canonical columns, lineage, derived columns)."""
    import pyarrow as pa

    kinds = {
        Kind.TEXT: pa.string(),
        Kind.ENUM: pa.string(),
        Kind.TIMESTAMP: pa.timestamp("us"),
        Kind.DATE: pa.date32(),
        Kind.DURATION: pa.float64(),
        Kind.BOOL: pa.bool_(),
        Kind.INT: pa.int64(),
        Kind.NUMBER: pa.float64(),
    }
    fields = [pa.field(c.name, kinds[c.kind]) for c in t.columns]
    if lineage:
        lineage_types = {"text": pa.string(), "int64": pa.int64(), "float64": pa.float64()}
        fields += [pa.field(name, lineage_types[kind]) for name, kind in LINEAGE]
        fields += [pa.field(name, lineage_types[kind]) for name, kind in DERIVED.get(t.name, ())]
    return pa.schema(fields)
