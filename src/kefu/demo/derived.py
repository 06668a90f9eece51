"""Records that follow from a day of contacts: tickets, QA audits, surveys,
complaints, operation errors and praise.

Each is drawn per contact (or per handled contact) with a probability driven by
the same latent skill, the category and the day's load, so the indicators of
one agent agree with each other the way they do in a real centre. Records
dated after the end of the export (``export_end``) are left out, or stay open.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kefu.demo.columns import flags, ids, ints, strings, timestamps
from kefu.demo.contacts import CHAT, DAY, EMAIL, PHONE, ContactDay, waybill_strings
from kefu.demo.random import Stream, rng
from kefu.demo.roster import Roster
from kefu.demo.vocab import (
    CATEGORIES,
    CATEGORY_MOOD,
    CATEGORY_SHARE,
    CATEGORY_SLA_HOURS,
    CATEGORY_TICKET,
    ERROR_FOUND_BY,
    ERROR_KINDS,
    PRAISE_CHANNELS,
    PRAISE_NOTES,
    PRAISE_SHARE,
    QA_REMARKS,
    SURVEY_COMMENTS,
    WAYBILL_PREFIXES,
)

Columns = dict[str, pa.Array]
COMPLAINT = CATEGORIES.index("投诉")
QA_PER_AGENT_MONTH = 5
QA_STAFF = ("质检-王芳", "质检-李娜", "质检-陈静", "质检-刘洋", "质检-赵敏", "质检-周婷")
SEVERITIES = np.array(["minor", "major", "critical"])


def _pick(
    g: np.random.Generator, options: tuple[str, ...], n: int, p: tuple[float, ...] | None = None
) -> np.ndarray:
    return np.array(options)[g.choice(len(options), n, p=p)]


def _stamp(day: np.datetime64) -> str:
    return str(day).replace("-", "")


def derive(c: ContactDay, roster: Roster, seed: int, export_end: int) -> dict[str, Columns]:
    """All contact-driven records of one day, keyed by canonical table name."""
    g = rng(seed, Stream.DERIVED, int(c.day.astype(int)))
    return {
        "tickets": tickets(g, c, roster, export_end),
        "qa_evaluations": qa_evaluations(g, c, roster, export_end),
        "surveys": surveys(g, c, roster, export_end),
        "complaints": complaints(g, c, roster, export_end),
        "operation_errors": operation_errors(g, c, roster, export_end),
        "praise": praise(g, c, roster, export_end),
    }


def _handled(c: ContactDay) -> tuple[np.ndarray, np.ndarray]:
    idx = np.flatnonzero(c.is_answered)
    return idx, c.agent[idx]


def tickets(g: np.random.Generator, c: ContactDay, r: Roster, export_end: int) -> Columns:
    """Tickets opened from contacts, plus tickets raised in the app (no contact)."""
    idx, agent = _handled(c)
    opens = g.random(len(idx)) < np.array(CATEGORY_TICKET)[c.category[idx]]
    idx, agent = idx[opens], agent[opens]
    created = c.ended[idx]
    category = c.category[idx]
    waybill, brand = c.waybill[idx], c.brand[idx]
    # App tickets: a sixth again as many, to whoever is on duty.
    active = r.active(c.day)
    m = int(g.poisson(len(idx) / 6)) if len(active) else 0
    day0 = int(c.day.astype("datetime64[s]").astype(np.int64))
    agent = np.concatenate([agent, active[g.integers(0, max(len(active), 1), m)]])
    created = np.concatenate([created, day0 + g.integers(8 * 3600, 22 * 3600, m)])
    category = np.concatenate([category, g.choice(len(CATEGORIES), m, p=CATEGORY_SHARE)])
    waybill = np.concatenate([waybill, g.integers(10**11, 10**12, m)])
    brand = np.concatenate([brand, g.integers(0, len(WAYBILL_PREFIXES), m)])
    contact = pa.concat_arrays(
        [pc.take(c.contact_id, pa.array(idx, pa.int64())), pa.nulls(m, pa.string())]
    )
    order = np.argsort(created, kind="stable")
    agent, created, category, waybill, brand = (
        a[order] for a in (agent, created, category, waybill, brand)
    )
    contact = pc.take(contact, pa.array(order))
    n = len(agent)
    sla = np.array(CATEGORY_SLA_HOURS)[category] * 3600
    # Systems that compute the due time themselves leave it out of some exports.
    due = created + sla
    work = sla * g.lognormal(np.log(0.45), 0.6, n) * np.exp(-0.15 * r.skill[agent]) * c.load**0.5
    closed = created + np.round(work).astype(np.int64)
    stuck = g.random(n) < 0.005
    closed = np.where((closed > export_end) | stuck, -1, closed)
    due_shown = np.where(g.random(n) < 0.97, due, -1)
    return {
        "ticket_id": ids("GD" + _stamp(c.day), n),
        "agent_id": strings(r.agent_id[agent]),
        "created_at": timestamps(created),
        "due_at": timestamps(due_shown),
        "closed_at": timestamps(closed),
        "category": strings(np.array(CATEGORIES)[category]),
        "waybill_no": waybill_strings(brand, waybill),
        "contact_id": contact,
    }


def qa_evaluations(g: np.random.Generator, c: ContactDay, r: Roster, export_end: int) -> Columns:
    """About five audited contacts per agent per month, one to four days later."""
    idx, agent = _handled(c)
    pick = g.random(len(idx)) < QA_PER_AGENT_MONTH / 3000
    idx, agent = idx[pick], agent[pick]
    n = len(idx)
    later = g.integers(1, 5, n) * DAY
    evaluated = c.ended[idx] - c.ended[idx] % DAY + later + g.integers(9 * 3600, 18 * 3600, n)
    keep = evaluated <= export_end
    idx, agent, evaluated = idx[keep], agent[keep], evaluated[keep]
    order = np.argsort(evaluated, kind="stable")
    idx, agent, evaluated = idx[order], agent[order], evaluated[order]
    n = len(idx)
    skill = r.skill[agent]
    fatal = g.random(n) < 0.008 * np.exp(-0.5 * skill)
    score = np.clip(np.round(88 + 5 * skill + g.normal(0, 5, n) - 18 * c.short[idx]), 0, 100)
    # A fatal error (privacy leak, abuse) zeroes the audit.
    score = np.where(fatal, 0.0, score)
    checked = g.integers(3, 7, n)
    correct = checked - g.binomial(checked, np.clip(0.05 * np.exp(-0.6 * skill), 0, 0.5))
    weak = score < 85
    remarks = np.where(
        fatal,
        _pick(g, QA_REMARKS["fatal"], n),
        np.where(weak, _pick(g, QA_REMARKS["weak"], n), _pick(g, QA_REMARKS["good"], n)),
    )
    return {
        "evaluation_id": ids("ZJ" + _stamp(c.day), n),
        "agent_id": strings(r.agent_id[agent]),
        "contact_id": pc.take(c.contact_id, pa.array(idx, pa.int64())),
        "evaluated_at": timestamps(evaluated),
        "evaluator": strings(_pick(g, QA_STAFF, n)),
        "compliance_score": pa.array(score, pa.float64()),
        "info_checked": ints(checked),
        "info_correct": ints(correct),
        "fatal": pa.array(fatal),
        "remarks": strings(remarks, mask=remarks == ""),
    }


def surveys(g: np.random.Generator, c: ContactDay, r: Roster, export_end: int) -> Columns:
    """Post-contact surveys: CSAT 1–5, NPS 0–10, sometimes a comment."""
    idx, agent = _handled(c)
    inbound = ~c.outbound[idx]
    pick = inbound & (g.random(len(idx)) < 0.12)
    idx, agent = idx[pick], agent[pick]
    n = len(idx)
    channel = c.channel[idx]
    delay = np.select(
        [channel == PHONE, channel == CHAT],
        [g.integers(5, 60, n), g.integers(10, 300, n)],
        g.integers(3600, 48 * 3600, n),
    )
    responded = c.ended[idx] + delay
    keep = responded <= export_end
    idx, agent, responded = idx[keep], agent[keep], responded[keep]
    order = np.argsort(responded, kind="stable")
    idx, agent, responded = idx[order], agent[order], responded[order]
    n = len(idx)
    wait = c.answered[idx] - c.offered[idx]
    q = (
        1.3
        + 0.5 * r.skill[agent]
        - 0.8 * (c.resolved[idx] == 0)
        - 0.6 * (c.transferred[idx] == 1)
        - 0.35 * np.log1p(np.where(c.channel[idx] == EMAIL, 0, wait) / 60)
        - np.array(CATEGORY_MOOD)[c.category[idx]]
        - 1.0 * c.short[idx]
        + g.normal(0, 0.9, n)
    )
    csat = 1 + np.searchsorted(np.array([-1.5, -0.9, -0.2, 0.6]), q)
    # Satisfied customers mostly recommend (9–10); a 3 is a detractor (0–6).
    nps = np.clip(np.round(2 * csat + g.normal(0, 1.1, n)), 0, 10).astype(np.int64)
    has_csat = g.random(n) < 0.92
    has_nps = g.random(n) < 0.6
    mood = np.where(csat >= 4, 0, np.where(csat == 3, 1, 2))
    pools = [np.array(SURVEY_COMMENTS[k]) for k in ("positive", "neutral", "negative")]
    comment = np.choose(mood, [p[g.integers(0, len(p), n)] for p in pools])
    has_comment = g.random(n) < np.where(mood == 2, 0.7, 0.3)
    return {
        "survey_id": ids("PJ" + _stamp(c.day), n),
        "agent_id": strings(r.agent_id[agent]),
        "contact_id": pc.take(c.contact_id, pa.array(idx, pa.int64())),
        "responded_at": timestamps(responded),
        "csat": ints(np.where(has_csat, csat, -1)),
        "nps": ints(np.where(has_nps | ~has_csat, nps, -1)),
        "comment": strings(comment, mask=~has_comment),
    }


def complaints(g: np.random.Generator, c: ContactDay, r: Roster, export_end: int) -> Columns:
    """Complaints: most about delivery (non_cs); some caused by the agent."""
    n_all = len(c)
    a = np.where(c.agent >= 0, c.agent, 0)
    base = np.where(c.is_answered, 0.003, 0.002) * c.load
    mult = np.where(c.category == COMPLAINT, 4.0, 1.0)
    pick = g.random(n_all) < base * mult
    idx = np.flatnonzero(pick)
    n = len(idx)
    agent = c.agent[idx]
    skill = r.skill[a[idx]]
    p_cs = np.clip(0.28 * np.exp(-0.5 * skill) + 0.4 * c.short[idx], 0, 0.85)
    caused = (agent >= 0) & (g.random(n) < p_cs)
    cause = np.where(
        caused,
        _pick(g, ("attitude", "competence", "operation"), n, p=(0.4, 0.35, 0.25)),
        _pick(g, ("non_cs", "other"), n, p=(0.9, 0.1)),
    )
    attributed = np.where(caused, 1, np.where(cause == "non_cs", 0, -1))
    received = c.ended[idx] + np.round(g.exponential(6 * 3600, n)).astype(np.int64)
    keep = received <= export_end
    recent = (export_end - received) < 5 * DAY
    status = np.where(
        caused,
        _pick(g, ("upheld", "rejected", "overturned", "open"), n, p=(0.62, 0.18, 0.08, 0.12)),
        _pick(g, ("upheld", "rejected", "open"), n, p=(0.7, 0.2, 0.1)),
    )
    status = np.where(recent & (g.random(n) < 0.6), "open", status)
    severity = SEVERITIES[g.choice(3, n, p=(0.7, 0.25, 0.05))]
    show_agent = (agent >= 0) & (caused | (g.random(n) < 0.6))
    cols = (idx, agent, cause, attributed, received, status, severity, show_agent)
    kept: list[Any] = [x[keep] for x in cols]
    order = np.argsort(kept[4], kind="stable")  # by received
    ordered: list[Any] = [x[order] for x in kept]
    idx, agent, cause, attributed, received, status, severity, show_agent = ordered
    n = len(idx)
    return {
        "complaint_id": ids("TS" + _stamp(c.day), n),
        "agent_id": strings(r.agent_id[np.where(agent >= 0, agent, 0)], mask=~show_agent),
        "contact_id": pc.take(c.contact_id, pa.array(idx, pa.int64())),
        "received_at": timestamps(received),
        "cause": strings(cause),
        "severity": strings(severity),
        "attributed": flags(attributed),
        "status": strings(status),
    }


def operation_errors(g: np.random.Generator, c: ContactDay, r: Roster, export_end: int) -> Columns:
    """Wrong entries and wrong dispatches, about two per agent per month."""
    idx, agent = _handled(c)
    p = 0.0006 * np.exp(-0.5 * r.skill[agent]) * c.load**0.5
    pick = g.random(len(idx)) < p
    idx, agent = idx[pick], agent[pick]
    n = len(idx)
    return {
        "error_id": ids("CC" + _stamp(c.day), n),
        "agent_id": strings(r.agent_id[agent]),
        "occurred_at": timestamps(c.ended[idx]),
        "kind": strings(_pick(g, ERROR_KINDS, n)),
        "severity": strings(SEVERITIES[g.choice(3, n, p=(0.8, 0.18, 0.02))]),
        "found_by": strings(_pick(g, ERROR_FOUND_BY, n)),
    }


def praise(g: np.random.Generator, c: ContactDay, r: Roster, export_end: int) -> Columns:
    """Letters, banners, calls and tagged reviews naming an agent."""
    idx, agent = _handled(c)
    p = 0.0007 * np.exp(0.6 * r.skill[agent]) * (c.resolved[idx] == 1)
    pick = g.random(len(idx)) < p
    idx, agent = idx[pick], agent[pick]
    n = len(idx)
    received = c.ended[idx] + g.integers(1, 10, n) * DAY
    keep = received <= export_end
    agent, received = agent[keep], received[keep]
    order = np.argsort(received, kind="stable")
    agent, received = agent[order], received[order]
    n = len(agent)
    return {
        "praise_id": ids("BY" + _stamp(c.day), n),
        "agent_id": strings(r.agent_id[agent]),
        "received_at": timestamps(received),
        "channel": strings(_pick(g, PRAISE_CHANNELS, n, p=PRAISE_SHARE)),
        "note": strings(_pick(g, PRAISE_NOTES, n)),
    }
