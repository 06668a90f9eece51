"""The demo's workflow step: reviews, plans in progress and appeals on the last published month.

Everything goes through the workflow services under the demo users' names,
so the inbox, the audit trail and the revisions look as they would after a
real month: the supervisor's team has its reviews (some acknowledged, some
held, one still a draft), the low grades have improvement plans with items
done, due and overdue, and QA has decided two appeals (one upheld, which
revised the month, one rejected) with a third still open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from kefu.demo.state import DemoRun, month_labels
from kefu.errors import KefuError
from kefu.periods import Period
from kefu.users.roles import Principal, Role
from kefu.workflow.access import today_local

REVIEWS_PER_TEAM = 8


def _people(team: str) -> dict[str, Principal]:
    # Acting under the demo logins' user names, so the audit trail reads naturally.
    return {
        "supervisor": Principal(
            0, "supervisor", "李主管", Role.supervisor, teams=frozenset({team})
        ),
        "qa": Principal(0, "qa", "赵质检", Role.qa),
    }


def demo_workflow(run: DemoRun) -> None:
    """Reviews, plans and appeals for the supervisor's team in the last published month."""
    from kefu import scoring
    from kefu.workflow import appeals

    months = month_labels(run.start, run.months)
    if len(months) < 2:
        run.console.print("  (workflow skipped: no published month)")
        return
    ws = run.workspace
    month, under_way = months[-2], Period.parse(months[-1])
    if scoring.latest_run(ws, month, published=True) is None:
        run.console.print(f"  (workflow skipped: {month} is not published)")
        return
    rows = scoring.results(ws, month, published=True)
    users: dict[str, str] = getattr(run, "users", None) or {}
    team = users.get("team") or next((r["team"] for r in rows if r.get("team")), None)
    if team is None:
        raise KefuError("the demo has no team for the workflow step")
    mine = sorted((r for r in rows if r.get("team") == team), key=lambda r: r["total"])
    agent_id = users.get("agent")
    people = _people(team)
    sup = people["supervisor"]
    chosen = mine[:REVIEWS_PER_TEAM]
    if agent_id and all(r["agent_id"] != agent_id for r in chosen):
        chosen.append(next(r for r in mine if r["agent_id"] == agent_id))
    draft = next(r["agent_id"] for r in reversed(chosen) if r["agent_id"] != agent_id)
    today = today_local(ws)
    start = under_way.start
    dues = [start + timedelta(days=9), start + timedelta(days=19), under_way.end + timedelta(14)]
    held, acknowledged, planned = _reviews(ws, sup, chosen, month, dues, draft, agent_id)
    _progress(ws, sup, today)
    decided = _appeals(ws, people, team, month, appeals)
    if planned:
        # The plan items are new records in the month under way: score it again.
        scoring.score_period(ws, under_way, actor="demo")
    run.console.print(
        f"  workflow {month}, team {team}: {len(chosen)} reviews ({held} held, "
        f"{acknowledged} acknowledged), {planned} improvement plans, appeals {decided}"
    )


