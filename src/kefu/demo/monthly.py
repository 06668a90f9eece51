"""Monthly HR records: training sessions, teamwork ratings, improvement-plan items.

These are per agent per month (not per contact), so a month of them is small
even for ten thousand agents.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kefu.demo.columns import dates, ids, ints, strings
from kefu.demo.random import Stream, rng
from kefu.demo.roster import Roster
from kefu.demo.vocab import ELECTIVE_TITLE, IMPROVEMENT_ITEMS, ONBOARDING_TITLE, TRAINING_TITLES

Columns = dict[str, pa.Array]


def _weekday(day: np.datetime64) -> np.datetime64:
    """``day``, or the Monday after it when it falls on a weekend."""
    weekday = (int(day.astype(int)) + 3) % 7
    return day + np.timedelta64(max(0, 7 - weekday) if weekday >= 5 else 0, "D")


def month_bounds(month: np.datetime64) -> tuple[np.datetime64, np.datetime64]:
    first = month.astype("datetime64[D]")
    return first, (month + 1).astype("datetime64[D]")


def monthly(
    roster: Roster, month: np.datetime64, seed: int, export_end_day: np.datetime64
) -> dict[str, Columns]:
    """The month's training records, ratings and improvement items."""
    g = rng(seed, Stream.MONTHLY, int(month.astype(int)))
    return {
        "training": training(g, roster, month),
        "ratings": ratings(g, roster, month),
        "improvement_items": improvement_items(g, roster, month, export_end_day),
    }


def training(g: np.random.Generator, r: Roster, month: np.datetime64) -> Columns:
    """Two required sessions a month, one elective, and onboarding for new hires."""
    first, end = month_bounds(month)
    titles = TRAINING_TITLES[int(month.astype(int) % 12) + 1]
    tag = str(month).replace("-", "")
    agent_parts, session_parts, held_parts, required_parts = [], [], [], []
    sessions = [(titles[0], 7, True), (titles[1], 21, True), (ELECTIVE_TITLE, 14, False)]
    for k, (title, dom, is_required) in enumerate(sessions, start=1):
        held_on = _weekday(first + np.timedelta64(dom - 1, "D"))
        if held_on >= end:
            continue
        who = r.active(held_on)
        if not is_required:
            who = who[g.random(len(who)) < 0.3]
        agent_parts.append(who)
        session_parts.append(np.full(len(who), f"{tag}-{k:02d} {title}"))
        held_parts.append(np.full(len(who), held_on))
        required_parts.append(np.full(len(who), is_required))
    new_hires = np.flatnonzero((r.hire >= first) & (r.hire < end))
    agent_parts.append(new_hires)
    session_parts.append(np.full(len(new_hires), f"{tag}-00 {ONBOARDING_TITLE}"))
    held_parts.append(r.hire[new_hires])
    required_parts.append(np.ones(len(new_hires), bool))

    agent = np.concatenate(agent_parts)
    session = np.concatenate(session_parts)
    held = np.concatenate(held_parts).astype("datetime64[D]")
    required = np.concatenate(required_parts)
    order = np.lexsort((agent, held))
    agent, session, held, required = agent[order], session[order], held[order], required[order]
    n = len(agent)
    skill = r.skill[agent]
    attended = g.random(n) < np.clip(np.where(required, 0.93, 0.85) + 0.03 * skill, 0.5, 0.995)
    exam = np.clip(np.round(80 + 7 * skill + g.normal(0, 6, n), 1), 0, 100)
    has_exam = attended & required
    return {
        "record_id": ids("PX" + tag, n, width=7),
        "agent_id": strings(r.agent_id[agent]),
        "session_id": strings(session),
        "held_on": dates(held),
        "required": pa.array(required),
        "attended": pa.array(attended),
        "exam_score": pa.array(exam, pa.float64(), mask=~has_exam),
    }


def ratings(g: np.random.Generator, r: Roster, month: np.datetime64) -> Columns:
    """Month-end ratings: the supervisor (0–100), two peers (1–5) and the agent (self)."""
    _, end = month_bounds(month)
    day = end - np.timedelta64(1, "D")
    who = r.active(day)
    team = r.team_on(day)
    n = len(who)
    t = r.teamwork[who]
    sup = np.clip(np.round(82 + 7 * t + g.normal(0, 3, n)), 0, 100)
    own = np.clip(np.round(88 + 3 * t + g.normal(0, 3, n)), 0, 100)
    peer_parts: list[tuple[int, int]] = []
    for members in (who[team[who] == k] for k in np.unique(team[who])):
        if len(members) < 2:
            continue
        for a in members:
            others = members[members != a]
            for rater in g.choice(others, min(2, len(others)), replace=False):
                peer_parts.append((int(a), int(rater)))
    peers = np.array(peer_parts, dtype=np.int64).reshape(-1, 2)
    m = len(peers)
    peer_score = np.clip(np.round(3.9 + 0.6 * r.teamwork[peers[:, 0]] + g.normal(0, 0.5, m)), 1, 5)

    agent = np.concatenate([who, peers[:, 0], who])
    rater = np.concatenate([r.supervisor_id[team[who]], r.agent_id[peers[:, 1]], r.agent_id[who]])
    role = np.concatenate([np.full(n, "supervisor"), np.full(m, "peer"), np.full(n, "self")])
    score = np.concatenate([sup, peer_score, own])
    scale = np.concatenate([np.full(n, 100), np.full(m, 5), np.full(n, 100)])
    order = np.argsort(agent, kind="stable")
    agent, rater, role, score, scale = (x[order] for x in (agent, rater, role, score, scale))
    k = len(agent)
    return {
        "rating_id": ids("PF" + str(month).replace("-", ""), k, width=7),
        "agent_id": strings(r.agent_id[agent]),
        "rater_id": strings(rater),
        "rater_role": strings(role),
        "rated_on": dates(np.full(k, day)),
        "score": pa.array(score, pa.float64()),
        "scale": ints(scale),
    }


def improvement_items(
    g: np.random.Generator, r: Roster, month: np.datetime64, export_end_day: np.datetime64
) -> Columns:
    """Items for the weaker agents, due this month; some done late, some not done."""
    first, end = month_bounds(month)
    who = r.active(first + np.timedelta64(14, "D"))
    weak = who[r.skill[who] < -0.6]
    count = g.integers(1, 3, len(weak))
    agent = np.repeat(weak, count)
    n = len(agent)
    days = int((end - first).astype(int))
    due = first + g.integers(14, days, n).astype("timedelta64[D]")
    p_on_time = np.clip(0.8 + 0.15 * r.skill[agent], 0.2, 0.95)
    u = g.random(n)
    on_time = u < p_on_time
    late = ~on_time & (g.random(n) < 0.6)
    done = np.where(
        on_time,
        due - g.integers(0, 10, n).astype("timedelta64[D]"),
        due + g.integers(2, 16, n).astype("timedelta64[D]"),
    )
    # Nothing can have been completed after the day the export was taken.
    done = np.where((on_time | late) & (done <= export_end_day), done, np.datetime64("NaT"))
    order = np.lexsort((agent, due))
    agent, due, done = agent[order], due[order], done[order]
    return {
        "item_id": ids("GJ" + str(month).replace("-", ""), n, width=5),
        "agent_id": strings(r.agent_id[agent]),
        "description": strings(
            np.array(IMPROVEMENT_ITEMS)[g.integers(0, len(IMPROVEMENT_ITEMS), n)]
        ),
        "due_on": dates(due.astype("datetime64[D]")),
        "completed_on": dates(done.astype("datetime64[D]")),
    }
