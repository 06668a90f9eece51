"""Rows with the mistakes real exports contain, so the reject path has work to do.

Each row breaks exactly one rule of the data model (named in ``RULE``); the
generator slips them into the first month's files after the first day's rows.
Values are canonical (the writer shows them in the file's words); a bad
timestamp is a string, as it would be in a hand-edited CSV.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

RULE = "_rule"

# The roster agent a dirty row names: the k-th, cycling through the roster.
Agent = Callable[[int], str]


def _contacts(ym: str, day: str, at: str, agent: Agent) -> list[dict[str, object]]:
    """Contacts with a bad timestamp, time order, channel, duration or a missing id."""
    return [
        {
            RULE: "unparsable timestamp (the 31st of a 30-day month)",
            "contact_id": f"C{day}9999901", "channel": "phone", "direction": "in",
            "agent_id": agent(0), "customer_id": "13800138000", "category": "查件",
            "offered_at": f"{ym}-31 25:10:00", "answered_at": f"{at} 10:10:12",
            "ended_at": f"{at} 10:12:40", "talk_seconds": 148, "hold_seconds": 0,
            "acw_seconds": 20, "transferred": False, "resolved": True,
        },
        {
            RULE: "answered before offered",
            "contact_id": f"C{day}9999902", "channel": "phone", "direction": "in",
            "agent_id": agent(1), "customer_id": "13900139000", "category": "催件",
            "waybill_no": "SF100000000001", "offered_at": f"{at} 10:20:00",
            "answered_at": f"{at} 10:19:30", "ended_at": f"{at} 10:23:00",
            "talk_seconds": 210, "hold_seconds": 0, "acw_seconds": 15,
            "transferred": False, "resolved": True,
        },
        {
            RULE: "unknown channel",
            "contact_id": f"C{day}9999903", "channel": "传真", "direction": "in",
            "agent_id": agent(2), "offered_at": f"{at} 11:00:00",
            "answered_at": f"{at} 11:00:09", "ended_at": f"{at} 11:02:00",
            "talk_seconds": 111, "resolved": True,
        },
        {
            RULE: "negative duration",
            "contact_id": f"C{day}9999904", "channel": "chat", "direction": "in",
            "agent_id": agent(3), "offered_at": f"{at} 11:30:00",
            "answered_at": f"{at} 11:30:20", "ended_at": f"{at} 11:35:00",
            "talk_seconds": -35, "resolved": True,
        },
        {
            RULE: "missing required contact_id",
            "channel": "phone", "direction": "in", "agent_id": agent(4),
            "offered_at": f"{at} 12:00:00", "answered_at": f"{at} 12:00:05",
            "ended_at": f"{at} 12:03:00", "talk_seconds": 175, "resolved": True,
        },
    ]  # fmt: skip


def _surveys(ym: str, day: str, at: str, agent: Agent) -> list[dict[str, object]]:
    """Surveys with ratings out of range, or no agent or an unknown one."""
    return [
        {
            RULE: "csat out of range 1–5",
            "survey_id": f"PJ{day}999901", "agent_id": agent(0),
            "responded_at": f"{at} 15:00:00", "csat": 7, "nps": 9,
        },
        {
            RULE: "missing required agent_id",
            "survey_id": f"PJ{day}999902", "responded_at": f"{at} 15:05:00", "csat": 4,
        },
        {
            RULE: "nps out of range 0–10",
            "survey_id": f"PJ{day}999903", "agent_id": agent(1),
            "responded_at": f"{at} 15:10:00", "csat": 5, "nps": 11,
        },
        {
            RULE: "unknown agent",
            "survey_id": f"PJ{day}999904", "agent_id": "KF99999",
            "responded_at": f"{at} 15:15:00", "csat": 2, "comment": "没人理我",
        },
    ]  # fmt: skip


def _qa_evaluations(ym: str, day: str, at: str, agent: Agent) -> list[dict[str, object]]:
    """QA evaluations with more correct than checked, or a score over 100."""
    return [
        {
            RULE: "info_correct greater than info_checked",
            "evaluation_id": f"ZJ{day}999901", "agent_id": agent(2),
            "evaluated_at": f"{at} 16:00:00", "evaluator": "质检-王芳",
            "compliance_score": 90, "info_checked": 4, "info_correct": 5, "fatal": False,
        },
        {
            RULE: "compliance_score out of range 0–100",
            "evaluation_id": f"ZJ{day}999902", "agent_id": agent(3),
            "evaluated_at": f"{at} 16:10:00", "evaluator": "质检-李娜",
            "compliance_score": 120, "info_checked": 3, "info_correct": 3, "fatal": False,
        },
    ]  # fmt: skip


def _complaints(ym: str, day: str, at: str, agent: Agent) -> list[dict[str, object]]:
    """A complaint whose status is none of the data model's."""
    return [
        {
            RULE: "unknown status",
            "complaint_id": f"TS{day}999901", "agent_id": agent(4),
            "received_at": f"{at} 17:00:00", "cause": "attitude", "severity": "minor",
            "attributed": True, "status": "待定",
        },
    ]  # fmt: skip


def dirty_rows(month: np.datetime64, agent_ids: np.ndarray) -> dict[str, list[dict[str, object]]]:
    """Dirty rows for each table that gets some, dated in ``month``, naming roster agents."""

    def agent(k: int) -> str:
        return str(agent_ids[k % len(agent_ids)])

    ym = str(month)
    day = ym.replace("-", "") + "02"
    at = f"{ym}-02"
    return {
        "contacts": _contacts(ym, day, at, agent),
        "surveys": _surveys(ym, day, at, agent),
        "qa_evaluations": _qa_evaluations(ym, day, at, agent),
        "complaints": _complaints(ym, day, at, agent),
    }