def _reviews(
    ws: Any,
    sup: Principal,
    chosen: Sequence[Mapping[str, Any]],
    month: str,
    dues: list[Any],
    draft: str,
    agent_id: str | None,
) -> tuple[int, int, int]:
    """Open, write and hold each chosen review; plans where one is required; some acknowledged.

    ``draft`` stays a draft; ``agent_id`` (the demo agent) acknowledges their own.
    Returns how many were held, acknowledged and given a plan.
    """
    from kefu.workflow import plans, reviews

    held = acknowledged = planned = 0
    for i, row in enumerate(chosen):
        review = reviews.open_review(ws, sup, row["agent_id"], month)
        weakest = [w["indicator"] for w in review.prefill.get("weakest", [])]
        reviews.update(
            ws, sup, review.id,
            strengths="服务态度好,客户评价积极。",
            gaps="需提升: " + "、".join(weakest) if weakest else "保持现有水平。",
            measures="每周复听 3 通录音,主管陪听一次;按知识库核对改址、理赔口径。",
        )  # fmt: skip
        if review.prefill.get("plan_required"):
            plans.create_plan(ws, sup, review.id, title=f"{month} 个人改进计划", items=[
                {"description": "复听本人录音 10 通并写出改进点", "due_on": dues[0]},
                {"description": "通过理赔与改址业务口径考试", "due_on": dues[1]},
                {"description": "连续两周质检规范得分不低于 90", "due_on": dues[2]},
            ])  # fmt: skip
            planned += 1
        if row["agent_id"] == draft:
            continue  # one draft stays for the supervisor's inbox
        reviews.hold(ws, sup, review.id)
        held += 1
        if row["agent_id"] == agent_id:
            continue  # the demo agent acknowledges it themselves
        me = Principal(0, f"agent-{row['agent_id']}", str(row.get("name") or ""), Role.agent,
                       agent_id=row["agent_id"])  # fmt: skip
        if i % 2 == 0:
            reviews.update(ws, me, review.id, self_assessment="认同主管的分析,会按计划改进。",
                           requests="希望安排一次理赔专项培训。")  # fmt: skip
            reviews.acknowledge(ws, me, review.id)
            acknowledged += 1
    return held, acknowledged, planned


def _progress(ws: Any, sup: Principal, today: Any) -> None:
    """Complete the first item of every plan that is due by now (a plan in progress)."""
    from kefu.workflow import plans

    for plan in plans.list_plans(ws, sup):
        first = plan.items[0]
        done = first.due_on - timedelta(days=2)
        if done <= today:
            plans.update_item(ws, sup, first.id, completed_on=done,
                              evidence="已复听 10 通,改进点见附页。")  # fmt: skip


def _appeals(ws: Any, people: dict[str, Principal], team: str, month: str, appeals: Any) -> str:
    """One upheld, one rejected and one open appeal on the team's QA evaluations."""
    con = ws.duckdb()
    t = ws.facts.table(con, "qa_evaluations")
    start, end = Period.parse(month).utc_bounds(ws.timezone)
    from kefu.scoring.inputs import roster_on

    roster = roster_on(ws, Period.parse(month).end - timedelta(days=1), con)
    members = sorted(a for a, who in roster.items() if who.team == team)
    found = (
        t.filter(t.evaluated_at >= start, t.evaluated_at < end, t.agent_id.isin(members))
        .filter(t.compliance_score < 85)
        .order_by([t.agent_id, t.evaluation_id])
        .select("evaluation_id", "agent_id", "compliance_score", "source")
        .to_pyarrow()
        .to_pylist()
    )
    picked: list[dict[str, Any]] = []
    for r in found:  # three different agents
        if all(p["agent_id"] != r["agent_id"] for p in picked):
            picked.append(r)
        if len(picked) == 3:
            break
    sup, qa = people["supervisor"], people["qa"]
    outcome = []
    for n, r in enumerate(picked):
        corrected = min(100.0, float(r["compliance_score"]) + 15)
        appeal = appeals.file_appeal(
            ws, sup, "qa_evaluations", r["evaluation_id"], source=r["source"],
            reason="录音复核:开场白与核实身份均已完成,质检漏听。",
            requested={"compliance_score": corrected},
            attachments=["录音 00:05–00:20 段落文字记录"],
        )  # fmt: skip
        if n == 0:
            appeals.decide(ws, qa, appeal.id, uphold=True, reason="复听属实,按规范重新评分。")
            outcome.append("1 upheld")
        elif n == 1:
            appeals.decide(ws, qa, appeal.id, uphold=False, reason="复听后确认未按话术核实身份。")
            outcome.append("1 rejected")
        else:
            outcome.append("1 open")
    return ", ".join(outcome) or "none (no QA evaluation to appeal)"
