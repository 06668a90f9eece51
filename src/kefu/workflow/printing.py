"""The review meeting's print-out: the agent's appraisal sheet followed by the review.

Printing sits above :mod:`kefu.workflow.reviews`: it reads a review the user may
see and lays it out; the reviews themselves know nothing of PDF.
"""

from __future__ import annotations

import io

from jinja2 import Environment, PackageLoader, select_autoescape

from kefu.timefmt import format_moment
from kefu.users.roles import Principal
from kefu.workflow.models import Review
from kefu.workflow.reviews import review_of, summary
from kefu.workspace import Workspace

LABELS = {
    "zh-CN": {
        "title": "绩效面谈记录", "period": "考核周期", "agent": "坐席", "team": "班组",
        "state": "状态", "total": "总分", "grade": "等级", "weakest": "最弱指标",
        "previous": "上期", "strengths": "优势", "gaps": "不足", "measures": "改进措施",
        "self_assessment": "员工自评", "requests": "员工诉求", "held": "主管确认",
        "acknowledged": "员工确认", "draft": "草稿", "held_state": "已面谈",
        "acknowledged_state": "已确认",
    },
    "en": {
        "title": "Performance review record", "period": "Period", "agent": "Agent",
        "team": "Team", "state": "State", "total": "Total", "grade": "Grade",
        "weakest": "Weakest indicators", "previous": "Previous period",
        "strengths": "Strengths", "gaps": "Gaps", "measures": "Agreed measures",
        "self_assessment": "Self-assessment", "requests": "Agent's requests",
        "held": "Supervisor's acknowledgement", "acknowledged": "Agent's acknowledgement",
        "draft": "Draft", "held_state": "Held", "acknowledged_state": "Acknowledged",
    },
}  # fmt: skip


def review_html(review: Review, locale: str, tz: str) -> str:
    env = Environment(
        loader=PackageLoader("kefu.workflow", "templates"), autoescape=select_autoescape()
    )
    labels = LABELS.get(locale, LABELS["zh-CN"])
    return env.get_template("review_print.html").render(
        review=review,
        prefill=summary(review),
        L=labels,
        tz=tz,
        moment=lambda v: format_moment(v, tz, locale),  # local time, zone named
    )


def review_pdf(ws: Workspace, user: Principal, review_id: int, *, locale: str = "zh-CN") -> bytes:
    """The agent's appraisal sheet (PDF, :mod:`kefu.reports`) followed by the review record,
    for a review ``user`` may see."""
    return review_document(ws, review_of(ws, user, review_id), locale)


def review_document(ws: Workspace, review: Review, locale: str = "zh-CN") -> bytes:
    """One PDF: the published appraisal sheet of the review's agent and period, then the review."""
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    sheet = _sheet(ws, review, locale)
    record = HTML(string=review_html(review, locale, ws.timezone)).write_pdf()
    writer = PdfWriter()
    for part in (sheet, record):
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _sheet(ws: Workspace, review: Review, locale: str) -> bytes:
    from kefu import scoring
    from kefu.reports.meta import ReportMeta, scorecard_meta_from
    from kefu.reports.pdf import agent_sheet_pdf
    from kefu.scoring.registry import load_version

    row = scoring.agent_result(ws, review.period, review.agent_id, published=True)
    h = row["scorecard"]["content_hash"]
    meta = ReportMeta.of(scorecard_meta_from(load_version(ws, h), h), status="published")
    return agent_sheet_pdf(row, meta, locale=locale, tz=ws.timezone)
